/*
 * The theme: page templates and static assets.  The default theme is
 * compiled into the binary; a site may override any file by putting one of
 * the same name in DIR/theme/ (templates end in .mustache; everything else
 * is an asset copied to public/ as is).
 */
#ifndef TZ_THEME_H
#define TZ_THEME_H

#include <stddef.h>

struct tpl_set;

struct theme_asset {
	char *name; /* "style.css" */
	const char *data;
	size_t size;
};

struct theme {
	struct tpl_set *templates;
	struct theme_asset *assets;
	size_t nassets;
	void *owned; /* override files read from disk */
};

/*
 * Loads the embedded theme and the overrides in dir (NULL or missing: none).
 * 0, or -1 with the reason (file, line and column of a template error).
 */
int theme_load(struct theme *t, const char *dir);
void theme_finish(struct theme *t);

#endif
