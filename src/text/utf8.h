/*
 * UTF-8: validation, decoding, and the case and diacritic folding that
 * slugs and search need (Latin with Latin-1 supplement, extended-A and -B,
 * IPA letters and Latin extended additional; basic Greek; Cyrillic and its
 * supplement).  Tables are small and hand-checked; this is not a full
 * Unicode library: no normalisation beyond the few Cyrillic compositions
 * below, and no case mapping outside those blocks.
 */
#ifndef TZ_UTF8_H
#define TZ_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/*
 * True if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or
 * > U+10FFFF, no truncated sequences).  Noncharacters such as U+FFFE are
 * well-formed and accepted.
 */
bool utf8_valid(const char *s, size_t n);
/*
 * Offset of the first invalid byte, or n if valid.  For error messages that
 * point at a line and column.
 */
size_t utf8_invalid_at(const char *s, size_t n);
/*
 * Decodes one code point at s[*i] (i < n), advancing *i.  An invalid
 * sequence yields U+FFFD and advances by one byte, so every byte of a
 * broken sequence becomes one U+FFFD.
 */
uint32_t utf8_decode(const char *s, size_t n, size_t *i);
/*
 * Like utf8_decode(), but a Cyrillic letter followed by the combining mark
 * that makes another letter of it in decomposed (NFD) text is returned
 * composed: и/у + U+0306 -> й/ў, і + U+0308 -> ї, е + U+0308 -> ё (and the
 * capitals).  Slugs and search keys read "й" and "и\u0306" the same.
 */
uint32_t utf8_decode_composed(const char *s, size_t n, size_t *i);
/* Appends the UTF-8 encoding of cp (U+FFFD for surrogates and > U+10FFFF). */
void utf8_encode(struct buf *out, uint32_t cp);
/* Appends s with invalid sequences replaced by U+FFFD (one per byte). */
void utf8_sanitize(struct buf *out, const char *s, size_t n);
/* Simple lower-case mapping for the scripts above (İ -> i); others unchanged. */
uint32_t utf8_lower(uint32_t cp);
/*
 * Lower case, accents removed (é->e, ç->c, ø->o, ł->l, ı->i, ά->α, ς->σ,
 * ё->е; й, ї, ў, ґ stay), Ukrainian apostrophes (' ’ ʼ) unified to '.
 * Letters that need two letters (ß, æ, œ, þ) are left to utf8_fold_str().
 * For search keys; fold(fold(c)) == fold(c) == fold(lower(c)).
 */
uint32_t utf8_fold(uint32_t cp);
/*
 * True for what text comparison ignores: combining marks (U+0300..U+036F
 * and the other combining blocks) and invisible format characters (soft
 * hyphen, zero-width space and joiners, word joiner, BOM).
 */
bool utf8_is_ignorable(uint32_t cp);
/*
 * Appends the search key of s[0..n): each code point folded (decomposed
 * Cyrillic composed first), ignorable ones dropped, ß/æ/œ/ĳ/þ and the
 * ﬀ..ﬆ ligatures spelt out (ss, ae, oe, ij, th, ff...), invalid bytes as
 * U+FFFD.  The result is valid UTF-8.
 */
void utf8_fold_str(struct buf *out, const char *s, size_t n);
/* Number of code points in s[0..n) (invalid bytes count one each). */
size_t utf8_len(const char *s, size_t n);
/*
 * Largest m <= max such that s[0..m) does not end inside a sequence; for
 * cutting text on a character boundary.  (Invalid bytes are sequences of
 * their own.)
 */
size_t utf8_cut(const char *s, size_t n, size_t max);

#endif
