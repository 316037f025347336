/*
 * Internals of publishing: the model access shared by full builds (an
 * in-memory snapshot) and incremental publishes (lazy store queries), the
 * page jobs, and the writer.
 */
#ifndef TZ_PUB_INT_H
#define TZ_PUB_INT_H

#include "publish/publish.h"
#include "render/render.h"
#include "site/site.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/imap.h"

enum pub_list_kind {
	PL_SITE,
	PL_SECTION,
	PL_AUTHOR,
	PL_TAG,
};

struct pub_list {
	enum pub_list_kind kind;
	int64_t id;       /* section, author or tag; 0 for the site */
	const char *lang; /* the list's language (NULL for the site) */
};

/* Per-section facts computed once. */
struct pub_section {
	const struct section *sec;
	const struct section **chain; /* root first, itself last */
	size_t nchain;
	const struct section **children;
	size_t nchildren;
};

struct pub_data {
	struct store *store; /* live: every query; snapshot: only bodies via per-thread stores */
	bool live;
	struct arena *a;
	const struct config *cfg;
	struct imap sections;  /* id -> struct pub_section */
	struct section *secs;  /* all sections, tree order */
	size_t nsecs;
	struct imap articles;  /* id -> const struct article (published only) */
	struct imap authors;   /* id -> const struct author (snapshot) */
	struct imap tags;      /* id -> const struct tag (snapshot) */
	struct imap lists;     /* key -> in-memory list, oldest first (snapshot) */
	struct imap groups;    /* tgroup id -> member ids (snapshot) */
	struct store_snapshot snap;
};

/* Loads everything published (full builds).  0 or -1. */
int pub_data_snapshot(struct pub_data *d, struct store *s, const struct config *cfg);
/* Prepares lazy access through s (incremental publishes).  0 or -1. */
int pub_data_live(struct pub_data *d, struct store *s, const struct config *cfg);
void pub_data_finish(struct pub_data *d);

const struct pub_section *pub_data_section(struct pub_data *d, int64_t id);
/* The language root section of lang, or NULL. */
const struct pub_section *pub_data_root(struct pub_data *d, const char *lang);
/* A published article (no body), or NULL. */
const struct article *pub_data_article(struct pub_data *d, int64_t id);
const struct author *pub_data_author(struct pub_data *d, int64_t id);
const struct tag *pub_data_tag(struct pub_data *d, int64_t id);
/* Loads many at once (live mode; a no-op for snapshots). */
int pub_data_prefetch(struct pub_data *d, const int64_t *ids, size_t n);
/* Body of an article, read with store s (the caller thread's). */
int pub_data_body(struct pub_data *d, struct store *s, int64_t id, struct buf *out);
/* The other published members of art's translation group, in site language order. */
int pub_data_translations(struct pub_data *d, struct arena *a, const struct article *art,
                          const struct article ***out, size_t *n);

int pub_data_list_count(struct pub_data *d, const struct pub_list *l, size_t *n);
/* Ids at positions [first, first+count) from the oldest, newest first. */
int pub_data_list_range(struct pub_data *d, struct arena *a, const struct pub_list *l,
                        size_t first, size_t count, int64_t **ids, size_t *n);
/* Number of members at or after key k (for ranks). */
int pub_data_list_count_from(struct pub_data *d, const struct pub_list *l, int64_t date,
                             int64_t id, size_t *n);
/* The lists an article belongs to (published articles only). */
int pub_data_article_lists(struct pub_data *d, struct arena *a, const struct article *art,
                           struct pub_list **out, size_t *n);

/* Authors or tags of a language with their article counts, for index pages. */
int pub_data_index(struct pub_data *d, struct arena *a, const char *lang,
                   enum pub_list_kind kind, struct render_index_entry **out, size_t *n);

/* ---- the writer (pub_write.c) ------------------------------------ */

