/*
 * The site configuration, DIR/tamizdat.ini (inih): the site's titles,
 * address, languages and a few publishing settings.  This module only
 * reads and writes the file; features receive the plain struct.
 *
 *	[site]
 *	title = Tamizdat
 *	title.ru = Тамиздат
 *	tagline = Writing from over there
 *	base_url = https://example.org/
 *	languages = en,fr,ru,uk
 *	default_language = en
 *
 *	[publish]
 *	page_size = 20
 *	feed_size = 20
 *
 *	[server]
 *	listen = 127.0.0.1
 *	port = 8080
 *	trusted_proxy = 127.0.0.1
 *
 * Sections this module does not know ([admin], [smtp]...) belong to the
 * features that read them; they are kept as they are on save.
 */
#ifndef TZ_CONFIG_H
#define TZ_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* At most this many languages per site: far more than any real site. */
#define CONFIG_MAX_LANGS 32

struct config_lang {
	char code[16];
	char *title;   /* NULL: the site title */
	char *tagline; /* NULL: the site tagline */
};

struct config {
	char *title;
	char *tagline;
	char *base_url; /* always ends in '/' */
	struct config_lang langs[CONFIG_MAX_LANGS];
	size_t nlangs;
	char default_lang[16];
	unsigned page_size; /* articles per list page */
	unsigned feed_size; /* entries per feed */
	char *listen;
	unsigned port;
	/* Trust X-Forwarded-Proto/For from this proxy address ("" : never). */
	char *trusted_proxy;
	/* Mirror addresses and onion address, shown on every page (may be empty). */
	char **mirrors;
	size_t nmirrors;
	char *onion;
	/*
	 * The sections other modules own ([admin], [smtp]...), as read, so
	 * that config_save() keeps them.  "" if none.
	 */
	char *extra;
};

/* Defaults for a new site.  Free with config_finish(). */
void config_init(struct config *cfg);
void config_finish(struct config *cfg);
/*
 * Reads path into cfg (which config_init() prepared).  A missing file is
 * an error; an unknown key is an error naming its line, so that typos do
 * not pass silently.  0 or -1 (reason recorded).
 */
int config_load(struct config *cfg, const char *path);
/*
 * Whether v can be written as a value: one line, no control characters,
 * no leading or trailing blanks, no " ;" (which would start a comment).
 */
bool config_value_valid(const char *v);
/* Writes cfg to path atomically.  0 or -1. */
int config_save(const struct config *cfg, const char *path);
/*
 * Sets the languages from a comma-separated list ("en,fr").  The first is
 * the default unless default_lang is already one of them.  0 or -1.
 */
int config_set_langs(struct config *cfg, const char *list);
/* The language entry for code, or NULL if the site does not have it. */
const struct config_lang *config_lang(const struct config *cfg, const char *code);
const char *config_title(const struct config *cfg, const char *lang);
const char *config_tagline(const struct config *cfg, const char *lang);
/* Appends base_url + path (path relative to the site root, no leading '/'). */
void config_url(const struct config *cfg, struct buf *out, const char *path);

#endif
