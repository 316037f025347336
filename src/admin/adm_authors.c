/*
 * Authors -- people and organisations -- listed, added and edited (name,
 * kind, slug, short biography).  An author's name shows on every page of
 * their articles, so an edit republishes every language, as the command
 * line does.  Editors and admins only.
 */
#include "admin/adm_int.h"

#include <string.h>

#include "publish/publish.h"
#include "text/slug.h"
#include "util/log.h"

#define AU_MAX_NAME 2000
#define AU_MAX_BIO (64 * 1024)

struct au_form {
	const char *name, *slug, *bio;
	int kind;
};

static void read_form(struct adm_req *r, struct au_form *f)
{
	f->name = adm_field(r, "name", "admin_name", AU_MAX_NAME, true);
	f->slug = adm_field(r, "slug", "admin_slug", 200, true);
	f->bio = adm_field(r, "bio", "admin_bio", AU_MAX_BIO, false);
	f->kind = model_author_kind_parse(adm_form(r, "kind"));
	if (*f->name == '\0')
		adm_error(r, "name", "admin_err_name");
	if (*f->slug && !slug_valid(f->slug, strlen(f->slug)))
		adm_error(r, "slug", "admin_err_slug");
	if (f->kind < 0) {
		adm_error(r, "kind", "admin_err_choice");
		f->kind = AUTHOR_PERSON;
	}
}

static int list(struct adm_req *r, const struct au_form *f, int status)
{
	struct author *v;
	struct adm_list l;
	struct adm_map m;
	size_t n, i;

	if (store_author_list(r->s, r->a, &v, &n) != STORE_OK)
		return -1;
	adm_list_init(&l, r->a);
	for (i = 0; i < n; i++) {
		struct adm_map e;
		adm_map_init(&e, r->a);
		adm_map_str(&e, "name", v[i].name);
		adm_map_str(&e, "slug", v[i].slug);
		adm_map_str(&e, "kind", adm_t(r, v[i].kind == AUTHOR_ORGANISATION ? "admin_kind_organisation"
		                                                               : "admin_kind_person"));
		adm_map_str(&e, "href", adm_printf(r, "/admin/authors/%lld", (long long)v[i].id));
		adm_map_str(&e, "articles", adm_printf(r, "/admin/articles?author=%lld", (long long)v[i].id));
		adm_list_add(&l, adm_map_done(&e));
	}
	r->nav = "authors";
	r->title = adm_t(r, "admin_authors");
	adm_map_init(&m, r->a);
	adm_map_value(&m, "authors", adm_list_done(&l));
	adm_map_bool(&m, "has_authors", n > 0);
	if (f) {
		adm_map_str(&m, "name", f->name);
		adm_map_str(&m, "slug", f->slug);
		adm_map_str(&m, "bio", f->bio);
		adm_map_bool(&m, "org", f->kind == AUTHOR_ORGANISATION);
	}
	return adm_render(r, "authors", &m, status);
}

/* Commits with every language noted: author pages and bylines are everywhere. */
static int commit_all(struct adm_req *r)
{
	size_t i;

	for (i = 0; i < r->site->cfg.nlangs; i++)
		if (pub_note_language(r->site, r->site->cfg.langs[i].code) != 0) {
			store_rollback(r->s);
			return -1;
		}
	return adm_commit(r);
}

int adm_page_authors(struct adm_req *r)
{
	struct au_form f;
	int64_t id;

	if (!adm_is_editor(r))
		return adm_forbidden(r);
	if (!r->post)
		return list(r, NULL, 200);
	read_form(r, &f);
	if (adm_has_errors(r))
		return list(r, &f, 400);
	if (store_begin(r->s) != STORE_OK)
		return -1;
	if (store_author_add(r->s, f.name, (enum author_kind)f.kind, *f.slug ? f.slug : NULL, f.bio,
	                     &id) != STORE_OK) {
		store_rollback(r->s);
		adm_error_text(r, "name", arena_strdup(r->a, log_reason()));
		return list(r, &f, 409);
	}
	/* A new author has no articles: nothing to publish. */
	if (store_commit(r->s) != STORE_OK) {
		store_rollback(r->s);
		return -1;
	}
	return adm_redirect(r, "authors/%lld?m=author_added", (long long)id);
}

static int page(struct adm_req *r, const struct author *au, const struct au_form *f, int status)
{
	struct adm_map m;

	r->nav = "authors";
	r->title = adm_printf(r, "%s · %s", adm_t(r, "admin_author"), au->name);
	adm_map_init(&m, r->a);
	adm_map_int(&m, "id", (long long)au->id);
	adm_map_str(&m, "name", f ? f->name : au->name);
	adm_map_str(&m, "slug", f ? f->slug : au->slug);
	adm_map_str(&m, "bio", f ? f->bio : au->bio);
	adm_map_bool(&m, "org", (f ? f->kind : (int)au->kind) == AUTHOR_ORGANISATION);
	adm_map_str(&m, "articles", adm_printf(r, "/admin/articles?author=%lld", (long long)au->id));
	return adm_render(r, "author", &m, status);
}

int adm_page_author(struct adm_req *r, int64_t id)
{
	struct author au;
	struct au_form f;
	int rc;

	if (!adm_is_editor(r))
		return adm_forbidden(r);
	if (store_author_get(r->s, r->a, id, &au) != STORE_OK)
		return adm_not_found(r);
	if (!r->post)
		return page(r, &au, NULL, 200);
	read_form(r, &f);
	if (adm_has_errors(r))
		return page(r, &au, &f, 400);
	if (store_begin(r->s) != STORE_OK)
		return -1;
	if (store_author_update(r->s, id, f.kind, f.name, *f.slug ? f.slug : NULL, f.bio) !=
	    STORE_OK) {
		store_rollback(r->s);
		adm_error_text(r, NULL, arena_strdup(r->a, log_reason()));
		return page(r, &au, &f, 409);
	}
	if ((rc = commit_all(r)) != 0)
		return rc;
	return adm_redirect(r, "authors/%lld?m=saved", (long long)id);
}
