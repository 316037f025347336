/*
 * Safety checks on the sanitiser's output, for the unit test and the fuzz
 * target: the output is parsed again by gumbo, as a fragment in a <div>
 * and inside a whole page, and every node must pass the assertions of
 * testdata/xss/SOURCE.md and then some: only allowlisted elements (in the
 * HTML namespace) and attributes, no on* handlers, no style, no comments,
 * no URL with a scheme other than http, https or mailto (data: only for an
 * allowed image), no image from another site unless allowed.  Written
 * apart from sanitize.c's own tables and URL code on purpose, so that a
 * mistake there is not repeated here.
 */
#ifndef TZ_SAN_CHECK_H
#define TZ_SAN_CHECK_H

#include <gumbo.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

struct san_verdict {
	char why[256];
};

static const char *const san_check_tags[] = {
        "html",  "head",    "body",    "p",      "br",         "hr",       "h1",      "h2",
        "h3",    "h4",      "h5",      "h6",     "blockquote", "q",        "cite",    "pre",
        "code",  "kbd",     "samp",    "var",    "em",         "strong",   "b",       "i",
        "u",     "s",       "del",     "ins",    "mark",       "small",    "sub",     "sup",
        "abbr",  "dfn",     "time",    "ul",     "ol",         "li",       "dl",      "dt",
        "dd",    "a",       "img",     "figure", "figcaption", "table",    "caption", "thead",
        "tbody", "tfoot",   "tr",      "th",     "td",         "colgroup", "col",     "span",
        "div",   "section", "article", "aside",  "header",     "footer",   "details", "summary",
        "ruby",  "rt",      "rp",      "bdi",    "bdo",        "wbr",
};

static const char *const san_check_attrs[] = {
        "title",   "lang",    "dir",     "id",     "href",    "hreflang", "rel",
        "src",     "alt",     "width",   "height", "loading", "cite",     "datetime",
        "colspan", "rowspan", "headers", "scope",  "abbr",    "start",    "reversed",
        "type",    "value",   "span",    "open",
};

static const char *const san_check_url_attrs[] = {
        "href", "src",  "action", "formaction", "xlink:href", "srcset",
        "cite", "data", "poster", "background", "lowsrc",     "dynsrc",
};

static bool san_check_in(const char *const *t, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i], s) == 0)
			return true;
	return false;
}

/*
 * The scheme a browser sees in a URL attribute value, lower-cased, or ""
 * if none: leading C0 controls and spaces skipped, tabs and newlines
 * ignored, then a letter and letters, digits, "+", "-", "." up to ":".
 */
static void san_check_scheme(const char *v, char *out, size_t max)
{
	size_t k = 0;

	while (*v && (unsigned char)*v <= 0x20)
		v++;
	for (; *v && k + 1 < max; v++) {
		unsigned char c = (unsigned char)*v;

		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':') {
			out[k] = '\0';
			return;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (k > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
			break;
		out[k++] = (char)(c | 0x20);
	}
	out[0] = '\0';
}

static bool san_check_fail(struct san_verdict *v, const char *what, const char *a, const char *b)
{
	snprintf(v->why, sizeof(v->why), "%s %.100s %.100s", what, a, b);
	return false;
}

/* Does the URL in an img src point to another site? */
static bool san_check_remote(const char *v, const char *scheme)
{
	while (*v && (unsigned char)*v <= 0x20)
		v++;
	if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0)
		return true;
	/* "//host", also spelt with backslashes, tabs or newlines between. */
	{
		int slashes = 0;

		for (; *v && slashes < 2; v++) {
			if (*v == '\t' || *v == '\n' || *v == '\r')
				continue;
			if (*v != '/' && *v != '\\')
				break;
			slashes++;
		}
		return slashes == 2;
	}
}

static bool san_check_node(const GumboNode *node, bool data_img, bool remote_img,
                           struct san_verdict *v)
{
	const GumboElement *el;
	const char *name;
	char scheme[32];
	unsigned i;

