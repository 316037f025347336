/*
 * FTS5 auxiliary functions of the search: the rank, the highlighted
 * title and the snippet.  See search_int.h for their arguments.
 *
 * Rank.  FTS5's bm25() adds the columns' weighted counts before it
 * saturates them, so twenty mentions in a body outscore one in a title
 * whatever the weights.  Here each column is scored apart (BM25 with its
 * own average length) and the weighted scores are added: a title match
 * stays ahead.  The result is cut into buckets 5% wide so that the query
 * can order near-equal scores by date.
 *
 * Snippets.  FTS5's snippet() tokenizes every column of every row it is
 * asked about; this one reads only the match positions FTS5 already has,
 * picks the window of the body with the most distinct matched phrases,
 * and tokenizes the text (unstemmed: FTSTOK AUX mode) only up to the
 * window's end.
 */
#include "search/search_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"

/* BM25's usual constants. */
#define K1 1.2
#define B 0.75
/* Width of a rank bucket: 20 per unit of log(score), about 5%. */
#define BUCKETS_PER_LOG 20.0
/* Matches looked at for choosing a snippet window: enough for any article's first pages. */
#define SNIPPET_MAX_HITS 256
/* Snippets start at most this many words before their first match. */
#define SNIPPET_LEAD_IN 4

static const double default_weights[SEARCH_NCOLS] = {8.0, 4.0, 3.0, 1.0};

void search_rank_init(struct search_rank *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->weight, default_weights, sizeof(r->weight));
}

static fts5_api *fts5_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *arg)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)arg)++;
	return SQLITE_OK;
}

/* Per query: idf of each phrase, average length of each column. */
static int rank_prepare(const Fts5ExtensionApi *api, Fts5Context *fts, struct search_rank *r)
{
	sqlite3_int64 nrow = 0, total, nhit;
	int i, rc;

	if ((rc = api->xRowCount(fts, &nrow)) != SQLITE_OK)
		return rc;
	if (nrow < 1)
		nrow = 1;
	for (i = 0; i < SEARCH_NCOLS; i++) {
		if ((rc = api->xColumnTotalSize(fts, i, &total)) != SQLITE_OK)
			return rc;
		r->avg[i] = total > 0 ? (double)total / (double)nrow : 1.0;
	}
	r->nphrase = MIN(api->xPhraseCount(fts), SEARCH_MAX_PHRASES);
	for (i = 0; i < r->nphrase; i++) {
		double idf;
		nhit = 0;
		if ((rc = api->xQueryPhrase(fts, i, &nhit, count_row)) != SQLITE_OK)
			return rc;
		/* As FTS5's bm25(): a phrase in most rows still counts a little. */
		idf = log((double)(nrow - nhit) + 0.5) - log((double)nhit + 0.5);
		r->idf[i] = idf > 1e-6 ? idf : 1e-6;
	}
	r->ready = true;
	return SQLITE_OK;
}

/*
 * The column sizes of a row from its %_docsize record: one SQLite varint
 * per column, exactly as FTS5 stores and decodes them.  false if the
 * record is not that (missing, another layout): then ask FTS5.
 */
static bool docsize(sqlite3_value *v, int len[SEARCH_NCOLS])
{
	const unsigned char *p;
	int n, off = 0, c, k;
	uint64_t x;

	if (v == NULL || sqlite3_value_type(v) != SQLITE_BLOB)
		return false;
	p = sqlite3_value_blob(v);
	n = sqlite3_value_bytes(v);
	for (c = 0; c < SEARCH_NCOLS; c++) {
		x = 0;
		for (k = 0; k < 9; k++) {
			if (off >= n)
				return false;
			if (k == 8) {
				x = x << 8 | p[off++];
				break;
			}
			x = x << 7 | (p[off] & 0x7F);
			if (!(p[off++] & 0x80))
				break;
		}
		if (x > INT32_MAX)
			return false;
		len[c] = (int)x;
	}
	return off == n;
}

