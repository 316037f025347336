/*
 * Sections: a tree per language, kept with its closure table (every
 * ancestor/descendant pair) so that "this section and everything below"
 * is one indexed lookup.
 */
#include "store/store_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/slug.h"
#include "util/imap.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

#define SECTION_COLS "id, parent_id, lang, slug, path, title, description, position, depth"

static void read_section(struct arena *a, sqlite3_stmt *st, struct section *out)
{
	out->id = sqlite3_column_int64(st, 0);
	out->parent_id = sqlite3_column_int64(st, 1);
	out->lang = store_col_text(a, st, 2);
	out->slug = store_col_text(a, st, 3);
	out->path = store_col_text(a, st, 4);
	out->title = store_col_text(a, st, 5);
	out->description = store_col_text(a, st, 6);
	out->position = sqlite3_column_int(st, 7);
	out->depth = sqlite3_column_int(st, 8);
}

static bool lang_valid(const char *lang)
{
	size_t n = strlen(lang), i;

	if (n < 2 || n > 8)
		return false;
	for (i = 0; i < n; i++)
		if (!((lang[i] >= 'a' && lang[i] <= 'z') || (lang[i] == '-' && i >= 2)))
			return false;
	return true;
}

enum store_status store_section_get(struct store *s, struct arena *a, int64_t id,
                                    struct section *out)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " SECTION_COLS " FROM section WHERE id = ?");
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_section(a, st, out);
		sqlite3_reset(st);
		return STORE_OK;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, "section");
	log_fail("section %lld not found (see: tamizdat section list)", (long long)id);
	return STORE_NOT_FOUND;
}

enum store_status store_section_find(struct store *s, struct arena *a, const char *lang,
                                     const char *path, struct section *out)
{
	sqlite3_stmt *st =
	        store_stmt(s, "SELECT " SECTION_COLS " FROM section WHERE lang = ? AND path = ?");
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, lang);
	store_bind_text(st, 2, path);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_section(a, st, out);
		sqlite3_reset(st);
		return STORE_OK;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, "section");
	log_fail("section \"%s%s%s\" not found (see: tamizdat section list)", lang,
	         *path ? "/" : "", path);
	return STORE_NOT_FOUND;
}

/* Adds the closure rows of a new section: itself, and its parent's ancestors. */
static enum store_status closure_add(struct store *s, int64_t id, int64_t parent)
{
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO section_closure(ancestor, descendant, depth) "
	                                 "SELECT ancestor, ?1, depth + 1 FROM section_closure "
	                                 "WHERE descendant = ?2 UNION ALL SELECT ?1, ?1, 0");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, parent);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_fail(s, "section");
	return STORE_OK;
}

static enum store_status ensure_root(struct store *s, const char *lang, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if (!lang_valid(lang)) {
		log_fail("invalid language code \"%s\" (use a code such as en, fr, ru, uk)", lang);
		return STORE_INVALID;
	}
	st = store_stmt(s, "SELECT id FROM section WHERE lang = ? AND path = ''");
	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, lang);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return STORE_OK;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, "section");
	st = store_stmt(s, "INSERT INTO section(lang, parent_id, slug, path, title, depth) "
	                   "VALUES (?, NULL, '', '', ?, 0)");
	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, lang);
	store_bind_text(st, 2, lang);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_fail(s, "section");
	*id = sqlite3_last_insert_rowid(s->db);
	store_lang_id(s, lang);
	return closure_add(s, *id, 0);
}

/* Would slug, placed under parent, take the folder of an article? */
static enum store_status check_free(struct store *s, int64_t parent, const char *slug,
                                    int64_t self)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT 1 FROM article WHERE section_id = ? AND slug = ? "
	                                 "UNION ALL SELECT 1 FROM section WHERE parent_id = ? "
	                                 "AND slug = ? AND id != ?");
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, parent);
	store_bind_text(st, 2, slug);
	sqlite3_bind_int64(st, 3, parent);
	store_bind_text(st, 4, slug);
	sqlite3_bind_int64(st, 5, self);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		log_fail("\"%s\" is already used by an article or section there", slug);
		return STORE_EXISTS;
	}
	return rc == SQLITE_DONE ? STORE_OK : store_fail(s, "section");
}

