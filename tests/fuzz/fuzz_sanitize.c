/*
 * libFuzzer target for the HTML sanitizer.  The first input byte picks the
 * options (data images, remote images, a forced rel, ids unprefixed); the
 * rest is the HTML.  Invariants, checked inside the harness:
 *
 * - the output re-sanitises to itself, byte for byte;
 * - the output, parsed again by gumbo (as a fragment and inside a page),
 *   holds only allowlisted elements and attributes and no script-capable
 *   URL (tests/unit/san_check.h);
 * - the fixpoint was reached without falling back to plain text, so a
 *   fallback the fuzzer finds is a rule to fix, not a silent loss.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../src/text/sanitize.c"
#include "../unit/san_check.h"

static void die(const char *what, const char *in, size_t n, const char *a, const char *b)
{
	fprintf(stderr, "fuzz_sanitize: %s\ninput (%zu bytes): %.*s\nfirst:  %s\nsecond: %s\n",
	        what, n, (int)MIN(n, 2000), in, a, b ? b : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct san_opts opts = {0};
	struct buf out = BUF_INIT, again = BUF_INIT;
	struct san_verdict v;
	const char *html;
	int passes;

	if (size < 1)
		return 0;
	opts.allow_data_img = data[0] & 1;
	opts.allow_remote_img = data[0] & 2;
	opts.link_rel = data[0] & 4 ? "nofollow ugc" : NULL;
	opts.id_prefix = data[0] & 8 ? "" : NULL;
	html = (const char *)data + 1;
	size--;

	/* Refusing input nested too deep is fine; nothing else may fail. */
	if (sanitize(html, size, &opts, &out, &passes) != 0) {
		if (strstr(log_reason(), "deep") == NULL)
			die("failed", html, size, log_reason(), NULL);
		buf_finish(&out);
		return 0;
	}
	if (passes > MAX_PASSES)
		die("no fixpoint: fell back to text", html, size, buf_cstr(&out), NULL);
	if (sanitize(buf_cstr(&out), out.n, &opts, &again, NULL) != 0)
		die("failed on its own output", html, size, log_reason(), NULL);
	if (again.n != out.n || memcmp(buf_cstr(&again), buf_cstr(&out), out.n) != 0)
		die("not idempotent", html, size, buf_cstr(&out), buf_cstr(&again));
	if (!san_check_output(buf_cstr(&out), out.n, opts.allow_data_img, opts.allow_remote_img,
	                      &v))
		die(v.why, html, size, buf_cstr(&out), NULL);
	buf_finish(&out);
	buf_finish(&again);
	return 0;
}
