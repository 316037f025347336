/*
 * Tests for src/search/stemdb.c, the persistent stem cache: a process
 * whose store holds the stems of a Ukrainian article re-indexes it without
 * loading hunspell, and its index equals the one a rebuild without the
 * cache makes; every way of indexing (the article hook, a deferred batch,
 * the parallel rebuild) fills the cache with the same rows; a row of
 * another dictionary is never read.  The first test forks, so that the
 * test process itself has never loaded the dictionary when it checks.
 */
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "search/search.h"
#include "search/stem.h"
#include "search/stemdb.h"
#include "site/site.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"

/* Ukrainian articles beyond the first: enough for the parallel rebuild (BUILD_MIN). */
#define MORE 210

static char sitedir[64];
static struct site site;
static struct buf body;
static const char title[] = "Нафтовики Мангістау і шахтарі Донбасу: схожі вимоги за тисячі "
                            "кілометрів";
/* The same words in another order: all of them in the cache. */
static const char title2[] = "Схожі вимоги за тисячі кілометрів: шахтарі Донбасу і нафтовики "
                             "Мангістау";

/* The body of a demo article (Markdown after the front matter) into body. */
static bool read_body(void)
{
	char path[4096], line[8192];
	const char *src = getenv("TZ_SRC");
	int dashes = 0;
	FILE *f;

	snprintf(path, sizeof(path),
	         "%s/demo/content/uk/asia/kazakhstan/labour/"
	         "naftovyky-manhistau-i-shakhtari-donbasu-skhozhi-vymohy-za-tysiachi-kilometriv.md",
	         src ? src : ".");
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: cannot open\n", path);
		return false;
	}
	buf_init(&body);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (dashes < 2) {
			dashes += strcmp(line, "---\n") == 0;
			continue;
		}
		buf_puts(&body, line);
	}
	fclose(f);
	return body.n > 1000;
}

static int open_site(bool create)
{
	struct config cfg;

	if (create) {
		config_init(&cfg);
		config_set_langs(&cfg, "en,uk");
		if (site_create(sitedir, &cfg) != 0) {
			config_finish(&cfg);
			return -1;
		}
		config_finish(&cfg);
	}
	if (site_open(&site, sitedir, 0) != 0) {
		fprintf(stderr, "%s\n", log_reason());
		return -1;
	}
	return 0;
}

static void remove_site(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sitedir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", sitedir);
}

static struct article article(const char *t, const char *b, struct author *au)
{
	struct article in = {0};

	in.lang = "uk";
	in.section_path = "labour";
	in.title = t;
	in.body = b;
	in.status = ST_PUBLISHED;
	in.date = 1700000000;
	in.authors = au;
	in.nauthors = 1;
	return in;
}

/*
 * The first process: the site, one article through the article hook, MORE
 * through a deferred batch.  Returns the exit status.
 */
static int fill(void)
{
	struct author au = {.name = "Тарас Гнатишин"};
	struct article in;
	struct buf b = BUF_INIT;
	int64_t id;
	int i, rc = 1;

	if (open_site(true) != 0)
		return 1;
	if (store_begin(site.store) != STORE_OK ||
	    store_section_add(site.store, "uk", "labour", "Праця", "", 0, NULL) != STORE_OK)
		goto out;
	in = article(title, body.p, &au);
	if (store_article_add(site.store, &in, &id) != STORE_OK || id != 1)
		goto out;
	search_defer(site.search);
	for (i = 0; i < MORE; i++) {
		const char *from = strchr(body.p + (size_t)i * 7 % (body.n / 2), ' ');
		char t[64];
		buf_reset(&b);
		/* Each a part of the text (from a space: whole characters). */
		buf_printf(&b, "Стаття %d.%s", i, from ? from : "");
		snprintf(t, sizeof(t), "Вимоги робітників %d", i);
		in = article(t, b.p, &au);
		if (store_article_add(site.store, &in, &id) != STORE_OK)
			goto out;
	}
	if (search_flush(site.search) != 0 || store_commit(site.store) != STORE_OK)
		goto out;
	rc = stem_dictionary_loaded() ? 0 : 2;
out:
	if (rc == 1)
		fprintf(stderr, "fill: %s\n", log_reason());
	buf_finish(&b);
	site_close(&site);
	return rc;
}

/* Rows of sql, tab- and newline-separated, into out. */
static int dump(const char *sql, struct buf *out)
{
	sqlite3 *db = store_db(site.store);
	sqlite3_stmt *st;
	int i, r;

	buf_reset(out);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		return -1;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			buf_put(out, sqlite3_column_blob(st, i),
			        (size_t)sqlite3_column_bytes(st, i));
			buf_putc(out, '\t');
		}
		buf_putc(out, '\n');
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : -1;
}

