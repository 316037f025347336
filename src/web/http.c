/*
 * The built-in HTTP server's lifecycle: start (libmicrohttpd with a pool
 * of worker threads, each with its own epoll loop), the tick thread, the
 * graceful stop and the blocking http_serve() with its signals.  What
 * happens to one request is in http_conn.c.
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
	/* A form too large for the server: say so, and where the text still is. */
	if (which == HTTP_CANNED_413)
		buf_printf(&b,
		           "<p>What was sent is larger than %zu KB, and nothing of it was kept. "
		           "Go back: your browser still has what you typed.</p>\n",
		           srv->cfg.max_body / 1024);
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
	struct http_server *srv;
	const union MHD_DaemonInfo *di;
	struct sockaddr_storage ss;
	sigset_t block, old;
	unsigned flags;
	pthread_condattr_t ca;
	size_t i;
	bool v6;
	long cores;

	if (mhd_dl_load() != 0)
		return NULL;
	srv = xcalloc(1, sizeof(*srv));

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
	pthread_mutex_init(&srv->work_mu, NULL);
	pthread_cond_init(&srv->work_cv, NULL);
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
	if (srv->cfg.onion)
		site_header(srv, HTTP_ONION_LOCATION, srv->cfg.onion);
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
	for (i = 0; i < srv->cfg.nroutes; i++)
		if (srv->cfg.routes[i].quick != NULL)
			flags |= MHD_ALLOW_SUSPEND_RESUME;
	if ((flags & MHD_ALLOW_SUSPEND_RESUME) && http_work_start(srv) != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		goto fail;
	}
	/* The logger first: MHD reports problems with the options that follow to it. */
	srv->mhd = MHD_start_daemon(
	        flags, (uint16_t)srv->cfg.port, NULL, NULL, http_conn_answer, srv,
	        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv, MHD_OPTION_SOCK_ADDR,
	        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
	        srv->cfg.threads > 1 ? srv->cfg.threads : 0, MHD_OPTION_URI_LOG_CALLBACK,
	        http_conn_begin, srv, MHD_OPTION_NOTIFY_COMPLETED, http_conn_end, srv,
	        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONN_TIMEOUT, MHD_OPTION_END);
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
	/* Every suspended connection is resumed before MHD stops. */
	http_work_stop(srv);
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
	pthread_cond_destroy(&srv->work_cv);
	pthread_mutex_destroy(&srv->work_mu);
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
