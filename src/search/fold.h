/*
 * The character rules of full-text search: a strict UTF-8 decoder, which
 * code points make up words, and the two foldings that turn a word into a
 * search key.  fold_lower() runs before stemming (lower case, ё -> е,
 * Ukrainian apostrophes ' ’ ʼ unified to '), because the stemmers need the
 * accents (French "négociée" stems by its é); fold_key() runs after it
 * (diacritics removed: é -> e, ç -> c, œ -> oe, ß -> ss, ґ -> г) so that a
 * query typed without accents finds the accented text.
 *
 * The tables cover Latin (ASCII, Latin-1, Extended-A), Greek and Cyrillic
 * (with the Supplement); other scripts are classed coarsely (letters vs.
 * punctuation blocks) and left unfolded.  This is private to src/search and
 * deliberately independent of src/text/utf8.c: the index format depends on
 * these exact rules, so they change only together with stem_version().
 */
#ifndef TZ_FOLD_H
#define TZ_FOLD_H

#include <stddef.h>
#include <stdint.h>

/* What fold_decode() returns for an invalid sequence. */
#define FOLD_BAD 0xFFFDu

enum fold_class {
	FOLD_SPACE,      /* separates words: spaces, punctuation, symbols, hyphens */
	FOLD_LETTER,     /* part of a word */
	FOLD_DIGIT,      /* ASCII 0-9, part of a word */
	FOLD_APOSTROPHE, /* ' ’ ‘ ʼ: part of a word only between two letters */
	FOLD_MARK,       /* combining marks, soft hyphen, zero-width joiners: dropped */
};

enum fold_script {
	FOLD_SCRIPT_OTHER,
	FOLD_SCRIPT_LATIN,
	FOLD_SCRIPT_CYRILLIC,
};

/*
 * Decodes the code point at s[*i] (requires *i < n) and advances *i past
 * it.  Overlong forms, surrogates, values above U+10FFFF and truncated
 * sequences yield FOLD_BAD and advance by one byte.
 */
uint32_t fold_decode(const char *s, size_t n, size_t *i);
/* Writes the UTF-8 form of cp (a valid scalar value) to out; returns 1-4. */
size_t fold_encode(uint32_t cp, char out[4]);
enum fold_class fold_class(uint32_t cp);
enum fold_script fold_script(uint32_t cp);
/* Lower case, ё -> е, ς -> σ, apostrophe variants -> '.  Others unchanged. */
uint32_t fold_lower(uint32_t cp);
/*
 * Writes the search key of the UTF-8 word s[0..n) to out: fold_lower() and
 * diacritics removed, marks dropped, invalid bytes dropped.  The result is
 * valid UTF-8, cut on a character boundary to at most cap bytes; returns
 * its length.  Idempotent: fold_key(fold_key(w)) == fold_key(w).
 */
size_t fold_key(const char *s, size_t n, char *out, size_t cap);

#endif
