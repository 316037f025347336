/*
 * The workflow: draft -> proposed -> published, or refused; scheduled for
 * a time; the trash and back.  Every change goes through the same
 * incremental publish as the command line -- pub_note_article() in the
 * transaction, before the change; pub_apply() after the commit -- and the
 * server is told at once, so the public page is current when the answer
 * comes back.  The store records each transition with the account that
 * made it (store_set_actor(), set per request).  Also here: translations,
 * which start as drafts linked to the original, and the scheduler the
 * server's tick runs.
 */
#include "admin/adm_int.h"

#include <string.h>

#include "publish/publish.h"
#include "util/log.h"
#include "web/http.h"

void adm_publish(struct adm_req *r)
{
	struct pub_stats st;
	struct http_server *srv;

	if (pub_apply(r->site, &st) != 0) {
		log_error("admin: publishing failed: %s (run tamizdat publish)", log_reason());
		r->published_failed = true;
	}
	srv = atomic_load(&r->adm->srv);
	if (srv)
		http_server_invalidate(srv);
}

int adm_commit(struct adm_req *r)
{
	if (store_commit(r->s) != STORE_OK) {
		store_rollback(r->s);
		return -1;
	}
	adm_publish(r);
	return 0;
}

/* Redirect target after a change: the editor, with what was done. */
static int done(struct adm_req *r, int64_t id, const char *what)
{
	if (r->published_failed)
		return adm_redirect(r, "articles/%lld?m=%s&p=failed", (long long)id, what);
	return adm_redirect(r, "articles/%lld?m=%s", (long long)id, what);
}

/* Shows the editor of id with the messages recorded (adm_editor.c). */
int adm_editor_show(struct adm_req *r, int64_t id, int status);

int adm_page_article_status(struct adm_req *r, int64_t id)
{
	struct article art;
	enum store_status rc;
	int64_t when = 0, now = store_now();
	int act;

	if (!r->post)
		return adm_message(r, 405, "admin_not_found_title", adm_t(r, "admin_post_only"));
	if (store_article_get(r->s, r->a, id, 0, &art) != STORE_OK)
		return adm_not_found(r);
	act = adm_action_parse(adm_form(r, "action"));
	if (act < 0)
		return adm_message(r, 400, "admin_not_found_title", adm_t(r, "admin_err_choice"));
	if (!adm_can_act(r, &art, (enum adm_action)act))
		return adm_forbidden(r);
	if (act == ACT_SCHEDULE) {
		const char *at = adm_field(r, "schedule_at", "admin_schedule_at", 64, true);
		if (*at == '\0' || model_parse_datetime(at, &when) != 0)
			adm_error(r, "schedule_at", "admin_err_datetime");
		else if (when <= now)
			adm_error(r, "schedule_at", "admin_err_schedule_past");
		if (adm_has_errors(r))
			return adm_editor_show(r, id, 400);
	}
	if (store_begin(r->s) != STORE_OK)
		return -1;
	if (pub_note_article(r->site, id) != 0) {
		store_rollback(r->s);
		return -1;
	}
	switch ((enum adm_action)act) {
	case ACT_PROPOSE: rc = store_article_set_status(r->s, id, ST_PROPOSED); break;
	case ACT_WITHDRAW: rc = store_article_set_status(r->s, id, ST_DRAFT); break;
	case ACT_PUBLISH: rc = store_article_set_status(r->s, id, ST_PUBLISHED); break;
	case ACT_REFUSE: rc = store_article_set_status(r->s, id, ST_REFUSED); break;
	case ACT_SCHEDULE: rc = store_article_schedule(r->s, id, when); break;
	case ACT_TRASH: rc = store_article_set_status(r->s, id, ST_TRASH); break;
	case ACT_RESTORE: rc = store_article_restore(r->s, id); break;
	default: rc = STORE_INVALID; break;
	}
	if (rc != STORE_OK) {
		store_rollback(r->s);
		adm_error_text(r, NULL, log_reason());
		return adm_editor_show(r, id, 409);
	}
	if (adm_commit(r) != 0)
		return -1;
	return done(r, id, adm_action_name((enum adm_action)act));
}

/*
 * The translation key of art's group, giving art one if it has none
 * (an update: a new revision noting why).  0 or -1.
 */
static int group_key(struct adm_req *r, int64_t id, const char **key)
{
	struct article src;

	if (store_article_get(r->s, r->a, id, STORE_WITH_BODY, &src) != STORE_OK)
		return -1;
	if (*src.tkey) {
		*key = src.tkey;
		return 0;
	}
	src.tkey = adm_printf(r, "tz-%lld", (long long)id);
	store_set_actor(r->s, r->user.id, "translation group");
	if (pub_note_article(r->site, id) != 0 || store_article_update(r->s, id, &src) != STORE_OK) {
		store_set_actor(r->s, r->user.id, NULL);
		return -1;
	}
	store_set_actor(r->s, r->user.id, NULL);
	*key = src.tkey;
	return 0;
}

