/*
 * The article editor: every field of the model in one server-rendered
 * form, a Markdown preview rendered here, the section picker as a tree,
 * ordered authors (picked from the known ones or new), the translation
 * group with each member's status, the status history and the workflow
 * buttons.
 *
 * A save is all or nothing: the form is checked field by field first
 * (what was typed comes back with a message beside the field), then
 * saved in one transaction.  Two people editing one article: the form
 * carries the revision it started from, and a save whose revision is no
 * longer the current one is refused, showing what the other person
 * changed; saving again after seeing it replaces their version knowingly.
 */
#include "admin/adm_int.h"

#include <stdlib.h>
#include <string.h>

#include "publish/publish.h"
#include "render/i18n.h"
#include "text/mdr.h"
#include "text/slug.h"
#include "text/utf8.h"
#include "util/buf.h"
#include "util/log.h"

/* The store's limits (store_article.c), checked here to say so on the form. */
#define ED_MAX_LINE 2000
#define ED_MAX_TEXT (64 * 1024)
#define ED_MAX_BODY (8 << 20)
#define ED_MAX_AUTHORS 32
#define ED_MAX_TAGS 64
#define ED_MAX_TAG 200
/* Empty author rows offered for adding, besides the article's own. */
#define ED_EMPTY_AUTHOR_ROWS 3
/* The author names offered as suggestions; past that, people type. */
#define ED_DATALIST_MAX 2000

/* The form as read: the article to save or show again, and the rest. */
struct form {
	struct article art;
	const char *tags;        /* as typed, comma-separated */
	const char *translators; /* likewise */
	const char *date;        /* as typed, for a datetime-local input */
	int64_t rev;             /* the revision the edit started from */
	const char *schedule_at;
};

int adm_editor_show(struct adm_req *r, int64_t id, int status);

/* Splits a comma-separated field into trimmed, non-empty items.  OUT: arena-owned. */
static const char **split_commas(struct adm_req *r, const char *s, size_t *n)
{
	size_t cap = 8, k = 0;
	const char **v = arena_alloc(r->a, cap * sizeof(*v));

	while (*s) {
		size_t len = strcspn(s, ","), b = 0, e = len;
		while (b < e && (s[b] == ' ' || s[b] == '\t'))
			b++;
		while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		if (e > b) {
			if (k == cap) {
				const char **w = arena_alloc(r->a, 2 * cap * sizeof(*w));
				memcpy(w, v, cap * sizeof(*v));
				v = w;
				cap *= 2;
			}
			v[k++] = arena_strndup(r->a, s + b, e - b);
		}
		s += len + (s[len] == ',');
	}
	*n = k;
	return v;
}

static const char *join_commas(struct adm_req *r, const char *const *v, size_t n)
{
	struct buf b = BUF_INIT;
	const char *s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			buf_puts(&b, ", ");
		buf_puts(&b, v[i]);
	}
	s = arena_strdup(r->a, buf_cstr(&b));
	buf_finish(&b);
	return s;
}

static bool url_ok(const char *u)
{
	const char *p;

	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return false;
	for (p = u; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
			return false;
	return strlen(u) > 8;
}

static bool lang_code_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 2 && n <= 8 && strspn(s, "abcdefghijklmnopqrstuvwxyz-") == n && s[0] != '-';
}

struct row {
	const char *name;
	enum author_kind kind;
	long pos;
	size_t i;
};

