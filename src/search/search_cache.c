/*
 * The search answer cache; see search_cache.h.  A chained hash table and
 * a least-recently-used list under one mutex.  A new epoch empties the
 * table (stale answers are never served, so they need not take room);
 * entries are freed outside the lock.
 */
#include "search/search_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define NBUCKETS 4096

struct entry {
	struct entry *hnext;       /* hash chain */
	struct entry *prev, *next; /* LRU list, most recent first */
	uint64_t hash;
	int status;
	const char *content_type;
	size_t size; /* what it counts against the bound */
	size_t n;    /* body bytes */
	char *body;
	char key[];
};

struct search_cache {
	pthread_mutex_t mu;
	struct entry *buckets[NBUCKETS];
	struct entry *head, *tail;
	uint64_t epoch;
	size_t bytes, max, entries;
	uint64_t hits, misses, stores, evictions;
};

static void entry_free(struct entry *e)
{
	if (e) {
		free(e->body);
		free(e);
	}
}

/* Frees a list linked by next. */
static void free_list(struct entry *e)
{
	struct entry *next;

	for (; e; e = next) {
		next = e->next;
		entry_free(e);
	}
}

struct search_cache *search_cache_new(size_t max)
{
	struct search_cache *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	c->max = max;
	return c;
}

void search_cache_free(struct search_cache *c)
{
	if (c == NULL)
		return;
	free_list(c->head);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

uint64_t search_cache_epoch(struct search_cache *c)
{
	uint64_t e;

	pthread_mutex_lock(&c->mu);
	e = c->epoch;
	pthread_mutex_unlock(&c->mu);
	return e;
}

uint64_t search_cache_bump(struct search_cache *c)
{
	struct entry *all;
	uint64_t old;

	pthread_mutex_lock(&c->mu);
	old = c->epoch++;
	all = c->head;
	c->head = c->tail = NULL;
	memset(c->buckets, 0, sizeof(c->buckets));
	c->bytes = c->entries = 0;
	pthread_mutex_unlock(&c->mu);
	free_list(all);
	return old;
}

static void lru_unlink(struct search_cache *c, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct search_cache *c, struct entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

/* The link pointing at the entry for key (or at the chain's end). */
static struct entry **find(struct search_cache *c, const char *key, uint64_t h)
{
	struct entry **p = &c->buckets[h % NBUCKETS];

	while (*p && ((*p)->hash != h || strcmp((*p)->key, key) != 0))
		p = &(*p)->hnext;
	return p;
}

/* Takes e out of the table and the list; the caller frees it. */
static void detach(struct search_cache *c, struct entry *e)
{
	struct entry **p = find(c, e->key, e->hash);

	*p = e->hnext;
	lru_unlink(c, e);
	c->bytes -= e->size;
	c->entries--;
}

bool search_cache_get(struct search_cache *c, const char *key, struct buf *out, int *status,
                      const char **content_type)
{
	uint64_t h = str_hash(key);
	struct entry *e;

	if (c->max == 0)
		return false;
	pthread_mutex_lock(&c->mu);
	e = *find(c, key, h);
	if (e == NULL) {
		c->misses++;
		pthread_mutex_unlock(&c->mu);
		return false;
	}
	c->hits++;
	lru_unlink(c, e);
	lru_push(c, e);
	/* Copied under the lock: a bump may free the entry right after. */
	buf_put(out, e->body, e->n);
	*status = e->status;
	*content_type = e->content_type;
	pthread_mutex_unlock(&c->mu);
	return true;
}

void search_cache_put(struct search_cache *c, const char *key, uint64_t epoch, int status,
                      const char *content_type, const char *body, size_t n)
{
	size_t klen = strlen(key), size = sizeof(struct entry) + klen + 1 + n;
	struct entry *e, *old, *gone = NULL;
	uint64_t h = str_hash(key);

	if (c->max == 0 || size > c->max / 8)
		return;
	e = xmalloc(sizeof(*e) + klen + 1);
	memcpy(e->key, key, klen + 1);
	e->hash = h;
	e->status = status;
	e->content_type = content_type;
	e->size = size;
	e->n = n;
	e->body = xmalloc(n ? n : 1);
	memcpy(e->body, body, n);
	e->hnext = NULL;
	pthread_mutex_lock(&c->mu);
	if (epoch != c->epoch) {
		pthread_mutex_unlock(&c->mu);
		entry_free(e);
		return;
	}
	if ((old = *find(c, key, h)) != NULL) {
		detach(c, old);
		old->next = gone;
		gone = old;
	}
	while (c->bytes + size > c->max && c->tail) {
		old = c->tail;
		detach(c, old);
		old->next = gone;
		gone = old;
		c->evictions++;
	}
	*find(c, key, h) = e;
	lru_push(c, e);
	c->bytes += size;
	c->entries++;
	c->stores++;
	pthread_mutex_unlock(&c->mu);
	free_list(gone);
}

void search_cache_stats(struct search_cache *c, struct search_cache_stats *out)
{
	pthread_mutex_lock(&c->mu);
	out->hits = c->hits;
	out->misses = c->misses;
	out->stores = c->stores;
	out->evictions = c->evictions;
	out->entries = c->entries;
	out->bytes = c->bytes;
	pthread_mutex_unlock(&c->mu);
}
