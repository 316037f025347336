/*
 * The send queue and the sender.  See newsletter.h for the states and
 * the crash rule.  The loop: take queued rows (a bounded page at a time,
 * by subscriber id, wrapping around), skip those whose domain is over its
 * rate, build their messages, mark them sending in one transaction, hand
 * them to curl; as messages finish, record each outcome at once.  Memory
 * holds one page of rows, at most a page of outcomes not yet recorded and
 * the messages in flight, whatever the number of subscribers; the store's
 * connection is narrowed for the run to a small page cache and no memory
 * map (see lean()), since the run reads each subscriber once.
 */
#include "mail/newsletter.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "mail/addr.h"
#include "mail/mail_int.h"
#include "mail/mailcfg.h"
#include "mail/smtp.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/progress.h"

/* Rows read at a time: enough to keep any concurrency busy, small enough to be nothing. */
#define PAGE 256
/*
 * SQLite's page cache for the run, in KiB.  The run walks the queue and
 * the subscribers once, in id order, and touches a few pages at a time
 * (the current leaves and the b-trees' upper levels); the site's usual
 * 32 MB cache and 256 MB memory map would instead keep every page it
 * passed, and grow with the number of readers.
 */
#define SEND_CACHE_KIB 1024
/*
 * An unreachable server is tried this many times (waiting 1, 2, 4... s)
 * before giving up: a relay that restarts is back within that; one that
 * never answered in this run is a wrong address, said at once.
 */
#define MAX_UNREACHABLE       5
#define MAX_UNREACHABLE_NEVER 2

static const char *const qstate_names[NLQ_NSTATES] = {"queued", "sending", "sent",
                                                      "failed", "bounced", "skipped"};

const char *nl_qstate_name(enum nl_qstate st)
{
	return (unsigned)st < NLQ_NSTATES ? qstate_names[st] : "?";
}

enum store_status nl_queue_status(struct store *s, int64_t issue, struct nl_status *out)
{
	sqlite3_stmt *st = mdb_prepare(s, "SELECT state, count(*), "
	                                  "sum(state = 0 AND attempts > 0) FROM nl_queue "
	                                  "WHERE issue_id = ? GROUP BY state");
	int r;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, issue);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int k = sqlite3_column_int(st, 0);
		size_t n = (size_t)sqlite3_column_int64(st, 1);
		if (k >= 0 && k < NLQ_NSTATES)
			out->n[k] = n;
		out->retrying += (size_t)sqlite3_column_int64(st, 2);
		out->total += n;
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? STORE_OK : mdb_fail(s, "queue");
}

/* ---- rates ---------------------------------------------------------------- */

struct bucket {
	double rate;   /* per second; 0: no limit */
	double tokens; /* may go fractional */
	double cap;
	int64_t last_ms;
};

static void bucket_init(struct bucket *b, double rate, int64_t now)
{
	b->rate = rate;
	/* A tenth of a second's worth of burst, and always at least one message. */
	b->cap = rate > 10 ? rate / 10 : 1;
	b->tokens = b->cap;
	b->last_ms = now;
}

static void bucket_fill(struct bucket *b, int64_t now)
{
	if (b->rate <= 0)
		return;
	b->tokens = MIN(b->cap, b->tokens + (double)(now - b->last_ms) * b->rate / 1000.0);
	b->last_ms = now;
}

static bool bucket_ok(const struct bucket *b)
{
	return b->rate <= 0 || b->tokens >= 1.0;
}

static void bucket_take(struct bucket *b)
{
	if (b->rate > 0)
		b->tokens -= 1.0;
}

/* Milliseconds until the bucket has a token. */
static int64_t bucket_wait(const struct bucket *b)
{
	if (bucket_ok(b))
		return 0;
	return (int64_t)ceil((1.0 - b->tokens) * 1000.0 / b->rate);
}

/* ---- the sender --------------------------------------------------------- */

struct row {
	int64_t sub_id;
	int attempts;
	struct subscriber sub;
};

struct flight {
	int64_t sub_id;
	int attempts;
	bool busy;
};

struct result {
	int64_t sub_id;
	enum nl_qstate state;
	int attempts;
	int64_t next_try;
	bool bounce; /* count a permanent failure against the subscriber */
	bool sent;
	char error[256];
};

