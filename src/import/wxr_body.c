/*
 * A WordPress post's HTML as a tamizdat body.  The store keeps bodies as
 * Markdown; an imported post is kept as the sanitised HTML WordPress
 * would have shown, written as Markdown HTML blocks, rather than converted
 * to Markdown syntax.  Why:
 *
 * - Nothing is lost or changed: tables with merged cells, figures with
 *   captions, nested lists, definition lists, <sup>, <abbr>, ids for
 *   footnotes have no Markdown syntax, and escaping arbitrary text for
 *   CommonMark so that it reads back the same is a converter of its own
 *   to get wrong.  HTML blocks are passed through by the renderer
 *   untouched, and then sanitised with the rest of the page (page_article.c),
 *   so the published page shows exactly this HTML.
 * - It stays editable: each top-level element is a block of its own
 *   between blank lines, so an editor can change a paragraph, or write
 *   new ones in Markdown between them.
 * - The store holds clean HTML from the start: the sanitiser ran at
 *   import, so exports and feeds never carry what it would remove.
 *
 * For the HTML blocks to come out of Markdown as they went in, no block
 * may hold a blank line (it would end the block there): a line break that
 * ends a line of only spaces is written as "&#10;", which every HTML
 * parser reads as the same line break.  Runs of inline content between
 * blocks are wrapped in <p> (as wpautop would have), or <div> when they
 * hold a block element (a link around a div), so that every block starts
 * with a tag CommonMark knows as a block.
 */
#include "import/wxr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text/sanitize.h"
#include "util/buf.h"
#include "util/log.h"

static bool at(const char *s, size_t n, size_t i, const char *lit)
{
	size_t k = strlen(lit);

	return i <= n && n - i >= k && memcmp(s + i, lit, k) == 0;
}

/* ---- block delimiters ----------------------------------------------- */

/*
 * Removes the block editor's delimiters: "<!-- wp:name {json} -->",
 * "<!-- /wp:name -->" and the self-closing "<!-- wp:name {json} /-->"
 * (a dynamic block, which WordPress renders from its database: nothing
 * to show here).  What lies between them is the saved HTML, kept.
 */
static void strip_blocks(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, j;
	const char *end;

	while (i < n) {
		if (at(s, n, i, "<!--")) {
			for (j = i + 4; j < n && strchr(" \t\n\r\f", s[j]) && s[j]; j++)
				;
			if (j > i + 4 && j < n && s[j] == '/')
				j++;
			if (j > i + 4 && at(s, n, j, "wp:") &&
			    (end = memmem(s + j, n - j, "-->", 3)) != NULL) {
				i = (size_t)(end - s) + 3;
				continue;
			}
		}
		buf_putc(out, s[i++]);
	}
}

/* ---- links to the old site ---------------------------------------- */

/* s without "http://", "https://" or "//". */
static const char *no_scheme(const char *s)
{
	if (strncasecmp(s, "http://", 7) == 0)
		return s + 7;
	if (strncasecmp(s, "https://", 8) == 0)
		return s + 8;
	if (strncmp(s, "//", 2) == 0)
		return s + 2;
	return NULL;
}

/*
 * The path of url on the old site (from its '/'), or NULL if url is
 * elsewhere.  Hosts compare without case, paths with it.
 */
static const char *old_site_path(const char *url, const char *base)
{
	const char *u = no_scheme(url), *b = no_scheme(base);
	size_t host, bn;

	if (u == NULL || b == NULL)
		return NULL;
	bn = strlen(b);
	while (bn > 0 && b[bn - 1] == '/')
		bn--;
	host = strcspn(b, "/");
	if (host > bn)
		host = bn;
	if (bn == 0 || strncasecmp(u, b, host) != 0 || strncmp(u + host, b + host, bn - host) != 0)
		return NULL;
	u += bn;
	return *u == '\0' || *u == '/' || *u == '?' || *u == '#' ? u : NULL;
}

