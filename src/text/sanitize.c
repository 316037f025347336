/*
 * The HTML allowlist sanitizer.  gumbo parses the input as a fragment in a
 * <div>; a walk over the tree keeps, unwraps or drops each node by a fixed
 * table and serialises what it keeps.  Safety does not depend on gumbo and
 * a browser building the same tree: the output holds only start and end
 * tags from the table below, attributes from the table below with values
 * checked by kind, and text with &, < and > escaped, so a browser's
 * tokenizer sees exactly these tokens whatever tree it builds from them.
 * None of the kept elements switches the tokenizer into raw text, RCDATA or
 * foreign content, so no later byte is read as anything but text or our tag.
 *
 * Decisions, and why:
 *
 * - Elements kept: text structure and phrasing that articles use (p, br,
 *   hr, h1-h6, blockquote, q, cite, pre, code, kbd, samp, var, em, strong,
 *   b, i, u, s, del, ins, mark, small, sub, sup, abbr, dfn, time, lists,
 *   a, img, figure, figcaption, tables, span, div, sectioning elements,
 *   details/summary, ruby, bdi, bdo, wbr).  Obsolete block elements become
 *   a kept one rather than run their text into their neighbours' (center,
 *   address, main, nav, hgroup, fieldset, legend, multicol -> div; dir,
 *   menu -> ul; listing -> pre; strike -> s; tt -> code; acronym -> abbr).
 * - Dropped with their content: everything that runs script or holds
 *   script-like raw text (script, style, template, noscript, xmp,
 *   plaintext, noembed, noframes, iframe, frame, frameset, object, embed,
 *   applet, param), SVG and MathML (every element outside the HTML
 *   namespace: their parsing rules are where mutation XSS lives, and
 *   articles do not need them), forms and their controls (a form on a
 *   publication is phishing), document metadata (head, title, meta, link,
 *   base), comments and CDATA.
 * - Unwrapped (content kept, tag removed): every other element, known or
 *   not, such as font, big, picture, video's fallback text, custom tags.
 * - Attributes: lang, dir, title and id anywhere; a: href, hreflang, rel;
 *   img: src, alt, width, height, loading; cite on blockquote, q, del, ins;
 *   datetime on time, del, ins; td/th: colspan, rowspan, headers, th:
 *   scope, abbr; ol: start, reversed, type; li: value; col/colgroup: span;
 *   details: open.  Each value is checked by kind (URL, number in range,
 *   keyword, language tag); a bad value drops the attribute, and an img
 *   without a usable src is dropped.  No on* handlers, no style (a CSS
 *   subset is a second sanitizer to get right, and the theme styles the
 *   text), no class (user content should not wear the theme's classes), no
 *   target (the site decides how links open, which also makes noopener
 *   moot), no srcset (every candidate would need the URL check; src is
 *   enough for articles), no data-*, aria-*, name or form attributes.
 * - ids are kept but prefixed (SAN_ID_PREFIX), and so are same-page links
 *   "#x" and the headers ids of table cells, so footnotes keep working
 *   while user content cannot clobber the page's own ids.  An id used
 *   twice stays on its first element only: duplicates are invalid HTML
 *   and leave links guessing.
 * - URLs (href, src, cite): stripped as the WHATWG URL parser strips them
 *   (leading and trailing C0 controls and spaces, every tab and newline),
 *   after gumbo decoded character references, then the scheme is read the
 *   way that parser reads it.  Allowed: http, https, mailto and relative
 *   URLs (no scheme); for img only http, https and relative, and only on
 *   this site unless allow_remote_img (pages load nothing from third
 *   parties), or base64 raster data with allow_data_img.  So
 *   "java&#x09;script:", "JaVaScRiPt:" and "&#1; javascript:" are all seen
 *   as javascript: and dropped.  Stricter than browsers, for older readers
 *   of our pages and feeds: a URL is also dropped if it holds a control
 *   character or U+FFFD (gumbo's stand-in for raw controls and bad UTF-8),
 *   or if it would fail the check with leading Unicode spaces removed
 *   ("\u2028javascript:").  Kept URLs are written with the ASCII
 *   characters a valid URL may not hold (space, quotes, braces...)
 *   percent-encoded, as a browser encodes them when it follows the link,
 *   so that pages pass the Nu checker.
 * - Images refused only for living on another site may become links to
 *   them (remote_img_link), and the classes the Markdown renderer writes
 *   may stay (mdr_classes): the options rendered Markdown is sanitised
 *   with (render/view_markdown.c).
 * - rel: links are not given nofollow by default: the site credits its
 *   sources and wants them followed.  Known keywords are kept, and
 *   san_opts.link_rel can force a value (such as "nofollow ugc" for feeds).
 * - Text is kept as gumbo decodes it (no Unicode normalisation); invalid
 *   UTF-8 and characters a parser would replace become U+FFFD.
 *
 * The output is idempotent by construction: it is parsed and serialised
 * again until it stops changing (MAX_PASSES).  Parsing our own output can
 * still move things (a <div> that unwrapping left inside a <p>), but only
 * once in practice; the second pass confirms the fixpoint.  Two shapes the
 * parser leaves but takes apart again only a few levels per parse are
 * avoided instead: links inside links (the inner one is unwrapped) and
 * very deep nesting (refused on input, see the nesting guard, and cut at
 * OUT_MAX_DEPTH on output).
 */
#include "text/sanitize.h"

#include <gumbo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/log.h"

/*
 * Parse-and-serialise passes before giving up on a fixpoint.  Pass 2
 * normally confirms pass 1; a third is needed when unwrapping made the
 * parser rearrange the tree once more.  Past this the text alone is kept.
 */
#define MAX_PASSES 4

/*
 * Deepest nesting written out, below SAN_MAX_DEPTH by a margin for what
 * parsing the output again may add (reconstructed formatting elements), so
 * that the output always passes the nesting guard.
 */
#define OUT_MAX_DEPTH (SAN_MAX_DEPTH - 100)

/* Longest lang/hreflang value: BCP 47 tags in use are far shorter. */
#define LANG_MAX 35

enum action {
	UNWRAP = 0, /* the default for anything not in the table */
	DROP,
	KEEP,
};

struct elem_rule {
	unsigned char action;
	unsigned char as; /* KEEP: the tag written out */
};

