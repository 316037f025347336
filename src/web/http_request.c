/*
 * Dynamic routes: reading the body (bounded by max_body), parsing the
 * query and the form before the handler runs (a malformed one is a 400,
 * never the handler's problem), the request accessors handlers use, and
 * turning their http_response into an MHD one with the site headers.
 * Each dynamic request has its own bounded arena, freed when MHD reports
 * the request finished.
 */
#include "web/http_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/log.h"
#include "util/util.h"

/*
 * A request's arena holds its decoded fields, which are never larger than
 * the query and body they come from, plus the handler's lookups: three
 * times the largest body and a megabyte leaves room and still stops a bug
 * that allocates without end.
 */
#define ARENA_MAX(max_body) (3 * (max_body) + (1u << 20))

static struct http_conn *conn_of(const struct http_request *req)
{
	return req->impl;
}

const char *http_request_header(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(conn_of(req)->mhd, MHD_HEADER_KIND, name);
}

const char *http_request_cookie(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(conn_of(req)->mhd, MHD_COOKIE_KIND, name);
}

static const struct http_field *find(const struct http_fields *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].name, name) == 0)
			return &fs->v[i];
	return NULL;
}

const char *http_request_arg(const struct http_request *req, const char *name)
{
	const struct http_field *f = find(&conn_of(req)->args, name);

	return f ? f->value : NULL;
}

const char *http_request_form(const struct http_request *req, const char *name)
{
	const struct http_field *f = find(&conn_of(req)->form, name);

	return f ? f->value : NULL;
}

const char *const *http_request_form_all(const struct http_request *req, const char *name,
                                         size_t *n)
{
	struct http_conn *rc = conn_of(req);
	const char **v;
	size_t i, k = 0;

	for (i = 0; i < rc->form.n; i++)
		if (strcmp(rc->form.v[i].name, name) == 0)
			k++;
	v = arena_alloc(rc->arena, (k + 1) * sizeof(*v));
	k = 0;
	for (i = 0; i < rc->form.n; i++)
		if (strcmp(rc->form.v[i].name, name) == 0)
			v[k++] = rc->form.v[i].value;
	v[k] = NULL;
	*n = k;
	return v;
}

const struct http_upload *http_request_upload(const struct http_request *req, const char *name)
{
	const struct http_fields *fs = &conn_of(req)->form;
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].is_file && strcmp(fs->v[i].name, name) == 0)
			return &fs->v[i].upload;
	return NULL;
}

/* A header name or value that would split the response: a bug in the handler. */
static void check_header_text(const char *what, const char *s)
{
	if (strpbrk(s, "\r\n") != NULL)
		fatal("http: CR or LF in response header %s \"%.40s\"", what, s);
}

void http_response_header(struct http_response *resp, const char *name, const char *value)
{
	struct http_header *h;

	check_header_text("name", name);
	check_header_text("value", value);
	if (name[0] == '\0' || strpbrk(name, ": \t") != NULL)
		fatal("http: bad response header name \"%.40s\"", name);
	resp->headers = xreallocarray(resp->headers, resp->nheaders + 1, sizeof(*resp->headers));
	h = &resp->headers[resp->nheaders++];
	h->name = xstrdup(name);
	h->value = xstrdup(value);
}

void http_response_redirect(struct http_response *resp, int status, const char *location)
{
	if (status != 0 && status != 301 && status != 302 && status != 303 && status != 307 &&
	    status != 308)
		fatal("http: %d is not a redirect status", status);
	resp->status = status;
	http_response_header(resp, "Location", location);
}

static void response_finish(struct http_response *resp)
{
	size_t i;

	for (i = 0; i < resp->nheaders; i++) {
		free(resp->headers[i].name);
		free(resp->headers[i].value);
	}
	free(resp->headers);
	buf_finish(&resp->body);
}

