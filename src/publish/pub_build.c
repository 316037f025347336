/*
 * Full builds: every page of the site (or of one language) rendered from
 * one consistent snapshot of the store, on all cores.  Each thread has its
 * own store connection (for article bodies), writer, arena and buffers;
 * the snapshot itself is read-only while the threads run.  Afterwards,
 * files that no page produced are removed, so public/ holds exactly the
 * site.
 */
#include "publish/pub_int.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/log.h"
#include "util/progress.h"

/* More threads than cores only adds contention on the file system. */
#define PUB_MAX_THREADS 16

enum job_kind { JOB_ARTICLE, JOB_LIST, JOB_LANG, JOB_SITEMAP, JOB_REDIRECT, JOB_ROOT };

struct job {
	enum job_kind kind;
	struct pub_list list; /* JOB_LIST */
	int64_t id;           /* article id, sitemap chunk, redirect index */
	const char *lang;
};

struct build {
	struct site *site;
	struct pub_data data;
	struct job *jobs;
	size_t njobs, cap;
	/*
	 * Jobs are taken from both ends of the list, one end per thread of a
	 * pair, so that two threads rarely create files in the same folder
	 * (the file system serialises those).  take() hands out each job once.
	 */
	pthread_mutex_t take_lock;
	size_t front, back;
	atomic_size_t done;
	atomic_int failed;
	const char *lang; /* scope */
	struct progress progress;
	pthread_mutex_t lock; /* error message, progress */
	char error[1024];
	bool fresh;
};

struct worker {
	struct build *b;
	struct pub_writer w;
	pthread_t thread;
	bool main;
	bool from_back;
};

/* The next job for a worker, or (size_t)-1 when none is left. */
static size_t take(struct build *b, bool from_back)
{
	size_t i = (size_t)-1;

	pthread_mutex_lock(&b->take_lock);
	if (b->front < b->back)
		i = from_back ? --b->back : b->front++;
	pthread_mutex_unlock(&b->take_lock);
	return i;
}

static void add_job(struct build *b, struct job j)
{
	if (b->njobs == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 1024;
		b->jobs = xreallocarray(b->jobs, b->cap, sizeof(*b->jobs));
	}
	b->jobs[b->njobs++] = j;
}

static bool in_scope(const struct build *b, const char *lang)
{
	return b->lang == NULL || strcmp(b->lang, lang) == 0;
}

/*
 * Does a language's build write redirect r?  A redirect inside a
 * language's folder ("en/old/slug") belongs to that language; one outside
 * them all (an imported site's "2019/05/slug", "p/123") to the language of
 * the page it leads to.
 */
static bool redirect_in_scope(struct build *b, const struct redirect *r)
{
	const struct config *cfg = &b->site->cfg;
	size_t n = strcspn(r->path, "/"), i;

	if (b->lang == NULL)
		return true;
	for (i = 0; i < cfg->nlangs; i++)
		if (strlen(cfg->langs[i].code) == n && strncmp(cfg->langs[i].code, r->path, n) == 0)
			return strcmp(b->lang, cfg->langs[i].code) == 0;
	if (r->article_id) {
		const struct article *art = pub_data_article(&b->data, r->article_id);
		return art && strcmp(art->lang, b->lang) == 0;
	}
	{
		const struct pub_section *ps = pub_data_section(&b->data, r->section_id);
		return ps && strcmp(ps->sec->lang, b->lang) == 0;
	}
}

