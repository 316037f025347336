/*
 * Model access for publishing, in two modes behind one interface:
 *
 * - snapshot (full builds): everything published is read once with a few
 *   sequential scans, and every list is computed in memory;
 * - live (incremental publishes): sections are read once, articles are
 *   fetched on demand in batches, lists are answered by the store's
 *   listing index, so that a publish touches a few hundred rows whatever
 *   the size of the archive.
 *
 * Both order lists the same way -- by (date, id) -- which is what makes a
 * full build equal to any sequence of incremental publishes.
 */
#include "publish/pub_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/log.h"

/* Marks an article known not to be published (live mode). */
static const struct article unpublished;

struct mkey {
	int64_t date, id;
};

struct mlist {
	struct mkey *k;
	size_t n, cap;
};

static int lang_index(const struct config *cfg, const char *lang)
{
	size_t i;

	for (i = 0; i < cfg->nlangs; i++)
		if (strcmp(cfg->langs[i].code, lang) == 0)
			return (int)i;
	return -1;
}

static int64_t list_key(struct pub_data *d, const struct pub_list *l)
{
	switch (l->kind) {
	case PL_SITE:
		return LIST_SITE;
	case PL_SECTION:
		return store_list_section(l->id);
	case PL_TAG:
		return store_list_tag(l->id);
	case PL_AUTHOR:
		if (d->live)
			return store_list_author(d->store, l->id, l->lang);
		return 2LL << 48 | (int64_t)(lang_index(d->cfg, l->lang) + 1) << 40 | l->id;
	}
	return -1;
}

static int build_sections(struct pub_data *d)
{
	size_t i;

	for (i = 0; i < d->nsecs; i++) {
		struct section *s = &d->secs[i];
		struct pub_section *ps = arena_calloc(d->a, 1, sizeof(*ps));
		const struct pub_section *parent = s->parent_id ? imap_get(&d->sections, s->parent_id)
		                                                 : NULL;
		ps->sec = s;
		ps->nchain = parent ? parent->nchain + 1 : 1;
		ps->chain = arena_alloc(d->a, ps->nchain * sizeof(*ps->chain));
		if (parent)
			memcpy(ps->chain, parent->chain, parent->nchain * sizeof(*ps->chain));
		ps->chain[ps->nchain - 1] = s;
		imap_put(&d->sections, s->id, ps);
	}
	/* Children in tree order: count, then fill. */
	for (i = 0; i < d->nsecs; i++) {
		struct pub_section *parent;
		if (d->secs[i].parent_id == 0)
			continue;
		parent = imap_get(&d->sections, d->secs[i].parent_id);
		if (parent)
			parent->nchildren++;
	}
	for (i = 0; i < d->nsecs; i++) {
		struct pub_section *ps = imap_get(&d->sections, d->secs[i].id);
		ps->children = arena_alloc(d->a, (ps->nchildren + 1) * sizeof(*ps->children));
		ps->nchildren = 0;
	}
	for (i = 0; i < d->nsecs; i++) {
		struct pub_section *parent;
		if (d->secs[i].parent_id == 0)
			continue;
		parent = imap_get(&d->sections, d->secs[i].parent_id);
		if (parent)
			parent->children[parent->nchildren++] = &d->secs[i];
	}
	return 0;
}

static void mlist_add(struct pub_data *d, int64_t key, int64_t date, int64_t id)
{
	struct mlist *l = imap_get(&d->lists, key);

	if (l == NULL) {
		l = xcalloc(1, sizeof(*l));
		imap_put(&d->lists, key, l);
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->k = xreallocarray(l->k, l->cap, sizeof(*l->k));
	}
	l->k[l->n].date = date;
	l->k[l->n].id = id;
	l->n++;
}

