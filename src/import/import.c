/*
 * Idempotent adding and updating for importers.  See import.h.
 */
#include "import/import.h"

#include <stdio.h>
#include <string.h>

#include "publish/publish.h"
#include "search/search.h"
#include "site/site.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

void import_touch(struct import_report *r, const char *lang)
{
	size_t i;

	for (i = 0; i < r->nlangs; i++)
		if (strcmp(r->langs[i], lang) == 0)
			return;
	if (r->nlangs < 32 && strlen(lang) < sizeof(r->langs[0]))
		strcpy(r->langs[r->nlangs++], lang);
}

int import_note(struct site *site, const struct import_report *r)
{
	size_t i;

	for (i = 0; i < r->nlangs; i++)
		if (pub_note_language(site, r->langs[i]) != 0)
			return -1;
	/* The articles imported, indexed on all cores before the commit. */
	return site->search ? search_flush(site->search) : 0;
}

static bool eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

int import_section(struct site *site, const char *lang, const char *path, const char *title,
                   const char *description, int position, struct import_report *r)
{
	struct arena *a = arena_new(0);
	struct section sec;
	enum store_status st;
	int rc = -1;

	if (title == NULL || *title == '\0')
		title = *path ? strrchr(path, '/') ? strrchr(path, '/') + 1 : path : lang;
	st = store_section_find(site->store, a, lang, path, &sec);
	if (st == STORE_NOT_FOUND) {
		if (store_section_add(site->store, lang, path, title, description ? description : "",
		                      position < 0 ? 0 : position, NULL) != STORE_OK)
			goto out;
		r->sections_added++;
	} else if (st == STORE_OK) {
		if (!eq(sec.title, title) || !eq(sec.description, description ? description : "") ||
		    (position >= 0 && sec.position != position)) {
			if (store_section_update(site->store, sec.id, title, description ? description : "",
			                         position) != STORE_OK)
				goto out;
			r->sections_updated++;
		}
	} else {
		goto out;
	}
	import_touch(r, lang);
	rc = 0;
out:
	arena_free(a);
	return rc;
}

int import_author(struct site *site, const struct author *au, struct import_report *r)
{
	struct arena *a = arena_new(0);
	struct author old;
	enum store_status st;
	int rc = -1;

	st = store_author_find(site->store, a, au->name, &old);
	if (st == STORE_OK && strcmp(old.name, au->name) != 0)
		st = STORE_NOT_FOUND; /* matched another author's slug, not this name */
	if (st == STORE_NOT_FOUND) {
		if (store_author_add(site->store, au->name, au->kind, au->slug, au->bio ? au->bio : "",
		                     NULL) != STORE_OK)
			goto out;
		r->authors_added++;
	} else if (st == STORE_OK) {
		if (old.kind != au->kind || (au->slug && *au->slug && !eq(old.slug, au->slug)) ||
		    !eq(old.bio, au->bio)) {
			if (store_author_update(site->store, old.id, (int)au->kind, NULL,
			                        au->slug && *au->slug ? au->slug : NULL,
			                        au->bio ? au->bio : "") != STORE_OK)
				goto out;
			r->authors_updated++;
		}
	} else {
		goto out;
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}

static bool same_list(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!eq(a[i], b[i]))
			return false;
	return true;
}

/* Does the stored article old already say everything art says? */
static bool unchanged(const struct article *old, const struct article *art)
{
	size_t i;

	if (!eq(old->lang, art->lang) || !eq(old->section_path, art->section_path) ||
	    !eq(old->slug, art->slug) || old->status != art->status ||
	    (art->date && old->date != art->date) || !eq(old->surtitle, art->surtitle) ||
	    !eq(old->title, art->title) || !eq(old->subtitle, art->subtitle) ||
	    !eq(old->lead, art->lead) || !eq(old->body, art->body) ||
	    !eq(old->postscript, art->postscript) ||
	    !eq(old->first_published, art->first_published) ||
	    !eq(old->source_name, art->source_name) || !eq(old->source_url, art->source_url) ||
	    !eq(old->original_lang, art->original_lang) || !eq(old->licence, art->licence) ||
	    !eq(old->tkey, art->tkey) ||
	    !same_list(old->translators, old->ntranslators, art->translators, art->ntranslators) ||
	    old->nauthors != art->nauthors || old->ntags != art->ntags)
		return false;
	for (i = 0; i < art->nauthors; i++)
		if (!eq(old->authors[i].name, art->authors[i].name))
			return false;
	for (i = 0; i < art->ntags; i++)
		if (!eq(old->tags[i].name, art->tags[i].name))
			return false;
	return true;
}

int import_article(struct site *site, const struct article *art, const char *const *aliases,
                   size_t naliases, int64_t *id, struct import_report *r)
{
	struct arena *a = arena_new(0);
	struct article old;
	enum store_status st = STORE_NOT_FOUND;
	size_t i;
	int rc = -1;

	/* Many articles in one transaction: index them together (import_note()). */
	if (site->search)
		search_defer(site->search);
	if (art->id > 0)
		st = store_article_get(site->store, a, art->id, STORE_WITH_BODY, &old);
	if (st == STORE_NOT_FOUND)
		st = store_article_find(site->store, a, art->lang, art->slug, STORE_WITH_BODY, &old);
	if (st == STORE_OK) {
		if (unchanged(&old, art)) {
			r->articles_unchanged++;
		} else {
			if (store_article_update(site->store, old.id, art) != STORE_OK)
				goto out;
			r->articles_updated++;
		}
		*id = old.id;
	} else if (st == STORE_NOT_FOUND) {
		if (store_article_add(site->store, art, id) != STORE_OK)
			goto out;
		r->articles_added++;
	} else {
		goto out;
	}
	for (i = 0; i < naliases; i++) {
		struct buf p = BUF_INIT;
		const char *s = aliases[i];
		while (*s == '/')
			s++;
		buf_puts(&p, s);
		if (p.n >= 10 && strcmp(p.p + p.n - 10, "index.html") == 0)
			buf_truncate(&p, p.n - 10);
		while (p.n && p.p[p.n - 1] == '/')
			buf_truncate(&p, p.n - 1);
		if (p.n && store_redirect_add(site->store, p.p, *id, 0) != STORE_OK) {
			buf_finish(&p);
			goto out;
		}
		buf_finish(&p);
	}
	import_touch(r, art->lang);
	rc = 0;
out:
	arena_free(a);
	return rc;
}
