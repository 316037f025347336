/*
 * Answers for the static site: picks the representation (gzip when the
 * client takes it and a current .gz lies beside the file, identity when a
 * Range is asked for), honours If-None-Match, If-Modified-Since, Range
 * and If-Range, redirects a folder to its slash, and finds the closest
 * 404.html.  Files come from http_file.c, cached responses and all; this
 * file only chooses which to queue.
 */
#include "web/http_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/log.h"
#include "util/util.h"

/* The request headers that decide a static answer, read in one pass. */
struct conds {
	const char *range, *accept_encoding, *if_none_match, *if_modified_since, *if_range;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
	struct conds *c = cls;

	(void)kind;
	if (value == NULL)
		return MHD_YES;
	switch (key[0] | 0x20) {
	case 'a':
		if (strcasecmp(key, "Accept-Encoding") == 0 && c->accept_encoding == NULL)
			c->accept_encoding = value;
		break;
	case 'i':
		if (strcasecmp(key, "If-None-Match") == 0 && c->if_none_match == NULL)
			c->if_none_match = value;
		else if (strcasecmp(key, "If-Modified-Since") == 0 && c->if_modified_since == NULL)
			c->if_modified_since = value;
		else if (strcasecmp(key, "If-Range") == 0 && c->if_range == NULL)
			c->if_range = value;
		break;
	case 'r':
		if (strcasecmp(key, "Range") == 0 && c->range == NULL)
			c->range = value;
		break;
	}
	return MHD_YES;
}

/* Whether a validator in If-Range still names the identity bytes of f. */
static bool if_range_holds(const struct http_file *f, const char *v)
{
	time_t t;

	if (v[0] == '"')
		return strcmp(v, f->etag) == 0; /* strong comparison; weak tags never match */
	if (v[0] == 'W' && v[1] == '/')
		return false;
	return http_date_parse(v, &t) && t == f->mtime;
}

static enum MHD_Result serve_range(struct http_conn *rc, struct http_file *f, uint64_t off,
                                   uint64_t len)
{
	struct MHD_Response *r;
	char cr[80];

	if (f->data != NULL) {
		r = MHD_create_response_from_buffer((size_t)len, (void *)(f->data + off),
		                                    MHD_RESPMEM_MUST_COPY);
	} else {
		r = MHD_create_response_from_fd_at_offset64(len, f->fd, off);
		if (r != NULL)
			f->fd = -1; /* now the response's */
	}
	if (r == NULL)
		return http_queue_canned(rc, HTTP_CANNED_500);
	http_file_headers(rc->srv, f, false, r, true);
	snprintf(cr, sizeof(cr), "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, off, off + len - 1,
	         f->size);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
	return http_queue_owned(rc, MHD_HTTP_PARTIAL_CONTENT, r);
}

static enum MHD_Result unsatisfiable(struct http_conn *rc, struct http_file *f)
{
	struct MHD_Response *r;
	char cr[48];

	r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return http_queue_canned(rc, HTTP_CANNED_500);
	snprintf(cr, sizeof(cr), "bytes */%" PRIu64, f->size);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
	http_add_site_headers(rc->srv, r, NULL, 0);
	return http_queue_owned(rc, MHD_HTTP_RANGE_NOT_SATISFIABLE, r);
}

/* Queues the whole representation (or its headers for a 304) with status. */
static enum MHD_Result serve_whole(struct http_conn *rc, struct http_file *f, bool gz,
                                   unsigned status, bool body)
{
	struct MHD_Response *r;

	if (f->full != NULL) {
		r = body ? (gz ? f->full_gz : f->full) : (gz ? f->nm_gz : f->nm);
		return http_queue(rc, status, r);
	}
	if (!body) {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_fd64(gz ? f->gzsize : f->size, gz ? f->gzfd : f->fd);
		if (r != NULL)
			*(gz ? &f->gzfd : &f->fd) = -1;
	}
	if (r == NULL)
		return http_queue_canned(rc, HTTP_CANNED_500);
	http_file_headers(rc->srv, f, gz, r, body);
	return http_queue_owned(rc, status, r);
}

