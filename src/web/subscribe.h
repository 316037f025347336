/*
 * The newsletter's public endpoints, under /newsletter/ of `tamizdat
 * serve` (the only dynamic public pages besides search):
 *
 *	POST /newsletter/subscribe     the form on home and article pages
 *	GET  /newsletter/confirm?t=    a page with one button, which POSTs:
 *	POST /newsletter/confirm       the double opt-in (link scanners GET
 *	                               links in mail; only a person presses)
 *	GET  /newsletter/prefs?t=      languages and lists, unsubscribe
 *	POST /newsletter/prefs
 *	GET  /newsletter/unsubscribe?t=  a page with one button
 *	POST /newsletter/unsubscribe?t=  RFC 8058 one-click: unsubscribes at
 *	                               once, whatever the body, no cookie
 *
 * The subscribe answer is the same page whether the address was new,
 * pending, confirmed or bouncing, and it takes the same work: the mail it
 * may cause is queued in the outbox and sent by a thread.  Limits: per
 * client (ratelimit.h) and per address (subscriber.h); a honeypot field
 * that people never see ("website") makes a bot's post a no-op.
 */
#ifndef TZ_SUBSCRIBE_H
#define TZ_SUBSCRIBE_H

#include "web/http.h"

struct site;
struct subscribe;

/* Subscribe requests per client per window, and in all: a person needs two or three. */
#define SUBSCRIBE_PER_CLIENT 5
#define SUBSCRIBE_GLOBAL     300
#define SUBSCRIBE_WINDOW     600

/*
 * The endpoints' state for an open site (borrowed: must outlive it): a
 * store connection of its own, the rate limits and the outbox thread.
 * NULL with the reason recorded.
 */
struct subscribe *subscribe_new(struct site *site);
/* Stops the outbox thread.  Accepts NULL. */
void subscribe_free(struct subscribe *sb);
/* The route handler for "/newsletter/" (arg: the struct subscribe). */
int subscribe_handle(void *arg, const struct http_request *req, struct http_response *resp);

#endif
