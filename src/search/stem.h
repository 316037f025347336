/*
 * Stemming for search keys: a word, as the search tokenizer cuts it and
 * lowers it (fold_lower()), goes in; one or more keys come out, already
 * folded (fold_key()), so that the inflected forms of one word share a key
 * and a query finds them all.
 *
 *	en, ru	Snowball (libstemmer).
 *	fr	Snowball on the accented word and on the word without accents,
 *		both kept: "négociée" and a query typed as "negociee" meet.
 *	uk	hunspell's lemmas from Debian's hunspell-uk dictionary (all of
 *		them when a form is ambiguous: "війни" -> війна, війнути), and a
 *		light suffix-stripping stemmer for words the dictionary lacks.
 *
 * A word with several keys matches a query if any key is shared; the FTS5
 * tokenizer emits them as colocated tokens.  Each struct stem has a bounded
 * cache of recent words, because stemming (hunspell above all) costs far
 * more than a lookup and word frequencies are steeply skewed.
 *
 * Loading hunspell's Ukrainian dictionary costs about 0.5 s and 40 MB, more
 * than a whole one-article publish should take, so a Ukrainian stemmer can
 * be given a persistent cache (struct stem_store; stemdb.h keeps one in the
 * store, filled by indexing): a word not in the memory cache is looked up
 * there, and only a word missing there too loads the dictionary (once per
 * process, shared under a lock) and is stemmed by it, its keys then handed
 * to the store.  The store is keyed by the dictionary's identity
 * (stem_new() reads the size and modification time of the .aff and .dic
 * files and of libhunspell), so another dictionary or hunspell never gets
 * the keys of the previous one.
 *
 * Not thread-safe: a struct stem belongs to one thread at a time (one per
 * FTS5 tokenizer instance).
 */
#ifndef TZ_STEM_H
#define TZ_STEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

enum stem_lang {
	STEM_NONE, /* fold only */
	STEM_EN,
	STEM_FR,
	STEM_RU,
	STEM_UK,
};

#define STEM_NLANG 5

/* Most keys one word can have: hunspell rarely gives more than three lemmas. */
#define STEM_MAX_KEYS 4
/*
 * Longest word (bytes) that is stemmed; longer ones are their own key.  64
 * Cyrillic letters is past any real word, and hunspell refuses words over
 * 100 bytes anyway.
 */
#define STEM_WORD_MAX 128
/* Longest key (bytes): fold_key() can lengthen a word (ß -> ss, œ -> oe). */
#define STEM_KEY_MAX (2 * STEM_WORD_MAX)

struct stem_stats {
	unsigned long long words;  /* stem_word() calls */
	unsigned long long hits;   /* answered from the cache */
	unsigned long long stored; /* uk: answered from the persistent store */
	unsigned long long lemmas; /* uk: words hunspell was asked for and knew */
};

/*
 * A persistent cache of a stemmer's results (ctx is the callbacks'), for
 * Ukrainian only: the Snowball languages stem faster than any lookup.  A
 * word's keys travel encoded: back to back, each but the last followed by
 * a '\0' (no key holds one); a single empty key is the empty string.
 * dict is the dictionary's identity (see above), lang the stemmer's.
 */
struct stem_store {
	/*
	 * The encoded keys of w[0..n), copied to out (cap bytes): their
	 * length, or -1 if the store has none (or fails: the stemmer then
	 * computes them).  NULL: the stemmer never asks.
	 */
	long (*get)(void *ctx, enum stem_lang lang, uint64_t dict, const char *w, size_t n,
	            char *out, size_t cap);
	/* Told the keys of a word the stemmer computed; NULL: not told. */
	void (*put)(void *ctx, enum stem_lang lang, uint64_t dict, const char *w, size_t n,
	            const char *keys, size_t len);
	void *ctx;
};

/* Room for a word's encoded keys. */
#define STEM_STORE_MAX (STEM_MAX_KEYS * (STEM_KEY_MAX + 1))

/* "en", "fr", "ru", "uk", "none" (also "english", ...); false if unknown. */
bool stem_lang_parse(const char *s, size_t n, enum stem_lang *out);
/* "en", "fr", "ru", "uk" or "none". */
const char *stem_lang_name(enum stem_lang lang);

/*
 * Sets the hunspell dictionary for Ukrainian: the path without ".aff" /
 * ".dic" (default /usr/share/hunspell/uk_UA).  Takes effect only before the
 * first Ukrainian stemmer is made.  path is copied.
 */
void stem_set_uk_dictionary(const char *path);

/*
 * The cache size (words) stem_new() is best given for lang: 32768 (up to
 * 4 MB) for Ukrainian, whose dictionary lookups cost 10-20 us, and 8192
 * (up to 1 MB) for the Snowball languages, whose stemming costs well under
 * 1 us, so that a cache gains them less.  On the generated news corpus 8192 words
 * answer 72% of lookups and 32768 89%.
 */
size_t stem_cache_default(enum stem_lang lang);

/*
 * A stemmer for lang with a cache of cache_size words (0: no cache); the
 * cache starts at a few hundred words and grows to that size as it fills.
 * Returns NULL with the reason recorded (log_fail()) if the stemmer is
 * missing or the Ukrainian dictionary's files are not there; the
 * dictionary itself is loaded only when a word needs it.  Free with
 * stem_free().
 */
struct stem *stem_new(enum stem_lang lang, size_t cache_size);
void stem_free(struct stem *s);

/*
 * Gives s a persistent cache (copied; NULL: none).  Only a Ukrainian
 * stemmer uses it; the others ignore it.
 */
void stem_set_store(struct stem *s, const struct stem_store *store);

/* Whether this process has loaded the Ukrainian dictionary (tests, traces). */
bool stem_dictionary_loaded(void);

/*
 * The identity of lang's dictionary and rules, as stem_store's dict
 * (0 for a language without a dictionary, or when it is missing).
 */
uint64_t stem_dictionary_id(enum stem_lang lang);

/*
 * Stems the word w[0..n), lower-cased by fold_lower() (accents kept, '
 * as the apostrophe).  Fills keys[] with 1..STEM_MAX_KEYS distinct folded
 * keys and returns their number (one empty key if w folds to nothing).
 * The keys point into s and stay valid until the next call on s.  -1 with
 * the reason recorded if the Ukrainian dictionary, needed for w, cannot
 * be loaded.
 */
int stem_word(struct stem *s, const char *w, size_t n, struct str keys[STEM_MAX_KEYS]);

/* Counters since stem_new(). */
void stem_stats(const struct stem *s, struct stem_stats *out);

/*
 * Names the stemming rules and dictionary in force, e.g.
 * "tzstem 1; snowball 2; hunspell uk_UA 331659; uk-light 1" (the number
 * is the word count in the .dic header, which changes with its version).
 * An index built under one version must be rebuilt when it changes (FTS5:
 * INSERT INTO t(t) VALUES('rebuild')), or queries stop matching old rows.
 * Reads the .dic header only.  Returns static storage; not reentrant.
 */
const char *stem_version(void);

#endif
