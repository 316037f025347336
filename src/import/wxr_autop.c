/*
 * wpautop() and shortcode_unautop() of WordPress 6, ported step by step so
 * that imported posts get exactly the paragraphs WordPress showed.  Each
 * static function below is one preg_replace() of formatting.php, named in
 * its comment, and matches what PCRE would match: case-sensitive unless
 * said, "\s" is PCRE's [ \t\n\v\f\r] (PHP's default, non-UTF mode),
 * matches are found leftmost first and never overlap.  The differential
 * test against WordPress's own PHP is described in tests/unit/wxr_test.c.
 *
 * Not ported: wptexturize() (curly quotes, dashes), convert_smilies() and
 * the filters plugins add to the_content; an import keeps the text as it
 * was typed.
 */
#include "import/wxr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* PCRE's \s in PHP's default mode. */
static bool ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Does s[i..n) start with the literal lit? */
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

/* Index of the first '>' at or after i, or n. */
static size_t find_gt(const char *s, size_t n, size_t i)
{
	const char *p = i < n ? memchr(s + i, '>', n - i) : NULL;

	return p ? (size_t)(p - s) : n;
}

/* Index just past the white space at i. */
static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && ws((unsigned char)s[i]))
		i++;
	return i;
}

/* Index of lit at or after i, or n. */
static size_t find(const char *s, size_t n, size_t i, const char *lit)
{
	const char *p = i < n ? memmem(s + i, n - i, lit, strlen(lit)) : NULL;

	return p ? (size_t)(p - s) : n;
}

static bool contains(const struct buf *b, const char *lit)
{
	return find(b->p, b->n, 0, lit) < b->n;
}

/* $allblocks, in the order of the alternation. */
static const char *const allblocks[] = {
        "table",    "thead",  "tfoot",      "caption", "col",   "colgroup",   "tbody",   "tr",
        "td",       "th",     "div",        "dl",      "dd",    "dt",         "ul",      "ol",
        "li",       "pre",    "form",       "map",     "area",  "blockquote", "address", "style",
        "p",        "h1",     "h2",         "h3",      "h4",    "h5",         "h6",      "hr",
        "fieldset", "legend", "section",    "article", "aside", "hgroup",     "header",  "footer",
        "nav",      "figure", "figcaption", "details", "menu",  "summary",
};

/*
 * Does a name of $allblocks start at s[i] -- followed by one of the bytes
 * in delim ("" for any)?  PCRE backtracks through the alternation, so any
 * name that fits will do.
 */
static bool block_at(const char *s, size_t n, size_t i, const char *delim)
{
	size_t k, len;

	for (k = 0; k < NELEM(allblocks); k++) {
		len = strlen(allblocks[k]);
		if (!at(s, n, i, allblocks[k]))
			continue;
		if (*delim == '\0')
			return true;
		if (i + len < n && s[i + len] != '\0' && strchr(delim, s[i + len]))
			return true;
	}
	return false;
}

/* [\s/>] */
static const char delim_open[] = " \t\n\v\f\r/>";

/*
 * End of the tag "</?(?:allblocks)[^>]*>" at s[i] ('<'), or 0.  prefixes
 * NULL means $allblocks; else the alternatives of the <br /> rule.
 */
static size_t block_tag(const char *s, size_t n, size_t i, const char *const *prefixes)
{
	size_t j = i + 1, k, gt;
	bool ok = false;

	if (!at(s, n, i, "<"))
		return 0;
	if (j < n && s[j] == '/')
		j++;
	if (prefixes == NULL) {
		ok = block_at(s, n, j, "");
	} else {
		for (k = 0; prefixes[k]; k++)
			ok |= at(s, n, j, prefixes[k]);
	}
	if (!ok)
		return 0;
	gt = find_gt(s, n, j);
	return gt < n ? gt + 1 : 0;
}

/* "<br\s*\/?>" at i: its end, or 0. */
static size_t br_at(const char *s, size_t n, size_t i)
{
	size_t j;

	if (!at(s, n, i, "<br"))
		return 0;
	j = skip_ws(s, n, i + 3);
	if (j < n && s[j] == '/')
		j++;
	return j < n && s[j] == '>' ? j + 1 : 0;
}

/* The <pre> elements, taken out while the rest is worked on. */
struct pres {
	struct buf values; /* each value NUL-terminated */
	size_t *at;        /* offset of value k in values */
	size_t n, cap;
};