enum store_status store_section_add(struct store *s, const char *lang, const char *path,
                                    const char *title, const char *description, int position,
                                    int64_t *id)
{
	struct arena *a = arena_new(0);
	struct section parent;
	const char *slash, *slug;
	char *parent_path;
	int64_t root = 0, newid;
	enum store_status rc;
	sqlite3_stmt *st;

	if ((rc = ensure_root(s, lang, &root)) != STORE_OK)
		goto out;
	if (path == NULL || *path == '\0') {
		/* The language root: only its title and description can be set. */
		rc = store_section_update(s, root, title, description, -1);
		if (id)
			*id = root;
		goto out;
	}
	if (title == NULL || *title == '\0') {
		log_fail("section \"%s/%s\": a title is required (--title)", lang, path);
		rc = STORE_INVALID;
		goto out;
	}
	slash = strrchr(path, '/');
	slug = slash ? slash + 1 : path;
	parent_path = arena_strndup(a, path, slash ? (size_t)(slash - path) : 0);
	if (!slug_valid(slug, strlen(slug))) {
		log_fail("section \"%s/%s\": \"%s\" is not a valid slug (lower-case a-z, 0-9 and "
		         "single hyphens)",
		         lang, path, slug);
		rc = STORE_INVALID;
		goto out;
	}
	if (model_slug_reserved(slug, slash == NULL)) {
		log_fail("section \"%s/%s\": \"%s\" is reserved for the site's own pages; choose "
		         "another slug",
		         lang, path, slug);
		rc = STORE_INVALID;
		goto out;
	}
	if ((rc = store_section_find(s, a, lang, parent_path, &parent)) != STORE_OK) {
		log_fail("section \"%s/%s\": parent section \"%s/%s\" not found (add it first)",
		         lang, path, lang, parent_path);
		goto out;
	}
	if ((rc = check_free(s, parent.id, slug, 0)) != STORE_OK)
		goto out;
	st = store_stmt(s, "INSERT INTO section(lang, parent_id, slug, path, title, description, "
	                   "position, depth) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	store_bind_text(st, 1, lang);
	sqlite3_bind_int64(st, 2, parent.id);
	store_bind_text(st, 3, slug);
	store_bind_text(st, 4, path);
	store_bind_text(st, 5, title);
	store_bind_text(st, 6, description);
	sqlite3_bind_int(st, 7, position);
	sqlite3_bind_int(st, 8, parent.depth + 1);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, "section");
		if (rc == STORE_EXISTS)
			log_fail("section \"%s/%s\" already exists", lang, path);
		goto out;
	}
	newid = sqlite3_last_insert_rowid(s->db);
	if ((rc = closure_add(s, newid, parent.id)) != STORE_OK)
		goto out;
	if ((rc = store_redirect_drop(s, arena_printf(a, "%s/%s", lang, path))) != STORE_OK)
		goto out;
	if (id)
		*id = newid;
out:
	arena_free(a);
	return rc;
}

enum store_status store_section_update(struct store *s, int64_t id, const char *title,
                                       const char *description, int position)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE section SET title = coalesce(?, title), "
	                                 "description = coalesce(?, description), "
	                                 "position = coalesce(?, position) WHERE id = ?");

	if (st == NULL)
		return STORE_ERROR;
	if (title && *title)
		store_bind_text(st, 1, title);
	if (description)
		store_bind_text(st, 2, description);
	if (position >= 0)
		sqlite3_bind_int(st, 3, position);
	sqlite3_bind_int64(st, 4, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_fail(s, "section");
	if (sqlite3_changes(s->db) == 0) {
		log_fail("section %lld not found (see: tamizdat section list)", (long long)id);
		return STORE_NOT_FOUND;
	}
	return STORE_OK;
}

