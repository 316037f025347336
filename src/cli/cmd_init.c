/*
 * tamizdat init DIR: a new, empty site.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/mirror.h"
#include "publish/publish.h"
#include "util/log.h"

static const char usage[] =
        "tamizdat init DIR [--title T] [--lang en,fr,ru,uk] [--base-url URL]\n"
        "\n"
        "Creates a new site in DIR: its configuration (tamizdat.ini), its store\n"
        "(tamizdat.db), its signing key for mirrors (minisign.key, mode 0600, and\n"
        "minisign.pub) and an empty public/ folder.\n"
        "\n"
        "  --title T        the site's title (default: Tamizdat)\n"
        "  --lang LIST      its languages, the first being the default (default: en)\n"
        "  --base-url URL   the address it is published at (default: http://127.0.0.1:8080/)\n";

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{"title", required_argument, NULL, 't'},
		{"lang", required_argument, NULL, 'l'},
		{"base-url", required_argument, NULL, 'b'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct config cfg;
	const char *dir;
	int c, rc = EXIT_FAIL;

	config_init(&cfg);
	while ((c = cli_getopt(argc, argv, "t:l:b:h", opts, usage)) != -1) {
		switch (c) {
		case 't':
			free(cfg.title);
			cfg.title = xstrdup(optarg);
			break;
		case 'l':
			if (config_set_langs(&cfg, optarg) != 0) {
				cli_fail_reason();
				goto out;
			}
			memcpy(cfg.default_lang, cfg.langs[0].code, sizeof(cfg.default_lang));
			break;
		case 'b': {
			size_t n = strlen(optarg);
			if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0) {
				cli_fail("--base-url \"%s\" must start with http:// or https://", optarg);
				goto out;
			}
			free(cfg.base_url);
			cfg.base_url = xmalloc(n + 2);
			snprintf(cfg.base_url, n + 2, "%s%s", optarg,
			         n && optarg[n - 1] == '/' ? "" : "/");
			break;
		}
		}
	}
	if (optind + 1 != argc) {
		rc = cli_usage(usage);
		goto out;
	}
	dir = argv[optind];
	if (site_create(dir, &cfg) != 0) {
		cli_fail_reason();
		goto out;
	}
	/* The key that signs bundles and mirrors.json; never under public/. */
	if (mirror_keygen(dir, false) != 0) {
		cli_fail_reason();
		goto out;
	}
	{
		/* Every language gets its (empty) home, feeds and 404 at once. */
		struct pub_build_opts bo = {0};
		struct site site;
		if (site_open(&site, dir, 0) != 0 || pub_build(&site, &bo, NULL) != 0) {
			cli_fail("site created in %s, but not built: %s (run tamizdat build)", dir,
			         log_reason());
			if (site.dir)
				site_close(&site);
			goto out;
		}
		site_close(&site);
	}
	if (!cli.quiet)
		log_info("created site in %s (languages: %s%s%s%s)", dir, cfg.langs[0].code,
		         cfg.nlangs > 1 ? ", ..." : "", "", "");
	rc = EXIT_OK;
out:
	config_finish(&cfg);
	return rc;
}
