/*
 * tamizdat export markdown DEST: the site as a Markdown tree.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "import/mdtree.h"
#include "util/fsutil.h"
#include "util/log.h"

static const char usage[] =
        "tamizdat export markdown DEST\n"
        "\n"
        "Writes every section, article (all statuses, with ids, dates and old\n"
        "addresses) and author as Markdown files with front matter under DEST, in the\n"
        "layout import markdown reads: importing it into a new site and building\n"
        "gives the same public site.\n";

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct import_report r;
	struct site site;
	int rc;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			printf("usage: %s", usage);
			return EXIT_OK;
		}
		return cli_usage(usage);
	}
	if (strcmp(argv[1], "markdown") != 0)
		return cli_fail("unknown export format \"%s\" (see: tamizdat export --help)",
		                argv[1]);
	argc--;
	argv++;
	while (cli_getopt(argc, argv, "h", opts, usage) != -1)
		;
	if (optind + 1 != argc)
		return cli_usage(usage);
	if (cli_open(&site, SITE_NO_THEME) != 0)
		return EXIT_FAIL;
	if (mdtree_export(&site, argv[optind], &r) != 0) {
		rc = cli_fail("export failed: %s", log_reason());
	} else {
		if (!cli.quiet)
			log_info("exported %zu articles, %zu sections and %zu authors to %s",
			         r.articles_added, r.sections_added, r.authors_added, argv[optind]);
		rc = EXIT_OK;
	}
	site_close(&site);
	return rc;
}