/* "p=N" or "page_id=N" in the query q (after '?'): N, or 0. */
static long post_query(const char *q)
{
	const char *p;
	long v;
	char *end;

	for (p = q; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
		const char *eq = NULL;
		if (strncmp(p, "p=", 2) == 0)
			eq = p + 2;
		else if (strncmp(p, "page_id=", 8) == 0)
			eq = p + 8;
		if (eq == NULL)
			continue;
		v = strtol(eq, &end, 10);
		if (v > 0 && end > eq && (*end == '\0' || *end == '&' || *end == '#'))
			return v;
	}
	return 0;
}

void wxr_pct_decode(const char *s, size_t n, struct buf *out)
{
	static const char hex[] = "0123456789abcdef";
	const char *h, *l;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && (h = strchr(hex, s[i + 1] | 0x20)) != NULL &&
		    (l = strchr(hex, s[i + 2] | 0x20)) != NULL) {
			buf_putc(out, (int)((h - hex) << 4 | (l - hex)));
			i += 2;
		} else {
			buf_putc(out, s[i]);
		}
	}
}

void wxr_path_folder(const char *path, struct buf *out)
{
	size_t n = strcspn(path, "?#"), start = out->n;

	while (n > 0 && *path == '/')
		path++, n--;
	while (n > 0 && path[n - 1] == '/')
		n--;
	wxr_pct_decode(path, n, out);
	/* A decoded "%2F" could end it with a slash again. */
	while (out->n > start && out->p[out->n - 1] == '/')
		buf_truncate(out, out->n - 1);
}

/*
 * The sanitizer's rewrite_url: links to the old site's pages become
 * site-absolute paths, which publishing makes relative and the import's
 * redirect pages resolve.  Its media (wp-content/, wp-includes/, and
 * files/ on wordpress.com) keep their address.
 */
static bool rewrite_old(void *arg, const char *url, size_t n, struct buf *out)
{
	const struct wxr_body_opts *o = arg;
	const char *path = NULL, *q;
	size_t i;
	long id;

	(void)n;
	for (i = 0; i < NELEM(o->base_urls) && path == NULL; i++)
		if (o->base_urls[i] && *o->base_urls[i])
			path = old_site_path(url, o->base_urls[i]);
	if (path == NULL)
		return false;
	if (strncmp(path, "/wp-content/", 12) == 0 || strncmp(path, "/wp-includes/", 13) == 0 ||
	    strncmp(path, "/files/", 7) == 0)
		return false;
	q = strchr(path, '?');
	if (q &&
	    (q == path || strncmp(path, "/?", 2) == 0 || strncmp(path, "/index.php?", 11) == 0) &&
	    (id = post_query(q + 1)) > 0) {
		char folder[32];
		snprintf(folder, sizeof(folder), "p/%ld", id);
		if (o->exists && !o->exists(o->arg, folder))
			return false;
		buf_printf(out, "/p/%ld/", id);
		if (strchr(q, '#'))
			buf_puts(out, strchr(q, '#'));
		return true;
	}
	if (o->exists) {
		struct buf f = BUF_INIT;
		bool ok;
		wxr_path_folder(path, &f);
		ok = f.n == 0 || o->exists(o->arg, buf_cstr(&f));
		buf_finish(&f);
		if (!ok)
			return false;
	}
	if (*path != '/')
		buf_putc(out, '/');
	buf_puts(out, path);
	return true;
}

/* ---- Markdown HTML blocks ------------------------------------------ */

/*
 * Elements that start an HTML block in CommonMark (its condition 6, and
 * pre of condition 1) among those the sanitizer writes.
 */
static const char *const block_names[] = {
        "address", "article", "aside", "blockquote", "caption",    "col",    "colgroup", "dd",
        "details", "div",     "dl",    "dt",         "figcaption", "figure", "footer",   "h1",
        "h2",      "h3",      "h4",    "h5",         "h6",         "header", "hr",       "li",
        "ol",      "p",       "pre",   "section",    "summary",    "table",  "tbody",    "td",
        "tfoot",   "th",      "thead", "tr",         "ul",
};

