/*
 * tamizdat article add|update|list|show|publish|unpublish|delete|restore|
 * history: articles from Markdown files with front matter, and their
 * workflow.  Every change is published incrementally unless --no-publish.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "publish/publish.h"
#include "site/mdfile.h"
#include "store/store.h"
#include "text/utf8.h"
#include "util/arena.h"
#include "util/fsutil.h"
#include "util/log.h"

/* An article file: the largest body the store takes plus a front matter. */
#define ARTICLE_MAX_FILE ((8 << 20) + (256 << 10))

static const char usage[] =
        "tamizdat article add FILE.md [--section LANG/PATH] [--no-publish]\n"
        "       tamizdat article update ID FILE.md [--no-publish]\n"
        "       tamizdat article list [--lang L] [--section LANG/PATH] [--status S] [--json]\n"
        "       tamizdat article show ID [--json]\n"
        "       tamizdat article publish|unpublish|delete|restore ID [--no-publish]\n"
        "       tamizdat article history ID\n"
        "\n"
        "An article file is Markdown with a front matter of these fields:\n"
        "  title (required), surtitle, subtitle, lead, postscript, lang, section,\n"
        "  status (draft, proposed, published, scheduled, refused), date,\n"
        "  first_published, source_name, source_url, original_lang, translators,\n"
        "  licence, authors, tags, translationKey, slug, aliases.\n"
        "\n"
        "add publishes the file unless its status says otherwise; delete moves the\n"
        "article to the trash, from where restore brings it back.  show prints the\n"
        "article as a file that update accepts.\n";

