/*
 * Line diffs by longest common subsequence.  See diff.h.
 */
#include "admin/diff.h"

#include <stdint.h>
#include <string.h>

#include "util/arena.h"

struct line {
	const char *p;
	size_t n;
};

/* Splits s into lines (a final newline ends the last line, not a new one). */
static struct line *split(struct arena *a, const char *s, size_t *n)
{
	size_t cap = 16, k = 0;
	struct line *v = arena_alloc(a, cap * sizeof(*v));
	const char *nl;

	if (s == NULL)
		s = "";
	while (*s) {
		if (k == cap) {
			struct line *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		nl = strchr(s, '\n');
		v[k].p = s;
		v[k].n = nl ? (size_t)(nl - s) : strlen(s);
		/* A CR before the newline is not part of the text. */
		if (v[k].n && s[v[k].n - 1] == '\r')
			v[k].n--;
		k++;
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	*n = k;
	return v;
}

static int same(const struct line *x, const struct line *y)
{
	return x->n == y->n && memcmp(x->p, y->p, x->n) == 0;
}

struct out {
	struct arena *a;
	struct diff_line *v;
	size_t n, cap;
};

static void emit(struct out *o, enum diff_op op, const struct line *l, size_t old_no,
                 size_t new_no)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 32;
		struct diff_line *w = arena_alloc(o->a, cap * sizeof(*w));
		if (o->n)
			memcpy(w, o->v, o->n * sizeof(*w));
		o->v = w;
		o->cap = cap;
	}
	o->v[o->n].op = op;
	o->v[o->n].p = l->p;
	o->v[o->n].n = l->n;
	o->v[o->n].old_no = op == DIFF_ADD ? 0 : old_no;
	o->v[o->n].new_no = op == DIFF_DEL ? 0 : new_no;
	o->n++;
}

/* Direction of a cell of the LCS table, two bits each. */
enum { GO_DIAG = 0, GO_UP = 1, GO_LEFT = 2 };

static void set_dir(unsigned char *dirs, size_t cell, unsigned d)
{
	dirs[cell / 4] = (unsigned char)(dirs[cell / 4] | (d << (2 * (cell % 4))));
}

static unsigned get_dir(const unsigned char *dirs, size_t cell)
{
	return (dirs[cell / 4] >> (2 * (cell % 4))) & 3u;
}

/* The middle parts x[0..nx) and y[0..ny), line numbers starting after ox, oy. */
static void middle(struct out *o, const struct line *x, size_t nx, const struct line *y,
                   size_t ny, size_t ox, size_t oy)
{
	size_t i, j;
	uint32_t *prev, *cur;
	unsigned char *dirs;

	if (nx == 0 || ny == 0 || nx > DIFF_MAX_CELLS / ny) {
		for (i = 0; i < nx; i++)
			emit(o, DIFF_DEL, &x[i], ox + i + 1, 0);
		for (j = 0; j < ny; j++)
			emit(o, DIFF_ADD, &y[j], 0, oy + j + 1);
		return;
	}
	/* LCS scores of suffixes, row by row from the end; directions kept. */
	prev = arena_calloc(o->a, ny + 1, sizeof(*prev));
	cur = arena_calloc(o->a, ny + 1, sizeof(*cur));
	dirs = arena_calloc(o->a, (nx * ny + 3) / 4, 1);
	for (i = nx; i-- > 0;) {
		uint32_t *t;
		cur[ny] = 0;
		for (j = ny; j-- > 0;) {
			size_t cell = i * ny + j;
			if (same(&x[i], &y[j])) {
				/*
				 * Blank lines match too easily: counting them
				 * less keeps paragraphs aligned with paragraphs.
				 */
				cur[j] = prev[j + 1] + (x[i].n ? 2 : 1);
				set_dir(dirs, cell, GO_DIAG);
			} else if (prev[j] >= cur[j + 1]) {
				cur[j] = prev[j];
				set_dir(dirs, cell, GO_UP);
			} else {
				cur[j] = cur[j + 1];
				set_dir(dirs, cell, GO_LEFT);
			}
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	i = j = 0;
	while (i < nx && j < ny) {
		unsigned d = get_dir(dirs, i * ny + j);
		if (d == GO_DIAG) {
			emit(o, DIFF_SAME, &x[i], ox + i + 1, oy + j + 1);
			i++;
			j++;
		} else if (d == GO_UP) {
			emit(o, DIFF_DEL, &x[i], ox + i + 1, 0);
			i++;
		} else {
			emit(o, DIFF_ADD, &y[j], 0, oy + j + 1);
			j++;
		}
	}
	for (; i < nx; i++)
		emit(o, DIFF_DEL, &x[i], ox + i + 1, 0);
	for (; j < ny; j++)
		emit(o, DIFF_ADD, &y[j], 0, oy + j + 1);
}

void diff_lines(struct arena *a, const char *old, const char *new, struct diff_line **out,
                size_t *n)
{
	struct out o = {a, NULL, 0, 0};
	size_t nx, ny, pre = 0, suf = 0, i;
	struct line *x = split(a, old, &nx), *y = split(a, new, &ny);

	while (pre < nx && pre < ny && same(&x[pre], &y[pre]))
		pre++;
	while (suf < nx - pre && suf < ny - pre && same(&x[nx - 1 - suf], &y[ny - 1 - suf]))
		suf++;
	for (i = 0; i < pre; i++)
		emit(&o, DIFF_SAME, &x[i], i + 1, i + 1);
	middle(&o, x + pre, nx - pre - suf, y + pre, ny - pre - suf, pre, pre);
	for (i = 0; i < suf; i++)
		emit(&o, DIFF_SAME, &x[nx - suf + i], nx - suf + i + 1, ny - suf + i + 1);
	*out = o.v;
	*n = o.n;
}

int diff_changed(const struct diff_line *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].op != DIFF_SAME)
			return 1;
	return 0;
}