struct pub_writer {
	const char *root; /* public/ */
	/* Where replaced and removed files go (fsutil.h), or NULL: freed at once. */
	const char *graveyard;
	bool fresh;       /* public/ was empty: skip comparisons */
	bool gzip;
	/* Written paths, for removing stale files after a build (may be off). */
	bool track;
	char **paths;
	size_t npaths, cap;
	size_t written, pages;
	void *deflate; /* libdeflate compressor, per writer (per thread) */
	struct buf gz;
	struct pub_gz *async; /* NULL, or the thread writing the .gz copies */
};

void pub_writer_init(struct pub_writer *w, const char *root, bool track);
/*
 * Makes the .gz copies on a thread of their own while the caller renders
 * on: for a publish, which renders on one thread.  Each is still written
 * after its file.  0, or -1 if the thread cannot start (copies are then
 * made inline).
 */
int pub_writer_async(struct pub_writer *w);
/*
 * Waits for the copies in progress; 0, or -1 with the reason recorded if
 * one could not be written.  Frees w.
 */
int pub_writer_finish(struct pub_writer *w);
/*
 * Writes path (relative to public/) with data, and path.gz beside it for
 * text types.  0 or -1.
 */
int pub_write(struct pub_writer *w, const char *path, const void *data, size_t n);
/* Removes path and path.gz.  0 or -1. */
int pub_unlink(struct pub_writer *w, const char *path);

/*
 * Takes the site's publish lock (DIR/.publish.lock), waiting for another
 * publish to finish: one writer of public/ at a time.  Returns the lock's
 * descriptor for pub_unlock(), or -1 with the reason recorded.
 */
int pub_lock(struct site *site);
void pub_unlock(int fd);
/* pub_build() for a caller that holds the lock already. */
int pub_build_unlocked(struct site *site, const struct pub_build_opts *opts,
                       struct pub_stats *stats);

/* ---- page jobs (pub_pages.c) ------------------------------------- */

struct pub_ctx {
	struct site *site;
	struct pub_data *data;
	struct store *store; /* this thread's connection */
	struct pub_writer *w;
	struct arena *a; /* reset after every page */
	struct buf out;
	struct buf body;
};

int pub_page_article(struct pub_ctx *c, int64_t id);
/* Pages of redirects pointing at article id (or section id): written or removed. */
int pub_page_redirects(struct pub_ctx *c, int64_t article_id, int64_t section_id,
                       bool remove_all);
/* Archive page chunk (1-based; 0 = the index page) of list l. */
int pub_page_list(struct pub_ctx *c, const struct pub_list *l, size_t chunk);
/* All of a list's pages from archive page `from` (1-based) to the last, the index and feeds. */
int pub_page_list_from(struct pub_ctx *c, const struct pub_list *l, size_t from);
int pub_page_feeds(struct pub_ctx *c, const struct pub_list *l);
/*
 * The pages per language that follow every change: the author and tag
 * index pages and the sitemap of lists; with all, also those that depend
 * on the configuration and theme only (the 404 page).
 */
int pub_page_language(struct pub_ctx *c, const char *lang, bool all);
/*
 * The site's root pages: home, site feeds, sitemap index; with all, also
 * robots.txt, the 404 page and the theme's assets, which only the
 * configuration and theme change (a full build writes them).
 */
int pub_page_root(struct pub_ctx *c, bool all);
/* Sitemap chunk k of lang (articles with id in [k*PUB_SITEMAP_CHUNK, (k+1)*...)). */
int pub_page_sitemap(struct pub_ctx *c, const char *lang, int64_t k);

/*
 * Article ids per sitemap file: keeps each file small, so that a publish
 * rewrites little, and its membership fixed.  A variable so that tests can
 * make it tiny and reach many files with few articles.
 */
extern int64_t pub_sitemap_chunk;
#define PUB_SITEMAP_CHUNK pub_sitemap_chunk

/* Newest articles of each language on the site's home page. */
#define PUB_HOME_ITEMS 5

/* The folder of a list's pages. */
const char *pub_list_dir(struct pub_ctx *c, const struct pub_list *l);

#endif
