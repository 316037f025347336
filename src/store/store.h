/*
 * The store: one SQLite database (WAL, foreign keys on), the single source
 * of truth of a site.  Everything else -- public/, the search index, feeds
 * -- is derived from it.  This header is the narrow interface the rest of
 * the program uses; SQL stays inside src/store/ so that a second backend
 * (PostgreSQL) would be a new set of files, not a rewrite.
 *
 * Functions return enum store_status.  STORE_OK is 0; anything else comes
 * with a reason recorded for log_reason().  Loaded strings go into the
 * arena the caller passes and live as long as it.  A struct store is not
 * thread-safe: open one per thread.
 */
#ifndef TZ_STORE_H
#define TZ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/model.h"

struct arena;
struct buf;
struct store;

enum store_status {
	STORE_OK = 0,
	STORE_NOT_FOUND, /* no such row */
	STORE_EXISTS,    /* would duplicate a unique name, path or slug */
	STORE_INVALID,   /* the input breaks a rule (reason says which) */
	STORE_BUSY,      /* another process holds the write lock too long */
	STORE_ERROR,     /* I/O, corruption, full disk... */
};

const char *store_strerror(enum store_status st);

/* Flags for store_open(). */
#define STORE_CREATE 0x1   /* create the database if missing */
#define STORE_READONLY 0x2 /* no writes; no migrations */

/*
 * Opens (and with STORE_CREATE creates) the database at path and brings
 * its schema up to date.  *out receives the store; free with store_close().
 */
enum store_status store_open(const char *path, int flags, struct store **out);
void store_close(struct store *s);
/*
 * Past this size (bytes; 64 MiB, tests lower it) store_close() empties
 * the write-ahead log file, which every process opening the store reads.
 */
extern long store_log_max;

/* Transactions: IMMEDIATE, so a writer fails early rather than mid-way. */
enum store_status store_begin(struct store *s);
enum store_status store_commit(struct store *s);
/* Never fails in a way callers can act on; safe to call without a transaction. */
void store_rollback(struct store *s);
/* A read transaction: a consistent snapshot for a whole build. */
enum store_status store_begin_read(struct store *s);

/*
 * Tunes a connection for reading the whole store once (full builds): no
 * memory map, whose pages would only swell the process.  STORE_OK or an error.
 */
enum store_status store_set_bulk(struct store *s);

/* Current time, or the value of TAMIZDAT_NOW (for tests) when set. */
int64_t store_now(void);

/* ---- sections ---------------------------------------------------- */

/*
 * Adds the section LANG/PATH (parents must exist; the language root "" is
 * created on demand).  OUT: *id (may be NULL).
 */
enum store_status store_section_add(struct store *s, const char *lang, const char *path,
                                    const char *title, const char *description, int position,
                                    int64_t *id);
enum store_status store_section_get(struct store *s, struct arena *a, int64_t id,
                                    struct section *out);
enum store_status store_section_find(struct store *s, struct arena *a, const char *lang,
                                     const char *path, struct section *out);
/* Changes title, description and position (NULL/negative: unchanged). */
enum store_status store_section_update(struct store *s, int64_t id, const char *title,
                                       const char *description, int position);
/*
 * Moves section id under new_parent (0: keep) with new_slug (NULL: keep).
 * Refuses a move into its own subtree.  Paths of the subtree follow; the
 * old paths of moved published articles and sections are kept as
 * redirects.
 */
enum store_status store_section_move(struct store *s, int64_t id, int64_t new_parent,
                                     const char *new_slug);
/* Deletes an empty section (no articles, no subsections, not a root). */
enum store_status store_section_delete(struct store *s, int64_t id);
/* All sections of lang (NULL: all languages), in tree order (parents first). */
enum store_status store_section_list(struct store *s, struct arena *a, const char *lang,
                                     struct section **out, size_t *n);
/* Ids of the section and its ancestors, root first.  OUT: arena-owned array. */
enum store_status store_section_chain(struct store *s, struct arena *a, int64_t id,
                                      int64_t **ids, size_t *n);
/* Ids of the section and all its descendants. */
enum store_status store_section_subtree(struct store *s, struct arena *a, int64_t id,
                                        int64_t **ids, size_t *n);

