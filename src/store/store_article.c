/*
 * Articles: validation of every field, saving with authors, tags,
 * translation group, revision, listings and redirects in one go.  The
 * caller owns the transaction (store_begin/commit), so that a whole import
 * is all or nothing.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/mdr.h"
#include "text/slug.h"
#include "text/utf8.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

/* Limits: far above any real article, low enough to stop runaway input. */
#define ART_MAX_LINE 2000          /* title, surtitle, subtitle, names */
#define ART_MAX_TEXT (64 * 1024)   /* lead, postscript */
#define ART_MAX_BODY (8 << 20)     /* Markdown body */
#define ART_MAX_AUTHORS 32
#define ART_MAX_TAGS 64
#define ART_SLUG_TRIES 1000

#define ART_COLS                                                                                   \
	"a.id, a.lang, a.section_id, s.path, a.slug, a.status, a.date, a.surtitle, a.title, "      \
	"a.subtitle, a.lead, a.postscript, a.excerpt, a.first_published, a.source_name, a.source_url, "       \
	"a.original_lang, a.licence, a.translators, coalesce(a.tgroup_id, 0), "                    \
	"coalesce(g.key, ''), a.created, a.updated, coalesce(a.rev_id, 0)"
#define ART_FROM                                                                                   \
	" FROM article a JOIN section s ON s.id = a.section_id LEFT JOIN tgroup g ON "             \
	"g.id = a.tgroup_id"

static const char *nz(const char *s)
{
	return s ? s : "";
}

static bool url_ok(const char *u)
{
	const char *p;

	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return false;
	for (p = u; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
			return false;
	return strlen(u) > 8;
}

static enum store_status check_text(const char *field, const char *v, size_t max, bool oneline)
{
	size_t n = strlen(nz(v));

	if (n > max) {
		log_fail("field \"%s\" is too long (%zu bytes, at most %zu)", field, n, max);
		return STORE_INVALID;
	}
	if (!utf8_valid(nz(v), n)) {
		log_fail("field \"%s\" is not valid UTF-8 (at byte %zu)", field,
		         utf8_invalid_at(v, n));
		return STORE_INVALID;
	}
	if (oneline && strpbrk(nz(v), "\r\n")) {
		log_fail("field \"%s\" must be one line", field);
		return STORE_INVALID;
	}
	return STORE_OK;
}

/* Checks everything that does not need the database. */
static enum store_status validate(const struct article *in)
{
	struct {
		const char *name, *v;
		size_t max;
		bool oneline;
	} f[] = {
		{"title", in->title, ART_MAX_LINE, true},
		{"surtitle", in->surtitle, ART_MAX_LINE, true},
		{"subtitle", in->subtitle, ART_MAX_LINE, true},
		{"lead", in->lead, ART_MAX_TEXT, false},
		{"postscript", in->postscript, ART_MAX_TEXT, false},
		{"body", in->body, ART_MAX_BODY, false},
		{"source_name", in->source_name, ART_MAX_LINE, true},
		{"licence", in->licence, ART_MAX_LINE, true},
		{"translationKey", in->tkey, 200, true},
		{"slug", in->slug, 200, true},
		{"section", in->section_path, 1000, true},
	};
	enum store_status rc;
	size_t i;

	for (i = 0; i < NELEM(f); i++)
		if ((rc = check_text(f[i].name, f[i].v, f[i].max, f[i].oneline)) != STORE_OK)
			return rc;
	if (in->title == NULL || in->title[strspn(in->title, " \t")] == '\0') {
		log_fail("field \"title\" is missing");
		return STORE_INVALID;
	}
	if (in->lang == NULL || *in->lang == '\0') {
		log_fail("field \"lang\" is missing");
		return STORE_INVALID;
	}
	if ((unsigned)in->status >= ST_COUNT) {
		log_fail("field \"status\" is invalid");
		return STORE_INVALID;
	}
	if (in->slug && *in->slug &&
	    (!slug_valid(in->slug, strlen(in->slug)) || model_slug_reserved(in->slug, false))) {
		log_fail("field \"slug\": \"%s\" is not a valid slug (lower-case a-z, 0-9 and single "
		         "hyphens; not page, feed or index)",
		         in->slug);
		return STORE_INVALID;
	}
	if (in->first_published && *in->first_published &&
	    !model_date_valid(in->first_published)) {
		log_fail("field \"first_published\": \"%s\" is not a date (YYYY-MM-DD, YYYY-MM or "
		         "YYYY)",
		         in->first_published);
		return STORE_INVALID;
	}
	if (in->source_url && *in->source_url && !url_ok(in->source_url)) {
		log_fail("field \"source_url\": \"%s\" is not an http or https address",
		         in->source_url);
		return STORE_INVALID;
	}
	if (in->original_lang && *in->original_lang &&
	    (strlen(in->original_lang) > 8 || strspn(in->original_lang, "abcdefghijklmnopqrstuvwxyz-") !=
	                                              strlen(in->original_lang))) {
		log_fail("field \"original_lang\": \"%s\" is not a language code",
		         in->original_lang);
		return STORE_INVALID;
	}
	if (in->nauthors > ART_MAX_AUTHORS || in->ntags > ART_MAX_TAGS) {
		log_fail("too many authors or tags (at most %d and %d)", ART_MAX_AUTHORS,
		         ART_MAX_TAGS);
		return STORE_INVALID;
	}
	for (i = 0; i < in->nauthors; i++)
		if ((rc = check_text("authors", in->authors[i].name, ART_MAX_LINE, true)) !=
		            STORE_OK ||
		    (rc = *nz(in->authors[i].name) ? STORE_OK : STORE_INVALID) != STORE_OK) {
			if (rc == STORE_INVALID && *nz(in->authors[i].name) == '\0')
				log_fail("field \"authors\": an author has no name");
			return rc;
		}
	for (i = 0; i < in->ntags; i++)
		if ((rc = check_text("tags", in->tags[i].name, 200, true)) != STORE_OK ||
		    (rc = *nz(in->tags[i].name) ? STORE_OK : STORE_INVALID) != STORE_OK) {
			if (rc == STORE_INVALID && *nz(in->tags[i].name) == '\0')
				log_fail("field \"tags\": a tag is empty");
			return rc;
		}
	for (i = 0; i < in->ntranslators; i++)
		if ((rc = check_text("translators", in->translators[i], ART_MAX_LINE, true)) !=
		    STORE_OK)
			return rc;
	return STORE_OK;
}

/* Summaries are a couple of sentences: enough for a feed or a list. */
#define ART_EXCERPT_MAX 300

static void make_excerpt(const char *body, struct buf *out)
{
	buf_reset(out);
	if (body && *body && mdr_render_text(body, strlen(body), ART_EXCERPT_MAX, out) != 0)
		buf_reset(out);
	/* One paragraph's worth, on one line. */
	for (size_t i = 0; i < out->n; i++)
		if (out->p[i] == '\n')
			out->p[i] = ' ';
}

static void join_lines(struct buf *out, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(out, '\n');
		buf_puts(out, v[i]);
	}
}

