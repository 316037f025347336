/*
 * The web admin's lifecycle, its router and its tick.  A request is
 * checked in one place before any page sees it: the method, the origin
 * of a POST (Sec-Fetch-Site), its CSRF token, the session; pages then
 * check rights for what they do.  See admin.h.
 */
#include "admin/adm_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/adm_failures.h"
#include "render/i18n.h"
#include "render/tpl.h"
#include "util/embed.h"
#include "util/fsutil.h"
#include "util/log.h"

extern const struct embed_file tz_admin_theme[];
extern const size_t tz_admin_theme_count;

static int load_theme(struct admin *adm)
{
	static const struct {
		const char *name, *type;
	} assets[] = {
		{"admin.css", "text/css; charset=utf-8"},
		{"admin.js", "text/javascript; charset=utf-8"},
	};
	struct tpl_error err;
	size_t i, j, n;

	adm->tpl = tpl_set_new();
	for (i = 0; i < tz_admin_theme_count; i++) {
		const struct embed_file *f = &tz_admin_theme[i];
		char name[128];
		n = strlen(f->name);
		if (n > 9 && strcmp(f->name + n - 9, ".mustache") == 0 && n - 9 < sizeof(name)) {
			memcpy(name, f->name, n - 9);
			name[n - 9] = '\0';
			if (tpl_set_add(adm->tpl, name, f->data, f->size, &err) != 0)
				return log_fail("admin theme %s:%u:%u: %s", f->name, err.line, err.col,
				                err.msg);
			continue;
		}
		for (j = 0; j < NELEM(assets); j++)
			if (strcmp(f->name, assets[j].name) == 0) {
				unsigned char h[8];
				adm->assets[j].name = assets[j].name;
				adm->assets[j].type = assets[j].type;
				adm->assets[j].data = f->data;
				adm->assets[j].size = f->size;
				crypto_generichash(h, sizeof(h), (const unsigned char *)f->data, f->size,
				                   NULL, 0);
				sodium_bin2hex(adm->assets[j].version, sizeof(adm->assets[j].version), h,
				               sizeof(h));
			}
	}
	for (j = 0; j < NELEM(assets); j++)
		if (adm->assets[j].data == NULL)
			return log_fail("admin theme: %s missing", assets[j].name);
	return 0;
}

struct admin *admin_new(const char *dir)
{
	struct admin *adm = xcalloc(1, sizeof(*adm));

	pthread_mutex_init(&adm->lock, NULL);
	pthread_mutex_init(&adm->hash_lock, NULL);
	atomic_init(&adm->srv, NULL);
	if (sodium_init() < 0) {
		log_fail("libsodium cannot be initialised");
		free(adm);
		return NULL;
	}
	if (site_open(&adm->site, dir, 0) != 0) {
		pthread_mutex_destroy(&adm->lock);
		pthread_mutex_destroy(&adm->hash_lock);
		free(adm);
		return NULL;
	}
	if (account_migrate(adm->site.store) != STORE_OK ||
	    admin_config_load(&adm->cfg, &adm->site.cfg) != 0 || load_theme(adm) != 0) {
		admin_free(adm);
		return NULL;
	}
	adm->rl_account = adm_failures_new(ADM_FAIL_ACCOUNT, ADM_FAIL_WINDOW, ADM_FAIL_KEYS);
	adm->rl_client = adm_failures_new(ADM_FAIL_CLIENT, ADM_FAIL_WINDOW, ADM_FAIL_KEYS);
	return adm;
}

void admin_free(struct admin *adm)
{
	if (adm == NULL)
		return;
	adm_failures_free(adm->rl_account);
	adm_failures_free(adm->rl_client);
	tpl_set_free(adm->tpl);
	site_close(&adm->site);
	pthread_mutex_destroy(&adm->lock);
	pthread_mutex_destroy(&adm->hash_lock);
	free(adm);
}

void admin_set_server(struct admin *adm, struct http_server *srv)
{
	atomic_store(&adm->srv, srv);
}

