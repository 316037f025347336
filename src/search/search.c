/*
 * Attaching search to a store connection: the tokenizer and functions,
 * the module's schema, the statement cache and the per-language tables.
 * See search.h for the design.
 */
#include "search/search_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/fts_tokenizer.h"
#include "search/stem.h"
#include "search/stemdb.h"
#include "util/arena.h"
#include "util/log.h"

static const char *const migrations[] = {
        /* 1: the tables' registry and the indexed articles. */
        "CREATE TABLE search_table(\n"
        "  lang TEXT PRIMARY KEY,\n"
        "  name TEXT NOT NULL UNIQUE,\n"
        "  tokenize TEXT NOT NULL,\n"
        "  version TEXT NOT NULL);\n"
        "CREATE TABLE search_doc(\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  lang TEXT NOT NULL,\n"
        "  date INTEGER NOT NULL,\n"
        "  section_id INTEGER NOT NULL,\n"
        "  hash INTEGER NOT NULL);\n",
        /* 2: the persistent stem cache (stemdb.h); STEMDB_CREATE repeats it. */
        "CREATE TABLE search_stem(\n"
        "  lang TEXT NOT NULL,\n"
        "  dict INTEGER NOT NULL,\n"
        "  word TEXT NOT NULL,\n"
        "  keys BLOB NOT NULL,\n"
        "  PRIMARY KEY (lang, dict, word)) WITHOUT ROWID;\n",
};

static const struct store_schema schema = {"search", migrations, NELEM(migrations)};

/*
 * A commit with deferred changes not yet indexed would leave the index
 * behind the store: refuse it (SQLite then rolls back), so that a caller
 * forgetting search_flush() fails at once instead of losing results.
 */
static int commit_guard(void *arg)
{
	struct search *s = arg;

	if (s->npending == 0)
		return 0;
	log_error("search: a commit with %zu articles not indexed (search_flush() missing); "
	          "rolled back",
	          s->npending);
	return 1;
}

/* A rollback undoes the changes the hook recorded. */
static void rollback_reset(void *arg)
{
	struct search *s = arg;

	s->npending = 0;
	s->deferred = false;
}

static void drop_stems(void *ctx)
{
	stemdb_unref(ctx);
}

struct search *search_open(struct store *st, int flags)
{
	struct search *s = xcalloc(1, sizeof(*s));
	struct stem_store store;

	s->st = st;
	s->db = store_db(st);
	s->flags = flags;
	/* One reference is the tokenizers' (dropped when the connection closes). */
	s->stems = stemdb_new(s->db, !(flags & SEARCH_READONLY));
	stemdb_ref(s->stems);
	stemdb_store(s->stems, true, &store);
	if (ftstok_register(s->db, &store, drop_stems) != 0 || search_aux_register(s->db) != 0)
		goto fail;
	if (store_migrate_module(st, &schema) != STORE_OK) {
		if (!(flags & SEARCH_READONLY))
			goto fail;
		/* Reading commands still work; searching says why it cannot. */
		s->unavailable = xstrdup(log_reason());
		log_clear();
	}
	if (!(flags & SEARCH_READONLY)) {
		store_set_article_hook(st, search_hook, s);
		sqlite3_commit_hook(s->db, commit_guard, s);
		sqlite3_rollback_hook(s->db, rollback_reset, s);
	}
	return s;
fail:
	log_fail("search: %s", log_reason());
	search_close(s);
	return NULL;
}

void search_close(struct search *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (!(s->flags & SEARCH_READONLY) && s->st) {
		store_set_article_hook(s->st, NULL, NULL);
		sqlite3_commit_hook(s->db, NULL, NULL);
		sqlite3_rollback_hook(s->db, NULL, NULL);
	}
	for (i = 0; i < SEARCH_STMT_CACHE; i++) {
		sqlite3_finalize(s->cache[i].st);
		free(s->cache[i].sql);
	}
	tok_set_free(&s->rec); /* they use s->stems */
	/* Its statements go before the connection closes; tokenizers may still hold it. */
	stemdb_detach(s->stems);
	stemdb_unref(s->stems);
	free(s->pending);
	free(s->unavailable);
	free(s);
}

const char *search_unavailable(const struct search *s)
{
	return s->unavailable;
}

int search_fail(struct search *s, const char *what)
{
	/* The tokenizer's own reason rather than FTS5's "SQL logic error". */
	const char *why = ftstok_take_failure();

	return log_fail("%s: %s", what, why ? why : sqlite3_errmsg(s->db));
}

