/*
 * Template renderer: walks the ops of a compiled template (tpl_int.h)
 * against a tree of tpl_value, appending to a buffer.
 *
 * Everything a render needs lives on the C stack: the context stack and
 * the indentation are linked lists of nodes in the frames of render(), and
 * the block arguments of the parents being expanded sit in a fixed array
 * in struct rstate.  Recursion is bounded by TPL_MAX_NEST and the work by
 * the set's step limit, so a render allocates nothing but the output and
 * ends on any input.  The set is only read, so renders may run in
 * parallel.
 */
#include "render/tpl_int.h"

#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"

/* The context stack: innermost first. */
struct cnode {
	const struct tpl_value *v;
	const struct cnode *up;
};

/* The indentation: outermost last; each standalone partial adds a piece. */
struct indent {
	const char *p;
	size_t n;
	const struct indent *up;
};

/* The block arguments of a parent being expanded: OP_BLOCKs in t->ops[first, end). */
struct args {
	const struct tpl *t;
	uint32_t first, end;
};

struct rstate {
	const struct tpl_set *set;
	struct buf *out;
	size_t steps, max_steps;
	unsigned depth; /* partials and parents open */
	unsigned nest;  /* render() frames open */
	unsigned nargs;
	struct args args[TPL_MAX_DEPTH];
};

/* Bytes written that cost one step, so that the limit also bounds the output. */
#define STEP_BYTES 16

static const struct tpl_value null_value = {.kind = TPL_NULL};

static bool key_eq(const char *key, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (key[i] != s[i] || key[i] == '\0')
			return false;
	return key[n] == '\0';
}

static const struct tpl_value *map_find(const struct tpl_value *m, const char *k, size_t n)
{
	const struct tpl_pair *p, *end;

	if (m->kind != TPL_MAP)
		return NULL;
	for (p = m->u.map.pairs, end = p + m->u.map.n; p < end; p++)
		if (p->key[0] == k[0] && key_eq(p->key, k, n))
			return &p->value;
	return NULL;
}

const struct tpl_value *tpl_map_get(const struct tpl_value *map, const char *key)
{
	if (map == NULL || key == NULL)
		return NULL;
	return map_find(map, key, strlen(key));
}

/*
 * The spec's name resolution: the first part of a dotted name is looked up
 * from the top of the context stack down, the others only in what the
 * previous part found.
 */
static const struct tpl_value *lookup(const struct tpl *t, uint32_t name, const struct cnode *ctx)
{
	const struct name *nm = &t->names[name];
	const struct seg *sg;
	const struct tpl_value *v = NULL;
	uint32_t i;

	if (nm->nseg == 0)
		return ctx->v;
	sg = &t->segs[nm->seg]; /* segs is NULL in a template that only has "." */
	for (; ctx; ctx = ctx->up)
		if (ctx->v->kind == TPL_MAP && (v = map_find(ctx->v, t->pool + sg->off, sg->len)))
			break;
	for (i = 1; v && i < nm->nseg; i++)
		v = map_find(v, t->pool + sg[i].off, sg[i].len);
	return v;
}

static bool truthy(const struct tpl_value *v)
{
	if (v == NULL)
		return false;
	switch (v->kind) {
	case TPL_BOOL:
		return v->u.b;
	case TPL_STR:
		return v->u.s.n > 0;
	case TPL_LIST:
		return v->u.list.n > 0;
	case TPL_MAP:
		return true;
	default:
		return false;
	}
}

static const struct str escapes[] = {
        STR_NULL,        STR_LIT("&amp;"),  STR_LIT("&lt;"),
        STR_LIT("&gt;"), STR_LIT("&quot;"), STR_LIT("&#39;"),
};
static const unsigned char escape_of[256] = {
        ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};

/*
 * Appends to the output.  Rendering is mostly short appends, so the common
 * case (room enough) is inline; buf_put() grows the buffer otherwise.
 */
static inline void put(struct buf *b, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (n < b->cap - b->n) {
		memcpy(b->p + b->n, p, n);
		b->n += n;
		b->p[b->n] = '\0';
	} else {
		buf_put(b, p, n);
	}
}

