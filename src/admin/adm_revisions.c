/*
 * Revisions: the list of an article's saved versions, one compared with
 * the current text (fields side by side, the body as a line diff), and
 * restoring one -- which saves its text as a new revision, so that nothing
 * is ever overwritten.  The comparison is also what the editor shows when
 * two people's saves cross.
 */
#include "admin/adm_int.h"

#include <string.h>

#include "admin/diff.h"
#include "publish/publish.h"
#include "util/buf.h"
#include "util/log.h"

/* Unchanged lines shown around a change; longer runs fold into "...". */
#define DIFF_CONTEXT 3

static const char *authors_text(struct adm_req *r, const struct article *art)
{
	struct buf b = BUF_INIT;
	const char *s;
	size_t i;

	for (i = 0; i < art->nauthors; i++)
		buf_printf(&b, "%s%s%s", i ? ", " : "", art->authors[i].name,
		           art->authors[i].kind == AUTHOR_ORGANISATION ? " (org.)" : "");
	s = arena_strdup(r->a, buf_cstr(&b));
	buf_finish(&b);
	return s;
}

static const char *list_text(struct adm_req *r, const char *const *v, size_t n)
{
	struct buf b = BUF_INIT;
	const char *s;
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", v[i]);
	s = arena_strdup(r->a, buf_cstr(&b));
	buf_finish(&b);
	return s;
}

static const char *tags_text(struct adm_req *r, const struct article *art)
{
	const char **v = arena_calloc(r->a, art->ntags + 1, sizeof(char *));
	size_t i;

	for (i = 0; i < art->ntags; i++)
		v[i] = art->tags[i].name;
	return list_text(r, v, art->ntags);
}

static void field(struct adm_req *r, struct adm_list *l, const char *key, const char *old,
                  const char *new)
{
	struct adm_map e;

	old = old ? old : "";
	new = new ? new : "";
	if (strcmp(old, new) == 0)
		return;
	adm_map_init(&e, r->a);
	adm_map_str(&e, "label", adm_t(r, key));
	adm_map_str(&e, "old", old);
	adm_map_str(&e, "new", new);
	adm_list_add(l, adm_map_done(&e));
}

static struct tpl_value line(struct adm_req *r, const struct diff_line *d, bool gap)
{
	struct adm_map e;

	adm_map_init(&e, r->a);
	if (gap) {
		adm_map_bool(&e, "gap", true);
		return adm_map_done(&e);
	}
	adm_map_str(&e, "op", d->op == DIFF_ADD ? "add" : d->op == DIFF_DEL ? "del" : "same");
	adm_map_bool(&e, "add", d->op == DIFF_ADD);
	adm_map_bool(&e, "del", d->op == DIFF_DEL);
	if (d->old_no)
		adm_map_int(&e, "old_no", (long long)d->old_no);
	if (d->new_no)
		adm_map_int(&e, "new_no", (long long)d->new_no);
	adm_map_value(&e, "text", tpl_str(arena_strndup(r->a, d->p, d->n)));
	return adm_map_done(&e);
}

struct tpl_value adm_article_diff(struct adm_req *r, const struct article *old,
                                  const struct article *new, bool *changed)
{
	struct adm_list fields, body;
	struct diff_line *d;
	struct adm_map m;
	size_t n, i, j;

	adm_list_init(&fields, r->a);
	field(r, &fields, "admin_surtitle", old->surtitle, new->surtitle);
	field(r, &fields, "admin_title_field", old->title, new->title);
	field(r, &fields, "admin_subtitle", old->subtitle, new->subtitle);
	field(r, &fields, "admin_lead", old->lead, new->lead);
	field(r, &fields, "admin_postscript", old->postscript, new->postscript);
	field(r, &fields, "admin_section", old->section_path, new->section_path);
	field(r, &fields, "admin_slug", old->slug, new->slug);
	field(r, &fields, "admin_authors", authors_text(r, old), authors_text(r, new));
	field(r, &fields, "admin_tags", tags_text(r, old), tags_text(r, new));
	field(r, &fields, "admin_first_published", old->first_published, new->first_published);
	field(r, &fields, "admin_source_name", old->source_name, new->source_name);
	field(r, &fields, "admin_source_url", old->source_url, new->source_url);
	field(r, &fields, "admin_original_lang", old->original_lang, new->original_lang);
	field(r, &fields, "admin_translators", list_text(r, old->translators, old->ntranslators),
	      list_text(r, new->translators, new->ntranslators));
	field(r, &fields, "admin_licence", old->licence, new->licence);

	diff_lines(r->a, old->body, new->body, &d, &n);
	adm_list_init(&body, r->a);
	for (i = 0; i < n; i++) {
		bool near = false;
		if (d[i].op != DIFF_SAME) {
			adm_list_add(&body, line(r, &d[i], false));
			continue;
		}
		for (j = i > DIFF_CONTEXT ? i - DIFF_CONTEXT : 0; j <= i + DIFF_CONTEXT && j < n; j++)
			if (d[j].op != DIFF_SAME)
				near = true;
		if (near) {
			adm_list_add(&body, line(r, &d[i], false));
		} else if (body.n == 0 || tpl_map_get(&body.items[body.n - 1], "gap") == NULL) {
			adm_list_add(&body, line(r, &d[i], true));
		}
	}
	*changed = fields.n > 0 || diff_changed(d, n);
	adm_map_init(&m, r->a);
	adm_map_value(&m, "fields", adm_list_done(&fields));
	adm_map_bool(&m, "has_fields", fields.n > 0);
	adm_map_value(&m, "body", adm_list_done(&body));
	adm_map_bool(&m, "has_body", diff_changed(d, n));
	adm_map_bool(&m, "same", !*changed);
	return adm_map_done(&m);
}