static int cmp_mkey(const void *a, const void *b)
{
	const struct mkey *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int pub_data_snapshot(struct pub_data *d, struct store *s, const struct config *cfg)
{
	size_t i, j;

	memset(d, 0, sizeof(*d));
	d->store = s;
	d->cfg = cfg;
	d->a = arena_new(0);
	if (store_snapshot_load(s, d->a, &d->snap) != STORE_OK)
		return -1;
	d->secs = d->snap.sections;
	d->nsecs = d->snap.nsections;
	build_sections(d);
	for (i = 0; i < d->snap.nauthors; i++)
		imap_put(&d->authors, d->snap.authors[i].id, &d->snap.authors[i]);
	for (i = 0; i < d->snap.ntags; i++)
		imap_put(&d->tags, d->snap.tags[i].id, &d->snap.tags[i]);
	for (i = 0; i < d->snap.narticles; i++) {
		const struct article *art = &d->snap.articles[i];
		const struct pub_section *ps;
		struct pub_list l;
		if (lang_index(cfg, art->lang) < 0)
			continue; /* a language the site no longer publishes */
		ps = imap_get(&d->sections, art->section_id);
		if (ps == NULL)
			continue;
		imap_put(&d->articles, art->id, (void *)art);
		mlist_add(d, LIST_SITE, art->date, art->id);
		for (j = 0; j < ps->nchain; j++)
			mlist_add(d, store_list_section(ps->chain[j]->id), art->date, art->id);
		for (j = 0; j < art->nauthors; j++) {
			size_t k;
			for (k = 0; k < j; k++)
				if (art->authors[k].id == art->authors[j].id)
					break;
			if (k < j)
				continue;
			l = (struct pub_list){PL_AUTHOR, art->authors[j].id, art->lang};
			mlist_add(d, list_key(d, &l), art->date, art->id);
		}
		for (j = 0; j < art->ntags; j++)
			mlist_add(d, store_list_tag(art->tags[j].id), art->date, art->id);
		if (art->tgroup_id) {
			struct mlist *g = imap_get(&d->groups, art->tgroup_id);
			if (g == NULL) {
				g = xcalloc(1, sizeof(*g));
				imap_put(&d->groups, art->tgroup_id, g);
			}
			if (g->n == g->cap) {
				g->cap = g->cap ? 2 * g->cap : 4;
				g->k = xreallocarray(g->k, g->cap, sizeof(*g->k));
			}
			g->k[g->n].date = 0;
			g->k[g->n].id = art->id;
			g->n++;
		}
	}
	for (i = 0; i < d->lists.cap; i++)
		if (d->lists.vals && d->lists.keys[i] != INT64_MIN) {
			struct mlist *l = d->lists.vals[i];
			qsort(l->k, l->n, sizeof(*l->k), cmp_mkey);
		}
	return 0;
}

int pub_data_live(struct pub_data *d, struct store *s, const struct config *cfg)
{
	memset(d, 0, sizeof(*d));
	d->store = s;
	d->cfg = cfg;
	d->live = true;
	d->a = arena_new(0);
	if (store_section_list(s, d->a, NULL, &d->secs, &d->nsecs) != STORE_OK)
		return -1;
	return build_sections(d);
}

static void free_mlists(struct imap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->keys[i] != INT64_MIN) {
			struct mlist *l = m->vals[i];
			free(l->k);
			free(l);
		}
	imap_finish(m);
}

void pub_data_finish(struct pub_data *d)
{
	imap_finish(&d->sections);
	imap_finish(&d->articles);
	imap_finish(&d->authors);
	imap_finish(&d->tags);
	free_mlists(&d->lists);
	free_mlists(&d->groups);
	arena_free(d->a);
	memset(d, 0, sizeof(*d));
}

const struct pub_section *pub_data_section(struct pub_data *d, int64_t id)
{
	return imap_get(&d->sections, id);
}

const struct pub_section *pub_data_root(struct pub_data *d, const char *lang)
{
	size_t i;

	for (i = 0; i < d->nsecs; i++)
		if (d->secs[i].parent_id == 0 && strcmp(d->secs[i].lang, lang) == 0)
			return imap_get(&d->sections, d->secs[i].id);
	return NULL;
}

int pub_data_prefetch(struct pub_data *d, const int64_t *ids, size_t n)
{
	int64_t *want;
	struct article *got;
	size_t k = 0, ngot, i;

	if (!d->live || n == 0)
		return 0;
	want = xreallocarray(NULL, n, sizeof(*want));
	for (i = 0; i < n; i++)
		if (imap_get(&d->articles, ids[i]) == NULL)
			want[k++] = ids[i];
	if (k && store_article_get_many(d->store, d->a, want, k, &got, &ngot) != STORE_OK) {
		free(want);
		return -1;
	}
	for (i = 0; k && i < ngot; i++) {
		if (got[i].status == ST_PUBLISHED && lang_index(d->cfg, got[i].lang) >= 0)
			imap_put(&d->articles, got[i].id, &got[i]);
	}
	/* Remember the misses, so that they are not asked for again. */
	for (i = 0; i < k; i++)
		if (imap_get(&d->articles, want[i]) == NULL)
			imap_put(&d->articles, want[i], (void *)&unpublished);
	free(want);
	return 0;
}

