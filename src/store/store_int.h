/*
 * Internals shared by the store's files: the connection, the prepared
 * statement cache and helpers for binding and reading columns.
 */
#ifndef TZ_STORE_INT_H
#define TZ_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

/* Statements are cached by the address of their (static) SQL text. */
#define STORE_STMT_CACHE 128

struct store {
	sqlite3 *db;
	int flags;
	int in_tx;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STORE_STMT_CACHE];
	store_article_hook hook;
	void *hook_arg;
	/* store_set_actor(): who makes the changes, and the revision note. */
	int64_t actor;
	char *note;
};

/* Runs the article hook, if any.  STORE_OK or the hook's failure. */
enum store_status store_hook(struct store *s, int64_t id, enum store_event ev);

/*
 * The cached statement for sql (a string literal), reset and with its
 * bindings cleared.  NULL with the reason recorded on a prepare error.
 */
sqlite3_stmt *store_stmt(struct store *s, const char *sql);
/* Records the SQLite error of the last call and maps it to a status. */
enum store_status store_fail(struct store *s, const char *what);
/* Runs SQL without results (schema, pragmas). */
enum store_status store_exec(struct store *s, const char *sql);

/* Column helpers: copies into the arena; NULL columns give "". */
const char *store_col_text(struct arena *a, sqlite3_stmt *st, int col);
void store_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Schema, in schema.c. */
enum store_status store_migrate(struct store *s);

/* Listing upkeep, in store_list.c: re-derives an article's memberships. */
enum store_status store_list_sync(struct store *s, int64_t article_id);
/* Language id for list keys (created on demand). */
int64_t store_lang_id(struct store *s, const char *lang);

/* In store_author.c: the id of an author or tag by name, created if new. */
enum store_status store_author_ensure(struct store *s, const char *name, enum author_kind kind,
                                      int64_t *id);
enum store_status store_tag_ensure(struct store *s, const char *lang, const char *name,
                                   int64_t *id);

/* In store_article.c: reads one row of its ART_COLS into out (no people). */
void store_article_read_row(struct arena *a, sqlite3_stmt *st, struct article *out);

/* Redirect upkeep, in store_redirect.c. */
/* Removes any redirect at path (when a live page takes the path back). */
enum store_status store_redirect_drop(struct store *s, const char *path);

/*
 * Revisions, in store_revision.c: records the article's stored fields with
 * body as a new revision and makes it current.  OUT: *rev.
 */
enum store_status store_revision_add(struct store *s, int64_t article_id, const char *body,
                                     const char *note, int64_t *rev);

#endif
