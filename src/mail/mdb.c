/*
 * The newsletter's tables and the SQL helpers its files share.  See
 * mail_int.h.  The tables:
 *
 *	nl_meta           the module's secret (token MACs, suppression hashes)
 *	nl_subscriber     one row per address, pending, confirmed or bouncing
 *	nl_suppress       keyed hashes of addresses that unsubscribed or were
 *	                  removed, so that an old CSV cannot bring them back;
 *	                  the addresses themselves are gone
 *	nl_issue          a composed issue of a list, with its articles in
 *	nl_issue_article
 *	nl_queue          one row per (issue, subscriber): the send queue
 *	nl_outbox         confirmation and notice mails waiting to go
 */
#include "mail/mail_int.h"

#include <time.h>

#include "util/arena.h"
#include "util/log.h"

static const char *const migrations[] = {
        "CREATE TABLE nl_meta(\n"
        "  key TEXT PRIMARY KEY,\n"
        "  value BLOB NOT NULL) WITHOUT ROWID;\n"
        "CREATE TABLE nl_subscriber(\n"
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "  email TEXT NOT NULL,\n"            /* as shown: local@unicode-domain */
        "  email_key TEXT NOT NULL UNIQUE,\n" /* lower-case ASCII: one row per reader */
        "  addr TEXT NOT NULL,\n"             /* local@ascii-domain: what SMTP gets */
        "  domain TEXT NOT NULL,\n"           /* ascii, for per-domain throttles */
        "  name TEXT NOT NULL DEFAULT '',\n"
        "  langs TEXT NOT NULL,\n"     /* 'en,fr', in the site's order */
        "  lists TEXT NOT NULL,\n"     /* 'weekly,urgent', in the config's order */
        "  ui_lang TEXT NOT NULL,\n"   /* language of the mail's own words */
        "  status INTEGER NOT NULL,\n" /* 0 pending, 1 confirmed, 2 bouncing */
        "  created INTEGER NOT NULL,\n"
        "  confirmed INTEGER NOT NULL DEFAULT 0,\n"
        "  bounces INTEGER NOT NULL DEFAULT 0,\n" /* permanent failures in a row */
        "  last_error TEXT NOT NULL DEFAULT '',\n"
        "  mail_last INTEGER NOT NULL DEFAULT 0,\n"   /* last confirmation or notice */
        "  mail_window INTEGER NOT NULL DEFAULT 0,\n" /* start of the day window */
        "  mail_count INTEGER NOT NULL DEFAULT 0);\n" /* mails in that window */
        "CREATE INDEX nl_subscriber_status ON nl_subscriber(status, created);\n"
        "CREATE TABLE nl_suppress(\n"
        "  hash BLOB PRIMARY KEY,\n"
        "  created INTEGER NOT NULL) WITHOUT ROWID;\n"
        "CREATE TABLE nl_issue(\n"
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "  list TEXT NOT NULL,\n"
        "  created INTEGER NOT NULL,\n"
        "  since INTEGER NOT NULL,\n"
        "  until INTEGER NOT NULL,\n"
        "  queued INTEGER NOT NULL DEFAULT 0,\n" /* when the queue was filled; 0: not yet */
        "  finished INTEGER NOT NULL DEFAULT 0);\n"
        "CREATE TABLE nl_issue_article(\n"
        "  issue_id INTEGER NOT NULL REFERENCES nl_issue(id) ON DELETE CASCADE,\n"
        "  position INTEGER NOT NULL,\n"
        "  article_id INTEGER NOT NULL,\n"
        "  PRIMARY KEY(issue_id, position)) WITHOUT ROWID;\n"
        "CREATE TABLE nl_queue(\n"
        "  issue_id INTEGER NOT NULL REFERENCES nl_issue(id) ON DELETE CASCADE,\n"
        "  subscriber_id INTEGER NOT NULL REFERENCES nl_subscriber(id) ON DELETE CASCADE,\n"
        "  state INTEGER NOT NULL DEFAULT 0,\n" /* see queue.h */
        "  attempts INTEGER NOT NULL DEFAULT 0,\n"
        "  next_try INTEGER NOT NULL DEFAULT 0,\n"
        "  domain TEXT NOT NULL,\n"
        "  error TEXT NOT NULL DEFAULT '',\n"
        "  done INTEGER NOT NULL DEFAULT 0,\n"
        "  PRIMARY KEY(issue_id, subscriber_id)) WITHOUT ROWID;\n"
        "CREATE INDEX nl_queue_state ON nl_queue(issue_id, state);\n"
        "CREATE INDEX nl_queue_subscriber ON nl_queue(subscriber_id);\n"
        "CREATE TABLE nl_outbox(\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  subscriber_id INTEGER NOT NULL REFERENCES nl_subscriber(id) ON DELETE CASCADE,\n"
        "  kind INTEGER NOT NULL,\n"
        "  created INTEGER NOT NULL,\n"
        "  attempts INTEGER NOT NULL DEFAULT 0,\n"
        "  next_try INTEGER NOT NULL DEFAULT 0);\n"
        "CREATE INDEX nl_outbox_subscriber ON nl_outbox(subscriber_id);\n",
};

enum store_status mdb_migrate(struct store *s)
{
	static const struct store_schema schema = {"newsletter", migrations, NELEM(migrations)};

	return store_migrate_module(s, &schema);
}

enum store_status mdb_fail(struct store *s, const char *what)
{
	sqlite3 *db = store_db(s);
	int code = sqlite3_extended_errcode(db), primary = code & 0xff;

	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
		log_fail("%s: the site is busy (another tamizdat is writing); try again", what);
		return STORE_BUSY;
	}
	log_fail("%s: %s", what, sqlite3_errmsg(db));
	if (primary == SQLITE_CONSTRAINT)
		return code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY
		               ? STORE_EXISTS
		               : STORE_INVALID;
	return STORE_ERROR;
}

sqlite3_stmt *mdb_prepare(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
		mdb_fail(s, "newsletter");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

enum store_status mdb_exec(struct store *s, const char *sql)
{
	if (sqlite3_exec(store_db(s), sql, NULL, NULL, NULL) != SQLITE_OK)
		return mdb_fail(s, "newsletter");
	return STORE_OK;
}

void mdb_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	sqlite3_bind_text(st, idx, s ? s : "", -1, SQLITE_STATIC);
}

const char *mdb_col_text(struct arena *a, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	if (t == NULL)
		return "";
	return arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, col));
}

enum store_status mdb_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	enum store_status rc = STORE_OK;

	if (st == NULL)
		return STORE_ERROR;
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mdb_fail(s, what);
	sqlite3_finalize(st);
	return rc;
}

int64_t mdb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
