/*
 * Counting requests per client over a sliding window, in memory only.
 * Clients are known by a keyed hash of their address (SipHash with a key
 * drawn at start): the address itself is never kept, and the hash is
 * forgotten once its window has passed, so nothing says who subscribed
 * once the rate window is over.  A table full of live clients (a flood
 * from many addresses) falls back on the global limit alone.
 * Thread-safe.
 */
#ifndef TZ_RATELIMIT_H
#define TZ_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit;

/*
 * At most per_client hits per client and global hits in all, per window
 * seconds.  Free with ratelimit_free().
 */
struct ratelimit *ratelimit_new(unsigned per_client, unsigned global, unsigned window);
void ratelimit_free(struct ratelimit *rl);
/* Counts a hit from client at time now (seconds); false if over a limit (not counted then). */
bool ratelimit_hit(struct ratelimit *rl, const char *client, int64_t now);
/* Clients remembered now (for tests: none once their windows are over). */
unsigned ratelimit_size(struct ratelimit *rl, int64_t now);

#endif
