/*
 * libFuzzer target for the admin's own input handling: the line diff of
 * revisions and the [admin] section of tamizdat.ini.  The first byte
 * picks the mode.  Diff: the input, cut at its first NUL, is the old and
 * the new text; asserts that the same and removed lines give back the old
 * text, the same and added lines the new one, with line numbers in order.
 * Configuration: the rest is the text of other modules' sections; asserts
 * that whatever loads is sane (an address ending in "/", a session no
 * shorter than its idle time).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"
#include "admin/diff.h"
#include "site/config.h"
#include "util/arena.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The lines of s as diff.c reads them, joined with '\n'; returns how many
 * (an empty line and no line at all join to the same text). */
static size_t lines_of(const char *s, struct buf *out)
{
	const char *nl;
	size_t n, count = 0;

	while (*s) {
		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		if (count++)
			buf_putc(out, '\n');
		buf_put(out, s, n && s[n - 1] == '\r' ? n - 1 : n);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return count;
}

static void diff_mode(const char *text, size_t size)
{
	struct arena *a = arena_new(0);
	size_t k = strnlen(text, size);
	const char *old = arena_strndup(a, text, k);
	const char *new = k < size ? arena_strndup(a, text + k + 1, size - k - 1) : "";
	struct buf want_old = BUF_INIT, want_new = BUF_INIT, got_old = BUF_INIT, got_new = BUF_INIT;
	struct diff_line *v;
	size_t n, i, on = 0, nn = 0;

	diff_lines(a, old, new, &v, &n);
	for (i = 0; i < n; i++) {
		if (v[i].op != DIFF_ADD) {
			if (got_old.n || on)
				buf_putc(&got_old, '\n');
			buf_put(&got_old, v[i].p, v[i].n);
			if (v[i].old_no != ++on)
				abort();
		}
		if (v[i].op != DIFF_DEL) {
			if (got_new.n || nn)
				buf_putc(&got_new, '\n');
			buf_put(&got_new, v[i].p, v[i].n);
			if (v[i].new_no != ++nn)
				abort();
		}
	}
	if (lines_of(old, &want_old) != on || lines_of(new, &want_new) != nn)
		abort();
	if (strcmp(buf_cstr(&want_old), buf_cstr(&got_old)) != 0 ||
	    strcmp(buf_cstr(&want_new), buf_cstr(&got_new)) != 0)
		abort();
	if (diff_changed(v, n) !=
	    (on != nn || strcmp(buf_cstr(&want_old), buf_cstr(&want_new)) != 0))
		abort();
	buf_finish(&want_old);
	buf_finish(&want_new);
	buf_finish(&got_old);
	buf_finish(&got_new);
	arena_free(a);
}

static void config_mode(const char *text, size_t size)
{
	struct admin_config ac;
	struct config cfg;
	size_t n;

	config_init(&cfg);
	free(cfg.extra);
	cfg.extra = strndup(text, size);
	if (admin_config_load(&ac, &cfg) == 0) {
		n = strlen(ac.url);
		if (n == 0 || ac.url[n - 1] != '/' || ac.session_idle > ac.session_lifetime ||
		    ac.session_idle <= 0)
			abort();
	}
	config_finish(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		config_mode((const char *)data + 1, size - 1);
	else
		diff_mode((const char *)data + 1, size - 1);
	return 0;
}