#define K(t)     [GUMBO_TAG_##t] = {KEEP, GUMBO_TAG_##t}
#define AS(t, u) [GUMBO_TAG_##t] = {KEEP, GUMBO_TAG_##u}
#define D(t)     [GUMBO_TAG_##t] = {DROP, 0}

/* clang-format off */
static const struct elem_rule elem_rules[GUMBO_TAG_LAST] = {
	K(P), K(BR), K(HR), K(H1), K(H2), K(H3), K(H4), K(H5), K(H6),
	K(BLOCKQUOTE), K(Q), K(CITE), K(PRE), K(CODE), K(KBD), K(SAMP), K(VAR),
	K(EM), K(STRONG), K(B), K(I), K(U), K(S), K(DEL), K(INS), K(MARK),
	K(SMALL), K(SUB), K(SUP), K(ABBR), K(DFN), K(TIME),
	K(UL), K(OL), K(LI), K(DL), K(DT), K(DD), K(A), K(IMG), K(FIGURE),
	K(FIGCAPTION), K(TABLE), K(CAPTION), K(THEAD), K(TBODY), K(TFOOT),
	K(TR), K(TH), K(TD), K(COLGROUP), K(COL), K(SPAN), K(DIV), K(SECTION),
	K(ARTICLE), K(ASIDE), K(HEADER), K(FOOTER), K(DETAILS), K(SUMMARY),
	K(RUBY), K(RT), K(RP), K(BDI), K(BDO), K(WBR),

	AS(CENTER, DIV), AS(ADDRESS, DIV), AS(MAIN, DIV), AS(NAV, DIV),
	AS(HGROUP, DIV), AS(FIELDSET, DIV), AS(LEGEND, DIV), AS(MULTICOL, DIV),
	AS(DIR, UL), AS(MENU, UL), AS(LISTING, PRE), AS(STRIKE, S), AS(TT, CODE),
	AS(ACRONYM, ABBR),

	D(SCRIPT), D(STYLE), D(TEMPLATE), D(NOSCRIPT), D(XMP), D(PLAINTEXT),
	D(NOEMBED), D(NOFRAMES), D(IFRAME), D(FRAME), D(FRAMESET), D(OBJECT),
	D(EMBED), D(APPLET), D(PARAM), D(MATH), D(SVG), D(FORM), D(INPUT),
	D(BUTTON), D(SELECT), D(OPTION), D(OPTGROUP), D(DATALIST), D(TEXTAREA),
	D(KEYGEN), D(ISINDEX), D(HEAD), D(TITLE), D(META), D(LINK), D(BASE),
	D(BGSOUND), D(NEXTID), D(MENUITEM),
};
/* clang-format on */

#undef K
#undef AS
#undef D

enum attr_kind {
	A_TEXT,   /* any text */
	A_URL,    /* checked URL */
	A_ID,     /* prefixed id */
	A_IDREFS, /* prefixed ids, space-separated */
	A_LANG,   /* language tag */
	A_UINT,   /* 0..max, written without leading zeros */
	A_INT,    /* -max..max */
	A_BOOL,   /* written as name="" */
	A_ENUM,   /* one of the words in list, exactly */
	A_REL,    /* link types, filtered */
};

struct attr_rule {
	GumboTag tag; /* GUMBO_TAG_LAST: on every kept element */
	const char *name;
	enum attr_kind kind;
	const char *list; /* A_ENUM: allowed values, each followed by a space */
	long max;         /* A_UINT, A_INT */
};

/*
 * Limits: the HTML standard clamps colspan to 1000 and rowspan to 65534;
 * image sizes past 99999 px and list ordinals past a billion are garbage.
 */
static const struct attr_rule attr_rules[] = {
        {GUMBO_TAG_LAST, "title", A_TEXT, NULL, 0},
        {GUMBO_TAG_LAST, "lang", A_LANG, NULL, 0},
        {GUMBO_TAG_LAST, "dir", A_ENUM, "ltr rtl auto ", 0},
        {GUMBO_TAG_LAST, "id", A_ID, NULL, 0},
        {GUMBO_TAG_A, "href", A_URL, NULL, 0},
        {GUMBO_TAG_A, "hreflang", A_LANG, NULL, 0},
        {GUMBO_TAG_A, "rel", A_REL, NULL, 0},
        {GUMBO_TAG_IMG, "src", A_URL, NULL, 0},
        {GUMBO_TAG_IMG, "alt", A_TEXT, NULL, 0},
        {GUMBO_TAG_IMG, "width", A_UINT, NULL, 99999},
        {GUMBO_TAG_IMG, "height", A_UINT, NULL, 99999},
        {GUMBO_TAG_IMG, "loading", A_ENUM, "lazy eager ", 0},
        {GUMBO_TAG_BLOCKQUOTE, "cite", A_URL, NULL, 0},
        {GUMBO_TAG_Q, "cite", A_URL, NULL, 0},
        {GUMBO_TAG_DEL, "cite", A_URL, NULL, 0},
        {GUMBO_TAG_INS, "cite", A_URL, NULL, 0},
        {GUMBO_TAG_DEL, "datetime", A_TEXT, NULL, 0},
        {GUMBO_TAG_INS, "datetime", A_TEXT, NULL, 0},
        {GUMBO_TAG_TIME, "datetime", A_TEXT, NULL, 0},
        {GUMBO_TAG_TD, "colspan", A_UINT, NULL, 1000},
        {GUMBO_TAG_TH, "colspan", A_UINT, NULL, 1000},
        {GUMBO_TAG_TD, "rowspan", A_UINT, NULL, 65534},
        {GUMBO_TAG_TH, "rowspan", A_UINT, NULL, 65534},
        {GUMBO_TAG_TD, "headers", A_IDREFS, NULL, 0},
        {GUMBO_TAG_TH, "headers", A_IDREFS, NULL, 0},
        {GUMBO_TAG_TH, "scope", A_ENUM, "row col rowgroup colgroup ", 0},
        {GUMBO_TAG_TH, "abbr", A_TEXT, NULL, 0},
        {GUMBO_TAG_OL, "start", A_INT, NULL, 1000000000},
        {GUMBO_TAG_OL, "reversed", A_BOOL, NULL, 0},
        {GUMBO_TAG_OL, "type", A_ENUM, "1 a A i I ", 0},
        {GUMBO_TAG_LI, "value", A_INT, NULL, 1000000000},
        {GUMBO_TAG_COL, "span", A_UINT, NULL, 1000},
        {GUMBO_TAG_COLGROUP, "span", A_UINT, NULL, 1000},
        {GUMBO_TAG_DETAILS, "open", A_BOOL, NULL, 0},
};

