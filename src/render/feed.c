/*
 * Feeds: Atom (RFC 4287), RSS 2.0 and JSON Feed 1.1, for the site, each
 * language, section, author and tag.  Entries carry a summary (the lead or
 * the start of the body), not the full text, so that the thousands of
 * feeds of a large archive stay small and cheap to rewrite.  Ids are
 * UUID URNs derived from the site and the article id, so that they survive
 * moves and title changes.
 */
#include "render/render_int.h"

#include <jansson.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

/*
 * Appends s escaped for XML text and attribute values.  Control characters,
 * which XML 1.0 does not allow, become spaces.  A table marks the bytes to
 * replace, so that runs of ordinary text are copied whole.
 */
static void xml(struct buf *out, const char *s)
{
	static const unsigned char special[256] = {
		[0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
		[0x07] = 1, [0x08] = 1, [0x0b] = 1, [0x0c] = 1, [0x0e] = 1, [0x0f] = 1,
		[0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1,
		[0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1,
		[0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, ['&'] = 1, ['<'] = 1,
		['>'] = 1, ['"'] = 1, ['\''] = 1,
	};
	const unsigned char *p = (const unsigned char *)s, *start = p;

	for (;; p++) {
		const char *rep;
		while (*p && !special[*p])
			p++;
		if (*p == '\0')
			break;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		default: rep = " ";
		}
		buf_put(out, start, (size_t)(p - start));
		buf_puts(out, rep);
		start = p + 1;
	}
	buf_put(out, start, (size_t)(p - start));
}

/* Appends n as exactly w digits (0 <= n < 10^w). */
static void digits(struct buf *out, int n, int w)
{
	char d[8];
	int i;

	for (i = w - 1; i >= 0; i--) {
		d[i] = (char)('0' + n % 10);
		n /= 10;
	}
	buf_put(out, d, (size_t)w);
}

static void rfc3339(struct buf *out, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
		buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		return;
	}
	digits(out, tm.tm_year + 1900, 4);
	buf_putc(out, '-');
	digits(out, tm.tm_mon + 1, 2);
	buf_putc(out, '-');
	digits(out, tm.tm_mday, 2);
	buf_putc(out, 'T');
	digits(out, tm.tm_hour, 2);
	buf_putc(out, ':');
	digits(out, tm.tm_min, 2);
	buf_putc(out, ':');
	digits(out, tm.tm_sec, 2);
	buf_putc(out, 'Z');
}

static void rfc822(struct buf *out, int64_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
	           months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void render_article_uid(const struct render_site *site, int64_t id, struct buf *out)
{
	unsigned char h[16];
	char in[600];
	int n, i;

	n = snprintf(in, sizeof(in), "%s#article-%lld", site->cfg->base_url, (long long)id);
	crypto_generichash(h, sizeof(h), (const unsigned char *)in,
	                   (unsigned long long)(n < (int)sizeof(in) ? n : (int)sizeof(in) - 1),
	                   NULL, 0);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x80); /* version 8: custom (RFC 9562) */
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	buf_puts(out, "urn:uuid:");
	for (i = 0; i < 16; i++) {
		static const char hex[] = "0123456789abcdef";
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf_putc(out, '-');
		buf_putc(out, hex[h[i] >> 4]);
		buf_putc(out, hex[h[i] & 15]);
	}
}

static int64_t item_updated(const struct article *a)
{
	return a->updated > a->date ? a->updated : a->date;
}

static int64_t feed_updated(const struct render_feed *f)
{
	int64_t t = 0;
	size_t i;

	for (i = 0; i < f->nitems; i++)
		if (item_updated(f->items[i].art) > t)
			t = item_updated(f->items[i].art);
	return t;
}

/*
 * The site's mirrors and onion address as alternate links (tag "link" in
 * Atom, "atom:link" in RSS): a reader whose client follows a feed can find
 * the site again when its domain is blocked.
 */
static void mirror_links(const struct render_site *site, const char *tag, struct buf *out)
{
	size_t i;

	for (i = 0; i < site->cfg->nmirrors; i++) {
		buf_printf(out, "<%s rel=\"alternate\" type=\"text/html\" title=\"mirror\" href=\"",
		           tag);
		xml(out, site->cfg->mirrors[i]);
		buf_puts(out, "\"/>\n");
	}
	if (*site->cfg->onion) {
		buf_printf(out, "<%s rel=\"alternate\" type=\"text/html\" title=\"onion\" href=\"",
		           tag);
		xml(out, site->cfg->onion);
		buf_puts(out, "\"/>\n");
	}
}

/* Absolute URL of a file in the feed's folder. */
static void file_url(const struct render_site *site, const struct render_feed *f,
                     const char *file, struct buf *out)
{
	buf_puts(out, site->cfg->base_url);
	if (f->dir && *f->dir) {
		buf_puts(out, f->dir);
		buf_putc(out, '/');
	}
	buf_puts(out, file);
	if (f->query && *f->query) {
		buf_putc(out, '?');
		buf_puts(out, f->query);
	}
}

static void article_url(const struct render_site *site, const struct article *a,
                        struct buf *out)
{
	buf_puts(out, site->cfg->base_url);
	model_article_dir(out, a->lang, a->section_path, a->slug);
	buf_putc(out, '/');
}

int render_feed_atom(const struct render_site *site, struct arena *a, const struct render_feed *f,
                     struct buf *out)
{
	struct buf u = BUF_INIT;
	size_t i, j;

	(void)a;
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	              "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
	if (f->lang) {
		buf_puts(out, " xml:lang=\"");
		xml(out, f->lang);
		buf_putc(out, '"');
	}
	buf_puts(out, ">\n<title>");
	xml(out, f->title);
	buf_puts(out, "</title>\n<id>");
	file_url(site, f, "atom.xml", &u);
	xml(out, u.p);
	buf_puts(out, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	xml(out, u.p);
	buf_puts(out, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	buf_reset(&u);
	buf_puts(&u, site->cfg->base_url);
	if (f->dir && *f->dir) {
		buf_puts(&u, f->dir);
		buf_putc(&u, '/');
	}
	if (f->query && *f->query) {
		buf_putc(&u, '?');
		buf_puts(&u, f->query);
	}
	xml(out, u.p);
	buf_puts(out, "\"/>\n<updated>");
	rfc3339(out, feed_updated(f));
	buf_puts(out, "</updated>\n<author><name>");
	xml(out, config_title(site->cfg, f->lang));
	buf_puts(out, "</name></author>\n<generator uri=\"https://tamizdat.example.org/\">tamizdat"
	              "</generator>\n");
	mirror_links(site, "link", out);
	for (i = 0; i < f->nitems; i++) {
		const struct article *art = f->items[i].art;
		const char *summary = view_summary(art);
		buf_puts(out, "<entry>\n<title>");
		xml(out, art->title);
		buf_puts(out, "</title>\n<id>");
		buf_reset(&u);
		render_article_uid(site, art->id, &u);
		xml(out, u.p);
		buf_puts(out, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
		buf_reset(&u);
		article_url(site, art, &u);
		xml(out, u.p);
		buf_puts(out, "\"/>\n<published>");
		rfc3339(out, art->date);
		buf_puts(out, "</published>\n<updated>");
		rfc3339(out, item_updated(art));
		buf_puts(out, "</updated>\n");
		for (j = 0; j < art->nauthors; j++) {
			buf_puts(out, "<author><name>");
			xml(out, art->authors[j].name);
			buf_puts(out, "</name></author>\n");
		}
		for (j = 0; j < art->ntags; j++) {
			buf_puts(out, "<category term=\"");
			xml(out, art->tags[j].name);
			buf_puts(out, "\"/>\n");
		}
		if (*summary) {
			buf_puts(out, "<summary>");
			xml(out, summary);
			buf_puts(out, "</summary>\n");
		}
		buf_puts(out, "</entry>\n");
	}
	buf_puts(out, "</feed>\n");
	buf_finish(&u);
	return 0;
}

int render_feed_rss(const struct render_site *site, struct arena *a, const struct render_feed *f,
                    struct buf *out)
{
	struct buf u = BUF_INIT;
	size_t i, j;

	(void)a;
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	              "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "
	              "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>");
	xml(out, f->title);
	buf_puts(out, "</title>\n<link>");
	buf_puts(&u, site->cfg->base_url);
	if (f->dir && *f->dir) {
		buf_puts(&u, f->dir);
		buf_putc(&u, '/');
	}
	xml(out, u.p);
	buf_puts(out, "</link>\n<description>");
	xml(out, *config_tagline(site->cfg, f->lang) ? config_tagline(site->cfg, f->lang)
	                                               : f->title);
	buf_puts(out, "</description>\n");
	if (f->lang) {
		buf_puts(out, "<language>");
		xml(out, f->lang);
		buf_puts(out, "</language>\n");
	}
	buf_puts(out, "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"");
	buf_reset(&u);
	file_url(site, f, "rss.xml", &u);
	xml(out, u.p);
	buf_puts(out, "\"/>\n<lastBuildDate>");
	rfc822(out, feed_updated(f));
	buf_puts(out, "</lastBuildDate>\n<generator>tamizdat</generator>\n");
	mirror_links(site, "atom:link", out);
	for (i = 0; i < f->nitems; i++) {
		const struct article *art = f->items[i].art;
		const char *summary = view_summary(art);
		buf_puts(out, "<item>\n<title>");
		xml(out, art->title);
		buf_puts(out, "</title>\n<link>");
		buf_reset(&u);
		article_url(site, art, &u);
		xml(out, u.p);
		buf_puts(out, "</link>\n<guid isPermaLink=\"false\">");
		buf_reset(&u);
		render_article_uid(site, art->id, &u);
		xml(out, u.p);
		buf_puts(out, "</guid>\n<pubDate>");
		rfc822(out, art->date);
		buf_puts(out, "</pubDate>\n");
		for (j = 0; j < art->nauthors; j++) {
			buf_puts(out, "<dc:creator>");
			xml(out, art->authors[j].name);
			buf_puts(out, "</dc:creator>\n");
		}
		for (j = 0; j < art->ntags; j++) {
			buf_puts(out, "<category>");
			xml(out, art->tags[j].name);
			buf_puts(out, "</category>\n");
		}
		if (*summary) {
			buf_puts(out, "<description>");
			xml(out, summary);
			buf_puts(out, "</description>\n");
		}
		buf_puts(out, "</item>\n");
	}
	buf_puts(out, "</channel>\n</rss>\n");
	buf_finish(&u);
	return 0;
}

static json_t *jstr(const char *s)
{
	return json_string(s ? s : "");
}

int render_feed_json(const struct render_site *site, struct arena *a, const struct render_feed *f,
                     struct buf *out)
{
	json_t *feed = json_object(), *items = json_array(), *authors;
	struct buf u = BUF_INIT;
	char *s;
	size_t i, j;

	(void)a;
	json_object_set_new(feed, "version", json_string("https://jsonfeed.org/version/1.1"));
	json_object_set_new(feed, "title", jstr(f->title));
	buf_puts(&u, site->cfg->base_url);
	if (f->dir && *f->dir) {
		buf_puts(&u, f->dir);
		buf_putc(&u, '/');
	}
	json_object_set_new(feed, "home_page_url", jstr(u.p));
	buf_reset(&u);
	file_url(site, f, "feed.json", &u);
	json_object_set_new(feed, "feed_url", jstr(u.p));
	if (f->lang)
		json_object_set_new(feed, "language", jstr(f->lang));
	if (site->cfg->nmirrors || *site->cfg->onion) {
		/* A JSON Feed extension (its name starts with '_'): where else the site is. */
		json_t *ext = json_object(), *m = json_array();
		json_object_set_new(ext, "about", json_string("mirrors.json at the site root"));
		for (i = 0; i < site->cfg->nmirrors; i++)
			json_array_append_new(m, jstr(site->cfg->mirrors[i]));
		json_object_set_new(ext, "mirrors", m);
		if (*site->cfg->onion)
			json_object_set_new(ext, "onion", jstr(site->cfg->onion));
		json_object_set_new(feed, "_mirrors", ext);
	}
	for (i = 0; i < f->nitems; i++) {
		const struct article *art = f->items[i].art;
		const char *summary = view_summary(art);
		json_t *it = json_object(), *tags;
		buf_reset(&u);
		render_article_uid(site, art->id, &u);
		json_object_set_new(it, "id", jstr(u.p));
		buf_reset(&u);
		article_url(site, art, &u);
		json_object_set_new(it, "url", jstr(u.p));
		json_object_set_new(it, "title", jstr(art->title));
		json_object_set_new(it, "content_text", jstr(*summary ? summary : art->title));
		if (*summary)
			json_object_set_new(it, "summary", jstr(summary));
		buf_reset(&u);
		rfc3339(&u, art->date);
		json_object_set_new(it, "date_published", jstr(u.p));
		buf_reset(&u);
		rfc3339(&u, item_updated(art));
		json_object_set_new(it, "date_modified", jstr(u.p));
		if (art->nauthors) {
			authors = json_array();
			for (j = 0; j < art->nauthors; j++) {
				json_t *au = json_object();
				json_object_set_new(au, "name", jstr(art->authors[j].name));
				buf_reset(&u);
				buf_printf(&u, "%s%s/authors/%s/", site->cfg->base_url, art->lang,
				           art->authors[j].slug);
				json_object_set_new(au, "url", jstr(u.p));
				json_array_append_new(authors, au);
			}
			json_object_set_new(it, "authors", authors);
		}
		if (art->ntags) {
			tags = json_array();
			for (j = 0; j < art->ntags; j++)
				json_array_append_new(tags, jstr(art->tags[j].name));
			json_object_set_new(it, "tags", tags);
		}
		json_object_set_new(it, "language", jstr(art->lang));
		json_array_append_new(items, it);
	}
	json_object_set_new(feed, "items", items);
	s = json_dumps(feed, JSON_PRESERVE_ORDER | JSON_INDENT(1));
	json_decref(feed);
	buf_finish(&u);
	if (s == NULL)
		return log_fail("cannot write JSON feed");
	buf_puts(out, s);
	buf_putc(out, '\n');
	free(s);
	return 0;
}
