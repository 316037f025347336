/*
 * Fuzz target for the search tokenizer (src/search/fts_tokenizer.c):
 * arbitrary bytes through every language setting and every tokenize
 * reason.  The first byte picks the setting and the reason; the rest is
 * the text.  Checks, for each token: not empty, not longer than the limit,
 * valid UTF-8 (no U+FFFD either: invalid input never reaches a token),
 * offsets inside the input and in order, and a colocated token never
 * first.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/fold.h"
#include "search/fts_tokenizer.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const settings[][3] = {
        {"en", NULL, NULL},   {"fr", NULL, NULL},   {"ru", NULL, NULL},   {"uk", NULL, NULL},
        {"auto", NULL, NULL}, {"none", NULL, NULL}, {"uk", "cache", "4"}, {"fr", "en", NULL},
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static const int reasons[] = {
        FTS5_TOKENIZE_DOCUMENT,
        FTS5_TOKENIZE_QUERY,
        FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX,
        FTS5_TOKENIZE_AUX,
};

struct check {
	int n;
	int ntok;
	int last_start;
};

static int token(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct check *c = ctx;
	size_t i = 0;
	uint32_t cp;

	if (ntok <= 0 || ntok > 1 + 2 * FTSTOK_TOKEN_MAX)
		abort();
	while (i < (size_t)ntok) {
		cp = fold_decode(tok, (size_t)ntok, &i);
		if (cp == FOLD_BAD)
			abort();
	}
	if (start < 0 || start >= end || end > c->n || start < c->last_start)
		abort();
	if (c->ntok == 0 && (flags & FTS5_TOKEN_COLOCATED))
		abort();
	c->last_start = start;
	c->ntok++;
	return 0;
}

static struct ftstok *tok[NSETTINGS];

/*
 * Makes every tokenizer up front: loading the Ukrainian dictionary takes
 * seconds under ASan, which libFuzzer would otherwise report as a slow unit.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t s, n;

	(void)argc, (void)argv;
	for (s = 0; s < NSETTINGS; s++) {
		for (n = 0; n < 3 && settings[s][n]; n++)
			;
		if ((tok[s] = ftstok_new(settings[s], (int)n)) == NULL)
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct check c = {0, 0, 0};

	if (size < 1 || size > 1 << 20)
		return 0;
	c.n = (int)(size - 1);
	ftstok_run(tok[data[0] % NSETTINGS], reasons[(data[0] / NSETTINGS) % 4],
	           (const char *)data + 1, c.n, &c, token);
	return 0;
}
