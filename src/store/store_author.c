/*
 * Authors (people and organisations, shared by all languages) and tags
 * (per language).  Both get URL slugs made from their names, made unique
 * with a numeric suffix.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>

#include "text/slug.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

/* Suffixes tried before giving up on a unique slug: far more than real sites need. */
#define SLUG_TRIES 1000

static void read_author(struct arena *a, sqlite3_stmt *st, struct author *out)
{
	out->id = sqlite3_column_int64(st, 0);
	out->kind = model_author_kind_parse((const char *)sqlite3_column_text(st, 1));
	out->name = store_col_text(a, st, 2);
	out->slug = store_col_text(a, st, 3);
	out->bio = store_col_text(a, st, 4);
}

/* 1 if the slug is taken, 0 if free, -1 on error. */
static int slug_taken(struct store *s, const char *sql, const char *lang, const char *slug)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, slug);
	if (lang)
		store_bind_text(st, 2, lang);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	store_fail(s, "slug");
	return -1;
}

/*
 * Makes a free slug from name (or uses want) into out.  fallback names the
 * slug when nothing of the name survives transliteration.
 */
static enum store_status unique_slug(struct store *s, const char *sql, const char *lang,
                                     const char *name, const char *fallback, struct buf *out)
{
	struct buf base = BUF_INIT;
	int i, t;

	slug_make(&base, name, strlen(name), lang);
	if (base.n == 0)
		buf_puts(&base, fallback);
	for (i = 1; i <= SLUG_TRIES; i++) {
		buf_reset(out);
		buf_putstr(out, (struct str){base.p, base.n});
		if (i > 1)
			buf_printf(out, "-%d", i);
		t = slug_taken(s, sql, lang, out->p);
		if (t < 0) {
			buf_finish(&base);
			return STORE_ERROR;
		}
		if (t == 0) {
			buf_finish(&base);
			return STORE_OK;
		}
	}
	buf_finish(&base);
	log_fail("no free slug for \"%s\"", name);
	return STORE_EXISTS;
}

enum store_status store_author_add(struct store *s, const char *name, enum author_kind kind,
                                   const char *slug, const char *bio, int64_t *id)
{
	struct buf sl = BUF_INIT;
	sqlite3_stmt *st;
	enum store_status rc;

	if (name == NULL || *name == '\0') {
		log_fail("an author needs a name");
		return STORE_INVALID;
	}
	if (slug && *slug) {
		if (!slug_valid(slug, strlen(slug))) {
			log_fail("\"%s\" is not a valid slug (lower-case a-z, 0-9 and single hyphens)",
			         slug);
			return STORE_INVALID;
		}
		buf_puts(&sl, slug);
	} else if ((rc = unique_slug(s, "SELECT 1 FROM author WHERE slug = ?", NULL, name,
	                             "author", &sl)) != STORE_OK) {
		buf_finish(&sl);
		return rc;
	}
	st = store_stmt(s, "INSERT INTO author(kind, name, slug, bio) VALUES (?, ?, ?, ?)");
	if (st == NULL) {
		buf_finish(&sl);
		return STORE_ERROR;
	}
	store_bind_text(st, 1, model_author_kind_name(kind));
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, sl.p);
	store_bind_text(st, 4, bio);
	rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : store_fail(s, "author");
	if (rc == STORE_EXISTS)
		log_fail("author \"%s\" (or slug \"%s\") already exists", name, sl.p);
	if (rc == STORE_OK && id)
		*id = sqlite3_last_insert_rowid(s->db);
	buf_finish(&sl);
	return rc;
}

enum store_status store_author_get(struct store *s, struct arena *a, int64_t id,
                                   struct author *out)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, kind, name, slug, bio FROM author WHERE id = ?");
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_author(a, st, out);
		sqlite3_reset(st);
		return STORE_OK;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, "author");
	log_fail("author %lld not found (see: tamizdat author list)", (long long)id);
	return STORE_NOT_FOUND;
}

