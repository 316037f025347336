/*
 * tamizdat section add|move|update|delete|list: the section tree.
 * A section change can touch every page of its language (breadcrumbs,
 * lists, URLs), so it republishes that language.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/publish.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/log.h"

static const char usage[] =
        "tamizdat section add LANG/PATH --title T [--description D] [--position N] [--no-publish]\n"
        "       tamizdat section move LANG/PATH LANG/NEWPATH [--no-publish]\n"
        "       tamizdat section update LANG/PATH [--title T] [--description D] [--position N]\n"
        "       tamizdat section delete LANG/PATH\n"
        "       tamizdat section list [--lang L] [--json]\n"
        "\n"
        "Sections form a tree per language: en/europe/eastern-europe/russia.  A move\n"
        "takes the subsections and articles along; their old addresses keep working\n"
        "(redirect pages).  Only empty sections can be deleted.\n";

/* Copies "LANG/PATH" without a trailing slash and splits it.  0 or -1 (printed). */
static int target(const char *arg, char *lang, size_t n, char **path)
{
	const char *p;
	size_t len;

	if (cli_split_lang_path(arg, lang, n, &p) != 0) {
		cli_fail("\"%s\" is not LANG/PATH (for example en/europe/russia)", arg);
		return -1;
	}
	*path = xstrdup(p);
	len = strlen(*path);
	while (len && (*path)[len - 1] == '/')
		(*path)[--len] = '\0';
	return 0;
}

static int commit_publish(struct site *site, const char *lang, bool no_publish)
{
	if (pub_note_language(site, lang) != 0 || store_commit(site->store) != STORE_OK) {
		store_rollback(site->store);
		return cli_fail_reason();
	}
	return cli_publish(site, no_publish);
}

static int list(struct site *site, const char *lang, bool json)
{
	struct arena *a = arena_new(0);
	struct section *v;
	size_t n, i;

	if (store_section_list(site->store, a, lang, &v, &n) != STORE_OK) {
		arena_free(a);
		return cli_fail_reason();
	}
	if (json) {
		json_t *arr = json_array();
		char *s;
		for (i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:i}", "id",
			                                     (json_int_t)v[i].id, "lang", v[i].lang, "path",
			                                     v[i].path, "title", v[i].title, "description",
			                                     v[i].description, "position", v[i].position,
			                                     "depth", v[i].depth));
		s = json_dumps(arr, JSON_INDENT(2));
		puts(s);
		free(s);
		json_decref(arr);
	} else {
		for (i = 0; i < n; i++)
			printf("%s%s%-*s %*s%s\n", v[i].lang, *v[i].path ? "/" : "", 40 - 3,
			       v[i].path, v[i].depth * 2, "", v[i].title);
	}
	arena_free(a);
	return EXIT_OK;
}

