/*
 * Listings: which published articles each list page shows (site, section
 * with subsections, author per language, tag), kept as rows ordered by
 * (date, id) so that counting, ranking and paging are index lookups,
 * counted in list_count so that a list's length costs nothing, and in
 * list_bucket per stretch of dates (LIST_BUCKET_SHIFT) so that a rank or
 * a page deep in a long list is found by adding up buckets and walking
 * one of them.
 */
#include "store/store_int.h"

#include <string.h>

#include "util/arena.h"
#include "util/log.h"

/* Pages this far from the newest end are walked to; deeper ones found by buckets. */
#define RANGE_WALK_MAX 2000

/* A list key: kind in the top bits, then language (authors only), then id. */
#define LIST_KIND_SECTION 1LL
#define LIST_KIND_AUTHOR 2LL
#define LIST_KIND_TAG 3LL

int64_t store_list_section(int64_t section_id)
{
	return LIST_KIND_SECTION << 48 | section_id;
}

int64_t store_list_tag(int64_t tag_id)
{
	return LIST_KIND_TAG << 48 | tag_id;
}

int64_t store_lang_id(struct store *s, const char *lang)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id FROM lang WHERE code = ?");
	int64_t id = 0;

	if (st == NULL)
		return 0;
	store_bind_text(st, 1, lang);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (id || (s->flags & STORE_READONLY))
		return id;
	st = store_stmt(s, "INSERT INTO lang(code) VALUES (?)");
	if (st == NULL)
		return 0;
	store_bind_text(st, 1, lang);
	if (sqlite3_step(st) != SQLITE_DONE)
		return 0;
	return sqlite3_last_insert_rowid(s->db);
}

int64_t store_list_author(struct store *s, int64_t author_id, const char *lang)
{
	return LIST_KIND_AUTHOR << 48 | store_lang_id(s, lang) << 40 | author_id;
}

/* A bucket holds the dates d with d >> 20 equal (schema migration 3). */
static enum store_status count_add(struct store *s, int64_t list, int64_t date, int delta)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO list_count(list, n) VALUES (?1, ?2) "
	                                 "ON CONFLICT(list) DO UPDATE SET n = n + ?2");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, list);
	sqlite3_bind_int(st, 2, delta);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_fail(s, "listing");
	st = store_stmt(s, "INSERT INTO list_bucket(list, bucket, n) VALUES (?1, ?2 >> 20, ?3) "
	                   "ON CONFLICT(list, bucket) DO UPDATE SET n = n + ?3");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, list);
	sqlite3_bind_int64(st, 2, date);
	sqlite3_bind_int(st, 3, delta);
	return sqlite3_step(st) == SQLITE_DONE ? STORE_OK : store_fail(s, "listing");
}

enum store_status store_list_sync(struct store *s, int64_t article_id)
{
	sqlite3_stmt *st;
	int64_t lists[256], dates[256], date = 0, lang_id = 0;
	size_t n = 0, i;
	enum store_status rc;
	int r;

	/* Drop the old memberships and their counts. */
	st = store_stmt(s, "DELETE FROM listing WHERE article_id = ? RETURNING list, date");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW && n < NELEM(lists)) {
		dates[n] = sqlite3_column_int64(st, 1);
		lists[n++] = sqlite3_column_int64(st, 0);
	}
	if (r == SQLITE_ROW) {
		log_fail("article %lld is in too many lists", (long long)article_id);
		sqlite3_reset(st);
		return STORE_INVALID;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "listing");
	for (i = 0; i < n; i++)
		if ((rc = count_add(s, lists[i], dates[i], -1)) != STORE_OK)
			return rc;

	/* The lists it belongs to now, if it is published. */
	st = store_stmt(s, "SELECT a.date, l.id FROM article a JOIN lang l ON l.code = a.lang "
	                   "WHERE a.id = ? AND a.status = 'published'");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE)
		return STORE_OK;
	if (r != SQLITE_ROW)
		return store_fail(s, "listing");
	date = sqlite3_column_int64(st, 0);
	lang_id = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);

	n = 0;
	lists[n++] = LIST_SITE;
	st = store_stmt(s, "SELECT c.ancestor FROM section_closure c JOIN article a "
	                   "ON a.section_id = c.descendant WHERE a.id = ?");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW && n < NELEM(lists))
		lists[n++] = store_list_section(sqlite3_column_int64(st, 0));
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		return store_fail(s, "listing");
	sqlite3_reset(st);
	st = store_stmt(s, "SELECT DISTINCT author_id FROM article_author WHERE article_id = ?");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW && n < NELEM(lists))
		lists[n++] = LIST_KIND_AUTHOR << 48 | lang_id << 40 | sqlite3_column_int64(st, 0);
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		return store_fail(s, "listing");
	sqlite3_reset(st);
	st = store_stmt(s, "SELECT DISTINCT tag_id FROM article_tag WHERE article_id = ?");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW && n < NELEM(lists))
		lists[n++] = store_list_tag(sqlite3_column_int64(st, 0));
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		return store_fail(s, "listing");
	sqlite3_reset(st);
	if (n == NELEM(lists)) {
		log_fail("article %lld is in too many lists", (long long)article_id);
		return STORE_INVALID;
	}

	st = store_stmt(s, "INSERT INTO listing(list, date, article_id) VALUES (?, ?, ?)");
	if (st == NULL)
		return STORE_ERROR;
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, lists[i]);
		sqlite3_bind_int64(st, 2, date);
		sqlite3_bind_int64(st, 3, article_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			return store_fail(s, "listing");
		if ((rc = count_add(s, lists[i], date, 1)) != STORE_OK)
			return rc;
		st = store_stmt(s, "INSERT INTO listing(list, date, article_id) VALUES (?, ?, ?)");
		if (st == NULL)
			return STORE_ERROR;
	}
	return STORE_OK;
}

