/*
 * Markdown to HTML: md4c parses CommonMark (with tables, strikethrough and
 * autolinks); this module renders the HTML itself, so that publishing can
 * rewrite link and image destinations (site-absolute "/en/x/" into
 * page-relative "../../en/x/index.html") and decide what raw HTML becomes.
 *
 * Raw HTML in Markdown (blocks and inline tags) is escaped, shown as text,
 * unless the caller passes an html callback (the sanitizer, once it
 * exists), which then receives each raw HTML chunk and writes what is safe.
 *
 * The dialect is CommonMark 0.30 (as md4c 0.4.8 reads it) with GitHub's
 * tables and ~~strikethrough~~, and bare URLs, e-mail addresses and
 * "www." names made links; "www." ones get https://.  The output is HTML5
 * ("<br>", "<img ...>"), laid out as cmark lays it out.
 */
#ifndef TZ_MDR_H
#define TZ_MDR_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

struct mdr_opts {
	/*
	 * Called for every link href and image src, autolinks included,
	 * with the destination decoded (character references and backslash
	 * escapes undone; percent-escapes as written).  Write the
	 * destination to use into out (unescaped; the renderer escapes it)
	 * and return true, or return false to keep it as is.  Whatever the
	 * result, a javascript:, vbscript: or data: destination is then
	 * dropped (the link keeps its text, the image its alt), except
	 * data:image/png, gif, jpeg and webp for images.
	 */
	bool (*rewrite_url)(void *arg, const char *url, size_t n, struct buf *out);
	/*
	 * Called for raw HTML (a whole HTML block, or one inline tag, even
	 * one that spans lines).  Write the HTML to emit into out.  NULL: raw
	 * HTML is escaped.  Raw HTML inside an image's alt text is always
	 * escaped.
	 */
	void (*raw_html)(void *arg, const char *html, size_t n, struct buf *out);
	void *arg;
	/*
	 * Add id="..." slugs to headings (h2-h6), for in-page links: the
	 * heading's ASCII letters and digits in lower case joined by
	 * hyphens, "h-N" for the Nth such heading if it has none, then
	 * "-2", "-3"... to keep them unique in the document.
	 */
	bool heading_ids;
};

/*
 * Renders n bytes of Markdown (UTF-8; invalid sequences are replaced by
 * U+FFFD) and appends the HTML to out.  opts may be NULL.  Returns 0, or -1
 * with the reason recorded.  Never reads outside src[0..n).
 */
int mdr_render(const char *src, size_t n, const struct mdr_opts *opts, struct buf *out);

/*
 * Appends the plain text of the Markdown (no markup, paragraphs separated
 * by a blank line, list items and table rows by a line break, links as
 * their text, images as their alt text, the text of HTML blocks without
 * their tags), at most max bytes, cut on a word boundary with an ellipsis
 * ("…", counted in max) when cut.  The text is not HTML-escaped.  For
 * summaries, feeds and mail.  Returns 0, or -1 with the reason recorded.
 */
int mdr_render_text(const char *src, size_t n, size_t max, struct buf *out);

#endif
