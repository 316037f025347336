/*
 * Tests for src/util: buf, arena, atomic writes.
 */
#include "test.h"

#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/dlsyms.h"
#include "util/embed.h"
#include "util/fsutil.h"
#include "util/log.h"

TEST(buf_put_and_detach)
{
	struct buf b = BUF_INIT;
	char *s;

	CHECK_STREQ(buf_cstr(&b), "");
	buf_puts(&b, "abc");
	buf_putc(&b, 'd');
	buf_printf(&b, "%d-%s", 42, "x");
	CHECK_STREQ(b.p, "abcd42-x");
	CHECK_INTEQ(b.n, 8);
	s = buf_detach(&b);
	CHECK_STREQ(s, "abcd42-x");
	CHECK(b.p == NULL && b.n == 0);
	free(s);
	buf_finish(&b);
}

TEST(buf_grows_past_many_blocks)
{
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < 100000; i++)
		buf_putc(&b, 'a' + i % 26);
	CHECK_INTEQ(b.n, 100000);
	CHECK(b.p[25] == 'z' && b.p[26] == 'a');
	CHECK(b.p[b.n] == '\0');
	buf_finish(&b);
}

TEST(buf_html_escapes_all_five)
{
	struct buf b = BUF_INIT;

	buf_put_html(&b, "<a href=\"x\">'&'</a>", 19);
	CHECK_STREQ(b.p, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	buf_finish(&b);
}

TEST(arena_alloc_aligned_and_reset)
{
	struct arena *a = arena_new(0);
	char *s;
	void *big;
	int i;

	for (i = 0; i < 10000; i++) {
		void *p = arena_alloc(a, (size_t)(i % 37) + 1);
		CHECK(((uintptr_t)p % _Alignof(max_align_t)) == 0);
	}
	big = arena_alloc(a, 1 << 20);
	memset(big, 1, 1 << 20);
	s = arena_printf(a, "%s-%d", "x", 7);
	CHECK_STREQ(s, "x-7");
	CHECK(arena_used(a) > (1 << 20));
	arena_reset(a);
	CHECK_INTEQ(arena_used(a), 0);
	s = arena_strndup(a, "hello world", 5);
	CHECK_STREQ(s, "hello");
	arena_free(a);
	arena_free(NULL);
}

TEST(log_fail_keeps_context)
{
	log_fail("inner %d", 1);
	log_fail("outer: %s", log_reason());
	CHECK_STREQ(log_reason(), "outer: inner 1");
}

TEST(fs_write_atomic_skips_same_bytes)
{
	char dir[] = "/tmp/tz-util-XXXXXX";
	char path[256];
	struct stat st1, st2;
	struct buf b = BUF_INIT;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a/b/c.html", dir);
	CHECK_INTEQ(fs_write_atomic(path, "hello", 5, 0), FS_WRITE_CHANGED);
	CHECK(stat(path, &st1) == 0);
	CHECK_INTEQ(fs_write_atomic(path, "hello", 5, 0), FS_WRITE_SAME);
	CHECK(stat(path, &st2) == 0);
	CHECK(st1.st_ino == st2.st_ino);
	CHECK_INTEQ(fs_write_atomic(path, "hellO", 5, 0), FS_WRITE_CHANGED);
	CHECK(fs_read_file(path, &b, 100) == 0);
	CHECK_STREQ(b.p, "hellO");
	buf_reset(&b);
	CHECK(fs_read_file(path, &b, 3) == -1);
	CHECK(strstr(log_reason(), "larger than") != NULL);
	CHECK(fs_remove_tree(dir) == 0);
	CHECK(!fs_exists(dir));
	buf_finish(&b);
}

/*
 * A replaced file goes to the graveyard whole (a reader holding it open
 * keeps its bytes), the new one takes its name, and emptying the
 * graveyard frees them all.
 */
TEST(fs_graveyard_keeps_replaced_files)
{
	char dir[] = "/tmp/tz-util-XXXXXX";
	char path[256], grave[256], old[16] = {0};
	struct buf b = BUF_INIT;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/pub/x.html", dir);
	snprintf(grave, sizeof(grave), "%s/.graveyard", dir);
	CHECK(fs_dir_empty(grave));
	/* A new file: nothing to bury, no graveyard made. */
	CHECK_INTEQ(fs_write_atomic_keep(path, "first", 5, FS_FIXED_TEMP, grave), FS_WRITE_CHANGED);
	CHECK(!fs_exists(grave));
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_INTEQ(fs_write_atomic_keep(path, "second", 6, FS_FIXED_TEMP, grave),
	            FS_WRITE_CHANGED);
	CHECK_INTEQ(fs_write_atomic_keep(path, "second", 6, FS_FIXED_TEMP, grave), FS_WRITE_SAME);
	CHECK(fs_read_file(path, &b, 100) == 0);
	CHECK_STREQ(b.p, "second");
	CHECK(read(fd, old, sizeof(old) - 1) == 5);
	CHECK_STREQ(old, "first");
	close(fd);
	CHECK(!fs_dir_empty(grave));
	/* No temporary file is left beside the page. */
	{
		char tmp[300];
		snprintf(tmp, sizeof(tmp), "%s/pub/.x.html.tmp", dir);
		CHECK(!fs_exists(tmp));
	}
	CHECK_INTEQ(fs_bury(path, grave), 0);
	CHECK(!fs_exists(path));
	CHECK_INTEQ(fs_bury(path, grave), 0); /* already gone: not an error */
	CHECK_INTEQ(fs_graveyard_empty(grave), 2);
	CHECK(fs_dir_empty(grave));
	CHECK(fs_remove_tree(dir) == 0);
	buf_finish(&b);
}

TEST(embed_find_bisects)
{
	static const struct embed_file t[] = {
	        {"a.css", "x", 1}, {"b/c.html", "yy", 2}, {"z", "", 0}, {NULL, NULL, 0}};

	CHECK(embed_find(t, 3, "b/c.html") == &t[1]);
	CHECK(embed_find(t, 3, "a.css") == &t[0]);
	CHECK(embed_find(t, 3, "z") == &t[2]);
	CHECK(embed_find(t, 3, "q") == NULL);
}

TEST(dlsyms_fills_the_table_or_names_the_package)
{
	void *fn = NULL;
	struct dlsym_entry syms[] = {{&fn, "cos"}};
	char why[512];

	/* A missing library: one line that says what to install. */
	CHECK_INTEQ(dlsyms_load("libtz-absent.so.9", "libtz-absent9", syms, NELEM(syms), why,
	                        sizeof(why)),
	            -1);
	CHECK(strstr(why, "libtz-absent.so.9") != NULL);
	CHECK(strstr(why, "(install libtz-absent9)") != NULL);
	CHECK(strchr(why, '\n') == NULL);
	CHECK(fn == NULL);
	/* A library without one of the functions. */
	syms[0].name = "tz_absent";
	CHECK_INTEQ(dlsyms_load("libm.so.6", "libc6", syms, NELEM(syms), why, sizeof(why)), -1);
	CHECK(strstr(why, "(install libc6): it lacks tz_absent") != NULL);
	syms[0].name = "cos";
	CHECK_INTEQ(dlsyms_load("libm.so.6", "libc6", syms, NELEM(syms), why, sizeof(why)), 0);
	CHECK(fn != NULL);
	CHECK(((double (*)(double))fn)(0.0) == 1.0);
}

TESTS(T(buf_put_and_detach), T(buf_grows_past_many_blocks), T(buf_html_escapes_all_five),
      T(arena_alloc_aligned_and_reset), T(log_fail_keeps_context),
      T(fs_write_atomic_skips_same_bytes), T(fs_graveyard_keeps_replaced_files),
      T(embed_find_bisects), T(dlsyms_fills_the_table_or_names_the_package))
