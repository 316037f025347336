/*
 * Template compiler: Mustache source to the op array that tpl_render.c
 * walks (see tpl_int.h).  Four passes over one template:
 *
 *   1. tokenize: find the tags (following set-delimiter tags), check their
 *      names, pair each section, parent and block with its closing tag;
 *   2. standalone: decide how much source each tag stands for -- a tag
 *      alone on its line takes the whole line, and the inheritance module
 *      adds adjacent pairs that count as one tag ({{<p}}{{$b}},
 *      {{/b}}{{/p}}, {{<p}}{{/p}}, {{$b}}{{/b}});
 *   3. dedent: a block on lines of its own loses the indentation common to
 *      its lines and takes that of the place where it is expanded;
 *   4. emit: text, ops, and the line starts that indentation goes to.
 *
 * Whitespace is settled here once so that rendering only copies bytes.
 * The compiler knows nothing of other templates: partials and parents are
 * looked up by name when rendering.
 */
#include "render/tpl_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"

#define NONE UINT32_MAX
/* Offsets are 32 bits; the pool holds at most the text, names and indentation. */
#define MAX_SRC (UINT32_MAX / 4)
/* How much of a name an error message quotes. */
#define QUOTE_MAX 40

/* Tag flags. */
#define TF_STANDALONE 1 /* alone on its line (or paired): swallows it, indents */
#define TF_SWALLOW    2 /* stands for more source than the tag itself */
#define TF_DYNAMIC    4 /* {{>*name}}, {{<*name}} */

struct tok {
	char kind; /* 'v' (variable), & { # ^ / ! > < $ = */
	uint8_t flags;
	bool pre_set;              /* standalone block with a non-blank line */
	uint32_t start, end;       /* the tag, delimiters included */
	uint32_t nstart, nlen;     /* its name: trimmed content, after any '*' */
	uint32_t rm_start, rm_end; /* the source the tag stands for */
	uint32_t match;            /* the other tag of a pair, or NONE */
	uint32_t parent;           /* the innermost enclosing open tag, or NONE */
	uint32_t pre_off, pre_len; /* standalone block: common indentation */
};

enum mode {
	M_EMIT,   /* normal */
	M_PARENT, /* directly inside a parent: only blocks count */
	M_SKIP,   /* inside something that a parent ignores */
};

/* An open section, parent or block while emitting. */
struct open {
	uint32_t op; /* its op, or NONE if it emitted none */
	enum mode mode;
	uint32_t pre_off, pre_len; /* the dedent in force outside it */
};

struct comp {
	const char *name;
	const char *src;
	uint32_t n;
	struct tpl_error *err;

	struct tok *toks;
	size_t ntok, tokcap;

	struct buf pool;
	struct op *ops;
	size_t nops, opcap;
	struct seg *segs;
	size_t nsegs, segcap;
	struct name *names;
	size_t nnames, namecap;
	struct ref *refs;
	size_t nrefs, refcap;
	uint32_t *lines;
	size_t nlines, linecap;

	uint32_t bol_done;         /* the last line start seen */
	bool indent_pending;       /* its line takes indentation, not yet placed */
	uint32_t pre_off, pre_len; /* the dedent in force */
};

static void *grow(void *p, size_t *cap, size_t size)
{
	*cap = *cap ? *cap * 2 : 16;
	return xreallocarray(p, *cap, size);
}

#define RESERVE(arr, n, cap)                                         \
	do {                                                         \
		if ((n) == (cap))                                    \
			(arr) = grow((arr), &(cap), sizeof(*(arr))); \
	} while (0)

static int fail(struct comp *c, uint32_t pos, const char *fmt, ...) PRINTFLIKE(3, 4);