enum store_status store_author_find(struct store *s, struct arena *a, const char *key,
                                    struct author *out)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, kind, name, slug, bio FROM author "
	                                 "WHERE name = ?1 OR slug = ?1 ORDER BY name = ?1 DESC");
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_author(a, st, out);
		sqlite3_reset(st);
		return STORE_OK;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, "author");
	log_fail("author \"%s\" not found (see: tamizdat author list)", key);
	return STORE_NOT_FOUND;
}

enum store_status store_author_update(struct store *s, int64_t id, int kind, const char *name,
                                      const char *slug, const char *bio)
{
	sqlite3_stmt *st;
	enum store_status rc;

	if (slug && *slug && !slug_valid(slug, strlen(slug))) {
		log_fail("\"%s\" is not a valid slug (lower-case a-z, 0-9 and single hyphens)", slug);
		return STORE_INVALID;
	}
	st = store_stmt(s, "UPDATE author SET kind = coalesce(?, kind), name = coalesce(?, name), "
	                   "slug = coalesce(?, slug), bio = coalesce(?, bio) WHERE id = ?");
	if (st == NULL)
		return STORE_ERROR;
	if (kind >= 0)
		store_bind_text(st, 1, model_author_kind_name((enum author_kind)kind));
	if (name && *name)
		store_bind_text(st, 2, name);
	if (slug && *slug)
		store_bind_text(st, 3, slug);
	if (bio)
		store_bind_text(st, 4, bio);
	sqlite3_bind_int64(st, 5, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : store_fail(s, "author");
	if (rc == STORE_OK && sqlite3_changes(s->db) == 0) {
		log_fail("author %lld not found (see: tamizdat author list)", (long long)id);
		rc = STORE_NOT_FOUND;
	}
	return rc;
}

enum store_status store_author_list(struct store *s, struct arena *a, struct author **out,
                                    size_t *n)
{
	sqlite3_stmt *st =
	        store_stmt(s, "SELECT id, kind, name, slug, bio FROM author ORDER BY slug");
	size_t cap = 32, k = 0;
	struct author *v;
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	v = arena_alloc(a, cap * sizeof(*v));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct author *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		read_author(a, st, &v[k++]);
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, "author list");
	*out = v;
	*n = k;
	return STORE_OK;
}

enum store_status store_tag_list(struct store *s, struct arena *a, const char *lang,
                                 struct tag **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, lang, name, slug FROM tag "
	                                 "WHERE ?1 IS NULL OR lang = ?1 ORDER BY lang, slug");
	size_t cap = 32, k = 0;
	struct tag *v;
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	if (lang)
		store_bind_text(st, 1, lang);
	v = arena_alloc(a, cap * sizeof(*v));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct tag *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		v[k].id = sqlite3_column_int64(st, 0);
		v[k].lang = store_col_text(a, st, 1);
		v[k].name = store_col_text(a, st, 2);
		v[k].slug = store_col_text(a, st, 3);
		k++;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, "tag list");
	*out = v;
	*n = k;
	return STORE_OK;
}

enum store_status store_author_ensure(struct store *s, const char *name, enum author_kind kind,
                                      int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id FROM author WHERE name = ?");
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return STORE_OK;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, "author");
	return store_author_add(s, name, kind, NULL, "", id);
}

enum store_status store_tag_ensure(struct store *s, const char *lang, const char *name,
                                   int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id FROM tag WHERE lang = ? AND name = ?");
	struct buf sl = BUF_INIT;
	enum store_status r;
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, lang);
	store_bind_text(st, 2, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return STORE_OK;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, "tag");
	if ((r = unique_slug(s, "SELECT 1 FROM tag WHERE slug = ?1 AND lang = ?2", lang, name,
	                     "tag", &sl)) != STORE_OK) {
		buf_finish(&sl);
		return r;
	}
	st = store_stmt(s, "INSERT INTO tag(lang, name, slug) VALUES (?, ?, ?)");
	if (st == NULL) {
		buf_finish(&sl);
		return STORE_ERROR;
	}
	store_bind_text(st, 1, lang);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, sl.p);
	r = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : store_fail(s, "tag");
	if (r == STORE_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	buf_finish(&sl);
	return r;
}
