/*
 * The newsletter's pages and mail bodies.  See render_newsletter.h.  The
 * mails are rendered from the theme like the pages, with the same locale
 * strings; a mail's own words (heading, footer) are in the reader's
 * interface language, each entry's labels in the entry's language.
 */
#include "render/render_newsletter.h"

#include <stdio.h>
#include <string.h>

#include "mail/mailcfg.h"
#include "render/render_int.h"
#include "text/mdr.h"
#include "util/log.h"

/* The pages the endpoints answer with live here, one folder below the root. */
#define NL_DIR "newsletter"
/* A full article in a plain-text mail: the whole of any real one. */
#define NL_TEXT_MAX (1u << 20)

static bool enabled(const struct render_site *site)
{
	return site->newsletter && site->newsletter->enabled && site->newsletter->nlists;
}

/* True if the comma-separated set has item. */
static bool in_set(const char *set, const char *item)
{
	size_t n = strlen(item);
	const char *p = set;

	while (n && (p = strstr(p, item)) != NULL) {
		if ((p == set || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* A locale string with {key} replaced by value. */
static const char *subst(struct arena *a, const char *s, const char *key, const char *value)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "{%s}", key);
	p = strstr(s, pat);
	if (p == NULL || value == NULL)
		return s;
	return arena_printf(a, "%.*s%s%s", (int)(p - s), s, value, p + strlen(pat));
}

static const char *t(const struct render_site *site, const char *lang, const char *key)
{
	return i18n_get(site->i18n, lang, key);
}

static const char *list_name(struct arena *a, const struct render_site *site,
                             const struct mailcfg_list *l, const char *lang)
{
	const char *name = mailcfg_list_name(site->newsletter, site->cfg, l, lang), *key, *v;

	if (name != l->id)
		return name;
	/* No name in the configuration: the locale may have one ("nl_list.news"). */
	key = arena_printf(a, "nl_list.%s", l->id);
	v = t(site, lang, key);
	return strcmp(v, key) == 0 ? l->id : v;
}

const char *render_nl_from_name(const struct render_site *site, const char *lang)
{
	if (site->newsletter && site->newsletter->from_name && *site->newsletter->from_name)
		return site->newsletter->from_name;
	return config_title(site->cfg, lang);
}

static struct tpl_value lang_choices(struct arena *a, const struct render_site *site,
                                     const char *checked, const char *idp)
{
	struct vlist l;
	size_t i;

	vlist_init(&l, a);
	for (i = 0; i < site->cfg->nlangs; i++) {
		const char *code = site->cfg->langs[i].code;
		struct vmap m;
		vmap_init(&m, a);
		vmap_str(&m, "code", code);
		vmap_str(&m, "name", view_lang_name(site, code));
		vmap_str(&m, "id", arena_printf(a, "%s-lang-%s", idp, code));
		vmap_bool(&m, "checked", checked && in_set(checked, code));
		vlist_add(&l, vmap_done(&m));
	}
	return vlist_done(&l);
}

static struct tpl_value list_choices(struct arena *a, const struct render_site *site,
                                     const char *lang, const char *checked, const char *idp)
{
	const struct mailcfg *mc = site->newsletter;
	struct vlist l;
	size_t i;

	vlist_init(&l, a);
	for (i = 0; i < mc->nlists; i++) {
		struct vmap m;
		vmap_init(&m, a);
		vmap_str(&m, "id", mc->lists[i].id);
		vmap_str(&m, "name", list_name(a, site, &mc->lists[i], lang));
		vmap_str(&m, "html_id", arena_printf(a, "%s-list-%s", idp, mc->lists[i].id));
		/* The first list is the one a new reader gets unless they say otherwise. */
		vmap_bool(&m, "checked", checked ? in_set(checked, mc->lists[i].id) : i == 0);
		vlist_add(&l, vmap_done(&m));
	}
	return vlist_done(&l);
}

struct tpl_value view_subscribe(struct arena *a, const struct render_site *site, const char *root,
                                const char *lang)
{
	struct vmap m;

	if (!enabled(site) || lang == NULL)
		return (struct tpl_value){.kind = TPL_NULL};
	vmap_init(&m, a);
	/* Relative, like every link: the server that serves the page takes the POST. */
	vmap_str(&m, "action", arena_printf(a, "%s" NL_DIR "/subscribe", root));
	vmap_str(&m, "ui", lang);
	vmap_value(&m, "languages", lang_choices(a, site, lang, "subscribe"));
	vmap_value(&m, "lists", list_choices(a, site, lang, NULL, "subscribe"));
	vmap_bool(&m, "has_lists", site->newsletter->nlists > 1);
	return vmap_done(&m);
}

int render_newsletter_page(const struct render_site *site, struct arena *a,
                           const struct render_nl_page *m, struct buf *out)
{
	struct view_page vp = {0};
	struct vmap page, form;
	struct tpl_value ctx;
	const char *lang =
	        m->lang && config_lang(site->cfg, m->lang) ? m->lang : site->cfg->default_lang;
	const char *root = view_root(a, NL_DIR);
	const char *heading = t(site, lang, m->title_key);

	vmap_init(&page, a);
	vp.lang = lang;
	vp.dir = NL_DIR;
	vp.title = view_printf(a, "%s — %s", heading, config_title(site->cfg, lang));
	view_common(&page, site, &vp);
	vmap_str(&page, "heading", heading);
	if (m->text_key)
		vmap_str(&page, "text", subst(a, t(site, lang, m->text_key), "email", m->email));
	if (m->error_key)
		vmap_str(&page, "error", t(site, lang, m->error_key));
	vmap_str(&page, "home", view_href(a, root, lang));
	vmap_init(&form, a);
	vmap_str(&form, "token", m->token);
	vmap_str(&form, "ui", lang);
	switch (m->form) {
	case RENDER_NL_NONE:
		break;
	case RENDER_NL_SUBSCRIBE:
		if (enabled(site))
			vmap_value(&page, "subscribe", view_subscribe(a, site, root, lang));
		break;
	case RENDER_NL_CONFIRM:
		vmap_value(&page, "confirm_form", vmap_done(&form));
		break;
	case RENDER_NL_PREFS:
		vmap_str(&form, "email", m->email);
		vmap_value(&form, "languages", lang_choices(a, site, m->langs, "prefs"));
		vmap_value(&form, "lists",
		           list_choices(a, site, lang, m->lists ? m->lists : "", "prefs"));
		vmap_bool(&form, "has_lists", site->newsletter->nlists > 1);
		vmap_str(&form, "unsubscribe_text",
		         subst(a, t(site, lang, "nl_unsubscribe_text"), "email", m->email));
		vmap_value(&page, "prefs_form", vmap_done(&form));
		break;
	case RENDER_NL_UNSUBSCRIBE:
		vmap_str(&form, "unsubscribe_text",
		         subst(a, t(site, lang, "nl_unsubscribe_text"), "email", m->email));
		vmap_value(&page, "unsubscribe_form", vmap_done(&form));
		break;
	}
	ctx = vmap_done(&page);
	return view_render(site, "newsletter", &ctx, out);
}

/* ---- mail bodies ---------------------------------------------------- */

/* Site-absolute links in Markdown ("/en/x/") become absolute URLs in a mail. */
static bool absolute(void *arg, const char *url, size_t n, struct buf *out)
{
	const struct render_site *site = arg;

	if (n == 0 || url[0] != '/' || (n > 1 && url[1] == '/'))
		return false;
	buf_puts(out, site->cfg->base_url);
	buf_put(out, url + 1, n - 1);
	return true;
}

static const char *md_html(struct arena *a, const struct render_site *site, const char *md)
{
	struct mdr_opts o = {.rewrite_url = absolute, .arg = (void *)site};
	struct buf b = BUF_INIT;
	const char *s = NULL;

	if (md == NULL || *md == '\0')
		return NULL;
	if (mdr_render(md, strlen(md), &o, &b) == 0)
		s = arena_strndup(a, buf_cstr(&b), b.n);
	buf_finish(&b);
	return s;
}

static const char *md_text(struct arena *a, const char *md)
{
	struct buf b = BUF_INIT;
	const char *s = NULL;

	if (md == NULL || *md == '\0')
		return NULL;
	if (mdr_render_text(md, strlen(md), NL_TEXT_MAX, &b) == 0)
		s = arena_strndup(a, buf_cstr(&b), b.n);
	buf_finish(&b);
	return s;
}

/* What both parts of every mail share: site, footer, mirrors, the strings. */
static void mail_common(struct vmap *m, const struct render_site *site, const char *lang)
{
	const struct config *cfg = site->cfg;
	struct vlist mirrors;
	size_t i;

	vmap_str(m, "lang", lang);
	vmap_str(m, "dir", t(site, lang, "dir"));
	vmap_value(m, "t", *i18n_map(site->i18n, lang));
	vmap_str(m, "site_title", config_title(cfg, lang));
	vmap_str(m, "site_url", view_url(m->a, site, lang));
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
}

static int render_both(const struct render_site *site, const struct tpl_value *html_ctx,
                       const struct tpl_value *text_ctx, struct buf *html, struct buf *text)
{
	if (view_render(site, "mail_html", html_ctx, html) != 0 ||
	    view_render(site, "mail_text", text_ctx, text) != 0)
		return -1;
	return 0;
}

static struct tpl_value entry(struct arena *a, const struct render_site *site,
                              const struct render_digest *d, const struct article *art, bool html)
{
	struct vmap m;
	struct buf dir = BUF_INIT, names = BUF_INIT;
	size_t j;

	vmap_init(&m, a);
	model_article_dir(&dir, art->lang, art->section_path, art->slug);
	vmap_str(&m, "lang", art->lang);
	vmap_str(&m, "lang_name", view_lang_name(site, art->lang));
	vmap_str(&m, "url", view_url(a, site, dir.p));
	vmap_str(&m, "surtitle", art->surtitle);
	vmap_str(&m, "title", art->title);
	vmap_str(&m, "subtitle", art->subtitle);
	for (j = 0; j < art->nauthors; j++) {
		if (j)
			buf_puts(&names, ", ");
		buf_puts(&names, art->authors[j].name);
	}
	vmap_strn(&m, "authors", arena_strndup(a, buf_cstr(&names), names.n), names.n);
	vmap_str(&m, "by", t(site, art->lang, "by"));
	vmap_str(&m, "date_text", view_date(a, site, art->lang, art->date));
	vmap_str(&m, "date_iso", view_date_iso(a, art->date));
	if (art->first_published && *art->first_published) {
		struct buf fb = BUF_INIT;
		i18n_date_partial(site->i18n, art->lang, art->first_published, &fb);
		vmap_str(&m, "first_published", arena_strndup(a, buf_cstr(&fb), fb.n));
		vmap_str(&m, "first_published_label", t(site, art->lang, "first_published"));
		buf_finish(&fb);
	}
	vmap_str(&m, "read_more", t(site, art->lang, "nl_read_more"));
	if (html) {
		vmap_str(&m, "lead", md_html(a, site, art->lead));
		if (d->full_text) {
			vmap_str(&m, "body", md_html(a, site, art->body));
			vmap_str(&m, "postscript", md_html(a, site, art->postscript));
		}
	} else {
		vmap_str(&m, "lead", md_text(a, art->lead));
		if (d->full_text) {
			vmap_str(&m, "body", md_text(a, art->body));
			vmap_str(&m, "postscript", md_text(a, art->postscript));
		}
	}
	buf_finish(&dir);
	buf_finish(&names);
	return vmap_done(&m);
}

static struct tpl_value digest_ctx(struct arena *a, const struct render_site *site,
                                   const struct render_digest *d, bool html)
{
	const char *lang = d->ui_lang;
	struct vmap page, g;
	struct vlist groups, entries;
	size_t i;

	vmap_init(&page, a);
	mail_common(&page, site, lang);
	vmap_str(&page, "heading", d->list_name);
	vmap_str(&page, "date_text", view_date(a, site, lang, d->date));
	vmap_str(&page, "count_text", view_plural(a, site, lang, "articles", d->n));
	vmap_str(&page, "prefs_url", d->prefs_url);
	vmap_str(&page, "unsub_url", d->unsub_url);
	vmap_str(&page, "why",
	         subst(a, t(site, lang, "nl_why"), "name", config_title(site->cfg, lang)));
	vlist_init(&groups, a);
	for (i = 0; i < d->n;) {
		size_t j = i;
		vlist_init(&entries, a);
		while (j < d->n && d->group[j] == d->group[i]) {
			vlist_add(&entries, entry(a, site, d, d->arts[j], html));
			j++;
		}
		vmap_init(&g, a);
		vmap_value(&g, "entries", vlist_done(&entries));
		vmap_bool(&g, "translated", j - i > 1);
		vlist_add(&groups, vmap_done(&g));
		i = j;
	}
	vmap_value(&page, "groups", vlist_done(&groups));
	vmap_bool(&page, "digest", true);
	vmap_bool(&page, "full_text", d->full_text);
	return vmap_done(&page);
}

int render_digest(const struct render_site *site, struct arena *a, const struct render_digest *d,
                  struct buf *html, struct buf *text)
{
	struct tpl_value hc = digest_ctx(a, site, d, true);
	struct tpl_value tc = digest_ctx(a, site, d, false);

	return render_both(site, &hc, &tc, html, text);
}

int render_note(const struct render_site *site, struct arena *a, const struct render_note *m,
                struct buf *subject, struct buf *html, struct buf *text)
{
	const char *lang = m->ui_lang, *name = config_title(site->cfg, lang);
	bool confirm = m->kind == RENDER_NOTE_CONFIRM;
	struct vmap page;
	struct tpl_value ctx;
	char hours[16];

	snprintf(hours, sizeof(hours), "%u", m->hours);
	buf_puts(subject, subst(a,
	                        t(site, lang,
	                          confirm ? "nl_mail_confirm_subject" : "nl_mail_notice_subject"),
	                        "name", name));
	vmap_init(&page, a);
	mail_common(&page, site, lang);
	vmap_bool(&page, confirm ? "confirm" : "notice", true);
	vmap_str(&page, "heading", buf_cstr(subject));
	vmap_str(&page, "url", m->url);
	vmap_str(&page, "text",
	         subst(a, t(site, lang, confirm ? "nl_mail_confirm_text" : "nl_mail_notice_text"),
	               "name", name));
	vmap_str(&page, "button", t(site, lang, confirm ? "nl_confirm_button" : "nl_prefs_link"));
	vmap_str(&page, "after",
	         confirm ? subst(a, t(site, lang, "nl_mail_confirm_after"), "hours", hours)
	                 : t(site, lang, "nl_mail_notice_after"));
	ctx = vmap_done(&page);
	return render_both(site, &ctx, &ctx, html, text);
}
