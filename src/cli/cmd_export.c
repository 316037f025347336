/*
 * tamizdat export markdown DEST: the site as a Markdown tree.
 * tamizdat export epub SECTION|--since DATE OUT.epub: an offline book.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export/epub.h"
#include "import/mdtree.h"
#include "util/fsutil.h"
#include "util/log.h"

static const char usage[] =
        "tamizdat export markdown DEST\n"
        "       tamizdat export epub SECTION OUT.epub\n"
        "       tamizdat export epub --since YYYY-MM-DD [--lang LANG] OUT.epub\n"
        "\n"
        "Writes every section, article (all statuses, with ids, dates and old\n"
        "addresses) and author as Markdown files with front matter under DEST, in the\n"
        "layout import markdown reads: importing it into a new site and building\n"
        "gives the same public site.\n"
        "\n"
        "epub writes an EPUB 3 book, for readers who can only receive files: the\n"
        "published articles of SECTION (LANG/PATH, e.g. en/europe, or LANG for a whole\n"
        "language) and its subsections, or those published since a date (of every\n"
        "language, or of --lang), newest first, with a table of contents.  Images are\n"
        "replaced by their descriptions: the book loads nothing from elsewhere.\n";

/* "YYYY-MM-DD" as the Unix time of its midnight UTC.  0 or -1. */
static int parse_date(const char *s, int64_t *out)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%Y-%m-%d", &tm);

	if (end == NULL || *end != '\0')
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

static int export_epub(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"since", required_argument, NULL, 's'},
	        {"lang", required_argument, NULL, 'l'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct epub_opts o = {0};
	struct epub_stats st;
	struct site site;
	bool since = false;
	int c, rc;

	while ((c = cli_getopt(argc, argv, "s:l:h", opts, usage)) != -1) {
		if (c == 's') {
			if (parse_date(optarg, &o.since) != 0)
				return cli_fail("--since \"%s\" is not a date (YYYY-MM-DD)",
				                optarg);
			since = true;
		} else if (c == 'l') {
			o.lang = optarg;
		}
	}
	if (since ? optind + 1 != argc : optind + 2 != argc)
		return cli_usage(usage);
	if (!since)
		o.section = argv[optind++];
	o.out = argv[optind];
	if (cli_open(&site, SITE_READONLY) != 0)
		return EXIT_FAIL;
	if (epub_export(&site, &o, &st) != 0) {
		rc = cli_fail("export failed: %s", log_reason());
	} else {
		if (!cli.quiet)
			log_info("wrote %s: %zu articles, %zu bytes", o.out, st.articles, st.bytes);
		rc = EXIT_OK;
	}
	site_close(&site);
	return rc;
}

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
	if (strcmp(argv[1], "epub") == 0)
		return export_epub(argc - 1, argv + 1);
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
