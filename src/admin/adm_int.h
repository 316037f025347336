/*
 * Internals of the web admin (src/admin/adm_*.c): the admin itself, the
 * per-request context every page handler receives, and the helpers they
 * share -- reading forms with checks, messages, rights, rendering,
 * redirects and publishing.  One file per area: auth, dashboard, list,
 * editor, workflow, revisions, sections, authors, users, settings.
 */
#ifndef TZ_ADM_INT_H
#define TZ_ADM_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "admin/account.h"
#include "admin/admin.h"
#include "render/tpl.h"
#include "site/site.h"
#include "store/store.h"
#include "util/arena.h"
#include "web/http.h"

struct adm_failures;

/*
 * Login failures: five per account in a quarter of an hour stops a
 * guesser while a person who mistyped twice is not bothered; twenty per
 * client address covers an office behind one NAT address.
 */
#define ADM_FAIL_ACCOUNT 5
#define ADM_FAIL_CLIENT 20
#define ADM_FAIL_WINDOW (15 * 60)
/* Keys remembered at once: bounded memory under a flood of addresses. */
#define ADM_FAIL_KEYS 4096
/* A request's arena: a form of HTTP_MAX_BODY_DEFAULT and its copies, with room. */
#define ADM_ARENA_MAX (64u << 20)
/* Articles per page of the article list. */
#define ADM_PAGE_SIZE 25
/* Scheduled articles published per tick: a backlog is cleared without a long stall. */
#define ADM_DUE_PER_TICK 10
/* Seconds before scheduled articles that could not be published are tried again. */
#define ADM_UNPUBLISHABLE_RETRY 600
/* Ended sessions and links are deleted every ten minutes. */
#define ADM_PURGE_EVERY 600

/* The admin's pages forbid everything but their own files: no inline script or style. */
#define ADM_CSP                                                                          \
	"default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; " \
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

/* Cookie names. */
#define ADM_COOKIE "tz_admin"  /* the session */
#define ADM_COOKIE_PRE "tz_pre" /* the CSRF token of forms shown before login */

struct adm_asset {
	const char *name; /* "admin.css" */
	const char *type;
	const char *data;
	size_t size;
	char version[17]; /* hex of a hash of the bytes, for cache-busting URLs */
};

struct admin {
	struct site site; /* the admin's own connection to the site */
	struct admin_config cfg;
	pthread_mutex_t lock;      /* one request (or tick) at a time */
	pthread_mutex_t hash_lock; /* one argon2 at a time: 64 MB each */
	struct tpl_set *tpl;
	struct adm_asset assets[2];
	struct adm_failures *rl_account, *rl_client;
	struct http_server *_Atomic srv;
	int64_t last_purge;
	/*
	 * Scheduled articles that could not be published (the reason was
	 * logged): passed over for ADM_UNPUBLISHABLE_RETRY seconds, so that
	 * they hold up neither the articles due after them nor the log.
	 */
	int64_t unpublishable[ADM_DUE_PER_TICK * 4];
	size_t nunpublishable;
	int64_t unpublishable_since; /* tried again ADM_UNPUBLISHABLE_RETRY s after */
};

/* What a form field error says and which field it is about. */
struct adm_msg {
	const char *field; /* NULL: the form as a whole */
	const char *text;
};

/* One request: built by admin_handle(), handed to a page handler. */
struct adm_req {
	struct admin *adm;
	struct site *site;
	struct store *s;
	const struct http_request *req;
	struct http_response *resp;
	struct arena *a;
	bool post;
	const char *path;   /* below "/admin/": "", "articles/12"... */
	const char *seg[8]; /* path segments */
	size_t nseg;
	const char *lang;        /* of the interface */
	const struct tpl_value *t; /* its strings */
	/* Set when a session is live. */
	bool authed;
	struct account user;
	struct account_session sess;
	const char *csrf; /* the token forms carry */
	/* The page being built. */
	const char *title;
	const char *nav; /* the menu item to mark current */
	const char *notice;
	struct adm_msg *msgs;
	size_t nmsgs, capmsgs;
	bool published_failed; /* publishing after a save failed: say so */
};

/* ---- values for templates (adm_view.c) ------------------------------- */

struct adm_map {
	struct arena *a;
	struct tpl_pair *pairs;
	size_t n, cap;
};
struct adm_list {
	struct arena *a;
	struct tpl_value *items;
	size_t n, cap;
};

