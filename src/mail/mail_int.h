/*
 * Internals the newsletter's files share: SQL on the module's own tables
 * (through store_db(); the store's statement cache is the store's own), and
 * time.  Not for use outside src/mail/ and its tests.
 */
#ifndef TZ_MAIL_INT_H
#define TZ_MAIL_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/store.h"

struct arena;

/*
 * Prepares sql on the store's connection.  NULL with the reason recorded.
 * The caller finalizes (sqlite3_finalize accepts NULL).  Hot paths keep
 * their statements; everything else prepares per call, which costs tens
 * of microseconds.
 */
sqlite3_stmt *mdb_prepare(struct store *s, const char *sql);
/* Records the connection's last error as "what: message" and maps it to a status. */
enum store_status mdb_fail(struct store *s, const char *what);
/* Runs sql (no results, no parameters).  STORE_OK or the failure. */
enum store_status mdb_exec(struct store *s, const char *sql);
/* Binds s (NULL as "") without copying: it must outlive the step. */
void mdb_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* A column as an arena copy ("" for NULL). */
const char *mdb_col_text(struct arena *a, sqlite3_stmt *st, int col);
/* Steps a statement that returns no rows, then finalizes it.  STORE_OK or the failure. */
enum store_status mdb_done(struct store *s, sqlite3_stmt *st, const char *what);

/* Brings the newsletter's tables up to date (module "newsletter"). */
enum store_status mdb_migrate(struct store *s);

/* Monotonic milliseconds, for rates and timeouts. */
int64_t mdb_now_ms(void);

#endif