/*
 * explode('</pre>') and the "<pre wp-pre-tag-N></pre>" placeholders.  A
 * part without "<pre" loses its "</pre>", as in WordPress.
 */
static void pre_out(const struct buf *in, struct buf *out, struct pres *pre)
{
	size_t i = 0, end, start;

	for (;;) {
		end = find(in->p, in->n, i, "</pre>");
		if (end == in->n) {
			buf_put(out, in->p + i, in->n - i); /* the last part */
			return;
		}
		start = find(in->p, end, i, "<pre");
		if (start == end) {
			buf_put(out, in->p + i, end - i);
		} else {
			if (pre->n == pre->cap) {
				pre->cap = pre->cap ? 2 * pre->cap : 16;
				pre->at = xrealloc(pre->at, pre->cap * sizeof(*pre->at));
			}
			pre->at[pre->n] = pre->values.n;
			buf_put(&pre->values, in->p + start, end - start);
			buf_puts(&pre->values, "</pre>");
			buf_putc(&pre->values, '\0');
			buf_put(out, in->p + i, start - i);
			buf_printf(out, "<pre wp-pre-tag-%zu></pre>", pre->n);
			pre->n++;
		}
		i = end + 6;
	}
}

/*
 * str_replace(array_keys($pre_tags), array_values($pre_tags)): the
 * placeholders are distinct, so one pass does it (a <pre> whose own text
 * spells a later placeholder is the only case where PHP differs).
 */
static void pre_back(const struct buf *in, struct buf *out, const struct pres *pre)
{
	size_t i = 0, j, k;

	while (i < in->n) {
		size_t p = find(in->p, in->n, i, "<pre wp-pre-tag-");

		buf_put(out, in->p + i, p - i);
		if ((i = p) >= in->n)
			break;
		for (k = 0, j = i + 16;
		     j < in->n && in->p[j] >= '0' && in->p[j] <= '9' && j < i + 35; j++)
			k = k * 10 + (size_t)(in->p[j] - '0');
		/* No leading zeros: the placeholder was written with %zu. */
		if (j > i + 16 && (in->p[i + 16] != '0' || j == i + 17) && k < pre->n &&
		    at(in->p, in->n, j, "></pre>")) {
			size_t end = k + 1 < pre->n ? pre->at[k + 1] : pre->values.n;
			buf_put(out, pre->values.p + pre->at[k], end - pre->at[k] - 1);
			i = j + 7;
		} else {
			buf_putc(out, in->p[i++]);
		}
	}
}

/* '|<br\s*\/?>\s*<br\s*\/?>|' -> "\n\n" */
static void double_br(const struct buf *in, struct buf *out)
{
	size_t i = 0, e1, e2;

	while (i < in->n) {
		if ((e1 = br_at(in->p, in->n, i)) != 0 &&
		    (e2 = br_at(in->p, in->n, skip_ws(in->p, in->n, e1))) != 0) {
			buf_puts(out, "\n\n");
			i = e2;
		} else {
			buf_putc(out, in->p[i++]);
		}
	}
}

/*
 * '!(<allblocks[\s/>])!' -> "\n\n$1", '!(</allblocks>)!' -> "$1\n\n" and
 * '!(<hr\s*?\/?>)!' -> "$1\n\n", one after the other.
 */
static void block_breaks(const struct buf *in, struct buf *out, int which)
{
	size_t i = 0, k, e;

	while (i < in->n) {
		if (in->p[i] != '<') {
			buf_putc(out, in->p[i++]);
			continue;
		}
		if (which == 0 && block_at(in->p, in->n, i + 1, delim_open)) {
			buf_puts(out, "\n\n<");
			i++;
			continue;
		}
		if (which == 1 && at(in->p, in->n, i, "</")) {
			for (k = 0; k < NELEM(allblocks); k++) {
				size_t len = strlen(allblocks[k]);
				if (at(in->p, in->n, i + 2, allblocks[k]) && i + 2 + len < in->n &&
				    in->p[i + 2 + len] == '>')
					break;
			}
			if (k < NELEM(allblocks)) {
				e = i + 2 + strlen(allblocks[k]) + 1;
				buf_put(out, in->p + i, e - i);
				buf_puts(out, "\n\n");
				i = e;
				continue;
			}
		}
		if (which == 2 && at(in->p, in->n, i, "<hr")) {
			e = skip_ws(in->p, in->n, i + 3);
			if (e < in->n && in->p[e] == '/')
				e++;
			if (e < in->n && in->p[e] == '>') {
				buf_put(out, in->p + i, e + 1 - i);
				buf_puts(out, "\n\n");
				i = e + 1;
				continue;
			}
		}
		buf_putc(out, in->p[i++]);
	}
}

