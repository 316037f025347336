/*
 * Slugs and transliteration.  See slug.h.
 *
 * Sources of the tables:
 *
 * - Ukrainian: resolution of the Cabinet of Ministers of Ukraine no. 55 of
 *   27 January 2010, "On the regulation of the transliteration of the
 *   Ukrainian alphabet by means of the Latin alphabet" (the KMU 2010
 *   table).  є ї й ю я are ye yi y yu ya at the start of a word and ie i i
 *   iu ia elsewhere; г is h, and "gh" after з (Згорани -> Zghorany) so
 *   that зг is not read as zh; ь and the apostrophe are not written
 *   (Подвір'я -> Podviria).  The table's rule would write the lone
 *   conjunction й as "y"; it is read as its variant і ("i") instead, so
 *   that "Щастя й Згода" -> "shchastia-i-zghoda".
 * - Russian: order no. 2017 of 2017 of the Ministry of Internal Affairs
 *   on passports, appendix 6, which follows ICAO Doc 9303 part 3: ё e,
 *   й i, х kh, ц ts, щ shch, ъ ie, ы y, ь not written, э e, ю iu, я ia.
 * - Other Cyrillic letters (Belarusian ў, Serbian and Macedonian ђ ј љ њ
 *   ћ џ ѓ ќ ѕ): the letters of their Latin alphabets, without marks (ў u,
 *   ђ dj, љ lj, њ nj, ћ c, џ dz, ѓ gj, ќ kj, ѕ dz).
 * - Greek: ELOT 743 / ISO 843 transcription, with its digraph rules for
 *   ου (ou), αυ ευ ηυ (av ev iv; af ef if before a voiceless consonant or
 *   at the end of a word) and γ before γ ξ χ (n).
 * - Latin: each letter without its marks (utf8_fold()), and the usual
 *   spellings of the letters that have no base letter: ß ss, æ ae, œ oe,
 *   þ th, ĳ ij, ŋ ng, ə e.  With lang "de", ä ö ü are ae oe ue.
 *
 * Apostrophes (' ’ ʼ): inside a Cyrillic word they are the Ukrainian and
 * Belarusian letter separator and are dropped; between two Latin letters
 * they are dropped from English slugs ("don't" -> dont) and split words
 * elsewhere, as French elision reads ("l'œuvre" -> l-oeuvre).
 */
#include "text/slug.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/utf8.h"
#include "util/util.h"

/* Language switches for the tables. */
struct lang {
	bool uk, de, en;
};

static bool lang_is(const char *lang, const char *code)
{
	if (lang == NULL)
		return false;
	if (tolower((unsigned char)lang[0]) != code[0] ||
	    tolower((unsigned char)lang[1]) != code[1])
		return false;
	return lang[2] == '\0' || lang[2] == '-' || lang[2] == '_';
}

