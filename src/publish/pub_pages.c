/*
 * Page jobs: gather one page's model from pub_data, render it, write it.
 * Full builds and incremental publishes both come through here, which is
 * what keeps their output identical.
 */
#include "publish/pub_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/mirror.h"
#include "render/i18n.h"
#include "util/fsutil.h"
#include "util/log.h"

int64_t pub_sitemap_chunk = 250;

/* Articles per language on the site's root page. */

static const struct config *cfg_of(struct pub_ctx *c)
{
	return &c->site->cfg;
}

/* Writes c->out to path and resets the page's scratch state. */
static int emit(struct pub_ctx *c, const char *path)
{
	int rc = pub_write(c->w, path, c->out.p ? c->out.p : "", c->out.n);

	buf_reset(&c->out);
	arena_reset(c->a);
	return rc;
}

const char *pub_list_dir(struct pub_ctx *c, const struct pub_list *l)
{
	struct buf b = BUF_INIT;
	const char *s = "";

	switch (l->kind) {
	case PL_SITE:
		return "";
	case PL_SECTION: {
		const struct pub_section *ps = pub_data_section(c->data, l->id);
		if (ps == NULL)
			return NULL;
		model_section_dir(&b, ps->sec->lang, ps->sec->path);
		break;
	}
	case PL_AUTHOR: {
		const struct author *au = pub_data_author(c->data, l->id);
		if (au == NULL)
			return NULL;
		buf_printf(&b, "%s/authors/%s", l->lang, au->slug);
		break;
	}
	case PL_TAG: {
		const struct tag *t = pub_data_tag(c->data, l->id);
		if (t == NULL)
			return NULL;
		buf_printf(&b, "%s/tags/%s", l->lang, t->slug);
		break;
	}
	}
	s = arena_strndup(c->a, buf_cstr(&b), b.n);
	buf_finish(&b);
	return s;
}

/* render_items for ids (newest first); arena-owned. */
static struct render_item *items_of(struct pub_ctx *c, const int64_t *ids, size_t n, size_t *k)
{
	struct render_item *v = arena_alloc(c->a, (n + 1) * sizeof(*v));
	size_t i;

	*k = 0;
	for (i = 0; i < n; i++) {
		const struct article *art = pub_data_article(c->data, ids[i]);
		const struct pub_section *ps;
		if (art == NULL)
			continue;
		ps = pub_data_section(c->data, art->section_id);
		v[*k].art = art;
		v[*k].section = ps ? ps->sec : NULL;
		(*k)++;
	}
	return v;
}

int pub_page_article(struct pub_ctx *c, int64_t id)
{
	const struct article *art = pub_data_article(c->data, id);
	const struct pub_section *ps;
	struct article full;
	struct render_article m = {0};
	struct buf path = BUF_INIT;
	int rc = -1;

	if (art == NULL)
		return 0;
	ps = pub_data_section(c->data, art->section_id);
	if (ps == NULL)
		return log_fail("article %lld: its section is missing", (long long)id);
	buf_reset(&c->body);
	if (pub_data_body(c->data, c->store, id, &c->body) != 0)
		return -1;
	full = *art;
	full.body = buf_cstr(&c->body);
	m.art = &full;
	m.chain = ps->chain;
	m.nchain = ps->nchain;
	if (pub_data_translations(c->data, c->a, art, (const struct article ***)&m.translations,
	                          &m.ntranslations) != 0)
		goto out;
	if (render_article_page(&c->site->rs, c->a, &m, &c->out) != 0) {
		log_fail("article %lld: %s", (long long)id, log_reason());
		goto out;
	}
	model_article_dir(&path, art->lang, art->section_path, art->slug);
	buf_puts(&path, "/index.html");
	rc = emit(c, path.p);
out:
	buf_finish(&path);
	return rc;
}

