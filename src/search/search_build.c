/*
 * Building whole language tables in parallel, for a rebuild and for the
 * first import into a site.  SQLite has one writer per database, and
 * inserting into FTS5 costs as much as tokenizing, so one thread cannot
 * keep up with the workers that tokenize for it (search_index.c).  Here
 * each language gets a thread with a scratch database of its own
 * (tamizdat.db-search-LANG, no journal): it makes the text, tokenizes,
 * inserts and merges its table into one segment, and the connection's
 * thread then copies the finished table's rows into the store, inside the
 * caller's transaction.
 *
 * The copy writes FTS5's shadow tables (NAME_data, _idx, _content,
 * _docsize, _config) directly.  That is sound because the table in the
 * store was made by this transaction and FTS5 has not read it since, so
 * it holds no cached structure of it, and because both tables are made
 * by the same CREATE VIRTUAL TABLE but for the tokenizer's cache size,
 * which the shadow tables do not record.  The tests check the result
 * with FTS5's integrity-check.
 *
 * The Ukrainian keys a builder computes go into a stem cache table of its
 * scratch database (stemdb.h) after each article, and are copied into
 * the store's with the rest (rows the store has already are kept).
 */
#include "search/search_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "site/config.h"
#include "util/log.h"

/* Articles queued per language: enough to ride out a slow one. */
#define QUEUE 32
/*
 * A builder's FTS5 pending-data budget before it writes a segment (bytes),
 * and its page cache (KiB).  These bound an import's memory whatever its
 * size: with 64 MiB each, a WordPress import peaked at 72 MiB for 5,000
 * posts and 187 MiB for 60,000; with 8 MiB, 58 / 68 / 72 MiB for 5,000 /
 * 20,000 / 60,000 posts, for about 10% more CPU in the indexing
 * (BENCHMARKS.md).
 */
#define HASH_SIZE       "8388608"
#define BUILD_CACHE_KIB "8192"
/* Its stem cache (words): a language's whole vocabulary. */
#define BUILD_CACHE "131072"

static const char *const shadow[] = {"_data", "_idx", "_content", "_docsize", "_config"};

struct builder {
	struct search_table t; /* the store's table */
	char path[4096];
	sqlite3 *db;
	struct stemdb *stems; /* the scratch database's stem cache */
	pthread_t th;
	bool started;
	struct doc *q[QUEUE];
	size_t head, tail; /* monotonic */
	bool closed;
	pthread_cond_t more, room;
	int failed;
	char why[512];
};

struct build {
	pthread_mutex_t mu;
	pthread_cond_t room; /* some builder took an article from its queue */
	struct builder *b[CONFIG_MAX_LANGS];
	size_t n;
};

static int fail(struct builder *b, const char *what)
{
	snprintf(b->why, sizeof(b->why), "%s: %s", what,
	         b->db ? sqlite3_errmsg(b->db) : log_reason());
	b->failed = 1;
	return -1;
}

