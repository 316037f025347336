/*
 * Revisions: every save of an article keeps a full copy -- the fields as
 * JSON, the body as text -- so that nothing is ever overwritten.  The
 * article row points at its current revision, where its body lives.
 */
#include "store/store_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

static json_t *str_list(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The article's fields (not the body) as a JSON object.  Caller frees. */
static char *meta_json(const struct article *art)
{
	json_t *o = json_object(), *authors = json_array(), *tags = json_array();
	char *s;
	size_t i;

	json_object_set_new(o, "lang", json_string(art->lang));
	json_object_set_new(o, "section", json_string(art->section_path));
	json_object_set_new(o, "slug", json_string(art->slug));
	json_object_set_new(o, "status", json_string(model_status_name(art->status)));
	json_object_set_new(o, "date", json_integer(art->date));
	json_object_set_new(o, "surtitle", json_string(art->surtitle));
	json_object_set_new(o, "title", json_string(art->title));
	json_object_set_new(o, "subtitle", json_string(art->subtitle));
	json_object_set_new(o, "lead", json_string(art->lead));
	json_object_set_new(o, "postscript", json_string(art->postscript));
	json_object_set_new(o, "first_published", json_string(art->first_published));
	json_object_set_new(o, "source_name", json_string(art->source_name));
	json_object_set_new(o, "source_url", json_string(art->source_url));
	json_object_set_new(o, "original_lang", json_string(art->original_lang));
	json_object_set_new(o, "licence", json_string(art->licence));
	json_object_set_new(o, "translators", str_list(art->translators, art->ntranslators));
	for (i = 0; i < art->nauthors; i++)
		json_array_append_new(authors,
		                      json_pack("{s:s, s:s}", "name", art->authors[i].name, "kind",
		                                model_author_kind_name(art->authors[i].kind)));
	json_object_set_new(o, "authors", authors);
	for (i = 0; i < art->ntags; i++)
		json_array_append_new(tags, json_string(art->tags[i].name));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "translationKey", json_string(art->tkey));
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_SORT_KEYS);
	json_decref(o);
	if (s == NULL)
		fatal("out of memory writing a revision");
	return s;
}

enum store_status store_revision_add(struct store *s, int64_t article_id, const char *body,
                                     const char *note, int64_t *rev)
{
	struct arena *a = arena_new(0);
	struct article art;
	enum store_status rc;
	sqlite3_stmt *st;
	char *meta = NULL;

	/* The fields as stored (canonical names, kinds, slugs), then the new body. */
	if ((rc = store_article_get(s, a, article_id, 0, &art)) != STORE_OK)
		goto out;
	meta = meta_json(&art);
	st = store_stmt(s, "INSERT INTO revision(article_id, created, note, meta, body, user_id) "
	                   "VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, article_id);
	sqlite3_bind_int64(st, 2, store_now());
	store_bind_text(st, 3, note);
	store_bind_text(st, 4, meta);
	store_bind_text(st, 5, body);
	if (s->actor)
		sqlite3_bind_int64(st, 6, s->actor);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, "revision");
		goto out;
	}
	*rev = sqlite3_last_insert_rowid(s->db);
	st = store_stmt(s, "UPDATE article SET rev_id = ? WHERE id = ?");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, *rev);
	sqlite3_bind_int64(st, 2, article_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_fail(s, "revision");
out:
	free(meta);
	arena_free(a);
	return rc;
}

enum store_status store_revision_list(struct store *s, struct arena *a, int64_t article_id,
                                      struct revision **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, article_id, created, coalesce(user_id, 0), "
	                                 "note FROM revision WHERE article_id = ? ORDER BY id DESC");
	size_t cap = 8, k = 0;
	struct revision *v;
	int r;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	v = arena_alloc(a, cap * sizeof(*v));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct revision *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		v[k].id = sqlite3_column_int64(st, 0);
		v[k].article_id = sqlite3_column_int64(st, 1);
		v[k].created = sqlite3_column_int64(st, 2);
		v[k].user_id = sqlite3_column_int64(st, 3);
		v[k].note = store_col_text(a, st, 4);
		k++;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "revision list");
	*out = v;
	*n = k;
	return STORE_OK;
}

static const char *jstr(struct arena *a, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : "";
}

enum store_status store_revision_get(struct store *s, struct arena *a, int64_t rev,
                                     struct article *out)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT article_id, meta, body FROM revision WHERE id = ?");
	json_t *o, *v;
	json_error_t jerr;
	size_t i;
	int r;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, rev);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		log_fail("revision %lld not found", (long long)rev);
		return STORE_NOT_FOUND;
	}
	if (r != SQLITE_ROW)
		return store_fail(s, "revision");
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->rev_id = rev;
	out->body = store_col_text(a, st, 2);
	o = json_loads((const char *)sqlite3_column_text(st, 1), 0, &jerr);
	sqlite3_reset(st);
	if (!json_is_object(o)) {
		json_decref(o);
		log_fail("revision %lld is damaged: %s", (long long)rev, jerr.text);
		return STORE_ERROR;
	}
	out->lang = jstr(a, o, "lang");
	out->section_path = jstr(a, o, "section");
	out->slug = jstr(a, o, "slug");
	r = model_status_parse(jstr(a, o, "status"));
	out->status = r < 0 ? ST_DRAFT : (enum article_status)r;
	out->date = json_integer_value(json_object_get(o, "date"));
	out->surtitle = jstr(a, o, "surtitle");
	out->title = jstr(a, o, "title");
	out->subtitle = jstr(a, o, "subtitle");
	out->lead = jstr(a, o, "lead");
	out->postscript = jstr(a, o, "postscript");
	out->first_published = jstr(a, o, "first_published");
	out->source_name = jstr(a, o, "source_name");
	out->source_url = jstr(a, o, "source_url");
	out->original_lang = jstr(a, o, "original_lang");
	out->licence = jstr(a, o, "licence");
	out->tkey = jstr(a, o, "translationKey");
	v = json_object_get(o, "translators");
	out->ntranslators = json_array_size(v);
	out->translators = arena_calloc(a, out->ntranslators + 1, sizeof(char *));
	for (i = 0; i < out->ntranslators; i++)
		out->translators[i] = arena_strdup(a, json_string_value(json_array_get(v, i)) ?: "");
	v = json_object_get(o, "authors");
	out->nauthors = json_array_size(v);
	out->authors = arena_calloc(a, out->nauthors + 1, sizeof(struct author));
	for (i = 0; i < out->nauthors; i++) {
		json_t *au = json_array_get(v, i);
		int k = model_author_kind_parse(jstr(a, au, "kind"));
		out->authors[i].name = jstr(a, au, "name");
		out->authors[i].kind = k < 0 ? AUTHOR_PERSON : (enum author_kind)k;
	}
	v = json_object_get(o, "tags");
	out->ntags = json_array_size(v);
	out->tags = arena_calloc(a, out->ntags + 1, sizeof(struct tag));
	for (i = 0; i < out->ntags; i++)
		out->tags[i].name = arena_strdup(a, json_string_value(json_array_get(v, i)) ?: "");
	json_decref(o);
	return STORE_OK;
}
