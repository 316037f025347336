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
 * (г, и, and й ю я, which Ukrainian spells by their place in the word);
 * lang "uk" takes the Ukrainian table, any other the Russian.  Letters only
 * one language has (і, ї, є, ґ; ы, э, ё, ъ) use their own language's
 * reading whatever the language.  Greek follows ELOT 743.  Latin letters
 * lose their accents (ß -> ss, œ -> oe, æ -> ae, ø -> o, ł -> l; with lang
 * "de", ä -> ae).  Combining marks and invisible characters are skipped,
 * so decomposed text gives the same slug.  An apostrophe inside a Cyrillic
 * word, or inside an English word with lang "en", is dropped.  Everything
 * else that is not an ASCII letter or digit becomes one hyphen between
 * words.  slug.c names the sources of the tables.
 */
#ifndef TZ_SLUG_H
#define TZ_SLUG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Longest slug made from a title, in bytes; cut at a word boundary. */
#define SLUG_MAX 80

/*
 * Appends the slug of s[0..n) to out; lang is "ru", "uk", "en", "fr"... (or
 * NULL; "uk-UA" reads as "uk").  s need not be valid UTF-8.  Appends
 * nothing if no letter or digit survives (callers then choose a fallback
 * such as the article id).  At most SLUG_MAX bytes, whole words unless the
 * first word alone is longer.
 */
void slug_make(struct buf *out, const char *s, size_t n, const char *lang);
/*
 * Transliteration alone (case kept: "Щастя" -> "Shchastia", "ЩАСТЯ" ->
 * "SHCHASTIA"), for search and sorting.  Characters without a reading
 * (spaces, punctuation, other scripts) are kept as they are; invalid bytes
 * become U+FFFD.
 */
void slug_translit(struct buf *out, const char *s, size_t n, const char *lang);
/* True if s is a valid slug: [a-z0-9] words joined by single hyphens, 1..SLUG_MAX+16 bytes. */
bool slug_valid(const char *s, size_t n);

#endif
