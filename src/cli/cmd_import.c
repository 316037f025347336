/*
 * tamizdat import markdown SRC | jsonl FILE | wxr FILE: bring an archive in.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "import/jsonl.h"
#include "import/mdtree.h"
#include "import/wxr.h"
#include "util/log.h"

static const char usage[] =
        "tamizdat import markdown SRC [--dry-run] [--no-publish]\n"
        "       tamizdat import jsonl FILE [--dry-run] [--no-publish]\n"
        "       tamizdat import wxr FILE [--lang LANG] [--no-pages] [--dry-run] [--no-publish]\n"
        "\n"
        "markdown imports a Hugo-style tree: SRC/content/<lang>/<sections...>/_index.md\n"
        "for sections and <slug>.md for articles, and SRC/authors/<slug>.md for authors.\n"
        "jsonl imports one JSON object per line (sections and articles).\n"
        "wxr imports a WordPress export (Tools > Export): posts and pages (pages go to a\n"
        "section \"pages\"; --no-pages skips them), categories as sections, tags,\n"
        "authors, Polylang or WPML languages and translations (otherwise posts are in\n"
        "--lang, default the site's default language), and redirect pages for the old\n"
        "addresses (?p=ID is answered by tamizdat serve).  Comments and attachments are\n"
        "not imported; image addresses in posts are kept as they are.\n"
        "All run in one transaction: a broken file imports nothing and is named with its\n"
        "line.  Importing the same data again updates, never duplicates.\n";

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

static void wxr_report(const struct wxr_report *w, bool dry)
{
	const struct import_report *r = &w->base;
	size_t skipped = w->skip_pages + w->skip_attachments + w->skip_types +
	                 w->skip_auto_drafts + w->skip_lang + w->skip_too_long;

	if (cli.quiet)
		return;
	log_info("%s%zu articles (%zu posts, %zu pages: %zu added, %zu updated, %zu unchanged), "
	         "%zu sections, %zu authors, %zu skipped; %zu old addresses redirected",
	         dry ? "dry run, nothing saved: " : "", w->posts + w->pages, w->posts, w->pages,
	         r->articles_added, r->articles_updated, r->articles_unchanged, w->sections,
	         w->authors, skipped, w->redirects);
	if (w->skip_attachments)
		log_info("  skipped %zu attachments (media files; their addresses in posts are kept)",
		         w->skip_attachments);
	if (w->skip_pages)
		log_info("  skipped %zu pages (--no-pages)", w->skip_pages);
	if (w->skip_types)
		log_info("  skipped %zu menu items, revisions, reusable blocks and other post types",
		         w->skip_types);
	if (w->skip_auto_drafts)
		log_info("  skipped %zu automatic drafts (never saved)", w->skip_auto_drafts);
	if (w->skip_lang)
		log_info("  skipped %zu posts in languages the site does not have", w->skip_lang);
	if (w->skip_too_long)
		log_info("  skipped %zu posts whose text is too long to store (over 8 MB)",
		         w->skip_too_long);
	if (w->comments)
		log_info("  %zu comments not imported (tamizdat has no comments)", w->comments);
	if (w->protected_drafts)
		log_info("  %zu password-protected posts imported as drafts", w->protected_drafts);
	if (w->untitled)
		log_info("  %zu posts without a title are called \"(no title)\"", w->untitled);
	if (w->extra_categories)
		log_info("  %zu posts were in several categories: filed in the first, the others "
		         "made tags",
		         w->extra_categories);
	if (w->translated)
		log_info("  %zu articles in translation groups (Polylang or WPML)", w->translated);
	if (w->captions || w->embeds || w->galleries)
		log_info("  %zu captions made figures, %zu embeds made links, %zu galleries and "
		         "playlists removed",
		         w->captions, w->embeds, w->galleries);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"dry-run", no_argument, NULL, 'd'},
		{"no-publish", no_argument, NULL, 'n'},
		{"no-pages", no_argument, NULL, 'P'},
		{"lang", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct import_opts io = {.progress = true};
	struct wxr_opts wo = {0};
	struct import_report r;
	struct wxr_report wr;
	bool no_publish = false, wxr;
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
	while ((c = cli_getopt(argc, argv, "dnPl:h", opts, usage)) != -1) {
		switch (c) {
		case 'd': io.dry_run = wo.dry_run = true; break;
		case 'n': no_publish = true; break;
		case 'P': wo.no_pages = true; break;
		case 'l': wo.lang = optarg; break;
		}
	}
	if (optind + 1 != argc)
		return cli_usage(usage);
	if (strcmp(kind, "markdown") != 0 && strcmp(kind, "jsonl") != 0 && strcmp(kind, "wxr") != 0)
		return cli_fail("unknown import format \"%s\" (markdown, jsonl or wxr; see: tamizdat "
		                "import --help)",
		                kind);
	wxr = strcmp(kind, "wxr") == 0;
	if (!wxr && (wo.no_pages || wo.lang))
		return cli_fail("--lang and --no-pages are for wxr imports");
	if (cli_open(&site, 0) != 0)
		return EXIT_FAIL;
	io.progress = wo.progress = !cli.quiet;
	if (wxr)
		rc = wxr_import(&site, argv[optind], &wo, &wr);
	else if (strcmp(kind, "markdown") == 0)
		rc = mdtree_import(&site, argv[optind], &io, &r);
	else
		rc = jsonl_import(&site, argv[optind], &io, &r);
	if (rc != 0) {
		rc = cli_fail("%s (nothing was imported)", log_reason());
	} else {
		if (wxr)
			wxr_report(&wr, io.dry_run);
		else
			report(&r, io.dry_run);
		rc = io.dry_run ? EXIT_OK : cli_publish(&site, no_publish);
	}
	site_close(&site);
	return rc;
}