static int fail(struct comp *c, uint32_t pos, const char *fmt, ...)
{
	struct tpl_error e;
	uint32_t i, bol = 0;
	va_list ap;

	snprintf(e.name, sizeof(e.name), "%s", c->name);
	e.line = 1;
	for (i = 0; i < pos && i < c->n; i++) {
		if (c->src[i] == '\n') {
			e.line++;
			bol = i + 1;
		}
	}
	e.col = pos - bol + 1;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	if (c->err)
		*c->err = e;
	return log_fail("%s:%u:%u: %s", e.name, e.line, e.col, e.msg);
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f';
}

/* Whether a line ends at p ("\n", "\r\n"). */
static bool line_end_at(const struct comp *c, uint32_t p)
{
	return c->src[p] == '\n' || (c->src[p] == '\r' && p + 1 < c->n && c->src[p + 1] == '\n');
}

/* ---- pass 1: tokenize ---- */

/*
 * Finds the end of a tag whose content starts at q: returns where the
 * content ends and sets *end past the closing delimiter (preceded by pre if
 * not 0: "}" for {{{x}}}, "=" for {{=a b=}}).  NONE if the tag is unclosed.
 */
static uint32_t find_close(const struct comp *c, uint32_t q, const char *cd, size_t cl, char pre,
                           uint32_t *end)
{
	uint32_t from = q;

	while (from < c->n) {
		const char *h = memmem(c->src + from, c->n - from, cd, cl);
		uint32_t at;

		if (h == NULL)
			return NONE;
		at = (uint32_t)(h - c->src);
		if (pre == 0) {
			*end = at + (uint32_t)cl;
			return at;
		}
		if (at > q && c->src[at - 1] == pre) {
			*end = at + (uint32_t)cl;
			return at - 1;
		}
		from = at + 1;
	}
	return NONE;
}

