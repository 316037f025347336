/*
 * Running a query: the filters resolved against the store, one ranked
 * statement per language table, the rows of all tables merged, and the
 * marks (highlighted title, snippet) read for the page shown only.
 */
#include "search/search_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"
#include "util/log.h"

/* Results shown when the caller does not say. */
#define DEFAULT_LIMIT 10
/* Words in a snippet. */
#define SNIPPET_WORDS 30
/*
 * A query running longer than this is stopped (search_opts.deadline may
 * say otherwise): a public search box must not let one request hold a
 * server thread.  The slowest real queries at 100,000 articles take a
 * tenth of it.
 */
#define DEADLINE_MS SEARCH_DEADLINE_MS

struct row {
	int64_t id, rank, date;
	size_t table;
};

struct filters {
	struct buf common; /* SQL shared by every table */
	int64_t *section;  /* per table: ancestor section id, 0 for none, -1 to skip the table */
};

/*
 * After a statement's last step r: 0 when it ran to the end, 1 when the
 * query's deadline stopped it, or -1 with SQLite's error about what.
 */
static int step_done(struct search *s, int r, const char *what)
{
	if (r == SQLITE_DONE)
		return 0;
	if (r == SQLITE_INTERRUPT)
		return 1;
	return search_fail(s, what);
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->date != y->date)
		return x->date > y->date ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

static void add_msg(struct search_result *out, enum query_msg code, const char *arg)
{
	size_t i;

	for (i = 0; i < out->nmsgs; i++)
		if (out->msgs[i].code == code)
			return;
	if (out->nmsgs < QUERY_MAX_MESSAGES + 4)
		out->msgs[out->nmsgs++] = (struct query_message){code, arg ? arg : ""};
}

int64_t search_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int past_deadline(void *arg)
{
	return search_clock_ms() > *(int64_t *)arg;
}

/*
 * The section filter: per table, the section the path names in its
 * language.  "ru/europe" names one in ru only; "europe" one in each
 * language that has it.  1 if some table keeps a section, 0 if none has
 * it, -1 on error.
 */
static int resolve_section(struct search *s, struct arena *a, const char *path,
                           const struct search_table *t, size_t nt, int64_t *out)
{
	struct section sec;
	const char *rest;
	size_t i, n;
	int found = 0;
	enum store_status st;

	for (i = 0; i < nt; i++) {
		n = strlen(t[i].lang);
		rest = path;
		if (strncmp(path, t[i].lang, n) == 0 && (path[n] == '/' || path[n] == '\0'))
			rest = path[n] ? path + n + 1 : "";
		else if (strchr(path, '/') && nt > 1) {
			/* "xx/..." naming another searched language is not this one's. */
			size_t j, m = (size_t)(strchr(path, '/') - path);
			for (j = 0; j < nt; j++)
				if (strlen(t[j].lang) == m && strncmp(path, t[j].lang, m) == 0)
					break;
			if (j < nt) {
				out[i] = -1;
				continue;
			}
		}
		st = store_section_find(s->st, a, t[i].lang, rest, &sec);
		if (st == STORE_OK) {
			out[i] = sec.id;
			found = 1;
		} else if (st == STORE_NOT_FOUND) {
			out[i] = -1;
		} else {
			return -1;
		}
	}
	log_clear();
	return found;
}