void adm_map_init(struct adm_map *m, struct arena *a);
/* Empty or NULL strings become null, so that {{#x}} skips them. */
void adm_map_str(struct adm_map *m, const char *key, const char *s);
void adm_map_bool(struct adm_map *m, const char *key, bool b);
void adm_map_int(struct adm_map *m, const char *key, long long v);
void adm_map_value(struct adm_map *m, const char *key, struct tpl_value v);
struct tpl_value adm_map_done(const struct adm_map *m);
void adm_list_init(struct adm_list *l, struct arena *a);
void adm_list_add(struct adm_list *l, struct tpl_value v);
struct tpl_value adm_list_done(const struct adm_list *l);

/* Arena-owned formatting. */
const char *adm_printf(struct adm_req *r, const char *fmt, ...) PRINTFLIKE(2, 3);
/* "2026-03-14 09:30" in UTC ("" for 0). */
const char *adm_time(struct adm_req *r, int64_t t);
/* "2026-03-14T09:30" for a datetime-local input ("" for 0). */
const char *adm_time_input(struct adm_req *r, int64_t t);
/* The interface string of key. */
const char *adm_t(struct adm_req *r, const char *key);
/* The string of key with {x} replaced by x. */
const char *adm_tf(struct adm_req *r, const char *key, const char *x);
/* The localised name of a status. */
const char *adm_status_name(struct adm_req *r, enum article_status st);
/* A valid UTF-8 copy of s (bad bytes become U+FFFD), to show what was typed. */
const char *adm_clean(struct adm_req *r, const char *s);
/* "ru/europe/russia" (or "ru" for a root). */
const char *adm_section_label(struct adm_req *r, const struct section *sec);

/* ---- the request (adm_http.c) ------------------------------------------ */

/* A form field, "" when absent (never NULL). */
const char *adm_form(struct adm_req *r, const char *name);
/* A query argument, "" when absent. */
const char *adm_arg(struct adm_req *r, const char *name);
/*
 * A text field checked for UTF-8, length (bytes) and, with oneline, line
 * breaks, and trimmed of blanks at both ends.  A problem is recorded as a
 * message on field (labelled with the string label_key) and the value
 * returned anyway (cleaned) so that the form shows what was typed.
 */
const char *adm_field(struct adm_req *r, const char *field, const char *label_key, size_t max,
                      bool oneline);
/* Records a message about field (NULL: the form) with the string key. */
void adm_error(struct adm_req *r, const char *field, const char *key);
/* Records a message given as text (already localised or a store's reason). */
void adm_error_text(struct adm_req *r, const char *field, const char *text);
bool adm_has_errors(const struct adm_req *r);
/* A positive decimal id, or 0. */
int64_t adm_parse_id(const char *s);
/* Whether s is a site language. */
bool adm_site_lang(struct adm_req *r, const char *s);

/*
 * Renders page name in the layout with the page's values m (the shared
 * keys are added here) and sets status.  Returns 0 or -1.
 */
int adm_render(struct adm_req *r, const char *name, struct adm_map *m, int status);
/* Redirects (303 after a POST) to "/admin/" + the formatted path. */
int adm_redirect(struct adm_req *r, const char *fmt, ...) PRINTFLIKE(2, 3);
/* The message pages: 403 (rights), 404 (unknown id or page), 405. */
int adm_forbidden(struct adm_req *r);
int adm_not_found(struct adm_req *r);
/* A page with a title and one message (status given). */
int adm_message(struct adm_req *r, int status, const char *title_key, const char *text);
/* Sets a cookie (HttpOnly, SameSite=Strict, Path=/admin/, Secure when it should). */
void adm_set_cookie(struct adm_req *r, const char *name, const char *value, int64_t max_age);

/* ---- rights (adm_rights.c) ---------------------------------------------- */

bool adm_is_admin(const struct adm_req *r);
/* Editor or admin. */
bool adm_is_editor(const struct adm_req *r);
/* Whether the user may work in section id (its subtree limits). */
bool adm_section_ok(struct adm_req *r, int64_t section_id);
/* Whether the user may open article art in the editor (and see its revisions). */
bool adm_can_view(struct adm_req *r, const struct article *art);
/* Whether the user may change its text and fields. */
bool adm_can_edit(struct adm_req *r, const struct article *art);