/* ---- authors and tags -------------------------------------------- */

/* Adds an author; the slug is made from the name when NULL.  OUT: *id. */
enum store_status store_author_add(struct store *s, const char *name, enum author_kind kind,
                                   const char *slug, const char *bio, int64_t *id);
enum store_status store_author_get(struct store *s, struct arena *a, int64_t id,
                                   struct author *out);
enum store_status store_author_find(struct store *s, struct arena *a, const char *name_or_slug,
                                    struct author *out);
/* Changes kind (negative: keep), name, slug and bio (NULL: keep). */
enum store_status store_author_update(struct store *s, int64_t id, int kind, const char *name,
                                      const char *slug, const char *bio);
enum store_status store_author_list(struct store *s, struct arena *a, struct author **out,
                                    size_t *n);
enum store_status store_tag_list(struct store *s, struct arena *a, const char *lang,
                                 struct tag **out, size_t *n);

/* ---- articles ---------------------------------------------------- */

/* Loading flags. */
#define STORE_WITH_BODY 0x1 /* also load body (otherwise NULL) */

/*
 * Adds an article from in (see struct article: section by lang +
 * section_path, authors and tags by name, group by tkey).  The slug is made
 * from the title when empty and must be unique in the language.  Records
 * the first revision.  OUT: *id.
 */
enum store_status store_article_add(struct store *s, const struct article *in, int64_t *id);
/*
 * Replaces every field of article id with in (status and date included),
 * keeping the old text as a revision.  A changed URL leaves a redirect.
 */
enum store_status store_article_update(struct store *s, int64_t id, const struct article *in);
enum store_status store_article_get(struct store *s, struct arena *a, int64_t id, int flags,
                                    struct article *out);
enum store_status store_article_find(struct store *s, struct arena *a, const char *lang,
                                     const char *slug, int flags, struct article *out);
/*
 * Sets the status; publishing an article without a date, or dated in the
 * future (scheduled, then published early), dates it now.  Moving to
 * trash keeps the previous status to restore it later.
 */
enum store_status store_article_set_status(struct store *s, int64_t id,
                                           enum article_status status);
/* Brings an article back from the trash to the status it had before. */
enum store_status store_article_restore(struct store *s, int64_t id);
/*
 * Schedules article id for publication at when (seconds since the epoch):
 * status scheduled, date when.  Whoever runs the schedule publishes it
 * with store_article_set_status() once store_article_due() lists it.
 */
enum store_status store_article_schedule(struct store *s, int64_t id, int64_t when);
/*
 * Up to max scheduled articles whose date is at or before now, the
 * earliest first.  OUT: arena-owned ids.
 */
enum store_status store_article_due(struct store *s, struct arena *a, int64_t now, size_t max,
                                    int64_t **ids, size_t *n);
/*
 * Who created article id: the account of its first revision (0 when it
 * came from the command line or an import).
 */
enum store_status store_article_creator(struct store *s, int64_t id, int64_t *user_id);

/*
 * Who makes the changes that follow: user_id (an editorial account, 0 for
 * none) goes into the revisions and the status log; note (copied; NULL:
 * "created" or "edited") is the note of the next revisions.  Stays until
 * changed; a server sets it per request and clears it after.
 */
void store_set_actor(struct store *s, int64_t user_id, const char *note);

/* One workflow transition of an article. */
struct status_change {
	int64_t id;
	int64_t at;
	int64_t user_id; /* 0: the command line, an import or the scheduler */
	const char *from; /* "new" for the creation */
	const char *to;
};

/* The transitions of article id, newest first.  OUT: arena-owned. */
enum store_status store_status_log(struct store *s, struct arena *a, int64_t article_id,
                                   struct status_change **out, size_t *n);

enum article_order {
	ARTICLE_BY_DATE = 0, /* newest first (date, then id) */
	ARTICLE_BY_UPDATED,  /* last changed first */
	ARTICLE_BY_DATE_ASC, /* oldest (or soonest scheduled) first */
};

