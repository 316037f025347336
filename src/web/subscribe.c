/*
 * The newsletter's endpoints.  See subscribe.h.  Handlers run on several
 * server threads; the store connection is shared under a mutex (these
 * requests are few and short), everything else is read-only.
 */
#include "web/subscribe.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mail/addr.h"
#include "mail/mailcfg.h"
#include "mail/newsletter.h"
#include "mail/outbox.h"
#include "mail/subscriber.h"
#include "render/render_newsletter.h"
#include "site/site.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/log.h"
#include "web/ratelimit.h"

struct subscribe {
	struct site *site;
	struct nl_ctx c; /* c.store is ours, not the site's */
	pthread_mutex_t mu;
	struct ratelimit *rl;
	struct outbox_worker *outbox;
};

struct subscribe *subscribe_new(struct site *site)
{
	struct subscribe *sb = xcalloc(1, sizeof(*sb));
	struct store *own = NULL;

	if (nl_ctx_init(&sb->c, site) != 0)
		goto fail;
	if (store_open(site->db_path, 0, &own) != STORE_OK)
		goto fail;
	sb->c.store = own;
	sb->site = site;
	pthread_mutex_init(&sb->mu, NULL);
	sb->rl = ratelimit_new(SUBSCRIBE_PER_CLIENT, SUBSCRIBE_GLOBAL, SUBSCRIBE_WINDOW);
	sb->outbox = outbox_worker_start(&sb->c, site->db_path);
	if (sb->outbox == NULL) {
		ratelimit_free(sb->rl);
		pthread_mutex_destroy(&sb->mu);
		goto fail;
	}
	return sb;
fail:
	store_close(own);
	free(sb);
	return NULL;
}

void subscribe_free(struct subscribe *sb)
{
	if (sb == NULL)
		return;
	outbox_worker_stop(sb->outbox);
	ratelimit_free(sb->rl);
	store_close(sb->c.store);
	pthread_mutex_destroy(&sb->mu);
	sodium_memzero(sb->c.key, sizeof(sb->c.key));
	free(sb);
}

/* ---- answers ------------------------------------------------------------- */

static int page(struct subscribe *sb, struct http_response *resp, int status,
                const struct render_nl_page *m)
{
	struct arena *a = arena_new(0);
	int rc;

	resp->status = status;
	rc = render_newsletter_page(&sb->site->rs, a, m, &resp->body);
	arena_free(a);
	return rc;
}

static int message(struct subscribe *sb, struct http_response *resp, int status, const char *lang,
                   const char *title, const char *text, enum render_nl_form form)
{
	struct render_nl_page m = {0};

	m.lang = lang;
	m.title_key = title;
	m.text_key = text;
	m.form = form;
	return page(sb, resp, status, &m);
}

/* The page's language: the form's "ui" field or the query's "lang", if the site has it. */
static const char *ui_lang(struct subscribe *sb, const struct http_request *req,
                           const char *fallback)
{
	const struct config *cfg = &sb->site->cfg;
	const char *l = http_request_form(req, "ui");

	if (l == NULL || config_lang(cfg, l) == NULL)
		l = http_request_arg(req, "lang");
	if (l == NULL || config_lang(cfg, l) == NULL)
		l = fallback && config_lang(cfg, fallback) ? fallback : cfg->default_lang;
	return l;
}

/* Joins the values of a repeated field ("lang") with commas into out. */
static void join_field(const struct http_request *req, const char *name, struct buf *out)
{
	size_t n, i;
	const char *const *v = http_request_form_all(req, name, &n);

	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		buf_puts(out, v[i]);
	}
}

/* ---- subscribe --------------------------------------------------------- */

static int do_subscribe(struct subscribe *sb, const struct http_request *req,
                        struct http_response *resp)
{
	struct store *s = sb->c.store;
	const char *lang = ui_lang(sb, req, NULL), *email = http_request_form(req, "email");
	const char *hp = http_request_form(req, "website");
	struct buf raw = BUF_INIT, langs = BUF_INIT, lists = BUF_INIT;
	struct arena *a = NULL;
	struct subscriber old;
	struct addr ad;
	enum store_status st;
	int kind = 0, rc = -1;
	int64_t id = 0;

