/*
 * Sections: the tree of each language, adding a section, and one
 * section's page to rename it (title and slug), describe it, reorder it
 * (its position among its siblings), move it under another parent, or
 * delete it when empty.  A section change can touch every page of its
 * language (breadcrumbs, lists, addresses), so it republishes the
 * language, as the command line does.  Editors limited to subtrees work
 * inside them only, whatever the request says.
 */
#include "admin/adm_int.h"

#include <stdlib.h>
#include <string.h>

#include "publish/publish.h"
#include "render/i18n.h"
#include "text/slug.h"
#include "util/buf.h"
#include "util/log.h"

#define SEC_MAX_TITLE 2000
#define SEC_MAX_DESC (64 * 1024)
#define SEC_MAX_POSITION 1000000

struct sec_form {
	int64_t parent;
	const char *slug, *title, *description, *position;
};

static int position(struct adm_req *r, const char *s)
{
	char *end;
	long v;

	if (*s == '\0')
		return 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > SEC_MAX_POSITION) {
		adm_error(r, "position", "admin_err_position");
		return -1;
	}
	return (int)v;
}

static void read_form(struct adm_req *r, struct sec_form *f)
{
	f->parent = adm_parse_id(adm_form(r, "parent"));
	f->slug = adm_field(r, "slug", "admin_slug", 200, true);
	f->title = adm_field(r, "title", "admin_title_field", SEC_MAX_TITLE, true);
	f->description = adm_field(r, "description", "admin_description", SEC_MAX_DESC, false);
	f->position = adm_field(r, "position", "admin_position", 16, true);
	if (*f->title == '\0')
		adm_error(r, "title", "admin_err_title");
	if (*f->slug && !slug_valid(f->slug, strlen(f->slug)))
		adm_error(r, "slug", "admin_err_slug");
}

/* The sections page, with the add form showing f (NULL: empty). */
static int list(struct adm_req *r, const struct sec_form *f, int status)
{
	struct section *v;
	struct adm_list groups, rows;
	struct adm_map m, g;
	const char *cur = NULL;
	size_t n, i;

	if (store_section_list(r->s, r->a, NULL, &v, &n) != STORE_OK)
		return -1;
	adm_list_init(&groups, r->a);
	adm_list_init(&rows, r->a);
	adm_map_init(&g, r->a);
	for (i = 0; i <= n; i++) {
		struct adm_map e;
		if (i == n || cur == NULL || strcmp(cur, v[i].lang) != 0) {
			if (cur) {
				adm_map_value(&g, "rows", adm_list_done(&rows));
				adm_list_add(&groups, adm_map_done(&g));
			}
			if (i == n)
				break;
			cur = v[i].lang;
			adm_map_init(&g, r->a);
			adm_map_str(&g, "lang", cur);
			adm_map_str(&g, "label", i18n_get(r->site->i18n, cur, "lang_name"));
			adm_list_init(&rows, r->a);
		}
		adm_map_init(&e, r->a);
		adm_map_int(&e, "id", (long long)v[i].id);
		adm_map_str(&e, "title", v[i].title);
		adm_map_str(&e, "path", adm_section_label(r, &v[i]));
		adm_map_int(&e, "depth", v[i].depth);
		adm_map_str(&e, "indent", adm_printf(r, "depth-%d", v[i].depth > 8 ? 8 : v[i].depth));
		adm_map_int(&e, "position", v[i].position);
		adm_map_bool(&e, "can_edit", adm_section_ok(r, v[i].id));
		adm_map_str(&e, "href", adm_printf(r, "/admin/sections/%lld", (long long)v[i].id));
		adm_list_add(&rows, adm_map_done(&e));
	}
	r->nav = "sections";
	r->title = adm_t(r, "admin_sections");
	adm_map_init(&m, r->a);
	adm_map_value(&m, "groups", adm_list_done(&groups));
	adm_map_value(&m, "parent_groups", adm_section_options(r, NULL, f ? f->parent : 0, true));
	if (f) {
		adm_map_str(&m, "slug", f->slug);
		adm_map_str(&m, "title_value", f->title);
		adm_map_str(&m, "description", f->description);
		adm_map_str(&m, "position", f->position);
	}
	return adm_render(r, "sections", &m, status);
}

static int publish_lang(struct adm_req *r, const char *lang)
{
	if (pub_note_language(r->site, lang) != 0) {
		store_rollback(r->s);
		return -1;
	}
	return adm_commit(r);
}

static int add(struct adm_req *r)
{
	struct sec_form f;
	struct section parent;
	struct buf slug = BUF_INIT;
	const char *path;
	int pos, rc;
	int64_t id;

	read_form(r, &f);
	pos = position(r, f.position);
	if (f.parent == 0 || store_section_get(r->s, r->a, f.parent, &parent) != STORE_OK) {
		adm_error(r, "parent", "admin_err_section");
		return list(r, &f, 400);
	}
	if (!adm_section_ok(r, parent.id))
		return adm_forbidden(r);
	if (adm_has_errors(r))
		return list(r, &f, 400);
	if (*f.slug)
		buf_puts(&slug, f.slug);
	else
		slug_make(&slug, f.title, strlen(f.title), parent.lang);
	if (slug.n == 0 || model_slug_reserved(slug.p, parent.depth == 0)) {
		buf_finish(&slug);
		adm_error(r, "slug", "admin_err_slug");
		return list(r, &f, 400);
	}
	path = *parent.path ? adm_printf(r, "%s/%s", parent.path, slug.p)
	                    : arena_strdup(r->a, slug.p);
	buf_finish(&slug);
	if (store_begin(r->s) != STORE_OK)
		return -1;
	if (store_section_add(r->s, parent.lang, path, f.title, f.description, pos, &id) !=
	    STORE_OK) {
		store_rollback(r->s);
		adm_error_text(r, "slug", arena_strdup(r->a, log_reason()));
		return list(r, &f, 409);
	}
	if ((rc = publish_lang(r, parent.lang)) != 0)
		return rc;
	return adm_redirect(r, "sections/%lld?m=section_added", (long long)id);
}

