/*
 * SMTP over libcurl's multi interface.  See smtp.h.  Each slot keeps its
 * easy handle from one message to the next; connections live in the
 * multi handle's cache, at most one per slot, so a run of messages to one
 * server pays for connecting, TLS and authentication once per slot.
 */
#include "mail/smtp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/curl_dl.h"
#include "util/log.h"

/* Connecting is part of a message's time, but a dead server should be noticed sooner. */
#define SMTP_CONNECT_TIMEOUT 15

struct slot {
	CURL *easy;
	struct curl_slist *rcpt;
	struct buf data;
	size_t off;
	void *tag;
	bool busy;
	char from[320], to[320];
	char err[CURL_ERROR_SIZE];
};

struct smtp {
	struct smtp_conf c;
	char *url, *user, *password, *ca_file;
	CURLM *multi;
	struct slot *slots;
	size_t nslots, active;
};

void smtp_conf_from(struct smtp_conf *c, const struct mailcfg *mc)
{
	memset(c, 0, sizeof(*c));
	c->url = mc->url;
	c->user = mc->user;
	c->password = mc->password;
	c->starttls = mc->starttls;
	c->verify = mc->verify;
	c->ca_file = mc->ca_file;
	c->timeout = mc->timeout;
	c->concurrency = mc->concurrency;
}

const char *smtp_outcome_name(enum smtp_outcome o)
{
	switch (o) {
	case SMTP_SENT:
		return "sent";
	case SMTP_TEMPFAIL:
		return "temporary failure";
	case SMTP_PERMFAIL:
		return "permanent failure";
	case SMTP_UNREACHABLE:
		return "server unreachable";
	case SMTP_FATAL:
		return "refused by the server";
	}
	return "?";
}

static size_t read_cb(char *out, size_t size, size_t nitems, void *arg)
{
	struct slot *sl = arg;
	size_t n = MIN(size * nitems, sl->data.n - sl->off);

	memcpy(out, sl->data.p + sl->off, n);
	sl->off += n;
	return n;
}

/* The TLS and login settings of every handle. */
static void common_opts(struct smtp *s, CURL *e)
{
	curl_easy_setopt(e, CURLOPT_URL, s->url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)s->c.timeout);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)MIN(s->c.timeout, SMTP_CONNECT_TIMEOUT));
	if (strncmp(s->url, "smtp://", 7) == 0)
		curl_easy_setopt(e, CURLOPT_USE_SSL,
		                 s->c.starttls == MAILCFG_STARTTLS_REQUIRE ? (long)CURLUSESSL_ALL
		                 : s->c.starttls == MAILCFG_STARTTLS_TRY   ? (long)CURLUSESSL_TRY
		                                                           : (long)CURLUSESSL_NONE);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, s->c.verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, s->c.verify ? 2L : 0L);
	if (*s->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, s->ca_file);
	if (*s->user) {
		curl_easy_setopt(e, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, s->password);
	}
}

struct smtp *smtp_new(const struct smtp_conf *c)
{
	struct smtp *s;
	size_t i;

	if (curl_dl_load() != 0)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->c = *c;
	s->url = xstrdup(c->url ? c->url : "");
	s->user = xstrdup(c->user ? c->user : "");
	s->password = xstrdup(c->password ? c->password : "");
	s->ca_file = xstrdup(c->ca_file ? c->ca_file : "");
	s->c.timeout = c->timeout ? c->timeout : 30;
	s->nslots = c->concurrency ? c->concurrency : 1;
	s->multi = curl_multi_init();
	if (s->multi == NULL) {
		smtp_free(s);
		log_fail("smtp: cannot start curl");
		return NULL;
	}
	curl_multi_setopt(s->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)s->nslots);
	curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)s->nslots);
	s->slots = xcalloc(s->nslots, sizeof(*s->slots));
	for (i = 0; i < s->nslots; i++) {
		struct slot *sl = &s->slots[i];
		sl->easy = curl_easy_init();
		if (sl->easy == NULL) {
			smtp_free(s);
			log_fail("smtp: cannot start curl");
			return NULL;
		}
		buf_init(&sl->data);
		common_opts(s, sl->easy);
		curl_easy_setopt(sl->easy, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(sl->easy, CURLOPT_READDATA, sl);
		curl_easy_setopt(sl->easy, CURLOPT_ERRORBUFFER, sl->err);
		curl_easy_setopt(sl->easy, CURLOPT_PRIVATE, sl);
	}
	return s;
}

void smtp_free(struct smtp *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; s->slots && i < s->nslots; i++) {
		struct slot *sl = &s->slots[i];
		if (sl->busy)
			curl_multi_remove_handle(s->multi, sl->easy);
		curl_easy_cleanup(sl->easy);
		curl_slist_free_all(sl->rcpt);
		buf_finish(&sl->data);
	}
	free(s->slots);
	if (s->multi)
		curl_multi_cleanup(s->multi);
	free(s->url);
	free(s->user);
	if (s->password)
		memset(s->password, 0, strlen(s->password));
	free(s->password);
	free(s->ca_file);
	free(s);
}

size_t smtp_free_slots(const struct smtp *s)
{
	return s->nslots - s->active;
}

size_t smtp_active(const struct smtp *s)
{
	return s->active;
}

