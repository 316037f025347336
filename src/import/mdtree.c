/*
 * Markdown trees in and out.  See mdtree.h.
 */
#include "import/mdtree.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "site/mdfile.h"
#include "site/site.h"
#include "store/store.h"
#include "text/slug.h"
#include "text/utf8.h"
#include "util/arena.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/progress.h"

/* Same limit as article add: the largest body plus its front matter. */
#define MDTREE_MAX_FILE ((8 << 20) + (256 << 10))

/* One file of the tree, in processing order. */
struct entry {
	char *path; /* relative to content/ : "en/europe/_index.md" */
	bool section;
};

struct walk {
	struct entry *v;
	size_t n, cap;
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void push(struct walk *w, const char *path, bool section)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->v = xreallocarray(w->v, w->cap, sizeof(*w->v));
	}
	w->v[w->n].path = xstrdup(path);
	w->v[w->n].section = section;
	w->n++;
}

/*
 * Lists rel (a folder under root) depth-first: its _index.md, its articles
 * in name order, then its subfolders in name order.
 */
static int walk_dir(struct walk *w, const char *root, const char *rel)
{
	char path[4096];
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if ((d = opendir(path)) == NULL)
		return log_fail("cannot read folder %s", path);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(char *));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_name);
	snprintf(path, sizeof(path), "%s/_index.md", rel);
	push(w, path, true);
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		struct stat st;
		char full[4096];
		snprintf(full, sizeof(full), "%s/%s/%s", root, rel, names[i]);
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (len > 3 && strcmp(names[i] + len - 3, ".md") == 0 &&
		    strcmp(names[i], "_index.md") != 0) {
			snprintf(path, sizeof(path), "%s/%s", rel, names[i]);
			push(w, path, false);
		}
	}
	for (i = 0; i < n && rc == 0; i++) {
		struct stat st;
		char full[4096];
		snprintf(full, sizeof(full), "%s/%s/%s", root, rel, names[i]);
		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(path, sizeof(path), "%s/%s", rel, names[i]);
			rc = walk_dir(w, root, path);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static void line_col(const char *s, size_t off, unsigned *line)
{
	size_t i;

	*line = 1;
	for (i = 0; i < off; i++)
		*line += s[i] == '\n';
}

/* Reads a file as UTF-8 text.  0 or -1 with FILE:LINE in the reason. */
static int read_text(const char *path, struct buf *b)
{
	size_t bad;

	buf_reset(b);
	if (fs_read_file(path, b, MDTREE_MAX_FILE) != 0)
		return -1;
	bad = utf8_invalid_at(buf_cstr(b), b->n);
	if (bad < b->n) {
		unsigned line;
		line_col(b->p, bad, &line);
		return log_fail("%s:%u: invalid UTF-8 (byte 0x%02x); save the file as UTF-8", path,
		                line, (unsigned char)b->p[bad]);
	}
	return 0;
}

static int fail_md(const char *file, const struct mdfile_error *err)
{
	if (err->field[0])
		return log_fail("%s:%u: field \"%s\": %s", file, err->line, err->field, err->msg);
	return log_fail("%s:%u: %s", file, err->line, err->msg);
}

static int import_authors(struct site *site, const char *src, struct import_report *r)
{
	char dir[4096];
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	struct buf b = BUF_INIT;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/authors", src);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] != '.' && len > 3 && strcmp(e->d_name + len - 3, ".md") == 0) {
			names = xreallocarray(names, n + 1, sizeof(char *));
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_name);
	for (i = 0; i < n && rc == 0; i++) {
		struct arena *a = arena_new(0);
		struct author au = {0};
		struct mdfile_error err;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (read_text(path, &b) != 0)
			rc = -1;
		else if (mdfile_author(a, buf_cstr(&b), b.n, &au, &err) != 0)
			rc = fail_md(path, &err);
		else if (import_author(site, &au, r) != 0)
			rc = log_fail("%s: %s", path, log_reason());
		arena_free(a);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_finish(&b);
	return rc;
}

/* Splits "en/a/b/_index.md" or "en/a/b/slug.md" into lang, section path and stem. */
static void split(struct arena *a, const char *rel, const char **lang, const char **section,
                  const char **stem)
{
	const char *slash = strchr(rel, '/'), *last = strrchr(rel, '/');
	size_t stemlen;

	*lang = arena_strndup(a, rel, (size_t)(slash - rel));
	*section = last > slash ? arena_strndup(a, slash + 1, (size_t)(last - slash - 1)) : "";
	stemlen = strlen(last + 1) - 3;
	*stem = arena_strndup(a, last + 1, stemlen);
}

static int import_file(struct site *site, const char *root, const struct entry *e,
                       struct buf *text, struct import_report *r)
{
	struct arena *a = arena_new(0);
	const char *lang, *section, *stem;
	char path[4096];
	struct mdfile_info info;
	struct mdfile_error err;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/%s", root, e->path);
	split(a, e->path, &lang, &section, &stem);
	if (config_lang(&site->cfg, lang) == NULL) {
		r->skipped++;
		rc = 0; /* a language the site does not publish */
		goto out;
	}
	if (e->section) {
		struct section sec = {0};
		if (!fs_exists(path)) {
			rc = import_section(site, lang, section, NULL, NULL, -1, r);
			if (rc != 0)
				log_fail("%s: %s", path, log_reason());
			goto out;
		}
		if (read_text(path, text) != 0)
			goto out;
		if (mdfile_section(a, buf_cstr(text), text->n, &sec, &info, &err) != 0) {
			fail_md(path, &err);
			goto out;
		}
		if (*section == '\0' && sec.title) {
			/* The language home's title is the site's (tamizdat.ini); keep it there. */
		}
		if (import_section(site, lang, section, sec.title, sec.description, info.position,
		                   r) != 0) {
			log_fail("%s: %s", path, log_reason());
			goto out;
		}
		if (info.naliases) {
			struct section now;
			size_t i;
			if (store_section_find(site->store, a, lang, section, &now) != STORE_OK)
				goto out;
			for (i = 0; i < info.naliases; i++)
				if (store_redirect_add(site->store, info.aliases[i], 0, now.id) !=
				    STORE_OK)
					goto out;
		}
	} else {
		struct article art = {0};
		int64_t id;
		art.lang = lang;
		art.section_path = section;
		art.status = ST_PUBLISHED;
		if (read_text(path, text) != 0)
			goto out;
		if (mdfile_article(a, buf_cstr(text), text->n, &art, &info, &err) != 0) {
			fail_md(path, &err);
			goto out;
		}
		if (strcmp(art.lang, lang) != 0) {
			log_fail("%s:%u: field \"lang\": \"%s\", but the file is under content/%s/", path,
			         mdfile_line(&info, "lang"), art.lang, lang);
			goto out;
		}
		if (strcmp(art.section_path, section) != 0 &&
		    !(strncmp(art.section_path, lang, strlen(lang)) == 0 &&
		      art.section_path[strlen(lang)] == '/' &&
		      strcmp(art.section_path + strlen(lang) + 1, section) == 0)) {
			log_fail("%s:%u: field \"section\": \"%s\", but the file is in %s/%s", path,
			         mdfile_line(&info, "section"), art.section_path, lang, section);
			goto out;
		}
		art.section_path = section;
		if (art.slug == NULL || *art.slug == '\0') {
			/* Hugo's rule: the file name is the slug. */
			if (slug_valid(stem, strlen(stem))) {
				art.slug = stem;
			} else {
				struct buf sb = BUF_INIT;
				slug_make(&sb, art.title, strlen(art.title), lang);
				art.slug = arena_strndup(a, buf_cstr(&sb), sb.n);
				buf_finish(&sb);
			}
		}
		if (import_article(site, &art, info.aliases, info.naliases, &id, r) != 0) {
			unsigned line = 0;
			const char *why = log_reason();
			if (strstr(why, "field \"slug\""))
				line = mdfile_line(&info, "slug");
			else if (strstr(why, "section"))
				line = mdfile_line(&info, "section");
			else if (strstr(why, "translationKey"))
				line = mdfile_line(&info, "translationKey");
			if (line)
				log_fail("%s:%u: %s", path, line, why);
			else
				log_fail("%s: %s", path, why);
			goto out;
		}
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}

int mdtree_import(struct site *site, const char *src, const struct import_opts *opts,
                  struct import_report *r)
{
	struct walk w = {0};
	struct progress pr;
	struct buf text = BUF_INIT;
	char content[4096];
	DIR *d;
	struct dirent *e;
	char **langs = NULL;
	size_t nlangs = 0, i;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	snprintf(content, sizeof(content), "%s/content", src);
	if (!fs_is_dir(content))
		return log_fail("%s has no content/ folder (expected content/<lang>/...)", src);
	if ((d = opendir(content)) == NULL)
		return log_fail("cannot read %s", content);
	while ((e = readdir(d)) != NULL) {
		char p[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", content, e->d_name);
		if (!fs_is_dir(p))
			continue;
		langs = xreallocarray(langs, nlangs + 1, sizeof(char *));
		langs[nlangs++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(langs, nlangs, sizeof(char *), cmp_name);
	for (i = 0; i < nlangs; i++)
		if (walk_dir(&w, content, langs[i]) != 0)
			goto out;
	progress_init(&pr, "importing", w.n);
	if (!(opts && opts->progress))
		pr.enabled = 0;
	if (store_begin(site->store) != STORE_OK)
		goto out;
	if (import_authors(site, src, r) != 0) {
		store_rollback(site->store);
		goto out;
	}
	for (i = 0; i < w.n; i++) {
		if (import_file(site, content, &w.v[i], &text, r) != 0) {
			store_rollback(site->store);
			progress_finish(&pr);
			goto out;
		}
		progress_step(&pr, 1);
	}
	progress_finish(&pr);
	if (opts && opts->dry_run) {
		store_rollback(site->store);
		rc = 0;
		goto out;
	}
	if (import_note(site, r) != 0 || store_commit(site->store) != STORE_OK) {
		store_rollback(site->store);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < w.n; i++)
		free(w.v[i].path);
	free(w.v);
	for (i = 0; i < nlangs; i++)
		free(langs[i]);
	free(langs);
	buf_finish(&text);
	return rc;
}

static int write_file(const char *dest, const char *rel, struct buf *b)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dest, rel);
	return fs_write_atomic(path, b->p ? b->p : "", b->n, 0) == FS_WRITE_ERROR ? -1 : 0;
}

int mdtree_export(struct site *site, const char *dest, struct import_report *r)
{
	struct arena *a = arena_new(0);
	struct section *secs;
	struct author *authors;
	struct buf b = BUF_INIT, rel = BUF_INIT;
	size_t nsecs, nauthors, i, j;
	int pass, rc = -1;

	memset(r, 0, sizeof(*r));
	if (store_begin_read(site->store) != STORE_OK)
		goto out;
	if (store_author_list(site->store, a, &authors, &nauthors) != STORE_OK)
		goto out;
	for (i = 0; i < nauthors; i++) {
		buf_reset(&b);
		buf_reset(&rel);
		mdfile_write_author(&b, &authors[i]);
		buf_printf(&rel, "authors/%s.md", authors[i].slug);
		if (write_file(dest, rel.p, &b) != 0)
			goto out;
		r->authors_added++;
	}
	if (store_section_list(site->store, a, NULL, &secs, &nsecs) != STORE_OK)
		goto out;
	for (i = 0; i < nsecs; i++) {
		struct redirect *red;
		size_t nred;
		const char **al;
		if (store_redirect_list(site->store, a, 0, secs[i].id, &red, &nred) != STORE_OK)
			goto out;
		al = arena_calloc(a, nred + 1, sizeof(char *));
		for (j = 0; j < nred; j++)
			al[j] = red[j].path;
		buf_reset(&b);
		buf_reset(&rel);
		mdfile_write_section(&b, &secs[i], al, nred);
		buf_printf(&rel, "content/%s%s%s/_index.md", secs[i].lang, *secs[i].path ? "/" : "",
		           secs[i].path);
		if (write_file(dest, rel.p, &b) != 0)
			goto out;
		r->sections_added++;
	}
	/* Everything but the trash, then the trash. */
	for (pass = 0; pass < 2; pass++) {
		struct article_filter f = {.status = pass == 0 ? -1 : ST_TRASH};
		struct article *v;
		size_t n;
		if (store_article_list(site->store, a, &f, &v, &n) != STORE_OK)
			goto out;
		for (i = 0; i < n; i++) {
			struct arena *pa = arena_new(0);
			struct article art;
			struct redirect *red;
			size_t nred;
			const char **al;
			if (store_article_get(site->store, pa, v[i].id, STORE_WITH_BODY, &art) !=
			            STORE_OK ||
			    store_redirect_list(site->store, pa, v[i].id, 0, &red, &nred) != STORE_OK) {
				arena_free(pa);
				goto out;
			}
			al = arena_calloc(pa, nred + 1, sizeof(char *));
			for (j = 0; j < nred; j++)
				al[j] = red[j].path;
			buf_reset(&b);
			buf_reset(&rel);
			mdfile_write_article(&b, &art, al, nred);
			buf_printf(&rel, "content/%s%s%s/%s.md", art.lang, *art.section_path ? "/" : "",
			           art.section_path, art.slug);
			if (write_file(dest, rel.p, &b) != 0) {
				arena_free(pa);
				goto out;
			}
			r->articles_added++;
			arena_free(pa);
		}
	}
	rc = 0;
out:
	store_rollback(site->store);
	buf_finish(&b);
	buf_finish(&rel);
	arena_free(a);
	return rc;
}
