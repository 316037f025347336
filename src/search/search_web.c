/*
 * The search routes of the server and the loading they share with the
 * command line; see search_web.h.  The handlers only parse arguments,
 * run search_web_query() on a pooled connection and render: the page
 * through the theme (render_search_page()), the feed, or JSON.
 */
#include "search/search_web.h"

#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/i18n.h"
#include "site/site.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/log.h"
#include "web/http.h"

/*
 * A request's memory: the results page of a hundred hits with their
 * sections and snippets is well under a megabyte.
 */
#define REQUEST_ARENA_MAX (32u << 20)
/*
 * Map the database for reading: the index is read at random, and a
 * read() per page costs more than the lookup.  SQLite caps it at 2 GB.
 */
#define MMAP_SIZE "2147483648"

/* ---- loading -------------------------------------------------------- */

static const struct section *section_of(struct store *st, struct arena *a, int64_t id,
                                        const struct section **cache, size_t *ncache)
{
	struct section *sec;
	size_t i;

	for (i = 0; i < *ncache; i++)
		if (cache[i]->id == id)
			return cache[i];
	sec = arena_alloc(a, sizeof(*sec));
	if (store_section_get(st, a, id, sec) != STORE_OK)
		return NULL;
	if (*ncache < 64)
		cache[(*ncache)++] = sec;
	return sec;
}

static int load_hits(struct store *st, struct arena *a, struct search_page *out)
{
	const struct search_result *r = &out->res;
	const struct section *cache[64];
	struct article *arts;
	int64_t *ids, *chain;
	size_t n, i, j, nc, ncache = 0;

	if (r->nhits == 0)
		return 0;
	ids = arena_alloc(a, r->nhits * sizeof(*ids));
	for (i = 0; i < r->nhits; i++)
		ids[i] = r->hits[i].id;
	if (store_article_get_many(st, a, ids, r->nhits, &arts, &n) != STORE_OK)
		return -1;
	out->hits = arena_calloc(a, r->nhits, sizeof(*out->hits));
	for (i = 0; i < r->nhits; i++) {
		struct render_search_hit *h = &out->hits[out->nhits];
		const struct section **secs;
		for (j = 0; j < n && arts[j].id != r->hits[i].id; j++)
			;
		/* The index holds published articles only; the store has the last word. */
		if (j == n || arts[j].status != ST_PUBLISHED)
			continue;
		if (store_section_chain(st, a, arts[j].section_id, &chain, &nc) != STORE_OK)
			return -1;
		secs = arena_calloc(a, nc + 1, sizeof(*secs));
		for (h->nchain = 0; h->nchain < nc; h->nchain++)
			if ((secs[h->nchain] = section_of(st, a, chain[h->nchain], cache, &ncache)) ==
			    NULL)
				return -1;
		h->chain = secs;
		h->art = &arts[j];
		h->title = r->hits[i].title;
		h->snippet = r->hits[i].snippet;
		out->nhits++;
	}
	return 0;
}

int search_web_query(struct site *site, struct store *st, struct search *s, struct arena *a,
                     const char *text, const struct search_opts *opts, struct search_page *out)
{
	struct query q;
	int rc = -1;

	(void)site;
	memset(out, 0, sizeof(*out));
	query_parse(a, text, text ? strlen(text) : 0, &q);
	if (store_begin_read(st) != STORE_OK)
		return -1;
	if (search_run(s, a, &q, opts, &out->res) == 0 && load_hits(st, a, out) == 0)
		rc = 0;
	store_rollback(st);
	return rc;
}

/* ---- JSON ------------------------------------------------------------ */

static char *unmarked(const char *s)
{
	char *r = xstrdup(s ? s : ""), *w = r;
	const char *p;

	for (p = s ? s : ""; *p; p++)
		if (*p != SEARCH_MARK_ON && *p != SEARCH_MARK_OFF)
			*w++ = *p;
	*w = '\0';
	return r;
}

static json_t *marked_json(const char *s)
{
	struct buf b = BUF_INIT;
	json_t *j;

	render_marked_html(&b, s ? s : "");
	j = json_stringn(b.p ? b.p : "", b.n);
	buf_finish(&b);
	return j;
}

static json_t *plain_json(const char *s)
{
	char *p = unmarked(s);
	json_t *j = json_string(p);

	free(p);
	return j ? j : json_string("");
}

