/*
 * Tests for src/text/utf8.c: the decoder against Markus Kuhn's UTF-8
 * decoder stress test (its cases restated here by section number) and an
 * exhaustive check of every one-, two- and three-byte sequence; case and
 * accent folding on real words.
 */
#include "test.h"

#include <stdint.h>

#include "text/utf8.h"
#include "util/buf.h"

#define S(lit) (lit), (sizeof(lit) - 1)

/* Decodes s and checks the code points (U+FFFD for each broken byte). */
static int decodes_to(const char *s, size_t n, const uint32_t *want, size_t nwant)
{
	size_t i = 0, k = 0;

	while (i < n) {
		uint32_t cp = utf8_decode(s, n, &i);
		if (k >= nwant || cp != want[k]) {
			fprintf(stderr, "  code point %zu: got U+%04X\n", k, (unsigned)cp);
			return 0;
		}
		k++;
	}
	return k == nwant;
}

#define DECODES(lit, ...)                                                           \
	do {                                                                        \
		static const uint32_t want_[] = {__VA_ARGS__};                      \
		CHECK(decodes_to(S(lit), want_, sizeof(want_) / sizeof(want_[0]))); \
	} while (0)

/* Reference: is b[0..n) the encoding of one scalar value, decoded from its bits? */
static bool reference_valid(const unsigned char *b, size_t n)
{
	uint32_t cp;
	size_t k;

	if (n == 1)
		return b[0] < 0x80;
	if (n == 2 && (b[0] & 0xE0) == 0xC0)
		cp = b[0] & 0x1F;
	else if (n == 3 && (b[0] & 0xF0) == 0xE0)
		cp = b[0] & 0x0F;
	else if (n == 4 && (b[0] & 0xF8) == 0xF0)
		cp = b[0] & 0x07;
	else
		return false;
	for (k = 1; k < n; k++) {
		if ((b[k] & 0xC0) != 0x80)
			return false;
		cp = cp << 6 | (b[k] & 0x3F);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000))
		return false; /* overlong */
	return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

TEST(kuhn_1_correct_text)
{
	DECODES("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5", 0x3BA, 0x1F79, 0x3C3, 0x3BC, 0x3B5);
	CHECK(utf8_valid(S("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5")));
}

TEST(kuhn_2_boundaries)
{
	/* 2.1 first sequence of each length; 5 and 6 bytes are not UTF-8 any more. */
	CHECK(utf8_valid("\0", 1));
	DECODES("\xC2\x80", 0x80);
	DECODES("\xE0\xA0\x80", 0x800);
	DECODES("\xF0\x90\x80\x80", 0x10000);
	CHECK(!utf8_valid(S("\xF8\x88\x80\x80\x80")));
	CHECK(!utf8_valid(S("\xFC\x84\x80\x80\x80\x80")));
	/* 2.2 last sequence of each length. */
	DECODES("\x7F", 0x7F);
	DECODES("\xDF\xBF", 0x7FF);
	DECODES("\xEF\xBF\xBF", 0xFFFF);
	CHECK(!utf8_valid(S("\xF7\xBF\xBF\xBF")));
	CHECK(!utf8_valid(S("\xFB\xBF\xBF\xBF\xBF")));
	CHECK(!utf8_valid(S("\xFD\xBF\xBF\xBF\xBF\xBF")));
	/* 2.3 other boundaries. */
	DECODES("\xED\x9F\xBF", 0xD7FF);
	DECODES("\xEE\x80\x80", 0xE000);
	DECODES("\xEF\xBF\xBD", 0xFFFD);
	DECODES("\xF4\x8F\xBF\xBF", 0x10FFFF);
	CHECK(!utf8_valid(S("\xF4\x90\x80\x80")));
	DECODES("\xF4\x90\x80\x80", 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD);
}

