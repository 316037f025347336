/*
 * Loading the embedded theme and a site's overrides.  See theme.h.
 */
#include "render/theme.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/tpl.h"
#include "util/buf.h"
#include "util/embed.h"
#include "util/fsutil.h"
#include "util/log.h"

extern const struct embed_file tz_theme[];
extern const size_t tz_theme_count;

/* A theme file is small; a big one is a mistake. */
#define THEME_MAX_FILE (4 << 20)

struct owned {
	char **bufs;
	size_t n;
};

static bool is_template(const char *name, size_t *stem)
{
	size_t n = strlen(name);
	const char *ext = ".mustache";

	if (n <= strlen(ext) || strcmp(name + n - strlen(ext), ext) != 0)
		return false;
	*stem = n - strlen(ext);
	return true;
}

static void set_asset(struct theme *t, const char *name, const char *data, size_t size)
{
	size_t i;

	for (i = 0; i < t->nassets; i++)
		if (strcmp(t->assets[i].name, name) == 0)
			break;
	if (i == t->nassets) {
		t->assets = xreallocarray(t->assets, t->nassets + 1, sizeof(*t->assets));
		t->assets[t->nassets++].name = xstrdup(name);
	}
	t->assets[i].data = data;
	t->assets[i].size = size;
}

static int add(struct theme *t, const char *origin, const char *name, const char *data,
               size_t size)
{
	struct tpl_error err;
	size_t stem;
	char tname[256];

	if (!is_template(name, &stem)) {
		set_asset(t, name, data, size);
		return 0;
	}
	if (stem >= sizeof(tname))
		return log_fail("%s/%s: name too long", origin, name);
	memcpy(tname, name, stem);
	tname[stem] = '\0';
	if (tpl_set_add(t->templates, tname, data, size, &err) != 0)
		return log_fail("%s/%s:%u:%u: %s", origin, name, err.line, err.col, err.msg);
	return 0;
}

int theme_load(struct theme *t, const char *dir)
{
	struct owned *own = xcalloc(1, sizeof(*own));
	DIR *d;
	struct dirent *e;
	size_t i;

	memset(t, 0, sizeof(*t));
	t->templates = tpl_set_new();
	t->owned = own;
	for (i = 0; i < tz_theme_count; i++)
		if (add(t, "theme", tz_theme[i].name, tz_theme[i].data, tz_theme[i].size) != 0)
			goto fail;
	if (dir == NULL || (d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct buf b = BUF_INIT;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (fs_is_dir(path))
			continue;
		if (fs_read_file(path, &b, THEME_MAX_FILE) != 0) {
			closedir(d);
			goto fail;
		}
		own->bufs = xreallocarray(own->bufs, own->n + 1, sizeof(char *));
		own->bufs[own->n++] = b.p ? b.p : xstrdup("");
		if (add(t, dir, e->d_name, own->bufs[own->n - 1], b.n) != 0) {
			closedir(d);
			goto fail;
		}
	}
	closedir(d);
	return 0;
fail:
	theme_finish(t);
	return -1;
}

void theme_finish(struct theme *t)
{
	struct owned *own = t->owned;
	size_t i;

	tpl_set_free(t->templates);
	for (i = 0; i < t->nassets; i++)
		free(t->assets[i].name);
	free(t->assets);
	if (own) {
		for (i = 0; i < own->n; i++)
			free(own->bufs[i]);
		free(own->bufs);
		free(own);
	}
	memset(t, 0, sizeof(*t));
}