/* str_replace(array("\r\n", "\r"), "\n") */
static void newlines(const struct buf *in, struct buf *out)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		if (in->p[i] != '\r') {
			buf_putc(out, in->p[i]);
			continue;
		}
		buf_putc(out, '\n');
		if (i + 1 < in->n && in->p[i + 1] == '\n')
			i++;
	}
}

/*
 * End of the element wp_html_split() finds at s[i] ('<'): a comment, a
 * CDATA section, or anything up to the next '>' (or the end).
 */
static size_t html_token_end(const char *s, size_t n, size_t i)
{
	size_t k;

	if (at(s, n, i + 1, "!--")) {
		k = i + 2;
		while (k < n && s[k] == '-' && !(at(s, n, k + 1, "->"))) {
			k++;
			while (k < n && s[k] != '-')
				k++;
		}
		return at(s, n, k, "-->") ? k + 3 : k;
	}
	if (at(s, n, i + 1, "![CDATA[")) {
		k = i + 9;
		while (k < n && s[k] != ']')
			k++;
		while (k < n && s[k] == ']' && !at(s, n, k + 1, "]>")) {
			k++;
			while (k < n && s[k] != ']')
				k++;
		}
		return at(s, n, k, "]]>") ? k + 3 : k;
	}
	k = find_gt(s, n, i + 1);
	return k < n ? k + 1 : n;
}

/* wp_replace_in_html_tags($text, array("\n" => " <!-- wpnl --> ")) */
static void tag_newlines(const struct buf *in, struct buf *out)
{
	size_t i = 0, e, k;

	while (i < in->n) {
		if (in->p[i] != '<') {
			buf_putc(out, in->p[i++]);
			continue;
		}
		e = html_token_end(in->p, in->n, i);
		for (k = i; k < e; k++) {
			if (in->p[k] == '\n')
				buf_puts(out, " <!-- wpnl --> ");
			else
				buf_putc(out, in->p[k]);
		}
		i = e;
	}
}

/*
 * Removes the white space before ("\s*" + tag) and/or after (tag + "\s*")
 * every match of a tag.  tag_end(s, n, i) returns the end of a tag that
 * starts at i, or 0.
 */
static void collapse(const struct buf *in, struct buf *out,
                     size_t (*tag_end)(const char *, size_t, size_t), bool before, bool after)
{
	size_t i = 0, j, e;

	while (i < in->n) {
		j = before ? skip_ws(in->p, in->n, i) : i;
		if ((e = tag_end(in->p, in->n, j)) != 0) {
			if (!before)
				buf_put(out, in->p + i, j - i);
			buf_put(out, in->p + j, e - j);
			i = after ? skip_ws(in->p, in->n, e) : e;
		} else if (j > i) {
			buf_put(out, in->p + i, j - i); /* no tag after this run */
			i = j;
		} else {
			buf_putc(out, in->p[i++]);
		}
	}
}

static size_t option_open(const char *s, size_t n, size_t i)
{
	return at(s, n, i, "<option") ? i + 7 : 0;
}

static size_t option_close(const char *s, size_t n, size_t i)
{
	return at(s, n, i, "</option>") ? i + 9 : 0;
}

/* "<object[^>]*>" */
static size_t object_open(const char *s, size_t n, size_t i)
{
	size_t gt;

	if (!at(s, n, i, "<object"))
		return 0;
	gt = find_gt(s, n, i + 7);
	return gt < n ? gt + 1 : 0;
}

static size_t object_close(const char *s, size_t n, size_t i)
{
	return at(s, n, i, "</object>") ? i + 9 : 0;
}

/* "<\/?(?:param|embed)[^>]*>" */
static size_t param_embed(const char *s, size_t n, size_t i)
{
	size_t j = i + 1, gt;

	if (!at(s, n, i, "<"))
		return 0;
	if (j < n && s[j] == '/')
		j++;
	if (!at(s, n, j, "param") && !at(s, n, j, "embed"))
		return 0;
	gt = find_gt(s, n, j);
	return gt < n ? gt + 1 : 0;
}

