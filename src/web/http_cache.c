/*
 * The cache of served files: a hash table from request path to a
 * refcounted http_file, with a least-recently-used list bounded by the
 * bytes it holds.  One mutex guards it; the critical sections are a few
 * pointer moves, and entries evicted or replaced are released outside it.
 * Whether an entry is still current is http_file.c's business.
 */
#include "web/http_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct http_cache {
	pthread_mutex_t mu;
	struct http_file **buckets;
	size_t nbuckets, n;
	struct http_file *head, *tail; /* most recently used first */
	size_t bytes, max;
};

struct http_cache *http_cache_new(size_t max)
{
	struct http_cache *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	c->nbuckets = 1024;
	c->buckets = xcalloc(c->nbuckets, sizeof(*c->buckets));
	c->max = max;
	return c;
}

static void lru_unlink(struct http_cache *c, struct http_file *f)
{
	if (f->lprev)
		f->lprev->lnext = f->lnext;
	else
		c->head = f->lnext;
	if (f->lnext)
		f->lnext->lprev = f->lprev;
	else
		c->tail = f->lprev;
	f->lprev = f->lnext = NULL;
}

static void lru_push(struct http_cache *c, struct http_file *f)
{
	f->lprev = NULL;
	f->lnext = c->head;
	if (c->head)
		c->head->lprev = f;
	c->head = f;
	if (c->tail == NULL)
		c->tail = f;
}

/* Unlinks f from the table and the list; the caller drops the cache's reference. */
static void unlink_entry(struct http_cache *c, struct http_file *f)
{
	struct http_file **pp = &c->buckets[str_hash(f->key) & (c->nbuckets - 1)];

	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	f->hnext = NULL;
	lru_unlink(c, f);
	c->n--;
	c->bytes -= f->cost;
}

static void grow(struct http_cache *c)
{
	size_t nb = c->nbuckets * 2, i;
	struct http_file **b = xcalloc(nb, sizeof(*b));

	for (i = 0; i < c->nbuckets; i++) {
		struct http_file *f = c->buckets[i], *next;

		for (; f; f = next) {
			size_t h = str_hash(f->key) & (nb - 1);

			next = f->hnext;
			f->hnext = b[h];
			b[h] = f;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = nb;
}

struct http_file *http_cache_get(struct http_cache *c, const char *key)
{
	struct http_file *f;

	pthread_mutex_lock(&c->mu);
	for (f = c->buckets[str_hash(key) & (c->nbuckets - 1)]; f; f = f->hnext)
		if (strcmp(f->key, key) == 0)
			break;
	if (f != NULL) {
		atomic_fetch_add(&f->refs, 1);
		if (c->head != f) {
			lru_unlink(c, f);
			lru_push(c, f);
		}
	}
	pthread_mutex_unlock(&c->mu);
	return f;
}

void http_cache_drop(struct http_cache *c, struct http_file *f)
{
	struct http_file *g;
	bool found = false;

	pthread_mutex_lock(&c->mu);
	for (g = c->buckets[str_hash(f->key) & (c->nbuckets - 1)]; g; g = g->hnext)
		if (g == f)
			break;
	if (g != NULL) {
		unlink_entry(c, f);
		found = true;
	}
	pthread_mutex_unlock(&c->mu);
	if (found)
		http_file_unref(f);
}

void http_cache_put(struct http_cache *c, struct http_file *f)
{
	struct http_file *old, *evicted = NULL;
	size_t h;

	if (f->cost > c->max)
		return;
	atomic_fetch_add(&f->refs, 1);
	pthread_mutex_lock(&c->mu);
	h = str_hash(f->key) & (c->nbuckets - 1);
	for (old = c->buckets[h]; old; old = old->hnext)
		if (strcmp(old->key, f->key) == 0)
			break;
	if (old != NULL)
		unlink_entry(c, old);
	if (c->n >= c->nbuckets) {
		grow(c);
		h = str_hash(f->key) & (c->nbuckets - 1);
	}
	f->hnext = c->buckets[h];
	c->buckets[h] = f;
	lru_push(c, f);
	c->n++;
	c->bytes += f->cost;
	/* Evicted entries are chained on hnext and released outside the lock. */
	while (c->bytes > c->max && c->tail != NULL && c->tail != f) {
		struct http_file *t = c->tail;

		unlink_entry(c, t);
		t->hnext = evicted;
		evicted = t;
	}
	pthread_mutex_unlock(&c->mu);
	http_file_unref(old);
	while (evicted != NULL) {
		struct http_file *next = evicted->hnext;

		http_file_unref(evicted);
		evicted = next;
	}
}

void http_cache_free(struct http_cache *c)
{
	struct http_file *f, *next;

	if (c == NULL)
		return;
	for (f = c->head; f; f = next) {
		next = f->lnext;
		http_file_unref(f);
	}
	free(c->buckets);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
