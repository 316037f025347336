/*
 * Internals shared by the search module's files: the per-connection state,
 * its statement cache, the per-language tables, and the FTS5 auxiliary
 * functions (search_aux.c) that rank and cut snippets.
 */
#ifndef TZ_SEARCH_INT_H
#define TZ_SEARCH_INT_H

#include <sqlite3.h>

#include "search/fts_tokenizer.h"

#include "search/search.h"
#include "search/stemdb.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/progress.h"

/* The columns of every language table, as CREATE VIRTUAL TABLE lists them. */
#define SEARCH_FTS_COLUMNS "title, sub, lead, body"

/* Statements kept prepared per connection: a few per language table. */
#define SEARCH_STMT_CACHE 48

/* Columns of every language table, in order. */
enum {
	SEARCH_COL_TITLE,
	SEARCH_COL_SUB, /* surtitle and subtitle */
	SEARCH_COL_LEAD,
	SEARCH_COL_BODY, /* the body's plain text and the postscript */
	SEARCH_NCOLS,
};

/*
 * Tokenizers kept by their arguments (a table's tokenize, "ru en"), one
 * thread's, for recording articles' tokens (search_index.c).
 */
#define TOK_SET_MAX 8
struct tok_set {
	struct {
		char args[64];
		struct ftstok *t;
	} v[TOK_SET_MAX];
	size_t n;
};

void tok_set_free(struct tok_set *set);

struct search {
	struct store *st;
	sqlite3 *db;
	int flags;
	struct stemdb *stems; /* the persistent stem cache of the connection */
	char *unavailable;    /* why searching cannot work here, or NULL */
	bool deferred;
	int64_t *pending; /* articles changed since search_defer() */
	size_t npending, cap;
	struct {
		char *sql;
		sqlite3_stmt *st;
	} cache[SEARCH_STMT_CACHE];
	size_t next_slot;   /* the cache slot replaced next */
	struct tok_set rec; /* recording an edited article's tokens (search_index.c) */
};

/* A language's table. */
struct search_table {
	char lang[16];
	char name[48];     /* search_fts_LANG */
	char tokenize[64]; /* "ru en" */
	char version[160]; /* stem_version() when it was built */
};

/*
 * The cached statement for sql (copied), reset with bindings cleared.
 * NULL with the reason recorded on a prepare error.
 */
sqlite3_stmt *search_stmt(struct search *s, const char *sql);
/* Records SQLite's last error with what; returns -1. */
int search_fail(struct search *s, const char *what);

/* Table of lang: 1 and *out, 0 if there is none, -1 on error. */
int search_table_get(struct search *s, const char *lang, struct search_table *out);
/* Table of lang, made if missing.  0 or -1. */
int search_table_ensure(struct search *s, const char *lang, struct search_table *out);
/* All tables.  OUT: arena-owned array.  0 or -1. */
int search_table_all(struct search *s, struct arena *a, struct search_table **out, size_t *n);
/* The tokenizer arguments for lang's table: "en", "ru en", "none"... */
const char *search_tokenize_args(const char *lang);

/* ---- indexing (search_index.c, search_build.c) ------------------- */

/* An article on its way into the index. */
struct doc {
	int64_t id;
	bool found, published;
	char lang[16];
	int64_t date, section;
	struct buf md;                /* the body as stored (Markdown) */
	struct buf col[SEARCH_NCOLS]; /* indexed text */
	struct ftstok_tape tape[SEARCH_NCOLS];
	bool taped;
	uint64_t hash;
	const char *tokenize; /* tokenizer arguments of its table */
	int state;            /* ring: FREE, LOADED, BUSY, DONE */
	int failed;
	char why[256];
};

void doc_init(struct doc *d);
void doc_finish(struct doc *d);
/* Reads article id into d (on the connection's thread).  0 or -1. */
int doc_load(struct search *s, struct doc *d, int64_t id);
/* Makes d's indexed text and hash, on any thread.  0 or -1. */
int doc_text(struct doc *d);

int search_hook(void *arg, struct store *st, int64_t id, enum store_event ev);

/*
 * Indexes the published articles ids[0..n), all of languages that have
 * no table yet, ids[i] being in language langs[i]: each language's table
 * is built on a thread of its own in a scratch database beside the store,
 * then copied in.  pr may be NULL.  0 or -1.
 */
int search_build(struct search *s, const int64_t *ids, const char *const *langs, size_t n,
                 struct progress *pr);

/* ---- auxiliary functions (search_aux.c) --------------------------
 *
 *	tz_rank(T, ctx[, sz])      rank (lower first): -bucket of the
 *	                           weighted per-column BM25 score; sz, the
 *	                           row's T_docsize.sz, saves asking FTS5
 *	                           for the column sizes
 *	tz_highlight(T, col)       the column with matches marked
 *	tz_snippet(T, width, col...)  about width words around the best
 *	                           matches of the first column that has one
 *
 * ctx is a struct search_rank bound with sqlite3_bind_pointer() as
 * SEARCH_RANK_PTR; it also counts the rows ranked.
 */
#define SEARCH_RANK_PTR    "tz_search_rank"
#define SEARCH_MAX_PHRASES 64

struct search_rank {
	double weight[SEARCH_NCOLS];
	size_t count; /* rows ranked */
	/* Per query, filled on the first row: */
	bool ready;
	int nphrase;
	double idf[SEARCH_MAX_PHRASES];
	double avg[SEARCH_NCOLS];
};

void search_rank_init(struct search_rank *r);
/* Registers the functions on db.  0 or -1. */
int search_aux_register(sqlite3 *db);

#endif
