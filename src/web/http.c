/*
 * The built-in HTTP server: its lifecycle (start, tick thread, graceful
 * stop, signals) and the dispatch of each request to a dynamic route or to
 * the static files.  libmicrohttpd runs a pool of worker threads, each
 * with its own epoll loop; every request is answered synchronously on the
 * thread that read it.  The raw request-target is taken from MHD's URI log
 * callback, before MHD decodes anything, so that the path is decoded once,
 * by http_path_normalise(), under our rules.
 */
#include "web/http_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/log.h"
#include "util/util.h"

static const char *const canned_text[HTTP_CANNED_N] = {
        [HTTP_CANNED_400] = "400 Bad Request",
        [HTTP_CANNED_404] = "404 Not Found",
        [HTTP_CANNED_405] = "405 Method Not Allowed",
        [HTTP_CANNED_413] = "413 Content Too Large",
        [HTTP_CANNED_500] = "500 Internal Server Error",
};

static const unsigned canned_status[HTTP_CANNED_N] = {
        [HTTP_CANNED_400] = 400, [HTTP_CANNED_404] = 404, [HTTP_CANNED_405] = 405,
        [HTTP_CANNED_413] = 413, [HTTP_CANNED_500] = 500,
};

void http_add_site_headers(const struct http_server *srv, struct MHD_Response *r,
                           const struct http_header *skip, size_t nskip)
{
	size_t i, j;

	for (i = 0; i < srv->nsite_headers; i++) {
		const struct http_header *h = &srv->site_headers[i];

		for (j = 0; j < nskip; j++)
			if (strcasecmp(skip[j].name, h->name) == 0)
				break;
		if (j == nskip)
			MHD_add_response_header(r, h->name, h->value);
	}
}

/* Writes one access-log line; bytes that could drive a terminal are escaped. */
static void log_access(struct http_conn *rc, unsigned status)
{
	struct buf line = BUF_INIT;
	const unsigned char *p;

	http_conn_client(rc);
	buf_printf(&line, "%s %s ", rc->client, rc->method);
	for (p = (const unsigned char *)rc->target; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '"')
			buf_printf(&line, "%%%02X", *p);
		else
			buf_putc(&line, *p);
	}
	buf_printf(&line, " %u\n", status);
	/* One write per line: lines from several threads never interleave. */
	if (write(STDERR_FILENO, line.p, line.n) < 0) {
		/* Nothing to do: the log is best effort. */
	}
	buf_finish(&line);
}

enum MHD_Result http_queue(struct http_conn *rc, unsigned status, struct MHD_Response *r)
{
	rc->state = HTTP_CONN_DONE;
	if (!rc->srv->cfg.quiet)
		log_access(rc, status);
	return MHD_queue_response(rc->mhd, status, r);
}

enum MHD_Result http_queue_owned(struct http_conn *rc, unsigned status, struct MHD_Response *r)
{
	enum MHD_Result res = http_queue(rc, status, r);

	MHD_destroy_response(r);
	return res;
}

enum MHD_Result http_queue_canned(struct http_conn *rc, enum http_canned which)
{
	return http_queue(rc, canned_status[which], rc->srv->canned[which]);
}

bool http_conn_client(struct http_conn *rc)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	const char *xff, *proto, *last;
	char ip[64];
	unsigned char tmp[16];

	if (rc->client[0] != '\0')
		return rc->https;
	strcpy(rc->client, "-");
	ci = MHD_get_connection_info(rc->mhd, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, rc->client,
		          sizeof(rc->client));
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		/* Show an IPv4 client of a dual-stack socket as IPv4. */
		if (IN6_IS_ADDR_V4MAPPED(a))
			inet_ntop(AF_INET, &a->s6_addr[12], rc->client, sizeof(rc->client));
		else
			inet_ntop(AF_INET6, a, rc->client, sizeof(rc->client));
	}
	if (rc->srv->cfg.trusted_proxy == NULL ||
	    strcmp(rc->client, rc->srv->cfg.trusted_proxy) != 0)
		return false;
	/* The proxy appends the address it saw: the last entry is the one to trust. */
	xff = MHD_lookup_connection_value(rc->mhd, MHD_HEADER_KIND, "X-Forwarded-For");
	if (xff != NULL) {
		size_t n;

		last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		last += strspn(last, " \t");
		n = strcspn(last, " \t");
		if (n < sizeof(ip)) {
			memcpy(ip, last, n);
			ip[n] = '\0';
			if (inet_pton(AF_INET, ip, tmp) == 1 || inet_pton(AF_INET6, ip, tmp) == 1)
				strcpy(rc->client, ip);
		}
	}
	proto = MHD_lookup_connection_value(rc->mhd, MHD_HEADER_KIND, "X-Forwarded-Proto");
	rc->https = proto != NULL && strcasecmp(proto, "https") == 0;
	return rc->https;
}