static void iso_time(char out[32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void search_web_json(struct site *site, struct arena *a, const char *text,
                     const struct search_opts *opts, const struct search_page *p,
                     struct buf *out)
{
	json_t *o = json_object(), *msgs = json_array(), *res = json_array();
	struct buf dir = BUF_INIT;
	char when[32], *dump;
	size_t i, j;

	json_object_set_new(o, "query", plain_json(text));
	json_object_set_new(o, "lang", json_string(opts->lang ? opts->lang : "all"));
	json_object_set_new(o, "total", json_integer((json_int_t)p->res.total));
	json_object_set_new(o, "offset", json_integer((json_int_t)opts->offset));
	json_object_set_new(o, "limit", json_integer((json_int_t)opts->limit));
	if (p->res.fts)
		json_object_set_new(o, "match", json_string(p->res.fts));
	for (i = 0; i < p->res.nmsgs; i++) {
		const char *key = query_message_key(p->res.msgs[i].code);
		json_array_append_new(msgs, json_pack("{s:s, s:o}", "code", key + strlen("search_msg_"),
		                                      "text",
		                                      plain_json(query_message_text(
		                                              a, &p->res.msgs[i]))));
	}
	json_object_set_new(o, "messages", msgs);
	for (i = 0; i < p->nhits; i++) {
		const struct render_search_hit *h = &p->hits[i];
		const struct article *art = h->art;
		json_t *r = json_object(), *crumbs = json_array(), *authors = json_array();
		buf_reset(&dir);
		model_article_dir(&dir, art->lang, art->section_path, art->slug);
		json_object_set_new(r, "id", json_integer(art->id));
		json_object_set_new(r, "lang", json_string(art->lang));
		json_object_set_new(r, "title", plain_json(art->title));
		json_object_set_new(r, "title_html",
		                    marked_json(h->title && *h->title ? h->title : art->title));
		json_object_set_new(r, "path", json_string(arena_printf(a, "%s/", dir.p)));
		json_object_set_new(r, "url", json_string(arena_printf(a, "%s%s/", site->cfg.base_url,
		                                                       dir.p)));
		iso_time(when, art->date);
		json_object_set_new(r, "date", json_string(when));
		for (j = 0; j < h->nchain; j++) {
			const struct section *sec = h->chain[j];
			buf_reset(&dir);
			model_section_dir(&dir, sec->lang, sec->path);
			json_array_append_new(
			        crumbs,
			        json_pack("{s:o, s:s}", "title",
			                  plain_json(sec->depth == 0 ? config_title(&site->cfg, sec->lang)
			                                             : sec->title),
			                  "path", arena_printf(a, "%s/", dir.p)));
		}
		json_object_set_new(r, "breadcrumb", crumbs);
		for (j = 0; j < art->nauthors; j++)
			json_array_append_new(authors, plain_json(art->authors[j].name));
		json_object_set_new(r, "authors", authors);
		json_object_set_new(r, "snippet", plain_json(h->snippet));
		json_object_set_new(r, "snippet_html", marked_json(h->snippet));
		json_array_append_new(res, r);
	}
	json_object_set_new(o, "results", res);
	dump = json_dumps(o, JSON_COMPACT);
	buf_puts(out, dump ? dump : "{}");
	buf_putc(out, '\n');
	free(dump);
	json_decref(o);
	buf_finish(&dir);
}

/* ---- the server ------------------------------------------------------ */

struct conn {
	struct store *st;
	struct search *s;
	struct conn *next;
};

struct lang_route {
	struct search_web *w;
	char lang[16];
	char prefix[32]; /* "/en/search/" */
};

struct search_web {
	struct site *site;
	pthread_mutex_t mu;
	struct conn *idle;
	struct lang_route *langs;
	size_t nlangs;
};

struct search_web *search_web_new(struct site *site)
{
	struct search_web *w = xcalloc(1, sizeof(*w));
	size_t i;

	w->site = site;
	pthread_mutex_init(&w->mu, NULL);
	w->langs = xcalloc(site->cfg.nlangs + 1, sizeof(*w->langs));
	for (i = 0; i < site->cfg.nlangs; i++) {
		struct lang_route *r = &w->langs[w->nlangs];
		r->w = w;
		snprintf(r->lang, sizeof(r->lang), "%s", site->cfg.langs[i].code);
		snprintf(r->prefix, sizeof(r->prefix), "/%s/search/", r->lang);
		w->nlangs++;
	}
	return w;
}

static void conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	search_close(c->s);
	store_close(c->st);
	free(c);
}

void search_web_free(struct search_web *w)
{
	struct conn *c, *next;

	if (w == NULL)
		return;
	for (c = w->idle; c; c = next) {
		next = c->next;
		conn_free(c);
	}
	pthread_mutex_destroy(&w->mu);
	free(w->langs);
	free(w);
}

static struct conn *conn_get(struct search_web *w)
{
	struct conn *c;

	pthread_mutex_lock(&w->mu);
	c = w->idle;
	if (c)
		w->idle = c->next;
	pthread_mutex_unlock(&w->mu);
	if (c)
		return c;
	c = xcalloc(1, sizeof(*c));
	if (store_open(w->site->db_path, STORE_READONLY, &c->st) != STORE_OK)
		goto fail;
	sqlite3_exec(store_db(c->st), "PRAGMA mmap_size = " MMAP_SIZE, NULL, NULL, NULL);
	if ((c->s = search_open(c->st, SEARCH_READONLY)) == NULL)
		goto fail;
	return c;
fail:
	conn_free(c);
	return NULL;
}

static void conn_put(struct search_web *w, struct conn *c)
{
	pthread_mutex_lock(&w->mu);
	c->next = w->idle;
	w->idle = c;
	pthread_mutex_unlock(&w->mu);
}

/* Appends &name=value (URL-encoded) to out. */
static void url_arg(struct buf *out, const char *name, const char *value)
{
	const unsigned char *p;

	if (value == NULL || *value == '\0')
		return;
	if (out->n)
		buf_putc(out, '&');
	buf_puts(out, name);
	buf_putc(out, '=');
	for (p = (const unsigned char *)value; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~')
			buf_putc(out, (char)*p);
		else if (*p == ' ')
			buf_putc(out, '+');
		else
			buf_printf(out, "%%%02X", *p);
	}
}

static size_t page_arg(const struct http_request *req)
{
	const char *p = http_request_arg(req, "page");
	char *end;
	unsigned long v;

	if (p == NULL)
		return 1;
	v = strtoul(p, &end, 10);
	if (*end != '\0' || v < 1)
		return 1;
	/* Past the last page that can be listed: search_run() says so. */
	return v > SEARCH_MAX_RESULTS ? SEARCH_MAX_RESULTS + 1 : (size_t)v;
}

/* The localised message m, {name} replaced by its argument. */
static const char *message(struct site *site, struct arena *a, const char *lang,
                           const struct query_message *m)
{
	const char *fmt = i18n_get(site->i18n, lang, query_message_key(m->code));
	const char *p = strstr(fmt, "{name}");

	if (p == NULL)
		return fmt;
	return arena_printf(a, "%.*s%s%s", (int)(p - fmt), fmt, m->arg, p + 6);
}

static int not_found(struct search_web *w, struct arena *a, const char *lang,
                     struct http_response *resp)
{
	resp->status = 404;
	return render_404_page(&w->site->rs, a, lang, &resp->body);
}

static int page_fn(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct lang_route *lr = arg;
	struct search_web *w = lr->w;
	struct site *site = w->site;
	const char *rest = req->path + strlen(lr->prefix);
	const char *q = http_request_arg(req, "q"), *lang = http_request_arg(req, "lang");
	const char *section = http_request_arg(req, "section");
	struct arena *a = arena_new(REQUEST_ARENA_MAX);
	struct render_search m = {0};
	struct search_opts o = {0};
	struct search_page p;
	struct buf args = BUF_INIT;
	const char **msgs;
	struct conn *c = NULL;
	bool feed = strcmp(rest, "atom.xml") == 0;
	size_t i, page = page_arg(req);
	int rc = -1;

	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		resp->status = 405;
		http_response_header(resp, "Allow", "GET, HEAD");
		rc = 0;
		goto out;
	}
	if (*rest != '\0' && strcmp(rest, "index.html") != 0 && !feed) {
		rc = not_found(w, a, lr->lang, resp);
		goto out;
	}
	m.lang = lr->lang;
	m.query = q ? q : "";
	m.all_langs = lang && strcmp(lang, "all") == 0;
	m.section = section && *section ? section : NULL;
	m.page = page;
	url_arg(&args, "q", q);
	url_arg(&args, "lang", lang);
	url_arg(&args, "section", section);
	m.args = args.p ? args.p : "";
	if (q == NULL || *q == '\0') {
		if (feed) {
			rc = not_found(w, a, lr->lang, resp);
			goto out;
		}
		rc = render_search_page(&site->rs, a, &m, &resp->body);
		goto out;
	}
	o.lang = lang && *lang ? lang : lr->lang;
	o.section = m.section;
	o.marks = !feed;
	o.by_date = feed;
	o.limit = feed ? site->cfg.feed_size : SEARCH_WEB_PAGE;
	o.offset = feed ? 0 : (page - 1) * SEARCH_WEB_PAGE;
	if ((c = conn_get(w)) == NULL)
		goto out;
	if (search_web_query(site, c->st, c->s, a, q, &o, &p) != 0)
		goto out;
	msgs = arena_calloc(a, p.res.nmsgs + 1, sizeof(*msgs));
	for (i = 0; i < p.res.nmsgs; i++)
		msgs[i] = message(site, a, lr->lang, &p.res.msgs[i]);
	m.messages = msgs;
	m.nmessages = p.res.nmsgs;
	m.hits = p.hits;
	m.nhits = p.nhits;
	m.total = p.res.total;
	m.first = o.offset + 1;
	m.npages = (MIN(m.total, (size_t)SEARCH_MAX_RESULTS) + SEARCH_WEB_PAGE - 1) / SEARCH_WEB_PAGE;
	if (feed) {
		resp->content_type = "application/atom+xml; charset=utf-8";
		rc = render_search_feed(&site->rs, a, &m, &resp->body);
	} else {
		rc = render_search_page(&site->rs, a, &m, &resp->body);
	}
out:
	if (c)
		conn_put(w, c);
	buf_finish(&args);
	arena_free(a);
	return rc;
}

