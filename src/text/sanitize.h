/*
 * The HTML sanitizer: every piece of raw HTML that reaches a page goes
 * through san_html() -- WordPress imports, raw HTML inside Markdown, partner
 * feeds.  Input is parsed as an HTML5 fragment (gumbo, in a <div> context),
 * filtered through a fixed allowlist of elements and attributes, and
 * serialised again by this module, so the output is well-formed, uses one
 * spelling for everything, and contains nothing that can run script, load
 * anything from another site, or submit a form.
 *
 * The output is meant to sit inside a flow container (<div>, <article>,
 * <section>) of a no-quirks (<!doctype html>) page; not inside <p>, <a>,
 * <table> or a list, whose parsing rules would rearrange it.
 *
 * It is not a validator or a pretty-printer: it keeps the input's structure
 * as far as the allowlist lets it and reports nothing about what it removed.
 */
#ifndef TZ_SANITIZE_H
#define TZ_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/*
 * Prefix put in front of every id the input carries (and of same-page
 * fragment links "#x"), so that user content cannot clobber the page's own
 * ids or those scripts might look up.  The theme must not use ids with it.
 */
#define SAN_ID_PREFIX "u-"

/*
 * Largest input accepted, in bytes: gumbo cannot index past 4 GiB, and an
 * article above 64 MiB is an import gone wrong, not a text.
 */
#define SAN_MAX_INPUT ((size_t)64 << 20)

/*
 * Deepest nesting of elements accepted.  The parser's time grows with the
 * square of the depth, browsers stop nesting at 512, and no article nests
 * a hundred.  The depth is estimated by a quick scan before parsing.
 */
#define SAN_MAX_DEPTH 1000

struct san_opts {
	/*
	 * Called for every URL the output keeps (a href, img src, the cite
	 * of blockquote, q, del and ins), after it passed the scheme check.
	 * url is decoded (no character references) and stripped the way a
	 * browser strips it.  Write the URL to use into out (decoded; the
	 * sanitizer escapes it) and return true, or return false to keep it.
	 * The result is checked again; a rewritten URL that fails the check
	 * is dropped.  NULL: URLs are kept as they are.
	 */
	bool (*rewrite_url)(void *arg, const char *url, size_t n, struct buf *out);
	void *arg;
	/* Prefix for ids; NULL means SAN_ID_PREFIX, "" keeps ids unchanged. */
	const char *id_prefix;
	/*
	 * NULL: an <a href> keeps the rel keywords it had that are known
	 * (nofollow, noopener, noreferrer, ugc, sponsored, external, ...).
	 * Otherwise every <a href> gets rel set to this string instead, such
	 * as "nofollow ugc" for partner feeds.
	 */
	const char *link_rel;
	/*
	 * Allow <img src="data:image/{png,gif,jpeg,webp,avif};base64,...">.
	 * Off by default: inline images bloat every page, feed and mail that
	 * carries the text, and an importer should rather save them as files.
	 * SVG data is never allowed.
	 */
	bool allow_data_img;
	/*
	 * Allow img src on other sites (http:, https:, "//host/").  Off by
	 * default: pages load nothing from third parties, so an importer
	 * copies remote images and maps their URLs with rewrite_url, which is
	 * called before this check.
	 */
	bool allow_remote_img;
	/*
	 * An img refused only for being on another site becomes a link to
	 * it instead of vanishing: its text is the alt text, or else the
	 * file's name (inside a link, the text alone).  For imported
	 * archives whose images still live on the old site: nothing loads,
	 * nothing is lost.
	 */
	bool remote_img_link;
	/*
	 * Keep the classes mdr writes (mdr.h): class="language-NAME" on code
	 * and class="align-left|center|right" on th and td.  For sanitising
	 * rendered Markdown as a whole.
	 */
	bool mdr_classes;
};

/*
 * Sanitises n bytes of HTML (any bytes: invalid UTF-8 becomes U+FFFD, NUL
 * bytes are dropped) and appends the result to out.  opts may be NULL (all
 * defaults).  html is borrowed, need not be NUL-terminated, and is read
 * only in [0, n); out is the caller's.  Returns 0, or -1 with the reason
 * recorded (input longer than SAN_MAX_INPUT or nested deeper than
 * SAN_MAX_DEPTH; out is then unchanged).  Keeps no state between calls:
 * safe to call from several threads at once.
 *
 * The output is idempotent: sanitising it again with the same opts, and
 * rewrite_url NULL (or a rewrite that maps its own results to themselves),
 * yields the same bytes.  This holds by construction: the result is
 * re-parsed and re-serialised until it no longer changes (in practice
 * twice, which is where half the time goes: about 15 MB/s in all).
 */
int san_html(const char *html, size_t n, const struct san_opts *opts, struct buf *out);

#endif
