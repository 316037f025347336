/*
 * Incremental publishing.  Before a change, pub_note_*() records in the
 * publish queue -- in the caller's transaction -- the footprint of what
 * the change may alter: an article's folder, status, list keys and
 * translation group as they are before; or a whole language.  After the
 * commit, pub_apply() compares each footprint with the store as it is now
 * and renders the pages that can differ:
 *
 * - the article page, or its removal, and its redirect pages;
 * - the pages of its translation group (their language links);
 * - for every list it was or is in: the archive pages from the first
 *   position that moved, the index page and the feeds; for an edit in
 *   place, only its own page, and the index page and feeds if it is
 *   among the entries they show;
 * - its sitemap file and those of its group; its language's index pages
 *   (counts of authors and tags) unless every change was in place; the
 *   site's root pages unless every change was in place and out of their
 *   windows (the home page's newest per language, the site feeds).
 *
 * The queue rows are deleted only after their pages are written, so a
 * publish that is killed is completed by the next one.
 */
#include "publish/pub_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/fsutil.h"
#include "util/log.h"

/* List keys carry their kind in the top bits (store_list.c). */
#define KEY_KIND(k) ((k) >> 48)
#define KEY_ID40(k) ((k) & ((1LL << 40) - 1))
#define KEY_ID48(k) ((k) & ((1LL << 48) - 1))

/* The footprint of an article as the store has it now, as JSON.  Caller decrefs. */
static json_t *footprint(struct site *site, struct arena *a, int64_t id)
{
	struct article art;
	json_t *o = json_object(), *lists = json_array(), *group = json_array();
	int64_t *keys;
	size_t n, i;

	json_object_set_new(o, "a", json_integer(id));
	if (store_article_get(site->store, a, id, 0, &art) != STORE_OK) {
		json_object_set_new(o, "pub", json_false());
		json_decref(lists);
		json_decref(group);
		return o;
	}
	json_object_set_new(o, "pub", json_boolean(art.status == ST_PUBLISHED));
	json_object_set_new(o, "lang", json_string(art.lang));
	json_object_set_new(o, "date", json_integer(art.date));
	{
		struct buf dir = BUF_INIT;
		model_article_dir(&dir, art.lang, art.section_path, art.slug);
		json_object_set_new(o, "dir", json_string(dir.p));
		buf_finish(&dir);
	}
	if (store_list_memberships(site->store, a, id, &keys, &n) == STORE_OK)
		for (i = 0; i < n; i++)
			json_array_append_new(lists, json_integer(keys[i]));
	json_object_set_new(o, "lists", lists);
	if (art.tgroup_id) {
		struct article *m;
		size_t nm;
		if (store_tgroup_members(site->store, a, art.tgroup_id, &m, &nm) == STORE_OK)
			for (i = 0; i < nm; i++)
				json_array_append_new(group, json_integer(m[i].id));
	}
	json_object_set_new(o, "group", group);
	return o;
}

static int queue(struct site *site, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	int rc;

	json_decref(o);
	if (s == NULL)
		fatal("out of memory (publish note)");
	rc = store_queue_add(site->store, s, NULL) == STORE_OK ? 0 : -1;
	free(s);
	return rc;
}

int pub_note_article(struct site *site, int64_t id)
{
	struct arena *a = arena_new(0);
	json_t *o = footprint(site, a, id);

	arena_free(a);
	return queue(site, o);
}

int pub_note_article_new(struct site *site, int64_t id)
{
	json_t *o = json_object();

	json_object_set_new(o, "a", json_integer(id));
	json_object_set_new(o, "pub", json_false());
	return queue(site, o);
}

int pub_note_language(struct site *site, const char *lang)
{
	json_t *o = json_object();

	json_object_set_new(o, "lang_rebuild", json_string(lang));
	return queue(site, o);
}

/* ---- the plan ------------------------------------------------------ */

struct list_plan {
	struct pub_list list;
	size_t from;   /* archive pages from this one (1-based) on; 0: none */
	size_t *pages; /* single archive pages */
	size_t npages;
	bool head; /* the index page and the feeds (implied by from) */
};

