/*
 * Tests for src/admin/diff.c: line diffs of revisions.
 */
#include "test.h"

#include "admin/diff.h"
#include "util/arena.h"
#include "util/buf.h"

/* The diff as "+x", "-y", " z" lines, for comparing. */
static const char *show(struct arena *a, const char *x, const char *y)
{
	struct diff_line *v;
	struct buf b = BUF_INIT;
	size_t n, i;
	const char *s;

	diff_lines(a, x, y, &v, &n);
	for (i = 0; i < n; i++) {
		buf_putc(&b, v[i].op == DIFF_ADD ? '+' : v[i].op == DIFF_DEL ? '-' : ' ');
		buf_put(&b, v[i].p, v[i].n);
		buf_putc(&b, '|');
	}
	s = arena_strdup(a, buf_cstr(&b));
	buf_finish(&b);
	return s;
}

TEST(diff_basic_cases)
{
	struct arena *a = arena_new(0);
	struct diff_line *v;
	size_t n;

	CHECK_STREQ(show(a, "", ""), "");
	CHECK_STREQ(show(a, NULL, "a\nb"), "+a|+b|");
	CHECK_STREQ(show(a, "a\nb\n", NULL), "-a|-b|");
	CHECK_STREQ(show(a, "a\nb\nc", "a\nb\nc\n"), " a| b| c|");
	CHECK_STREQ(show(a, "a\nb\nc", "a\nx\nc"), " a|-b|+x| c|");
	CHECK_STREQ(show(a, "a\r\nb", "a\nb"), " a| b|");
	CHECK_STREQ(show(a, "p1\n\np2\n\np3", "p0\n\np1\n\np3"), "+p0|+| p1|-|-p2| | p3|");
	diff_lines(a, "one\ntwo\nthree", "one\n2\nthree\nfour", &v, &n);
	CHECK_INTEQ(n, 5);
	CHECK(diff_changed(v, n));
	CHECK_INTEQ(v[1].op, DIFF_DEL);
	CHECK_INTEQ(v[1].old_no, 2);
	CHECK_INTEQ(v[1].new_no, 0);
	CHECK_INTEQ(v[2].op, DIFF_ADD);
	CHECK_INTEQ(v[2].new_no, 2);
	CHECK_INTEQ(v[4].new_no, 4);
	diff_lines(a, "same", "same", &v, &n);
	CHECK(!diff_changed(v, n));
	arena_free(a);
}

TEST(diff_is_a_longest_common_subsequence)
{
	struct arena *a = arena_new(0);
	struct diff_line *v;
	size_t n, i, same = 0;

	/* abcabba -> cbabac: the LCS has 4 lines. */
	diff_lines(a, "a\nb\nc\na\nb\nb\na", "c\nb\na\nb\na\nc", &v, &n);
	for (i = 0; i < n; i++)
		same += v[i].op == DIFF_SAME;
	CHECK_INTEQ(same, 4);
	CHECK_INTEQ(n, 7 + 6 - 4);
	arena_free(a);
}

TEST(diff_past_the_table_limit_stays_correct)
{
	struct arena *a = arena_new(0);
	struct buf x = BUF_INIT, y = BUF_INIT;
	struct diff_line *v;
	size_t n, i, dels = 0, adds = 0, same = 0;

	/* 3000 x 3000 differing lines in the middle: more cells than the limit. */
	buf_puts(&x, "head\n");
	buf_puts(&y, "head\n");
	for (i = 0; i < 3000; i++) {
		buf_printf(&x, "old %zu\n", i);
		buf_printf(&y, "new %zu\n", i);
	}
	buf_puts(&x, "tail");
	buf_puts(&y, "tail");
	diff_lines(a, x.p, y.p, &v, &n);
	for (i = 0; i < n; i++) {
		dels += v[i].op == DIFF_DEL;
		adds += v[i].op == DIFF_ADD;
		same += v[i].op == DIFF_SAME;
	}
	CHECK_INTEQ(dels, 3000);
	CHECK_INTEQ(adds, 3000);
	CHECK_INTEQ(same, 2);
	CHECK_INTEQ(v[n - 1].old_no, 3002);
	buf_finish(&x);
	buf_finish(&y);
	arena_free(a);
}

TESTS(T(diff_basic_cases), T(diff_is_a_longest_common_subsequence),
      T(diff_past_the_table_limit_stays_correct))