static void put_escaped(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s, *esc = escape_of;
	size_t i = 0, run = 0;

	for (;;) {
		/* Four bytes a step: most text has nothing to escape. */
		while (i + 4 <= n && !(esc[u[i]] | esc[u[i + 1]] | esc[u[i + 2]] | esc[u[i + 3]]))
			i += 4;
		while (i < n && !esc[u[i]])
			i++;
		if (i == n)
			break;
		put(b, s + run, i - run);
		put(b, escapes[esc[u[i]]].p, escapes[esc[u[i]]].n);
		run = ++i;
	}
	put(b, s + run, n - run);
}

static void put_value(struct buf *b, const struct tpl_value *v, bool escape)
{
	if (v == NULL)
		return;
	if (v->kind == TPL_STR) {
		if (escape)
			put_escaped(b, v->u.s.p, v->u.s.n);
		else
			put(b, v->u.s.p, v->u.s.n);
	} else if (v->kind == TPL_BOOL) {
		if (v->u.b)
			put(b, "true", 4);
		else
			put(b, "false", 5);
	}
}

static void put_indent(struct buf *b, const struct indent *ind)
{
	if (ind == NULL)
		return;
	put_indent(b, ind->up);
	put(b, ind->p, ind->n);
}

/* Text whose inner lines take the indentation. */
static void put_text_indented(struct buf *b, const struct tpl *t, const struct op *op,
                              const struct indent *ind)
{
	uint32_t off = op->a, end = op->a + op->b;
	const uint32_t *line;

	for (line = &t->lines[op->c]; *line < end; line++) {
		put(b, t->pool + off, *line - off);
		put_indent(b, ind);
		off = *line;
	}
	put(b, t->pool + off, end - off);
}

/* The template a partial or parent tag names, or NULL (which renders as nothing). */
static const struct tpl *find_ref(const struct rstate *rs, const struct tpl *t, const struct ref *r,
                                  const struct cnode *ctx)
{
	const struct tpl_value *v;

	if (!r->dynamic)
		return tpl_set_find(rs->set, t->pool + r->off, r->len, r->hash);
	v = lookup(t, r->name, ctx);
	if (v == NULL || v->kind != TPL_STR)
		return NULL;
	return tpl_set_find(rs->set, v->u.s.p, v->u.s.n, tpl_hash(v->u.s.p, v->u.s.n));
}

static int render(struct rstate *rs, const struct tpl *t, uint32_t pc, uint32_t end,
                  const struct cnode *ctx, const struct indent *ind);

/* The indentation a standalone tag adds, in *node; NULL for an inline one. */
static const struct indent *indent_for(const struct tpl *t, const struct ref *r,
                                       const struct indent *ind, struct indent *node)
{
	if (!r->standalone)
		return NULL;
	if (r->ind_len == 0)
		return ind;
	*node = (struct indent){t->pool + r->ind_off, r->ind_len, ind};
	return node;
}

/* {{>name}}, or {{<name}} if op is a parent (whose arguments are pushed). */
static int render_partial(struct rstate *rs, const struct tpl *t, uint32_t pc,
                          const struct cnode *ctx, const struct indent *ind)
{
	const struct op *op = &t->ops[pc];
	const struct ref *r = &t->refs[op->a];
	const struct tpl *p = find_ref(rs, t, r, ctx);
	struct indent node;
	int rc;

	if (p == NULL)
		return 0;
	if (rs->depth == TPL_MAX_DEPTH)
		return log_fail("partials nested deeper than %d (\"%s\" includes itself?)",
		                TPL_MAX_DEPTH, p->name);
	rs->depth++;
	if (op->kind == OP_PARENT)
		rs->args[rs->nargs++] = (struct args){t, pc + 1, op->b};
	rc = render(rs, p, 0, p->nops, ctx, indent_for(t, r, ind, &node));
	if (op->kind == OP_PARENT)
		rs->nargs--;
	rs->depth--;
	return rc;
}

/*
 * {{$name}}: the argument of that name given by the outermost parent being
 * expanded ("top-level substitutions take precedence"), or the default.
 */
