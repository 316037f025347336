/*
 * What every importer shares: adding or updating sections, authors and
 * articles so that importing the same data twice changes nothing the
 * second time (no duplicates, no empty revisions), and a report.
 * Importers run inside one store transaction owned by their caller.
 */
#ifndef TZ_IMPORT_H
#define TZ_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/model.h"

struct site;

struct import_report {
	size_t sections_added, sections_updated;
	size_t articles_added, articles_updated, articles_unchanged;
	size_t authors_added, authors_updated;
	size_t skipped;
	char langs[32][16]; /* languages touched */
	size_t nlangs;
};

struct import_opts {
	bool dry_run;  /* check everything, change nothing */
	bool progress; /* a progress bar on a terminal */
};

/*
 * Adds section lang/path or updates its title, description and position
 * (position < 0: keep).  Parents must exist.  0 or -1.
 */
int import_section(struct site *site, const char *lang, const char *path, const char *title,
                   const char *description, int position, struct import_report *r);
/* Adds the author or brings kind, slug and bio up to date.  0 or -1. */
int import_author(struct site *site, const struct author *au, struct import_report *r);
/*
 * Adds art, or updates the article it matches (same id when art->id is
 * set, else same language and slug) unless nothing differs.  art->slug
 * must be set.  aliases: old folders that redirect to it.  OUT: *id.
 * 0 or -1.
 */
int import_article(struct site *site, const struct article *art, const char *const *aliases,
                   size_t naliases, int64_t *id, struct import_report *r);
/* Records lang as touched (for publishing). */
void import_touch(struct import_report *r, const char *lang);
/*
 * Notes every touched language for publishing, and indexes the imported
 * articles for search (deferred by import_article()).  Call before the
 * commit.  0 or -1.
 */
int import_note(struct site *site, const struct import_report *r);

#endif
