/*
 * Front matter <-> content model.  See mdfile.h.
 */
#include "site/mdfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/frontmatter.h"
#include "util/arena.h"
#include "util/log.h"

static int fail(struct mdfile_error *err, unsigned line, const char *field, const char *fmt, ...)
        PRINTFLIKE(4, 5);
static int fail(struct mdfile_error *err, unsigned line, const char *field, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

unsigned mdfile_line(const struct mdfile_info *info, const char *field)
{
	size_t i;

	for (i = 0; info && i < info->n; i++)
		if (strcmp(info->fields[i], field) == 0)
			return info->lines[i];
	return 0;
}

static void remember(struct mdfile_info *info, const struct fm_entry *e)
{
	if (info && info->n < MDFILE_MAX_FIELDS) {
		info->fields[info->n] = e->key;
		info->lines[info->n] = e->line;
		info->n++;
	}
}

static int want_str(const struct fm_entry *e, struct mdfile_error *err, const char **out)
{
	if (e->value.kind != FM_STR)
		return fail(err, e->line, e->key, "expected text, not a list or mapping");
	*out = e->value.s;
	return 0;
}

/* A list of strings; a single string counts as a list of one. */
static int want_list(struct arena *a, const struct fm_entry *e, struct mdfile_error *err,
                     const char ***out, size_t *n)
{
	const char **v;
	size_t i;

	if (e->value.kind == FM_STR) {
		v = arena_calloc(a, 2, sizeof(*v));
		v[0] = e->value.s;
		*out = v;
		*n = *e->value.s ? 1 : 0;
		return 0;
	}
	if (e->value.kind != FM_LIST)
		return fail(err, e->line, e->key, "expected a list such as [\"a\", \"b\"]");
	v = arena_calloc(a, e->value.nitems + 1, sizeof(*v));
	for (i = 0; i < e->value.nitems; i++) {
		if (e->value.items[i].kind != FM_STR)
			return fail(err, e->value.items[i].line, e->key, "item %zu is not text", i + 1);
		v[i] = e->value.items[i].s;
	}
	*out = v;
	*n = e->value.nitems;
	return 0;
}

static int want_date(const struct fm_entry *e, struct mdfile_error *err, int64_t *out)
{
	const char *s = NULL;

	if (want_str(e, err, &s) != 0)
		return -1;
	if (model_parse_datetime(s, out) != 0)
		return fail(err, e->line, e->key,
		            "\"%s\" is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", s);
	return 0;
}

static int want_int(const struct fm_entry *e, struct mdfile_error *err, long lo, long hi,
                    long *out)
{
	const char *s = NULL;
	char *end;
	long v;

	if (want_str(e, err, &s) != 0)
		return -1;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return fail(err, e->line, e->key, "\"%s\" is not a whole number from %ld to %ld", s, lo,
		            hi);
	*out = v;
	return 0;
}

static int parse_fm(struct arena *a, const char *src, size_t n, struct fm_doc *doc,
                    struct mdfile_error *err)
{
	struct fm_error fe;

	memset(err, 0, sizeof(*err));
	if (fm_parse(a, src, n, doc, &fe) != 0) {
		err->line = fe.line;
		snprintf(err->msg, sizeof(err->msg), "column %u: %s", fe.col, fe.msg);
		return -1;
	}
	return 0;
}

/* Keys of Hugo front matter that have no meaning here and are skipped. */
static bool ignored_key(const char *k)
{
	static const char *const keys[] = {"categories", "type", "layout", "url",
	                                   "expirydate", "publishdate", "lastmod", "toc",
	                                   "summary", "weight", "keywords"};
	size_t i;

	for (i = 0; i < NELEM(keys); i++)
		if (strcmp(k, keys[i]) == 0)
			return true;
	return false;
}

static const char *const article_keys =
        "title, surtitle, subtitle, lead, postscript, lang, section, status, date, "
        "first_published, source_name, source_url, original_lang, translators, licence, "
        "authors, tags, translationKey, slug, aliases";

int mdfile_article(struct arena *a, const char *src, size_t n, struct article *art,
                   struct mdfile_info *info, struct mdfile_error *err)
{
	struct fm_doc doc;
	size_t i, j;
	int st;

	if (info) {
		memset(info, 0, sizeof(*info));
		info->position = -1;
	}
	if (parse_fm(a, src, n, &doc, err) != 0)
		return -1;
	if (!doc.present)
		return fail(err, 1, NULL, "no front matter (the file must start with a --- line)");
	for (i = 0; i < doc.n; i++) {
		const struct fm_entry *e = &doc.entries[i];
		const char *k = e->key, *s = NULL;
		remember(info, e);
		if (strcmp(k, "title") == 0) {
			if (want_str(e, err, &art->title) != 0)
				return -1;
		} else if (strcmp(k, "surtitle") == 0) {
			if (want_str(e, err, &art->surtitle) != 0)
				return -1;
		} else if (strcmp(k, "subtitle") == 0) {
			if (want_str(e, err, &art->subtitle) != 0)
				return -1;
		} else if (strcmp(k, "lead") == 0 || strcmp(k, "description") == 0) {
			if (want_str(e, err, &art->lead) != 0)
				return -1;
		} else if (strcmp(k, "postscript") == 0) {
			if (want_str(e, err, &art->postscript) != 0)
				return -1;
		} else if (strcmp(k, "lang") == 0 || strcmp(k, "language") == 0) {
			if (want_str(e, err, &art->lang) != 0)
				return -1;
		} else if (strcmp(k, "section") == 0) {
			if (want_str(e, err, &art->section_path) != 0)
				return -1;
			/* "en/europe" and "europe" both mean the section under the language. */
		} else if (strcmp(k, "status") == 0) {
			if (want_str(e, err, &s) != 0)
				return -1;
			if ((st = model_status_parse(s)) < 0)
				return fail(err, e->line, k,
				            "\"%s\" is not a status (draft, proposed, published, "
				            "scheduled, refused, trash)",
				            s);
			art->status = (enum article_status)st;
			if (info)
				info->has_status = true;
		} else if (strcmp(k, "draft") == 0) {
			if (want_str(e, err, &s) != 0)
				return -1;
			if (strcmp(s, "true") == 0)
				art->status = ST_DRAFT;
			else if (strcmp(s, "false") != 0)
				return fail(err, e->line, k, "expected true or false");
			if (info)
				info->has_status = true;
		} else if (strcmp(k, "date") == 0) {
			if (want_date(e, err, &art->date) != 0)
				return -1;
		} else if (strcmp(k, "first_published") == 0) {
			if (want_str(e, err, &s) != 0)
				return -1;
			/* A full timestamp keeps only its date. */
			if (strlen(s) > 10 && (s[10] == 'T' || s[10] == ' '))
				s = arena_strndup(a, s, 10);
			if (*s && !model_date_valid(s))
				return fail(err, e->line, k,
				            "\"%s\" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", s);
			art->first_published = s;
		} else if (strcmp(k, "source_name") == 0) {
			if (want_str(e, err, &art->source_name) != 0)
				return -1;
		} else if (strcmp(k, "source_url") == 0) {
			if (want_str(e, err, &s) != 0)
				return -1;
			if (*s && strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
				return fail(err, e->line, k, "\"%s\" is not an http or https address", s);
			art->source_url = s;
		} else if (strcmp(k, "original_lang") == 0) {
			if (want_str(e, err, &art->original_lang) != 0)
				return -1;
		} else if (strcmp(k, "translators") == 0 || strcmp(k, "translator") == 0) {
			if (want_list(a, e, err, &art->translators, &art->ntranslators) != 0)
				return -1;
		} else if (strcmp(k, "licence") == 0 || strcmp(k, "license") == 0) {
			if (want_str(e, err, &art->licence) != 0)
				return -1;
		} else if (strcmp(k, "tags") == 0) {
			const char **v;
			size_t nv;
			if (want_list(a, e, err, &v, &nv) != 0)
				return -1;
			art->tags = arena_calloc(a, nv + 1, sizeof(*art->tags));
			for (j = 0; j < nv; j++)
				art->tags[j].name = v[j];
			art->ntags = nv;
		} else if (strcmp(k, "authors") == 0 || strcmp(k, "author") == 0) {
			const struct fm_value *v = &e->value;
			size_t nv = v->kind == FM_LIST ? v->nitems : 1;
			art->authors = arena_calloc(a, nv + 1, sizeof(*art->authors));
			art->nauthors = 0;
			for (j = 0; j < nv; j++) {
				const struct fm_value *it = v->kind == FM_LIST ? &v->items[j] : v;
				struct author *au = &art->authors[art->nauthors];
				if (it->kind == FM_STR) {
					au->name = it->s;
				} else if (it->kind == FM_MAP) {
					const struct fm_value *nm = fm_map_get(it, "name");
					const struct fm_value *kd = fm_map_get(it, "kind");
					if (nm == NULL || nm->kind != FM_STR)
						return fail(err, it->line, "authors",
						            "item %zu has no name", j + 1);
					au->name = nm->s;
					if (kd) {
						int kk = kd->kind == FM_STR ? model_author_kind_parse(kd->s)
						                            : -1;
						if (kk < 0)
							return fail(err, kd->line, "authors",
							            "kind must be person or organisation");
						au->kind = (enum author_kind)kk;
					}
				} else {
					return fail(err, it->line, "authors", "item %zu is not a name", j + 1);
				}
				if (*au->name == '\0')
					return fail(err, it->line, "authors", "item %zu is empty", j + 1);
				art->nauthors++;
			}
		} else if (strcmp(k, "translationKey") == 0 || strcmp(k, "translation_key") == 0) {
			if (want_str(e, err, &art->tkey) != 0)
				return -1;
		} else if (strcmp(k, "slug") == 0) {
			if (want_str(e, err, &art->slug) != 0)
				return -1;
		} else if (strcmp(k, "aliases") == 0) {
			const char **v;
			size_t nv;
			if (want_list(a, e, err, &v, &nv) != 0)
				return -1;
			if (info) {
				info->aliases = v;
				info->naliases = nv;
			}
		} else if (strcmp(k, "id") == 0) {
			long v;
			if (want_int(e, err, 1, 1L << 40, &v) != 0)
				return -1;
			art->id = v;
		} else if (strcmp(k, "created") == 0) {
			if (want_date(e, err, &art->created) != 0)
				return -1;
		} else if (strcmp(k, "updated") == 0) {
			if (want_date(e, err, &art->updated) != 0)
				return -1;
		} else if (!ignored_key(k)) {
			return fail(err, e->line, k, "unknown field (known: %s)", article_keys);
		}
	}
	if (art->title == NULL || *art->title == '\0')
		return fail(err, 1, "title", "the title is missing");
	art->body = arena_strndup(a, doc.body, doc.body_n);
	/* The blank line after the front matter is layout, not content. */
	while (*art->body == '\n')
		art->body++;
	return 0;
}

int mdfile_section(struct arena *a, const char *src, size_t n, struct section *sec,
                   struct mdfile_info *info, struct mdfile_error *err)
{
	struct fm_doc doc;
	size_t i;

	memset(info, 0, sizeof(*info));
	info->position = -1;
	if (parse_fm(a, src, n, &doc, err) != 0)
		return -1;
	for (i = 0; i < doc.n; i++) {
		const struct fm_entry *e = &doc.entries[i];
		remember(info, e);
		if (strcmp(e->key, "title") == 0) {
			if (want_str(e, err, &sec->title) != 0)
				return -1;
		} else if (strcmp(e->key, "description") == 0) {
			if (want_str(e, err, &sec->description) != 0)
				return -1;
		} else if (strcmp(e->key, "weight") == 0 || strcmp(e->key, "position") == 0) {
			long v;
			if (want_int(e, err, 0, 1000000, &v) != 0)
				return -1;
			info->position = (int)v;
		} else if (strcmp(e->key, "aliases") == 0) {
			if (want_list(a, e, err, &info->aliases, &info->naliases) != 0)
				return -1;
		} else if (!ignored_key(e->key) && strcmp(e->key, "slug") != 0 &&
		           strcmp(e->key, "lang") != 0) {
			return fail(err, e->line, e->key,
			            "unknown field (known: title, description, weight, aliases)");
		}
	}
	/* A description may also be the body. */
	if ((sec->description == NULL || *sec->description == '\0') && doc.body_n) {
		const char *b = doc.body;
		size_t bn = doc.body_n;
		while (bn && (*b == '\n' || *b == ' ')) {
			b++;
			bn--;
		}
		while (bn && (b[bn - 1] == '\n' || b[bn - 1] == ' '))
			bn--;
		if (bn)
			sec->description = arena_strndup(a, b, bn);
	}
	return 0;
}

int mdfile_author(struct arena *a, const char *src, size_t n, struct author *au,
                  struct mdfile_error *err)
{
	struct fm_doc doc;
	size_t i;
	const char *s = NULL;

	if (parse_fm(a, src, n, &doc, err) != 0)
		return -1;
	for (i = 0; i < doc.n; i++) {
		const struct fm_entry *e = &doc.entries[i];
		if (strcmp(e->key, "name") == 0 || strcmp(e->key, "title") == 0) {
			if (want_str(e, err, &au->name) != 0)
				return -1;
		} else if (strcmp(e->key, "kind") == 0) {
			int k;
			if (want_str(e, err, &s) != 0)
				return -1;
			if ((k = model_author_kind_parse(s)) < 0)
				return fail(err, e->line, "kind", "must be person or organisation");
			au->kind = (enum author_kind)k;
		} else if (strcmp(e->key, "slug") == 0) {
			if (want_str(e, err, &au->slug) != 0)
				return -1;
		} else if (strcmp(e->key, "bio") == 0) {
			if (want_str(e, err, &au->bio) != 0)
				return -1;
		} else {
			return fail(err, e->line, e->key, "unknown field (known: name, kind, slug, bio)");
		}
	}
	if (au->name == NULL || *au->name == '\0')
		return fail(err, 1, "name", "the name is missing");
	if ((au->bio == NULL || *au->bio == '\0') && doc.body_n) {
		const char *b = doc.body;
		size_t bn = doc.body_n;
		while (bn && (*b == '\n' || *b == ' ')) {
			b++;
			bn--;
		}
		while (bn && (b[bn - 1] == '\n' || b[bn - 1] == ' '))
			bn--;
		au->bio = arena_strndup(a, b, bn);
	}
	return 0;
}

/* ---- writing ------------------------------------------------------- */

/* A YAML double-quoted scalar (JSON string syntax, which YAML accepts). */
static void yq(struct buf *out, const char *s)
{
	const unsigned char *p;

	buf_putc(out, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': buf_puts(out, "\\\""); break;
		case '\\': buf_puts(out, "\\\\"); break;
		case '\n': buf_puts(out, "\\n"); break;
		case '\r': buf_puts(out, "\\r"); break;
		case '\t': buf_puts(out, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				buf_printf(out, "\\u%04x", *p);
			else
				buf_putc(out, *p);
		}
	}
	buf_putc(out, '"');
}

static void kv(struct buf *out, const char *k, const char *v)
{
	if (v == NULL || *v == '\0')
		return;
	buf_printf(out, "%s: ", k);
	yq(out, v);
	buf_putc(out, '\n');
}

static void klist(struct buf *out, const char *k, const char *const *v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	buf_printf(out, "%s: [", k);
	for (i = 0; i < n; i++) {
		if (i)
			buf_puts(out, ", ");
		yq(out, v[i]);
	}
	buf_puts(out, "]\n");
}

static void kdate(struct buf *out, const char *k, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	buf_printf(out, "%s: %04d-%02d-%02dT%02d:%02d:%02dZ\n", k, tm.tm_year + 1900, tm.tm_mon + 1,
	           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void mdfile_write_article(struct buf *out, const struct article *art, const char *const *aliases,
                          size_t naliases)
{
	size_t i;

	buf_puts(out, "---\n");
	kv(out, "title", art->title);
	kv(out, "surtitle", art->surtitle);
	kv(out, "subtitle", art->subtitle);
	kv(out, "lead", art->lead);
	kv(out, "postscript", art->postscript);
	buf_printf(out, "id: %lld\n", (long long)art->id);
	buf_printf(out, "lang: %s\n", art->lang);
	kv(out, "section", art->section_path);
	kv(out, "slug", art->slug);
	buf_printf(out, "status: %s\n", model_status_name(art->status));
	if (art->date)
		kdate(out, "date", art->date);
	kdate(out, "created", art->created);
	kdate(out, "updated", art->updated);
	kv(out, "first_published", art->first_published);
	kv(out, "source_name", art->source_name);
	kv(out, "source_url", art->source_url);
	kv(out, "original_lang", art->original_lang);
	klist(out, "translators", art->translators, art->ntranslators);
	kv(out, "licence", art->licence);
	if (art->nauthors) {
		buf_puts(out, "authors: [");
		for (i = 0; i < art->nauthors; i++) {
			if (i)
				buf_puts(out, ", ");
			if (art->authors[i].kind == AUTHOR_ORGANISATION) {
				buf_puts(out, "{name: ");
				yq(out, art->authors[i].name);
				buf_puts(out, ", kind: organisation}");
			} else {
				yq(out, art->authors[i].name);
			}
		}
		buf_puts(out, "]\n");
	}
	if (art->ntags) {
		buf_puts(out, "tags: [");
		for (i = 0; i < art->ntags; i++) {
			if (i)
				buf_puts(out, ", ");
			yq(out, art->tags[i].name);
		}
		buf_puts(out, "]\n");
	}
	kv(out, "translationKey", art->tkey);
	klist(out, "aliases", aliases, naliases);
	buf_puts(out, "---\n\n");
	buf_puts(out, art->body ? art->body : "");
	if (out->n && out->p[out->n - 1] != '\n')
		buf_putc(out, '\n');
}

void mdfile_write_section(struct buf *out, const struct section *sec, const char *const *aliases,
                          size_t naliases)
{
	buf_puts(out, "---\n");
	kv(out, "title", sec->title);
	kv(out, "description", sec->description);
	buf_printf(out, "weight: %d\n", sec->position);
	klist(out, "aliases", aliases, naliases);
	buf_puts(out, "---\n");
}

void mdfile_write_author(struct buf *out, const struct author *au)
{
	buf_puts(out, "---\n");
	kv(out, "name", au->name);
	buf_printf(out, "kind: %s\n", model_author_kind_name(au->kind));
	kv(out, "slug", au->slug);
	buf_puts(out, "---\n");
	if (au->bio && *au->bio) {
		buf_puts(out, au->bio);
		buf_putc(out, '\n');
	}
}