/* Link types kept on <a rel>: none of them changes what a click runs. */
static const char rel_words[] =
        "nofollow noopener noreferrer ugc sponsored external license tag author me "
        "bookmark help next prev alternate ";

/* Raster image types allowed as data: URLs (SVG can carry script). */
static const char *const data_img_prefixes[] = {
        "data:image/png;base64,",  "data:image/gif;base64,",  "data:image/jpeg;base64,",
        "data:image/webp;base64,", "data:image/avif;base64,",
};

struct san {
	const struct san_opts *opts; /* never NULL */
	bool rewrite;                /* call opts->rewrite_url (first pass only) */
	bool text_only;              /* the fallback: write text nodes alone */
	bool after_pre;              /* a <pre> start tag was the last thing written */
	bool open_a;                 /* inside a written <a> */
	size_t depth;                /* elements written and open */
	struct buf kept;             /* per open non-void kept element: written? */
	const char *id_prefix;
	size_t id_prefix_n;
	struct buf *out;
	struct buf attrs;  /* the attributes of the tag being written */
	struct buf url;    /* scratch for URLs */
	struct buf tmp;    /* scratch for rewritten URLs and token lists */
	struct buf remote; /* the src of an img refused for being remote, or empty */
	/* Hashes of the ids written in this pass (open addressing, 0 = empty). */
	uint64_t *ids;
	size_t ids_cap, ids_n;
};

/*
 * gumbo allocates from an arena, so a tree is freed in one call (gumbo's
 * own gumbo_destroy_output() recurses once per level of nesting).
 */
static void *gumbo_alloc(void *arena, size_t n)
{
	return arena_alloc(arena, n);
}

static void gumbo_dealloc(void *arena, void *p)
{
	(void)arena;
	(void)p;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + 0x20 : c;
}

static bool has_prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t i, pn = strlen(prefix);

	if (n < pn)
		return false;
	for (i = 0; i < pn; i++)
		if (lower((unsigned char)s[i]) != (unsigned char)prefix[i])
			return false;
	return true;
}

/* Is s[0..n) one of the space-terminated words of list? */
static bool in_list(const char *list, const char *s, size_t n)
{
	const char *w = list, *end;

	while (*w) {
		end = strchr(w, ' ');
		if ((size_t)(end - w) == n && memcmp(w, s, n) == 0)
			return true;
		w = end + 1;
	}
	return false;
}

/*
 * Bytes put_escaped() looks at: markup characters, NUL, CR, C0 controls and
 * DEL, and the lead bytes of C1 controls (C2) and of noncharacters (EF,
 * F0-F4).
 */
static const unsigned char special[256] = {
        1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, /* 00 */
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 10 */
        0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 20 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* 30 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 50 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 70 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 80 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 90 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* A0 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* B0 */
        0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* C0 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* D0 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* E0 */
        1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* F0 */
};

/*
 * Length of the code point at s[i] that an HTML parser replaces by U+FFFD
 * when it reads it raw (C0 controls other than whitespace, DEL, C1
 * controls, noncharacters), or 0.  gumbo does, so writing such a character
 * (which a character reference in the input can produce) would change the
 * text on the next parse.
 */
static size_t forbidden_at(const unsigned char *s, size_t i, size_t n)
{
	unsigned char c = s[i];

	if (c < 0x20 || c == 0x7F)
		return 1;
	if (c == 0xC2)
		return i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F ? 2 : 0;
	if (c == 0xEF && i + 2 < n) {
		if (s[i + 1] == 0xB7 && s[i + 2] >= 0x90 && s[i + 2] <= 0xAF)
			return 3; /* U+FDD0..U+FDEF */
		if (s[i + 1] == 0xBF && (s[i + 2] == 0xBE || s[i + 2] == 0xBF))
			return 3; /* U+FFFE, U+FFFF */
		return 0;
	}
	if (c >= 0xF0 && i + 3 < n && (s[i + 1] & 0x0F) == 0x0F && s[i + 2] == 0xBF &&
	    (s[i + 3] == 0xBE || s[i + 3] == 0xBF))
		return 4; /* U+1FFFE ... U+10FFFF */
	return 0;
}

/*
 * Appends s[0..n) escaped: &, <, > always, " in attribute values, U+00A0
 * as &nbsp; so that it stays visible to editors (as browsers serialise
 * it).  CR, which only a character reference can produce, is written as
 * one; other characters a parser would replace become U+FFFD now; NUL
 * bytes are dropped.
 */
static void put_escaped(struct buf *out, const char *str, size_t n, bool attr)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, start = 0, w;
	const char *rep;

	buf_grow(out, n);
	for (i = 0; i < n; i++) {
		if (!special[s[i]])
			continue;
		w = 1;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			if (!attr)
				continue;
			rep = "&quot;";
			break;
		case '\0':
			rep = "";
			break;
		case '\r':
			rep = "&#13;";
			break;
		default:
			if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xA0) {
				rep = "&nbsp;";
				w = 2;
			} else if ((w = forbidden_at(s, i, n)) > 0) {
				rep = "\xEF\xBF\xBD";
			} else {
				continue;
			}
		}
		buf_put(out, str + start, i - start);
		buf_puts(out, rep);
		i += w - 1;
		start = i + 1;
	}
	buf_put(out, str + start, n - start);
}

static void put_attr(struct buf *b, const char *name, const char *v, size_t n)
{
	buf_putc(b, ' ');
	buf_puts(b, name);
	buf_puts(b, "=\"");
	put_escaped(b, v, n, true);
	buf_putc(b, '"');
}

/*
 * The URL a browser would use: leading and trailing C0 controls and spaces
 * stripped, tabs and newlines removed everywhere (WHATWG URL parsing).
 */