static int cmp_row(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* The author rows: names in the order of their position numbers. */
static void read_authors(struct adm_req *r, struct article *art)
{
	size_t nn, nk, np, i, k = 0;
	const char *const *names = http_request_form_all(r->req, "author_name", &nn);
	const char *const *kinds = http_request_form_all(r->req, "author_kind", &nk);
	const char *const *pos = http_request_form_all(r->req, "author_pos", &np);
	struct row *rows = arena_calloc(r->a, nn + 1, sizeof(*rows));
	struct author *au;

	for (i = 0; i < nn; i++) {
		const char *name = names[i];
		size_t len = strlen(name), b = 0, e = len;
		char *end;
		while (b < e && (name[b] == ' ' || name[b] == '\t'))
			b++;
		while (e > b && (name[e - 1] == ' ' || name[e - 1] == '\t'))
			e--;
		if (e == b)
			continue;
		if (!utf8_valid(name, len)) {
			adm_error_text(r, "authors", adm_tf(r, "admin_err_field_utf8",
			                                    adm_t(r, "admin_authors")));
			name = adm_clean(r, name);
			b = 0;
			e = strlen(name);
		} else if (e - b > ED_MAX_LINE || memchr(name + b, '\n', e - b)) {
			adm_error_text(r, "authors", adm_tf(r, "admin_err_field_long",
			                                    adm_t(r, "admin_authors")));
		}
		rows[k].name = arena_strndup(r->a, name + b, e - b);
		rows[k].kind = i < nk && strcmp(kinds[i], "organisation") == 0 ? AUTHOR_ORGANISATION
		                                                                 : AUTHOR_PERSON;
		rows[k].pos = i < np ? strtol(pos[i], &end, 10) : 0;
		if (i >= np || *pos[i] == '\0' || *end != '\0')
			rows[k].pos = (long)i + 1;
		rows[k].i = i;
		k++;
	}
	if (k > ED_MAX_AUTHORS) {
		adm_error(r, "authors", "admin_err_too_many_authors");
		k = ED_MAX_AUTHORS;
	}
	qsort(rows, k, sizeof(*rows), cmp_row);
	au = arena_calloc(r->a, k + 1, sizeof(*au));
	for (i = 0; i < k; i++) {
		au[i].name = rows[i].name;
		au[i].kind = rows[i].kind;
	}
	art->authors = au;
	art->nauthors = k;
}

/*
 * Reads and checks the form into f.  cur is the article as stored (NULL
 * for a new one): what the user may not change comes from it.
 */
static void read_form(struct adm_req *r, const struct article *cur, struct form *f)
{
	struct article *art = &f->art;
	struct section sec;
	const char **v;
	struct tag *tags;
	size_t n, i;
	int64_t section_id;

	memset(f, 0, sizeof(*f));
	if (cur) {
		*art = *cur;
		art->lang = cur->lang;
	} else {
		art->lang = adm_form(r, "lang");
		if (!adm_site_lang(r, art->lang)) {
			adm_error(r, "lang", "admin_err_lang");
			art->lang = "";
		}
		art->status = ST_DRAFT;
	}
	art->surtitle = adm_field(r, "surtitle", "admin_surtitle", ED_MAX_LINE, true);
	art->title = adm_field(r, "title", "admin_title_field", ED_MAX_LINE, true);
	if (*art->title == '\0')
		adm_error(r, "title", "admin_err_title");
	art->subtitle = adm_field(r, "subtitle", "admin_subtitle", ED_MAX_LINE, true);
	art->lead = adm_field(r, "lead", "admin_lead", ED_MAX_TEXT, false);
	art->body = adm_field(r, "body", "admin_body", ED_MAX_BODY, false);
	art->postscript = adm_field(r, "postscript", "admin_postscript", ED_MAX_TEXT, false);

	section_id = adm_parse_id(adm_form(r, "section"));
	art->section_id = section_id;
	art->section_path = "";
	if (section_id == 0 || store_section_get(r->s, r->a, section_id, &sec) != STORE_OK) {
		adm_error(r, "section", "admin_err_section");
		art->section_id = cur ? cur->section_id : 0;
		art->section_path = cur ? cur->section_path : "";
	} else if (*art->lang && strcmp(sec.lang, art->lang) != 0) {
		adm_error(r, "section", "admin_err_section_lang");
	} else if (!adm_section_ok(r, sec.id)) {
		adm_error(r, "section", "admin_err_section_rights");
	} else {
		art->section_path = sec.path;
	}

	art->first_published = adm_field(r, "first_published", "admin_first_published", 10, true);
	if (*art->first_published && !model_date_valid(art->first_published))
		adm_error(r, "first_published", "admin_err_partial_date");
	art->source_name = adm_field(r, "source_name", "admin_source_name", ED_MAX_LINE, true);
	art->source_url = adm_field(r, "source_url", "admin_source_url", ED_MAX_LINE, true);
	if (*art->source_url && !url_ok(art->source_url))
		adm_error(r, "source_url", "admin_err_url");
	art->original_lang = adm_field(r, "original_lang", "admin_original_lang", 8, true);
	if (*art->original_lang && !lang_code_ok(art->original_lang))
		adm_error(r, "original_lang", "admin_err_lang_code");
	art->licence = adm_field(r, "licence", "admin_licence", ED_MAX_LINE, true);

	f->translators = adm_field(r, "translators", "admin_translators", ED_MAX_TEXT, true);
	art->translators = split_commas(r, f->translators, &art->ntranslators);
	f->tags = adm_field(r, "tags", "admin_tags", ED_MAX_TEXT, true);
	v = split_commas(r, f->tags, &n);
	if (n > ED_MAX_TAGS)
		adm_error(r, "tags", "admin_err_too_many_tags");
	tags = arena_calloc(r->a, n + 1, sizeof(*tags));
	for (i = 0; i < n; i++) {
		if (strlen(v[i]) > ED_MAX_TAG)
			adm_error(r, "tags", "admin_err_tag_long");
		tags[i].name = v[i];
	}
	art->tags = tags;
	art->ntags = n > ED_MAX_TAGS ? ED_MAX_TAGS : n;
	read_authors(r, art);

	art->slug = adm_field(r, "slug", "admin_slug", 200, true);
	if (*art->slug &&
	    (!slug_valid(art->slug, strlen(art->slug)) || model_slug_reserved(art->slug, false)))
		adm_error(r, "slug", "admin_err_slug");

	/* The date published here is the editors' to set. */
	f->date = adm_field(r, "date", "admin_date", 64, true);
	if (adm_is_editor(r)) {
		int64_t t = 0;
		if (*f->date && model_parse_datetime(f->date, &t) != 0)
			adm_error(r, "date", "admin_err_datetime");
		else
			art->date = t;
	} else {
		f->date = adm_time_input(r, cur ? cur->date : 0);
	}
	f->rev = adm_parse_id(adm_form(r, "rev"));
	f->schedule_at = adm_form(r, "schedule_at");
}

/* The form's values from a stored article. */
static void from_article(struct adm_req *r, const struct article *art, struct form *f)
{
	memset(f, 0, sizeof(*f));
	f->art = *art;
	f->tags = "";
	{
		const char **names = arena_calloc(r->a, art->ntags + 1, sizeof(char *));
		size_t i;
		for (i = 0; i < art->ntags; i++)
			names[i] = art->tags[i].name;
		f->tags = join_commas(r, names, art->ntags);
	}
	f->translators = join_commas(r, art->translators, art->ntranslators);
	f->date = adm_time_input(r, art->date);
	f->rev = art->rev_id;
	f->schedule_at = "";
}

/* Markdown as the public page renders it (raw HTML escaped; no script can get through). */
static const char *markdown(struct adm_req *r, const char *md)
{
	struct mdr_opts o = {0};
	struct buf b = BUF_INIT;
	const char *s = NULL;

	if (md == NULL || *md == '\0')
		return NULL;
	if (mdr_render(md, strlen(md), &o, &b) == 0)
		s = arena_strndup(r->a, buf_cstr(&b), b.n);
	buf_finish(&b);
	return s;
}

static const char *lang_name(struct adm_req *r, const char *code)
{
	const char *n = i18n_get(r->site->i18n, code, "lang_name");

	return n && *n ? n : code;
}

static void author_rows(struct adm_req *r, struct adm_map *m, const struct article *art)
{
	struct adm_list rows, names;
	struct author *all;
	size_t i, n;

	adm_list_init(&rows, r->a);
	for (i = 0; i < art->nauthors + ED_EMPTY_AUTHOR_ROWS; i++) {
		struct adm_map row;
		const struct author *au = i < art->nauthors ? &art->authors[i] : NULL;
		adm_map_init(&row, r->a);
		adm_map_int(&row, "n", (long long)i + 1);
		adm_map_str(&row, "name", au ? au->name : "");
		adm_map_int(&row, "pos", (long long)i + 1);
		adm_map_bool(&row, "org", au && au->kind == AUTHOR_ORGANISATION);
		adm_list_add(&rows, adm_map_done(&row));
	}
	adm_map_value(m, "author_rows", adm_list_done(&rows));
	adm_list_init(&names, r->a);
	if (store_author_list(r->s, r->a, &all, &n) == STORE_OK)
		for (i = 0; i < n && i < ED_DATALIST_MAX; i++)
			adm_list_add(&names, tpl_str(all[i].name));
	adm_map_value(m, "author_names", adm_list_done(&names));
}

/* The translation group: each member with its status, and the languages still missing. */
static void group(struct adm_req *r, struct adm_map *m, const struct article *cur)
{
	struct article_filter f = {.status = -1};
	struct article *v = NULL;
	struct adm_list l, missing;
	size_t n = 0, i, j;

	adm_list_init(&l, r->a);
	if (cur->tgroup_id) {
		f.tgroup_id = cur->tgroup_id;
		if (store_article_list(r->s, r->a, &f, &v, &n) != STORE_OK)
			n = 0;
	}
	for (i = 0; i < n; i++) {
		struct adm_map e;
		adm_map_init(&e, r->a);
		adm_map_str(&e, "lang", v[i].lang);
		adm_map_str(&e, "lang_name", lang_name(r, v[i].lang));
		adm_map_str(&e, "title", v[i].title);
		adm_map_str(&e, "status", model_status_name(v[i].status));
		adm_map_str(&e, "status_name", adm_status_name(r, v[i].status));
		adm_map_bool(&e, "current", v[i].id == cur->id);
		if (adm_can_view(r, &v[i]))
			adm_map_str(&e, "href", adm_printf(r, "/admin/articles/%lld", (long long)v[i].id));
		adm_list_add(&l, adm_map_done(&e));
	}
	adm_map_value(m, "group", adm_list_done(&l));
	adm_map_bool(m, "has_group", n > 1);
	adm_list_init(&missing, r->a);
	for (i = 0; i < r->site->cfg.nlangs; i++) {
		const char *code = r->site->cfg.langs[i].code;
		bool have = strcmp(code, cur->lang) == 0;
		for (j = 0; j < n && !have; j++)
			have = strcmp(v[j].lang, code) == 0;
		if (!have) {
			struct adm_map e;
			adm_map_init(&e, r->a);
			adm_map_str(&e, "code", code);
			adm_map_str(&e, "name", lang_name(r, code));
			adm_list_add(&missing, adm_map_done(&e));
		}
	}
	adm_map_value(m, "translate_langs", adm_list_done(&missing));
	adm_map_bool(m, "can_translate",
	          missing.n > 0 && cur->status != ST_TRASH &&
	                  (adm_is_editor(r) || adm_can_edit(r, cur) || *cur->tkey));
}

static void history(struct adm_req *r, struct adm_map *m, int64_t id)
{
	struct status_change *v;
	struct adm_list l;
	size_t n, i;

	adm_list_init(&l, r->a);
	if (store_status_log(r->s, r->a, id, &v, &n) == STORE_OK)
		for (i = 0; i < n; i++) {
			struct adm_map e;
			int to = model_status_parse(v[i].to), from = model_status_parse(v[i].from);
			adm_map_init(&e, r->a);
			adm_map_str(&e, "at", adm_time(r, v[i].at));
			adm_map_str(&e, "at_iso", adm_printf(r, "%sZ", adm_time_input(r, v[i].at)));
			adm_map_str(&e, "from", from < 0 ? adm_t(r, "admin_status_new")
			                              : adm_status_name(r, (enum article_status)from));
			adm_map_str(&e, "to", to < 0 ? v[i].to : adm_status_name(r, (enum article_status)to));
			adm_map_str(&e, "who", v[i].user_id ? adm_user_name(r, v[i].user_id)
			                                 : adm_t(r, "admin_by_system"));
			adm_list_add(&l, adm_map_done(&e));
		}
	adm_map_value(m, "history", adm_list_done(&l));
}

static void actions(struct adm_req *r, struct adm_map *m, const struct article *cur)
{
	int act;

	for (act = 0; act < ACT_COUNT; act++)
		adm_map_bool(m, adm_printf(r, "can_%s", adm_action_name((enum adm_action)act)),
		          adm_can_act(r, cur, (enum adm_action)act));
}

/*
 * The editor page.  f holds the values to show; cur the stored article
 * (NULL for a new one); preview and conflict are optional parts.
 */
static int show(struct adm_req *r, const struct form *f, const struct article *cur,
                bool preview, const struct tpl_value *conflict, int status)
{
	const struct article *art = &f->art;
	struct adm_map m, a, p;
	struct adm_list langs;
	size_t i;

	adm_map_init(&m, r->a);
	r->nav = "articles";
	r->title = cur ? adm_printf(r, "%s · %s", adm_t(r, "admin_edit_article"), cur->title)
	               : adm_t(r, "admin_new_article");
	adm_map_bool(&m, "is_new", cur == NULL);
	adm_map_str(&m, "action", cur ? adm_printf(r, "/admin/articles/%lld", (long long)cur->id)
	                           : "/admin/articles/new");
	if (cur)
		adm_map_int(&m, "id", (long long)cur->id);
	adm_map_int(&m, "rev", (long long)f->rev);
	adm_map_bool(&m, "can_edit", cur == NULL || adm_can_edit(r, cur));
	adm_map_bool(&m, "is_editor", adm_is_editor(r));

	adm_map_init(&a, r->a);
	adm_map_str(&a, "surtitle", art->surtitle);
	adm_map_str(&a, "title", art->title);
	adm_map_str(&a, "subtitle", art->subtitle);
	adm_map_str(&a, "lead", art->lead);
	adm_map_str(&a, "body", art->body);
	adm_map_str(&a, "postscript", art->postscript);
	adm_map_str(&a, "first_published", art->first_published);
	adm_map_str(&a, "source_name", art->source_name);
	adm_map_str(&a, "source_url", art->source_url);
	adm_map_str(&a, "original_lang", art->original_lang);
	adm_map_str(&a, "licence", art->licence);
	adm_map_str(&a, "translators", f->translators);
	adm_map_str(&a, "tags", f->tags);
	adm_map_str(&a, "slug", art->slug);
	adm_map_str(&a, "date", f->date);
	adm_map_str(&a, "lang", art->lang);
	adm_map_str(&a, "lang_name", *art->lang ? lang_name(r, art->lang) : "");
	if (cur) {
		struct buf dir = BUF_INIT;
		adm_map_str(&a, "status", model_status_name(cur->status));
		adm_map_str(&a, "status_name", adm_status_name(r, cur->status));
		adm_map_str(&a, "created", adm_time(r, cur->created));
		adm_map_str(&a, "updated", adm_time(r, cur->updated));
		if (cur->status == ST_SCHEDULED)
			adm_map_str(&a, "scheduled_for", adm_time(r, cur->date));
		if (cur->status == ST_PUBLISHED) {
			model_article_dir(&dir, cur->lang, cur->section_path, cur->slug);
			adm_map_str(&a, "public_href", adm_printf(r, "/%s/", dir.p));
		}
		buf_finish(&dir);
	}
	adm_map_value(&m, "art", adm_map_done(&a));

	if (cur == NULL) {
		adm_list_init(&langs, r->a);
		for (i = 0; i < r->site->cfg.nlangs; i++) {
			struct adm_map l;
			const char *code = r->site->cfg.langs[i].code;
			adm_map_init(&l, r->a);
			adm_map_str(&l, "code", code);
			adm_map_str(&l, "name", lang_name(r, code));
			adm_map_bool(&l, "selected", strcmp(code, art->lang) == 0);
			adm_list_add(&langs, adm_map_done(&l));
		}
		adm_map_value(&m, "langs", adm_list_done(&langs));
	}
	adm_map_value(&m, "section_groups",
	           adm_section_options(r, cur ? cur->lang : NULL, art->section_id, true));
	author_rows(r, &m, art);
	if (preview) {
		adm_map_init(&p, r->a);
		adm_map_str(&p, "surtitle", art->surtitle);
		adm_map_str(&p, "title", art->title);
		adm_map_str(&p, "subtitle", art->subtitle);
		adm_map_str(&p, "lead", markdown(r, art->lead));
		adm_map_str(&p, "body", markdown(r, art->body));
		adm_map_str(&p, "postscript", markdown(r, art->postscript));
		adm_map_str(&p, "lang", *art->lang ? art->lang : r->lang);
		adm_map_value(&m, "preview", adm_map_done(&p));
	}
	if (conflict)
		adm_map_value(&m, "conflict", *conflict);
	if (cur) {
		actions(r, &m, cur);
		adm_map_str(&m, "schedule_at", f->schedule_at && *f->schedule_at
		                                    ? adm_clean(r, f->schedule_at)
		                                    : adm_time_input(r, cur->status == ST_SCHEDULED
		                                                                ? cur->date
		                                                                : 0));
		group(r, &m, cur);
		history(r, &m, cur->id);
	}
	return adm_render(r, "article", &m, status);
}

int adm_editor_show(struct adm_req *r, int64_t id, int status)
{
	struct article cur;
	struct form f;

	if (store_article_get(r->s, r->a, id, STORE_WITH_BODY, &cur) != STORE_OK)
		return adm_not_found(r);
	if (!adm_can_view(r, &cur))
		return adm_forbidden(r);
	from_article(r, &cur, &f);
	if (r->post && *adm_form(r, "schedule_at"))
		f.schedule_at = adm_form(r, "schedule_at");
	return show(r, &f, &cur, false, NULL, status);
}

/* The store refused the save: its reason beside the field it names, if one. */
static void store_error(struct adm_req *r)
{
	static const char *const fields[] = {"title", "slug", "section", "source_url",
	                                     "first_published", "authors", "tags"};
	const char *why = log_reason();
	size_t i;

	for (i = 0; i < NELEM(fields); i++)
		if (strstr(why, adm_printf(r, "field \"%s\"", fields[i]))) {
			adm_error_text(r, fields[i], arena_strdup(r->a, why));
			return;
		}
	adm_error_text(r, NULL, arena_strdup(r->a, why));
}

/* Applies the workflow button pressed with a save: "save_propose", "save_publish". */
static enum store_status after_save(struct adm_req *r, int64_t id, const char *action)
{
	struct article now;
	enum adm_action act;

	if (strcmp(action, "save_propose") == 0)
		act = ACT_PROPOSE;
	else if (strcmp(action, "save_publish") == 0)
		act = ACT_PUBLISH;
	else
		return STORE_OK;
	if (store_article_get(r->s, r->a, id, 0, &now) != STORE_OK)
		return STORE_ERROR;
	if (!adm_can_act(r, &now, act)) {
		log_fail("%s", adm_t(r, "admin_forbidden_text"));
		return STORE_INVALID;
	}
	return store_article_set_status(r->s, id, act == ACT_PROPOSE ? ST_PROPOSED : ST_PUBLISHED);
}

int adm_page_article_new(struct adm_req *r)
{
	const char *action = adm_form(r, "action");
	struct form f;
	int64_t id;

	if (!r->post) {
		memset(&f, 0, sizeof(f));
		f.art.lang = adm_site_lang(r, adm_arg(r, "lang")) ? adm_arg(r, "lang") : "";
		f.art.section_id = adm_parse_id(adm_arg(r, "section"));
		f.tags = f.translators = f.date = "";
		return show(r, &f, NULL, false, NULL, 200);
	}
	read_form(r, NULL, &f);
	if (strcmp(action, "preview") == 0)
		return show(r, &f, NULL, true, NULL, 200);
	if (adm_has_errors(r))
		return show(r, &f, NULL, false, NULL, 400);
	if (store_begin(r->s) != STORE_OK)
		return -1;
	if (store_article_add(r->s, &f.art, &id) != STORE_OK || pub_note_article_new(r->site, id) != 0 ||
	    after_save(r, id, action) != STORE_OK) {
		store_rollback(r->s);
		store_error(r);
		return show(r, &f, NULL, false, NULL, 409);
	}
	if (adm_commit(r) != 0)
		return -1;
	return adm_redirect(r, "articles/%lld?m=created%s", (long long)id,
	                    r->published_failed ? "&p=failed" : "");
}

/* The slug made from title in lang ("article" when the title gives none). */
static const char *title_slug(struct adm_req *r, const char *title, const char *lang)
{
	struct buf b = BUF_INIT;
	const char *s;

	slug_make(&b, title, strlen(title), lang);
	s = b.n && !model_slug_reserved(b.p, false) ? arena_strdup(r->a, b.p) : "article";
	buf_finish(&b);
	return s;
}

/*
 * Until an article is first published, its address follows its title: a
 * slug left empty, or left as the one made from the old title, is made
 * again from the new title (unique in the language).  Once published, an
 * address stays unless someone types a new one (old links must work).
 */
static const char *auto_slug(struct adm_req *r, const struct article *cur, const struct article *in)
{
	const char *was, *base, *cand;
	struct article other;
	size_t wl;
	int i;

	if (cur->date != 0 || cur->status == ST_PUBLISHED)
		return in->slug;
	was = title_slug(r, cur->title, cur->lang);
	wl = strlen(was);
	/* The old slug, or the old slug with a "-N" made to keep it unique. */
	if (*in->slug && !(strcmp(in->slug, cur->slug) == 0 && strncmp(cur->slug, was, wl) == 0 &&
	                   (cur->slug[wl] == '\0' || cur->slug[wl] == '-')))
		return in->slug;
	base = title_slug(r, in->title, cur->lang);
	for (i = 1; i <= 100; i++) {
		cand = i == 1 ? base : adm_printf(r, "%s-%d", base, i);
		if (store_article_find(r->s, r->a, cur->lang, cand, 0, &other) != STORE_OK ||
		    other.id == cur->id)
			return cand;
	}
	return in->slug;
}

/* The diff between the revision an edit started from and the current one. */
static struct tpl_value conflict_view(struct adm_req *r, const struct article *cur, int64_t base)
{
	struct article old;
	struct revision *revs;
	struct adm_map m;
	size_t n;
	bool changed = false;

	adm_map_init(&m, r->a);
	if (store_revision_list(r->s, r->a, cur->id, &revs, &n) == STORE_OK && n > 0) {
		adm_map_str(&m, "who", revs[0].user_id ? adm_user_name(r, revs[0].user_id)
		                                    : adm_t(r, "admin_by_system"));
		adm_map_str(&m, "at", adm_time(r, revs[0].created));
	}
	if (base && store_revision_get(r->s, r->a, base, &old) == STORE_OK && old.id == cur->id)
		adm_map_value(&m, "diff", adm_article_diff(r, &old, cur, &changed));
	return adm_map_done(&m);
}

int adm_page_article(struct adm_req *r, int64_t id)
{
	const char *action = adm_form(r, "action");
	struct article cur;
	struct form f;

	if (store_article_get(r->s, r->a, id, STORE_WITH_BODY, &cur) != STORE_OK)
		return adm_not_found(r);
	if (!adm_can_view(r, &cur))
		return adm_forbidden(r);
	if (!r->post) {
		const char *m = adm_arg(r, "m");
		if (strcmp(m, "translation_root") == 0)
			r->notice = adm_t(r, "admin_done_translation_root");
		if (strcmp(adm_arg(r, "p"), "failed") == 0)
			r->published_failed = true;
		from_article(r, &cur, &f);
		return show(r, &f, &cur, false, NULL, 200);
	}
	if (!adm_can_edit(r, &cur))
		return adm_forbidden(r);
	read_form(r, &cur, &f);
	if (strcmp(action, "preview") == 0)
		return show(r, &f, &cur, true, NULL, 200);
	if (adm_has_errors(r))
		return show(r, &f, &cur, false, NULL, 400);
	if (f.rev != cur.rev_id) {
		struct tpl_value c = conflict_view(r, &cur, f.rev);
		adm_error(r, NULL, "admin_err_conflict");
		/* Seen now: the next save replaces their version on purpose. */
		f.rev = cur.rev_id;
		return show(r, &f, &cur, false, &c, 409);
	}
	/* Where it stands is the workflow's business, not the form's. */
	f.art.status = cur.status;
	f.art.tkey = cur.tkey;
	f.art.id = 0;
	f.art.created = 0;
	f.art.updated = 0;
	if (!adm_is_editor(r))
		f.art.date = cur.date;
	f.art.slug = auto_slug(r, &cur, &f.art);
	if (store_begin(r->s) != STORE_OK)
		return -1;
	if (pub_note_article(r->site, id) != 0 || store_article_update(r->s, id, &f.art) != STORE_OK ||
	    after_save(r, id, action) != STORE_OK) {
		store_rollback(r->s);
		store_error(r);
		return show(r, &f, &cur, false, NULL, 409);
	}
	if (adm_commit(r) != 0)
		return -1;
	return adm_redirect(r, "articles/%lld?m=saved%s", (long long)id,
	                    r->published_failed ? "&p=failed" : "");
}