/* "[<\[](?:audio|video)[^>\]]*[>\]]" */
static size_t media_open(const char *s, size_t n, size_t i)
{
	size_t k;

	if (i >= n || (s[i] != '<' && s[i] != '[') ||
	    !(at(s, n, i + 1, "audio") || at(s, n, i + 1, "video")))
		return 0;
	for (k = i + 6; k < n && s[k] != '>' && s[k] != ']'; k++)
		;
	return k < n ? k + 1 : 0;
}

/* "[<\[]\/(?:audio|video)[>\]]" */
static size_t media_close(const char *s, size_t n, size_t i)
{
	if (i >= n || (s[i] != '<' && s[i] != '[') || !at(s, n, i + 1, "/") ||
	    !(at(s, n, i + 2, "audio") || at(s, n, i + 2, "video")) || i + 7 >= n ||
	    (s[i + 7] != '>' && s[i + 7] != ']'))
		return 0;
	return i + 8;
}

/* "<(?:source|track)[^>]*>" */
static size_t source_track(const char *s, size_t n, size_t i)
{
	size_t gt;

	if (!at(s, n, i, "<source") && !at(s, n, i, "<track"))
		return 0;
	gt = find_gt(s, n, i + 1);
	return gt < n ? gt + 1 : 0;
}

/* "<figcaption[^>]*>" */
static size_t figcaption_open(const char *s, size_t n, size_t i)
{
	size_t gt;

	if (!at(s, n, i, "<figcaption"))
		return 0;
	gt = find_gt(s, n, i + 11);
	return gt < n ? gt + 1 : 0;
}

static size_t figcaption_close(const char *s, size_t n, size_t i)
{
	return at(s, n, i, "</figcaption>") ? i + 13 : 0;
}

/* "/\n\n+/" -> "\n\n" */
static void squeeze(const struct buf *in, struct buf *out)
{
	size_t i = 0;

	while (i < in->n) {
		if (at(in->p, in->n, i, "\n\n")) {
			buf_puts(out, "\n\n");
			for (i += 2; i < in->n && in->p[i] == '\n'; i++)
				;
		} else {
			buf_putc(out, in->p[i++]);
		}
	}
}

/* One paragraph: '<p>' . trim($paragraph, "\n") . "</p>\n". */
static void paragraph(struct buf *out, const char *s, size_t n)
{
	while (n > 0 && s[0] == '\n')
		s++, n--;
	while (n > 0 && s[n - 1] == '\n')
		n--;
	buf_puts(out, "<p>");
	buf_put(out, s, n);
	buf_puts(out, "</p>\n");
}

/* preg_split('/\n\s*\n/', ..., PREG_SPLIT_NO_EMPTY), each piece a paragraph. */
static void paragraphs(const struct buf *in, struct buf *out)
{
	size_t i = 0, start = 0, k, e, m;

	while ((k = find(in->p, in->n, i, "\n")) < in->n) {
		e = skip_ws(in->p, in->n, k + 1);
		/* The last newline of the white space after this one. */
		for (m = e; m > k + 1 && in->p[m - 1] != '\n'; m--)
			;
		if (m == k + 1) {
			i = e > k + 1 ? e : k + 1;
			continue;
		}
		if (k > start)
			paragraph(out, in->p + start, k - start);
		start = i = m;
	}
	if (in->n > start)
		paragraph(out, in->p + start, in->n - start);
}

/* '|<p>\s*<\/p>|' -> '' */
static void empty_p(const struct buf *in, struct buf *out)
{
	size_t i = 0, j;

	while (i < in->n) {
		if (at(in->p, in->n, i, "<p>") &&
		    at(in->p, in->n, (j = skip_ws(in->p, in->n, i + 3)), "</p>")) {
			i = j + 4;
		} else {
			buf_putc(out, in->p[i++]);
		}
	}
}

/* '!<p>([^<]+)<\/(div|address|form)>!' -> "<p>$1</p></$2>" */
static void close_p_in_div(const struct buf *in, struct buf *out)
{
	static const char *const ends[] = {"</div>", "</address>", "</form>"};
	size_t i = 0, j, k;

	while (i < in->n) {
		if (at(in->p, in->n, i, "<p>")) {
			for (j = i + 3; j < in->n && in->p[j] != '<'; j++)
				;
			for (k = 0; j > i + 3 && k < NELEM(ends); k++)
				if (at(in->p, in->n, j, ends[k]))
					break;
			if (j > i + 3 && k < NELEM(ends)) {
				buf_put(out, in->p + i, j - i);
				buf_puts(out, "</p>");
				buf_puts(out, ends[k]);
				i = j + strlen(ends[k]);
				continue;
			}
		}
		buf_putc(out, in->p[i++]);
	}
}

