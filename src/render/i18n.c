/*
 * Locale strings, plural rules and date formats.  See i18n.h.
 *
 * Plural rules are CLDR's for the languages tamizdat ships and a few
 * neighbours; other languages use the English rule.
 */
#include "render/i18n.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/tpl.h"
#include "util/embed.h"
#include "util/fsutil.h"
#include "util/log.h"

extern const struct embed_file tz_locales[];
extern const size_t tz_locales_count;

struct entry {
	char *key;
	char *value;
	size_t seq; /* order of reading: the last of equal keys wins */
};

struct locale {
	char lang[16];
	struct entry *e; /* sorted by key, unique */
	size_t n, cap, seq;
	struct tpl_pair *pairs; /* for i18n_map(), merged with English */
	struct tpl_value map;
};

struct i18n {
	struct locale *loc;
	size_t n;
	pthread_mutex_t lock; /* guards lazy map building */
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

/* By key, then in reading order. */
static int cmp_read(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/*
 * Parses "key = value" lines into loc (later keys override earlier): the
 * lines are appended here, and finish() sorts them by key and reading
 * order once all of a language's files are read, keeping the last of
 * equal keys -- n log n, where looking each key up as it came cost a
 * tenth of a one-article publish.
 */
static int parse(struct locale *loc, const char *name, const char *text, size_t n)
{
	char *copy = xstrndup(text, n), *line, *save = NULL;
	int lineno = 0;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq, *key, *v;
		lineno++;
		line = trim(line);
		if (*line == '\0' || *line == '#' || *line == ';')
			continue;
		eq = strchr(line, '=');
		if (eq == NULL) {
			free(copy);
			return log_fail("%s: line %d: expected \"key = value\"", name, lineno);
		}
		*eq = '\0';
		key = trim(line);
		v = trim(eq + 1);
		if (loc->n == loc->cap) {
			loc->cap = loc->cap ? 2 * loc->cap : 256;
			loc->e = xreallocarray(loc->e, loc->cap, sizeof(*loc->e));
		}
		loc->e[loc->n].key = xstrdup(key);
		loc->e[loc->n].value = xstrdup(v);
		loc->e[loc->n].seq = loc->seq++;
		loc->n++;
	}
	free(copy);
	return 0;
}

/* Sorts a locale's strings by key, keeping the last read of equal keys. */
static void finish(struct locale *loc)
{
	size_t i, k;

	qsort(loc->e, loc->n, sizeof(*loc->e), cmp_read);
	for (i = k = 0; i < loc->n; i++) {
		if (i + 1 < loc->n && strcmp(loc->e[i].key, loc->e[i + 1].key) == 0) {
			free(loc->e[i].key);
			free(loc->e[i].value);
			continue;
		}
		loc->e[k++] = loc->e[i];
	}
	loc->n = k;
}

static struct locale *find(const struct i18n *t, const char *lang)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->loc[i].lang, lang) == 0)
			return &t->loc[i];
	return NULL;
}

static struct locale *add_locale(struct i18n *t, const char *lang)
{
	struct locale *l = find(t, lang);

	if (l)
		return l;
	t->loc = xreallocarray(t->loc, t->n + 1, sizeof(*t->loc));
	l = &t->loc[t->n++];
	memset(l, 0, sizeof(*l));
	snprintf(l->lang, sizeof(l->lang), "%s", lang);
	return l;
}

struct i18n *i18n_load(const char *dir)
{
	struct i18n *t = xcalloc(1, sizeof(*t));
	size_t i;