int pub_page_redirects(struct pub_ctx *c, int64_t article_id, int64_t section_id,
                       bool remove_all)
{
	struct arena *a = arena_new(0);
	struct redirect *r;
	size_t n, i;
	int rc = 0;

	if (store_redirect_list(c->store, a, article_id, section_id, &r, &n) != STORE_OK) {
		arena_free(a);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		const char *path = arena_printf(a, "%s/index.html", r[i].path);
		struct buf target = BUF_INIT;
		const char *lang, *title;
		if (r[i].article_id) {
			const struct article *art = pub_data_article(c->data, r[i].article_id);
			if (art == NULL || remove_all) {
				rc = pub_unlink(c->w, path);
				continue;
			}
			model_article_dir(&target, art->lang, art->section_path, art->slug);
			lang = art->lang;
			title = art->title;
		} else {
			const struct pub_section *ps = pub_data_section(c->data, r[i].section_id);
			if (ps == NULL || remove_all) {
				rc = pub_unlink(c->w, path);
				continue;
			}
			model_section_dir(&target, ps->sec->lang, ps->sec->path);
			lang = ps->sec->lang;
			title = ps->sec->title;
		}
		rc = render_redirect_page(&c->site->rs, c->a, lang, r[i].path, target.p, title,
		                          &c->out);
		if (rc == 0)
			rc = emit(c, path);
		buf_finish(&target);
	}
	arena_free(a);
	return rc;
}

/* Fills the list model common to all its pages.  Returns false if the list has no page. */
static bool list_model(struct pub_ctx *c, const struct pub_list *l, struct render_list *m)
{
	memset(m, 0, sizeof(*m));
	m->lang = l->lang;
	m->dir = pub_list_dir(c, l);
	if (m->dir == NULL)
		return false;
	switch (l->kind) {
	case PL_SECTION: {
		const struct pub_section *ps = pub_data_section(c->data, l->id);
		m->kind = RENDER_LIST_SECTION;
		m->lang = ps->sec->lang;
		m->chain = ps->chain;
		m->nchain = ps->nchain;
		m->children = ps->children;
		m->nchildren = ps->nchildren;
		return true;
	}
	case PL_AUTHOR:
		m->kind = RENDER_LIST_AUTHOR;
		m->author = pub_data_author(c->data, l->id);
		return m->author != NULL;
	case PL_TAG:
		m->kind = RENDER_LIST_TAG;
		m->tag = pub_data_tag(c->data, l->id);
		return m->tag != NULL;
	case PL_SITE:
		return false;
	}
	return false;
}

static const char *page_path(struct pub_ctx *c, const char *dir, size_t chunk)
{
	if (chunk == 0)
		return *dir ? arena_printf(c->a, "%s/index.html", dir) : "index.html";
	return arena_printf(c->a, "%s/page/%zu/index.html", dir, chunk);
}

int pub_page_list(struct pub_ctx *c, const struct pub_list *l, size_t chunk)
{
	const size_t p = cfg_of(c)->page_size;
	struct render_list m;
	struct render_item *items;
	int64_t *ids;
	size_t n, narchive, first, count, nids;

	if (!list_model(c, l, &m))
		return 0;
	if (pub_data_list_count(c->data, l, &n) != 0)
		return -1;
	/*
	 * Archive pages exist for the chunks the index page does not show:
	 * page k holds chunk k-1, and there are index_first_chunk() of them.
	 */
	narchive = render_index_first_chunk(n, p);
	if (chunk > narchive || (n == 0 && l->kind != PL_SECTION))
		return pub_unlink(c->w, page_path(c, m.dir, chunk));
	if (chunk == 0) {
		first = narchive * p;
		count = n - first;
		m.older = narchive;
	} else {
		first = (chunk - 1) * p;
		count = p;
		m.older = chunk - 1;
		m.newer = chunk < narchive ? chunk + 1 : (size_t)-1;
	}
	if (pub_data_list_range(c->data, c->a, l, first, count, &ids, &nids) != 0)
		return -1;
	items = items_of(c, ids, nids, &m.nitems);
	m.items = items;
	m.total = n;
	m.chunk = chunk;
	m.nchunks = narchive;
	if (render_list_page(&c->site->rs, c->a, &m, &c->out) != 0) {
		log_fail("list %s: %s", m.dir, log_reason());
		return -1;
	}
	return emit(c, page_path(c, m.dir, chunk));
}

