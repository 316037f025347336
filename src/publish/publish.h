/*
 * Publishing: turning the store into the static site in DIR/public.
 *
 * A full build renders every page.  The normal path is incremental: a
 * command that changes the store records, in the same transaction, what
 * the change touches (pub_note_*); after the commit pub_apply() renders
 * just those pages -- the article, its translations, its redirects, the
 * archive pages of its lists that changed, their feeds, the sitemaps and
 * index pages of its language.  Both paths call the same page functions,
 * and every file is written atomically and only when its bytes change, so
 * a full build and any sequence of incremental publishes give the same
 * public/.  A publish killed half-way is finished by the next one: the
 * notes stay in the store until their pages are written.
 */
#ifndef TZ_PUBLISH_H
#define TZ_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct site;

struct pub_stats {
	size_t pages;     /* files rendered */
	size_t written;   /* files whose bytes changed */
	size_t removed;   /* stale files deleted */
	double seconds;
};

/* Options for pub_build(). */
struct pub_build_opts {
	const char *lang; /* NULL: the whole site; else only this language's pages */
	unsigned threads; /* 0: one per core */
	bool progress;    /* draw a progress bar on a terminal */
};

/*
 * Renders every page (of one language, or of the site) into public/ and
 * removes files no page produced.  Runs queued notes first.  0 or -1.
 */
int pub_build(struct site *site, const struct pub_build_opts *opts, struct pub_stats *stats);

/*
 * Notes, inside the caller's write transaction and BEFORE the change, that
 * article id is about to change.  0 or -1.
 */
int pub_note_article(struct site *site, int64_t id);
/* Notes a new article (inside the transaction that adds it).  0 or -1. */
int pub_note_article_new(struct site *site, int64_t id);
/* Notes that sections of lang change (add, rename, move, delete): the language is rebuilt. */
int pub_note_language(struct site *site, const char *lang);

/*
 * After the commit: publishes every queued note and deletes it.  0 or -1
 * (the notes stay queued for the next publish).
 */
int pub_apply(struct site *site, struct pub_stats *stats);

#endif