struct sender {
	struct nl_ctx *c;
	const struct mailcfg *mc;
	struct store *s;
	struct nl_digest *d;
	struct smtp *smtp;
	int64_t issue;
	const char *list;
	const struct nl_send_opts *o;
	struct nl_send_stats *st;
	struct progress prog;
	/* The page of rows being looked at. */
	struct arena *page_arena;
	struct row page[PAGE];
	size_t npage, ipage;
	int64_t cursor;
	bool wrapped, took_since_wrap;
	/* Rates. */
	struct bucket global;
	struct bucket domains[MAILCFG_MAX_DOMAINS];
	/* Messages in flight, by slot of this array (tag = index). */
	struct flight *flights;
	size_t nflights;
	/* Outcomes waiting to be recorded: at most PAGE skips plus a message per slot. */
	struct result *results;
	size_t nresults, capresults;
	/* The connection's settings before the run, restored after it. */
	int64_t old_cache, old_mmap;
	bool lean;
	int unreachable;   /* rounds in a row that found the server unreachable */
	bool unreach_seen; /* this round did */
	bool fatal;
	char fatal_msg[300];
	struct buf msg;
	sqlite3_stmt *sel, *mark, *done, *unbounce;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/*
 * A slot for an outcome.  start_some() stops at PAGE outcomes and they are
 * recorded before any slot frees, so capresults (PAGE + slots) is never
 * reached: the array does not grow with the readers.
 */
static struct result *new_result(struct sender *sd, int64_t sub_id)
{
	struct result *r;

