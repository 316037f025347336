/*
 * Sitemaps (sitemaps.org 0.9) with hreflang alternates, their index, and
 * robots.txt pointing at it.
 */
#include "render/render_int.h"

#include <time.h>

static void xml(struct buf *out, const char *s)
{
	buf_put_html(out, s, strlen(s));
}

static void url_of(const struct render_site *site, const char *dir, struct buf *out)
{
	buf_puts(out, site->cfg->base_url);
	if (dir && *dir) {
		buf_puts(out, dir);
		buf_putc(out, '/');
	}
}

int render_sitemap(const struct render_site *site, const struct render_sitemap_url *urls,
                   size_t n, struct buf *out)
{
	struct buf u = BUF_INIT;
	size_t i, j;

	buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	              "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
	              "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
	for (i = 0; i < n; i++) {
		buf_puts(out, "<url><loc>");
		buf_reset(&u);
		url_of(site, urls[i].dir, &u);
		xml(out, u.p);
		buf_puts(out, "</loc>");
		if (urls[i].lastmod) {
			time_t tt = (time_t)urls[i].lastmod;
			struct tm tm;
			gmtime_r(&tt, &tm);
			buf_printf(out, "<lastmod>%04d-%02d-%02d</lastmod>", tm.tm_year + 1900,
			           tm.tm_mon + 1, tm.tm_mday);
		}
		if (urls[i].nalt) {
			/* The page itself is one of its alternates. */
			buf_puts(out, "\n<xhtml:link rel=\"alternate\" hreflang=\"");
			xml(out, urls[i].lang);
			buf_puts(out, "\" href=\"");
			xml(out, u.p);
			buf_puts(out, "\"/>");
			for (j = 0; j < urls[i].nalt; j++) {
				buf_puts(out, "\n<xhtml:link rel=\"alternate\" hreflang=\"");
				xml(out, urls[i].alt_langs[j]);
				buf_puts(out, "\" href=\"");
				buf_reset(&u);
				url_of(site, urls[i].alt_dirs[j], &u);
				xml(out, u.p);
				buf_puts(out, "\"/>");
			}
		}
		buf_puts(out, "</url>\n");
	}
	buf_puts(out, "</urlset>\n");
	buf_finish(&u);
	return 0;
}

int render_sitemap_index(const struct render_site *site, const char *const *files, size_t n,
                         struct buf *out)
{
	size_t i;

	buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	              "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (i = 0; i < n; i++) {
		buf_puts(out, "<sitemap><loc>");
		xml(out, site->cfg->base_url);
		xml(out, files[i]);
		buf_puts(out, "</loc></sitemap>\n");
	}
	buf_puts(out, "</sitemapindex>\n");
	return 0;
}

int render_robots(const struct render_site *site, struct buf *out)
{
	buf_printf(out, "User-agent: *\nAllow: /\n\nSitemap: %ssitemap.xml\n", site->cfg->base_url);
	return 0;
}