struct plan {
	struct imap articles;  /* ids to render (value: non-NULL) */
	struct imap gone;      /* ids whose old folder goes (value: folder, owned) */
	struct imap redirects; /* article ids whose redirects to refresh */
	struct imap lists;     /* key -> struct list_plan */
	struct imap sitemaps;  /* (lang index << 40 | chunk) -> lang */
	char *langs[CONFIG_MAX_LANGS];
	size_t nlangs;
	char *rebuild[CONFIG_MAX_LANGS];
	size_t nrebuild;
	bool moved; /* some change was not an edit in place: counts may differ */
	bool root;  /* the root pages show something that changed */
};

static void plan_lang(struct plan *p, char **set, size_t *n, const char *lang)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(set[i], lang) == 0)
			return;
	if (*n < CONFIG_MAX_LANGS)
		set[(*n)++] = xstrdup(lang);
	(void)p;
}

static struct list_plan *plan_list(struct plan *p, int64_t key, const char *lang)
{
	struct list_plan *lp = imap_get(&p->lists, key);

	if (lp)
		return lp;
	lp = xcalloc(1, sizeof(*lp));
	switch (KEY_KIND(key)) {
	case 0:
		lp->list = (struct pub_list){PL_SITE, 0, NULL};
		break;
	case 1:
		lp->list = (struct pub_list){PL_SECTION, KEY_ID48(key), NULL};
		break;
	case 2:
		lp->list = (struct pub_list){PL_AUTHOR, KEY_ID40(key), NULL};
		break;
	default:
		lp->list = (struct pub_list){PL_TAG, KEY_ID48(key), NULL};
		break;
	}
	lp->list.lang = lang ? xstrdup(lang) : NULL;
	imap_put(&p->lists, key, lp);
	return lp;
}

static void add_page(struct list_plan *lp, size_t page)
{
	size_t i;

	for (i = 0; i < lp->npages; i++)
		if (lp->pages[i] == page)
			return;
	lp->pages = xreallocarray(lp->pages, lp->npages + 1, sizeof(size_t));
	lp->pages[lp->npages++] = page;
}

static bool has_key(json_t *lists, int64_t key)
{
	size_t i;
	json_t *v;

	json_array_foreach(lists, i, v)
	{
		if (json_integer_value(v) == key)
			return true;
	}
	return false;
}

/*
 * Plans the pages of one list for an article that was at old key (if
 * was_in) and is at new key (if is_in).
 */
static int plan_list_change(struct plan *p, struct pub_data *d, int64_t key, const char *lang,
                            int64_t id, bool was_in, int64_t old_date, bool is_in, int64_t new_date,
                            size_t page_size, size_t feed_size)
{
	struct list_plan *lp = plan_list(p, key, lang);
	int64_t kdate;
	size_t n, from_new, rank;

	if (pub_data_list_count(d, &lp->list, &n) != 0)
		return -1;
	if (was_in && is_in && old_date == new_date) {
		/*
		 * Edited in place: the archive page holding it changes, and the
		 * index page, the feeds and the home page only if they show it.
		 * rank counts the older entries, from_new - 1 the newer ones.
		 */
		size_t newer, shown;
		const struct pub_section *root;
		if (pub_data_list_count_from(d, &lp->list, new_date, id, &from_new) != 0)
			return -1;
		rank = n - from_new;
		newer = from_new ? from_new - 1 : 0;
		if (lp->list.kind == PL_SITE) {
			/* The site list only has feeds, written with the root pages. */
			p->root = p->root || newer < feed_size;
			return 0;
		}
		shown = n - render_index_first_chunk(n, page_size) * page_size;
		if (newer >= shown)
			add_page(lp, rank / page_size + 1);
		if (newer < shown || newer < feed_size)
			lp->head = true;
		root = lp->list.kind == PL_SECTION ? pub_data_root(d, lang) : NULL;
		if (root && root->sec->id == lp->list.id && newer < PUB_HOME_ITEMS)
			p->root = true;
		return 0;
	}
	p->moved = p->root = true;
	if (lp->list.kind == PL_SITE)
		return 0;
	kdate = !was_in  ? new_date
	        : !is_in ? old_date
	                 : (old_date < new_date ? old_date : new_date);
	if (pub_data_list_count_from(d, &lp->list, kdate, id, &from_new) != 0)
		return -1;
	rank = n - from_new;
	/* From the page before (its "newer" link may change) to the end. */
	{
		size_t first = rank / page_size + 1;
		if (first > 1)
			first--;
		if (lp->from == 0 || first < lp->from)
			lp->from = first;
	}
	return 0;
}