	if (sd->nresults == sd->capresults)
		fatal("newsletter: %zu outcomes waiting to be recorded", sd->nresults);
	r = &sd->results[sd->nresults++];
	memset(r, 0, sizeof(*r));
	r->sub_id = sub_id;
	return r;
}

int64_t nl_retry_delay(const struct mailcfg *mc, int attempts)
{
	double d = (double)mc->retry_delay * pow(2, attempts > 1 ? attempts - 1 : 0);

	return (int64_t)MIN(d, (double)NL_MAX_BACKOFF);
}

/* Records the outcomes gathered so far, in one transaction.  0 or -1. */
static int flush_results(struct sender *sd)
{
	size_t i;
	int64_t now = store_now();

	if (sd->nresults == 0)
		return 0;
	if (store_begin(sd->s) != STORE_OK)
		return -1;
	for (i = 0; i < sd->nresults; i++) {
		struct result *r = &sd->results[i];
		sqlite3_reset(sd->done);
		sqlite3_bind_int(sd->done, 1, (int)r->state);
		sqlite3_bind_int(sd->done, 2, r->attempts);
		sqlite3_bind_int64(sd->done, 3, r->next_try);
		sqlite3_bind_text(sd->done, 4, r->error, -1, SQLITE_STATIC);
		sqlite3_bind_int64(sd->done, 5, r->state == NLQ_QUEUED ? 0 : now);
		sqlite3_bind_int64(sd->done, 6, sd->issue);
		sqlite3_bind_int64(sd->done, 7, r->sub_id);
		if (sqlite3_step(sd->done) != SQLITE_DONE)
			goto fail;
		if (r->bounce &&
		    sub_bounce(sd->s, r->sub_id, r->error, sd->mc->max_bounces, NULL) != STORE_OK)
			goto fail_reason;
		if (r->sent) {
			sqlite3_reset(sd->unbounce);
			sqlite3_bind_int64(sd->unbounce, 1, r->sub_id);
			if (sqlite3_step(sd->unbounce) != SQLITE_DONE)
				goto fail;
		}
	}
	if (store_commit(sd->s) != STORE_OK)
		return -1;
	for (i = 0; i < sd->nresults; i++)
		if (sd->results[i].state != NLQ_QUEUED)
			progress_step(&sd->prog, 1);
	sd->nresults = 0;
	return 0;
fail:
	mdb_fail(sd->s, "queue");
fail_reason:
	store_rollback(sd->s);
	return -1;
}

static void on_done(void *arg, void *tag, const struct smtp_result *res)
{
	struct sender *sd = arg;
	struct flight *f = &sd->flights[(size_t)(uintptr_t)tag];
	struct result *r = new_result(sd, f->sub_id);
	char url[256];

	f->busy = false;
	r->attempts = f->attempts;
	snprintf(r->error, sizeof(r->error), "%s", res->outcome == SMTP_SENT ? "" : res->msg);
	switch (res->outcome) {
	case SMTP_SENT:
		r->state = NLQ_SENT;
		r->sent = true;
		sd->st->sent++;
		sd->unreachable = 0;
		break;
	case SMTP_PERMFAIL:
		r->state = NLQ_BOUNCED;
		r->bounce = true;
		sd->st->bounced++;
		sd->unreachable = 0;
		break;
	case SMTP_TEMPFAIL:
		r->attempts++;
		sd->st->tempfail++;
		sd->unreachable = 0;
		if ((unsigned)r->attempts > sd->mc->retries) {
			r->state = NLQ_FAILED;
			sd->st->failed++;
		} else {
			r->state = NLQ_QUEUED;
			r->next_try = store_now() + nl_retry_delay(sd->mc, r->attempts);
		}
		break;
	case SMTP_UNREACHABLE:
		/* Not the message's fault: back in the queue as it was. */
		r->state = NLQ_QUEUED;
		sd->unreach_seen = true;
		snprintf(sd->fatal_msg, sizeof(sd->fatal_msg),
		         "cannot reach the SMTP server %s: %s",
		         mailcfg_url_shown(sd->mc, url, sizeof(url)), res->msg);
		break;
	case SMTP_FATAL:
		r->state = NLQ_QUEUED;
		sd->fatal = true;
		snprintf(sd->fatal_msg, sizeof(sd->fatal_msg), "the SMTP server %s refused us: %s",
		         mailcfg_url_shown(sd->mc, url, sizeof(url)), res->msg);
		break;
	}
}

/* Reads the next page of queued rows due now, after the cursor.  0 or -1. */
static int fetch(struct sender *sd)
{
	int r;

	arena_reset(sd->page_arena);
	sd->npage = sd->ipage = 0;
	sqlite3_reset(sd->sel);
	sqlite3_bind_int64(sd->sel, 1, sd->issue);
	sqlite3_bind_int64(sd->sel, 2, store_now());
	sqlite3_bind_int64(sd->sel, 3, sd->cursor);
	sqlite3_bind_int(sd->sel, 4, PAGE);
	while ((r = sqlite3_step(sd->sel)) == SQLITE_ROW) {
		struct row *w = &sd->page[sd->npage++];
		struct arena *a = sd->page_arena;
		memset(w, 0, sizeof(*w));
		w->sub_id = sqlite3_column_int64(sd->sel, 0);
		w->attempts = sqlite3_column_int(sd->sel, 1);
		w->sub.id = w->sub_id;
		w->sub.email = mdb_col_text(a, sd->sel, 2);
		w->sub.addr = mdb_col_text(a, sd->sel, 3);
		w->sub.domain = mdb_col_text(a, sd->sel, 4);
		w->sub.name = mdb_col_text(a, sd->sel, 5);
		w->sub.langs = mdb_col_text(a, sd->sel, 6);
		w->sub.lists = mdb_col_text(a, sd->sel, 7);
		w->sub.ui_lang = mdb_col_text(a, sd->sel, 8);
		w->sub.status = (enum sub_status)sqlite3_column_int(sd->sel, 9);
	}
	if (r != SQLITE_DONE)
		return mdb_fail(sd->s, "queue"), -1;
	if (sd->npage)
		sd->cursor = sd->page[sd->npage - 1].sub_id;
	return 0;
}

/*
 * The next row to look at, or NULL when a whole round found nothing to
 * take.  claimed: rows taken but not yet marked sending, which a fetch
 * would return again, so the round ends there rather than wrap; so do
 * rows skipped but not yet recorded (taking them again would count them
 * twice, and a queue of nothing but skips would go round for ever).
 */
static struct row *next_row(struct sender *sd, size_t claimed, int *err)
{
	*err = 0;
	for (;;) {
		if (sd->ipage < sd->npage)
			return &sd->page[sd->ipage++];
		if (fetch(sd) != 0) {
			*err = -1;
			return NULL;
		}
		if (sd->npage)
			continue;
		/* The end: start again from the first id, unless that round took nothing. */
		if (claimed || sd->nresults || (sd->wrapped && !sd->took_since_wrap))
			return NULL;
		sd->cursor = 0;
		sd->wrapped = true;
		sd->took_since_wrap = false;
		if (fetch(sd) != 0) {
			*err = -1;
			return NULL;
		}
		if (sd->npage == 0)
			return NULL;
	}
}

static struct bucket *domain_bucket(struct sender *sd, const char *domain)
{
	size_t i;

