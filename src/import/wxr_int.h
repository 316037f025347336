/*
 * Inside the WordPress import (wxr.h): the streaming WXR reader, WordPress's
 * own rendering of a post (wpautop, shortcodes, block delimiters), and the
 * conversion of the result into a Markdown body.  These parts are pure --
 * no store, no files but the one read -- so that tests and fuzz targets
 * reach them directly.
 */
#ifndef TZ_WXR_INT_H
#define TZ_WXR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* ---- the reader (wxr_read.c) --------------------------------------- */

/*
 * Longest text kept from one element.  libxml2 refuses text nodes past
 * 10 MB anyway (XML_MAX_TEXT_LENGTH, without XML_PARSE_HUGE); a post body
 * that long is an export gone wrong.  Past it the import stops with the
 * element's location rather than hold the rest of a runaway element.
 */
#define WXR_MAX_FIELD ((size_t)16 << 20)
/*
 * Most terms, meta entries and comments kept per item: real posts have a
 * few dozen at most.  Past these the rest are counted, not kept, so that
 * one item's memory stays bounded.
 */
#define WXR_MAX_TERMS 1000
#define WXR_MAX_META  1000

/* Channel data: what precedes the authors, terms and items. */
struct wxr_channel {
	const char *version;       /* wp:wxr_version, "1.2" */
	const char *title;         /* channel title */
	const char *link;          /* channel link */
	const char *language;      /* RSS language ("en-US"), "" if none */
	const char *base_site_url; /* wp:base_site_url */
	const char *base_blog_url; /* wp:base_blog_url */
};

struct wxr_author {
	int64_t id;
	const char *login, *email, *display_name, *first_name, *last_name;
};

/* A term of the channel: wp:category, wp:tag or wp:term. */
struct wxr_term {
	int64_t id;
	const char *taxonomy; /* "category", "post_tag", or wp:term_taxonomy */
	const char *slug;     /* nicename, as written (may be percent-encoded) */
	const char *parent;   /* the parent's slug, "" for none */
	const char *name;
	const char *description;
};

/* A term an item belongs to: <category domain="..." nicename="...">name</category>. */
struct wxr_item_term {
	const char *domain; /* "category", "post_tag", "language", "post_translations"... */
	const char *nicename;
	const char *name;
};

struct wxr_meta {
	const char *key, *value;
};

/* One <item>: a post, page, attachment, menu item... */
struct wxr_item {
	unsigned long line; /* where it starts in the file */
	const char *title, *link, *guid, *creator;
	const char *content; /* content:encoded */
	const char *excerpt; /* excerpt:encoded */
	int64_t post_id, post_parent;
	const char *post_date, *post_date_gmt, *post_modified_gmt;
	const char *post_name, *status, *post_type, *post_password;
	const char *attachment_url;
	bool has_post_id;
	struct wxr_item_term *terms;
	size_t nterms;
	struct wxr_meta *meta;
	size_t nmeta;
	size_t ncomments;
};

/*
 * What the reader calls as each element closes.  Strings are borrowed for
 * the call only, never NULL ("" when absent), trimmed of surrounding white
 * space except content and excerpt.  A handler returns 0, or -1 with the
 * reason recorded, which stops the reading: wxr_read() then fails with
 * that reason and the location of the element.  channel is called once,
 * before the first author, term or item (or at the end if there are none),
 * after the WXR version was checked.  Any handler may be NULL.
 */
struct wxr_handler {
	int (*channel)(void *arg, const struct wxr_channel *c);
	int (*author)(void *arg, const struct wxr_author *a);
	int (*term)(void *arg, const struct wxr_term *t);
	int (*item)(void *arg, const struct wxr_item *it);
	/* Bytes read so far and the total (0 if unknown), for a progress bar. */
	void (*progress)(void *arg, size_t done, size_t total);
	void *arg;
};

/*
 * Reads the WXR file at path, streaming: memory stays bounded by the
 * largest item, whatever the file's size.  The document must be
 * well-formed XML (no DOCTYPE: WXR has none, and refusing it rules out
 * entity expansion), an <rss> with a <channel> holding a wp:wxr_version
 * of the form N.N before any item.  Returns 0, or -1 with a reason of the
 * form "FILE:LINE:COLUMN: what" for the first problem.
 */