static bool is_block(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < NELEM(block_names); i++)
		if (strlen(block_names[i]) == n && memcmp(block_names[i], name, n) == 0)
			return true;
	return false;
}

/* The elements the sanitizer writes without an end tag. */
static bool is_void(const char *name, size_t n)
{
	return (n == 2 && (memcmp(name, "br", 2) == 0 || memcmp(name, "hr", 2) == 0)) ||
	       (n == 3 && (memcmp(name, "img", 3) == 0 || memcmp(name, "wbr", 3) == 0 ||
	                   memcmp(name, "col", 3) == 0));
}

/*
 * Block tags that md4c 0.4.8 (Debian 12) fails to see as the start of an
 * HTML block, against CommonMark: it stops at the first name of its table
 * that is a prefix ("head" before "header", "col" before "colgroup", "th"
 * before "thead") and lists h1 but not h2-h6.  Such a block is written
 * with its start tag alone on the first line, which starts an HTML block
 * of the other kind (a complete tag alone on its line) instead.
 */
static const char *const md4c_missed[] = {
        "colgroup", "h2", "h3", "h4", "h5", "h6", "header", "thead",
};

static bool missed_by_md4c(const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < NELEM(md4c_missed); i++) {
		k = strlen(md4c_missed[i]);
		if (n > k + 1 && s[0] == '<' && memcmp(s + 1, md4c_missed[i], k) == 0 &&
		    (s[k + 1] == '>' || s[k + 1] == ' '))
			return true;
	}
	return false;
}

/* Updates the count of open <pre> elements for the tags in s[i..e). */
static size_t pre_depth(const char *s, size_t i, size_t e, size_t depth)
{
	for (; i < e; i++) {
		if (s[i] != '<')
			continue;
		if (at(s, e, i, "<pre>") || at(s, e, i, "<pre "))
			depth++;
		else if (at(s, e, i, "</pre>") && depth > 0)
			depth--;
	}
	return depth;
}

/*
 * Writes the block s[0..n) so that Markdown passes it through byte for
 * byte.  Line by line:
 * - md4c turns the indentation of a line into spaces (tabs to the next
 *   multiple of four columns) and drops its trailing spaces: outside
 *   <pre>, where white space is only white space, the line is written so
 *   already; inside, tabs in the indentation are written "&#9;" and a
 *   trailing space "&#32;", which keep their meaning;
 * - a line left blank would end the block: its line break is written
 *   "&#10;", which an HTML parser reads as the same line break;
 * - a <pre> block ends, for CommonMark, on the line of the first
 *   "</pre>": after one (a <pre> inside the <pre>), every line break is
 *   written "&#10;" so that the block goes on to its own end tag;
 * - a block md4c would not see as one starts with its tag alone on the
 *   first line (md4c_missed).
 */
static void put_block(struct buf *out, const char *s, size_t n)
{
	bool pre_block = at(s, n, 0, "<pre"), closed = false;
	size_t i = 0, e, j, k, col, depth = 0, end_depth, start;

	if (missed_by_md4c(s, n)) {
		/* The start tag alone on its line (line breaks in its attributes encoded). */
		for (; i < n && s[i] != '>'; i++) {
			if (s[i] == '\n')
				buf_puts(out, "&#10;");
			else
				buf_putc(out, s[i]);
		}
		if (i < n)
			buf_putc(out, s[i++]);
		depth = pre_depth(s, 0, i, 0);
		if (i < n && s[i] != '\n')
			buf_putc(out, '\n');
		else if (i < n)
			i++, buf_putc(out, '\n');
	}
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		e = nl ? (size_t)(nl - s) : n;
		start = out->n;
		/* The indentation. */
		for (j = i, col = 0; j < e && (s[j] == ' ' || s[j] == '\t'); j++) {
			if (depth > 0 && s[j] == '\t') {
				buf_puts(out, "&#9;");
			} else if (depth > 0 || s[j] == ' ') {
				buf_putc(out, ' ');
				col++;
			} else {
				for (k = 4 - col % 4; k > 0; k--, col++)
					buf_putc(out, ' ');
			}
		}
		/* The rest of the line, without its trailing spaces. */
		end_depth = pre_depth(s, j, e, depth);
		for (k = e; k > j && s[k - 1] == ' '; k--)
			;
		buf_put(out, s + j, k - j);
		if (k < e && end_depth > 0) {
			buf_put(out, s + k, e - k - 1);
			buf_puts(out, "&#32;");
		}
		if (pre_block && !closed && memmem(s + i, e - i, "</pre>", 6) != NULL)
			closed = e < n;
		depth = end_depth;
		if (e == n)
			break;
		/* The line break. */
		for (k = start; k < out->n && (out->p[k] == ' ' || out->p[k] == '\t'); k++)
			;
		if (k == out->n || closed)
			buf_puts(out, "&#10;");
		else
			buf_putc(out, '\n');
		i = e + 1;
	}
}