/* A name has no whitespace; a dotted one is "." or non-empty parts joined by dots. */
static bool name_ok(const char *s, uint32_t n, bool dotted)
{
	uint32_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (is_space(s[i]))
			return false;
	if (!dotted || (n == 1 && s[0] == '.'))
		return true;
	if (s[0] == '.' || s[n - 1] == '.')
		return false;
	for (i = 1; i < n; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return false;
	return true;
}

/* {{=open close=}}: two words, no '=' in either. */
static int set_delims(struct comp *c, const struct tok *t, const char **od, size_t *ol,
                      const char **cd, size_t *cl)
{
	const char *s = c->src + t->nstart;
	uint32_t n = t->nlen, i = 0, j;

	while (i < n && !is_space(s[i]))
		i++;
	j = i;
	while (j < n && is_space(s[j]))
		j++;
	if (i == 0 || j == i || j == n || memchr(s, '=', n) != NULL)
		goto bad;
	for (i = j; i < n; i++)
		if (is_space(s[i]))
			goto bad;
	i = j;
	while (i > 0 && is_space(s[i - 1]))
		i--;
	*od = s;
	*ol = i;
	*cd = s + j;
	*cl = n - j;
	return 0;
bad:
	return fail(c, t->start, "bad delimiters \"%.*s\" (want two words without '=')",
	            (int)MIN(n, QUOTE_MAX), s);
}

static const char *kind_word(char kind)
{
	switch (kind) {
	case '#':
		return "section";
	case '^':
		return "inverted section";
	case '<':
		return "parent";
	default:
		return "block";
	}
}

/* Checks the name of t and pairs it with the open tags on stack. */
static int check_tag(struct comp *c, struct tok *t, uint32_t *stack, size_t *depth)
{
	const char *name = c->src + t->nstart;
	bool dotted;

	if (t->kind == '!' || t->kind == '=')
		return 0;
	dotted = strchr("v&{#^", t->kind) != NULL || (t->flags & TF_DYNAMIC);
	if (!name_ok(name, t->nlen, dotted)) {
		if (t->nlen == 0)
			return fail(c, t->start, "empty tag");
		return fail(c, t->start, "bad name \"%.*s\"", (int)MIN(t->nlen, QUOTE_MAX), name);
	}
	t->parent = *depth ? stack[*depth - 1] : NONE;
	if (strchr("#^<$", t->kind)) {
		if (*depth == TPL_MAX_NEST)
			return fail(c, t->start, "sections nested deeper than %d", TPL_MAX_NEST);
		stack[(*depth)++] = (uint32_t)c->ntok;
	} else if (t->kind == '/') {
		struct tok *o;

		if (*depth == 0)
			return fail(c, t->start, "{{/%.*s}} closes nothing",
			            (int)MIN(t->nlen, QUOTE_MAX), name);
		o = &c->toks[stack[*depth - 1]];
		if (o->nlen != t->nlen || memcmp(c->src + o->nstart, name, t->nlen) != 0) {
			uint32_t line = 1, i;

			for (i = 0; i < o->start; i++)
				line += c->src[i] == '\n';
			return fail(c, t->start, "{{/%.*s}} does not close %s \"%.*s\" (line %u)",
			            (int)MIN(t->nlen, QUOTE_MAX), name, kind_word(o->kind),
			            (int)MIN(o->nlen, QUOTE_MAX), c->src + o->nstart, line);
		}
		(*depth)--;
		t->parent = o->parent;
		t->match = stack[*depth];
		o->match = (uint32_t)c->ntok;
	}
	return 0;
}

static int tokenize(struct comp *c)
{
	const char *src = c->src, *od = "{{", *cd = "}}";
	size_t ol = 2, cl = 2, depth = 0;
	uint32_t pos = 0, *stack = xreallocarray(NULL, TPL_MAX_NEST, sizeof(*stack));
	int rc = -1;

	while (pos < c->n) {
		const char *hit = memmem(src + pos, c->n - pos, od, ol);
		struct tok t = {.kind = 'v', .match = NONE, .parent = NONE};
		uint32_t q, cs, ce;
		bool dyn;

		if (hit == NULL)
			break;
		t.start = (uint32_t)(hit - src);
		q = t.start + (uint32_t)ol;
		if (q < c->n && src[q] != '\0' && strchr("{&#^/!><$=", src[q]))
			t.kind = src[q++];
		ce = find_close(c, q, cd, cl,
		                t.kind == '{'   ? '}'
		                : t.kind == '=' ? '='
		                                : 0,
		                &t.end);
		if (ce == NONE) {
			fail(c, t.start, "unclosed tag (no %s%.*s)",
			     t.kind == '{'   ? "}"
			     : t.kind == '=' ? "="
			                     : "",
			     (int)MIN(cl, QUOTE_MAX), cd);
			goto out;
		}
		for (cs = q; cs < ce && is_space(src[cs]); cs++)
			;
		while (ce > cs && is_space(src[ce - 1]))
			ce--;
		dyn = t.kind == '>' || t.kind == '<' ||
		      (t.kind == '/' && depth && (c->toks[stack[depth - 1]].flags & TF_DYNAMIC));
		if (dyn && cs < ce && src[cs] == '*') {
			t.flags |= TF_DYNAMIC;
			for (cs++; cs < ce && is_space(src[cs]); cs++)
				;
		}
		t.nstart = cs;
		t.nlen = ce - cs;
		if (t.kind == '=' && set_delims(c, &t, &od, &ol, &cd, &cl) == -1)
			goto out;
		if (check_tag(c, &t, stack, &depth) == -1)
			goto out;
		RESERVE(c->toks, c->ntok, c->tokcap);
		c->toks[c->ntok++] = t;
		pos = t.end;
	}
	if (depth) {
		const struct tok *o = &c->toks[stack[depth - 1]];

		fail(c, o->start, "unclosed %s \"%.*s\" (no {{/%.*s}})", kind_word(o->kind),
		     (int)MIN(o->nlen, QUOTE_MAX), src + o->nstart, (int)MIN(o->nlen, QUOTE_MAX),
		     src + o->nstart);
		goto out;
	}
	rc = 0;
out:
	free(stack);
	return rc;
}

/* ---- pass 2: standalone tags ---- */

/* Whether only blanks precede pos on its line; *ls: where the line starts. */
static bool blank_before(const struct comp *c, uint32_t pos, uint32_t *ls)
{
	while (pos > 0 && is_blank(c->src[pos - 1]))
		pos--;
	if (pos > 0 && c->src[pos - 1] != '\n')
		return false;
	*ls = pos;
	return true;
}

/* Whether only blanks follow pos on its line; *eol: its end, *next: the next line. */
static bool blank_after(const struct comp *c, uint32_t pos, uint32_t *eol, uint32_t *next)
{
	while (pos < c->n && is_blank(c->src[pos]))
		pos++;
	*eol = pos;
	if (pos == c->n) {
		*next = pos;
		return true;
	}
	if (!line_end_at(c, pos))
		return false;
	*next = pos + (c->src[pos] == '\r' ? 2 : 1);
	return true;
}

static bool adjacent(const struct tok *a, const struct tok *b)
{
	return a->end == b->start;
}

/*
 * The inheritance module's standalone pairs (spec ~inheritance.json,
 * "Standalone parent", "Standalone block" and the reindentation tests):
 * whitespace, then two adjacent tags, then whitespace.
 */
static void pair_standalone(struct comp *c, uint32_t i)
{
	struct tok *t = &c->toks[i], *u = i + 1 < c->ntok ? t + 1 : NULL;
	uint32_t ls, eol, next;

	if (t->kind == '<' && u && adjacent(t, u) && (u->match == i || u->parent == i) &&
	    (u->kind == '/' || u->kind == '$') && blank_before(c, t->start, &ls) &&
	    blank_after(c, u->end, &eol, &next)) {
		/* {{<p}}{{/p}}: a partial; {{<p}}{{$b}}: its block opens on the next line. */
		t->rm_start = ls;
		u->rm_end = next;
		t->flags |= TF_STANDALONE | TF_SWALLOW;
		u->flags |= TF_SWALLOW | (u->kind == '$' ? TF_STANDALONE : 0);
	} else if (t->kind == '$' && t->match == i + 1 && adjacent(t, u) &&
	           blank_before(c, t->start, &ls) && blank_after(c, u->end, &eol, &next)) {
		/* {{$b}}{{/b}}: indents its content, but keeps the line end. */
		t->rm_start = ls;
		u->rm_end = eol;
		t->flags |= TF_STANDALONE | TF_SWALLOW;
		u->flags |= TF_SWALLOW;
	} else if (t->kind == '/' && i > 0 && c->toks[t->match].kind == '<') {
		/* {{/b}}{{/p}}: the block's last line ends before them. */
		struct tok *b = t - 1;

		if (b->kind == '/' && adjacent(b, t) && c->toks[b->match].kind == '$' &&
		    c->toks[b->match].parent == t->match && blank_before(c, b->start, &ls) &&
		    blank_after(c, t->end, &eol, &next)) {
			b->rm_start = ls;
			t->rm_end = next;
			b->flags |= TF_SWALLOW;
			t->flags |= TF_SWALLOW;
		}
	}
}

static void mark_standalone(struct comp *c)
{
	uint32_t i, ls, eol, next;

	for (i = 0; i < c->ntok; i++) {
		c->toks[i].rm_start = c->toks[i].start;
		c->toks[i].rm_end = c->toks[i].end;
	}
	for (i = 0; i < c->ntok; i++) {
		struct tok *t = &c->toks[i];

		if (t->kind == 'v' || t->kind == '&' || t->kind == '{' || (t->flags & TF_SWALLOW))
			continue;
		if (blank_before(c, t->start, &ls) && blank_after(c, t->end, &eol, &next)) {
			t->rm_start = ls;
			t->rm_end = next;
			t->flags |= TF_STANDALONE | TF_SWALLOW;
		} else {
			pair_standalone(c, i);
		}
	}
}

/* ---- pass 3: dedent of standalone blocks ---- */

/*
 * The whitespace common to the non-blank lines of a standalone block's
 * content, as textwrap.dedent() would find it on the source: the content
 * loses it, and the place where the block is expanded puts its own
 * indentation back ("Block reindentation", "Intrinsic indentation").
 */
static void find_prefix(struct comp *c, uint32_t bi)
{
	struct tok *b = &c->toks[bi];
	uint32_t q = b->rm_end, end = c->toks[b->match].rm_start, j = bi + 1;

	while (q < end) {
		const char *nl;

		while (j < b->match && c->toks[j].end <= q)
			j++;
		if (!(j < b->match && c->toks[j].start < q)) { /* not inside a tag */
			uint32_t w = 0, k = 0;

			while (q + w < end && is_blank(c->src[q + w]))
				w++;
			if (q + w < end && !line_end_at(c, q + w)) {
				if (!b->pre_set) {
					b->pre_set = true;
					b->pre_off = q;
					b->pre_len = w;
				}
				while (k < b->pre_len && k < w &&
				       c->src[b->pre_off + k] == c->src[q + k])
					k++;
				b->pre_len = k;
			}
		}
		nl = memchr(c->src + q, '\n', end - q);
		if (nl == NULL)
			break;
		q = (uint32_t)(nl - c->src) + 1;
	}
}

/* ---- pass 4: emit ---- */

static struct op *add_op_raw(struct comp *c, enum op_kind kind, uint32_t a)
{
	struct op *op;

	RESERVE(c->ops, c->nops, c->opcap);
	op = &c->ops[c->nops++];
	*op = (struct op){.kind = (uint8_t)kind, .a = a};
	return op;
}

/* Appends an op, after the indentation of its line if that is still due. */
static uint32_t add_op(struct comp *c, enum op_kind kind, uint32_t a)
{
	if (c->indent_pending && kind != OP_END) {
		add_op_raw(c, OP_INDENT, 0);
		c->indent_pending = false;
	}
	add_op_raw(c, kind, a);
	return (uint32_t)c->nops - 1;
}

static void add_text(struct comp *c, uint32_t p, uint32_t len)
{
	struct op *last = c->nops ? &c->ops[c->nops - 1] : NULL;

	if (last == NULL || last->kind != OP_TEXT || last->a + last->b != c->pool.n) {
		last = add_op_raw(c, OP_TEXT, (uint32_t)c->pool.n);
		last->c = (uint32_t)c->nlines;
	}
	if (c->indent_pending) {
		RESERVE(c->lines, c->nlines, c->linecap);
		c->lines[c->nlines++] = (uint32_t)c->pool.n;
		last->flags |= OPF_LINES;
		c->indent_pending = false;
	}
	buf_put(&c->pool, c->src + p, len);
	last->b += len;
}

static uint32_t add_name(struct comp *c, uint32_t off, uint32_t len)
{
	struct name nm = {.seg = (uint32_t)c->nsegs};
	uint32_t i = 0;

	if (!(len == 1 && c->src[off] == '.')) {
		while (i < len) {
			const char *dot = memchr(c->src + off + i, '.', len - i);
			uint32_t n = dot ? (uint32_t)(dot - (c->src + off + i)) : len - i;

			RESERVE(c->segs, c->nsegs, c->segcap);
			c->segs[c->nsegs++] = (struct seg){(uint32_t)c->pool.n, n};
			buf_put(&c->pool, c->src + off + i, n);
			nm.nseg++;
			i += n + 1;
		}
	}
	RESERVE(c->names, c->nnames, c->namecap);
	c->names[c->nnames++] = nm;
	return (uint32_t)c->nnames - 1;
}

/* How many bytes at p (before end) belong to the dedent in force. */
static uint32_t dedent_len(const struct comp *c, uint32_t p, uint32_t end)
{
	uint32_t k = 0;

	while (k < c->pre_len && p + k < end && c->src[p + k] == c->src[c->pre_off + k])
		k++;
	return k;
}

/*
 * A partial, parent or block reference.  A standalone one indents what it
 * renders by the blanks before it (or, for a block, by the indentation
 * intrinsic to its content), less the dedent in force.
 */
static uint32_t add_ref(struct comp *c, const struct tok *t)
{
	struct ref r = {.dynamic = (t->flags & TF_DYNAMIC) != 0,
	                .standalone = (t->flags & TF_STANDALONE) != 0};
	uint32_t ind = t->start;

	if (r.dynamic) {
		r.name = add_name(c, t->nstart, t->nlen);
	} else {
		r.off = (uint32_t)c->pool.n;
		r.len = t->nlen;
		r.hash = tpl_hash(c->src + t->nstart, t->nlen);
		buf_put(&c->pool, c->src + t->nstart, t->nlen);
	}
	if (r.standalone) {
		if (t->kind == '$' && t->pre_set && t->pre_len > c->pre_len) {
			ind = t->pre_off + c->pre_len;
			r.ind_len = t->pre_len - c->pre_len;
		} else {
			ind = t->rm_start + dedent_len(c, t->rm_start, t->start);
			r.ind_len = t->start - ind;
		}
	}
	r.ind_off = (uint32_t)c->pool.n;
	buf_put(&c->pool, c->src + ind, r.ind_len);
	RESERVE(c->refs, c->nrefs, c->refcap);
	c->refs[c->nrefs++] = r;
	return (uint32_t)c->nrefs - 1;
}

/*
 * Whether the line from p on is blank: nothing but blanks and tags that
 * stand for whole lines before its end.  ti: the next tag.
 */
static bool line_blank(const struct comp *c, uint32_t p, size_t ti)
{
	for (;;) {
		while (ti < c->ntok && c->toks[ti].rm_start < p)
			ti++;
		if (ti < c->ntok && c->toks[ti].rm_start == p) {
			if (!(c->toks[ti].flags & TF_SWALLOW))
				return false;
			p = c->toks[ti++].rm_end;
			if (p > 0 && c->src[p - 1] == '\n')
				return true;
			continue;
		}
		if (p >= c->n || line_end_at(c, p))
			return true;
		if (!is_blank(c->src[p]))
			return false;
		p++;
	}
}

/*
 * Emits the text from p to end (the next tag, ti), a line at a time: each
 * line loses the dedent in force, and a non-blank one takes the
 * indentation of the partial or block it is rendered in.
 */
static void emit_text(struct comp *c, uint32_t p, uint32_t end, size_t ti)
{
	for (;;) {
		const char *nl;
		uint32_t q;

		if ((p == 0 || c->src[p - 1] == '\n') && p != c->bol_done) {
			c->bol_done = p;
			p += dedent_len(c, p, end);
			c->indent_pending = !line_blank(c, p, ti);
		}
		if (p >= end)
			return;
		nl = memchr(c->src + p, '\n', end - p);
		q = nl ? (uint32_t)(nl - c->src) + 1 : end;
		add_text(c, p, q - p);
		p = q;
	}
}

/* Emits an open tag; returns the mode inside it. */
static enum mode open_tag(struct comp *c, const struct tok *t, enum mode mode, uint32_t *op)
{
	switch (t->kind) {
	case '#':
	case '^':
		if (mode != M_EMIT)
			return M_SKIP;
		*op = add_op(c, t->kind == '#' ? OP_SECTION : OP_INVERTED,
		             add_name(c, t->nstart, t->nlen));
		return M_EMIT;
	case '<':
		if (mode != M_EMIT)
			return M_SKIP;
		*op = add_op(c, OP_PARENT, add_ref(c, t));
		return M_PARENT;
	default: /* '$' */
		if (mode == M_SKIP)
			return M_SKIP;
		if (mode == M_PARENT) /* an argument: the line it starts on is ignored */
			c->indent_pending = false;
		*op = add_op(c, OP_BLOCK, add_ref(c, t));
		if ((t->flags & TF_STANDALONE) && t->pre_set) {
			c->pre_off = t->pre_off;
			c->pre_len = t->pre_len;
		}
		return M_EMIT;
	}
}

static void emit(struct comp *c)
{
	struct open *stack = xreallocarray(NULL, TPL_MAX_NEST, sizeof(*stack));
	size_t depth = 0, i;
	enum mode mode = M_EMIT;
	uint32_t pos = 0;

	c->bol_done = NONE;
	for (i = 0; i < c->ntok; i++) {
		const struct tok *t = &c->toks[i];
		struct open *o;

		if (mode == M_EMIT)
			emit_text(c, pos, t->rm_start, i);
		pos = t->rm_end;
		switch (t->kind) {
		case 'v':
		case '&':
		case '{':
			if (mode == M_EMIT)
				add_op(c, t->kind == 'v' ? OP_VAR : OP_RAW,
				       add_name(c, t->nstart, t->nlen));
			break;
		case '>':
			if (mode == M_EMIT)
				add_op(c, OP_PARTIAL, add_ref(c, t));
			break;
		case '#':
		case '^':
		case '<':
		case '$':
			o = &stack[depth++];
			*o = (struct open){NONE, mode, c->pre_off, c->pre_len};
			mode = open_tag(c, t, mode, &o->op);
			break;
		case '/':
			o = &stack[--depth];
			if (o->op != NONE) {
				uint32_t e = add_op(c, OP_END, 0); /* may move c->ops */

				c->ops[o->op].b = e;
			}
			mode = o->mode;
			c->pre_off = o->pre_off;
			c->pre_len = o->pre_len;
			break;
		default: /* comments and delimiters leave nothing */
			break;
		}
	}
	if (mode == M_EMIT)
		emit_text(c, pos, c->n, c->ntok);
	free(stack);
}

static struct tpl *finish(struct comp *c)
{
	struct tpl *t = xcalloc(1, sizeof(*t));

	t->name = xstrdup(c->name);
	t->name_len = strlen(t->name);
	t->hash = tpl_hash(t->name, t->name_len);
	t->pool = buf_detach(&c->pool);
	t->ops = c->ops;
	t->nops = (uint32_t)c->nops;
	t->segs = c->segs;
	t->names = c->names;
	t->refs = c->refs;
	RESERVE(c->lines, c->nlines, c->linecap);
	c->lines[c->nlines++] = UINT32_MAX;
	t->lines = c->lines;
	c->ops = NULL;
	c->segs = NULL;
	c->names = NULL;
	c->refs = NULL;
	c->lines = NULL;
	return t;
}

struct tpl *tpl_compile(const char *name, const char *src, size_t n, struct tpl_error *err)
{
	struct comp c = {.name = name, .src = src, .err = err};
	struct tpl *t = NULL;
	uint32_t i;

	buf_init(&c.pool);
	if (n > MAX_SRC) {
		fail(&c, 0, "template larger than %u bytes", MAX_SRC);
		goto out;
	}
	c.n = (uint32_t)n;
	if (tokenize(&c) == -1)
		goto out;
	mark_standalone(&c);
	for (i = 0; i < c.ntok; i++)
		if (c.toks[i].kind == '$' && (c.toks[i].flags & TF_STANDALONE))
			find_prefix(&c, i);
	emit(&c);
	t = finish(&c);
out:
	free(c.toks);
	buf_finish(&c.pool);
	free(c.ops);
	free(c.segs);
	free(c.names);
	free(c.refs);
	free(c.lines);
	return t;
}

void tpl_free(struct tpl *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->pool);
	free(t->ops);
	free(t->segs);
	free(t->names);
	free(t->refs);
	free(t->lines);
	free(t);
}