static void plan_sitemap(struct plan *p, const struct config *cfg, const char *lang, int64_t id)
{
	const struct config_lang *l = config_lang(cfg, lang);

	if (l == NULL)
		return;
	imap_put(&p->sitemaps, (int64_t)(l - cfg->langs) << 40 | (id / PUB_SITEMAP_CHUNK),
	         (void *)l->code);
}

static int plan_article(struct plan *p, struct site *site, struct pub_data *d, struct arena *a,
                        json_t *old)
{
	int64_t id = json_integer_value(json_object_get(old, "a"));
	json_t *now = footprint(site, a, id);
	bool was = json_is_true(json_object_get(old, "pub"));
	bool is = json_is_true(json_object_get(now, "pub"));
	const char *lang = json_string_value(json_object_get(now, "lang"));
	const char *olddir = json_string_value(json_object_get(old, "dir"));
	const char *newdir = json_string_value(json_object_get(now, "dir"));
	json_t *ol = json_object_get(old, "lists"), *nl = json_object_get(now, "lists");
	int64_t od = json_integer_value(json_object_get(old, "date"));
	int64_t nd = json_integer_value(json_object_get(now, "date"));
	const size_t ps = site->cfg.page_size, fs = site->cfg.feed_size;
	size_t i;
	json_t *v;
	int rc = 0;

	if (lang == NULL)
		lang = json_string_value(json_object_get(old, "lang"));
	if (lang == NULL) {
		json_decref(now);
		return 0; /* never existed as far as publishing knows */
	}
	if (is)
		imap_put(&p->articles, id, (void *)1);
	if (was && olddir && (!is || (newdir && strcmp(olddir, newdir) != 0)))
		imap_put(&p->gone, id, xstrdup(olddir));
	imap_put(&p->redirects, id, (void *)1);
	json_array_foreach(json_object_get(old, "group"), i, v)
	        imap_put(&p->articles, json_integer_value(v), (void *)1);
	json_array_foreach(json_object_get(now, "group"), i, v)
	        imap_put(&p->articles, json_integer_value(v), (void *)1);
	/* Lists it was in and is in. */
	json_array_foreach(ol, i, v)
	{
		int64_t key = json_integer_value(v);
		bool in_now = is && has_key(nl, key);
		if ((rc = plan_list_change(p, d, key, lang, id, true, od, in_now, nd, ps, fs)) != 0)
			goto out;
	}
	json_array_foreach(nl, i, v)
	{
		int64_t key = json_integer_value(v);
		if (was && has_key(ol, key))
			continue;
		if ((rc = plan_list_change(p, d, key, lang, id, false, 0, true, nd, ps, fs)) != 0)
			goto out;
	}
	plan_sitemap(p, &site->cfg, lang, id);
	/*
	 * The group's sitemap files list this article's address among their
	 * alternates: they change only if it moves, comes or goes, or the
	 * group changes.
	 */
	if (was && is && olddir && newdir && strcmp(olddir, newdir) == 0 &&
	    json_equal(json_object_get(old, "group"), json_object_get(now, "group")))
		goto langs;
	json_array_foreach(json_object_get(old, "group"), i, v)
	{
		const struct article *m = pub_data_article(d, json_integer_value(v));
		if (m)
			plan_sitemap(p, &site->cfg, m->lang, m->id);
	}
	json_array_foreach(json_object_get(now, "group"), i, v)
	{
		const struct article *m = pub_data_article(d, json_integer_value(v));
		if (m)
			plan_sitemap(p, &site->cfg, m->lang, m->id);
	}
langs:
	plan_lang(p, p->langs, &p->nlangs, lang);
out:
	json_decref(now);
	return rc;
}

static void plan_finish(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->lists.cap; i++)
		if (p->lists.keys[i] != INT64_MIN) {
			struct list_plan *lp = p->lists.vals[i];
			free((char *)lp->list.lang);
			free(lp->pages);
			free(lp);
		}
	for (i = 0; i < p->gone.cap; i++)
		if (p->gone.keys[i] != INT64_MIN)
			free(p->gone.vals[i]);
	imap_finish(&p->articles);
	imap_finish(&p->gone);
	imap_finish(&p->redirects);
	imap_finish(&p->lists);
	imap_finish(&p->sitemaps);
	for (i = 0; i < p->nlangs; i++)
		free(p->langs[i]);
	for (i = 0; i < p->nrebuild; i++)
		free(p->rebuild[i]);
}