int wxr_read_file(const char *path, const struct wxr_handler *h);
/* The same over n bytes in memory; name is used in messages. */
int wxr_read_mem(const char *data, size_t n, const char *name, const struct wxr_handler *h);

/* ---- WordPress's rendering (wxr_autop.c, wxr_shortcode.c) ----------- */

/*
 * wpautop() of WordPress 6 (wp-includes/formatting.php), ported step by
 * step, with $br = true: double line breaks become paragraphs, single ones
 * <br />.  Appends to out.
 */
void wxr_autop(const char *s, size_t n, struct buf *out);
/*
 * shortcode_unautop(): unwraps the <p> wpautop put around a shortcode that
 * stands alone, for the shortcodes wxr_shortcodes() knows.  Appends to out.
 */
void wxr_shortcode_unautop(const char *s, size_t n, struct buf *out);

struct wxr_shortcode_stats {
	size_t captions; /* [caption] made figures */
	size_t embeds;   /* [embed], [audio], [video] made links */
	size_t removed;  /* [gallery], [playlist]: they need WordPress's database */
};

/*
 * do_shortcode() for WordPress's own shortcodes: [caption] and
 * [wp_caption] become <figure> with <figcaption>; [embed], [audio] and
 * [video] become links to their media (an embed would load another site);
 * [gallery] and [playlist] are removed.  Other shortcodes are left as
 * text, as WordPress leaves shortcodes nobody registered; [[x]] escapes a
 * known one.  Appends to out; st may be NULL.
 */
void wxr_shortcodes(const char *s, size_t n, struct buf *out, struct wxr_shortcode_stats *st);

/*
 * What WordPress does to the_content before wpautop: the [embed]
 * shortcode, then autoembed (a URL alone on its line, or alone in a
 * paragraph), both made links.  Appends to out; st may be NULL.
 */
void wxr_embeds(const char *s, size_t n, struct buf *out, struct wxr_shortcode_stats *st);

/* ---- a post's body (wxr_body.c) ------------------------------------- */

struct wxr_body_opts {
	/*
	 * The old site's addresses ("https://example.org/blog"): links to
	 * its pages become site-absolute paths ("/2019/05/slug/"), which
	 * publishing makes relative and the import's redirect pages
	 * resolve; "?p=N" and "?page_id=N" become "/p/N/".  Media under
	 * wp-content/ and files/ keep their address.  NULL or "": none.
	 */
	const char *base_urls[2];
	/*
	 * Will the new site have a page at folder ("2019/05/slug", "p/12")?
	 * Links to old pages that will not exist keep their old address.
	 * NULL: assume every one will.
	 */
	bool (*exists)(void *arg, const char *folder);
	void *arg;
};

/*
 * The folder a path on the old site names: query and fragment dropped,
 * percent-encoding undone, no slash at either end ("/2019/05/slug/?x" ->
 * "2019/05/slug").  Appends to out.
 */
void wxr_path_folder(const char *path, struct buf *out);
/* Appends s with percent-encoding undone (as WordPress encodes slugs). */
void wxr_pct_decode(const char *s, size_t n, struct buf *out);

struct wxr_body_stats {
	struct wxr_shortcode_stats sc;
	bool blocks; /* block editor content (no wpautop) */
};

/*
 * The body of a post as WordPress renders it, as Markdown: block
 * delimiters removed (block content) or wpautop and shortcode_unautop
 * (classic content), lone URLs made links (where WordPress would embed),
 * shortcodes, then the sanitizer (remote images kept: their URLs stay as
 * they are), then written as HTML blocks that Markdown passes through
 * untouched: top-level elements separated by blank lines, runs of inline
 * content wrapped in <p>, no blank line inside a block.  Appends to out.
 * 0, or -1 with the reason recorded (the sanitizer refused the input).
 */
int wxr_body(const char *html, size_t n, const struct wxr_body_opts *opts, struct buf *out,
             struct wxr_body_stats *st);
/*
 * Sanitised HTML (san_html's output) as Markdown HTML blocks: the last
 * step of wxr_body(), for tests.  Appends to out.
 */
void wxr_blocks(const char *html, size_t n, struct buf *out);
/*
 * The text of an HTML fragment (tags removed, character references
 * decoded, white space collapsed): paragraphs separated by a blank line,
 * or, with one_line, everything on one line.  Appends to out.
 */
void wxr_html_text(const char *html, size_t n, bool one_line, struct buf *out);

#endif
