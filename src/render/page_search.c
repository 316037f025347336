/*
 * The search page: the form, the count, each result (breadcrumb, title
 * and snippet with the matched words marked, date) and the pages of
 * results; and the Atom feed of a search.  The page lives in LANG/search/,
 * so its links go up two folders, like any other page's.
 */
#include "render/render_int.h"

#include <string.h>

/* The marks of matched words (search.h's SEARCH_MARK_ON and _OFF). */
#define MARK_ON '\x02'
#define MARK_OFF '\x03'

void render_marked_html(struct buf *out, const char *s)
{
	const char *p = s, *q;
	bool open = false;

	while (*p) {
		for (q = p; *q && *q != MARK_ON && *q != MARK_OFF; q++)
			;
		buf_put_html(out, p, (size_t)(q - p));
		if (*q == MARK_ON && !open) {
			buf_puts(out, "<mark>");
			open = true;
		} else if (*q == MARK_OFF && open) {
			buf_puts(out, "</mark>");
			open = false;
		}
		p = *q ? q + 1 : q;
	}
	if (open)
		buf_puts(out, "</mark>");
}

static const char *marked_html(struct arena *a, const char *s)
{
	struct buf b = BUF_INIT;
	const char *r;

	render_marked_html(&b, s);
	r = arena_strndup(a, buf_cstr(&b), b.n);
	buf_finish(&b);
	return r;
}

/* s without its marks, for feeds. */
static const char *unmarked(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s), *w = r;
	const char *p;

	for (p = s; *p; p++)
		if (*p != MARK_ON && *p != MARK_OFF)
			*w++ = *p;
	*w = '\0';
	return r;
}

static struct tpl_value hits_value(struct arena *a, const struct render_site *site,
                                   const char *root, const struct render_search *m)
{
	struct vlist l;
	struct buf dir = BUF_INIT;
	size_t i;

	vlist_init(&l, a);
	for (i = 0; i < m->nhits; i++) {
		const struct render_search_hit *h = &m->hits[i];
		const struct article *art = h->art;
		struct vmap v;
		vmap_init(&v, a);
		buf_reset(&dir);
		model_article_dir(&dir, art->lang, art->section_path, art->slug);
		vmap_str(&v, "href", view_href(a, root, dir.p));
		vmap_str(&v, "title_html", marked_html(a, h->title && *h->title ? h->title : art->title));
		vmap_str(&v, "surtitle", art->surtitle);
		vmap_str(&v, "snippet_html", h->snippet ? marked_html(a, h->snippet) : NULL);
		vmap_str(&v, "date_iso", view_date_iso(a, art->date));
		vmap_str(&v, "date_text", view_date(a, site, m->lang, art->date));
		if (strcmp(art->lang, m->lang) != 0) {
			vmap_str(&v, "other_lang", art->lang);
			vmap_str(&v, "lang_name", view_lang_name(site, art->lang));
		}
		vmap_value(&v, "crumbs", view_breadcrumb(a, site, root, h->chain, h->nchain));
		vlist_add(&l, vmap_done(&v));
	}
	buf_finish(&dir);
	return vlist_done(&l);
}

static const char *page_link(struct arena *a, const struct render_search *m, size_t page)
{
	if (page <= 1)
		return arena_printf(a, "?%s", m->args ? m->args : "");
	return arena_printf(a, "?%s%spage=%zu", m->args ? m->args : "",
	                    m->args && *m->args ? "&" : "", page);
}