static void url_clean(struct buf *out, const char *s, size_t n)
{
	size_t i;

	while (n > 0 && (unsigned char)s[0] <= 0x20)
		s++, n--;
	while (n > 0 && (unsigned char)s[n - 1] <= 0x20)
		n--;
	buf_reset(out);
	for (i = 0; i < n; i++)
		if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			buf_putc(out, s[i]);
}

/*
 * Length of the scheme of a cleaned URL, ":" included, or 0 if it has none.
 * The scheme is read as the URL parser reads it: an ASCII letter, then
 * letters, digits, "+", "-" or ".", then ":".  Anything else has no scheme
 * and resolves against the page.
 */
static size_t scheme_len(const char *u, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_alpha((unsigned char)u[0]))
		return 0;
	while (i < n && (is_alpha((unsigned char)u[i]) || is_digit((unsigned char)u[i]) ||
	                 u[i] == '+' || u[i] == '-' || u[i] == '.'))
		i++;
	return i < n && u[i] == ':' ? i + 1 : 0;
}

/* "//host/..." (browsers read a backslash as a slash here). */
static bool network_path(const char *u, size_t n)
{
	return n >= 2 && (u[0] == '/' || u[0] == '\\') && (u[1] == '/' || u[1] == '\\');
}

/*
 * Length of the Unicode spaces and invisible format characters at the
 * start of u (U+00A0, U+1680, U+180E, U+2000-U+200F, U+2028-U+202F,
 * U+205F-U+2064, U+3000, U+FEFF).
 */
static size_t unicode_space_len(const char *str, size_t n)
{
	const unsigned char *u = (const unsigned char *)str;
	size_t i = 0;

	for (;;) {
		if (i + 1 < n && u[i] == 0xC2 && u[i + 1] == 0xA0) {
			i += 2;
			continue;
		}
		if (i + 2 >= n)
			return i;
		if ((u[i] == 0xE1 && u[i + 1] == 0x9A && u[i + 2] == 0x80) ||
		    (u[i] == 0xE1 && u[i + 1] == 0xA0 && u[i + 2] == 0x8E) ||
		    (u[i] == 0xE2 && u[i + 1] == 0x80 && (u[i + 2] <= 0x8F || u[i + 2] >= 0xA8) &&
		     u[i + 2] <= 0xAF) ||
		    (u[i] == 0xE2 && u[i + 1] == 0x81 && u[i + 2] >= 0x9F && u[i + 2] <= 0xA4) ||
		    (u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x80) ||
		    (u[i] == 0xEF && u[i + 1] == 0xBB && u[i + 2] == 0xBF))
			i += 3;
		else
			return i;
	}
}

/* url_allowed() for the URL exactly as given. */
static bool url_allowed_as_is(const struct san *s, const char *u, size_t n, bool img, bool any_host)
{
	size_t k = scheme_len(u, n), i;
	bool remote_ok = !img || any_host || s->opts->allow_remote_img;

	/*
	 * Control characters and U+FFFD (which gumbo puts where the input had
	 * raw controls or bad UTF-8) have no business in a URL, and a parser
	 * that dropped them could see a scheme where we saw none.
	 */
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] < 0x20 || u[i] == 0x7F ||
		    (i + 2 < n && memcmp(u + i, "\xEF\xBF\xBD", 3) == 0))
			return false;
	if (k == 0)
		return remote_ok || !network_path(u, n);
	if (has_prefix_ci(u, k, "http:") || has_prefix_ci(u, k, "https:"))
		return remote_ok;
	if (has_prefix_ci(u, k, "mailto:"))
		return !img;
	if (img && s->opts->allow_data_img)
		for (i = 0; i < NELEM(data_img_prefixes); i++)
			if (has_prefix_ci(u, n, data_img_prefixes[i]))
				return true;
	return false;
}

/*
 * May a cleaned URL stay?  img: it is an image source; any_host: do not
 * apply allow_remote_img yet (before rewrite_url had its say).
 */
static bool url_allowed(const struct san *s, const char *u, size_t n, bool img, bool any_host)
{
	size_t sp = unicode_space_len(u, n);

	/*
	 * Browsers take "\\u2028javascript:" for a relative URL, but older
	 * parsers, mail clients and feed readers have stripped Unicode spaces
	 * too: the URL must be acceptable read either way.
	 */
	return url_allowed_as_is(s, u, n, img, any_host) &&
	       (sp == 0 || url_allowed_as_is(s, u + sp, n - sp, img, any_host));
}

/*
 * Percent-encodes in u the ASCII characters a valid URL may not hold
 * (space, quotes, angle brackets, braces...): browsers encode them the
 * same way when they follow the link, and the page stays valid HTML.
 * Already-encoded text is left as it is, so this is idempotent.
 */
static void url_escape(struct san *s, struct buf *u)
{
	static const char bad[] = " \"<>`{}|^";
	size_t i;

	for (i = 0; i < u->n; i++)
		if (strchr(bad, u->p[i]) && u->p[i] != '\0')
			break;
	if (i == u->n)
		return;
	buf_reset(&s->tmp);
	for (i = 0; i < u->n; i++) {
		if (strchr(bad, u->p[i]) && u->p[i] != '\0')
			buf_printf(&s->tmp, "%%%02X", (unsigned char)u->p[i]);
		else
			buf_putc(&s->tmp, u->p[i]);
	}
	buf_reset(u);
	buf_put(u, s->tmp.p, s->tmp.n);
}

/* Writes attribute name with the checked URL value; false if dropped. */
static bool put_url(struct san *s, const char *name, const char *v, bool img)
{
	struct buf *u = &s->url;

	url_clean(u, v, strlen(v));
	if (!url_allowed(s, u->p, u->n, img, true))
		return false;
	if (s->rewrite && s->opts->rewrite_url) {
		buf_reset(&s->tmp);
		if (s->opts->rewrite_url(s->opts->arg, buf_cstr(u), u->n, &s->tmp))
			url_clean(u, buf_cstr(&s->tmp), s->tmp.n);
	}
	if (!url_allowed(s, u->p, u->n, img, false)) {
		/* Refused only for being on another site: remote_img_link may link it. */
		if (img && url_allowed(s, u->p, u->n, img, true)) {
			url_escape(s, u);
			buf_put(&s->remote, u->p, u->n);
		}
		return false;
	}
	url_escape(s, u);
	if (u->n > 1 && u->p[0] == '#' && s->id_prefix_n > 0 &&
	    strncmp(u->p + 1, s->id_prefix, s->id_prefix_n) != 0) {
		buf_reset(&s->tmp);
		buf_putc(&s->tmp, '#');
		buf_puts(&s->tmp, s->id_prefix);
		buf_put(&s->tmp, u->p + 1, u->n - 1);
		put_attr(&s->attrs, name, s->tmp.p, s->tmp.n);
		return true;
	}
	put_attr(&s->attrs, name, buf_cstr(u), u->n);
	return true;
}

