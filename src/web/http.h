/*
 * The built-in HTTP server (GNU libmicrohttpd).  It serves the static site
 * in a folder -- content types, ETag/Last-Modified and 304, gzip from the
 * .gz written beside each file (after it: a .gz older than its file is
 * stale and never sent), Range, HEAD, the localised 404 (LL/404.html for
 * "/LL/...", else 404.html), security headers -- and hands a few path
 * prefixes to dynamic handlers (admin, search, newsletter subscription),
 * which see only the small request and response types below, never
 * libmicrohttpd.  Paths are decoded once and any segment starting with a
 * dot is 404 (temporary files of atomic writes included), except a first
 * ".well-known" (RFC 8615).
 */
#ifndef TZ_HTTP_H
#define TZ_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/*
 * Largest request body read for a dynamic handler; larger gets 413.  4 MB
 * holds a long article with a few inline images posted from the admin.
 */
#define HTTP_MAX_BODY_DEFAULT (4u << 20)

/*
 * The published site needs no script, no third-party anything, and must
 * never be framed: a reader behind censorship is safest on a page that
 * can load nothing it did not come with.
 */
#define HTTP_CSP_DEFAULT                                                                \
	"default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; " \
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

/*
 * What a handler sees of a request.  Everything lives until the handler
 * returns.  A HEAD request reaches the handler as "HEAD": answer it as GET
 * (the server drops the body and keeps the headers).
 */
struct http_request {
	const char *method; /* "GET", "HEAD", "POST", ... */
	/*
	 * Percent-decoded and normalised: starts with '/', single slashes,
	 * no "." or ".." segments, no NUL or backslash, trailing '/' kept.
	 */
	const char *path;
	const char *query;  /* raw query string without '?', "" if none */
	const char *client; /* "127.0.0.1"; behind a trusted proxy, its X-Forwarded-For */
	bool https;         /* came over TLS, or a trusted proxy said so */
	const char *body;   /* request body (POST), NUL-terminated; "" if none */
	size_t body_n;
	void *impl; /* internal */
};

/* A request header (case-insensitive name), or NULL.  With several, the first. */
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
 * multipart/form-data POST body, or NULL.  With several, the first.  A
 * malformed body never reaches the handler: the server answers 400.
 */
const char *http_request_form(const struct http_request *req, const char *name);
/*
 * All values of a repeated form field (checkboxes, multi-selects), in
 * order, NULL-terminated (never NULL itself); OUT: *n, the count.  The
 * array lives as long as the request.
 */
const char *const *http_request_form_all(const struct http_request *req, const char *name,
                                         size_t *n);

/* A file sent in a multipart/form-data field (an image for an article). */
struct http_upload {
	const char *filename;     /* as the browser sent it ("" if none): never a path to trust */
	const char *content_type; /* as the browser sent it, "application/octet-stream" if none */
	const char *data;         /* the bytes, NUL-terminated for convenience */
	size_t size;
};

/*
 * The first file field called name, or NULL.  http_request_form() returns
 * the same bytes as a string.  Lives as long as the request.
 */
const struct http_upload *http_request_upload(const struct http_request *req, const char *name);

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

/*
 * Adds a header (copied).  CR or LF in name or value aborts: a caller bug.
 * A Content-Security-Policy, X-Frame-Options, Referrer-Policy or
 * Cache-Control set here replaces the server's default for it.
 */
void http_response_header(struct http_response *resp, const char *name, const char *value);
/*
 * Sets a redirect to location (copied; CR or LF aborts).  status is 301,
 * 302, 303, 307 or 308; 0 picks 303 after a POST and 302 otherwise.
 */
void http_response_redirect(struct http_response *resp, int status, const char *location);

/*
 * A dynamic handler fills resp and returns 0; -1 means an internal error
 * (the server answers 500 with the reason logged, not shown).  The server
 * adds the security headers and, unless the handler set one,
 * "Cache-Control: no-store".  Handlers run on the server's worker threads,
 * several at once.
 */
typedef int (*http_handler_fn)(void *arg, const struct http_request *req,
                               struct http_response *resp);
/*
 * What a handler returns to leave the request to the static files after
 * all (resp is then ignored): for a route that answers only some
 * requests, such as old "/?p=123" links on the site's front page.
 */
