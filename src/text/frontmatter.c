/*
 * The front matter parser.  See frontmatter.h for the subset of YAML it
 * reads.  It is not a YAML library: it knows one flat mapping, and reads
 * each line by its first character, so that every error can say where it
 * is and what was expected there.
 *
 * The header is first cut into lines (which finds the closing "---" and
 * enforces FM_MAX_HEADER), then checked as a whole (UTF-8, control
 * characters), then parsed line by line.  Only flow collections ([ ] and
 * { }) may run over several lines; quoted and plain scalars end on their
 * line, which keeps the errors for a forgotten quote on the right line.
 * Lists and maps grow in the arena (doubling), so an error leaves nothing
 * to free but the line table and the scratch buffer.
 */
#include "text/frontmatter.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/utf8.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/util.h"

/* Keys and other names are cut to this many bytes in error messages. */
#define NAME_SHOWN 40

struct line {
	size_t start, end; /* offsets in src; end is before "\r\n" or "\n" */
	unsigned indent;   /* leading spaces */
};

struct parser {
	struct arena *a;
	const char *src;
	size_t n;
	struct line *lines; /* the header's lines; lines[0] is line 2 of the file */
	size_t nlines;
	struct buf tmp;
	struct fm_error *err;
	/* Column of memo_off on line memo_li, to count columns in linear time. */
	size_t memo_li, memo_off;
	unsigned memo_col;
};

/* A position inside the header: line index and offset in src. */
struct cur {
	size_t li;
	size_t off;
};

/* A set of keys for duplicate detection: entry index + 1 per slot, 0 free. */
struct keyset {
	size_t *slot;
	size_t cap, count;
};

static const char *bom = "\xEF\xBB\xBF";

static void set_error(struct parser *p, unsigned line, unsigned col, const char *fmt, va_list ap)
{
	int k;

	p->err->line = line;
	p->err->col = col;
	k = snprintf(p->err->msg, sizeof(p->err->msg), "line %u, column %u: ", line, col);
	if (k > 0 && (size_t)k < sizeof(p->err->msg))
		vsnprintf(p->err->msg + k, sizeof(p->err->msg) - (size_t)k, fmt, ap);
	log_fail("%s", p->err->msg);
}

