/*
 * The sanitizer's throughput, for bench/wxr.sh:
 *
 *	san_bench FILE [SECONDS [san|body]]
 *
 * FILE holds HTML fragments separated by form feeds (post bodies, as
 * bench/gen_wxr.py writes them).  Each fragment goes through san_html()
 * with the import's options, the whole file again and again for at least
 * SECONDS (default 2); then the same for the import's whole body pipeline
 * (wxr_body(): wpautop, shortcodes, sanitizer, Markdown blocks).  Prints
 * MB/s of input for each (or only the one named), by the clock and by the
 * process's CPU time (the figure that holds on a shared machine).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import/wxr_int.h"
#include "text/sanitize.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/log.h"

static double now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass over every fragment; -1 if one fails. */
static int pass(const struct buf *in, bool body, struct buf *out)
{
	static const struct san_opts so = {.allow_remote_img = true};
	static const struct wxr_body_opts bo = {{"https://news.example", NULL}};
	const char *p = in->p, *end = in->p + in->n;

	while (p < end) {
		const char *ff = memchr(p, '\f', (size_t)(end - p));
		size_t n = ff ? (size_t)(ff - p) : (size_t)(end - p);
		buf_reset(out);
		if ((body ? wxr_body(p, n, &bo, out, NULL) : san_html(p, n, &so, out)) != 0)
			return -1;
		p += n + (ff != NULL);
	}
	return 0;
}

static int run(const char *label, const struct buf *in, bool body, double secs)
{
	struct buf out = BUF_INIT;
	double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID), t, c;
	size_t rounds = 0;

	do {
		if (pass(in, body, &out) != 0) {
			fprintf(stderr, "san_bench: %s\n", log_reason());
			buf_finish(&out);
			return -1;
		}
		rounds++;
		t = now(CLOCK_MONOTONIC) - t0;
	} while (t < secs);
	c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	printf("%-32s %6.1f MB/s wall, %6.1f MB/s CPU (%zu x %.1f MB in %.2f s)\n", label,
	       (double)in->n * (double)rounds / t / 1e6, (double)in->n * (double)rounds / c / 1e6,
	       rounds, (double)in->n / 1e6, t);
	buf_finish(&out);
	return 0;
}

int main(int argc, char **argv)
{
	struct buf in = BUF_INIT;
	double secs = argc > 2 ? atof(argv[2]) : 2;
	const char *only = argc > 3 ? argv[3] : "";
	int rc = 1;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: san_bench FILE [SECONDS [san|body]]\n");
		return 2;
	}
	if (fs_read_file(argv[1], &in, (size_t)1 << 30) != 0) {
		fprintf(stderr, "san_bench: %s\n", log_reason());
		return 1;
	}
	if ((strcmp(only, "body") == 0 || run("sanitizer (san_html)", &in, false, secs) == 0) &&
	    (strcmp(only, "san") == 0 ||
	     run("post body pipeline (wxr_body)", &in, true, secs) == 0))
		rc = 0;
	buf_finish(&in);
	return rc;
}
