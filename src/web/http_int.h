/*
 * Internals shared by the HTTP server's files (http*.c): the server and
 * per-request state, the cache of served files, and the pure parsers
 * (paths, forms, header values) that the unit tests and the fuzz target
 * call directly.  Nothing outside src/web/http*.c and their tests includes
 * this; handlers see only http.h.
 */
#ifndef TZ_HTTP_INT_H
#define TZ_HTTP_INT_H

#include "web/mhd_dl.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "util/arena.h"
#include "util/buf.h"
#include "web/http.h"

/*
 * Files up to 1 MB are served from memory: every page, feed, stylesheet
 * and most images.  Larger ones (PDFs, EPUBs, archives) go out with
 * sendfile() from a descriptor opened per request.
 */
#define HTTP_CACHE_FILE_MAX (1u << 20)
/* 64 MB of cached bytes holds the hot part of a large site (3000 20 KB pages with .gz). */
#define HTTP_CACHE_MAX (64u << 20)
/* Longest decoded path accepted; the file system's own limit. */
#define HTTP_PATH_MAX 4096
/* Idle or stalled connections are closed after 30 s (slowloris). */
#define HTTP_CONN_TIMEOUT 30

/* The responses the server builds once and queues to many connections. */
enum http_canned {
	HTTP_CANNED_400,
	HTTP_CANNED_404,
	HTTP_CANNED_405,
	HTTP_CANNED_413,
	HTTP_CANNED_500,
	HTTP_CANNED_N
};

struct http_cache;

struct http_server {
	struct http_config cfg; /* the caller's, defaults filled in */
	struct MHD_Daemon *mhd;
	int rootfd;
	unsigned port;
	struct http_cache *cache;
	/* Headers on every response: the security ones, then cfg.extra_headers. */
	struct http_header *site_headers;
	size_t nsite_headers;
	struct MHD_Response *canned[HTTP_CANNED_N];
	atomic_int in_flight; /* requests between their request line and their end */
	atomic_bool draining; /* stopping: requests begun from now on are not waited for */
	atomic_uint gen;      /* bumped by http_server_invalidate() */
	bool started;
	pthread_t ticker;
	bool ticking;
	bool stopping;
	pthread_mutex_t tick_mu;
	pthread_cond_t tick_cv;
	/* Slow work of routes with a quick handler (http_work_*()). */
	pthread_mutex_t work_mu;
	pthread_cond_t work_cv;
	struct http_conn *work_head, *work_tail;
	pthread_t *workers;
	size_t nworkers;
	bool work_stop;
};

enum http_conn_state {
	HTTP_CONN_NEW,     /* request line and headers read, not yet looked at */
	HTTP_CONN_HEADERS, /* path decoded; a static answer waits for the request's end */
	HTTP_CONN_BODY,    /* a dynamic request reading its body */
	HTTP_CONN_LATER,   /* suspended: its handler runs on a work thread */
	HTTP_CONN_READY,   /* resumed: the work thread's answer waits to be queued */
	HTTP_CONN_DONE,    /* response queued */
};

/* A parsed form field or query argument; strings are arena-owned. */
struct http_field {
	const char *name;
	const char *value; /* NUL-terminated; may hold NUL bytes before size for uploads */
	size_t size;
	bool is_file;
	struct http_upload upload; /* when is_file */
};

struct http_fields {
	struct http_field *v; /* heap; free with http_fields_finish() */
	size_t n, cap;
};

/* One request: made in the URI log callback, freed when MHD says it ended. */
struct http_conn {
	struct http_server *srv;
	struct MHD_Connection *mhd;
	enum http_conn_state state;
	const char *method; /* MHD's */
	char *target;       /* the raw request-target, as received */
	const char *query;  /* into target, "" if none */
	struct buf path;    /* normalised path */
	int status;         /* 0, or 400/404 from http_path_normalise() */
	bool redirect;      /* a route's prefix without its slash */
	const struct http_route *route;
	struct buf body;
	struct arena *arena; /* dynamic requests only */
	struct http_fields args, form;
	bool counted;    /* in srv->in_flight */
	char client[64]; /* "" until http_conn_client() */
	bool https;
	/* A work thread's answer (HTTP_CONN_READY): */
	struct MHD_Response *ready; /* NULL: the static files answer (HTTP_PASS) */
	unsigned ready_status;
	bool ready_owned; /* destroy it once queued (canned answers are shared) */
	struct http_conn *next_work;
};

#define HTTP_ONION_LOCATION "Onion-Location"
/* http.c: adds the site headers (security, extra, onion) to r, but not the names in skip. */
void http_add_site_headers(const struct http_server *srv, struct MHD_Response *r,
                           const struct http_header *skip, size_t nskip);

/* http_request.c: the work threads. */
int http_work_start(struct http_server *srv);
/* Runs what is queued, then stops the threads. */
void http_work_stop(struct http_server *srv);
/* Queues the answer of a HTTP_CONN_READY connection. */
enum MHD_Result http_work_answer(struct http_conn *rc);

/* http_conn.c: MHD's URI log, access handler and completion callbacks. */
void *http_conn_begin(void *cls, const char *uri, struct MHD_Connection *c);
enum MHD_Result http_conn_answer(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_n, void **con_cls);
void http_conn_end(void *cls, struct MHD_Connection *c, void **con_cls,
                   enum MHD_RequestTerminationCode toe);