static int run_job(struct pub_ctx *c, struct build *b, const struct job *j)
{
	switch (j->kind) {
	case JOB_ARTICLE:
		return pub_page_article(c, j->id);
	case JOB_LIST:
		return pub_page_list_from(c, &j->list, 1);
	case JOB_LANG:
		return pub_page_language(c, j->lang, true);
	case JOB_SITEMAP:
		return pub_page_sitemap(c, j->lang, j->id);
	case JOB_REDIRECT: {
		const struct redirect *r = &b->data.snap.redirects[j->id];
		struct buf target = BUF_INIT, path = BUF_INIT;
		const char *lang = NULL, *title = NULL;
		int rc = 0;
		if (r->article_id) {
			const struct article *art = pub_data_article(&b->data, r->article_id);
			if (art) {
				model_article_dir(&target, art->lang, art->section_path, art->slug);
				lang = art->lang;
				title = art->title;
			}
		} else {
			const struct pub_section *ps = pub_data_section(&b->data, r->section_id);
			if (ps) {
				model_section_dir(&target, ps->sec->lang, ps->sec->path);
				lang = ps->sec->lang;
				title = ps->sec->title;
			}
		}
		if (lang) {
			buf_printf(&path, "%s/index.html", r->path);
			rc = render_redirect_page(&c->site->rs, c->a, lang, r->path, target.p, title,
			                          &c->out);
			if (rc == 0)
				rc = pub_write(c->w, path.p, c->out.p, c->out.n);
			buf_reset(&c->out);
			arena_reset(c->a);
		}
		buf_finish(&target);
		buf_finish(&path);
		return rc;
	}
	case JOB_ROOT:
		return pub_page_root(c, true);
	}
	return 0;
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct build *b = wk->b;
	struct pub_ctx c = {0};
	size_t i;

	c.site = b->site;
	c.data = &b->data;
	c.w = &wk->w;
	c.a = arena_new(0);
	buf_init(&c.out);
	buf_init(&c.body);
	if (wk->main) {
		c.store = b->site->store;
	} else if (store_open(b->site->db_path, STORE_READONLY, &c.store) != STORE_OK ||
	           store_set_bulk(c.store) != STORE_OK) {
		pthread_mutex_lock(&b->lock);
		snprintf(b->error, sizeof(b->error), "%s", log_reason());
		pthread_mutex_unlock(&b->lock);
		atomic_store(&b->failed, 1);
		goto out;
	}
	while (!atomic_load(&b->failed) && (i = take(b, wk->from_back)) != (size_t)-1) {
		if (run_job(&c, b, &b->jobs[i]) != 0) {
			pthread_mutex_lock(&b->lock);
			if (!b->error[0])
				snprintf(b->error, sizeof(b->error), "%s", log_reason());
			pthread_mutex_unlock(&b->lock);
			atomic_store(&b->failed, 1);
			break;
		}
		atomic_fetch_add(&b->done, 1);
		if (wk->main) {
			size_t d = atomic_load(&b->done);
			progress_step(&b->progress, d - b->progress.done);
		}
	}
out:
	if (!wk->main)
		store_close(c.store);
	arena_free(c.a);
	buf_finish(&c.out);
	buf_finish(&c.body);
	return NULL;
}

/* Article jobs in folder order, so that a thread fills one folder at a time. */
static int cmp_article_folder(const void *x, const void *y)
{
	const struct article *a = *(const struct article *const *)x;
	const struct article *b = *(const struct article *const *)y;
	int c = strcmp(a->lang, b->lang);

	if (c == 0)
		c = strcmp(a->section_path, b->section_path);
	return c ? c : (a->id < b->id ? -1 : a->id > b->id);
}