/* Records an error at line (1-based) and column. */
static int PRINTFLIKE(4, 5)
        fail_lc(struct parser *p, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(p, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* Line index of offset off (which lies in the header). */
static size_t line_of(const struct parser *p, size_t off)
{
	size_t lo = 0, hi = p->nlines, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (p->lines[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static unsigned col_of(struct parser *p, size_t li, size_t off)
{
	const struct line *l = &p->lines[li];

	if (p->memo_li != li || p->memo_off > off || p->memo_off < l->start) {
		p->memo_li = li;
		p->memo_off = l->start;
		p->memo_col = 1;
	}
	p->memo_col += (unsigned)utf8_len(p->src + p->memo_off, off - p->memo_off);
	p->memo_off = off;
	return p->memo_col;
}

/* Records an error at offset off of the header. */
static int PRINTFLIKE(3, 4) fail(struct parser *p, size_t off, const char *fmt, ...)
{
	size_t li = line_of(p, off);
	va_list ap;

	va_start(ap, fmt);
	set_error(p, (unsigned)li + 2, col_of(p, li, off), fmt, ap);
	va_end(ap);
	return -1;
}

static void set_pos(struct parser *p, struct fm_value *v, size_t li, size_t off)
{
	v->line = (unsigned)li + 2;
	v->col = col_of(p, li, off);
}

static char at(const struct parser *p, size_t li, size_t off)
{
	return off < p->lines[li].end ? p->src[off] : '\0';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* True at the end of the line or before a blank. */
static bool ends_token(const struct parser *p, size_t li, size_t off)
{
	return off >= p->lines[li].end || is_blank(p->src[off]);
}

static size_t skip_blanks(const struct parser *p, size_t li, size_t off)
{
	while (off < p->lines[li].end && is_blank(p->src[off]))
		off++;
	return off;
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* True for a line that is empty, blank or a comment. */
static bool line_is_blank(const struct parser *p, size_t li)
{
	size_t off = skip_blanks(p, li, p->lines[li].start);

	return off == p->lines[li].end || p->src[off] == '#';
}

static size_t next_significant(const struct parser *p, size_t li)
{
	while (li < p->nlines && line_is_blank(p, li))
		li++;
	return li;
}

static void *vec_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	void *bigger;

	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 8;
	bigger = arena_alloc(a, *cap * size);
	if (n)
		memcpy(bigger, v, n * size);
	return bigger;
}

static size_t hash_key(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void keyset_finish(struct keyset *ks)
{
	free(ks->slot);
	ks->slot = NULL;
	ks->cap = ks->count = 0;
}

/*
 * Adds entries[i] to the set.  Returns the entry that already has its key,
 * or NULL.
 */
static const struct fm_entry *keyset_add(struct keyset *ks, const struct fm_entry *entries,
                                         size_t i)
{
	size_t k, h;

	if ((ks->count + 1) * 2 > ks->cap) {
		size_t *old = ks->slot, oldcap = ks->cap;

		ks->cap = ks->cap ? ks->cap * 2 : 16;
		ks->slot = xcalloc(ks->cap, sizeof(*ks->slot));
		for (k = 0; k < oldcap; k++) {
			if (old[k] == 0)
				continue;
			h = hash_key(entries[old[k] - 1].key) & (ks->cap - 1);
			while (ks->slot[h])
				h = (h + 1) & (ks->cap - 1);
			ks->slot[h] = old[k];
		}
		free(old);
	}
	h = hash_key(entries[i].key) & (ks->cap - 1);
	while (ks->slot[h]) {
		if (strcmp(entries[ks->slot[h] - 1].key, entries[i].key) == 0)
			return &entries[ks->slot[h] - 1];
		h = (h + 1) & (ks->cap - 1);
	}
	ks->slot[h] = i + 1;
	ks->count++;
	return NULL;
}

static void set_str(struct parser *p, struct fm_value *v, const char *s, size_t n)
{
	v->kind = FM_STR;
	v->s = arena_strndup(p->a, s, n);
	v->n = n;
}

static int hex_value(const char *s, size_t avail, unsigned digits, uint32_t *out)
{
	uint32_t v = 0;
	unsigned k;

	if (avail < digits)
		return -1;
	for (k = 0; k < digits; k++) {
		char c = s[k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * Reads the escape at s[*off] (the backslash) of a double-quoted scalar on
 * a line ending at end, appending its character to p->tmp.
 */
static int read_escape(struct parser *p, size_t *off, size_t end)
{
	const char *s = p->src;
	size_t bs = *off, i = bs + 1, len;
	uint32_t cp, lo;
	unsigned digits = 0;

	switch (s[i]) {
	case 'a':
		cp = 0x07;
		break;
	case 'b':
		cp = 0x08;
		break;
	case 't':
	case '\t':
		cp = 0x09;
		break;
	case 'n':
		cp = 0x0A;
		break;
	case 'v':
		cp = 0x0B;
		break;
	case 'f':
		cp = 0x0C;
		break;
	case 'r':
		cp = 0x0D;
		break;
	case 'e':
		cp = 0x1B;
		break;
	case ' ':
		cp = ' ';
		break;
	case '"':
		cp = '"';
		break;
	case '/':
		cp = '/';
		break;
	case '\\':
		cp = '\\';
		break;
	case 'N':
		cp = 0x85;
		break;
	case '_':
		cp = 0xA0;
		break;
	case 'L':
		cp = 0x2028;
		break;
	case 'P':
		cp = 0x2029;
		break;
	case '0':
		cp = 0;
		break;
	case 'x':
		digits = 2;
		break;
	case 'u':
		digits = 4;
		break;
	case 'U':
		digits = 8;
		break;
	default:
		len = 1;
		while (bs + 1 + len < end && ((unsigned char)s[bs + 1 + len] & 0xC0) == 0x80)
			len++;
		return fail(p, bs,
		            "unknown escape sequence \"\\%.*s\" (expected one of \\\" \\\\ \\/ \\n "
		            "\\t \\r \\b \\f \\e \\xXX \\uXXXX \\UXXXXXXXX...)",
		            (int)len, s + bs + 1);
	}
	i++;
	if (digits) {
		if (hex_value(s + i, end - i, digits, &cp) < 0)
			return fail(p, bs, "expected %u hexadecimal digits after \"\\%c\"", digits,
			            s[bs + 1]);
		i += digits;
		if (cp >= 0xD800 && cp <= 0xDBFF && digits == 4) {
			/* A UTF-16 surrogate pair, as JSON writes characters past U+FFFF. */
			if (end - i < 6 || s[i] != '\\' || s[i + 1] != 'u' ||
			    hex_value(s + i + 2, 4, 4, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
				return fail(
				        p, bs,
				        "unpaired surrogate \"\\u%04X\" (expected a low surrogate "
				        "\\uDC00-\\uDFFF right after it)",
				        (unsigned)cp);
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			i += 6;
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			return fail(p, bs, "unpaired surrogate \"\\%c%0*X\" (expected a character)",
			            s[bs + 1], (int)digits, (unsigned)cp);
		} else if (cp > 0x10FFFF) {
			return fail(p, bs, "escape \"\\U%08X\" is beyond U+10FFFF", (unsigned)cp);
		}
	}
	if (cp == 0)
		return fail(p, bs, "NUL characters are not allowed in front matter strings");
	utf8_encode(&p->tmp, cp);
	*off = i;
	return 0;
}

/* Reads a quoted scalar starting at c->off (the quote); c->off ends after it. */
static int read_quoted(struct parser *p, struct cur *c, struct fm_value *v)
{
	const char *s = p->src;
	char q = s[c->off];
	size_t end = p->lines[c->li].end, i = c->off + 1, run;

	set_pos(p, v, c->li, c->off);
	buf_reset(&p->tmp);
	for (;;) {
		run = i;
		while (i < end && s[i] != q && !(q == '"' && s[i] == '\\'))
			i++;
		buf_put(&p->tmp, s + run, i - run);
		if (i >= end)
			break;
		if (q == '\'') {
			if (i + 1 < end && s[i + 1] == '\'') {
				buf_putc(&p->tmp, '\'');
				i += 2;
				continue;
			}
			break;
		}
		if (s[i] == '"')
			break;
		if (i + 1 >= end)
			break; /* an escaped line break: multi-line strings are not read */
		if (read_escape(p, &i, end) < 0)
			return -1;
	}
	if (i >= end || s[i] != q)
		return fail(
		        p, c->off,
		        "unterminated %s-quoted string (expected %s before the end of the line)",
		        q == '"' ? "double" : "single", q == '"' ? "'\"'" : "\"'\"");
	set_str(p, v, p->tmp.p ? p->tmp.p : "", p->tmp.n);
	c->off = i + 1;
	return 0;
}

/*
 * Checks the first character of a plain scalar at c (not a quote or a
 * bracket, which the callers take first): YAML indicators that cannot
 * start one, and the features this subset leaves out.
 */
static int check_plain_start(struct parser *p, const struct cur *c)
{
	size_t off = c->off;
	char ch = p->src[off];

	switch (ch) {
	case '&':
		return fail(p, off, "anchors (&) are not supported (write the value itself)");
	case '*':
		return fail(p, off, "aliases (*) are not supported (write the value itself)");
	case '!':
		return fail(p, off,
		            "tags (!) are not supported (write the value, quoted if needed)");
	case '%':
	case '@':
	case '`':
	case ',':
	case ']':
	case '}':
	case '#':
		return fail(p, off,
		            "a plain value cannot start with '%c' (put the value in quotes)", ch);
	case '|':
	case '>':
		return fail(p, off, "block scalars (| and >) are only allowed as values of keys");
	case '-':
		if (ends_token(p, c->li, off + 1))
			return fail(p, off, "nested lists are not supported");
		return 0;
	case '?':
		if (ends_token(p, c->li, off + 1))
			return fail(p, off, "complex keys (?) are not supported");
		return 0;
	case ':':
		if (ends_token(p, c->li, off + 1))
			return fail(p, off, "unexpected ':' (expected a value)");
		return 0;
	default:
		return 0;
	}
}

/*
 * Reads a plain scalar in block context (to the end of the line or a
 * comment).  in_list: the scalar is a list item (for the message about ": ").
 */
static int read_plain_block(struct parser *p, struct cur *c, struct fm_value *v, bool in_list)
{
	const char *s = p->src;
	size_t end = p->lines[c->li].end, i = c->off, last;

	if (check_plain_start(p, c) < 0)
		return -1;
	set_pos(p, v, c->li, c->off);
	for (; i < end; i++) {
		if (s[i] == '#' && is_blank(s[i - 1]))
			break;
		if (s[i] == ':' && ends_token(p, c->li, i + 1)) {
			if (in_list)
				return fail(p, i,
				            "nested mappings are not supported in list items "
				            "(write {key: value})");
			return fail(p, i, "': ' inside a plain value (put the value in quotes)");
		}
	}
	last = i;
	while (last > c->off && is_blank(s[last - 1]))
		last--;
	set_str(p, v, s + c->off, last - c->off);
	c->off = i;
	return 0;
}

/* Reads a plain scalar inside [ ] or { }. */
static int read_plain_flow(struct parser *p, struct cur *c, struct fm_value *v)
{
	const char *s = p->src;
	size_t end = p->lines[c->li].end, i = c->off, last;

	if (check_plain_start(p, c) < 0)
		return -1;
	set_pos(p, v, c->li, c->off);
	for (; i < end; i++) {
		char ch = s[i];
		if (ch == ',' || ch == '[' || ch == ']' || ch == '{' || ch == '}')
			break;
		if (ch == '#' && is_blank(s[i - 1]))
			break;
		if (ch == ':' && (i + 1 >= end || strchr(" \t,[]{}", s[i + 1])))
			break;
	}
	last = i;
	while (last > c->off && is_blank(s[last - 1]))
		last--;
	set_str(p, v, s + c->off, last - c->off);
	c->off = i;
	return 0;
}

/*
 * Skips blanks, comments and line ends inside a flow collection.  Returns
 * false at the end of the header.
 */
static bool skip_flow_space(const struct parser *p, struct cur *c)
{
	for (;;) {
		c->off = skip_blanks(p, c->li, c->off);
		if (c->off < p->lines[c->li].end && p->src[c->off] != '#')
			return true;
		if (c->off < p->lines[c->li].end && c->off > p->lines[c->li].start &&
		    !is_blank(p->src[c->off - 1]))
			return true; /* '#' glued to a token is not a comment */
		if (c->li + 1 >= p->nlines) {
			c->off = p->lines[c->li].end;
			return false;
		}
		c->li++;
		c->off = p->lines[c->li].start;
	}
}

static int read_flow_map(struct parser *p, struct cur *c, struct fm_value *v);

/* Reads a scalar or, if maps_ok, a flow map, inside a flow collection. */
static int read_flow_item(struct parser *p, struct cur *c, struct fm_value *v, bool maps_ok)
{
	char ch = p->src[c->off];

	if (ch == '"' || ch == '\'')
		return read_quoted(p, c, v);
	if (ch == '[')
		return fail(p, c->off, "nested lists are not supported");
	if (ch == '{') {
		if (!maps_ok)
			return fail(p, c->off, "nested mappings are not supported");
		return read_flow_map(p, c, v);
	}
	return read_plain_flow(p, c, v);
}

static int read_flow_seq(struct parser *p, struct cur *c, struct fm_value *v)
{
	struct fm_value *items = NULL;
	size_t n = 0, cap = 0, open = c->off;
	char ch;

	set_pos(p, v, c->li, c->off);
	c->off++;
	for (;;) {
		if (!skip_flow_space(p, c))
			goto unterminated;
		ch = p->src[c->off];
		if (ch == ']')
			break;
		if (ch == ',')
			return fail(p, c->off, "expected a value before ','");
		items = vec_grow(p->a, items, n, &cap, sizeof(*items));
		memset(&items[n], 0, sizeof(items[n]));
		if (read_flow_item(p, c, &items[n], true) < 0)
			return -1;
		n++;
		if (!skip_flow_space(p, c))
			goto unterminated;
		ch = p->src[c->off];
		if (ch == ']')
			break;
		if (ch == ':')
			return fail(p, c->off,
			            "unexpected ':' in a list (write {key: value} for a "
			            "mapping)");
		if (ch != ',')
			return fail(p, c->off, "expected ',' or ']' in the list");
		c->off++;
	}
	c->off++;
	v->kind = FM_LIST;
	v->items = items;
	v->nitems = n;
	return 0;
unterminated:
	return fail(p, open, "unterminated list (expected ']' to close this '[')");
}

static int read_flow_map(struct parser *p, struct cur *c, struct fm_value *v)
{
	struct fm_entry *entries = NULL, *e;
	const struct fm_entry *dup;
	struct keyset ks = {NULL, 0, 0};
	size_t n = 0, cap = 0, open = c->off, key;
	int rc = -1;
	char ch;

	set_pos(p, v, c->li, c->off);
	c->off++;
	for (;;) {
		if (!skip_flow_space(p, c))
			goto unterminated;
		ch = p->src[c->off];
		if (ch == '}')
			break;
		key = c->off;
		while (c->off < p->lines[c->li].end && is_key_char(p->src[c->off]))
			c->off++;
		if (c->off == key) {
			fail(p, key, "expected a key (letters, digits, '_' or '-') in the mapping");
			goto done;
		}
		entries = vec_grow(p->a, entries, n, &cap, sizeof(*entries));
		e = &entries[n];
		memset(e, 0, sizeof(*e));
		e->key = arena_strndup(p->a, p->src + key, c->off - key);
		e->line = (unsigned)c->li + 2;
		c->off = skip_blanks(p, c->li, c->off);
		if (at(p, c->li, c->off) != ':') {
			fail(p, c->off, "expected ':' after the key \"%.*s\"", NAME_SHOWN, e->key);
			goto done;
		}
		c->off++;
		ch = at(p, c->li, c->off);
		if (ch != '\0' && !is_blank(ch) && ch != ',' && ch != '}') {
			fail(p, c->off, "expected a space after ':'");
			goto done;
		}
		if ((dup = keyset_add(&ks, entries, n)) != NULL) {
			fail(p, key, "duplicate key \"%.*s\" (first on line %u)", NAME_SHOWN,
			     e->key, dup->line);
			goto done;
		}
		n++;
		if (!skip_flow_space(p, c))
			goto unterminated;
		ch = p->src[c->off];
		if (ch == ',' || ch == '}') {
			set_pos(p, &e->value, c->li, c->off);
			set_str(p, &e->value, "", 0);
		} else if (ch == '[' || ch == '{') {
			fail(p, c->off, "nested lists and mappings are not supported inside { }");
			goto done;
		} else if (read_flow_item(p, c, &e->value, false) < 0) {
			goto done;
		}
		if (!skip_flow_space(p, c))
			goto unterminated;
		ch = p->src[c->off];
		if (ch == '}')
			break;
		if (ch != ',') {
			fail(p, c->off, "expected ',' or '}' in the mapping");
			goto done;
		}
		c->off++;
	}
	c->off++;
	v->kind = FM_MAP;
	v->entries = entries;
	v->nentries = n;
	rc = 0;
	goto done;
unterminated:
	fail(p, open, "unterminated mapping (expected '}' to close this '{')");
done:
	keyset_finish(&ks);
	return rc;
}

/* After a value on line c->li: only blanks and a comment may follow. */
static int check_line_rest(struct parser *p, const struct cur *c, const char *after)
{
	size_t off = skip_blanks(p, c->li, c->off);

	if (off == p->lines[c->li].end)
		return 0;
	if (p->src[off] == '#' && off > c->off)
		return 0;
	return fail(p, off, "unexpected text after %s (expected a comment or the end of the line)",
	            after);
}

/* True if a tab comes before the first character of the line that is not a blank. */
static bool indent_has_tab(const struct parser *p, size_t li)
{
	const struct line *l = &p->lines[li];
	size_t off = l->start;

	while (off < l->end && is_blank(p->src[off])) {
		if (p->src[off] == '\t')
			return true;
		off++;
	}
	return false;
}

static bool all_spaces(const struct parser *p, size_t li)
{
	const struct line *l = &p->lines[li];

	return l->indent == l->end - l->start;
}

static bool blank_only(const struct parser *p, size_t li)
{
	return skip_blanks(p, li, p->lines[li].start) == p->lines[li].end;
}

/*
 * Reads a block scalar whose indicator is at c (| or >).  On return c->li
 * is the first line after it.
 */
static int read_block_scalar(struct parser *p, struct cur *c, struct fm_value *v)
{
	const char *s = p->src;
	bool folded = s[c->off] == '>', have_text = false, prev_spaced = false, spaced;
	char chomp = 0;
	unsigned indent = 0, max_empty = 0;
	size_t li, off = c->off + 1, pending = 0, k, empty_li = 0;

	set_pos(p, v, c->li, c->off);
	for (k = 0; k < 2; k++) {
		char ch = at(p, c->li, off);
		if ((ch == '-' || ch == '+') && !chomp) {
			chomp = ch;
			off++;
		} else if (ch >= '1' && ch <= '9' && !indent) {
			indent = (unsigned)(ch - '0');
			off++;
		} else if (ch == '0' && !indent) {
			return fail(p, off, "the indentation indicator must be 1 to 9");
		}
	}
	if (!ends_token(p, c->li, off)) {
		return fail(p, off,
		            "expected '-', '+', an indentation digit or a comment after '%c'",
		            s[c->off]);
	}
	c->off = off;
	if (check_line_rest(p, c, "the block scalar indicator") < 0)
		return -1;

	if (indent == 0) {
		/* The first line with text sets the indentation. */
		for (li = c->li + 1; li < p->nlines && blank_only(p, li); li++) {
			if (all_spaces(p, li) && p->lines[li].indent > max_empty) {
				max_empty = p->lines[li].indent;
				empty_li = li;
			}
		}
		indent = li < p->nlines ? p->lines[li].indent : 0;
		if (indent > 0 && max_empty > indent)
			return fail(p, p->lines[empty_li].start + indent,
			            "empty line with more spaces than the first line of the block "
			            "scalar "
			            "(remove them, or give the indentation: |%u)",
			            max_empty);
	}

	buf_reset(&p->tmp);
	for (li = c->li + 1; li < p->nlines; li++) {
		const struct line *l = &p->lines[li];

		if (indent == 0) {
			/* No text: the blank lines are the whole scalar. */
			if (!blank_only(p, li))
				break;
			pending++;
			continue;
		}
		if ((blank_only(p, li) && l->indent < indent) ||
		    (all_spaces(p, li) && l->indent <= indent)) {
			pending++;
			continue;
		}
		if (l->indent < indent)
			break;
		spaced = is_blank(s[l->start + indent]);
		if (!have_text) {
			for (k = 0; k < pending; k++)
				buf_putc(&p->tmp, '\n');
		} else if (folded && !prev_spaced && !spaced) {
			if (pending == 0)
				buf_putc(&p->tmp, ' ');
			for (k = 0; k < pending; k++)
				buf_putc(&p->tmp, '\n');
		} else {
			for (k = 0; k <= pending; k++)
				buf_putc(&p->tmp, '\n');
		}
		buf_put(&p->tmp, s + l->start + indent, l->end - l->start - indent);
		have_text = true;
		prev_spaced = spaced;
		pending = 0;
	}
	if (chomp == '+') {
		for (k = 0; k < pending + (have_text ? 1 : 0); k++)
			buf_putc(&p->tmp, '\n');
	} else if (chomp == 0 && have_text) {
		buf_putc(&p->tmp, '\n');
	}
	set_str(p, v, p->tmp.p ? p->tmp.p : "", p->tmp.n);
	c->li = li;
	return 0;
}

/* The message for an indented line where a key or list item was expected. */
static int fail_indent(struct parser *p, size_t li, const char *expected)
{
	const struct line *l = &p->lines[li];
	size_t off = l->start + l->indent, k = off;

	if (indent_has_tab(p, li)) {
		for (k = l->start; p->src[k] != '\t'; k++)
			;
		return fail(p, k, "tab in indentation (indent with spaces)");
	}
	while (k < l->end && is_key_char(p->src[k]))
		k++;
	k = skip_blanks(p, li, k);
	if (k > off && at(p, li, k) == ':' && ends_token(p, li, k + 1))
		return fail(p, off, "nested mappings are not supported (expected %s)", expected);
	return fail(p, off, "unexpected indentation (expected %s)", expected);
}

/* Reads a block list whose first item is on line c->li; c->li ends after it. */
static int read_block_seq(struct parser *p, struct cur *c, struct fm_value *v)
{
	struct fm_value *items = NULL, *it;
	size_t n = 0, cap = 0, li = c->li, off;
	unsigned indent = p->lines[li].indent;
	char ch;

	set_pos(p, v, li, p->lines[li].start + indent);
	for (;;) {
		struct cur ic;

		off = skip_blanks(p, li, p->lines[li].start + indent + 1);
		if (off == p->lines[li].end || p->src[off] == '#')
			return fail(p, p->lines[li].start + indent,
			            "empty list item (expected a value after '-')");
		items = vec_grow(p->a, items, n, &cap, sizeof(*items));
		it = &items[n++];
		memset(it, 0, sizeof(*it));
		ic.li = li;
		ic.off = off;
		ch = p->src[off];
		if (ch == '"' || ch == '\'') {
			if (read_quoted(p, &ic, it) < 0 ||
			    check_line_rest(p, &ic, "the closing quote") < 0)
				return -1;
		} else if (ch == '{') {
			if (read_flow_map(p, &ic, it) < 0 || check_line_rest(p, &ic, "'}'") < 0)
				return -1;
		} else if (ch == '[') {
			return fail(p, off, "nested lists are not supported");
		} else if (read_plain_block(p, &ic, it, true) < 0) {
			return -1;
		}
		li = next_significant(p, ic.li + 1);
		if (li >= p->nlines)
			break;
		if (indent_has_tab(p, li))
			return fail_indent(p, li, "a list item");
		off = p->lines[li].start + p->lines[li].indent;
		if (p->lines[li].indent == indent && p->src[off] == '-' &&
		    ends_token(p, li, off + 1))
			continue;
		if (p->lines[li].indent == 0)
			break;
		if (p->src[off] == '-' && ends_token(p, li, off + 1))
			return fail(p, off, "list items must line up (expected '-' at column %u)",
			            indent + 1);
		return fail(p, off,
		            "unexpected indentation (a list item must fit on one line; "
		            "expected '-' at column %u or a key at column 1)",
		            indent + 1);
	}
	v->kind = FM_LIST;
	v->items = items;
	v->nitems = n;
	c->li = li;
	return 0;
}

/*
 * Reads the value of a key whose ':' is followed by off on line c->li.
 * On return c->li is the first line after the value.
 */
static int read_value(struct parser *p, struct cur *c, struct fm_value *v)
{
	size_t next;
	char ch;

	c->off = skip_blanks(p, c->li, c->off);
	ch = at(p, c->li, c->off);
	switch (ch) {
	case '\0':
	case '#':
		/* Nothing on the key's line: a block list below, or an empty string. */
		next = next_significant(p, c->li + 1);
		if (next < p->nlines && !indent_has_tab(p, next)) {
			size_t off = p->lines[next].start + p->lines[next].indent;
			if (p->src[off] == '-' && ends_token(p, next, off + 1)) {
				c->li = next;
				return read_block_seq(p, c, v);
			}
		}
		set_pos(p, v, c->li, c->off);
		set_str(p, v, "", 0);
		c->li++;
		return 0;
	case '"':
	case '\'':
		if (read_quoted(p, c, v) < 0 || check_line_rest(p, c, "the closing quote") < 0)
			return -1;
		break;
	case '[':
		if (read_flow_seq(p, c, v) < 0 || check_line_rest(p, c, "']'") < 0)
			return -1;
		break;
	case '{':
		if (read_flow_map(p, c, v) < 0 || check_line_rest(p, c, "'}'") < 0)
			return -1;
		break;
	case '|':
	case '>':
		return read_block_scalar(p, c, v);
	case '-':
		if (ends_token(p, c->li, c->off + 1))
			return fail(p, c->off,
			            "a list cannot start on the key's line (put each '- item' "
			            "on a line of its own)");
		/* fall through */
	default:
		if (read_plain_block(p, c, v, false) < 0)
			return -1;
		break;
	}
	c->li++;
	return 0;
}

static int parse_header(struct parser *p, struct fm_doc *doc)
{
	struct fm_entry *entries = NULL, *e;
	const struct fm_entry *dup;
	struct keyset ks = {NULL, 0, 0};
	size_t n = 0, cap = 0, key, off;
	struct cur c = {0, 0};
	int rc = -1;

	while (c.li < p->nlines) {
		const struct line *l = &p->lines[c.li];

		if (line_is_blank(p, c.li)) {
			c.li++;
			continue;
		}
		if (l->indent > 0 || indent_has_tab(p, c.li)) {
			fail_indent(p, c.li, "a key at column 1");
			goto done;
		}
		key = off = l->start;
		if (p->src[off] == '-' && ends_token(p, c.li, off + 1)) {
			fail(p, off,
			     "list item without a key (expected \"key:\" on a line before it)");
			goto done;
		}
		if (p->src[off] == '?' && ends_token(p, c.li, off + 1)) {
			fail(p, off, "complex keys (?) are not supported");
			goto done;
		}
		while (off < l->end && is_key_char(p->src[off]))
			off++;
		if (off == key) {
			fail(p, off,
			     "expected a key (letters, digits, '_' or '-') followed by ':'");
			goto done;
		}
		entries = vec_grow(p->a, entries, n, &cap, sizeof(*entries));
		e = &entries[n];
		memset(e, 0, sizeof(*e));
		e->key = arena_strndup(p->a, p->src + key, off - key);
		e->line = (unsigned)c.li + 2;
		off = skip_blanks(p, c.li, off);
		if (at(p, c.li, off) != ':') {
			if (off < l->end && !is_blank(p->src[off]) && off == key + strlen(e->key))
				fail(p, off,
				     "invalid character in key \"%.*s\" (expected letters, digits, "
				     "'_', '-' or ':')",
				     NAME_SHOWN, e->key);
			else
				fail(p, off, "expected ':' after the key \"%.*s\"", NAME_SHOWN,
				     e->key);
			goto done;
		}
		off++;
		if (!ends_token(p, c.li, off)) {
			fail(p, off, "expected a space after ':'");
			goto done;
		}
		if ((dup = keyset_add(&ks, entries, n)) != NULL) {
			fail(p, key, "duplicate key \"%.*s\" (first on line %u)", NAME_SHOWN,
			     e->key, dup->line);
			goto done;
		}
		n++;
		c.off = off;
		if (read_value(p, &c, &e->value) < 0)
			goto done;
	}
	doc->entries = entries;
	doc->n = n;
	rc = 0;
done:
	keyset_finish(&ks);
	return rc;
}

/* Checks the header bytes: UTF-8, and no control characters but tab and line ends. */
static int check_bytes(struct parser *p, size_t start, size_t end)
{
	const unsigned char *u = (const unsigned char *)p->src;
	size_t bad = start + utf8_invalid_at(p->src + start, end - start), i;

	for (i = start; i < bad; i++) {
		unsigned char ch = u[i];
		if (ch >= 0x20 && ch != 0x7F && ch != 0xC2)
			continue;
		if (ch == '\t' || ch == '\n' || (ch == '\r' && i + 1 < end && u[i + 1] == '\n'))
			continue;
		if (ch == '\r')
			return fail(p, i,
			            "carriage return without a line feed (expected \"\\r\\n\" "
			            "or \"\\n\" line ends)");
		if (ch == 0xC2) {
			if (u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
				return fail(p, i,
				            "control character U+%04X (is the file really UTF-8, "
				            "not Windows-1252?)",
				            (unsigned)u[i + 1]);
			continue;
		}
		return fail(p, i, "control character U+%04X is not allowed in front matter",
		            (unsigned)ch);
	}
	if (bad < end)
		return fail(p, bad, "invalid UTF-8 (byte 0x%02X; the file must be UTF-8)",
		            (unsigned)u[bad]);
	return 0;
}

/* True if src[off..end) is "---" or "..." and blanks. */
static bool is_marker(const char *src, size_t off, size_t end, bool dots_ok)
{
	if (end - off < 3)
		return false;
	if (memcmp(src + off, "---", 3) != 0 && !(dots_ok && memcmp(src + off, "...", 3) == 0))
		return false;
	for (off += 3; off < end; off++)
		if (!is_blank(src[off]))
			return false;
	return true;
}

/* End of the line starting at off (before "\r\n" or "\n"), and the start of the next. */
static size_t line_end(const char *src, size_t n, size_t off, size_t *next)
{
	const char *nl = memchr(src + off, '\n', n - off);
	size_t end = nl ? (size_t)(nl - src) : n;

	*next = nl ? end + 1 : n;
	if (nl && end > off && src[end - 1] == '\r')
		end--;
	return end;
}

int fm_parse(struct arena *a, const char *src, size_t n, struct fm_doc *doc, struct fm_error *err)
{
	struct parser p;
	size_t off = 0, next, end, hstart, hend, cap = 0;
	int rc = -1;

	memset(doc, 0, sizeof(*doc));
	memset(err, 0, sizeof(*err));
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.src = src;
	p.n = n;
	p.err = err;
	buf_init(&p.tmp);

	if (n >= 3 && memcmp(src, bom, 3) == 0)
		off = 3;
	end = line_end(src, n, off, &next);
	if (!is_marker(src, off, end, false) || next == end) {
		/* No front matter (a lone "---" at the end of the file is a rule, too). */
		doc->body = src + off;
		doc->body_n = n - off;
		doc->body_line = 1;
		return 0;
	}
	hstart = next;
	for (off = hstart;; off = next) {
		if (off - hstart > FM_MAX_HEADER) {
			fail_lc(&p, 1, 1,
			        "front matter longer than %d bytes (is the closing \"---\" "
			        "missing?)",
			        FM_MAX_HEADER);
			goto done;
		}
		if (off >= n) {
			fail_lc(&p, 1, 1,
			        "front matter is not closed (expected a line \"---\" or "
			        "\"...\" after it)");
			goto done;
		}
		end = line_end(src, n, off, &next);
		if (is_marker(src, off, end, true)) {
			hend = off;
			break;
		}
		if (p.nlines == cap) {
			cap = cap ? cap * 2 : 32;
			p.lines = xreallocarray(p.lines, cap, sizeof(*p.lines));
		}
		p.lines[p.nlines].start = off;
		p.lines[p.nlines].end = end;
		p.lines[p.nlines].indent = 0;
		while (off + p.lines[p.nlines].indent < end &&
		       src[off + p.lines[p.nlines].indent] == ' ')
			p.lines[p.nlines].indent++;
		p.nlines++;
	}
	doc->body = src + next;
	doc->body_n = n - next;
	doc->body_line = (unsigned)p.nlines + 3;
	doc->present = true;
	if (p.nlines > 0 && check_bytes(&p, hstart, hend) < 0)
		goto done;
	if (parse_header(&p, doc) < 0)
		goto done;
	rc = 0;
done:
	if (rc < 0)
		memset(doc, 0, sizeof(*doc));
	free(p.lines);
	buf_finish(&p.tmp);
	return rc;
}

const struct fm_value *fm_get(const struct fm_doc *doc, const char *key)
{
	size_t i;

	for (i = 0; i < doc->n; i++)
		if (strcmp(doc->entries[i].key, key) == 0)
			return &doc->entries[i].value;
	return NULL;
}

const struct fm_value *fm_map_get(const struct fm_value *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != FM_MAP)
		return NULL;
	for (i = 0; i < map->nentries; i++)
		if (strcmp(map->entries[i].key, key) == 0)
			return &map->entries[i].value;
	return NULL;
}