static enum store_status ids_query(struct store *s, struct arena *a, const char *sql, int64_t id,
                                   int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	size_t cap = 16, k = 0;
	int64_t *v;
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	v = arena_alloc(a, cap * sizeof(*v));
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			int64_t *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		v[k++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, "section");
	*ids = v;
	*n = k;
	return STORE_OK;
}

enum store_status store_section_chain(struct store *s, struct arena *a, int64_t id,
                                      int64_t **ids, size_t *n)
{
	return ids_query(s, a,
	                 "SELECT ancestor FROM section_closure WHERE descendant = ? "
	                 "ORDER BY depth DESC",
	                 id, ids, n);
}

enum store_status store_section_subtree(struct store *s, struct arena *a, int64_t id,
                                        int64_t **ids, size_t *n)
{
	return ids_query(s, a,
	                 "SELECT descendant FROM section_closure WHERE ancestor = ? "
	                 "ORDER BY depth, descendant",
	                 id, ids, n);
}

/* The scan order store_section_list() builds the tree from: parent, language, position, slug. */
static int cmp_tree_scan(const void *pa, const void *pb)
{
	const struct section *a = pa, *b = pb;
	int c;

	if (a->parent_id != b->parent_id)
		return a->parent_id < b->parent_id ? -1 : 1;
	if ((c = strcmp(a->lang, b->lang)) != 0)
		return c;
	if (a->position != b->position)
		return a->position < b->position ? -1 : 1;
	return strcmp(a->slug, b->slug);
}

enum store_status store_section_list(struct store *s, struct arena *a, const char *lang,
                                     struct section **out, size_t *n)
{
	/*
	 * Tree order -- parents first, children by position then slug -- made
	 * here from one scan sorted so that children of one parent come
	 * together.  The sort is done here: SQLite's sorter cost a publish a
	 * millisecond at a thousand sections, four times this qsort.
	 */
	sqlite3_stmt *st = store_stmt(s, "SELECT " SECTION_COLS " FROM section WHERE ?1 IS NULL OR "
	                                 "lang = ?1");
	size_t cap = 64, k = 0, i, sp = 0, nout = 0;
	struct section *v, *res;
	struct imap first = IMAP_INIT; /* parent id -> 1 + index of its first child */
	size_t *stack;
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	if (lang)
		store_bind_text(st, 1, lang);
	v = arena_alloc(a, cap * sizeof(*v));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct section *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		read_section(a, st, &v[k++]);
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, "section list");
	qsort(v, k, sizeof(*v), cmp_tree_scan);
	for (i = k; i > 0; i--)
		imap_put(&first, v[i - 1].parent_id, (void *)(uintptr_t)i);
	res = arena_alloc(a, (k + 1) * sizeof(*res));
	stack = xreallocarray(NULL, k + 1, sizeof(*stack));
	/* Roots (parent 0) are first in the scan, sorted by language. */
	for (i = k; i > 0; i--)
		if (v[i - 1].parent_id == 0)
			stack[sp++] = i - 1;
	while (sp > 0) {
		size_t cur = stack[--sp], c0;
		uintptr_t f = (uintptr_t)imap_get(&first, v[cur].id);
		res[nout++] = v[cur];
		if (f == 0)
			continue;
		/* Push this section's children in reverse, so the first comes out first. */
		c0 = f - 1;
		for (i = c0; i < k && v[i].parent_id == v[cur].id; i++)
			;
		while (i > c0)
			stack[sp++] = --i;
	}
	free(stack);
	imap_finish(&first);
	*out = res;
	*n = nout;
	return STORE_OK;
}

/* Records the current folders of a subtree's sections and published articles. */
static enum store_status redirect_subtree(struct store *s, int64_t id)
{
	sqlite3_stmt *st;
	struct buf path = BUF_INIT;
	enum store_status rc = STORE_OK;
	int r;

