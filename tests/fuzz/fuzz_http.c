/*
 * Fuzzes the HTTP server's parsers of untrusted bytes: the request path,
 * Range, Accept-Encoding, If-None-Match, dates, and urlencoded and
 * multipart forms.  The first byte picks the parser; for multipart the
 * first line is the Content-Type and the rest the body.  Asserts the
 * path invariants that keep requests inside the served folder.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "web/http_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *in, size_t n)
{
	struct buf b = BUF_INIT;
	int st = http_path_normalise(in, n, &b);

	assert(st == 0 || st == 400 || st == 404);
	if (st == 0) {
		const char *p = b.p;
		const char *seg;

		assert(p[0] == '/');
		assert(strlen(p) == b.n); /* no NUL inside */
		assert(strchr(p, '\\') == NULL);
		assert(strstr(p, "//") == NULL);
		for (seg = p; seg != NULL; seg = strchr(seg + 1, '/')) {
			if (seg[1] == '.')
				assert(seg == p && strncmp(seg, "/.well-known", 12) == 0 &&
				       (seg[12] == '/' || seg[12] == '\0'));
		}
		buf_reset(&b);
		http_path_encode(&b, p);
	}
	buf_finish(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct http_fields f = {0};
	char *s;
	size_t n, i;
	uint64_t off, len;
	time_t t;
	char date[30];

	if (size < 1)
		return 0;
	n = size - 1;
	s = malloc(n + 1);
	memcpy(s, data + 1, n);
	s[n] = '\0';
	a = arena_new(0);
	switch (data[0] % 6) {
	case 0:
		check_path(s, n);
		break;
	case 1:
		for (i = 0; i < 4; i++) {
			uint64_t size_ = (uint64_t[]){0, 1, 1000, UINT64_MAX / 2}[i];
			int r = http_range_parse(s, size_, &off, &len);

			assert(r >= -1 && r <= 1);
			if (r == 1)
				assert(len >= 1 && off < size_ && len <= size_ - off);
		}
		break;
	case 2:
		(void)http_accepts_gzip(s);
		(void)http_etag_match(s, "\"1f-17a\"");
		break;
	case 3:
		if (http_date_parse(s, &t)) {
			time_t t2;

			http_date_format(t, date);
			assert(http_date_parse(date, &t2) && t2 == t);
		}
		break;
	case 4:
		if (http_form_urlencoded(a, s, n, &f) == 0)
			for (i = 0; i < f.n; i++)
				assert(strlen(f.v[i].value) == f.v[i].size);
		break;
	case 5: {
		char *nl = memchr(s, '\n', n);

		if (nl != NULL) {
			*nl = '\0';
			if (http_form_multipart(a, s, nl + 1, n - (size_t)(nl + 1 - s), &f) == 0)
				for (i = 0; i < f.n; i++)
					assert(f.v[i].name != NULL &&
					       f.v[i].value[f.v[i].size] == '\0');
		}
		break;
	}
	}
	http_fields_finish(&f);
	arena_free(a);
	free(s);
	return 0;
}