int pub_page_feeds(struct pub_ctx *c, const struct pub_list *l)
{
	const size_t f = cfg_of(c)->feed_size;
	struct render_feed feed = {0};
	struct render_list m;
	int64_t *ids;
	size_t n, nids;
	const char *dir;
	bool json = false;
	struct buf path = BUF_INIT;
	int rc = 0;

	if (l->kind == PL_SITE) {
		dir = "";
		feed.title = cfg_of(c)->title;
	} else {
		if (!list_model(c, l, &m))
			return 0;
		dir = m.dir;
		feed.lang = m.lang;
		switch (l->kind) {
		case PL_SECTION:
			json = m.nchain == 1;
			feed.title = m.nchain == 1
			                     ? config_title(cfg_of(c), m.lang)
			                     : arena_printf(c->a, "%s — %s", m.chain[m.nchain - 1]->title,
			                                    config_title(cfg_of(c), m.lang));
			break;
		case PL_AUTHOR:
			feed.title = arena_printf(c->a, "%s — %s", m.author->name,
			                          config_title(cfg_of(c), m.lang));
			break;
		default:
			feed.title = arena_printf(c->a, "%s — %s", m.tag->name,
			                          config_title(cfg_of(c), m.lang));
			break;
		}
	}
	if (pub_data_list_count(c->data, l, &n) != 0)
		return -1;
	if (n == 0 && (l->kind == PL_AUTHOR || l->kind == PL_TAG)) {
		const char *files[] = {"atom.xml", "rss.xml"};
		for (size_t i = 0; i < 2 && rc == 0; i++) {
			buf_reset(&path);
			buf_printf(&path, "%s/%s", dir, files[i]);
			rc = pub_unlink(c->w, path.p);
		}
		buf_finish(&path);
		return rc;
	}
	if (pub_data_list_range(c->data, c->a, l, n > f ? n - f : 0, f, &ids, &nids) != 0)
		return -1;
	feed.dir = dir;
	feed.items = items_of(c, ids, nids, &feed.nitems);
	{
		struct {
			const char *file;
			int (*fn)(const struct render_site *, struct arena *, const struct render_feed *,
			          struct buf *);
		} kinds[] = {
			{"atom.xml", render_feed_atom},
			{"rss.xml", render_feed_rss},
			{"feed.json", render_feed_json},
		};
		size_t i;
		for (i = 0; i < (json ? 3u : 2u) && rc == 0; i++) {
			buf_reset(&path);
			buf_printf(&path, "%s%s%s", dir, *dir ? "/" : "", kinds[i].file);
			if ((rc = kinds[i].fn(&c->site->rs, c->a, &feed, &c->out)) == 0)
				rc = pub_write(c->w, path.p, c->out.p, c->out.n);
			buf_reset(&c->out);
		}
	}
	arena_reset(c->a);
	buf_finish(&path);
	return rc;
}

int pub_page_list_from(struct pub_ctx *c, const struct pub_list *l, size_t from)
{
	size_t n, nchunks, k;
	const char *dir;
	char probe[8192], *dirbuf;

	if (l->kind == PL_SITE)
		return pub_page_feeds(c, l);
	if (pub_data_list_count(c->data, l, &n) != 0)
		return -1;
	nchunks = render_index_first_chunk(n, cfg_of(c)->page_size);
	if (from == 0)
		from = 1;
	for (k = from; k <= nchunks; k++)
		if (pub_page_list(c, l, k) != 0)
			return -1;
	/* Archive pages past the end, left by removals, go. */
	dir = pub_list_dir(c, l);
	dirbuf = xstrdup(dir ? dir : "");
	for (k = nchunks + 1; dir; k++) {
		char rel[4096];
		snprintf(rel, sizeof(rel), "%s/page/%zu/index.html", dirbuf, k);
		snprintf(probe, sizeof(probe), "%s/%s", c->w->root, rel);
		if (!fs_exists(probe))
			break;
		if (pub_unlink(c->w, rel) != 0) {
			free(dirbuf);
			return -1;
		}
	}
	free(dirbuf);
	if (pub_page_list(c, l, 0) != 0)
		return -1;
	return pub_page_feeds(c, l);
}

