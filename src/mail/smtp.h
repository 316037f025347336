/*
 * Sending mail over SMTP with libcurl: several messages at once over a
 * few connections that are kept open from one message to the next
 * (curl's multi interface and its connection cache), STARTTLS or TLS from
 * the start, authentication.  One recipient per message: newsletters are
 * personal (their links are), so there is nothing to share.
 *
 * This module only moves bytes and says how each message fared; what to
 * send, how fast and what to do about failures is the caller's (the send
 * queue, the outbox).  Not thread-safe: one struct smtp per thread.
 */
#ifndef TZ_SMTP_H
#define TZ_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/mailcfg.h"

struct smtp_conf {
	const char *url;  /* smtp://host:port or smtps://host:port */
	const char *user; /* "" or NULL: none (or those in the URL) */
	const char *password;
	enum mailcfg_starttls starttls;
	bool verify;          /* check the server's certificate and name */
	const char *ca_file;  /* "" or NULL: the system's */
	unsigned timeout;     /* seconds for one message, connection included */
	unsigned concurrency; /* messages (and connections) at once */
};

/* Fills c from the site's settings (c borrows mc's strings). */
void smtp_conf_from(struct smtp_conf *c, const struct mailcfg *mc);

enum smtp_outcome {
	SMTP_SENT,        /* the server took it (250 after DATA) */
	SMTP_TEMPFAIL,    /* 4xx, or the connection dropped: try again later */
	SMTP_PERMFAIL,    /* 5xx to the recipient or the message: the address bounced */
	SMTP_UNREACHABLE, /* no connection, TLS failed: the server, not the message */
	SMTP_FATAL,       /* the server refuses us (authentication, sender): stop */
};

struct smtp_result {
	enum smtp_outcome outcome;
	int code;      /* the SMTP reply code when there was one, else 0 */
	char msg[256]; /* what happened, for logs and the queue */
};

const char *smtp_outcome_name(enum smtp_outcome o);

struct smtp;

/* NULL with the reason recorded.  c is copied. */
struct smtp *smtp_new(const struct smtp_conf *c);
void smtp_free(struct smtp *s);
/* Messages that can be submitted now (free slots). */
size_t smtp_free_slots(const struct smtp *s);
/* Messages submitted and not finished. */
size_t smtp_active(const struct smtp *s);
/*
 * Starts sending n bytes of data (a whole message, CRLF line endings,
 * copied) from from to rcpt (plain ASCII addresses).  tag comes back with
 * the result.  0, or -1 if no slot is free.
 */
int smtp_submit(struct smtp *s, const char *from, const char *rcpt, const char *data, size_t n,
                void *tag);

typedef void (*smtp_done_fn)(void *arg, void *tag, const struct smtp_result *r);
/*
 * Moves the transfers on, waiting up to timeout_ms for something to
 * happen, and calls done for each message that finished.  Returns the
 * number finished, or -1 on an internal error (reason recorded).
 */
int smtp_poll(struct smtp *s, int timeout_ms, smtp_done_fn done, void *arg);

/* Sends one message and waits for the outcome (a struct smtp of one). */
void smtp_send(struct smtp *s, const char *from, const char *rcpt, const char *data, size_t n,
               struct smtp_result *out);

#endif