/*
 * The longest route for path.  *slashless is set when path is a route's
 * prefix without its trailing slash ("/admin" for "/admin/").
 */
static const struct http_route *match_route(const struct http_server *srv, const char *path,
                                            bool *slashless)
{
	const struct http_route *best = NULL;
	size_t i, best_n = 0, pn = strlen(path);

	*slashless = false;
	for (i = 0; i < srv->cfg.nroutes; i++) {
		const struct http_route *r = &srv->cfg.routes[i];
		size_t n = strlen(r->prefix);
		bool ok;

		if (n == 0)
			continue;
		if (r->prefix[n - 1] == '/') {
			ok = pn >= n && memcmp(path, r->prefix, n) == 0;
			if (!ok && pn == n - 1 && memcmp(path, r->prefix, pn) == 0 && n > best_n) {
				*slashless = true;
				best = r;
				best_n = n;
				continue;
			}
		} else {
			ok = pn >= n && memcmp(path, r->prefix, n) == 0 &&
			     (path[n] == '\0' || path[n] == '/');
		}
		if (ok && n > best_n) {
			*slashless = false;
			best = r;
			best_n = n;
		}
	}
	return best;
}

static enum MHD_Result redirect_to_prefix(struct http_conn *rc, const char *prefix)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return http_queue_canned(rc, HTTP_CANNED_500);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, prefix);
	http_add_site_headers(rc->srv, r, NULL, 0);
	return http_queue_owned(rc, MHD_HTTP_MOVED_PERMANENTLY, r);
}

