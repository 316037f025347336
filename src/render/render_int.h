/*
 * Internals of the page renderers: building template values in an arena,
 * the keys every page shares, links and dates.
 */
#ifndef TZ_RENDER_INT_H
#define TZ_RENDER_INT_H

#include "render/i18n.h"
#include "render/render.h"
#include "render/tpl.h"
#include "util/arena.h"

/* A map under construction; grows in the arena. */
struct vmap {
	struct arena *a;
	struct tpl_pair *pairs;
	size_t n, cap;
};

void vmap_init(struct vmap *m, struct arena *a);
/* Empty or NULL strings become null values, so that {{#x}} skips them. */
void vmap_str(struct vmap *m, const char *key, const char *s);
void vmap_strn(struct vmap *m, const char *key, const char *s, size_t n);
void vmap_bool(struct vmap *m, const char *key, bool b);
void vmap_value(struct vmap *m, const char *key, struct tpl_value v);
struct tpl_value vmap_done(const struct vmap *m);

/* A list under construction. */
struct vlist {
	struct arena *a;
	struct tpl_value *items;
	size_t n, cap;
};

void vlist_init(struct vlist *l, struct arena *a);
void vlist_add(struct vlist *l, struct tpl_value v);
struct tpl_value vlist_done(const struct vlist *l);

/* Arena copies of formatted text. */
const char *view_printf(struct arena *a, const char *fmt, ...) PRINTFLIKE(2, 3);
/* A link from the page in from_dir to the page in to_dir: "../../en/x/index.html". */
const char *view_href(struct arena *a, const char *root, const char *to_dir);
/* The absolute URL of a folder's page: base_url + dir + "/". */
const char *view_url(struct arena *a, const struct render_site *site, const char *dir);
const char *view_date(struct arena *a, const struct render_site *site, const char *lang,
                      int64_t t);
/* "2026-11-27" (UTC). */
const char *view_date_iso(struct arena *a, int64_t t);
const char *view_plural(struct arena *a, const struct render_site *site, const char *lang,
                        const char *key, size_t n);
/* i18n string with {name} replaced by name. */
const char *view_with_name(struct arena *a, const struct render_site *site, const char *lang,
                           const char *key, const char *name);
/* The name of a language in that language ("Русский"), or its code. */
const char *view_lang_name(const struct render_site *site, const char *lang);

/* Page-level parameters for view_common(). */
struct view_page {
	const char *lang;       /* page language; NULL on language-neutral pages */
	const char *dir;        /* the page's folder ("" = root) */
	const char *title;      /* <title> */
	const char *description;
	const char *og_type;    /* "article", "website"; NULL: no OpenGraph */
	bool canonical;         /* emit rel=canonical (false for archive pages? no: always) */
	const struct tpl_value *alternates; /* hreflang list, or NULL */
	const struct tpl_value *feeds;      /* feed links, or NULL */
	/* Language switch targets per site language (NULL: its home). */
	const char *const *switch_dirs;
	bool absolute_links; /* 404 pages: root-relative links (served at any depth) */
};

/* Adds the keys the layout uses to m. */
void view_common(struct vmap *m, const struct render_site *site, const struct view_page *p);
/* The root prefix of the page, as view_common() computed it. */
const char *view_root(struct arena *a, const char *dir);

/* Renders template name with ctx into out. */
int view_render(const struct render_site *site, const char *name, const struct tpl_value *ctx,
                struct buf *out);

/* Items of a list as the items partial wants them. */
struct tpl_value view_items(struct arena *a, const struct render_site *site, const char *root,
                            const char *lang, const struct render_item *items, size_t n,
                            bool show_section);
/* Breadcrumb of a section chain (root first), each linked. */
struct tpl_value view_breadcrumb(struct arena *a, const struct render_site *site,
                                 const char *root, const struct section *const *chain,
                                 size_t n);
/* Feed links of a list folder: Atom and RSS (and JSON Feed for languages). */
struct tpl_value view_feeds(struct arena *a, const struct render_site *site, const char *root,
                            const char *lang, const char *dir, bool json);
/*
 * Markdown (a lead, a body, a description) as HTML for the page whose
 * root prefix is root (view_root()): site-absolute links made relative,
 * raw HTML sanitised or escaped as site->raw_html says (view_markdown.c).
 * NULL for empty or failed input; arena-owned.
 */
const char *view_markdown(struct arena *a, const struct render_site *site, const char *root,
                          const char *md);
/* The same into out (appended).  0 or -1. */
int view_markdown_buf(const struct render_site *site, const char *root, const char *md,
                      size_t n, struct buf *out);
/* A short plain-text summary of an article: its lead, or its excerpt. */
const char *view_summary(const struct article *art);

#endif