/* Tag ids named name (any language) as "1,2,3" into out; false if none. */
static int tag_ids(struct search *s, const char *name, struct buf *out)
{
	sqlite3_stmt *st = search_stmt(
	        s, "SELECT id FROM tag WHERE name = ?1 COLLATE NOCASE OR slug = ?1 ORDER BY id");
	int r;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		buf_printf(out, "%s%lld", out->n ? "," : "",
		           (long long)sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		return search_fail(s, "search: tag");
	return out->n > 0;
}

/* Ranks the matches of table t into rows.  0, 1 past the deadline, or -1. */
static int run_table(struct search *s, const struct search_table *t, size_t ti, const char *fts,
                     const char *filter, size_t limit, bool by_date, struct row **rows, size_t *n,
                     size_t *cap, size_t *total)
{
	struct search_rank rank;
	struct buf sql = BUF_INIT;
	size_t first = *n;
	sqlite3_stmt *st;
	int r;

	if (by_date)
		buf_printf(&sql,
		           "SELECT \"%1$s\".rowid, 0, d.date FROM \"%1$s\" "
		           "CROSS JOIN search_doc d ON d.id = \"%1$s\".rowid "
		           "WHERE \"%1$s\" MATCH ?1%2$s ORDER BY 3 DESC, 1 DESC LIMIT ?3",
		           t->name, filter);
	else
		/*
		 * The column sizes come from FTS5's own %_docsize table, joined
		 * here: asked for through the API (xColumnSize), FTS5 runs a
		 * statement of its own for each row, which was half the cost of
		 * ranking.  Walked in rowid order in the same statement, the
		 * join is a step to the next row.
		 */
		buf_printf(
		        &sql,
		        "SELECT \"%1$s\".rowid, tz_rank(\"%1$s\", ?2, z.sz), d.date FROM \"%1$s\" "
		        "LEFT JOIN \"%1$s_docsize\" z ON z.id = \"%1$s\".rowid "
		        "CROSS JOIN search_doc d ON d.id = \"%1$s\".rowid "
		        "WHERE \"%1$s\" MATCH ?1%2$s ORDER BY 2, 3 DESC, 1 DESC LIMIT ?3",
		        t->name, filter);
	st = search_stmt(s, sql.p);
	buf_finish(&sql);
	if (st == NULL)
		return -1;
	search_rank_init(&rank);
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	if (!by_date)
		sqlite3_bind_pointer(st, 2, &rank, SEARCH_RANK_PTR, NULL);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 64;
			*rows = xreallocarray(*rows, *cap, sizeof(**rows));
		}
		(*rows)[*n].id = sqlite3_column_int64(st, 0);
		(*rows)[*n].rank = sqlite3_column_int64(st, 1);
		(*rows)[*n].date = sqlite3_column_int64(st, 2);
		(*rows)[*n].table = ti;
		(*n)++;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if ((r = step_done(s, r, "search")) != 0)
		return r;
	*total += by_date ? (size_t)(*n - first) : rank.count;
	return 0;
}

/* Fills the marked title and snippet of hit h from table t.  0, 1 past the deadline, or -1. */
static int marks(struct search *s, struct arena *a, const struct search_table *t, const char *fts,
                 struct search_hit *h)
{
	char sql[384];
	sqlite3_stmt *st;
	int r;