static bool has_body(const struct http_conn *rc)
{
	const char *cl;

	if (MHD_lookup_connection_value(rc->mhd, MHD_HEADER_KIND,
	                                MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
		return true;
	cl = MHD_lookup_connection_value(rc->mhd, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	return cl != NULL && strtoull(cl, NULL, 10) > 0;
}

static enum MHD_Result begin(struct http_conn *rc);

/*
 * The first call for a request, with its headers: decode the path and
 * pick the route.  A request with a body for a route reads it from here
 * on; a too large one is refused at once.  Everything else waits for the
 * call that says the request is complete.
 */
static enum MHD_Result early(struct http_conn *rc)
{
	const char *q = strchr(rc->target, '?');
	size_t n = q ? (size_t)(q - rc->target) : strlen(rc->target);
	bool slashless;

	rc->query = q ? q + 1 : "";
	rc->status = http_path_normalise(rc->target, n, &rc->path);
	if (rc->status == 0) {
		rc->route = match_route(rc->srv, rc->path.p, &slashless);
		if (rc->route != NULL && !slashless)
			return http_dynamic_begin(rc);
		rc->redirect = rc->route != NULL;
	}
	/* A body nobody will read: answer now and let MHD close the connection. */
	if (has_body(rc))
		return begin(rc);
	return MHD_YES;
}

/* The request is complete (a body, if any, went to a route or was ignored). */
static enum MHD_Result begin(struct http_conn *rc)
{
	if (rc->status == 400)
		return http_queue_canned(rc, HTTP_CANNED_400);
	if (rc->status == 404)
		return http_static_not_found(rc);
	if (rc->redirect)
		return redirect_to_prefix(rc, rc->route->prefix);
	return http_static_answer(rc);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_n, void **con_cls)
{
	struct http_conn *rc = *con_cls;

	(void)cls;
	(void)url;
	(void)version;
	if (rc == NULL)
		return MHD_NO; /* the URI log callback always runs first */
	switch (rc->state) {
	case HTTP_CONN_NEW:
		/*
		 * Only headers so far.  MHD closes the connection after a
		 * response queued now, so answer on the next call, when the
		 * request is complete -- except a body refused unread.
		 */
		rc->mhd = c;
		rc->method = method;
		rc->state = HTTP_CONN_HEADERS;
		return early(rc);
	case HTTP_CONN_HEADERS:
		if (*upload_n != 0)
			break;
		return begin(rc);
	case HTTP_CONN_BODY:
		return http_dynamic_continue(rc, upload, upload_n);
	case HTTP_CONN_DONE:
		return MHD_YES;
	}
	return MHD_NO;
}

static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct http_server *srv = cls;
	struct http_conn *rc = xcalloc(1, sizeof(*rc));

	rc->srv = srv;
	rc->mhd = c;
	rc->target = xstrdup(uri);
	rc->query = "";
	rc->method = "-";
	/*
	 * A stop waits for the requests already begun, not for those that
	 * keep arriving on open keep-alive connections meanwhile.
	 */
	if (!atomic_load(&srv->draining)) {
		rc->counted = true;
		atomic_fetch_add(&srv->in_flight, 1);
	}
	return rc;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_conn *rc = *con_cls;

	(void)c;
	(void)toe;
	if (rc == NULL)
		return;
	*con_cls = NULL;
	buf_finish(&rc->path);
	buf_finish(&rc->body);
	http_fields_finish(&rc->args);
	http_fields_finish(&rc->form);
	arena_free(rc->arena);
	if (rc->counted)
		atomic_fetch_sub(&srv->in_flight, 1);
	free(rc->target);
	free(rc);
}

/* MHD's messages: the reason for a failed start, otherwise warnings. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_server *srv = cls;
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '.'))
		msg[--n] = '\0';
	if (!srv->started)
		log_fail("%s", msg);
	else if (!srv->cfg.quiet)
		log_warn("http: %s", msg);
}

static void *tick_main(void *arg)
{
	struct http_server *srv = arg;
	struct timespec ts;

	pthread_mutex_lock(&srv->tick_mu);
	while (!srv->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 1;
		while (!srv->stopping &&
		       pthread_cond_timedwait(&srv->tick_cv, &srv->tick_mu, &ts) != ETIMEDOUT)
			;
		if (srv->stopping)
			break;
		pthread_mutex_unlock(&srv->tick_mu);
		srv->cfg.tick(srv->cfg.tick_arg);
		pthread_mutex_lock(&srv->tick_mu);
	}
	pthread_mutex_unlock(&srv->tick_mu);
	return NULL;
}

static struct MHD_Response *make_canned(struct http_server *srv, enum http_canned which)
{
	struct MHD_Response *r;
	struct buf b = BUF_INIT;
	size_t n;

	buf_printf(&b, "<!DOCTYPE html>\n<title>%s</title>\n<h1>%s</h1>\n", canned_text[which],
	           canned_text[which] + 4);
	n = b.n;
	r = MHD_create_response_from_buffer_with_free_callback(n, buf_detach(&b), free);
	if (r == NULL)
		fatal("cannot create a response");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (which == HTTP_CANNED_405)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	http_add_site_headers(srv, r, NULL, 0);
	return r;
}

static void site_header(struct http_server *srv, const char *name, const char *value)
{
	struct http_header *h;

	srv->site_headers = xreallocarray(srv->site_headers, srv->nsite_headers + 1,
	                                  sizeof(*srv->site_headers));
	h = &srv->site_headers[srv->nsite_headers++];
	h->name = (char *)name;
	h->value = (char *)value;
}

/* Fills *ss from cfg.listen and cfg.port; -1 if the address is not numeric. */
static int listen_addr(const struct http_config *cfg, struct sockaddr_storage *ss, bool *v6)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	const char *a = cfg->listen;

	memset(ss, 0, sizeof(*ss));
	if (strcmp(a, "localhost") == 0)
		a = "127.0.0.1";
	*v6 = false;
	if (inet_pton(AF_INET, a, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)cfg->port);
		return 0;
	}
	if (inet_pton(AF_INET6, a, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)cfg->port);
		*v6 = true;
		return 0;
	}
	return log_fail("listen address \"%s\" is not a numeric IPv4 or IPv6 address", a);
}

struct http_server *http_server_start(const struct http_config *cfg)
{
	struct http_server *srv = xcalloc(1, sizeof(*srv));
	const union MHD_DaemonInfo *di;
	struct sockaddr_storage ss;
	sigset_t block, old;
	unsigned flags;
	pthread_condattr_t ca;
	size_t i;
	bool v6;
	long cores;

