/*
 * The persistent stem cache in a table of the store; see stemdb.h.
 *
 * Why a table in the store rather than a precomputed, mmap-able map of
 * every form the dictionary knows: hunspell-uk's 330,000 stems expand to
 * millions of forms, which would take minutes to stem and tens of
 * megabytes to keep, per dictionary version, while a site's vocabulary is
 * a small fraction of it; and a word the dictionary lacks gets the light
 * stemmer's keys, which no map of the dictionary can list.  A table
 * caches exactly the words seen, travels with the store (backups,
 * mirrors, copies of the site folder), shares its transactions and
 * locking, and is read a B-tree probe at a time through SQLite's bounded
 * page cache.  A lookup costs a few microseconds, a hunspell stem 10-20
 * and loading the dictionary 0.5 s.
 *
 * Keys recorded by the stemmers wait in a buffer (under a lock: batch
 * indexing stems on worker threads) until stemdb_flush() writes them:
 * writing from inside a tokenizer callback would run an INSERT in the
 * middle of FTS5's own statement.  The buffer is bounded; past the bound
 * keys are dropped (the cache only saves time).
 */
#include "search/stemdb.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/log.h"

/* Recorded keys held for the next flush at most (bytes): then dropped. */
#define PENDING_MAX (8u << 20)

struct stemdb {
	sqlite3 *db;
	bool writable;
	bool detached;
	bool broken; /* the lookup cannot be prepared (no table): always miss */
	int refs;
	sqlite3_stmt *get, *put;
	unsigned long long found, asked, written;
	double seconds;     /* in lookups and flushes, for TAMIZDAT_TRACE */
	pthread_mutex_t mu; /* pending */
	struct buf pending;
	struct buf spare; /* the buffer being written by a flush */
};

/* A recorded word: this header, then the word, then its keys. */
struct rec {
	uint64_t dict;
	uint16_t wlen, klen;
	uint8_t lang;
};

struct stemdb *stemdb_new(sqlite3 *db, bool writable)
{
	struct stemdb *c = xcalloc(1, sizeof(*c));

	c->db = db;
	c->writable = writable;
	c->refs = 1;
	pthread_mutex_init(&c->mu, NULL);
	buf_init(&c->pending);
	buf_init(&c->spare);
	return c;
}

