/*
 * Markdown to HTML, and to plain text, over md4c's parser callbacks.
 *
 * md4c parses CommonMark with tables, strikethrough and the permissive
 * autolinks (bare URLs, e-mail addresses and "www." names); the callbacks
 * below write the HTML straight into the caller's buffer.  Scratch buffers
 * live in one struct per call and are reused, so rendering allocates only
 * when a buffer first grows, never per node.
 *
 * What this file decides, and md4c's own HTML renderer does not:
 *  - link and image destinations go through the caller's rewrite_url and
 *    then a scheme check: javascript:, vbscript: and data: never reach an
 *    href (the link keeps its text), nor a src, except data: images in the
 *    raster formats browsers cannot script (png, gif, jpeg, webp);
 *  - "www." autolinks get https://, not md4c's http://: readers behind
 *    censorship should not be sent over plain HTTP by default;
 *  - raw HTML is turned off in the parser (so it reads as text) unless the
 *    caller passes raw_html, which then receives each whole HTML block and
 *    each whole inline tag; raw HTML inside an image's alt text is escaped;
 *  - character references are decoded (the HTML5 table in mdr_entity.h),
 *    and those to surrogates become U+FFFD like other invalid code points;
 *  - headings h2-h6 may get unique ASCII ids.
 *
 * And what it works around in md4c 0.4.8 (Debian 12), each found by the
 * fuzzer or by timing: it reads a byte past its input (so it parses a
 * padded copy); it can leave spans it never entered or not leave ones it
 * did (so open spans are kept on a stack); it reports a NUL in a code
 * block twice; a wide table over many short rows multiplies the input a
 * thousandfold, and many bare URLs in one paragraph take quadratic time
 * (so both fall back to plain text past a budget).
 *
 * This is not a sanitizer: it only ever writes the tags it knows, and what
 * raw HTML becomes is the raw_html callback's business.
 */
#include "text/mdr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <md4c.h>

#include "text/mdr_entity.h"
#include "util/buf.h"
#include "util/log.h"

/* CommonMark plus the extensions the editors' texts use (see the top). */
#define MDR_FLAGS                                                                  \
	(MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEURLAUTOLINKS | \
	 MD_FLAG_PERMISSIVEEMAILAUTOLINKS | MD_FLAG_PERMISSIVEWWWAUTOLINKS)

/*
 * md4c counts offsets in 32 bits; refusing more than 1 GiB keeps its sums
 * far from overflow.  No article comes near it.
 */
#define MDR_MAX_INPUT ((size_t)1 << 30)

/* Appends a string literal, its length known at compile time. */
#define PUTL(b, lit) buf_put((b), (lit), sizeof(lit) - 1)
/* A struct str initializer for a literal, usable in static tables. */
// clang-format off
#define LIT(s) {(s), sizeof(s) - 1}
// clang-format on

/* Longest heading id before a "-N" suffix, in bytes: slug.h's SLUG_MAX. */
#define ID_MAX 80

/*
 * Text mode stops the parser once it holds this many bytes beyond the
 * limit: enough to see whether the cut falls between words.
 */
#define TEXT_SLACK 8

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
static const char ellipsis[] = "\xE2\x80\xA6";    /* U+2026 */

/* Heading ids already given in a document: a hash set with suffix hints. */
struct idslot {
	size_t off;    /* offset + 1 of the NUL-terminated id in names; 0: empty */
	unsigned next; /* the next "-N" suffix worth trying for this base */
};

struct idset {
	struct buf names;
	struct idslot *slot;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

struct render {
	struct buf *out;
	size_t start; /* where our HTML starts in out */
	const struct mdr_opts *opts;
	struct buf url;   /* scratch: a decoded destination */
	struct buf url2;  /* scratch: the rewritten destination */
	struct buf html;  /* raw HTML gathered until it is whole */
	struct buf id;    /* scratch: a heading id */
	struct buf plain; /* the text of the current heading */
	struct buf link;  /* the text of the deferred link */
	bool html_block;  /* inside an HTML block */
	bool after_nul;   /* the last text was MD_TEXT_NULLCHAR */
	/*
	 * The spans open, innermost last: a byte each, the md4c type plus
	 * SPAN_SHOWN if its tag was written (inside an image's alt text,
	 * none is).  md4c 0.4.8 can leave a span it never entered, or not
	 * leave one it entered; the stack keeps the output well formed.
	 */
	struct buf spans;
	int img; /* images among the spans */
	/* Heading ids. */
	bool in_h;
	size_t h_at; /* where in out the id attribute goes */
	unsigned nheadings;
	struct idset ids;
	size_t cells_left; /* table cells still allowed: see cell_budget() */
	bool flood;        /* more were asked for: the output is void */
	/* A link that may be a "www." autolink, to get https:// when it closes. */
	size_t www_level; /* its depth in spans, or 0 */
	size_t www_href;  /* where in out its "http://" is */
};

/* Plain text mode. */
enum sep { SEP_NONE, SEP_SPACE, SEP_LINE, SEP_PARA };

struct text {
	struct buf *out;
	size_t base;  /* where our text starts in out */
	size_t stop;  /* abort the parse once out->n - base exceeds this */
	enum sep sep; /* separator owed before the next text */
	bool html_block;
	bool after_nul;
	struct buf html;
	size_t cells_left;
	bool flood;
};

/*
 * UTF-8
 */

/*
 * Length of the well-formed sequence at s[0..n), or 0.  Follows the
 * Unicode table of well-formed byte sequences: no overlongs, surrogates or
 * code points above U+10FFFF.  *sub gets the length of the longest valid
 * prefix (at least 1) for the "maximal subpart" replacement rule.
 */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t *sub)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t len, i;

	*sub = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	for (i = 1; i < len; i++) {
		if (i >= n || s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
		*sub = i + 1;
	}
	return len;
}

