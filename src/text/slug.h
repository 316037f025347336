/*
 * Readable ASCII slugs from Unicode titles, for URLs that last:
 * "Война и мир" -> "voina-i-mir", "Війна і мир" -> "viina-i-mir",
 * "Négociations à Genève" -> "negociations-a-geneve".
 *
 * Cyrillic is transliterated with the national romanisation tables:
 * Ukrainian with the official table of the Cabinet of Ministers of Ukraine
 * (resolution 55, 2010), Russian with the table of Russian passports
 * (order 2017 of the Ministry of Internal Affairs, after ICAO Doc 9303).
 * The language picks the table for letters the two read differently
 * (г, и); letters only one language has (і, ї, є, ґ; ы, э, ё, ъ) use their
 * own language's reading whatever the language.  Latin letters lose their
 * accents (ß -> ss, œ -> oe, æ -> ae).  Everything else that is not an
 * ASCII letter or digit becomes one hyphen between words.
 */
#ifndef TZ_SLUG_H
#define TZ_SLUG_H

#include <stddef.h>

#include "util/buf.h"

/* Longest slug made from a title, in bytes; cut at a word boundary. */
#define SLUG_MAX 80

/*
 * Appends the slug of s[0..n) to out; lang is "ru", "uk", "en", "fr"... (or
 * NULL).  Appends nothing if no letter or digit survives (callers then
 * choose a fallback such as the article id).
 */
void slug_make(struct buf *out, const char *s, size_t n, const char *lang);
/* Transliteration alone (case kept, spaces kept), for search and sorting. */
void slug_translit(struct buf *out, const char *s, size_t n, const char *lang);
/* True if s is a valid slug: [a-z0-9] words joined by single hyphens, 1..SLUG_MAX+16 bytes. */
bool slug_valid(const char *s, size_t n);

#endif
