/*
 * Markdown as it goes into pages: article lead, body and postscript,
 * section descriptions and author bios.
 *
 * Links to the site itself ("/en/x/") become relative to the page.  Raw
 * HTML (an HTML block, an inline tag, an imported WordPress post) is
 * either escaped -- render_site.raw_html off -- or let through by the
 * Markdown renderer and the whole rendered text then sanitised once
 * (san_html), rather than one tag at a time: a lone "<b>" has no end tag
 * until the Markdown around it closes, and sanitising it alone would make
 * it "<b></b>".  Text without raw HTML is not sanitised again: the
 * renderer writes only tags it knows, escapes text and checks URLs, so
 * its output is safe by construction and the sanitizer's cost (about
 * 15 MB/s) is only paid where raw HTML is.
 *
 * The sanitizer's options for Markdown: the renderer's classes kept (code
 * languages, table alignment), data: raster images allowed as the
 * renderer allows them, images on other sites turned into links to them
 * (an imported archive's pictures often still live on the old host, and a
 * page loads nothing from elsewhere), ids prefixed (SAN_ID_PREFIX) as for
 * any user content.  If the sanitizer refuses (input past its size or
 * nesting limits), the raw HTML is shown escaped instead.
 */
#include "render/render_int.h"

#include <string.h>

#include "text/mdr.h"
#include "text/sanitize.h"

struct md_ctx {
	const char *root;
	bool saw_html;
};

/* Raw HTML goes through as it is; the sanitizer sees it with the rest. */
static void raw(void *arg, const char *html, size_t n, struct buf *out)
{
	struct md_ctx *c = arg;

	c->saw_html = true;
	buf_put(out, html, n);
}

/*
 * Site-absolute links ("/en/x/") become relative to the page, pointing at
 * index.html for folders, so that copies work anywhere.
 */
static bool rewrite(void *arg, const char *url, size_t n, struct buf *out)
{
	const struct md_ctx *c = arg;

	if (n == 0 || url[0] != '/' || (n > 1 && url[1] == '/') || c->root == NULL)
		return false;
	buf_puts(out, c->root);
	buf_put(out, url + 1, n - 1);
	if (url[n - 1] == '/')
		buf_puts(out, "index.html");
	return true;
}

int view_markdown_buf(const struct render_site *site, const char *root, const char *md, size_t n,
                      struct buf *out)
{
	struct md_ctx c = {root, false};
	struct mdr_opts mo = {.rewrite_url = rewrite, .arg = &c};
	struct san_opts so = {
	        .rewrite_url = rewrite,
	        .arg = &c,
	        .allow_data_img = true,
	        .remote_img_link = true,
	        .mdr_classes = true,
	};
	struct buf b = BUF_INIT;
	int rc = -1;

	if (site->raw_html)
		mo.raw_html = raw;
	if (mdr_render(md, n, &mo, &b) != 0)
		goto out;
	if (!c.saw_html) {
		buf_put(out, b.p, b.n);
		rc = 0;
		goto out;
	}
	if (san_html(buf_cstr(&b), b.n, &so, out) != 0) {
		mo.raw_html = NULL;
		buf_reset(&b);
		if (mdr_render(md, n, &mo, &b) != 0)
			goto out;
		buf_put(out, b.p, b.n);
	}
	rc = 0;
out:
	buf_finish(&b);
	return rc;
}

const char *view_markdown(struct arena *a, const struct render_site *site, const char *root,
                          const char *md)
{
	struct buf b = BUF_INIT;
	const char *s = NULL;

	if (md == NULL || *md == '\0')
		return NULL;
	if (view_markdown_buf(site, root, md, strlen(md), &b) == 0)
		s = arena_strndup(a, buf_cstr(&b), b.n);
	buf_finish(&b);
	return s;
}