	if (node->type == GUMBO_NODE_COMMENT || node->type == GUMBO_NODE_CDATA)
		return san_check_fail(v, "comment or CDATA", node->v.text.text, "");
	if (node->type == GUMBO_NODE_TEMPLATE)
		return san_check_fail(v, "template element", "", "");
	if (node->type != GUMBO_NODE_ELEMENT)
		return true;
	el = &node->v.element;
	name = gumbo_normalized_tagname(el->tag);
	if (el->tag_namespace != GUMBO_NAMESPACE_HTML)
		return san_check_fail(v, "foreign element", name, "");
	if (el->tag == GUMBO_TAG_UNKNOWN ||
	    !san_check_in(san_check_tags, sizeof(san_check_tags) / sizeof(*san_check_tags), name))
		return san_check_fail(v, "element not allowed:", name, "");
	for (i = 0; i < el->attributes.length; i++) {
		const GumboAttribute *at = el->attributes.data[i];
		bool img_src = el->tag == GUMBO_TAG_IMG && strcmp(at->name, "src") == 0;

		if (strncasecmp(at->name, "on", 2) == 0)
			return san_check_fail(v, "handler", at->name, name);
		if (strcasecmp(at->name, "style") == 0)
			return san_check_fail(v, "style attribute on", name, "");
		if (!san_check_in(san_check_attrs,
		                  sizeof(san_check_attrs) / sizeof(*san_check_attrs), at->name))
			return san_check_fail(v, "attribute not allowed:", at->name, name);
		if (!san_check_in(san_check_url_attrs,
		                  sizeof(san_check_url_attrs) / sizeof(*san_check_url_attrs),
		                  at->name))
			continue;
		san_check_scheme(at->value, scheme, sizeof(scheme));
		if (strcmp(scheme, "javascript") == 0 || strcmp(scheme, "vbscript") == 0)
			return san_check_fail(v, "script URL", at->value, "");
		if (strcmp(scheme, "data") == 0 && !(data_img && img_src))
			return san_check_fail(v, "data URL", at->value, "");
		if (scheme[0] && strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0 &&
		    strcmp(scheme, "mailto") != 0 && strcmp(scheme, "data") != 0)
			return san_check_fail(v, "scheme", scheme, at->value);
		if (img_src && !remote_img && san_check_remote(at->value, scheme))
			return san_check_fail(v, "remote image", at->value, "");
	}
	for (i = 0; i < el->children.length; i++)
		if (!san_check_node(el->children.data[i], data_img, remote_img, v))
			return false;
	return true;
}

/*
 * Parses html as a browser would (a fragment in a <div>, and the body of a
 * page that holds it) and checks every node.  False with the reason in v.
 */
static bool san_check_output(const char *html, size_t n, bool data_img, bool remote_img,
                             struct san_verdict *v)
{
	GumboOptions go = kGumboDefaultOptions;
	GumboOutput *g;
	struct buf page = BUF_INIT;
	const GumboVector *kids;
	bool ok;
	unsigned i;

	go.fragment_context = GUMBO_TAG_DIV;
	g = gumbo_parse_with_options(&go, html, n);
	ok = san_check_node(g->root, data_img, remote_img, v);
	gumbo_destroy_output(&go, g);
	if (!ok)
		return false;
	buf_puts(&page, "<!doctype html><html><head><title>t</title></head><body><article>");
	buf_put(&page, html, n);
	buf_puts(&page, "</article></body></html>");
	g = gumbo_parse_with_options(&kGumboDefaultOptions, page.p, page.n);
	kids = &g->root->v.element.children;
	for (i = 0; i < kids->length && ok; i++) {
		const GumboNode *k = kids->data[i];

		/* The body alone: the head is ours. */
		if (k->type == GUMBO_NODE_ELEMENT && k->v.element.tag == GUMBO_TAG_BODY)
			ok = san_check_node(k, data_img, remote_img, v);
	}
	gumbo_destroy_output(&kGumboDefaultOptions, g);
	buf_finish(&page);
	return ok;
}

#endif