void admin_tick(void *arg)
{
	struct admin *adm = arg;
	int64_t now = store_now();

	pthread_mutex_lock(&adm->lock);
	if (admin_publish_due(adm, now, ADM_DUE_PER_TICK, NULL) != 0)
		log_error("admin: scheduled publishing: %s", log_reason());
	if (now - adm->last_purge >= ADM_PURGE_EVERY) {
		if (account_purge(adm->site.store, now, NULL) != STORE_OK)
			log_error("admin: %s", log_reason());
		adm_failures_sweep(adm->rl_account, now);
		adm_failures_sweep(adm->rl_client, now);
		adm->last_purge = now;
	}
	pthread_mutex_unlock(&adm->lock);
	/* Pages the admin's publishes replaced are freed here, off the requests. */
	if (adm->site.graveyard_dir != NULL)
		fs_graveyard_empty(adm->site.graveyard_dir);
}

/* The stylesheet and the script: immutable at a versioned address. */
static int asset(struct admin *adm, const char *name, struct http_response *resp)
{
	size_t i;

	for (i = 0; i < NELEM(adm->assets); i++)
		if (strcmp(name, adm->assets[i].name) == 0) {
			resp->content_type = adm->assets[i].type;
			buf_put(&resp->body, adm->assets[i].data, adm->assets[i].size);
			http_response_header(resp, "Cache-Control", "public, max-age=31536000, immutable");
			return 0;
		}
	resp->status = 404;
	resp->content_type = "text/plain; charset=utf-8";
	buf_puts(&resp->body, "not found\n");
	return 0;
}

/* "/admin/articles/3?x=1", percent-encoded as a query value. */
static const char *next_param(struct adm_req *r)
{
	struct buf b = BUF_INIT;
	const char *p, *s;

	for (p = r->req->path; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '/' || c == '-' || c == '_' || c == '.')
			buf_putc(&b, c);
		else
			buf_printf(&b, "%%%02X", c);
	}
	s = arena_strdup(r->a, buf_cstr(&b));
	buf_finish(&b);
	return s;
}

/* The "done" message of a redirect (?m=saved), if there is such a string. */
static void notice(struct adm_req *r)
{
	const char *m = adm_arg(r, "m"), *key, *v;

	if (*m == '\0' || strlen(m) > 40 || strspn(m, "abcdefghijklmnopqrstuvwxyz_") != strlen(m))
		return;
	key = adm_printf(r, "admin_done_%s", m);
	v = adm_t(r, key);
	if (strcmp(v, key) != 0)
		r->notice = v;
	if (strcmp(adm_arg(r, "p"), "failed") == 0)
		r->published_failed = true;
}

static int route(struct adm_req *r)
{
	const char *s0 = r->nseg > 0 ? r->seg[0] : "";
	int64_t id = r->nseg > 1 ? adm_parse_id(r->seg[1]) : 0;

	if (r->nseg == 0)
		return adm_page_dashboard(r);
	if (strcmp(s0, "account") == 0 && r->nseg == 1)
		return adm_page_account(r);
	if (strcmp(s0, "articles") == 0) {
		if (r->nseg == 1)
			return adm_page_articles(r);
		if (r->nseg == 2 && strcmp(r->seg[1], "new") == 0)
			return adm_page_article_new(r);
		if (id == 0)
			return adm_not_found(r);
		if (r->nseg == 2)
			return adm_page_article(r, id);
		if (r->nseg == 3 && strcmp(r->seg[2], "status") == 0)
			return adm_page_article_status(r, id);
		if (r->nseg == 3 && strcmp(r->seg[2], "translate") == 0)
			return adm_page_article_translate(r, id);
		if (r->nseg == 3 && strcmp(r->seg[2], "revisions") == 0)
			return adm_page_revisions(r, id);
		if (r->nseg >= 4 && r->nseg <= 5 && strcmp(r->seg[2], "revisions") == 0) {
			int64_t rev = adm_parse_id(r->seg[3]);
			if (rev == 0 || (r->nseg == 5 && strcmp(r->seg[4], "restore") != 0))
				return adm_not_found(r);
			return adm_page_revision(r, id, rev, r->nseg == 5);
		}
		return adm_not_found(r);
	}
	if (strcmp(s0, "sections") == 0) {
		if (r->nseg == 1)
			return adm_page_sections(r);
		if (id && r->nseg <= 3)
			return adm_page_section(r, id, r->nseg == 3 ? r->seg[2] : NULL);
		return adm_not_found(r);
	}
	if (strcmp(s0, "authors") == 0) {
		if (r->nseg == 1)
			return adm_page_authors(r);
		if (id && r->nseg == 2)
			return adm_page_author(r, id);
		return adm_not_found(r);
	}
	if (strcmp(s0, "users") == 0) {
		if (r->nseg == 1)
			return adm_page_users(r);
		if (id && r->nseg <= 3)
			return adm_page_user(r, id, r->nseg == 3 ? r->seg[2] : NULL);
		return adm_not_found(r);
	}
	if (strcmp(s0, "settings") == 0 && r->nseg == 1)
		return adm_page_settings(r);
	return adm_not_found(r);
}