/* 1 taken, 0 free, -1 error: is slug used in lang by another article? */
static int slug_used(struct store *s, const char *lang, const char *slug, int64_t self)
{
	sqlite3_stmt *st =
	        store_stmt(s, "SELECT 1 FROM article WHERE lang = ? AND slug = ? AND id != ?");
	int r;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, lang);
	store_bind_text(st, 2, slug);
	sqlite3_bind_int64(st, 3, self);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r == SQLITE_ROW)
		return 1;
	if (r == SQLITE_DONE)
		return 0;
	store_fail(s, "slug");
	return -1;
}

/* 1 if a subsection of section already has the folder slug. */
static int folder_used(struct store *s, int64_t section, const char *slug)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT 1 FROM section WHERE parent_id = ? AND slug = ?");
	int r;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, section);
	store_bind_text(st, 2, slug);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

/*
 * Chooses the slug: the one given (which must be free), or one made from the
 * title and made unique with a suffix.  OUT: slug in out.
 */
static enum store_status choose_slug(struct store *s, const struct article *in, int64_t section,
                                     int64_t self, const char *keep, struct buf *out)
{
	struct buf base = BUF_INIT;
	enum store_status rc = STORE_OK;
	int i, u, f;

	buf_reset(out);
	if (in->slug && *in->slug) {
		buf_puts(out, in->slug);
		u = slug_used(s, in->lang, in->slug, self);
		f = folder_used(s, section, in->slug);
		if (u < 0 || f < 0)
			return STORE_ERROR;
		if (u || f) {
			log_fail("field \"slug\": \"%s\" is already used in %s by another %s", in->slug,
			         in->lang, u ? "article" : "section");
			return STORE_EXISTS;
		}
		return STORE_OK;
	}
	if (keep) {
		/* Permalinks survive title edits: an existing slug stays. */
		buf_puts(out, keep);
		return STORE_OK;
	}
	slug_make(&base, in->title, strlen(in->title), in->lang);
	if (base.n == 0 || model_slug_reserved(base.p, false))
		buf_puts(&base, "article");
	for (i = 1; i <= ART_SLUG_TRIES; i++) {
		buf_reset(out);
		buf_putstr(out, (struct str){base.p, base.n});
		if (i > 1)
			buf_printf(out, "-%d", i);
		u = slug_used(s, in->lang, out->p, self);
		f = folder_used(s, section, out->p);
		if (u < 0 || f < 0) {
			rc = STORE_ERROR;
			break;
		}
		if (!u && !f)
			break;
	}
	if (i > ART_SLUG_TRIES) {
		log_fail("no free slug for \"%s\"", in->title);
		rc = STORE_EXISTS;
	}
	buf_finish(&base);
	return rc;
}

static enum store_status tgroup_ensure(struct store *s, const char *key, const char *lang,
                                       int64_t self, int64_t *id)
{
	sqlite3_stmt *st;
	int r;

	*id = 0;
	if (key == NULL || *key == '\0')
		return STORE_OK;
	st = store_stmt(s, "SELECT id FROM tgroup WHERE key = ?");
	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, key);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		st = store_stmt(s, "SELECT id FROM article WHERE tgroup_id = ? AND lang = ? "
		                   "AND id != ? AND status != 'trash'");
		if (st == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(st, 1, *id);
		store_bind_text(st, 2, lang);
		sqlite3_bind_int64(st, 3, self);
		r = sqlite3_step(st);
		if (r == SQLITE_ROW) {
			long long other = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			log_fail("field \"translationKey\": group \"%s\" already has an article in %s "
			         "(article %lld)",
			         key, lang, other);
			return STORE_EXISTS;
		}
		return r == SQLITE_DONE ? STORE_OK : store_fail(s, "translation group");
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "translation group");
	st = store_stmt(s, "INSERT INTO tgroup(key) VALUES (?)");
	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, key);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_fail(s, "translation group");
	*id = sqlite3_last_insert_rowid(s->db);
	return STORE_OK;
}