/* Appends id v with the prefix unless it already has it. */
static void put_id(struct san *s, struct buf *b, const char *v, size_t n)
{
	if (n < s->id_prefix_n || memcmp(v, s->id_prefix, s->id_prefix_n) != 0)
		buf_puts(b, s->id_prefix);
	buf_put(b, v, n);
}

/* Is w[0..n) one of the space-separated words of b? */
static bool has_word(const struct buf *b, const char *w, size_t n)
{
	size_t i = 0, start;

	while (i < b->n) {
		start = i;
		while (i < b->n && b->p[i] != ' ')
			i++;
		if (i - start == n && memcmp(b->p + start, w, n) == 0)
			return true;
		i++;
	}
	return false;
}

/*
 * Writes the space-separated tokens of v: ids (prefixed) or, for rel, the
 * known link types (lower-cased, each once).  Nothing if no token remains.
 */
static void put_tokens(struct san *s, const char *name, const char *v, bool rel)
{
	struct buf *b = &s->tmp, *w = &s->url;
	size_t i = 0, start, k;

	buf_reset(b);
	for (;;) {
		while (v[i] && is_space((unsigned char)v[i]))
			i++;
		if (!v[i])
			break;
		start = i;
		while (v[i] && !is_space((unsigned char)v[i]))
			i++;
		buf_reset(w);
		if (rel) {
			for (k = start; k < i; k++)
				buf_putc(w, lower((unsigned char)v[k]));
			if (!in_list(rel_words, w->p, w->n) || has_word(b, w->p, w->n))
				continue;
		} else {
			put_id(s, w, v + start, i - start);
		}
		if (b->n > 0)
			buf_putc(b, ' ');
		buf_put(b, w->p, w->n);
	}
	if (b->n > 0)
		put_attr(&s->attrs, name, b->p, b->n);
}

/* Parses a decimal integer in [-max, max] (no sign unless neg_ok). */
static bool parse_int(const char *v, bool neg_ok, long max, long *out)
{
	bool neg = false;
	long x = 0;

	if (neg_ok && *v == '-')
		neg = true, v++;
	if (!is_digit((unsigned char)*v))
		return false;
	for (; *v; v++) {
		if (!is_digit((unsigned char)*v))
			return false;
		x = x * 10 + (*v - '0');
		if (x > max)
			return false;
	}
	*out = neg ? -x : x;
	return true;
}

static bool lang_ok(const char *v)
{
	size_t n = strlen(v), i;

	if (n > LANG_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!is_alpha((unsigned char)v[i]) && !is_digit((unsigned char)v[i]) && v[i] != '-')
			return false;
	return true;
}

static const struct attr_rule *find_attr_rule(GumboTag tag, const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(attr_rules); i++)
		if ((attr_rules[i].tag == tag || attr_rules[i].tag == GUMBO_TAG_LAST) &&
		    strcmp(attr_rules[i].name, name) == 0)
			return &attr_rules[i];
	return NULL;
}

/* Longest language name in a code block's class: far more than any in use. */
#define LANG_CLASS_MAX 64

/*
 * The classes the Markdown renderer writes (mdr.c): "language-NAME" on
 * code, "align-left", "align-center" or "align-right" on table cells.
 */
static bool mdr_class_ok(GumboTag tag, const char *v)
{
	size_t i, n;

	if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH)
		return strcmp(v, "align-left") == 0 || strcmp(v, "align-center") == 0 ||
		       strcmp(v, "align-right") == 0;
	if (tag != GUMBO_TAG_CODE || strncmp(v, "language-", 9) != 0)
		return false;
	n = strlen(v + 9);
	if (n == 0 || n > LANG_CLASS_MAX)
		return false;
	for (i = 9; v[i]; i++)
		if (!is_alpha((unsigned char)v[i]) && !is_digit((unsigned char)v[i]) &&
		    !strchr("_+#.-", v[i]))
			return false;
	return true;
}

/*
 * Has id[0..n) been written in this pass?  Records it if not.  Ids are
 * kept as 64-bit hashes: a collision would drop a second, different id,
 * which costs a link target, never safety.
 */
static bool id_seen(struct san *s, const char *id, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)id[i]) * 1099511628211ULL;
	h |= 1; /* never 0, which marks an empty slot */
	if (2 * (s->ids_n + 1) > s->ids_cap) {
		size_t cap = s->ids_cap ? 2 * s->ids_cap : 64, j;
		uint64_t *v = xcalloc(cap, sizeof(*v));
		for (j = 0; j < s->ids_cap; j++)
			if (s->ids[j]) {
				size_t k = (size_t)s->ids[j] & (cap - 1);
				while (v[k])
					k = (k + 1) & (cap - 1);
				v[k] = s->ids[j];
			}
		free(s->ids);
		s->ids = v;
		s->ids_cap = cap;
	}
	for (i = (size_t)h & (s->ids_cap - 1); s->ids[i]; i = (i + 1) & (s->ids_cap - 1))
		if (s->ids[i] == h)
			return true;
	s->ids[i] = h;
	s->ids_n++;
	return false;
}

/*
 * Writes the allowed attributes of el (written out as tag) into s->attrs.
 * Returns false if the element must go: an img without a usable src.
 */
