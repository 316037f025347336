/*
 * Counting failures (of logins) per key -- an account, a client address --
 * in fixed windows, in memory.  Keys are never kept: each is reduced to a
 * keyed BLAKE2b hash with a key drawn at start, so the table cannot be
 * read back into addresses or e-mail addresses even from a memory dump,
 * and an entry is dropped once its window has passed.  A restart forgets
 * everything, which only gives a guesser one more window.  Thread-safe.
 */
#ifndef TZ_ADM_FAILURES_H
#define TZ_ADM_FAILURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct adm_failures;

/*
 * At most max failures per window seconds for one key; the table holds at
 * most cap keys (when it is full of live entries the oldest is forgotten,
 * so memory stays bounded under a flood of addresses).  Free with
 * adm_failures_free().
 */
struct adm_failures *adm_failures_new(unsigned max, unsigned window, size_t cap);
void adm_failures_free(struct adm_failures *rl);
/*
 * Whether key has used up its failures at time now; OUT: *retry, seconds
 * until it may try again (may be NULL).
 */
bool adm_failures_blocked(struct adm_failures *rl, const char *key, int64_t now, int64_t *retry);
/* Counts a failure of key at now. */
void adm_failures_fail(struct adm_failures *rl, const char *key, int64_t now);
/* Forgets key (after a success). */
void adm_failures_clear(struct adm_failures *rl, const char *key);
/* Drops the entries whose window has passed.  Returns how many remain. */
size_t adm_failures_sweep(struct adm_failures *rl, int64_t now);

#endif
