/*
 * Query latency of full-text search, for bench/search.sh:
 *
 *	search_bench SITE QUERIES [--baseline]
 *	search_bench SITE --serve-baseline PORT
 *
 * QUERIES holds one "LANG<TAB>QUERY" a line.  Runs each query once as a
 * warm-up, then each once more timed, as the search page does
 * (search_web_query(): the ranked top 10 with snippets and their articles,
 * and the count), and prints p50, p99 and the mean in milliseconds.
 * With SEARCH_BENCH_DUMP=FILE, the JSON answer of each query (as
 * /search.json gives it) goes to FILE, one a line: a change meant to be
 * faster only must leave that file as it was.
 *
 * --baseline: plain FTS5 with the unicode61 tokenizer (diacritics removed,
 * no stemming), one table per language in SITE/baseline.db, built first
 * from the same published articles (title and body as stored), its build
 * time and size printed; then the same queries, their words ANDed, with a
 * count, the top 10 by bm25 (title weighted 8) and a snippet, on
 * statements prepared once.  baseline.db is kept for the next mode.
 *
 * --serve-baseline: the baseline over HTTP, for wrk: /search.json?lang=L
 * &q=Q answers the count and the top 10 (id, title, snippet) as JSON,
 * served by the same HTTP module as `tamizdat serve` with its defaults
 * (a worker per core, one pooled connection per worker), until SIGTERM.
 * It is bench-only: the product has no unstemmed search.
 */
#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "search/search.h"
#include "search/search_web.h"
#include "site/site.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/util.h"
#include "web/http.h"

struct q {
	char lang[8];
	char *text;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static size_t load(const char *path, struct q **out)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	struct q *v = NULL;
	size_t n = 0;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');
		line[strcspn(line, "\n")] = '\0';
		if (tab == NULL)
			continue;
		*tab = '\0';
		v = xreallocarray(v, n + 1, sizeof(*v));
		snprintf(v[n].lang, sizeof(v[n].lang), "%s", line);
		v[n].text = xstrdup(tab + 1);
		n++;
	}
	fclose(f);
	*out = v;
	return n;
}

static void report(const char *label, double *ms, size_t n, size_t found, size_t failed)
{
	double sum = 0;
	size_t i;

	qsort(ms, n, sizeof(*ms), cmp_double);
	for (i = 0; i < n; i++)
		sum += ms[i];
	printf("%-34s %5zu queries  p50 %7.3f ms  p99 %7.3f ms  mean %7.3f ms  (%zu with hits",
	       label, n, ms[n / 2], ms[(n * 99) / 100], sum / (double)n, found);
	if (failed)
		printf(", %zu failed", failed);
	printf(")\n");
}

static int run_tamizdat(const char *dir, struct q *qs, size_t n)
{
	struct site site;
	double *ms = xreallocarray(NULL, n, sizeof(*ms));
	size_t i, found = 0, failed = 0;
	int pass;
	const char *dump_path = getenv("SEARCH_BENCH_DUMP");
	FILE *dump = dump_path ? fopen(dump_path, "w") : NULL;

	if (site_open(&site, dir, SITE_READONLY | SITE_NO_THEME) != 0) {
		fprintf(stderr, "search_bench: %s\n", log_reason());
		return 1;
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			struct arena *a = arena_new(0);
			struct search_opts o = {.lang = qs[i].lang, .limit = 10, .marks = true};
			struct search_page p;
			double t0 = now();
			int rc = search_web_query(&site, site.store, site.search, a, qs[i].text, &o,
			                          &p);
			ms[i] = (now() - t0) * 1000;
			/* A query past the deadline fails; it counts with the time it took. */
			if (rc != 0) {
				if (pass == 1) {
					fprintf(stderr, "search_bench: %s: %s (%.0f ms)\n",
					        qs[i].text, log_reason(), ms[i]);
					if (dump)
						fprintf(dump, "%s\terror: %s\n", qs[i].lang,
						        log_reason());
					failed++;
				}
				log_clear();
				arena_free(a);
				continue;
			}
			if (pass == 1 && p.nhits)
				found++;
			if (pass == 1 && dump) {
				struct buf b = BUF_INIT;
				search_web_json(&site, a, qs[i].text, &o, &p, &b);
				fprintf(dump, "%s\t%s", qs[i].lang, b.p);
				buf_finish(&b);
			}
			arena_free(a);
		}
	}
	if (getenv("SEARCH_BENCH_TIMES")) {
		/* Each query's time in the second pass, for finding the slow kinds. */
		FILE *t = fopen(getenv("SEARCH_BENCH_TIMES"), "w");
		for (i = 0; t && i < n; i++)
			fprintf(t, "%.3f\t%s\t%s\n", ms[i], qs[i].lang, qs[i].text);
		if (t)
			fclose(t);
	}
	report("tamizdat (stemmed, in-process)", ms, n, found, failed);
	if (dump)
		fclose(dump);
	site_close(&site);
	free(ms);
	return 0;
}