static enum MHD_Result serve(struct http_conn *rc, struct http_file *f, const struct conds *c,
                             bool want_gz)
{
	bool gz = want_gz && f->has_gz;
	uint64_t off, len;
	time_t ims;

	if (c->if_none_match != NULL) {
		if (http_etag_match(c->if_none_match, gz ? f->etag_gz : f->etag))
			return serve_whole(rc, f, gz, MHD_HTTP_NOT_MODIFIED, false);
	} else if (c->if_modified_since != NULL && http_date_parse(c->if_modified_since, &ims) &&
	           f->mtime <= ims) {
		return serve_whole(rc, f, gz, MHD_HTTP_NOT_MODIFIED, false);
	}
	if (c->range != NULL && !gz && (c->if_range == NULL || if_range_holds(f, c->if_range))) {
		switch (http_range_parse(c->range, f->size, &off, &len)) {
		case 1:
			return serve_range(rc, f, off, len);
		case -1:
			return unsatisfiable(rc, f);
		}
	}
	return serve_whole(rc, f, gz, MHD_HTTP_OK, true);
}

/* Serves the 404.html at key, if there is one. */
static bool try_404(struct http_conn *rc, const char *key, bool want_gz, enum MHD_Result *res)
{
	struct http_file *f;

	if (http_file_get(rc->srv, key, &f) != HTTP_FILE_FOUND)
		return false;
	*res = serve_whole(rc, f, want_gz && f->has_gz, MHD_HTTP_NOT_FOUND, true);
	http_file_unref(f);
	return true;
}

enum MHD_Result http_static_not_found(struct http_conn *rc)
{
	struct conds c = {0};
	const char *path = rc->path.n ? rc->path.p : "/";
	const char *slash = strchr(path + 1, '/');
	enum MHD_Result res;
	bool want_gz;

	MHD_get_connection_values(rc->mhd, MHD_HEADER_KIND, collect, &c);
	want_gz = c.accept_encoding != NULL && http_accepts_gzip(c.accept_encoding);
	/* "/fr/anything" gets fr/404.html: the reader keeps their language. */
	if (slash != NULL && slash > path + 1) {
		struct buf key = BUF_INIT;
		bool done;

		buf_put(&key, path, (size_t)(slash - path));
		buf_puts(&key, "/404.html");
		done = try_404(rc, key.p, want_gz, &res);
		buf_finish(&key);
		if (done)
			return res;
	}
	if (try_404(rc, "/404.html", want_gz, &res))
		return res;
	return http_queue_canned(rc, HTTP_CANNED_404);
}

/* "/dir" is a folder: send the reader to "/dir/" so relative links work. */
static enum MHD_Result redirect_slash(struct http_conn *rc)
{
	struct MHD_Response *r;
	struct buf loc = BUF_INIT;
	enum MHD_Result res;

	/* Built from the normalised path: "//evil.example" cannot become a foreign Location. */
	http_path_encode(&loc, rc->path.p);
	buf_putc(&loc, '/');
	if (rc->query[0] != '\0') {
		buf_putc(&loc, '?');
		buf_puts(&loc, rc->query);
	}
	r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		buf_finish(&loc);
		return http_queue_canned(rc, HTTP_CANNED_500);
	}
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, loc.p) != MHD_YES) {
		MHD_destroy_response(r);
		buf_finish(&loc);
		return http_queue_canned(rc, HTTP_CANNED_400);
	}
	http_add_site_headers(rc->srv, r, NULL, 0);
	res = http_queue_owned(rc, MHD_HTTP_MOVED_PERMANENTLY, r);
	buf_finish(&loc);
	return res;
}

enum MHD_Result http_static_answer(struct http_conn *rc)
{
	struct conds c = {0};
	struct http_file *f;
	enum MHD_Result res;
	bool want_gz;

	if (strcmp(rc->method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(rc->method, MHD_HTTP_METHOD_HEAD) != 0)
		return http_queue_canned(rc, HTTP_CANNED_405);
	MHD_get_connection_values(rc->mhd, MHD_HEADER_KIND, collect, &c);
	/* Ranges count bytes of the identity encoding: with one, never gzip. */
	want_gz = c.range == NULL && c.accept_encoding != NULL &&
	          http_accepts_gzip(c.accept_encoding);
	switch (http_file_get(rc->srv, rc->path.p, &f)) {
	case HTTP_FILE_FOUND:
		res = serve(rc, f, &c, want_gz);
		http_file_unref(f);
		return res;
	case HTTP_FILE_DIR:
		return redirect_slash(rc);
	case HTTP_FILE_MISSING:
		return http_static_not_found(rc);
	case HTTP_FILE_ERROR:
		break;
	}
	log_error("%s: %s", rc->path.p, log_reason());
	return http_queue_canned(rc, HTTP_CANNED_500);
}
