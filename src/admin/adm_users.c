/*
 * Accounts, for admins: the list (with "asked for a new password"
 * requests), adding an account -- which shows its one-time set-password
 * link once, to be passed on by a safe channel -- and one account's page:
 * name, role, section limits, language, disabled; a new link; signing it
 * out everywhere.  An admin cannot disable or demote their own account
 * here, so that a site never loses its last admin by a slip.
 */
#include "admin/adm_int.h"

#include <string.h>

#include "util/log.h"

/* adm_auth.c */
void adm_ui_lang_options(struct adm_req *r, struct adm_map *m, const char *current);

struct user_form {
	const char *email, *name, *lang;
	int role;
	int64_t *sections;
	size_t nsections;
};

static bool ui_lang_ok(const char *l)
{
	return strcmp(l, "en") == 0 || strcmp(l, "fr") == 0 || strcmp(l, "ru") == 0 ||
	       strcmp(l, "uk") == 0;
}

static void role_options(struct adm_req *r, struct adm_map *m, int current)
{
	struct adm_list l;
	int i;

	adm_list_init(&l, r->a);
	for (i = ROLE_ADMIN; i >= ROLE_CONTRIBUTOR; i--) {
		struct adm_map o;
		const char *name = account_role_name((enum account_role)i);
		adm_map_init(&o, r->a);
		adm_map_str(&o, "code", name);
		adm_map_str(&o, "name", adm_t(r, adm_printf(r, "admin_role_%s", name)));
		adm_map_bool(&o, "selected", i == current);
		adm_list_add(&l, adm_map_done(&o));
	}
	adm_map_value(m, "roles", adm_list_done(&l));
}

/* Section limits as a multiple choice (each section once, checked if limited to it). */
static void section_choices(struct adm_req *r, struct adm_map *m, const int64_t *sel, size_t nsel)
{
	struct section *v;
	struct adm_list l;
	size_t n, i, j;

	adm_list_init(&l, r->a);
	if (store_section_list(r->s, r->a, NULL, &v, &n) == STORE_OK)
		for (i = 0; i < n; i++) {
			struct adm_map o;
			bool on = false;
			for (j = 0; j < nsel; j++)
				on = on || sel[j] == v[i].id;
			adm_map_init(&o, r->a);
			adm_map_int(&o, "id", (long long)v[i].id);
			adm_map_str(&o, "label", adm_printf(r, "%s (%s)", v[i].title,
			                                 adm_section_label(r, &v[i])));
			adm_map_bool(&o, "selected", on);
			adm_list_add(&l, adm_map_done(&o));
		}
	adm_map_value(m, "section_choices", adm_list_done(&l));
}

static void read_form(struct adm_req *r, struct user_form *f, bool with_email)
{
	size_t n, i, k = 0;
	const char *const *secs = http_request_form_all(r->req, "sections", &n);

	memset(f, 0, sizeof(*f));
	f->email = with_email ? adm_field(r, "email", "admin_email", ACCOUNT_EMAIL_MAX, true) : "";
	if (with_email && !account_email_valid(f->email))
		adm_error(r, "email", "admin_err_email");
	f->name = adm_field(r, "name", "admin_name", ACCOUNT_NAME_MAX, true);
	f->lang = adm_form(r, "ui_lang");
	if (!ui_lang_ok(f->lang)) {
		adm_error(r, "ui_lang", "admin_err_choice");
		f->lang = "en";
	}
	f->role = account_role_parse(adm_form(r, "role"));
	if (f->role < 0) {
		adm_error(r, "role", "admin_err_choice");
		f->role = ROLE_CONTRIBUTOR;
	}
	f->sections = arena_calloc(r->a, n + 1, sizeof(int64_t));
	for (i = 0; i < n; i++) {
		struct section sec;
		int64_t id = adm_parse_id(secs[i]);
		if (id && store_section_get(r->s, r->a, id, &sec) == STORE_OK)
			f->sections[k++] = id;
		else
			adm_error(r, "sections", "admin_err_section");
	}
	f->nsections = k;
}

static int list(struct adm_req *r, const struct user_form *f, const char *link, int status)
{
	struct account *v;
	struct adm_list l;
	struct adm_map m;
	size_t n, i;

	if (account_list(r->s, r->a, &v, &n) != STORE_OK)
		return -1;
	adm_list_init(&l, r->a);
	for (i = 0; i < n; i++) {
		struct adm_map e;
		adm_map_init(&e, r->a);
		adm_map_str(&e, "email", v[i].email);
		adm_map_str(&e, "name", v[i].name);
		adm_map_str(&e, "role", adm_t(r, adm_printf(r, "admin_role_%s",
		                                         account_role_name(v[i].role))));
		adm_map_bool(&e, "disabled", v[i].disabled);
		adm_map_bool(&e, "no_password", !v[i].has_password);
		adm_map_bool(&e, "limited", v[i].nsections > 0);
		adm_map_bool(&e, "reset_requested", v[i].reset_requested != 0);
		adm_map_str(&e, "last_login", adm_time(r, v[i].last_login));
		adm_map_str(&e, "href", adm_printf(r, "/admin/users/%lld", (long long)v[i].id));
		adm_list_add(&l, adm_map_done(&e));
	}
	r->nav = "users";
	r->title = adm_t(r, "admin_users");
	adm_map_init(&m, r->a);
	adm_map_value(&m, "users", adm_list_done(&l));
	adm_map_str(&m, "link", link);
	if (f) {
		adm_map_str(&m, "email", f->email);
		adm_map_str(&m, "name", f->name);
	}
	role_options(r, &m, f ? f->role : ROLE_CONTRIBUTOR);
	adm_ui_lang_options(r, &m, f ? f->lang : r->lang);
	section_choices(r, &m, f ? f->sections : NULL, f ? f->nsections : 0);
	return adm_render(r, "users", &m, status);
}

