/*
 * The article page: breadcrumb, the header (surtitle, title, subtitle,
 * authors, dates, the republication record, translations), lead, body,
 * postscript, licence and tags.
 */
#include "render/render_int.h"

#include <string.h>

#include "util/log.h"

static struct tpl_value people(struct arena *a, const char *root, const struct article *art)
{
	struct vlist l;
	size_t i;

	vlist_init(&l, a);
	for (i = 0; i < art->nauthors; i++) {
		struct vmap m;
		vmap_init(&m, a);
		vmap_str(&m, "name", art->authors[i].name);
		vmap_str(&m, "kind", model_author_kind_name(art->authors[i].kind));
		vmap_str(&m, "href", view_href(a, root,
		                               arena_strcat(a, art->lang, "/authors/",
		                                            art->authors[i].slug, NULL)));
		vmap_bool(&m, "last", i + 1 == art->nauthors);
		vlist_add(&l, vmap_done(&m));
	}
	return vlist_done(&l);
}

static struct tpl_value tags(struct arena *a, const char *root, const struct article *art)
{
	struct vlist l;
	size_t i;

	vlist_init(&l, a);
	for (i = 0; i < art->ntags; i++) {
		struct vmap m;
		vmap_init(&m, a);
		vmap_str(&m, "name", art->tags[i].name);
		vmap_str(&m, "href", view_href(a, root,
		                               arena_strcat(a, art->lang, "/tags/",
		                                            art->tags[i].slug, NULL)));
		vmap_bool(&m, "last", i + 1 == art->ntags);
		vlist_add(&l, vmap_done(&m));
	}
	return vlist_done(&l);
}

int render_article_page(const struct render_site *site, struct arena *a,
                        const struct render_article *m, struct buf *out)
{
	const struct article *art = m->art;
	const struct config *cfg = site->cfg;
	struct buf dirb = BUF_INIT, tb = BUF_INIT;
	struct vmap page, am;
	struct vlist trans, alts;
	const char *dir, *root, **switch_dirs;
	struct tpl_value alternates, ctx, feeds;
	struct view_page vp = {0};
	size_t i, j;
	int rc;

	model_article_dir(&dirb, art->lang, art->section_path, art->slug);
	dir = arena_strndup(a, dirb.p, dirb.n);
	root = view_root(a, dir);

	/* Translations: the page's own language first in hreflang, links to the others. */
	vlist_init(&trans, a);
	vlist_init(&alts, a);
	switch_dirs = arena_calloc(a, cfg->nlangs + 1, sizeof(char *));
	if (m->ntranslations) {
		struct vmap me;
		vmap_init(&me, a);
		vmap_str(&me, "lang", art->lang);
		vmap_str(&me, "url", view_url(a, site, dir));
		vlist_add(&alts, vmap_done(&me));
	}
	for (i = 0; i < m->ntranslations; i++) {
		const struct article *t = m->translations[i];
		struct vmap tm, al;
		buf_reset(&tb);
		model_article_dir(&tb, t->lang, t->section_path, t->slug);
		vmap_init(&tm, a);
		vmap_str(&tm, "lang", t->lang);
		vmap_str(&tm, "name", view_lang_name(site, t->lang));
		vmap_str(&tm, "title", t->title);
		vmap_str(&tm, "href", view_href(a, root, tb.p));
		vlist_add(&trans, vmap_done(&tm));
		vmap_init(&al, a);
		vmap_str(&al, "lang", t->lang);
		vmap_str(&al, "url", view_url(a, site, tb.p));
		vlist_add(&alts, vmap_done(&al));
		for (j = 0; j < cfg->nlangs; j++)
			if (strcmp(cfg->langs[j].code, t->lang) == 0)
				switch_dirs[j] = arena_strndup(a, tb.p, tb.n);
	}
	for (j = 0; j < cfg->nlangs; j++)
		if (strcmp(cfg->langs[j].code, art->lang) == 0)
			switch_dirs[j] = dir;
	alternates = vlist_done(&alts);

	vmap_init(&am, a);
	vmap_str(&am, "lang", art->lang);
	vmap_str(&am, "surtitle", art->surtitle);
	vmap_str(&am, "title", art->title);
	vmap_str(&am, "subtitle", art->subtitle);
	vmap_value(&am, "authors", people(a, root, art));
	vmap_bool(&am, "has_authors", art->nauthors > 0);
	vmap_str(&am, "date_iso", view_date_iso(a, art->date));
	vmap_str(&am, "date_text", view_date(a, site, art->lang, art->date));
	if (art->first_published && *art->first_published) {
		struct vmap fp;
		struct buf fb = BUF_INIT;
		i18n_date_partial(site->i18n, art->lang, art->first_published, &fb);
		vmap_init(&fp, a);
		vmap_str(&fp, "iso", art->first_published);
		vmap_str(&fp, "text", arena_strndup(a, buf_cstr(&fb), fb.n));
		vmap_value(&am, "first_published", vmap_done(&fp));
		buf_finish(&fb);
	}
	if ((art->source_name && *art->source_name) || (art->source_url && *art->source_url)) {
		struct vmap src;
		vmap_init(&src, a);
		vmap_str(&src, "name", *art->source_name ? art->source_name : art->source_url);
		vmap_str(&src, "url", art->source_url);
		vmap_value(&am, "source", vmap_done(&src));
	}
	if (art->original_lang && *art->original_lang && strcmp(art->original_lang, art->lang) != 0)
		vmap_str(&am, "original_language", view_lang_name(site, art->original_lang));
	if (art->ntranslators) {
		buf_reset(&tb);
		for (i = 0; i < art->ntranslators; i++) {
			if (i)
				buf_puts(&tb, ", ");
			buf_puts(&tb, art->translators[i]);
		}
		vmap_str(&am, "translators", arena_strndup(a, tb.p, tb.n));
	}
	vmap_str(&am, "licence", art->licence);
	vmap_value(&am, "tags", tags(a, root, art));
	vmap_bool(&am, "has_tags", art->ntags > 0);
	vmap_value(&am, "translations", vlist_done(&trans));
	vmap_bool(&am, "has_translations", m->ntranslations > 0);
	vmap_str(&am, "lead", view_markdown(a, site, root, art->lead));
	vmap_str(&am, "body", view_markdown(a, site, root, art->body));
	vmap_str(&am, "postscript", view_markdown(a, site, root, art->postscript));

	vmap_init(&page, a);
	feeds = view_feeds(a, site, root, art->lang, art->lang, true);
	vp.lang = art->lang;
	vp.dir = dir;
	vp.title = arena_printf(a, "%s — %s", art->title, config_title(cfg, art->lang));
	vp.description = view_summary(art);
	vp.og_type = "article";
	vp.canonical = true;
	vp.alternates = m->ntranslations ? &alternates : NULL;
	vp.feeds = &feeds;
	vp.switch_dirs = switch_dirs;
	view_common(&page, site, &vp);
	vmap_value(&page, "article", vmap_done(&am));
	vmap_value(&page, "breadcrumb", view_breadcrumb(a, site, root, m->chain, m->nchain));
	vmap_bool(&page, "has_breadcrumb", true);
	vmap_str(&page, "current", art->title);
	ctx = vmap_done(&page);
	rc = view_render(site, "article", &ctx, out);
	buf_finish(&dirb);
	buf_finish(&tb);
	return rc;
}
