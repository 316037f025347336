/*
 * tamizdat search QUERY: the site's full-text search from the command
 * line, as the search page runs it; tamizdat reindex: rebuilds the index.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "search/search.h"
#include "search/search_web.h"
#include "util/arena.h"
#include "util/log.h"

static const char search_usage[] =
        "tamizdat search QUERY... [--lang L] [--section PATH] [--page N] [--limit N] [--json]\n"
        "\n"
        "Searches the published articles as the site's search page does and prints\n"
        "the results, best first: id, language, date, folder and title, then a\n"
        "snippet with the matched words.  Words are found in any form (война finds\n"
        "войны, войной); all must appear.  \"exact phrase\", prefix*, -excluded,\n"
        "this OR that; filters lang:L (or all), section:PATH, author:NAME, tag:NAME,\n"
        "from:YYYY[-MM[-DD]], to:..., date:...  --lang (default: all languages) and\n"
        "--section (LANG/PATH or PATH, with its subsections) do the same as lang: and\n"
        "section:.  --json prints what /search.json answers.\n";

static const char reindex_usage[] =
        "tamizdat reindex\n"
        "\n"
        "Rebuilds the search index from the published articles, in one transaction\n"
        "(searches see the old index until it is done).  Needed only after a change\n"
        "of the stemming rules or dictionary, which commands report; every change to\n"
        "an article updates the index as it is made.\n";

/* Prints marked text with the marks in bold on a terminal, dropped elsewhere. */
static void put_marked(const char *s, bool tty)
{
	for (; *s; s++) {
		if (*s == SEARCH_MARK_ON || *s == SEARCH_MARK_OFF) {
			if (tty)
				fputs(*s == SEARCH_MARK_ON ? "\033[1m" : "\033[0m", stdout);
		} else {
			putchar(*s);
		}
	}
}

static int parse_count(const char *opt, const char *s, size_t max, size_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > max)
		return cli_fail("%s must be a number from 1 to %zu", opt, max);
	*out = (size_t)v;
	return 0;
}

int cmd_search(int argc, char **argv)
{
	static const struct option opts[] = {
		{"lang", required_argument, NULL, 'l'},
		{"section", required_argument, NULL, 's'},
		{"page", required_argument, NULL, 'p'},
		{"limit", required_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct search_opts o = {.limit = SEARCH_WEB_PAGE, .marks = true};
	struct buf text = BUF_INIT, out = BUF_INIT;
	struct arena *a = NULL;
	struct search_page p;
	struct site site;
	bool json = false, tty = isatty(STDOUT_FILENO);
	size_t page = 1, i;
	int c, rc = EXIT_FAIL;

	while ((c = cli_getopt(argc, argv, "l:s:p:n:jh", opts, search_usage)) != -1) {
		switch (c) {
		case 'l': o.lang = optarg; break;
		case 's': o.section = optarg; break;
		case 'p':
			if (parse_count("--page", optarg, SEARCH_MAX_RESULTS, &page) != 0)
				return EXIT_USAGE;
			break;
		case 'n':
			if (parse_count("--limit", optarg, SEARCH_WEB_MAX_LIMIT, &o.limit) != 0)
				return EXIT_USAGE;
			break;
		case 'j': json = true; break;
		}
	}
	if (optind == argc)
		return cli_usage(search_usage);
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		if (text.n)
			buf_putc(&text, ' ');
		buf_puts(&text, argv[i]);
	}
	o.offset = (page - 1) * o.limit;
	if (cli_open(&site, SITE_READONLY) != 0) {
		buf_finish(&text);
		return EXIT_FAIL;
	}
	a = arena_new(0);
	if (search_web_query(&site, site.store, site.search, a, text.p, &o, &p) != 0) {
		cli_fail("search failed: %s", log_reason());
		goto out;
	}
	if (json) {
		search_web_json(&site, a, text.p, &o, &p, &out);
		fwrite(out.p, 1, out.n, stdout);
		rc = EXIT_OK;
		goto out;
	}
	for (i = 0; i < p.res.nmsgs; i++)
		log_warn("%s", query_message_text(a, &p.res.msgs[i]));
	for (i = 0; i < p.nhits; i++) {
		const struct article *art = p.hits[i].art;
		struct buf dir = BUF_INIT;
		char date[16];
		time_t t = (time_t)art->date;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		model_article_dir(&dir, art->lang, art->section_path, art->slug);
		printf("%lld\t%s\t%s\t%s\t", (long long)art->id, art->lang, date, dir.p);
		put_marked(p.hits[i].title && *p.hits[i].title ? p.hits[i].title : art->title, tty);
		putchar('\n');
		if (p.hits[i].snippet && *p.hits[i].snippet) {
			putchar('\t');
			put_marked(p.hits[i].snippet, tty);
			putchar('\n');
		}
		buf_finish(&dir);
	}
	if (!cli.quiet)
		log_info("%zu found%s", p.res.total,
		         p.res.total > o.offset + p.nhits ? " (--page for more)" : "");
	rc = EXIT_OK;
out:
	arena_free(a);
	buf_finish(&text);
	buf_finish(&out);
	site_close(&site);
	return rc;
}

int cmd_reindex(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct search_stats st;
	struct site site;
	int rc = EXIT_OK;

	while (cli_getopt(argc, argv, "h", opts, reindex_usage) != -1)
		;
	if (optind != argc)
		return cli_usage(reindex_usage);
	if (cli_open(&site, SITE_NO_THEME) != 0)
		return EXIT_FAIL;
	if (search_reindex(site.search, !cli.quiet, &st) != 0)
		rc = cli_fail("reindex failed: %s", log_reason());
	else if (!cli.quiet)
		log_info("indexed %zu articles in %zu languages in %.2f s", st.articles, st.langs,
		         st.seconds);
	site_close(&site);
	return rc;
}

int cli_search_check(struct site *site)
{
	struct arena *a = arena_new(0);
	struct search_stats st;
	const char **langs;
	size_t n, i;
	int rc = 0;

	if (search_stale(site->search, a, &langs, &n) != 0) {
		rc = -1;
		goto out;
	}
	if (n == 0)
		goto out;
	for (i = 0; i < n; i++)
		log_info("the search index of %s was built with other stemming rules; rebuilding it",
		         langs[i]);
	if (search_reindex(site->search, !cli.quiet, &st) != 0)
		rc = -1;
out:
	arena_free(a);
	return rc;
}