/* The sitemap of a language's sections, authors and tags. */
static int sitemap_lists(struct pub_ctx *c, const char *lang)
{
	struct render_sitemap_url *urls;
	struct render_index_entry *au, *tg;
	size_t nau, ntg, n = 0, i, cap;
	struct buf dir = BUF_INIT;
	char path[256];
	int rc;

	if (pub_data_index(c->data, c->a, lang, PL_AUTHOR, &au, &nau) != 0 ||
	    pub_data_index(c->data, c->a, lang, PL_TAG, &tg, &ntg) != 0)
		return -1;
	cap = c->data->nsecs + nau + ntg + 2;
	urls = arena_calloc(c->a, cap, sizeof(*urls));
	for (i = 0; i < c->data->nsecs; i++) {
		const struct section *s = &c->data->secs[i];
		if (strcmp(s->lang, lang) != 0)
			continue;
		buf_reset(&dir);
		model_section_dir(&dir, s->lang, s->path);
		urls[n].dir = arena_strndup(c->a, dir.p, dir.n);
		urls[n++].lang = lang;
	}
	urls[n].dir = arena_printf(c->a, "%s/authors", lang);
	urls[n++].lang = lang;
	for (i = 0; i < nau; i++) {
		urls[n].dir = au[i].dir;
		urls[n++].lang = lang;
	}
	urls[n].dir = arena_printf(c->a, "%s/tags", lang);
	urls[n++].lang = lang;
	for (i = 0; i < ntg; i++) {
		urls[n].dir = tg[i].dir;
		urls[n++].lang = lang;
	}
	buf_finish(&dir);
	render_sitemap(&c->site->rs, urls, n, &c->out);
	snprintf(path, sizeof(path), "%s/sitemap-lists.xml", lang);
	rc = emit(c, path);
	return rc;
}

int pub_page_language(struct pub_ctx *c, const char *lang, bool all)
{
	struct render_index_entry *e;
	size_t n;
	char path[256];
	int kind;

	for (kind = 0; kind < 2; kind++) {
		enum pub_list_kind k = kind == 0 ? PL_AUTHOR : PL_TAG;
		if (pub_data_index(c->data, c->a, lang, k, &e, &n) != 0)
			return -1;
		if (render_index_page(&c->site->rs, c->a, lang,
		                      kind == 0 ? RENDER_LIST_AUTHOR : RENDER_LIST_TAG, e, n,
		                      &c->out) != 0)
			return -1;
		snprintf(path, sizeof(path), "%s/%s/index.html", lang, kind == 0 ? "authors" : "tags");
		if (emit(c, path) != 0)
			return -1;
	}
	if (all) {
		if (render_404_page(&c->site->rs, c->a, lang, &c->out) != 0)
			return -1;
		snprintf(path, sizeof(path), "%s/404.html", lang);
		if (emit(c, path) != 0)
			return -1;
		/* The search form's target: the server answers it; copies show this page. */
		struct render_search sm = {.lang = lang, .is_static = true};
		if (render_search_page(&c->site->rs, c->a, &sm, &c->out) != 0)
			return -1;
		snprintf(path, sizeof(path), "%s/search/index.html", lang);
		if (emit(c, path) != 0)
			return -1;
	}
	return sitemap_lists(c, lang);
}

/* Position of lang in the site's languages; past the end when unknown. */
static size_t lang_rank(const struct config *cfg, const char *lang)
{
	size_t i;

	for (i = 0; i < cfg->nlangs; i++)
		if (strcmp(cfg->langs[i].code, lang) == 0)
			return i;
	return cfg->nlangs;
}

