/*
 * Hugo-style Markdown trees, both ways:
 *
 *	SRC/content/<lang>/_index.md                 the language home
 *	SRC/content/<lang>/<a>/<b>/_index.md         section en/a/b
 *	SRC/content/<lang>/<a>/<b>/<slug>.md         an article in it
 *	SRC/authors/<slug>.md                        an author (optional)
 *
 * which is what ../shared/bench/gen_corpus.py writes and what `export
 * markdown` writes back (with ids, times and aliases, so that exporting
 * and importing into a new site gives the same public site).
 */
#ifndef TZ_MDTREE_H
#define TZ_MDTREE_H

#include "import/import.h"

struct site;

/*
 * Imports the tree at src in one transaction (all or nothing) and notes
 * the touched languages for publishing.  Errors name FILE:LINE and field.
 * 0 or -1.
 */
int mdtree_import(struct site *site, const char *src, const struct import_opts *opts,
                  struct import_report *r);
/* Writes every section, article (all statuses) and author under dest.  0 or -1. */
int mdtree_export(struct site *site, const char *dest, struct import_report *r);

#endif