	if (strcmp(req->method, "POST") != 0) {
		rc = message(sb, resp, 405, lang, "nl_subscribe_title", "nl_subscribe_intro",
		             RENDER_NL_SUBSCRIBE);
		http_response_header(resp, "Allow", "POST");
		goto out;
	}
	/* A bot filled the field people never see: answer as if all went well. */
	if (hp && *hp) {
		rc = message(sb, resp, 200, lang, "nl_check_title", "nl_check_text",
		             RENDER_NL_NONE);
		goto out;
	}
	if (!ratelimit_hit(sb->rl, req->client, store_now())) {
		rc = message(sb, resp, 429, lang, "nl_check_title", "nl_too_many", RENDER_NL_NONE);
		http_response_header(resp, "Retry-After", "600");
		goto out;
	}
	if (email == NULL || addr_parse(email, strlen(email), &ad) != 0) {
		struct render_nl_page m = {.lang = lang,
		                           .title_key = "nl_subscribe_title",
		                           .error_key = "nl_invalid_email",
		                           .form = RENDER_NL_SUBSCRIBE};
		rc = page(sb, resp, 400, &m);
		goto out;
	}
	join_field(req, "lang", &raw);
	if (raw.n == 0 || sub_canon_langs(&sb->site->cfg, buf_cstr(&raw), &langs) != 0)
		goto choose;
	buf_reset(&raw);
	join_field(req, "list", &raw);
	if (raw.n == 0 || sub_canon_lists(sb->c.mc, buf_cstr(&raw), &lists) != 0)
		goto choose;

	a = arena_new(0);
	pthread_mutex_lock(&sb->mu);
	if (store_begin(s) != STORE_OK)
		goto unlock;
	st = sub_find(s, a, &ad, &old);
	if (st == STORE_NOT_FOUND) {
		struct sub_new nw = {.addr = &ad,
		                     .langs = buf_cstr(&langs),
		                     .lists = buf_cstr(&lists),
		                     .ui_lang = lang,
		                     .status = SUB_PENDING};
		if (sub_add(s, &nw, &id) != STORE_OK)
			goto rollback;
		kind = OUTBOX_CONFIRM;
	} else if (st == STORE_OK) {
		id = old.id;
		if (old.status == SUB_CONFIRMED) {
			/* Someone may be trying another's address: tell its owner, change nothing.
			 */
			kind = OUTBOX_NOTICE;
		} else {
			/* Not confirmed yet: whoever asks last chooses; the owner still confirms.
			 */
			if (sub_set_prefs(s, id, buf_cstr(&langs), buf_cstr(&lists), lang) !=
			    STORE_OK)
				goto rollback;
			kind = OUTBOX_CONFIRM;
		}
	} else {
		goto rollback;
	}
	if (sub_mail_allowed(s, id, store_now()) && outbox_add(s, id, kind) != STORE_OK)
		goto rollback;
	if (store_commit(s) != STORE_OK)
		goto unlock;
	pthread_mutex_unlock(&sb->mu);
	outbox_worker_kick(sb->outbox);
	rc = message(sb, resp, 200, lang, "nl_check_title", "nl_check_text", RENDER_NL_NONE);
	goto out;
choose : {
	struct render_nl_page m = {.lang = lang,
	                           .title_key = "nl_subscribe_title",
	                           .error_key = "nl_choose_one",
	                           .form = RENDER_NL_SUBSCRIBE};
	rc = page(sb, resp, 400, &m);
	goto out;
}
rollback:
	store_rollback(s);
unlock:
	pthread_mutex_unlock(&sb->mu);
out:
	arena_free(a);
	buf_finish(&raw);
	buf_finish(&langs);
	buf_finish(&lists);
	return rc;
}

/* ---- links from mails ---------------------------------------------------- */

enum check {
	CHECK_OK,
	CHECK_BAD,     /* not a token of ours */
	CHECK_EXPIRED, /* a confirmation past its time */
	CHECK_GONE,    /* a well-formed token whose subscriber is no more */
};

/* The token of a request: the form's "t", else the query's. */
static const char *token_of(const struct http_request *req)
{
	const char *t = http_request_form(req, "t");

	return t && *t ? t : http_request_arg(req, "t");
}

/* Finds and checks the subscriber of a token.  Call with the mutex held. */
static enum check check(struct subscribe *sb, struct arena *a, const char *tok,
                        enum sub_token_kind kind, struct subscriber *out)
{
	int64_t id, exp;
	enum store_status st;

