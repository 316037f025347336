/*
 * tamizdat demo [DIR]: a sample site -- original text in four languages,
 * compiled into the binary -- created in DIR (or a temporary folder),
 * built and served.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/mdtree.h"
#include "mirror/mirror.h"
#include "publish/publish.h"
#include "util/embed.h"
#include "util/fsutil.h"
#include "util/log.h"

extern const struct embed_file tz_demo[];
extern const size_t tz_demo_count;

int cli_serve_site(struct site *site, const char *listen, unsigned port, unsigned threads);

static const char usage[] =
        "tamizdat demo [DIR] [--listen ADDR] [--port N] [--no-serve]\n"
        "\n"
        "Creates the demo site (64 articles in English, French, Russian and Ukrainian,\n"
        "in sections four and five levels deep) in DIR, or in a new temporary folder,\n"
        "builds it and serves it at http://127.0.0.1:8080/ until interrupted.  With a\n"
        "DIR that already holds the demo, serves it again.\n";

/* Writes the embedded demo tree into dir.  0 or -1. */
static int unpack(const char *dir)
{
	size_t i;

	for (i = 0; i < tz_demo_count; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, tz_demo[i].name);
		if (fs_write_atomic(path, tz_demo[i].data, tz_demo[i].size, FS_NO_COMPARE) ==
		    FS_WRITE_ERROR)
			return -1;
	}
	return 0;
}

static int create(const char *dir)
{
	char src[4096], ini[4096];
	struct config cfg;
	struct site site;
	struct import_opts io = {.progress = !cli.quiet};
	struct import_report r;
	struct pub_build_opts bo = {.progress = !cli.quiet};
	struct pub_stats st;
	int rc = -1;

	snprintf(src, sizeof(src), "%s/demo-source", dir);
	snprintf(ini, sizeof(ini), "%s/site.ini", src);
	if (unpack(src) != 0)
		return -1;
	config_init(&cfg);
	if (config_load(&cfg, ini) != 0 || site_create(dir, &cfg) != 0 ||
	    mirror_keygen(dir, false) != 0) {
		config_finish(&cfg);
		return -1;
	}
	config_finish(&cfg);
	if (site_open(&site, dir, 0) != 0)
		return -1;
	if (mdtree_import(&site, src, &io, &r) == 0 && pub_build(&site, &bo, &st) == 0) {
		if (!cli.quiet)
			log_info("demo site: %zu articles, %zu sections, %zu authors; %zu files built "
			         "in %.2f s",
			         r.articles_added, r.sections_added, r.authors_added, st.pages,
			         st.seconds);
		rc = 0;
	}
	site_close(&site);
	return rc;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"port", required_argument, NULL, 'p'},
		{"no-serve", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *listen = NULL;
	long port = 8080;
	bool serve = true;
	char tmp[] = "/tmp/tamizdat-demo-XXXXXX";
	const char *dir;
	struct site site;
	char ini[4096];
	int c, rc;

	while ((c = cli_getopt(argc, argv, "l:p:nh", opts, usage)) != -1) {
		switch (c) {
		case 'l': listen = optarg; break;
		case 'p':
			port = strtol(optarg, NULL, 10);
			if (port < 0 || port > 65535)
				return cli_fail("--port must be from 0 to 65535");
			break;
		case 'n': serve = false; break;
		}
	}
	if (optind + 1 < argc)
		return cli_usage(usage);
	if (optind < argc) {
		dir = argv[optind];
	} else {
		if (mkdtemp(tmp) == NULL)
			return cli_fail("cannot create a temporary folder in /tmp");
		dir = tmp;
	}
	snprintf(ini, sizeof(ini), "%s/tamizdat.ini", dir);
	if (!fs_exists(ini) && create(dir) != 0)
		return cli_fail("demo: %s", log_reason());
	if (!cli.quiet)
		log_info("demo site in %s", dir);
	if (!serve)
		return EXIT_OK;
	cli.dir = dir;
	if (cli_open(&site, 0) != 0)
		return EXIT_FAIL;
	rc = cli_serve_site(&site, listen, (unsigned)port, 0);
	site_close(&site);
	return rc;
}
