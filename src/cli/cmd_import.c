/*
 * tamizdat import markdown SRC | jsonl FILE: bring an archive in.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "import/jsonl.h"
#include "import/mdtree.h"
#include "util/log.h"

static const char usage[] =
        "tamizdat import markdown SRC [--dry-run] [--no-publish]\n"
        "       tamizdat import jsonl FILE [--dry-run] [--no-publish]\n"
        "\n"
        "markdown imports a Hugo-style tree: SRC/content/<lang>/<sections...>/_index.md\n"
        "for sections and <slug>.md for articles, and SRC/authors/<slug>.md for authors.\n"
        "jsonl imports one JSON object per line (sections and articles).  Both run in\n"
        "one transaction: a broken file imports nothing and is named with its line.\n"
        "Importing the same data again updates, never duplicates.\n";

static void report(const struct import_report *r, bool dry)
{
	if (cli.quiet)
		return;
	log_info("%s%zu articles added, %zu updated, %zu unchanged; %zu sections added, %zu "
	         "updated; %zu authors added, %zu updated; %zu skipped (languages the site does "
	         "not have)",
	         dry ? "dry run, nothing saved: " : "", r->articles_added, r->articles_updated,
	         r->articles_unchanged, r->sections_added, r->sections_updated, r->authors_added,
	         r->authors_updated, r->skipped);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"dry-run", no_argument, NULL, 'd'},
		{"no-publish", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct import_opts io = {.progress = true};
	struct import_report r;
	bool no_publish = false;
	const char *kind;
	struct site site;
	int c, rc;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			printf("usage: %s", usage);
			return EXIT_OK;
		}
		return cli_usage(usage);
	}
	kind = argv[1];
	argc--;
	argv++;
	while ((c = cli_getopt(argc, argv, "dnh", opts, usage)) != -1) {
		switch (c) {
		case 'd': io.dry_run = true; break;
		case 'n': no_publish = true; break;
		}
	}
	if (optind + 1 != argc)
		return cli_usage(usage);
	if (strcmp(kind, "markdown") != 0 && strcmp(kind, "jsonl") != 0)
		return cli_fail("unknown import format \"%s\" (markdown or jsonl; see: tamizdat "
		                "import --help)",
		                kind);
	if (cli_open(&site, 0) != 0)
		return EXIT_FAIL;
	io.progress = !cli.quiet;
	if (strcmp(kind, "markdown") == 0)
		rc = mdtree_import(&site, argv[optind], &io, &r);
	else
		rc = jsonl_import(&site, argv[optind], &io, &r);
	if (rc != 0) {
		rc = cli_fail("%s (nothing was imported)", log_reason());
	} else {
		report(&r, io.dry_run);
		rc = io.dry_run ? EXIT_OK : cli_publish(&site, no_publish);
	}
	site_close(&site);
	return rc;
}
