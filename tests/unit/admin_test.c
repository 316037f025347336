/*
 * Tests for src/admin/admin*.c and adm_*.c below HTTP: the [admin]
 * configuration, the rights of each role over articles and sections
 * (every workflow action for every status), and scheduled publishing
 * as the server's tick runs it.
 */
#include "test.h"

#include <dirent.h>
#include <stdint.h>
#include <unistd.h>

#include "admin/adm_int.h"
#include "site/config.h"
#include "site/site.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/fsutil.h"
#include "util/log.h"

static char dir[64];

static void make_site(void)
{
	struct config cfg;

	snprintf(dir, sizeof(dir), "/tmp/tz-admin-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	fs_remove_tree(dir);
	config_init(&cfg);
	config_set_langs(&cfg, "en,ru");
	if (site_create(dir, &cfg) != 0)
		abort();
	config_finish(&cfg);
}

TEST(admin_config_defaults_and_keys)
{
	struct admin_config ac;
	struct config cfg;

	config_init(&cfg);
	CHECK_INTEQ(admin_config_load(&ac, &cfg), 0);
	CHECK_STREQ(ac.url, "http://127.0.0.1:8080/admin/");
	CHECK(!ac.secure_cookie);
	CHECK_INTEQ(ac.session_lifetime, 24 * 3600);
	CHECK_INTEQ(ac.session_idle, 8 * 3600);
	free(cfg.extra);
	cfg.extra = xstrdup("\n[smtp]\nhost = x\n\n[admin]\nurl = https://adm.example.org/admin\n"
	                    "secure_cookie = yes\nsession_hours = 4\nidle_hours = 9\n");
	CHECK_INTEQ(admin_config_load(&ac, &cfg), 0);
	CHECK_STREQ(ac.url, "https://adm.example.org/admin/");
	CHECK(ac.secure_cookie);
	CHECK_INTEQ(ac.session_lifetime, 4 * 3600);
	CHECK_INTEQ(ac.session_idle, 4 * 3600); /* never longer than the session */
	free(cfg.extra);
	cfg.extra = xstrdup("[admin]\nsesion_hours = 4\n");
	CHECK_INTEQ(admin_config_load(&ac, &cfg), -1);
	CHECK(strstr(log_reason(), "sesion_hours") != NULL);
	free(cfg.extra);
	cfg.extra = xstrdup("[admin]\nsession_hours = 0\n");
	CHECK_INTEQ(admin_config_load(&ac, &cfg), -1);
	free(cfg.extra);
	cfg.extra = xstrdup("[admin]\nurl = ftp://x/\n");
	CHECK_INTEQ(admin_config_load(&ac, &cfg), -1);
	config_finish(&cfg);
}

TEST(config_keeps_other_modules_sections)
{
	struct config cfg;
	char path[128];
	struct buf b = BUF_INIT;

	make_site();
	snprintf(path, sizeof(path), "%s/tamizdat.ini", dir);
	config_init(&cfg);
	CHECK_INTEQ(config_load(&cfg, path), 0);
	fs_read_file(path, &b, 1 << 20);
	buf_puts(&b, "\n[admin]\nsecure_cookie = yes\n");
	fs_write_atomic(path, b.p, b.n, 0);
	config_finish(&cfg);
	config_init(&cfg);
	CHECK_INTEQ(config_load(&cfg, path), 0);
	CHECK(config_value_valid("A title"));
	CHECK(!config_value_valid("A ; comment"));
	CHECK(!config_value_valid("two\nlines"));
	CHECK(!config_value_valid(" padded"));
	free(cfg.title);
	cfg.title = xstrdup("Renamed");
	CHECK_INTEQ(config_save(&cfg, path), 0);
	config_finish(&cfg);
	buf_reset(&b);
	fs_read_file(path, &b, 1 << 20);
	CHECK(strstr(b.p, "title = Renamed") != NULL);
	CHECK(strstr(b.p, "[admin]\nsecure_cookie = yes\n") != NULL);
	buf_finish(&b);
	fs_remove_tree(dir);
}

/* A request context as the router makes it, for the rights checks. */
static struct adm_req req_as(struct admin *adm, struct arena *a, int64_t uid)
{
	struct adm_req r = {0};

	r.adm = adm;
	r.site = &adm->site;
	r.s = adm->site.store;
	r.a = a;
	r.lang = "en";
	if (uid) {
		if (account_get(r.s, a, uid, &r.user) != STORE_OK)
			abort();
		r.authed = true;
	}
	return r;
}

static int64_t add_article(struct store *s, int64_t uid, const char *path, const char *title,
                           enum article_status st)
{
	struct article in = {0};
	int64_t id;

	in.lang = "en";
	in.section_path = path;
	in.title = title;
	in.body = "Text.";
	in.status = st;
	store_set_actor(s, uid, NULL);
	if (store_article_add(s, &in, &id) != STORE_OK)
		abort();
	store_set_actor(s, 0, NULL);
	return id;
}

TEST(rights_by_role_status_and_section)
{
	struct admin *adm;
	struct arena *a = arena_new(0);
	struct article art;
	struct store *s;
	int64_t boss, ed, lim, cora, other, news, world, mine, theirs, outside;
	struct adm_req r;
	int act;

	make_site();
	adm = admin_new(dir);
	CHECK(adm != NULL);
	s = adm->site.store;
	CHECK_INTEQ(store_section_add(s, "en", "news", "News", "", 0, &news), STORE_OK);
	CHECK_INTEQ(store_section_add(s, "en", "world", "World", "", 0, &world), STORE_OK);
	CHECK_INTEQ(account_add(s, "boss@x.org", "", ROLE_ADMIN, "en", &boss), STORE_OK);
	CHECK_INTEQ(account_add(s, "ed@x.org", "", ROLE_EDITOR, "en", &ed), STORE_OK);
	CHECK_INTEQ(account_add(s, "lim@x.org", "", ROLE_EDITOR, "en", &lim), STORE_OK);
	CHECK_INTEQ(account_set_sections(s, lim, &news, 1), STORE_OK);
	CHECK_INTEQ(account_add(s, "cora@x.org", "", ROLE_CONTRIBUTOR, "en", &cora), STORE_OK);
	CHECK_INTEQ(account_add(s, "other@x.org", "", ROLE_CONTRIBUTOR, "en", &other), STORE_OK);
	mine = add_article(s, cora, "news", "Mine", ST_DRAFT);
	theirs = add_article(s, other, "news", "Theirs", ST_DRAFT);
	outside = add_article(s, ed, "world", "Outside", ST_PUBLISHED);

	/* Anonymous: nothing. */
	r = req_as(adm, a, 0);
	CHECK_INTEQ(store_article_get(s, a, mine, 0, &art), STORE_OK);
	CHECK(!adm_can_view(&r, &art));
	for (act = 0; act < ACT_COUNT; act++)
		CHECK(!adm_can_act(&r, &art, (enum adm_action)act));

	/* A contributor: own drafts only; propose and take back, never publish. */
	r = req_as(adm, a, cora);
	CHECK(!adm_is_editor(&r));
	CHECK(adm_can_view(&r, &art) && adm_can_edit(&r, &art));
	CHECK(adm_can_act(&r, &art, ACT_PROPOSE));
	CHECK(!adm_can_act(&r, &art, ACT_PUBLISH));
	CHECK(!adm_can_act(&r, &art, ACT_SCHEDULE));
	CHECK(!adm_can_act(&r, &art, ACT_REFUSE));
	CHECK(adm_can_act(&r, &art, ACT_TRASH));
	art.status = ST_PROPOSED;
	CHECK(adm_can_edit(&r, &art));
	CHECK(adm_can_act(&r, &art, ACT_WITHDRAW));
	CHECK(!adm_can_act(&r, &art, ACT_TRASH));
	art.status = ST_PUBLISHED;
	CHECK(adm_can_view(&r, &art) && !adm_can_edit(&r, &art));
	CHECK(!adm_can_act(&r, &art, ACT_WITHDRAW));
	CHECK_INTEQ(store_article_get(s, a, theirs, 0, &art), STORE_OK);
	CHECK(!adm_can_view(&r, &art) && !adm_can_edit(&r, &art));
	for (act = 0; act < ACT_COUNT; act++)
		CHECK(!adm_can_act(&r, &art, (enum adm_action)act));

	/* An editor limited to news: everything there, nothing in world. */
	r = req_as(adm, a, lim);
	CHECK(adm_is_editor(&r) && !adm_is_admin(&r));
	CHECK(adm_section_ok(&r, news));
	CHECK(!adm_section_ok(&r, world));
	CHECK(adm_can_edit(&r, &art));
	art.status = ST_PROPOSED;
	CHECK(adm_can_act(&r, &art, ACT_PUBLISH) && adm_can_act(&r, &art, ACT_REFUSE));
	CHECK(adm_can_act(&r, &art, ACT_SCHEDULE));
	CHECK_INTEQ(store_article_get(s, a, outside, 0, &art), STORE_OK);
	CHECK(!adm_can_view(&r, &art));
	CHECK(!adm_can_act(&r, &art, ACT_WITHDRAW));
	CHECK(!adm_can_act(&r, &art, ACT_TRASH));

	/* An editor without limits, and the admin: everywhere. */
	r = req_as(adm, a, ed);
	CHECK(adm_can_edit(&r, &art) && adm_can_act(&r, &art, ACT_WITHDRAW));
	CHECK(!adm_can_act(&r, &art, ACT_PUBLISH)); /* already published */
	CHECK(!adm_can_act(&r, &art, ACT_RESTORE)); /* not in the trash */
	art.status = ST_TRASH;
	CHECK(!adm_can_edit(&r, &art));
	CHECK(adm_can_act(&r, &art, ACT_RESTORE) && !adm_can_act(&r, &art, ACT_TRASH));
	r = req_as(adm, a, boss);
	CHECK(adm_is_admin(&r) && adm_section_ok(&r, world));

	CHECK_INTEQ(adm_action_parse("publish"), ACT_PUBLISH);
	CHECK_INTEQ(adm_action_parse("explode"), -1);
	CHECK_STREQ(adm_action_name(ACT_SCHEDULE), "schedule");
	admin_free(adm);
	arena_free(a);
	fs_remove_tree(dir);
}

/*
 * An editor limited to several subtrees pages through exactly his
 * articles, however many others were changed more recently; nested
 * limits show each article once.
 */
TEST(limited_lists_page_within_the_subtrees)
{
	struct admin *adm;
	struct arena *a = arena_new(0);
	struct article_filter f = {.status = -1, .order = ARTICLE_BY_UPDATED};
	struct article *v;
	struct store *s;
	int64_t lim, cora, news, sub, world, other, lims[3], mine[6];
	struct adm_req r;
	char title[32];
	size_t n, i;

	make_site();
	adm = admin_new(dir);
	CHECK(adm != NULL);
	s = adm->site.store;
	CHECK_INTEQ(store_section_add(s, "en", "news", "News", "", 0, &news), STORE_OK);
	CHECK_INTEQ(store_section_add(s, "en", "news/sub", "Sub", "", 0, &sub), STORE_OK);
	CHECK_INTEQ(store_section_add(s, "en", "world", "World", "", 0, &world), STORE_OK);
	CHECK_INTEQ(store_section_add(s, "en", "other", "Other", "", 0, &other), STORE_OK);
	CHECK_INTEQ(account_add(s, "lim@x.org", "", ROLE_EDITOR, "en", &lim), STORE_OK);
	lims[0] = news;
	lims[1] = world;
	lims[2] = sub; /* inside news: its articles must not come twice */
	CHECK_INTEQ(account_set_sections(s, lim, lims, 3), STORE_OK);
	CHECK_INTEQ(account_add(s, "cora@x.org", "", ROLE_CONTRIBUTOR, "en", &cora), STORE_OK);
	CHECK_INTEQ(account_set_sections(s, cora, lims, 2), STORE_OK);
	/* Six of his, oldest first (ties of the clock go by id), then thirty others. */
	for (i = 0; i < 6; i++) {
		static const char *const where[] = {"news", "news/sub", "world"};
		snprintf(title, sizeof(title), "Mine %zu", i);
		mine[i] = add_article(s, i < 2 ? cora : 0, where[i % 3], title,
		                      i == 5 ? ST_PROPOSED : ST_DRAFT);
	}
	for (i = 0; i < 30; i++) {
		snprintf(title, sizeof(title), "Other %zu", i);
		add_article(s, 0, "other", title, ST_PROPOSED);
	}

	r = req_as(adm, a, lim);
	f.limit = 4;
	CHECK_INTEQ(adm_article_query(&r, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 4);
	for (i = 0; i < n; i++)
		CHECK_INTEQ(v[i].id, mine[5 - i]);
	f.offset = 4;
	CHECK_INTEQ(adm_article_query(&r, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 2);
	CHECK_INTEQ(v[0].id, mine[1]);
	CHECK_INTEQ(v[1].id, mine[0]);
	f.offset = 6;
	CHECK_INTEQ(adm_article_query(&r, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 0);
	f.offset = 0;
	f.limit = 0;
	CHECK_INTEQ(adm_article_query(&r, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 6);
	/* The proposed queue of the dashboard: his one, not the thirty others. */
	f.status = ST_PROPOSED;
	f.limit = 20;
	CHECK_INTEQ(adm_article_query(&r, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 1);
	CHECK_INTEQ(v[0].id, mine[5]);
	/* A subtree he may use pages in one query; one he may not gives nothing. */
	f.status = -1;
	f.section_id = news;
	CHECK_INTEQ(adm_article_query(&r, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 4);
	f.section_id = other;
	CHECK_INTEQ(adm_article_query(&r, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 0);
	/* A contributor limited likewise: only her own, inside her sections. */
	r = req_as(adm, a, cora);
	f.section_id = 0;
	CHECK_INTEQ(adm_article_query(&r, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 2);
	CHECK_INTEQ(v[0].id, mine[1]);
	CHECK_INTEQ(v[1].id, mine[0]);
	admin_free(adm);
	arena_free(a);
	fs_remove_tree(dir);
}

TEST(scheduled_articles_are_published_when_due)
{
	struct admin *adm;
	struct arena *a = arena_new(0);
	struct article art;
	struct status_change *log;
	struct store *s;
	char path[256];
	unsigned n = 99;
	int64_t id, id2;
	size_t nlog;

	make_site();
	adm = admin_new(dir);
	CHECK(adm != NULL);
	s = adm->site.store;
	CHECK_INTEQ(store_section_add(s, "en", "news", "News", "", 0, NULL), STORE_OK);
	id = add_article(s, 0, "news", "Soon", ST_DRAFT);
	id2 = add_article(s, 0, "news", "Later", ST_DRAFT);
	CHECK_INTEQ(store_article_schedule(s, id, 2000000000), STORE_OK);
	CHECK_INTEQ(store_article_schedule(s, id2, 2000000100), STORE_OK);
	snprintf(path, sizeof(path), "%s/public/en/news/soon/index.html", dir);

	CHECK_INTEQ(admin_publish_due(adm, 1999999999, 10, &n), 0);
	CHECK_INTEQ(n, 0);
	CHECK(!fs_exists(path));
	setenv("TAMIZDAT_NOW", "2000000050", 1); /* the store's clock, as the tick's */
	CHECK_INTEQ(admin_publish_due(adm, 2000000050, 10, &n), 0);
	CHECK_INTEQ(n, 1);
	CHECK(fs_exists(path)); /* the page is written by the time it returns */
	CHECK_INTEQ(store_article_get(s, a, id, 0, &art), STORE_OK);
	CHECK_INTEQ(art.status, ST_PUBLISHED);
	CHECK_INTEQ(art.date, 2000000000);
	CHECK_INTEQ(store_status_log(s, a, id, &log, &nlog), STORE_OK);
	CHECK_STREQ(log[0].from, "scheduled");
	CHECK_STREQ(log[0].to, "published");
	CHECK_INTEQ(log[0].user_id, 0); /* the server, not an account */
	CHECK_INTEQ(store_article_get(s, a, id2, 0, &art), STORE_OK);
	CHECK_INTEQ(art.status, ST_SCHEDULED);
	/* A backlog is cleared a few at a time. */
	setenv("TAMIZDAT_NOW", "2000000200", 1);
	CHECK_INTEQ(admin_publish_due(adm, 2000000200, 0, &n), 0);
	CHECK_INTEQ(n, 0);
	CHECK_INTEQ(admin_publish_due(adm, 2000000200, 10, &n), 0);
	CHECK_INTEQ(n, 1);
	snprintf(path, sizeof(path), "%s/public/en/news/later/index.html", dir);
	CHECK(fs_exists(path));
	/*
	 * One that cannot be published holds up neither the one due after it
	 * nor each tick.  (In a section 260 levels deep it would be in more
	 * lists than an article may be: every ancestor has one.)
	 */
	{
		struct article in = {0};
		struct buf deep = BUF_INIT;
		int64_t bad, good;
		size_t t;
		buf_puts(&deep, "news");
		CHECK_INTEQ(store_begin(s), STORE_OK);
		for (t = 0; t < 260; t++) {
			buf_puts(&deep, "/d");
			CHECK_INTEQ(store_section_add(s, "en", deep.p, "D", "", 0, NULL), STORE_OK);
		}
		CHECK_INTEQ(store_commit(s), STORE_OK);
		in.lang = "en";
		in.section_path = arena_strdup(a, deep.p);
		buf_finish(&deep);
		in.title = "Too deep";
		in.body = "Text.";
		in.status = ST_DRAFT;
		CHECK_INTEQ(store_article_add(s, &in, &bad), STORE_OK);
		good = add_article(s, 0, "news", "Due after it", ST_DRAFT);
		CHECK_INTEQ(store_article_schedule(s, bad, 2000000300), STORE_OK);
		CHECK_INTEQ(store_article_schedule(s, good, 2000000310), STORE_OK);
		setenv("TAMIZDAT_NOW", "2000000400", 1);
		CHECK_INTEQ(admin_publish_due(adm, 2000000400, 10, &n), 0);
		CHECK_INTEQ(n, 1);
		CHECK_INTEQ(store_article_get(s, a, good, 0, &art), STORE_OK);
		CHECK_INTEQ(art.status, ST_PUBLISHED);
		CHECK_INTEQ(store_article_get(s, a, bad, 0, &art), STORE_OK);
		CHECK_INTEQ(art.status, ST_SCHEDULED);
		CHECK_INTEQ(adm->nunpublishable, 1);
		/* Passed over on the next ticks, tried again ten minutes later. */
		CHECK_INTEQ(admin_publish_due(adm, 2000000401, 10, &n), 0);
		CHECK_INTEQ(n, 0);
		CHECK_INTEQ(admin_publish_due(adm, 2000001100, 10, &n), 0);
		CHECK_INTEQ(n, 0);
		CHECK_INTEQ(adm->nunpublishable, 1);
		CHECK_INTEQ(adm->unpublishable_since, 2000001100);
	}
	unsetenv("TAMIZDAT_NOW");
	admin_free(adm);
	arena_free(a);
	fs_remove_tree(dir);
}

/* ---- the admin's strings in its four languages ---------------------------- */

struct keys {
	char *k[1024];
	char *v[1024];
	size_t n;
	struct buf text;
};

/* Reads the key = value lines of locales/FILE into ks (which owns the text). */
static int read_keys(const char *file, struct keys *ks)
{
	char path[4096], *p, *line, *save = NULL;

	snprintf(path, sizeof(path), "%s/locales/%s", getenv("TZ_SRC"), file);
	ks->n = 0;
	buf_init(&ks->text);
	if (fs_read_file(path, &ks->text, 1 << 20) != 0)
		return -1;
	for (line = strtok_r(ks->text.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq, *e;
		line += strspn(line, " \t");
		if (*line == '#' || *line == ';' || *line == '[' || *line == '\0')
			continue;
		eq = strchr(line, '=');
		if (eq == NULL || ks->n == NELEM(ks->k))
			return -1;
		for (e = eq; e > line && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		p = eq + 1;
		p += strspn(p, " \t");
		ks->k[ks->n] = line;
		ks->v[ks->n++] = p;
	}
	return 0;
}

static const char *key_value(const struct keys *ks, const char *k, size_t len)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (strlen(ks->k[i]) == len && strncmp(ks->k[i], k, len) == 0)
			return ks->v[i];
	return NULL;
}

/* Each "admin_x" (code) or {{t.x}} (theme) in the files of folder must have an English string. */
static size_t unknown_keys(const char *folder, const char *ext, const char *open,
                           const struct keys *en, const struct keys *main_en)
{
	char path[4096];
	struct buf b = BUF_INIT;
	size_t bad = 0, ol = strlen(open);
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", getenv("TZ_SRC"), folder);
	d = opendir(path);
	if (d == NULL)
		return 1;
	while ((de = readdir(d)) != NULL) {
		size_t nl = strlen(de->d_name), el = strlen(ext);
		const char *p;
		if (nl <= el || strcmp(de->d_name + nl - el, ext) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", getenv("TZ_SRC"), folder, de->d_name);
		buf_reset(&b);
		if (fs_read_file(path, &b, 1 << 22) != 0)
			return bad + 1;
		for (p = strstr(buf_cstr(&b), open); p; p = strstr(p + 1, open)) {
			const char *k = p + ol, *e = k;
			while ((*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9') || *e == '_')
				e++;
			/* Keys made at run time ("admin_done_%s") are not literals. */
			if (e == k || (*open == '"' && *e != '"'))
				continue;
			if (*open == '"') /* the prefix is part of the key */
				k = p + 1;
			if (key_value(en, k, (size_t)(e - k)) == NULL &&
			    key_value(main_en, k, (size_t)(e - k)) == NULL) {
				fprintf(stderr, "%s: no English string for %.*s\n", de->d_name,
				        (int)(e - k), k);
				bad++;
			}
		}
	}
	closedir(d);
	buf_finish(&b);
	return bad;
}

/*
 * The admin speaks en, fr, ru and uk: every string in every language
 * (no silent English fallback), with the same {x} placeholders, and
 * every key the code and the theme use exists.
 */
TEST(admin_strings_in_every_language)
{
	static const char *const langs[] = {"fr", "ru", "uk"};
	static struct keys en, main_en, other;
	size_t i, j, missing = 0;

	CHECK(getenv("TZ_SRC") != NULL);
	CHECK_INTEQ(read_keys("en.admin.ini", &en), 0);
	CHECK_INTEQ(read_keys("en.ini", &main_en), 0);
	CHECK(en.n > 100);
	for (i = 0; i < NELEM(langs); i++) {
		char file[32];
		snprintf(file, sizeof(file), "%s.admin.ini", langs[i]);
		CHECK_INTEQ(read_keys(file, &other), 0);
		for (j = 0; j < en.n; j++) {
			const char *v = key_value(&other, en.k[j], strlen(en.k[j]));
			if (v == NULL || *v == '\0' ||
			    (strstr(en.v[j], "{x}") != NULL) != (strstr(v, "{x}") != NULL)) {
				fprintf(stderr, "%s: %s missing, empty or without its {x}\n", file,
				        en.k[j]);
				missing++;
			}
		}
		for (j = 0; j < other.n; j++)
			if (key_value(&en, other.k[j], strlen(other.k[j])) == NULL) {
				fprintf(stderr, "%s: %s is not in English\n", file, other.k[j]);
				missing++;
			}
		buf_finish(&other.text);
	}
	CHECK_INTEQ(missing, 0);
	CHECK_INTEQ(unknown_keys("src/admin", ".c", "\"admin_", &en, &main_en), 0);
	CHECK_INTEQ(unknown_keys("themes/admin", ".mustache", "{{t.", &en, &main_en), 0);
	CHECK_INTEQ(unknown_keys("themes/admin", ".mustache", "{{#t.", &en, &main_en), 0);
	buf_finish(&en.text);
	buf_finish(&main_en.text);
}

TESTS(T(admin_config_defaults_and_keys), T(config_keeps_other_modules_sections),
      T(rights_by_role_status_and_section), T(limited_lists_page_within_the_subtrees),
      T(scheduled_articles_are_published_when_due), T(admin_strings_in_every_language))
