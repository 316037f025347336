/*
 * libFuzzer target for the WordPress import's pure parts: the streaming
 * WXR reader and the body pipeline (wpautop, shortcodes, embeds, the
 * sanitizer, Markdown HTML blocks).  The first input byte picks the mode:
 * even, the rest is a whole WXR file and every item's content goes
 * through the body pipeline too; odd, the rest is one post body.
 * Invariants, checked inside the harness:
 *
 * - the reader accepts or refuses; a refusal is located, "fuzz:LINE:COL: ";
 * - handlers get no NULL string;
 * - a body is safe as it is stored and as it is shown: the blocks, and
 *   Markdown's rendering of them with raw HTML passed through untouched,
 *   hold only what the sanitizer allows (tests/unit/san_check.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/wxr_int.h"
#include "text/mdr.h"
#include "util/log.h"

#include "../unit/san_check.h"

static void die(const char *what, const char *in, size_t n, const char *out)
{
	fprintf(stderr, "fuzz_wxr: %s\ninput (%zu bytes): %.*s\noutput: %s\n", what, n,
	        (int)(n < 2000 ? n : 2000), in, out ? out : "");
	abort();
}

static void pass(void *arg, const char *html, size_t n, struct buf *out)
{
	(void)arg;
	buf_put(out, html, n);
}

static void check_body(const char *s, size_t n)
{
	static const struct wxr_body_opts bo = {{"https://old.example/blog", "http://old.example"}};
	struct buf b = BUF_INIT, m = BUF_INIT;
	struct mdr_opts mo = {0};
	struct san_verdict v;

	if (wxr_body(s, n, &bo, &b, NULL) != 0) {
		/* Only the sanitizer's refusal of absurd nesting may fail it. */
		if (strstr(log_reason(), "deep") == NULL)
			die(log_reason(), s, n, NULL);
		goto out;
	}
	if (!san_check_output(buf_cstr(&b), b.n, false, true, &v))
		die(v.why, s, n, buf_cstr(&b));
	mo.raw_html = pass;
	if (mdr_render(buf_cstr(&b), b.n, &mo, &m) != 0)
		die("Markdown refused the body", s, n, buf_cstr(&b));
	if (!san_check_output(buf_cstr(&m), m.n, false, true, &v))
		die(v.why, s, n, buf_cstr(&m));
out:
	buf_finish(&b);
	buf_finish(&m);
}

static int on_item(void *arg, const struct wxr_item *it)
{
	size_t i;

	(void)arg;
	if (!it->title || !it->link || !it->content || !it->excerpt || !it->status ||
	    !it->post_type || !it->post_name || !it->post_date_gmt)
		abort();
	for (i = 0; i < it->nterms; i++)
		if (!it->terms[i].domain || !it->terms[i].nicename || !it->terms[i].name)
			abort();
	for (i = 0; i < it->nmeta; i++)
		if (!it->meta[i].key || !it->meta[i].value)
			abort();
	check_body(it->content, strlen(it->content));
	return 0;
}

static int on_term(void *arg, const struct wxr_term *t)
{
	(void)arg;
	if (!t->taxonomy || !t->slug || !t->parent || !t->name || !t->description)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct wxr_handler h = {NULL, NULL, on_term, on_item, NULL, NULL};
	const char *s = (const char *)data + 1;
	unsigned long line, col;
	int end = 0;

	if (size < 1)
		return 0;
	size--;
	if (data[0] & 1) {
		check_body(s, size);
		return 0;
	}
	if (wxr_read_mem(s, size, "fuzz", &h) != 0 &&
	    (sscanf(log_reason(), "fuzz:%lu:%lu: %n", &line, &col, &end) != 2 || end == 0 ||
	     line == 0))
		die("refused without a location", s, size, log_reason());
	return 0;
}