static enum store_status set_people(struct store *s, int64_t id, const struct article *in)
{
	sqlite3_stmt *st;
	enum store_status rc;
	int64_t ref;
	size_t i, j;

	st = store_stmt(s, "DELETE FROM article_author WHERE article_id = ?");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_fail(s, "authors");
	st = store_stmt(s, "DELETE FROM article_tag WHERE article_id = ?");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_fail(s, "tags");
	for (i = 0; i < in->nauthors; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(in->authors[j].name, in->authors[i].name) == 0)
				break;
		if (j < i)
			continue; /* named twice: keep the first place */
		if ((rc = store_author_ensure(s, in->authors[i].name, in->authors[i].kind, &ref)) !=
		    STORE_OK)
			return rc;
		st = store_stmt(s, "INSERT INTO article_author(article_id, position, author_id) "
		                   "VALUES (?, ?, ?)");
		if (st == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_int64(st, 3, ref);
		if (sqlite3_step(st) != SQLITE_DONE)
			return store_fail(s, "authors");
	}
	for (i = 0; i < in->ntags; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(in->tags[j].name, in->tags[i].name) == 0)
				break;
		if (j < i)
			continue;
		if ((rc = store_tag_ensure(s, in->lang, in->tags[i].name, &ref)) != STORE_OK)
			return rc;
		/* Two names can make one slug ("Café", "cafe"): same tag, once. */
		st = store_stmt(s, "INSERT OR IGNORE INTO article_tag(article_id, position, tag_id) "
		                   "SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM article_tag "
		                   "WHERE article_id = ?1 AND tag_id = ?3)");
		if (st == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_int64(st, 3, ref);
		if (sqlite3_step(st) != SQLITE_DONE)
			return store_fail(s, "tags");
	}
	return STORE_OK;
}

static enum store_status log_status(struct store *s, int64_t id, const char *from,
                                    const char *to)
{
	sqlite3_stmt *st;

	if (strcmp(from, to) == 0)
		return STORE_OK;
	st = store_stmt(s, "INSERT INTO status_log(article_id, at, from_status, to_status) "
	                   "VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, store_now());
	store_bind_text(st, 3, from);
	store_bind_text(st, 4, to);
	return sqlite3_step(st) == SQLITE_DONE ? STORE_OK : store_fail(s, "status");
}

/* Shared by add and update: everything after the row itself exists. */
static enum store_status finish_save(struct store *s, int64_t id, const struct article *in,
                                     const char *note)
{
	struct arena *a = arena_new(0);
	struct article now;
	struct buf dir = BUF_INIT;
	enum store_status rc;
	int64_t rev;

	if ((rc = set_people(s, id, in)) != STORE_OK)
		goto out;
	if ((rc = store_revision_add(s, id, nz(in->body), note, &rev)) != STORE_OK)
		goto out;
	if ((rc = store_list_sync(s, id)) != STORE_OK)
		goto out;
	if ((rc = store_hook(s, id, STORE_ARTICLE_SAVED)) != STORE_OK)
		goto out;
	if ((rc = store_article_get(s, a, id, 0, &now)) != STORE_OK)
		goto out;
	model_article_dir(&dir, now.lang, now.section_path, now.slug);
	rc = store_redirect_drop(s, dir.p);
out:
	buf_finish(&dir);
	arena_free(a);
	return rc;
}

static void bind_fields(sqlite3_stmt *st, const struct article *in, int64_t section,
                        const char *slug, int64_t date, int64_t tgroup, struct buf *tr,
                        const char *ex)
{
	store_bind_text(st, 1, in->lang);
	sqlite3_bind_int64(st, 2, section);
	store_bind_text(st, 3, slug);
	store_bind_text(st, 4, model_status_name(in->status));
	sqlite3_bind_int64(st, 5, date);
	store_bind_text(st, 6, in->surtitle);
	store_bind_text(st, 7, in->title);
	store_bind_text(st, 8, in->subtitle);
	store_bind_text(st, 9, in->lead);
	store_bind_text(st, 10, in->postscript);
	store_bind_text(st, 11, in->first_published);
	store_bind_text(st, 12, in->source_name);
	store_bind_text(st, 13, in->source_url);
	store_bind_text(st, 14, in->original_lang);
	store_bind_text(st, 15, in->licence);
	join_lines(tr, in->translators, in->ntranslators);
	store_bind_text(st, 16, buf_cstr(tr));
	if (tgroup)
		sqlite3_bind_int64(st, 17, tgroup);
	sqlite3_bind_int64(st, 18, in->updated ? in->updated : store_now());
	store_bind_text(st, 19, ex);
}

enum store_status store_article_add(struct store *s, const struct article *in, int64_t *id)
{
	struct arena *a = arena_new(0);
	struct section sec;
	struct buf slug = BUF_INIT, tr = BUF_INIT, ex = BUF_INIT;
	enum store_status rc;
	sqlite3_stmt *st;
	int64_t tgroup, newid, date;

	if ((rc = validate(in)) != STORE_OK)
		goto out;
	if ((rc = store_section_find(s, a, in->lang, nz(in->section_path), &sec)) != STORE_OK) {
		if (rc == STORE_NOT_FOUND && *nz(in->section_path) == '\0') {
			/* The language root is made on first use. */
			if ((rc = store_section_add(s, in->lang, "", in->lang, "", 0, NULL)) ==
			    STORE_OK)
				rc = store_section_find(s, a, in->lang, "", &sec);
		}
		if (rc != STORE_OK)
			goto out;
	}
	if ((rc = choose_slug(s, in, sec.id, 0, NULL, &slug)) != STORE_OK)
		goto out;
	if ((rc = tgroup_ensure(s, in->tkey, in->lang, 0, &tgroup)) != STORE_OK)
		goto out;
	date = in->date;
	if (date == 0 && in->status == ST_PUBLISHED)
		date = store_now();
	st = store_stmt(s, "INSERT INTO article(lang, section_id, slug, status, date, surtitle, "
	                   "title, subtitle, lead, postscript, first_published, source_name, "
	                   "source_url, original_lang, licence, translators, tgroup_id, created, "
	                   "updated, excerpt, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	                   "?11, ?12, ?13, ?14, ?15, ?16, ?17, coalesce(?20, ?18), ?18, ?19, ?21)");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	make_excerpt(in->body, &ex);
	bind_fields(st, in, sec.id, slug.p, date, tgroup, &tr, buf_cstr(&ex));
	if (in->created)
		sqlite3_bind_int64(st, 20, in->created);
	if (in->id > 0)
		sqlite3_bind_int64(st, 21, in->id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, "article");
		if (rc == STORE_EXISTS && in->id > 0)
			log_fail("article id %lld is already taken", (long long)in->id);
		goto out;
	}
	newid = sqlite3_last_insert_rowid(s->db);
	store_lang_id(s, in->lang);
	if ((rc = log_status(s, newid, "new", model_status_name(in->status))) != STORE_OK)
		goto out;
	if ((rc = finish_save(s, newid, in, "created")) != STORE_OK)
		goto out;
	if (id)
		*id = newid;
out:
	buf_finish(&slug);
	buf_finish(&tr);
	buf_finish(&ex);
	arena_free(a);
	return rc;
}