static int render_block(struct rstate *rs, const struct tpl *t, uint32_t pc,
                        const struct cnode *ctx, const struct indent *ind)
{
	const struct op *op = &t->ops[pc];
	const struct ref *r = &t->refs[op->a];
	const struct tpl *bt = t;
	uint32_t first = pc + 1, end = op->b;
	struct indent node;
	unsigned k;

	for (k = 0; k < rs->nargs; k++) {
		const struct args *a = &rs->args[k];
		uint32_t j = a->first;

		while (j < a->end) {
			const struct op *o = &a->t->ops[j];
			const struct ref *q;

			if (o->kind != OP_BLOCK) {
				j++;
				continue;
			}
			q = &a->t->refs[o->a];
			if (q->hash == r->hash && q->len == r->len &&
			    memcmp(a->t->pool + q->off, t->pool + r->off, r->len) == 0) {
				bt = a->t;
				first = j + 1;
				end = o->b;
				goto found;
			}
			j = o->b + 1;
		}
	}
found:
	if (r->standalone)
		ind = indent_for(t, r, ind, &node);
	return render(rs, bt, first, end, ctx, ind);
}

/* Renders ops [pc, end) of t. */
static int render(struct rstate *rs, const struct tpl *t, uint32_t pc, uint32_t end,
                  const struct cnode *ctx, const struct indent *ind)
{
	struct buf *out = rs->out;
	int rc = -1;

	if (++rs->nest > TPL_MAX_NEST) {
		log_fail("templates nested deeper than %d", TPL_MAX_NEST);
		goto out;
	}
	while (pc < end) {
		const struct op *op = &t->ops[pc];
		const struct tpl_value *v;
		struct cnode node;
		size_t i;

		if (++rs->steps > rs->max_steps) {
			log_fail("template runs past %zu steps (nested sections over lists?)",
			         rs->max_steps);
			goto out;
		}
		switch ((enum op_kind)op->kind) {
		case OP_TEXT:
			rs->steps += op->b / STEP_BYTES;
			if (ind && (op->flags & OPF_LINES))
				put_text_indented(out, t, op, ind);
			else
				put(out, t->pool + op->a, op->b);
			pc++;
			break;
		case OP_INDENT:
			put_indent(out, ind);
			pc++;
			break;
		case OP_VAR:
		case OP_RAW:
			v = lookup(t, op->a, ctx);
			if (v && v->kind == TPL_STR)
				rs->steps += v->u.s.n / STEP_BYTES;
			put_value(out, v, op->kind == OP_VAR);
			pc++;
			break;
		case OP_SECTION:
			v = lookup(t, op->a, ctx);
			if (!truthy(v)) {
				pc = op->b + 1;
				break;
			}
			if (v->kind == TPL_BOOL) { /* walk in; OP_END is a no-op */
				pc++;
				break;
			}
			node.up = ctx;
			if (v->kind == TPL_LIST) {
				for (i = 0; i < v->u.list.n; i++) {
					node.v = &v->u.list.items[i];
					if (render(rs, t, pc + 1, op->b, &node, ind) == -1)
						goto out;
				}
			} else {
				node.v = v;
				if (render(rs, t, pc + 1, op->b, &node, ind) == -1)
					goto out;
			}
			pc = op->b + 1;
			break;
		case OP_INVERTED:
			pc = truthy(lookup(t, op->a, ctx)) ? op->b + 1 : pc + 1;
			break;
		case OP_PARTIAL:
		case OP_PARENT:
			if (render_partial(rs, t, pc, ctx, ind) == -1)
				goto out;
			pc = op->kind == OP_PARENT ? op->b + 1 : pc + 1;
			break;
		case OP_BLOCK:
			if (render_block(rs, t, pc, ctx, ind) == -1)
				goto out;
			pc = op->b + 1;
			break;
		case OP_END:
			pc++;
			break;
		}
	}
	rc = 0;
out:
	rs->nest--;
	return rc;
}

int tpl_render(const struct tpl_set *set, const char *name, const struct tpl_value *ctx,
               struct buf *out)
{
	struct rstate rs = {.set = set, .out = out, .max_steps = set->max_steps};
	struct cnode root = {ctx ? ctx : &null_value, NULL};
	const struct tpl *t = tpl_set_find(set, name, strlen(name), tpl_hash(name, strlen(name)));
	size_t mark = out->n;

	if (t == NULL)
		return log_fail("template \"%s\" not found", name);
	if (render(&rs, t, 0, t->nops, &root, NULL) == -1) {
		buf_truncate(out, mark);
		return log_fail("%s: %s", name, log_reason());
	}
	return 0;
}