	for (i = 0; i < sd->mc->ndomains; i++)
		if (strcmp(sd->mc->domains[i].domain, domain) == 0)
			return &sd->domains[i];
	return NULL;
}

/* A row taken for sending: copied, since the page it came from may be read over. */
struct claim {
	int64_t sub_id;
	int attempts;
	char addr[ADDR_MAX + 1];
	struct buf msg;
};

/*
 * Starts as many messages as slots, rates and the queue allow, and settles
 * the rows that need no message (at most PAGE of them a call).  OUT:
 * *wait_ms, how long until a rate allows the next one (0: not rate-bound).
 * Returns the number of rows started or settled, or -1.
 */
static int start_some(struct sender *sd, int64_t *wait_ms)
{
	size_t want = smtp_free_slots(sd->smtp), k = 0, i, settled;
	struct claim *cl = xcalloc(want + 1, sizeof(*cl));
	int64_t now = mdb_now_ms();
	int rc = -1, err;

	*wait_ms = 0;
	bucket_fill(&sd->global, now);
	for (i = 0; i < sd->mc->ndomains; i++)
		bucket_fill(&sd->domains[i], now);
	while (k < want && sd->nresults < PAGE && !stop_requested) {
		struct row *w;
		struct bucket *db;
		int got;
		if (!bucket_ok(&sd->global)) {
			*wait_ms = bucket_wait(&sd->global);
			break;
		}
		if (sd->o->limit &&
		    sd->st->sent + sd->st->bounced + sd->st->failed + k >= sd->o->limit)
			break;
		w = next_row(sd, k, &err);
		if (err)
			goto out;
		if (w == NULL)
			break;
		db = domain_bucket(sd, w->sub.domain);
		if (db && !bucket_ok(db)) {
			int64_t dw = bucket_wait(db);
			if (*wait_ms == 0 || dw < *wait_ms)
				*wait_ms = dw;
			continue;
		}
		sd->took_since_wrap = true;
		if (w->sub.status != SUB_CONFIRMED || !sub_set_has(w->sub.lists, sd->list)) {
			struct result *r = new_result(sd, w->sub_id);
			r->state = NLQ_SKIPPED;
			r->attempts = w->attempts;
			snprintf(r->error, sizeof(r->error), "%s by the time of sending",
			         w->sub.status != SUB_CONFIRMED ? sub_status_name(w->sub.status)
			                                        : "not on the list");
			sd->st->skipped++;
			continue;
		}
		buf_reset(&cl[k].msg);
		got = nl_digest_message(sd->d, &w->sub, &cl[k].msg);
		if (got <= 0 || strlen(w->sub.addr) > ADDR_MAX) {
			struct result *r = new_result(sd, w->sub_id);
			r->attempts = w->attempts;
			if (got == 0) {
				r->state = NLQ_SKIPPED;
				snprintf(r->error, sizeof(r->error), "nothing in their languages");
				sd->st->skipped++;
			} else {
				r->state = NLQ_FAILED;
				snprintf(r->error, sizeof(r->error), "%s", log_reason());
				sd->st->failed++;
			}
			continue;
		}
		bucket_take(&sd->global);
		if (db)
			bucket_take(db);
		cl[k].sub_id = w->sub_id;
		cl[k].attempts = w->attempts;
		snprintf(cl[k].addr, sizeof(cl[k].addr), "%s", w->sub.addr);
		k++;
	}
	/* Skips first, then the claims: both before anything leaves. */
	settled = sd->nresults;
	if (flush_results(sd) != 0)
		goto out;
	if (k) {
		if (store_begin(sd->s) != STORE_OK)
			goto out;
		for (i = 0; i < k; i++) {
			sqlite3_reset(sd->mark);
			sqlite3_bind_int64(sd->mark, 1, sd->issue);
			sqlite3_bind_int64(sd->mark, 2, cl[i].sub_id);
			if (sqlite3_step(sd->mark) != SQLITE_DONE) {
				mdb_fail(sd->s, "queue");
				store_rollback(sd->s);
				goto out;
			}
		}
		if (store_commit(sd->s) != STORE_OK)
			goto out;
	}
	for (i = 0; i < k; i++) {
		size_t f;
		for (f = 0; f < sd->nflights && sd->flights[f].busy; f++)
			;
		sd->flights[f].busy = true;
		sd->flights[f].sub_id = cl[i].sub_id;
		sd->flights[f].attempts = cl[i].attempts;
		if (smtp_submit(sd->smtp, nl_digest_from(sd->d), cl[i].addr, cl[i].msg.p,
		                cl[i].msg.n, (void *)(uintptr_t)f) != 0)
			goto out;
	}
	rc = (int)(k + settled);
out:
	for (i = 0; i < want + 1; i++)
		buf_finish(&cl[i].msg);
	free(cl);
	return rc;
}

/* Queued rows left: now (due), later (waiting for a retry).  OUT: *next, the earliest retry. */
static int remaining(struct sender *sd, size_t *due, size_t *later, int64_t *next)
{
	sqlite3_stmt *st = mdb_prepare(sd->s, "SELECT sum(next_try <= ?2), sum(next_try > ?2), "
	                                      "min(CASE WHEN next_try > ?2 THEN next_try END) "
	                                      "FROM nl_queue WHERE issue_id = ?1 AND state = 0");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, sd->issue);
	sqlite3_bind_int64(st, 2, store_now());
	if (sqlite3_step(st) != SQLITE_ROW) {
		mdb_fail(sd->s, "queue");
		sqlite3_finalize(st);
		return -1;
	}
	*due = (size_t)sqlite3_column_int64(st, 0);
	*later = (size_t)sqlite3_column_int64(st, 1);
	*next = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	return 0;
}