enum store_status store_article_update(struct store *s, int64_t id, const struct article *in)
{
	struct arena *a = arena_new(0);
	struct article old;
	struct section sec;
	struct buf slug = BUF_INIT, tr = BUF_INIT, olddir = BUF_INIT, newdir = BUF_INIT;
	struct buf ex = BUF_INIT;
	enum store_status rc;
	sqlite3_stmt *st;
	int64_t tgroup, date;

	if ((rc = store_article_get(s, a, id, 0, &old)) != STORE_OK)
		goto out;
	if ((rc = validate(in)) != STORE_OK)
		goto out;
	if (strcmp(in->lang, old.lang) != 0) {
		log_fail("article %lld: the language cannot change (add a translation instead)",
		         (long long)id);
		rc = STORE_INVALID;
		goto out;
	}
	if ((rc = store_section_find(s, a, in->lang, nz(in->section_path), &sec)) != STORE_OK)
		goto out;
	if ((rc = choose_slug(s, in, sec.id, id, old.slug, &slug)) != STORE_OK)
		goto out;
	if ((rc = tgroup_ensure(s, in->tkey, in->lang, id, &tgroup)) != STORE_OK)
		goto out;
	date = in->date;
	if (date == 0 && in->status == ST_PUBLISHED)
		date = old.date ? old.date : store_now();
	st = store_stmt(s, "UPDATE article SET lang = ?1, section_id = ?2, slug = ?3, status = ?4, "
	                   "date = ?5, surtitle = ?6, title = ?7, subtitle = ?8, lead = ?9, "
	                   "postscript = ?10, first_published = ?11, source_name = ?12, "
	                   "source_url = ?13, original_lang = ?14, licence = ?15, "
	                   "translators = ?16, tgroup_id = ?17, updated = ?18, excerpt = ?19 "
	                   "WHERE id = ?20");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	make_excerpt(in->body, &ex);
	bind_fields(st, in, sec.id, slug.p, date, tgroup, &tr, buf_cstr(&ex));
	sqlite3_bind_int64(st, 20, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, "article");
		goto out;
	}
	if ((rc = log_status(s, id, model_status_name(old.status), model_status_name(in->status))) !=
	    STORE_OK)
		goto out;
	/* A published article whose folder changes leaves a redirect behind. */
	model_article_dir(&olddir, old.lang, old.section_path, old.slug);
	model_article_dir(&newdir, in->lang, sec.path, slug.p);
	if (old.status == ST_PUBLISHED && strcmp(olddir.p, newdir.p) != 0 &&
	    (rc = store_redirect_add(s, olddir.p, id, 0)) != STORE_OK)
		goto out;
	rc = finish_save(s, id, in, "edited");
out:
	buf_finish(&slug);
	buf_finish(&tr);
	buf_finish(&ex);
	buf_finish(&olddir);
	buf_finish(&newdir);
	arena_free(a);
	return rc;
}

