/*
 * Store lifecycle: opening, pragmas, transactions, the statement cache and
 * error mapping.  The tables themselves live in schema.c and the queries in
 * the store_*.c file of their subject.
 */
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"
#include "util/log.h"

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
	 * the WAL when it grows past its limit instead.
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

void store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < STORE_STMT_CACHE; i++)
		if (s->cache[i].st)
			sqlite3_finalize(s->cache[i].st);
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