static bool filter_attrs(struct san *s, const GumboElement *el, GumboTag tag)
{
	const struct attr_rule *r;
	bool has_src = false, has_href = false;
	unsigned i;
	long x;

	buf_reset(&s->attrs);
	for (i = 0; i < el->attributes.length; i++) {
		const GumboAttribute *at = el->attributes.data[i];
		const char *v = at->value;

		if (at->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE)
			continue;
		if (s->opts->mdr_classes && strcmp(at->name, "class") == 0) {
			if (mdr_class_ok(tag, v))
				put_attr(&s->attrs, "class", v, strlen(v));
			continue;
		}
		r = find_attr_rule(tag, at->name);
		if (r == NULL)
			continue;
		switch (r->kind) {
		case A_TEXT:
			put_attr(&s->attrs, r->name, v, strlen(v));
			break;
		case A_URL:
			if (put_url(s, r->name, v, tag == GUMBO_TAG_IMG)) {
				has_src |= tag == GUMBO_TAG_IMG;
				has_href |= tag == GUMBO_TAG_A;
			}
			break;
		case A_ID:
			if (*v == '\0' || strpbrk(v, " \t\n\f\r") != NULL)
				break;
			buf_reset(&s->tmp);
			put_id(s, &s->tmp, v, strlen(v));
			/* A repeated id is dropped: the first keeps its links. */
			if (id_seen(s, s->tmp.p, s->tmp.n))
				break;
			put_attr(&s->attrs, r->name, s->tmp.p, s->tmp.n);
			break;
		case A_IDREFS:
			put_tokens(s, r->name, v, false);
			break;
		case A_LANG:
			if (lang_ok(v))
				put_attr(&s->attrs, r->name, v, strlen(v));
			break;
		case A_UINT:
		case A_INT:
			if (parse_int(v, r->kind == A_INT, r->max, &x)) {
				buf_reset(&s->tmp);
				buf_printf(&s->tmp, "%ld", x);
				put_attr(&s->attrs, r->name, s->tmp.p, s->tmp.n);
			}
			break;
		case A_BOOL:
			put_attr(&s->attrs, r->name, "", 0);
			break;
		case A_ENUM:
			if (in_list(r->list, v, strlen(v)))
				put_attr(&s->attrs, r->name, v, strlen(v));
			break;
		case A_REL:
			if (s->opts->link_rel == NULL)
				put_tokens(s, r->name, v, true);
			break;
		}
	}
	if (has_href && s->opts->link_rel && *s->opts->link_rel)
		put_attr(&s->attrs, "rel", s->opts->link_rel, strlen(s->opts->link_rel));
	return tag != GUMBO_TAG_IMG || has_src;
}

static bool is_void(GumboTag tag)
{
	return tag == GUMBO_TAG_BR || tag == GUMBO_TAG_HR || tag == GUMBO_TAG_IMG ||
	       tag == GUMBO_TAG_WBR || tag == GUMBO_TAG_COL;
}

static void put_text(struct san *s, const char *t)
{
	size_t n = strlen(t);

	if (n == 0)
		return;
	/*
	 * The parser drops a newline right after <pre>; write one more so
	 * that the text's own first newline survives the next parse.
	 */
	if (s->after_pre && t[0] == '\n')
		buf_putc(s->out, '\n');
	s->after_pre = false;
	put_escaped(s->out, t, n, false);
}

/*
 * An image refused for being on another site, as a link to it: its text
 * the alt text, or else the file's name; inside a link, the text alone.
 * Nothing is loaded, and the reader can still follow it.
 */
static void put_remote_img(struct san *s, const GumboElement *el)
{
	const GumboAttribute *alt = gumbo_get_attribute(&el->attributes, "alt");
	const char *u = buf_cstr(&s->remote), *name, *end;
	size_t n;

	if (!url_allowed(s, u, s->remote.n, false, false))
		return;
	if (alt && alt->attr_namespace == GUMBO_ATTR_NAMESPACE_NONE &&
	    alt->value[strspn(alt->value, " \t\n\f\r")] != '\0') {
		name = alt->value;
		n = strlen(name);
	} else {
		/* The last segment of the path. */
		end = u + strcspn(u, "?#");
		for (name = end; name > u && name[-1] != '/';)
			name--;
		n = (size_t)(end - name);
		if (n == 0)
			name = u, n = s->remote.n;
	}
	if (!s->open_a) {
		buf_reset(&s->attrs);
		put_attr(&s->attrs, "href", u, s->remote.n);
		if (s->opts->link_rel && *s->opts->link_rel)
			put_attr(&s->attrs, "rel", s->opts->link_rel, strlen(s->opts->link_rel));
		buf_puts(s->out, "<a");
		buf_put(s->out, s->attrs.p, s->attrs.n);
		buf_putc(s->out, '>');
	}
	put_escaped(s->out, name, n, false);
	if (!s->open_a)
		buf_puts(s->out, "</a>");
	s->after_pre = false;
}

/* The action for an element or template node, and the tag to write. */
static enum action element_action(const GumboNode *node, GumboTag *as)
{
	const GumboElement *el = &node->v.element;
	struct elem_rule r;

	if (node->type != GUMBO_NODE_ELEMENT || el->tag_namespace != GUMBO_NAMESPACE_HTML)
		return DROP;
	if (el->tag >= GUMBO_TAG_LAST)
		return UNWRAP;
	r = elem_rules[el->tag];
	*as = (GumboTag)r.as;
	return (enum action)r.action;
}

/* Writes what node opens; true if its children are to be visited. */
static bool enter(struct san *s, const GumboNode *node)
{
	GumboTag as = GUMBO_TAG_LAST;
	enum action act;

	switch (node->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
		put_text(s, node->v.text.text);
		return false;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		break;
	default:
		return false; /* comments, CDATA */
	}
	act = element_action(node, &as);
	if (act == DROP)
		return false;
	if (act == UNWRAP || s->text_only)
		return true;
	if (!is_void(as)) {
		/*
		 * A link inside a link (which the parser leaves behind a table
		 * cell or after its adoption agency gave up) is taken apart by
		 * the next parse, a little per pass: unwrap the inner one now.
		 * Elements past OUT_MAX_DEPTH are unwrapped too, so that the
		 * output passes the nesting guard.
		 */
		bool keep = !(as == GUMBO_TAG_A && s->open_a) && s->depth < OUT_MAX_DEPTH;

		buf_putc(&s->kept, keep);
		if (!keep)
			return true;
		s->depth++;
		if (as == GUMBO_TAG_A)
			s->open_a = true;
	}
	buf_reset(&s->remote);
	if (!filter_attrs(s, &node->v.element, as)) {
		if (as == GUMBO_TAG_IMG && s->remote.n > 0 && s->opts->remote_img_link)
			put_remote_img(s, &node->v.element);
		return false;
	}
	buf_putc(s->out, '<');
	buf_puts(s->out, gumbo_normalized_tagname(as));
	buf_put(s->out, s->attrs.p, s->attrs.n);
	buf_putc(s->out, '>');
	s->after_pre = as == GUMBO_TAG_PRE;
	return !is_void(as);
}

