/*
 * Markdown files with front matter, the way articles, sections and authors
 * are written by hand, imported from Hugo-style trees and exported: the
 * mapping between front matter fields and the content model, both ways.
 *
 * Every error names the line and the field, so that the command can print
 * "FILE:LINE: field "date": ..." and the person can fix it.
 */
#ifndef TZ_MDFILE_H
#define TZ_MDFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "store/model.h"
#include "util/buf.h"

struct arena;

struct mdfile_error {
	unsigned line; /* 1-based; 0 if not tied to a line */
	char field[64];
	char msg[320];
};

/* Where each field was, for errors found later (unknown section...). */
#define MDFILE_MAX_FIELDS 48

struct mdfile_info {
	const char *fields[MDFILE_MAX_FIELDS];
	unsigned lines[MDFILE_MAX_FIELDS];
	size_t n;
	const char **aliases; /* old folders that should redirect here */
	size_t naliases;
	int position;         /* sections: weight/position; -1 if absent */
	bool has_status;      /* the file set a status itself */
};

/* Line of field in the file (0 if it was not there). */
unsigned mdfile_line(const struct mdfile_info *info, const char *field);

/*
 * Parses an article.  Fields absent from the file keep the values art
 * already has (callers preset lang, section_path and status from the
 * file's place or the command line).  Arena-owned results.  0 or -1 with
 * err filled in.
 */
int mdfile_article(struct arena *a, const char *src, size_t n, struct article *art,
                   struct mdfile_info *info, struct mdfile_error *err);
/* Parses a section's _index.md: title, description, weight/position, aliases. */
int mdfile_section(struct arena *a, const char *src, size_t n, struct section *sec,
                   struct mdfile_info *info, struct mdfile_error *err);
/* Parses an author file: name, kind, slug; the body is the bio. */
int mdfile_author(struct arena *a, const char *src, size_t n, struct author *au,
                  struct mdfile_error *err);

/* Writes an article as a Markdown file with front matter (every field set). */
void mdfile_write_article(struct buf *out, const struct article *art, const char *const *aliases,
                          size_t naliases);
void mdfile_write_section(struct buf *out, const struct section *sec, const char *const *aliases,
                          size_t naliases);
void mdfile_write_author(struct buf *out, const struct author *au);

#endif
