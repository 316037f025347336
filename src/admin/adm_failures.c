/*
 * Failure counting in fixed windows.  See adm_failures.h.  The table is a
 * plain array scanned in full: it is consulted once per login attempt,
 * after which argon2 takes a hundred thousand times longer.
 */
#include "admin/adm_failures.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define RL_HASH 16

struct entry {
	unsigned char h[RL_HASH];
	unsigned count;
	int64_t start; /* when the window began; 0: free slot */
};

struct adm_failures {
	pthread_mutex_t mu;
	unsigned max, window;
	struct entry *v;
	size_t cap;
	unsigned char key[crypto_generichash_KEYBYTES];
};

struct adm_failures *adm_failures_new(unsigned max, unsigned window, size_t cap)
{
	struct adm_failures *rl = xcalloc(1, sizeof(*rl));

	if (sodium_init() < 0)
		fatal("libsodium cannot be initialised");
	pthread_mutex_init(&rl->mu, NULL);
	rl->max = max ? max : 1;
	rl->window = window ? window : 1;
	rl->cap = cap ? cap : 1;
	rl->v = xcalloc(rl->cap, sizeof(*rl->v));
	randombytes_buf(rl->key, sizeof(rl->key));
	return rl;
}

void adm_failures_free(struct adm_failures *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->mu);
	sodium_memzero(rl->v, rl->cap * sizeof(*rl->v));
	free(rl->v);
	sodium_memzero(rl->key, sizeof(rl->key));
	free(rl);
}

static void hash(const struct adm_failures *rl, const char *key, unsigned char h[RL_HASH])
{
	crypto_generichash(h, RL_HASH, (const unsigned char *)key, strlen(key), rl->key,
	                   sizeof(rl->key));
}

static bool live(const struct adm_failures *rl, const struct entry *e, int64_t now)
{
	return e->start != 0 && now - e->start < (int64_t)rl->window;
}

/* The live entry of h, or NULL; forgets expired ones on the way. */
static struct entry *find(struct adm_failures *rl, const unsigned char h[RL_HASH], int64_t now)
{
	size_t i;

	for (i = 0; i < rl->cap; i++) {
		struct entry *e = &rl->v[i];
		if (e->start == 0)
			continue;
		if (!live(rl, e, now)) {
			memset(e, 0, sizeof(*e));
			continue;
		}
		if (memcmp(e->h, h, RL_HASH) == 0)
			return e;
	}
	return NULL;
}

bool adm_failures_blocked(struct adm_failures *rl, const char *key, int64_t now, int64_t *retry)
{
	unsigned char h[RL_HASH];
	struct entry *e;
	bool blocked = false;

	hash(rl, key, h);
	pthread_mutex_lock(&rl->mu);
	e = find(rl, h, now);
	if (e && e->count >= rl->max) {
		blocked = true;
		if (retry)
			*retry = e->start + rl->window - now;
	}
	pthread_mutex_unlock(&rl->mu);
	return blocked;
}

void adm_failures_fail(struct adm_failures *rl, const char *key, int64_t now)
{
	unsigned char h[RL_HASH];
	struct entry *e;
	size_t i;

	hash(rl, key, h);
	pthread_mutex_lock(&rl->mu);
	e = find(rl, h, now);
	if (e == NULL) {
		/* A free slot, else the oldest window. */
		for (i = 0; i < rl->cap; i++) {
			if (rl->v[i].start == 0) {
				e = &rl->v[i];
				break;
			}
			if (e == NULL || rl->v[i].start < e->start)
				e = &rl->v[i];
		}
		memcpy(e->h, h, RL_HASH);
		e->count = 0;
		e->start = now ? now : 1;
	}
	if (e->count < rl->max)
		e->count++;
	pthread_mutex_unlock(&rl->mu);
}

void adm_failures_clear(struct adm_failures *rl, const char *key)
{
	unsigned char h[RL_HASH];
	size_t i;

	hash(rl, key, h);
	pthread_mutex_lock(&rl->mu);
	for (i = 0; i < rl->cap; i++)
		if (rl->v[i].start != 0 && memcmp(rl->v[i].h, h, RL_HASH) == 0)
			memset(&rl->v[i], 0, sizeof(rl->v[i]));
	pthread_mutex_unlock(&rl->mu);
}

size_t adm_failures_sweep(struct adm_failures *rl, int64_t now)
{
	size_t i, n = 0;

	pthread_mutex_lock(&rl->mu);
	for (i = 0; i < rl->cap; i++) {
		if (rl->v[i].start == 0)
			continue;
		if (live(rl, &rl->v[i], now))
			n++;
		else
			memset(&rl->v[i], 0, sizeof(rl->v[i]));
	}
	pthread_mutex_unlock(&rl->mu);
	return n;
}