static int fill_queue(struct sender *sd, const struct nl_issue *is)
{
	sqlite3_stmt *st;

	if (is->queued)
		return 0;
	if (store_begin(sd->s) != STORE_OK)
		return -1;
	st = mdb_prepare(sd->s, "INSERT OR IGNORE INTO nl_queue(issue_id, subscriber_id, domain) "
	                        "SELECT ?1, id, domain FROM nl_subscriber WHERE status = 1 AND "
	                        "',' || lists || ',' LIKE '%,' || ?2 || ',%'");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, is->id);
	mdb_bind_text(st, 2, is->list);
	if (mdb_done(sd->s, st, "queue") != STORE_OK)
		goto fail;
	st = mdb_prepare(sd->s, "UPDATE nl_issue SET queued = ? WHERE id = ?");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, store_now());
	sqlite3_bind_int64(st, 2, is->id);
	if (mdb_done(sd->s, st, "issue") != STORE_OK)
		goto fail;
	return store_commit(sd->s) == STORE_OK ? 0 : -1;
fail:
	store_rollback(sd->s);
	return -1;
}

/* Rows left marked sending by a run that died: they were in flight; send them again. */
static int recover(struct sender *sd)
{
	sqlite3_stmt *st = mdb_prepare(sd->s, "UPDATE nl_queue SET state = 0 WHERE issue_id = ? "
	                                      "AND state = 1");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, sd->issue);
	if (mdb_done(sd->s, st, "queue") != STORE_OK)
		return -1;
	sd->st->resent = (size_t)sqlite3_changes(store_db(sd->s));
	return 0;
}

static int lock_site(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/.newsletter-send.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return log_fail("cannot create %s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return log_fail("another tamizdat newsletter send is running on this site");
	}
	return fd;
}