/* Ends the block just written with a blank line, if something came before. */
static void separate(struct buf *out, size_t start)
{
	if (out->n > start)
		buf_puts(out, "\n\n");
}

/* A run of inline content [s, s+n), trimmed, in <p> or <div>. */
static void put_run(struct buf *out, size_t start, const char *s, size_t n, bool has_block)
{
	while (n > 0 && strchr(" \t\n\r\v\f", s[0]) && s[0])
		s++, n--;
	while (n > 0 && strchr(" \t\n\r\v\f", s[n - 1]) && s[n - 1])
		n--;
	if (n == 0)
		return;
	separate(out, start);
	buf_puts(out, has_block ? "<div>" : "<p>");
	put_block(out, s, n);
	buf_puts(out, has_block ? "</div>" : "</p>");
}

void wxr_blocks(const char *s, size_t n, struct buf *out)
{
	size_t start = out->n, i = 0, depth = 0, top = (size_t)-1, run = 0, k;
	bool in_run = false, run_block = false;

	/*
	 * The sanitizer's output is a tree written as tags: '<' only ever
	 * starts a tag (text and attribute values escape it), and every
	 * element but the void ones has its end tag.
	 */
	while (i < n) {
		const char *name;
		size_t nl;
		bool end;

		if (s[i] != '<') {
			if (depth == 0 && !in_run) {
				in_run = true;
				run = i;
				run_block = false;
			}
			i++;
			continue;
		}
		end = i + 1 < n && s[i + 1] == '/';
		name = s + i + 1 + end;
		for (nl = 0; name + nl < s + n && name[nl] != '>' && name[nl] != ' '; nl++)
			;
		for (k = i; k < n && s[k] != '>'; k++)
			;
		k = k < n ? k + 1 : n;
		if (depth == 0 && !end) {
			if (is_block(name, nl)) {
				if (in_run)
					put_run(out, start, s + run, i - run, run_block);
				in_run = false;
				top = i;
			} else if (!in_run) {
				in_run = true;
				run = i;
				run_block = false;
			}
		} else if (in_run && !end && is_block(name, nl)) {
			run_block = true;
		}
		if (end) {
			if (depth > 0)
				depth--;
		} else if (!is_void(name, nl)) {
			depth++;
		}
		i = k;
		/* A top-level block ends with its end tag (or is void). */
		if (!in_run && depth == 0 && top != (size_t)-1 && i > top) {
			/* Empty paragraphs (wpautop's, around what the sanitizer removed) go. */
			if (!(i - top == 7 && memcmp(s + top, "<p></p>", 7) == 0)) {
				separate(out, start);
				put_block(out, s + top, i - top);
			}
			top = (size_t)-1;
		}
	}
	if (in_run)
		put_run(out, start, s + run, n - run, run_block);
}

/* ---- text ----------------------------------------------------------- */

