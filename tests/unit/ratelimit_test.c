/*
 * Tests for src/web/ratelimit.c: per-client and global limits, windows
 * that end, and clients forgotten once their window is over.
 */
#include "test.h"

#include <stdio.h>

#include "web/ratelimit.h"

TEST(per_client_limit_and_window)
{
	struct ratelimit *rl = ratelimit_new(3, 1000, 600);
	int i;

	for (i = 0; i < 3; i++)
		CHECK(ratelimit_hit(rl, "192.0.2.1", 1000 + i));
	CHECK(!ratelimit_hit(rl, "192.0.2.1", 1010));
	/* Another client is not affected. */
	CHECK(ratelimit_hit(rl, "2001:db8::1", 1010));
	/* The window ends. */
	CHECK(ratelimit_hit(rl, "192.0.2.1", 1000 + 600));
	ratelimit_free(rl);
}

TEST(global_limit_holds_against_many_clients)
{
	struct ratelimit *rl = ratelimit_new(5, 50, 60);
	char ip[32];
	int i, ok = 0;

	for (i = 0; i < 10000; i++) {
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		ok += ratelimit_hit(rl, ip, 100);
	}
	CHECK(ok == 50);
	CHECK(ratelimit_hit(rl, "10.0.0.1", 160));
	ratelimit_free(rl);
}

TEST(clients_are_forgotten_after_their_window)
{
	struct ratelimit *rl = ratelimit_new(5, 100000, 600);
	char ip[32];
	int i;

	for (i = 0; i < 500; i++) {
		snprintf(ip, sizeof(ip), "192.0.2.%d", i);
		CHECK(ratelimit_hit(rl, ip, 5000));
	}
	CHECK(ratelimit_size(rl, 5000) == 500);
	CHECK(ratelimit_size(rl, 5600) == 0);
	/* Sweeping clears the slots themselves, not only their liveness. */
	for (i = 0; i < 4096; i++)
		ratelimit_hit(rl, "198.51.100.7", 5600 + i * 1000);
	CHECK(ratelimit_size(rl, 5600 + 4096 * 1000) <= 1);
	ratelimit_free(rl);
}

TESTS(T(per_client_limit_and_window), T(global_limit_holds_against_many_clients),
      T(clients_are_forgotten_after_their_window));
