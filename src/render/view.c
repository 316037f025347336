/*
 * Building template values, and the parts of a page every template shares:
 * the head, the masthead with its language switch, the footer.
 */
#include "render/render_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/log.h"

void vmap_init(struct vmap *m, struct arena *a)
{
	m->a = a;
	m->cap = 16;
	m->n = 0;
	m->pairs = arena_alloc(a, m->cap * sizeof(*m->pairs));
}

void vmap_value(struct vmap *m, const char *key, struct tpl_value v)
{
	if (m->n == m->cap) {
		struct tpl_pair *p = arena_alloc(m->a, 2 * m->cap * sizeof(*p));
		memcpy(p, m->pairs, m->n * sizeof(*p));
		m->pairs = p;
		m->cap *= 2;
	}
	m->pairs[m->n].key = key;
	m->pairs[m->n].value = v;
	m->n++;
}

void vmap_str(struct vmap *m, const char *key, const char *s)
{
	vmap_value(m, key, s && *s ? tpl_str(s) : (struct tpl_value){.kind = TPL_NULL});
}

void vmap_strn(struct vmap *m, const char *key, const char *s, size_t n)
{
	vmap_value(m, key, n ? tpl_strn(s, n) : (struct tpl_value){.kind = TPL_NULL});
}

void vmap_bool(struct vmap *m, const char *key, bool b)
{
	vmap_value(m, key, tpl_bool(b));
}

struct tpl_value vmap_done(const struct vmap *m)
{
	return tpl_map(m->pairs, m->n);
}

void vlist_init(struct vlist *l, struct arena *a)
{
	l->a = a;
	l->cap = 8;
	l->n = 0;
	l->items = arena_alloc(a, l->cap * sizeof(*l->items));
}

void vlist_add(struct vlist *l, struct tpl_value v)
{
	if (l->n == l->cap) {
		struct tpl_value *p = arena_alloc(l->a, 2 * l->cap * sizeof(*p));
		memcpy(p, l->items, l->n * sizeof(*p));
		l->items = p;
		l->cap *= 2;
	}
	l->items[l->n++] = v;
}

struct tpl_value vlist_done(const struct vlist *l)
{
	return tpl_list(l->items, l->n);
}

const char *view_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, fmt);
	s = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return s;
}

void render_root_prefix(struct buf *out, const char *dir)
{
	const char *p;

	if (dir == NULL || *dir == '\0')
		return;
	buf_puts(out, "../");
	for (p = dir; *p; p++)
		if (*p == '/')
			buf_puts(out, "../");
}

const char *view_root(struct arena *a, const char *dir)
{
	struct buf b = BUF_INIT;
	const char *s;

	render_root_prefix(&b, dir);
	s = arena_strndup(a, buf_cstr(&b), b.n);
	buf_finish(&b);
	return s;
}

const char *view_href(struct arena *a, const char *root, const char *to_dir)
{
	if (to_dir == NULL || *to_dir == '\0')
		return arena_strcat(a, root, "index.html", NULL);
	return arena_strcat(a, root, to_dir, "/index.html", NULL);
}

const char *view_url(struct arena *a, const struct render_site *site, const char *dir)
{
	if (dir == NULL || *dir == '\0')
		return site->cfg->base_url;
	return arena_strcat(a, site->cfg->base_url, dir, "/", NULL);
}

const char *view_date(struct arena *a, const struct render_site *site, const char *lang,
                      int64_t t)
{
	struct buf b = BUF_INIT;
	const char *s;

	i18n_date(site->i18n, lang, t, &b);
	s = arena_strndup(a, buf_cstr(&b), b.n);
	buf_finish(&b);
	return s;
}

const char *view_date_iso(struct arena *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	char *p = arena_alloc(a, 11);
	int y;

	gmtime_r(&tt, &tm);
	y = tm.tm_year + 1900;
	if (y < 0 || y > 9999)
		return arena_printf(a, "%04d-%02d-%02d", y, tm.tm_mon + 1, tm.tm_mday);
	p[0] = (char)('0' + y / 1000);
	p[1] = (char)('0' + y / 100 % 10);
	p[2] = (char)('0' + y / 10 % 10);
	p[3] = (char)('0' + y % 10);
	p[4] = '-';
	p[5] = (char)('0' + (tm.tm_mon + 1) / 10);
	p[6] = (char)('0' + (tm.tm_mon + 1) % 10);
	p[7] = '-';
	p[8] = (char)('0' + tm.tm_mday / 10);
	p[9] = (char)('0' + tm.tm_mday % 10);
	p[10] = '\0';
	return p;
}

