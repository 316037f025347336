/*
 * Site settings, for admins: the titles and taglines (per language too),
 * the public address, the default language, list and feed sizes, mirrors
 * and the onion address -- tamizdat.ini, written atomically with
 * config_save() (which keeps the sections other modules own).  The
 * languages themselves stay a command-line matter: adding one creates a
 * tree.  A change shows on every page, so every language is republished.
 */
#include "admin/adm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/publish.h"
#include "render/i18n.h"
#include "util/log.h"

#define SET_MAX 2000

/* A one-line value for tamizdat.ini, with a message if it cannot be one. */
static const char *value(struct adm_req *r, const char *field, const char *label)
{
	const char *v = adm_field(r, field, label, SET_MAX, true);

	if (!config_value_valid(v))
		adm_error(r, field, "admin_err_ini_value");
	return v;
}

static bool url_ok(const char *u)
{
	return (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0) && strlen(u) > 8 &&
	       strpbrk(u, " \"<>") == NULL;
}

static unsigned size(struct adm_req *r, const char *field, const char *label)
{
	const char *v = adm_field(r, field, label, 8, true);
	char *end;
	long n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < 1 || n > 1000) {
		adm_error(r, field, "admin_err_size");
		return 20;
	}
	return (unsigned)n;
}

static void set(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* The page, showing cfg (the stored settings or the ones typed). */
static int page(struct adm_req *r, const struct config *cfg, const char *mirrors, int status)
{
	struct adm_map m;
	struct adm_list langs;
	size_t i;

	r->nav = "settings";
	r->title = adm_t(r, "admin_settings");
	adm_map_init(&m, r->a);
	adm_map_str(&m, "site_title_value", cfg->title);
	adm_map_str(&m, "tagline", cfg->tagline);
	adm_map_str(&m, "base_url", cfg->base_url);
	adm_map_int(&m, "page_size", cfg->page_size);
	adm_map_int(&m, "feed_size", cfg->feed_size);
	adm_map_str(&m, "onion", cfg->onion);
	adm_map_str(&m, "mirrors", mirrors);
	adm_list_init(&langs, r->a);
	for (i = 0; i < cfg->nlangs; i++) {
		struct adm_map l;
		adm_map_init(&l, r->a);
		adm_map_str(&l, "code", cfg->langs[i].code);
		adm_map_str(&l, "name", i18n_get(r->site->i18n, cfg->langs[i].code, "lang_name"));
		adm_map_str(&l, "title", cfg->langs[i].title);
		adm_map_str(&l, "tagline", cfg->langs[i].tagline);
		adm_map_bool(&l, "default", strcmp(cfg->langs[i].code, cfg->default_lang) == 0);
		adm_list_add(&langs, adm_map_done(&l));
	}
	adm_map_value(&m, "langs", adm_list_done(&langs));
	return adm_render(r, "settings", &m, status);
}

static const char *mirrors_text(struct adm_req *r, const struct config *cfg)
{
	struct buf b = BUF_INIT;
	const char *s;
	size_t i;

	for (i = 0; i < cfg->nmirrors; i++)
		buf_printf(&b, "%s\n", cfg->mirrors[i]);
	s = arena_strdup(r->a, buf_cstr(&b));
	buf_finish(&b);
	return s;
}

int adm_page_settings(struct adm_req *r)
{
	struct site *site = r->site;
	struct config c;
	const char *v, *mirrors, *p;
	size_t i;
	int rc;

	if (!adm_is_admin(r))
		return adm_forbidden(r);
	if (!r->post)
		return page(r, &site->cfg, mirrors_text(r, &site->cfg), 200);
	/* Start from the file as it is: what this page does not show stays. */
	config_init(&c);
	if (config_load(&c, site->config_path) != 0) {
		config_finish(&c);
		return -1;
	}
	set(&c.title, value(r, "site_title", "admin_site_title"));
	if (*c.title == '\0')
		adm_error(r, "site_title", "admin_err_title");
	set(&c.tagline, value(r, "tagline", "admin_tagline"));
	v = value(r, "base_url", "admin_base_url");
	if (!url_ok(v)) {
		adm_error(r, "base_url", "admin_err_url");
	} else {
		free(c.base_url);
		c.base_url = xmalloc(strlen(v) + 2);
		strcpy(c.base_url, v);
		if (v[strlen(v) - 1] != '/')
			strcat(c.base_url, "/");
	}
	for (i = 0; i < c.nlangs; i++) {
		const char *code = c.langs[i].code;
		const char *t = value(r, adm_printf(r, "title_%s", code), "admin_site_title");
		const char *tl = value(r, adm_printf(r, "tagline_%s", code), "admin_tagline");
		free(c.langs[i].title);
		free(c.langs[i].tagline);
		c.langs[i].title = *t ? xstrdup(t) : NULL;
		c.langs[i].tagline = *tl ? xstrdup(tl) : NULL;
	}
	v = adm_form(r, "default_language");
	if (config_lang(&c, v))
		snprintf(c.default_lang, sizeof(c.default_lang), "%s", v);
	else
		adm_error(r, "default_language", "admin_err_lang");
	c.page_size = size(r, "page_size", "admin_page_size");
	c.feed_size = size(r, "feed_size", "admin_feed_size");
	v = value(r, "onion", "admin_onion");
	if (*v && !url_ok(v))
		adm_error(r, "onion", "admin_err_url");
	set(&c.onion, v);
	mirrors = adm_field(r, "mirrors", "admin_mirrors", 64 * 1024, false);
	for (i = 0; i < c.nmirrors; i++)
		free(c.mirrors[i]);
	c.nmirrors = 0;
	for (p = mirrors; *p;) {
		size_t len = strcspn(p, "\n");
		char *u = arena_strndup(r->a, p, len);
		size_t n = strlen(u);
		while (n && (u[n - 1] == ' ' || u[n - 1] == '\r'))
			u[--n] = '\0';
		while (*u == ' ')
			u++;
		if (*u) {
			if (!url_ok(u) || !config_value_valid(u))
				adm_error(r, "mirrors", "admin_err_url");
			c.mirrors = xreallocarray(c.mirrors, c.nmirrors + 1, sizeof(char *));
			c.mirrors[c.nmirrors++] = xstrdup(u);
		}
		p += len + (p[len] == '\n');
	}
	if (adm_has_errors(r)) {
		rc = page(r, &c, mirrors, 400);
		config_finish(&c);
		return rc;
	}
	if (config_save(&c, site->config_path) != 0) {
		adm_error_text(r, NULL, arena_strdup(r->a, log_reason()));
		rc = page(r, &c, mirrors, 500);
		config_finish(&c);
		return rc;
	}
	config_finish(&site->cfg);
	site->cfg = c;
	if (admin_config_load(&r->adm->cfg, &site->cfg) != 0)
		log_error("admin: %s", log_reason());
	if (store_begin(r->s) != STORE_OK)
		return -1;
	for (i = 0; i < site->cfg.nlangs; i++)
		if (pub_note_language(site, site->cfg.langs[i].code) != 0) {
			store_rollback(r->s);
			return -1;
		}
	if (adm_commit(r) != 0)
		return -1;
	return adm_redirect(r, "settings?m=saved%s", r->published_failed ? "&p=failed" : "");
}