	if (tok == NULL || sub_token_parse(tok, kind, &id, &exp) != 0)
		return CHECK_BAD;
	if (kind == SUB_TOKEN_CONFIRM && exp < store_now())
		return CHECK_EXPIRED;
	st = sub_get(sb->c.store, a, id, out);
	if (st == STORE_NOT_FOUND)
		return CHECK_GONE;
	if (st != STORE_OK || !sub_token_check(sb->c.key, kind, tok, out->addr))
		return CHECK_BAD;
	return CHECK_OK;
}

static int bad_link(struct subscribe *sb, struct http_response *resp, const char *lang)
{
	return message(sb, resp, 400, lang, "nl_bad_link_title", "nl_bad_link_text",
	               RENDER_NL_SUBSCRIBE);
}

static int do_confirm(struct subscribe *sb, const struct http_request *req,
                      struct http_response *resp)
{
	struct arena *a = arena_new(0);
	struct subscriber sub;
	struct render_nl_page m = {0};
	const char *tok = token_of(req), *lang;
	enum check ck;
	int rc = -1;

	pthread_mutex_lock(&sb->mu);
	ck = check(sb, a, tok, SUB_TOKEN_CONFIRM, &sub);
	lang = ui_lang(sb, req, ck == CHECK_OK ? sub.ui_lang : NULL);
	if (ck == CHECK_EXPIRED) {
		pthread_mutex_unlock(&sb->mu);
		rc = message(sb, resp, 410, lang, "nl_expired_title", "nl_expired_text",
		             RENDER_NL_SUBSCRIBE);
		goto out;
	}
	if (ck != CHECK_OK) {
		pthread_mutex_unlock(&sb->mu);
		rc = bad_link(sb, resp, lang);
		goto out;
	}
	if (sub.status != SUB_CONFIRMED && strcmp(req->method, "POST") == 0) {
		if (store_begin(sb->c.store) != STORE_OK) {
			pthread_mutex_unlock(&sb->mu);
			goto out;
		}
		if (sub_confirm(sb->c.store, sb->c.key, sub.id) != STORE_OK) {
			store_rollback(sb->c.store);
			pthread_mutex_unlock(&sb->mu);
			goto out;
		}
		if (store_commit(sb->c.store) != STORE_OK) {
			pthread_mutex_unlock(&sb->mu);
			goto out;
		}
		sub.status = SUB_CONFIRMED;
	}
	pthread_mutex_unlock(&sb->mu);
	m.lang = lang;
	m.email = sub.email;
	if (sub.status == SUB_CONFIRMED) {
		/* Confirming twice lands here too: harmless. */
		m.title_key = "nl_confirmed_title";
		m.text_key = "nl_confirmed_text";
	} else {
		m.title_key = "nl_confirm_title";
		m.text_key = "nl_confirm_text";
		m.form = RENDER_NL_CONFIRM;
		m.token = tok;
	}
	rc = page(sb, resp, 200, &m);
out:
	arena_free(a);
	return rc;
}

static int do_prefs(struct subscribe *sb, const struct http_request *req,
                    struct http_response *resp)
{
	struct arena *a = arena_new(0);
	struct subscriber sub;
	struct render_nl_page m = {0};
	struct buf raw = BUF_INIT, langs = BUF_INIT, lists = BUF_INIT;
	const char *tok = token_of(req), *lang;
	enum check ck;
	int rc = -1;

	pthread_mutex_lock(&sb->mu);
	ck = check(sb, a, tok, SUB_TOKEN_PREFS, &sub);
	lang = ui_lang(sb, req, ck == CHECK_OK ? sub.ui_lang : NULL);
	if (ck != CHECK_OK) {
		pthread_mutex_unlock(&sb->mu);
		rc = bad_link(sb, resp, lang);
		goto out;
	}
	m.lang = lang;
	m.email = sub.email;
	m.title_key = "nl_prefs_title";
	m.text_key = "nl_prefs_text";
	m.form = RENDER_NL_PREFS;
	m.token = tok;
	m.langs = sub.langs;
	m.lists = sub.lists;
	if (strcmp(req->method, "POST") == 0) {
		join_field(req, "lang", &raw);
		if (raw.n == 0 || sub_canon_langs(&sb->site->cfg, buf_cstr(&raw), &langs) != 0)
			goto choose;
		buf_reset(&raw);
		join_field(req, "list", &raw);
		if (raw.n == 0 || sub_canon_lists(sb->c.mc, buf_cstr(&raw), &lists) != 0)
			goto choose;
		if (store_begin(sb->c.store) != STORE_OK) {
			pthread_mutex_unlock(&sb->mu);
			goto out;
		}
		if (sub_set_prefs(sb->c.store, sub.id, buf_cstr(&langs), buf_cstr(&lists), lang) !=
		            STORE_OK ||
		    store_commit(sb->c.store) != STORE_OK) {
			store_rollback(sb->c.store);
			pthread_mutex_unlock(&sb->mu);
			goto out;
		}
		m.langs = buf_cstr(&langs);
		m.lists = buf_cstr(&lists);
		m.text_key = "nl_saved";
	}
	pthread_mutex_unlock(&sb->mu);
	rc = page(sb, resp, 200, &m);
	goto out;
choose:
	pthread_mutex_unlock(&sb->mu);
	m.error_key = "nl_choose_one";
	rc = page(sb, resp, 400, &m);
out:
	buf_finish(&raw);
	buf_finish(&langs);
	buf_finish(&lists);
	arena_free(a);
	return rc;
}

