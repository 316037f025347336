/*
 * Internals of the template engine, shared by tpl.c (the set),
 * tpl_compile.c (source to ops) and tpl_render.c (ops to bytes).  Nothing
 * outside src/render/tpl*.c includes this.
 *
 * A compiled template is a flat array of ops.  Every whitespace rule of the
 * spec (standalone lines, dedented blocks) is settled by the compiler, so
 * the renderer only copies text, looks names up and jumps: a section is an
 * op whose operand b is the index of its OP_END, and its body is the range
 * between.  Strings (text, name segments, indentation) live in one pool
 * and ops refer to them by offset, so that the pool can grow while
 * compiling.
 */
#ifndef TZ_TPL_INT_H
#define TZ_TPL_INT_H

#include <stdint.h>

#include "render/tpl.h"

enum op_kind {
	OP_TEXT,     /* a: pool offset, b: length, c: its first entry in lines[] */
	OP_INDENT,   /* a line that starts with a tag: emit the indentation */
	OP_VAR,      /* a: name; HTML-escaped */
	OP_RAW,      /* a: name; as is */
	OP_SECTION,  /* a: name, b: index of its OP_END */
	OP_INVERTED, /* a: name, b: index of its OP_END */
	OP_PARTIAL,  /* a: ref */
	OP_PARENT,   /* a: ref, b: index of its OP_END; only OP_BLOCKs between */
	OP_BLOCK,    /* a: ref, b: index of its OP_END; default content between */
	OP_END,      /* closes the four above; a no-op when walked into */
};

/* OP_TEXT: lines[] holds line starts inside this text that take indentation. */
#define OPF_LINES 1

struct op {
	uint8_t kind;
	uint8_t flags;
	uint32_t a, b, c;
};

/* A name segment ("a" of a.b.c) in the pool. */
struct seg {
	uint32_t off, len;
};

/* A dotted name: segs[seg .. seg + nseg); nseg 0 is the implicit iterator ".". */
struct name {
	uint32_t seg, nseg;
};

/* What a partial, parent or block tag refers to, and how it indents. */
struct ref {
	uint32_t off, len;         /* literal template or block name in the pool */
	uint32_t hash;             /* tpl_hash() of that name */
	uint32_t name;             /* dynamic ({{>*x}}): the name to look up */
	uint32_t ind_off, ind_len; /* indentation added to each line it renders */
	bool dynamic;
	bool standalone; /* on a line of its own: indent what it renders */
};

struct tpl {
	char *name;
	size_t name_len;
	uint32_t hash;
	char *pool;
	struct op *ops;
	uint32_t nops;
	struct seg *segs;
	struct name *names;
	struct ref *refs;
	/* Pool offsets where indented lines begin, ascending, UINT32_MAX last. */
	uint32_t *lines;
};

struct tpl_set {
	struct tpl **slots; /* open addressing, a power of two long */
	size_t cap, n;
	size_t max_steps;
};

/* FNV-1a over n bytes. */
uint32_t tpl_hash(const char *s, size_t n);
/* The template called name (n bytes) in set, or NULL. */
const struct tpl *tpl_set_find(const struct tpl_set *set, const char *name, size_t n,
                               uint32_t hash);
/*
 * Compiles src (n bytes) into a template called name.  Returns it (free
 * with tpl_free()), or NULL with err filled in and the reason recorded.
 */
struct tpl *tpl_compile(const char *name, const char *src, size_t n, struct tpl_error *err);
void tpl_free(struct tpl *t);

#endif
