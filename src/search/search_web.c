/*
 * The search routes of the server and the loading they share with the
 * command line; see search_web.h.  The handlers only parse arguments,
 * look the answer up in the cache, run search_web_query() on a pooled
 * connection and render: the page through the theme
 * (render_search_page()), the feed, or JSON.
 */
#include "search/search_web.h"

#include <ini.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/i18n.h"
#include "search/search_cache.h"
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
/*
 * Answers kept for repeated searches, by default: some thousands of pages
 * of results.  Readers search for the news of the day, and the same few
 * words come back; a small server answers them from memory.
 */
#define CACHE_MIB_DEFAULT 16
#define CACHE_MIB_MAX     4096
#define DEADLINE_MS_MIN   10
#define DEADLINE_MS_MAX   60000

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
			if ((secs[h->nchain] =
			             section_of(st, a, chain[h->nchain], cache, &ncache)) == NULL)
				return -1;
		h->chain = secs;
		h->art = &arts[j];
		h->title = r->hits[i].title;
		h->snippet = r->hits[i].snippet;
		out->nhits++;
	}
	return 0;
}

/* search_web_query() in the read transaction the caller opened. */
static int query_in_tx(struct store *st, struct search *s, struct arena *a, const char *text,
                       const struct search_opts *opts, struct search_page *out)
{
	struct query q;

	memset(out, 0, sizeof(*out));
	query_parse(a, text, text ? strlen(text) : 0, &q);
	if (search_run(s, a, &q, opts, &out->res) != 0 || load_hits(st, a, out) != 0)
		return -1;
	return 0;
}

