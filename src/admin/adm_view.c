/*
 * Building template values in the request's arena, and the small
 * formatting helpers pages share: times, statuses, strings.
 */
#include "admin/adm_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "render/i18n.h"
#include "text/utf8.h"
#include "util/buf.h"

void adm_map_init(struct adm_map *m, struct arena *a)
{
	m->a = a;
	m->cap = 16;
	m->n = 0;
	m->pairs = arena_alloc(a, m->cap * sizeof(*m->pairs));
}

void adm_map_value(struct adm_map *m, const char *key, struct tpl_value v)
{
	if (m->n == m->cap) {
		struct tpl_pair *p = arena_alloc(m->a, 2 * m->cap * sizeof(*p));
		memcpy(p, m->pairs, m->n * sizeof(*p));
		m->pairs = p;
		m->cap *= 2;
	}
	m->pairs[m->n].key = key;
	m->pairs[m->n].value = v;
	m->n++;
}

void adm_map_str(struct adm_map *m, const char *key, const char *s)
{
	adm_map_value(m, key, s && *s ? tpl_str(s) : (struct tpl_value){.kind = TPL_NULL});
}

void adm_map_bool(struct adm_map *m, const char *key, bool b)
{
	adm_map_value(m, key, tpl_bool(b));
}

void adm_map_int(struct adm_map *m, const char *key, long long v)
{
	adm_map_value(m, key, tpl_str(arena_printf(m->a, "%lld", v)));
}

struct tpl_value adm_map_done(const struct adm_map *m)
{
	return tpl_map(m->pairs, m->n);
}

void adm_list_init(struct adm_list *l, struct arena *a)
{
	l->a = a;
	l->cap = 8;
	l->n = 0;
	l->items = arena_alloc(a, l->cap * sizeof(*l->items));
}

void adm_list_add(struct adm_list *l, struct tpl_value v)
{
	if (l->n == l->cap) {
		struct tpl_value *p = arena_alloc(l->a, 2 * l->cap * sizeof(*p));
		memcpy(p, l->items, l->n * sizeof(*p));
		l->items = p;
		l->cap *= 2;
	}
	l->items[l->n++] = v;
}

struct tpl_value adm_list_done(const struct adm_list *l)
{
	return tpl_list(l->items, l->n);
}

const char *adm_printf(struct adm_req *r, const char *fmt, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, fmt);
	s = arena_vprintf(r->a, fmt, ap);
	va_end(ap);
	return s;
}

static const char *fmt_time(struct adm_req *r, int64_t t, const char *fmt)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char b[32];

	if (t == 0)
		return "";
	gmtime_r(&tt, &tm);
	strftime(b, sizeof(b), fmt, &tm);
	return arena_strdup(r->a, b);
}

const char *adm_time(struct adm_req *r, int64_t t)
{
	return fmt_time(r, t, "%Y-%m-%d %H:%M");
}

const char *adm_time_input(struct adm_req *r, int64_t t)
{
	return fmt_time(r, t, "%Y-%m-%dT%H:%M");
}

const char *adm_t(struct adm_req *r, const char *key)
{
	return i18n_get(r->site->i18n, r->lang, key);
}

const char *adm_tf(struct adm_req *r, const char *key, const char *x)
{
	const char *s = adm_t(r, key), *p = strstr(s, "{x}");

	if (p == NULL)
		return s;
	return adm_printf(r, "%.*s%s%s", (int)(p - s), s, x, p + 3);
}

const char *adm_status_name(struct adm_req *r, enum article_status st)
{
	const char *n = model_status_name(st);

	return adm_t(r, adm_printf(r, "admin_status_%s", n ? n : "draft"));
}

const char *adm_clean(struct adm_req *r, const char *s)
{
	struct buf b = BUF_INIT;
	const char *out;
	size_t n = strlen(s);

	if (utf8_valid(s, n))
		return s;
	utf8_sanitize(&b, s, n);
	out = arena_strndup(r->a, buf_cstr(&b), b.n);
	buf_finish(&b);
	return out;
}

const char *adm_section_label(struct adm_req *r, const struct section *sec)
{
	return *sec->path ? adm_printf(r, "%s/%s", sec->lang, sec->path) : sec->lang;
}