/* The value of a pragma that returns one number.  0 or -1. */
static int pragma_get(struct store *s, const char *name, int64_t *out)
{
	char sql[64];
	sqlite3_stmt *st;
	int rc = -1;

	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	if ((st = mdb_prepare(s, sql)) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		mdb_fail(s, "newsletter");
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * Narrows the store's connection for the run: SEND_CACHE_KIB of page
 * cache and no memory map, so that the pages the run passes over are
 * not kept (in the heap, or mapped in the process) and its memory does
 * not grow with the number of readers.  Reads then go through the
 * kernel's page cache, which costs little for a walk in order.  0 or -1.
 */
static int lean(struct sender *sd)
{
	char sql[96];

	if (pragma_get(sd->s, "cache_size", &sd->old_cache) != 0 ||
	    pragma_get(sd->s, "mmap_size", &sd->old_mmap) != 0)
		return -1;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d; PRAGMA mmap_size = 0;",
	         SEND_CACHE_KIB);
	if (mdb_exec(sd->s, sql) != STORE_OK)
		return -1;
	sd->lean = true;
	return 0;
}

/* Gives the connection back as it was (for a caller that goes on using it). */
static void unlean(struct sender *sd)
{
	char sql[128];

	if (!sd->lean)
		return;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld; PRAGMA mmap_size = %lld;",
	         (long long)sd->old_cache, (long long)sd->old_mmap);
	if (mdb_exec(sd->s, sql) != STORE_OK)
		log_warn("%s", log_reason());
	sd->lean = false;
}

static int prepare(struct sender *sd)
{
	sd->sel = mdb_prepare(sd->s, "SELECT q.subscriber_id, q.attempts, s.email, s.addr, "
	                             "s.domain, s.name, s.langs, s.lists, s.ui_lang, s.status "
	                             "FROM nl_queue q JOIN nl_subscriber s ON s.id = "
	                             "q.subscriber_id WHERE q.issue_id = ?1 AND q.state = 0 AND "
	                             "q.next_try <= ?2 AND q.subscriber_id > ?3 "
	                             "ORDER BY q.subscriber_id LIMIT ?4");
	sd->mark = mdb_prepare(sd->s, "UPDATE nl_queue SET state = 1 WHERE issue_id = ? AND "
	                              "subscriber_id = ?");
	sd->done =
	        mdb_prepare(sd->s, "UPDATE nl_queue SET state = ?, attempts = ?, next_try = ?, "
	                           "error = ?, done = ? WHERE issue_id = ? AND subscriber_id = ?");
	sd->unbounce = mdb_prepare(sd->s, "UPDATE nl_subscriber SET bounces = 0, last_error = '' "
	                                  "WHERE id = ? AND bounces > 0");
	return sd->sel && sd->mark && sd->done && sd->unbounce ? 0 : -1;
}

static int loop(struct sender *sd)
{
	for (;;) {
		int64_t wait_ms = 0;
		int started, polled;

		if (sd->fatal)
			return log_fail("%s (the queue is kept: run newsletter send again)",
			                sd->fatal_msg);
		if (sd->unreach_seen && smtp_active(sd->smtp) == 0) {
			/* Give a restarting server a moment: 1, 2, 4, 8 s; then from the start. */
			sd->unreach_seen = false;
			if (++sd->unreachable >=
			    (sd->st->sent ? MAX_UNREACHABLE : MAX_UNREACHABLE_NEVER))
				return log_fail("%s (the queue is kept: run newsletter send again)",
				                sd->fatal_msg);
			if (flush_results(sd) != 0)
				return -1;
			sleep(1u << (sd->unreachable - 1));
			sd->wrapped = false;
			sd->cursor = 0;
			sd->npage = sd->ipage = 0;
		}
		started = stop_requested ? 0 : start_some(sd, &wait_ms);
		if (started < 0)
			return -1;
		if (smtp_active(sd->smtp)) {
			polled = smtp_poll(sd->smtp,
			                   wait_ms > 0 && wait_ms < 100 ? (int)wait_ms : 100,
			                   on_done, sd);
			if (polled < 0 || flush_results(sd) != 0)
				return -1;
			continue;
		}
		if (flush_results(sd) != 0)
			return -1;
		if (stop_requested)
			return log_fail(
			        "interrupted (the queue is kept: run newsletter send again)");
		if (sd->o->limit && sd->st->sent + sd->st->bounced + sd->st->failed >= sd->o->limit)
			return 0;
		if (started > 0)
			continue;
		if (wait_ms > 0) {
			/* Rate-bound: sleep until a token comes. */
			struct timespec ts = {wait_ms / 1000, (wait_ms % 1000) * 1000000};
			nanosleep(&ts, NULL);
			sd->wrapped = false;
			continue;
		}
		{
			size_t due, later;
			int64_t next;
			if (remaining(sd, &due, &later, &next) != 0)
				return -1;
			if (due) {
				/* Rows came due (or a round ended): look again from the start. */
				sd->wrapped = false;
				sd->cursor = 0;
				sd->npage = sd->ipage = 0;
				continue;
			}
			if (later == 0)
				return 0;
			if (sd->o->no_wait)
				return 0;
			sleep((unsigned)MAX(1, MIN(next - store_now(), 60)));
			sd->wrapped = false;
			sd->cursor = 0;
			sd->npage = sd->ipage = 0;
		}
	}
}