/*
 * The four rules around block tags:
 *   0: '!<p>\s*(<\/?allblocks[^>]*>)\s*<\/p>!' -> '$1'
 *   1: '!<p>\s*(<\/?allblocks[^>]*>)!'         -> '$1'
 *   2: '!(<\/?allblocks[^>]*>)\s*<\/p>!'       -> '$1'
 *   3: '!(<\/?allblocks[^>]*>)\s*<br \/>!'     -> '$1'
 */
static void unwrap_blocks(const struct buf *in, struct buf *out, int rule)
{
	size_t i = 0, j, e, k;

	while (i < in->n) {
		if (rule <= 1 && at(in->p, in->n, i, "<p>")) {
			j = skip_ws(in->p, in->n, i + 3);
			if ((e = block_tag(in->p, in->n, j, NULL)) != 0) {
				k = skip_ws(in->p, in->n, e);
				if (rule == 1 || at(in->p, in->n, k, "</p>")) {
					buf_put(out, in->p + j, e - j);
					i = rule == 1 ? e : k + 4;
					continue;
				}
			}
		}
		if (rule >= 2 && (e = block_tag(in->p, in->n, i, NULL)) != 0) {
			const char *after = rule == 2 ? "</p>" : "<br />";
			k = skip_ws(in->p, in->n, e);
			if (at(in->p, in->n, k, after)) {
				buf_put(out, in->p + i, e - i);
				i = k + strlen(after);
				continue;
			}
		}
		buf_putc(out, in->p[i++]);
	}
}

/* '|<p>(<li.+?)<\/p>|' -> '$1' */
static void unwrap_li(const struct buf *in, struct buf *out)
{
	size_t i = 0, e, nl;

	while (i < in->n) {
		if (at(in->p, in->n, i, "<p><li")) {
			e = find(in->p, in->n, i + 7, "</p>");
			nl = find(in->p, in->n, i + 6, "\n");
			if (e < in->n && nl >= e) {
				buf_put(out, in->p + i + 3, e - i - 3);
				i = e + 4;
				continue;
			}
		}
		buf_putc(out, in->p[i++]);
	}
}

/*
 * '|<p><blockquote([^>]*)>|i' -> '<blockquote$1><p>', then
 * str_replace('</blockquote></p>', '</p></blockquote>').
 */
static void blockquote_p(const struct buf *in, struct buf *out)
{
	struct buf tmp = BUF_INIT;
	size_t i = 0, gt;

	while (i < in->n) {
		if (at_ci(in->p, in->n, i, "<p><blockquote")) {
			gt = find_gt(in->p, in->n, i + 14);
			if (gt < in->n) {
				buf_puts(&tmp, "<blockquote");
				buf_put(&tmp, in->p + i + 14, gt - i - 14);
				buf_puts(&tmp, "><p>");
				i = gt + 1;
				continue;
			}
		}
		buf_putc(&tmp, in->p[i++]);
	}
	for (i = 0; i < tmp.n;) {
		if (at(tmp.p, tmp.n, i, "</blockquote></p>")) {
			buf_puts(out, "</p></blockquote>");
			i += 17;
		} else {
			buf_putc(out, tmp.p[i++]);
		}
	}
	buf_finish(&tmp);
}

/*
 * '/<(script|style|svg|math).*?<\/\1>/s' with newlines made
 * "<WPPreserveNewline />".
 */
static void preserve_newlines(const struct buf *in, struct buf *out)
{
	static const char *const names[] = {"script", "style", "svg", "math"};
	char close[16];
	size_t i = 0, k, e, j;

	while (i < in->n) {
		if (in->p[i] == '<') {
			for (k = 0; k < NELEM(names); k++)
				if (at(in->p, in->n, i + 1, names[k]))
					break;
			if (k < NELEM(names)) {
				snprintf(close, sizeof(close), "</%s>", names[k]);
				e = find(in->p, in->n, i + 1 + strlen(names[k]), close);
				if (e < in->n) {
					e += strlen(close);
					for (j = i; j < e; j++) {
						if (in->p[j] == '\n')
							buf_puts(out, "<WPPreserveNewline />");
						else
							buf_putc(out, in->p[j]);
					}
					i = e;
					continue;
				}
			}
		}
		buf_putc(out, in->p[i++]);
	}
}