const struct article *pub_data_article(struct pub_data *d, int64_t id)
{
	const struct article *a = imap_get(&d->articles, id);

	if (a == NULL && d->live) {
		if (pub_data_prefetch(d, &id, 1) != 0)
			return NULL;
		a = imap_get(&d->articles, id);
	}
	return a == &unpublished ? NULL : a;
}

int pub_data_body(struct pub_data *d, struct store *s, int64_t id, struct buf *out)
{
	(void)d;
	return store_article_body(s, id, out) == STORE_OK ? 0 : -1;
}

static int cmp_lang_order(const struct config *cfg, const struct article *x,
                          const struct article *y)
{
	return lang_index(cfg, x->lang) - lang_index(cfg, y->lang);
}

int pub_data_translations(struct pub_data *d, struct arena *a, const struct article *art,
                          const struct article ***out, size_t *n)
{
	const struct article **v = NULL;
	size_t k = 0, i, j;

	*out = NULL;
	*n = 0;
	if (art->tgroup_id == 0)
		return 0;
	if (d->live) {
		struct article *m;
		size_t nm;
		int64_t *ids;
		if (store_tgroup_members(d->store, a, art->tgroup_id, &m, &nm) != STORE_OK)
			return -1;
		ids = arena_alloc(a, (nm + 1) * sizeof(*ids));
		for (i = 0; i < nm; i++)
			ids[i] = m[i].id;
		if (pub_data_prefetch(d, ids, nm) != 0)
			return -1;
		v = arena_alloc(a, (nm + 1) * sizeof(*v));
		for (i = 0; i < nm; i++) {
			const struct article *t = pub_data_article(d, ids[i]);
			if (t && t->id != art->id)
				v[k++] = t;
		}
	} else {
		struct mlist *g = imap_get(&d->groups, art->tgroup_id);
		if (g == NULL)
			return 0;
		v = arena_alloc(a, (g->n + 1) * sizeof(*v));
		for (i = 0; i < g->n; i++) {
			const struct article *t = pub_data_article(d, g->k[i].id);
			if (t && t->id != art->id)
				v[k++] = t;
		}
	}
	/* Site language order (insertion sort: groups are small). */
	for (i = 1; i < k; i++)
		for (j = i; j > 0 && cmp_lang_order(d->cfg, v[j - 1], v[j]) > 0; j--) {
			const struct article *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	*out = v;
	*n = k;
	return 0;
}

int pub_data_list_count(struct pub_data *d, const struct pub_list *l, size_t *n)
{
	if (d->live)
		return store_list_count(d->store, list_key(d, l), n) == STORE_OK ? 0 : -1;
	const struct mlist *m = imap_get(&d->lists, list_key(d, l));
	*n = m ? m->n : 0;
	return 0;
}

int pub_data_list_range(struct pub_data *d, struct arena *a, const struct pub_list *l,
                        size_t first, size_t count, int64_t **ids, size_t *n)
{
	const struct mlist *m;
	size_t i, k = 0;
	int64_t *v;

	if (d->live) {
		if (store_list_range(d->store, a, list_key(d, l), first, count, ids, n) != STORE_OK)
			return -1;
		return pub_data_prefetch(d, *ids, *n);
	}
	*ids = NULL;
	*n = 0;
	m = imap_get(&d->lists, list_key(d, l));
	if (m == NULL || first >= m->n)
		return 0;
	if (count > m->n - first)
		count = m->n - first;
	v = arena_alloc(a, (count + 1) * sizeof(*v));
	for (i = first + count; i > first; i--)
		v[k++] = m->k[i - 1].id;
	*ids = v;
	*n = k;
	return 0;
}

int pub_data_list_count_from(struct pub_data *d, const struct pub_list *l, int64_t date,
                             int64_t id, size_t *n)
{
	const struct mlist *m;
	struct mkey key = {date, id};
	size_t lo = 0, hi;

	if (d->live) {
		struct list_key k = {date, id};
		return store_list_count_from(d->store, list_key(d, l), k, n) == STORE_OK ? 0 : -1;
	}
	m = imap_get(&d->lists, list_key(d, l));
	if (m == NULL) {
		*n = 0;
		return 0;
	}
	hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_mkey(&m->k[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*n = m->n - lo;
	return 0;
}

int pub_data_article_lists(struct pub_data *d, struct arena *a, const struct article *art,
                           struct pub_list **out, size_t *n)
{
	const struct pub_section *ps = pub_data_section(d, art->section_id);
	size_t cap = 1 + (ps ? ps->nchain : 0) + art->nauthors + art->ntags, k = 0, i, j;
	struct pub_list *v = arena_alloc(a, cap * sizeof(*v));

	v[k++] = (struct pub_list){PL_SITE, 0, NULL};
	for (i = 0; ps && i < ps->nchain; i++)
		v[k++] = (struct pub_list){PL_SECTION, ps->chain[i]->id, art->lang};
	for (i = 0; i < art->nauthors; i++) {
		for (j = 0; j < i; j++)
			if (art->authors[j].id == art->authors[i].id)
				break;
		if (j == i)
			v[k++] = (struct pub_list){PL_AUTHOR, art->authors[i].id, art->lang};
	}
	for (i = 0; i < art->ntags; i++)
		v[k++] = (struct pub_list){PL_TAG, art->tags[i].id, art->lang};
	*out = v;
	*n = k;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct render_index_entry *x = a, *y = b;

	return strcmp(x->dir, y->dir);
}

int pub_data_index(struct pub_data *d, struct arena *a, const char *lang,
                   enum pub_list_kind kind, struct render_index_entry **out, size_t *n)
{
	struct render_index_entry *v = NULL;
	size_t k = 0, cap = 0, i;

	if (d->live) {
		struct store_count *cv;
		size_t nc;
		if ((kind == PL_AUTHOR ? store_author_counts(d->store, a, lang, &cv, &nc)
		                       : store_tag_counts(d->store, a, lang, &cv, &nc)) != STORE_OK)
			return -1;
		v = arena_alloc(a, (nc + 1) * sizeof(*v));
		for (i = 0; i < nc; i++) {
			v[k].name = cv[i].name;
			v[k].dir = arena_strcat(a, lang, kind == PL_AUTHOR ? "/authors/" : "/tags/",
			                        cv[i].slug, NULL);
			v[k].count = cv[i].n;
			k++;
		}
	} else {
		size_t total = kind == PL_AUTHOR ? d->snap.nauthors : d->snap.ntags;
		v = arena_alloc(a, (total + 1) * sizeof(*v));
		cap = total;
		for (i = 0; i < cap; i++) {
			struct pub_list l;
			const struct mlist *m;
			if (kind == PL_AUTHOR) {
				l = (struct pub_list){PL_AUTHOR, d->snap.authors[i].id, lang};
			} else {
				if (strcmp(d->snap.tags[i].lang, lang) != 0)
					continue;
				l = (struct pub_list){PL_TAG, d->snap.tags[i].id, lang};
			}
			m = imap_get(&d->lists, list_key(d, &l));
			if (m == NULL || m->n == 0)
				continue;
			if (kind == PL_AUTHOR) {
				v[k].name = d->snap.authors[i].name;
				v[k].dir = arena_printf(a, "%s/authors/%s", lang, d->snap.authors[i].slug);
			} else {
				v[k].name = d->snap.tags[i].name;
				v[k].dir = arena_printf(a, "%s/tags/%s", lang, d->snap.tags[i].slug);
			}
			v[k].count = m->n;
			k++;
		}
	}
	qsort(v, k, sizeof(*v), cmp_entry);
	*out = v;
	*n = k;
	return 0;
}

const struct author *pub_data_author(struct pub_data *d, int64_t id)
{
	struct author *au = imap_get(&d->authors, id);

	if (au == NULL && d->live) {
		au = arena_alloc(d->a, sizeof(*au));
		if (store_author_get(d->store, d->a, id, au) != STORE_OK)
			return NULL;
		imap_put(&d->authors, id, au);
	}
	return au;
}

const struct tag *pub_data_tag(struct pub_data *d, int64_t id)
{
	struct tag *t = imap_get(&d->tags, id);

	if (t == NULL && d->live) {
		struct tag *all;
		size_t n, i;
		/* Tags are few; load them all once. */
		if (store_tag_list(d->store, d->a, NULL, &all, &n) != STORE_OK)
			return NULL;
		for (i = 0; i < n; i++)
			imap_put(&d->tags, all[i].id, &all[i]);
		t = imap_get(&d->tags, id);
	}
	return t;
}
