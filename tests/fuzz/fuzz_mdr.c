/*
 * libFuzzer target for the Markdown renderer (src/text/mdr.c).
 *
 * The first byte picks the mode: bit 0 passes raw HTML through (else it is
 * escaped), bit 1 adds heading ids, bit 2 rewrites destinations, bit 3
 * renders plain text instead, cut at (byte >> 4) * 13 bytes, or without a
 * limit when that is 0.  The rest is the Markdown.
 *
 * Invariants checked besides the sanitizers' own: rendering succeeds; the
 * output is well-formed UTF-8; in the escaping mode it holds no NUL, only
 * the renderer's own tags and no runnable href or src; heading ids are
 * unique; plain text keeps to its limit and holds no NUL.  The .c is included for utf8_check().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/mdr.c"

#include "../unit/mdr_clean.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void pass_html(void *arg, const char *html, size_t n, struct buf *out)
{
	(void)arg;
	buf_put(out, html, n);
}

/* Site-absolute paths become page-relative, like publishing does. */
static bool rewrite(void *arg, const char *url, size_t n, struct buf *out)
{
	(void)arg;
	if (n == 0 || url[0] != '/')
		return false;
	buf_puts(out, "../..");
	buf_put(out, url, n);
	if (url[n - 1] == '/')
		buf_puts(out, "index.html");
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Aborts if two headings in html have the same id.  In the escaping mode
 * every '<' in the output starts one of the renderer's own tags, so
 * "<hN id=" finds the ids and nothing else.
 */
static void check_ids_unique(const char *html)
{
	const char *s = html, *end;
	char **ids = NULL;
	size_t n = 0, i;

	while ((s = strstr(s, "<h")) != NULL) {
		s += 2;
		if (*s < '1' || *s > '6' || strncmp(s + 1, " id=\"", 5) != 0)
			continue;
		s += 6;
		end = strchr(s, '"');
		if (end == NULL)
			abort();
		ids = xreallocarray(ids, n + 1, sizeof(ids[0]));
		ids[n++] = xstrndup(s, (size_t)(end - s));
		s = end;
	}
	if (n)
		qsort(ids, n, sizeof(ids[0]), cmp_str);
	for (i = 1; i < n; i++) {
		if (strcmp(ids[i - 1], ids[i]) == 0) {
			fprintf(stderr, "duplicate id \"%s\"\n", ids[i]);
			abort();
		}
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mdr_opts opts = {0};
	struct buf out = BUF_INIT;
	const char *src = (const char *)data + 1, *why = "";
	size_t n, max;
	unsigned mode;

	if (size == 0)
		return 0;
	mode = data[0];
	n = size - 1;
	if (mode & 8) {
		max = (mode >> 4) ? (size_t)(mode >> 4) * 13 : SIZE_MAX;
		buf_puts(&out, "x");
		if (mdr_render_text(src, n, max, &out) != 0)
			abort();
		if (out.n - 1 > max || out.p[0] != 'x' || utf8_check(out.p, out.n) != out.n ||
		    memchr(out.p, '\0', out.n))
			abort();
		buf_finish(&out);
		return 0;
	}
	if (mode & 1)
		opts.raw_html = pass_html;
	opts.heading_ids = (mode & 2) != 0;
	if (mode & 4)
		opts.rewrite_url = rewrite;
	if (mdr_render(src, n, &opts, &out) != 0)
		abort();
	if (utf8_check(buf_cstr(&out), out.n) != out.n)
		abort();
	if (!(mode & 1)) {
		/* A NUL would also hide the rest from the checks below. */
		if (memchr(buf_cstr(&out), '\0', out.n))
			abort();
		if (!clean_html(buf_cstr(&out), &why)) {
			fprintf(stderr, "unclean output: %s\n%s\n", why, buf_cstr(&out));
			abort();
		}
		check_ids_unique(buf_cstr(&out));
	}
	buf_finish(&out);
	return 0;
}