/* str_replace(from, to) */
static void replace(const struct buf *in, struct buf *out, const char *from, const char *to)
{
	size_t i = 0, k, fl = strlen(from);

	while ((k = find(in->p, in->n, i, from)) < in->n) {
		buf_put(out, in->p + i, k - i);
		buf_puts(out, to);
		i = k + fl;
	}
	buf_put(out, in->p + i, in->n - i);
}

/* '|(?<!<br \/>)\s*\n|' -> "<br />\n" */
static void line_breaks(const struct buf *in, struct buf *out)
{
	size_t i = 0, e, m;

	while (i < in->n) {
		if (!ws((unsigned char)in->p[i]) ||
		    (i >= 6 && memcmp(in->p + i - 6, "<br />", 6) == 0)) {
			buf_putc(out, in->p[i++]);
			continue;
		}
		e = skip_ws(in->p, in->n, i);
		for (m = e; m > i && in->p[m - 1] != '\n'; m--)
			;
		if (m == i) {
			buf_put(out, in->p + i, e - i);
			i = e;
			continue;
		}
		buf_puts(out, "<br />\n");
		i = m;
	}
}

/* '!<br \/>(\s*<\/?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)!' -> '$1' */
static void br_before_blocks(const struct buf *in, struct buf *out)
{
	static const char *const names[] = {"p",  "li",  "div", "dl", "dd", "dt",
	                                    "th", "pre", "td",  "ul", "ol", NULL};
	size_t i = 0;

	while (i < in->n) {
		if (at(in->p, in->n, i, "<br />") &&
		    block_tag(in->p, in->n, skip_ws(in->p, in->n, i + 6), names) != 0) {
			i += 6;
			continue;
		}
		buf_putc(out, in->p[i++]);
	}
}

/* "|\n</p>$|" -> '</p>': "$" is the end or before a final newline. */
static void last_p(const struct buf *in, struct buf *out)
{
	size_t n = in->n;

	if (n >= 5 && memcmp(in->p + n - 5, "\n</p>", 5) == 0) {
		buf_put(out, in->p, n - 5);
		buf_puts(out, "</p>");
	} else if (n >= 6 && memcmp(in->p + n - 6, "\n</p>\n", 6) == 0) {
		buf_put(out, in->p, n - 6);
		buf_puts(out, "</p>\n");
	} else {
		buf_put(out, in->p, n);
	}
}

/* Runs one step from a into b and swaps them. */
#define STEP(call)                       \
	do {                             \
		buf_reset(b);            \
		call;                    \
		tmp = a, a = b, b = tmp; \
	} while (0)

void wxr_autop(const char *s, size_t n, struct buf *out)
{
	struct buf x = BUF_INIT, y = BUF_INIT, *a = &x, *b = &y, *tmp;
	struct pres pre = {BUF_INIT, NULL, 0, 0};
	size_t i;

	/* trim($text) === '': PHP trims " \t\n\r\0\x0B". */
	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != '\0' &&
		    s[i] != '\v')
			break;
	if (i == n)
		return;
	buf_put(a, s, n);
	buf_putc(a, '\n');
	if (contains(a, "<pre"))
		STEP(pre_out(a, b, &pre));
	STEP(double_br(a, b));
	STEP(block_breaks(a, b, 0));
	STEP(block_breaks(a, b, 1));
	STEP(block_breaks(a, b, 2));
	STEP(newlines(a, b));
	STEP(tag_newlines(a, b));
	if (contains(a, "<option")) {
		STEP(collapse(a, b, option_open, true, false));
		STEP(collapse(a, b, option_close, false, true));
	}
	if (contains(a, "</object>")) {
		STEP(collapse(a, b, object_open, false, true));
		STEP(collapse(a, b, object_close, true, false));
		STEP(collapse(a, b, param_embed, true, true));
	}
	if (contains(a, "<source") || contains(a, "<track")) {
		STEP(collapse(a, b, media_open, false, true));
		STEP(collapse(a, b, media_close, true, false));
		STEP(collapse(a, b, source_track, true, true));
	}
	if (contains(a, "<figcaption")) {
		STEP(collapse(a, b, figcaption_open, true, false));
		STEP(collapse(a, b, figcaption_close, false, true));
	}
	STEP(squeeze(a, b));
	STEP(paragraphs(a, b));
	STEP(empty_p(a, b));
	STEP(close_p_in_div(a, b));
	STEP(unwrap_blocks(a, b, 0));
	STEP(unwrap_li(a, b));
	STEP(blockquote_p(a, b));
	STEP(unwrap_blocks(a, b, 1));
	STEP(unwrap_blocks(a, b, 2));
	STEP(preserve_newlines(a, b));
	STEP(replace(a, b, "<br>", "<br />"));
	STEP(replace(a, b, "<br/>", "<br />"));
	STEP(line_breaks(a, b));
	STEP(replace(a, b, "<WPPreserveNewline />", "\n"));
	STEP(unwrap_blocks(a, b, 3));
	STEP(br_before_blocks(a, b));
	STEP(last_p(a, b));
	if (pre.n)
		STEP(pre_back(a, b, &pre));
	if (contains(a, "<!-- wpnl -->")) {
		STEP(replace(a, b, " <!-- wpnl --> ", "\n"));
		STEP(replace(a, b, "<!-- wpnl -->", "\n"));
	}
	buf_put(out, a->p, a->n);
	buf_finish(&x);
	buf_finish(&y);
	buf_finish(&pre.values);
	free(pre.at);
}

