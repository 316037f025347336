/*
 * A corpus as JSON lines, one object per line, as gen_corpus.py --jsonl
 * writes it:
 *
 *	{"kind": "section", "lang": "en", "path": "europe", "title": "Europe", "weight": 1}
 *	{"kind": "article", "lang": "en", "section": "europe/x/politics", "slug": "...",
 *	 "title": "...", "date": "2017-02-21T11:35:46Z", "first_published": "1985-04-26",
 *	 "authors": ["..."], "source_url": "...", "tags": ["..."],
 *	 "translationKey": "s0000007", "body": "..."}
 *
 * Articles may also carry every other field of the content model by its
 * front matter name.  Imported in one transaction; errors name the line.
 */
#ifndef TZ_JSONL_H
#define TZ_JSONL_H

#include "import/import.h"

struct site;

/* Longest line accepted: an article of the largest size, JSON-escaped. */
#define JSONL_MAX_LINE (32 << 20)

int jsonl_import(struct site *site, const char *file, const struct import_opts *opts,
                 struct import_report *r);

#endif
