/*
 * A site opened for work: its folder, configuration, store, theme and
 * strings -- what every command needs.  The layout of a site folder:
 *
 *	DIR/tamizdat.ini   configuration (config.h)
 *	DIR/tamizdat.db    the store (SQLite, with -wal and -shm beside it)
 *	DIR/public/        the published site
 *	DIR/theme/         optional theme overrides
 *	DIR/locales/       optional string overrides
 *	DIR/.graveyard/    replaced pages waiting to be freed (fsutil.h)
 */
#ifndef TZ_SITE_H
#define TZ_SITE_H

#include <stdbool.h>

#include "render/render.h"
#include "render/theme.h"
#include "site/config.h"

struct store;
struct i18n;
struct mailcfg;
struct search;

struct site {
	char *dir;
	char *db_path;
	char *public_dir;
	char *config_path;
	char *graveyard_dir; /* replaced pages wait here to be freed (fsutil.h) */
	struct config cfg;
	struct store *store;
	struct search *search; /* full-text search on store's connection */
	struct i18n *i18n;
	struct theme theme;
	struct render_site rs; /* points into the above */
	struct mailcfg *mail;  /* [smtp] and [newsletter] (mail/mailcfg.h) */
};

/* The graveyard's folder in a site folder (see fsutil.h). */
#define SITE_GRAVEYARD ".graveyard"

/* Flags for site_open(). */
#define SITE_READONLY 0x1 /* open the store read-only */
#define SITE_NO_THEME 0x2 /* commands that render nothing skip the theme */

/*
 * Opens the site in dir.  A folder without tamizdat.ini gets a clear error
 * ("not a tamizdat site (see: tamizdat init)").  0 or -1 (reason recorded).
 */
int site_open(struct site *site, const char *dir, int flags);
/*
 * Frees the graveyard (replaced pages; see fsutil.h), in the background when
 * the program is the tamizdat command and has said so (main() does), else
 * at once.  site_close() calls it.
 */
void site_reclaim(const struct site *site);
void site_reclaim_in_background(bool on);
void site_close(struct site *site);
/*
 * Creates a new site in dir (which must not hold one): configuration,
 * store, public/.  cfg gives the settings.  0 or -1.
 */
int site_create(const char *dir, const struct config *cfg);

#endif
