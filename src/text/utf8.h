/*
 * UTF-8: validation, decoding, and the case and diacritic folding that
 * slugs and search need (Latin, Latin-1 supplement and extended-A, Greek,
 * Cyrillic).  Tables are small and hand-checked; this is not a full
 * Unicode library.
 */
#ifndef TZ_UTF8_H
#define TZ_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* True if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool utf8_valid(const char *s, size_t n);
/*
 * Offset of the first invalid byte, or n if valid.  For error messages that
 * point at a line and column.
 */
size_t utf8_invalid_at(const char *s, size_t n);
/*
 * Decodes one code point at s[*i] (i < n), advancing *i.  An invalid
 * sequence yields U+FFFD and advances by one byte.
 */
uint32_t utf8_decode(const char *s, size_t n, size_t *i);
/* Appends the UTF-8 encoding of cp (U+FFFD for invalid values). */
void utf8_encode(struct buf *out, uint32_t cp);
/* Appends s with invalid sequences replaced by U+FFFD. */
void utf8_sanitize(struct buf *out, const char *s, size_t n);
/* Simple lower-case mapping for the scripts above; others unchanged. */
uint32_t utf8_lower(uint32_t cp);
/*
 * Lower case, accents removed (é->e, ç->c, ё->е, й stays й), Ukrainian
 * apostrophes (' ’ ʼ) unified to '.  For search keys.
 */
uint32_t utf8_fold(uint32_t cp);
/* Number of code points in s[0..n) (invalid bytes count one each). */
size_t utf8_len(const char *s, size_t n);
/*
 * Largest m <= max such that s[0..m) does not end inside a sequence; for
 * cutting text on a character boundary.
 */
size_t utf8_cut(const char *s, size_t n, size_t max);

#endif
