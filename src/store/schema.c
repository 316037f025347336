/*
 * The schema and its migrations.  PRAGMA user_version holds the number of
 * migrations applied; each migration runs in its own transaction, so a
 * crash leaves the database at one version or the next.  Append new
 * migrations; never edit an applied one.
 */
#include "store/store_int.h"

#include <stdio.h>

#include "util/log.h"

static const char *const migrations[] = {
	/* 1: the content model. */
	"CREATE TABLE lang(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  code TEXT NOT NULL UNIQUE);\n"
	"CREATE TABLE section(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  lang TEXT NOT NULL,\n"
	"  parent_id INTEGER REFERENCES section(id),\n"
	"  slug TEXT NOT NULL,\n"
	"  path TEXT NOT NULL,\n"
	"  title TEXT NOT NULL,\n"
	"  description TEXT NOT NULL DEFAULT '',\n"
	"  position INTEGER NOT NULL DEFAULT 0,\n"
	"  depth INTEGER NOT NULL,\n"
	"  UNIQUE(lang, path));\n"
	"CREATE INDEX section_parent ON section(parent_id, position, slug);\n"
	"CREATE TABLE section_closure(\n"
	"  ancestor INTEGER NOT NULL REFERENCES section(id) ON DELETE CASCADE,\n"
	"  descendant INTEGER NOT NULL REFERENCES section(id) ON DELETE CASCADE,\n"
	"  depth INTEGER NOT NULL,\n"
	"  PRIMARY KEY(ancestor, descendant)) WITHOUT ROWID;\n"
	"CREATE INDEX section_closure_desc ON section_closure(descendant, depth);\n"
	"CREATE TABLE author(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  kind TEXT NOT NULL DEFAULT 'person' CHECK(kind IN ('person', 'organisation')),\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  slug TEXT NOT NULL UNIQUE,\n"
	"  bio TEXT NOT NULL DEFAULT '');\n"
	"CREATE TABLE tag(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  lang TEXT NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  slug TEXT NOT NULL,\n"
	"  UNIQUE(lang, slug),\n"
	"  UNIQUE(lang, name));\n"
	"CREATE TABLE tgroup(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  key TEXT NOT NULL UNIQUE);\n"
	"CREATE TABLE article(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  lang TEXT NOT NULL,\n"
	"  section_id INTEGER NOT NULL REFERENCES section(id),\n"
	"  slug TEXT NOT NULL,\n"
	"  status TEXT NOT NULL CHECK(status IN ('draft', 'proposed', 'published',\n"
	"    'scheduled', 'trash', 'refused')),\n"
	"  prev_status TEXT NOT NULL DEFAULT 'draft',\n"
	"  date INTEGER NOT NULL DEFAULT 0,\n"
	"  surtitle TEXT NOT NULL DEFAULT '',\n"
	"  title TEXT NOT NULL,\n"
	"  subtitle TEXT NOT NULL DEFAULT '',\n"
	"  lead TEXT NOT NULL DEFAULT '',\n"
	"  postscript TEXT NOT NULL DEFAULT '',\n"
	"  excerpt TEXT NOT NULL DEFAULT '',\n"
	"  first_published TEXT NOT NULL DEFAULT '',\n"
	"  source_name TEXT NOT NULL DEFAULT '',\n"
	"  source_url TEXT NOT NULL DEFAULT '',\n"
	"  original_lang TEXT NOT NULL DEFAULT '',\n"
	"  licence TEXT NOT NULL DEFAULT '',\n"
	"  translators TEXT NOT NULL DEFAULT '',\n"
	"  tgroup_id INTEGER REFERENCES tgroup(id),\n"
	"  created INTEGER NOT NULL,\n"
	"  updated INTEGER NOT NULL,\n"
	"  rev_id INTEGER,\n"
	"  UNIQUE(lang, slug));\n"
	"CREATE INDEX article_status ON article(status, date);\n"
	"CREATE INDEX article_section ON article(section_id);\n"
	"CREATE INDEX article_tgroup ON article(tgroup_id);\n"
	"CREATE TABLE article_author(\n"
	"  article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  author_id INTEGER NOT NULL REFERENCES author(id),\n"
	"  PRIMARY KEY(article_id, position)) WITHOUT ROWID;\n"
	"CREATE INDEX article_author_author ON article_author(author_id);\n"
	"CREATE TABLE article_tag(\n"
	"  article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  tag_id INTEGER NOT NULL REFERENCES tag(id),\n"
	"  PRIMARY KEY(article_id, position)) WITHOUT ROWID;\n"
	"CREATE INDEX article_tag_tag ON article_tag(tag_id);\n"
	/* meta: every field but the body, as JSON; body last, off the hot pages. */
	"CREATE TABLE revision(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,\n"
	"  created INTEGER NOT NULL,\n"
	"  user_id INTEGER,\n"
	"  note TEXT NOT NULL DEFAULT '',\n"
	"  meta TEXT NOT NULL,\n"
	"  body TEXT NOT NULL);\n"
	"CREATE INDEX revision_article ON revision(article_id, id);\n"
	"CREATE TABLE redirect(\n"
	"  path TEXT PRIMARY KEY,\n"
	"  article_id INTEGER REFERENCES article(id) ON DELETE CASCADE,\n"
	"  section_id INTEGER REFERENCES section(id) ON DELETE CASCADE);\n"
	"CREATE INDEX redirect_article ON redirect(article_id);\n"
	"CREATE INDEX redirect_section ON redirect(section_id);\n"
	"CREATE TABLE listing(\n"
	"  list INTEGER NOT NULL,\n"
	"  date INTEGER NOT NULL,\n"
	"  article_id INTEGER NOT NULL,\n"
	"  PRIMARY KEY(list, date, article_id)) WITHOUT ROWID;\n"
	"CREATE INDEX listing_article ON listing(article_id);\n"
	"CREATE TABLE list_count(\n"
	"  list INTEGER PRIMARY KEY,\n"
	"  n INTEGER NOT NULL);\n"
	"CREATE TABLE status_log(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,\n"
	"  at INTEGER NOT NULL,\n"
	"  user_id INTEGER,\n"
	"  from_status TEXT NOT NULL,\n"
	"  to_status TEXT NOT NULL);\n"
	"CREATE INDEX status_log_article ON status_log(article_id, id);\n"
	/* Changes committed but not yet published (crash recovery). */
	"CREATE TABLE publish_queue(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  data TEXT NOT NULL);\n",
	/* 2: feature modules' own schema versions (store_migrate_module). */
	"CREATE TABLE IF NOT EXISTS schema_module(\n"
	"  module TEXT PRIMARY KEY,\n"
	"  version INTEGER NOT NULL);\n",
	/*
	 * 3: list lengths per stretch of 2^20 seconds (about 12 days), so that
	 * an article's rank in a list and the articles at a rank are found
	 * by adding up some hundred buckets, not by walking the list.
	 */
	"CREATE TABLE list_bucket(\n"
	"  list INTEGER NOT NULL,\n"
	"  bucket INTEGER NOT NULL,\n"
	"  n INTEGER NOT NULL,\n"
	"  PRIMARY KEY(list, bucket)) WITHOUT ROWID;\n"
	"INSERT INTO list_bucket(list, bucket, n)\n"
	"  SELECT list, date >> 20, count(*) FROM listing GROUP BY 1, 2;\n",
};