	srv->cfg = *cfg;
	srv->rootfd = -1;
	atomic_init(&srv->in_flight, 0);
	atomic_init(&srv->draining, false);
	atomic_init(&srv->gen, 0);
	pthread_mutex_init(&srv->tick_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->tick_cv, &ca);
	pthread_condattr_destroy(&ca);
	if (srv->cfg.listen == NULL)
		srv->cfg.listen = "127.0.0.1";
	if (srv->cfg.max_body == 0)
		srv->cfg.max_body = HTTP_MAX_BODY_DEFAULT;
	if (srv->cfg.threads == 0) {
		cores = sysconf(_SC_NPROCESSORS_ONLN);
		srv->cfg.threads = cores > 0 ? (unsigned)cores : 1;
	}
	if (srv->cfg.port > 65535) {
		log_fail("port %u is out of range", srv->cfg.port);
		goto fail;
	}
	if (srv->cfg.root == NULL) {
		log_fail("no folder to serve");
		goto fail;
	}
	srv->rootfd = open(srv->cfg.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (srv->rootfd < 0) {
		log_fail("cannot serve %s: %s", srv->cfg.root, strerror(errno));
		goto fail;
	}
	if (listen_addr(&srv->cfg, &ss, &v6) != 0)
		goto fail;

	site_header(srv, "Content-Security-Policy", srv->cfg.csp ? srv->cfg.csp : HTTP_CSP_DEFAULT);
	site_header(srv, "X-Content-Type-Options", "nosniff");
	site_header(srv, "Referrer-Policy", "no-referrer");
	site_header(srv, "X-Frame-Options", "DENY");
	for (i = 0; i < srv->cfg.nextra_headers; i++)
		site_header(srv, srv->cfg.extra_headers[i].name, srv->cfg.extra_headers[i].value);
	for (i = 0; i < HTTP_CANNED_N; i++)
		srv->canned[i] = make_canned(srv, (enum http_canned)i);
	srv->cache = http_cache_new(HTTP_CACHE_MAX);

	/* The server's threads inherit this mask: SIGPIPE must never kill the process. */
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (v6)
		flags |= MHD_USE_IPv6;
	srv->mhd = MHD_start_daemon(
	        flags, (uint16_t)srv->cfg.port, NULL, NULL, answer, srv, MHD_OPTION_SOCK_ADDR,
	        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, srv->cfg.threads,
	        MHD_OPTION_URI_LOG_CALLBACK, uri_logged, srv, MHD_OPTION_NOTIFY_COMPLETED,
	        completed, srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONN_TIMEOUT,
	        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv, MHD_OPTION_END);
	if (srv->mhd != NULL && srv->cfg.tick != NULL &&
	    pthread_create(&srv->ticker, NULL, tick_main, srv) == 0)
		srv->ticking = true;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (srv->mhd == NULL) {
		log_fail("cannot listen on %s port %u: %s", srv->cfg.listen, srv->cfg.port,
		         log_reason()[0] ? log_reason() : "unknown error");
		goto fail;
	}
	if (srv->cfg.tick != NULL && !srv->ticking) {
		log_fail("cannot start the tick thread");
		goto fail;
	}
	srv->started = true;
	di = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : srv->cfg.port;
	return srv;
fail:
	http_server_stop(srv);
	return NULL;
}

unsigned http_server_port(const struct http_server *srv)
{
	return srv->port;
}

void http_server_invalidate(struct http_server *srv)
{
	atomic_fetch_add(&srv->gen, 1);
}

void http_server_stop(struct http_server *srv)
{
	MHD_socket lfd = MHD_INVALID_SOCKET;
	int waited;
	size_t i;

	if (srv == NULL)
		return;
	if (srv->mhd != NULL) {
		/* Stop accepting, then let the requests already read finish. */
		atomic_store(&srv->draining, true);
		lfd = MHD_quiesce_daemon(srv->mhd);
		for (waited = 0; waited < HTTP_STOP_GRACE_MS && atomic_load(&srv->in_flight) > 0;
		     waited += 10)
			usleep(10000);
	}
	if (srv->ticking) {
		pthread_mutex_lock(&srv->tick_mu);
		srv->stopping = true;
		pthread_cond_signal(&srv->tick_cv);
		pthread_mutex_unlock(&srv->tick_mu);
		pthread_join(srv->ticker, NULL);
	}
	if (srv->mhd != NULL)
		MHD_stop_daemon(srv->mhd);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	http_cache_free(srv->cache);
	for (i = 0; i < HTTP_CANNED_N; i++)
		if (srv->canned[i] != NULL)
			MHD_destroy_response(srv->canned[i]);
	free(srv->site_headers);
	if (srv->rootfd >= 0)
		close(srv->rootfd);
	pthread_cond_destroy(&srv->tick_cv);
	pthread_mutex_destroy(&srv->tick_mu);
	free(srv);
}

int http_serve(const struct http_config *cfg)
{
	struct http_server *srv;
	sigset_t set, old;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	srv = http_server_start(cfg);
	if (srv == NULL) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	printf("serving %s on http://%s%s%s:%u/\n", cfg->root,
	       strchr(srv->cfg.listen, ':') ? "[" : "", srv->cfg.listen,
	       strchr(srv->cfg.listen, ':') ? "]" : "", srv->port);
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	if (!cfg->quiet)
		log_info("%s: stopping", strsignal(sig));
	http_server_stop(srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}
