/*
 * One request's way through the server: MHD's callbacks (the raw URI,
 * each call of the access handler, the end), the choice between a route
 * and the static files, and queueing an answer with its access-log line.
 * Every request is answered on the network thread that read it, the
 * slow work of some routes having been done on a work thread meanwhile
 * (http_request.c).  The raw
 * request-target comes from MHD's URI log callback, before MHD decodes
 * anything, so that the path is decoded once, by http_path_normalise(),
 * under our rules.
 */
#include "web/http_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/log.h"
#include "util/util.h"

static const unsigned canned_status[HTTP_CANNED_N] = {
        [HTTP_CANNED_400] = 400, [HTTP_CANNED_404] = 404, [HTTP_CANNED_405] = 405,
        [HTTP_CANNED_413] = 413, [HTTP_CANNED_500] = 500,
};

/* Appends what the client sent with the bytes that could drive a terminal escaped. */
static void put_escaped(struct buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '"')
			buf_printf(b, "%%%02X", *p);
		else
			buf_putc(b, *p);
	}
}

/* Writes one access-log line: client, method, target, status. */
static void log_access(struct http_conn *rc, unsigned status)
{
	struct buf line = BUF_INIT;

	http_conn_client(rc);
	buf_printf(&line, "%s ", rc->client);
	put_escaped(&line, rc->method);
	buf_putc(&line, ' ');
	put_escaped(&line, rc->target);
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
		if (r->exact) {
			if (strcmp(path, r->prefix) == 0) {
				*slashless = false;
				return r;
			}
			continue;
		}
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

enum MHD_Result http_conn_answer(void *cls, struct MHD_Connection *c, const char *url,
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
	case HTTP_CONN_LATER:
		return MHD_YES; /* not resumed yet */
	case HTTP_CONN_READY:
		return http_work_answer(rc);
	case HTTP_CONN_DONE:
		return MHD_YES;
	}
	return MHD_NO;
}

void *http_conn_begin(void *cls, const char *uri, struct MHD_Connection *c)
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

void http_conn_end(void *cls, struct MHD_Connection *c, void **con_cls,
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