int adm_page_article_translate(struct adm_req *r, int64_t id)
{
	struct article src, in, *members;
	struct section sec;
	const char *lang = adm_form(r, "lang"), *key;
	size_t n, i;
	int64_t nid;
	struct article_filter f = {.status = -1};

	if (!r->post)
		return adm_message(r, 405, "admin_not_found_title", adm_t(r, "admin_post_only"));
	if (store_article_get(r->s, r->a, id, STORE_WITH_BODY, &src) != STORE_OK)
		return adm_not_found(r);
	/* Translating touches the original (its group): the same right as editing it. */
	if (!adm_can_view(r, &src) || (!adm_is_editor(r) && !adm_can_edit(r, &src) && !*src.tkey))
		return adm_forbidden(r);
	if (!adm_site_lang(r, lang) || strcmp(lang, src.lang) == 0) {
		adm_error(r, "lang", "admin_err_translation_lang");
		return adm_editor_show(r, id, 400);
	}
	if (src.tgroup_id) {
		f.tgroup_id = src.tgroup_id;
		if (store_article_list(r->s, r->a, &f, &members, &n) != STORE_OK)
			return -1;
		for (i = 0; i < n; i++)
			if (strcmp(members[i].lang, lang) == 0) {
				adm_error(r, "lang", "admin_err_translation_exists");
				return adm_editor_show(r, id, 409);
			}
	}
	/* The same place in the other language's tree, where it exists; else its root. */
	if (store_section_find(r->s, r->a, lang, src.section_path, &sec) != STORE_OK &&
	    store_section_find(r->s, r->a, lang, "", &sec) != STORE_OK) {
		adm_error_text(r, "lang", log_reason());
		return adm_editor_show(r, id, 409);
	}
	if (!adm_section_ok(r, sec.id))
		return adm_forbidden(r);
	in = src;
	in.id = 0;
	in.created = in.updated = 0;
	in.lang = lang;
	in.section_path = sec.path;
	in.slug = "";
	in.status = ST_DRAFT;
	in.date = 0;
	in.tags = NULL; /* tags are words of a language */
	in.ntags = 0;
	if (*src.original_lang == '\0')
		in.original_lang = src.lang;
	if (store_begin(r->s) != STORE_OK)
		return -1;
	if (group_key(r, id, &key) != 0) {
		store_rollback(r->s);
		adm_error_text(r, NULL, log_reason());
		return adm_editor_show(r, id, 409);
	}
	in.tkey = key;
	if (store_article_add(r->s, &in, &nid) != STORE_OK || pub_note_article_new(r->site, nid) != 0) {
		store_rollback(r->s);
		adm_error_text(r, NULL, log_reason());
		return adm_editor_show(r, id, 409);
	}
	if (adm_commit(r) != 0)
		return -1;
	if (strcmp(sec.path, src.section_path) != 0)
		return adm_redirect(r, "articles/%lld?m=translation_root", (long long)nid);
	return adm_redirect(r, "articles/%lld?m=translation", (long long)nid);
}

int admin_publish_due(struct admin *adm, int64_t now, unsigned max, unsigned *n)
{
	struct site *site = &adm->site;
	struct arena *a = arena_new(0);
	struct pub_stats st;
	struct http_server *srv;
	unsigned done = 0;
	int64_t *ids;
	size_t k, i;
	int rc = -1;

	if (max == 0)
		goto none;
	if (adm->nunpublishable && now - adm->unpublishable_since >= ADM_UNPUBLISHABLE_RETRY)
		adm->nunpublishable = 0;
	if (store_article_due(site->store, a, now, max + (unsigned)adm->nunpublishable, &ids, &k) !=
	    STORE_OK)
		goto out;
	/* The scheduler acts for nobody in particular: the log shows no account. */
	store_set_actor(site->store, 0, NULL);
	for (i = 0; i < k && done < max; i++) {
		enum store_status ss = STORE_ERROR;
		size_t j;
		for (j = 0; j < adm->nunpublishable && adm->unpublishable[j] != ids[i]; j++)
			;
		if (j < adm->nunpublishable)
			continue;
		if (store_begin(site->store) != STORE_OK)
			goto out;
		if (pub_note_article(site, ids[i]) != 0 ||
		    (ss = store_article_set_status(site->store, ids[i], ST_PUBLISHED)) !=
		            STORE_OK ||
		    (ss = store_commit(site->store)) != STORE_OK) {
			store_rollback(site->store);
			/* The store's trouble: next tick.  The article's own: pass it over. */
			if (ss != STORE_INVALID && ss != STORE_EXISTS)
				goto out;
			log_warn("scheduled article %lld cannot be published (%s); tried again "
			         "in ten minutes",
			         (long long)ids[i], log_reason());
			if (adm->nunpublishable == 0)
				adm->unpublishable_since = now;
			if (adm->nunpublishable < NELEM(adm->unpublishable))
				adm->unpublishable[adm->nunpublishable++] = ids[i];
			continue;
		}
		done++;
	}
none:
	rc = 0;
out:
	if (done) {
		if (pub_apply(site, &st) != 0) {
			log_error("admin: publishing scheduled articles: %s", log_reason());
			rc = -1;
		}
		srv = atomic_load(&adm->srv);
		if (srv)
			http_server_invalidate(srv);
	}
	if (n)
		*n = done;
	arena_free(a);
	return rc;
}