	pthread_mutex_init(&t->lock, NULL);
	for (i = 0; i < tz_locales_count; i++) {
		const struct embed_file *f = &tz_locales[i];
		char lang[16];
		const char *dot = strchr(f->name, '.');
		size_t n = strlen(f->name);
		/*
		 * "en.ini", and "en.admin.ini" for the strings of one feature
		 * (kept apart so that features add strings without touching
		 * each other's files).
		 */
		if (dot == NULL || n < 4 || strcmp(f->name + n - 4, ".ini") != 0 ||
		    (size_t)(dot - f->name) >= sizeof(lang))
			continue;
		snprintf(lang, sizeof(lang), "%.*s", (int)(dot - f->name), f->name);
		if (parse(add_locale(t, lang), f->name, f->data, f->size) != 0)
			goto fail;
	}
	if (dir && fs_is_dir(dir)) {
		/* Site overrides, for the languages already known or new ones. */
		static const char *const try[] = {"en", "fr", "ru", "uk", "de", "es", "it",
		                                  "pt", "pl", "be", "ar", "fa", "tr"};
		for (i = 0; i < NELEM(try); i++) {
			char path[4096];
			struct buf b = BUF_INIT;
			snprintf(path, sizeof(path), "%s/%s.ini", dir, try[i]);
			if (!fs_exists(path))
				continue;
			if (fs_read_file(path, &b, I18N_MAX_FILE) != 0 ||
			    parse(add_locale(t, try[i]), path, buf_cstr(&b), b.n) != 0) {
				buf_finish(&b);
				goto fail;
			}
			buf_finish(&b);
		}
	}
	for (i = 0; i < t->n; i++)
		finish(&t->loc[i]);
	return t;
fail:
	i18n_free(t);
	return NULL;
}

void i18n_free(struct i18n *t)
{
	size_t i, j;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		for (j = 0; j < t->loc[i].n; j++) {
			free(t->loc[i].e[j].key);
			free(t->loc[i].e[j].value);
		}
		free(t->loc[i].e);
		free(t->loc[i].pairs);
	}
	free(t->loc);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static const char *lookup(const struct locale *l, const char *key)
{
	struct entry k = {(char *)key, NULL}, *e;

	if (l == NULL)
		return NULL;
	e = bsearch(&k, l->e, l->n, sizeof(k), cmp_entry);
	return e ? e->value : NULL;
}

const char *i18n_get(const struct i18n *t, const char *lang, const char *key)
{
	const char *v = lookup(find(t, lang), key);

	if (v == NULL)
		v = lookup(find(t, "en"), key);
	return v ? v : key;
}

const char *i18n_plural_category(const char *lang, uint64_t n)
{
	uint64_t m10 = n % 10, m100 = n % 100;

	if (strcmp(lang, "ru") == 0 || strcmp(lang, "uk") == 0 || strcmp(lang, "be") == 0) {
		if (m10 == 1 && m100 != 11)
			return "one";
		if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14))
			return "few";
		return "many";
	}
	if (strcmp(lang, "pl") == 0) {
		if (n == 1)
			return "one";
		if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14))
			return "few";
		return "many";
	}
	if (strcmp(lang, "fr") == 0 || strcmp(lang, "pt") == 0)
		return n <= 1 ? "one" : "other";
	return n == 1 ? "one" : "other";
}

/* Appends s with every {n} replaced by the number. */
static void put_with_n(struct buf *out, const char *s, uint64_t n)
{
	const char *p;

	while ((p = strstr(s, "{n}")) != NULL) {
		buf_put(out, s, (size_t)(p - s));
		buf_printf(out, "%llu", (unsigned long long)n);
		s = p + 3;
	}
	buf_puts(out, s);
}

void i18n_plural(const struct i18n *t, const char *lang, const char *key, uint64_t n,
                 struct buf *out)
{
	char k[128];
	const char *v;

	snprintf(k, sizeof(k), "%s.%s", key, i18n_plural_category(lang, n));
	v = lookup(find(t, lang), k);
	if (v == NULL) {
		snprintf(k, sizeof(k), "%s.other", key);
		v = lookup(find(t, lang), k);
	}
	if (v == NULL) {
		snprintf(k, sizeof(k), "%s.%s", key, n == 1 ? "one" : "other");
		v = i18n_get(t, "en", k);
	}
	put_with_n(out, v, n);
}

