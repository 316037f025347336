/*
 * Internals shared by account.c and account_session.c: preparing
 * statements and mapping SQLite errors to store statuses.  The account
 * tables are few and their queries rare (a login, one session lookup per
 * admin request), so statements are prepared per call rather than cached.
 */
#ifndef TZ_ACCOUNT_INT_H
#define TZ_ACCOUNT_INT_H

#include <sqlite3.h>

#include "admin/account.h"

/* The prepared statement, or NULL with the reason recorded. */
sqlite3_stmt *account_prep(struct store *s, const char *sql);
/* Records the last SQLite error of s with what and maps it to a status. */
enum store_status account_fail(struct store *s, const char *what);
/* Steps a statement that returns no rows and finalizes it. */
enum store_status account_run(struct store *s, sqlite3_stmt *st, const char *what);
/* Makes sure libsodium is initialised (aborts if it cannot be). */
void account_sodium(void);
/* The hex BLAKE2b-256 of a token, for storage.  out has 65 bytes. */
void account_token_hash(const char *token, char out[65]);

#endif
