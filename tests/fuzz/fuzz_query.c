/*
 * Fuzz target for the search box's query parser (src/search/query.c):
 * arbitrary bytes through query_parse() and query_fts().  Checks that
 * every term is valid UTF-8 without '"' or control characters, that the
 * limits hold (terms, messages), and that the FTS5 expression is made of
 * quoted strings only: balanced quotes, and outside them nothing but
 * spaces, parentheses, '*' right after a string, AND, OR and NOT.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/query.h"
#include "text/utf8.h"
#include "util/arena.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_fts(const char *s, size_t n)
{
	size_t i = 0;
	int depth = 0;
	int after_string = 0; /* a '*' may follow, spaces between */

	while (i < n) {
		if (s[i] == '"') {
			/* A string: "" stands for a quote inside. */
			for (i++;; i++) {
				if (i >= n)
					abort(); /* unterminated */
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						i++;
						continue;
					}
					break;
				}
			}
			i++;
			after_string = 1;
			continue;
		} else if (s[i] == ' ') {
			i++;
			continue;
		} else if (s[i] == '*' && after_string) {
			i++;
		} else if (s[i] == '(') {
			depth++;
			i++;
		} else if (s[i] == ')') {
			if (--depth < 0)
				abort();
			i++;
		} else if (n - i >= 3 &&
		           (memcmp(s + i, "AND", 3) == 0 || memcmp(s + i, "NOT", 3) == 0)) {
			i += 3;
		} else if (n - i >= 2 && memcmp(s + i, "OR", 2) == 0) {
			i += 2;
		} else {
			fprintf(stderr, "unexpected FTS5 syntax at %zu: %.*s\n", i, (int)n, s);
			abort();
		}
		after_string = 0;
	}
	if (depth != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct query q;
	struct buf fts = BUF_INIT;
	size_t i, j;

	query_parse(a, (const char *)data, size, &q);
	if (q.nterms > QUERY_MAX_TERMS || q.nmsgs > QUERY_MAX_MESSAGES)
		abort();
	for (i = 0; i < q.nterms; i++) {
		const char *t = q.terms[i].text;
		size_t n = strlen(t);
		if (!utf8_valid(t, n))
			abort();
		for (j = 0; j < n; j++)
			if (t[j] == '"' || (unsigned char)t[j] < 0x20 || t[j] == 0x7f)
				abort();
	}
	for (i = 0; i < q.nmsgs; i++)
		if (q.msgs[i].arg == NULL || query_message_key(q.msgs[i].code) == NULL)
			abort();
	if (query_fts(&q, &fts)) {
		if (!query_has_terms(&q))
			abort();
		check_fts(fts.p, fts.n);
	}
	buf_finish(&fts);
	arena_free(a);
	return 0;
}