static enum store_status load_people(struct store *s, struct arena *a, struct article *art)
{
	sqlite3_stmt *st;
	size_t cap, k;
	int r;

	st = store_stmt(s, "SELECT au.id, au.kind, au.name, au.slug, au.bio FROM article_author x "
	                   "JOIN author au ON au.id = x.author_id WHERE x.article_id = ? "
	                   "ORDER BY x.position");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, art->id);
	cap = 4;
	k = 0;
	art->authors = arena_alloc(a, cap * sizeof(*art->authors));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct author *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, art->authors, cap * sizeof(*w));
			art->authors = w;
			cap *= 2;
		}
		art->authors[k].id = sqlite3_column_int64(st, 0);
		art->authors[k].kind =
		        model_author_kind_parse((const char *)sqlite3_column_text(st, 1));
		art->authors[k].name = store_col_text(a, st, 2);
		art->authors[k].slug = store_col_text(a, st, 3);
		art->authors[k].bio = store_col_text(a, st, 4);
		k++;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "authors");
	art->nauthors = k;
	st = store_stmt(s, "SELECT t.id, t.lang, t.name, t.slug FROM article_tag x JOIN tag t "
	                   "ON t.id = x.tag_id WHERE x.article_id = ? ORDER BY x.position");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, art->id);
	cap = 8;
	k = 0;
	art->tags = arena_alloc(a, cap * sizeof(*art->tags));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct tag *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, art->tags, cap * sizeof(*w));
			art->tags = w;
			cap *= 2;
		}
		art->tags[k].id = sqlite3_column_int64(st, 0);
		art->tags[k].lang = store_col_text(a, st, 1);
		art->tags[k].name = store_col_text(a, st, 2);
		art->tags[k].slug = store_col_text(a, st, 3);
		k++;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "tags");
	art->ntags = k;
	return STORE_OK;
}

static void split_lines(struct arena *a, const char *s, const char ***out, size_t *n)
{
	size_t k = 0, cap = 1;
	const char *p;

	for (p = s; *p; p++)
		cap += *p == '\n';
	*out = arena_calloc(a, cap + 1, sizeof(char *));
	if (*s == '\0') {
		*n = 0;
		return;
	}
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		(*out)[k++] = arena_strndup(a, s, len);
		s += len + (e != NULL);
	}
	*n = k;
}

void store_article_read_row(struct arena *a, sqlite3_stmt *st, struct article *out)
{
	int status;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->lang = store_col_text(a, st, 1);
	out->section_id = sqlite3_column_int64(st, 2);
	out->section_path = store_col_text(a, st, 3);
	out->slug = store_col_text(a, st, 4);
	status = model_status_parse((const char *)sqlite3_column_text(st, 5));
	out->status = status < 0 ? ST_DRAFT : (enum article_status)status;
	out->date = sqlite3_column_int64(st, 6);
	out->surtitle = store_col_text(a, st, 7);
	out->title = store_col_text(a, st, 8);
	out->subtitle = store_col_text(a, st, 9);
	out->lead = store_col_text(a, st, 10);
	out->postscript = store_col_text(a, st, 11);
	out->excerpt = store_col_text(a, st, 12);
	out->first_published = store_col_text(a, st, 13);
	out->source_name = store_col_text(a, st, 14);
	out->source_url = store_col_text(a, st, 15);
	out->original_lang = store_col_text(a, st, 16);
	out->licence = store_col_text(a, st, 17);
	split_lines(a, store_col_text(a, st, 18), &out->translators, &out->ntranslators);
	out->tgroup_id = sqlite3_column_int64(st, 19);
	out->tkey = store_col_text(a, st, 20);
	out->created = sqlite3_column_int64(st, 21);
	out->updated = sqlite3_column_int64(st, 22);
	out->rev_id = sqlite3_column_int64(st, 23);
}

enum store_status store_article_body(struct store *s, int64_t id, struct buf *out)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT r.body FROM article a JOIN revision r "
	                                 "ON r.id = a.rev_id WHERE a.id = ?");
	int r;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		buf_put(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		sqlite3_reset(st);
		return STORE_OK;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "article");
	log_fail("article %lld not found (see: tamizdat article list)", (long long)id);
	return STORE_NOT_FOUND;
}

static enum store_status get_where(struct store *s, struct arena *a, sqlite3_stmt *st,
                                   int flags, struct article *out, const char *what)
{
	enum store_status rc;
	int r;

	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		log_fail("article %s not found (see: tamizdat article list)", what);
		return STORE_NOT_FOUND;
	}
	if (r != SQLITE_ROW)
		return store_fail(s, "article");
	store_article_read_row(a, st, out);
	sqlite3_reset(st);
	if ((rc = load_people(s, a, out)) != STORE_OK)
		return rc;
	if (flags & STORE_WITH_BODY) {
		struct buf b = BUF_INIT;
		if ((rc = store_article_body(s, out->id, &b)) != STORE_OK &&
		    rc != STORE_NOT_FOUND) {
			buf_finish(&b);
			return rc;
		}
		out->body = arena_strndup(a, buf_cstr(&b), b.n);
		buf_finish(&b);
	}
	return STORE_OK;
}

