/*
 * Mustache templates (https://mustache.github.io/mustache.5.html): the
 * theme's page templates and partials are compiled once into a tpl_set and
 * rendered many times, from several threads at once, against a tree of
 * tpl_value built by the caller (usually in a per-page arena).
 *
 * Supported: the required spec modules (interpolation, sections, inverted
 * sections, comments, partials, set delimiters) and the optional
 * inheritance module ({{<parent}}{{$block}}...{{/block}}{{/parent}}), which
 * themes use for their base layout.  Lambdas are not supported.
 *
 * {{name}} is HTML-escaped (& < > " '); {{{name}}} and {{& name}} are not.
 * The engine knows nothing about sites or stores: all data comes in as
 * values.
 *
 * Truth: null, false, the empty string and the empty list are falsey;
 * everything else (a map even if empty, any other string) is truthy.
 * A section over a list renders once per item, over a map or a string
 * once with it pushed on the context stack, over true once as it is.
 * Interpolating true or false gives "true" or "false"; a list or a map
 * gives nothing.
 *
 * Also supported: dynamic partial and parent names ({{>*name}}).
 */
#ifndef TZ_TPL_H
#define TZ_TPL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "util/buf.h"

enum tpl_kind {
	TPL_NULL = 0, /* absent / null: falsey */
	TPL_BOOL,
	TPL_STR,  /* also used for numbers, already formatted; "" is falsey */
	TPL_LIST, /* empty list is falsey */
	TPL_MAP,
};

struct tpl_pair;

/* Plain data; values never own memory (arena or static storage does). */
struct tpl_value {
	enum tpl_kind kind;
	union {
		bool b;
		struct {
			const char *p;
			size_t n;
		} s;
		struct {
			const struct tpl_value *items;
			size_t n;
		} list;
		struct {
			const struct tpl_pair *pairs;
			size_t n;
		} map;
	} u;
};

struct tpl_pair {
	const char *key; /* NUL-terminated */
	struct tpl_value value;
};

/* Compile error: where and why.  line and col are 1-based (col in bytes). */
struct tpl_error {
	char name[128];
	unsigned line, col;
	char msg[256];
};

struct tpl_set;

/* An empty set.  Free with tpl_set_free() (which accepts NULL). */
struct tpl_set *tpl_set_new(void);
void tpl_set_free(struct tpl_set *set);
/*
 * Sets how many steps one tpl_render() may take before it fails (default
 * TPL_MAX_STEPS): each op executed is a step, and so is each 16 bytes of
 * output, so the limit bounds both time and size.  Not to be called while
 * the set is rendering.
 */
void tpl_set_limit(struct tpl_set *set, size_t max_steps);
/*
 * Compiles src (n bytes, need not be NUL-terminated) and adds it to the set
 * as name, replacing a template of the same name.  The set copies what it
 * needs.  Returns 0, or -1 with err filled in (unclosed tag, unbalanced
 * section, bad delimiter...).
 */
int tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t n,
                struct tpl_error *err);
bool tpl_set_has(const struct tpl_set *set, const char *name);
/*
 * Renders template name with ctx (NULL: null) as the root context,
 * appending to out.  Partials and parents are looked up in the same set; a
 * missing partial renders as nothing (as the spec says).  Returns 0, or -1
 * with the reason recorded (log_reason()) and out as it was: unknown
 * template, partial nesting deeper than TPL_MAX_DEPTH, render nesting
 * deeper than TPL_MAX_NEST, more than the step limit.  Allocates nothing
 * but out's growth.  Thread-safe for concurrent renders of one set.
 */
int tpl_render(const struct tpl_set *set, const char *name, const struct tpl_value *ctx,
               struct buf *out);

/* Nesting limit for partials and parents, against runaway recursion. */
#define TPL_MAX_DEPTH 64
/*
 * Nesting limit for sections and blocks in one template (a compile error
 * past it) and for everything a render has open at once (sections,
 * partials, blocks): it bounds the C stack a render uses (under 300 bytes
 * a level unoptimized, so under 100 KiB), well inside any thread stack.
 */
#define TPL_MAX_NEST 256
/*
 * Default step limit of a render (about 1 GiB of output): a page takes a
 * few thousand steps, so this only stops templates that blow up (nested
 * sections over lists run in time exponential in their depth) with an
 * error instead of a hang.
 */
#define TPL_MAX_STEPS ((size_t)1 << 26)

/* Convenience constructors (no allocation). */
static inline struct tpl_value tpl_str(const char *s)
{
	struct tpl_value v = {.kind = s ? TPL_STR : TPL_NULL};
	if (s) {
		v.u.s.p = s;
		v.u.s.n = strlen(s);
	}
	return v;
}

static inline struct tpl_value tpl_strn(const char *s, size_t n)
{
	struct tpl_value v = {.kind = TPL_STR};
	v.u.s.p = s;
	v.u.s.n = n;
	return v;
}

static inline struct tpl_value tpl_bool(bool b)
{
	struct tpl_value v = {.kind = TPL_BOOL};
	v.u.b = b;
	return v;
}

static inline struct tpl_value tpl_list(const struct tpl_value *items, size_t n)
{
	struct tpl_value v = {.kind = TPL_LIST};
	v.u.list.items = items;
	v.u.list.n = n;
	return v;
}

static inline struct tpl_value tpl_map(const struct tpl_pair *pairs, size_t n)
{
	struct tpl_value v = {.kind = TPL_MAP};
	v.u.map.pairs = pairs;
	v.u.map.n = n;
	return v;
}

/* Finds key in a map value (linear scan); NULL if absent or not a map. */
const struct tpl_value *tpl_map_get(const struct tpl_value *map, const char *key);

#endif