static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                    int nval, sqlite3_value **val)
{
	struct search_rank *r =
	        nval == 1 || nval == 2 ? sqlite3_value_pointer(val[0], SEARCH_RANK_PTR) : NULL;
	int len[SEARCH_NCOLS], tf[SEARCH_NCOLS];
	Fts5PhraseIter it;
	double score = 0;
	int i, c, col, off, rc;

	if (r == NULL) {
		sqlite3_result_error(ctx, "tz_rank: no rank context", -1);
		return;
	}
	if (!r->ready && (rc = rank_prepare(api, fts, r)) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	r->count++;
	if (nval < 2 || !docsize(val[1], len))
		for (c = 0; c < SEARCH_NCOLS; c++)
			if ((rc = api->xColumnSize(fts, c, &len[c])) != SQLITE_OK) {
				sqlite3_result_error_code(ctx, rc);
				return;
			}
	for (i = 0; i < r->nphrase; i++) {
		memset(tf, 0, sizeof(tf));
		if ((rc = api->xPhraseFirst(fts, i, &it, &col, &off)) != SQLITE_OK) {
			sqlite3_result_error_code(ctx, rc);
			return;
		}
		for (; col >= 0; api->xPhraseNext(fts, &it, &col, &off))
			if (col < SEARCH_NCOLS)
				tf[col]++;
		for (c = 0; c < SEARCH_NCOLS; c++) {
			double norm;
			if (tf[c] == 0)
				continue;
			norm = K1 * (1 - B + B * (double)len[c] / r->avg[c]);
			score += r->weight[c] * r->idf[i] * tf[c] * (K1 + 1) / (tf[c] + norm);
		}
	}
	/* Lower ranks first; equal buckets are ordered by the query (by date). */
	if (score > 0)
		sqlite3_result_int64(ctx, -(sqlite3_int64)floor(log(score) * BUCKETS_PER_LOG));
	else
		sqlite3_result_int64(ctx, INT32_MAX);
}

/* A run of marked words: token positions [first, last]. */
struct span {
	int first, last;
};

/* Collecting a column's text, from word first to word last. */
struct cut {
	struct buf *out;
	const char *text;
	int first, last;   /* window, in token positions (last inclusive; -1: to the end) */
	const struct span *spans;
	size_t nspans, next;
	int pos;          /* position of the next token */
	int copied;       /* byte offset copied up to (-1: nothing yet) */
	bool more;        /* stopped before the end */
	bool in_mark;
};

/* Appends s[0..n) as one line: control characters and runs of spaces become one space. */
static void put_clean(struct buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7F) {
			if (out->n == 0 || out->p[out->n - 1] == ' ')
				continue;
			c = ' ';
		}
		buf_putc(out, (char)c);
	}
}

static int cut_token(void *arg, int flags, const char *tok, int ntok, int start, int end)
{
	struct cut *c = arg;
	bool mark;

	(void)tok;
	(void)ntok;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (c->last >= 0 && c->pos > c->last) {
		c->more = true;
		return SQLITE_DONE;
	}
	if (c->pos >= c->first) {
		while (c->next < c->nspans && c->spans[c->next].last < c->pos)
			c->next++;
		mark = c->next < c->nspans && c->spans[c->next].first <= c->pos;
		if (c->copied < 0) {
			c->copied = start;
		} else {
			/* Text between words; a mark spanning words closes after the last. */
			if (c->in_mark && !mark) {
				buf_putc(c->out, SEARCH_MARK_OFF);
				c->in_mark = false;
			}
			put_clean(c->out, c->text + c->copied, (size_t)(start - c->copied));
		}
		if (mark && !c->in_mark) {
			buf_putc(c->out, SEARCH_MARK_ON);
			c->in_mark = true;
		} else if (!mark && c->in_mark) {
			buf_putc(c->out, SEARCH_MARK_OFF);
			c->in_mark = false;
		}
		put_clean(c->out, c->text + start, (size_t)(end - start));
		c->copied = end;
	}
	c->pos++;
	return SQLITE_OK;
}

/* Match spans of column col, sorted; OUT: count.  Caller frees. */
static struct span *col_spans(const Fts5ExtensionApi *api, Fts5Context *fts, int col,
                              size_t *n, int *rc)
{
	struct span *v = NULL;
	int ninst = 0, i, phrase, icol, off;
	size_t k = 0;

	*n = 0;
	if ((*rc = api->xInstCount(fts, &ninst)) != SQLITE_OK)
		return NULL;
	for (i = 0; i < ninst; i++) {
		if ((*rc = api->xInst(fts, i, &phrase, &icol, &off)) != SQLITE_OK)
			break;
		if (icol != col)
			continue;
		if (k == SNIPPET_MAX_HITS)
			break;
		if (v == NULL)
			v = xmalloc(SNIPPET_MAX_HITS * sizeof(*v));
		v[k].first = off;
		v[k].last = off + MAX(api->xPhraseSize(fts, phrase), 1) - 1;
		k++;
	}
	*n = k;
	return v;
}

