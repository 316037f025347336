/*
 * tamizdat build: the whole public site; tamizdat publish: pending changes.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/publish.h"
#include "util/fsutil.h"
#include "util/log.h"

static const char build_usage[] =
        "tamizdat build [--lang L] [--threads N]\n"
        "\n"
        "Renders every page of the site (or of one language) into public/, writes only\n"
        "files whose bytes change, and removes files no page produces any more.\n";

static const char publish_usage[] =
        "tamizdat publish\n"
        "\n"
        "Publishes changes saved with --no-publish, or left over by an interrupted\n"
        "publish.  Commands that change content run it themselves.\n";

int cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{"lang", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pub_build_opts bo = {.progress = true};
	struct pub_stats st;
	struct site site;
	int c, rc = EXIT_OK;

	while ((c = cli_getopt(argc, argv, "l:t:h", opts, build_usage)) != -1) {
		switch (c) {
		case 'l': bo.lang = optarg; break;
		case 't': bo.threads = (unsigned)atoi(optarg); break;
		}
	}
	if (optind != argc)
		return cli_usage(build_usage);
	if (cli_open(&site, 0) != 0)
		return EXIT_FAIL;
	bo.progress = !cli.quiet;
	if (pub_build(&site, &bo, &st) != 0)
		rc = cli_fail("build failed: %s", log_reason());
	else if (cli_search_check(&site) != 0)
		rc = cli_fail("search index: %s", log_reason());
	else if (!cli.quiet)
		log_info("built %zu files (%zu changed, %zu removed) in %.2f s", st.pages, st.written,
		         st.removed, st.seconds);
	site_close(&site);
	return rc;
}

int cmd_publish(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct site site;
	int rc;

	while (cli_getopt(argc, argv, "h", opts, publish_usage) != -1)
		;
	if (optind != argc)
		return cli_usage(publish_usage);
	if (cli_open(&site, 0) != 0)
		return EXIT_FAIL;
	rc = cli_publish(&site, false);
	site_close(&site);
	return rc;
}

static const char reclaim_usage[] =
        "tamizdat reclaim\n"
        "\n"
        "Frees the space of pages that publishing replaced or removed.  Publishing\n"
        "sets them aside and starts this command in the background by itself, so\n"
        "that freeing them (slow on file systems mounted with discard) does not\n"
        "delay the publish.\n";

int cmd_reclaim(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char path[4096];
	size_t n;

	while (cli_getopt(argc, argv, "h", opts, reclaim_usage) != -1)
		;
	if (optind != argc)
		return cli_usage(reclaim_usage);
	/* No site_open(): this runs while the publisher may still hold the store. */
	if ((size_t)snprintf(path, sizeof(path), "%s/" SITE_GRAVEYARD, cli.dir) >= sizeof(path))
		return cli_fail("path too long: %s", cli.dir);
	n = fs_graveyard_empty(path);
	if (!cli.quiet)
		printf("%zu files freed\n", n);
	return EXIT_OK;
}
