/*
 * libFuzzer target for the front matter parser.  Besides not crashing,
 * it asserts the contract: on success every string is valid UTF-8 of the
 * stated length without NULs, keys are well-formed and unique, positions
 * are 1-based and the body lies inside the input; on failure the message
 * starts with the line and column it reports.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/frontmatter.h"
#include "text/utf8.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_key(const char *key)
{
	size_t i;

	if (key[0] == '\0')
		abort();
	for (i = 0; key[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
		            key[i]))
			abort();
}

static void check_entries(const struct fm_entry *e, size_t n, unsigned lines);

static void check_value(const struct fm_value *v, unsigned lines, int depth)
{
	size_t i;

	if (v->line < 2 || v->line > lines || v->col < 1)
		abort();
	switch (v->kind) {
	case FM_STR:
		if (v->s == NULL || v->s[v->n] != '\0' || strlen(v->s) != v->n ||
		    !utf8_valid(v->s, v->n))
			abort();
		break;
	case FM_LIST:
		/* Lists hold strings and maps, never lists; maps hold strings only. */
		if (depth > 0)
			abort();
		for (i = 0; i < v->nitems; i++) {
			if (v->items[i].kind == FM_LIST)
				abort();
			check_value(&v->items[i], lines, depth + 1);
		}
		break;
	case FM_MAP:
		for (i = 0; i < v->nentries; i++)
			if (v->entries[i].value.kind != FM_STR)
				abort();
		check_entries(v->entries, v->nentries, lines);
		break;
	default:
		abort();
	}
}

static void check_entries(const struct fm_entry *e, size_t n, unsigned lines)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		check_key(e[i].key);
		if (e[i].line < 2 || e[i].line > lines)
			abort();
		check_value(&e[i].value, lines, 0);
		/* Quadratic, but fuzz inputs with many keys are rare and small. */
		for (j = 0; j < i && n < 2000; j++)
			if (strcmp(e[i].key, e[j].key) == 0)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	const char *src = (const char *)data;
	struct fm_doc doc;
	struct fm_error err;
	unsigned lines = 1;
	size_t i;
	char prefix[64];

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	if (fm_parse(a, src, size, &doc, &err) == 0) {
		if (doc.body < src || doc.body + doc.body_n != src + size)
			abort();
		if (doc.present) {
			if (doc.body_line < 3 || doc.body_line > lines + 1)
				abort();
			check_entries(doc.entries, doc.n, lines);
		} else if (doc.n != 0 || doc.body_line != 1) {
			abort();
		}
	} else {
		snprintf(prefix, sizeof(prefix), "line %u, column %u: ", err.line, err.col);
		if (err.line < 1 || err.line > lines || err.col < 1 ||
		    strncmp(err.msg, prefix, strlen(prefix)) != 0 ||
		    strlen(err.msg) <= strlen(prefix))
			abort();
		if (doc.present || doc.n != 0)
			abort();
	}
	arena_free(a);
	return 0;
}