int search_web_query(struct site *site, struct store *st, struct search *s, struct arena *a,
                     const char *text, const struct search_opts *opts, struct search_page *out)
{
	int rc;

	(void)site;
	memset(out, 0, sizeof(*out));
	if (store_begin_read(st) != STORE_OK)
		return -1;
	rc = query_in_tx(st, s, a, text, opts, out);
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
                     const struct search_opts *opts, const struct search_page *p, struct buf *out)
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
		json_array_append_new(
		        msgs, json_pack("{s:s, s:o}", "code", key + strlen("search_msg_"), "text",
		                        plain_json(query_message_text(a, &p->res.msgs[i]))));
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
		json_object_set_new(
		        r, "url", json_string(arena_printf(a, "%s%s/", site->cfg.base_url, dir.p)));
		iso_time(when, art->date);
		json_object_set_new(r, "date", json_string(when));
		for (j = 0; j < h->nchain; j++) {
			const struct section *sec = h->chain[j];
			buf_reset(&dir);
			model_section_dir(&dir, sec->lang, sec->path);
			json_array_append_new(
			        crumbs,
			        json_pack("{s:o, s:s}", "title",
			                  plain_json(sec->depth == 0
			                                     ? config_title(&site->cfg, sec->lang)
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
	int64_t data_version; /* PRAGMA data_version at its last read, -1 before */
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
	struct search_cache *cache;
	unsigned deadline_ms;
	/* Searches being run now, by cache key (w->mu; done_cv when one ends). */
	struct running *running;
	pthread_cond_t done_cv;
	atomic_ulong searches; /* run, not answered from the cache: for tests */
};

struct running {
	const char *key; /* the runner's */
	struct running *next;
};

struct settings {
	size_t cache_mib;
	unsigned deadline_ms;
	char error[256];
};

static int number(const char *v, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long n;

	if (*v < '0' || *v > '9')
		return -1;
	n = strtoul(v, &end, 10);
	if (*end != '\0' || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* The [search] section of tamizdat.ini: cache_mib, timeout_ms. */
static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct settings *set = user;
	unsigned long n;

	if (strcmp(section, "search") != 0)
		return 1;
	if (strcmp(name, "cache_mib") == 0) {
		if (number(value, 0, CACHE_MIB_MAX, &n) != 0)
			goto bad;
		set->cache_mib = n;
	} else if (strcmp(name, "timeout_ms") == 0) {
		if (number(value, DEADLINE_MS_MIN, DEADLINE_MS_MAX, &n) != 0)
			goto bad;
		set->deadline_ms = (unsigned)n;
	} else {
		snprintf(set->error, sizeof(set->error),
		         "unknown setting \"%s\" in [search] (known: cache_mib, timeout_ms)", name);
		return 0;
	}
	return 1;
bad:
	snprintf(set->error, sizeof(set->error), "invalid value for \"%s\" in [search]: \"%s\"",
	         name, value);
	return 0;
}

struct search_web *search_web_new(struct site *site)
{
	struct settings set = {CACHE_MIB_DEFAULT, 0, ""};
	struct search_web *w;
	size_t i;

	if (site->cfg.extra && ini_parse_string(site->cfg.extra, on_value, &set) != 0) {
		log_fail("tamizdat.ini: %s", set.error[0] ? set.error : "syntax error in [search]");
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->cache = search_cache_new(set.cache_mib << 20);
	w->deadline_ms = set.deadline_ms;
	w->site = site;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->done_cv, NULL);
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
	pthread_cond_destroy(&w->done_cv);
	search_cache_free(w->cache);
	free(w->langs);
	free(w);
}

void search_web_cache_stats(struct search_web *w, struct search_cache_stats *out)
{
	search_cache_stats(w->cache, out);
}

unsigned long search_web_searches(struct search_web *w)
{
	return atomic_load(&w->searches);
}

static struct conn *conn_new(struct search_web *w)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->data_version = -1;
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

static struct conn *conn_get(struct search_web *w)
{
	struct conn *c;

	pthread_mutex_lock(&w->mu);
	c = w->idle;
	if (c)
		w->idle = c->next;
	pthread_mutex_unlock(&w->mu);
	return c ? c : conn_new(w);
}

static void conn_put(struct search_web *w, struct conn *c)
{
	pthread_mutex_lock(&w->mu);
	c->next = w->idle;
	w->idle = c;
	pthread_mutex_unlock(&w->mu);
}

static int64_t data_version(struct conn *c);

int search_web_open(struct search_web *w, size_t n)
{
	struct conn *c;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((c = conn_new(w)) == NULL)
			return -1;
		/* Nothing is cached yet: what it sees now is its starting point. */
		if (store_begin_read(c->st) != STORE_OK) {
			conn_free(c);
			return -1;
		}
		c->data_version = data_version(c);
		store_rollback(c->st);
		conn_put(w, c);
	}
	return 0;
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
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~')
			buf_putc(out, (char)*p);
		else if (*p == ' ')
			buf_putc(out, '+');
		else
			buf_printf(out, "%%%02X", *p);
	}
}

/*
 * Opens a read transaction on c for a request and returns the epoch the
 * answer may be cached under.  The epoch is read before the snapshot is
 * taken: whatever commits later makes some connection's next request see
 * a new data_version and move to a new epoch before anything is served,
 * so an answer is never stored under an epoch newer than its data.  If
 * this connection sees a commit first, its own bump makes the next epoch
 * its own.  (A new connection has no past to compare: it bumps.)
 * UINT64_MAX: do not cache.  -1 on error.
 */
/* PRAGMA data_version in c's open read transaction; -1 on error. */
static int64_t data_version(struct conn *c)
{
	sqlite3_stmt *st;
	int64_t dv = -1;

	if (sqlite3_prepare_v2(store_db(c->st), "PRAGMA data_version", -1, &st, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			dv = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return dv;
}

static int begin(struct search_web *w, struct conn *c, uint64_t *epoch)
{
	int64_t dv;

	*epoch = search_cache_epoch(w->cache);
	if (store_begin_read(c->st) != STORE_OK)
		return -1;
	dv = data_version(c);
	if (dv < 0) {
		*epoch = UINT64_MAX;
	} else if (dv != c->data_version) {
		uint64_t old = search_cache_bump(w->cache);
		*epoch = old == *epoch ? old + 1 : UINT64_MAX;
		c->data_version = dv;
	}
	return 0;
}

/* Puts the answer cached under key into resp, if there is one: true. */
static bool cached(struct search_web *w, const char *key, struct http_response *resp)
{
	int status;

	buf_reset(&resp->body);
	if (!search_cache_get(w->cache, key, &resp->body, &status, &resp->content_type))
		return false;
	resp->status = status;
	return true;
}

/*
 * Before running the search of key: if another thread is running the
 * same one (readers ask for the words of the day together, and a publish
 * has just emptied the cache), wait for it -- until the deadline at most
 * -- and take its answer from the cache: true.  Otherwise r is entered as
 * running key, for ran() to take out: false.
 */
static bool await_same(struct search_web *w, const char *key, int64_t deadline, struct running *r,
                       struct http_response *resp)
{
	struct running *o;
	struct timespec ts;
	bool waited = false;
	int64_t left;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		for (o = w->running; o && strcmp(o->key, key) != 0; o = o->next)
			;
		if (o == NULL || (left = deadline - search_clock_ms()) <= 0)
			break;
		/* The condition variable counts real time; the deadline is monotonic. */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)(left / 1000);
		ts.tv_nsec += (long)(left % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		waited = true;
		pthread_cond_timedwait(&w->done_cv, &w->mu, &ts);
	}
	if (o == NULL && waited) {
		/* Its answer, unless it could not be kept (then run it here). */
		pthread_mutex_unlock(&w->mu);
		if (cached(w, key, resp))
			return true;
		pthread_mutex_lock(&w->mu);
	}
	/* Past the deadline, run it anyway: the search then says it stopped. */
	r->key = key;
	r->next = w->running;
	w->running = r;
	pthread_mutex_unlock(&w->mu);
	return false;
}

static void ran(struct search_web *w, struct running *r)
{
	struct running **p;

	pthread_mutex_lock(&w->mu);
	for (p = &w->running; *p && *p != r; p = &(*p)->next)
		;
	if (*p)
		*p = r->next;
	pthread_cond_broadcast(&w->done_cv);
	pthread_mutex_unlock(&w->mu);
}

static void remember(struct search_web *w, const char *key, uint64_t epoch,
                     const struct search_page *p, const struct http_response *resp)
{
	/* A stopped search may succeed later: never keep its message. */
	if (epoch == UINT64_MAX || p->res.timed_out)
		return;
	search_cache_put(w->cache, key, epoch, resp->status ? resp->status : 200,
	                 resp->content_type, resp->body.p ? resp->body.p : "", resp->body.n);
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

/* One search request's hold on the pool and the cache, from ask() to done(). */
struct ask {
	struct conn *c;
	uint64_t epoch; /* to store the answer under (begin()) */
	bool in_tx;
	bool running; /* entered in w->running (await_same()) */
	struct running me;
};

/*
 * Takes a connection and a snapshot and looks key up.  0: resp holds the
 * cached answer (or, the same search having run meanwhile, its answer).
 * HTTP_LATER: not cached, and quick (the network thread) does not search.
 * 1: the caller runs the search on x->c and remember()s it.  -1: error.
 */
static int ask(struct search_web *w, struct ask *x, const char *key, int64_t deadline, bool quick,
               struct http_response *resp)
{
	memset(x, 0, sizeof(*x));
	if ((x->c = conn_get(w)) == NULL || begin(w, x->c, &x->epoch) != 0)
		return -1;
	x->in_tx = true;
	if (cached(w, key, resp))
		return 0;
	if (quick)
		return HTTP_LATER;
	if (await_same(w, key, deadline, &x->me, resp))
		return 0;
	x->running = true;
	atomic_fetch_add(&w->searches, 1);
	return 1;
}

static void done(struct search_web *w, struct ask *x)
{
	if (x->running)
		ran(w, &x->me);
	if (x->c) {
		if (x->in_tx)
			store_rollback(x->c->st);
		conn_put(w, x->c);
	}
	memset(x, 0, sizeof(*x));
}

/*
 * The search page and its feed.  quick: on the network thread, answer
 * only from the cache (or what needs no search), HTTP_LATER otherwise.
 */
static int page_run(void *arg, const struct http_request *req, struct http_response *resp,
                    bool quick)
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
	const char **msgs, *key;
	struct ask x = {0};
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
	o.deadline = search_clock_ms() + (w->deadline_ms ? w->deadline_ms : SEARCH_DEADLINE_MS);
	key = arena_printf(a, "page %s %zu %d %s", lr->lang, page, feed, m.args);
	if ((rc = ask(w, &x, key, o.deadline, quick, resp)) != 1)
		goto out;
	rc = -1;
	if (query_in_tx(x.c->st, x.c->s, a, q, &o, &p) != 0)
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
	m.npages =
	        (MIN(m.total, (size_t)SEARCH_MAX_RESULTS) + SEARCH_WEB_PAGE - 1) / SEARCH_WEB_PAGE;
	if (feed) {
		resp->content_type = "application/atom+xml; charset=utf-8";
		rc = render_search_feed(&site->rs, a, &m, &resp->body);
	} else {
		rc = render_search_page(&site->rs, a, &m, &resp->body);
	}
	if (rc == 0)
		remember(w, key, x.epoch, &p, resp);
out:
	done(w, &x);
	buf_finish(&args);
	arena_free(a);
	return rc;
}

static int page_fn(void *arg, const struct http_request *req, struct http_response *resp)
{
	return page_run(arg, req, resp, false);
}

static int page_quick(void *arg, const struct http_request *req, struct http_response *resp)
{
	return page_run(arg, req, resp, true);
}

/* /search.json; quick as for page_run(). */
static int json_run(void *arg, const struct http_request *req, struct http_response *resp,
                    bool quick)
{
	struct search_web *w = arg;
	const char *q = http_request_arg(req, "q"), *lim = http_request_arg(req, "limit");
	struct arena *a = arena_new(REQUEST_ARENA_MAX);
	struct search_opts o = {0};
	struct search_page p;
	struct buf args = BUF_INIT;
	struct ask x = {0};
	const char *key;
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
	o.deadline = search_clock_ms() + (w->deadline_ms ? w->deadline_ms : SEARCH_DEADLINE_MS);
	url_arg(&args, "q", q);
	url_arg(&args, "lang", o.lang);
	url_arg(&args, "section", o.section);
	key = arena_printf(a, "json %zu %zu %s", o.offset, o.limit, args.p ? args.p : "");
	if ((rc = ask(w, &x, key, o.deadline, quick, resp)) != 1)
		goto out;
	rc = -1;
	if (query_in_tx(x.c->st, x.c->s, a, q ? q : "", &o, &p) != 0)
		goto out;
	search_web_json(w->site, a, q ? q : "", &o, &p, &resp->body);
	remember(w, key, x.epoch, &p, resp);
	rc = 0;
out:
	done(w, &x);
	buf_finish(&args);
	arena_free(a);
	return rc;
}

static int json_fn(void *arg, const struct http_request *req, struct http_response *resp)
{
	return json_run(arg, req, resp, false);
}

static int json_quick(void *arg, const struct http_request *req, struct http_response *resp)
{
	return json_run(arg, req, resp, true);
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

	/* Searches run on the server's work threads; cached answers come at once. */
	if (n < cap)
		routes[n++] = (struct http_route){"/search.json", json_fn, w, false, json_quick};
	if (n < cap)
		routes[n++] = (struct http_route){"/search", root_fn, w, false, NULL};
	for (i = 0; i < w->nlangs && n < cap; i++)
		routes[n++] = (struct http_route){w->langs[i].prefix, page_fn, &w->langs[i], false,
		                                  page_quick};
	return n;
}
