/*
 * Store lifecycle: opening, pragmas, transactions, the statement cache and
 * error mapping.  The tables themselves live in schema.c and the queries in
 * the store_*.c file of their subject.
 */
#include "store/store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/arena.h"
#include "util/log.h"

/*
 * The log file size past which store_close() empties it, and to which
 * SQLite cuts the file when it starts the log over (journal_size_limit):
 * far above what SQLite's own checkpoints let it reach (1,000 pages, 4
 * MB), so that only a bulk operation's log is emptied.  Freeing and
 * regrowing a 4 MB file at every checkpoint made publishing slower.
 */
#define STORE_LOG_MAX (64 << 20)
long store_log_max = STORE_LOG_MAX;

/* A writer waits this long for another writer before giving up. */
#define STORE_BUSY_TIMEOUT_MS 10000

const char *store_strerror(enum store_status st)
{
	switch (st) {
	case STORE_OK: return "ok";
	case STORE_NOT_FOUND: return "not found";
	case STORE_EXISTS: return "already exists";
	case STORE_INVALID: return "invalid";
	case STORE_BUSY: return "busy";
	case STORE_ERROR: return "store error";
	}
	return "unknown";
}

enum store_status store_fail(struct store *s, const char *what)
{
	int code = sqlite3_extended_errcode(s->db);
	int primary = code & 0xff;

	switch (primary) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_fail("%s: the site is busy (another tamizdat is writing); try again", what);
		return STORE_BUSY;
	case SQLITE_FULL:
		log_fail("%s: disk full; nothing was changed", what);
		return STORE_ERROR;
	case SQLITE_CONSTRAINT:
		log_fail("%s: %s", what, sqlite3_errmsg(s->db));
		return code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY
		               ? STORE_EXISTS
		               : STORE_INVALID;
	default:
		log_fail("%s: %s", what, sqlite3_errmsg(s->db));
		return STORE_ERROR;
	}
}

sqlite3_stmt *store_stmt(struct store *s, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % STORE_STMT_CACHE, i;

	for (i = 0; i < STORE_STMT_CACHE; i++) {
		size_t k = (h + i) % STORE_STMT_CACHE;
		if (s->cache[k].sql == sql) {
			sqlite3_reset(s->cache[k].st);
			sqlite3_clear_bindings(s->cache[k].st);
			return s->cache[k].st;
		}
		if (s->cache[k].sql == NULL) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			                       NULL) != SQLITE_OK) {
				store_fail(s, "prepare");
				return NULL;
			}
			s->cache[k].sql = sql;
			s->cache[k].st = st;
			return st;
		}
	}
	fatal("store: statement cache full (raise STORE_STMT_CACHE)");
}

enum store_status store_exec(struct store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		enum store_status st = store_fail(s, "store");
		sqlite3_free(msg);
		return st;
	}
	return STORE_OK;
}

const char *store_col_text(struct arena *a, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);

	if (t == NULL)
		return "";
	return arena_strndup(a, (const char *)t, (size_t)n);
}

void store_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	sqlite3_bind_text(st, idx, s ? s : "", -1, SQLITE_STATIC);
}

int64_t store_now(void)
{
	const char *fake = getenv("TAMIZDAT_NOW");

	if (fake && *fake)
		return strtoll(fake, NULL, 10);
	return (int64_t)time(NULL);
}

