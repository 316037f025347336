/*
 * EPUB 3 export.  See epub.h.  The articles come from the store, their
 * Markdown goes through the site's renderer, and the HTML it makes is
 * re-parsed with gumbo and written out as well-formed XHTML, which EPUB
 * requires and HTML5 serialisation is not.
 */
#include "export/epub.h"

#include <gumbo.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/zip.h"
#include "render/i18n.h"
#include "site/site.h"
#include "store/store.h"
#include "text/mdr.h"
#include "text/sanitize.h"
#include "util/arena.h"
#include "util/log.h"

static const char css[] =
        "body { font-family: serif; line-height: 1.5; margin: 0 0.5em; }\n"
        "h1 { font-size: 1.5em; line-height: 1.2; margin: 0.5em 0; }\n"
        "h2 { font-size: 1.2em; }\n"
        ".surtitle, .meta, .source, .permalink { font-size: 0.85em; color: #555; }\n"
        ".subtitle { font-size: 1.15em; font-style: italic; }\n"
        ".lead { font-weight: bold; }\n"
        ".postscript { font-size: 0.9em; border-top: 1px solid #999; margin-top: 1em; }\n"
        ".permalink a, .source a { word-break: break-all; }\n"
        "blockquote { margin: 1em 1.5em; font-style: italic; }\n"
        "table { border-collapse: collapse; }\n"
        "td, th { border: 1px solid #999; padding: 0.2em 0.4em; }\n";

