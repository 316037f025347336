/*
 * Logging in and out, sessions, CSRF tokens, passwords: set through a
 * one-time link, "forgotten", changed by their owner.
 *
 * Nothing here tells whether an address has an account: a wrong password,
 * an unknown address and a disabled account get the same page after the
 * same work (an argon2 check against a stand-in hash), and a forgotten-
 * password request gets the same answer whoever asks.  Failures are
 * counted per account and per client address (adm_failures.c, hashed keys
 * forgotten after the window); past the limit the answer is 429 before any
 * password is checked.
 */
#include "admin/adm_int.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "admin/adm_failures.h"
#include "util/log.h"

/* The languages the admin speaks. */
static const char *ui_lang(const char *s)
{
	static const char *const langs[] = {"en", "fr", "ru", "uk"};
	size_t i;

	for (i = 0; s && i < NELEM(langs); i++)
		if (strcmp(s, langs[i]) == 0)
			return langs[i];
	return NULL;
}

/* The first of our languages in an Accept-Language header (in its order). */
static const char *accept_lang(const char *h)
{
	while (h && *h) {
		char tag[3] = {0};
		h += strspn(h, " ,");
		if (isalpha((unsigned char)h[0]) && isalpha((unsigned char)h[1]) &&
		    !isalpha((unsigned char)h[2])) {
			tag[0] = (char)tolower((unsigned char)h[0]);
			tag[1] = (char)tolower((unsigned char)h[1]);
			if (ui_lang(tag))
				return ui_lang(tag);
		}
		h = strchr(h, ',');
	}
	return NULL;
}

void adm_session_load(struct adm_req *r)
{
	const char *tok = http_request_cookie(r->req, ADM_COOKIE);
	const char *l;

	l = ui_lang(adm_arg(r, "lang"));
	if (l == NULL)
		l = accept_lang(http_request_header(r->req, "Accept-Language"));
	r->lang = l ? l : "en";
	if (tok == NULL)
		return;
	if (account_session_get(r->s, r->a, tok, store_now(), r->adm->cfg.session_idle, &r->sess) !=
	    STORE_OK)
		return;
	if (account_get(r->s, r->a, r->sess.user_id, &r->user) != STORE_OK || r->user.disabled)
		return;
	r->authed = true;
	r->csrf = r->sess.csrf;
	if (ui_lang(r->user.lang))
		r->lang = ui_lang(r->user.lang);
}

const char *adm_pre_token(struct adm_req *r)
{
	const char *c = http_request_cookie(r->req, ADM_COOKIE_PRE);
	char tok[ACCOUNT_TOKEN_LEN + 1];

	if (c && account_token_shape(c))
		return c;
	account_token_random(tok);
	adm_set_cookie(r, ADM_COOKIE_PRE, tok, -1);
	return arena_strdup(r->a, tok);
}

static bool same_token(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == ACCOUNT_TOKEN_LEN && strlen(b) == n && sodium_memcmp(a, b, n) == 0;
}

bool adm_csrf_ok(struct adm_req *r)
{
	const char *sent = adm_form(r, "csrf"), *c;

	if (r->authed)
		return same_token(sent, r->sess.csrf);
	/* Before login: the form's token must match the cookie set with the form. */
	c = http_request_cookie(r->req, ADM_COOKIE_PRE);
	return c != NULL && same_token(sent, c);
}

/* Where to go after login: a page of the admin, nothing else. */
static const char *safe_next(const char *next)
{
	if (strncmp(next, "/admin/", 7) != 0 || strstr(next, "//") || strchr(next, '\\') ||
	    strpbrk(next, "\r\n") || strstr(next, "/logout"))
		return NULL;
	return next;
}

/* The verification, without holding the admin's lock (argon2 takes its time). */
static bool verify_unlocked(struct admin *adm, const char *hash, const char *password)
{
	bool ok;

	pthread_mutex_unlock(&adm->lock);
	pthread_mutex_lock(&adm->hash_lock);
	ok = account_password_verify(hash, password);
	pthread_mutex_unlock(&adm->hash_lock);
	pthread_mutex_lock(&adm->lock);
	return ok;
}