	st = store_stmt(s, "SELECT s.id, s.lang, s.path FROM section s JOIN section_closure c "
	                   "ON s.id = c.descendant WHERE c.ancestor = ?");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	/* Collect first: store_redirect_add() reuses statements. */
	struct item {
		int64_t id, sec;
		char *path;
	} *items = NULL;
	size_t n = 0, i;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		items = xreallocarray(items, n + 1, sizeof(*items));
		buf_reset(&path);
		model_section_dir(&path, (const char *)sqlite3_column_text(st, 1),
		                  (const char *)sqlite3_column_text(st, 2));
		items[n].id = 0;
		items[n].sec = sqlite3_column_int64(st, 0);
		items[n].path = buf_detach(&path);
		n++;
	}
	if (r != SQLITE_DONE)
		rc = store_fail(s, "section move");
	st = store_stmt(s, "SELECT a.id, a.lang, s.path, a.slug FROM article a "
	                   "JOIN section s ON s.id = a.section_id JOIN section_closure c "
	                   "ON s.id = c.descendant WHERE c.ancestor = ? AND +a.status = 'published'");
	if (rc == STORE_OK && st == NULL)
		rc = STORE_ERROR;
	if (rc == STORE_OK) {
		sqlite3_bind_int64(st, 1, id);
		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			items = xreallocarray(items, n + 1, sizeof(*items));
			buf_reset(&path);
			model_article_dir(&path, (const char *)sqlite3_column_text(st, 1),
			                  (const char *)sqlite3_column_text(st, 2),
			                  (const char *)sqlite3_column_text(st, 3));
			items[n].id = sqlite3_column_int64(st, 0);
			items[n].sec = 0;
			items[n].path = buf_detach(&path);
			n++;
		}
		if (r != SQLITE_DONE)
			rc = store_fail(s, "section move");
	}
	for (i = 0; i < n; i++) {
		if (rc == STORE_OK)
			rc = store_redirect_add(s, items[i].path, items[i].id, items[i].sec);
		free(items[i].path);
	}
	free(items);
	buf_finish(&path);
	return rc;
}