static int sql(sqlite3 *db, const char *s)
{
	char *err = NULL;

	if (sqlite3_exec(db, s, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "search_bench: %s: %s\n", s, err);
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* The query's words as quoted FTS5 strings, ANDed; prefix* kept. */
static void plain(const char *text, struct buf *out)
{
	const char *s = text;

	while (*s) {
		size_t n;
		while (*s == ' ')
			s++;
		n = strcspn(s, " ");
		if (n == 0)
			break;
		{
			const char *w = s, *e = s + n;
			bool prefix = e > w && e[-1] == '*';
			while (w < e && (*w == '"' || *w == '-'))
				w++;
			while (e > w && (e[-1] == '"' || e[-1] == '*'))
				e--;
			if (e > w && !(e - w == 2 && memcmp(w, "OR", 2) == 0) &&
			    memchr(w, ':', (size_t)(e - w)) == NULL) {
				if (out->n)
					buf_putc(out, ' ');
				buf_putc(out, '"');
				for (; w < e; w++) {
					if (*w == '"')
						buf_putc(out, '"');
					buf_putc(out, *w);
				}
				buf_putc(out, '"');
				if (prefix)
					buf_putc(out, '*');
			}
		}
		s += n;
	}
}

static const char *const base_langs[] = {"en", "fr", "ru", "uk"};
#define BASE_NLANGS 4

/* A read connection to SITE/baseline.db with its statements prepared once. */
struct bconn {
	sqlite3 *db;
	sqlite3_stmt *count[BASE_NLANGS], *top[BASE_NLANGS];
	struct bconn *next;
};

static void bconn_free(struct bconn *c)
{
	size_t j;

	if (c == NULL)
		return;
	for (j = 0; j < BASE_NLANGS; j++) {
		sqlite3_finalize(c->count[j]);
		sqlite3_finalize(c->top[j]);
	}
	sqlite3_close(c->db);
	free(c);
}

static struct bconn *bconn_open(const char *dir)
{
	struct bconn *c = xcalloc(1, sizeof(*c));
	char path[4096], s[512];
	size_t j;

	snprintf(path, sizeof(path), "%s/baseline.db", dir);
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto fail;
	/* As tamizdat's reading connections. */
	sqlite3_exec(c->db, "PRAGMA mmap_size = 2147483648", NULL, NULL, NULL);
	for (j = 0; j < BASE_NLANGS; j++) {
		const char *l = base_langs[j];
		snprintf(s, sizeof(s), "SELECT count(*) FROM b_%s WHERE b_%s MATCH ?", l, l);
		if (sqlite3_prepare_v2(c->db, s, -1, &c->count[j], NULL) != SQLITE_OK)
			goto fail;
		snprintf(s, sizeof(s),
		         "SELECT rowid, title, snippet(b_%s, 1, '<mark>', '</mark>', '…', 24) "
		         "FROM b_%s WHERE b_%s MATCH ? ORDER BY bm25(b_%s, 8.0, 1.0) LIMIT 10",
		         l, l, l, l);
		if (sqlite3_prepare_v2(c->db, s, -1, &c->top[j], NULL) != SQLITE_OK)
			goto fail;
	}
	return c;
fail:
	fprintf(stderr, "search_bench: %s: %s\n", path, sqlite3_errmsg(c->db));
	bconn_free(c);
	return NULL;
}

/*
 * The baseline's answer to a query in lang: the count, then the top 10
 * by bm25 with a snippet, as JSON into out if not NULL.  The number of
 * rows listed, or -1 on an SQLite error (a query FTS5 cannot parse gives
 * 0 rows, not an error: tamizdat's parser never lets one through).
 */
static int base_query(struct bconn *c, const char *lang, const char *text, struct buf *out)
{
	struct buf m = BUF_INIT;
	json_t *o = NULL, *res = NULL;
	sqlite3_stmt *t;
	long long total = 0;
	size_t j;
	int rows = 0, r;

	for (j = 0; j < BASE_NLANGS && strcmp(base_langs[j], lang ? lang : "") != 0; j++)
		;
	plain(text ? text : "", &m);
	if (out) {
		o = json_object();
		res = json_array();
		json_object_set_new(o, "query", json_string(text ? text : ""));
	}
	if (j < BASE_NLANGS && m.n > 0) {
		sqlite3_bind_text(c->count[j], 1, m.p, (int)m.n, SQLITE_STATIC);
		if (sqlite3_step(c->count[j]) == SQLITE_ROW)
			total = sqlite3_column_int64(c->count[j], 0);
		sqlite3_reset(c->count[j]);
		t = c->top[j];
		sqlite3_bind_text(t, 1, m.p, (int)m.n, SQLITE_STATIC);
		while ((r = sqlite3_step(t)) == SQLITE_ROW) {
			rows++;
			if (res)
				json_array_append_new(
				        res,
				        json_pack("{s:I, s:s?, s:s?}", "id",
				                  (json_int_t)sqlite3_column_int64(t, 0), "title",
				                  (const char *)sqlite3_column_text(t, 1),
				                  "snippet_html",
				                  (const char *)sqlite3_column_text(t, 2)));
		}
		sqlite3_reset(t);
	}
	if (o) {
		char *dump;
		json_object_set_new(o, "total", json_integer(total));
		json_object_set_new(o, "results", res);
		dump = json_dumps(o, JSON_COMPACT);
		buf_puts(out, dump ? dump : "{}");
		buf_putc(out, '\n');
		free(dump);
		json_decref(o);
	}
	buf_finish(&m);
	return rows;
}

/* Builds SITE/baseline.db from the store's published articles; prints its time and size. */
static int build_baseline(const char *dir)
{
	char path[4096], s[1024];
	struct stat stt;
	sqlite3 *db;
	double t0;
	size_t j;

	snprintf(path, sizeof(path), "%s/baseline.db", dir);
	remove(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	snprintf(s, sizeof(s), "ATTACH '%s/tamizdat.db' AS st", dir);
	t0 = now();
	if (sql(db, s) || sql(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN"))
		return 1;
	for (j = 0; j < BASE_NLANGS; j++) {
		const char *l = base_langs[j];
		snprintf(s, sizeof(s),
		         "CREATE VIRTUAL TABLE b_%s USING fts5(title, body, "
		         "tokenize = 'unicode61 remove_diacritics 2'); "
		         "INSERT INTO b_%s(rowid, title, body) SELECT a.id, a.title, r.body FROM "
		         "st.article a JOIN st.revision r ON r.id = a.rev_id "
		         "WHERE a.status = 'published' AND a.lang = '%s'; "
		         "INSERT INTO b_%s(b_%s) VALUES ('optimize')",
		         l, l, l, l, l);
		if (sql(db, s))
			return 1;
	}
	if (sql(db, "COMMIT"))
		return 1;
	sqlite3_close(db);
	stat(path, &stt);
	printf("baseline FTS5 unicode61: built in %.2f s, %.1f MiB\n", now() - t0,
	       (double)stt.st_size / 1048576);
	return 0;
}

static int run_baseline(const char *dir, struct q *qs, size_t n)
{
	double *ms = xreallocarray(NULL, n, sizeof(*ms));
	struct bconn *c;
	size_t i, found = 0;
	int pass, rows;

	if (build_baseline(dir) != 0 || (c = bconn_open(dir)) == NULL)
		return 1;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			double t1 = now();
			if ((rows = base_query(c, qs[i].lang, qs[i].text, NULL)) < 0)
				return 1;
			ms[i] = (now() - t1) * 1000;
			if (pass == 1 && rows)
				found++;
		}
	}
	report("baseline (unicode61, in-process)", ms, n, found, 0);
	bconn_free(c);
	free(ms);
	return 0;
}

/* ---- the baseline over HTTP ------------------------------------------- */

/* Connections shared by the server's workers: one each, as tamizdat's search. */
struct bpool {
	const char *dir;
	pthread_mutex_t mu;
	struct bconn *idle;
};

static int base_json(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct bpool *p = arg;
	struct bconn *c;

	pthread_mutex_lock(&p->mu);
	if ((c = p->idle) != NULL)
		p->idle = c->next;
	pthread_mutex_unlock(&p->mu);
	if (c == NULL && (c = bconn_open(p->dir)) == NULL)
		return -1;
	resp->content_type = "application/json; charset=utf-8";
	base_query(c, http_request_arg(req, "lang"), http_request_arg(req, "q"), &resp->body);
	pthread_mutex_lock(&p->mu);
	c->next = p->idle;
	p->idle = c;
	pthread_mutex_unlock(&p->mu);
	return 0;
}

/*
 * Serves /search.json?lang=L&q=Q from SITE/baseline.db (made by
 * --baseline) with the server of `tamizdat serve` (same module, same
 * default of one worker per core, no access log) until SIGTERM.
 */
static int serve_baseline(const char *dir, unsigned port)
{
	struct bpool pool = {dir, PTHREAD_MUTEX_INITIALIZER, NULL};
	const struct http_route routes[] = {{"/search.json", base_json, &pool, false}};
	struct http_config cfg = {0};
	char root[4096];
	struct bconn *c, *next;
	int rc = 0;

	snprintf(root, sizeof(root), "%s/public", dir);
	cfg.root = root;
	cfg.port = port;
	cfg.routes = routes;
	cfg.nroutes = NELEM(routes);
	cfg.quiet = true;
	if (http_serve(&cfg) != 0) {
		fprintf(stderr, "search_bench: %s\n", log_reason());
		rc = 1;
	}
	for (c = pool.idle; c; c = next) {
		next = c->next;
		bconn_free(c);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct q *qs;
	size_t n;

	if (argc > 3 && strcmp(argv[2], "--serve-baseline") == 0)
		return serve_baseline(argv[1], (unsigned)atoi(argv[3]));
	if (argc < 3) {
		fprintf(stderr, "usage: search_bench SITE QUERIES [--baseline]\n"
		                "       search_bench SITE --serve-baseline PORT\n");
		return 2;
	}
	n = load(argv[2], &qs);
	if (n == 0)
		return 2;
	if (argc > 3 && strcmp(argv[3], "--baseline") == 0)
		return run_baseline(argv[1], qs, n);
	return run_tamizdat(argv[1], qs, n);
}
