/*
 * The article list (filters by language, status, section subtree, author
 * and text; pages) and the dashboard (recently changed, the proposed
 * queue, what is scheduled), with the pieces other pages share: rows of
 * articles, the section picker, account names.
 */
#include "admin/adm_int.h"

#include <stdlib.h>
#include <string.h>

#include "render/i18n.h"

const char *adm_user_name(struct adm_req *r, int64_t id)
{
	struct account acc;

	if (id == 0)
		return "";
	if (r->authed && id == r->user.id)
		return *r->user.name ? r->user.name : r->user.email;
	if (account_get(r->s, r->a, id, &acc) != STORE_OK)
		return adm_printf(r, "#%lld", (long long)id);
	return *acc.name ? acc.name : acc.email;
}

struct tpl_value adm_article_rows(struct adm_req *r, const struct article *v, size_t n)
{
	struct adm_list l;
	size_t i, j;

	adm_list_init(&l, r->a);
	for (i = 0; i < n; i++) {
		struct adm_map e;
		struct buf au = BUF_INIT;
		adm_map_init(&e, r->a);
		adm_map_int(&e, "id", (long long)v[i].id);
		adm_map_str(&e, "title", v[i].title);
		adm_map_str(&e, "lang", v[i].lang);
		adm_map_str(&e, "section", *v[i].section_path ? v[i].section_path : "/");
		adm_map_str(&e, "status", model_status_name(v[i].status));
		adm_map_str(&e, "status_name", adm_status_name(r, v[i].status));
		adm_map_str(&e, "date", adm_time(r, v[i].date));
		adm_map_str(&e, "updated", adm_time(r, v[i].updated));
		for (j = 0; j < v[i].nauthors; j++)
			buf_printf(&au, "%s%s", j ? ", " : "", v[i].authors[j].name);
		adm_map_str(&e, "authors", arena_strdup(r->a, buf_cstr(&au)));
		buf_finish(&au);
		adm_map_str(&e, "href", adm_printf(r, "/admin/articles/%lld", (long long)v[i].id));
		adm_list_add(&l, adm_map_done(&e));
	}
	return adm_list_done(&l);
}