enum store_status store_article_get(struct store *s, struct arena *a, int64_t id, int flags,
                                    struct article *out)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " ART_COLS ART_FROM " WHERE a.id = ?");
	char what[32];

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	snprintf(what, sizeof(what), "%lld", (long long)id);
	return get_where(s, a, st, flags, out, what);
}

enum store_status store_article_find(struct store *s, struct arena *a, const char *lang,
                                     const char *slug, int flags, struct article *out)
{
	sqlite3_stmt *st =
	        store_stmt(s, "SELECT " ART_COLS ART_FROM " WHERE a.lang = ? AND a.slug = ?");
	char what[256];

	if (st == NULL)
		return STORE_ERROR;
	store_bind_text(st, 1, lang);
	store_bind_text(st, 2, slug);
	snprintf(what, sizeof(what), "\"%s/%s\"", lang, slug);
	return get_where(s, a, st, flags, out, what);
}

enum store_status store_article_set_status(struct store *s, int64_t id,
                                           enum article_status status)
{
	struct arena *a = arena_new(0);
	struct article old;
	enum store_status rc;
	sqlite3_stmt *st;
	int64_t date;

	if ((rc = store_article_get(s, a, id, 0, &old)) != STORE_OK)
		goto out;
	if (old.status == status)
		goto out;
	date = old.date;
	if (status == ST_PUBLISHED && date == 0)
		date = store_now();
	st = store_stmt(s, "UPDATE article SET status = ?, date = ?, updated = ?, "
	                   "prev_status = CASE WHEN ?1 = 'trash' THEN status ELSE prev_status END "
	                   "WHERE id = ?");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	store_bind_text(st, 1, model_status_name(status));
	sqlite3_bind_int64(st, 2, date);
	sqlite3_bind_int64(st, 3, store_now());
	sqlite3_bind_int64(st, 4, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, "article");
		goto out;
	}
	if ((rc = log_status(s, id, model_status_name(old.status), model_status_name(status))) !=
	    STORE_OK)
		goto out;
	if ((rc = store_list_sync(s, id)) != STORE_OK)
		goto out;
	rc = store_hook(s, id, STORE_ARTICLE_SAVED);
out:
	arena_free(a);
	return rc;
}

enum store_status store_article_restore(struct store *s, int64_t id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT status, prev_status FROM article WHERE id = ?");
	char prev[32];
	int r, st2;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		log_fail("article %lld not found (see: tamizdat article list)", (long long)id);
		return STORE_NOT_FOUND;
	}
	if (r != SQLITE_ROW)
		return store_fail(s, "article");
	if (strcmp((const char *)sqlite3_column_text(st, 0), "trash") != 0) {
		sqlite3_reset(st);
		log_fail("article %lld is not in the trash", (long long)id);
		return STORE_INVALID;
	}
	snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	st2 = model_status_parse(prev);
	return store_article_set_status(s, id, st2 < 0 ? ST_DRAFT : (enum article_status)st2);
}

enum store_status store_article_list(struct store *s, struct arena *a,
                                     const struct article_filter *f, struct article **out,
                                     size_t *n)
{
	sqlite3_stmt *st = store_stmt(
	        s, "SELECT " ART_COLS ART_FROM " WHERE (?1 IS NULL OR a.lang = ?1) "
	           "AND (?2 = 0 OR a.section_id IN (SELECT descendant FROM section_closure "
	           "WHERE ancestor = ?2)) "
	           "AND (CASE WHEN ?3 IS NULL THEN a.status != 'trash' ELSE a.status = ?3 END) "
	           "AND (?4 = 0 OR a.id IN (SELECT article_id FROM article_author WHERE "
	           "author_id = ?4)) AND (?5 = 0 OR a.tgroup_id = ?5) "
	           "AND (?8 = 0 OR (a.date, a.id) < (?9, ?8)) "
	           "ORDER BY a.date DESC, a.id DESC LIMIT ?6 OFFSET ?7");
	size_t cap = 32, k = 0;
	struct article *v;
	enum store_status rc;
	int r;

	if (st == NULL)
		return STORE_ERROR;
	if (f->lang)
		store_bind_text(st, 1, f->lang);
	sqlite3_bind_int64(st, 2, f->section_id);
	if (f->status >= 0)
		store_bind_text(st, 3, model_status_name((enum article_status)f->status));
	sqlite3_bind_int64(st, 4, f->author_id);
	sqlite3_bind_int64(st, 5, f->tgroup_id);
	sqlite3_bind_int64(st, 6, f->limit ? (sqlite3_int64)f->limit : -1);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)f->offset);
	sqlite3_bind_int64(st, 8, f->before_id);
	sqlite3_bind_int64(st, 9, f->before_date);
	v = arena_alloc(a, cap * sizeof(*v));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct article *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		store_article_read_row(a, st, &v[k++]);
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "article list");
	sqlite3_reset(st);
	for (size_t i = 0; i < k; i++)
		if ((rc = load_people(s, a, &v[i])) != STORE_OK)
			return rc;
	*out = v;
	*n = k;
	return STORE_OK;
}

