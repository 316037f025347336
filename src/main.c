/*
 * tamizdat: parses the global options and hands over to a subcommand.
 * Nothing else happens here; see cli/ for the commands and the library
 * modules for the work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "site/site.h"
#include "util/log.h"

#ifndef TZ_VERSION
#define TZ_VERSION "dev"
#endif

static const struct cli_cmd commands[] = {
	{"init", cmd_init, "create a new site in a folder", NULL},
	{"section", cmd_section, "add, move, list sections", NULL},
	{"article", cmd_article, "add, update, list, publish articles", NULL},
	{"author", cmd_author, "add, list, update authors", NULL},
	{"import", cmd_import, "import a Markdown tree or a JSON-lines corpus", NULL},
	{"export", cmd_export, "export the site as a Markdown tree or an EPUB book", NULL},
	{"build", cmd_build, "build the whole public site", NULL},
	{"publish", cmd_publish, "publish pending changes", NULL},
	{"reclaim", cmd_reclaim, "free the space of replaced pages", NULL},
	{"serve", cmd_serve, "serve the site over HTTP", NULL},
	{"search", cmd_search, "search the published articles", NULL},
	{"reindex", cmd_reindex, "rebuild the search index", NULL},
	{"mirror", cmd_mirror, "sign bundles of the site, keep mirrors in sync", NULL},
	{"demo", cmd_demo, "create the demo site and serve it", NULL},
	{"subscriber", cmd_subscriber, "list, add, remove, import newsletter readers", NULL},
	{"newsletter", cmd_newsletter, "compose, preview, send newsletter issues", NULL},
	{"user", cmd_user, "add, list, disable accounts of the web admin", NULL},
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: tamizdat [-C DIR] [-q] COMMAND [ARGS...]\n\n"
	           "A multilingual, censorship-resistant publishing platform.\n\n"
	           "Options:\n"
	           "  -C DIR     work on the site in DIR (default: the current folder)\n"
	           "  -q         quiet: only errors\n"
	           "  --version  print the version\n\n"
	           "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s  %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun tamizdat COMMAND --help for a command's options; see tamizdat(1).\n");
}

int main(int argc, char **argv)
{
	int i = 1;
	size_t k;

	log_trace("(main)");
	/* Replaced pages are freed by a `tamizdat reclaim` in the background. */
	site_reclaim_in_background(true);

	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-C") == 0 && i + 1 < argc) {
			cli.dir = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "-C", 2) == 0 && argv[i][2]) {
			cli.dir = argv[i] + 2;
			i++;
		} else if (strcmp(argv[i], "-q") == 0) {
			cli.quiet = true;
			log_set_quiet(true);
			i++;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("tamizdat %s\n", TZ_VERSION);
			return EXIT_OK;
		} else {
			fprintf(stderr, "tamizdat: unknown option %s (see: tamizdat --help)\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(argv[i], commands[k].name) == 0) {
			int rc = commands[k].fn(argc - i, argv + i);
			log_trace("(command)");
			return rc;
		}
	fprintf(stderr, "tamizdat: unknown command \"%s\" (see: tamizdat --help)\n", argv[i]);
	return EXIT_USAGE;
}