struct article_filter {
	const char *lang;    /* NULL: all */
	int64_t section_id;  /* 0: all; else this section and its subsections */
	int status;          /* -1: all but trash */
	int64_t author_id;   /* 0: all */
	int64_t tgroup_id;   /* 0: all */
	size_t offset, limit; /* limit 0: no limit */
	/* Words found (case-insensitively for ASCII) in the title, surtitle, subtitle or slug. */
	const char *text;     /* NULL or "": all */
	int64_t creator_id;   /* 0: all; else created by this account (store_article_creator) */
	enum article_order order;
	/* Only articles older than (before_date, before_id) -- the last one of the
	 * previous page -- when before_id is not 0: paging without OFFSET.  Only
	 * with ARTICLE_BY_DATE. */
	int64_t before_date, before_id;
};

/* Articles matching f, in f->order, without body. */
enum store_status store_article_list(struct store *s, struct arena *a,
                                     const struct article_filter *f, struct article **out,
                                     size_t *n);
/* The published members of translation group g, by language code. */
enum store_status store_tgroup_members(struct store *s, struct arena *a, int64_t g,
                                       struct article **out, size_t *n);

/* ---- revisions --------------------------------------------------- */

struct revision {
	int64_t id;
	int64_t article_id;
	int64_t created;
	int64_t user_id;
	const char *note;
};

enum store_status store_revision_list(struct store *s, struct arena *a, int64_t article_id,
                                      struct revision **out, size_t *n);
/* Loads revision rev of an article as a full article (body included). */
enum store_status store_revision_get(struct store *s, struct arena *a, int64_t rev,
                                     struct article *out);

/* ---- redirects ---------------------------------------------------- */

struct redirect {
	const char *path;  /* old output folder, "en/old/slug" */
	int64_t article_id; /* or 0 */
	int64_t section_id; /* or 0 */
};

/* Redirects pointing at an article (article_id) or section (section_id). */
enum store_status store_redirect_list(struct store *s, struct arena *a, int64_t article_id,
                                      int64_t section_id, struct redirect **out, size_t *n);
/*
 * Records that the old folder path (site-relative, "en/old/slug") should
 * lead to the article or section (aliases of imported content).
 */
enum store_status store_redirect_add(struct store *s, const char *path, int64_t article_id,
                                     int64_t section_id);
/* Every redirect whose target is published. */
enum store_status store_redirect_all(struct store *s, struct arena *a, struct redirect **out,
                                     size_t *n);

/* ---- listings ------------------------------------------------------
 * Every published article is a member of the lists its pages show: the
 * site, each section of its chain, each author (per language) and each
 * tag.  Members are ordered by (date, id), oldest first, so that archive
 * page k always holds the same articles as the list grows.
 */

#define LIST_SITE 0
int64_t store_list_section(int64_t section_id);
int64_t store_list_author(struct store *s, int64_t author_id, const char *lang);
int64_t store_list_tag(int64_t tag_id);
/* The range of list keys of all authors' lists in lang: [*lo, *hi). */
void store_list_author_range(struct store *s, const char *lang, int64_t *lo, int64_t *hi);

struct list_key {
	int64_t date;
	int64_t id;
};

/* Number of members. */
enum store_status store_list_count(struct store *s, int64_t list, size_t *n);
/* Number of members with a key >= k. */
enum store_status store_list_count_from(struct store *s, int64_t list, struct list_key k,
                                        size_t *n);
/*
 * Member ids at positions [first, first+count) counted from the OLDEST
 * (position 0), returned newest first.  OUT: arena-owned array.
 */
enum store_status store_list_range(struct store *s, struct arena *a, int64_t list, size_t first,
                                   size_t count, int64_t **ids, size_t *n);
/* The lists an article is a member of now.  OUT: arena-owned. */
enum store_status store_list_memberships(struct store *s, struct arena *a, int64_t article_id,
                                         int64_t **lists, size_t *n);

/* Articles by id (without body), in the order of ids; missing ids are skipped. */
enum store_status store_article_get_many(struct store *s, struct arena *a, const int64_t *ids,
                                         size_t nids, struct article **out, size_t *n);
/* Published articles of lang with lo <= id < hi, by id. */
enum store_status store_article_ids(struct store *s, struct arena *a, const char *lang,
                                    int64_t lo, int64_t hi, int64_t **ids, size_t *n);
