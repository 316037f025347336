/*
 * Front matter: the YAML header of an article or section file,
 *
 *	---
 *	title: "Война и мир"
 *	date: 2024-05-01T10:00:00Z
 *	authors: ["Anna Karov", {name: "Memorial", kind: organisation}]
 *	tags:
 *	  - history
 *	lead: |
 *	  Two lines
 *	  of lead.
 *	---
 *	Body...
 *
 * A strict, small subset of YAML: one mapping of keys to plain, single- or
 * double-quoted scalars, literal (|) and folded (>) block scalars, flow
 * sequences [a, "b"], block sequences (- a), and flow mappings {k: v} as
 * sequence items.  Comments (# ...) and blank lines are allowed.  Anything
 * else (anchors, tags, nested block mappings, duplicate keys) is an error
 * with its line and column, never a guess.
 */
#ifndef TZ_FRONTMATTER_H
#define TZ_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

enum fm_kind { FM_STR, FM_LIST, FM_MAP };

struct fm_entry;

struct fm_value {
	enum fm_kind kind;
	unsigned line, col; /* where the value starts, 1-based */
	/* FM_STR: decoded text, NUL-terminated, valid UTF-8 */
	const char *s;
	size_t n;
	/* FM_LIST */
	const struct fm_value *items;
	size_t nitems;
	/* FM_MAP */
	const struct fm_entry *entries;
	size_t nentries;
};

struct fm_entry {
	const char *key; /* NUL-terminated */
	unsigned line;
	struct fm_value value;
};

/* All arena-owned. */
struct fm_doc {
	const struct fm_entry *entries;
	size_t n;
	bool present;      /* false: the file has no front matter at all */
	const char *body;  /* points into the source, after the closing --- */
	size_t body_n;
	unsigned body_line; /* line number of the first body line */
};

struct fm_error {
	unsigned line, col; /* 1-based */
	char msg[200];
};

/* Input larger than this is refused: a front matter is a few lines. */
#define FM_MAX_HEADER (256 * 1024)

/*
 * Parses src (n bytes).  If src starts with a "---" line, the header up to
 * the next "---" (or "...") line is parsed; otherwise the whole of src is
 * the body and doc->present is false.  Strings are allocated in a.
 * Returns 0, or -1 with err filled in (and nothing in doc to use).
 * Invalid UTF-8 anywhere in the header is an error.
 */
int fm_parse(struct arena *a, const char *src, size_t n, struct fm_doc *doc,
             struct fm_error *err);

/* The value of key, or NULL. */
const struct fm_value *fm_get(const struct fm_doc *doc, const char *key);
/* The value of key in a FM_MAP value, or NULL. */
const struct fm_value *fm_map_get(const struct fm_value *map, const char *key);

#endif