int adm_page_sections(struct adm_req *r)
{
	if (!adm_is_editor(r))
		return adm_forbidden(r);
	if (r->post)
		return add(r);
	return list(r, NULL, 200);
}

static int edit_page(struct adm_req *r, const struct section *sec, const struct sec_form *f,
                     int status)
{
	struct adm_map m;
	struct article_filter af = {.status = -1, .section_id = sec->id, .limit = 1};
	struct article *v;
	size_t n = 0;

	r->nav = "sections";
	r->title = adm_printf(r, "%s · %s", adm_t(r, "admin_section"), sec->title);
	adm_map_init(&m, r->a);
	adm_map_int(&m, "id", (long long)sec->id);
	adm_map_str(&m, "path", adm_section_label(r, sec));
	adm_map_bool(&m, "is_root", sec->depth == 0);
	adm_map_str(&m, "slug", f ? f->slug : sec->slug);
	adm_map_str(&m, "title_value", f ? f->title : sec->title);
	adm_map_str(&m, "description", f ? f->description : sec->description);
	adm_map_str(&m, "position", f ? f->position : adm_printf(r, "%d", sec->position));
	adm_map_value(&m, "parent_groups",
	           adm_section_options(r, sec->lang, f ? f->parent : sec->parent_id, true));
	if (store_article_list(r->s, r->a, &af, &v, &n) != STORE_OK)
		n = 1;
	adm_map_bool(&m, "can_delete", sec->depth > 0 && n == 0);
	adm_map_str(&m, "new_article", adm_printf(r, "/admin/articles/new?lang=%s&section=%lld",
	                                       sec->lang, (long long)sec->id));
	adm_map_str(&m, "articles", adm_printf(r, "/admin/articles?section=%lld", (long long)sec->id));
	return adm_render(r, "section", &m, status);
}

static int update(struct adm_req *r, const struct section *sec)
{
	struct sec_form f;
	int64_t *sub;
	size_t nsub, i;
	int pos, rc;
	bool moves;

	read_form(r, &f);
	pos = position(r, f.position);
	if (sec->depth == 0) {
		f.parent = 0;
		f.slug = "";
	} else {
		struct section parent = {.depth = 1};
		if (f.parent == 0 || store_section_get(r->s, r->a, f.parent, &parent) != STORE_OK) {
			adm_error(r, "parent", "admin_err_section");
		} else if (strcmp(parent.lang, sec->lang) != 0) {
			adm_error(r, "parent", "admin_err_section_lang");
		} else if (!adm_section_ok(r, parent.id)) {
			adm_error(r, "parent", "admin_err_section_rights");
		} else if (store_section_subtree(r->s, r->a, sec->id, &sub, &nsub) == STORE_OK) {
			for (i = 0; i < nsub; i++)
				if (sub[i] == parent.id)
					adm_error(r, "parent", "admin_err_section_cycle");
		}
		if (*f.slug && model_slug_reserved(f.slug, parent.depth == 0))
			adm_error(r, "slug", "admin_err_slug");
	}
	if (adm_has_errors(r))
		return edit_page(r, sec, &f, 400);
	moves = sec->depth > 0 && (f.parent != sec->parent_id || (*f.slug && strcmp(f.slug, sec->slug)));
	if (store_begin(r->s) != STORE_OK)
		return -1;
	if (store_section_update(r->s, sec->id, f.title, f.description, pos) != STORE_OK ||
	    (moves && store_section_move(r->s, sec->id, f.parent, *f.slug ? f.slug : NULL) !=
	                      STORE_OK)) {
		store_rollback(r->s);
		adm_error_text(r, NULL, arena_strdup(r->a, log_reason()));
		return edit_page(r, sec, &f, 409);
	}
	if ((rc = publish_lang(r, sec->lang)) != 0)
		return rc;
	return adm_redirect(r, "sections/%lld?m=saved", (long long)sec->id);
}

int adm_page_section(struct adm_req *r, int64_t id, const char *verb)
{
	struct section sec;
	int rc;

	if (!adm_is_editor(r))
		return adm_forbidden(r);
	if (store_section_get(r->s, r->a, id, &sec) != STORE_OK)
		return adm_not_found(r);
	if (!adm_section_ok(r, sec.id))
		return adm_forbidden(r);
	if (verb && strcmp(verb, "delete") == 0) {
		if (!r->post)
			return adm_message(r, 405, "admin_not_found_title", adm_t(r, "admin_post_only"));
		if (store_begin(r->s) != STORE_OK)
			return -1;
		if (store_section_delete(r->s, id) != STORE_OK) {
			store_rollback(r->s);
			adm_error_text(r, NULL, arena_strdup(r->a, log_reason()));
			return edit_page(r, &sec, NULL, 409);
		}
		if ((rc = publish_lang(r, sec.lang)) != 0)
			return rc;
		return adm_redirect(r, "sections?m=section_deleted");
	}
	if (verb)
		return adm_not_found(r);
	if (r->post)
		return update(r, &sec);
	return edit_page(r, &sec, NULL, 200);
}
