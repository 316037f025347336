/*
 * The outbox: confirmation and notice mails waiting to go, one row each
 * in the store.  The web form only queues (so that its answer takes the
 * same time whether or not it mailed anyone); `tamizdat serve` runs a
 * thread that sends what is due, and `newsletter send` sends it too.  A
 * mail is built when it goes, with a fresh link.  Temporary failures are
 * retried with backoff; after OUTBOX_MAX_ATTEMPTS the mail is dropped.
 */
#ifndef TZ_OUTBOX_H
#define TZ_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct nl_ctx;

enum outbox_kind {
	OUTBOX_CONFIRM = 1, /* "confirm your subscription": the double opt-in link */
	OUTBOX_NOTICE = 2,  /* "you are already subscribed": the preferences link */
};

/* A confirmation that cannot go through in a day (with backoff) is not coming. */
#define OUTBOX_MAX_ATTEMPTS 8

/* Queues a mail for subscriber id.  STORE_OK or the failure. */
enum store_status outbox_add(struct store *s, int64_t id, enum outbox_kind kind);
/*
 * Sends the mails that are due, one connection, in order.  OUT: *sent
 * and *left (still waiting, e.g. after a temporary failure; may be NULL).
 * 0, or -1 with the reason recorded if the server cannot be reached
 * (what was not sent stays queued).
 */
int outbox_flush(struct nl_ctx *c, size_t *sent, size_t *left);

/* A thread that flushes the outbox when told to and every few seconds. */
struct outbox_worker;
/*
 * Starts the worker on its own store connection to db_path and its own
 * copy of what c points to (borrowed: must outlive the worker).  NULL with
 * the reason recorded.  Signals are blocked in the worker.
 */
struct outbox_worker *outbox_worker_start(const struct nl_ctx *c, const char *db_path);
/* Wakes the worker (something was queued).  Thread-safe. */
void outbox_worker_kick(struct outbox_worker *w);
/* Stops and joins it.  Accepts NULL. */
void outbox_worker_stop(struct outbox_worker *w);

#endif
