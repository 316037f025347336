/*
 * What every admin page does with its request and response: reading form
 * fields with their checks, collecting messages, rendering a page in the
 * layout, redirects, cookies and the message pages (403, 404).
 */
#include "admin/adm_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/i18n.h"
#include "text/utf8.h"
#include "util/buf.h"
#include "util/log.h"

const char *adm_form(struct adm_req *r, const char *name)
{
	const char *v = r->post ? http_request_form(r->req, name) : NULL;

	return v ? v : "";
}

const char *adm_arg(struct adm_req *r, const char *name)
{
	const char *v = http_request_arg(r->req, name);

	return v ? v : "";
}

void adm_error_text(struct adm_req *r, const char *field, const char *text)
{
	if (r->nmsgs == r->capmsgs) {
		size_t cap = r->capmsgs ? 2 * r->capmsgs : 8;
		struct adm_msg *w = arena_alloc(r->a, cap * sizeof(*w));
		if (r->nmsgs)
			memcpy(w, r->msgs, r->nmsgs * sizeof(*w));
		r->msgs = w;
		r->capmsgs = cap;
	}
	r->msgs[r->nmsgs].field = field;
	r->msgs[r->nmsgs].text = text;
	r->nmsgs++;
}

void adm_error(struct adm_req *r, const char *field, const char *key)
{
	adm_error_text(r, field, adm_t(r, key));
}

bool adm_has_errors(const struct adm_req *r)
{
	return r->nmsgs > 0;
}

const char *adm_field(struct adm_req *r, const char *field, const char *label_key, size_t max,
                      bool oneline)
{
	const char *v = adm_form(r, field), *label = adm_t(r, label_key);
	size_t n = strlen(v), b = 0, e = n;

	if (!utf8_valid(v, n)) {
		adm_error_text(r, field, adm_tf(r, "admin_err_field_utf8", label));
		return adm_clean(r, v);
	}
	/* Blanks at the ends are never meant, and break one-line values. */
	while (b < n && (v[b] == ' ' || v[b] == '\t' || (oneline && (v[b] == '\r' || v[b] == '\n'))))
		b++;
	while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t' || v[e - 1] == '\r' || v[e - 1] == '\n'))
		e--;
	v = arena_strndup(r->a, v + b, e - b);
	n = e - b;
	if (n > max)
		adm_error_text(r, field,
		               adm_printf(r, "%s (%zu / %zu)", adm_tf(r, "admin_err_field_long", label),
		                          n, max));
	else if (oneline && strpbrk(v, "\r\n"))
		adm_error_text(r, field, adm_tf(r, "admin_err_field_oneline", label));
	/* Browsers send CR LF in text areas; the store keeps LF. */
	if (!oneline && strchr(v, '\r')) {
		char *w = arena_strdup(r->a, v), *o = w;
		const char *p;
		for (p = v; *p; p++)
			if (!(*p == '\r' && p[1] == '\n'))
				*o++ = *p;
		*o = '\0';
		v = w;
	}
	return v;
}

int64_t adm_parse_id(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || *s < '1' || *s > '9' || strlen(s) > 18)
		return 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v > 0 ? v : 0;
}

bool adm_site_lang(struct adm_req *r, const char *s)
{
	return s && *s && config_lang(&r->site->cfg, s) != NULL;
}

/* ---- rendering ------------------------------------------------------------ */

static const char *const navs[] = {"dashboard", "articles", "sections", "authors", "users",
                                   "settings",  "account"};

static bool has_key(const struct adm_map *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->pairs[i].key, key) == 0)
			return true;
	return false;
}