/* Writes the end tag of a kept element. */
static void leave(struct san *s, const GumboNode *node)
{
	GumboTag as = GUMBO_TAG_LAST;
	bool written;

	if ((node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) ||
	    s->text_only || element_action(node, &as) != KEEP || is_void(as))
		return;
	/* Was it written?  Elements enter and leave in stack order. */
	written = s->kept.p[s->kept.n - 1];
	buf_truncate(&s->kept, s->kept.n - 1);
	if (!written)
		return;
	s->depth--;
	if (as == GUMBO_TAG_A)
		s->open_a = false;
	buf_puts(s->out, "</");
	buf_puts(s->out, gumbo_normalized_tagname(as));
	buf_putc(s->out, '>');
	s->after_pre = false;
}

/*
 * Serialises the children of root.  Iterative, through parent links, so
 * that deep nesting costs no stack.
 */
static void walk(struct san *s, const GumboNode *root)
{
	const GumboVector *kids = &root->v.element.children;
	const GumboNode *node = kids->length > 0 ? kids->data[0] : NULL;

	s->after_pre = false;
	s->open_a = false;
	s->depth = 0;
	buf_reset(&s->kept);
	if (s->ids_n) {
		memset(s->ids, 0, s->ids_cap * sizeof(*s->ids));
		s->ids_n = 0;
	}
	while (node != NULL) {
		if (enter(s, node) && node->v.element.children.length > 0) {
			node = node->v.element.children.data[0];
			continue;
		}
		for (;;) {
			const GumboNode *parent = node->parent;
			size_t next = node->index_within_parent + 1;

			leave(s, node);
			if (next < parent->v.element.children.length) {
				node = parent->v.element.children.data[next];
				break;
			}
			if (parent == root) {
				node = NULL;
				break;
			}
			node = parent;
		}
	}
}

/*
 * The nesting guard.  gumbo walks its stack of open elements for most
 * start tags ("is there a p in button scope?"), so its time grows with the
 * square of the nesting depth: 100 kB of "<div>" takes a second, 1 MB a
 * minute and a half, and a feed could hold that.  Browsers stop nesting at
 * 512 levels anyway.  A linear scan estimates the depth first -- a rough
 * tokenizer that knows void elements, raw text, quotes, comments and the
 * common implied end tags -- and input deeper than SAN_MAX_DEPTH is
 * refused.  The estimate only decides cost, never safety.
 */

/* How far down its stack the scan looks for the element an end tag closes. */
#define DEPTH_SEARCH 64
/* Elements that end the parser's searches ("scope"), roughly. */
#define MARKERS "td th caption marquee object applet template table button "
#define LIST_STOP                                                                             \
	MARKERS "ul ol menu dir blockquote section article aside figure details dl fieldset " \
	        "header footer main nav "
/* Tag names are compared on their first bytes only. */
#define DEPTH_NAME 10

struct depth {
	char names[SAN_MAX_DEPTH + 1][DEPTH_NAME + 1];
	size_t n;
	int foreign; /* svg and math elements open: no raw text inside */
};

static bool name_in(const char *name, const char *list)
{
	return in_list(list, name, strlen(name));
}

/* Pops the top k elements. */
static void depth_pop(struct depth *d, size_t k)
{
	while (k-- > 0 && d->n > 0) {
		d->n--;
		if (strcmp(d->names[d->n], "svg") == 0 || strcmp(d->names[d->n], "math") == 0)
			d->foreign--;
	}
}

/*
 * Closes the nearest open element named in list, if it is near the top and
 * no element named in stop (the parser's scope boundaries) lies above it.
 */
static void depth_close(struct depth *d, const char *list, const char *stop)
{
	size_t i;

	for (i = 0; i < DEPTH_SEARCH && i < d->n; i++) {
		if (name_in(d->names[d->n - 1 - i], list)) {
			depth_pop(d, i + 1);
			return;
		}
		if (name_in(d->names[d->n - 1 - i], stop))
			return;
	}
}

/*
 * Forgets the nearest open element named name, if near the top, leaving
 * those above it open: what the adoption agency does to a link when a new
 * link starts.
 */
static void depth_remove(struct depth *d, const char *name)
{
	size_t i, at;

	for (i = 0; i < DEPTH_SEARCH && i < d->n; i++) {
		at = d->n - 1 - i;
		if (strcmp(d->names[at], name) == 0) {
			memmove(d->names[at], d->names[at + 1], i * sizeof(d->names[0]));
			d->n--;
			return;
		}
		if (name_in(d->names[at], MARKERS))
			return;
	}
}

/* Index just past the first ch at or after i, or n. */
static size_t skip_past(const char *s, size_t n, size_t i, char ch)
{
	const char *p = i < n ? memchr(s + i, ch, n - i) : NULL;

	return p ? (size_t)(p - s) + 1 : n;
}

/* Index of the "<" of the end tag "</name" (any case) at or after i, or n. */
static size_t find_end_tag(const char *s, size_t n, size_t i, const char *name)
{
	size_t k = strlen(name);

	for (; (i = skip_past(s, n, i, '<')) < n;)
		if (s[i] == '/' && has_prefix_ci(s + i + 1, n - i - 1, name) &&
		    (i + 1 + k >= n || !is_alpha((unsigned char)s[i + 1 + k])))
			return i - 1;
	return n;
}

