/*
 * tamizdat serve: the public site over HTTP, with the built-in server, and
 * the editorial admin under /admin/ (which also runs scheduled publishing
 * on the server's tick).
 */
#include "cli/cli.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin/admin.h"
#include "mail/mailcfg.h"
#include "publish/publish.h"
#include "search/search_web.h"
#include "util/log.h"
#include "web/http.h"
#include "web/subscribe.h"

static const char usage[] =
        "tamizdat serve [--listen ADDR] [--port N] [--threads N]\n"
        "\n"
        "Serves DIR/public over HTTP (default 127.0.0.1:8080, or [server] in\n"
        "tamizdat.ini) until interrupted (SIGINT or SIGTERM), with the editorial\n"
        "admin at /admin/ (accounts: tamizdat user).  Publishes pending changes\n"
        "first, and scheduled articles when their time comes.  Old WordPress links\n"
        "to the front page, /?p=ID and /?page_id=ID, are sent to the redirect page\n"
        "p/ID/ that import wxr wrote.\n";

/*
 * "/?p=123" and "/?page_id=123", WordPress's links that need no
 * permalinks, name posts by id.  A static file cannot see a query string,
 * so the import writes a redirect page at p/123/ and this route sends the
 * old link there -- when that page exists; anything else is the front
 * page as usual.  Behind nginx the same is one rule (docs/tamizdat.1).
 */
static int wp_query(void *arg, const struct http_request *req, struct http_response *resp)
{
	const struct site *site = arg;
	const char *v = http_request_arg(req, "p");
	char path[4096], loc[64];
	long long id;
	char *end;

	if (v == NULL)
		v = http_request_arg(req, "page_id");
	if (v == NULL || *v < '1' || *v > '9' || strlen(v) > 18)
		return HTTP_PASS;
	id = strtoll(v, &end, 10);
	if (*end != '\0')
		return HTTP_PASS;
	snprintf(path, sizeof(path), "%s/p/%lld/index.html", site->public_dir, id);
	if (access(path, F_OK) != 0)
		return HTTP_PASS;
	/* Relative, so that it holds under a proxy's path prefix too. */
	snprintf(loc, sizeof(loc), "p/%lld/", id);
	http_response_redirect(resp, 301, loc);
	http_response_header(resp, "Cache-Control", "public, max-age=3600");
	return 0;
}

/*
 * http_serve() with the admin told of its server (to make a publish
 * visible at once): starts, prints the address, waits for SIGINT or
 * SIGTERM, stops.  The signals are blocked before any thread starts, so
 * that every thread inherits the mask and sigwait() here gets them.
 */
static int serve(const struct http_config *hc, struct admin *adm)
{
	struct http_server *srv;
	sigset_t set, old;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	srv = http_server_start(hc);
	if (srv == NULL) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	admin_set_server(adm, srv);
	printf("serving %s on http://%s%s%s:%u/ (admin: /admin/)\n", hc->root,
	       strchr(hc->listen, ':') ? "[" : "", hc->listen, strchr(hc->listen, ':') ? "]" : "",
	       http_server_port(srv));
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	if (!hc->quiet)
		log_info("%s: stopping", strsignal(sig));
	admin_set_server(adm, NULL);
	http_server_stop(srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

/* Runs the server for an open site; shared with the demo. */
int cli_serve_site(struct site *site, const char *listen, unsigned port, unsigned threads);

int cli_serve_site(struct site *site, const char *listen, unsigned port, unsigned threads)
{
	struct http_config hc = {0};
	struct http_route routes[CONFIG_MAX_LANGS + 8] = {
	        {"/", wp_query, site, true},
	        {"/index.php", wp_query, site, true},
	};
	struct subscribe *sb = NULL;
	struct search_web *search = NULL;
	size_t nroutes = 2;
	struct admin *adm;
	char *onion_value = NULL;
	long cores;
	int rc = EXIT_OK;

	if (cli_publish(site, false) != EXIT_OK)
		return EXIT_FAIL;
	/* The dynamic routes: what a static copy of public/ cannot do. */
	if (cli_search_check(site) != 0)
		return cli_fail("search index: %s", log_reason());
	if ((search = search_web_new(site)) == NULL)
		return cli_fail_reason();
	/* Network threads as asked (default: one per core), work threads one per core. */
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	hc.work_threads = cores > 0 ? (unsigned)cores : 1;
	hc.threads = threads ? threads : hc.work_threads;
	/* A connection for every thread that may search at once. */
	if (search_web_open(search, (size_t)hc.threads + hc.work_threads) != 0) {
		search_web_free(search);
		return cli_fail("search: %s", log_reason());
	}
	adm = admin_new(site->dir);
	if (adm == NULL) {
		search_web_free(search);
		return cli_fail("admin: %s", log_reason());
	}
	routes[nroutes++] = (struct http_route){"/admin/", admin_handle, adm, false};
	if (site->mail && site->mail->enabled) {
		if ((sb = subscribe_new(site)) == NULL) {
			admin_free(adm);
			search_web_free(search);
			return cli_fail_reason();
		}
		routes[nroutes++] =
		        (struct http_route){"/newsletter/", subscribe_handle, sb, false};
	}
	nroutes += search_web_routes(search, routes + nroutes, NELEM(routes) - nroutes);
	hc.routes = routes;
	hc.nroutes = nroutes;
	hc.root = site->public_dir;
	hc.listen = listen ? listen : site->cfg.listen;
	hc.port = port;
	hc.quiet = cli.quiet;
	if (*site->cfg.onion) {
		const char *o = site->cfg.onion;
		size_t n = strlen(o);
		onion_value = xmalloc(n + 2);
		snprintf(onion_value, n + 2, "%s%s", o, n && o[n - 1] == '/' ? "" : "/");
		hc.onion = onion_value;
	}
	hc.tick = admin_tick;
	hc.tick_arg = adm;
	if (*site->cfg.trusted_proxy)
		hc.trusted_proxy = site->cfg.trusted_proxy;
	if (serve(&hc, adm) != 0)
		rc = cli_fail("%s", log_reason());
	subscribe_free(sb);
	admin_free(adm);
	search_web_free(search);
	free(onion_value);
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"listen", required_argument, NULL, 'l'},
	        {"port", required_argument, NULL, 'p'},
	        {"threads", required_argument, NULL, 't'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *listen = NULL;
	long port = -1;
	unsigned threads = 0;
	struct site site;
	int c, rc;

	while ((c = cli_getopt(argc, argv, "l:p:t:h", opts, usage)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 'p':
			port = strtol(optarg, NULL, 10);
			if (port < 0 || port > 65535)
				return cli_fail("--port must be from 0 to 65535");
			break;
		case 't':
			threads = (unsigned)atoi(optarg);
			break;
		}
	}
	if (optind != argc)
		return cli_usage(usage);
	if (cli_open(&site, 0) != 0)
		return EXIT_FAIL;
	rc = cli_serve_site(&site, listen, port < 0 ? site.cfg.port : (unsigned)port, threads);
	site_close(&site);
	return rc;
}