static int json_fn(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct search_web *w = arg;
	const char *q = http_request_arg(req, "q"), *lim = http_request_arg(req, "limit");
	struct arena *a = arena_new(REQUEST_ARENA_MAX);
	struct search_opts o = {0};
	struct search_page p;
	struct conn *c = NULL;
	int rc = -1;

	resp->content_type = "application/json; charset=utf-8";
	if (strcmp(req->path, "/search.json") != 0) {
		resp->status = 404;
		buf_puts(&resp->body, "{\"error\":\"not found\"}\n");
		rc = 0;
		goto out;
	}
	o.lang = http_request_arg(req, "lang");
	o.section = http_request_arg(req, "section");
	o.limit = SEARCH_WEB_PAGE;
	if (lim) {
		unsigned long v = strtoul(lim, NULL, 10);
		o.limit = v < 1 ? 1 : v > SEARCH_WEB_MAX_LIMIT ? SEARCH_WEB_MAX_LIMIT : (size_t)v;
	}
	o.offset = (page_arg(req) - 1) * o.limit;
	o.marks = true;
	if ((c = conn_get(w)) == NULL)
		goto out;
	if (search_web_query(w->site, c->st, c->s, a, q ? q : "", &o, &p) != 0)
		goto out;
	search_web_json(w->site, a, q ? q : "", &o, &p, &resp->body);
	rc = 0;
out:
	if (c)
		conn_put(w, c);
	arena_free(a);
	return rc;
}

static int root_fn(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct search_web *w = arg;
	struct arena *a = arena_new(0);
	const char *to = arena_printf(a, "/%s/search/%s%s", w->site->cfg.default_lang,
	                              *req->query ? "?" : "", req->query);

	if (strcmp(req->path, "/search") != 0 && strcmp(req->path, "/search/") != 0) {
		int rc = not_found(w, a, NULL, resp);
		arena_free(a);
		return rc;
	}
	http_response_redirect(resp, 302, to);
	arena_free(a);
	return 0;
}

size_t search_web_routes(struct search_web *w, struct http_route *routes, size_t cap)
{
	size_t n = 0, i;

	if (n < cap)
		routes[n++] = (struct http_route){"/search.json", json_fn, w};
	if (n < cap)
		routes[n++] = (struct http_route){"/search", root_fn, w};
	for (i = 0; i < w->nlangs && n < cap; i++)
		routes[n++] = (struct http_route){w->langs[i].prefix, page_fn, &w->langs[i]};
	return n;
}
