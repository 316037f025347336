/*
 * A bare server over a folder, for benchmarks and by-hand checks of the
 * HTTP module without the rest of tamizdat:
 *
 *	http_bench ROOT [PORT [THREADS [ADDRESS]]]
 *
 * Serves ROOT quietly (no access log) until SIGINT or SIGTERM.  One route,
 * /echo, answers with its query and form fields, so that a dynamic request
 * can be measured too.
 */
#include <stdio.h>
#include <stdlib.h>

#include "util/log.h"
#include "web/http.h"

static int echo(void *arg, const struct http_request *req, struct http_response *resp)
{
	const char *q = http_request_arg(req, "q");

	(void)arg;
	resp->content_type = "text/plain; charset=utf-8";
	buf_printf(&resp->body, "%s %s q=%s\n", req->method, req->path, q ? q : "");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct http_route routes[] = {{"/echo", echo, NULL}};
	struct http_config cfg = {0};

	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: http_bench ROOT [PORT [THREADS [ADDRESS]]]\n");
		return 2;
	}
	cfg.root = argv[1];
	cfg.port = argc > 2 ? (unsigned)atoi(argv[2]) : 8080;
	cfg.threads = argc > 3 ? (unsigned)atoi(argv[3]) : 0;
	cfg.listen = argc > 4 ? argv[4] : NULL;
	cfg.routes = routes;
	cfg.nroutes = 1;
	cfg.quiet = getenv("HTTP_BENCH_LOG") == NULL;
	if (http_serve(&cfg) != 0) {
		log_error("%s", log_reason());
		return 1;
	}
	return 0;
}