int smtp_submit(struct smtp *s, const char *from, const char *rcpt, const char *data, size_t n,
                void *tag)
{
	struct slot *sl = NULL;
	size_t i;

	for (i = 0; i < s->nslots; i++)
		if (!s->slots[i].busy) {
			sl = &s->slots[i];
			break;
		}
	if (sl == NULL)
		return -1;
	snprintf(sl->from, sizeof(sl->from), "<%s>", from);
	snprintf(sl->to, sizeof(sl->to), "<%s>", rcpt);
	curl_slist_free_all(sl->rcpt);
	sl->rcpt = curl_slist_append(NULL, sl->to);
	buf_reset(&sl->data);
	buf_put(&sl->data, data, n);
	sl->off = 0;
	sl->tag = tag;
	sl->err[0] = '\0';
	curl_easy_setopt(sl->easy, CURLOPT_MAIL_FROM, sl->from);
	curl_easy_setopt(sl->easy, CURLOPT_MAIL_RCPT, sl->rcpt);
	curl_easy_setopt(sl->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)n);
	if (curl_multi_add_handle(s->multi, sl->easy) != CURLM_OK)
		return log_fail("smtp: cannot start a transfer");
	sl->busy = true;
	s->active++;
	return 0;
}

/* "RCPT failed: 550" and the like: curl's own words for a refused command. */
static int code_in(const char *err, const char *what)
{
	const char *p = strstr(err, what);

	return p ? atoi(p + strlen(what)) : 0;
}

static void classify(struct slot *sl, CURLcode cc, struct smtp_result *r)
{
	long code = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	curl_easy_getinfo(sl->easy, CURLINFO_RESPONSE_CODE, &code);
	snprintf(r->msg, sizeof(r->msg), "%s", sl->err[0] ? sl->err : curl_easy_strerror(cc));
	if (cc == CURLE_OK) {
		r->outcome = SMTP_SENT;
		r->code = (int)code;
		return;
	}
	if ((rc = code_in(sl->err, "RCPT failed: ")) != 0) {
		/* After a refused RCPT curl says QUIT: the code it keeps is the 221. */
		r->code = rc;
		r->outcome = rc >= 500 ? SMTP_PERMFAIL : SMTP_TEMPFAIL;
		return;
	}
	if ((rc = code_in(sl->err, "MAIL failed: ")) != 0) {
		/* The sender refused: nothing the recipient did. */
		r->code = rc;
		r->outcome = rc >= 500 ? SMTP_FATAL : SMTP_TEMPFAIL;
		return;
	}
	switch (cc) {
	case CURLE_WEIRD_SERVER_REPLY:
		/* The reply to the end of DATA was not 250: the message was refused. */
		r->code = (int)code;
		if (code >= 500 && code < 600)
			r->outcome = SMTP_PERMFAIL;
		else
			r->outcome = SMTP_TEMPFAIL;
		snprintf(r->msg, sizeof(r->msg), "message refused: %ld", code);
		return;
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
	case CURLE_REMOTE_ACCESS_DENIED:
		r->outcome = SMTP_FATAL;
		r->code = (int)code;
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_USE_SSL_FAILED:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		r->outcome = SMTP_UNREACHABLE;
		return;
	default:
		/* A dropped connection, a timeout, a 4xx: try again later. */
		r->outcome = SMTP_TEMPFAIL;
		r->code = code >= 400 && code < 600 ? (int)code : 0;
		return;
	}
}

/* Hands finished transfers to done.  Returns how many. */
static int reap(struct smtp *s, smtp_done_fn done, void *arg)
{
	CURLMsg *m;
	int left, finished = 0;

	while ((m = curl_multi_info_read(s->multi, &left)) != NULL) {
		struct slot *sl;
		struct smtp_result r;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&sl);
		classify(sl, m->data.result, &r);
		curl_multi_remove_handle(s->multi, sl->easy);
		sl->busy = false;
		s->active--;
		finished++;
		done(arg, sl->tag, &r);
	}
	return finished;
}

int smtp_poll(struct smtp *s, int timeout_ms, smtp_done_fn done, void *arg)
{
	int running, finished;

	if (curl_multi_perform(s->multi, &running) != CURLM_OK)
		return log_fail("smtp: curl failed");
	/* Something already finished: say so now rather than wait on the sockets. */
	if ((finished = reap(s, done, arg)) > 0 || s->active == 0 || timeout_ms <= 0)
		return finished;
	if (curl_multi_poll(s->multi, NULL, 0, timeout_ms, NULL) != CURLM_OK ||
	    curl_multi_perform(s->multi, &running) != CURLM_OK)
		return log_fail("smtp: curl failed");
	return reap(s, done, arg);
}

static void one_done(void *arg, void *tag, const struct smtp_result *r)
{
	(void)tag;
	*(struct smtp_result *)arg = *r;
}

void smtp_send(struct smtp *s, const char *from, const char *rcpt, const char *data, size_t n,
               struct smtp_result *out)
{
	memset(out, 0, sizeof(*out));
	out->outcome = SMTP_TEMPFAIL;
	if (smtp_submit(s, from, rcpt, data, n, NULL) != 0) {
		snprintf(out->msg, sizeof(out->msg), "%s", log_reason());
		return;
	}
	while (s->active)
		if (smtp_poll(s, 1000, one_done, out) < 0) {
			snprintf(out->msg, sizeof(out->msg), "%s", log_reason());
			return;
		}
}
