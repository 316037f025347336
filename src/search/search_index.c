/*
 * Keeping the index equal to the published articles: the store's article
 * hook (one article at a time), deferred batches for imports, and the
 * full rebuild.
 *
 * Indexing an article is: read its row and body (Markdown), turn the body
 * into plain text, tokenize the four columns, insert.  Tokenizing (the
 * stemmers, hunspell above all) is most of the cost, so batches spread
 * it over worker threads: the thread that owns the connection reads rows
 * and inserts, the workers make the text and record its tokens
 * (ftstok_record()), and FTS5's tokenizer replays them (ftstok_replay()).
 * The row is read here with SQL on the store's tables rather than through
 * store_article_get(): a rebuild reads 100,000 of them, and the authors
 * and tags that function also loads are not indexed.
 *
 * The Ukrainian keys computed on the way (by FTS5's tokenizers on the
 * connection or by the workers') go into the persistent stem cache
 * (stemdb.h) after each article, in the same transaction, so that the
 * next process finds them without loading hunspell.
 */
#include "search/search_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "search/fts_tokenizer.h"
#include "search/stem.h"
#include "site/config.h"
#include "text/mdr.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/progress.h"

/* Articles in flight in a batch: enough to keep every worker busy. */
#define RING 64
/* Worker threads at most: the inserting thread is the limit past a few. */
#define MAX_WORKERS 8
/*
 * Stem cache of a worker's tokenizers (words): a batch sees the whole
 * vocabulary of a language, and a hunspell lookup costs 10-20 us.
 */
#define WORKER_CACHE "131072"

enum { FREE, LOADED, BUSY, DONE };

void doc_init(struct doc *d)
{
	int i;

	memset(d, 0, sizeof(*d));
	buf_init(&d->md);
	for (i = 0; i < SEARCH_NCOLS; i++) {
		buf_init(&d->col[i]);
		buf_init(&d->tape[i].tokens);
	}
}

void doc_finish(struct doc *d)
{
	int i;

	buf_finish(&d->md);
	for (i = 0; i < SEARCH_NCOLS; i++) {
		buf_finish(&d->col[i]);
		buf_finish(&d->tape[i].tokens);
	}
}

static void doc_reset(struct doc *d)
{
	int i;

	d->found = d->published = d->taped = false;
	d->failed = 0;
	buf_reset(&d->md);
	for (i = 0; i < SEARCH_NCOLS; i++) {
		buf_reset(&d->col[i]);
		buf_reset(&d->tape[i].tokens);
	}
}

/* Reads article id into d (thread of the connection). */
int doc_load(struct search *s, struct doc *d, int64_t id)
{
	sqlite3_stmt *st = search_stmt(
	        s, "SELECT a.lang, a.status, a.date, a.section_id, a.title, a.surtitle, "
	           "a.subtitle, a.lead, a.postscript, r.body FROM article a "
	           "LEFT JOIN revision r ON r.id = a.rev_id WHERE a.id = ?");
	const char *t;
	int r;

	doc_reset(d);
	d->id = id;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE)
		return 0;
	if (r != SQLITE_ROW) {
		search_fail(s, "search: article");
		sqlite3_reset(st);
		return -1;
	}
	d->found = true;
	snprintf(d->lang, sizeof(d->lang), "%s", (const char *)sqlite3_column_text(st, 0));
	d->published = strcmp((const char *)sqlite3_column_text(st, 1), "published") == 0;
	d->date = sqlite3_column_int64(st, 2);
	d->section = sqlite3_column_int64(st, 3);
	if (d->published) {
		buf_put(&d->col[SEARCH_COL_TITLE], sqlite3_column_text(st, 4),
		        (size_t)sqlite3_column_bytes(st, 4));
		buf_put(&d->col[SEARCH_COL_SUB], sqlite3_column_text(st, 5),
		        (size_t)sqlite3_column_bytes(st, 5));
		if ((t = (const char *)sqlite3_column_text(st, 6)) && *t) {
			if (d->col[SEARCH_COL_SUB].n)
				buf_putc(&d->col[SEARCH_COL_SUB], '\n');
			buf_puts(&d->col[SEARCH_COL_SUB], t);
		}
		buf_put(&d->col[SEARCH_COL_LEAD], sqlite3_column_text(st, 7),
		        (size_t)sqlite3_column_bytes(st, 7));
		/* The postscript goes after the body's text, once that is made. */
		buf_put(&d->col[SEARCH_COL_BODY], sqlite3_column_text(st, 8),
		        (size_t)sqlite3_column_bytes(st, 8));
		buf_put(&d->md, sqlite3_column_text(st, 9), (size_t)sqlite3_column_bytes(st, 9));
	}
	sqlite3_reset(st);
	return 0;
}

