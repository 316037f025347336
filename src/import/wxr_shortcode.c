/*
 * WordPress's own shortcodes and embeds, as a static site can show them.
 * The shortcode grammar is get_shortcode_regex() and
 * shortcode_parse_atts() of wp-includes/shortcodes.php; what each one
 * becomes is decided here, not by WordPress:
 *
 * - [caption] (and the old [wp_caption]) is img_caption_shortcode()'s
 *   HTML5 form: <figure> with the image and a <figcaption>; like
 *   WordPress, a caption without a width or text leaves just the image.
 * - [embed], [audio], [video] and the URLs WordPress would embed (a URL
 *   alone on its line, or alone in a paragraph) become links to what they
 *   point at.  An embedded player would load another site into every
 *   reader's page, which the public site never does.
 * - [gallery] and [playlist] are removed: they list attachments from
 *   WordPress's database, which an export does not render.
 * - Any other shortcode stays as text, as WordPress leaves a shortcode no
 *   plugin registered.
 *
 * Brackets inside HTML tags and comments are not shortcode brackets
 * (WordPress escapes them while it looks for shortcodes).
 */
#include "import/wxr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static bool ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool at(const char *s, size_t n, size_t i, const char *lit)
{
	size_t k = strlen(lit);

	return i <= n && n - i >= k && memcmp(s + i, lit, k) == 0;
}

static bool at_ci(const char *s, size_t n, size_t i, const char *lit)
{
	size_t k = strlen(lit), j;

	if (i > n || n - i < k)
		return false;
	for (j = 0; j < k; j++) {
		unsigned char c = (unsigned char)s[i + j];
		if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)lit[j])
			return false;
	}
	return true;
}

/*
 * mask[i] is true for the bytes of HTML tags, comments and CDATA sections
 * (the elements wp_html_split() finds), whose brackets and line breaks do
 * not count.  Caller frees.
 */
static bool *tag_mask(const char *s, size_t n)
{
	bool *mask = xcalloc(n + 1, sizeof(bool));
	size_t i = 0, k;

	while (i < n) {
		if (s[i] != '<') {
			i++;
			continue;
		}
		if (at(s, n, i + 1, "!--")) {
			const char *e = memmem(s + i + 4, n - i - 4, "-->", 3);
			k = e ? (size_t)(e - s) + 3 : n;
		} else if (at(s, n, i + 1, "![CDATA[")) {
			const char *e = memmem(s + i + 9, n - i - 9, "]]>", 3);
			k = e ? (size_t)(e - s) + 3 : n;
		} else {
			const char *e = memchr(s + i + 1, '>', n - i - 1);
			k = e ? (size_t)(e - s) + 1 : n;
		}
		memset(mask + i, 1, k - i);
		i = k;
	}
	return mask;
}

/* The shortcodes handled, and what happens to them. */
enum sc_kind { SC_CAPTION, SC_EMBED, SC_MEDIA, SC_REMOVE };

static const struct {
	const char *name;
	enum sc_kind kind;
} shortcodes[] = {
        {"caption", SC_CAPTION}, {"wp_caption", SC_CAPTION}, {"embed", SC_EMBED},
        {"audio", SC_MEDIA},     {"video", SC_MEDIA},        {"gallery", SC_REMOVE},
        {"playlist", SC_REMOVE},
};

/* Attributes of the media shortcodes that give a file, in order of preference. */
static const char *const media_attrs[] = {
        "src", "mp3", "m4a", "ogg", "wav", "flac", "mp4", "m4v", "webm", "ogv", "wmv", "flv",
};

struct attr {
	char *name, *value;
};

struct attrs {
	struct attr *v;
	size_t n;
};

static void attrs_free(struct attrs *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].value);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

static const char *attr_get(const struct attrs *a, const char *name)
{
	size_t i;

	/* The last one wins, as in a PHP array. */
	for (i = a->n; i-- > 0;)
		if (a->v[i].name && strcmp(a->v[i].name, name) == 0)
			return a->v[i].value;
	return NULL;
}

/* stripcslashes() for the escapes found in practice. */
static char *unslash(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 == n) {
			buf_putc(&b, s[i]);
			continue;
		}
		switch (s[++i]) {
		case 'n':
			buf_putc(&b, '\n');
			break;
		case 't':
			buf_putc(&b, '\t');
			break;
		case 'r':
			buf_putc(&b, '\r');
			break;
		default:
			buf_putc(&b, s[i]);
			break;
		}
	}
	return buf_detach(&b);
}