enum store_status store_tgroup_members(struct store *s, struct arena *a, int64_t g,
                                       struct article **out, size_t *n)
{
	/* Its own query: the general list filter cannot use the group index. */
	sqlite3_stmt *st = store_stmt(s, "SELECT " ART_COLS ART_FROM " WHERE a.tgroup_id = ? "
	                                 "AND +a.status = 'published' ORDER BY a.lang, a.id");
	size_t cap = 4, k = 0, i;
	struct article *v;
	enum store_status rc;
	int r;

	*out = NULL;
	*n = 0;
	if (g == 0)
		return STORE_OK;
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, g);
	v = arena_alloc(a, cap * sizeof(*v));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct article *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		store_article_read_row(a, st, &v[k++]);
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "translation group");
	for (i = 0; i < k; i++)
		if ((rc = load_people(s, a, &v[i])) != STORE_OK)
			return rc;
	*out = v;
	*n = k;
	return STORE_OK;
}

/* Attaches authors and tags to many articles (sorted by id) in two queries. */
static enum store_status load_people_many(struct store *s, struct arena *a, struct article *v,
                                          size_t n, const char *json_ids)
{
	sqlite3_stmt *st;
	size_t i = 0, cap = 0;
	int r, pass;

	for (pass = 0; pass < 2; pass++) {
		st = store_stmt(s, pass == 0
		                           ? "SELECT x.article_id, au.id, au.kind, au.name, au.slug, "
		                             "au.bio FROM article_author x JOIN author au ON au.id = "
		                             "x.author_id WHERE x.article_id IN (SELECT value FROM "
		                             "json_each(?)) ORDER BY x.article_id, x.position"
		                           : "SELECT x.article_id, t.id, t.lang, t.name, t.slug FROM "
		                             "article_tag x JOIN tag t ON t.id = x.tag_id WHERE "
		                             "x.article_id IN (SELECT value FROM json_each(?)) "
		                             "ORDER BY x.article_id, x.position");
		if (st == NULL)
			return STORE_ERROR;
		store_bind_text(st, 1, json_ids);
		i = 0;
		cap = 0;
		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t aid = sqlite3_column_int64(st, 0);
			struct article *art;
			while (i < n && v[i].id < aid) {
				i++;
				cap = 0;
			}
			if (i == n || v[i].id != aid)
				continue;
			art = &v[i];
			if (pass == 0) {
				if (art->nauthors == cap) {
					struct author *w = arena_alloc(a, (cap ? 2 * cap : 2) * sizeof(*w));
					if (cap)
						memcpy(w, art->authors, cap * sizeof(*w));
					art->authors = w;
					cap = cap ? 2 * cap : 2;
				}
				struct author *au = &art->authors[art->nauthors++];
				au->id = sqlite3_column_int64(st, 1);
				au->kind = model_author_kind_parse((const char *)sqlite3_column_text(st, 2));
				au->name = store_col_text(a, st, 3);
				au->slug = store_col_text(a, st, 4);
				au->bio = store_col_text(a, st, 5);
			} else {
				if (art->ntags == cap) {
					struct tag *w = arena_alloc(a, (cap ? 2 * cap : 4) * sizeof(*w));
					if (cap)
						memcpy(w, art->tags, cap * sizeof(*w));
					art->tags = w;
					cap = cap ? 2 * cap : 4;
				}
				struct tag *t = &art->tags[art->ntags++];
				t->id = sqlite3_column_int64(st, 1);
				t->lang = store_col_text(a, st, 2);
				t->name = store_col_text(a, st, 3);
				t->slug = store_col_text(a, st, 4);
			}
		}
		if (r != SQLITE_DONE)
			return store_fail(s, "article");
	}
	return STORE_OK;
}

enum store_status store_article_get_many(struct store *s, struct arena *a, const int64_t *ids,
                                         size_t nids, struct article **out, size_t *n)
{
	struct buf json = BUF_INIT;
	sqlite3_stmt *st;
	struct article *v;
	enum store_status rc;
	size_t i, k = 0;
	int r;

	*out = NULL;
	*n = 0;
	if (nids == 0)
		return STORE_OK;
	buf_putc(&json, '[');
	for (i = 0; i < nids; i++)
		buf_printf(&json, "%s%lld", i ? "," : "", (long long)ids[i]);
	buf_putc(&json, ']');
	st = store_stmt(s, "SELECT " ART_COLS ART_FROM " WHERE a.id IN (SELECT value FROM "
	                   "json_each(?)) ORDER BY a.id");
	if (st == NULL) {
		buf_finish(&json);
		return STORE_ERROR;
	}
	store_bind_text(st, 1, json.p);
	v = arena_calloc(a, nids, sizeof(*v));
	while ((r = sqlite3_step(st)) == SQLITE_ROW && k < nids)
		store_article_read_row(a, st, &v[k++]);
	sqlite3_reset(st);
	if (r != SQLITE_DONE && r != SQLITE_ROW) {
		buf_finish(&json);
		return store_fail(s, "article");
	}
	for (i = 0; i < k; i++) {
		v[i].authors = NULL;
		v[i].tags = NULL;
	}
	rc = load_people_many(s, a, v, k, json.p);
	buf_finish(&json);
	if (rc != STORE_OK)
		return rc;
	*out = v;
	*n = k;
	return STORE_OK;
}

