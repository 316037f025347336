/*
 * Pure page rendering: a page model in, bytes out.  Nothing here touches the
 * database or the file system, so the same functions serve full builds,
 * incremental publishes, tests and fuzzing, on any number of threads.
 *
 * Every page lives in a folder of the public site ("en/europe/russia") as
 * index.html, and links to other pages relatively -- up to the site root
 * ("../../../") and down -- so that a copy works under any domain, any path
 * prefix and from file://.  Absolute URLs (base_url) appear only where a
 * standard asks for them: canonical, hreflang, OpenGraph, feeds, sitemaps.
 *
 * All functions append to out and return 0, or -1 with the reason recorded.
 * Model strings and arrays are borrowed; the arena holds the temporary
 * template values of one page and is reset by the caller.
 */
#ifndef TZ_RENDER_H
#define TZ_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "site/config.h"
#include "store/model.h"
#include "util/buf.h"

struct arena;
struct i18n;
struct tpl_set;

/* What every page shares; read-only during a build. */
struct render_site {
	const struct config *cfg;
	const struct i18n *i18n;
	const struct tpl_set *theme;
	/*
	 * Raw HTML in Markdown: true keeps it, sanitised (san_html) with the
	 * rest of the rendered text; false escapes it, shown as text.
	 */
	bool raw_html;
};

/* An article as a list shows it: the article (no body) and its section. */
struct render_item {
	const struct article *art;
	const struct section *section;
};

struct render_article {
	const struct article *art;            /* with body, authors and tags */
	const struct section *const *chain;   /* language root first, own section last */
	size_t nchain;
	const struct article *const *translations; /* other published members of its group */
	size_t ntranslations;
};

enum render_list_kind {
	RENDER_LIST_SECTION,
	RENDER_LIST_AUTHOR,
	RENDER_LIST_TAG,
};

struct render_list {
	enum render_list_kind kind;
	const char *lang;
	const char *dir; /* the list's folder: "en/europe", "en/authors/x", "en/tags/y" */
	const struct section *const *chain; /* sections: root first, this one last */
	size_t nchain;
	const struct section *const *children; /* sections: subsections, in order */
	size_t nchildren;
	const struct author *author; /* authors */
	const struct tag *tag;       /* tags */
	const struct render_item *items; /* newest first */
	size_t nitems;
	size_t total;   /* members of the whole list */
	size_t chunk;   /* 0: the index page; k >= 1: archive page k (oldest is 1) */
	size_t nchunks; /* archive pages in all (chunks the index does not show) */
	size_t older;   /* archive page the "older" link goes to; 0: none */
	size_t newer;   /* archive page of the "newer" link; 0: none; (size_t)-1: the index */
};

/* One line of an index page (all authors, all tags). */
struct render_index_entry {
	const char *name;
	const char *dir; /* folder of its page */
	size_t count;
};

/* The root page: each language with its newest articles. */
struct render_home_lang {
	const char *lang;
	const struct render_item *items;
	size_t nitems;
};

/* ---- pagination rule (shared by publishing and its tests) --------- */

/*
 * The chunks of a list of n members with page size p: chunk c (0-based,
 * oldest first) holds positions [c*p, min(n, (c+1)*p)).  The index page
 * shows the newest chunk and, when that one is not full, the one before it
 * too, so that it never shows fewer than p members.  The chunks before
 * those have archive pages, page k holding chunk k-1: so there are
 * render_index_first_chunk() archive pages, and a page, once made, keeps
 * its articles as the list grows.
 */
size_t render_nchunks(size_t n, size_t p);
/* First chunk (0-based) that the index page shows. */
size_t render_index_first_chunk(size_t n, size_t p);

/* ---- pages -------------------------------------------------------- */

/* The folder's prefix back to the site root: "" for "", "../" for "en"... */
void render_root_prefix(struct buf *out, const char *dir);

int render_article_page(const struct render_site *site, struct arena *a,
                        const struct render_article *m, struct buf *out);
int render_list_page(const struct render_site *site, struct arena *a, const struct render_list *m,
                     struct buf *out);
/* kind: RENDER_LIST_AUTHOR or RENDER_LIST_TAG: the index of all of them in lang. */
int render_index_page(const struct render_site *site, struct arena *a, const char *lang,
                      enum render_list_kind kind, const struct render_index_entry *entries,
                      size_t n, struct buf *out);
int render_home_page(const struct render_site *site, struct arena *a,
                     const struct render_home_lang *langs, size_t n, struct buf *out);
/* lang NULL: the root 404 page with every language's message. */
int render_404_page(const struct render_site *site, struct arena *a, const char *lang,
                    struct buf *out);
/* A page at dir that sends readers on to target_dir (both site-relative folders). */
int render_redirect_page(const struct render_site *site, struct arena *a, const char *lang,
                         const char *dir, const char *target_dir, const char *title,
                         struct buf *out);

/* ---- feeds and sitemaps (feed.c, sitemap.c) ----------------------- */

struct render_feed {
	const char *lang;     /* NULL: the whole site */
	const char *title;    /* the feed's title */
	const char *dir;      /* folder of the list page the feed belongs to ("" = root) */
	const struct render_item *items; /* newest first */
	size_t nitems;
};

int render_feed_atom(const struct render_site *site, struct arena *a, const struct render_feed *f,
                     struct buf *out);
int render_feed_rss(const struct render_site *site, struct arena *a, const struct render_feed *f,
                    struct buf *out);
int render_feed_json(const struct render_site *site, struct arena *a, const struct render_feed *f,
                     struct buf *out);

/* One URL of a sitemap, with the folders of its other-language versions. */
struct render_sitemap_url {
	const char *dir;
	int64_t lastmod; /* 0: none */
	const char *lang;
	const char *const *alt_langs;
	const char *const *alt_dirs;
	size_t nalt;
};

int render_sitemap(const struct render_site *site, const struct render_sitemap_url *urls,
                   size_t n, struct buf *out);
/* The sitemap index: files are site-relative paths of the sitemaps. */
int render_sitemap_index(const struct render_site *site, const char *const *files, size_t n,
                         struct buf *out);
int render_robots(const struct render_site *site, struct buf *out);

/* The stable Atom/JSON Feed id of an article: a UUID URN from the site and id. */
void render_article_uid(const struct render_site *site, int64_t id, struct buf *out);

#endif