enum store_status store_migrate(struct store *s)
{
	sqlite3_stmt *st;
	int version, i;
	enum store_status rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "schema");
	version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (version > (int)NELEM(migrations)) {
		log_fail("the site was made by a newer tamizdat (schema %d > %d); upgrade tamizdat",
		         version, (int)NELEM(migrations));
		return STORE_INVALID;
	}
	for (i = version; i < (int)NELEM(migrations); i++) {
		char pragma[64];
		if ((rc = store_exec(s, "BEGIN IMMEDIATE")) != STORE_OK)
			return rc;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", i + 1);
		if ((rc = store_exec(s, migrations[i])) != STORE_OK ||
		    (rc = store_exec(s, pragma)) != STORE_OK) {
			log_fail("schema migration %d: %s", i + 1, log_reason());
			store_rollback(s);
			return rc;
		}
		if ((rc = store_exec(s, "COMMIT")) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

enum store_status store_migrate_module(struct store *s, const struct store_schema *schema)
{
	sqlite3_stmt *st;
	int version = 0, r;
	size_t i;
	enum store_status rc;

	if (sqlite3_prepare_v2(s->db, "SELECT version FROM schema_module WHERE module = ?", -1, &st,
	                       NULL) != SQLITE_OK)
		return store_fail(s, "schema");
	sqlite3_bind_text(st, 1, schema->module, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return store_fail(s, "schema");
	if (version > (int)schema->n) {
		log_fail("the site's %s tables were made by a newer tamizdat (%d > %zu); upgrade "
		         "tamizdat",
		         schema->module, version, schema->n);
		return STORE_INVALID;
	}
	if (s->flags & STORE_READONLY) {
		if (version < (int)schema->n) {
			log_fail("the site's %s tables need an upgrade; run a command that writes "
			         "(tamizdat publish)",
			         schema->module);
			return STORE_INVALID;
		}
		return STORE_OK;
	}
	for (i = (size_t)version; i < schema->n; i++) {
		if ((rc = store_exec(s, "BEGIN IMMEDIATE")) != STORE_OK)
			return rc;
		if ((rc = store_exec(s, schema->migrations[i])) != STORE_OK) {
			log_fail("%s schema migration %zu: %s", schema->module, i + 1, log_reason());
			store_rollback(s);
			return rc;
		}
		if (sqlite3_prepare_v2(s->db,
		                       "INSERT INTO schema_module(module, version) VALUES (?, ?) "
		                       "ON CONFLICT(module) DO UPDATE SET version = excluded.version",
		                       -1, &st, NULL) != SQLITE_OK) {
			rc = store_fail(s, "schema");
			store_rollback(s);
			return rc;
		}
		sqlite3_bind_text(st, 1, schema->module, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, (int)i + 1);
		r = sqlite3_step(st);
		sqlite3_finalize(st);
		if (r != SQLITE_DONE) {
			rc = store_fail(s, "schema");
			store_rollback(s);
			return rc;
		}
		if ((rc = store_exec(s, "COMMIT")) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}