/*
 * The rows of a sitemap chunk from the snapshot, in the shape the store
 * gives them in live mode.
 */
static int snapshot_rows(struct pub_ctx *c, const char *lang, int64_t lo, int64_t hi,
                         struct store_sitemap_row **rows, size_t *n)
{
	const struct store_snapshot *s = &c->data->snap;
	struct store_sitemap_row *v = arena_calloc(c->a, PUB_SITEMAP_CHUNK + 1, sizeof(*v));
	size_t first = 0, last = s->narticles, i, j, k = 0;
	struct buf dir = BUF_INIT;

	while (first < last) {
		size_t mid = first + (last - first) / 2;
		if (s->articles[mid].id < lo)
			first = mid + 1;
		else
			last = mid;
	}
	for (i = first; i < s->narticles && s->articles[i].id < hi; i++) {
		const struct article *art = &s->articles[i], **tr;
		size_t ntr;
		if (strcmp(art->lang, lang) != 0 || pub_data_article(c->data, art->id) == NULL)
			continue;
		buf_reset(&dir);
		model_article_dir(&dir, art->lang, art->section_path, art->slug);
		v[k].id = art->id;
		v[k].lang = art->lang;
		v[k].dir = arena_strndup(c->a, dir.p, dir.n);
		v[k].lastmod = art->updated > art->date ? art->updated : art->date;
		if (pub_data_translations(c->data, c->a, art, &tr, &ntr) != 0) {
			buf_finish(&dir);
			return -1;
		}
		v[k].alt_langs = arena_alloc(c->a, (ntr + 1) * sizeof(char *));
		v[k].alt_dirs = arena_alloc(c->a, (ntr + 1) * sizeof(char *));
		for (j = 0; j < ntr; j++) {
			buf_reset(&dir);
			model_article_dir(&dir, tr[j]->lang, tr[j]->section_path, tr[j]->slug);
			v[k].alt_langs[j] = tr[j]->lang;
			v[k].alt_dirs[j] = arena_strndup(c->a, dir.p, dir.n);
		}
		v[k].nalt = ntr;
		k++;
	}
	buf_finish(&dir);
	*rows = v;
	*n = k;
	return 0;
}

int pub_page_sitemap(struct pub_ctx *c, const char *lang, int64_t k)
{
	const int64_t lo = k * PUB_SITEMAP_CHUNK, hi = lo + PUB_SITEMAP_CHUNK;
	const struct config *cfg = cfg_of(c);
	struct render_sitemap_url *urls;
	struct store_sitemap_row *rows;
	size_t n, i, j, x;
	char path[256];

	if (c->data->live) {
		if (store_sitemap_rows(c->store, c->a, lang, lo, hi, &rows, &n) != STORE_OK)
			return -1;
	} else if (snapshot_rows(c, lang, lo, hi, &rows, &n) != 0) {
		return -1;
	}
	urls = arena_calloc(c->a, n + 1, sizeof(*urls));
	for (i = 0; i < n; i++) {
		struct store_sitemap_row *r = &rows[i];
		/* Alternates in the site's language order, languages it publishes only. */
		for (j = 0, x = 0; j < r->nalt; j++)
			if (lang_rank(cfg, r->alt_langs[j]) < cfg->nlangs) {
				r->alt_langs[x] = r->alt_langs[j];
				r->alt_dirs[x++] = r->alt_dirs[j];
			}
		r->nalt = x;
		for (j = 1; j < r->nalt; j++)
			for (x = j; x > 0 && lang_rank(cfg, r->alt_langs[x - 1]) >
			                             lang_rank(cfg, r->alt_langs[x]);
			     x--) {
				const char *t = r->alt_langs[x];
				r->alt_langs[x] = r->alt_langs[x - 1];
				r->alt_langs[x - 1] = t;
				t = r->alt_dirs[x];
				r->alt_dirs[x] = r->alt_dirs[x - 1];
				r->alt_dirs[x - 1] = t;
			}
		urls[i].dir = r->dir;
		urls[i].lang = r->lang;
		urls[i].lastmod = r->lastmod;
		urls[i].alt_langs = r->alt_langs;
		urls[i].alt_dirs = r->alt_dirs;
		urls[i].nalt = r->nalt;
	}
	render_sitemap(&c->site->rs, urls, n, &c->out);
	snprintf(path, sizeof(path), "%s/sitemap-%lld.xml", lang, (long long)k);
	return emit(c, path);
}

