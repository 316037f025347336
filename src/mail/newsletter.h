/*
 * Newsletters: composing an issue from the articles published since the
 * last one, turning it into one message per subscriber in the languages
 * that subscriber chose, and sending it through the send queue.
 *
 * An issue belongs to a list ("weekly") and holds the ids of its articles
 * (nl_issue_article); its text is rendered when it is sent.  A reader who
 * chose "English and French" gets, for each translation group in the
 * issue, its English and its French version when both are in the issue,
 * or the one that is; groups with no version in their languages are left
 * out, and a reader left with nothing gets no mail.
 *
 * The send queue holds one row per (issue, subscriber), filled when the
 * issue is first sent: queued -> sending -> sent | failed | bounced
 * | skipped.  A row is marked sending, in a committed transaction, before
 * its message leaves, and marked with the outcome as soon as the server
 * answers.  After a crash (kill -9 at any moment) the rows still marked
 * sending are exactly the messages that were in flight: the next send
 * mails them again (some may arrive twice; none is lost) and everything
 * else exactly once.
 */
#ifndef TZ_NEWSLETTER_H
#define TZ_NEWSLETTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mail/subscriber.h"
#include "store/store.h"
#include "util/buf.h"

struct arena;
struct mailcfg;
struct render_site;
struct site;

/* What composing and sending need, borrowed from an open site. */
struct nl_ctx {
	const struct render_site *rs; /* configuration, strings, theme */
	const struct mailcfg *mc;
	struct store *store;
	unsigned char key[SUB_KEY_SIZE];
};

/*
 * Fills c from site (which must stay open).  Fails if the site has no
 * [newsletter] section.  0 or -1 with the reason recorded.
 */
int nl_ctx_init(struct nl_ctx *c, struct site *site);

/*
 * Loads the newsletter settings of an open site and brings the module's
 * tables up to date (unless readonly).  For site_open(): NULL with the
 * reason recorded.  Free with mailcfg_free().
 */
struct mailcfg *nl_site_open(const char *config_path, const struct config *cfg, struct store *store,
                             bool readonly);

/* ---- issues ------------------------------------------------------------ */

struct nl_issue {
	int64_t id;
	const char *list;
	int64_t created, since, until;
	int64_t queued;   /* when sending started; 0: not yet */
	int64_t finished; /* when the last message was settled; 0: not yet */
	size_t narticles;
};

/* The default for the first issue of a list: the last week. */
#define NL_FIRST_SINCE (7 * 86400)

/*
 * Composes an issue of list (NULL: the first) from the articles published
 * since since (-1: since the end of the list's previous issue, leaving out
 * what it held), at most
 * max_articles, newest first; or, with nids > 0, from exactly those
 * articles.  OUT: *issue.  0, or -1 with the reason recorded (nothing to
 * send is an error: an empty issue helps no one).
 */
int nl_compose(struct nl_ctx *c, const char *list, int64_t since, const int64_t *ids, size_t nids,
               int64_t *issue);
/* Issue id (0: the newest). */
enum store_status nl_issue_get(struct store *s, struct arena *a, int64_t id, struct nl_issue *out);
/* All issues, newest first.  OUT: arena-owned array. */
enum store_status nl_issue_list(struct store *s, struct arena *a, struct nl_issue **out, size_t *n);

/* ---- messages ---------------------------------------------------------- */

/* An issue loaded for sending: its articles and the per-profile renderings. */
struct nl_digest;

/* NULL with the reason recorded. */
struct nl_digest *nl_digest_load(struct nl_ctx *c, int64_t issue);
void nl_digest_free(struct nl_digest *d);
/*
 * Appends the message for sub to out.  Returns 1 when it did, 0 when the
 * issue has nothing in sub's languages (out untouched), -1 on an error
 * (reason recorded).
 */
int nl_digest_message(struct nl_digest *d, const struct subscriber *sub, struct buf *out);
/*
 * Appends the HTML part alone as a page one can open in a browser (for
 * preview), for the same arguments.  Same returns.
 */
int nl_digest_html(struct nl_digest *d, const struct subscriber *sub, struct buf *out);
/* The envelope sender: [newsletter] from. */
const char *nl_digest_from(const struct nl_digest *d);

/*
 * Builds a confirmation or notice mail (outbox.h) for sub into out, with a
 * fresh link.  0 or -1.
 */
int nl_note_message(struct nl_ctx *c, const struct subscriber *sub, int kind, struct buf *out);

/* ---- the send queue ---------------------------------------------------- */

enum nl_qstate {
	NLQ_QUEUED = 0,  /* waiting (attempts > 0: a retry, not before next_try) */
	NLQ_SENDING = 1, /* in flight: handed to the server, outcome unknown */
	NLQ_SENT = 2,
	NLQ_FAILED = 3,  /* gave up after retries, or refused for a reason not the address's */
	NLQ_BOUNCED = 4, /* refused permanently (5xx) */
	NLQ_SKIPPED = 5, /* unsubscribed, unconfirmed or bouncing by then; or nothing in their
	                    languages */
};
#define NLQ_NSTATES 6

const char *nl_qstate_name(enum nl_qstate st);

struct nl_status {
	size_t n[NLQ_NSTATES];
	size_t retrying; /* queued rows waiting for a retry */
	size_t total;
};

enum store_status nl_queue_status(struct store *s, int64_t issue, struct nl_status *out);

struct nl_send_opts {
	bool no_wait;  /* stop when only retries later than now are left */
	bool progress; /* draw a progress bar on a terminal */
	size_t limit;  /* stop after this many messages (0: no limit); for tests */
};

struct nl_send_stats {
	size_t sent, tempfail, bounced, failed, skipped;
	size_t resent; /* rows found in flight from an interrupted run, queued again */
	double seconds;
};

/* Retries never wait longer than this: a message a day late is still worth sending. */
#define NL_MAX_BACKOFF (6 * 3600)

/*
 * Seconds to wait after the attempts-th temporary failure of a message
 * before trying it again: [smtp] retry_delay, doubling with each failure
 * (retry_delay, 2 retry_delay, 4 retry_delay...), at most NL_MAX_BACKOFF.
 */
int64_t nl_retry_delay(const struct mailcfg *mc, int attempts);

/*
 * Sends issue: fills its queue on the first call (every confirmed
 * subscriber of its list), then sends what is queued, at the configured
 * rate, concurrency and per-domain rates, retrying temporary failures
 * with backoff.  Only one sender runs per site at a time (a lock file).
 * Returns 0 when the issue is settled (or no_wait and only later retries
 * are left), -1 with the reason recorded otherwise (the queue is kept:
 * run it again).
 */
int nl_send(struct nl_ctx *c, const char *site_dir, int64_t issue, const struct nl_send_opts *o,
            struct nl_send_stats *st);

#endif
