/*
 * Shared plumbing of the subcommands.  See cli.h.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/publish.h"
#include "util/log.h"

struct cli_global cli = {".", false};

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	char msg[2048];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	return EXIT_FAIL;
}

int cli_fail_reason(void)
{
	log_error("%s", *log_reason() ? log_reason() : "failed");
	return EXIT_FAIL;
}

int cli_usage(const char *usage)
{
	const char *nl = strchr(usage, '\n');

	fprintf(stderr, "usage: %.*s\n(see: --help)\n", nl ? (int)(nl - usage) : (int)strlen(usage),
	        usage);
	return EXIT_USAGE;
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
               const char *usage)
{
	int c, idx;

	for (;;) {
		c = getopt_long(argc, argv, shortopts, longopts, &idx);
		if (c == 'h') {
			printf("usage: %s", usage);
			exit(EXIT_OK);
		}
		if (c == '?' || c == ':')
			exit(cli_usage(usage));
		return c;
	}
}

int cli_open(struct site *site, int flags)
{
	if (site_open(site, cli.dir, flags) != 0) {
		cli_fail_reason();
		return -1;
	}
	log_trace("open");
	return 0;
}

int cli_publish(struct site *site, bool no_publish)
{
	struct pub_stats st;

	if (no_publish) {
		if (!cli.quiet)
			log_info("not published (--no-publish); run tamizdat publish to publish");
		return EXIT_OK;
	}
	if (pub_apply(site, &st) != 0) {
		cli_fail("publishing failed: %s (the change is saved; run tamizdat publish to retry)",
		         log_reason());
		return EXIT_FAIL;
	}
	if (!cli.quiet && st.pages)
		log_info("published: %zu files changed in %.0f ms", st.written, st.seconds * 1000);
	return EXIT_OK;
}

int cli_parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v <= 0 || errno)
		return -1;
	*id = v;
	return 0;
}

int cli_split_lang_path(const char *s, char *lang, size_t n, const char **path)
{
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);

	if (len == 0 || len >= n)
		return -1;
	memcpy(lang, s, len);
	lang[len] = '\0';
	*path = slash ? slash + 1 : "";
	/* Tolerate a trailing slash: "en/europe/". */
	return 0;
}
