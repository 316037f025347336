/*
 * Full-text search over the published articles, kept in the store.
 *
 * The index: one FTS5 table per language (search_fts_LANG, made when the
 * first article of the language is indexed) with the "tamizdat" tokenizer
 * of that language (fts_tokenizer.h) and four columns -- title, surtitle
 * and subtitle, lead, body (plain text of the Markdown, and the
 * postscript) -- and search_doc, one row per indexed article with what
 * filters and ordering need (language, date, section, a hash of the
 * indexed text).  Only published articles are ever in it.
 *
 * Following the store: search_open() installs the store's article hook,
 * so every change (publish, unpublish, edit, move, trash, restore) updates
 * the index inside the transaction that makes it.  An importer that adds
 * thousands of articles calls search_defer() first and search_flush()
 * before its commit: the texts are then tokenized on all cores.
 * search_reindex() rebuilds everything, as after a change of the stemming
 * rules (stem_version(), recorded per table).  The connection's commit
 * and rollback hooks are search's too: a commit with deferred articles not
 * yet flushed is refused, and a rollback forgets them.
 *
 * Ranking: BM25 per column, weighted (title 8, surtitle/subtitle 4,
 * lead 3, body 1) and added, so that a word in the title outranks the same
 * word many times in a body; scores within 5% of each other count as
 * equal and the newer article comes first.
 *
 * A struct search belongs to one store connection (one thread at a time);
 * the server opens one per worker thread.
 */
#ifndef TZ_SEARCH_H
#define TZ_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "search/query.h"

struct arena;
struct store;
struct search;

/* Marks around matched words in search_hit.title and .snippet. */
#define SEARCH_MARK_ON  '\x02'
#define SEARCH_MARK_OFF '\x03'

/* Deepest result listed: (offset + limit) past this is refused with a message. */
#define SEARCH_MAX_RESULTS 1000

/* Flags for search_open(). */
#define SEARCH_READONLY 0x1 /* no migrations, no hook: for reading connections */

/*
 * Attaches search to the store's connection: registers the tokenizer and
 * the ranking and snippet functions, and unless SEARCH_READONLY brings the
 * search tables up to date and installs the article hook (replacing any
 * other).  A read-only store whose search tables are missing or old still
 * opens: search_run() then answers with the reason (search_unavailable()).
 * NULL with the reason recorded on an SQLite error.  Free with
 * search_close() before closing the store.
 */
struct search *search_open(struct store *st, int flags);
void search_close(struct search *s);

/* Why searching cannot work on this connection, or NULL if it can. */
const char *search_unavailable(const struct search *s);

/*
 * Languages whose table was built with other stemming rules than this
 * program's (stem_version()); their searches miss words until
 * search_reindex().  OUT: arena-owned codes.  0 or -1.
 */
int search_stale(struct search *s, struct arena *a, const char ***langs, size_t *n);

/*
 * From now on the hook only records which articles changed, and
 * search_flush() indexes them.  For imports: many articles in one
 * transaction.
 */
void search_defer(struct search *s);
/*
 * Indexes the articles recorded since search_defer(), tokenizing on all
 * cores, and goes back to indexing each change at once.  Call inside the
 * transaction, before the commit.  0 or -1.
 */
int search_flush(struct search *s);

struct search_stats {
	size_t articles; /* indexed */
	size_t langs;    /* tables */
	double seconds;
};

/*
 * Rebuilds the whole index in one transaction of its own: the tables are
 * made anew with the current stemming rules and filled with every
 * published article.  progress: a progress bar on a terminal.  0 or -1.
 */
int search_reindex(struct search *s, bool progress, struct search_stats *out);

struct search_opts {
	const char *lang;     /* NULL or "all": every language; a query's lang: wins */
	const char *section;  /* as the section: filter, when the query has none */
	size_t offset, limit; /* limit 0: 10 */
	bool marks;           /* fill hit.title and hit.snippet */
	bool by_date;         /* newest first instead of by rank (feeds); total is not counted */
	int64_t deadline;     /* search_clock_ms() to stop at with QUERY_MSG_TIMEOUT (0: in 3 s) */
};

/* A monotonic clock in milliseconds, for search_opts.deadline. */
#define SEARCH_DEADLINE_MS 3000
int64_t search_clock_ms(void);

struct search_hit {
	int64_t id;
	const char *lang;
	int64_t date;
	const char *title;   /* with SEARCH_MARK_ON/OFF around matches (opts.marks) */
	const char *snippet; /* a passage of the body or lead, marked likewise */
};

struct search_result {
	size_t total; /* matches in all */
	struct search_hit *hits;
	size_t nhits;
	struct query_message *msgs; /* the query's and the run's */
	size_t nmsgs;
	const char *fts; /* the FTS5 expression run, for tests and --debug */
	bool timed_out;  /* stopped at the deadline: no hits, QUERY_MSG_TIMEOUT */
};

/*
 * Runs query q (parsed by query_parse()) with opts: the matches' count and
 * the hits [offset, offset + limit) in rank order, arena-owned.  Problems
 * of the query (an unknown section, only exclusions...) give no hits and a
 * message, never an error.  Run it in a read transaction to see one
 * snapshot.  0, or -1 with the reason recorded on an SQLite error.
 */
int search_run(struct search *s, struct arena *a, const struct query *q,
               const struct search_opts *opts, struct search_result *out);

#endif
