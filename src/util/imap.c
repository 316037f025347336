/*
 * Integer-keyed hash map.  See imap.h.
 */
#include "util/imap.h"

#include <stdlib.h>

#include "util/util.h"

#define EMPTY INT64_MIN

static size_t slot(int64_t key, size_t cap)
{
	uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 17) & (cap - 1);
}

void imap_init(struct imap *m)
{
	m->keys = NULL;
	m->vals = NULL;
	m->cap = 0;
	m->n = 0;
}

void imap_finish(struct imap *m)
{
	free(m->keys);
	free(m->vals);
	imap_init(m);
}

void *imap_get(const struct imap *m, int64_t key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = slot(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key)
			return m->vals[i];
		if (m->keys[i] == EMPTY)
			return NULL;
	}
}

static void grow(struct imap *m)
{
	size_t oldcap = m->cap, i;
	int64_t *ok = m->keys;
	void **ov = m->vals;

	m->cap = oldcap ? oldcap * 2 : 64;
	m->keys = xreallocarray(NULL, m->cap, sizeof(*m->keys));
	m->vals = xreallocarray(NULL, m->cap, sizeof(*m->vals));
	for (i = 0; i < m->cap; i++)
		m->keys[i] = EMPTY;
	m->n = 0;
	for (i = 0; i < oldcap; i++)
		if (ok[i] != EMPTY)
			imap_put(m, ok[i], ov[i]);
	free(ok);
	free(ov);
}

void imap_put(struct imap *m, int64_t key, void *val)
{
	size_t i;

	if (key == EMPTY)
		fatal("imap: reserved key");
	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	for (i = slot(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return;
		}
		if (m->keys[i] == EMPTY) {
			m->keys[i] = key;
			m->vals[i] = val;
			m->n++;
			return;
		}
	}
}