TEST(kuhn_3_malformed)
{
	unsigned c;
	char b[2];

	/* 3.1 unexpected continuation bytes, each alone. */
	for (c = 0x80; c <= 0xBF; c++) {
		b[0] = (char)c;
		CHECK(!utf8_valid(b, 1));
		CHECK_INTEQ(utf8_invalid_at(b, 1), 0);
	}
	DECODES("\x80\xBF\x80\xBF", 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD);
	/* 3.2 lonely start characters followed by a space. */
	for (c = 0xC0; c <= 0xFD; c++) {
		b[0] = (char)c;
		b[1] = ' ';
		CHECK(!utf8_valid(b, 2));
		CHECK_INTEQ(utf8_invalid_at(b, 2), 0);
	}
	/* 3.3 sequences with the last continuation byte missing. */
	CHECK(!utf8_valid(S("\xC0")));
	CHECK(!utf8_valid(S("\xE0\x80")));
	CHECK(!utf8_valid(S("\xF0\x80\x80")));
	CHECK(!utf8_valid(S("\xDF")));
	CHECK(!utf8_valid(S("\xEF\xBF")));
	CHECK(!utf8_valid(S("\xF4\x8F\xBF")));
	CHECK(!utf8_valid(S("\xF7\xBF\xBF")));
	/* A truncated sequence at the very end, after valid text. */
	CHECK_INTEQ(utf8_invalid_at(S("ab\xD0\xB0\xE2\x82")), 4);
	/* 3.4 their concatenation: one U+FFFD per byte. */
	DECODES("\xC0\xE0\x80\xF0\x80\x80\xDF\xEF\xBF", 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD,
	        0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD);
	/* 3.5 impossible bytes. */
	CHECK(!utf8_valid(S("\xFE")));
	CHECK(!utf8_valid(S("\xFF")));
	DECODES("\xFE\xFE\xFF\xFF", 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD);
}

TEST(kuhn_4_overlong)
{
	/* 4.1 "/" spelt long; 4.2 the longest overlong of each length; 4.3 NUL. */
	static const char *const overlong[] = {
	        "\xC0\xAF",
	        "\xE0\x80\xAF",
	        "\xF0\x80\x80\xAF",
	        "\xF8\x80\x80\x80\xAF",
	        "\xFC\x80\x80\x80\x80\xAF",
	        "\xC1\xBF",
	        "\xE0\x9F\xBF",
	        "\xF0\x8F\xBF\xBF",
	        "\xC0\x80",
	        "\xE0\x80\x80",
	        "\xF0\x80\x80\x80",
	};
	size_t k;

	for (k = 0; k < NELEM(overlong); k++) {
		CHECK(!utf8_valid(overlong[k], strlen(overlong[k])));
		CHECK_INTEQ(utf8_invalid_at(overlong[k], strlen(overlong[k])), 0);
	}
	DECODES("\xC0\xAF", 0xFFFD, 0xFFFD);
	DECODES("\xE0\x80\xAF", 0xFFFD, 0xFFFD, 0xFFFD);
}

TEST(kuhn_5_surrogates_and_noncharacters)
{
	/* 5.1 single surrogates, 5.2 paired ones: never valid in UTF-8. */
	CHECK(!utf8_valid(S("\xED\xA0\x80")));
	CHECK(!utf8_valid(S("\xED\xAD\xBF")));
	CHECK(!utf8_valid(S("\xED\xAE\x80")));
	CHECK(!utf8_valid(S("\xED\xB0\x80")));
	CHECK(!utf8_valid(S("\xED\xBF\xBF")));
	CHECK(!utf8_valid(S("\xED\xA0\x80\xED\xB0\x80")));
	DECODES("\xED\xA0\x80", 0xFFFD, 0xFFFD, 0xFFFD);
	/* 5.3 noncharacters are well-formed. */
	CHECK(utf8_valid(S("\xEF\xBF\xBE")));
	CHECK(utf8_valid(S("\xEF\xBF\xBF")));
	CHECK(utf8_valid(S("\xEF\xB7\x90")));
}

TEST(every_short_sequence_matches_the_reference)
{
	unsigned char b[3];
	unsigned x;

	for (x = 0; x < 0x100; x++) {
		b[0] = (unsigned char)x;
		CHECK(utf8_valid((char *)b, 1) == reference_valid(b, 1));
	}
	for (x = 0; x < 0x10000; x++) {
		b[0] = (unsigned char)(x >> 8);
		b[1] = (unsigned char)x;
		/* Valid as a whole if one 2-byte scalar or two 1-byte ones. */
		CHECK(utf8_valid((char *)b, 2) ==
		      (reference_valid(b, 2) || (b[0] < 0x80 && b[1] < 0x80)));
	}
	for (x = 0; x < 0x1000000; x++) {
		b[0] = (unsigned char)(x >> 16);
		b[1] = (unsigned char)(x >> 8);
		b[2] = (unsigned char)x;
		if (b[0] < 0xE0 || b[0] > 0xEF)
			continue; /* lengths 1, 2 and 4 are covered elsewhere */
		if (utf8_valid((char *)b, 3) != reference_valid(b, 3)) {
			fprintf(stderr, "  %02X %02X %02X\n", b[0], b[1], b[2]);
			CHECK(0);
		}
	}
}

