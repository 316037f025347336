/*
 * tamizdat author add|update|list: people and organisations.
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
        "tamizdat author add NAME [--kind person|organisation] [--bio TEXT] [--slug S]\n"
        "       tamizdat author update NAME|SLUG [--name N] [--kind K] [--bio TEXT] [--slug S]\n"
        "       tamizdat author list [--json]\n"
        "\n"
        "Authors are shared by all languages.  Articles name them in their authors\n"
        "field; an author named there for the first time is added as a person.\n";

int cmd_author(int argc, char **argv)
{
	static const struct option opts[] = {
		{"kind", required_argument, NULL, 'k'},
		{"bio", required_argument, NULL, 'b'},
		{"slug", required_argument, NULL, 's'},
		{"name", required_argument, NULL, 'N'},
		{"json", no_argument, NULL, 'j'},
		{"no-publish", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *bio = NULL, *slug = NULL, *name = NULL, *verb;
	int kind = -1, c, rc = EXIT_FAIL;
	bool json = false, no_publish = false;
	struct site site;
	struct arena *a;

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
	while ((c = cli_getopt(argc, argv, "k:b:s:N:jnh", opts, usage)) != -1) {
		switch (c) {
		case 'k':
			if ((kind = model_author_kind_parse(optarg)) < 0)
				return cli_fail("--kind must be person or organisation");
			break;
		case 'b': bio = optarg; break;
		case 's': slug = optarg; break;
		case 'N': name = optarg; break;
		case 'j': json = true; break;
		case 'n': no_publish = true; break;
		}
	}
	if (strcmp(verb, "list") == 0) {
		struct author *v;
		size_t n, i;
		if (optind != argc)
			return cli_usage(usage);
		if (cli_open(&site, SITE_NO_THEME | SITE_READONLY) != 0)
			return EXIT_FAIL;
		a = arena_new(0);
		if (store_author_list(site.store, a, &v, &n) != STORE_OK) {
			cli_fail_reason();
		} else if (json) {
			json_t *arr = json_array();
			char *s;
			for (i = 0; i < n; i++)
				json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
				                                     (json_int_t)v[i].id, "name", v[i].name,
				                                     "kind", model_author_kind_name(v[i].kind),
				                                     "slug", v[i].slug, "bio", v[i].bio));
			s = json_dumps(arr, JSON_INDENT(2));
			puts(s);
			free(s);
			json_decref(arr);
			rc = EXIT_OK;
		} else {
			for (i = 0; i < n; i++)
				printf("%lld\t%s\t%s\t%s\n", (long long)v[i].id,
				       model_author_kind_name(v[i].kind), v[i].slug, v[i].name);
			rc = EXIT_OK;
		}
		arena_free(a);
		site_close(&site);
		return rc;
	}
	if (optind + 1 != argc)
		return cli_usage(usage);
	if (cli_open(&site, 0) != 0)
		return EXIT_FAIL;
	a = arena_new(0);
	if (store_begin(site.store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	if (strcmp(verb, "add") == 0) {
		int64_t id;
		if (store_author_add(site.store, argv[optind], kind < 0 ? AUTHOR_PERSON : kind, slug,
		                     bio ? bio : "", &id) != STORE_OK) {
			store_rollback(site.store);
			cli_fail_reason();
			goto out;
		}
		if (store_commit(site.store) != STORE_OK) {
			cli_fail_reason();
			goto out;
		}
		if (!cli.quiet)
			printf("%lld\n", (long long)id);
		rc = EXIT_OK;
	} else if (strcmp(verb, "update") == 0) {
		struct author au;
		size_t i;
		if (store_author_find(site.store, a, argv[optind], &au) != STORE_OK ||
		    store_author_update(site.store, au.id, kind, name, slug, bio) != STORE_OK) {
			store_rollback(site.store);
			cli_fail_reason();
			goto out;
		}
		/* An author shows on pages of every language. */
		for (i = 0; i < site.cfg.nlangs; i++)
			if (pub_note_language(&site, site.cfg.langs[i].code) != 0) {
				store_rollback(site.store);
				cli_fail_reason();
				goto out;
			}
		if (store_commit(site.store) != STORE_OK) {
			cli_fail_reason();
			goto out;
		}
		rc = cli_publish(&site, no_publish);
	} else {
		store_rollback(site.store);
		cli_fail("unknown author command \"%s\" (see: tamizdat author --help)", verb);
		rc = EXIT_USAGE;
	}
out:
	arena_free(a);
	site_close(&site);
	return rc;
}
