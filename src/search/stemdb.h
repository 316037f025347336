/*
 * The persistent stem cache: the keys hunspell gave each Ukrainian word,
 * kept in a table of the store, so that a process that indexes or
 * searches Ukrainian text finds them there instead of loading the
 * dictionary (about 0.5 s and 40 MB per process: most of a one-article
 * publish).  It is the struct stem_store (stem.h) of the stemmers of one
 * SQLite connection.
 *
 *	search_stem(lang, dict, word, keys), key (lang, dict, word)
 *
 * lang is the stemmer's language ("uk"), dict the dictionary's identity
 * (stem_dictionary_id(): the rules' version, the dictionary's path, and
 * the size and modification time of its .aff and .dic files and of
 * libhunspell), word the word as the stemmer gets it (lowered,
 * fold_lower()), keys its keys encoded as stem.h says.  Rows of another
 * identity are never read: after an upgrade of hunspell-uk or hunspell
 * the cache starts empty again, and search_reindex() deletes the old
 * rows.
 *
 * Filling: indexing writes the keys it computed in its own transaction
 * (stemmers record them with put, possibly on worker threads; the
 * connection's thread writes them with stemdb_flush() between
 * statements, never from inside a tokenizer callback).  Reading: one
 * prepared-statement lookup per word the stemmer's memory cache lacks; the
 * table is never loaded whole, so memory stays SQLite's page cache.
 */
#ifndef TZ_STEMDB_H
#define TZ_STEMDB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "search/stem.h"

/* The table's name in the store and in the scratch databases of a rebuild. */
#define STEMDB_TABLE "search_stem"

/*
 * The table as the search module's migration 2 made it, for scratch
 * databases.  Never change it: a new layout is a new migration.
 */
#define STEMDB_CREATE                 \
	"CREATE TABLE search_stem(\n" \
	"  lang TEXT NOT NULL,\n"     \
	"  dict INTEGER NOT NULL,\n"  \
	"  word TEXT NOT NULL,\n"     \
	"  keys BLOB NOT NULL,\n"     \
	"  PRIMARY KEY (lang, dict, word)) WITHOUT ROWID;\n"

struct stemdb;

/*
 * The cache in the table STEMDB_TABLE of db (which must outlive it, or
 * see stemdb_detach()).  writable: keys recorded by put are kept for
 * stemdb_flush(); otherwise put does nothing.  Reference-counted: one
 * reference for the caller; stemdb_unref() drops one.
 */
struct stemdb *stemdb_new(sqlite3 *db, bool writable);
void stemdb_ref(struct stemdb *c);
void stemdb_unref(struct stemdb *c);

/*
 * The callbacks for stem_set_store() / ftstok_register(), ctx c.
 * lookups: with get (only the connection's own thread may call it, and
 * only while db is in use by it); without, put only, which any thread may
 * call.
 */
void stemdb_store(struct stemdb *c, bool lookups, struct stem_store *out);

/*
 * Writes the keys recorded since the last flush (INSERT OR IGNORE), on
 * the connection's thread, outside any statement's callbacks: in the
 * caller's transaction if one is open.  0, or -1 with the reason recorded.
 */
int stemdb_flush(struct stemdb *c);

/*
 * Finalizes the statements (before db is closed) and turns the cache off:
 * later lookups miss and puts are dropped.  Tokenizers that still hold c
 * stay safe.
 */
void stemdb_detach(struct stemdb *c);

/* Lookups answered from the table, and asked, since stemdb_new() (tests). */
void stemdb_counts(const struct stemdb *c, unsigned long long *found, unsigned long long *asked);

#endif