TEST(every_four_byte_lead_and_second_byte)
{
	unsigned char b[4] = {0, 0, 0x80, 0x80};
	unsigned x, y;

	for (x = 0xF0; x <= 0xFF; x++) {
		for (y = 0; y <= 0xFF; y++) {
			b[0] = (unsigned char)x;
			b[1] = (unsigned char)y;
			CHECK(utf8_valid((char *)b, 4) == reference_valid(b, 4));
		}
	}
}

TEST(encode_decode_round_trip_all_code_points)
{
	struct buf b = BUF_INIT;
	uint32_t cp, got;
	size_t i;

	for (cp = 0; cp <= 0x10FFFF; cp++) {
		buf_reset(&b);
		utf8_encode(&b, cp);
		i = 0;
		got = utf8_decode(b.p, b.n, &i);
		CHECK(i == b.n);
		CHECK(utf8_valid(b.p, b.n));
		if (cp >= 0xD800 && cp <= 0xDFFF)
			CHECK(got == 0xFFFD);
		else
			CHECK(got == cp);
	}
	buf_reset(&b);
	utf8_encode(&b, 0x110000);
	CHECK_STREQ(b.p, "\xEF\xBF\xBD");
	buf_finish(&b);
}

TEST(sanitize_replaces_each_bad_byte)
{
	struct buf b = BUF_INIT;

	utf8_sanitize(&b, S("ok \xD0\x9C\xD0\xB8\xD1\x80 \xC0\xAF end\xE2\x82"));
	CHECK_STREQ(b.p, "ok Мир \xEF\xBF\xBD\xEF\xBF\xBD end\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK(utf8_valid(b.p, b.n));
	buf_reset(&b);
	utf8_sanitize(&b, S("clean ascii"));
	CHECK_STREQ(b.p, "clean ascii");
	buf_reset(&b);
	utf8_sanitize(&b, "a\0b", 3);
	CHECK_INTEQ(b.n, 3);
	buf_finish(&b);
}

TEST(len_and_cut)
{
	const char *s = "aЖ€😀"; /* 1 + 2 + 3 + 4 bytes */
	size_t n = strlen(s);

	CHECK_INTEQ(utf8_len(s, n), 4);
	CHECK_INTEQ(utf8_len(S("\xFF\xFE"
	                       "a")),
	            3);
	CHECK_INTEQ(utf8_cut(s, n, 100), n);
	CHECK_INTEQ(utf8_cut(s, n, 0), 0);
	CHECK_INTEQ(utf8_cut(s, n, 1), 1);
	CHECK_INTEQ(utf8_cut(s, n, 2), 1);
	CHECK_INTEQ(utf8_cut(s, n, 3), 3);
	CHECK_INTEQ(utf8_cut(s, n, 4), 3);
	CHECK_INTEQ(utf8_cut(s, n, 5), 3);
	CHECK_INTEQ(utf8_cut(s, n, 6), 6);
	CHECK_INTEQ(utf8_cut(s, n, 7), 6);
	CHECK_INTEQ(utf8_cut(s, n, 9), 6);
	CHECK_INTEQ(utf8_cut(s, n, 10), 10);
	/* Broken bytes are cut anywhere. */
	CHECK_INTEQ(utf8_cut(S("\x80\x80\x80\x80\x80"), 3), 3);
	CHECK_INTEQ(utf8_cut(S("a\xE2\x82"), 2), 2);
}

TEST(cut_never_splits_a_character)
{
	const char *s = "Щастя й Згода — Ελλάδα 😀 ok";
	size_t n = strlen(s), max, m;

	for (max = 0; max <= n + 1; max++) {
		m = utf8_cut(s, n, max);
		CHECK(m <= max && m <= n);
		CHECK(utf8_valid(s, m));
		CHECK(max > n || max - m < 4);
	}
}

TEST(lower_latin_greek_cyrillic)
{
	CHECK_INTEQ(utf8_lower('A'), 'a');
	CHECK_INTEQ(utf8_lower('z'), 'z');
	CHECK_INTEQ(utf8_lower('@'), '@');
	CHECK_INTEQ(utf8_lower(0xC9), 0xE9);     /* É é */
	CHECK_INTEQ(utf8_lower(0xD7), 0xD7);     /* × */
	CHECK_INTEQ(utf8_lower(0xDF), 0xDF);     /* ß */
	CHECK_INTEQ(utf8_lower(0x178), 0xFF);    /* Ÿ ÿ */
	CHECK_INTEQ(utf8_lower(0x141), 0x142);   /* Ł ł */
	CHECK_INTEQ(utf8_lower(0x17D), 0x17E);   /* Ž ž */
	CHECK_INTEQ(utf8_lower(0x130), 'i');     /* İ */
	CHECK_INTEQ(utf8_lower(0x131), 0x131);   /* ı */
	CHECK_INTEQ(utf8_lower(0x218), 0x219);   /* Ș ș */
	CHECK_INTEQ(utf8_lower(0x21A), 0x21B);   /* Ț ț */
	CHECK_INTEQ(utf8_lower(0x1A0), 0x1A1);   /* Ơ ơ */
	CHECK_INTEQ(utf8_lower(0x1AF), 0x1B0);   /* Ư ư */
	CHECK_INTEQ(utf8_lower(0x18F), 0x259);   /* Ə ə */
	CHECK_INTEQ(utf8_lower(0x1EA0), 0x1EA1); /* Ạ ạ */
	CHECK_INTEQ(utf8_lower(0x1EC6), 0x1EC7); /* Ệ ệ */
	CHECK_INTEQ(utf8_lower(0x1E9E), 0xDF);   /* ẞ ß */
	CHECK_INTEQ(utf8_lower(0x391), 0x3B1);   /* Α α */
	CHECK_INTEQ(utf8_lower(0x3A3), 0x3C3);   /* Σ σ */
	CHECK_INTEQ(utf8_lower(0x3A2), 0x3A2);   /* unassigned */
	CHECK_INTEQ(utf8_lower(0x386), 0x3AC);   /* Ά ά */
	CHECK_INTEQ(utf8_lower(0x38F), 0x3CE);   /* Ώ ώ */
	CHECK_INTEQ(utf8_lower(0x410), 0x430);   /* А а */
	CHECK_INTEQ(utf8_lower(0x42F), 0x44F);   /* Я я */
	CHECK_INTEQ(utf8_lower(0x401), 0x451);   /* Ё ё */
	CHECK_INTEQ(utf8_lower(0x404), 0x454);   /* Є є */
	CHECK_INTEQ(utf8_lower(0x406), 0x456);   /* І і */
	CHECK_INTEQ(utf8_lower(0x407), 0x457);   /* Ї ї */
	CHECK_INTEQ(utf8_lower(0x490), 0x491);   /* Ґ ґ */
	CHECK_INTEQ(utf8_lower(0x40E), 0x45E);   /* Ў ў */
	CHECK_INTEQ(utf8_lower(0x4C0), 0x4CF);   /* Ӏ ӏ */
	CHECK_INTEQ(utf8_lower(0x4D0), 0x4D1);   /* Ӑ ӑ */
	CHECK_INTEQ(utf8_lower(0x23A), 0x23A);   /* its lower case is outside the tables */
	CHECK_INTEQ(utf8_lower(0x10400), 0x10400);
}

TEST(fold_strips_accents_and_keeps_letters)
{
	static const struct {
		uint32_t in, out;
	} cases[] = {
	        {'E', 'e'},       {0xE9, 'e'},    {0xC9, 'e'},    {0xE7, 'c'},      {0xF1, 'n'},
	        {0xF8, 'o'},      {0x142, 'l'},   {0x111, 'd'},   {0xF0, 'd'},      {0x131, 'i'},
	        {0x130, 'i'},     {0x15F, 's'},   {0x11F, 'g'},   {0x103, 'a'},     {0x219, 's'},
	        {0x21B, 't'},     {0x105, 'a'},   {0x119, 'e'},   {0x144, 'n'},     {0x17C, 'z'},
	        {0x10D, 'c'},     {0x159, 'r'},   {0x16F, 'u'},   {0x1EC7, 'e'},    {0x1EA0, 'a'},
	        {0x1B0, 'u'},     {0x1A1, 'o'},   {0x17F, 's'},   {0x1FE, 'o'},     {0xDF, 0xDF},
	        {0xE6, 0xE6},     {0x153, 0x153}, {0xFE, 0xFE},   {0x3AC, 0x3B1},   {0x388, 0x3B5},
	        {0x3C2, 0x3C3},   {0x3AA, 0x3B9}, {0x390, 0x3B9}, {0x3B0, 0x3C5},   {0x451, 0x435},
	        {0x401, 0x435},   {0x419, 0x439}, {0x439, 0x439}, {0x457, 0x457},   {0x407, 0x457},
	        {0x454, 0x454},   {0x456, 0x456}, {0x491, 0x491}, {0x45E, 0x45E},   {0x45D, 0x438},
	        {0x2019, '\''},   {0x2BC, '\''},  {'\'', '\''},   {0x2018, 0x2018}, {'5', '5'},
	        {0x4E2D, 0x4E2D},
	};
	size_t k;

	for (k = 0; k < NELEM(cases); k++) {
		if (utf8_fold(cases[k].in) != cases[k].out) {
			fprintf(stderr, "  fold(U+%04X) = U+%04X\n", (unsigned)cases[k].in,
			        (unsigned)utf8_fold(cases[k].in));
			CHECK(0);
		}
	}
}

TEST(fold_is_idempotent_and_case_blind)
{
	uint32_t cp, f;

	for (cp = 0; cp < 0x20000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		f = utf8_fold(cp);
		CHECK(utf8_fold(f) == f);
		CHECK(utf8_fold(utf8_lower(cp)) == f);
		CHECK(utf8_lower(f) == f);
		CHECK(utf8_lower(utf8_lower(cp)) == utf8_lower(cp));
	}
}

TEST(fold_str_makes_search_keys)
{
	struct buf b = BUF_INIT;

	utf8_fold_str(&b, S("Négociations à GENÈVE"));
	CHECK_STREQ(b.p, "negociations a geneve");
	buf_reset(&b);
	utf8_fold_str(&b, S("L’Œuvre Straße Ærø"));
	CHECK_STREQ(b.p, "l'oeuvre strasse aero");
	buf_reset(&b);
	utf8_fold_str(&b, S("Ёлка ЙОД Їжак Подвір’я"));
	CHECK_STREQ(b.p, "елка йод їжак подвір'я");
	buf_reset(&b);
	/* Decomposed text: о + U+0301 (a stress mark), и + U+0306, і + U+0308, e + U+0301. */
	utf8_fold_str(&b, S("мол\xD0\xBE\xCC\x81ко \xD0\xB8\xCC\x86од \xD1\x96\xCC\x88жак "
	                    "e\xCC\x81t\xC3\xA9"));
	CHECK_STREQ(b.p, "молоко йод їжак ete");
	buf_reset(&b);
	utf8_fold_str(&b, S("soft\xC2\xADhyphen zero\xE2\x80\x8Bwidth \xEF\xAC\x81le"));
	CHECK_STREQ(b.p, "softhyphen zerowidth file");
	buf_reset(&b);
	utf8_fold_str(&b, S("Ελλάδα ΟΔΥΣΣΕΥΣ"));
	CHECK_STREQ(b.p, "ελλαδα οδυσσευσ");
	buf_reset(&b);
	utf8_fold_str(&b, S("bad\xFF"));
	CHECK_STREQ(b.p, "bad\xEF\xBF\xBD");
	buf_finish(&b);
}

TEST(decode_composed_only_composes_cyrillic_pairs)
{
	size_t i = 0;
	const char *s = "\xD0\x98\xCC\x86"
	                "a\xCC\x86"
	                "\xD0\xB5\xCC\x88";

	CHECK_INTEQ(utf8_decode_composed(s, strlen(s), &i), 0x419);
	CHECK_INTEQ(i, 4);
	CHECK_INTEQ(utf8_decode_composed(s, strlen(s), &i), 'a');
	CHECK_INTEQ(utf8_decode_composed(s, strlen(s), &i), 0x306);
	CHECK_INTEQ(utf8_decode_composed(s, strlen(s), &i), 0x451);
	CHECK_INTEQ(i, strlen(s));
	CHECK(utf8_is_ignorable(0x301));
	CHECK(utf8_is_ignorable(0xAD));
	CHECK(utf8_is_ignorable(0xFEFF));
	CHECK(!utf8_is_ignorable(' '));
	CHECK(!utf8_is_ignorable(0x2019));
}

TESTS(T(kuhn_1_correct_text), T(kuhn_2_boundaries), T(kuhn_3_malformed), T(kuhn_4_overlong),
      T(kuhn_5_surrogates_and_noncharacters), T(every_short_sequence_matches_the_reference),
      T(every_four_byte_lead_and_second_byte), T(encode_decode_round_trip_all_code_points),
      T(sanitize_replaces_each_bad_byte), T(len_and_cut), T(cut_never_splits_a_character),
      T(lower_latin_greek_cyrillic), T(fold_strips_accents_and_keeps_letters),
      T(fold_is_idempotent_and_case_blind), T(fold_str_makes_search_keys),
      T(decode_composed_only_composes_cyrillic_pairs))