enum store_status store_section_move(struct store *s, int64_t id, int64_t new_parent,
                                     const char *new_slug)
{
	struct arena *a = arena_new(0);
	struct section sec, parent;
	enum store_status rc;
	sqlite3_stmt *st;
	const char *slug, *newpath;
	int64_t *sub;
	size_t nsub, i;

	if ((rc = store_section_get(s, a, id, &sec)) != STORE_OK)
		goto out;
	if (sec.parent_id == 0) {
		log_fail("the language root \"%s\" cannot be moved", sec.lang);
		rc = STORE_INVALID;
		goto out;
	}
	if (new_parent == 0)
		new_parent = sec.parent_id;
	slug = new_slug && *new_slug ? new_slug : sec.slug;
	if ((rc = store_section_get(s, a, new_parent, &parent)) != STORE_OK)
		goto out;
	if (strcmp(parent.lang, sec.lang) != 0) {
		log_fail("section \"%s/%s\" cannot move to another language (%s)", sec.lang,
		         sec.path, parent.lang);
		rc = STORE_INVALID;
		goto out;
	}
	if ((rc = store_section_subtree(s, a, id, &sub, &nsub)) != STORE_OK)
		goto out;
	for (i = 0; i < nsub; i++) {
		if (sub[i] == new_parent) {
			log_fail("section \"%s/%s\" cannot move into its own subtree", sec.lang,
			         sec.path);
			rc = STORE_INVALID;
			goto out;
		}
	}
	if (!slug_valid(slug, strlen(slug)) || model_slug_reserved(slug, parent.depth == 0)) {
		log_fail("\"%s\" is not a valid or available section slug", slug);
		rc = STORE_INVALID;
		goto out;
	}
	if ((rc = check_free(s, new_parent, slug, id)) != STORE_OK)
		goto out;
	newpath = *parent.path ? arena_printf(a, "%s/%s", parent.path, slug) : slug;
	if (new_parent == sec.parent_id && strcmp(newpath, sec.path) == 0)
		goto out; /* nothing moves */
	if ((rc = redirect_subtree(s, id)) != STORE_OK)
		goto out;
	/* Paths: replace the old prefix in the whole subtree. */
	st = store_stmt(s, "UPDATE section SET path = ?1 || substr(path, length(?2) + 1), "
	                   "depth = depth + ?3 WHERE id IN (SELECT descendant FROM "
	                   "section_closure WHERE ancestor = ?4)");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	store_bind_text(st, 1, newpath);
	store_bind_text(st, 2, sec.path);
	sqlite3_bind_int(st, 3, parent.depth + 1 - sec.depth);
	sqlite3_bind_int64(st, 4, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, "section move");
		if (rc == STORE_EXISTS)
			log_fail("section \"%s/%s\" already exists", sec.lang, newpath);
		goto out;
	}
	st = store_stmt(s, "UPDATE section SET parent_id = ?, slug = ? WHERE id = ?");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, new_parent);
	store_bind_text(st, 2, slug);
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, "section move");
		goto out;
	}
	/* Closure: cut the subtree from its old ancestors, graft onto the new. */
	st = store_stmt(s, "DELETE FROM section_closure WHERE descendant IN (SELECT descendant "
	                   "FROM section_closure WHERE ancestor = ?1) AND ancestor NOT IN "
	                   "(SELECT descendant FROM section_closure WHERE ancestor = ?1)");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, "section move");
		goto out;
	}
	st = store_stmt(s, "INSERT INTO section_closure(ancestor, descendant, depth) "
	                   "SELECT p.ancestor, c.descendant, p.depth + c.depth + 1 "
	                   "FROM section_closure p, section_closure c "
	                   "WHERE p.descendant = ?1 AND c.ancestor = ?2");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, new_parent);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, "section move");
		goto out;
	}
	/* A live folder wins over an old redirect at the same place. */
	for (i = 0; i < nsub && rc == STORE_OK; i++) {
		struct section d;
		struct buf p = BUF_INIT;
		if ((rc = store_section_get(s, a, sub[i], &d)) != STORE_OK)
			break;
		model_section_dir(&p, d.lang, d.path);
		rc = store_redirect_drop(s, p.p);
		buf_finish(&p);
	}
	/* The articles' section chains changed: so did their lists. */
	if (rc == STORE_OK) {
		int64_t *arts;
		size_t narts, j;
		if ((rc = ids_query(s, a,
		                    "SELECT a.id FROM article a JOIN section_closure c ON "
		                    "a.section_id = c.descendant WHERE c.ancestor = ?",
		                    id, &arts, &narts)) != STORE_OK)
			goto out;
		for (j = 0; j < narts && rc == STORE_OK; j++)
			if ((rc = store_list_sync(s, arts[j])) == STORE_OK)
				rc = store_hook(s, arts[j], STORE_ARTICLE_MOVED);
	}
out:
	arena_free(a);
	return rc;
}

enum store_status store_section_delete(struct store *s, int64_t id)
{
	struct arena *a = arena_new(0);
	struct section sec;
	enum store_status rc;
	sqlite3_stmt *st;
	int r;

	if ((rc = store_section_get(s, a, id, &sec)) != STORE_OK)
		goto out;
	st = store_stmt(s, "SELECT (SELECT count(*) FROM section WHERE parent_id = ?1) + "
	                   "(SELECT count(*) FROM article WHERE section_id = ?1)");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r != SQLITE_ROW) {
		rc = store_fail(s, "section delete");
		goto out;
	}
	if (sqlite3_column_int64(st, 0) > 0 || sec.parent_id == 0) {
		sqlite3_reset(st);
		log_fail("section \"%s/%s\" is not empty (move or delete its articles and "
		         "subsections first)",
		         sec.lang, sec.path);
		rc = STORE_INVALID;
		goto out;
	}
	sqlite3_reset(st);
	st = store_stmt(s, "DELETE FROM section WHERE id = ?");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_fail(s, "section delete");
out:
	arena_free(a);
	return rc;
}