int render_search_page(const struct render_site *site, struct arena *a,
                       const struct render_search *m, struct buf *out)
{
	const char *dir = arena_printf(a, "%s/search", m->lang);
	const char *root = view_root(a, dir);
	bool has_query = m->query && *m->query;
	struct view_page vp = {0};
	struct vmap page, pager, feed;
	struct vlist msgs, feeds;
	struct tpl_value ctx, feedv;
	size_t i;

	vlist_init(&feeds, a);
	if (has_query) {
		vmap_init(&feed, a);
		vmap_str(&feed, "type", "application/atom+xml");
		vmap_str(&feed, "title", i18n_get(site->i18n, m->lang, "search_feed"));
		vmap_str(&feed, "href", arena_printf(a, "atom.xml?%s", m->args ? m->args : ""));
		vlist_add(&feeds, vmap_done(&feed));
	}
	feedv = vlist_done(&feeds);
	vp.lang = m->lang;
	vp.dir = dir;
	vp.title = has_query ? view_with_name(a, site, m->lang, "search_title_query", m->query)
	                     : i18n_get(site->i18n, m->lang, "search");
	vp.canonical = !has_query;
	vp.feeds = has_query ? &feedv : NULL;
	vmap_init(&page, a);
	view_common(&page, site, &vp);
	vmap_str(&page, "query", m->query);
	vmap_bool(&page, "all_langs", m->all_langs);
	vmap_bool(&page, "has_languages_choice", site->cfg->nlangs > 1);
	vmap_str(&page, "section", m->section);
	vmap_bool(&page, "is_static", m->is_static);
	if (m->is_static)
		vmap_str(&page, "server_search", view_url(a, site, dir));
	vlist_init(&msgs, a);
	for (i = 0; i < m->nmessages; i++)
		vlist_add(&msgs, tpl_str(m->messages[i]));
	vmap_value(&page, "messages", vlist_done(&msgs));
	vmap_bool(&page, "has_query", has_query);
	if (has_query) {
		vmap_str(&page, "count_text",
		         m->total ? view_plural(a, site, m->lang, "search_results", m->total)
		                  : i18n_get(site->i18n, m->lang, "search_no_results"));
		vmap_value(&page, "hits", hits_value(a, site, root, m));
		vmap_bool(&page, "has_hits", m->nhits > 0);
		vmap_str(&page, "first", arena_printf(a, "%zu", m->first ? m->first : 1));
		vmap_str(&page, "feed_href", arena_printf(a, "atom.xml?%s", m->args ? m->args : ""));
		if (m->npages > 1) {
			const char *of = i18n_get(site->i18n, m->lang, "search_page_of");
			const char *p = strstr(of, "{n}"), *q = strstr(of, "{total}");
			vmap_init(&pager, a);
			if (p && q && p < q)
				vmap_str(&pager, "text",
				         arena_printf(a, "%.*s%zu%.*s%zu%s", (int)(p - of), of, m->page,
				                      (int)(q - p - 3), p + 3, m->npages, q + 7));
			if (m->page > 1)
				vmap_str(&pager, "previous", page_link(a, m, m->page - 1));
			if (m->page < m->npages)
				vmap_str(&pager, "next", page_link(a, m, m->page + 1));
			vmap_value(&page, "pager", vmap_done(&pager));
		}
	}
	ctx = vmap_done(&page);
	return view_render(site, "search", &ctx, out);
}

int render_search_feed(const struct render_site *site, struct arena *a,
                       const struct render_search *m, struct buf *out)
{
	struct render_item *items = arena_calloc(a, m->nhits + 1, sizeof(*items));
	struct render_feed f = {0};
	size_t i;

	for (i = 0; i < m->nhits; i++) {
		items[i].art = m->hits[i].art;
		items[i].section = m->hits[i].nchain ? m->hits[i].chain[m->hits[i].nchain - 1] : NULL;
	}
	f.lang = m->lang;
	f.title = arena_printf(a, "%s — %s",
	                       view_with_name(a, site, m->lang, "search_title_query",
	                                      unmarked(a, m->query ? m->query : "")),
	                       config_title(site->cfg, m->lang));
	f.dir = arena_printf(a, "%s/search", m->lang);
	f.query = m->args;
	f.items = items;
	f.nitems = m->nhits;
	return render_feed_atom(site, a, &f, out);
}