static void plan(struct build *b)
{
	const struct config *cfg = &b->site->cfg;
	const struct store_snapshot *s = &b->data.snap;
	struct imap seen_authors = IMAP_INIT;
	int64_t maxid = 0;
	size_t i, j, k;

	/* Lists first: they are many small jobs that balance the big article ones. */
	for (i = 0; i < b->data.nsecs; i++)
		if (in_scope(b, b->data.secs[i].lang) && config_lang(cfg, b->data.secs[i].lang))
			add_job(b, (struct job){.kind = JOB_LIST,
			                        .list = {PL_SECTION, b->data.secs[i].id,
			                                 b->data.secs[i].lang}});
	{
		const struct article **order = xreallocarray(NULL, s->narticles + 1, sizeof(*order));
		for (i = 0; i < s->narticles; i++)
			order[i] = &s->articles[i];
		qsort(order, s->narticles, sizeof(*order), cmp_article_folder);
		for (i = 0; i < s->narticles; i++)
			if (in_scope(b, order[i]->lang) && pub_data_article(&b->data, order[i]->id))
				add_job(b, (struct job){.kind = JOB_ARTICLE, .id = order[i]->id});
		free(order);
	}
	for (i = 0; i < s->narticles; i++) {
		const struct article *art = &s->articles[i];
		if (!in_scope(b, art->lang) || pub_data_article(&b->data, art->id) == NULL)
			continue;
		for (j = 0; j < art->nauthors; j++) {
			/* One job per (author, language). */
			int64_t key = art->authors[j].id * 64 + (int64_t)(config_lang(cfg, art->lang) -
			                                                     cfg->langs);
			if (imap_get(&seen_authors, key))
				continue;
			imap_put(&seen_authors, key, (void *)1);
			add_job(b, (struct job){.kind = JOB_LIST,
			                        .list = {PL_AUTHOR, art->authors[j].id, art->lang}});
		}
	}
	imap_finish(&seen_authors);
	for (i = 0; i < s->ntags; i++)
		if (in_scope(b, s->tags[i].lang) && config_lang(cfg, s->tags[i].lang))
			add_job(b, (struct job){.kind = JOB_LIST,
			                        .list = {PL_TAG, s->tags[i].id, s->tags[i].lang}});
	for (i = 0; i < s->nredirects; i++)
		if (redirect_in_scope(b, &s->redirects[i]))
			add_job(b, (struct job){.kind = JOB_REDIRECT, .id = (int64_t)i});
	store_article_max_id(b->site->store, &maxid);
	for (i = 0; i < cfg->nlangs; i++) {
		if (!in_scope(b, cfg->langs[i].code))
			continue;
		add_job(b, (struct job){.kind = JOB_LANG, .lang = cfg->langs[i].code});
		for (k = 0; k <= (size_t)(maxid / PUB_SITEMAP_CHUNK); k++)
			add_job(b, (struct job){.kind = JOB_SITEMAP, .id = (int64_t)k,
			                        .lang = cfg->langs[i].code});
	}
	add_job(b, (struct job){.kind = JOB_ROOT});
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Folders of public/ that no page writes and a build must not sweep:
 * mirror/ holds the signed bundle `mirror pack` made (mirror.h), which
 * mirrors fetch until the next pack replaces it.
 */
static const char *const kept_dirs[] = {"mirror"};

static bool kept(const char *rel)
{
	size_t i;

	for (i = 0; i < NELEM(kept_dirs); i++)
		if (strcmp(rel, kept_dirs[i]) == 0)
			return true;
	return false;
}

struct sweep {
	char **keep;
	size_t nkeep;
	size_t rootlen;
	size_t removed;
	int rc;
	const char *graveyard;
};

static void sweep_dir(struct sweep *sw, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		const char *rel;
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (kept(path + sw->rootlen + 1))
				continue;
			sweep_dir(sw, path);
			rmdir(path); /* only succeeds when empty */
			continue;
		}
		rel = path + sw->rootlen + 1;
		if (bsearch(&rel, sw->keep, sw->nkeep, sizeof(char *), cmp_str))
			continue;
		if (fs_bury(path, sw->graveyard) == 0)
			sw->removed++;
	}
	closedir(d);
}

static long ncores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n;
}

int pub_build(struct site *site, const struct pub_build_opts *opts, struct pub_stats *stats)
{
	int lock = pub_lock(site), rc;

	if (lock < 0)
		return -1;
	rc = pub_build_unlocked(site, opts, stats);
	pub_unlock(lock);
	return rc;
}

