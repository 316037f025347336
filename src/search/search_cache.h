/*
 * The server's cache of search answers: whole response bodies keyed by
 * the request's arguments, bounded in bytes, least recently used out.
 *
 * Validity is by epoch.  The caller numbers the states of the store it
 * has seen (search_web.c bumps the epoch whenever a connection of its
 * pool sees a commit it had not seen); an entry is served only while the
 * epoch it was stored under is current, so no answer outlives the data it
 * was made from.  Safe to use from many threads at once.
 */
#ifndef TZ_SEARCH_CACHE_H
#define TZ_SEARCH_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct search_cache;

/* A cache holding at most max bytes of keys and bodies; max 0 caches nothing. */
struct search_cache *search_cache_new(size_t max);
void search_cache_free(struct search_cache *c);

/* The current epoch. */
uint64_t search_cache_epoch(struct search_cache *c);
/*
 * Moves to a new epoch (every entry is stale from now on); returns the
 * epoch it replaced.
 */
uint64_t search_cache_bump(struct search_cache *c);

/*
 * Appends the body stored under key to out if there is one of the
 * current epoch, with its status and content type (a static string, as
 * given to search_cache_put()).  True on a hit.
 */
bool search_cache_get(struct search_cache *c, const char *key, struct buf *out, int *status,
                      const char **content_type);
/*
 * Stores a copy of body[0..n) under key, made from the store as it was
 * in epoch; nothing when epoch is no longer current or the entry would
 * take more than an eighth of the cache.  content_type must be static.
 */
void search_cache_put(struct search_cache *c, const char *key, uint64_t epoch, int status,
                      const char *content_type, const char *body, size_t n);

/* Counters, for tests and the benchmark. */
struct search_cache_stats {
	uint64_t hits, misses, stores, evictions;
	size_t entries, bytes;
};
void search_cache_stats(struct search_cache *c, struct search_cache_stats *out);

#endif
