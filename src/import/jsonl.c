/*
 * JSON-lines corpus import.  See jsonl.h.
 */
#include "import/jsonl.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "site/site.h"
#include "store/store.h"
#include "text/slug.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/progress.h"

static const char *str(struct arena *a, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

static int strs(struct arena *a, json_t *o, const char *key, const char ***out, size_t *n)
{
	json_t *v = json_object_get(o, key), *it;
	size_t i;

	*out = NULL;
	*n = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = arena_calloc(a, 2, sizeof(char *));
		(*out)[0] = arena_strdup(a, json_string_value(v));
		*n = 1;
		return 0;
	}
	if (!json_is_array(v))
		return -1;
	*out = arena_calloc(a, json_array_size(v) + 1, sizeof(char *));
	json_array_foreach(v, i, it)
	{
		if (!json_is_string(it))
			return -1;
		(*out)[i] = arena_strdup(a, json_string_value(it));
	}
	*n = json_array_size(v);
	return 0;
}

static int date_field(struct arena *a, json_t *o, const char *key, int64_t *out, bool *bad)
{
	const char *s = str(a, o, key);

	*bad = false;
	if (s == NULL)
		return 0;
	if (model_parse_datetime(s, out) != 0) {
		*bad = true;
		return -1;
	}
	return 0;
}

static int article(struct site *site, struct arena *a, json_t *o, const char *file,
                   unsigned long line, struct import_report *r)
{
	struct article art = {0};
	const char **names, **aliases;
	size_t n, naliases, i;
	const char *status, *s;
	int64_t id;
	bool bad;

	art.lang = str(a, o, "lang");
	art.section_path = str(a, o, "section");
	art.slug = str(a, o, "slug");
	art.title = str(a, o, "title");
	art.surtitle = str(a, o, "surtitle");
	art.subtitle = str(a, o, "subtitle");
	art.lead = str(a, o, "lead");
	art.postscript = str(a, o, "postscript");
	art.body = str(a, o, "body");
	art.first_published = str(a, o, "first_published");
	art.source_name = str(a, o, "source_name");
	art.source_url = str(a, o, "source_url");
	art.original_lang = str(a, o, "original_lang");
	art.licence = str(a, o, "licence");
	art.tkey = str(a, o, "translationKey");
	art.status = ST_PUBLISHED;
	if (art.lang == NULL || art.title == NULL)
		return log_fail("%s:%lu: field \"%s\" is missing", file, line,
		                art.lang ? "title" : "lang");
	if (config_lang(&site->cfg, art.lang) == NULL) {
		r->skipped++;
		return 0;
	}
	if ((status = str(a, o, "status")) != NULL) {
		int st = model_status_parse(status);
		if (st < 0)
			return log_fail("%s:%lu: field \"status\": \"%s\" is not a status", file, line,
			                status);
		art.status = (enum article_status)st;
	}
	if (date_field(a, o, "date", &art.date, &bad) != 0 && bad)
		return log_fail("%s:%lu: field \"date\" is not a date (YYYY-MM-DDTHH:MM:SSZ)", file,
		                line);
	if (strs(a, o, "translators", &art.translators, &art.ntranslators) != 0)
		return log_fail("%s:%lu: field \"translators\" must be a list of names", file, line);
	if (strs(a, o, "authors", &names, &n) != 0)
		return log_fail("%s:%lu: field \"authors\" must be a list of names", file, line);
	art.authors = arena_calloc(a, n + 1, sizeof(*art.authors));
	for (i = 0; i < n; i++)
		art.authors[i].name = names[i];
	art.nauthors = n;
	if (strs(a, o, "tags", &names, &n) != 0)
		return log_fail("%s:%lu: field \"tags\" must be a list", file, line);
	art.tags = arena_calloc(a, n + 1, sizeof(*art.tags));
	for (i = 0; i < n; i++)
		art.tags[i].name = names[i];
	art.ntags = n;
	if (strs(a, o, "aliases", &aliases, &naliases) != 0)
		return log_fail("%s:%lu: field \"aliases\" must be a list", file, line);
	if (art.section_path == NULL)
		art.section_path = "";
	if (art.slug == NULL || *art.slug == '\0') {
		struct buf sb = BUF_INIT;
		slug_make(&sb, art.title, strlen(art.title), art.lang);
		art.slug = arena_strndup(a, buf_cstr(&sb), sb.n);
		buf_finish(&sb);
	}
	s = art.first_published;
	if (s && strlen(s) > 10 && (s[10] == 'T' || s[10] == ' '))
		art.first_published = arena_strndup(a, s, 10);
	if (import_article(site, &art, aliases, naliases, &id, r) != 0)
		return log_fail("%s:%lu: %s", file, line, log_reason());
	return 0;
}

int jsonl_import(struct site *site, const char *file, const struct import_opts *opts,
                 struct import_report *r)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	struct progress pr;
	struct stat st;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if ((f = fopen(file, "r")) == NULL)
		return log_fail("cannot open %s: %s", file, strerror(errno));
	progress_init(&pr, "importing", fstat(fileno(f), &st) == 0 ? (size_t)st.st_size : 0);
	if (!(opts && opts->progress))
		pr.enabled = 0;
	if (store_begin(site->store) != STORE_OK)
		goto out;
	while ((len = getline(&line, &cap, f)) != -1) {
		struct arena *a;
		json_error_t err;
		json_t *o;
		const char *kind;
		int r2 = 0;
		lineno++;
		progress_step(&pr, (size_t)len);
		if (len > JSONL_MAX_LINE) {
			log_fail("%s:%lu: line longer than %d bytes", file, lineno, JSONL_MAX_LINE);
			goto fail;
		}
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue;
		o = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &err);
		if (!json_is_object(o)) {
			log_fail("%s:%lu: column %d: %s", file, lineno, err.column,
			         o ? "expected a JSON object" : err.text);
			json_decref(o);
			goto fail;
		}
		a = arena_new(0);
		kind = str(a, o, "kind");
		if (kind && strcmp(kind, "section") == 0) {
			const char *lang = str(a, o, "lang"), *path = str(a, o, "path");
			json_t *w = json_object_get(o, "weight");
			if (lang == NULL || path == NULL) {
				r2 = log_fail("%s:%lu: a section needs \"lang\" and \"path\"", file, lineno);
			} else if (config_lang(&site->cfg, lang) == NULL) {
				r->skipped++;
			} else if (import_section(site, lang, path, str(a, o, "title"),
			                          str(a, o, "description"),
			                          json_is_integer(w) ? (int)json_integer_value(w) : -1,
			                          r) != 0) {
				r2 = log_fail("%s:%lu: %s", file, lineno, log_reason());
			}
		} else if (kind == NULL || strcmp(kind, "article") == 0) {
			r2 = article(site, a, o, file, lineno, r);
		} else {
			r2 = log_fail("%s:%lu: field \"kind\": \"%s\" is not section or article", file,
			              lineno, kind);
		}
		arena_free(a);
		json_decref(o);
		if (r2 != 0)
			goto fail;
	}
	if (ferror(f)) {
		log_fail("cannot read %s: %s", file, strerror(errno));
		goto fail;
	}
	progress_finish(&pr);
	if (opts && opts->dry_run) {
		store_rollback(site->store);
		rc = 0;
		goto out;
	}
	if (import_note(site, r) != 0 || store_commit(site->store) != STORE_OK)
		goto fail;
	rc = 0;
	goto out;
fail:
	progress_finish(&pr);
	store_rollback(site->store);
out:
	free(line);
	fclose(f);
	return rc;
}
