/*
 * The outbox of confirmation and notice mails.  See outbox.h.
 */
#include "mail/outbox.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail/mail_int.h"
#include "mail/mailcfg.h"
#include "mail/newsletter.h"
#include "mail/smtp.h"
#include "util/arena.h"
#include "util/log.h"

/* Mails looked at per flush: a burst of sign-ups goes out in a few rounds. */
#define OUTBOX_BATCH 100
/* The worker looks at the outbox this often even when nobody kicks it (retries). */
#define OUTBOX_PERIOD_MS 5000
/* First retry after a minute, doubling. */
#define OUTBOX_RETRY 60

enum store_status outbox_add(struct store *s, int64_t id, enum outbox_kind kind)
{
	sqlite3_stmt *st = mdb_prepare(s, "INSERT INTO nl_outbox(subscriber_id, kind, created) "
	                                  "VALUES (?, ?, ?)");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, (int)kind);
	sqlite3_bind_int64(st, 3, store_now());
	return mdb_done(s, st, "outbox");
}

static enum store_status drop(struct store *s, int64_t id)
{
	sqlite3_stmt *st = mdb_prepare(s, "DELETE FROM nl_outbox WHERE id = ?");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	return mdb_done(s, st, "outbox");
}

static enum store_status later(struct store *s, int64_t id, int attempts)
{
	sqlite3_stmt *st = mdb_prepare(s, "UPDATE nl_outbox SET attempts = ?, next_try = ? "
	                                  "WHERE id = ?");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(st, 1, attempts);
	sqlite3_bind_int64(st, 2, store_now() + ((int64_t)OUTBOX_RETRY << MIN(attempts, 10)));
	sqlite3_bind_int64(st, 3, id);
	return mdb_done(s, st, "outbox");
}

static size_t count_left(struct store *s)
{
	sqlite3_stmt *st = mdb_prepare(s, "SELECT count(*) FROM nl_outbox");
	size_t n = 0;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int outbox_flush(struct nl_ctx *c, size_t *sent, size_t *left)
{
	struct store *s = c->store;
	struct arena *a = arena_new(0);
	struct smtp *smtp = NULL;
	struct smtp_conf conf;
	struct buf msg = BUF_INIT;
	int64_t ids[OUTBOX_BATCH], subs[OUTBOX_BATCH];
	int kinds[OUTBOX_BATCH], attempts[OUTBOX_BATCH];
	char url[256];
	size_t n = 0, i, done = 0;
	sqlite3_stmt *st;
	int rc = -1;

	if (sent)
		*sent = 0;
	/* Links of pending subscribers expire; so do the subscribers, a day later. */
	sub_purge_pending(s, store_now() - (int64_t)c->mc->confirm_hours * 3600 - 86400, NULL);
	st = mdb_prepare(s, "SELECT id, subscriber_id, kind, attempts FROM nl_outbox "
	                    "WHERE next_try <= ? ORDER BY id LIMIT ?");
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, store_now());
	sqlite3_bind_int(st, 2, OUTBOX_BATCH);
	while (n < OUTBOX_BATCH && sqlite3_step(st) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(st, 0);
		subs[n] = sqlite3_column_int64(st, 1);
		kinds[n] = sqlite3_column_int(st, 2);
		attempts[n] = sqlite3_column_int(st, 3);
		n++;
	}
	sqlite3_finalize(st);
	if (n == 0) {
		rc = 0;
		goto out;
	}
	smtp_conf_from(&conf, c->mc);
	conf.concurrency = 1;
	if ((smtp = smtp_new(&conf)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		struct subscriber sub;
		struct smtp_result r;
		arena_reset(a);
		if (sub_get(s, a, subs[i], &sub) != STORE_OK) {
			drop(s, ids[i]);
			continue;
		}
		buf_reset(&msg);
		if (nl_note_message(c, &sub, kinds[i], &msg) != 0) {
			log_warn("outbox: %s", log_reason());
			drop(s, ids[i]);
			continue;
		}
		smtp_send(smtp, c->mc->from, sub.addr, msg.p, msg.n, &r);
		switch (r.outcome) {
		case SMTP_SENT:
			drop(s, ids[i]);
			done++;
			break;
		case SMTP_TEMPFAIL:
			if (attempts[i] + 1 >= OUTBOX_MAX_ATTEMPTS)
				drop(s, ids[i]);
			else
				later(s, ids[i], attempts[i] + 1);
			break;
		case SMTP_PERMFAIL:
			/* The address does not take mail: nothing to retry. */
			drop(s, ids[i]);
			break;
		case SMTP_UNREACHABLE:
		case SMTP_FATAL:
			log_fail("cannot send confirmation mails through %s: %s",
			         mailcfg_url_shown(c->mc, url, sizeof(url)), r.msg);
			goto out;
		}
	}
	rc = 0;
out:
	if (sent)
		*sent = done;
	if (left)
		*left = count_left(s);
	smtp_free(smtp);
	buf_finish(&msg);
	arena_free(a);
	return rc;
}

struct outbox_worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, kicked;
	struct nl_ctx c;
	char *db_path;
};

static void *worker_main(void *arg)
{
	struct outbox_worker *w = arg;
	struct store *s = NULL;
	bool failing = false;

	if (store_open(w->db_path, 0, &s) != STORE_OK) {
		log_error("outbox: %s", log_reason());
		return NULL;
	}
	w->c.store = s;
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		struct timespec ts;
		size_t sent;
		if (!w->kicked) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += OUTBOX_PERIOD_MS / 1000;
			pthread_cond_timedwait(&w->cv, &w->mu, &ts);
		}
		if (w->stop)
			break;
		w->kicked = false;
		pthread_mutex_unlock(&w->mu);
		if (outbox_flush(&w->c, &sent, NULL) != 0) {
			/* Said once per outage, not every five seconds. */
			if (!failing)
				log_error("%s", log_reason());
			failing = true;
		} else {
			failing = false;
		}
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	store_close(s);
	return NULL;
}

struct outbox_worker *outbox_worker_start(const struct nl_ctx *c, const char *db_path)
{
	struct outbox_worker *w = xcalloc(1, sizeof(*w));
	pthread_condattr_t ca;
	sigset_t all, old;
	int err;

	w->c = *c;
	w->db_path = xstrdup(db_path);
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* The server takes SIGINT and SIGTERM with sigwait(): this thread must not. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&w->thread, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		log_fail("cannot start the outbox thread: %s", strerror(err));
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w->db_path);
		free(w);
		return NULL;
	}
	return w;
}

void outbox_worker_kick(struct outbox_worker *w)
{
	pthread_mutex_lock(&w->mu);
	w->kicked = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void outbox_worker_stop(struct outbox_worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->db_path);
	free(w);
}