enum store_status store_article_ids(struct store *s, struct arena *a, const char *lang,
                                    int64_t lo, int64_t hi, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id FROM article WHERE id >= ? AND id < ? AND "
	                                 "+lang = ? AND +status = 'published' ORDER BY id");
	size_t cap = 64, k = 0;
	int64_t *v;
	int r;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	store_bind_text(st, 3, lang);
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
		return store_fail(s, "article");
	*ids = v;
	*n = k;
	return STORE_OK;
}

enum store_status store_article_max_id(struct store *s, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT coalesce(max(id), 0) FROM article");
	int r;

	if (st == NULL)
		return STORE_ERROR;
	r = sqlite3_step(st);
	*id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return r == SQLITE_ROW ? STORE_OK : store_fail(s, "article");
}

enum store_status store_group_pairs(struct store *s, struct arena *a, const char *lang,
                                    int64_t lo, int64_t hi, int64_t **art, int64_t **other,
                                    size_t *n)
{
	sqlite3_stmt *st = store_stmt(
	        s, "SELECT a.id, b.id FROM article a JOIN article b ON b.tgroup_id = a.tgroup_id "
	           "AND b.id != a.id WHERE a.id >= ? AND a.id < ? AND +a.lang = ? AND "
	           "+a.status = 'published' AND +b.status = 'published' ORDER BY a.id, b.lang");
	size_t cap = 16, k = 0;
	int64_t *x, *y;
	int r;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	store_bind_text(st, 3, lang);
	x = arena_alloc(a, cap * sizeof(*x));
	y = arena_alloc(a, cap * sizeof(*y));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			int64_t *x2 = arena_alloc(a, 2 * cap * sizeof(*x2));
			int64_t *y2 = arena_alloc(a, 2 * cap * sizeof(*y2));
			memcpy(x2, x, cap * sizeof(*x));
			memcpy(y2, y, cap * sizeof(*y));
			x = x2;
			y = y2;
			cap *= 2;
		}
		x[k] = sqlite3_column_int64(st, 0);
		y[k] = sqlite3_column_int64(st, 1);
		k++;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, "article");
	*art = x;
	*other = y;
	*n = k;
	return STORE_OK;
}

enum store_status store_sitemap_rows(struct store *s, struct arena *a, const char *lang,
                                     int64_t lo, int64_t hi, struct store_sitemap_row **rows,
                                     size_t *n)
{
	sqlite3_stmt *st;
	struct store_sitemap_row *v;
	struct buf dir = BUF_INIT;
	size_t cap = 64, k = 0, i = 0;
	int r;

	st = store_stmt(s, "SELECT a.id, s.path, a.slug, max(a.date, a.updated) FROM article a "
	                   "JOIN section s ON s.id = a.section_id WHERE a.id >= ? AND a.id < ? "
	                   "AND +a.lang = ? AND +a.status = 'published' ORDER BY a.id");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	store_bind_text(st, 3, lang);
	v = arena_alloc(a, cap * sizeof(*v));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct store_sitemap_row *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		memset(&v[k], 0, sizeof(v[k]));
		v[k].id = sqlite3_column_int64(st, 0);
		v[k].lang = lang;
		buf_reset(&dir);
		model_article_dir(&dir, lang, (const char *)sqlite3_column_text(st, 1),
		                  (const char *)sqlite3_column_text(st, 2));
		v[k].dir = arena_strndup(a, dir.p, dir.n);
		v[k].lastmod = sqlite3_column_int64(st, 3);
		k++;
	}
	if (r != SQLITE_DONE) {
		buf_finish(&dir);
		return store_fail(s, "sitemap");
	}
	st = store_stmt(s, "SELECT a.id, b.lang, s.path, b.slug FROM article a JOIN article b ON "
	                   "b.tgroup_id = a.tgroup_id AND b.id != a.id JOIN section s ON "
	                   "s.id = b.section_id WHERE a.id >= ? AND a.id < ? AND +a.lang = ? AND "
	                   "+a.status = 'published' AND +b.status = 'published' ORDER BY a.id, b.lang");
	if (st == NULL) {
		buf_finish(&dir);
		return STORE_ERROR;
	}
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	store_bind_text(st, 3, lang);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct store_sitemap_row *row;
		while (i < k && v[i].id < id)
			i++;
		if (i == k || v[i].id != id)
			continue;
		row = &v[i];
		if (row->nalt % 4 == 0) {
			const char **l = arena_alloc(a, (row->nalt + 4) * sizeof(char *));
			const char **d = arena_alloc(a, (row->nalt + 4) * sizeof(char *));
			if (row->nalt) {
				memcpy(l, row->alt_langs, row->nalt * sizeof(char *));
				memcpy(d, row->alt_dirs, row->nalt * sizeof(char *));
			}
			row->alt_langs = l;
			row->alt_dirs = d;
		}
		buf_reset(&dir);
		model_article_dir(&dir, (const char *)sqlite3_column_text(st, 1),
		                  (const char *)sqlite3_column_text(st, 2),
		                  (const char *)sqlite3_column_text(st, 3));
		row->alt_langs[row->nalt] = store_col_text(a, st, 1);
		row->alt_dirs[row->nalt] = arena_strndup(a, dir.p, dir.n);
		row->nalt++;
	}
	buf_finish(&dir);
	if (r != SQLITE_DONE)
		return store_fail(s, "sitemap");
	*rows = v;
	*n = k;
	return STORE_OK;
}