/* Splits the path below /admin/ into segments; false if there are too many. */
static bool split(struct adm_req *r)
{
	char *p = arena_strdup(r->a, r->path), *save = NULL, *tok;

	for (tok = strtok_r(p, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (r->nseg == NELEM(r->seg))
			return false;
		r->seg[r->nseg++] = tok;
	}
	return true;
}

static bool is(const struct adm_req *r, const char *page)
{
	return r->nseg == 1 && strcmp(r->seg[0], page) == 0;
}

static int handle(struct adm_req *r)
{
	const char *site = http_request_header(r->req, "Sec-Fetch-Site");
	bool anon_page;

	if (!split(r))
		return adm_not_found(r);
	adm_session_load(r);
	if (r->authed)
		store_set_actor(r->s, r->user.id, NULL);
	if (!r->post)
		notice(r);
	if (is(r, "logout") && !r->authed)
		return adm_redirect(r, "login");
	anon_page = is(r, "login") || is(r, "password") || is(r, "forgot");
	if (r->post) {
		/* A browser says where a form came from; another site's is refused outright. */
		if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
			return adm_message(r, 403, "admin_forbidden_title", adm_t(r, "admin_err_csrf"));
		if (!r->authed && !anon_page)
			return adm_message(r, 403, "admin_forbidden_title", adm_t(r, "admin_err_expired"));
		if (!adm_csrf_ok(r))
			return adm_message(r, 403, "admin_forbidden_title", adm_t(r, "admin_err_csrf"));
	}
	if (is(r, "login"))
		return adm_page_login(r);
	if (is(r, "logout"))
		return adm_page_logout(r);
	if (is(r, "password"))
		return adm_page_password(r);
	if (is(r, "forgot"))
		return adm_page_forgot(r);
	if (!r->authed) {
		if (r->nseg == 0)
			return adm_redirect(r, "login");
		return adm_redirect(r, "login?next=%s", next_param(r));
	}
	return route(r);
}

int admin_handle(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct admin *adm = arg;
	struct adm_req r;
	int rc;

	if (strncmp(req->path, "/admin/", 7) != 0) {
		resp->status = 404;
		return 0;
	}
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0 &&
	    strcmp(req->method, "POST") != 0) {
		resp->status = 405;
		http_response_header(resp, "Allow", "GET, HEAD, POST");
		resp->content_type = "text/plain; charset=utf-8";
		buf_puts(&resp->body, "405 Method Not Allowed\n");
		return 0;
	}
	if (strncmp(req->path, "/admin/static/", 14) == 0)
		return asset(adm, req->path + 14, resp);
	memset(&r, 0, sizeof(r));
	r.adm = adm;
	r.site = &adm->site;
	r.s = adm->site.store;
	r.req = req;
	r.resp = resp;
	r.post = strcmp(req->method, "POST") == 0;
	r.path = req->path + 7;
	r.lang = "en";
	r.csrf = "";
	http_response_header(resp, "Content-Security-Policy", ADM_CSP);
	pthread_mutex_lock(&adm->lock);
	r.a = arena_new(ADM_ARENA_MAX);
	rc = handle(&r);
	/* Whatever a page did, nothing stays half-done for the next request. */
	store_rollback(r.s);
	store_set_actor(r.s, 0, NULL);
	arena_free(r.a);
	pthread_mutex_unlock(&adm->lock);
	return rc;
}