/* Offset of the first byte of s[0..n) that is not well-formed UTF-8, or n. */
static size_t utf8_check(const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, len, sub;
	uint64_t w;

	while (i < n) {
		/* Eight ASCII bytes at a time: most Markdown is mostly ASCII. */
		while (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		len = utf8_seq(s + i, n - i, &sub);
		if (len == 0)
			return i;
		i += len;
	}
	return n;
}

/* Appends s[0..n) with each maximal ill-formed subpart replaced by U+FFFD. */
static void utf8_fix(struct buf *out, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, start = 0, len, sub;

	while (i < n) {
		len = utf8_seq(s + i, n - i, &sub);
		if (len) {
			i += len;
			continue;
		}
		buf_put(out, src + start, i - start);
		buf_put(out, replacement, 3);
		i += sub;
		start = i;
	}
	buf_put(out, src + start, n - start);
}

/* Writes the UTF-8 of cp into d (4 bytes of room); invalid values give U+FFFD. */
static size_t utf8_put(char *d, uint32_t cp)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		memcpy(d, replacement, 3);
		return 3;
	}
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xC0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xE0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		d[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	d[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Character references
 */

static int entity_cmp(const void *key, const void *elem)
{
	const struct str *k = key;
	const char *name = ((const struct mdr_entity *)elem)->name;
	size_t len = strlen(name);
	int c = memcmp(k->p, name, MIN(k->n, len));

	if (c)
		return c;
	return k->n < len ? -1 : k->n > len;
}

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Decodes the reference "&...;" in s[0..n) into d (8 bytes of room) and
 * returns its length, or 0 if it is not a known reference.
 */
static size_t entity_decode(const char *s, size_t n, char *d)
{
	const struct mdr_entity *e;
	struct str key;
	uint32_t cp = 0;
	size_t i, len;
	int v;

	if (n < 3 || s[0] != '&' || s[n - 1] != ';')
		return 0;
	if (s[1] == '#') {
		bool hex = n > 3 && (s[2] | 0x20) == 'x';

		if (n < (hex ? 5u : 4u))
			return 0;
		for (i = hex ? 3 : 2; i < n - 1; i++) {
			v = hex ? hex_val((unsigned char)s[i])
			        : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
			if (v < 0)
				return 0;
			if (cp <= 0x10FFFF)
				cp = cp * (hex ? 16 : 10) + (uint32_t)v;
		}
		return utf8_put(d, cp);
	}
	key.p = s + 1;
	key.n = n - 2;
	e = bsearch(&key, mdr_entities, NELEM(mdr_entities), sizeof(mdr_entities[0]), entity_cmp);
	if (e == NULL)
		return 0;
	len = utf8_put(d, e->cp[0]);
	if (e->cp[1])
		len += utf8_put(d + len, e->cp[1]);
	return len;
}

/*
 * Length of a character reference at s[0..n) in CommonMark's syntax (the
 * one md4c recognises), or 0.  For raw HTML seen in text mode.
 */
static size_t entity_span(const char *s, size_t n)
{
	size_t i = 1, max;

	if (n < 3 || s[0] != '&')
		return 0;
	if (s[1] == '#') {
		bool hex = (s[2] | 0x20) == 'x';

		i = hex ? 3 : 2;
		max = i + (hex ? 6 : 7);
		while (i < n && i < max &&
		       (hex ? hex_val((unsigned char)s[i]) >= 0 : (s[i] >= '0' && s[i] <= '9')))
			i++;
		if (i == (hex ? 3u : 2u))
			return 0;
	} else {
		if (!((s[1] | 0x20) >= 'a' && (s[1] | 0x20) <= 'z'))
			return 0;
		while (i < n && i < 49 && is_alnum((unsigned char)s[i]))
			i++;
		if (i < 3)
			return 0;
	}
	return i < n && s[i] == ';' ? i + 1 : 0;
}

/* Appends the reference s[0..n) decoded, or as it is if unknown. */
static void put_entity(struct buf *b, const char *s, size_t n)
{
	char d[8];
	size_t len = entity_decode(s, n, d);

	if (len)
		buf_put(b, d, len);
	else
		buf_put(b, s, n);
}

/* Appends an md4c attribute (title, destination, info) with references decoded. */
static void put_attr(struct buf *b, const MD_ATTRIBUTE *a)
{
	unsigned i;

	for (i = 0; a->substr_offsets[i] < a->size; i++) {
		const char *s = a->text + a->substr_offsets[i];
		size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];

		switch (a->substr_types[i]) {
		case MD_TEXT_NULLCHAR:
			buf_put(b, replacement, 3);
			break;
		case MD_TEXT_ENTITY:
			put_entity(b, s, n);
			break;
		default:
			buf_put(b, s, n);
			break;
		}
	}
}

/*
 * Escaping
 */

/*
 * Appends s[0..n) with &, <, > and " as references, for text and
 * attribute values.  md4c passes NUL bytes through in code; like the other
 * NULs they become U+FFFD.
 */
static void put_escaped(struct buf *b, const char *s, size_t n)
{
	static const unsigned char esc[256] = {
	        ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\0'] = 5};
	static const struct str rep[] = {LIT(""),     LIT("&amp;"),  LIT("&lt;"),
	                                 LIT("&gt;"), LIT("&quot;"), LIT("\xEF\xBF\xBD")};
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		unsigned char e = esc[(unsigned char)s[i]];

		if (e == 0)
			continue;
		buf_put(b, s + start, i - start);
		buf_put(b, rep[e].p, rep[e].n);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

/*
 * Bytes a destination keeps as they are: letters, digits and these.  The
 * rest are percent-encoded, but '%' stays, so that escapes the author
 * wrote stay, and '&' becomes "&amp;" for the attribute.  This is md4c's
 * and cmark's choice, which the CommonMark examples expect.
 */
static bool url_keep(unsigned char c)
{
	static const bool keep[256] = {
	        ['-'] = 1, ['_'] = 1, ['.'] = 1, ['~'] = 1, ['+'] = 1, ['!'] = 1, ['*'] = 1,
	        ['('] = 1, [')'] = 1, [','] = 1, ['%'] = 1, ['#'] = 1, ['@'] = 1, ['?'] = 1,
	        ['='] = 1, [';'] = 1, [':'] = 1, ['/'] = 1, ['$'] = 1,
	};

	return is_alnum(c) || keep[c];
}

static void put_url_escaped(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, start = 0;
	char pct[3] = {'%', 0, 0};

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (url_keep(c))
			continue;
		buf_put(b, s + start, i - start);
		if (c == '&') {
			PUTL(b, "&amp;");
		} else {
			pct[1] = hex[c >> 4];
			pct[2] = hex[c & 15];
			buf_put(b, pct, 3);
		}
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

/*
 * True if a browser may follow the destination s[0..n): not javascript:
 * or vbscript:, and not data: unless an image in a raster format.  Reads
 * the scheme as browsers do, past leading controls and spaces and
 * through tabs and newlines.
 */
static bool url_allowed(const char *s, size_t n, bool image)
{
	static const char *const raster[] = {"image/png", "image/gif", "image/jpeg", "image/webp"};
	char scheme[12], type[12];
	size_t i = 0, k = 0, j;

	while (i < n && (unsigned char)s[i] <= ' ')
		i++;
	for (; i < n && s[i] != ':'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (!is_alnum(c) && c != '+' && c != '-' && c != '.')
			return true; /* no scheme: a relative reference */
		if (k == sizeof(scheme))
			return true; /* longer than any scheme refused */
		scheme[k++] = (char)(c | 0x20);
	}
	if (i == n)
		return true;
	if ((k == 10 && memcmp(scheme, "javascript", 10) == 0) ||
	    (k == 8 && memcmp(scheme, "vbscript", 8) == 0))
		return false;
	if (k != 4 || memcmp(scheme, "data", 4) != 0)
		return true;
	if (!image)
		return false;
	for (i++, k = 0; i < n && k < sizeof(type); i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ';' || c == ',')
			break;
		type[k++] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
	}
	if (i == n || (s[i] != ';' && s[i] != ','))
		return false;
	for (j = 0; j < NELEM(raster); j++)
		if (k == strlen(raster[j]) && memcmp(type, raster[j], k) == 0)
			return true;
	return false;
}

/* Inserts s[0..n) at offset at of b. */
static void buf_insert(struct buf *b, size_t at, const char *s, size_t n)
{
	size_t tail = b->n - at;

	buf_put(b, s, n); /* grows b; the bytes are moved into place below */
	memmove(b->p + at + n, b->p + at, tail);
	memcpy(b->p + at, s, n);
}

/*
 * Heading ids
 */

static size_t id_hash(const char *s, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
	return (size_t)h;
}

/* The slot holding id s[0..n), or the empty slot where it would go. */
static struct idslot *id_find(struct idset *set, const char *s, size_t n)
{
	size_t i = id_hash(s, n) & (set->cap - 1);

	for (;; i = (i + 1) & (set->cap - 1)) {
		struct idslot *e = &set->slot[i];
		const char *name;

		if (e->off == 0)
			return e;
		name = set->names.p + e->off - 1;
		if (strncmp(name, s, n) == 0 && name[n] == '\0')
			return e;
	}
}

static void id_add(struct idset *set, const char *s, size_t n)
{
	struct idslot *e;

	if (2 * (set->n + 1) > set->cap) {
		struct idslot *old = set->slot;
		size_t i, oldcap = set->cap;

		set->cap = oldcap ? 2 * oldcap : 64;
		set->slot = xcalloc(set->cap, sizeof(set->slot[0]));
		for (i = 0; i < oldcap; i++) {
			if (old[i].off) {
				const char *name = set->names.p + old[i].off - 1;

				*id_find(set, name, strlen(name)) = old[i];
			}
		}
		free(old);
	}
	e = id_find(set, s, n);
	e->off = set->names.n + 1;
	e->next = 2;
	buf_put(&set->names, s, n);
	buf_putc(&set->names, '\0');
	set->n++;
}

static bool id_taken(struct idset *set, const char *s, size_t n)
{
	return set->cap && id_find(set, s, n)->off != 0;
}

/*
 * Sets r->id to the slug of the heading text s[0..n): ASCII letters and
 * digits in lower case, every other run of bytes one hyphen between them.
 * Headings without any (Cyrillic ones) get "h-N", N counting headings.
 * Then "-2", "-3"... until the id is new in the document.
 */
static void heading_id(struct render *r, const char *s, size_t n)
{
	struct buf *id = &r->id;
	size_t i, base;
	bool dash = false;
	unsigned k;
	struct idslot *e;

	buf_reset(id);
	for (i = 0; i < n && id->n < ID_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!is_alnum(c)) {
			dash = true;
			continue;
		}
		if (dash && id->n)
			buf_putc(id, '-');
		buf_putc(id, c >= 'A' && c <= 'Z' ? c | 0x20 : c);
		dash = false;
	}
	if (id->n == 0)
		buf_printf(id, "h-%u", r->nheadings);
	if (!id_taken(&r->ids, id->p, id->n)) {
		id_add(&r->ids, id->p, id->n);
		return;
	}
	base = id->n;
	k = id_find(&r->ids, id->p, base)->next;
	for (;; k++) {
		buf_truncate(id, base);
		buf_printf(id, "-%u", k);
		if (!id_taken(&r->ids, id->p, id->n))
			break;
	}
	id_add(&r->ids, id->p, id->n);
	e = id_find(&r->ids, id->p, base);
	e->next = k + 1;
}

/*
 * HTML rendering
 */

/* Text of the current heading or deferred link, for its id or its test. */
static void collect(struct render *r, const char *s, size_t n)
{
	if (r->in_h)
		buf_put(&r->plain, s, n);
	if (r->www_level)
		buf_put(&r->link, s, n);
}

/* Hands a whole inline tag gathered in r->html to the raw_html callback. */
static void flush_inline_html(struct render *r)
{
	if (r->html_block || r->html.n == 0)
		return;
	r->opts->raw_html(r->opts->arg, r->html.p, r->html.n, r->out);
	buf_reset(&r->html);
}

/* Hands a whole HTML block gathered in r->html to the raw_html callback. */
static void end_html_block(struct render *r)
{
	if (!r->html_block)
		return;
	r->html_block = false;
	if (r->html.n) {
		r->opts->raw_html(r->opts->arg, r->html.p, r->html.n, r->out);
		buf_reset(&r->html);
	}
}

static void raw_html(struct render *r, const char *s, size_t n)
{
	/* An alt attribute takes text only; without a callback, HTML is text. */
	if (r->img || r->opts->raw_html == NULL) {
		put_escaped(r->out, s, n);
		return;
	}
	buf_put(&r->html, s, n);
	/*
	 * md4c hands an inline tag that spans lines over in pieces; every
	 * kind of inline raw HTML ends with '>'.
	 */
	if (!r->html_block && n && s[n - 1] == '>')
		flush_inline_html(r);
}

/*
 * Writes attr="destination" into dst: decoded, rewritten by the caller,
 * checked and escaped.  Returns where in dst the destination starts, or
 * SIZE_MAX if it was refused and nothing was written.
 */
static size_t put_dest(struct render *r, struct buf *dst, const char *attr, const MD_ATTRIBUTE *a,
                       bool image)
{
	struct buf *u = &r->url;
	size_t at;

	buf_reset(u);
	put_attr(u, a);
	if (r->opts->rewrite_url) {
		buf_reset(&r->url2);
		if (r->opts->rewrite_url(r->opts->arg, buf_cstr(u), u->n, &r->url2))
			u = &r->url2;
	}
	if (!url_allowed(buf_cstr(u), u->n, image))
		return SIZE_MAX;
	buf_putc(dst, ' ');
	buf_puts(dst, attr);
	PUTL(dst, "=\"");
	at = dst->n;
	put_url_escaped(dst, buf_cstr(u), u->n);
	buf_putc(dst, '"');
	return at;
}

static void put_title(struct render *r, struct buf *dst, const MD_ATTRIBUTE *a)
{
	if (a->text == NULL || a->size == 0)
		return;
	buf_reset(&r->url);
	put_attr(&r->url, a);
	PUTL(dst, " title=\"");
	put_escaped(dst, r->url.p, r->url.n);
	buf_putc(dst, '"');
}

/*
 * Writes <a ...>.  md4c gives "www." autolinks an http:// destination;
 * remember where it went, to make it https:// if the link text shows it
 * was an autolink (see close_www).  rewrite_url sees http://.
 */
static void open_a(struct render *r, const MD_SPAN_A_DETAIL *d)
{
	const MD_ATTRIBUTE *h = &d->href;
	struct buf *out = r->out;
	size_t at;

	PUTL(out, "<a");
	at = put_dest(r, out, "href", h, false);
	put_title(r, out, &d->title);
	buf_putc(out, '>');
	if (r->www_level == 0 && at != SIZE_MAX && h->size > 11 &&
	    memcmp(h->text, "http://", 7) == 0 && strncasecmp(h->text + 7, "www.", 4) == 0 &&
	    out->n - at > 11 && memcmp(out->p + at, "http://", 7) == 0) {
		r->www_level = r->spans.n;
		r->www_href = at;
		buf_reset(&r->link);
	}
}

/*
 * A link is a www autolink if its text is its destination without
 * "http://": then the destination becomes https://.
 */
static void close_www(struct render *r, const MD_SPAN_A_DETAIL *d)
{
	const MD_ATTRIBUTE *h = d ? &d->href : NULL;

	if (h && h->size > 7 && r->link.n == h->size - 7 &&
	    memcmp(r->link.p, h->text + 7, r->link.n) == 0)
		buf_insert(r->out, r->www_href + 4, "s", 1);
	r->www_level = 0;
}

static void open_code(struct render *r, const MD_BLOCK_CODE_DETAIL *d)
{
	struct buf *out = r->out;

	PUTL(out, "<pre><code");
	if (d->lang.text != NULL && d->lang.size > 0) {
		buf_reset(&r->url);
		put_attr(&r->url, &d->lang);
		PUTL(out, " class=\"language-");
		put_escaped(out, r->url.p, r->url.n);
		buf_putc(out, '"');
	}
	buf_putc(out, '>');
}

static void open_cell(struct buf *out, const char *tag, const MD_BLOCK_TD_DETAIL *d)
{
	static const char *const align[] = {
	        [MD_ALIGN_LEFT] = " class=\"align-left\"",
	        [MD_ALIGN_CENTER] = " class=\"align-center\"",
	        [MD_ALIGN_RIGHT] = " class=\"align-right\"",
	};

	buf_putc(out, '<');
	buf_puts(out, tag);
	if (d->align > MD_ALIGN_DEFAULT && d->align <= MD_ALIGN_RIGHT)
		buf_puts(out, align[d->align]);
	buf_putc(out, '>');
}

/* Tags of the blocks and spans that take no attributes, by md4c type. */
static const struct str block_open[] = {
        [MD_BLOCK_QUOTE] = LIT("<blockquote>\n"),
        [MD_BLOCK_UL] = LIT("<ul>\n"),
        [MD_BLOCK_LI] = LIT("<li>"),
        [MD_BLOCK_HR] = LIT("<hr>\n"),
        [MD_BLOCK_P] = LIT("<p>"),
        [MD_BLOCK_TABLE] = LIT("<table>\n"),
        [MD_BLOCK_THEAD] = LIT("<thead>\n"),
        [MD_BLOCK_TBODY] = LIT("<tbody>\n"),
        [MD_BLOCK_TR] = LIT("<tr>\n"),
};

static const struct str block_close[] = {
        [MD_BLOCK_QUOTE] = LIT("</blockquote>\n"),
        [MD_BLOCK_UL] = LIT("</ul>\n"),
        [MD_BLOCK_OL] = LIT("</ol>\n"),
        [MD_BLOCK_LI] = LIT("</li>\n"),
        [MD_BLOCK_CODE] = LIT("</code></pre>\n"),
        [MD_BLOCK_P] = LIT("</p>\n"),
        [MD_BLOCK_TABLE] = LIT("</table>\n"),
        [MD_BLOCK_THEAD] = LIT("</thead>\n"),
        [MD_BLOCK_TBODY] = LIT("</tbody>\n"),
        [MD_BLOCK_TR] = LIT("</tr>\n"),
        [MD_BLOCK_TH] = LIT("</th>\n"),
        [MD_BLOCK_TD] = LIT("</td>\n"),
};

static const struct str span_open[] = {
        [MD_SPAN_EM] = LIT("<em>"),
        [MD_SPAN_STRONG] = LIT("<strong>"),
        [MD_SPAN_CODE] = LIT("<code>"),
        [MD_SPAN_DEL] = LIT("<del>"),
};

static const struct str span_close[] = {
        [MD_SPAN_EM] = LIT("</em>"),
        [MD_SPAN_STRONG] = LIT("</strong>"),
        [MD_SPAN_CODE] = LIT("</code>"),
        [MD_SPAN_DEL] = LIT("</del>"),
};

/* Appends tags[i], if there is one. */
static void put_tag(struct buf *out, const struct str *tags, size_t ntags, unsigned i)
{
	if (i < ntags)
		buf_put(out, tags[i].p, tags[i].n);
}

static void open_heading(struct render *r, unsigned level)
{
	buf_printf(r->out, "<h%u", level);
	r->in_h = false;
	if (r->opts->heading_ids && level >= 2) {
		r->in_h = true;
		r->h_at = r->out->n;
		r->nheadings++;
		buf_reset(&r->plain);
	}
	buf_putc(r->out, '>');
}

static void close_heading(struct render *r, unsigned level)
{
	if (r->in_h) {
		heading_id(r, r->plain.p, r->plain.n);
		buf_reset(&r->url);
		PUTL(&r->url, " id=\"");
		buf_put(&r->url, r->id.p, r->id.n);
		buf_putc(&r->url, '"');
		buf_insert(r->out, r->h_at, r->url.p, r->url.n);
		r->in_h = false;
	}
	buf_printf(r->out, "</h%u>\n", level);
}

/* Marks a span on r->spans whose tag was written. */
#define SPAN_SHOWN 0x80

static int html_enter_span(MD_SPANTYPE type, void *detail, void *u)
{
	struct render *r = u;
	struct buf *out = r->out;
	bool shown = r->img == 0;

	if (r->flood)
		return 1;
	flush_inline_html(r);
	buf_putc(&r->spans, (int)type | (shown ? SPAN_SHOWN : 0));
	if (type == MD_SPAN_IMG)
		r->img++;
	/*
	 * Inside an image only the text counts: it becomes the alt
	 * attribute, where tags cannot go.
	 */
	if (!shown)
		return 0;
	switch (type) {
	case MD_SPAN_A:
		open_a(r, detail);
		break;
	case MD_SPAN_IMG:
		PUTL(out, "<img");
		put_dest(r, out, "src", &((const MD_SPAN_IMG_DETAIL *)detail)->src, true);
		PUTL(out, " alt=\"");
		break;
	default:
		put_tag(out, span_open, NELEM(span_open), type);
		break;
	}
	return 0;
}

/* Closes the innermost open span; detail is md4c's, or NULL if it is not leaving. */
static void close_span(struct render *r, void *detail)
{
	struct buf *out = r->out;
	unsigned char top = (unsigned char)r->spans.p[r->spans.n - 1];
	unsigned type = top & ~SPAN_SHOWN;

	buf_truncate(&r->spans, r->spans.n - 1);
	if (type == MD_SPAN_IMG)
		r->img--;
	if (!(top & SPAN_SHOWN))
		return;
	switch (type) {
	case MD_SPAN_A:
		if (r->www_level == r->spans.n + 1)
			close_www(r, detail);
		PUTL(out, "</a>");
		break;
	case MD_SPAN_IMG:
		buf_putc(out, '"');
		if (detail)
			put_title(r, out, &((const MD_SPAN_IMG_DETAIL *)detail)->title);
		buf_putc(out, '>');
		break;
	default:
		put_tag(out, span_close, NELEM(span_close), type);
		break;
	}
}

static void close_spans(struct render *r)
{
	while (r->spans.n)
		close_span(r, NULL);
}

static int html_leave_span(MD_SPANTYPE type, void *detail, void *u)
{
	struct render *r = u;
	size_t k = r->spans.n;

	if (r->flood)
		return 1;
	flush_inline_html(r);
	while (k > 0 && ((unsigned char)r->spans.p[k - 1] & ~SPAN_SHOWN) != type)
		k--;
	if (k == 0)
		return 0; /* never entered */
	while (r->spans.n > k)
		close_span(r, NULL);
	close_span(r, detail);
	return 0;
}

static int html_enter_block(MD_BLOCKTYPE type, void *detail, void *u)
{
	struct render *r = u;
	struct buf *out = r->out;
	const MD_BLOCK_OL_DETAIL *ol = detail;

	/* md4c 0.4.8 goes on calling after an abort inside a table. */
	if (r->flood)
		return 1;
	close_spans(r);
	end_html_block(r);
	/* Every block starts a line, as cmark writes it: "<li>foo\n<ul>". */
	if (type != MD_BLOCK_DOC && out->n > r->start && out->p[out->n - 1] != '\n')
		buf_putc(out, '\n');
	switch (type) {
	case MD_BLOCK_OL:
		if (ol->start == 1)
			PUTL(out, "<ol>\n");
		else
			buf_printf(out, "<ol start=\"%u\">\n", ol->start);
		break;
	case MD_BLOCK_H:
		open_heading(r, ((const MD_BLOCK_H_DETAIL *)detail)->level);
		break;
	case MD_BLOCK_CODE:
		open_code(r, detail);
		break;
	case MD_BLOCK_HTML:
		r->html_block = true;
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		if (r->cells_left-- == 0) {
			r->flood = true; /* parse again without tables */
			return 1;
		}
		open_cell(out, type == MD_BLOCK_TH ? "th" : "td", detail);
		break;
	default:
		put_tag(out, block_open, NELEM(block_open), type);
		break;
	}
	return 0;
}

static int html_leave_block(MD_BLOCKTYPE type, void *detail, void *u)
{
	struct render *r = u;

	if (r->flood)
		return 1;
	flush_inline_html(r);
	close_spans(r);
	switch (type) {
	case MD_BLOCK_H:
		close_heading(r, ((const MD_BLOCK_H_DETAIL *)detail)->level);
		break;
	case MD_BLOCK_HTML:
		end_html_block(r);
		break;
	default:
		put_tag(r->out, block_close, NELEM(block_close), type);
		break;
	}
	return 0;
}

static int html_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *u)
{
	struct render *r = u;
	struct buf *out = r->out;
	char d[8];
	size_t len;

	if (r->flood)
		return 1;
	/* md4c 0.4.8 reports a NUL in a code block twice: alone, then in the code. */
	if (type == MD_TEXT_CODE && r->after_nul && n && s[0] == '\0') {
		s++;
		n--;
	}
	r->after_nul = type == MD_TEXT_NULLCHAR;
	if (type == MD_TEXT_HTML) {
		raw_html(r, s, n);
		return 0;
	}
	flush_inline_html(r);
	switch (type) {
	case MD_TEXT_NULLCHAR:
		buf_put(out, replacement, 3);
		collect(r, replacement, 3);
		break;
	case MD_TEXT_BR:
		buf_puts(out, r->img ? " " : "<br>\n");
		collect(r, " ", 1);
		break;
	case MD_TEXT_SOFTBR:
		buf_puts(out, r->img ? " " : "\n");
		collect(r, " ", 1);
		break;
	case MD_TEXT_ENTITY:
		len = entity_decode(s, n, d);
		if (len == 0) {
			put_escaped(out, s, n);
			collect(r, s, n);
			break;
		}
		put_escaped(out, d, len);
		collect(r, d, len);
		break;
	default:
		put_escaped(out, s, n);
		collect(r, s, n);
		break;
	}
	return 0;
}

/*
 * Plain text rendering
 */

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static void text_rtrim(struct text *t)
{
	size_t n = t->out->n;

	while (n > t->base && is_space((unsigned char)t->out->p[n - 1]))
		n--;
	buf_truncate(t->out, n);
}

static void text_sep(struct text *t, enum sep sep)
{
	if (sep > t->sep)
		t->sep = sep;
}

/* Appends text, after the separator owed; nonzero stops the parser. */
static int text_put(struct text *t, const char *s, size_t n)
{
	struct buf *out = t->out;
	const char *z;

	if (out->n - t->base > t->stop)
		return 1; /* md4c may go on after an abort */
	if (n == 0)
		return 0;
	if (t->sep != SEP_NONE && out->n > t->base) {
		if (t->sep == SEP_SPACE) {
			if (!is_space((unsigned char)out->p[out->n - 1]))
				buf_putc(out, ' ');
		} else {
			text_rtrim(t);
			buf_puts(out, t->sep == SEP_PARA ? "\n\n" : "\n");
		}
	}
	t->sep = SEP_NONE;
	/* NUL bytes md4c passes through (in code) become U+FFFD. */
	while ((z = memchr(s, '\0', n)) != NULL) {
		buf_put(out, s, (size_t)(z - s));
		buf_put(out, replacement, 3);
		n -= (size_t)(z - s) + 1;
		s = z + 1;
	}
	buf_put(out, s, n);
	return out->n - t->base > t->stop;
}

/* Does the tag name s[0..n) end a line of text, or a paragraph? */
static enum sep tag_sep(const char *s, size_t n)
{
	static const char *const para[] = {"article", "blockquote", "div",     "h1",    "h2",
	                                   "h3",      "h4",         "h5",      "h6",    "ol",
	                                   "p",       "pre",        "section", "table", "ul"};
	static const char *const line[] = {"br", "dd", "dt", "li", "tr"};
	size_t i;

	for (i = 0; i < NELEM(para); i++)
		if (strlen(para[i]) == n && strncasecmp(s, para[i], n) == 0)
			return SEP_PARA;
	for (i = 0; i < NELEM(line); i++)
		if (strlen(line[i]) == n && strncasecmp(s, line[i], n) == 0)
			return SEP_LINE;
	return SEP_NONE;
}

/* The separator an inline tag s[0..n) ("<br>", "</p>"...) stands for. */
static enum sep inline_tag_sep(const char *s, size_t n)
{
	size_t i = 1, k;

	if (n < 2 || s[0] != '<')
		return SEP_NONE;
	i += s[1] == '/';
	for (k = i; k < n && is_alnum((unsigned char)s[k]); k++)
		;
	return tag_sep(s + i, k - i);
}

/* Offset of needle (ASCII, case ignored) in s[from..n), or n. */
static size_t find_ci(const char *s, size_t from, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = from; i + k <= n; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return i;
	return n;
}

/*
 * The text of an HTML block, roughly as a browser shows it: tags and
 * comments dropped, script and style skipped, references decoded,
 * white space collapsed, block tags as line or paragraph breaks.
 */
static int text_html(struct text *t, const char *s, size_t n)
{
	size_t i = 0, j, k;
	char d[8];
	int stop = 0;

	while (i < n && !stop) {
		unsigned char c = (unsigned char)s[i];

		if (c == '<' && i + 1 < n &&
		    (is_alnum((unsigned char)s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!' ||
		     s[i + 1] == '?')) {
			if (strncmp(s + i, "<!--", MIN(4, n - i)) == 0) {
				j = find_ci(s, i + 4, n, "-->");
				i = j < n ? j + 3 : n;
				continue;
			}
			k = j = i + 1 + (s[i + 1] == '/');
			while (k < n && is_alnum((unsigned char)s[k]))
				k++;
			text_sep(t, tag_sep(s + j, k - j));
			/* Skip what scripts and styles hold, up to their end tag. */
			if (s[i + 1] != '/' && k - j == 6 && strncasecmp(s + j, "script", 6) == 0)
				k = find_ci(s, k, n, "</script");
			else if (s[i + 1] != '/' && k - j == 5 &&
			         strncasecmp(s + j, "style", 5) == 0)
				k = find_ci(s, k, n, "</style");
			while (k < n && s[k] != '>')
				k++;
			i = k < n ? k + 1 : n;
			continue;
		}
		if (is_space(c)) {
			text_sep(t, SEP_SPACE);
			i++;
			continue;
		}
		if (c == '&' && (k = entity_span(s + i, n - i)) != 0) {
			j = entity_decode(s + i, k, d);
			stop = j ? text_put(t, d, j) : text_put(t, s + i, k);
			i += k;
			continue;
		}
		for (j = i + 1;
		     j < n && s[j] != '<' && s[j] != '&' && !is_space((unsigned char)s[j]); j++)
			;
		stop = text_put(t, s + i, j - i);
		i = j;
	}
	return stop;
}

static enum sep block_sep(MD_BLOCKTYPE type)
{
	switch (type) {
	case MD_BLOCK_LI:
	case MD_BLOCK_TR:
		return SEP_LINE;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		return SEP_SPACE;
	case MD_BLOCK_DOC:
	case MD_BLOCK_THEAD:
	case MD_BLOCK_TBODY:
		return SEP_NONE;
	default:
		return SEP_PARA;
	}
}

static int text_enter_block(MD_BLOCKTYPE type, void *detail, void *u)
{
	struct text *t = u;

	(void)detail;
	if (t->flood)
		return 1;
	if ((type == MD_BLOCK_TH || type == MD_BLOCK_TD) && t->cells_left-- == 0) {
		t->flood = true; /* parse again without tables */
		return 1;
	}
	text_sep(t, block_sep(type));
	if (type == MD_BLOCK_HTML)
		t->html_block = true;
	return 0;
}

static int text_leave_block(MD_BLOCKTYPE type, void *detail, void *u)
{
	struct text *t = u;
	int stop = 0;

	(void)detail;
	if (t->flood)
		return 1;
	if (type == MD_BLOCK_HTML) {
		t->html_block = false;
		stop = text_html(t, t->html.p, t->html.n);
		buf_reset(&t->html);
	}
	text_sep(t, block_sep(type));
	return stop;
}

static int text_span(MD_SPANTYPE type, void *detail, void *u)
{
	(void)type;
	(void)detail;
	(void)u;
	return 0;
}

static int text_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *u)
{
	struct text *t = u;
	char d[8];
	size_t len;

	if (t->flood)
		return 1;
	/* As in html_text(). */
	if (type == MD_TEXT_CODE && t->after_nul && n && s[0] == '\0') {
		s++;
		n--;
	}
	t->after_nul = type == MD_TEXT_NULLCHAR;
	switch (type) {
	case MD_TEXT_NULLCHAR:
		return text_put(t, replacement, 3);
	case MD_TEXT_BR:
		text_sep(t, SEP_LINE);
		return 0;
	case MD_TEXT_SOFTBR:
		text_sep(t, SEP_SPACE);
		return 0;
	case MD_TEXT_ENTITY:
		len = entity_decode(s, n, d);
		return len ? text_put(t, d, len) : text_put(t, s, n);
	case MD_TEXT_HTML:
		/*
		 * Inline tags say nothing but where lines break; an HTML
		 * block's text is read when it closes.
		 */
		if (t->html_block)
			buf_put(&t->html, s, n);
		else
			text_sep(t, inline_tag_sep(s, n));
		return 0;
	default:
		return text_put(t, s, n);
	}
}

/*
 * Cuts the text at out[base..) to at most max bytes: on a character
 * boundary, between words where there is a space to cut at, with an
 * ellipsis (if max leaves room for one).
 */
static void text_cut(struct buf *out, size_t base, size_t max)
{
	const char *s = out->p + base;
	size_t budget = max >= 3 ? max - 3 : max, m, k;

	m = budget;
	while (m > 0 && ((unsigned char)s[m] & 0xC0) == 0x80)
		m--;
	if (!is_space((unsigned char)s[m])) {
		for (k = m; k > 0 && !is_space((unsigned char)s[k - 1]); k--)
			;
		if (k > 0)
			m = k - 1;
	}
	while (m > 0 && (is_space((unsigned char)s[m - 1]) || s[m - 1] == ',' || s[m - 1] == ';' ||
	                 s[m - 1] == ':'))
		m--;
	buf_truncate(out, base + m);
	if (max >= 3)
		buf_put(out, ellipsis, 3);
}

/*
 * Input
 */

/*
 * md4c fills short table rows with empty cells, so a header of 4,000
 * columns over 2,000 one-cell rows (30 KB) writes 78 MB of <td></td>.
 * Every cell an author writes costs at least a byte of input, so twice
 * the input is room for the cells of any real table with its padding;
 * past that the Markdown is parsed again with tables off.  (md4c 0.5
 * caps columns at 128 for the same reason.)
 */
static size_t cell_budget(size_t n)
{
	return 2 * n + 1024;
}

/*
 * md4c 0.4.8 takes time quadratic in the number of bare URLs and "www."
 * names in one paragraph: 100,000 lines of "www.a.b" take 20 seconds.  A
 * paragraph with more than this many is no prose, and the text is parsed
 * without those two autolink kinds; 1,000 cost about 2 milliseconds.
 */
#define AUTOLINKS_PER_PARA_MAX 1000

/* True if the line s[0..n) (without its indent) starts a list item or heading. */
static bool starts_block(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 1 && s[0] == '#')
		return true;
	if (n >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t'))
		return true;
	while (i < n && i < 9 && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ';
}

/*
 * True if a paragraph of s[0..n) holds too many autolinks.  Paragraphs
 * are told apart roughly, by blank lines, list items and headings;
 * counting too many only turns bare URLs into text.
 */
static size_t count_str(const char *s, size_t n, const char *needle, size_t k, size_t max)
{
	const char *p = s, *end = s + n;
	size_t count = 0;

	while (count <= max && (p = memmem(p, (size_t)(end - p), needle, k)) != NULL) {
		count++;
		p += k;
	}
	return count;
}

static bool autolink_flood(const char *s, size_t n)
{
	size_t i = 0, j, end, count;
	const char *nl;

	/* Most texts hold too few in all for the closer look. */
	count = count_str(s, n, "://", 3, AUTOLINKS_PER_PARA_MAX);
	if (count + count_str(s, n, "www.", 4, AUTOLINKS_PER_PARA_MAX) <= AUTOLINKS_PER_PARA_MAX)
		return false;
	count = 0;
	while (i < n) {
		nl = memchr(s + i, '\n', n - i);
		end = nl ? (size_t)(nl - s) : n;
		for (j = i; j < end && (s[j] == ' ' || s[j] == '\t'); j++)
			;
		if (j == end || starts_block(s + j, end - j))
			count = 0;
		for (; j + 3 < end; j++) {
			if ((s[j] == ':' && s[j + 1] == '/' && s[j + 2] == '/') ||
			    (s[j] == 'w' && s[j + 1] == 'w' && s[j + 2] == 'w' && s[j + 3] == '.'))
				if (++count > AUTOLINKS_PER_PARA_MAX)
					return true;
		}
		i = end + 1;
	}
	return false;
}

/*
 * Copies the Markdown into md, the copy md4c parses: without a byte order
 * mark, with invalid UTF-8 replaced, and followed by MD4C_PAD zero bytes.
 * md4c 0.4.8 reads a byte past the end of its input (after a link
 * destination that ends the text, "[a](b"); on the caller's buffer that
 * is a read out of bounds, and what it finds there can even reach the
 * output.  On a copy it finds a zero, as if the check were there.  The
 * copy costs a memcpy, about 1% of rendering.
 */
#define MD4C_PAD 8

static int prepare(const char *s, size_t n, struct buf *md)
{
	size_t bad;

	if (n > MDR_MAX_INPUT)
		goto too_long;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		n -= 3;
	}
	bad = utf8_check(s, n);
	buf_grow(md, n + MD4C_PAD);
	buf_put(md, s, bad);
	if (bad < n)
		utf8_fix(md, s + bad, n - bad);
	if (md->n > MDR_MAX_INPUT)
		goto too_long;
	bad = md->n;
	buf_put(md, "\0\0\0\0\0\0\0\0", MD4C_PAD);
	buf_truncate(md, bad);
	return 0;
too_long:
	return log_fail("markdown text of %zu bytes is too long (at most %zu)", n, MDR_MAX_INPUT);
}

/*
 * One parse into out, or 1 if a table flood stopped it (out as it was).
 */
static int html_parse(const struct buf *md, const struct mdr_opts *opts, unsigned flags,
                      struct buf *out)
{
	struct render r = {0};
	MD_PARSER parser = {0};
	int rc;

	r.out = out;
	r.start = out->n;
	r.opts = opts;
	r.cells_left = cell_budget(md->n);
	parser.flags = flags;
	parser.enter_block = html_enter_block;
	parser.leave_block = html_leave_block;
	parser.enter_span = html_enter_span;
	parser.leave_span = html_leave_span;
	parser.text = html_text;
	rc = md_parse(md->p, (MD_SIZE)md->n, &parser, &r);
	if (rc != 0 || r.flood) {
		buf_truncate(out, r.start);
		rc = r.flood ? 1 : -1;
	}
	buf_finish(&r.url);
	buf_finish(&r.url2);
	buf_finish(&r.html);
	buf_finish(&r.id);
	buf_finish(&r.spans);
	buf_finish(&r.plain);
	buf_finish(&r.link);
	buf_finish(&r.ids.names);
	free(r.ids.slot);
	return rc;
}

static int render_flags(const char *src, size_t n, const struct mdr_opts *opts, unsigned flags,
                        struct buf *out)
{
	static const struct mdr_opts none;
	struct buf md = BUF_INIT;
	int rc = -1;

	if (opts == NULL)
		opts = &none;
	if (opts->raw_html == NULL)
		flags |= MD_FLAG_NOHTML;
	if (prepare(src, n, &md) < 0)
		goto out_md;
	if (autolink_flood(md.p, md.n))
		flags &= ~(unsigned)(MD_FLAG_PERMISSIVEURLAUTOLINKS |
		                     MD_FLAG_PERMISSIVEWWWAUTOLINKS);
	rc = html_parse(&md, opts, flags, out);
	if (rc == 1)
		rc = html_parse(&md, opts, flags & ~(unsigned)MD_FLAG_TABLES, out);
	if (rc != 0)
		rc = log_fail("markdown parser ran out of memory");
out_md:
	buf_finish(&md);
	return rc;
}

int mdr_render(const char *src, size_t n, const struct mdr_opts *opts, struct buf *out)
{
	return render_flags(src, n, opts, MDR_FLAGS, out);
}

/* One parse into out, or 1 if a table flood stopped it (out as it was). */
static int text_parse(const struct buf *md, size_t max, unsigned flags, struct buf *out)
{
	struct text t = {0};
	MD_PARSER parser = {0};
	int rc;

	t.out = out;
	t.base = out->n;
	t.stop = max > SIZE_MAX - TEXT_SLACK ? SIZE_MAX : max + TEXT_SLACK;
	t.cells_left = cell_budget(md->n);
	parser.flags = flags;
	parser.enter_block = text_enter_block;
	parser.leave_block = text_leave_block;
	parser.enter_span = text_span;
	parser.leave_span = text_span;
	parser.text = text_text;
	rc = md_parse(md->p, (MD_SIZE)md->n, &parser, &t);
	buf_finish(&t.html);
	if (rc < 0 || t.flood) {
		buf_truncate(out, t.base);
		return t.flood ? 1 : -1;
	}
	text_rtrim(&t);
	if (out->n - t.base > max)
		text_cut(out, t.base, max);
	return 0;
}

int mdr_render_text(const char *src, size_t n, size_t max, struct buf *out)
{
	struct buf md = BUF_INIT;
	unsigned flags = MDR_FLAGS;
	int rc = -1;

	if (prepare(src, n, &md) < 0)
		goto out_md;
	if (autolink_flood(md.p, md.n))
		flags &= ~(unsigned)(MD_FLAG_PERMISSIVEURLAUTOLINKS |
		                     MD_FLAG_PERMISSIVEWWWAUTOLINKS);
	rc = text_parse(&md, max, flags, out);
	if (rc == 1)
		rc = text_parse(&md, max, flags & ~(unsigned)MD_FLAG_TABLES, out);
	if (rc != 0)
		rc = log_fail("markdown parser ran out of memory");
out_md:
	buf_finish(&md);
	return rc;
}