const char *view_plural(struct arena *a, const struct render_site *site, const char *lang,
                        const char *key, size_t n)
{
	struct buf b = BUF_INIT;
	const char *s;

	i18n_plural(site->i18n, lang, key, n, &b);
	s = arena_strndup(a, buf_cstr(&b), b.n);
	buf_finish(&b);
	return s;
}

const char *view_with_name(struct arena *a, const struct render_site *site, const char *lang,
                           const char *key, const char *name)
{
	const char *fmt = i18n_get(site->i18n, lang, key), *p = strstr(fmt, "{name}");

	if (p == NULL)
		return fmt;
	return arena_printf(a, "%.*s%s%s", (int)(p - fmt), fmt, name, p + 6);
}

const char *view_lang_name(const struct render_site *site, const char *lang)
{
	const char *n = i18n_get(site->i18n, lang, "lang_name");

	/* A language without a locale falls back to English's name: use the code. */
	if (strcmp(lang, "en") != 0 && strcmp(n, "English") == 0)
		return lang;
	return n;
}

const char *view_summary(const struct article *art)
{
	if (art->lead && *art->lead)
		return art->lead;
	return art->excerpt ? art->excerpt : "";
}

int view_render(const struct render_site *site, const char *name, const struct tpl_value *ctx,
                struct buf *out)
{
	if (tpl_render(site->theme, name, ctx, out) != 0)
		return log_fail("theme template \"%s\": %s", name, log_reason());
	return 0;
}

void view_common(struct vmap *m, const struct render_site *site, const struct view_page *p)
{
	const struct config *cfg = site->cfg;
	const char *lang = p->lang ? p->lang : cfg->default_lang;
	const char *root = p->absolute_links ? "/" : view_root(m->a, p->dir);
	struct vmap sm, og;
	struct vlist langs, mirrors;
	size_t i;

	vmap_str(m, "lang", lang);
	vmap_str(m, "dir", i18n_get(site->i18n, lang, "dir"));
	vmap_str(m, "root", root);
	vmap_value(m, "t", *i18n_map(site->i18n, lang));
	vmap_str(m, "page_title", p->title);
	vmap_str(m, "description", p->description);
	if (p->canonical && !p->absolute_links)
		vmap_str(m, "canonical", view_url(m->a, site, p->dir));
	if (p->alternates)
		vmap_value(m, "alternates", *p->alternates);
	if (p->feeds)
		vmap_value(m, "feeds", *p->feeds);

	vmap_init(&sm, m->a);
	vmap_str(&sm, "title", config_title(cfg, p->lang));
	vmap_str(&sm, "tagline", config_tagline(cfg, p->lang));
	vmap_str(&sm, "home", view_href(m->a, root, p->lang ? p->lang : ""));
	vmap_value(m, "site", vmap_done(&sm));

	vlist_init(&langs, m->a);
	for (i = 0; i < cfg->nlangs; i++) {
		const char *code = cfg->langs[i].code;
		const char *to = p->switch_dirs && p->switch_dirs[i] ? p->switch_dirs[i] : code;
		struct vmap l;
		vmap_init(&l, m->a);
		vmap_str(&l, "code", code);
		vmap_str(&l, "name", view_lang_name(site, code));
		vmap_str(&l, "href", view_href(m->a, root, to));
		vmap_bool(&l, "current", p->lang && strcmp(code, p->lang) == 0);
		vlist_add(&langs, vmap_done(&l));
	}
	vmap_value(m, "languages", vlist_done(&langs));
	vmap_bool(m, "has_languages", cfg->nlangs > 1);

	vlist_init(&mirrors, m->a);
	for (i = 0; i < cfg->nmirrors; i++) {
		struct vmap mm;
		vmap_init(&mm, m->a);
		vmap_str(&mm, "url", cfg->mirrors[i]);
		vlist_add(&mirrors, vmap_done(&mm));
	}
	vmap_value(m, "mirrors", vlist_done(&mirrors));
	vmap_str(m, "onion", cfg->onion);
	vmap_bool(m, "has_mirrors", cfg->nmirrors > 0 || *cfg->onion);
	if (*cfg->onion && !p->absolute_links) {
		const char *o = cfg->onion;
		size_t n = strlen(o);
		/* The page's own address there; the home is the onion address itself. */
		vmap_str(m, "onion_location",
		         arena_printf(m->a, "%s%s%s%s", o, n && o[n - 1] == '/' ? "" : "/", p->dir,
		                      *p->dir ? "/" : ""));
	}

	if (p->og_type) {
		vmap_init(&og, m->a);
		vmap_str(&og, "site_name", config_title(cfg, p->lang));
		vmap_str(&og, "title", p->title);
		vmap_str(&og, "type", p->og_type);
		vmap_str(&og, "url", view_url(m->a, site, p->dir));
		vmap_str(&og, "locale", lang);
		vmap_str(&og, "description", p->description);
		vmap_value(m, "og", vmap_done(&og));
	}
}

