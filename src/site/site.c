/*
 * Opening and creating site folders.  See site.h.
 */
#include "site/site.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <unistd.h>

#include "mail/mailcfg.h"
#include "mail/newsletter.h"
#include "render/i18n.h"
#include "search/search.h"
#include "store/store.h"
#include "util/fsutil.h"
#include "util/log.h"

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static void set_paths(struct site *site, const char *dir)
{
	site->dir = xstrdup(dir);
	site->db_path = join(dir, "tamizdat.db");
	site->public_dir = join(dir, "public");
	site->config_path = join(dir, "tamizdat.ini");
	site->graveyard_dir = join(dir, SITE_GRAVEYARD);
}

/*
 * Empties the graveyard (fsutil.h) in another process, `tamizdat -C DIR
 * reclaim`, so that the command that replaced the pages returns as soon as
 * they are in place.  posix_spawn rather than fork: the parent only waits
 * for the exec, not for its page tables to be copied.  Our descriptors are
 * all close-on-exec, the publish lock's included.  TAMIZDAT_RECLAIM=now,
 * or a program that is not the tamizdat command (a test), empties the
 * graveyard before returning instead.
 */
static bool reclaim_spawn;

void site_reclaim_in_background(bool on)
{
	reclaim_spawn = on;
}

void site_reclaim(const struct site *site)
{
	const char *how = getenv("TAMIZDAT_RECLAIM");
	char *argv[] = {"tamizdat", "-q", "-C", site->dir, "reclaim", NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid;
	int rc;

	if (site->graveyard_dir == NULL || fs_dir_empty(site->graveyard_dir))
		return;
	if (!reclaim_spawn || (how != NULL && strcmp(how, "now") == 0)) {
		fs_graveyard_empty(site->graveyard_dir);
		return;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID);
	rc = posix_spawn(&pid, "/proc/self/exe", &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		fs_graveyard_empty(site->graveyard_dir);
}

int site_open(struct site *site, const char *dir, int flags)
{
	char *path;

	memset(site, 0, sizeof(*site));
	set_paths(site, dir);
	config_init(&site->cfg);
	if (!fs_exists(site->config_path)) {
		log_fail("%s is not a tamizdat site (see: tamizdat init)", dir);
		goto fail;
	}
	if (config_load(&site->cfg, site->config_path) != 0)
		goto fail;
	if (store_open(site->db_path, (flags & SITE_READONLY) ? STORE_READONLY : 0,
	               &site->store) != STORE_OK)
		goto fail;
	log_trace("  store");
	if ((site->mail = nl_site_open(site->config_path, &site->cfg, site->store,
	                               flags & SITE_READONLY)) == NULL)
		goto fail;
	if ((site->search = search_open(site->store, (flags & SITE_READONLY) ? SEARCH_READONLY : 0)) ==
	    NULL)
		goto fail;
	log_trace("  search");
	if (!(flags & SITE_NO_THEME)) {
		path = join(dir, "locales");
		site->i18n = i18n_load(path);
		free(path);
		if (site->i18n == NULL)
			goto fail;
		path = join(dir, "theme");
		if (theme_load(&site->theme, path) != 0) {
			free(path);
			goto fail;
		}
		free(path);
	}
	site->rs.cfg = &site->cfg;
	site->rs.i18n = site->i18n;
	site->rs.theme = site->theme.templates;
	/* Raw HTML in Markdown is kept and sanitised (render/view_markdown.c). */
	site->rs.raw_html = true;
	site->rs.newsletter = site->mail;
	return 0;
fail:
	site_close(site);
	return -1;
}

void site_close(struct site *site)
{
	search_close(site->search);
	store_close(site->store);
	mailcfg_free(site->mail);
	site_reclaim(site);
	free(site->graveyard_dir);
	i18n_free(site->i18n);
	if (site->theme.templates)
		theme_finish(&site->theme);
	config_finish(&site->cfg);
	free(site->dir);
	free(site->db_path);
	free(site->public_dir);
	free(site->config_path);
	memset(site, 0, sizeof(*site));
}

int site_create(const char *dir, const struct config *cfg)
{
	char *ini = join(dir, "tamizdat.ini"), *db = join(dir, "tamizdat.db");
	char *pub = join(dir, "public");
	struct store *s = NULL;
	size_t i;
	int rc = -1;

	if (fs_exists(ini)) {
		log_fail("%s already holds a tamizdat site", dir);
		goto out;
	}
	if (fs_mkdirs(dir) != 0 || fs_mkdirs(pub) != 0)
		goto out;
	if (store_open(db, STORE_CREATE, &s) != STORE_OK)
		goto out;
	/* Each language gets its root section, titled with the site title. */
	if (store_begin(s) != STORE_OK)
		goto out;
	for (i = 0; i < cfg->nlangs; i++) {
		if (store_section_add(s, cfg->langs[i].code, "", config_title(cfg, cfg->langs[i].code),
		                      "", 0, NULL) != STORE_OK) {
			store_rollback(s);
			goto out;
		}
	}
	if (store_commit(s) != STORE_OK)
		goto out;
	if (config_save(cfg, ini) != 0)
		goto out;
	rc = 0;
out:
	store_close(s);
	free(ini);
	free(db);
	free(pub);
	return rc;
}
