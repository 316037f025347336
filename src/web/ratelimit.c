/*
 * Per-client request limits.  See ratelimit.h.  An open-addressing table
 * of fixed size; a slot whose window is over counts as free, and a sweep
 * on each hit clears a few of them, so the table holds only live clients.
 */
#include "web/ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/*
 * Slots: thousands of distinct clients subscribing within one window is
 * far beyond any newsletter; past that, only the global limit holds.
 */
#define RL_SLOTS 4096
/* Slots looked at per probe before the table counts as full. */
#define RL_PROBES 32

struct slot {
	uint64_t h; /* 0: empty */
	int64_t start;
	unsigned count;
};

struct ratelimit {
	pthread_mutex_t mu;
	unsigned char key[crypto_shorthash_KEYBYTES];
	unsigned per_client, global, window;
	int64_t gstart;
	unsigned gcount;
	unsigned sweep;
	struct slot slots[RL_SLOTS];
};

struct ratelimit *ratelimit_new(unsigned per_client, unsigned global, unsigned window)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));

	if (sodium_init() < 0)
		fatal("libsodium cannot start");
	pthread_mutex_init(&rl->mu, NULL);
	crypto_shorthash_keygen(rl->key);
	rl->per_client = per_client;
	rl->global = global;
	rl->window = window;
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->mu);
	sodium_memzero(rl, sizeof(*rl));
	free(rl);
}

static bool live(const struct ratelimit *rl, const struct slot *s, int64_t now)
{
	return s->h != 0 && now - s->start < (int64_t)rl->window;
}

bool ratelimit_hit(struct ratelimit *rl, const char *client, int64_t now)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;
	struct slot *s = NULL;
	size_t k;
	bool ok = true;

	crypto_shorthash(out, (const unsigned char *)client, strlen(client), rl->key);
	memcpy(&h, out, sizeof(h));
	h |= 1; /* never 0, which marks a free slot */
	pthread_mutex_lock(&rl->mu);
	/* Forget a few old clients on every hit. */
	for (k = 0; k < 8; k++) {
		struct slot *sw = &rl->slots[rl->sweep++ % RL_SLOTS];
		if (sw->h && !live(rl, sw, now))
			memset(sw, 0, sizeof(*sw));
	}
	if (now - rl->gstart >= (int64_t)rl->window) {
		rl->gstart = now;
		rl->gcount = 0;
	}
	for (k = 0; k < RL_PROBES; k++) {
		struct slot *c = &rl->slots[(h + k) % RL_SLOTS];
		if (c->h == h) {
			s = c;
			break;
		}
		if (s == NULL && !live(rl, c, now))
			s = c; /* the first free one, unless the client is further on */
	}
	if (rl->gcount >= rl->global)
		ok = false;
	else if (s != NULL) {
		if (s->h != h || !live(rl, s, now)) {
			s->h = h;
			s->start = now;
			s->count = 0;
		}
		if (s->count >= rl->per_client)
			ok = false;
		else
			s->count++;
	}
	if (ok)
		rl->gcount++;
	pthread_mutex_unlock(&rl->mu);
	return ok;
}

unsigned ratelimit_size(struct ratelimit *rl, int64_t now)
{
	unsigned n = 0;
	size_t i;

	pthread_mutex_lock(&rl->mu);
	for (i = 0; i < RL_SLOTS; i++)
		n += live(rl, &rl->slots[i], now);
	pthread_mutex_unlock(&rl->mu);
	return n;
}