/* ---- shortcode_unautop --------------------------------------------- */

/* The shortcodes wxr_shortcodes() knows, as $shortcode_tags lists them. */
static const char *const known_shortcodes[] = {
        "embed", "caption", "wp_caption", "gallery", "playlist", "audio", "video",
};

/* wp_spaces_regexp(): [\r\n\t ]|\xC2\xA0|&nbsp; -- length of one at i, or 0. */
static size_t space_at(const char *s, size_t n, size_t i)
{
	if (i < n && strchr("\r\n\t ", s[i]) && s[i] != '\0')
		return 1;
	if (at(s, n, i, "\xC2\xA0"))
		return 2;
	if (at(s, n, i, "&nbsp;"))
		return 6;
	return 0;
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
	size_t k;

	while ((k = space_at(s, n, i)) != 0)
		i += k;
	return i;
}

static bool word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/*
 * The shortcode of the unautop pattern at s[i] ('['): its end, or 0.  The
 * attributes run to the first ']' ("/]" closes it); then, unless
 * self-closed, the content up to the first "[/name]" if the pattern can
 * still end after it, else nothing.  tail(s, n, end) tells whether the
 * rest of the pattern matches after end.
 */
static size_t shortcode_at(const char *s, size_t n, size_t i,
                           bool (*tail)(const char *, size_t, size_t))
{
	size_t k, len, j, c;
	char close[32];

	if (!at(s, n, i, "["))
		return 0;
	for (k = 0; k < NELEM(known_shortcodes); k++) {
		len = strlen(known_shortcodes[k]);
		if (at(s, n, i + 1, known_shortcodes[k]) &&
		    !(i + 1 + len < n &&
		      (word_char((unsigned char)s[i + 1 + len]) || s[i + 1 + len] == '-')))
			break;
	}
	if (k == NELEM(known_shortcodes))
		return 0;
	for (j = i + 1 + len; j < n && s[j] != ']'; j++)
		;
	if (j >= n)
		return 0;
	if (s[j - 1] == '/' && j - 1 >= i + 1 + len)
		return tail(s, n, j + 1) ? j + 1 : 0;
	snprintf(close, sizeof(close), "[/%s]", known_shortcodes[k]);
	c = find(s, n, j + 1, close);
	if (c < n && tail(s, n, c + strlen(close)))
		return c + strlen(close);
	return tail(s, n, j + 1) ? j + 1 : 0;
}

/* "(?:spaces)*+<\/p>" at i. */
static bool unautop_tail(const char *s, size_t n, size_t i)
{
	return at(s, n, skip_spaces(s, n, i), "</p>");
}

void wxr_shortcode_unautop(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, j, e;

	while (i < n) {
		if (at(s, n, i, "<p>")) {
			j = skip_spaces(s, n, i + 3);
			if ((e = shortcode_at(s, n, j, unautop_tail)) != 0) {
				buf_put(out, s + j, e - j);
				i = skip_spaces(s, n, e) + 4;
				continue;
			}
		}
		buf_putc(out, s[i++]);
	}
}
