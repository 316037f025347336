/*
 * Offline copies: a section of the site, or the articles published since a
 * date, as an EPUB 3 book -- for readers who can only receive files (a
 * messenger attachment, a USB stick), and read on a phone's e-book app.
 *
 * One XHTML document per article (surtitle, title, subtitle, authors and
 * date, lead, body, postscript, the source and first publication of a
 * republished text, its address on the site), a navigation document that
 * is also the table of contents, a small stylesheet.  Images are replaced
 * by their descriptions and nothing is loaded from elsewhere: the book is
 * whole offline.  Links to the site become absolute addresses.  The
 * identifier depends on the site and the selection, the dates and file
 * times on the newest article, so the same content gives the same bytes.
 */
#ifndef TZ_EPUB_H
#define TZ_EPUB_H

#include <stddef.h>
#include <stdint.h>

struct site;

struct epub_opts {
	const char *section; /* "LANG/PATH" ("en" for a whole language); NULL: use since */
	int64_t since;       /* with section NULL: articles published at or after (UTC) */
	const char *lang;    /* with since: only this language (NULL: all) */
	const char *out;     /* the .epub file to write */
};

struct epub_stats {
	size_t articles;
	size_t bytes;
};

/* Writes the book (see above).  0 or -1 (reason recorded). */
int epub_export(struct site *site, const struct epub_opts *o, struct epub_stats *st);

#endif