void stemdb_ref(struct stemdb *c)
{
	pthread_mutex_lock(&c->mu);
	c->refs++;
	pthread_mutex_unlock(&c->mu);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void stemdb_detach(struct stemdb *c)
{
	if (c == NULL)
		return;
	/* TAMIZDAT_TRACE=1: what the cache did, as the publish trace shows its steps. */
	if (!c->detached && (c->asked || c->written) && getenv("TAMIZDAT_TRACE") != NULL)
		fprintf(stderr,
		        "tamizdat: trace: %-12s %7.2f ms (%llu lookups, %llu found, %llu "
		        "written)\n",
		        "stem cache", c->seconds * 1e3, c->asked, c->found, c->written);
	sqlite3_finalize(c->get);
	sqlite3_finalize(c->put);
	c->get = c->put = NULL;
	pthread_mutex_lock(&c->mu);
	c->detached = true;
	buf_reset(&c->pending);
	pthread_mutex_unlock(&c->mu);
}

void stemdb_unref(struct stemdb *c)
{
	int left;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	left = --c->refs;
	pthread_mutex_unlock(&c->mu);
	if (left > 0)
		return;
	stemdb_detach(c);
	pthread_mutex_destroy(&c->mu);
	buf_finish(&c->pending);
	buf_finish(&c->spare);
	free(c);
}

static long get(void *ctx, enum stem_lang lang, uint64_t dict, const char *w, size_t n, char *out,
                size_t cap)
{
	struct stemdb *c = ctx;
	const void *k;
	long len = -1;
	double t0;
	int r;

	if (c->detached || c->broken || dict == 0)
		return -1;
	if (c->get == NULL &&
	    sqlite3_prepare_v3(c->db,
	                       "SELECT keys FROM " STEMDB_TABLE
	                       " WHERE lang = ?1 AND dict = ?2 AND word = ?3",
	                       -1, SQLITE_PREPARE_PERSISTENT, &c->get, NULL) != SQLITE_OK) {
		/* A store from before the table (read-only, not migrated): no cache. */
		c->broken = true;
		return -1;
	}
	c->asked++;
	t0 = now();
	sqlite3_bind_text(c->get, 1, stem_lang_name(lang), -1, SQLITE_STATIC);
	sqlite3_bind_int64(c->get, 2, (sqlite3_int64)dict);
	sqlite3_bind_text(c->get, 3, w, (int)n, SQLITE_STATIC);
	r = sqlite3_step(c->get);
	if (r == SQLITE_ROW) {
		k = sqlite3_column_blob(c->get, 0);
		len = sqlite3_column_bytes(c->get, 0);
		if ((size_t)len > cap) {
			len = -1;
		} else {
			if (len > 0)
				memcpy(out, k, (size_t)len);
			c->found++;
		}
	}
	sqlite3_reset(c->get);
	c->seconds += now() - t0;
	return len;
}

static void put(void *ctx, enum stem_lang lang, uint64_t dict, const char *w, size_t n,
                const char *keys, size_t len)
{
	struct stemdb *c = ctx;
	struct rec h = {dict, (uint16_t)n, (uint16_t)len, (uint8_t)lang};

	if (!c->writable || dict == 0 || n > UINT16_MAX || len > UINT16_MAX)
		return;
	pthread_mutex_lock(&c->mu);
	if (!c->detached && c->pending.n + sizeof(h) + n + len <= PENDING_MAX) {
		buf_put(&c->pending, &h, sizeof(h));
		buf_put(&c->pending, w, n);
		buf_put(&c->pending, keys, len);
	}
	pthread_mutex_unlock(&c->mu);
}

void stemdb_store(struct stemdb *c, bool lookups, struct stem_store *out)
{
	out->get = lookups ? get : NULL;
	out->put = put;
	out->ctx = c;
}

int stemdb_flush(struct stemdb *c)
{
	struct buf b;
	struct rec h;
	size_t off = 0;
	double t0 = now();
	int rc = 0, r;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->mu);
	b = c->pending;
	c->pending = c->spare;
	buf_reset(&c->pending);
	pthread_mutex_unlock(&c->mu);
	if (b.n == 0)
		goto out;
	if (c->put == NULL &&
	    sqlite3_prepare_v3(c->db,
	                       "INSERT OR IGNORE INTO " STEMDB_TABLE
	                       "(lang, dict, word, keys) VALUES (?1, ?2, ?3, ?4)",
	                       -1, SQLITE_PREPARE_PERSISTENT, &c->put, NULL) != SQLITE_OK) {
		rc = log_fail("stem cache: %s", sqlite3_errmsg(c->db));
		goto out;
	}
	while (off + sizeof(h) <= b.n) {
		memcpy(&h, b.p + off, sizeof(h));
		off += sizeof(h);
		sqlite3_bind_text(c->put, 1, stem_lang_name((enum stem_lang)h.lang), -1,
		                  SQLITE_STATIC);
		sqlite3_bind_int64(c->put, 2, (sqlite3_int64)h.dict);
		sqlite3_bind_text(c->put, 3, b.p + off, h.wlen, SQLITE_STATIC);
		sqlite3_bind_blob(c->put, 4, b.p + off + h.wlen, h.klen, SQLITE_STATIC);
		off += (size_t)h.wlen + h.klen;
		r = sqlite3_step(c->put);
		sqlite3_reset(c->put);
		if (r != SQLITE_DONE) {
			rc = log_fail("stem cache: %s", sqlite3_errmsg(c->db));
			break;
		}
		c->written++;
	}
	sqlite3_clear_bindings(c->put);
out:
	c->seconds += now() - t0;
	/* The written buffer becomes the spare, its memory kept. */
	buf_reset(&b);
	pthread_mutex_lock(&c->mu);
	c->spare = b;
	pthread_mutex_unlock(&c->mu);
	return rc;
}

void stemdb_counts(const struct stemdb *c, unsigned long long *found, unsigned long long *asked)
{
	*found = c->found;
	*asked = c->asked;
}