enum store_status store_list_count(struct store *s, int64_t list, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT n FROM list_count WHERE list = ?");
	int r;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, list);
	r = sqlite3_step(st);
	*n = r == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? STORE_OK : store_fail(s, "listing");
}

enum store_status store_list_count_from(struct store *s, int64_t list, struct list_key k,
                                        size_t *n)
{
	/* The buckets after k's, then k's own walked from k. */
	sqlite3_stmt *st = store_stmt(
	        s, "SELECT (SELECT coalesce(sum(n), 0) FROM list_bucket WHERE list = ?1 AND "
	           "bucket > ?2 >> 20) + (SELECT count(*) FROM listing WHERE list = ?1 AND "
	           "(date, article_id) >= (?2, ?3) AND date < ((?2 >> 20) + 1) << 20)");
	int r;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, list);
	sqlite3_bind_int64(st, 2, k.date);
	sqlite3_bind_int64(st, 3, k.id);
	r = sqlite3_step(st);
	*n = r == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return r == SQLITE_ROW ? STORE_OK : store_fail(s, "listing");
}

enum store_status store_list_range(struct store *s, struct arena *a, int64_t list, size_t first,
                                   size_t count, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st;
	size_t total, skip, k = 0;
	enum store_status rc;
	int64_t *v;
	int r;

	*ids = NULL;
	*n = 0;
	if ((rc = store_list_count(s, list, &total)) != STORE_OK)
		return rc;
	if (first >= total || count == 0)
		return STORE_OK;
	if (count > total - first)
		count = total - first;
	skip = total - first - count;
	v = arena_alloc(a, count * sizeof(*v));
	if (skip < RANGE_WALK_MAX) {
		/* Near the newest end, the pages that change most: walk there. */
		st = store_stmt(s, "SELECT article_id FROM listing WHERE list = ? "
		                   "ORDER BY date DESC, article_id DESC LIMIT ? OFFSET ?");
		if (st == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(st, 1, list);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)count);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)skip);
		while ((r = sqlite3_step(st)) == SQLITE_ROW && k < count)
			v[k++] = sqlite3_column_int64(st, 0);
	} else {
		/* Deeper: add up the buckets from the oldest to the one holding first. */
		int64_t bucket = 0;
		size_t before = 0, in;
		st = store_stmt(s,
		                "SELECT bucket, n FROM list_bucket WHERE list = ? ORDER BY bucket");
		if (st == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(st, 1, list);
		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			bucket = sqlite3_column_int64(st, 0);
			in = (size_t)sqlite3_column_int64(st, 1);
			if (before + in > first)
				break;
			before += in;
		}
		sqlite3_reset(st);
		if (r == SQLITE_DONE) {
			log_fail("list %lld: its counts are damaged", (long long)list);
			return STORE_ERROR;
		}
		if (r != SQLITE_ROW)
			return store_fail(s, "listing");
		st = store_stmt(s,
		                "SELECT article_id FROM listing WHERE list = ? AND date >= ? << 20 "
		                "ORDER BY date, article_id LIMIT ? OFFSET ?");
		if (st == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(st, 1, list);
		sqlite3_bind_int64(st, 2, bucket);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)count);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)(first - before));
		/* Oldest first here; the caller wants the newest first. */
		while ((r = sqlite3_step(st)) == SQLITE_ROW && k < count)
			v[count - 1 - k++] = sqlite3_column_int64(st, 0);
		if (k < count) {
			sqlite3_reset(st);
			log_fail("list %lld: its counts are damaged", (long long)list);
			return STORE_ERROR;
		}
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		return store_fail(s, "listing");
	*ids = v;
	*n = k;
	return STORE_OK;
}