static long long count_stems(void)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_prepare_v2(store_db(site.store), "SELECT count(*) FROM search_stem", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Static: a failed CHECK leaves them reachable, not leaked. */
static struct buf cached, rebuilt, stems, stems2;

#define VOCAB "SELECT term, doc, col, offset FROM temp.v ORDER BY 1, 2, 3, 4"
#define STEMS "SELECT lang, dict, word, keys FROM search_stem ORDER BY 1, 2, 3"

TEST(cached_stems_index_without_hunspell)
{
	struct author au = {.name = "Тарас Гнатишин"};
	struct search_stats stats;
	struct article in;
	long long nstems;
	int status = -1;
	pid_t pid;

	CHECK(read_body());
	snprintf(sitedir, sizeof(sitedir), "/tmp/tz-stemdb-XXXXXX");
	CHECK(mkdtemp(sitedir) != NULL);
	/* The process that indexes first, and loads hunspell for it. */
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(fill());
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_INTEQ(WEXITSTATUS(status), 0);

	/* This process: the dictionary never loaded, the site's cache full. */
	CHECK(!stem_dictionary_loaded());
	CHECK(open_site(false) == 0);
	nstems = count_stems();
	CHECK(nstems > 200); /* the article's words */
	CHECK(dump(STEMS, &stems) == 0);
	/* A word only the batch's articles have: written by its workers. */
	CHECK(memmem(stems.p, stems.n, "\tстаття\t", strlen("\tстаття\t")) != NULL);
	in = article(title2, body.p, &au);
	CHECK_INTEQ(store_article_update(site.store, 1, &in), STORE_OK);
	CHECK(!stem_dictionary_loaded());
	CHECK_INTEQ(count_stems(), nstems);
	CHECK(sqlite3_exec(
	              store_db(site.store),
	              "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, search_fts_uk, instance)",
	              NULL, NULL, NULL) == SQLITE_OK);
	CHECK(dump(VOCAB, &cached) == 0);
	CHECK(cached.n > 100000);
	/* The old title is gone from the index and the new one in it, at its place. */
	CHECK(strstr(cached.p, "\nсхожий\t1\ttitle\t0\t\n") != NULL);
	CHECK(strstr(cached.p, "\nнафтовик\t1\ttitle\t8\t\n") != NULL);
	CHECK(!stem_dictionary_loaded());

	/* Without the cache: everything from hunspell, by the parallel rebuild. */
	CHECK(sqlite3_exec(store_db(site.store), "DELETE FROM search_stem", NULL, NULL, NULL) ==
	      SQLITE_OK);
	CHECK_INTEQ(search_reindex(site.search, false, &stats), 0);
	CHECK_INTEQ(stats.articles, MORE + 1);
	CHECK(stem_dictionary_loaded());
	CHECK(dump(VOCAB, &rebuilt) == 0);
	CHECK(rebuilt.n == cached.n && memcmp(rebuilt.p, cached.p, cached.n) == 0);
	/* The rebuild wrote the same stems as the hook and the batch had. */
	CHECK(dump(STEMS, &stems2) == 0);
	CHECK(stems2.n == stems.n && memcmp(stems2.p, stems.p, stems.n) == 0);

	sqlite3_exec(store_db(site.store), "DROP TABLE temp.v", NULL, NULL, NULL);
	site_close(&site);
	remove_site();
	buf_finish(&cached);
	buf_finish(&rebuilt);
	buf_finish(&stems);
	buf_finish(&stems2);
	buf_finish(&body);
}

/* Keys of w from s, space-separated, into a static buffer. */
static const char *keys(struct stem *s, const char *w)
{
	static char out[1024];
	struct str k[STEM_MAX_KEYS];
	size_t o = 0;
	int n, i;

	out[0] = '\0';
	n = stem_word(s, w, strlen(w), k);
	for (i = 0; i < n && o + k[i].n + 2 < sizeof(out); i++) {
		if (i)
			out[o++] = ' ';
		memcpy(out + o, k[i].p, k[i].n);
		o += k[i].n;
	}
	out[o] = '\0';
	return out;
}

TEST(rows_of_another_dictionary_are_never_read)
{
	sqlite3 *db = NULL;
	struct stemdb *c;
	struct stem_store ops;
	struct stem *s;
	uint64_t dict = stem_dictionary_id(STEM_UK);
	unsigned long long found, asked;
	sqlite3_stmt *st;
	int i;

	CHECK(dict != 0);
	CHECK(stem_dictionary_id(STEM_RU) == 0);
	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, STEMDB_CREATE, NULL, NULL, NULL) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "INSERT INTO search_stem VALUES ('uk', ?, ?, ?)", -1, &st,
	                         NULL) == SQLITE_OK);
	/* Keys no dictionary gives, to see which row answers. */
	for (i = 0; i < 2; i++) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)(dict + (uint64_t)i));
		sqlite3_bind_text(st, 2, i ? "війною" : "книгою", -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, "aa\0bb", 5, SQLITE_STATIC);
		CHECK(sqlite3_step(st) == SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	c = stemdb_new(db, true);
	stemdb_store(c, true, &ops);
	s = stem_new(STEM_UK, 0);
	CHECK(s != NULL);
	stem_set_store(s, &ops);
	CHECK_STREQ(keys(s, "книгою"), "aa bb");
	CHECK_STREQ(keys(s, "війною"), "війна");
	stemdb_counts(c, &found, &asked);
	CHECK(found == 1 && asked == 2);
	/* What was computed is written by the flush, then read back. */
	CHECK_INTEQ(stemdb_flush(c), 0);
	CHECK_STREQ(keys(s, "війною"), "війна");
	stemdb_counts(c, &found, &asked);
	CHECK(found == 2 && asked == 3);
	/* Detached: every word computed, nothing kept. */
	stemdb_detach(c);
	CHECK_STREQ(keys(s, "книгою"), "книга");
	stem_free(s);
	stemdb_unref(c);
	CHECK(sqlite3_close(db) == SQLITE_OK);
}

TESTS(T(cached_stems_index_without_hunspell), T(rows_of_another_dictionary_are_never_read));
