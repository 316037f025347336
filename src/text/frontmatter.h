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
 * A strict, small subset of YAML: one mapping of keys ([A-Za-z0-9_-]+, at
 * column 1) to plain, single- or double-quoted scalars, literal (|) and
 * folded (>) block scalars (with chomping - + and an indentation digit),
 * flow sequences [a, "b"], block sequences (- a), and flow mappings {k: v}
 * as sequence items or as values.  List items are scalars or flow
 * mappings; flow mapping values are scalars.  Comments (# ...) and blank
 * lines are allowed.  Anything else (anchors, aliases, tags, nested block
 * mappings, nested lists, duplicate keys) is an error with its line and
 * column, never a guess.
 *
 * Details a writer may need: a key with nothing after it (and no "- "
 * lines below) is the empty string; plain and quoted scalars end on their
 * own line (use | or > for long text), while [ ] and { } may span lines;
 * double-quoted strings take the YAML escapes (\" \\ \/ \n \t \r \b \f
 * \a \v \e \N \_ \L \P \xXX \uXXXX with JSON surrogate pairs,
 * \UXXXXXXXX) but not NUL (\0, \u0000), which a C string cannot hold;
 * control characters other than tab are refused in the header, as are C1
 * controls (mostly Windows-1252 text read as Latin-1).  A UTF-8 BOM is
 * skipped, CRLF line ends are accepted, and "..." closes the header like
 * "---".
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
	bool present;     /* false: the file has no front matter at all */
	const char *body; /* points into the source, after the closing --- */
	size_t body_n;
	unsigned body_line; /* line number of the first body line */
};

/*
 * line and col are 1-based; line 1 is the opening "---" and columns count
 * characters, not bytes.  msg is the whole message, "line 3, column 9:
 * unterminated double-quoted string (expected ...)", and is also recorded
 * with log_fail().
 */
struct fm_error {
	unsigned line, col;
	char msg[200];
};

/*
 * A header (between the "---" lines) larger than this is refused: a front
 * matter is a few lines, and a missing closing line must not make the
 * whole article a header.  The body is not limited.
 */
#define FM_MAX_HEADER (256 * 1024)

/*
 * Parses src (n bytes).  If src starts with a "---" line, the header up to
 * the next "---" (or "...") line is parsed; otherwise the whole of src is
 * the body and doc->present is false.  Strings and arrays are allocated in
 * a (a few times the header's size at most); the body is not copied.
 * Returns 0, or -1 with err filled in (and nothing in doc to use).
 * Invalid UTF-8 anywhere in the header is an error; the body is not
 * checked.
 */
int fm_parse(struct arena *a, const char *src, size_t n, struct fm_doc *doc, struct fm_error *err);

/* The value of key, or NULL.  Borrowed from doc. */
const struct fm_value *fm_get(const struct fm_doc *doc, const char *key);
/* The value of key in a FM_MAP value, or NULL (also if map is NULL or not a map). */
const struct fm_value *fm_map_get(const struct fm_value *map, const char *key);

#endif