enum store_status store_list_memberships(struct store *s, struct arena *a, int64_t article_id,
                                         int64_t **lists, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT list FROM listing WHERE article_id = ? ORDER BY list");
	size_t cap = 16, k = 0;
	int64_t *v;
	int r;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	v = arena_alloc(a, cap * sizeof(*v));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			int64_t *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		v[k++] = sqlite3_column_int64(st, 0);
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "listing");
	*lists = v;
	*n = k;
	return STORE_OK;
}

void store_list_author_range(struct store *s, const char *lang, int64_t *lo, int64_t *hi)
{
	int64_t l = store_lang_id(s, lang);

	*lo = LIST_KIND_AUTHOR << 48 | l << 40;
	*hi = LIST_KIND_AUTHOR << 48 | (l + 1) << 40;
}

enum store_status store_list_counts(struct store *s, struct arena *a, int64_t lo, int64_t hi,
                                    int64_t **lists, size_t **counts, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT list, n FROM list_count WHERE list >= ? AND "
	                                 "list < ? AND n > 0 ORDER BY list");
	size_t cap = 64, k = 0;
	int64_t *l;
	size_t *c;
	int r;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	l = arena_alloc(a, cap * sizeof(*l));
	c = arena_alloc(a, cap * sizeof(*c));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			int64_t *l2 = arena_alloc(a, 2 * cap * sizeof(*l2));
			size_t *c2 = arena_alloc(a, 2 * cap * sizeof(*c2));
			memcpy(l2, l, cap * sizeof(*l));
			memcpy(c2, c, cap * sizeof(*c));
			l = l2;
			c = c2;
			cap *= 2;
		}
		l[k] = sqlite3_column_int64(st, 0);
		c[k] = (size_t)sqlite3_column_int64(st, 1);
		k++;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "listing");
	*lists = l;
	*counts = c;
	*n = k;
	return STORE_OK;
}

enum store_status store_queue_add(struct store *s, const char *data, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO publish_queue(data) VALUES (?)");

	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, data);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_fail(s, "publish queue");
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	return STORE_OK;
}

enum store_status store_queue_list(struct store *s, struct arena *a, int64_t **ids,
                                   const char ***data, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, data FROM publish_queue ORDER BY id");
	size_t cap = 8, k = 0;
	int64_t *iv = arena_alloc(a, cap * sizeof(*iv));
	const char **dv = arena_alloc(a, cap * sizeof(*dv));
	int r;

	if (st == NULL)
		return STORE_ERROR;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			int64_t *i2 = arena_alloc(a, 2 * cap * sizeof(*i2));
			const char **d2 = arena_alloc(a, 2 * cap * sizeof(*d2));
			memcpy(i2, iv, cap * sizeof(*iv));
			memcpy(d2, dv, cap * sizeof(*dv));
			iv = i2;
			dv = d2;
			cap *= 2;
		}
		iv[k] = sqlite3_column_int64(st, 0);
		dv[k] = store_col_text(a, st, 1);
		k++;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "publish queue");
	*ids = iv;
	*data = dv;
	*n = k;
	return STORE_OK;
}

enum store_status store_queue_delete(struct store *s, int64_t id)
{
	sqlite3_stmt *st = store_stmt(s, "DELETE FROM publish_queue WHERE id = ?");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	return sqlite3_step(st) == SQLITE_DONE ? STORE_OK : store_fail(s, "publish queue");
}

static enum store_status counts(struct store *s, struct arena *a, sqlite3_stmt *st,
                                struct store_count **out, size_t *n)
{
	size_t cap = 64, k = 0;
	struct store_count *v = arena_alloc(a, cap * sizeof(*v));
	int r;

	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct store_count *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		v[k].id = sqlite3_column_int64(st, 0);
		v[k].name = store_col_text(a, st, 1);
		v[k].slug = store_col_text(a, st, 2);
		v[k].n = (size_t)sqlite3_column_int64(st, 3);
		k++;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "listing");
	*out = v;
	*n = k;
	return STORE_OK;
}

enum store_status store_author_counts(struct store *s, struct arena *a, const char *lang,
                                      struct store_count **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT au.id, au.name, au.slug, c.n FROM list_count c "
	                                 "JOIN author au ON au.id = c.list - ?1 WHERE c.list >= ?1 "
	                                 "AND c.list < ?2 AND c.n > 0");
	int64_t lo, hi;

	if (st == NULL)
		return STORE_ERROR;
	store_list_author_range(s, lang, &lo, &hi);
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	return counts(s, a, st, out, n);
}

enum store_status store_tag_counts(struct store *s, struct arena *a, const char *lang,
                                   struct store_count **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT t.id, t.name, t.slug, c.n FROM tag t JOIN "
	                                 "list_count c ON c.list = ?1 + t.id WHERE t.lang = ?2 "
	                                 "AND c.n > 0");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, LIST_KIND_TAG << 48);
	store_bind_text(st, 2, lang);
	return counts(s, a, st, out, n);
}