/* The set-password address of a token. */
static const char *link_of(struct adm_req *r, const char *tok)
{
	return adm_printf(r, "%spassword?token=%s", r->adm->cfg.url, tok);
}

int adm_page_users(struct adm_req *r)
{
	struct user_form f;
	char tok[ACCOUNT_TOKEN_LEN + 1];
	int64_t id;

	if (!adm_is_admin(r))
		return adm_forbidden(r);
	if (!r->post)
		return list(r, NULL, NULL, 200);
	read_form(r, &f, true);
	if (adm_has_errors(r))
		return list(r, &f, NULL, 400);
	if (store_begin(r->s) != STORE_OK)
		return -1;
	if (account_add(r->s, f.email, f.name, (enum account_role)f.role, f.lang, &id) != STORE_OK ||
	    account_set_sections(r->s, id, f.sections, f.nsections) != STORE_OK ||
	    account_link_new(r->s, id, store_now(), tok) != STORE_OK) {
		store_rollback(r->s);
		adm_error_text(r, "email", arena_strdup(r->a, log_reason()));
		return list(r, &f, NULL, 409);
	}
	if (store_commit(r->s) != STORE_OK) {
		store_rollback(r->s);
		return -1;
	}
	/* Shown once, in this answer only (never in an address or a log). */
	r->notice = adm_t(r, "admin_done_user_added");
	return list(r, NULL, link_of(r, tok), 200);
}

static int page(struct adm_req *r, const struct account *acc, const struct user_form *f,
                const char *link, int status)
{
	struct adm_map m;
	size_t live = 0;

	account_session_count(r->s, acc->id, store_now(), &live);
	r->nav = "users";
	r->title = adm_printf(r, "%s · %s", adm_t(r, "admin_user"), acc->email);
	adm_map_init(&m, r->a);
	adm_map_int(&m, "id", (long long)acc->id);
	adm_map_str(&m, "email", acc->email);
	adm_map_str(&m, "name", f ? f->name : acc->name);
	adm_map_bool(&m, "disabled", acc->disabled);
	adm_map_bool(&m, "self", acc->id == r->user.id);
	adm_map_bool(&m, "no_password", !acc->has_password);
	adm_map_str(&m, "reset_requested", adm_time(r, acc->reset_requested));
	adm_map_str(&m, "last_login", adm_time(r, acc->last_login));
	adm_map_int(&m, "sessions", (long long)live);
	adm_map_str(&m, "link", link);
	role_options(r, &m, f ? f->role : (int)acc->role);
	adm_ui_lang_options(r, &m, f ? f->lang : acc->lang);
	section_choices(r, &m, f ? f->sections : acc->sections, f ? f->nsections : acc->nsections);
	return adm_render(r, "user", &m, status);
}

int adm_page_user(struct adm_req *r, int64_t id, const char *verb)
{
	struct account acc;
	struct user_form f;
	char tok[ACCOUNT_TOKEN_LEN + 1];
	bool self;

	if (!adm_is_admin(r))
		return adm_forbidden(r);
	if (account_get(r->s, r->a, id, &acc) != STORE_OK)
		return adm_not_found(r);
	self = acc.id == r->user.id;
	if (verb && !r->post)
		return adm_message(r, 405, "admin_not_found_title", adm_t(r, "admin_post_only"));
	if (verb && strcmp(verb, "link") == 0) {
		if (store_begin(r->s) != STORE_OK)
			return -1;
		if (account_link_new(r->s, id, store_now(), tok) != STORE_OK ||
		    store_commit(r->s) != STORE_OK) {
			store_rollback(r->s);
			return -1;
		}
		r->notice = adm_t(r, "admin_done_link");
		return page(r, &acc, NULL, link_of(r, tok), 200);
	}
	if (verb && strcmp(verb, "signout") == 0) {
		if (account_session_revoke_user(r->s, id, self ? r->sess.id : 0) != STORE_OK)
			return -1;
		return adm_redirect(r, "users/%lld?m=signed_out", (long long)id);
	}
	if (verb && (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0)) {
		if (self)
			return adm_forbidden(r);
		if (account_set_disabled(r->s, id, verb[0] == 'd') != STORE_OK)
			return -1;
		return adm_redirect(r, "users/%lld?m=saved", (long long)id);
	}
	if (verb)
		return adm_not_found(r);
	if (!r->post)
		return page(r, &acc, NULL, NULL, 200);
	read_form(r, &f, false);
	if (self && f.role != ROLE_ADMIN)
		adm_error(r, "role", "admin_err_own_role");
	if (adm_has_errors(r))
		return page(r, &acc, &f, NULL, 400);
	if (store_begin(r->s) != STORE_OK)
		return -1;
	if (account_update(r->s, id, f.name, f.role, f.lang) != STORE_OK ||
	    account_set_sections(r->s, id, f.sections, f.nsections) != STORE_OK ||
	    store_commit(r->s) != STORE_OK) {
		store_rollback(r->s);
		adm_error_text(r, NULL, arena_strdup(r->a, log_reason()));
		return page(r, &acc, &f, NULL, 409);
	}
	return adm_redirect(r, "users/%lld?m=saved", (long long)id);
}
