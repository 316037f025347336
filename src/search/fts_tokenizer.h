/*
 * The "tamizdat" FTS5 tokenizer: words of any script, case- and
 * accent-folded, stemmed per language (stem.h), so that a search for
 * «война» finds «войны» and «войной», and "negociations" finds
 * "négociation".
 *
 * Arguments (after the name, in the tokenize option) choose the languages:
 *
 *	CREATE VIRTUAL TABLE doc_ru USING fts5(title, body, tokenize = 'tamizdat ru');
 *	CREATE VIRTUAL TABLE doc USING fts5(body, lang UNINDEXED,
 *	                                    tokenize = 'tamizdat en fr ru uk');
 *
 * One language gives the most precise index (one table per language).
 * Several languages (or "auto", meaning all four) serve a single table of
 * mixed text: each word is stemmed by the languages of its script (Latin:
 * en, fr; Cyrillic: ru, uk, narrowed by letters only one of them has: ы э ъ
 * ё are Russian, і ї є ґ and the apostrophe Ukrainian) and all the keys are
 * indexed at one position, so a query matches in any of them.  "none"
 * folds without stemming.  "cache N" sets the stem cache per language
 * (words; 0 turns it off; default stem_cache_default()).
 *
 * What is indexed for each word, at one position (FTS5_TOKEN_COLOCATED):
 *	- its stem keys ("войн"), what ordinary and phrase queries look up;
 *	- "=" + its folded surface form ("=войной") when that differs from
 *	  every key, so that a prefix query can match the words as written:
 *	  "negotiat*" must find "negotiations", whose stem is "negoti".
 * A prefix query term is folded but not stemmed, and looks up both the
 * plain and the "=" form.  An ordinary query term is stemmed exactly as
 * the document was.  The "=" forms are 20% (en) to 40% (ru) of the index
 * entries (measured by the "bench" test in tests/unit/fts_tokenizer_test.c)
 * and are what makes prefix search work on inflected languages.  The mark
 * keeps the two kinds apart: an ordinary query looks up stems only, and an
 * exact-form search, if the search page ever offers one, can look up
 * "=word" alone.
 *
 * For FTS5_TOKENIZE_AUX (what highlight(), snippet() and the search
 * page's own auxiliary functions ask for) each word gives one token, the
 * word as written (its bytes, cut to FTSTOK_TOKEN_MAX on a character),
 * neither folded nor stemmed: those functions only count positions and
 * read offsets, and a snippet from the end of a long article tokenizes
 * all of it, so this is the cheapest reading that keeps the document's
 * positions.
 *
 * Words: runs of letters and digits; an apostrophe (' ’ ‘ ʼ, all read as ')
 * between two letters stays inside the word (Ukrainian пам'ять), except
 * after a French elided article or pronoun when French is on (l'élection
 * -> l, élection); hyphens and other punctuation separate words (соціал-
 * демократ -> соціал, демократ); combining marks (stress accents), soft
 * hyphens and zero-width joiners are ignored inside a word.  Invalid UTF-8
 * separates words.  Every token is valid UTF-8 and its offsets lie within
 * the input.
 *
 * For queries typed by people, quote each term: FTS5's bareword syntax has
 * no apostrophe or hyphen ("пам'ять" must reach MATCH as "\"пам'ять\"").
 */
#ifndef TZ_FTS_TOKENIZER_H
#define TZ_FTS_TOKENIZER_H

#include <sqlite3.h>

#include "search/stem.h"
#include "util/buf.h"

/* The tokenizer's name in tokenize = '...'. */
#define FTSTOK_NAME "tamizdat"
/* Marks the surface form of a word in the index (see above). */
#define FTSTOK_SURFACE_MARK '='
/* Longest token (bytes); longer words are cut on a character boundary and not stemmed. */
#define FTSTOK_TOKEN_MAX 256

struct ftstok;

/*
 * Called for each token, as FTS5's xToken: flags is 0 or
 * FTS5_TOKEN_COLOCATED, tok[0..ntok) the token (valid until the callback
 * returns), [start, end) its bytes in the input.  A non-zero return
 * (an SQLite error code) stops tokenizing and is returned.
 */
typedef int (*ftstok_token_fn)(void *ctx, int flags, const char *tok, int ntok, int start, int end);

/*
 * Registers the tokenizer FTSTOK_NAME on db, for every FTS5 table made
 * after.  store (copied; may be NULL) is given to the stemmers of every
 * tokenizer FTS5 makes on db (stem_set_store()); drop(store->ctx), if
 * drop is not NULL, is called when db no longer needs it (when db
 * closes, or at once if registering fails).  0 or -1 (reason recorded:
 * FTS5 missing, SQLite error).
 */
int ftstok_register(sqlite3 *db, const struct stem_store *store, void (*drop)(void *ctx));
/*
 * Why the tokenizer last failed on this thread -- a stemmer that could not
 * load its library or dictionary, say -- which FTS5 reports only as an SQL
 * error; NULL if it has not failed since the last call.  Clears it.
 */
const char *ftstok_take_failure(void);

/*
 * A tokenizer for the arguments argv[0..argc) as above (no arguments:
 * "auto").  NULL with the reason recorded on a bad argument or when a
 * stemmer cannot be loaded.  Free with ftstok_free().  Not thread-safe:
 * one thread at a time per tokenizer.
 */
struct ftstok *ftstok_new(const char *const *argv, int argc);
void ftstok_free(struct ftstok *t);

/* Gives the tokenizer's stemmers a persistent cache (copied; NULL: none). */
void ftstok_set_store(struct ftstok *t, const struct stem_store *store);

/*
 * Tokenizes text[0..n) for reason (FTS5_TOKENIZE_DOCUMENT, _QUERY, _QUERY |
 * _PREFIX or _AUX), calling fn for each token.  Returns SQLITE_OK, fn's
 * first non-zero return, or SQLITE_ERROR with the reason recorded if a
 * stemmer fails (the Ukrainian dictionary cannot be loaded).
 */
int ftstok_run(struct ftstok *t, int reason, const char *text, int n, void *ctx,
               ftstok_token_fn fn);

/*
 * Bulk indexing tokenizes on worker threads and inserts on one: a worker
 * records the tokens of a text into a tape, and the inserting thread makes
 * its FTS5 tokenizers replay the tape when FTS5 asks them for the same
 * text, instead of tokenizing it again.  The tape must come from a
 * tokenizer with the table's arguments (the cache size may differ).
 */
struct ftstok_tape {
	const char *text; /* borrowed */
	size_t n;
	struct buf tokens; /* ftstok_record()'s output */
};

/*
 * Tokenizes text[0..n) as a document into tape (reset first).  0, or -1
 * (reason recorded) for a text FTS5 could not take or a failed stemmer.
 */
int ftstok_record(struct ftstok *t, const char *text, size_t n, struct buf *tape);
/*
 * Until the next call, this thread's FTS5 tokenizers answer a document
 * whose bytes equal tapes[i].text with tapes[i]'s tokens.  The tapes are
 * borrowed until then; (NULL, 0) stops replaying.
 */
void ftstok_replay(const struct ftstok_tape *tapes, size_t n);

/* The stem counters of all the tokenizer's languages, added up (OUT: out). */
void ftstok_stats(const struct ftstok *t, struct stem_stats *out);

#endif