static void attr_add(struct attrs *a, const char *name, size_t nn, const char *v, size_t vn)
{
	size_t i;

	a->v = xreallocarray(a->v, a->n + 1, sizeof(*a->v));
	a->v[a->n].name = NULL;
	if (name) {
		a->v[a->n].name = xmalloc(nn + 1);
		for (i = 0; i < nn; i++)
			a->v[a->n].name[i] =
			        (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
		a->v[a->n].name[nn] = '\0';
	}
	a->v[a->n].value = unslash(v, vn);
	a->n++;
}

/*
 * shortcode_parse_atts(): name="v", name='v', name=v, and positional
 * values.  U+00A0 and U+200B count as spaces.
 */
static void parse_attrs(const char *s, size_t n, struct attrs *out)
{
	struct buf t = BUF_INIT;
	size_t i = 0, ns, ne, vs, ve;

	for (i = 0; i < n; i++) {
		if (at(s, n, i, "\xC2\xA0")) {
			buf_putc(&t, ' ');
			i++;
		} else if (at(s, n, i, "\xE2\x80\x8B")) {
			buf_putc(&t, ' ');
			i += 2;
		} else {
			buf_putc(&t, s[i]);
		}
	}
	s = buf_cstr(&t);
	n = t.n;
	i = 0;
	for (;;) {
		while (i < n && ws((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		ns = i;
		while (i < n && (word_char((unsigned char)s[i]) || s[i] == '-'))
			i++;
		ne = i;
		while (i < n && ws((unsigned char)s[i]))
			i++;
		if (ne > ns && i < n && s[i] == '=') {
			i++;
			while (i < n && ws((unsigned char)s[i]))
				i++;
			if (i < n && (s[i] == '"' || s[i] == '\'')) {
				char q = s[i];
				const char *e = memchr(s + i + 1, q, n - i - 1);
				vs = i + 1;
				ve = e ? (size_t)(e - s) : n;
				i = e ? ve + 1 : n;
			} else {
				vs = i;
				while (i < n && !ws((unsigned char)s[i]) && s[i] != '"' &&
				       s[i] != '\'')
					i++;
				ve = i;
			}
			attr_add(out, s + ns, ne - ns, s + vs, ve - vs);
			continue;
		}
		/* A positional value, quoted or not. */
		i = ns;
		if (s[i] == '"' || s[i] == '\'') {
			char q = s[i];
			const char *e = memchr(s + i + 1, q, n - i - 1);
			vs = i + 1;
			ve = e ? (size_t)(e - s) : n;
			i = e ? ve + 1 : n;
		} else {
			vs = i;
			while (i < n && !ws((unsigned char)s[i]))
				i++;
			ve = i;
		}
		attr_add(out, NULL, 0, s + vs, ve - vs);
	}
	buf_finish(&t);
}

/* Appends <a href="url">url</a>; url is HTML already (it came from the post). */
static void put_link(struct buf *out, const char *url, size_t n)
{
	size_t i;

	buf_puts(out, "<a href=\"");
	for (i = 0; i < n; i++) {
		if (url[i] == '"')
			buf_puts(out, "&quot;");
		else if (url[i] == '<')
			buf_puts(out, "&lt;");
		else
			buf_putc(out, url[i]);
	}
	buf_puts(out, "\">");
	for (i = 0; i < n; i++) {
		if (url[i] == '<')
			buf_puts(out, "&lt;");
		else
			buf_putc(out, url[i]);
	}
	buf_puts(out, "</a>");
}

static void shortcodes_run(const char *s, size_t n, struct buf *out, struct wxr_shortcode_stats *st,
                           bool embed_only);

/* The end of "<img [^>]+>" at i, or 0. */
static size_t img_end(const char *c, size_t cn, size_t i)
{
	const char *gt;

	if (!at_ci(c, cn, i, "<img ") || i + 5 >= cn)
		return 0;
	gt = memchr(c + i + 5, '>', cn - i - 5);
	return gt && gt > c + i + 5 ? (size_t)(gt - c) + 1 : 0;
}

/*
 * '#((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)#is' in c: the image
 * (with its link) in [*start, *end).  False if there is none.
 */
static bool find_image(const char *c, size_t cn, size_t *start, size_t *end)
{
	size_t i, j, e, k;

	for (i = 0; i < cn; i++) {
		e = 0;
		if (at_ci(c, cn, i, "<a ") && i + 3 < cn) {
			const char *gt = memchr(c + i + 3, '>', cn - i - 3);
			if (gt && gt > c + i + 3) {
				for (j = (size_t)(gt - c) + 1; j < cn && ws((unsigned char)c[j]);
				     j++)
					;
				e = img_end(c, cn, j);
			}
		}
		if (e == 0)
			e = img_end(c, cn, i);
		if (e == 0)
			continue;
		for (k = e; k < cn && ws((unsigned char)c[k]); k++)
			;
		if (at_ci(c, cn, k, "</a>"))
			e = k + 4;
		*start = i;
		*end = e;
		return true;
	}
	return false;
}

/*
 * img_caption_shortcode(): without a caption attribute, the caption is
 * what follows the image (and the link around it) in the content.
 */
static void caption(const struct attrs *a, const char *c, size_t cn, struct buf *out,
                    struct wxr_shortcode_stats *st)
{
	const char *cap = attr_get(a, "caption"), *w = attr_get(a, "width");
	struct buf capb = BUF_INIT;
	size_t start, e, cap_n;

	if (cap == NULL) {
		if (find_image(c, cn, &start, &e)) {
			const char *r = c + e;
			size_t rn = cn - e;
			/* PHP's trim(): " \t\n\r\0\x0B". */
			while (rn && strchr(" \t\n\r\v", *r) && *r)
				r++, rn--;
			while (rn && strchr(" \t\n\r\v", r[rn - 1]) && r[rn - 1])
				rn--;
			buf_put(&capb, r, rn);
			c += start;
			cn = e - start;
		}
		cap = buf_cstr(&capb);
	}
	cap_n = strlen(cap);
	/* (int) $width < 1 || empty($caption): the content alone. */
	if (w == NULL || atol(w) < 1 || cap_n == 0 || (cap_n == 1 && cap[0] == '0')) {
		buf_put(out, c, cn);
		buf_finish(&capb);
		return;
	}
	buf_puts(out, "<figure>");
	shortcodes_run(c, cn, out, st, false);
	buf_puts(out, "<figcaption>");
	buf_put(out, cap, cap_n);
	buf_puts(out, "</figcaption></figure>");
	if (st)
		st->captions++;
	buf_finish(&capb);
}

/* The first file a media shortcode names, or NULL. */
static const char *media_src(const struct attrs *a)
{
	size_t i;
	const char *v;

	for (i = 0; i < NELEM(media_attrs); i++)
		if ((v = attr_get(a, media_attrs[i])) != NULL && *v)
			return v;
	return NULL;
}

static bool http_url(const char *s, size_t n)
{
	return (at_ci(s, n, 0, "http://") && n > 7) || (at_ci(s, n, 0, "https://") && n > 8);
}

/* One shortcode matched: [name attrs] or [name attrs]content[/name]. */
static void handle(enum sc_kind kind, const struct attrs *a, const char *c, size_t cn,
                   struct buf *out, struct wxr_shortcode_stats *st)
{
	const char *u;

	switch (kind) {
	case SC_CAPTION:
		caption(a, c, cn, out, st);
		break;
	case SC_EMBED:
		while (cn && ws((unsigned char)*c))
			c++, cn--;
		while (cn && ws((unsigned char)c[cn - 1]))
			cn--;
		if (cn == 0 && (u = attr_get(a, "src")) != NULL)
			c = u, cn = strlen(u);
		if (http_url(c, cn)) {
			put_link(out, c, cn);
			if (st)
				st->embeds++;
		}
		break;
	case SC_MEDIA:
		if ((u = media_src(a)) != NULL) {
			put_link(out, u, strlen(u));
			if (st)
				st->embeds++;
		}
		break;
	case SC_REMOVE:
		if (st)
			st->removed++;
		break;
	}
}

struct match {
	enum sc_kind kind;
	const char *name;
	size_t end;       /* just past the match */
	size_t as, ae;    /* the attribute text */
	size_t cs, ce;    /* the content, if any (cs == ce == 0 if none) */
	bool lead, trail; /* (\[?) and (\]?) matched a bracket */
};

/* get_shortcode_regex() at s[i]. */
static bool match_at(const char *s, size_t n, const bool *mask, size_t i, bool embed_only,
                     struct match *m)
{
	size_t k, j, len = 0, name_at, c, from;
	char close[32];
	const char *p;

	if (s[i] != '[' || mask[i])
		return false;
	/* (\[?) is greedy, and after "[[" only the doubled form can match. */
	m->lead = i + 1 < n && s[i + 1] == '[';
	name_at = i + 1 + m->lead;
	for (k = 0; k < NELEM(shortcodes); k++) {
		len = strlen(shortcodes[k].name);
		if (embed_only && shortcodes[k].kind != SC_EMBED)
			continue;
		if (at(s, n, name_at, shortcodes[k].name) &&
		    !(name_at + len < n &&
		      (word_char((unsigned char)s[name_at + len]) || s[name_at + len] == '-')))
			break;
	}
	if (k == NELEM(shortcodes))
		return false;
	/* The attributes run to the first ']' that is no tag's. */
	for (j = name_at + len; j < n && !(s[j] == ']' && !mask[j]); j++)
		;
	if (j >= n)
		return false;
	m->kind = shortcodes[k].kind;
	m->name = shortcodes[k].name;
	m->as = name_at + len;
	m->cs = m->ce = 0;
	if (j > name_at + len && s[j - 1] == '/') {
		m->ae = j - 1; /* self-closing */
		m->end = j + 1;
	} else {
		m->ae = j;
		m->end = j + 1;
		snprintf(close, sizeof(close), "[/%s]", m->name);
		for (c = n, from = j + 1;
		     from < n && (p = memmem(s + from, n - from, close, strlen(close))) != NULL;) {
			if (!mask[p - s]) {
				c = (size_t)(p - s);
				break;
			}
			from = (size_t)(p - s) + 1;
		}
		if (c < n) {
			m->cs = j + 1;
			m->ce = c;
			m->end = c + strlen(close);
		}
	}
	m->trail = m->end < n && s[m->end] == ']' && !mask[m->end];
	if (m->trail)
		m->end++;
	return true;
}

static void shortcodes_run(const char *s, size_t n, struct buf *out, struct wxr_shortcode_stats *st,
                           bool embed_only)
{
	bool *mask = tag_mask(s, n);
	struct match m;
	size_t i = 0;

	while (i < n) {
		if (!match_at(s, n, mask, i, embed_only, &m)) {
			buf_putc(out, s[i++]);
			continue;
		}
		if (m.lead && m.trail) {
			/* [[name]]: printed as [name]. */
			buf_put(out, s + i + 1, m.end - i - 2);
		} else {
			struct attrs a = {NULL, 0};
			parse_attrs(s + m.as, m.ae - m.as, &a);
			if (m.lead)
				buf_putc(out, '[');
			handle(m.kind, &a, s + m.cs, m.ce - m.cs, out, st);
			if (m.trail)
				buf_putc(out, ']');
			attrs_free(&a);
		}
		i = m.end;
	}
	free(mask);
}

void wxr_shortcodes(const char *s, size_t n, struct buf *out, struct wxr_shortcode_stats *st)
{
	shortcodes_run(s, n, out, st, false);
}

/* Length of "https?://[^\s<>\"]+" at s[i] (any case), or 0. */
static size_t url_at(const char *s, size_t n, size_t i)
{
	size_t j;

	if (at_ci(s, n, i, "http://"))
		j = i + 7;
	else if (at_ci(s, n, i, "https://"))
		j = i + 8;
	else
		return 0;
	if (j >= n || ws((unsigned char)s[j]) || strchr("<>\"", s[j]))
		return 0;
	while (j < n && !ws((unsigned char)s[j]) && !strchr("<>\"", s[j]))
		j++;
	return j - i;
}

/*
 * WP_Embed::autoembed(): a URL alone on its line (line breaks inside tags
 * do not count) or alone in a paragraph is what WordPress would embed.
 */
static void autoembed(const char *s, size_t n, struct buf *out, struct wxr_shortcode_stats *st)
{
	bool *mask = tag_mask(s, n);
	size_t i = 0, j, u, e, k;

	while (i < n) {
		/* A line: from i to the next line break outside tags. */
		if (i == 0 || (s[i - 1] == '\n' && !mask[i - 1])) {
			for (j = i; j < n && ws((unsigned char)s[j]) && s[j] != '\n'; j++)
				;
			if ((u = url_at(s, n, j)) != 0) {
				for (e = j + u; e < n && ws((unsigned char)s[e]) && s[e] != '\n';
				     e++)
					;
				if (e == n || s[e] == '\n') {
					buf_put(out, s + i, j - i);
					put_link(out, s + j, u);
					if (st)
						st->embeds++;
					i = j + u;
					continue;
				}
			}
		}
		/* '|(<p(?: [^>]*)?>\s*)(https?://[^\s<>"]+)(\s*<\/p>)|i' */
		if (at_ci(s, n, i, "<p") && i + 2 < n && (s[i + 2] == '>' || s[i + 2] == ' ')) {
			const char *gt = memchr(s + i + 2, '>', n - i - 2);
			if (gt) {
				for (j = (size_t)(gt - s) + 1; j < n && ws((unsigned char)s[j]);
				     j++)
					;
				if ((u = url_at(s, n, j)) != 0) {
					for (k = j + u; k < n && ws((unsigned char)s[k]); k++)
						;
					if (at_ci(s, n, k, "</p>")) {
						buf_put(out, s + i, j - i);
						put_link(out, s + j, u);
						if (st)
							st->embeds++;
						i = j + u;
						continue;
					}
				}
			}
		}
		buf_putc(out, s[i++]);
	}
	free(mask);
}

void wxr_embeds(const char *s, size_t n, struct buf *out, struct wxr_shortcode_stats *st)
{
	struct buf tmp = BUF_INIT;

	shortcodes_run(s, n, &tmp, st, true);
	autoembed(tmp.p ? tmp.p : "", tmp.n, out, st);
	buf_finish(&tmp);
}
