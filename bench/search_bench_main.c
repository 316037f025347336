/*
 * Query latency of full-text search, for bench/search.sh:
 *
 *	search_bench SITE QUERIES [--baseline]
 *
 * QUERIES holds one "LANG<TAB>QUERY" a line.  Runs each query once as a
 * warm-up, then each once more timed, as the search page does
 * (search_web_query(): the ranked top 10 with snippets and their articles,
 * and the count), and prints p50, p99 and the mean in milliseconds.
 *
 * --baseline: plain FTS5 with the unicode61 tokenizer (diacritics removed,
 * no stemming), one table per language in SITE/baseline.db, built first
 * from the same published articles (title and body as stored), its build
 * time and size printed; then the same queries, their words ANDed, with a
 * count, the top 10 by bm25 (title weighted 8) and a snippet.
 */
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

static void report(const char *label, double *ms, size_t n, size_t found)
{
	double sum = 0;
	size_t i;

	qsort(ms, n, sizeof(*ms), cmp_double);
	for (i = 0; i < n; i++)
		sum += ms[i];
	printf("%-34s %5zu queries  p50 %7.3f ms  p99 %7.3f ms  mean %7.3f ms  (%zu with hits)\n",
	       label, n, ms[n / 2], ms[(n * 99) / 100], sum / (double)n, found);
}

static int run_tamizdat(const char *dir, struct q *qs, size_t n)
{
	struct site site;
	double *ms = xreallocarray(NULL, n, sizeof(*ms));
	size_t i, found = 0;
	int pass;

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
			if (search_web_query(&site, site.store, site.search, a, qs[i].text, &o,
			                     &p) != 0) {
				fprintf(stderr, "search_bench: %s: %s\n", qs[i].text, log_reason());
				return 1;
			}
			ms[i] = (now() - t0) * 1000;
			if (pass == 1 && p.nhits)
				found++;
			arena_free(a);
		}
	}
	report("tamizdat (stemmed, in-process)", ms, n, found);
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

static int run_baseline(const char *dir, struct q *qs, size_t n)
{
	static const char *const langs[] = {"en", "fr", "ru", "uk"};
	char path[4096], s[512];
	sqlite3 *db;
	struct stat stt;
	double t0, *ms = xreallocarray(NULL, n, sizeof(*ms));
	size_t i, j, found = 0;
	int pass;

	snprintf(path, sizeof(path), "%s/baseline.db", dir);
	remove(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	snprintf(s, sizeof(s), "ATTACH '%s/tamizdat.db' AS st", dir);
	t0 = now();
	if (sql(db, s) || sql(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN"))
		return 1;
	for (j = 0; j < 4; j++) {
		snprintf(s, sizeof(s),
		         "CREATE VIRTUAL TABLE b_%s USING fts5(title, body, "
		         "tokenize = 'unicode61 remove_diacritics 2'); "
		         "INSERT INTO b_%s(rowid, title, body) SELECT a.id, a.title, r.body FROM "
		         "st.article a JOIN st.revision r ON r.id = a.rev_id "
		         "WHERE a.status = 'published' AND a.lang = '%s'; "
		         "INSERT INTO b_%s(b_%s) VALUES ('optimize')",
		         langs[j], langs[j], langs[j], langs[j], langs[j]);
		if (sql(db, s))
			return 1;
	}
	if (sql(db, "COMMIT"))
		return 1;
	stat(path, &stt);
	printf("baseline FTS5 unicode61: built in %.2f s, %.1f MiB\n", now() - t0,
	       (double)stt.st_size / 1048576);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			struct buf m = BUF_INIT;
			sqlite3_stmt *c, *t;
			double t1;
			int rows = 0;
			plain(qs[i].text, &m);
			if (m.n == 0) {
				ms[i] = 0;
				buf_finish(&m);
				continue;
			}
			t1 = now();
			snprintf(s, sizeof(s), "SELECT count(*) FROM b_%s WHERE b_%s MATCH ?",
			         qs[i].lang, qs[i].lang);
			sqlite3_prepare_v2(db, s, -1, &c, NULL);
			sqlite3_bind_text(c, 1, m.p, (int)m.n, SQLITE_STATIC);
			sqlite3_step(c);
			sqlite3_finalize(c);
			snprintf(s, sizeof(s),
			         "SELECT rowid, snippet(b_%s, 1, '<mark>', '</mark>', '…', 24) "
			         "FROM b_%s "
			         "WHERE b_%s MATCH ? ORDER BY bm25(b_%s, 8.0, 1.0) LIMIT 10",
			         qs[i].lang, qs[i].lang, qs[i].lang, qs[i].lang);
			sqlite3_prepare_v2(db, s, -1, &t, NULL);
			sqlite3_bind_text(t, 1, m.p, (int)m.n, SQLITE_STATIC);
			while (sqlite3_step(t) == SQLITE_ROW)
				rows++;
			sqlite3_finalize(t);
			ms[i] = (now() - t1) * 1000;
			if (pass == 1 && rows)
				found++;
			buf_finish(&m);
		}
	}
	report("baseline (unicode61, in-process)", ms, n, found);
	sqlite3_close(db);
	remove(path);
	free(ms);
	return 0;
}

int main(int argc, char **argv)
{
	struct q *qs;
	size_t n;

	if (argc < 3) {
		fprintf(stderr, "usage: search_bench SITE QUERIES [--baseline]\n");
		return 2;
	}
	n = load(argv[2], &qs);
	if (n == 0)
		return 2;
	if (argc > 3 && strcmp(argv[3], "--baseline") == 0)
		return run_baseline(argv[1], qs, n);
	return run_tamizdat(argv[1], qs, n);
}
