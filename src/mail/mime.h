/*
 * Building one mail message (GMime 3): the headers a list mail needs and
 * a multipart/alternative body of plain text and HTML, both UTF-8, each in
 * the transfer encoding that suits it (quoted-printable for mostly-Latin
 * text, base64 for mostly-Cyrillic), lines ending in CRLF as SMTP wants.
 * Names and subjects outside ASCII are encoded per RFC 2047.
 *
 * Every header value given is checked: a CR, LF or other control
 * character anywhere is refused, so that no field (a subscriber's name, an
 * article title in a subject) can add a header.  Thread-safe after
 * mime_init().
 */
#ifndef TZ_MIME_H
#define TZ_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/*
 * Loads and sets GMime up; idempotent and thread-safe.  Call before the
 * first mime_build() from more than one thread.  0, or -1 with the reason
 * recorded (the library is missing).
 */
int mime_init(void);

struct mime_mail {
	const char *from_name; /* may be NULL */
	const char *from_addr;
	const char *reply_to; /* address, or NULL */
	const char *to_name;  /* may be NULL */
	const char *to_addr;  /* ASCII (A-label domain) */
	const char *subject;
	int64_t date;           /* seconds since the epoch */
	const char *message_id; /* without the angle brackets */
	/* List headers (RFC 2369, 2919, 8058); NULL leaves them out. */
	const char *list_name;    /* the phrase of List-Id */
	const char *list_id;      /* "weekly.example.org" */
	const char *unsub_https;  /* one-click unsubscribe URL */
	const char *unsub_mailto; /* "mailto:..." */
	const char *language;     /* Content-Language: "en, fr"; NULL: none */
	bool auto_submitted;      /* Auto-Submitted: auto-generated (confirmations) */
	const char *text;         /* the plain-text part, UTF-8 */
	size_t text_n;
	const char *html; /* the HTML part, UTF-8 */
	size_t html_n;
	/* The MIME boundary; NULL: one made from message_id (deterministic). */
	const char *boundary;
};

/*
 * Appends the message to out.  0, or -1 with the reason recorded (a header
 * value with a line break or control character, a missing field, text
 * that is not UTF-8).
 */
int mime_build(const struct mime_mail *m, struct buf *out);

#endif