/* Queues r with status and logs the request; r stays the caller's. */
enum MHD_Result http_queue(struct http_conn *rc, unsigned status, struct MHD_Response *r);
/* Queues r and releases the caller's reference to it. */
enum MHD_Result http_queue_owned(struct http_conn *rc, unsigned status, struct MHD_Response *r);
enum MHD_Result http_queue_canned(struct http_conn *rc, enum http_canned which);
/* Fills rc->client once; returns whether a trusted proxy said the request came over HTTPS. */
bool http_conn_client(struct http_conn *rc);

/* http_static.c: answers a request for a path no route took. */
enum MHD_Result http_static_answer(struct http_conn *rc);
/* Answers 404 with the closest 404.html (the language's, the site's, a built-in one). */
enum MHD_Result http_static_not_found(struct http_conn *rc);

/* http_request.c: a request for a routed path, first call and later ones. */
enum MHD_Result http_dynamic_begin(struct http_conn *rc);
enum MHD_Result http_dynamic_continue(struct http_conn *rc, const char *data, size_t *n);

/* http_file.c: the files under the root, opened safely and cached. */

/* What identifies one version of a file: a change of any means new bytes. */
struct http_fid {
	dev_t dev;
	ino_t ino;
	uint64_t size;
	int64_t mtime_ns;
};

/* A file ready to serve; shared by reference. */
struct http_file {
	atomic_uint refs;
	char *key;   /* the normalised request path */
	char *rel;   /* the file, relative to the root ("en/index.html") */
	char *relgz; /* rel + ".gz" */
	struct http_fid id;
	struct http_fid gzid; /* .gz as last seen, zero if absent */
	bool has_gz;          /* .gz present and not older: worth sending */
	const char *type;     /* Content-Type */
	const char *cache_control;
	bool compressible;
	time_t mtime;
	uint64_t size, gzsize;
	char etag[48], etag_gz[48], lastmod[32];
	/* Files up to HTTP_CACHE_FILE_MAX: their bytes and ready responses. */
	atomic_llong checked_ms; /* when last found current (monotonic) */
	atomic_uint gen;         /* srv->gen then */
	const char *data;        /* owned by full */
	struct MHD_Response *full, *full_gz, *nm, *nm_gz;
	/* Larger files: descriptors handed to the first response that needs them. */
	int fd, gzfd;
	size_t cost;
	struct http_file *hnext, *lprev, *lnext;
};

enum http_lookup {
	HTTP_FILE_FOUND,
	HTTP_FILE_DIR, /* a folder asked for without its trailing slash */
	HTTP_FILE_MISSING,
	HTTP_FILE_ERROR, /* reason recorded */
};

/*
 * Finds the file for key (a normalised path; "/a/" means a/index.html),
 * from the cache if it is still current, else from the disk.  On
 * HTTP_FILE_FOUND, *out holds a reference: release it with
 * http_file_unref().
 */
enum http_lookup http_file_get(struct http_server *srv, const char *key, struct http_file **out);
void http_file_unref(struct http_file *f);
/* Adds the representation headers of f (plain or gzip) to r. */
void http_file_headers(const struct http_server *srv, const struct http_file *f, bool gz,
                       struct MHD_Response *r, bool body);

/* http_cache.c: max bounds the bytes of the entries (http_file.cost). */
struct http_cache *http_cache_new(size_t max);
/* Frees the cache and drops its references.  Accepts NULL. */
void http_cache_free(struct http_cache *c);
/* The entry for key with a new reference (and made most recent), or NULL. */
struct http_file *http_cache_get(struct http_cache *c, const char *key);
/* Adds f (taking a reference of its own), replacing any entry with its key. */
void http_cache_put(struct http_cache *c, struct http_file *f);
/* Drops f from the cache if it is still there. */
void http_cache_drop(struct http_cache *c, struct http_file *f);
/* Tests set this to check the fallback used where openat2() is missing. */
extern atomic_bool http_no_openat2;

/* http_parse.c: header values and paths; pure, fuzzed. */

/*
 * Percent-decodes and normalises the path part of a request-target into
 * out.  Returns 0, 400 (malformed: no leading '/', bad escape, NUL,
 * backslash, control byte, too long) or 404 (a segment starting with '.',
 * except a first ".well-known").
 */
int http_path_normalise(const char *raw, size_t n, struct buf *out);
/* Appends path percent-encoded for a Location header. */
void http_path_encode(struct buf *out, const char *path);
/* Formats t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); out has 30 bytes. */
void http_date_format(time_t t, char *out);
/* Parses an IMF-fixdate; false if s is not one. */
bool http_date_parse(const char *s, time_t *out);
/*
 * Reads a Range header against a representation of size bytes.  Returns
 * 1 with OUT: *off, *len for one satisfiable byte range; 0 when the header
 * is to be ignored (malformed, several ranges, another unit); -1 when it
 * cannot be satisfied (416).
 */
int http_range_parse(const char *s, uint64_t size, uint64_t *off, uint64_t *len);
/* Whether an Accept-Encoding value accepts gzip (q > 0). */
bool http_accepts_gzip(const char *s);
/* Whether an If-None-Match value matches etag (weak comparison). */
bool http_etag_match(const char *inm, const char *etag);

/* http_form.c: query strings and form bodies; pure, fuzzed. */

/*
 * Parses an application/x-www-form-urlencoded string (a query or a body)
 * into out ('+' is a space).  Strings are arena-owned.  0, or -1 on a bad
 * escape or an encoded NUL.
 */
int http_form_urlencoded(struct arena *a, const char *s, size_t n, struct http_fields *out);
/*
 * Parses a multipart/form-data body whose Content-Type is ctype.  0, or -1
 * when the boundary is missing or the body malformed.
 */
int http_form_multipart(struct arena *a, const char *ctype, const char *body, size_t n,
                        struct http_fields *out);
void http_fields_finish(struct http_fields *f);

#endif