int adm_page_revisions(struct adm_req *r, int64_t id)
{
	struct article cur;
	struct revision *v;
	struct adm_list l;
	struct adm_map m;
	size_t n, i;

	if (store_article_get(r->s, r->a, id, 0, &cur) != STORE_OK)
		return adm_not_found(r);
	if (!adm_can_view(r, &cur))
		return adm_forbidden(r);
	if (store_revision_list(r->s, r->a, id, &v, &n) != STORE_OK)
		return -1;
	adm_list_init(&l, r->a);
	for (i = 0; i < n; i++) {
		struct adm_map e;
		adm_map_init(&e, r->a);
		adm_map_int(&e, "id", (long long)v[i].id);
		adm_map_str(&e, "at", adm_time(r, v[i].created));
		adm_map_str(&e, "who", v[i].user_id ? adm_user_name(r, v[i].user_id)
		                                 : adm_t(r, "admin_by_system"));
		adm_map_str(&e, "note", v[i].note);
		adm_map_bool(&e, "current", v[i].id == cur.rev_id);
		adm_map_str(&e, "href", adm_printf(r, "/admin/articles/%lld/revisions/%lld",
		                                (long long)id, (long long)v[i].id));
		adm_list_add(&l, adm_map_done(&e));
	}
	r->nav = "articles";
	r->title = adm_printf(r, "%s · %s", adm_t(r, "admin_revisions"), cur.title);
	adm_map_init(&m, r->a);
	adm_map_int(&m, "id", (long long)id);
	adm_map_str(&m, "article_title", cur.title);
	adm_map_value(&m, "revisions", adm_list_done(&l));
	return adm_render(r, "revisions", &m, 200);
}

int adm_page_revision(struct adm_req *r, int64_t id, int64_t rev, bool restore)
{
	struct article cur, old, in;
	struct section sec;
	struct adm_map m;
	bool changed;

	if (store_article_get(r->s, r->a, id, STORE_WITH_BODY, &cur) != STORE_OK)
		return adm_not_found(r);
	if (!adm_can_view(r, &cur))
		return adm_forbidden(r);
	if (store_revision_get(r->s, r->a, rev, &old) != STORE_OK || old.id != id)
		return adm_not_found(r);
	if (restore) {
		if (!r->post)
			return adm_message(r, 405, "admin_not_found_title", adm_t(r, "admin_post_only"));
		if (!adm_can_edit(r, &cur))
			return adm_forbidden(r);
		/*
		 * The text comes back; where the article stands (status,
		 * date, address, group) stays as it is now.
		 */
		in = old;
		in.id = 0;
		in.created = in.updated = 0;
		in.lang = cur.lang;
		in.status = cur.status;
		in.date = cur.date;
		in.slug = cur.slug;
		in.tkey = cur.tkey;
		if (store_section_find(r->s, r->a, cur.lang, old.section_path, &sec) != STORE_OK ||
		    !adm_section_ok(r, sec.id))
			in.section_path = cur.section_path;
		store_set_actor(r->s, r->user.id,
		                adm_printf(r, "restored revision %lld", (long long)rev));
		if (store_begin(r->s) != STORE_OK)
			return -1;
		if (pub_note_article(r->site, id) != 0 ||
		    store_article_update(r->s, id, &in) != STORE_OK) {
			store_rollback(r->s);
			store_set_actor(r->s, r->user.id, NULL);
			adm_error_text(r, NULL, arena_strdup(r->a, log_reason()));
			goto page;
		}
		store_set_actor(r->s, r->user.id, NULL);
		if (adm_commit(r) != 0)
			return -1;
		return adm_redirect(r, "articles/%lld?m=restored%s", (long long)id,
		                    r->published_failed ? "&p=failed" : "");
	}
page:
	r->nav = "articles";
	r->title = adm_printf(r, "%s %lld · %s", adm_t(r, "admin_revision"), (long long)rev,
	                      cur.title);
	adm_map_init(&m, r->a);
	adm_map_int(&m, "id", (long long)id);
	adm_map_int(&m, "rev", (long long)rev);
	adm_map_str(&m, "article_title", cur.title);
	adm_map_bool(&m, "is_current", rev == cur.rev_id);
	adm_map_bool(&m, "can_restore", rev != cur.rev_id && adm_can_edit(r, &cur));
	adm_map_value(&m, "diff", adm_article_diff(r, &old, &cur, &changed));
	return adm_render(r, "revision", &m, adm_has_errors(r) ? 409 : 200);
}