#define HTTP_PASS 1
/*
 * What a route's quick handler returns to have the request run by its
 * handler on a work thread (see http_route.quick).
 */
#define HTTP_LATER 2

/*
 * A path prefix handed to a handler.  A prefix ending in '/' ("/admin/")
 * takes every path below it, and the bare "/admin" is redirected (301) to
 * "/admin/"; other prefixes ("/search") take the path itself and the
 * paths below it ("/search/x"), not "/searchx".  The longest matching
 * prefix wins, whatever the order of the table; an exact route takes its
 * path alone and wins over prefixes.  Only routed paths accept methods
 * other than GET and HEAD (and a route's HTTP_PASS gets the static 405).
 */
struct http_route {
	const char *prefix;
	http_handler_fn fn;
	void *arg;
	bool exact; /* the prefix as a whole path only ("/": the front page alone) */
	/*
	 * For a route whose handler can be slow (a search): tried first on the
	 * network thread, it answers what it can at once (a cached answer) and
	 * returns HTTP_LATER for the rest, which fn then answers on one of the
	 * server's work threads while the connection waits.  A network thread
	 * serves many connections: one slow handler there would hold up every
	 * file and answer due on them.  NULL: fn runs on the network thread.
	 */
	http_handler_fn quick;
};

/*
 * The server borrows the configuration and everything it points to: they
 * must outlive it.  Zero fields take the defaults given.
 */
struct http_config {
	const char *root;   /* folder to serve (the site's public/) */
	const char *listen; /* numeric IPv4 or IPv6 address to bind, default "127.0.0.1" */
	unsigned port;      /* 0 picks a free one (http_server_port()); the CLI's default: 8080 */
	unsigned threads;   /* network threads, default: number of cores */
	unsigned work_threads; /* threads for routes' slow work, default: number of cores */
	size_t max_body;    /* default HTTP_MAX_BODY_DEFAULT */
	const struct http_route *routes;
	size_t nroutes;
	/* Extra headers on every response; may be NULL. */
	const struct http_header *extra_headers;
	size_t nextra_headers;
	/*
	 * The site's onion address ("http://NAME.onion/", ending in '/'), or
	 * NULL.  Every response then carries Onion-Location: a file's names
	 * the same path there (as the page's meta tag does), any other
	 * response the address itself.
	 */
	const char *onion;
	/* Trust X-Forwarded-Proto/For from this proxy address (NULL: never). */
	const char *trusted_proxy;
	/* Content-Security-Policy on every response; NULL: HTTP_CSP_DEFAULT. */
	const char *csp;
	/* Called about once a second from a server thread (scheduled publishing); may be NULL. */
	void (*tick)(void *arg);
	void *tick_arg;
	bool quiet; /* no access log on stderr */
};

struct http_server;

/* How long a stop waits for requests in flight (a slow download is cut after it). */
#define HTTP_STOP_GRACE_MS 10000

/*
 * Starts serving in background threads.  NULL with the reason recorded.
 * The server threads block SIGPIPE (and whatever the caller blocks).
 */
struct http_server *http_server_start(const struct http_config *cfg);
/* The bound port (useful with port 0). */
unsigned http_server_port(const struct http_server *srv);
/*
 * Files are served from memory and checked against the disk at most every
 * HTTP_REVALIDATE_MS: a change made by another process (`tamizdat
 * publish`, rsync) is served within that time.  A second is as long as a
 * reader waits for a reload and keeps stat() off nearly every request.
 */
#define HTTP_REVALIDATE_MS 1000

/*
 * Tells the server that files under its root changed: the next request for
 * each cached file checks it at once.  For a publish in this process
 * (admin "save" then the redirect to the page).  Thread-safe.
 */
void http_server_invalidate(struct http_server *srv);
/*
 * Stops accepting, lets the requests in flight finish (for up to
 * HTTP_STOP_GRACE_MS), closes idle connections and frees.  Accepts NULL.
 */
void http_server_stop(struct http_server *srv);
/*
 * Starts, prints the address on stdout, and blocks until SIGINT or
 * SIGTERM, then stops cleanly.  The signals are blocked in the calling
 * thread and the server's and taken with sigwait(); other threads the
 * program started before must block them too.  Returns 0, or -1 with the
 * reason recorded.
 */
int http_serve(const struct http_config *cfg);

#endif
