/*
 * Bulk reading for full builds: every section, author, tag, published
 * article (without bodies) and live redirect in a handful of sequential
 * scans, instead of one query per article.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/log.h"

static int cmp_id(const void *a, const void *b)
{
	int64_t x = ((const struct article *)a)->id, y = ((const struct article *)b)->id;

	return x < y ? -1 : x > y;
}

static struct article *by_id(struct store_snapshot *snap, int64_t id)
{
	struct article key = {.id = id};

	return bsearch(&key, snap->articles, snap->narticles, sizeof(key), cmp_id);
}

static struct author *author_by_id(struct store_snapshot *snap, int64_t id)
{
	size_t lo = 0, hi = snap->nauthors;

	/* Authors come sorted by slug, not id: keep a linear fallback small. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (snap->authors[mid].id == id)
			return &snap->authors[mid];
		if (snap->authors[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_author_id(const void *a, const void *b)
{
	int64_t x = ((const struct author *)a)->id, y = ((const struct author *)b)->id;

	return x < y ? -1 : x > y;
}

static int cmp_tag_id(const void *a, const void *b)
{
	int64_t x = ((const struct tag *)a)->id, y = ((const struct tag *)b)->id;

	return x < y ? -1 : x > y;
}

/*
 * Attaches authors (kind 0) or tags (kind 1) to the articles, from one
 * scan of the link table ordered by article and position.
 */
static enum store_status attach(struct store *s, struct arena *a, struct store_snapshot *snap,
                                int kind)
{
	sqlite3_stmt *st = store_stmt(
	        s, kind == 0 ? "SELECT x.article_id, x.author_id FROM article_author x JOIN article "
	                       "a ON a.id = x.article_id WHERE a.status = 'published' "
	                       "ORDER BY x.article_id, x.position"
	                     : "SELECT x.article_id, x.tag_id FROM article_tag x JOIN article a "
	                       "ON a.id = x.article_id WHERE a.status = 'published' "
	                       "ORDER BY x.article_id, x.position");
	struct article *cur = NULL;
	size_t cap = 0;
	int r;

	if (st == NULL)
		return STORE_ERROR;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t aid = sqlite3_column_int64(st, 0), ref = sqlite3_column_int64(st, 1);
		if (cur == NULL || cur->id != aid) {
			cur = by_id(snap, aid);
			cap = 0;
			if (cur == NULL)
				continue;
		}
		if (kind == 0) {
			struct author *au = author_by_id(snap, ref);
			if (au == NULL)
				continue;
			if (cur->nauthors == cap) {
				struct author *w = arena_alloc(a, (cap ? 2 * cap : 2) * sizeof(*w));
				if (cap)
					memcpy(w, cur->authors, cap * sizeof(*w));
				cur->authors = w;
				cap = cap ? 2 * cap : 2;
			}
			cur->authors[cur->nauthors++] = *au;
		} else {
			struct tag key = {.id = ref}, *t;
			t = bsearch(&key, snap->tags, snap->ntags, sizeof(key), cmp_tag_id);
			if (t == NULL)
				continue;
			if (cur->ntags == cap) {
				struct tag *w = arena_alloc(a, (cap ? 2 * cap : 4) * sizeof(*w));
				if (cap)
					memcpy(w, cur->tags, cap * sizeof(*w));
				cur->tags = w;
				cap = cap ? 2 * cap : 4;
			}
			cur->tags[cur->ntags++] = *t;
		}
	}
	return r == SQLITE_DONE ? STORE_OK : store_fail(s, "snapshot");
}

enum store_status store_snapshot_load(struct store *s, struct arena *a,
                                      struct store_snapshot *out)
{
	enum store_status rc;
	sqlite3_stmt *st;
	size_t cap = 1024, k = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if ((rc = store_section_list(s, a, NULL, &out->sections, &out->nsections)) != STORE_OK)
		return rc;
	if ((rc = store_author_list(s, a, &out->authors, &out->nauthors)) != STORE_OK)
		return rc;
	qsort(out->authors, out->nauthors, sizeof(*out->authors), cmp_author_id);
	if ((rc = store_tag_list(s, a, NULL, &out->tags, &out->ntags)) != STORE_OK)
		return rc;
	qsort(out->tags, out->ntags, sizeof(*out->tags), cmp_tag_id);

	st = store_stmt(s, "SELECT a.id, a.lang, a.section_id, s.path, a.slug, a.status, a.date, "
	                   "a.surtitle, a.title, a.subtitle, a.lead, a.postscript, a.excerpt, "
	                   "a.first_published, a.source_name, a.source_url, a.original_lang, "
	                   "a.licence, a.translators, coalesce(a.tgroup_id, 0), "
	                   "coalesce(g.key, ''), a.created, a.updated, coalesce(a.rev_id, 0) "
	                   "FROM article a JOIN section s ON s.id = a.section_id "
	                   "LEFT JOIN tgroup g ON g.id = a.tgroup_id "
	                   "WHERE a.status = 'published' ORDER BY a.id");
	if (st == NULL)
		return STORE_ERROR;
	out->articles = xmalloc(cap * sizeof(*out->articles));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			cap *= 2;
			out->articles = xreallocarray(out->articles, cap, sizeof(*out->articles));
		}
		store_article_read_row(a, st, &out->articles[k++]);
	}
	if (r != SQLITE_DONE) {
		free(out->articles);
		out->articles = NULL;
		return store_fail(s, "snapshot");
	}
	/* Move the array into the arena so that its lifetime is the arena's. */
	{
		struct article *v = arena_alloc(a, (k ? k : 1) * sizeof(*v));
		if (k)
			memcpy(v, out->articles, k * sizeof(*v));
		free(out->articles);
		out->articles = v;
		out->narticles = k;
	}
	if ((rc = attach(s, a, out, 0)) != STORE_OK || (rc = attach(s, a, out, 1)) != STORE_OK)
		return rc;
	return store_redirect_all(s, a, &out->redirects, &out->nredirects);
}
