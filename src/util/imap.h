/*
 * A hash map from 64-bit integer keys (ids) to pointers: open addressing,
 * linear probing, grows at 1/2 load.  Keys may be any value but INT64_MIN,
 * which marks empty slots.  Not thread-safe for writes; concurrent reads of
 * a map nobody writes are fine.
 */
#ifndef TZ_IMAP_H
#define TZ_IMAP_H

#include <stddef.h>
#include <stdint.h>

struct imap {
	int64_t *keys;
	void **vals;
	size_t cap; /* power of two, or 0 */
	size_t n;
};

#define IMAP_INIT {NULL, NULL, 0, 0}

void imap_init(struct imap *m);
void imap_finish(struct imap *m);
/* The value for key, or NULL. */
void *imap_get(const struct imap *m, int64_t key);
/* Sets key to val (replacing any previous value). */
void imap_put(struct imap *m, int64_t key, void *val);

#endif