	snprintf(
	        sql, sizeof(sql),
	        "SELECT tz_highlight(\"%1$s\", %2$d), tz_snippet(\"%1$s\", %3$d, %4$d, %5$d, %6$d) "
	        "FROM \"%1$s\" WHERE \"%1$s\" MATCH ?1 AND rowid = ?2",
	        t->name, SEARCH_COL_TITLE, SNIPPET_WORDS, SEARCH_COL_BODY, SEARCH_COL_LEAD,
	        SEARCH_COL_SUB);
	if ((st = search_stmt(s, sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, h->id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		h->title = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
		h->snippet = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	return r == SQLITE_ROW ? 0 : step_done(s, r, "search: snippet");
}

/*
 * The marks of the n hits hs of table t in one statement.  For a prefix
 * query FTS5 merges the doclists of all the words with the prefix each
 * time a statement starts, whatever the rowid asked for: ten statements of
 * one hit each did it ten times, and made prefix queries most of the
 * search time.  One statement over the hits' rowid range, keeping theirs
 * only ("+rowid" is a filter, not a lookup per id), merges them once;
 * each row's marks are those marks() gives it.  0, 1 past the deadline, or -1.
 */
static int marks_range(struct search *s, struct arena *a, const struct search_table *t,
                       const char *fts, struct search_hit **hs, size_t n)
{
	struct buf ids = BUF_INIT;
	char sql[512];
	sqlite3_stmt *st;
	int64_t lo = hs[0]->id, hi = hs[0]->id, id;
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		buf_printf(&ids, "%c%lld", i ? ',' : '[', (long long)hs[i]->id);
		lo = MIN(lo, hs[i]->id);
		hi = MAX(hi, hs[i]->id);
	}
	buf_putc(&ids, ']');
	snprintf(sql, sizeof(sql),
	         "SELECT rowid, tz_highlight(\"%1$s\", %2$d), "
	         "tz_snippet(\"%1$s\", %3$d, %4$d, %5$d, %6$d) FROM \"%1$s\" "
	         "WHERE \"%1$s\" MATCH ?1 AND rowid BETWEEN ?2 AND ?3 "
	         "AND +rowid IN (SELECT value FROM json_each(?4))",
	         t->name, SEARCH_COL_TITLE, SNIPPET_WORDS, SEARCH_COL_BODY, SEARCH_COL_LEAD,
	         SEARCH_COL_SUB);
	if ((st = search_stmt(s, sql)) == NULL) {
		buf_finish(&ids);
		return -1;
	}
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	sqlite3_bind_text(st, 4, ids.p, (int)ids.n, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		for (i = 0; i < n; i++)
			if (hs[i]->id == id) {
				hs[i]->title =
				        arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
				hs[i]->snippet =
				        arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
			}
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	buf_finish(&ids);
	return step_done(s, r, "search: snippet");
}

/*
 * Fills the marks of hits[0..n), rows[i].table naming each one's table.
 * 0, 1 past the deadline, or -1.
 */
static int fill_marks(struct search *s, struct arena *a, const struct query *q,
                      const struct search_table *t, size_t nt, const char *fts,
                      const struct row *rows, struct search_hit *hits, size_t n)
{
	struct search_hit **hs = arena_alloc(a, (n + 1) * sizeof(*hs));
	bool prefix = false;
	size_t i, ti, k;
	int r;

	for (i = 0; i < q->nterms; i++)
		prefix = prefix || q->terms[i].prefix;
	for (ti = 0; ti < nt; ti++) {
		for (k = i = 0; i < n; i++)
			if (rows[i].table == ti)
				hs[k++] = &hits[i];
		if (k == 0)
			continue;
		if (prefix && k > 1) {
			if ((r = marks_range(s, a, &t[ti], fts, hs, k)) != 0)
				return r;
			continue;
		}
		for (i = 0; i < k; i++)
			if ((r = marks(s, a, &t[ti], fts, hs[i])) != 0)
				return r;
	}
	return 0;
}

int search_run(struct search *s, struct arena *a, const struct query *q,
               const struct search_opts *o, struct search_result *out)
{
	struct search_table *t = NULL, one;
	struct filters f = {BUF_INIT, NULL};
	struct buf fts = BUF_INIT, ids = BUF_INIT, filter = BUF_INIT;
	struct row *rows = NULL;
	size_t nt = 0, i, nrows = 0, cap = 0, limit, offset;
	const char *lang, *section;
	int64_t deadline;
	int r, rc = -1;

	memset(out, 0, sizeof(*out));
	out->msgs = arena_alloc(a, (QUERY_MAX_MESSAGES + 4) * sizeof(*out->msgs));
	for (i = 0; i < q->nmsgs; i++)
		out->msgs[out->nmsgs++] = q->msgs[i];
	if (s->unavailable) {
		log_fail("search is not ready on this site: %s", s->unavailable);
		goto out;
	}
	if (!query_fts(q, &fts)) {
		rc = 0;
		goto out;
	}
	out->fts = arena_strndup(a, fts.p, fts.n);
	limit = o->limit ? o->limit : DEFAULT_LIMIT;
	offset = o->offset;
	if (offset + limit > SEARCH_MAX_RESULTS) {
		add_msg(out, QUERY_MSG_PAGE_LIMIT, arena_printf(a, "%d", SEARCH_MAX_RESULTS));
		if (offset >= SEARCH_MAX_RESULTS)
			limit = 0;
		else
			limit = SEARCH_MAX_RESULTS - offset;
	}

	lang = q->lang ? q->lang : o->lang;
	if (lang == NULL || strcmp(lang, "all") == 0) {
		if (search_table_all(s, a, &t, &nt) != 0)
			goto out;
	} else {
		if ((r = search_table_get(s, lang, &one)) < 0)
			goto out;
		if (r == 0) {
			add_msg(out, QUERY_MSG_NO_LANG, lang);
			rc = 0;
			goto out;
		}
		t = &one;
		nt = 1;
	}
	f.section = arena_calloc(a, nt + 1, sizeof(*f.section));
	section = q->section ? q->section : o->section;
	if (section && *section) {
		if ((r = resolve_section(s, a, section, t, nt, f.section)) < 0)
			goto out;
		if (r == 0) {
			add_msg(out, QUERY_MSG_NO_SECTION, section);
			rc = 0;
			goto out;
		}
	}
	if (q->author) {
		struct author au;
		enum store_status st = store_author_find(s->st, a, q->author, &au);
		if (st == STORE_NOT_FOUND) {
			log_clear();
			add_msg(out, QUERY_MSG_NO_AUTHOR, q->author);
			rc = 0;
			goto out;
		}
		if (st != STORE_OK)
			goto out;
		buf_printf(&f.common,
		           " AND EXISTS (SELECT 1 FROM article_author x WHERE x.article_id = d.id "
		           "AND x.author_id = %lld)",
		           (long long)au.id);
	}
	if (q->tag) {
		if ((r = tag_ids(s, q->tag, &ids)) < 0)
			goto out;
		if (r == 0) {
			add_msg(out, QUERY_MSG_NO_TAG, q->tag);
			rc = 0;
			goto out;
		}
		buf_printf(&f.common,
		           " AND EXISTS (SELECT 1 FROM article_tag x WHERE x.article_id = d.id "
		           "AND x.tag_id IN (%s))",
		           ids.p);
	}
	if (q->from)
		buf_printf(&f.common, " AND d.date >= %lld", (long long)q->from);
	if (q->to)
		buf_printf(&f.common, " AND d.date < %lld", (long long)q->to);

	deadline = o->deadline ? o->deadline : search_clock_ms() + DEADLINE_MS;
	sqlite3_progress_handler(s->db, 10000, past_deadline, &deadline);
	for (i = 0; i < nt; i++) {
		if (f.section[i] < 0)
			continue;
		/* Past the deadline already (a long wait, or the tables before): stop. */
		if (past_deadline(&deadline))
			goto timeout;
		buf_reset(&filter);
		buf_puts(&filter, f.common.p ? f.common.p : "");
		if (f.section[i] > 0)
			buf_printf(&filter,
			           " AND d.section_id IN (SELECT descendant FROM section_closure "
			           "WHERE ancestor = %lld)",
			           (long long)f.section[i]);
		r = run_table(s, &t[i], i, fts.p, filter.p ? filter.p : "", offset + limit,
		              o->by_date, &rows, &nrows, &cap, &out->total);
		if (r < 0)
			goto done;
		if (r > 0)
			goto timeout;
	}
	if (nrows > 1)
		qsort(rows, nrows, sizeof(*rows), cmp_row);
	if (offset < nrows && limit > 0) {
		size_t n = MIN(limit, nrows - offset);
		out->hits = arena_calloc(a, n, sizeof(*out->hits));
		for (i = 0; i < n; i++) {
			struct search_hit *h = &out->hits[i];
			const struct row *rw = &rows[offset + i];
			h->id = rw->id;
			h->lang = arena_strdup(a, t[rw->table].lang);
			h->date = rw->date;
			h->title = h->snippet = "";
		}
		if (o->marks &&
		    (r = fill_marks(s, a, q, t, nt, fts.p, rows + offset, out->hits, n)) != 0) {
			if (r < 0)
				goto done;
			goto timeout;
		}
		out->nhits = n;
	}
	rc = 0;
	goto done;
timeout:
	/* Stopped: a message and no results, never a partial answer. */
	out->total = 0;
	out->hits = NULL;
	out->nhits = 0;
	out->timed_out = true;
	add_msg(out, QUERY_MSG_TIMEOUT, NULL);
	rc = 0;
done:
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
out:
	free(rows);
	buf_finish(&fts);
	buf_finish(&ids);
	buf_finish(&filter);
	buf_finish(&f.common);
	return rc;
}
