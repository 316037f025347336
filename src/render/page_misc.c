/*
 * The smaller pages: the site's root page (every language's newest
 * articles), the 404 pages and the redirect pages left at old addresses.
 */
#include "render/render_int.h"

#include <string.h>

int render_home_page(const struct render_site *site, struct arena *a,
                     const struct render_home_lang *langs, size_t n, struct buf *out)
{
	struct view_page vp = {0};
	struct vmap page;
	struct vlist homes, alts;
	struct tpl_value ctx, alternates, feeds;
	size_t i;

	vlist_init(&homes, a);
	vlist_init(&alts, a);
	for (i = 0; i < n; i++) {
		struct vmap h, al;
		vmap_init(&h, a);
		vmap_str(&h, "code", langs[i].lang);
		vmap_str(&h, "name", view_lang_name(site, langs[i].lang));
		vmap_str(&h, "href", view_href(a, "", langs[i].lang));
		vmap_value(&h, "items",
		           view_items(a, site, "", langs[i].lang, langs[i].items, langs[i].nitems,
		                      true));
		vlist_add(&homes, vmap_done(&h));
		vmap_init(&al, a);
		vmap_str(&al, "lang", langs[i].lang);
		vmap_str(&al, "url", view_url(a, site, langs[i].lang));
		vlist_add(&alts, vmap_done(&al));
	}
	alternates = vlist_done(&alts);
	feeds = view_feeds(a, site, "", site->cfg->default_lang, "", false);
	vmap_init(&page, a);
	vp.lang = NULL;
	vp.dir = "";
	vp.title = site->cfg->title;
	vp.description = site->cfg->tagline;
	vp.og_type = "website";
	vp.canonical = true;
	vp.alternates = n > 1 ? &alternates : NULL;
	vp.feeds = &feeds;
	view_common(&page, site, &vp);
	vmap_value(&page, "homes", vlist_done(&homes));
	ctx = vmap_done(&page);
	return view_render(site, "home", &ctx, out);
}

int render_404_page(const struct render_site *site, struct arena *a, const char *lang,
                    struct buf *out)
{
	struct view_page vp = {0};
	struct vmap page;
	struct vlist msgs;
	struct tpl_value ctx;
	size_t i;

	vlist_init(&msgs, a);
	for (i = 0; i < site->cfg->nlangs; i++) {
		const char *l = site->cfg->langs[i].code;
		struct vmap m;
		if (lang && strcmp(lang, l) != 0)
			continue;
		vmap_init(&m, a);
		vmap_str(&m, "lang", l);
		vmap_str(&m, "title", i18n_get(site->i18n, l, "not_found_title"));
		vmap_str(&m, "text", i18n_get(site->i18n, l, "not_found_text"));
		vmap_str(&m, "go_home", i18n_get(site->i18n, l, "go_home"));
		/* Served at any depth: the one place links start from the server root. */
		vmap_str(&m, "href", view_printf(a, "/%s/", l));
		vlist_add(&msgs, vmap_done(&m));
	}
	vmap_init(&page, a);
	vp.lang = lang;
	vp.dir = lang ? lang : "";
	vp.title = i18n_get(site->i18n, lang ? lang : site->cfg->default_lang, "not_found_title");
	vp.absolute_links = true;
	view_common(&page, site, &vp);
	vmap_value(&page, "messages", vlist_done(&msgs));
	ctx = vmap_done(&page);
	return view_render(site, "404", &ctx, out);
}

int render_redirect_page(const struct render_site *site, struct arena *a, const char *lang,
                         const char *dir, const char *target_dir, const char *title,
                         struct buf *out)
{
	struct vmap page;
	struct tpl_value ctx;
	const char *root = view_root(a, dir);

	vmap_init(&page, a);
	vmap_str(&page, "lang", lang);
	vmap_value(&page, "t", *i18n_map(site->i18n, lang));
	vmap_str(&page, "target", view_href(a, root, target_dir));
	vmap_str(&page, "canonical", view_url(a, site, target_dir));
	vmap_str(&page, "title", title);
	ctx = vmap_done(&page);
	return view_render(site, "redirect", &ctx, out);
}
