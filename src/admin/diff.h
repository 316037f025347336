/*
 * Line diffs, for comparing revisions of an article: the longest common
 * subsequence of lines between the old and the new text (blank lines
 * counting half, so that paragraphs align with paragraphs), after taking
 * off the lines they share at both ends.  A Markdown paragraph is one
 * line, so lines are the natural unit.  The middle part is compared in a
 * table bounded by DIFF_MAX_CELLS; past it the middle shows as removed
 * then added -- still true, only less precise.  Pure: no I/O.
 */
#ifndef TZ_DIFF_H
#define TZ_DIFF_H

#include <stddef.h>

struct arena;

/* Lines (old x new) compared in full: 4M cells, 1 MB of directions. */
#define DIFF_MAX_CELLS (4u << 20)

enum diff_op {
	DIFF_SAME = 0,
	DIFF_DEL, /* in the old text only */
	DIFF_ADD, /* in the new text only */
};

struct diff_line {
	enum diff_op op;
	const char *p; /* the line without its newline; points into old or new */
	size_t n;
	size_t old_no, new_no; /* 1-based line numbers, 0 where the line is absent */
};

/*
 * Diffs old against new (NUL-terminated; NULL counts as "").  OUT:
 * arena-owned lines in order, *n of them.
 */
void diff_lines(struct arena *a, const char *old, const char *new, struct diff_line **out,
                size_t *n);
/* Whether any line differs. */
int diff_changed(const struct diff_line *v, size_t n);

#endif
