/*
 * List pages: a section (with its subsections' articles), an author or a
 * tag, paginated so that archive pages never change as the list grows
 * (numbered from the oldest); and the index pages of all authors and tags.
 */
#include "render/render_int.h"

#include <string.h>


size_t render_nchunks(size_t n, size_t p)
{
	return p ? (n + p - 1) / p : 0;
}

size_t render_index_first_chunk(size_t n, size_t p)
{
	size_t c = render_nchunks(n, p);

	if (c <= 1)
		return 0;
	/* A partial newest chunk is shown together with the full one before it. */
	return n % p ? c - 2 : c - 1;
}

static const char *list_heading(struct arena *a, const struct render_site *site,
                                const struct render_list *m)
{
	switch (m->kind) {
	case RENDER_LIST_SECTION:
		return m->nchain && m->chain[m->nchain - 1]->depth > 0
		               ? m->chain[m->nchain - 1]->title
		               : config_title(site->cfg, m->lang);
	case RENDER_LIST_AUTHOR:
		return m->author->name;
	case RENDER_LIST_TAG:
		return view_with_name(a, site, m->lang, "articles_tagged", m->tag->name);
	}
	return "";
}

int render_list_page(const struct render_site *site, struct arena *a, const struct render_list *m,
                     struct buf *out)
{
	struct view_page vp = {0};
	struct vmap page, pager;
	struct vlist subs;
	const char *dir, *root, *heading, *title;
	struct tpl_value ctx, feeds;
	size_t i;

	dir = m->chunk ? arena_printf(a, "%s/page/%zu", m->dir, m->chunk) : m->dir;
	root = view_root(a, dir);
	heading = list_heading(a, site, m);
	title = heading;
	if (m->chunk) {
		const char *pn = i18n_get(site->i18n, m->lang, "page_n");
		const char *at = strstr(pn, "{n}");
		title = at ? view_printf(a, "%s — %.*s%zu%s", heading, (int)(at - pn), pn, m->chunk,
		                         at + 3)
		           : view_printf(a, "%s — %s %zu", heading, pn, m->chunk);
	}

	vmap_init(&page, a);
	feeds = view_feeds(a, site, root, m->lang, m->dir,
	                   m->kind == RENDER_LIST_SECTION && m->nchain == 1);
	vp.lang = m->lang;
	vp.dir = dir;
	vp.title = view_printf(a, "%s — %s", title, config_title(site->cfg, m->lang));
	vp.og_type = m->chunk ? NULL : "website";
	vp.canonical = true;
	vp.feeds = &feeds;
	if (m->kind == RENDER_LIST_SECTION && m->nchain && m->chain[m->nchain - 1]->depth == 0) {
		vp.title = m->chunk ? vp.title : config_title(site->cfg, m->lang);
		vp.description = config_tagline(site->cfg, m->lang);
	} else if (m->kind == RENDER_LIST_SECTION && m->nchain) {
		vp.description = m->chain[m->nchain - 1]->description;
	} else if (m->kind == RENDER_LIST_AUTHOR) {
		vp.description = m->author->bio;
	}
	view_common(&page, site, &vp);
	vmap_value(&page, "feeds", feeds);
	vmap_str(&page, "heading", m->chunk ? title : heading);

	/* The breadcrumb leads to the list; the list itself is the current item. */
	if (m->kind == RENDER_LIST_SECTION) {
		size_t n = m->chunk ? m->nchain : (m->nchain ? m->nchain - 1 : 0);
		vmap_value(&page, "breadcrumb", view_breadcrumb(a, site, root, m->chain, n));
		vmap_bool(&page, "has_breadcrumb", m->nchain > 1 || m->chunk);
		if (!m->chunk)
			vmap_str(&page, "current", heading);
		else
			vmap_str(&page, "current", title);
	} else {
		struct vlist bc;
		struct vmap home, idx;
		vlist_init(&bc, a);
		vmap_init(&home, a);
		vmap_str(&home, "title", config_title(site->cfg, m->lang));
		vmap_str(&home, "href", view_href(a, root, m->lang));
		vlist_add(&bc, vmap_done(&home));
		vmap_init(&idx, a);
		vmap_str(&idx, "title",
		         i18n_get(site->i18n, m->lang,
		                  m->kind == RENDER_LIST_AUTHOR ? "authors" : "tags"));
		vmap_str(&idx, "href",
		         view_href(a, root,
		                   view_printf(a, "%s/%s", m->lang,
		                               m->kind == RENDER_LIST_AUTHOR ? "authors" : "tags")));
		vlist_add(&bc, vmap_done(&idx));
		vmap_value(&page, "breadcrumb", vlist_done(&bc));
		vmap_bool(&page, "has_breadcrumb", true);
		vmap_str(&page, "current", m->chunk ? title : heading);
	}