/* Decodes the character references the sanitizer writes. */
static size_t entity(const char *s, size_t n, size_t i, struct buf *out)
{
	static const struct {
		const char *ref, *text;
	} refs[] = {
	        {"&amp;", "&"},         {"&lt;", "<"},   {"&gt;", ">"},   {"&quot;", "\""},
	        {"&nbsp;", "\xC2\xA0"}, {"&#13;", "\r"}, {"&#10;", "\n"},
	};
	size_t k;

	for (k = 0; k < NELEM(refs); k++)
		if (at(s, n, i, refs[k].ref)) {
			buf_puts(out, refs[k].text);
			return strlen(refs[k].ref);
		}
	buf_putc(out, '&');
	return 1;
}

void wxr_html_text(const char *html, size_t n, bool one_line, struct buf *out)
{
	static const struct san_opts keep_all = {.allow_remote_img = true, .id_prefix = ""};
	struct buf clean = BUF_INIT, text = BUF_INIT;
	const char *s;
	size_t i = 0, k, start = out->n;
	bool space = false, para = false;

	if (san_html(html, n, &keep_all, &clean) != 0) {
		/* Nested too deep to parse: the text between the tags will do. */
		buf_reset(&clean);
		for (i = 0; i < n; i++) {
			if (html[i] == '<') {
				const char *gt = memchr(html + i, '>', n - i);
				if (gt == NULL)
					break;
				i = (size_t)(gt - html);
				buf_putc(&clean, ' ');
			} else if (html[i] == '&') {
				buf_puts(&clean, "&amp;");
			} else {
				buf_putc(&clean, html[i]);
			}
		}
	}
	s = buf_cstr(&clean);
	n = clean.n;
	i = 0;
	while (i < n) {
		if (s[i] == '<') {
			size_t nl;
			const char *name = s + i + 1 + (i + 1 < n && s[i + 1] == '/');
			for (nl = 0; name + nl < s + n && name[nl] != '>' && name[nl] != ' '; nl++)
				;
			if (is_block(name, nl) || (nl == 2 && memcmp(name, "br", 2) == 0))
				para = true;
			for (k = i; k < n && s[k] != '>'; k++)
				;
			i = k < n ? k + 1 : n;
			continue;
		}
		buf_reset(&text);
		i += s[i] == '&' ? entity(s, n, i, &text) : (buf_putc(&text, s[i]), 1);
		if (strchr(" \t\n\r\f\v", text.p[0]) && text.n == 1) {
			space = true;
			continue;
		}
		if (out->n > start) {
			if (para && !one_line)
				buf_puts(out, "\n\n");
			else if (para || space)
				buf_putc(out, ' ');
		}
		para = space = false;
		buf_put(out, text.p, text.n);
	}
	buf_finish(&clean);
	buf_finish(&text);
}

/* ---- the whole body ------------------------------------------------ */

int wxr_body(const char *html, size_t n, const struct wxr_body_opts *opts, struct buf *out,
             struct wxr_body_stats *st)
{
	static const struct wxr_body_opts none;
	struct wxr_body_stats dummy;
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct san_opts so = {0};
	int rc = -1;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	if (opts == NULL)
		opts = &none;
	/* the_content: [embed] and autoembed (8), do_blocks (9), wpautop (10), do_shortcode (11).
	 */
	wxr_embeds(html, n, &a, &st->sc);
	st->blocks = memmem(a.p ? a.p : "", a.n, "<!-- wp:", 8) != NULL;
	if (st->blocks) {
		strip_blocks(buf_cstr(&a), a.n, &b);
	} else {
		struct buf c = BUF_INIT;
		wxr_autop(buf_cstr(&a), a.n, &c);
		wxr_shortcode_unautop(buf_cstr(&c), c.n, &b);
		buf_finish(&c);
	}
	buf_reset(&a);
	wxr_shortcodes(buf_cstr(&b), b.n, &a, &st->sc);
	buf_reset(&b);
	so.allow_remote_img = true;
	so.rewrite_url = rewrite_old;
	so.arg = (void *)opts;
	if (san_html(buf_cstr(&a), a.n, &so, &b) != 0)
		goto out;
	wxr_blocks(buf_cstr(&b), b.n, out);
	rc = 0;
out:
	buf_finish(&a);
	buf_finish(&b);
	return rc;
}
