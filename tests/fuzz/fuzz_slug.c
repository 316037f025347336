/*
 * libFuzzer target for slugs and the UTF-8 helpers.  The first byte picks
 * the language.  Asserts: a slug is valid or empty and within SLUG_MAX;
 * transliteration, sanitising and folding give valid UTF-8; sanitising
 * valid text changes nothing; utf8_cut() cuts between whole characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/slug.h"
#include "text/utf8.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = {NULL, "ru", "uk", "en", "fr", "de", "el", "uk-UA"};
	struct buf out = BUF_INIT;
	const char *s = (const char *)data + 1, *lang;
	size_t n, m, cut;

	if (size == 0)
		return 0;
	lang = langs[data[0] % (sizeof(langs) / sizeof(langs[0]))];
	n = size - 1;

	slug_make(&out, s, n, lang);
	if (out.n > SLUG_MAX || (out.n > 0 && !slug_valid(out.p, out.n)))
		abort();
	buf_reset(&out);
	slug_translit(&out, s, n, lang);
	if (!utf8_valid(buf_cstr(&out), out.n))
		abort();

	buf_reset(&out);
	utf8_sanitize(&out, s, n);
	if (!utf8_valid(buf_cstr(&out), out.n))
		abort();
	if (utf8_valid(s, n) && (out.n != n || memcmp(buf_cstr(&out), s, n) != 0))
		abort();
	if (utf8_invalid_at(s, n) > n || (utf8_invalid_at(s, n) == n) != utf8_valid(s, n))
		abort();

	buf_reset(&out);
	utf8_fold_str(&out, s, n);
	if (!utf8_valid(buf_cstr(&out), out.n))
		abort();

	/* A cut falls between characters: the two halves count the same. */
	cut = n ? data[0] % (n + 1) : 0;
	m = utf8_cut(s, n, cut);
	if (m > cut || (cut - m) > 3 || utf8_len(s, m) + utf8_len(s + m, n - m) != utf8_len(s, n))
		abort();
	buf_finish(&out);
	return 0;
}