/*
 * mirrors.json: the addresses a blocked reader can try.  `mirror pack`
 * signs it (public/mirror/mirrors.json.minisig): nothing a build writes
 * depends on the site's key.
 */
static int page_mirrors(struct pub_ctx *c)
{
	mirror_list_json(cfg_of(c), &c->out);
	return emit(c, "mirrors.json");
}

int pub_page_root(struct pub_ctx *c, bool all)
{
	const struct config *cfg = cfg_of(c);
	struct render_home_lang *homes = arena_calloc(c->a, cfg->nlangs + 1, sizeof(*homes));
	struct pub_list site = {PL_SITE, 0, NULL};
	const char **files;
	int64_t maxid, k;
	size_t i, nh = 0, nf = 0;

	for (i = 0; i < cfg->nlangs; i++) {
		const struct pub_section *root = pub_data_root(c->data, cfg->langs[i].code);
		struct pub_list l;
		int64_t *ids;
		size_t n, nids;
		if (root == NULL)
			continue;
		l = (struct pub_list){PL_SECTION, root->sec->id, root->sec->lang};
		if (pub_data_list_count(c->data, &l, &n) != 0 ||
		    pub_data_list_range(c->data, c->a, &l, n > PUB_HOME_ITEMS ? n - PUB_HOME_ITEMS : 0,
		                        PUB_HOME_ITEMS, &ids, &nids) != 0)
			return -1;
		homes[nh].lang = cfg->langs[i].code;
		homes[nh].items = items_of(c, ids, nids, &homes[nh].nitems);
		nh++;
	}
	if (render_home_page(&c->site->rs, c->a, homes, nh, &c->out) != 0 ||
	    emit(c, "index.html") != 0)
		return -1;
	if (pub_page_feeds(c, &site) != 0)
		return -1;
	if (all && (render_404_page(&c->site->rs, c->a, NULL, &c->out) != 0 ||
	            emit(c, "404.html") != 0))
		return -1;
	if (all && (render_robots(&c->site->rs, &c->out) != 0 || emit(c, "robots.txt") != 0))
		return -1;
	/* Like robots.txt, it changes only with the configuration: full builds. */
	if (all && page_mirrors(c) != 0)
		return -1;
	if (store_article_max_id(c->store, &maxid) != STORE_OK)
		return -1;
	files = arena_alloc(c->a, (cfg->nlangs * (size_t)(maxid / PUB_SITEMAP_CHUNK + 2) + 1) *
	                                  sizeof(char *));
	for (i = 0; i < cfg->nlangs; i++) {
		files[nf++] = arena_printf(c->a, "%s/sitemap-lists.xml", cfg->langs[i].code);
		for (k = 0; k <= maxid / PUB_SITEMAP_CHUNK; k++)
			files[nf++] = arena_printf(c->a, "%s/sitemap-%lld.xml", cfg->langs[i].code,
			                           (long long)k);
	}
	if (render_sitemap_index(&c->site->rs, files, nf, &c->out) != 0 ||
	    emit(c, "sitemap.xml") != 0)
		return -1;
	for (i = 0; all && i < c->site->theme.nassets; i++)
		if (pub_write(c->w, c->site->theme.assets[i].name, c->site->theme.assets[i].data,
		              c->site->theme.assets[i].size) != 0)
			return -1;
	return 0;
}
