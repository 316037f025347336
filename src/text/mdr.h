/*
 * Markdown to HTML: md4c parses CommonMark (with tables, strikethrough and
 * autolinks); this module renders the HTML itself, so that publishing can
 * rewrite link and image destinations (site-absolute "/en/x/" into
 * page-relative "../../en/x/index.html") and decide what raw HTML becomes.
 *
 * Raw HTML in Markdown (blocks and inline tags) is escaped, shown as text,
 * unless the caller passes an html callback (the sanitizer, once it
 * exists), which then receives each raw HTML chunk and writes what is safe.
 */
#ifndef TZ_MDR_H
#define TZ_MDR_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

struct mdr_opts {
	/*
	 * Called for every link href and image src.  Write the destination to
	 * use into out (already-decoded URL, unescaped; the renderer
	 * escapes it) and return true, or return false to keep it as is.
	 */
	bool (*rewrite_url)(void *arg, const char *url, size_t n, struct buf *out);
	/*
	 * Called for raw HTML (a whole HTML block, or one inline tag).  Write
	 * the HTML to emit into out.  NULL: raw HTML is escaped.
	 */
	void (*raw_html)(void *arg, const char *html, size_t n, struct buf *out);
	void *arg;
	/* Add id="..." slugs to headings (h2-h6), for in-page links. */
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
 * by a blank line, links as their text), at most max bytes, cut on a word
 * boundary with an ellipsis when cut.  For summaries, feeds and mail.
 */
int mdr_render_text(const char *src, size_t n, size_t max, struct buf *out);

#endif