static bool has_header(const struct http_response *resp, const char *name)
{
	size_t i;

	for (i = 0; i < resp->nheaders; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return true;
	return false;
}

static enum MHD_Result send_response(struct http_conn *rc, struct http_response *resp)
{
	struct MHD_Response *r;
	size_t i, n = resp->body.n;
	int status = resp->status;

	if (status == 0)
		status = strcmp(rc->method, MHD_HTTP_METHOD_POST) == 0 ? 303 : 302;
	if (status < 100 || status > 599) {
		log_error("%s %s: handler answered status %d", rc->method, rc->path.p, status);
		return http_queue_canned(rc, HTTP_CANNED_500);
	}
	r = MHD_create_response_from_buffer_with_free_callback(n, buf_detach(&resp->body), free);
	if (r == NULL)
		return http_queue_canned(rc, HTTP_CANNED_500);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        resp->content_type ? resp->content_type
	                                           : "text/html; charset=utf-8");
	for (i = 0; i < resp->nheaders; i++) {
		if (MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value) !=
		    MHD_YES) {
			/* MHD refuses a few it manages itself (Content-Length, Connection). */
			log_warn("%s: response header %s refused", rc->path.p,
			         resp->headers[i].name);
		}
	}
	/* Answers built for one person (forms with tokens, admin pages) are not to be kept. */
	if (!has_header(resp, "Cache-Control"))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	http_add_site_headers(rc->srv, r, resp->headers, resp->nheaders);
	return http_queue_owned(rc, (unsigned)status, r);
}

/* Parses the query and a form body into rc; false if either is malformed. */
static bool parse_input(struct http_conn *rc)
{
	const char *ctype;

	if (http_form_urlencoded(rc->arena, rc->query, strlen(rc->query), &rc->args) != 0)
		return false;
	if (rc->body.n == 0)
		return true;
	ctype = MHD_lookup_connection_value(rc->mhd, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ctype == NULL)
		return true;
	if (strncasecmp(ctype, "application/x-www-form-urlencoded", 33) == 0)
		return http_form_urlencoded(rc->arena, rc->body.p, rc->body.n, &rc->form) == 0;
	if (strncasecmp(ctype, "multipart/form-data", 19) == 0)
		return http_form_multipart(rc->arena, ctype, rc->body.p, rc->body.n, &rc->form) ==
		       0;
	return true;
}

static enum MHD_Result run_handler(struct http_conn *rc)
{
	struct http_request req = {0};
	struct http_response resp = {0};
	enum MHD_Result res;
	int r;

	rc->arena = arena_new(ARENA_MAX(rc->srv->cfg.max_body));
	if (!parse_input(rc))
		return http_queue_canned(rc, HTTP_CANNED_400);
	req.method = rc->method;
	req.path = rc->path.p;
	req.query = rc->query;
	req.https = http_conn_client(rc);
	req.client = rc->client;
	req.body = buf_cstr(&rc->body);
	req.body_n = rc->body.n;
	req.impl = rc;
	resp.status = 200;
	buf_init(&resp.body);
	log_clear();
	r = rc->route->fn(rc->route->arg, &req, &resp);
	if (r == HTTP_PASS) {
		response_finish(&resp);
		return http_static_answer(rc);
	}
	if (r != 0) {
		log_error("%s %s: %s", rc->method, rc->path.p,
		          log_reason()[0] ? log_reason() : "handler failed");
		res = http_queue_canned(rc, HTTP_CANNED_500);
	} else {
		res = send_response(rc, &resp);
	}
	response_finish(&resp);
	return res;
}

enum MHD_Result http_dynamic_begin(struct http_conn *rc)
{
	const char *cl;

	cl = MHD_lookup_connection_value(rc->mhd, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	/* Refused before reading a byte of it; MHD then closes the connection. */
	if (cl != NULL && strtoull(cl, NULL, 10) > rc->srv->cfg.max_body)
		return http_queue_canned(rc, HTTP_CANNED_413);
	rc->state = HTTP_CONN_BODY;
	return MHD_YES;
}

enum MHD_Result http_dynamic_continue(struct http_conn *rc, const char *data, size_t *n)
{
	if (*n == 0)
		return run_handler(rc);
	if (rc->body.n + *n > rc->srv->cfg.max_body) {
		/* A chunked body past the limit: MHD cannot answer mid-body, so hang up. */
		if (!rc->srv->cfg.quiet)
			log_warn("%s %s: body larger than %zu bytes, connection closed", rc->method,
			         rc->path.p, rc->srv->cfg.max_body);
		return MHD_NO;
	}
	buf_put(&rc->body, data, *n);
	*n = 0;
	return MHD_YES;
}