int adm_render(struct adm_req *r, const char *name, struct adm_map *m, int status)
{
	struct admin *adm = r->adm;
	struct adm_map root, err, user;
	struct adm_list msgs;
	size_t i;

	adm_map_init(&root, r->a);
	for (i = 0; i < m->n; i++)
		adm_map_value(&root, m->pairs[i].key, m->pairs[i].value);
	adm_map_str(&root, "lang", r->lang);
	adm_map_value(&root, "t", *i18n_map(r->site->i18n, r->lang));
	adm_map_str(&root, "base", "/admin/");
	adm_map_str(&root, "css", adm_printf(r, "/admin/static/%s?v=%s", adm->assets[0].name,
	                                  adm->assets[0].version));
	adm_map_str(&root, "js", adm_printf(r, "/admin/static/%s?v=%s", adm->assets[1].name,
	                                 adm->assets[1].version));
	adm_map_str(&root, "site_title", config_title(&r->site->cfg, NULL));
	adm_map_str(&root, "title", r->title ? r->title : adm_t(r, "admin_title"));
	adm_map_str(&root, "csrf", r->csrf);
	/* What admin.js checks before sending a form the server would refuse unread. */
	adm_map_int(&root, "max_body", (long long)HTTP_MAX_BODY_DEFAULT);
	adm_map_str(&root, "too_large",
	            adm_tf(r, "admin_err_too_large",
	                   adm_printf(r, "%u MB", HTTP_MAX_BODY_DEFAULT >> 20)));
	for (i = 0; i < NELEM(navs); i++)
		adm_map_bool(&root, adm_printf(r, "nav_%s", navs[i]), r->nav && strcmp(r->nav, navs[i]) == 0);
	if (r->authed) {
		adm_map_init(&user, r->a);
		adm_map_str(&user, "name", *r->user.name ? r->user.name : r->user.email);
		adm_map_str(&user, "email", r->user.email);
		adm_map_str(&user, "role", adm_t(r, adm_printf(r, "admin_role_%s",
		                                            account_role_name(r->user.role))));
		adm_map_bool(&user, "is_admin", adm_is_admin(r));
		adm_map_bool(&user, "is_editor", adm_is_editor(r));
		adm_map_value(&root, "me", adm_map_done(&user));
	}
	if (r->published_failed)
		adm_error(r, NULL, "admin_err_publish");
	adm_map_str(&root, "notice", r->notice);
	adm_list_init(&msgs, r->a);
	adm_map_init(&err, r->a);
	for (i = 0; i < r->nmsgs; i++) {
		struct adm_map e;
		adm_map_init(&e, r->a);
		adm_map_str(&e, "text", r->msgs[i].text);
		adm_map_str(&e, "field", r->msgs[i].field);
		adm_list_add(&msgs, adm_map_done(&e));
		/* The first message of a field goes beside it. */
		if (r->msgs[i].field && !has_key(&err, r->msgs[i].field))
			adm_map_str(&err, r->msgs[i].field, r->msgs[i].text);
	}
	adm_map_value(&root, "errors", adm_list_done(&msgs));
	adm_map_bool(&root, "has_errors", r->nmsgs > 0);
	adm_map_value(&root, "err", adm_map_done(&err));
	{
		struct tpl_value ctx = adm_map_done(&root);
		buf_reset(&r->resp->body);
		if (tpl_render(adm->tpl, name, &ctx, &r->resp->body) != 0)
			return -1;
	}
	r->resp->status = status;
	return 0;
}

int adm_redirect(struct adm_req *r, const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	buf_puts(&b, "/admin/");
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	http_response_redirect(r->resp, 0, b.p);
	buf_finish(&b);
	return 0;
}

int adm_message(struct adm_req *r, int status, const char *title_key, const char *text)
{
	struct adm_map m;

	adm_map_init(&m, r->a);
	r->title = adm_t(r, title_key);
	adm_map_str(&m, "message", text);
	return adm_render(r, "message", &m, status);
}

int adm_forbidden(struct adm_req *r)
{
	return adm_message(r, 403, "admin_forbidden_title", adm_t(r, "admin_forbidden_text"));
}

int adm_not_found(struct adm_req *r)
{
	return adm_message(r, 404, "admin_not_found_title", adm_t(r, "admin_not_found_text"));
}

void adm_set_cookie(struct adm_req *r, const char *name, const char *value, int64_t max_age)
{
	bool secure = r->req->https || r->adm->cfg.secure_cookie;
	const char *v;

	v = adm_printf(r, "%s=%s; Path=/admin/; HttpOnly; SameSite=Strict%s", name, value,
	               secure ? "; Secure" : "");
	if (max_age >= 0)
		v = adm_printf(r, "%s; Max-Age=%lld", v, (long long)max_age);
	http_response_header(r->resp, "Set-Cookie", v);
}