enum store_status store_open(const char *path, int flags, struct store **out)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int oflags = SQLITE_OPEN_NOMUTEX;
	enum store_status st;

	*out = NULL;
	s->flags = flags;
	if (flags & STORE_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE | ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		if (s->db == NULL)
			fatal("out of memory opening %s", path);
		log_fail("cannot open %s: %s", path, sqlite3_errmsg(s->db));
		sqlite3_close(s->db);
		free(s);
		return STORE_ERROR;
	}
	sqlite3_extended_result_codes(s->db, 1);
	/*
	 * Each command is a short process; a checkpoint (with its fsync) at
	 * every close would cost more than the command.  SQLite checkpoints
	 * the WAL when it grows past its limit instead, and store_close()
	 * empties a log that has grown past it.
	 */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	st = store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
	                   "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32000;"
	                   /*
	                    * The first 256 MB -- the indexes and small rows a
	                    * publish reads -- through the mapped file rather
	                    * than pread copies; more only costs in unmapping.
	                    */
	                   "PRAGMA mmap_size = 268435456;");
	if (st == STORE_OK) {
		char limit[64];
		snprintf(limit, sizeof(limit), "PRAGMA journal_size_limit = %ld;", store_log_max);
		st = store_exec(s, limit);
	}
	if (st == STORE_OK && !(flags & STORE_READONLY))
		st = store_exec(s, "PRAGMA journal_mode = WAL;");
	if (st == STORE_OK && !(flags & STORE_READONLY))
		st = store_migrate(s);
	if (st != STORE_OK) {
		log_fail("%s: %s", path, log_reason());
		store_close(s);
		return st;
	}
	*out = s;
	return STORE_OK;
}

/*
 * Empties the write-ahead log file when a bulk operation (an import, a
 * reindex) has made it larger than store_log_max.  Every process that
 * opens the store reads the whole log file first, checkpointed frames
 * included (the first to open the shared index rebuilds it from the
 * file): after a reindex at 100k articles, 7.9 GB of log made every
 * command take 3 s.  The commit that made it that large has copied it
 * into the database already, so emptying it is cheap.  It is not waited
 * for (no busy handler): with a reader or writer there, a later close
 * does it.
 */
static void truncate_log(struct store *s)
{
	const char *db = sqlite3_db_filename(s->db, "main");
	char wal[4096];
	struct stat st;

	if (db == NULL || *db == '\0' ||
	    (size_t)snprintf(wal, sizeof(wal), "%s-wal", db) >= sizeof(wal))
		return;
	if (stat(wal, &st) != 0 || st.st_size < store_log_max)
		return;
	sqlite3_busy_timeout(s->db, 0);
	(void)sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

void store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < STORE_STMT_CACHE; i++)
		if (s->cache[i].st)
			sqlite3_finalize(s->cache[i].st);
	if (!(s->flags & STORE_READONLY) && !s->in_tx)
		truncate_log(s);
	sqlite3_close(s->db);
	free(s->note);
	free(s);
}

enum store_status store_begin(struct store *s)
{
	enum store_status st = store_exec(s, "BEGIN IMMEDIATE");

	if (st == STORE_OK)
		s->in_tx = 1;
	return st;
}

enum store_status store_begin_read(struct store *s)
{
	enum store_status st = store_exec(s, "BEGIN DEFERRED");

	if (st == STORE_OK) {
		/* Take the read snapshot now, not at the first query. */
		st = store_exec(s, "SELECT count(*) FROM sqlite_schema");
		s->in_tx = 1;
	}
	return st;
}

enum store_status store_commit(struct store *s)
{
	enum store_status st = store_exec(s, "COMMIT");

	if (st != STORE_OK) {
		store_rollback(s);
		return st;
	}
	s->in_tx = 0;
	return STORE_OK;
}

void store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db) == 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
}

struct sqlite3 *store_db(struct store *s)
{
	return s->db;
}

void store_set_actor(struct store *s, int64_t user_id, const char *note)
{
	s->actor = user_id;
	free(s->note);
	s->note = note ? xstrdup(note) : NULL;
}

void store_set_article_hook(struct store *s, store_article_hook fn, void *arg)
{
	s->hook = fn;
	s->hook_arg = arg;
}

enum store_status store_hook(struct store *s, int64_t id, enum store_event ev)
{
	if (s->hook == NULL)
		return STORE_OK;
	if (s->hook(s->hook_arg, s, id, ev) != 0)
		return STORE_ERROR;
	return STORE_OK;
}

enum store_status store_set_bulk(struct store *s)
{
	return store_exec(s, "PRAGMA mmap_size = 0;");
}
