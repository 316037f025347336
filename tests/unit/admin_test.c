/*
 * Tests for src/admin/admin*.c and adm_*.c below HTTP: the [admin]
 * configuration, the rights of each role over articles and sections
 * (every workflow action for every status), and scheduled publishing
 * as the server's tick runs it.
 */
#include "test.h"

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
	unsetenv("TAMIZDAT_NOW");
	admin_free(adm);
	arena_free(a);
	fs_remove_tree(dir);
}

TESTS(T(admin_config_defaults_and_keys), T(config_keeps_other_modules_sections),
      T(rights_by_role_status_and_section), T(limited_lists_page_within_the_subtrees),
      T(scheduled_articles_are_published_when_due))