static int exec(struct builder *b, const char *sql)
{
	return sqlite3_exec(b->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0
	                                                               : fail(b, "scratch index");
}

static void drop_stems(void *ctx)
{
	stemdb_unref(ctx);
}

/* The scratch database with the table as the store's. */
static int open_scratch(struct builder *b)
{
	struct stem_store store;
	char sql[768];

	unlink(b->path);
	if (sqlite3_open_v2(b->path, &b->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		return fail(b, "scratch index");
	/*
	 * Record only: the scratch table starts empty, and the stem cache
	 * in memory already answers a word seen before.
	 */
	b->stems = stemdb_new(b->db, true);
	stemdb_ref(b->stems);
	stemdb_store(b->stems, false, &store);
	if (ftstok_register(b->db, &store, drop_stems) != 0)
		return fail(b, "scratch index");
	snprintf(sql, sizeof(sql),
	         "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
	         "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -" BUILD_CACHE_KIB "; "
	         "CREATE VIRTUAL TABLE \"%s\" USING fts5(" SEARCH_FTS_COLUMNS ", "
	         "tokenize = '" FTSTOK_NAME " %s cache " BUILD_CACHE "'); "
	         "INSERT INTO \"%s\"(\"%s\", rank) VALUES ('hashsize', " HASH_SIZE "); "
	         "CREATE TABLE doc(id INTEGER PRIMARY KEY, date INTEGER, section_id INTEGER, "
	         "hash INTEGER); " STEMDB_CREATE "BEGIN",
	         b->t.name, b->t.tokenize, b->t.name, b->t.name);
	return exec(b, sql);
}

static struct doc *pop(struct build *bd, struct builder *b)
{
	struct doc *d = NULL;

	pthread_mutex_lock(&bd->mu);
	while (b->head == b->tail && !b->closed)
		pthread_cond_wait(&b->more, &bd->mu);
	if (b->head < b->tail) {
		d = b->q[b->head % QUEUE];
		b->head++;
		pthread_cond_signal(&b->room);
		pthread_cond_signal(&bd->room);
	}
	pthread_mutex_unlock(&bd->mu);
	return d;
}

static int insert(struct builder *b, sqlite3_stmt *fts, sqlite3_stmt *doc, struct doc *d)
{
	int i;

	if (doc_text(d) != 0)
		return fail(b, "article text");
	sqlite3_bind_int64(fts, 1, d->id);
	for (i = 0; i < SEARCH_NCOLS; i++)
		sqlite3_bind_text(fts, 2 + i, d->col[i].p ? d->col[i].p : "", (int)d->col[i].n,
		                  SQLITE_STATIC);
	if (sqlite3_step(fts) != SQLITE_DONE) {
		sqlite3_reset(fts);
		return fail(b, "scratch index");
	}
	sqlite3_reset(fts);
	sqlite3_bind_int64(doc, 1, d->id);
	sqlite3_bind_int64(doc, 2, d->date);
	sqlite3_bind_int64(doc, 3, d->section);
	sqlite3_bind_int64(doc, 4, (sqlite3_int64)d->hash);
	if (sqlite3_step(doc) != SQLITE_DONE) {
		sqlite3_reset(doc);
		return fail(b, "scratch index");
	}
	sqlite3_reset(doc);
	if (stemdb_flush(b->stems) != 0)
		return fail(b, "scratch stem cache");
	return 0;
}

struct arg {
	struct build *bd;
	struct builder *b;
};

static void *run(void *p)
{
	struct arg *arg = p;
	struct build *bd = arg->bd;
	struct builder *b = arg->b;
	sqlite3_stmt *fts = NULL, *doc = NULL;
	char sql[256];
	struct doc *d;

	free(arg);
	if (open_scratch(b) == 0) {
		snprintf(sql, sizeof(sql),
		         "INSERT INTO \"%s\"(rowid, title, sub, lead, body) VALUES (?, ?, ?, ?, ?)",
		         b->t.name);
		if (sqlite3_prepare_v2(b->db, sql, -1, &fts, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(b->db, "INSERT INTO doc VALUES (?, ?, ?, ?)", -1, &doc,
		                       NULL) != SQLITE_OK)
			fail(b, "scratch index");
	}
	/* After a failure, keep taking articles so that the feeder never waits forever. */
	while ((d = pop(bd, b)) != NULL) {
		if (!b->failed)
			insert(b, fts, doc, d);
		doc_finish(d);
		free(d);
	}
	sqlite3_finalize(fts);
	sqlite3_finalize(doc);
	if (!b->failed && exec(b, "COMMIT") == 0) {
		/* One segment: the copy is smaller and the store's table the fastest to query. */
		snprintf(sql, sizeof(sql), "INSERT INTO \"%s\"(\"%s\") VALUES ('optimize')",
		         b->t.name, b->t.name);
		exec(b, sql);
	}
	return NULL;
}

static struct builder *builder_for(struct search *s, struct build *bd, const char *lang)
{
	const char *db = sqlite3_db_filename(s->db, "main");
	struct builder *b;
	struct arg *arg;
	size_t i;

	for (i = 0; i < bd->n; i++)
		if (strcmp(bd->b[i]->t.lang, lang) == 0)
			return bd->b[i];
	if (bd->n == CONFIG_MAX_LANGS) {
		log_fail("search: more than %d languages", CONFIG_MAX_LANGS);
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	pthread_cond_init(&b->more, NULL);
	pthread_cond_init(&b->room, NULL);
	bd->b[bd->n++] = b;
	/* The store's table now: made in this transaction, never read by FTS5 here. */
	if (search_table_ensure(s, lang, &b->t) != 0)
		return NULL;
	snprintf(b->path, sizeof(b->path), "%s-search-%s", db, b->t.name + strlen("search_fts_"));
	arg = xmalloc(sizeof(*arg));
	arg->bd = bd;
	arg->b = b;
	if (pthread_create(&b->th, NULL, run, arg) != 0) {
		free(arg);
		log_fail("search: cannot start a thread");
		return NULL;
	}
	b->started = true;
	return b;
}

static void push(struct build *bd, struct builder *b, struct doc *d)
{
	pthread_mutex_lock(&bd->mu);
	while (b->tail - b->head == QUEUE)
		pthread_cond_wait(&b->room, &bd->mu);
	b->q[b->tail % QUEUE] = d;
	b->tail++;
	pthread_cond_signal(&b->more);
	pthread_mutex_unlock(&bd->mu);
}

/*
 * Copies the rows of select (on the scratch database) into the store with
 * insert, which takes the selected columns in order, then lang when it is
 * not NULL.  what names the scratch data in errors.  0 or -1.
 */
static int copy_rows(struct search *s, struct builder *b, const char *select, const char *insert,
                     const char *lang, const char *what)
{
	sqlite3_stmt *from = NULL, *to = NULL;
	int i, n, r, rc = -1;

	if (sqlite3_prepare_v2(b->db, select, -1, &from, NULL) != SQLITE_OK) {
		fail(b, what);
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, insert, -1, &to, NULL) != SQLITE_OK) {
		search_fail(s, "search: copy");
		goto out;
	}
	n = sqlite3_column_count(from);
	if (lang != NULL)
		sqlite3_bind_text(to, n + 1, lang, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(from)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			sqlite3_bind_value(to, i + 1, sqlite3_column_value(from, i));
		if (sqlite3_step(to) != SQLITE_DONE) {
			search_fail(s, "search: copy");
			goto out;
		}
		sqlite3_reset(to);
	}
	if (r != SQLITE_DONE) {
		fail(b, what);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(from);
	sqlite3_finalize(to);
	return rc;
}

/* Copies a table with the same columns on both sides.  0 or -1. */
static int copy(struct search *s, struct builder *b, const char *table)
{
	struct buf select = BUF_INIT, insert = BUF_INIT;
	sqlite3_stmt *st;
	int i, n, rc = -1;

	buf_printf(&select, "SELECT * FROM \"%s\"", table);
	if (sqlite3_prepare_v2(b->db, select.p, -1, &st, NULL) != SQLITE_OK) {
		fail(b, "scratch index");
		goto out;
	}
	n = sqlite3_column_count(st);
	sqlite3_finalize(st);
	buf_printf(&insert, "INSERT INTO \"%s\" VALUES (", table);
	for (i = 0; i < n; i++)
		buf_puts(&insert, i ? ", ?" : "?");
	buf_puts(&insert, ")");
	rc = copy_rows(s, b, select.p, insert.p, NULL, "scratch index");
out:
	buf_finish(&select);
	buf_finish(&insert);
	return rc;
}

static int copy_docs(struct search *s, struct builder *b)
{
	return copy_rows(s, b, "SELECT id, date, section_id, hash FROM doc",
	                 "INSERT INTO search_doc(id, date, section_id, hash, lang) "
	                 "VALUES (?1, ?2, ?3, ?4, ?5)",
	                 b->t.lang, "scratch index");
}

/* Adds the stems the builder computed to the store's stem cache.  0 or -1. */
static int copy_stems(struct search *s, struct builder *b)
{
	return copy_rows(s, b, "SELECT lang, dict, word, keys FROM " STEMDB_TABLE,
	                 "INSERT OR IGNORE INTO " STEMDB_TABLE "(lang, dict, word, keys) "
	                 "VALUES (?, ?, ?, ?)",
	                 NULL, "scratch stem cache");
}

static int copy_in(struct search *s, struct builder *b)
{
	char name[96], sql[160];
	size_t i;

	for (i = 0; i < NELEM(shadow); i++) {
		snprintf(name, sizeof(name), "%s%s", b->t.name, shadow[i]);
		snprintf(sql, sizeof(sql), "DELETE FROM \"%s\"", name);
		if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return search_fail(s, "search: copy");
		if (copy(s, b, name) != 0)
			return -1;
	}
	if (copy_stems(s, b) != 0)
		return -1;
	return copy_docs(s, b);
}

/* The articles of one language, in id order, and how far its builder has been fed. */
struct group {
	const char *lang;
	int64_t *ids;
	size_t n, at;
	struct builder *b;
};

/*
 * The language whose builder should get an article next: one with
 * articles left and room in its queue, the emptiest queue first.  Waits
 * for room if every queue with articles left is full; NULL when all are
 * fed.
 */
static struct group *next_group(struct build *bd, struct group *g, size_t ng)
{
	struct group *best;
	size_t i;
	bool left;

	pthread_mutex_lock(&bd->mu);
	for (;;) {
		best = NULL;
		left = false;
		for (i = 0; i < ng; i++) {
			struct builder *b = g[i].b;
			if (g[i].at == g[i].n)
				continue;
			left = true;
			if (b->tail - b->head < QUEUE &&
			    (best == NULL || b->tail - b->head < best->b->tail - best->b->head))
				best = &g[i];
		}
		if (best != NULL || !left)
			break;
		pthread_cond_wait(&bd->room, &bd->mu);
	}
	pthread_mutex_unlock(&bd->mu);
	return best;
}

int search_build(struct search *s, const int64_t *ids, const char *const *langs, size_t n,
                 struct progress *pr)
{
	struct build bd = {0};
	struct group g[CONFIG_MAX_LANGS], *gr;
	struct doc *d;
	size_t ng = 0, i, j;
	int rc = -1;

	pthread_mutex_init(&bd.mu, NULL);
	pthread_cond_init(&bd.room, NULL);
	memset(g, 0, sizeof(g));
	/*
	 * Each language's articles apart, each builder fed as it takes them:
	 * fed in id order, languages mixed, the slowest language's full queue
	 * held up every other builder, and indexing used one core of two.
	 */
	for (i = 0; i < n; i++) {
		for (j = 0; j < ng && strcmp(g[j].lang, langs[i]) != 0; j++)
			;
		if (j == ng) {
			if (ng == NELEM(g)) {
				log_fail("search: more than %d languages", CONFIG_MAX_LANGS);
				goto stop;
			}
			g[ng].lang = langs[i];
			g[ng].ids = xreallocarray(NULL, n, sizeof(*g[ng].ids));
			ng++;
		}
		g[j].ids[g[j].n++] = ids[i];
	}
	for (j = 0; j < ng; j++)
		if ((g[j].b = builder_for(s, &bd, g[j].lang)) == NULL)
			goto stop;
	while ((gr = next_group(&bd, g, ng)) != NULL) {
		d = xmalloc(sizeof(*d));
		doc_init(d);
		if (doc_load(s, d, gr->ids[gr->at++]) != 0) {
			doc_finish(d);
			free(d);
			goto stop;
		}
		if (!d->found || !d->published || strcmp(d->lang, gr->lang) != 0) {
			doc_finish(d);
			free(d);
			continue;
		}
		push(&bd, gr->b, d);
		if (pr)
			progress_step(pr, 1);
	}
	rc = 0;
stop:
	log_trace("index: fed");
	pthread_mutex_lock(&bd.mu);
	for (i = 0; i < bd.n; i++) {
		bd.b[i]->closed = true;
		pthread_cond_signal(&bd.b[i]->more);
	}
	pthread_mutex_unlock(&bd.mu);
	for (i = 0; i < bd.n; i++)
		if (bd.b[i]->started)
			pthread_join(bd.b[i]->th, NULL);
	log_trace("index: built");
	for (i = 0; i < bd.n && rc == 0; i++) {
		if (bd.b[i]->failed) {
			log_fail("search: %s index: %s", bd.b[i]->t.lang, bd.b[i]->why);
			rc = -1;
		} else if (copy_in(s, bd.b[i]) != 0) {
			if (bd.b[i]->failed)
				log_fail("search: %s index: %s", bd.b[i]->t.lang, bd.b[i]->why);
			rc = -1;
		}
	}
	log_trace("index: copied");
	for (i = 0; i < bd.n; i++) {
		stemdb_detach(bd.b[i]->stems);
		stemdb_unref(bd.b[i]->stems);
		sqlite3_close(bd.b[i]->db);
		if (bd.b[i]->path[0])
			unlink(bd.b[i]->path);
		pthread_cond_destroy(&bd.b[i]->more);
		pthread_cond_destroy(&bd.b[i]->room);
		free(bd.b[i]);
	}
	for (j = 0; j < ng; j++)
		free(g[j].ids);
	pthread_cond_destroy(&bd.room);
	pthread_mutex_destroy(&bd.mu);
	return rc;
}