/* The workflow actions. */
enum adm_action {
	ACT_PROPOSE,  /* draft, refused -> proposed */
	ACT_WITHDRAW, /* proposed, refused, scheduled, published -> draft */
	ACT_PUBLISH,  /* draft, proposed, refused, scheduled -> published */
	ACT_REFUSE,   /* proposed -> refused */
	ACT_SCHEDULE, /* draft, proposed, refused -> scheduled */
	ACT_TRASH,    /* anything but trash -> trash */
	ACT_RESTORE,  /* trash -> what it was */
	ACT_COUNT
};
/* "propose"...; -1 if unknown. */
int adm_action_parse(const char *s);
const char *adm_action_name(enum adm_action act);
/* Whether the user may take action act on art (status and rights both). */
bool adm_can_act(struct adm_req *r, const struct article *art, enum adm_action act);

/* ---- publishing (adm_workflow.c) ------------------------------------------ */

/*
 * After a committed change: publishes the queued notes and tells the
 * server.  A failure is shown on the next page ("saved, not published")
 * and logged; it never undoes the change.
 */
void adm_publish(struct adm_req *r);
/* Commits (then publishes); on failure rolls back and records the reason.  0 or -1. */
int adm_commit(struct adm_req *r);

/* ---- pages ---------------------------------------------------------------- */

/* adm_auth.c */
int adm_page_login(struct adm_req *r);
int adm_page_logout(struct adm_req *r);
int adm_page_password(struct adm_req *r); /* set a password through a link */
int adm_page_forgot(struct adm_req *r);
int adm_page_account(struct adm_req *r);
/* Checks the CSRF token of a POST (session or pre-session).  Whether it is good. */
bool adm_csrf_ok(struct adm_req *r);
/* Loads the session of the request's cookie, if any (sets r->authed...). */
void adm_session_load(struct adm_req *r);
/* The CSRF token for forms shown before login (set as a cookie if new). */
const char *adm_pre_token(struct adm_req *r);

int adm_page_dashboard(struct adm_req *r);
int adm_page_articles(struct adm_req *r);
/* The editor: "articles/new" and "articles/ID". */
int adm_page_article_new(struct adm_req *r);
int adm_page_article(struct adm_req *r, int64_t id);
/* "articles/ID/status", "articles/ID/translate". */
int adm_page_article_status(struct adm_req *r, int64_t id);
int adm_page_article_translate(struct adm_req *r, int64_t id);
/* "articles/ID/revisions[/REV[/restore]]". */
int adm_page_revisions(struct adm_req *r, int64_t id);
int adm_page_revision(struct adm_req *r, int64_t id, int64_t rev, bool restore);
int adm_page_sections(struct adm_req *r);
int adm_page_section(struct adm_req *r, int64_t id, const char *verb);
int adm_page_authors(struct adm_req *r);
int adm_page_author(struct adm_req *r, int64_t id);
int adm_page_users(struct adm_req *r);
int adm_page_user(struct adm_req *r, int64_t id, const char *verb);
int adm_page_settings(struct adm_req *r);

/*
 * The articles of filter f the user may see, f->offset and f->limit
 * counted among those only: contributors' own, inside a limited
 * editor's subtrees (f->section_id, if set, must be one he may use).
 * OUT: arena-owned.
 */
enum store_status adm_article_query(struct adm_req *r, const struct article_filter *f,
                                    struct article **out, size_t *n);
/* Shared by pages: rows of articles for a table (adm_list.c). */
struct tpl_value adm_article_rows(struct adm_req *r, const struct article *v, size_t n);
/*
 * Options of a section picker (tree order, indented, grouped by
 * language): only the sections the user may use, lang limiting to one
 * language (NULL: all); selected marks one.
 */
struct tpl_value adm_section_options(struct adm_req *r, const char *lang, int64_t selected,
                                     bool roots_too);
/* The name of account id for "by ..." lines ("" for 0, "#id" if deleted). */
const char *adm_user_name(struct adm_req *r, int64_t id);

/* The editor's diff of two versions of an article (adm_revisions.c). */
struct tpl_value adm_article_diff(struct adm_req *r, const struct article *old,
                                  const struct article *new, bool *changed);

#endif
