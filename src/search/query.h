/*
 * The query language of the search box, parsed into terms and filters,
 * and the FTS5 expression made from them.  Readers type words, and the
 * parser never lets their text reach FTS5 as syntax: every term becomes a
 * quoted FTS5 string, so "NEAR", '^', ':', '(' and '*' inside a word are
 * just characters the tokenizer splits on.
 *
 *	war peace            both words (any form: «война» finds «войной»)
 *	"civil war"          the words next to each other, in that order
 *	negotiat*            words starting so (at least QUERY_PREFIX_MIN letters)
 *	-sport               articles without the word
 *	strike OR protest    either word; OR binds tighter than the implicit AND
 *	lang:ru  lang:all    filters: language, section (europe/russia or
 *	section:europe       ru/europe/russia, with its subsections), author
 *	author:anna-petrova  (name or slug), tag, and dates from:2020 to:2021-06
 *	tag:"human rights"   (from the first day of the period given to the last)
 *	from:2020-01 to:2021
 *
 * Bad input is never an error: invalid UTF-8 is dropped, an unknown
 * filter is searched as words, unbalanced quotes close at the end, a
 * query too long is cut; each such case leaves a message to show.  What is
 * not understood at all leaves no terms and QUERY_MSG_EMPTY.
 *
 * Pure: no SQL, no store; for the parser's fuzz target.
 */
#ifndef TZ_QUERY_H
#define TZ_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct arena;

/* Longest query read (bytes); the rest is cut: no one types more into a search box. */
#define QUERY_MAX_BYTES 1024
/* Most terms: an AND of more words than this finds nothing anyway. */
#define QUERY_MAX_TERMS 32
/*
 * Shortest prefix (letters and digits) for word*: "в*" would merge the
 * lists of thousands of words on every search.
 */
#define QUERY_PREFIX_MIN   3
#define QUERY_MAX_MESSAGES 8

struct query_term {
	const char *text; /* as typed: valid UTF-8, no '"' or control characters */
	bool phrase;      /* was quoted */
	bool prefix;      /* ended in '*' */
	bool negated;     /* started with '-' */
	unsigned group;   /* positive terms of one group are alternatives (OR) */
};

enum query_msg {
	QUERY_MSG_EMPTY,          /* nothing to search for */
	QUERY_MSG_TOO_LONG,       /* cut at QUERY_MAX_BYTES or QUERY_MAX_TERMS */
	QUERY_MSG_BAD_UTF8,       /* invalid bytes were ignored */
	QUERY_MSG_ONLY_EXCLUDED,  /* only -words */
	QUERY_MSG_UNKNOWN_FILTER, /* arg: the name before ':'; searched as words */
	QUERY_MSG_BAD_FILTER,     /* arg: the filter as typed; ignored */
	QUERY_MSG_SHORT_PREFIX,   /* arg: the word; searched as a whole word */
	/* Found when running the query (search.h): */
	QUERY_MSG_NO_LANG,    /* arg: the language */
	QUERY_MSG_NO_SECTION, /* arg: the section */
	QUERY_MSG_NO_AUTHOR,  /* arg: the author */
	QUERY_MSG_NO_TAG,     /* arg: the tag */
	QUERY_MSG_PAGE_LIMIT, /* results past the last page shown are not listed */
	QUERY_MSG_TIMEOUT,    /* stopped at its deadline: no results */
};

struct query_message {
	enum query_msg code;
	const char *arg; /* "" if none */
};

struct query {
	struct query_term *terms;
	size_t nterms;
	/* Filters; NULL or 0 when not given. */
	const char *lang;    /* a language code, or "all" */
	const char *section; /* "path" or "lang/path" */
	const char *author;  /* name or slug */
	const char *tag;     /* name or slug */
	int64_t from, to;    /* dates in [from, to), seconds */
	struct query_message msgs[QUERY_MAX_MESSAGES];
	size_t nmsgs;
};

/*
 * Parses s[0..n) (any bytes) into out; strings are arena-owned.  Never
 * fails: problems become messages.
 */
void query_parse(struct arena *a, const char *s, size_t n, struct query *out);
/* Adds a message (dropped when QUERY_MAX_MESSAGES are there); arg is borrowed. */
void query_message(struct query *q, enum query_msg code, const char *arg);
/* True if the query has a term to look for. */
bool query_has_terms(const struct query *q);
/*
 * Appends the FTS5 MATCH expression of the terms to out: each term a
 * quoted string, OR groups in parentheses, joined with AND, exclusions
 * after NOT.  False (out unchanged) if there is no positive term.
 */
bool query_fts(const struct query *q, struct buf *out);

/*
 * "YYYY", "YYYY-MM" or "YYYY-MM-DD" to the first second of that period
 * (end false) or the first second after it (end true), UTC.  0 or -1.
 */
int query_date(const char *s, bool end, int64_t *out);

/* The message in English, for the command line and JSON; arena-owned. */
const char *query_message_text(struct arena *a, const struct query_message *m);
/* The i18n key of the message ("search_msg_empty"); its {name} is the arg. */
const char *query_message_key(enum query_msg code);

#endif