static const char *lower(struct adm_req *r, const char *s)
{
	char *c = arena_strdup(r->a, s), *p;

	for (p = c; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return c;
}

static int login_form(struct adm_req *r, const char *email, const char *next, int status)
{
	struct adm_map m;

	adm_map_init(&m, r->a);
	r->title = adm_t(r, "admin_login_title");
	r->csrf = adm_pre_token(r);
	adm_map_str(&m, "email", email);
	adm_map_str(&m, "next", next);
	return adm_render(r, "login", &m, status);
}

static int too_many(struct adm_req *r, int64_t retry, const char *email, const char *next)
{
	char ra[32];

	snprintf(ra, sizeof(ra), "%lld", (long long)(retry > 0 ? retry : 60));
	http_response_header(r->resp, "Retry-After", ra);
	adm_error(r, NULL, "admin_err_too_many");
	return login_form(r, email, next, 429);
}

int adm_page_login(struct adm_req *r)
{
	struct admin *adm = r->adm;
	const char *email, *password, *next, *notice;
	char hash[ACCOUNT_HASH_MAX], tok[ACCOUNT_TOKEN_LEN + 1];
	const char *kc, *ka;
	int64_t id, now = store_now(), retry = 0;
	bool ok;

	next = safe_next(r->post ? adm_form(r, "next") : adm_arg(r, "next"));
	if (r->authed)
		return adm_redirect(r, "%s", next ? next + 7 : "");
	if (!r->post) {
		notice = adm_arg(r, "m");
		if (strcmp(notice, "logged_out") == 0 || strcmp(notice, "password_set") == 0)
			r->notice = adm_t(r, adm_printf(r, "admin_done_%s", notice));
		else if (strcmp(notice, "expired") == 0)
			adm_error(r, NULL, "admin_err_expired");
		return login_form(r, "", next, 200);
	}
	email = adm_field(r, "email", "admin_email", ACCOUNT_EMAIL_MAX, true);
	password = adm_form(r, "password");
	r->nmsgs = 0; /* one answer for every failure */
	kc = adm_printf(r, "c:%s", r->req->client);
	ka = adm_printf(r, "a:%s", lower(r, email));
	if (adm_failures_blocked(adm->rl_client, kc, now, &retry) ||
	    adm_failures_blocked(adm->rl_account, ka, now, &retry))
		return too_many(r, retry, email, next);
	if (account_password_hash(r->s, email, hash, &id) != STORE_OK)
		return -1;
	ok = *password && strlen(password) <= ACCOUNT_PASSWORD_MAX &&
	     verify_unlocked(adm, hash, password);
	sodium_memzero(hash, sizeof(hash));
	if (!ok || id == 0) {
		adm_failures_fail(adm->rl_client, kc, now);
		adm_failures_fail(adm->rl_account, ka, now);
		adm_error(r, NULL, "admin_err_login");
		return login_form(r, email, next, 200);
	}
	adm_failures_clear(adm->rl_account, ka);
	if (store_begin(r->s) != STORE_OK)
		return -1;
	if (account_session_new(r->s, id, now, adm->cfg.session_lifetime, tok) != STORE_OK ||
	    account_touch_login(r->s, id, now) != STORE_OK ||
	    (account_password_needs_rehash(hash) && account_set_password(r->s, id, password) != STORE_OK) ||
	    store_commit(r->s) != STORE_OK) {
		store_rollback(r->s);
		return -1;
	}
	adm_set_cookie(r, ADM_COOKIE, tok, -1);
	sodium_memzero(tok, sizeof(tok));
	return adm_redirect(r, "%s", next ? next + 7 : "");
}

int adm_page_logout(struct adm_req *r)
{
	if (!r->post)
		return adm_message(r, 405, "admin_not_found_title", adm_t(r, "admin_post_only"));
	if (r->authed && account_session_revoke(r->s, r->sess.id) != STORE_OK)
		return -1;
	adm_set_cookie(r, ADM_COOKIE, "", 0);
	return adm_redirect(r, "login?m=logged_out");
}

/* Checks a new password and its confirmation; messages on the fields.  Whether good. */
static bool new_password_ok(struct adm_req *r, const char *pw, const char *again,
                            const char *email)
{
	const char *why = account_password_problem(pw, email);

	if (why) {
		adm_error(r, "password", why);
		return false;
	}
	if (strcmp(pw, again) != 0) {
		adm_error(r, "password2", "admin_err_password_mismatch");
		return false;
	}
	return true;
}

int adm_page_password(struct adm_req *r)
{
	const char *token = r->post ? adm_form(r, "token") : adm_arg(r, "token");
	const char *pw, *again;
	struct account acc;
	struct adm_map m;
	int64_t id, now = store_now();

	r->title = adm_t(r, "admin_password_title");
	if (account_link_check(r->s, token, now, false, &id) != STORE_OK ||
	    account_get(r->s, r->a, id, &acc) != STORE_OK)
		return adm_message(r, 404, "admin_password_title", adm_t(r, "admin_err_link"));
	if (r->post) {
		pw = adm_form(r, "password");
		again = adm_form(r, "password2");
		if (new_password_ok(r, pw, again, acc.email)) {
			if (store_begin(r->s) != STORE_OK)
				return -1;
			if (account_link_check(r->s, token, now, true, &id) != STORE_OK ||
			    account_set_password(r->s, id, pw) != STORE_OK ||
			    account_session_revoke_user(r->s, id, 0) != STORE_OK ||
			    store_commit(r->s) != STORE_OK) {
				store_rollback(r->s);
				return -1;
			}
			return adm_redirect(r, "login?m=password_set");
		}
	}
	if (!r->authed)
		r->csrf = adm_pre_token(r);
	adm_map_init(&m, r->a);
	adm_map_str(&m, "token", token);
	adm_map_str(&m, "email", acc.email);
	return adm_render(r, "password", &m, 200);
}

int adm_page_forgot(struct adm_req *r)
{
	struct admin *adm = r->adm;
	const char *email = "", *kc;
	int64_t now = store_now(), retry = 0;
	struct adm_map m;

	r->title = adm_t(r, "admin_forgot_title");
	if (r->post) {
		email = adm_field(r, "email", "admin_email", ACCOUNT_EMAIL_MAX, true);
		kc = adm_printf(r, "c:%s", r->req->client);
		if (adm_failures_blocked(adm->rl_client, kc, now, &retry)) {
			char ra[32];
			snprintf(ra, sizeof(ra), "%lld", (long long)(retry > 0 ? retry : 60));
			http_response_header(r->resp, "Retry-After", ra);
			r->nmsgs = 0;
			adm_error(r, NULL, "admin_err_too_many");
			r->csrf = adm_pre_token(r);
			adm_map_init(&m, r->a);
			adm_map_str(&m, "email", email);
			return adm_render(r, "forgot", &m, 429);
		}
		/* Every request counts, so that the form cannot be used to flood. */
		adm_failures_fail(adm->rl_client, kc, now);
		r->nmsgs = 0;
		if (account_email_valid(email) && account_request_reset(r->s, email, now) != STORE_OK)
			return -1;
		r->notice = adm_t(r, "admin_forgot_done");
		email = "";
	}
	if (!r->authed)
		r->csrf = adm_pre_token(r);
	adm_map_init(&m, r->a);
	adm_map_str(&m, "email", email);
	return adm_render(r, "forgot", &m, 200);
}

static void lang_options(struct adm_req *r, struct adm_map *m, const char *current)
{
	static const char *const langs[] = {"en", "fr", "ru", "uk"};
	static const char *const names[] = {"English", "Français", "Русский", "Українська"};
	struct adm_list l;
	size_t i;

	adm_list_init(&l, r->a);
	for (i = 0; i < NELEM(langs); i++) {
		struct adm_map o;
		adm_map_init(&o, r->a);
		adm_map_str(&o, "code", langs[i]);
		adm_map_str(&o, "name", names[i]);
		adm_map_bool(&o, "selected", strcmp(current, langs[i]) == 0);
		adm_list_add(&l, adm_map_done(&o));
	}
	adm_map_value(m, "ui_langs", adm_list_done(&l));
}

/* The UI languages as options, for other pages (users). */
void adm_ui_lang_options(struct adm_req *r, struct adm_map *m, const char *current);
void adm_ui_lang_options(struct adm_req *r, struct adm_map *m, const char *current)
{
	lang_options(r, m, current);
}

int adm_page_account(struct adm_req *r)
{
	const char *action = adm_form(r, "action"), *name = r->user.name, *lang = r->user.lang;
	char hash[ACCOUNT_HASH_MAX];
	struct adm_map m;
	int64_t id;

	r->title = adm_t(r, "admin_account_title");
	r->nav = "account";
	if (r->post && strcmp(action, "profile") == 0) {
		name = adm_field(r, "name", "admin_name", ACCOUNT_NAME_MAX, true);
		lang = adm_form(r, "ui_lang");
		if (ui_lang(lang) == NULL) {
			adm_error(r, "ui_lang", "admin_err_choice");
			lang = r->user.lang;
		}
		if (!adm_has_errors(r)) {
			if (account_update(r->s, r->user.id, name, -1, lang) != STORE_OK)
				return -1;
			return adm_redirect(r, "account?m=saved");
		}
	} else if (r->post && strcmp(action, "password") == 0) {
		const char *cur = adm_form(r, "current"), *pw = adm_form(r, "password"),
		           *again = adm_form(r, "password2");
		bool ok;
		if (account_password_hash(r->s, r->user.email, hash, &id) != STORE_OK)
			return -1;
		ok = *cur && strlen(cur) <= ACCOUNT_PASSWORD_MAX &&
		     verify_unlocked(r->adm, hash, cur) && id == r->user.id;
		if (!ok)
			adm_error(r, "current", "admin_err_current_password");
		else if (new_password_ok(r, pw, again, r->user.email)) {
			if (store_begin(r->s) != STORE_OK)
				return -1;
			/* A new password ends the other sessions: a thief's, maybe. */
			if (account_set_password(r->s, r->user.id, pw) != STORE_OK ||
			    account_session_revoke_user(r->s, r->user.id, r->sess.id) != STORE_OK ||
			    store_commit(r->s) != STORE_OK) {
				store_rollback(r->s);
				return -1;
			}
			return adm_redirect(r, "account?m=password_changed");
		}
	} else if (r->post) {
		return adm_message(r, 400, "admin_not_found_title", adm_t(r, "admin_err_choice"));
	}
	if (!r->post) {
		const char *done = adm_arg(r, "m");
		if (strcmp(done, "saved") == 0 || strcmp(done, "password_changed") == 0)
			r->notice = adm_t(r, adm_printf(r, "admin_done_%s", done));
	}
	adm_map_init(&m, r->a);
	adm_map_str(&m, "name", name);
	adm_map_str(&m, "email", r->user.email);
	lang_options(r, &m, lang);
	return adm_render(r, "account", &m, adm_has_errors(r) ? 200 : 200);
}