/* Line (1-based) and column of byte off in s. */
static void line_col(const char *s, size_t off, unsigned *line, unsigned *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/*
 * Reads and parses FILE into art (arena-owned), checking everything that
 * can be checked before the store: UTF-8, syntax, fields, the language,
 * the section and the slug.  0, or -1 after printing FILE:LINE: field ...
 */
static int load(struct site *site, struct arena *a, const char *file, const char *section_opt,
                int64_t self, struct article *art, struct mdfile_info *info)
{
	struct buf text = BUF_INIT;
	struct mdfile_error err;
	struct section sec;
	struct article other;
	size_t bad;
	int rc = -1;

	if (fs_read_file(file, &text, ARTICLE_MAX_FILE) != 0) {
		cli_fail_reason();
		goto out;
	}
	bad = utf8_invalid_at(buf_cstr(&text), text.n);
	if (bad < text.n) {
		unsigned line, col;
		line_col(text.p, bad, &line, &col);
		cli_fail("%s:%u: invalid UTF-8 (byte 0x%02x at column %u); save the file as UTF-8",
		         file, line, (unsigned char)text.p[bad], col);
		goto out;
	}
	if (section_opt) {
		char lang[16];
		const char *path;
		if (cli_split_lang_path(section_opt, lang, sizeof(lang), &path) != 0) {
			cli_fail("--section \"%s\" is not LANG/PATH", section_opt);
			goto out;
		}
		art->lang = arena_strdup(a, lang);
		art->section_path = arena_strdup(a, path);
	}
	if (mdfile_article(a, buf_cstr(&text), text.n, art, info, &err) != 0) {
		if (err.field[0])
			cli_fail("%s:%u: field \"%s\": %s", file, err.line, err.field, err.msg);
		else
			cli_fail("%s:%u: %s", file, err.line, err.msg);
		goto out;
	}
	if (section_opt) {
		/* The option wins over the file. */
		char lang[16];
		const char *path;
		cli_split_lang_path(section_opt, lang, sizeof(lang), &path);
		art->lang = arena_strdup(a, lang);
		art->section_path = arena_strdup(a, path);
	}
	if (art->lang == NULL || *art->lang == '\0') {
		cli_fail("%s: field \"lang\" is missing (or give --section LANG/PATH)", file);
		goto out;
	}
	if (config_lang(&site->cfg, art->lang) == NULL) {
		cli_fail("%s:%u: field \"lang\": \"%s\" is not one of the site's languages", file,
		         mdfile_line(info, "lang"), art->lang);
		goto out;
	}
	if (art->section_path == NULL)
		art->section_path = "";
	/* "en/europe" in a section field means the same as "europe". */
	{
		size_t ln = strlen(art->lang);
		if (strncmp(art->section_path, art->lang, ln) == 0 &&
		    (art->section_path[ln] == '/' || art->section_path[ln] == '\0'))
			art->section_path += ln + (art->section_path[ln] == '/');
	}
	if (store_section_find(site->store, a, art->lang, art->section_path, &sec) != STORE_OK) {
		unsigned line = mdfile_line(info, "section");
		if (line)
			cli_fail("%s:%u: field \"section\": %s", file, line, log_reason());
		else
			cli_fail("%s: %s", file, log_reason());
		goto out;
	}
	if (art->slug && *art->slug &&
	    store_article_find(site->store, a, art->lang, art->slug, 0, &other) == STORE_OK &&
	    other.id != self) {
		cli_fail("%s:%u: field \"slug\": \"%s\" is already used by article %lld", file,
		         mdfile_line(info, "slug"), art->slug, (long long)other.id);
		goto out;
	}
	rc = 0;
out:
	buf_finish(&text);
	return rc;
}

static int add_aliases(struct site *site, int64_t id, const struct mdfile_info *info)
{
	size_t i;

	for (i = 0; i < info->naliases; i++) {
		const char *p = info->aliases[i];
		size_t n;
		char *clean;
		while (*p == '/')
			p++;
		clean = xstrdup(p);
		n = strlen(clean);
		if (n >= 10 && strcmp(clean + n - 10, "index.html") == 0)
			clean[n -= 10] = '\0';
		while (n && clean[n - 1] == '/')
			clean[--n] = '\0';
		if (n && store_redirect_add(site->store, clean, id, 0) != STORE_OK) {
			free(clean);
			return -1;
		}
		free(clean);
	}
	return 0;
}

static int do_add(struct site *site, const char *file, const char *section_opt, bool no_publish)
{
	struct arena *a = arena_new(0);
	struct article art = {0};
	struct mdfile_info info;
	struct buf dir = BUF_INIT;
	int64_t id;
	int rc = EXIT_FAIL;

	art.status = ST_PUBLISHED;
	if (load(site, a, file, section_opt, 0, &art, &info) != 0)
		goto out;
	if (store_begin(site->store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	if (store_article_add(site->store, &art, &id) != STORE_OK ||
	    add_aliases(site, id, &info) != 0 || pub_note_article_new(site, id) != 0) {
		store_rollback(site->store);
		cli_fail("%s: %s", file, log_reason());
		goto out;
	}
	if (store_commit(site->store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	{
		struct article now;
		if (store_article_get(site->store, a, id, 0, &now) == STORE_OK) {
			model_article_dir(&dir, now.lang, now.section_path, now.slug);
			if (!cli.quiet)
				printf("%lld\t%s\t%s\n", (long long)id, model_status_name(now.status),
				       dir.p);
		}
	}
	rc = cli_publish(site, no_publish);
out:
	buf_finish(&dir);
	arena_free(a);
	return rc;
}

static int do_update(struct site *site, int64_t id, const char *file, bool no_publish)
{
	struct arena *a = arena_new(0);
	struct article old, art = {0};
	struct mdfile_info info;
	int rc = EXIT_FAIL;

	if (store_article_get(site->store, a, id, 0, &old) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	/* Where it is and how it stands carry over unless the file says otherwise. */
	art.lang = old.lang;
	art.section_path = old.section_path;
	art.status = old.status;
	art.date = old.date;
	art.slug = old.slug;
	art.tkey = old.tkey;
	if (load(site, a, file, NULL, id, &art, &info) != 0)
		goto out;
	log_trace("read file");
	if (strcmp(art.lang, old.lang) != 0) {
		cli_fail("%s:%u: field \"lang\": an article cannot change language (it is %s); add a "
		         "translation instead",
		         file, mdfile_line(&info, "lang"), old.lang);
		goto out;
	}
	if (store_begin(site->store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	if (pub_note_article(site, id) != 0 || store_article_update(site->store, id, &art) != STORE_OK ||
	    add_aliases(site, id, &info) != 0) {
		store_rollback(site->store);
		cli_fail("%s: %s", file, log_reason());
		goto out;
	}
	log_trace("save");
	if (store_commit(site->store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	log_trace("commit");
	rc = cli_publish(site, no_publish);
out:
	arena_free(a);
	return rc;
}

static int do_status(struct site *site, const char *verb, int64_t id, bool no_publish)
{
	enum store_status st;

	if (store_begin(site->store) != STORE_OK)
		return cli_fail_reason();
	if (pub_note_article(site, id) != 0) {
		store_rollback(site->store);
		return cli_fail_reason();
	}
	if (strcmp(verb, "publish") == 0)
		st = store_article_set_status(site->store, id, ST_PUBLISHED);
	else if (strcmp(verb, "unpublish") == 0)
		st = store_article_set_status(site->store, id, ST_DRAFT);
	else if (strcmp(verb, "delete") == 0)
		st = store_article_set_status(site->store, id, ST_TRASH);
	else
		st = store_article_restore(site->store, id);
	if (st != STORE_OK || store_commit(site->store) != STORE_OK) {
		store_rollback(site->store);
		return cli_fail_reason();
	}
	return cli_publish(site, no_publish);
}

static json_t *article_json(const struct article *art)
{
	json_t *o = json_object(), *au = json_array(), *tags = json_array(), *tr = json_array();
	size_t i;

	json_object_set_new(o, "id", json_integer(art->id));
	json_object_set_new(o, "lang", json_string(art->lang));
	json_object_set_new(o, "section", json_string(art->section_path));
	json_object_set_new(o, "slug", json_string(art->slug));
	json_object_set_new(o, "status", json_string(model_status_name(art->status)));
	json_object_set_new(o, "date", json_integer(art->date));
	json_object_set_new(o, "surtitle", json_string(art->surtitle));
	json_object_set_new(o, "title", json_string(art->title));
	json_object_set_new(o, "subtitle", json_string(art->subtitle));
	json_object_set_new(o, "lead", json_string(art->lead));
	json_object_set_new(o, "postscript", json_string(art->postscript));
	json_object_set_new(o, "first_published", json_string(art->first_published));
	json_object_set_new(o, "source_name", json_string(art->source_name));
	json_object_set_new(o, "source_url", json_string(art->source_url));
	json_object_set_new(o, "original_lang", json_string(art->original_lang));
	json_object_set_new(o, "licence", json_string(art->licence));
	for (i = 0; i < art->ntranslators; i++)
		json_array_append_new(tr, json_string(art->translators[i]));
	json_object_set_new(o, "translators", tr);
	for (i = 0; i < art->nauthors; i++)
		json_array_append_new(au, json_pack("{s:s, s:s, s:s}", "name", art->authors[i].name,
		                                    "kind",
		                                    model_author_kind_name(art->authors[i].kind),
		                                    "slug", art->authors[i].slug));
	json_object_set_new(o, "authors", au);
	for (i = 0; i < art->ntags; i++)
		json_array_append_new(tags, json_string(art->tags[i].name));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "translationKey", json_string(art->tkey));
	if (art->body)
		json_object_set_new(o, "body", json_string(art->body));
	return o;
}

static int do_list(struct site *site, const char *lang, const char *section, const char *status,
                   bool json)
{
	struct arena *a = arena_new(0);
	struct article_filter f = {.lang = lang, .status = -1};
	struct article *v;
	size_t n, i;
	bool first;
	int rc = EXIT_FAIL;

	if (status && (f.status = model_status_parse(status)) < 0) {
		cli_fail("--status \"%s\" is not a status (draft, proposed, published, scheduled, "
		         "refused, trash)",
		         status);
		goto out;
	}
	if (section) {
		struct section sec;
		char l[16];
		const char *path;
		if (cli_split_lang_path(section, l, sizeof(l), &path) != 0) {
			cli_fail("--section \"%s\" is not LANG/PATH", section);
			goto out;
		}
		if (store_section_find(site->store, a, l, path, &sec) != STORE_OK) {
			cli_fail_reason();
			goto out;
		}
		f.section_id = sec.id;
	}
	/* Page by page, so that listing a large archive takes little memory. */
	f.limit = 500;
	if (json)
		fputs("[", stdout);
	for (first = true;;) {
		struct arena *pa = arena_new(0);
		if (store_article_list(site->store, pa, &f, &v, &n) != STORE_OK) {
			arena_free(pa);
			cli_fail_reason();
			goto out;
		}
		for (i = 0; i < n; i++) {
			if (json) {
				json_t *o = article_json(&v[i]);
				char *s = json_dumps(o, JSON_INDENT(2));
				printf("%s\n%s", first ? "" : ",", s);
				free(s);
				json_decref(o);
			} else {
				char date[16] = "-";
				if (v[i].date) {
					time_t t = (time_t)v[i].date;
					struct tm tm;
					gmtime_r(&t, &tm);
					strftime(date, sizeof(date), "%Y-%m-%d", &tm);
				}
				printf("%lld\t%s\t%s\t%s\t%s%s%s/%s\t%s\n", (long long)v[i].id,
				       model_status_name(v[i].status), v[i].lang, date, v[i].lang,
				       *v[i].section_path ? "/" : "", v[i].section_path, v[i].slug,
				       v[i].title);
			}
			first = false;
		}
		if (n) {
			f.before_date = v[n - 1].date;
			f.before_id = v[n - 1].id;
		}
		arena_free(pa);
		if (n < f.limit)
			break;
	}
	if (json)
		puts(first ? "]" : "\n]");
	rc = EXIT_OK;
out:
	arena_free(a);
	return rc;
}

static int do_show(struct site *site, int64_t id, bool json)
{
	struct arena *a = arena_new(0);
	struct article art;
	struct redirect *r;
	size_t nr, i;
	const char **aliases;

	if (store_article_get(site->store, a, id, STORE_WITH_BODY, &art) != STORE_OK ||
	    store_redirect_list(site->store, a, id, 0, &r, &nr) != STORE_OK) {
		arena_free(a);
		return cli_fail_reason();
	}
	if (json) {
		json_t *o = article_json(&art);
		char *s = json_dumps(o, JSON_INDENT(2));
		puts(s);
		free(s);
		json_decref(o);
	} else {
		struct buf out = BUF_INIT;
		aliases = arena_calloc(a, nr + 1, sizeof(char *));
		for (i = 0; i < nr; i++)
			aliases[i] = r[i].path;
		mdfile_write_article(&out, &art, aliases, nr);
		fwrite(out.p, 1, out.n, stdout);
		buf_finish(&out);
	}
	arena_free(a);
	return EXIT_OK;
}

static int do_history(struct site *site, int64_t id)
{
	struct arena *a = arena_new(0);
	struct revision *v;
	size_t n, i;

	if (store_revision_list(site->store, a, id, &v, &n) != STORE_OK) {
		arena_free(a);
		return cli_fail_reason();
	}
	for (i = 0; i < n; i++) {
		time_t t = (time_t)v[i].created;
		struct tm tm;
		char when[32];
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		printf("%lld\t%s\t%s\n", (long long)v[i].id, when, v[i].note);
	}
	arena_free(a);
	return EXIT_OK;
}

int cmd_article(int argc, char **argv)
{
	static const struct option opts[] = {
		{"section", required_argument, NULL, 's'},
		{"lang", required_argument, NULL, 'l'},
		{"status", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'j'},
		{"no-publish", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *section = NULL, *lang = NULL, *status = NULL, *verb;
	bool json = false, no_publish = false;
	struct site site;
	int64_t id = 0;
	int c, rc;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			printf("usage: %s", usage);
			return EXIT_OK;
		}
		return cli_usage(usage);
	}
	verb = argv[1];
	argc--;
	argv++;
	while ((c = cli_getopt(argc, argv, "s:l:t:jnh", opts, usage)) != -1) {
		switch (c) {
		case 's': section = optarg; break;
		case 'l': lang = optarg; break;
		case 't': status = optarg; break;
		case 'j': json = true; break;
		case 'n': no_publish = true; break;
		}
	}
	if (strcmp(verb, "add") == 0) {
		if (optind + 1 != argc)
			return cli_usage(usage);
		if (cli_open(&site, 0) != 0)
			return EXIT_FAIL;
		rc = do_add(&site, argv[optind], section, no_publish);
		site_close(&site);
		return rc;
	}
	if (strcmp(verb, "list") == 0) {
		if (optind != argc)
			return cli_usage(usage);
		if (cli_open(&site, SITE_NO_THEME | SITE_READONLY) != 0)
			return EXIT_FAIL;
		rc = do_list(&site, lang, section, status, json);
		site_close(&site);
		return rc;
	}
	if (optind >= argc)
		return cli_usage(usage);
	if (cli_parse_id(argv[optind], &id) != 0)
		return cli_fail("\"%s\" is not an article id (see: tamizdat article list)",
		                argv[optind]);
	if (strcmp(verb, "update") == 0) {
		if (optind + 2 != argc)
			return cli_usage(usage);
		if (cli_open(&site, 0) != 0)
			return EXIT_FAIL;
		rc = do_update(&site, id, argv[optind + 1], no_publish);
	} else if (optind + 1 != argc) {
		return cli_usage(usage);
	} else if (strcmp(verb, "show") == 0 || strcmp(verb, "history") == 0) {
		if (cli_open(&site, SITE_NO_THEME | SITE_READONLY) != 0)
			return EXIT_FAIL;
		rc = strcmp(verb, "show") == 0 ? do_show(&site, id, json) : do_history(&site, id);
	} else if (strcmp(verb, "publish") == 0 || strcmp(verb, "unpublish") == 0 ||
	           strcmp(verb, "delete") == 0 || strcmp(verb, "restore") == 0) {
		if (cli_open(&site, 0) != 0)
			return EXIT_FAIL;
		rc = do_status(&site, verb, id, no_publish);
	} else {
		cli_fail("unknown article command \"%s\" (see: tamizdat article --help)", verb);
		return EXIT_USAGE;
	}
	site_close(&site);
	return rc;
}
