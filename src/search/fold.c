/*
 * Character classes and folding for search keys; see fold.h.  The Latin
 * table was derived from Unicode's canonical decompositions (NFD, base
 * letter kept, marks dropped) plus the usual search expansions for the
 * letters that do not decompose (æ -> ae, œ -> oe, ß -> ss, ø -> o, ł -> l,
 * þ -> th, đ -> d, ı -> i); every entry was checked by hand.
 */
#include "search/fold.h"

#include <stdbool.h>

/* U+00C0..U+017F: lower-case form and the ASCII letters it folds to. */
struct latin {
	uint16_t lower; /* 0: not a letter (× and ÷) */
	char base[3];
};

static const struct latin latin[] = {
        {0x00E0, "a"},  {0x00E1, "a"},  {0x00E2, "a"},
        {0x00E3, "a"},  {0x00E4, "a"},  {0x00E5, "a"}, /* U+00C0 */
        {0x00E6, "ae"}, {0x00E7, "c"},  {0x00E8, "e"},
        {0x00E9, "e"},  {0x00EA, "e"},  {0x00EB, "e"}, /* U+00C6 */
        {0x00EC, "i"},  {0x00ED, "i"},  {0x00EE, "i"},
        {0x00EF, "i"},  {0x00F0, "d"},  {0x00F1, "n"}, /* U+00CC */
        {0x00F2, "o"},  {0x00F3, "o"},  {0x00F4, "o"},
        {0x00F5, "o"},  {0x00F6, "o"},  {0, ""}, /* U+00D2 */
        {0x00F8, "o"},  {0x00F9, "u"},  {0x00FA, "u"},
        {0x00FB, "u"},  {0x00FC, "u"},  {0x00FD, "y"}, /* U+00D8 */
        {0x00FE, "th"}, {0x00DF, "ss"}, {0x00E0, "a"},
        {0x00E1, "a"},  {0x00E2, "a"},  {0x00E3, "a"}, /* U+00DE */
        {0x00E4, "a"},  {0x00E5, "a"},  {0x00E6, "ae"},
        {0x00E7, "c"},  {0x00E8, "e"},  {0x00E9, "e"}, /* U+00E4 */
        {0x00EA, "e"},  {0x00EB, "e"},  {0x00EC, "i"},
        {0x00ED, "i"},  {0x00EE, "i"},  {0x00EF, "i"}, /* U+00EA */
        {0x00F0, "d"},  {0x00F1, "n"},  {0x00F2, "o"},
        {0x00F3, "o"},  {0x00F4, "o"},  {0x00F5, "o"}, /* U+00F0 */
        {0x00F6, "o"},  {0, ""},        {0x00F8, "o"},
        {0x00F9, "u"},  {0x00FA, "u"},  {0x00FB, "u"}, /* U+00F6 */
        {0x00FC, "u"},  {0x00FD, "y"},  {0x00FE, "th"},
        {0x00FF, "y"},  {0x0101, "a"},  {0x0101, "a"}, /* U+00FC */
        {0x0103, "a"},  {0x0103, "a"},  {0x0105, "a"},
        {0x0105, "a"},  {0x0107, "c"},  {0x0107, "c"}, /* U+0102 */
        {0x0109, "c"},  {0x0109, "c"},  {0x010B, "c"},
        {0x010B, "c"},  {0x010D, "c"},  {0x010D, "c"}, /* U+0108 */
        {0x010F, "d"},  {0x010F, "d"},  {0x0111, "d"},
        {0x0111, "d"},  {0x0113, "e"},  {0x0113, "e"}, /* U+010E */
        {0x0115, "e"},  {0x0115, "e"},  {0x0117, "e"},
        {0x0117, "e"},  {0x0119, "e"},  {0x0119, "e"}, /* U+0114 */
        {0x011B, "e"},  {0x011B, "e"},  {0x011D, "g"},
        {0x011D, "g"},  {0x011F, "g"},  {0x011F, "g"}, /* U+011A */
        {0x0121, "g"},  {0x0121, "g"},  {0x0123, "g"},
        {0x0123, "g"},  {0x0125, "h"},  {0x0125, "h"}, /* U+0120 */
        {0x0127, "h"},  {0x0127, "h"},  {0x0129, "i"},
        {0x0129, "i"},  {0x012B, "i"},  {0x012B, "i"}, /* U+0126 */
        {0x012D, "i"},  {0x012D, "i"},  {0x012F, "i"},
        {0x012F, "i"},  {0x0069, "i"},  {0x0131, "i"}, /* U+012C */
        {0x0133, "ij"}, {0x0133, "ij"}, {0x0135, "j"},
        {0x0135, "j"},  {0x0137, "k"},  {0x0137, "k"}, /* U+0132 */
        {0x0138, "k"},  {0x013A, "l"},  {0x013A, "l"},
        {0x013C, "l"},  {0x013C, "l"},  {0x013E, "l"}, /* U+0138 */
        {0x013E, "l"},  {0x0140, "l"},  {0x0140, "l"},
        {0x0142, "l"},  {0x0142, "l"},  {0x0144, "n"}, /* U+013E */
        {0x0144, "n"},  {0x0146, "n"},  {0x0146, "n"},
        {0x0148, "n"},  {0x0148, "n"},  {0x0149, "n"}, /* U+0144 */
        {0x014B, "n"},  {0x014B, "n"},  {0x014D, "o"},
        {0x014D, "o"},  {0x014F, "o"},  {0x014F, "o"}, /* U+014A */
        {0x0151, "o"},  {0x0151, "o"},  {0x0153, "oe"},
        {0x0153, "oe"}, {0x0155, "r"},  {0x0155, "r"}, /* U+0150 */
        {0x0157, "r"},  {0x0157, "r"},  {0x0159, "r"},
        {0x0159, "r"},  {0x015B, "s"},  {0x015B, "s"}, /* U+0156 */
        {0x015D, "s"},  {0x015D, "s"},  {0x015F, "s"},
        {0x015F, "s"},  {0x0161, "s"},  {0x0161, "s"}, /* U+015C */
        {0x0163, "t"},  {0x0163, "t"},  {0x0165, "t"},
        {0x0165, "t"},  {0x0167, "t"},  {0x0167, "t"}, /* U+0162 */
        {0x0169, "u"},  {0x0169, "u"},  {0x016B, "u"},
        {0x016B, "u"},  {0x016D, "u"},  {0x016D, "u"}, /* U+0168 */
        {0x016F, "u"},  {0x016F, "u"},  {0x0171, "u"},
        {0x0171, "u"},  {0x0173, "u"},  {0x0173, "u"}, /* U+016E */
        {0x0175, "w"},  {0x0175, "w"},  {0x0177, "y"},
        {0x0177, "y"},  {0x00FF, "y"},  {0x017A, "z"}, /* U+0174 */
        {0x017A, "z"},  {0x017C, "z"},  {0x017C, "z"},
        {0x017E, "z"},  {0x017E, "z"},  {0x017F, "s"}, /* U+017A */
};

