/*
 * Redirects: the old folders of articles and sections that moved or were
 * renamed, so that links from elsewhere keep working.  Publishing writes a
 * small redirect page at each.
 */
#include "store/store_int.h"

#include <string.h>

#include "util/arena.h"
#include "util/log.h"

enum store_status store_redirect_add(struct store *s, const char *path, int64_t article_id,
                                     int64_t section_id)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO redirect(path, article_id, section_id) "
	                                 "VALUES (?1, ?2, ?3) ON CONFLICT(path) DO UPDATE SET "
	                                 "article_id = ?2, section_id = ?3");

	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, path);
	if (article_id)
		sqlite3_bind_int64(st, 2, article_id);
	if (section_id)
		sqlite3_bind_int64(st, 3, section_id);
	return sqlite3_step(st) == SQLITE_DONE ? STORE_OK : store_fail(s, "redirect");
}

enum store_status store_redirect_drop(struct store *s, const char *path)
{
	sqlite3_stmt *st = store_stmt(s, "DELETE FROM redirect WHERE path = ?");

	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, path);
	return sqlite3_step(st) == SQLITE_DONE ? STORE_OK : store_fail(s, "redirect");
}

static enum store_status collect(struct store *s, struct arena *a, sqlite3_stmt *st,
                                 struct redirect **out, size_t *n)
{
	size_t cap = 8, k = 0;
	struct redirect *v = arena_alloc(a, cap * sizeof(*v));
	int r;

	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct redirect *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		v[k].path = store_col_text(a, st, 0);
		v[k].article_id = sqlite3_column_int64(st, 1);
		v[k].section_id = sqlite3_column_int64(st, 2);
		k++;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "redirect");
	*out = v;
	*n = k;
	return STORE_OK;
}

enum store_status store_redirect_list(struct store *s, struct arena *a, int64_t article_id,
                                      int64_t section_id, struct redirect **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT path, article_id, section_id FROM redirect "
	                                 "WHERE (?1 != 0 AND article_id = ?1) OR "
	                                 "(?2 != 0 AND section_id = ?2) ORDER BY path");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	sqlite3_bind_int64(st, 2, section_id);
	return collect(s, a, st, out, n);
}

enum store_status store_redirect_all(struct store *s, struct arena *a, struct redirect **out,
                                     size_t *n)
{
	sqlite3_stmt *st = store_stmt(
	        s, "SELECT r.path, r.article_id, r.section_id FROM redirect r "
	           "LEFT JOIN article a ON a.id = r.article_id "
	           "WHERE r.section_id IS NOT NULL OR a.status = 'published' ORDER BY r.path");

	if (st == NULL)
		return STORE_ERROR;
	return collect(s, a, st, out, n);
}