int nl_send(struct nl_ctx *c, const char *site_dir, int64_t issue, const struct nl_send_opts *o,
            struct nl_send_stats *st)
{
	struct sender sd = {0};
	struct smtp_conf conf;
	struct nl_issue is;
	struct arena *a = arena_new(0);
	struct nl_status qs;
	struct sigaction sa = {0}, old_int, old_term;
	int64_t t0 = mdb_now_ms();
	int lock, rc = -1;
	size_t i;

	memset(st, 0, sizeof(*st));
	if ((lock = lock_site(site_dir)) < 0) {
		arena_free(a);
		return -1;
	}
	sd.c = c;
	sd.mc = c->mc;
	sd.s = c->store;
	sd.o = o;
	sd.st = st;
	sd.page_arena = arena_new(0);
	buf_init(&sd.msg);
	if (lean(&sd) != 0 || nl_issue_get(sd.s, a, issue, &is) != STORE_OK)
		goto out;
	sd.issue = is.id;
	sd.list = is.list;
	if ((sd.d = nl_digest_load(c, is.id)) == NULL)
		goto out;
	if (fill_queue(&sd, &is) != 0 || recover(&sd) != 0 || prepare(&sd) != 0)
		goto out;
	smtp_conf_from(&conf, c->mc);
	if ((sd.smtp = smtp_new(&conf)) == NULL)
		goto out;
	sd.nflights = conf.concurrency ? conf.concurrency : 1;
	sd.flights = xcalloc(sd.nflights, sizeof(*sd.flights));
	sd.capresults = PAGE + sd.nflights;
	sd.results = xcalloc(sd.capresults, sizeof(*sd.results));
	bucket_init(&sd.global, c->mc->rate, mdb_now_ms());
	for (i = 0; i < c->mc->ndomains; i++)
		bucket_init(&sd.domains[i], c->mc->domains[i].rate, mdb_now_ms());
	if (nl_queue_status(sd.s, sd.issue, &qs) != STORE_OK)
		goto out;
	progress_init(&sd.prog, "sending", o->progress ? qs.total : 0);
	if (!o->progress)
		sd.prog.enabled = 0;
	sd.prog.done = qs.total - qs.n[NLQ_QUEUED] - qs.n[NLQ_SENDING];
	/* SIGINT/SIGTERM: finish the messages in flight, record them, then stop. */
	stop_requested = 0;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = loop(&sd);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	progress_finish(&sd.prog);
	if (rc == 0 && nl_queue_status(sd.s, sd.issue, &qs) == STORE_OK && qs.n[NLQ_QUEUED] == 0 &&
	    qs.n[NLQ_SENDING] == 0) {
		sqlite3_stmt *fin =
		        mdb_prepare(sd.s, "UPDATE nl_issue SET finished = ? WHERE id = ? "
		                          "AND finished = 0");
		if (fin) {
			sqlite3_bind_int64(fin, 1, store_now());
			sqlite3_bind_int64(fin, 2, sd.issue);
			mdb_done(sd.s, fin, "issue");
		}
	}
out:
	st->seconds = (double)(mdb_now_ms() - t0) / 1000.0;
	if (sd.smtp && smtp_active(sd.smtp)) {
		/* An error with messages in flight: their rows stay "sending". */
		log_warn("%zu messages were in flight; the next send mails them again",
		         smtp_active(sd.smtp));
	}
	smtp_free(sd.smtp);
	sqlite3_finalize(sd.sel);
	sqlite3_finalize(sd.mark);
	sqlite3_finalize(sd.done);
	sqlite3_finalize(sd.unbounce);
	nl_digest_free(sd.d);
	unlean(&sd);
	free(sd.flights);
	free(sd.results);
	buf_finish(&sd.msg);
	arena_free(sd.page_arena);
	arena_free(a);
	close(lock);
	return rc;
}
