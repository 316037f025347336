/*
 * UTF-8 decoding and folding.  See utf8.h.
 *
 * Validation follows Table 3-7 of the Unicode Standard ("well-formed UTF-8
 * byte sequences"): the second byte's range depends on the first, which
 * rules out overlongs (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF)
 * and code points above U+10FFFF (F4 90.., F5..FF) without decoding.
 *
 * Case mapping is a sorted table of runs taken from UnicodeData.txt's simple
 * lower-case field (Unicode 14) for the blocks named in utf8.h, checked
 * against Python's unicodedata when written; mappings that leave those
 * blocks (U+023A -> U+2C65) are left out, so that folding stays closed.
 * The accent table gives, for each Latin letter, the ASCII letter it is
 * read as once its marks are gone: the canonical decomposition's base
 * letter, plus the letters Unicode does not decompose but every reader
 * strips the same way (ø, ł, đ, ð, ħ, ŧ, ı, ŀ, ſ and the hooked and stroked
 * letters of extended-B and IPA).
 */
#include "text/utf8.h"

#include <string.h>

#include "util/util.h"

/* Length of the well-formed sequence at s[0..n), or 0 if there is none. */
static size_t seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t len, k;

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0) {
		len = 2;
	} else if (c < 0xF0) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c < 0xF5) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	return len;
}