static int do_unsubscribe(struct subscribe *sb, const struct http_request *req,
                          struct http_response *resp)
{
	struct arena *a = arena_new(0);
	struct subscriber sub;
	struct render_nl_page m = {0};
	const char *tok = token_of(req), *lang;
	enum check ck;
	int rc = -1;

	pthread_mutex_lock(&sb->mu);
	ck = check(sb, a, tok, SUB_TOKEN_PREFS, &sub);
	lang = ui_lang(sb, req, ck == CHECK_OK ? sub.ui_lang : NULL);
	if (ck == CHECK_BAD) {
		pthread_mutex_unlock(&sb->mu);
		rc = bad_link(sb, resp, lang);
		goto out;
	}
	if (strcmp(req->method, "POST") != 0) {
		pthread_mutex_unlock(&sb->mu);
		if (ck == CHECK_GONE) {
			rc = message(sb, resp, 200, lang, "nl_unsubscribed_title",
			             "nl_unsubscribed_text", RENDER_NL_NONE);
			goto out;
		}
		/* RFC 8058: a GET (a scanner, a preview) must not unsubscribe. */
		m.lang = lang;
		m.email = sub.email;
		m.title_key = "nl_unsubscribe";
		m.form = RENDER_NL_UNSUBSCRIBE;
		m.token = tok;
		rc = page(sb, resp, 200, &m);
		goto out;
	}
	if (ck == CHECK_OK) {
		if (store_begin(sb->c.store) != STORE_OK) {
			pthread_mutex_unlock(&sb->mu);
			goto out;
		}
		if (sub_remove(sb->c.store, sb->c.key, sub.id, true) != STORE_OK ||
		    store_commit(sb->c.store) != STORE_OK) {
			store_rollback(sb->c.store);
			pthread_mutex_unlock(&sb->mu);
			goto out;
		}
	}
	pthread_mutex_unlock(&sb->mu);
	/* Gone already (a second click, a second provider): the same answer. */
	rc = message(sb, resp, 200, lang, "nl_unsubscribed_title", "nl_unsubscribed_text",
	             RENDER_NL_NONE);
out:
	arena_free(a);
	return rc;
}

int subscribe_handle(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct subscribe *sb = arg;
	const char *p = req->path + strlen("/newsletter/");
	bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	bool post = strcmp(req->method, "POST") == 0;

	if (strncmp(req->path, "/newsletter/", 12) != 0 || (!get && !post)) {
		resp->status = !get && !post ? 405 : 404;
		if (resp->status == 405)
			http_response_header(resp, "Allow", "GET, HEAD, POST");
		resp->content_type = "text/plain; charset=utf-8";
		buf_puts(&resp->body, resp->status == 405 ? "method not allowed\n" : "not found\n");
		return 0;
	}
	/* Personal pages: never indexed, never kept by a shared cache. */
	http_response_header(resp, "X-Robots-Tag", "noindex");
	if (strcmp(p, "subscribe") == 0)
		return do_subscribe(sb, req, resp);
	if (strcmp(p, "confirm") == 0)
		return do_confirm(sb, req, resp);
	if (strcmp(p, "prefs") == 0)
		return do_prefs(sb, req, resp);
	if (strcmp(p, "unsubscribe") == 0)
		return do_unsubscribe(sb, req, resp);
	resp->status = 404;
	resp->content_type = "text/plain; charset=utf-8";
	buf_puts(&resp->body, "not found\n");
	return 0;
}
