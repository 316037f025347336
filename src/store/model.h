/*
 * The content model as plain data: what the store loads and saves, what
 * publishing turns into pages.  Strings are borrowed -- from the arena the
 * store loaded them into, or from whoever filled the struct -- and are
 * NULL or "" when absent (loaders use "" so that templates need no checks).
 * Times are seconds since the epoch, UTC.
 */
#ifndef TZ_MODEL_H
#define TZ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum article_status {
	ST_DRAFT = 0,
	ST_PROPOSED,
	ST_PUBLISHED,
	ST_SCHEDULED,
	ST_TRASH,
	ST_REFUSED,
};
#define ST_COUNT 6

enum author_kind {
	AUTHOR_PERSON = 0,
	AUTHOR_ORGANISATION,
};

/* "draft", "proposed", ...; NULL for out-of-range values. */
const char *model_status_name(enum article_status st);
/* Parses a status name; -1 if unknown. */
int model_status_parse(const char *s);
const char *model_author_kind_name(enum author_kind k);
int model_author_kind_parse(const char *s);

struct buf;
/*
 * The folder of a section in the public site, relative to its root:
 * "en" for a language root, "en/europe/russia" below it.
 */
void model_section_dir(struct buf *out, const char *lang, const char *path);
/* The folder of an article: its section's folder plus its slug. */
void model_article_dir(struct buf *out, const char *lang, const char *section_path,
                       const char *slug);
/*
 * True if slug names a folder that publishing uses itself ("page" for
 * archive pages anywhere; "authors", "tags"... directly under a language).
 */
bool model_slug_reserved(const char *slug, bool top_level);
/* True for "YYYY", "YYYY-MM" or "YYYY-MM-DD" naming a real month and day. */
bool model_date_valid(const char *s);
/*
 * Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.frac]]" with "Z", "+HH:MM" or
 * nothing (UTC); a space may replace the T.  0 and *out, or -1.
 */
int model_parse_datetime(const char *s, int64_t *out);

struct section {
	int64_t id;
	int64_t parent_id; /* 0 for a language root */
	const char *lang;
	const char *slug;  /* "" for a language root */
	const char *path;  /* "europe/russia"; "" for a language root */
	const char *title;
	const char *description;
	int position;
	int depth; /* 0 for a language root */
};

struct author {
	int64_t id;
	enum author_kind kind;
	const char *name;
	const char *slug;
	const char *bio;
};

struct tag {
	int64_t id;
	const char *lang;
	const char *name;
	const char *slug;
};

/*
 * An article.  On input (add/update) authors and tags are given by name
 * (author kinds only matter for authors not yet known), the section by
 * lang + section_path, the translation group by tkey; ids are ignored.
 * On output everything is filled in.  On input, a non-zero id, created or
 * updated is kept (imports of exported sites keep ids and times, which
 * feeds and sitemaps show); otherwise they are assigned.
 */
struct article {
	int64_t id;
	const char *lang;
	int64_t section_id;
	const char *section_path;
	const char *slug;
	enum article_status status;
	int64_t date; /* published here; 0 = not yet */

	const char *surtitle;
	const char *title;
	const char *subtitle;
	const char *lead;
	const char *body; /* Markdown; NULL when loaded without body */
	const char *postscript;
	/* Derived at save: the start of the body as plain text, for summaries. */
	const char *excerpt;

	/* The republication record. */
	const char *first_published; /* "YYYY", "YYYY-MM" or "YYYY-MM-DD" */
	const char *source_name;
	const char *source_url;
	const char *original_lang;
	const char *licence;
	const char **translators;
	size_t ntranslators;

	struct author *authors; /* ordered */
	size_t nauthors;
	struct tag *tags; /* ordered as given */
	size_t ntags;

	const char *tkey;   /* translation group key, "" if none */
	int64_t tgroup_id;  /* 0 if none */

	int64_t created;
	int64_t updated;
	int64_t rev_id;
};

#endif
