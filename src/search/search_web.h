/*
 * Search for readers: the server's routes and what the command line
 * shares with them.
 *
 *	/LANG/search/            the page (and /LANG/search/index.html, the
 *	                         form's action, which public/ also holds as a
 *	                         page explaining that copies cannot search)
 *	/LANG/search/atom.xml    the Atom feed of a search, newest first
 *	/search.json             the results as JSON (every language unless lang=)
 *	/search                  to the default language's page
 *
 * Arguments: q (the query, query.h's language), lang (a code or "all"),
 * section (LANG/PATH or PATH), page (from 1); /search.json also takes
 * limit (at most SEARCH_WEB_MAX_LIMIT).
 *
 * Answers are kept in a cache (search_cache.h) until anything in the
 * store changes.  A cached answer is given on the server's network thread;
 * a search runs on one of its work threads (http.h, http_route.quick),
 * several at once, each on a read-only store connection of its own from
 * a pool, reading in one transaction (one snapshot).  Readers asking the
 * same new question at once cause one search.
 */
#ifndef TZ_SEARCH_WEB_H
#define TZ_SEARCH_WEB_H

#include <stddef.h>

#include "render/render.h"
#include "search/search.h"
#include "util/buf.h"

struct site;
struct store;
struct http_route;
struct search_web;

/* Results per page. */
#define SEARCH_WEB_PAGE 10
/* Largest limit= of /search.json. */
#define SEARCH_WEB_MAX_LIMIT 100

/* A search with its hits loaded for display. */
struct search_page {
	struct search_result res;
	struct render_search_hit *hits; /* in rank order, published articles only */
	size_t nhits;
};

/*
 * Runs the query text with opts on the connection (st, s) and loads the
 * hits' articles and sections, in one read transaction.  Arena-owned.
 * 0, or -1 with the reason recorded.
 */
int search_web_query(struct site *site, struct store *st, struct search *s, struct arena *a,
                     const char *text, const struct search_opts *opts, struct search_page *out);
/* Appends the JSON of p (as /search.json answers). */
void search_web_json(struct site *site, struct arena *a, const char *text,
                     const struct search_opts *opts, const struct search_page *p,
                     struct buf *out);

/*
 * Handler state for the site (borrowed; it must outlive the server), with
 * the [search] settings of tamizdat.ini: cache_mib (memory for answers to
 * repeated searches, 0 for none; 16 by default) and timeout_ms (when a
 * query is stopped; 3000).  NULL with the reason recorded on a bad setting.
 */
struct search_web *search_web_new(struct site *site);
void search_web_free(struct search_web *w);
/*
 * Opens n pooled store connections, before serving: one for each server
 * thread that may search at once (network and work threads).  A
 * connection made later cannot know what changed before it, and empties
 * the answer cache when it starts.  0, or -1 with the reason recorded.
 */
int search_web_open(struct search_web *w, size_t n);
/* The answer cache's counters (search_cache.h), for tests. */
struct search_cache_stats;
void search_web_cache_stats(struct search_web *w, struct search_cache_stats *out);
/* How many searches were run rather than answered from the cache, for tests. */
unsigned long search_web_searches(struct search_web *w);
/* Fills routes[0..cap) with the search routes; returns how many (cap >= 2 + languages). */
size_t search_web_routes(struct search_web *w, struct http_route *routes, size_t cap);

#endif