struct tpl_value view_items(struct arena *a, const struct render_site *site, const char *root,
                            const char *lang, const struct render_item *items, size_t n,
                            bool show_section)
{
	struct vlist l;
	struct buf dir = BUF_INIT, names = BUF_INIT;
	size_t i, j;

	vlist_init(&l, a);
	for (i = 0; i < n; i++) {
		const struct article *art = items[i].art;
		struct vmap m;
		vmap_init(&m, a);
		buf_reset(&dir);
		model_article_dir(&dir, art->lang, art->section_path, art->slug);
		vmap_str(&m, "title", art->title);
		vmap_str(&m, "surtitle", art->surtitle);
		vmap_str(&m, "href", view_href(a, root, dir.p));
		vmap_str(&m, "date_iso", view_date_iso(a, art->date));
		vmap_str(&m, "date_text", view_date(a, site, lang ? lang : art->lang, art->date));
		buf_reset(&names);
		for (j = 0; j < art->nauthors; j++) {
			if (j)
				buf_puts(&names, ", ");
			buf_puts(&names, art->authors[j].name);
		}
		vmap_strn(&m, "authors", arena_strndup(a, buf_cstr(&names), names.n), names.n);
		if (show_section && items[i].section && items[i].section->depth > 0) {
			struct vmap s;
			buf_reset(&dir);
			model_section_dir(&dir, items[i].section->lang, items[i].section->path);
			vmap_init(&s, a);
			vmap_str(&s, "title", items[i].section->title);
			vmap_str(&s, "href", view_href(a, root, dir.p));
			vmap_value(&m, "section", vmap_done(&s));
		}
		vmap_str(&m, "summary", view_summary(art));
		vlist_add(&l, vmap_done(&m));
	}
	buf_finish(&dir);
	buf_finish(&names);
	return vlist_done(&l);
}

struct tpl_value view_breadcrumb(struct arena *a, const struct render_site *site,
                                 const char *root, const struct section *const *chain,
                                 size_t n)
{
	struct vlist l;
	struct buf dir = BUF_INIT;
	size_t i;

	vlist_init(&l, a);
	for (i = 0; i < n; i++) {
		struct vmap m;
		vmap_init(&m, a);
		buf_reset(&dir);
		model_section_dir(&dir, chain[i]->lang, chain[i]->path);
		/* The language root reads as the site's title in that language. */
		vmap_str(&m, "title",
		         chain[i]->depth == 0 ? config_title(site->cfg, chain[i]->lang)
		                              : chain[i]->title);
		vmap_str(&m, "href", view_href(a, root, dir.p));
		vlist_add(&l, vmap_done(&m));
	}
	buf_finish(&dir);
	return vlist_done(&l);
}

struct tpl_value view_feeds(struct arena *a, const struct render_site *site, const char *root,
                            const char *lang, const char *dir, bool json)
{
	struct vlist l;
	const char *sep = dir && *dir ? "/" : "";
	struct {
		const char *file, *type, *key;
	} kinds[] = {
		{"atom.xml", "application/atom+xml", "feed_atom"},
		{"rss.xml", "application/rss+xml", "feed_rss"},
		{"feed.json", "application/feed+json", "feed_json"},
	};
	size_t i;

	vlist_init(&l, a);
	for (i = 0; i < (json ? 3u : 2u); i++) {
		struct vmap m;
		vmap_init(&m, a);
		vmap_str(&m, "type", kinds[i].type);
		vmap_str(&m, "title", i18n_get(site->i18n, lang, kinds[i].key));
		vmap_str(&m, "href", arena_printf(a, "%s%s%s%s", root, dir ? dir : "", sep,
		                                  kinds[i].file));
		vlist_add(&l, vmap_done(&m));
	}
	return vlist_done(&l);
}