/* Handles a start tag named name (lower case, cut); true if too deep. */
static bool depth_start(struct depth *d, const char *name, bool self_closing)
{
	if (name_in(name, "area base br col embed hr img image input keygen link meta param "
	                  "source track wbr basefont bgsound frame "))
		return false;
	if (self_closing && (d->foreign > 0 || name_in(name, "svg math ")))
		return false;
	if (name_in(name, "address article aside blockquote center details dialog dir div dl "
	                  "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup "
	                  "li dd dt main menu nav ol p pre listing section summary table ul "))
		depth_close(d, "p ", MARKERS);
	if (name_in(name, "li "))
		depth_close(d, "li ", LIST_STOP);
	else if (name_in(name, "dd dt "))
		depth_close(d, "dd dt ", LIST_STOP);
	else if (name_in(name, "tr "))
		depth_close(d, "tr ", "table ");
	else if (name_in(name, "td th "))
		depth_close(d, "td th ", "table ");
	else if (name_in(name, "tbody thead tfoot "))
		depth_close(d, "tbody thead tfoot ", "table ");
	else if (name_in(name, "option ") && d->n > 0 && strcmp(d->names[d->n - 1], "option") == 0)
		depth_pop(d, 1);
	else if (name_in(name, "a nobr "))
		depth_remove(d, name);
	if (d->n > SAN_MAX_DEPTH)
		return true;
	strcpy(d->names[d->n++], name);
	if (name_in(name, "svg math "))
		d->foreign++;
	return false;
}

/* Is the nesting of s[0..n) estimated deeper than SAN_MAX_DEPTH? */
static bool too_deep(const char *s, size_t n)
{
	struct depth *d = xcalloc(1, sizeof(*d));
	bool deep = false;
	size_t i = 0, k;

	while (!deep && (i = skip_past(s, n, i, '<')) < n) {
		char name[DEPTH_NAME + 2]; /* room for the space in_list() wants */
		bool end = false, self_closing = false;

		if (s[i] == '!') {
			if (n - i >= 3 && s[i + 1] == '-' && s[i + 2] == '-') {
				const char *c = memmem(s + i + 3, n - i - 3, "-->", 3);

				i = c ? (size_t)(c - s) + 3 : n;
			} else {
				i = skip_past(s, n, i, '>');
			}
			continue;
		}
		if (s[i] == '/') {
			end = true;
			i++;
		}
		if (i >= n || !is_alpha((unsigned char)s[i]))
			continue;
		for (k = 0; i < n && !is_space((unsigned char)s[i]) && s[i] != '/' && s[i] != '>';
		     i++)
			if (k < DEPTH_NAME)
				name[k++] = (char)lower((unsigned char)s[i]);
		name[k] = '\0';
		/* Attributes: quoted values may hold ">". */
		while (i < n && s[i] != '>') {
			if (s[i] == '=') {
				for (i++; i < n && is_space((unsigned char)s[i]); i++)
					;
				if (i < n && (s[i] == '"' || s[i] == '\''))
					i = skip_past(s, n, i + 1, s[i]);
				continue;
			}
			self_closing = s[i] == '/' && i + 1 < n && s[i + 1] == '>';
			i++;
		}
		if (end) {
			depth_close(d, strcat(name, " "), "");
			continue;
		}
		if (d->foreign == 0 && name_in(name, "plaintext "))
			break;
		if (d->foreign == 0 && name_in(name, "script style xmp iframe noembed noframes "
		                                     "noscript textarea title ")) {
			i = find_end_tag(s, n, i, name);
			continue;
		}
		deep = depth_start(d, name, self_closing);
	}
	free(d);
	return deep;
}

/* One pass: parse html as a fragment in a <div>, serialise into out. */
static void pass(struct san *s, struct arena *a, const char *html, size_t n, struct buf *out)
{
	GumboOptions go = kGumboDefaultOptions;
	GumboOutput *g;

	go.allocator = gumbo_alloc;
	go.deallocator = gumbo_dealloc;
	go.userdata = a;
	go.max_errors = 0;
	go.fragment_context = GUMBO_TAG_DIV;
	go.fragment_namespace = GUMBO_NAMESPACE_HTML;
	arena_reset(a);
	g = gumbo_parse_with_options(&go, html, n);
	s->out = out;
	walk(s, g->root);
}

/*
 * san_html() with the number of passes it took in *passes (MAX_PASSES + 1
 * when it fell back to text), for the tests.
 */
static int sanitize(const char *html, size_t n, const struct san_opts *opts, struct buf *out,
                    int *passes)
{
	static const struct san_opts defaults;
	struct san s = {0};
	struct buf cur = BUF_INIT, next = BUF_INIT, swap;
	struct arena *a;
	int i;

	if (n > SAN_MAX_INPUT)
		return log_fail("html of %zu bytes is too long to sanitise (limit %zu)", n,
		                SAN_MAX_INPUT);
	if (too_deep(html, n))
		return log_fail("html nests elements more than %d deep", SAN_MAX_DEPTH);
	s.opts = opts ? opts : &defaults;
	s.id_prefix = s.opts->id_prefix ? s.opts->id_prefix : SAN_ID_PREFIX;
	s.id_prefix_n = strlen(s.id_prefix);
	s.rewrite = true;
	a = arena_new(0);
	/*
	 * gumbo takes a length, but it is not built with sanitizers here, so
	 * a stray read past the end would go unseen: give it a terminated
	 * copy.
	 */
	if (n > 0)
		buf_put(&next, html, n);
	pass(&s, a, buf_cstr(&next), n, &cur);
	s.rewrite = false;
	for (i = 2; i <= MAX_PASSES; i++) {
		buf_reset(&next);
		pass(&s, a, buf_cstr(&cur), cur.n, &next);
		if (next.n == cur.n && memcmp(buf_cstr(&next), buf_cstr(&cur), cur.n) == 0)
			goto done;
		swap = cur, cur = next, next = swap;
	}
	/* No fixpoint: keep the text, which is one. */
	s.text_only = true;
	buf_reset(&next);
	pass(&s, a, buf_cstr(&cur), cur.n, &next);
	swap = cur, cur = next, next = swap;
	i = MAX_PASSES + 1;
done:
	if (passes)
		*passes = i;
	buf_put(out, buf_cstr(&cur), cur.n);
	buf_finish(&next);
	buf_finish(&cur);
	buf_finish(&s.attrs);
	buf_finish(&s.url);
	buf_finish(&s.tmp);
	buf_finish(&s.kept);
	buf_finish(&s.remote);
	free(s.ids);
	arena_free(a);
	return 0;
}

int san_html(const char *html, size_t n, const struct san_opts *opts, struct buf *out)
{
	return sanitize(html, n, opts, out, NULL);
}
