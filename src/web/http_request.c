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
#include <unistd.h>

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

/*
 * The MHD response for what a handler returned (r) and filled in (resp),
 * with *status; *owned is false for the shared canned answers.  NULL when
 * the static files are to answer (HTTP_PASS).  Any thread.
 */
static struct MHD_Response *make_response(struct http_conn *rc, int hr, struct http_response *resp,
                                          unsigned *status, bool *owned)
{
	struct MHD_Response *r;
	size_t i, n = resp->body.n;
	int st = resp->status;

	*owned = false;
	if (hr == HTTP_PASS)
		return NULL;
	*status = 500;
	if (hr != 0) {
		log_error("%s %s: %s", rc->method, rc->path.p,
		          log_reason()[0] ? log_reason() : "handler failed");
		return rc->srv->canned[HTTP_CANNED_500];
	}
	if (st == 0)
		st = strcmp(rc->method, MHD_HTTP_METHOD_POST) == 0 ? 303 : 302;
	if (st < 100 || st > 599) {
		log_error("%s %s: handler answered status %d", rc->method, rc->path.p, st);
		return rc->srv->canned[HTTP_CANNED_500];
	}
	r = MHD_create_response_from_buffer_with_free_callback(n, buf_detach(&resp->body), free);
	if (r == NULL)
		return rc->srv->canned[HTTP_CANNED_500];
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
	*status = (unsigned)st;
	*owned = true;
	return r;
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

/* The request as handlers see it. */
static void request_of(struct http_conn *rc, struct http_request *req)
{
	memset(req, 0, sizeof(*req));
	req->method = rc->method;
	req->path = rc->path.p;
	req->query = rc->query;
	req->https = http_conn_client(rc);
	req->client = rc->client;
	req->body = buf_cstr(&rc->body);
	req->body_n = rc->body.n;
	req->impl = rc;
}

static enum MHD_Result queue_work(struct http_conn *rc);

static enum MHD_Result run_handler(struct http_conn *rc)
{
	struct http_request req;
	struct http_response resp = {0};
	struct MHD_Response *mr;
	enum MHD_Result res;
	unsigned status;
	bool owned;
	int r;

	rc->arena = arena_new(ARENA_MAX(rc->srv->cfg.max_body));
	if (!parse_input(rc))
		return http_queue_canned(rc, HTTP_CANNED_400);
	request_of(rc, &req);
	resp.status = 200;
	buf_init(&resp.body);
	log_clear();
	r = (rc->route->quick ? rc->route->quick : rc->route->fn)(rc->route->arg, &req, &resp);
	if (r == HTTP_LATER && rc->route->quick) {
		response_finish(&resp);
		return queue_work(rc);
	}
	mr = make_response(rc, r, &resp, &status, &owned);
	response_finish(&resp);
	if (mr == NULL)
		return http_static_answer(rc);
	res = owned ? http_queue_owned(rc, status, mr) : http_queue(rc, status, mr);
	return res;
}

/* ---- the work threads ------------------------------------------------- */

/*
 * Suspends the connection and hands its request to a work thread, which
 * runs the route's handler, leaves the answer in rc and resumes it; MHD
 * then calls the access handler again, and http_work_answer() queues it.
 */
static enum MHD_Result queue_work(struct http_conn *rc)
{
	struct http_server *srv = rc->srv;

	rc->state = HTTP_CONN_LATER;
	rc->next_work = NULL;
	MHD_suspend_connection(rc->mhd);
	pthread_mutex_lock(&srv->work_mu);
	if (srv->work_tail)
		srv->work_tail->next_work = rc;
	else
		srv->work_head = rc;
	srv->work_tail = rc;
	pthread_cond_signal(&srv->work_cv);
	pthread_mutex_unlock(&srv->work_mu);
	return MHD_YES;
}

static void work_one(struct http_conn *rc)
{
	struct http_request req;
	struct http_response resp = {0};
	int r;

	request_of(rc, &req);
	resp.status = 200;
	buf_init(&resp.body);
	log_clear();
	r = rc->route->fn(rc->route->arg, &req, &resp);
	rc->ready = make_response(rc, r, &resp, &rc->ready_status, &rc->ready_owned);
	response_finish(&resp);
	rc->state = HTTP_CONN_READY;
	MHD_resume_connection(rc->mhd);
}

static void *work_main(void *arg)
{
	struct http_server *srv = arg;
	struct http_conn *rc;

	pthread_mutex_lock(&srv->work_mu);
	for (;;) {
		while (srv->work_head == NULL && !srv->work_stop)
			pthread_cond_wait(&srv->work_cv, &srv->work_mu);
		/* Stopping: what is queued is still answered (its connection resumed). */
		if ((rc = srv->work_head) == NULL)
			break;
		srv->work_head = rc->next_work;
		if (srv->work_head == NULL)
			srv->work_tail = NULL;
		pthread_mutex_unlock(&srv->work_mu);
		work_one(rc);
		pthread_mutex_lock(&srv->work_mu);
	}
	pthread_mutex_unlock(&srv->work_mu);
	return NULL;
}

int http_work_start(struct http_server *srv)
{
	unsigned n = srv->cfg.work_threads;
	long cores;

	if (n == 0) {
		cores = sysconf(_SC_NPROCESSORS_ONLN);
		n = cores > 0 ? (unsigned)cores : 1;
	}
	srv->workers = xcalloc(n, sizeof(*srv->workers));
	for (srv->nworkers = 0; srv->nworkers < n; srv->nworkers++)
		if (pthread_create(&srv->workers[srv->nworkers], NULL, work_main, srv) != 0)
			return log_fail("cannot start the server's work threads");
	return 0;
}

void http_work_stop(struct http_server *srv)
{
	size_t i;

	pthread_mutex_lock(&srv->work_mu);
	srv->work_stop = true;
	pthread_cond_broadcast(&srv->work_cv);
	pthread_mutex_unlock(&srv->work_mu);
	for (i = 0; i < srv->nworkers; i++)
		pthread_join(srv->workers[i], NULL);
	free(srv->workers);
	srv->workers = NULL;
	srv->nworkers = 0;
}

enum MHD_Result http_work_answer(struct http_conn *rc)
{
	if (rc->ready == NULL)
		return http_static_answer(rc);
	return rc->ready_owned ? http_queue_owned(rc, rc->ready_status, rc->ready)
	                       : http_queue(rc, rc->ready_status, rc->ready);
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