int cmd_section(int argc, char **argv)
{
	static const struct option opts[] = {
		{"title", required_argument, NULL, 't'},
		{"description", required_argument, NULL, 'd'},
		{"position", required_argument, NULL, 'p'},
		{"lang", required_argument, NULL, 'l'},
		{"slug", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"no-publish", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *title = NULL, *desc = NULL, *lang_opt = NULL, *verb;
	struct site site;
	struct arena *a = NULL;
	bool json = false, no_publish = false;
	int position = -1, c, rc = EXIT_FAIL;
	char lang[16], lang2[16], *path = NULL, *path2 = NULL;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			printf("usage: %s", usage);
			return EXIT_OK;
		}
		return cli_usage(usage);
	}
	verb = argv[1];
	argc--;
	argv++;
	while ((c = cli_getopt(argc, argv, "t:d:p:l:s:jnh", opts, usage)) != -1) {
		switch (c) {
		case 't': title = optarg; break;
		case 'd': desc = optarg; break;
		case 'p':
			position = atoi(optarg);
			if (position < 0)
				return cli_fail("--position must be 0 or more");
			break;
		case 'l': lang_opt = optarg; break;
		case 'j': json = true; break;
		case 'n': no_publish = true; break;
		}
	}
	if (strcmp(verb, "list") == 0) {
		if (optind != argc)
			return cli_usage(usage);
		if (cli_open(&site, SITE_NO_THEME | SITE_READONLY) != 0)
			return EXIT_FAIL;
		rc = list(&site, lang_opt, json);
		site_close(&site);
		return rc;
	}
	if (optind >= argc)
		return cli_usage(usage);
	if (target(argv[optind], lang, sizeof(lang), &path) != 0)
		return EXIT_FAIL;
	if (cli_open(&site, 0) != 0) {
		free(path);
		return EXIT_FAIL;
	}
	if (config_lang(&site.cfg, lang) == NULL) {
		cli_fail("language \"%s\" is not one of the site's (see: tamizdat.ini languages)",
		         lang);
		goto out;
	}
	a = arena_new(0);
	if (store_begin(site.store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	if (strcmp(verb, "add") == 0) {
		if (optind + 1 != argc) {
			rc = cli_usage(usage);
			goto rollback;
		}
		if (*path == '\0') {
			cli_fail("the language root %s exists already; use section update to retitle it",
			         lang);
			goto rollback;
		}
		if (title == NULL) {
			cli_fail("section \"%s/%s\": a title is required (--title)", lang, path);
			goto rollback;
		}
		if (store_section_add(site.store, lang, path, title, desc ? desc : "",
		                      position < 0 ? 0 : position, NULL) != STORE_OK) {
			cli_fail_reason();
			goto rollback;
		}
		rc = commit_publish(&site, lang, no_publish);
		if (rc == EXIT_OK && !cli.quiet)
			log_info("added section %s/%s", lang, path);
	} else if (strcmp(verb, "update") == 0) {
		struct section sec;
		if (optind + 1 != argc) {
			rc = cli_usage(usage);
			goto rollback;
		}
		if (store_section_find(site.store, a, lang, path, &sec) != STORE_OK ||
		    store_section_update(site.store, sec.id, title, desc, position) != STORE_OK) {
			cli_fail_reason();
			goto rollback;
		}
		rc = commit_publish(&site, lang, no_publish);
	} else if (strcmp(verb, "delete") == 0) {
		struct section sec;
		if (optind + 1 != argc) {
			rc = cli_usage(usage);
			goto rollback;
		}
		if (store_section_find(site.store, a, lang, path, &sec) != STORE_OK ||
		    store_section_delete(site.store, sec.id) != STORE_OK) {
			cli_fail_reason();
			goto rollback;
		}
		rc = commit_publish(&site, lang, no_publish);
	} else if (strcmp(verb, "move") == 0) {
		struct section sec, parent;
		char *slash, *newparent;
		if (optind + 2 != argc) {
			rc = cli_usage(usage);
			goto rollback;
		}
		if (target(argv[optind + 1], lang2, sizeof(lang2), &path2) != 0)
			goto rollback;
		if (strcmp(lang, lang2) != 0) {
			cli_fail("a section cannot move to another language (%s to %s); add a "
			         "translation instead",
			         lang, lang2);
			goto rollback;
		}
		if (*path2 == '\0') {
			cli_fail("the new path is empty (give LANG/PARENT/SLUG)");
			goto rollback;
		}
		slash = strrchr(path2, '/');
		newparent = slash ? path2 : (char *)"";
		if (slash)
			*slash = '\0';
		if (store_section_find(site.store, a, lang, path, &sec) != STORE_OK ||
		    store_section_find(site.store, a, lang, newparent, &parent) != STORE_OK ||
		    store_section_move(site.store, sec.id, parent.id, slash ? slash + 1 : path2) !=
		            STORE_OK) {
			cli_fail_reason();
			goto rollback;
		}
		rc = commit_publish(&site, lang, no_publish);
		if (rc == EXIT_OK && !cli.quiet)
			log_info("moved section %s/%s to %s/%s%s%s", lang, path, lang, newparent,
			         *newparent ? "/" : "", slash ? slash + 1 : path2);
	} else {
		cli_fail("unknown section command \"%s\" (see: tamizdat section --help)", verb);
		rc = EXIT_USAGE;
		goto rollback;
	}
	goto out;
rollback:
	store_rollback(site.store);
out:
	arena_free(a);
	free(path);
	free(path2);
	site_close(&site);
	return rc;
}