/* The orders of enum article_order, for merging lists (as store_article_list sorts). */
static int by_date(const void *x, const void *y)
{
	const struct article *a = x, *b = y;

	if (a->date != b->date)
		return a->date > b->date ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

static int by_updated(const void *x, const void *y)
{
	const struct article *a = x, *b = y;

	if (a->updated != b->updated)
		return a->updated > b->updated ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

static int by_date_asc(const void *x, const void *y)
{
	return by_date(y, x);
}

enum store_status adm_article_query(struct adm_req *r, const struct article_filter *f,
                                    struct article **out, size_t *n)
{
	struct article_filter g = *f;
	struct article *all = NULL, *v;
	size_t nall = 0, k, i, j, end;
	enum store_status rc;

	*out = NULL;
	*n = 0;
	if (!r->authed || (f->section_id && !adm_section_ok(r, f->section_id)))
		return STORE_OK;
	/* Contributors see their own work. */
	if (!adm_is_editor(r))
		g.creator_id = r->user.id;
	/* Everything allowed, or a subtree inside the limits: one query pages exactly. */
	if (adm_is_admin(r) || r->user.nsections == 0 || f->section_id)
		return store_article_list(r->s, r->a, &g, out, n);
	/*
	 * Limited to several subtrees: the first offset + limit of each, merged
	 * in the list's order without the duplicates of nested subtrees, so
	 * that no page comes out short for the articles of other sections.
	 */
	end = f->limit ? f->offset + f->limit : 0;
	g.offset = 0;
	g.limit = end;
	for (i = 0; i < r->user.nsections; i++) {
		g.section_id = r->user.sections[i];
		if ((rc = store_article_list(r->s, r->a, &g, &v, &k)) != STORE_OK)
			return rc;
		if (k == 0)
			continue;
		{
			struct article *w = arena_alloc(r->a, (nall + k) * sizeof(*w));
			if (nall)
				memcpy(w, all, nall * sizeof(*w));
			memcpy(w + nall, v, k * sizeof(*w));
			all = w;
			nall += k;
		}
	}
	if (nall == 0)
		return STORE_OK;
	qsort(all, nall, sizeof(*all),
	      f->order == ARTICLE_BY_UPDATED    ? by_updated
	      : f->order == ARTICLE_BY_DATE_ASC ? by_date_asc
	                                        : by_date);
	for (i = j = 0; i < nall; i++)
		if (j == 0 || all[i].id != all[j - 1].id)
			all[j++] = all[i];
	nall = j;
	if (f->offset >= nall)
		return STORE_OK;
	*out = all + f->offset;
	*n = nall - f->offset;
	if (f->limit && *n > f->limit)
		*n = f->limit;
	return STORE_OK;
}

struct tpl_value adm_section_options(struct adm_req *r, const char *lang, int64_t selected,
                                     bool roots_too)
{
	struct section *v;
	struct adm_list groups, opts;
	struct adm_map g;
	const char *cur = NULL;
	size_t n, i;

	adm_list_init(&groups, r->a);
	adm_list_init(&opts, r->a);
	adm_map_init(&g, r->a);
	if (store_section_list(r->s, r->a, lang, &v, &n) != STORE_OK)
		return adm_list_done(&groups);
	for (i = 0; i <= n; i++) {
		struct adm_map o;
		if (i == n || cur == NULL || strcmp(cur, v[i].lang) != 0) {
			if (cur && opts.n) {
				adm_map_value(&g, "options", adm_list_done(&opts));
				adm_list_add(&groups, adm_map_done(&g));
			}
			if (i == n)
				break;
			cur = v[i].lang;
			adm_map_init(&g, r->a);
			adm_map_str(&g, "lang", cur);
			adm_map_str(&g, "label", i18n_get(r->site->i18n, cur, "lang_name"));
			adm_list_init(&opts, r->a);
		}
		if ((!roots_too && v[i].depth == 0) || !adm_section_ok(r, v[i].id))
			continue;
		adm_map_init(&o, r->a);
		adm_map_int(&o, "id", (long long)v[i].id);
		/* Indented by depth with no-break spaces: a select shows no markup. */
		{
			struct buf b = BUF_INIT;
			int d;
			for (d = 0; d < v[i].depth; d++)
				buf_puts(&b, "\xc2\xa0\xc2\xa0\xc2\xa0");
			buf_printf(&b, "%s (%s)", v[i].title, adm_section_label(r, &v[i]));
			adm_map_str(&o, "label", arena_strdup(r->a, buf_cstr(&b)));
			buf_finish(&b);
		}
		adm_map_bool(&o, "selected", v[i].id == selected);
		adm_list_add(&opts, adm_map_done(&o));
	}
	return adm_list_done(&groups);
}

/* The query string of a filter set, for the pager's links. */
static const char *query(struct adm_req *r, const char *lang, const char *status,
                         int64_t section, int64_t author, const char *q, size_t page)
{
	struct buf b = BUF_INIT;
	const char *s, *p;

	buf_printf(&b, "?lang=%s&status=%s&section=%lld&author=%lld&page=%zu&q=", lang, status,
	           (long long)section, (long long)author, page);
	for (p = q; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.')
			buf_putc(&b, c);
		else
			buf_printf(&b, "%%%02X", c);
	}
	s = arena_strdup(r->a, b.p);
	buf_finish(&b);
	return s;
}

int adm_page_articles(struct adm_req *r)
{
	struct article_filter f = {.status = -1, .limit = ADM_PAGE_SIZE + 1};
	const char *lang = adm_arg(r, "lang"), *status = adm_arg(r, "status"), *q = adm_arg(r, "q");
	int64_t section = adm_parse_id(adm_arg(r, "section"));
	int64_t author = adm_parse_id(adm_arg(r, "author"));
	size_t page = (size_t)adm_parse_id(adm_arg(r, "page")), n, i;
	struct article *v;
	struct author *authors;
	size_t nauthors;
	struct adm_map m;
	struct adm_list l;

	r->nav = "articles";
	r->title = adm_t(r, "admin_articles");
	if (page == 0)
		page = 1;
	if (page > 100000)
		page = 100000;
	q = adm_clean(r, q);
	if (strlen(q) > 200)
		q = arena_strndup(r->a, q, 200);
	if (adm_site_lang(r, lang))
		f.lang = lang;
	else
		lang = "";
	if (*status && (f.status = model_status_parse(status)) < 0) {
		f.status = -1;
		status = "";
	}
	if (section && adm_section_ok(r, section))
		f.section_id = section;
	else
		section = 0;
	f.author_id = author;
	f.text = q;
	f.offset = (page - 1) * ADM_PAGE_SIZE;
	f.order = ARTICLE_BY_UPDATED;
	if (adm_article_query(r, &f, &v, &n) != STORE_OK)
		return -1;
	adm_map_init(&m, r->a);
	adm_map_value(&m, "rows", adm_article_rows(r, v, n > ADM_PAGE_SIZE ? ADM_PAGE_SIZE : n));
	adm_map_bool(&m, "has_rows", n > 0);
	adm_map_str(&m, "q", q);
	adm_map_int(&m, "page", (long long)page);
	if (page > 1)
		adm_map_str(&m, "prev", query(r, lang, status, section, author, q, page - 1));
	if (n > ADM_PAGE_SIZE)
		adm_map_str(&m, "next", query(r, lang, status, section, author, q, page + 1));
	adm_list_init(&l, r->a);
	for (i = 0; i < r->site->cfg.nlangs; i++) {
		struct adm_map o;
		const char *code = r->site->cfg.langs[i].code;
		adm_map_init(&o, r->a);
		adm_map_str(&o, "code", code);
		adm_map_str(&o, "name", i18n_get(r->site->i18n, code, "lang_name"));
		adm_map_bool(&o, "selected", strcmp(code, lang) == 0);
		adm_list_add(&l, adm_map_done(&o));
	}
	adm_map_value(&m, "langs", adm_list_done(&l));
	adm_list_init(&l, r->a);
	for (i = 0; i < ST_COUNT; i++) {
		struct adm_map o;
		adm_map_init(&o, r->a);
		adm_map_str(&o, "code", model_status_name((enum article_status)i));
		adm_map_str(&o, "name", adm_status_name(r, (enum article_status)i));
		adm_map_bool(&o, "selected", strcmp(status, model_status_name((enum article_status)i)) == 0);
		adm_list_add(&l, adm_map_done(&o));
	}
	adm_map_value(&m, "statuses", adm_list_done(&l));
	adm_map_value(&m, "section_groups", adm_section_options(r, NULL, section, true));
	adm_list_init(&l, r->a);
	if (store_author_list(r->s, r->a, &authors, &nauthors) == STORE_OK)
		for (i = 0; i < nauthors && i < 2000; i++) {
			struct adm_map o;
			adm_map_init(&o, r->a);
			adm_map_int(&o, "id", (long long)authors[i].id);
			adm_map_str(&o, "name", authors[i].name);
			adm_map_bool(&o, "selected", authors[i].id == author);
			adm_list_add(&l, adm_map_done(&o));
		}
	adm_map_value(&m, "authors", adm_list_done(&l));
	return adm_render(r, "articles", &m, 200);
}

/* Up to limit articles of a dashboard box, those the user may see. */
static struct tpl_value box(struct adm_req *r, int status, enum article_order order,
                            size_t limit, bool *any)
{
	struct article_filter f = {.status = status, .order = order, .limit = limit};
	struct article *v;
	size_t n;
	struct adm_map m;

	if (adm_article_query(r, &f, &v, &n) != STORE_OK)
		n = 0;
	*any = n > 0;
	adm_map_init(&m, r->a);
	adm_map_value(&m, "rows", adm_article_rows(r, v, n));
	return adm_map_done(&m);
}

int adm_page_dashboard(struct adm_req *r)
{
	struct adm_map m;
	bool any;

	r->nav = "dashboard";
	r->title = adm_t(r, "admin_dashboard");
	adm_map_init(&m, r->a);
	adm_map_value(&m, "proposed", box(r, ST_PROPOSED, ARTICLE_BY_UPDATED, 20, &any));
	adm_map_bool(&m, "has_proposed", any);
	adm_map_value(&m, "scheduled", box(r, ST_SCHEDULED, ARTICLE_BY_DATE_ASC, 20, &any));
	adm_map_bool(&m, "has_scheduled", any);
	adm_map_value(&m, "recent", box(r, -1, ARTICLE_BY_UPDATED, 15, &any));
	adm_map_bool(&m, "has_recent", any);
	return adm_render(r, "dashboard", &m, 200);
}