static void put_int(struct buf *out, int v)
{
	char d[16];
	int i = (int)sizeof(d);
	unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;

	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		d[--i] = '-';
	buf_put(out, d + i, sizeof(d) - (size_t)i);
}

/* Appends fmt with {d}, {month}, {month_gen}, {y} substituted. */
static void put_date(const struct i18n *t, const char *lang, const char *fmt, int y, int m, int d,
                     struct buf *out)
{
	static const char *const month[] = {"month.1", "month.2",  "month.3",  "month.4",
	                                    "month.5", "month.6",  "month.7",  "month.8",
	                                    "month.9", "month.10", "month.11", "month.12"};
	static const char *const month_gen[] = {"month_gen.1",  "month_gen.2",  "month_gen.3",
	                                        "month_gen.4",  "month_gen.5",  "month_gen.6",
	                                        "month_gen.7",  "month_gen.8",  "month_gen.9",
	                                        "month_gen.10", "month_gen.11", "month_gen.12"};
	const char *start = fmt;

	while (*fmt) {
		if (*fmt != '{') {
			fmt++;
			continue;
		}
		buf_put(out, start, (size_t)(fmt - start));
		if (strncmp(fmt, "{d}", 3) == 0) {
			put_int(out, d);
			fmt += 3;
		} else if (strncmp(fmt, "{y}", 3) == 0) {
			put_int(out, y);
			fmt += 3;
		} else if (strncmp(fmt, "{month}", 7) == 0) {
			buf_puts(out, i18n_get(t, lang, month[(m - 1) % 12]));
			fmt += 7;
		} else if (strncmp(fmt, "{month_gen}", 11) == 0) {
			buf_puts(out, i18n_get(t, lang, month_gen[(m - 1) % 12]));
			fmt += 11;
		} else {
			buf_putc(out, *fmt++);
		}
		start = fmt;
	}
	buf_put(out, start, (size_t)(fmt - start));
}

void i18n_date(const struct i18n *t, const char *lang, int64_t unix_time, struct buf *out)
{
	time_t tt = (time_t)unix_time;
	struct tm tm;

	gmtime_r(&tt, &tm);
	put_date(t, lang, i18n_get(t, lang, "date_format"), tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, out);
}

void i18n_date_partial(const struct i18n *t, const char *lang, const char *ymd, struct buf *out)
{
	size_t n = strlen(ymd);
	int y, m = 0, d = 0;

	if (n < 4) {
		buf_puts(out, ymd);
		return;
	}
	y = atoi(ymd);
	if (n >= 7)
		m = atoi(ymd + 5);
	if (n >= 10)
		d = atoi(ymd + 8);
	if (m < 1 || m > 12) {
		buf_printf(out, "%d", y);
		return;
	}
	put_date(t, lang, i18n_get(t, lang, d ? "date_format" : "month_year_format"), y, m, d, out);
}

const struct tpl_value *i18n_map(const struct i18n *t, const char *lang)
{
	struct locale *l = find(t, lang), *en = find(t, "en");
	struct i18n *mt = (struct i18n *)t;
	size_t i, n;

	if (l == NULL)
		l = en;
	if (l == NULL)
		return NULL;
	pthread_mutex_lock(&mt->lock);
	if (l->pairs == NULL) {
		/* Own strings, then English ones this locale lacks. */
		n = l->n + (en && en != l ? en->n : 0);
		l->pairs = xcalloc(n + 1, sizeof(*l->pairs));
		n = 0;
		for (i = 0; i < l->n; i++) {
			l->pairs[n].key = l->e[i].key;
			l->pairs[n++].value = tpl_str(l->e[i].value);
		}
		if (en && en != l)
			for (i = 0; i < en->n; i++)
				if (lookup(l, en->e[i].key) == NULL) {
					l->pairs[n].key = en->e[i].key;
					l->pairs[n++].value = tpl_str(en->e[i].value);
				}
		l->map = tpl_map(l->pairs, n);
	}
	pthread_mutex_unlock(&mt->lock);
	return &l->map;
}