/* One URL of a sitemap: a published article, its folder, its last change. */
struct store_sitemap_row {
	int64_t id;
	const char *lang;
	const char *dir;
	int64_t lastmod;
	/* Other published members of its translation group, by language code. */
	const char **alt_langs;
	const char **alt_dirs;
	size_t nalt;
};

/* The published articles of lang with lo <= id < hi, by id, for sitemaps. */
enum store_status store_sitemap_rows(struct store *s, struct arena *a, const char *lang,
                                     int64_t lo, int64_t hi, struct store_sitemap_row **rows,
                                     size_t *n);
/* The largest article id ever given (0 if none). */
enum store_status store_article_max_id(struct store *s, int64_t *id);
/*
 * Pairs (article, other member of its translation group), both published,
 * for the articles of lang with lo <= id < hi, ordered by article.
 */
enum store_status store_group_pairs(struct store *s, struct arena *a, const char *lang,
                                    int64_t lo, int64_t hi, int64_t **art, int64_t **other,
                                    size_t *n);
/* An author or tag with the number of published articles it has in a language. */
struct store_count {
	int64_t id;
	const char *name;
	const char *slug;
	size_t n;
};

/* Authors with published articles in lang, with their counts (any order). */
enum store_status store_author_counts(struct store *s, struct arena *a, const char *lang,
                                      struct store_count **out, size_t *n);
/* Tags of lang with published articles, with their counts (any order). */
enum store_status store_tag_counts(struct store *s, struct arena *a, const char *lang,
                                   struct store_count **out, size_t *n);
/* (list, count) of every list with lo <= list < hi. */
enum store_status store_list_counts(struct store *s, struct arena *a, int64_t lo, int64_t hi,
                                    int64_t **lists, size_t **counts, size_t *n);

/* ---- publish queue -------------------------------------------------
 * Publishing records what a change touched in the same transaction as the
 * change, and deletes the record once the pages are written, so that a
 * publish killed half-way is finished by the next one.  The data is the
 * publisher's own (text); the store only keeps it.
 */
enum store_status store_queue_add(struct store *s, const char *data, int64_t *id);
enum store_status store_queue_list(struct store *s, struct arena *a, int64_t **ids,
                                   const char ***data, size_t *n);
enum store_status store_queue_delete(struct store *s, int64_t id);

/* ---- bulk reading, for full builds ------------------------------ */

/* Everything a full build needs but the article bodies, arena-owned. */
struct store_snapshot {
	struct section *sections; /* all, in tree order */
	size_t nsections;
	struct author *authors;
	size_t nauthors;
	struct tag *tags;
	size_t ntags;
	struct article *articles; /* published, without body, by id */
	size_t narticles;
	struct redirect *redirects; /* those whose target is published */
	size_t nredirects;
};

enum store_status store_snapshot_load(struct store *s, struct arena *a,
                                      struct store_snapshot *out);
/* Appends the body (Markdown) of article id's current revision to out. */
enum store_status store_article_body(struct store *s, int64_t id, struct buf *out);

/* The SQLite handle, for modules that keep their own tables (search). */
struct sqlite3 *store_db(struct store *s);

/* ---- extension points for feature modules ---------------------------
 * A feature (search, accounts, newsletters, mirrors) keeps its own tables
 * with its own migrations, numbered per module, so that features can be
 * developed apart; and it can follow article changes inside the same
 * transaction.
 */
struct store_schema {
	const char *module;              /* "search", "admin", ... */
	const char *const *migrations;   /* SQL scripts, applied in order, never edited */
	size_t n;
};

/*
 * Brings a module's tables up to date (each migration in its own
 * transaction; versions kept in the schema_module table).  A store opened
 * read-only is only checked.  STORE_OK or an error.
 */
enum store_status store_migrate_module(struct store *s, const struct store_schema *schema);

enum store_event {
	STORE_ARTICLE_SAVED,   /* added or updated (fields, text, status) */
	STORE_ARTICLE_MOVED,   /* its section's path changed */
};

/*
 * Called inside the transaction of every change to article id, after the
 * change; a non-zero return aborts the caller's operation (the reason
 * recorded).  One hook per store; NULL removes it.
 */
typedef int (*store_article_hook)(void *arg, struct store *s, int64_t id, enum store_event ev);
void store_set_article_hook(struct store *s, store_article_hook fn, void *arg);

#endif