/* ---- executing it -------------------------------------------------- */

static int execute(struct plan *p, struct pub_ctx *c)
{
	size_t i, j;

	for (i = 0; i < p->gone.cap; i++)
		if (p->gone.keys && p->gone.keys[i] != INT64_MIN) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/index.html", (char *)p->gone.vals[i]);
			if (pub_unlink(c->w, path) != 0)
				return -1;
		}
	log_trace("start");
	for (i = 0; i < p->articles.cap; i++)
		if (p->articles.keys && p->articles.keys[i] != INT64_MIN)
			if (pub_page_article(c, p->articles.keys[i]) != 0)
				return -1;
	log_trace("articles");
	for (i = 0; i < p->redirects.cap; i++)
		if (p->redirects.keys && p->redirects.keys[i] != INT64_MIN)
			if (pub_page_redirects(c, p->redirects.keys[i], 0, false) != 0)
				return -1;
	log_trace("redirects");
	for (i = 0; i < p->lists.cap; i++) {
		struct list_plan *lp;
		if (p->lists.keys == NULL || p->lists.keys[i] == INT64_MIN)
			continue;
		lp = p->lists.vals[i];
		if (lp->list.kind == PL_SITE)
			continue; /* with the root pages */
		for (j = 0; j < lp->npages; j++)
			if ((lp->from == 0 || lp->pages[j] < lp->from) &&
			    pub_page_list(c, &lp->list, lp->pages[j]) != 0)
				return -1;
		if (lp->from) {
			if (pub_page_list_from(c, &lp->list, lp->from) != 0)
				return -1;
		} else if (lp->head && (pub_page_list(c, &lp->list, 0) != 0 ||
		                        pub_page_feeds(c, &lp->list) != 0)) {
			return -1;
		}
		log_trace(lp->list.kind == PL_SECTION  ? "  section"
		          : lp->list.kind == PL_AUTHOR ? "  author"
		                                       : "  tag");
	}
	log_trace("lists");
	for (i = 0; i < p->sitemaps.cap; i++)
		if (p->sitemaps.keys && p->sitemaps.keys[i] != INT64_MIN)
			if (pub_page_sitemap(c, p->sitemaps.vals[i],
			                     KEY_ID40(p->sitemaps.keys[i])) != 0)
				return -1;
	log_trace("sitemaps");
	for (i = 0; p->moved && i < p->nlangs; i++)
		if (config_lang(&c->site->cfg, p->langs[i]) &&
		    pub_page_language(c, p->langs[i], false) != 0)
			return -1;
	log_trace("languages");
	{
		/* A new article can open a new sitemap file; every language has one. */
		const struct config *cfg = &c->site->cfg;
		int64_t maxid;
		bool added = p->moved && p->nlangs; /* edits in place add no article */
		if (added && store_article_max_id(c->store, &maxid) != STORE_OK)
			return -1;
		for (i = 0; added && i < cfg->nlangs; i++)
			if (imap_get(&p->sitemaps, (int64_t)i << 40 | maxid / PUB_SITEMAP_CHUNK) ==
			            NULL &&
			    pub_page_sitemap(c, cfg->langs[i].code, maxid / PUB_SITEMAP_CHUNK) != 0)
				return -1;
	}
	if ((p->root || p->moved) && pub_page_root(c, false) != 0)
		return -1;
	log_trace("root");
	return 0;
}

/*
 * A language without its home page (a site made before it had content
 * there, or by an older version) is built whole by the next publish, so
 * that the language switch never leads nowhere.
 */
static bool has_home(const struct site *site, const char *lang)
{
	char home[4096];

	snprintf(home, sizeof(home), "%s/%s/index.html", site->public_dir, lang);
	return fs_exists(home);
}

static bool all_homes(const struct site *site)
{
	size_t i;

	for (i = 0; i < site->cfg.nlangs; i++)
		if (!has_home(site, site->cfg.langs[i].code))
			return false;
	return true;
}

static int apply(struct site *site, struct pub_stats *stats);