static const char xhtml_head[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE html>\n"
                                 "<html xmlns=\"http://www.w3.org/1999/xhtml\" "
                                 "xmlns:epub=\"http://www.idpf.org/2007/ops\"";

static void esc(struct buf *b, const char *s)
{
	if (s)
		buf_put_html(b, s, strlen(s));
}

/* ---- HTML to XHTML --------------------------------------------------- */

static bool is_void(GumboTag t)
{
	return t == GUMBO_TAG_BR || t == GUMBO_TAG_HR || t == GUMBO_TAG_WBR || t == GUMBO_TAG_COL;
}

static void xhtml_node(struct buf *out, const GumboNode *n)
{
	const GumboElement *e;
	const char *name;
	size_t i;

	switch (n->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
	case GUMBO_NODE_CDATA:
		esc(out, n->v.text.text);
		return;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		break;
	default:
		return; /* comments, the document */
	}
	e = &n->v.element;
	if (e->tag == GUMBO_TAG_SCRIPT || e->tag == GUMBO_TAG_STYLE)
		return;
	if (e->tag == GUMBO_TAG_IMG) {
		/* Offline: the description instead of an image from elsewhere. */
		const GumboAttribute *alt = gumbo_get_attribute(&e->attributes, "alt");
		if (alt && *alt->value) {
			buf_puts(out, "<span class=\"image\">[");
			esc(out, alt->value);
			buf_puts(out, "]</span>");
		}
		return;
	}
	name = e->tag == GUMBO_TAG_UNKNOWN ? NULL : gumbo_normalized_tagname(e->tag);
	if (name && *name && e->tag_namespace == GUMBO_NAMESPACE_HTML) {
		buf_printf(out, "<%s", name);
		for (i = 0; i < e->attributes.length; i++) {
			const GumboAttribute *a = e->attributes.data[i];
			size_t k;
			bool okname = a->name[0] != '\0' && strncmp(a->name, "on", 2) != 0;
			for (k = 0; a->name[k] && okname; k++)
				okname = (a->name[k] >= 'a' && a->name[k] <= 'z') ||
				         a->name[k] == '-' ||
				         (k && a->name[k] >= '0' && a->name[k] <= '9');
			if (!okname || strcmp(a->name, "xmlns") == 0)
				continue;
			buf_printf(out, " %s=\"", a->name);
			esc(out, a->value);
			buf_putc(out, '"');
		}
		if (is_void(e->tag)) {
			buf_puts(out, "/>");
			return;
		}
		buf_putc(out, '>');
	}
	for (i = 0; i < e->children.length; i++)
		xhtml_node(out, e->children.data[i]);
	if (name && *name && e->tag_namespace == GUMBO_NAMESPACE_HTML)
		buf_printf(out, "</%s>", name);
}

/* Appends html (a fragment) as XHTML. */
static void xhtml(struct buf *out, const char *html, size_t n)
{
	GumboOptions go = kGumboDefaultOptions;
	GumboOutput *g;
	size_t i;

	go.fragment_context = GUMBO_TAG_DIV;
	go.fragment_namespace = GUMBO_NAMESPACE_HTML;
	go.max_errors = 0;
	g = gumbo_parse_with_options(&go, html, n);
	/* A fragment parse gives <html> holding the fragment's nodes. */
	for (i = 0; i < g->root->v.element.children.length; i++)
		xhtml_node(out, g->root->v.element.children.data[i]);
	gumbo_destroy_output(&go, g);
}

/* ---- Markdown ---------------------------------------------------------- */

struct md_ctx {
	const struct site *site;
	bool saw_html;
};

/* Site-absolute links ("/en/x/") point at the site itself: the book has no pages for them. */
static bool rewrite(void *arg, const char *url, size_t n, struct buf *out)
{
	const struct md_ctx *c = arg;

	if (n == 0 || url[0] != '/' || (n > 1 && url[1] == '/'))
		return false;
	buf_puts(out, c->site->cfg.base_url);
	buf_put(out, url + 1, n - 1);
	return true;
}

/* Raw HTML goes through as it is; the sanitizer sees it with the rest. */
static void raw(void *arg, const char *html, size_t n, struct buf *out)
{
	struct md_ctx *c = arg;

	c->saw_html = true;
	buf_put(out, html, n);
}

/*
 * Appends Markdown md as XHTML.  Raw HTML (when the site keeps it) is
 * sanitised with the whole rendered text, as pages do (view_markdown.c),
 * and shown escaped if the sanitizer refuses.  0 or -1.
 */
static int markdown(const struct site *site, const char *md, struct buf *out)
{
	struct md_ctx c = {site, false};
	struct mdr_opts o = {
	        .rewrite_url = rewrite,
	        .raw_html = site->rs.raw_html ? raw : NULL,
	        .arg = &c,
	};
	struct san_opts so = {
	        .rewrite_url = rewrite,
	        .arg = &c,
	        .allow_data_img = true,
	        .remote_img_link = true,
	        .mdr_classes = true,
	};
	struct buf html = BUF_INIT, clean = BUF_INIT;
	int rc = -1;

	if (md == NULL || *md == '\0')
		return 0;
	if (mdr_render(md, strlen(md), &o, &html) != 0)
		goto out;
	if (c.saw_html) {
		if (san_html(buf_cstr(&html), html.n, &so, &clean) == 0) {
			buf_reset(&html);
			buf_put(&html, clean.p, clean.n);
		} else {
			o.raw_html = NULL;
			buf_reset(&html);
			if (mdr_render(md, strlen(md), &o, &html) != 0)
				goto out;
		}
	}
	xhtml(out, html.p ? html.p : "", html.n);
	rc = 0;
out:
	buf_finish(&html);
	buf_finish(&clean);
	return rc;
}

/* ---- documents -------------------------------------------------------- */

static const char *t(const struct site *site, const char *lang, const char *key)
{
	return i18n_get(site->i18n, lang, key);
}

static void open_doc(struct buf *b, const struct site *site, const char *lang, const char *title)
{
	buf_puts(b, xhtml_head);
	buf_printf(b,
	           " lang=\"%s\" xml:lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\"/>\n",
	           lang, lang, t(site, lang, "dir"));
	buf_puts(b, "<title>");
	esc(b, title);
	buf_puts(b, "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"style.css\"/>\n"
	            "</head>\n<body>\n");
}

static int chapter(const struct site *site, const struct article *a, struct buf *b)
{
	const char *lang = a->lang;
	size_t i;

	open_doc(b, site, lang, a->title);
	buf_puts(b, "<section epub:type=\"chapter\">\n");
	if (a->surtitle && *a->surtitle) {
		buf_puts(b, "<p class=\"surtitle\">");
		esc(b, a->surtitle);
		buf_puts(b, "</p>\n");
	}
	buf_puts(b, "<h1>");
	esc(b, a->title);
	buf_puts(b, "</h1>\n");
	if (a->subtitle && *a->subtitle) {
		buf_puts(b, "<p class=\"subtitle\">");
		esc(b, a->subtitle);
		buf_puts(b, "</p>\n");
	}
	buf_puts(b, "<p class=\"meta\">");
	if (a->nauthors) {
		esc(b, t(site, lang, "by"));
		buf_puts(b, " ");
		for (i = 0; i < a->nauthors; i++) {
			esc(b, a->authors[i].name);
			if (i + 1 < a->nauthors)
				buf_puts(b, ", ");
		}
		buf_puts(b, " · ");
	}
	esc(b, t(site, lang, "published"));
	buf_puts(b, " ");
	{
		struct buf d = BUF_INIT;
		i18n_date(site->i18n, lang, a->date, &d);
		esc(b, buf_cstr(&d));
		buf_finish(&d);
	}
	buf_puts(b, "</p>\n");
	if (a->lead && *a->lead) {
		buf_puts(b, "<div class=\"lead\">");
		if (markdown(site, a->lead, b) != 0)
			return -1;
		buf_puts(b, "</div>\n");
	}
	if (markdown(site, a->body, b) != 0)
		return -1;
	if (a->postscript && *a->postscript) {
		buf_puts(b, "<div class=\"postscript\">");
		if (markdown(site, a->postscript, b) != 0)
			return -1;
		buf_puts(b, "</div>\n");
	}
	if ((a->source_name && *a->source_name) || (a->first_published && *a->first_published)) {
		buf_puts(b, "<p class=\"source\">");
		if (a->source_name && *a->source_name) {
			esc(b, t(site, lang, "source"));
			buf_puts(b, ": ");
			if (a->source_url && *a->source_url) {
				buf_puts(b, "<a href=\"");
				esc(b, a->source_url);
				buf_puts(b, "\">");
				esc(b, a->source_name);
				buf_puts(b, "</a>");
			} else {
				esc(b, a->source_name);
			}
		}
		if (a->first_published && *a->first_published) {
			struct buf d = BUF_INIT;
			if (a->source_name && *a->source_name)
				buf_puts(b, " · ");
			esc(b, t(site, lang, "first_published"));
			buf_puts(b, ": ");
			i18n_date_partial(site->i18n, lang, a->first_published, &d);
			esc(b, buf_cstr(&d));
			buf_finish(&d);
		}
		buf_puts(b, "</p>\n");
	}
	{
		struct buf u = BUF_INIT;
		buf_puts(&u, site->cfg.base_url);
		model_article_dir(&u, a->lang, a->section_path, a->slug);
		buf_puts(&u, "/");
		buf_puts(b, "<p class=\"permalink\"><a href=\"");
		esc(b, u.p);
		buf_puts(b, "\">");
		esc(b, u.p);
		buf_puts(b, "</a></p>\n");
		buf_finish(&u);
	}
	buf_puts(b, "</section>\n</body>\n</html>\n");
	return 0;
}

static void iso(struct buf *b, int64_t when)
{
	time_t tt = (time_t)when;
	struct tm tm;

	gmtime_r(&tt, &tm);
	buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ---- selection -------------------------------------------------------- */

struct book {
	struct arena *a;
	struct article *arts; /* with bodies, newest first */
	size_t n;
	const char *lang;
	char *title;
	char *selection; /* for the identifier */
	int64_t modified;
};

static int select_articles(struct site *site, const struct epub_opts *o, struct book *bk)
{
	struct article_filter f = {.status = ST_PUBLISHED};
	struct article *list = NULL;
	struct section sec;
	char lang[16];
	const char *path = "";
	size_t n = 0, i;

	if (o->section) {
		const char *slash = strchr(o->section, '/');
		size_t ln = slash ? (size_t)(slash - o->section) : strlen(o->section);
		if (ln == 0 || ln >= sizeof(lang))
			return log_fail(
			        "\"%s\" is not a section (expected LANG/PATH, e.g. en/europe)",
			        o->section);
		memcpy(lang, o->section, ln);
		lang[ln] = '\0';
		path = slash ? slash + 1 : "";
		if (config_lang(&site->cfg, lang) == NULL)
			return log_fail("\"%s\" is not one of the site's languages", lang);
		if (store_section_find(site->store, bk->a, lang, path, &sec) != STORE_OK)
			return log_fail("section \"%s\" not found (see: tamizdat section list)",
			                o->section);
		f.section_id = sec.id;
		f.lang = arena_strdup(bk->a, lang);
		bk->lang = f.lang;
		bk->title = arena_printf(bk->a, "%s — %s", config_title(&site->cfg, lang),
		                         *path ? sec.title : config_title(&site->cfg, lang));
		if (!*path)
			bk->title = arena_strdup(bk->a, config_title(&site->cfg, lang));
		bk->selection = arena_printf(bk->a, "section:%lld", (long long)sec.id);
	} else {
		struct buf d = BUF_INIT;
		f.lang = o->lang;
		bk->lang = o->lang ? o->lang : site->cfg.default_lang;
		if (o->lang && config_lang(&site->cfg, o->lang) == NULL)
			return log_fail("\"%s\" is not one of the site's languages", o->lang);
		i18n_date(site->i18n, bk->lang, o->since, &d);
		bk->title = arena_printf(bk->a, "%s — %s %s", config_title(&site->cfg, bk->lang),
		                         t(site, bk->lang, "since"), buf_cstr(&d));
		buf_finish(&d);
		bk->selection = arena_printf(bk->a, "since:%lld:%s", (long long)o->since,
		                             o->lang ? o->lang : "");
	}
	if (store_article_list(site->store, bk->a, &f, &list, &n) != STORE_OK)
		return -1;
	bk->arts = arena_calloc(bk->a, n ? n : 1, sizeof(*bk->arts));
	for (i = 0; i < n; i++) {
		if (!o->section && list[i].date < o->since)
			break; /* newest first: the rest are older */
		if (store_article_get(site->store, bk->a, list[i].id, STORE_WITH_BODY,
		                      &bk->arts[bk->n]) != STORE_OK)
			return -1;
		if (bk->arts[bk->n].updated > bk->modified)
			bk->modified = bk->arts[bk->n].updated;
		if (bk->arts[bk->n].date > bk->modified)
			bk->modified = bk->arts[bk->n].date;
		bk->n++;
	}
	if (bk->n == 0)
		return log_fail("no published articles %s",
		                o->section ? "in that section" : "since that date");
	return 0;
}

static void uuid(const struct site *site, const char *selection, struct buf *out)
{
	unsigned char h[16];
	struct buf in = BUF_INIT;
	int i;

	buf_printf(&in, "%s#epub:%s", site->cfg.base_url, selection);
	crypto_generichash(h, sizeof(h), (const unsigned char *)in.p, in.n, NULL, 0);
	buf_finish(&in);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	buf_puts(out, "urn:uuid:");
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf_putc(out, '-');
		buf_printf(out, "%02x", h[i]);
	}
}

int epub_export(struct site *site, const struct epub_opts *o, struct epub_stats *st)
{
	struct book bk = {0};
	struct zip z;
	struct buf b = BUF_INIT, opf = BUF_INIT, nav = BUF_INIT, langs = BUF_INIT;
	size_t i;
	int rc = -1;

	bk.a = arena_new(0);
	zip_init(&z, 0);
	if (select_articles(site, o, &bk) != 0)
		goto out;
	zip_finish(&z);
	zip_init(&z, bk.modified);
	if (zip_add(&z, "mimetype", "application/epub+zip", 20, false) != 0)
		goto out;
	buf_puts(&b,
	         "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	         "<container version=\"1.0\" "
	         "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles>\n"
	         "<rootfile full-path=\"OEBPS/content.opf\" "
	         "media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n");
	if (zip_add(&z, "META-INF/container.xml", b.p, b.n, true) != 0 ||
	    zip_add(&z, "OEBPS/style.css", css, sizeof(css) - 1, true) != 0)
		goto out;

	/* The articles, and the lines of the manifest, spine and contents that name them. */
	open_doc(&nav, site, bk.lang, bk.title);
	buf_puts(&nav, "<h1>");
	esc(&nav, bk.title);
	buf_puts(&nav, "</h1>\n<nav epub:type=\"toc\" id=\"toc\">\n<h2>");
	esc(&nav, t(site, bk.lang, "contents"));
	buf_puts(&nav, "</h2>\n<ol>\n");
	for (i = 0; i < bk.n; i++) {
		char name[64];
		const char *l = bk.arts[i].lang;
		snprintf(name, sizeof(name), "a%05zu.xhtml", i + 1);
		buf_reset(&b);
		if (chapter(site, &bk.arts[i], &b) != 0)
			goto out;
		{
			char path[80];
			snprintf(path, sizeof(path), "OEBPS/%s", name);
			if (zip_add(&z, path, b.p, b.n, true) != 0)
				goto out;
		}
		buf_printf(&opf,
		           "<item id=\"a%zu\" href=\"%s\" media-type=\"application/xhtml+xml\"/>\n",
		           i + 1, name);
		buf_printf(&nav, "<li><a href=\"%s\"", name);
		if (strcmp(l, bk.lang) != 0)
			buf_printf(&nav, " lang=\"%s\" xml:lang=\"%s\"", l, l);
		buf_puts(&nav, ">");
		esc(&nav, bk.arts[i].title);
		buf_puts(&nav, "</a></li>\n");
		if (!strstr(buf_cstr(&langs), l)) {
			buf_printf(&langs, "<dc:language>%s</dc:language>\n", l);
		}
	}
	buf_puts(&nav, "</ol>\n</nav>\n</body>\n</html>\n");
	if (zip_add(&z, "OEBPS/nav.xhtml", nav.p, nav.n, true) != 0)
		goto out;

	buf_reset(&b);
	buf_printf(&b,
	           "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	           "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" "
	           "unique-identifier=\"uid\" xml:lang=\"%s\">\n"
	           "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
	           "<dc:identifier id=\"uid\">",
	           bk.lang);
	uuid(site, bk.selection, &b);
	buf_puts(&b, "</dc:identifier>\n<dc:title>");
	esc(&b, bk.title);
	buf_printf(&b, "</dc:title>\n<dc:language>%s</dc:language>\n", bk.lang);
	{
		/* The book's language first, then the others its articles are in. */
		char first[64];
		snprintf(first, sizeof(first), "<dc:language>%s</dc:language>\n", bk.lang);
		const char *p = buf_cstr(&langs);
		while (*p) {
			const char *e = strchr(p, '\n') + 1;
			if ((size_t)(e - p) != strlen(first) ||
			    strncmp(p, first, strlen(first)) != 0)
				buf_put(&b, p, (size_t)(e - p));
			p = e;
		}
	}
	buf_puts(&b, "<dc:creator>");
	esc(&b, config_title(&site->cfg, bk.lang));
	buf_puts(&b, "</dc:creator>\n<dc:publisher>");
	esc(&b, config_title(&site->cfg, bk.lang));
	buf_puts(&b, "</dc:publisher>\n<dc:source>");
	esc(&b, site->cfg.base_url);
	buf_puts(&b, "</dc:source>\n<dc:date>");
	iso(&b, bk.modified);
	buf_puts(&b, "</dc:date>\n<meta property=\"dcterms:modified\">");
	iso(&b, bk.modified);
	buf_puts(&b, "</meta>\n</metadata>\n<manifest>\n"
	             "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" "
	             "properties=\"nav\"/>\n"
	             "<item id=\"css\" href=\"style.css\" media-type=\"text/css\"/>\n");
	buf_put(&b, opf.p ? opf.p : "", opf.n);
	buf_puts(&b, "</manifest>\n<spine>\n<itemref idref=\"nav\"/>\n");
	for (i = 0; i < bk.n; i++)
		buf_printf(&b, "<itemref idref=\"a%zu\"/>\n", i + 1);
	buf_puts(&b, "</spine>\n</package>\n");
	if (zip_add(&z, "OEBPS/content.opf", b.p, b.n, true) != 0 || zip_write(&z, o->out) != 0)
		goto out;
	if (st) {
		st->articles = bk.n;
		st->bytes = z.out.n;
	}
	rc = 0;
out:
	zip_finish(&z);
	buf_finish(&b);
	buf_finish(&opf);
	buf_finish(&nav);
	buf_finish(&langs);
	arena_free(bk.a);
	return rc;
}