	if (!m->chunk) {
		/* Things that change with every new article stay off archive pages. */
		vmap_str(&page, "count_text", view_plural(a, site, m->lang, "articles", m->total));
		if (m->kind == RENDER_LIST_AUTHOR) {
			vmap_str(&page, "kind_text",
			         i18n_get(site->i18n, m->lang,
			                  m->author->kind == AUTHOR_ORGANISATION ? "organisation"
			                                                         : "person"));
			vmap_str(&page, "intro", view_markdown(a, site, root, m->author->bio));
		} else if (m->kind == RENDER_LIST_SECTION && m->nchain &&
		           m->chain[m->nchain - 1]->depth > 0) {
			vmap_str(&page, "intro", view_markdown(a, site, root, m->chain[m->nchain - 1]->description));
		}
		vlist_init(&subs, a);
		for (i = 0; i < m->nchildren; i++) {
			struct vmap s;
			struct buf d = BUF_INIT;
			model_section_dir(&d, m->children[i]->lang, m->children[i]->path);
			vmap_init(&s, a);
			vmap_str(&s, "title", m->children[i]->title);
			vmap_str(&s, "href", view_href(a, root, d.p));
			vlist_add(&subs, vmap_done(&s));
			buf_finish(&d);
		}
		vmap_value(&page, "subsections", vlist_done(&subs));
		vmap_bool(&page, "has_subsections", m->nchildren > 0);
	}
	vmap_str(&page, "list_title", i18n_get(site->i18n, m->lang, "latest"));
	vmap_value(&page, "items",
	           view_items(a, site, root, m->lang, m->items, m->nitems,
	                      m->kind != RENDER_LIST_SECTION || m->nchildren > 0 ||
	                              (m->nchain && m->chain[m->nchain - 1]->depth == 0)));
	if (m->older || m->newer) {
		vmap_init(&pager, a);
		if (m->newer == (size_t)-1)
			vmap_str(&pager, "newer", view_href(a, root, m->dir));
		else if (m->newer)
			vmap_str(&pager, "newer",
			         view_href(a, root, view_printf(a, "%s/page/%zu", m->dir, m->newer)));
		if (m->older)
			vmap_str(&pager, "older",
			         view_href(a, root, view_printf(a, "%s/page/%zu", m->dir, m->older)));
		vmap_value(&page, "pager", vmap_done(&pager));
	}
	ctx = vmap_done(&page);
	return view_render(site, "list", &ctx, out);
}

int render_index_page(const struct render_site *site, struct arena *a, const char *lang,
                      enum render_list_kind kind, const struct render_index_entry *entries,
                      size_t n, struct buf *out)
{
	const char *key = kind == RENDER_LIST_AUTHOR ? "authors" : "tags";
	const char *dir = view_printf(a, "%s/%s", lang, key);
	const char *root = view_root(a, dir);
	const char *heading = i18n_get(site->i18n, lang, key);
	struct view_page vp = {0};
	struct vmap page, home;
	struct vlist l, bc;
	struct tpl_value ctx;
	size_t i;

	vmap_init(&page, a);
	vp.lang = lang;
	vp.dir = dir;
	vp.title = view_printf(a, "%s — %s", heading, config_title(site->cfg, lang));
	vp.og_type = "website";
	vp.canonical = true;
	view_common(&page, site, &vp);
	vmap_str(&page, "heading", heading);
	vlist_init(&bc, a);
	vmap_init(&home, a);
	vmap_str(&home, "title", config_title(site->cfg, lang));
	vmap_str(&home, "href", view_href(a, root, lang));
	vlist_add(&bc, vmap_done(&home));
	vmap_value(&page, "breadcrumb", vlist_done(&bc));
	vmap_bool(&page, "has_breadcrumb", true);
	vmap_str(&page, "current", heading);
	vlist_init(&l, a);
	for (i = 0; i < n; i++) {
		struct vmap e;
		vmap_init(&e, a);
		vmap_str(&e, "name", entries[i].name);
		vmap_str(&e, "href", view_href(a, root, entries[i].dir));
		vmap_str(&e, "count_text", view_plural(a, site, lang, "articles", entries[i].count));
		vlist_add(&l, vmap_done(&e));
	}
	vmap_value(&page, "entries", vlist_done(&l));
	ctx = vmap_done(&page);
	return view_render(site, "index", &ctx, out);
}