int pub_apply(struct site *site, struct pub_stats *stats)
{
	int lock, rc;

	/* Cheap when nothing is queued: no lock, no work. */
	{
		struct arena *a = arena_new(0);
		int64_t *ids;
		const char **data;
		size_t n = 0;
		enum store_status st = store_queue_list(site->store, a, &ids, &data, &n);
		arena_free(a);
		if (st == STORE_OK && n == 0 && all_homes(site)) {
			if (stats)
				memset(stats, 0, sizeof(*stats));
			return 0;
		}
	}
	if ((lock = pub_lock(site)) < 0)
		return -1;
	rc = apply(site, stats);
	pub_unlock(lock);
	return rc;
}

static int apply(struct site *site, struct pub_stats *stats)
{
	struct arena *a = arena_new(0);
	struct plan p;
	struct pub_data d;
	struct pub_writer w;
	struct pub_ctx c = {0};
	struct timespec t0, t1;
	int64_t *ids;
	const char **data;
	size_t n, i;
	bool in_read = false;
	int rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&p, 0, sizeof(p));
	memset(&d, 0, sizeof(d));
	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (store_queue_list(site->store, a, &ids, &data, &n) != STORE_OK)
		goto out;
	/* A language without its home page is built whole (see all_homes). */
	for (i = 0; i < site->cfg.nlangs; i++)
		if (!has_home(site, site->cfg.langs[i].code))
			plan_lang(&p, p.rebuild, &p.nrebuild, site->cfg.langs[i].code);
	if (n == 0 && p.nrebuild == 0) {
		rc = 0;
		goto out;
	}
	/* Languages to rebuild whole are done by a scoped full build. */
	for (i = 0; i < n; i++) {
		json_error_t err;
		json_t *o = json_loads(data[i], 0, &err);
		json_t *lr = json_object_get(o, "lang_rebuild");
		if (json_is_string(lr))
			plan_lang(&p, p.rebuild, &p.nrebuild, json_string_value(lr));
		json_decref(o);
	}
	for (i = 0; i < p.nrebuild; i++) {
		struct pub_build_opts bo = {.lang = p.rebuild[i]};
		struct pub_stats bs;
		if (config_lang(&site->cfg, p.rebuild[i]) == NULL)
			continue;
		if (pub_build_unlocked(site, &bo, &bs) != 0)
			goto out;
		if (stats) {
			stats->pages += bs.pages;
			stats->written += bs.written;
			stats->removed += bs.removed;
		}
	}
	log_trace("queue");
	/*
	 * Plan and pages from one snapshot: consistent with each other even
	 * if another process commits meanwhile (its own publish follows), and
	 * one lock taken instead of one per statement.
	 */
	if (store_begin_read(site->store) != STORE_OK)
		goto out;
	in_read = true;
	if (pub_data_live(&d, site->store, &site->cfg) != 0)
		goto out;
	log_trace("sections");
	for (i = 0; i < n; i++) {
		json_error_t err;
		json_t *o = json_loads(data[i], 0, &err);
		int r = 0;
		if (o == NULL) {
			log_warn("publish note %lld is damaged (%s); run tamizdat build",
			         (long long)ids[i], err.text);
			continue;
		}
		if (json_object_get(o, "a"))
			r = plan_article(&p, site, &d, a, o);
		json_decref(o);
		if (r != 0)
			goto out;
	}
	log_trace("plan");
	pub_writer_init(&w, site->public_dir, false);
	w.graveyard = site->graveyard_dir;
	/* Compressed copies on the other core while this one renders. */
	(void)pub_writer_async(&w);
	c.site = site;
	c.data = &d;
	c.store = site->store;
	c.w = &w;
	c.a = arena_new(0);
	buf_init(&c.out);
	buf_init(&c.body);
	rc = execute(&p, &c);
	if (stats) {
		stats->pages += w.pages;
		stats->written += w.written;
	}
	if (pub_writer_finish(&w) != 0)
		rc = -1;
	arena_free(c.a);
	buf_finish(&c.out);
	buf_finish(&c.body);
	store_rollback(site->store);
	in_read = false;
	if (rc != 0)
		goto out;
	rc = -1;
	if (store_begin(site->store) != STORE_OK)
		goto out;
	for (i = 0; i < n; i++)
		if (store_queue_delete(site->store, ids[i]) != STORE_OK) {
			store_rollback(site->store);
			goto out;
		}
	if (store_commit(site->store) != STORE_OK)
		goto out;
	rc = 0;
	log_trace("done");
out:
	if (in_read)
		store_rollback(site->store);
	plan_finish(&p);
	if (d.a)
		pub_data_finish(&d);
	arena_free(a);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (stats)
		stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}