size_t utf8_invalid_at(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;

	while (i < n) {
		/* Most text is ASCII: skip it eight bytes at a time. */
		while (n - i >= 8) {
			uint64_t w;
			memcpy(&w, u + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		len = seq_len(u + i, n - i);
		if (len == 0)
			return i;
		i += len;
	}
	return n;
}

bool utf8_valid(const char *s, size_t n)
{
	return utf8_invalid_at(s, n) == n;
}

uint32_t utf8_decode(const char *s, size_t n, size_t *i)
{
	const unsigned char *u = (const unsigned char *)s + *i;
	size_t len;

	if (*i >= n)
		return 0xFFFD;
	len = seq_len(u, n - *i);
	*i += len ? len : 1;
	switch (len) {
	case 1:
		return u[0];
	case 2:
		return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
	case 3:
		return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
	case 4:
		return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
		       (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F);
	default:
		return 0xFFFD;
	}
}

uint32_t utf8_decode_composed(const char *s, size_t n, size_t *i)
{
	/* Base letter, combining mark, composed letter. */
	static const uint32_t comp[][3] = {
	        {0x0418, 0x0306, 0x0419}, /* И + breve -> Й */
	        {0x0438, 0x0306, 0x0439}, /* и -> й */
	        {0x0423, 0x0306, 0x040E}, /* У -> Ў */
	        {0x0443, 0x0306, 0x045E}, /* у -> ў */
	        {0x0406, 0x0308, 0x0407}, /* І + diaeresis -> Ї */
	        {0x0456, 0x0308, 0x0457}, /* і -> ї */
	        {0x0415, 0x0308, 0x0401}, /* Е -> Ё */
	        {0x0435, 0x0308, 0x0451}, /* е -> ё */
	};
	uint32_t cp = utf8_decode(s, n, i), mark;
	size_t j = *i, k;

	if (cp < 0x0406 || cp > 0x0456 || j >= n)
		return cp;
	mark = utf8_decode(s, n, &j);
	for (k = 0; k < NELEM(comp); k++) {
		if (comp[k][0] == cp && comp[k][1] == mark) {
			*i = j;
			return comp[k][2];
		}
	}
	return cp;
}

void utf8_encode(struct buf *out, uint32_t cp)
{
	char b[4];

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		buf_putc(out, (int)cp);
		return;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		buf_put(out, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		buf_put(out, b, 3);
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		buf_put(out, b, 4);
	}
}

void utf8_sanitize(struct buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, len;

	buf_grow(out, n);
	while (i < n) {
		len = seq_len(u + i, n - i);
		if (len) {
			i += len;
			continue;
		}
		buf_put(out, s + start, i - start);
		buf_put(out, "\xEF\xBF\xBD", 3);
		start = ++i;
	}
	buf_put(out, s + start, n - start);
}

/*
 * Runs of upper-case letters: every step-th code point from first to last
 * maps to itself + delta.  Sorted by first.
 */
static const struct lower_run {
	uint16_t first, last;
	int16_t delta;
	uint8_t step;
} lower_runs[] = {
        {0x0041, 0x005A, 32, 1},   {0x00C0, 0x00D6, 32, 1},    {0x00D8, 0x00DE, 32, 1},
        {0x0100, 0x012E, 1, 2},    {0x0130, 0x0130, -199, 1},  {0x0132, 0x0136, 1, 2},
        {0x0139, 0x0147, 1, 2},    {0x014A, 0x0176, 1, 2},     {0x0178, 0x0178, -121, 1},
        {0x0179, 0x017D, 1, 2},    {0x0181, 0x0181, 210, 1},   {0x0182, 0x0184, 1, 2},
        {0x0186, 0x0186, 206, 1},  {0x0187, 0x0187, 1, 1},     {0x0189, 0x018A, 205, 1},
        {0x018B, 0x018B, 1, 1},    {0x018E, 0x018E, 79, 1},    {0x018F, 0x018F, 202, 1},
        {0x0190, 0x0190, 203, 1},  {0x0191, 0x0191, 1, 1},     {0x0193, 0x0193, 205, 1},
        {0x0194, 0x0194, 207, 1},  {0x0196, 0x0196, 211, 1},   {0x0197, 0x0197, 209, 1},
        {0x0198, 0x0198, 1, 1},    {0x019C, 0x019C, 211, 1},   {0x019D, 0x019D, 213, 1},
        {0x019F, 0x019F, 214, 1},  {0x01A0, 0x01A4, 1, 2},     {0x01A6, 0x01A6, 218, 1},
        {0x01A7, 0x01A7, 1, 1},    {0x01A9, 0x01A9, 218, 1},   {0x01AC, 0x01AC, 1, 1},
        {0x01AE, 0x01AE, 218, 1},  {0x01AF, 0x01AF, 1, 1},     {0x01B1, 0x01B2, 217, 1},
        {0x01B3, 0x01B5, 1, 2},    {0x01B7, 0x01B7, 219, 1},   {0x01B8, 0x01B8, 1, 1},
        {0x01BC, 0x01BC, 1, 1},    {0x01C4, 0x01C4, 2, 1},     {0x01C5, 0x01C5, 1, 1},
        {0x01C7, 0x01C7, 2, 1},    {0x01C8, 0x01C8, 1, 1},     {0x01CA, 0x01CA, 2, 1},
        {0x01CB, 0x01DB, 1, 2},    {0x01DE, 0x01EE, 1, 2},     {0x01F1, 0x01F1, 2, 1},
        {0x01F2, 0x01F4, 1, 2},    {0x01F6, 0x01F6, -97, 1},   {0x01F7, 0x01F7, -56, 1},
        {0x01F8, 0x021E, 1, 2},    {0x0220, 0x0220, -130, 1},  {0x0222, 0x0232, 1, 2},
        {0x023B, 0x023B, 1, 1},    {0x023D, 0x023D, -163, 1},  {0x0241, 0x0241, 1, 1},
        {0x0243, 0x0243, -195, 1}, {0x0244, 0x0244, 69, 1},    {0x0245, 0x0245, 71, 1},
        {0x0246, 0x024E, 1, 2},    {0x0370, 0x0372, 1, 2},     {0x0376, 0x0376, 1, 1},
        {0x037F, 0x037F, 116, 1},  {0x0386, 0x0386, 38, 1},    {0x0388, 0x038A, 37, 1},
        {0x038C, 0x038C, 64, 1},   {0x038E, 0x038F, 63, 1},    {0x0391, 0x03A1, 32, 1},
        {0x03A3, 0x03AB, 32, 1},   {0x03CF, 0x03CF, 8, 1},     {0x03D8, 0x03EE, 1, 2},
        {0x03F4, 0x03F4, -60, 1},  {0x03F7, 0x03F7, 1, 1},     {0x03F9, 0x03F9, -7, 1},
        {0x03FA, 0x03FA, 1, 1},    {0x03FD, 0x03FF, -130, 1},  {0x0400, 0x040F, 80, 1},
        {0x0410, 0x042F, 32, 1},   {0x0460, 0x0480, 1, 2},     {0x048A, 0x04BE, 1, 2},
        {0x04C0, 0x04C0, 15, 1},   {0x04C1, 0x04CD, 1, 2},     {0x04D0, 0x052E, 1, 2},
        {0x1E00, 0x1E94, 1, 2},    {0x1E9E, 0x1E9E, -7615, 1}, {0x1EA0, 0x1EFE, 1, 2},
};

uint32_t utf8_lower(uint32_t cp)
{
	size_t lo = 0, hi = NELEM(lower_runs), mid;

	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	if (cp > 0x1EFE)
		return cp;
	while (lo < hi) {
		const struct lower_run *r;

		mid = lo + (hi - lo) / 2;
		r = &lower_runs[mid];
		if (cp < r->first) {
			hi = mid;
		} else if (cp > r->last) {
			lo = mid + 1;
		} else {
			if ((cp - r->first) % r->step != 0)
				return cp;
			return (uint32_t)((int32_t)cp + r->delta);
		}
	}
	return cp;
}

/*
 * The ASCII letter each Latin letter reads as without its marks, sixteen
 * code points a row; '.' where there is none (æ, þ, ß, ŋ, ə...).
 */
static const char latin_base[][17] = {
        "AAAAAA.CEEEEIIII", /* U+00C0 */
        "DNOOOOO.OUUUUY..", /* U+00D0 */
        "aaaaaa.ceeeeiiii", /* U+00E0 */
        "dnooooo.ouuuuy.y", /* U+00F0 */
        "AaAaAaCcCcCcCcDd", /* U+0100 */
        "DdEeEeEeEeEeGgGg", /* U+0110 */
        "GgGgHhHhIiIiIiIi", /* U+0120 */
        "Ii..JjKk.LlLlLlL", /* U+0130 */
        "lLlNnNnNn...OoOo", /* U+0140 */
        "Oo..RrRrRrSsSsSs", /* U+0150 */
        "SsTtTtTtUuUuUuUu", /* U+0160 */
        "UuUuWwYyYZzZzZzs", /* U+0170 */
        "bBBb...CcDDDd...", /* U+0180 */
        ".FfG...IKkl..NnO", /* U+0190 */
        "Oo..Pp.....tTtTU", /* U+01A0 */
        "u.VYyZz.........", /* U+01B0 */
        ".............AaI", /* U+01C0 */
        "iOoUuUuUuUuUu.Aa", /* U+01D0 */
        "Aa..GgGgKkOoOo..", /* U+01E0 */
        "j...Gg..NnAa..Oo", /* U+01F0 */
        "AaAaEeEeIiIiOoOo", /* U+0200 */
        "RrRrUuUuSsTt..Hh", /* U+0210 */
        "Nd..ZzAaEeOoOoOo", /* U+0220 */
        "OoYylntj...CcL.s", /* U+0230 */
        "z..BU.EeJj..RrYy", /* U+0240 */
        "...b.cdd.......j", /* U+0250 */
        "g.....h.i..lll..", /* U+0260 */
        ".mnn.o.......r..", /* U+0270 */
        "..s.....tu.v....", /* U+0280 */
        "zz..............", /* U+0290 */
        "................", /* U+02A0 */
};

static const char latin_ext_base[][17] = {
        "AaBbBbBbCcDdDdDd", /* U+1E00 */
        "DdDdEeEeEeEeEeFf", /* U+1E10 */
        "GgHhHhHhHhHhIiIi", /* U+1E20 */
        "KkKkKkLlLlLlLlMm", /* U+1E30 */
        "MmMmNnNnNnNnOoOo", /* U+1E40 */
        "OoOoPpPpRrRrRrRr", /* U+1E50 */
        "SsSsSsSsSsTtTtTt", /* U+1E60 */
        "TtUuUuUuUuUuVvVv", /* U+1E70 */
        "WwWwWwWwWwXxXxYy", /* U+1E80 */
        "ZzZzZzhtwyas....", /* U+1E90 */
        "AaAaAaAaAaAaAaAa", /* U+1EA0 */
        "AaAaAaAaEeEeEeEe", /* U+1EB0 */
        "EeEeEeEeIiIiOoOo", /* U+1EC0 */
        "OoOoOoOoOoOoOoOo", /* U+1ED0 */
        "OoOoUuUuUuUuUuUu", /* U+1EE0 */
        "UuYyYyYyYy......", /* U+1EF0 */
};

/* Lower-case Greek letters with tonos or dialytika, and final sigma. */
static uint32_t greek_strip(uint32_t cp)
{
	switch (cp) {
	case 0x03AC:
		return 0x03B1; /* ά */
	case 0x03AD:
		return 0x03B5; /* έ */
	case 0x03AE:
		return 0x03B7; /* ή */
	case 0x03AF:
	case 0x03CA:
	case 0x0390:
		return 0x03B9; /* ί ϊ ΐ */
	case 0x03CC:
		return 0x03BF; /* ό */
	case 0x03CD:
	case 0x03CB:
	case 0x03B0:
		return 0x03C5; /* ύ ϋ ΰ */
	case 0x03CE:
		return 0x03C9; /* ώ */
	case 0x03C2:
		return 0x03C3; /* ς */
	default:
		return cp;
	}
}

uint32_t utf8_fold(uint32_t cp)
{
	char c;

	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	if (cp == 0x2019 || cp == 0x02BC)
		return '\'';
	cp = utf8_lower(cp);
	if (cp >= 0x00C0 && cp < 0x02B0) {
		c = latin_base[(cp - 0xC0) >> 4][cp & 15];
		if (c != '.')
			return (uint32_t)(c | 0x20);
	} else if (cp >= 0x1E00 && cp < 0x1F00) {
		c = latin_ext_base[(cp - 0x1E00) >> 4][cp & 15];
		if (c != '.')
			return (uint32_t)(c | 0x20);
	} else if (cp >= 0x0390 && cp < 0x03D0) {
		return greek_strip(cp);
	} else if (cp == 0x0451 || cp == 0x0450) {
		return 0x0435; /* ё ѐ -> е */
	} else if (cp == 0x045D) {
		return 0x0438; /* ѝ -> и */
	}
	return cp;
}

bool utf8_is_ignorable(uint32_t cp)
{
	return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
	       (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
	       (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x00AD || (cp >= 0x200B && cp <= 0x200D) ||
	       cp == 0x2060 || cp == 0xFEFF;
}

/* The spelling of folded letters that take two or three ASCII letters, or NULL. */
static const char *fold_expand(uint32_t cp)
{
	switch (cp) {
	case 0x00DF:
		return "ss"; /* ß (and ẞ, once lowered) */
	case 0x00E6:
		return "ae";
	case 0x0153:
		return "oe";
	case 0x0133:
		return "ij";
	case 0x00FE:
		return "th";
	case 0xFB00:
		return "ff";
	case 0xFB01:
		return "fi";
	case 0xFB02:
		return "fl";
	case 0xFB03:
		return "ffi";
	case 0xFB04:
		return "ffl";
	case 0xFB05:
	case 0xFB06:
		return "st";
	default:
		return NULL;
	}
}

void utf8_fold_str(struct buf *out, const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;
	const char *x;

	buf_grow(out, n);
	while (i < n) {
		cp = utf8_decode_composed(s, n, &i);
		if (utf8_is_ignorable(cp))
			continue;
		cp = utf8_fold(cp);
		if ((x = fold_expand(cp)) != NULL)
			buf_puts(out, x);
		else
			utf8_encode(out, cp);
	}
}

size_t utf8_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len, count = 0;

	while (i < n) {
		len = seq_len(u + i, n - i);
		i += len ? len : 1;
		count++;
	}
	return count;
}

size_t utf8_cut(const char *s, size_t n, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k, len;

	if (max >= n)
		return n;
	/*
	 * A sequence that straddles max starts at most three bytes before it;
	 * if a well-formed one does, cut before it.  Broken bytes are units of
	 * their own and never straddle.
	 */
	for (k = 1; k <= 3 && k <= max; k++) {
		if ((u[max - k] & 0xC0) != 0x80) {
			len = seq_len(u + max - k, n - (max - k));
			return len > k ? max - k : max;
		}
	}
	return max;
}