uint32_t fold_decode(const char *s, size_t n, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t left = n - *i, len, k;
	uint32_t cp, min;

	if (p[0] < 0x80) {
		*i += 1;
		return p[0];
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		len = 2;
		cp = p[0] & 0x1F;
		min = 0x80;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3;
		cp = p[0] & 0x0F;
		min = 0x800;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4;
		cp = p[0] & 0x07;
		min = 0x10000;
	} else {
		goto bad;
	}
	if (left < len)
		goto bad;
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			goto bad;
		cp = cp << 6 | (p[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		goto bad;
	*i += len;
	return cp;
bad:
	*i += 1;
	return FOLD_BAD;
}

size_t fold_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static bool in(uint32_t cp, uint32_t lo, uint32_t hi)
{
	return cp >= lo && cp <= hi;
}

enum fold_class fold_class(uint32_t cp)
{
	if (cp < 0x80) {
		if (in(cp, 'a', 'z') || in(cp, 'A', 'Z'))
			return FOLD_LETTER;
		if (in(cp, '0', '9'))
			return FOLD_DIGIT;
		return cp == '\'' ? FOLD_APOSTROPHE : FOLD_SPACE;
	}
	if (cp < 0xC0) {
		if (cp == 0xAD) /* soft hyphen: invisible, inside words */
			return FOLD_MARK;
		return cp == 0xAA || cp == 0xB5 || cp == 0xBA ? FOLD_LETTER : FOLD_SPACE;
	}
	if (cp < 0x250)
		return cp == 0xD7 || cp == 0xF7 ? FOLD_SPACE : FOLD_LETTER;
	if (cp < 0x300) {
		if (cp == 0x2BC)
			return FOLD_APOSTROPHE;
		return cp < 0x2C2 || in(cp, 0x2E0, 0x2E4) ? FOLD_LETTER : FOLD_SPACE;
	}
	if (cp < 0x370)
		return FOLD_MARK;
	if (cp < 0x400) /* Greek: a few punctuation marks live in the block */
		return cp == 0x375 || cp == 0x37E || cp == 0x384 || cp == 0x385 || cp == 0x387
		               ? FOLD_SPACE
		               : FOLD_LETTER;
	if (cp < 0x530) {
		if (cp == 0x482)
			return FOLD_SPACE;
		return in(cp, 0x483, 0x489) ? FOLD_MARK : FOLD_LETTER;
	}
	if (cp < 0x2000) {
		if (in(cp, 0x1AB0, 0x1AFF) || in(cp, 0x1DC0, 0x1DFF))
			return FOLD_MARK;
		/* Other scripts' word separators that matter in practice. */
		if (cp == 0x589 || cp == 0x5BE || cp == 0x5C3 || cp == 0x60C || cp == 0x61B ||
		    cp == 0x61F || cp == 0x6D4 || cp == 0x964 || cp == 0x965 || cp == 0x1680)
			return FOLD_SPACE;
		return FOLD_LETTER;
	}
	if (cp < 0x2C00) {
		if (cp == 0x2018 || cp == 0x2019)
			return FOLD_APOSTROPHE;
		if (in(cp, 0x200B, 0x200D) || cp == 0x2060 || in(cp, 0x20D0, 0x20FF))
			return FOLD_MARK;
		return FOLD_SPACE; /* punctuation, symbols, arrows, maths, boxes */
	}
	if (cp < 0x2E00)
		return in(cp, 0x2DE0, 0x2DFF) ? FOLD_MARK : FOLD_LETTER;
	if (cp < 0x2E80)
		return FOLD_SPACE;
	if (in(cp, 0x3000, 0x303F) || in(cp, 0xD800, 0xF8FF))
		return FOLD_SPACE;
	if (in(cp, 0xFE00, 0xFE0F) || in(cp, 0xFE20, 0xFE2F) || cp == 0xFEFF)
		return FOLD_MARK;
	if (in(cp, 0xFE10, 0xFE1F) || in(cp, 0xFE30, 0xFE6F) || in(cp, 0xFF00, 0xFF0F) ||
	    in(cp, 0xFF1A, 0xFF20) || in(cp, 0xFF3B, 0xFF40) || in(cp, 0xFF5B, 0xFF65) ||
	    in(cp, 0xFFF0, 0xFFFF))
		return FOLD_SPACE;
	if (in(cp, 0x1F000, 0x1FAFF) || in(cp, 0xF0000, 0x10FFFF))
		return FOLD_SPACE; /* emoji, pictographs, private use */
	if (in(cp, 0xE0000, 0xE0FFF))
		return FOLD_MARK; /* tags and variation selectors */
	return FOLD_LETTER;
}

enum fold_script fold_script(uint32_t cp)
{
	if (in(cp, 'a', 'z') || in(cp, 'A', 'Z') || cp == 0xAA || cp == 0xBA ||
	    (in(cp, 0xC0, 0x24F) && cp != 0xD7 && cp != 0xF7) || in(cp, 0x1E00, 0x1EFF))
		return FOLD_SCRIPT_LATIN;
	if (in(cp, 0x400, 0x52F) || in(cp, 0x1C80, 0x1C8F) || in(cp, 0xA640, 0xA69F))
		return FOLD_SCRIPT_CYRILLIC;
	return FOLD_SCRIPT_OTHER;
}

uint32_t fold_lower(uint32_t cp)
{
	if (cp < 0x80)
		return in(cp, 'A', 'Z') ? cp + 32 : cp;
	if (cp < 0xC0)
		return cp;
	if (cp < 0x180)
		return latin[cp - 0xC0].lower ? latin[cp - 0xC0].lower : cp;
	if (cp < 0x370) {
		if (cp == 0x2BC)
			return '\'';
		return cp;
	}
	if (cp < 0x400) {
		if (in(cp, 0x391, 0x3AB) && cp != 0x3A2)
			return cp + 32;
		if (cp == 0x386)
			return 0x3AC;
		if (in(cp, 0x388, 0x38A))
			return cp + 37;
		if (cp == 0x38C)
			return 0x3CC;
		if (cp == 0x38E || cp == 0x38F)
			return cp + 63;
		return cp == 0x3C2 ? 0x3C3 : cp; /* final sigma */
	}
	if (cp < 0x530) {
		if (cp == 0x401 || cp == 0x451) /* ё: written as е in most texts */
			return 0x435;
		if (cp < 0x410)
			return cp + 0x50;
		if (cp < 0x430)
			return cp + 0x20;
		if (cp < 0x460)
			return cp;
		if (cp == 0x4C0)
			return 0x4CF;
		if (in(cp, 0x4C1, 0x4CE))
			return cp & 1 ? cp + 1 : cp;
		if (in(cp, 0x460, 0x481) || in(cp, 0x48A, 0x4BF) || in(cp, 0x4D0, 0x52F))
			return cp & 1 ? cp : cp + 1;
		return cp;
	}
	if (in(cp, 0x1E00, 0x1E95) || in(cp, 0x1EA0, 0x1EFF))
		return cp & 1 ? cp : cp + 1;
	if (cp == 0x2018 || cp == 0x2019)
		return '\'';
	return cp;
}

/* The diacritic-free form of a lower-case code point, as UTF-8; returns its length. */
static size_t strip(uint32_t cp, char out[4])
{
	const char *b;
	size_t k;

	if (in(cp, 0xC0, 0x17F) && latin[cp - 0xC0].lower) {
		b = latin[cp - 0xC0].base;
		for (k = 0; b[k]; k++)
			out[k] = b[k];
		return k;
	}
	switch (cp) {
	case 0x450: /* ѐ */
		cp = 0x435;
		break;
	case 0x453: /* ѓ */
	case 0x491: /* ґ: the 1933-1990 orthography and many typists write г */
		cp = 0x433;
		break;
	case 0x45C: /* ќ */
		cp = 0x43A;
		break;
	case 0x45D: /* ѝ */
		cp = 0x438;
		break;
	case 0x3AC:
		cp = 0x3B1;
		break;
	case 0x3AD:
		cp = 0x3B5;
		break;
	case 0x3AE:
		cp = 0x3B7;
		break;
	case 0x3AF:
	case 0x3CA:
	case 0x390:
		cp = 0x3B9;
		break;
	case 0x3CC:
		cp = 0x3BF;
		break;
	case 0x3CD:
	case 0x3CB:
	case 0x3B0:
		cp = 0x3C5;
		break;
	case 0x3CE:
		cp = 0x3C9;
		break;
	default:
		break;
	}
	return fold_encode(cp, out);
}

size_t fold_key(const char *s, size_t n, char *out, size_t cap)
{
	size_t i = 0, o = 0, k;
	char enc[4];
	uint32_t cp;

	while (i < n) {
		cp = fold_decode(s, n, &i);
		if (cp == FOLD_BAD || fold_class(cp) == FOLD_MARK)
			continue;
		k = strip(fold_lower(cp), enc);
		if (o + k > cap)
			break;
		for (size_t j = 0; j < k; j++)
			out[o++] = enc[j];
	}
	return o;
}