static uint64_t fnv(uint64_t h, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Control characters would be taken for the snippet marks: spaces. */
static void scrub(struct buf *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if ((unsigned char)b->p[i] < 0x20 && b->p[i] != '\n')
			b->p[i] = ' ';
}

/* Makes the indexed text and its hash (any thread). */
int doc_text(struct doc *d)
{
	struct buf body = BUF_INIT;
	int i;

	if (!d->published)
		return 0;
	if (d->md.n && mdr_render_text(d->md.p, d->md.n, SIZE_MAX, &body) != 0) {
		buf_finish(&body);
		return -1;
	}
	if (d->col[SEARCH_COL_BODY].n) {
		/* The postscript, kept there by doc_load(). */
		if (body.n)
			buf_puts(&body, "\n\n");
		buf_put(&body, d->col[SEARCH_COL_BODY].p, d->col[SEARCH_COL_BODY].n);
	}
	buf_reset(&d->col[SEARCH_COL_BODY]);
	buf_put(&d->col[SEARCH_COL_BODY], body.p ? body.p : "", body.n);
	buf_finish(&body);
	d->hash = 0xcbf29ce484222325ULL;
	for (i = 0; i < SEARCH_NCOLS; i++) {
		scrub(&d->col[i]);
		d->hash = fnv(d->hash, d->col[i].p ? d->col[i].p : "", d->col[i].n);
		d->hash = fnv(d->hash, "\x1f", 1);
	}
	return 0;
}

/* The search_doc row of id: 1 with its language and hash, 0 if none, -1. */
static int indexed(struct search *s, int64_t id, char lang[16], uint64_t *hash)
{
	sqlite3_stmt *st = search_stmt(s, "SELECT lang, hash FROM search_doc WHERE id = ?");
	int r;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		snprintf(lang, 16, "%s", (const char *)sqlite3_column_text(st, 0));
		*hash = (uint64_t)sqlite3_column_int64(st, 1);
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : search_fail(s, "search");
}

static int step_done(struct search *s, sqlite3_stmt *st, const char *what)
{
	int r = sqlite3_step(st);

	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : search_fail(s, what);
}

static int unindex(struct search *s, int64_t id, const char *lang)
{
	struct search_table t;
	char sql[128];
	sqlite3_stmt *st;
	int r;

	if ((r = search_table_get(s, lang, &t)) < 0)
		return -1;
	if (r > 0) {
		snprintf(sql, sizeof(sql), "DELETE FROM \"%s\" WHERE rowid = ?", t.name);
		if ((st = search_stmt(s, sql)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		if (step_done(s, st, "search: unindex") != 0)
			return -1;
	}
	if ((st = search_stmt(s, "DELETE FROM search_doc WHERE id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return step_done(s, st, "search: unindex");
}

void tok_set_free(struct tok_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		ftstok_free(set->v[i].t);
	set->n = 0;
}

/*
 * Records d's tokens, for FTS5 to replay (ftstok_replay()), with set's
 * tokenizer for args (a table's tokenize) -- made with stems and, if not
 * NULL, that stem cache size when set has none yet.  The caller sets
 * d->tokenize.  0, or -1 with the reason recorded.
 */
static int tape_doc(struct tok_set *set, const char *args, const char *cache,
                    const struct stem_store *stems, struct doc *d)
{
	const char *argv[8];
	char buf[64], *p, *save = NULL;
	struct ftstok *t = NULL;
	bool kept = false;
	int argc = 0, rc = 0;
	size_t i;

	for (i = 0; i < set->n && t == NULL; i++)
		if (strcmp(set->v[i].args, args) == 0)
			t = set->v[i].t;
	if (t == NULL) {
		if (strlen(args) >= sizeof(buf))
			return log_fail("search: tokenizer arguments too long: %s", args);
		snprintf(buf, sizeof(buf), "%s", args);
		for (p = strtok_r(buf, " ", &save); p && argc < 6; p = strtok_r(NULL, " ", &save))
			argv[argc++] = p;
		if (cache != NULL) {
			argv[argc++] = "cache";
			argv[argc++] = cache;
		}
		if ((t = ftstok_new(argv, argc)) == NULL)
			return -1;
		ftstok_set_store(t, stems);
		if (set->n < TOK_SET_MAX) {
			snprintf(set->v[set->n].args, sizeof(set->v[0].args), "%s", args);
			set->v[set->n++].t = t;
		}
	}
	for (i = 0; i < set->n; i++)
		kept = kept || set->v[i].t == t;
	for (i = 0; i < SEARCH_NCOLS && rc == 0; i++) {
		d->tape[i].text = d->col[i].p ? d->col[i].p : "";
		d->tape[i].n = d->col[i].n;
		rc = ftstok_record(t, d->tape[i].text, d->tape[i].n, &d->tape[i].tokens);
	}
	if (!kept)
		ftstok_free(t); /* more argument sets than slots: not kept */
	d->taped = rc == 0;
	return rc;
}

/* Brings the index in line with d (thread of the connection). */
static int doc_apply(struct search *s, struct doc *d)
{
	struct search_table t;
	char old_lang[16], sql[160], recorded_for[sizeof(t.tokenize)];
	uint64_t old_hash = 0;
	sqlite3_stmt *st;
	int r, i, rc;

	if ((r = indexed(s, d->id, old_lang, &old_hash)) < 0)
		return -1;
	if (r && d->published && strcmp(old_lang, d->lang) == 0 && old_hash == d->hash) {
		/* Same text: only what filters and ordering read may have changed. */
		st = search_stmt(s, "UPDATE search_doc SET date = ?, section_id = ? WHERE id = ?");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, d->date);
		sqlite3_bind_int64(st, 2, d->section);
		sqlite3_bind_int64(st, 3, d->id);
		return step_done(s, st, "search");
	}
	if (r) {
		/*
		 * FTS5 removes the old row by tokenizing its text again.  An edit
		 * mostly keeps most of it (a new title, the same body): the new
		 * text's tokens, recorded once, are replayed for the columns that
		 * did not change, and for the new row.  The second pass over the
		 * body was 4% of a title edit's instructions.  The recording
		 * tokenizer finds and keeps stems as the connection's own do.
		 */
		struct stem_store store;
		stemdb_store(s->stems, true, &store);
		if (d->published && !d->taped && strcmp(old_lang, d->lang) == 0 &&
		    search_table_get(s, d->lang, &t) > 0 &&
		    tape_doc(&s->rec, t.tokenize, NULL, &store, d) == 0) {
			snprintf(recorded_for, sizeof(recorded_for), "%s", t.tokenize);
			d->tokenize = recorded_for;
			ftstok_replay(d->tape, SEARCH_NCOLS);
		}
		rc = unindex(s, d->id, old_lang);
		ftstok_replay(NULL, 0);
		if (rc != 0)
			return -1;
	}
	if (!d->published)
		return 0;
	if (search_table_ensure(s, d->lang, &t) != 0)
		return -1;
	snprintf(sql, sizeof(sql),
	         "INSERT INTO \"%s\"(rowid, title, sub, lead, body) VALUES (?, ?, ?, ?, ?)",
	         t.name);
	if ((st = search_stmt(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, d->id);
	for (i = 0; i < SEARCH_NCOLS; i++)
		sqlite3_bind_text(st, 2 + i, d->col[i].p ? d->col[i].p : "", (int)d->col[i].n,
		                  SQLITE_STATIC);
	/* A tape made for another table's tokenizer would index wrong keys. */
	if (d->taped && strcmp(d->tokenize, t.tokenize) == 0)
		ftstok_replay(d->tape, SEARCH_NCOLS);
	rc = step_done(s, st, "search: index");
	ftstok_replay(NULL, 0);
	if (rc != 0)
		return -1;
	st = search_stmt(s, "INSERT INTO search_doc(id, lang, date, section_id, hash) "
	                    "VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_text(st, 2, d->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, d->date);
	sqlite3_bind_int64(st, 4, d->section);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)d->hash);
	return step_done(s, st, "search: index");
}

/* Writes the stems recorded since the last call into the stem cache. */
static int flush_stems(struct search *s)
{
	if (stemdb_flush(s->stems) != 0)
		return log_fail("search: %s", log_reason());
	return 0;
}

static int sync_one(struct search *s, int64_t id)
{
	struct doc d;
	int rc = -1;

	doc_init(&d);
	if (doc_load(s, &d, id) != 0)
		goto out;
	if (!d.found) {
		/* Gone from the store altogether: gone from the index. */
		char lang[16];
		uint64_t h;
		int r = indexed(s, id, lang, &h);
		rc = r < 0 ? -1 : r ? unindex(s, id, lang) : 0;
		goto out;
	}
	if (doc_text(&d) != 0)
		goto out;
	rc = doc_apply(s, &d);
out:
	doc_finish(&d);
	if (rc == 0)
		rc = flush_stems(s);
	return rc;
}

int search_hook(void *arg, struct store *st, int64_t id, enum store_event ev)
{
	struct search *s = arg;

	(void)st;
	/*
	 * A moved section keeps its id, and so do its articles' rows here;
	 * the section: filter reads the tree when it runs.
	 */
	if (ev == STORE_ARTICLE_MOVED)
		return 0;
	if (s->deferred) {
		if (s->npending == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 1024;
			s->pending = xreallocarray(s->pending, s->cap, sizeof(*s->pending));
		}
		s->pending[s->npending++] = id;
		return 0;
	}
	if (sync_one(s, id) != 0) {
		log_fail("search index: %s", log_reason());
		return -1;
	}
	return 0;
}

void search_defer(struct search *s)
{
	s->deferred = true;
}

/* ---- batches on worker threads ---------------------------------- */

struct batch {
	struct stem_store stems; /* put only: the workers record what they stem */
	struct doc ring[RING];
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	size_t next_work; /* ring index a worker takes next (monotonic) */
	size_t loaded;    /* docs loaded (monotonic) */
	bool stop;
};

/* Text and tokens of d with the worker's tokenizer for its table. */
static void prepare(struct doc *d, const struct stem_store *stems, struct tok_set *toks)
{
	if (doc_text(d) != 0)
		goto fail;
	if (!d->published || *d->tokenize == '\0')
		return;
	if (tape_doc(toks, d->tokenize, WORKER_CACHE, stems, d) == 0)
		return;
fail:
	d->failed = 1;
	snprintf(d->why, sizeof(d->why), "%s", log_reason());
}

static void *worker(void *arg)
{
	struct batch *b = arg;
	struct tok_set toks = {0};
	struct doc *d;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (!b->stop && b->next_work == b->loaded)
			pthread_cond_wait(&b->work, &b->mu);
		if (b->stop)
			break;
		d = &b->ring[b->next_work % RING];
		b->next_work++;
		d->state = BUSY;
		pthread_mutex_unlock(&b->mu);
		prepare(d, &b->stems, &toks);
		pthread_mutex_lock(&b->mu);
		d->state = DONE;
		pthread_cond_broadcast(&b->done);
	}
	pthread_mutex_unlock(&b->mu);
	tok_set_free(&toks);
	return NULL;
}

static unsigned nworkers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (unsigned)n;
}

/*
 * Indexes ids[0..n) (each brought in line with the store), tokenizing on
 * worker threads.  pr: progress, or NULL.  0 or -1.
 */
static int batch_run(struct search *s, const int64_t *ids, size_t n, struct progress *pr)
{
	struct batch *b = xcalloc(1, sizeof(*b));
	pthread_t th[MAX_WORKERS];
	unsigned nth = 0, want = nworkers(), i;
	size_t head = 0;
	struct doc *d;
	int rc = -1;

	for (i = 0; i < RING; i++)
		doc_init(&b->ring[i]);
	stemdb_store(s->stems, false, &b->stems);
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->work, NULL);
	pthread_cond_init(&b->done, NULL);
	for (i = 0; i < want; i++) {
		if (pthread_create(&th[nth], NULL, worker, b) != 0)
			break;
		nth++;
	}
	if (nth == 0) {
		log_fail("search: cannot start a thread");
		goto out;
	}
	while (head < n) {
		/* Read ahead while the ring has room. */
		while (b->loaded < n && b->loaded - head < RING) {
			struct search_table t;
			int r;
			d = &b->ring[b->loaded % RING];
			if (doc_load(s, d, ids[b->loaded]) != 0)
				goto stop;
			d->tokenize = search_tokenize_args(d->lang);
			/* A table made under other arguments is rebuilt by reindex; follow it. */
			if (d->published && (r = search_table_get(s, d->lang, &t)) != 0) {
				if (r < 0)
					goto stop;
				d->tokenize =
				        strcmp(t.tokenize, d->tokenize) == 0 ? d->tokenize : "";
			}
			pthread_mutex_lock(&b->mu);
			d->state = LOADED;
			b->loaded++;
			pthread_cond_signal(&b->work);
			pthread_mutex_unlock(&b->mu);
		}
		d = &b->ring[head % RING];
		pthread_mutex_lock(&b->mu);
		while (d->state != DONE)
			pthread_cond_wait(&b->done, &b->mu);
		pthread_mutex_unlock(&b->mu);
		if (d->failed) {
			log_fail("article %lld: %s", (long long)d->id, d->why);
			goto stop;
		}
		if (!d->found) {
			char lang[16];
			uint64_t h;
			int r = indexed(s, d->id, lang, &h);
			if (r < 0 || (r > 0 && unindex(s, d->id, lang) != 0))
				goto stop;
		} else if (doc_apply(s, d) != 0) {
			goto stop;
		}
		if (flush_stems(s) != 0)
			goto stop;
		d->state = FREE;
		head++;
		if (pr)
			progress_step(pr, 1);
	}
	rc = 0;
stop:
	pthread_mutex_lock(&b->mu);
	b->stop = true;
	pthread_cond_broadcast(&b->work);
	pthread_mutex_unlock(&b->mu);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
out:
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->work);
	pthread_cond_destroy(&b->done);
	for (i = 0; i < RING; i++)
		doc_finish(&b->ring[i]);
	free(b);
	return rc;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Fewer articles than this in a language without a table are not worth a
 * thread and a scratch database: they go through batch_run().
 */
#define BUILD_MIN 200

/*
 * Indexes ids[0..n): articles of languages without a table are built in
 * parallel (search_build()), the others brought in line one by one with
 * tokenizing on workers (batch_run()).  0 or -1.
 */
static int index_many(struct search *s, const int64_t *ids, size_t n, struct progress *pr)
{
	struct {
		char lang[16];
		bool has_table;
		size_t count;
	} langs[CONFIG_MAX_LANGS];
	const char *file = sqlite3_db_filename(s->db, "main");
	sqlite3_stmt *st;
	struct search_table t;
	int64_t *build = NULL, *serial = NULL;
	const char **build_lang = NULL; /* per id of build: its language */
	unsigned char *which = NULL;    /* per id: its language's index, or 0xff */
	size_t nl = 0, nb = 0, ns = 0, i, j;
	int r, rc = -1;

	which = xmalloc(n + 1);
	build = xreallocarray(NULL, n + 1, sizeof(*build));
	build_lang = xreallocarray(NULL, n + 1, sizeof(*build_lang));
	serial = xreallocarray(NULL, n + 1, sizeof(*serial));
	st = search_stmt(s, "SELECT lang, status = 'published' FROM article WHERE id = ?");
	if (st == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		const char *lang;
		which[i] = 0xff;
		sqlite3_bind_int64(st, 1, ids[i]);
		r = sqlite3_step(st);
		if (r != SQLITE_ROW || !sqlite3_column_int(st, 1)) {
			sqlite3_reset(st);
			if (r != SQLITE_ROW && r != SQLITE_DONE) {
				search_fail(s, "search");
				goto out;
			}
			continue;
		}
		lang = (const char *)sqlite3_column_text(st, 0);
		for (j = 0; j < nl && strcmp(langs[j].lang, lang) != 0; j++)
			;
		if (j == nl && nl < NELEM(langs) && strlen(lang) < sizeof(langs[0].lang)) {
			snprintf(langs[nl].lang, sizeof(langs[nl].lang), "%s", lang);
			langs[nl].count = 0;
			nl++;
			sqlite3_reset(st);
			if ((r = search_table_get(s, langs[j].lang, &t)) < 0)
				goto out;
			langs[j].has_table = r > 0;
		}
		sqlite3_reset(st);
		if (j < nl && !langs[j].has_table) {
			which[i] = (unsigned char)j;
			langs[j].count++;
		}
	}
	for (i = 0; i < n; i++) {
		if (which[i] != 0xff && langs[which[i]].count >= BUILD_MIN && file && *file) {
			build_lang[nb] = langs[which[i]].lang;
			build[nb++] = ids[i];
		} else
			serial[ns++] = ids[i];
	}
	if (nb && search_build(s, build, build_lang, nb, pr) != 0)
		goto out;
	if (ns && batch_run(s, serial, ns, pr) != 0)
		goto out;
	rc = 0;
out:
	free(which);
	free(build);
	free(build_lang);
	free(serial);
	return rc;
}

int search_flush(struct search *s)
{
	size_t i, k = 0;
	int rc;

	s->deferred = false;
	if (s->npending == 0)
		return 0;
	qsort(s->pending, s->npending, sizeof(*s->pending), cmp_id);
	for (i = 0; i < s->npending; i++)
		if (k == 0 || s->pending[k - 1] != s->pending[i])
			s->pending[k++] = s->pending[i];
	rc = index_many(s, s->pending, k, NULL);
	s->npending = 0;
	if (rc != 0)
		log_fail("search index: %s", log_reason());
	return rc;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The integer a pragma gives, or -1. */
static int pragma_int(struct search *s, const char *sql)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int search_reindex(struct search *s, bool progress, struct search_stats *out)
{
	struct arena *a = arena_new(0);
	struct search_table *t;
	struct progress pr;
	sqlite3_stmt *st;
	int64_t *ids = NULL;
	size_t nt, n = 0, cap = 0, i;
	double t0 = now();
	uint64_t dict;
	char sql[128];
	int r, rc = -1, secure;

	memset(out, 0, sizeof(*out));
	if (s->unavailable) {
		log_fail("%s", s->unavailable);
		goto out;
	}
	log_trace("index: start");
	if (store_begin(s->st) != STORE_OK)
		goto out;
	if (search_table_all(s, a, &t, &nt) != 0)
		goto fail;
	/*
	 * Debian's SQLite overwrites freed pages with zeros (secure_delete):
	 * dropping the index wrote its whole size again (1.9 GB at 100k
	 * articles).  What it held is the text of published articles, whose
	 * rows were zeroed when they were unpublished, and word lists that
	 * may still name unpublished ones until FTS5 merges them away; the
	 * rebuild writes over most of the same pages at once.  Drafts and the
	 * rest of the store keep secure_delete.
	 */
	secure = pragma_int(s, "PRAGMA secure_delete");
	if (secure > 0)
		sqlite3_exec(s->db, "PRAGMA secure_delete = OFF", NULL, NULL, NULL);
	for (i = 0; i < nt; i++) {
		snprintf(sql, sizeof(sql), "DROP TABLE \"%s\"", t[i].name);
		if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			search_fail(s, "search: reindex");
			break;
		}
	}
	if (secure > 0) {
		/* Back as it was: ON (1) or FAST (2). */
		snprintf(sql, sizeof(sql), "PRAGMA secure_delete = %d", secure);
		sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	}
	if (i < nt)
		goto fail;
	if (sqlite3_exec(s->db, "DELETE FROM search_table; DELETE FROM search_doc", NULL, NULL,
	                 NULL) != SQLITE_OK) {
		search_fail(s, "search: reindex");
		goto fail;
	}
	/* Stems of another dictionary than this process's are never read again. */
	if ((dict = stem_dictionary_id(STEM_UK)) != 0) {
		st = search_stmt(s, "DELETE FROM " STEMDB_TABLE " WHERE lang = ? AND dict != ?");
		if (st == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, stem_lang_name(STEM_UK), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)dict);
		if (step_done(s, st, "search: reindex") != 0)
			goto fail;
	}
	/* By id, languages mixed: each language's builder is fed all along. */
	st = search_stmt(s, "SELECT id FROM article WHERE status = 'published' ORDER BY id");
	if (st == NULL)
		goto fail;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			ids = xreallocarray(ids, cap, sizeof(*ids));
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE) {
		search_fail(s, "search: reindex");
		goto fail;
	}
	log_trace("index: dropped");
	progress_init(&pr, "indexing", n);
	if (!progress)
		pr.enabled = 0;
	r = index_many(s, ids, n, &pr);
	progress_finish(&pr);
	if (r != 0 || flush_stems(s) != 0)
		goto fail;
	if (search_table_all(s, a, &t, &nt) != 0)
		goto fail;
	log_trace("index: stems");
	if (store_commit(s->st) != STORE_OK)
		goto out;
	log_trace("index: commit");
	out->articles = n;
	out->langs = nt;
	out->seconds = now() - t0;
	rc = 0;
	goto out;
fail:
	store_rollback(s->st);
out:
	free(ids);
	arena_free(a);
	return rc;
}