int pub_build_unlocked(struct site *site, const struct pub_build_opts *opts,
                       struct pub_stats *stats)
{
	struct build *b = xcalloc(1, sizeof(*b));
	struct worker *wk = NULL;
	struct timespec t0, t1;
	unsigned nthreads, i;
	size_t total = 0, k;
	char **keep = NULL;
	int rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	b->site = site;
	b->lang = opts && opts->lang ? opts->lang : NULL;
	pthread_mutex_init(&b->lock, NULL);
	pthread_mutex_init(&b->take_lock, NULL);
	if (b->lang && config_lang(&site->cfg, b->lang) == NULL) {
		log_fail("language \"%s\" is not one of the site's (see: tamizdat.ini languages)",
		         b->lang);
		goto out;
	}
	if (fs_mkdirs(site->public_dir) != 0)
		goto out;
	b->fresh = fs_dir_empty(site->public_dir);
	if (store_set_bulk(site->store) != STORE_OK || store_begin_read(site->store) != STORE_OK)
		goto out;
	if (pub_data_snapshot(&b->data, site->store, &site->cfg) != 0) {
		store_rollback(site->store);
		goto out;
	}
	plan(b);
	b->back = b->njobs;
	progress_init(&b->progress, "building", b->njobs);
	if (!(opts && opts->progress))
		b->progress.enabled = 0;

	nthreads = opts && opts->threads ? opts->threads : (unsigned)ncores();
	if (nthreads > PUB_MAX_THREADS)
		nthreads = PUB_MAX_THREADS;
	wk = xcalloc(nthreads, sizeof(*wk));
	for (i = 0; i < nthreads; i++) {
		wk[i].b = b;
		wk[i].main = i == 0;
		wk[i].from_back = i % 2 == 1;
		pub_writer_init(&wk[i].w, site->public_dir, true);
		/* Into an empty folder no file is replaced: nothing to set aside. */
		wk[i].w.graveyard = b->fresh ? NULL : site->graveyard_dir;
		wk[i].w.fresh = b->fresh;
	}
	for (i = 1; i < nthreads; i++)
		if (pthread_create(&wk[i].thread, NULL, work, &wk[i]) != 0)
			fatal("cannot start a build thread");
	work(&wk[0]);
	for (i = 1; i < nthreads; i++)
		pthread_join(wk[i].thread, NULL);
	store_rollback(site->store); /* end the read snapshot */
	progress_finish(&b->progress);
	if (atomic_load(&b->failed)) {
		log_fail("%s", b->error);
		goto out;
	}

	/* Stale files: whatever no page wrote, within the build's scope. */
	for (i = 0; i < nthreads; i++)
		total += wk[i].w.npaths;
	keep = xreallocarray(NULL, total + 1, sizeof(char *));
	total = 0;
	for (i = 0; i < nthreads; i++)
		for (k = 0; k < wk[i].w.npaths; k++)
			keep[total++] = wk[i].w.paths[k];
	if (!b->fresh) {
		struct sweep sw = {keep, total, strlen(site->public_dir), 0, 0, site->graveyard_dir};
		qsort(keep, total, sizeof(char *), cmp_str);
		if (b->lang) {
			char dir[4096];
			snprintf(dir, sizeof(dir), "%s/%s", site->public_dir, b->lang);
			sweep_dir(&sw, dir);
		} else {
			sweep_dir(&sw, site->public_dir);
		}
		if (stats)
			stats->removed = sw.removed;
	}
	if (stats) {
		stats->pages = 0;
		stats->written = 0;
		for (i = 0; i < nthreads; i++) {
			stats->pages += wk[i].w.pages;
			stats->written += wk[i].w.written;
		}
	}
	/* Anything queued is covered by this build. */
	if (b->lang == NULL) {
		struct arena *a = arena_new(0);
		int64_t *ids;
		const char **data;
		size_t n;
		if (store_queue_list(site->store, a, &ids, &data, &n) == STORE_OK)
			for (k = 0; k < n; k++)
				store_queue_delete(site->store, ids[k]);
		arena_free(a);
	}
	rc = 0;
out:
	free(keep);
	if (wk) {
		for (i = 0; i < nthreads; i++)
			pub_writer_finish(&wk[i].w);
		free(wk);
	}
	if (b->data.a)
		pub_data_finish(&b->data);
	free(b->jobs);
	pthread_mutex_destroy(&b->lock);
	pthread_mutex_destroy(&b->take_lock);
	free(b);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (stats)
		stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}
