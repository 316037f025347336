/*
 * The built-in HTTP server (GNU libmicrohttpd).  It serves the static site
 * in a folder -- content types, ETag/Last-Modified and 304, gzip from the
 * .gz written beside each file, Range, HEAD, the localised 404, security
 * headers -- and hands a few path prefixes to dynamic handlers (admin,
 * search, newsletter subscription), which see only the small request and
 * response types below, never libmicrohttpd.
 */
#ifndef TZ_HTTP_H
#define TZ_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Largest request body read for a dynamic handler; larger gets 413. */
#define HTTP_MAX_BODY_DEFAULT (4u << 20)

struct http_request {
	const char *method; /* "GET", "HEAD", "POST", ... */
	const char *path;   /* percent-decoded, starts with '/', no NUL inside */
	const char *query;  /* raw query string without '?', "" if none */
	const char *client; /* client address as text ("127.0.0.1") */
	bool https;         /* came over TLS, or a trusted proxy said so */
	const char *body;   /* request body (POST), NUL-terminated; "" if none */
	size_t body_n;
	void *impl; /* internal */
};

/* A request header (case-insensitive name), or NULL. */
const char *http_request_header(const struct http_request *req, const char *name);
/* A cookie value, or NULL. */
const char *http_request_cookie(const struct http_request *req, const char *name);
/*
 * A decoded query-string argument, or NULL.  With several of the same
 * name, the first.
 */
const char *http_request_arg(const struct http_request *req, const char *name);
/*
 * A decoded form field of an application/x-www-form-urlencoded or
 * multipart/form-data POST body, or NULL.
 */
const char *http_request_form(const struct http_request *req, const char *name);
/*
 * All values of a repeated form field (checkboxes, multi-selects), in
 * order; *n receives the count.  The array lives as long as the request.
 */
const char *const *http_request_form_all(const struct http_request *req, const char *name,
                                         size_t *n);

struct http_header {
	char *name, *value;
};

struct http_response {
	int status;               /* 200 unless set */
	const char *content_type; /* static string; default "text/html; charset=utf-8" */
	struct buf body;
	struct http_header *headers; /* owned */
	size_t nheaders;
};

/* Adds a header (copied).  CR or LF in name or value aborts: a caller bug. */
void http_response_header(struct http_response *resp, const char *name, const char *value);
/* Sets a redirect (303 for POST, else 302) to location. */
void http_response_redirect(struct http_response *resp, int status, const char *location);

/*
 * A dynamic handler fills resp and returns 0; -1 means an internal error
 * (the server answers 500 with the reason logged, not shown).
 */
typedef int (*http_handler_fn)(void *arg, const struct http_request *req,
                               struct http_response *resp);

struct http_route {
	const char *prefix; /* "/admin/", "/search", ...; matched at the start of the path */
	http_handler_fn fn;
	void *arg;
};

struct http_config {
	const char *root;    /* folder to serve (the site's public/) */
	const char *listen;  /* address to bind, default "127.0.0.1" */
	unsigned port;       /* default 8080; 0 picks a free port (see http_server_port) */
	unsigned threads;    /* worker threads, default: number of cores */
	size_t max_body;     /* default HTTP_MAX_BODY_DEFAULT */
	const struct http_route *routes;
	size_t nroutes;
	/* Extra headers on every response, e.g. Onion-Location; may be NULL. */
	const struct http_header *extra_headers;
	size_t nextra_headers;
	/* Trust X-Forwarded-Proto/For from this proxy address (NULL: never). */
	const char *trusted_proxy;
	/* Called about once a second from a server thread (scheduled publishing); may be NULL. */
	void (*tick)(void *arg);
	void *tick_arg;
	bool quiet; /* no access log on stderr */
};

struct http_server;

/* Starts serving in background threads.  NULL with the reason recorded. */
struct http_server *http_server_start(const struct http_config *cfg);
/* The bound port (useful with port 0). */
unsigned http_server_port(const struct http_server *srv);
/* Stops accepting, finishes requests in flight, frees.  Accepts NULL. */
void http_server_stop(struct http_server *srv);
/*
 * Starts, prints the address, and blocks until SIGINT or SIGTERM, then
 * stops cleanly.  Returns 0, or -1 with the reason recorded.
 */
int http_serve(const struct http_config *cfg);

#endif