sqlite3_stmt *search_stmt(struct search *s, const char *sql)
{
	size_t i, slot;
	sqlite3_stmt *st;

	for (i = 0; i < SEARCH_STMT_CACHE; i++) {
		if (s->cache[i].sql && strcmp(s->cache[i].sql, sql) == 0) {
			sqlite3_reset(s->cache[i].st);
			sqlite3_clear_bindings(s->cache[i].st);
			return s->cache[i].st;
		}
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		search_fail(s, "search");
		return NULL;
	}
	slot = s->next_slot;
	s->next_slot = (slot + 1) % SEARCH_STMT_CACHE;
	sqlite3_finalize(s->cache[slot].st);
	free(s->cache[slot].sql);
	s->cache[slot].sql = xstrdup(sql);
	s->cache[slot].st = st;
	return st;
}

const char *search_tokenize_args(const char *lang)
{
	/*
	 * One language per table is the most precise; Latin words quoted in
	 * Russian or Ukrainian text are mostly English.  Other languages are
	 * folded, not stemmed.
	 */
	if (strcmp(lang, "en") == 0)
		return "en";
	if (strcmp(lang, "fr") == 0)
		return "fr";
	if (strcmp(lang, "ru") == 0)
		return "ru en";
	if (strcmp(lang, "uk") == 0)
		return "uk en";
	return "none";
}

static void copy(char *dst, size_t cap, const unsigned char *src)
{
	snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

static void read_table(sqlite3_stmt *st, struct search_table *out)
{
	copy(out->lang, sizeof(out->lang), sqlite3_column_text(st, 0));
	copy(out->name, sizeof(out->name), sqlite3_column_text(st, 1));
	copy(out->tokenize, sizeof(out->tokenize), sqlite3_column_text(st, 2));
	copy(out->version, sizeof(out->version), sqlite3_column_text(st, 3));
}

int search_table_get(struct search *s, const char *lang, struct search_table *out)
{
	sqlite3_stmt *st = search_stmt(
	        s, "SELECT lang, name, tokenize, version FROM search_table WHERE lang = ?");
	int r;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		read_table(st, out);
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : search_fail(s, "search tables");
}

int search_table_ensure(struct search *s, const char *lang, struct search_table *out)
{
	char sql[512];
	sqlite3_stmt *st;
	size_t i, n;
	int r;

	if ((r = search_table_get(s, lang, out)) != 0)
		return r < 0 ? -1 : 0;
	memset(out, 0, sizeof(*out));
	n = strlen(lang);
	if (n == 0 || n >= sizeof(out->lang))
		return log_fail("search: bad language code \"%s\"", lang);
	memcpy(out->lang, lang, n + 1);
	/* Table names from codes: letters and digits kept, the rest '_'. */
	memcpy(out->name, "search_fts_", 11);
	for (i = 0; i < n && 11 + i + 1 < sizeof(out->name); i++) {
		char c = lang[i];
		out->name[11 + i] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c
		                    : (c >= 'A' && c <= 'Z') ? (char)(c | 0x20)
		                                             : '_';
	}
	snprintf(out->tokenize, sizeof(out->tokenize), "%s", search_tokenize_args(lang));
	snprintf(out->version, sizeof(out->version), "%s", stem_version());
	snprintf(sql, sizeof(sql),
	         "CREATE VIRTUAL TABLE \"%s\" USING fts5(" SEARCH_FTS_COLUMNS ", "
	         "tokenize = '" FTSTOK_NAME " %s')",
	         out->name, out->tokenize);
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return search_fail(s, "search table");
	st = search_stmt(s, "INSERT INTO search_table(lang, name, tokenize, version) "
	                    "VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, out->lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, out->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, out->tokenize, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, out->version, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : search_fail(s, "search tables");
}

int search_table_all(struct search *s, struct arena *a, struct search_table **out, size_t *n)
{
	sqlite3_stmt *st = search_stmt(
	        s, "SELECT lang, name, tokenize, version FROM search_table ORDER BY lang");
	struct search_table *v = NULL;
	size_t k = 0, cap = 0;
	int r;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct search_table *w;
			cap = cap ? 2 * cap : 8;
			w = arena_alloc(a, cap * sizeof(*w));
			if (k)
				memcpy(w, v, k * sizeof(*w));
			v = w;
		}
		read_table(st, &v[k++]);
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		return search_fail(s, "search tables");
	*out = v;
	*n = k;
	return 0;
}

int search_stale(struct search *s, struct arena *a, const char ***langs, size_t *n)
{
	struct search_table *t;
	const char *version = stem_version();
	size_t nt, i;

	*langs = NULL;
	*n = 0;
	if (s->unavailable)
		return 0;
	if (search_table_all(s, a, &t, &nt) != 0)
		return -1;
	*langs = arena_alloc(a, (nt + 1) * sizeof(char *));
	for (i = 0; i < nt; i++)
		if (strcmp(t[i].version, version) != 0 ||
		    strcmp(t[i].tokenize, search_tokenize_args(t[i].lang)) != 0)
			(*langs)[(*n)++] = arena_strdup(a, t[i].lang);
	return 0;
}