/* Runs the cut over column col; marks spans; returns an SQLite code. */
static int run_cut(const Fts5ExtensionApi *api, Fts5Context *fts, int col, struct cut *c)
{
	const char *z;
	int nz, rc;

	if ((rc = api->xColumnText(fts, col, &z, &nz)) != SQLITE_OK)
		return rc;
	c->text = z;
	if (z == NULL || nz <= 0)
		return SQLITE_OK;
	rc = api->xTokenize(fts, z, nz, c, cut_token);
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	if (c->in_mark)
		buf_putc(c->out, SEARCH_MARK_OFF);
	/* A cut that began after the first word, or stopped early: show it. */
	return rc;
}

static void highlight_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                         int nval, sqlite3_value **val)
{
	struct buf out = BUF_INIT;
	struct span *sp;
	struct cut c = {0};
	size_t n;
	int col, rc;

	if (nval != 1) {
		sqlite3_result_error(ctx, "tz_highlight(T, col)", -1);
		return;
	}
	col = sqlite3_value_int(val[0]);
	sp = col_spans(api, fts, col, &n, &rc);
	c.out = &out;
	c.last = -1;
	c.spans = sp;
	c.nspans = n;
	c.copied = -1;
	if (rc == SQLITE_OK)
		rc = run_cut(api, fts, col, &c);
	free(sp);
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(ctx, rc);
	else
		sqlite3_result_text(ctx, out.p ? out.p : "", (int)out.n, SQLITE_TRANSIENT);
	buf_finish(&out);
}

/* The window start (a span index) with the most distinct spans within width words. */
static int best_window(const struct span *sp, size_t n, int width)
{
	size_t i, j, best = 0, bestn = 0;

	for (i = 0; i < n; i++) {
		size_t k = 0;
		for (j = i; j < n && sp[j].last < sp[i].first + width; j++)
			if (j == i || sp[j].first != sp[j - 1].first)
				k++;
		if (k > bestn) {
			bestn = k;
			best = i;
		}
	}
	return sp[best].first;
}

static void snippet_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                       int nval, sqlite3_value **val)
{
	struct buf out = BUF_INIT;
	struct span *sp = NULL;
	struct cut c = {0};
	int width, col = -1, i, rc = SQLITE_OK, start;
	size_t n = 0;

	if (nval < 2) {
		sqlite3_result_error(ctx, "tz_snippet(T, width, col, ...)", -1);
		return;
	}
	width = sqlite3_value_int(val[0]);
	if (width < 4)
		width = 4;
	/* The first column with a match; else the first one with text. */
	for (i = 1; i < nval && rc == SQLITE_OK; i++) {
		free(sp);
		sp = col_spans(api, fts, sqlite3_value_int(val[i]), &n, &rc);
		if (n > 0) {
			col = sqlite3_value_int(val[i]);
			break;
		}
	}
	if (col < 0) {
		for (i = 1; i < nval && rc == SQLITE_OK; i++) {
			int len = 0;
			rc = api->xColumnSize(fts, sqlite3_value_int(val[i]), &len);
			if (len > 0) {
				col = sqlite3_value_int(val[i]);
				break;
			}
		}
	}
	if (col >= 0 && rc == SQLITE_OK) {
		start = n ? best_window(sp, n, width) : 0;
		start = start <= SNIPPET_LEAD_IN * 2 ? 0 : start - SNIPPET_LEAD_IN;
		c.out = &out;
		c.first = start;
		c.last = start + width - 1;
		c.spans = sp;
		c.nspans = n;
		c.copied = -1;
		if (start > 0)
			buf_puts(&out, "\xE2\x80\xA6 ");
		rc = run_cut(api, fts, col, &c);
		if (c.more)
			buf_puts(&out, " \xE2\x80\xA6");
	}
	free(sp);
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(ctx, rc);
	else
		sqlite3_result_text(ctx, out.p ? out.p : "", (int)out.n, SQLITE_TRANSIENT);
	buf_finish(&out);
}

int search_aux_register(sqlite3 *db)
{
	static const struct {
		const char *name;
		fts5_extension_function fn;
	} fns[] = {
		{"tz_rank", rank_fn},
		{"tz_highlight", highlight_fn},
		{"tz_snippet", snippet_fn},
	};
	fts5_api *api = fts5_of(db);
	size_t i;
	int rc;

	if (api == NULL)
		return log_fail("sqlite has no FTS5");
	for (i = 0; i < NELEM(fns); i++) {
		rc = api->xCreateFunction(api, fns[i].name, NULL, fns[i].fn, NULL);
		if (rc != SQLITE_OK)
			return log_fail("cannot register %s: %s", fns[i].name, sqlite3_errstr(rc));
	}
	return 0;
}