static bool is_apostrophe(uint32_t cp)
{
	return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

static bool is_cyrillic(uint32_t cp)
{
	return cp >= 0x0400 && cp <= 0x052F && !(cp >= 0x0482 && cp <= 0x0489);
}

static bool is_greek(uint32_t cp)
{
	return cp >= 0x0370 && cp <= 0x03FF && cp != 0x0375 && cp != 0x037E && cp != 0x0384 &&
	       cp != 0x0385 && cp != 0x0387;
}

static bool is_latin(uint32_t cp)
{
	if (cp < 0x80)
		return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
	return (cp >= 0x00C0 && cp < 0x02B0 && cp != 0xD7 && cp != 0xF7) ||
	       (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0xFB00 && cp <= 0xFB06);
}

static bool is_letter(uint32_t cp)
{
	return is_latin(cp) || is_cyrillic(cp) || is_greek(cp);
}

static bool is_upper(uint32_t cp)
{
	return utf8_lower(cp) != cp;
}

/*
 * Russian passport readings of а..я (U+0430..U+044F).  The Ukrainian
 * table differs for г и й ю я, handled in cyrillic().
 */
static const char *const ru_table[32] = {
        "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "i",    "k",  "l", "m", "n", "o",  "p",
        "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "",  "e", "iu", "ia",
};

/* The text: code points with ignorable ones removed and NFD Cyrillic composed. */
struct text {
	uint32_t *cp;
	size_t n;
};

static uint32_t at(const struct text *t, size_t i)
{
	return i < t->n ? t->cp[i] : 0;
}

/* True if t[i] starts a word: no letter (nor in-word apostrophe) before it. */
static bool word_start(const struct text *t, size_t i)
{
	if (i == 0)
		return true;
	if (is_letter(t->cp[i - 1]))
		return false;
	if (is_apostrophe(t->cp[i - 1]) && i >= 2 && is_letter(t->cp[i - 2]))
		return false;
	return true;
}

static const char *cyrillic(const struct text *t, size_t i, const struct lang *lg)
{
	uint32_t c = utf8_lower(t->cp[i]);
	bool start = word_start(t, i);

	switch (c) {
	/* Ukrainian letters: the KMU table in any language. */
	case 0x0454:
		return start ? "ye" : "ie"; /* є */
	case 0x0456:
		return "i"; /* і */
	case 0x0457:
		return start ? "yi" : "i"; /* ї */
	case 0x0491:
		return "g"; /* ґ */
	/* Other Slavic letters. */
	case 0x0450:
		return "e"; /* ѐ */
	case 0x0451:
		return "e"; /* ё */
	case 0x0452:
		return "dj"; /* ђ */
	case 0x0453:
		return "gj"; /* ѓ */
	case 0x0455:
		return "dz"; /* ѕ */
	case 0x0458:
		return "j"; /* ј */
	case 0x0459:
		return "lj"; /* љ */
	case 0x045A:
		return "nj"; /* њ */
	case 0x045B:
		return "c"; /* ћ */
	case 0x045C:
		return "kj"; /* ќ */
	case 0x045D:
		return "i"; /* ѝ */
	case 0x045E:
		return "u"; /* ў */
	case 0x045F:
		return "dz"; /* џ */
	default:
		break;
	}
	if (c < 0x0430 || c > 0x044F)
		return NULL;
	if (lg->uk) {
		switch (c) {
		case 0x0433: /* г */
			return i > 0 && utf8_lower(t->cp[i - 1]) == 0x0437 ? "gh" : "h";
		case 0x0438:
			return "y"; /* и */
		case 0x0439:        /* й; the lone conjunction й reads as і */
			return start && !is_letter(at(t, i + 1)) ? "i" : start ? "y" : "i";
		case 0x044E:
			return start ? "yu" : "iu"; /* ю */
		case 0x044F:
			return start ? "ya" : "ia"; /* я */
		default:
			break;
		}
	}
	return ru_table[c - 0x0430];
}

/* Greek consonants before which αυ ευ ηυ read af ef if (ELOT 743). */
static bool greek_voiceless(uint32_t c)
{
	return c == 0x03B8 || c == 0x03BA || c == 0x03BE || c == 0x03C0 || c == 0x03C3 ||
	       c == 0x03C2 || c == 0x03C4 || c == 0x03C6 || c == 0x03C7 || c == 0x03C8;
}

static const char *greek(const struct text *t, size_t i)
{
	static const char *const table[25] = {
	        "a", "v", "g", "d", "e", "z", "i", "th", "i", "k",  "l",  "m", "n",
	        "x", "o", "p", "r", "s", "s", "t", "y",  "f", "ch", "ps", "o",
	};
	uint32_t raw = utf8_lower(t->cp[i]), c = utf8_fold(t->cp[i]), prev, next;

	if (c == 0x03C2)
		c = 0x03C3;
	if (c < 0x03B1 || c > 0x03C9)
		return NULL;
	prev = i > 0 ? utf8_fold(t->cp[i - 1]) : 0;
	next = utf8_fold(at(t, i + 1));
	/* A diaeresis on υ keeps it a vowel of its own. */
	if (c == 0x03C5 && raw != 0x03CB && raw != 0x03B0) {
		if (prev == 0x03BF) /* ου */
			return "u";
		if (prev == 0x03B1 || prev == 0x03B5 || prev == 0x03B7) /* αυ ευ ηυ */
			return greek_voiceless(next) || !is_greek(at(t, i + 1)) ? "f" : "v";
	}
	if (c == 0x03B3 && (next == 0x03B3 || next == 0x03BE || next == 0x03C7))
		return "n";
	return table[c - 0x03B1];
}

static const char *latin(uint32_t cp, const struct lang *lg)
{
	/* One-letter readings, NUL-separated, so that no buffer is shared. */
	static const char letters[] = "a\0b\0c\0d\0e\0f\0g\0h\0i\0j\0k\0l\0m\0"
	                              "n\0o\0p\0q\0r\0s\0t\0u\0v\0w\0x\0y\0z";
	uint32_t c = utf8_lower(cp), f;

	if (lg->de) {
		if (c == 0xE4)
			return "ae";
		if (c == 0xF6)
			return "oe";
		if (c == 0xFC)
			return "ue";
	}
	f = utf8_fold(c);
	if (f >= 'a' && f <= 'z')
		return &letters[(f - 'a') * 2];
	switch (f) {
	case 0x00DF:
		return "ss";
	case 0x00E6:
		return "ae";
	case 0x0153:
		return "oe";
	case 0x00FE:
		return "th";
	case 0x0133:
		return "ij";
	case 0x014B:
		return "ng";
	case 0x0259:
		return "e"; /* ə */
	case 0x0138:
		return "k"; /* ĸ */
	case 0x0149:
		return "n"; /* ŉ */
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

/*
 * Writes the ASCII reading r of the letter t[i] in its case: a capital
 * gives "Shch" before a small letter and "SHCH" in a word in capitals.
 */
static void put_cased(struct buf *out, const char *r, const struct text *t, size_t i)
{
	size_t k;
	bool all;

	if (!is_upper(t->cp[i])) {
		buf_puts(out, r);
		return;
	}
	if (is_letter(at(t, i + 1)))
		all = is_upper(at(t, i + 1));
	else
		all = i > 0 && is_letter(t->cp[i - 1]) && is_upper(t->cp[i - 1]);
	for (k = 0; r[k]; k++)
		buf_putc(out, k == 0 || all ? toupper((unsigned char)r[k]) : r[k]);
}

/*
 * The work of both entry points.  slug: letters and digits in lower case,
 * anything else as one ' ' (a separator).  Otherwise case and all other
 * characters are kept.
 */
static void translit(struct buf *out, const char *s, size_t n, const char *lang, bool slug)
{
	struct lang lg = {lang_is(lang, "uk"), lang_is(lang, "de"), lang_is(lang, "en")};
	struct text t = {NULL, 0};
	size_t i = 0;
	uint32_t c;
	const char *r;

	t.cp = xreallocarray(NULL, n ? n : 1, sizeof(*t.cp));
	while (i < n) {
		c = utf8_decode_composed(s, n, &i);
		if (!utf8_is_ignorable(c))
			t.cp[t.n++] = c;
	}
	for (i = 0; i < t.n; i++) {
		c = t.cp[i];
		if (c < 0x80 && isalnum((int)c)) {
			buf_putc(out, slug ? tolower((int)c) : (int)c);
			continue;
		}
		r = NULL;
		if (is_cyrillic(c))
			r = cyrillic(&t, i, &lg);
		else if (is_greek(c))
			r = greek(&t, i);
		else if (is_latin(c))
			r = latin(c, &lg);
		if (r != NULL) {
			if (slug)
				buf_puts(out, r);
			else
				put_cased(out, r, &t, i);
			continue;
		}
		if (is_apostrophe(c) && i > 0 && is_letter(t.cp[i - 1]) &&
		    is_letter(at(&t, i + 1)) &&
		    ((is_cyrillic(t.cp[i - 1]) && is_cyrillic(t.cp[i + 1])) || (lg.en && slug)))
			continue;
		if (slug)
			buf_putc(out, ' ');
		else
			utf8_encode(out, c);
	}
	free(t.cp);
}

void slug_translit(struct buf *out, const char *s, size_t n, const char *lang)
{
	translit(out, s, n, lang, false);
}

void slug_make(struct buf *out, const char *s, size_t n, const char *lang)
{
	struct buf tmp = BUF_INIT;
	size_t i = 0, start, len, used = 0;

	translit(&tmp, s, n, lang, true);
	while (i < tmp.n) {
		while (i < tmp.n &&
		       !(islower((unsigned char)tmp.p[i]) || isdigit((unsigned char)tmp.p[i])))
			i++;
		start = i;
		while (i < tmp.n &&
		       (islower((unsigned char)tmp.p[i]) || isdigit((unsigned char)tmp.p[i])))
			i++;
		len = i - start;
		if (len == 0)
			break;
		if (used == 0) {
			/* A first word longer than the limit is cut hard. */
			len = MIN(len, SLUG_MAX);
		} else if (used + 1 + len > SLUG_MAX) {
			break;
		} else {
			buf_putc(out, '-');
			used++;
		}
		buf_put(out, tmp.p + start, len);
		used += len;
	}
	buf_finish(&tmp);
}

bool slug_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > SLUG_MAX + 16 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '-') {
			if (s[i - 1] == '-')
				return false;
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			return false;
		}
	}
	return true;
}
