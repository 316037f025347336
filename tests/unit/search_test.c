/*
 * Tests for src/search: articles added to a real site folder are searched
 * through search_run() as the page and the JSON endpoint do.  Morphology
 * per language (inflected forms found from the base, unrelated words not),
 * ranking (a title match beats body matches; recency breaks ties),
 * filters (language, section subtree, author, tag, dates), only published
 * articles found through every status change, bad input (never an error),
 * the parallel table builder of a rebuild checked with FTS5's
 * integrity-check, /search.json answering the same to many connections
 * at once as to one at a time and as in process, the server's answer
 * cache (bounded, and never serving an answer older than the store), and
 * the deadline that stops a query with a message.
 */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sqlite3.h>

#include "search/query.h"
#include "search/search.h"
#include "search/search_cache.h"
#include "search/search_int.h"
#include "search/search_web.h"
#include "site/site.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "web/http.h"

static char sitedir[64];
static struct site site;

static void open_site(void)
{
	struct config cfg;
	static const char *const secs[] = {"europe", "europe/east", "europe/east/russia", "asia"};
	static const char *const langs[] = {"en", "fr", "ru", "uk"};
	size_t i, j;

	snprintf(sitedir, sizeof(sitedir), "/tmp/tz-search-XXXXXX");
	if (mkdtemp(sitedir) == NULL)
		abort();
	config_init(&cfg);
	config_set_langs(&cfg, "en,fr,ru,uk");
	if (site_create(sitedir, &cfg) != 0 || site_open(&site, sitedir, 0) != 0) {
		fprintf(stderr, "%s\n", log_reason());
		abort();
	}
	config_finish(&cfg);
	store_begin(site.store);
	for (i = 0; i < NELEM(langs); i++)
		for (j = 0; j < NELEM(secs); j++)
			if (store_section_add(site.store, langs[i], secs[j], secs[j], "", 0,
			                      NULL) != STORE_OK)
				abort();
	store_commit(site.store);
}

static void close_site(void)
{
	char cmd[128];

	site_close(&site);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sitedir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", sitedir);
}

struct spec {
	const char *lang, *section, *title, *body, *author, *tag;
	enum article_status status; /* 0 (ST_DRAFT): published unless draft */
	bool draft;
	int64_t date;
};

static int64_t add(const struct spec *sp)
{
	struct article in = {0};
	struct author au = {.name = sp->author ? sp->author : "Anna Petrova"};
	struct tag tg = {.name = sp->tag};
	int64_t id = 0;

	in.lang = sp->lang;
	in.section_path = sp->section ? sp->section : "europe";
	in.title = sp->title;
	in.body = sp->body;
	in.status = sp->draft ? ST_DRAFT : sp->status ? sp->status : ST_PUBLISHED;
	in.date = sp->date ? sp->date : 1600000000;
	in.authors = &au;
	in.nauthors = 1;
	if (sp->tag) {
		in.tags = &tg;
		in.ntags = 1;
	}
	if (store_article_add(site.store, &in, &id) != STORE_OK) {
		fprintf(stderr, "add: %s\n", log_reason());
		abort();
	}
	return id;
}

/* Runs text with lang (NULL: all); the result in a; -1 on error. */
static int run(struct arena *a, const char *text, const char *lang, struct search_result *out)
{
	struct query q;
	struct search_opts o = {.lang = lang, .limit = 50, .marks = true};

	query_parse(a, text, strlen(text), &q);
	return search_run(site.search, a, &q, &o, out);
}

static bool has(const struct search_result *r, int64_t id)
{
	size_t i;

	for (i = 0; i < r->nhits; i++)
		if (r->hits[i].id == id)
			return true;
	return false;
}

/* Ids of the hits of text, or -1 on an error. */
static size_t count(const char *text, const char *lang)
{
	struct arena *a = arena_new(0);
	struct search_result r;
	size_t n = (size_t)-1;

	if (run(a, text, lang, &r) == 0)
		n = r.total;
	arena_free(a);
	return n;
}

static bool finds(const char *text, int64_t id)
{
	struct arena *a = arena_new(0);
	struct search_result r;
	bool ok = run(a, text, NULL, &r) == 0 && has(&r, id);

	arena_free(a);
	return ok;
}

/*
 * For each word list: the first form is the article's, every other form
 * must find it; the unrelated words must not.
 */
struct morph {
	const char *lang;
	const char *forms;
	const char *unrelated;
};

static const struct morph morphs[] = {
        {"ru", "война войны войне войну войной войною", "воин вой волна"},
        {"ru", "переговоры переговоров переговорам переговорами", "перевод говорить"},
        {"ru", "ёлка елка ёлки елкой", "ель"},
        {"ru", "забастовка забастовки забастовке забастовкой забастовкам", "заставка"},
        {"uk", "війна війни війні війною", "вій воїн"},
        {"uk", "сім'я сім’я сімʼя", "сім"},
        {"uk", "профспілка профспілки профспілці профспілкою", "спілка"},
        {"en", "negotiation negotiations negotiating negotiated", "navigation"},
        {"en", "strike strikes striking", "stroke"},
        {"en", "workers worker", "working-class"},
        {"fr", "négociations négociation negociation NÉGOCIATIONS", "navigation"},
        {"fr", "grève grèves greve", "grêle"},
        {"fr", "travailleurs travailleur TRAVAILLEURS", "travail"},
};

TEST(morphology_per_language)
{
	int64_t ids[NELEM(morphs)];
	size_t i;

	open_site();
	for (i = 0; i < NELEM(morphs); i++) {
		char first[128], body[256];
		const char *sp = strchr(morphs[i].forms, ' ');
		snprintf(first, sizeof(first), "%.*s", (int)(sp - morphs[i].forms),
		         morphs[i].forms);
		snprintf(body, sizeof(body), "Текст %zu: %s.", i, first);
		ids[i] = add(&(struct spec){.lang = morphs[i].lang, .title = "x", .body = body});
	}
	for (i = 0; i < NELEM(morphs); i++) {
		char buf[256], *w, *save = NULL;
		snprintf(buf, sizeof(buf), "%s", morphs[i].forms);
		for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			if (!finds(w, ids[i]))
				fprintf(stderr, "  %s: %s does not find %s\n", morphs[i].lang, w,
				        morphs[i].forms);
			CHECK(finds(w, ids[i]));
		}
		snprintf(buf, sizeof(buf), "%s", morphs[i].unrelated);
		for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			if (finds(w, ids[i]))
				fprintf(stderr, "  %s: %s finds %s\n", morphs[i].lang, w,
				        morphs[i].forms);
			CHECK(!finds(w, ids[i]));
		}
	}
	close_site();
}

TEST(title_match_beats_body_match)
{
	struct arena *a;
	struct search_result r;
	int64_t body, title, old, new;

	open_site();
	/* Older and with the word many times in its body. */
	body = add(&(struct spec){.lang = "en",
	                          .title = "Harbour news",
	                          .body = "The dockers strike. The strike goes on; the strike "
	                                  "spreads; a strike fund and strike committees.",
	                          .date = 1700000000});
	title = add(&(struct spec){.lang = "en",
	                           .title = "Dockers strike in the port",
	                           .body = "The harbour is closed since Monday.",
	                           .date = 1500000000});
	/* Same text, different dates: the newer first. */
	old = add(&(struct spec){.lang = "en",
	                         .title = "Tram fares",
	                         .body = "Tram fares rise.",
	                         .date = 1400000000});
	new = add(&(struct spec){.lang = "en",
	                         .title = "Tram fares",
	                         .body = "Tram fares rise.",
	                         .date = 1650000000});
	a = arena_new(0);
	CHECK_INTEQ(run(a, "strike", NULL, &r), 0);
	CHECK_INTEQ(r.nhits, 2);
	CHECK_INTEQ(r.hits[0].id, title);
	CHECK_INTEQ(r.hits[1].id, body);
	/* The title comes marked. */
	CHECK(strchr(r.hits[0].title, SEARCH_MARK_ON) != NULL);
	CHECK_INTEQ(run(a, "tram fares", NULL, &r), 0);
	CHECK_INTEQ(r.nhits, 2);
	CHECK_INTEQ(r.hits[0].id, new);
	CHECK_INTEQ(r.hits[1].id, old);
	arena_free(a);
	close_site();
}

TEST(query_language_and_filters)
{
	int64_t e1, e2, e3, r1, u1;

	open_site();
	e1 = add(&(struct spec){.lang = "en",
	                        .section = "europe/east/russia",
	                        .title = "Miners in Vorkuta",
	                        .body = "Coal miners went on strike for unpaid wages.",
	                        .author = "Boris Orlov",
	                        .tag = "labour",
	                        .date = 1262304000 /* 2010-01-01 */});
	e2 = add(&(struct spec){.lang = "en",
	                        .section = "asia",
	                        .title = "Teachers in Almaty",
	                        .body = "Teachers went on strike; a civil war of words.",
	                        .author = "Vera Lin",
	                        .tag = "education",
	                        .date = 1577836800 /* 2020-01-01 */});
	e3 = add(&(struct spec){.lang = "en",
	                        .section = "europe/east",
	                        .title = "Protest in Minsk",
	                        .body = "A protest against the war, not a strike.",
	                        .date = 1609459200 /* 2021-01-01 */});
	r1 = add(&(struct spec){.lang = "ru",
	                        .section = "europe/east/russia",
	                        .title = "Шахтёры Воркуты",
	                        .body = "Шахтёры объявили забастовку.",
	                        .author = "Boris Orlov"});
	u1 = add(&(struct spec){.lang = "uk", .title = "Шахтарі", .body = "Страйк шахтарів."});

	CHECK_INTEQ(count("strike", NULL), 3);
	CHECK_INTEQ(count("strike -war", NULL), 1);
	CHECK(finds("strike -war", e1));
	CHECK_INTEQ(count("\"civil war\"", NULL), 1);
	CHECK(finds("\"civil war\"", e2));
	CHECK_INTEQ(count("\"war civil\"", NULL), 0);
	CHECK_INTEQ(count("teach*", NULL), 1);
	CHECK_INTEQ(count("miners OR teachers", NULL), 2);
	CHECK_INTEQ(count("strike protest", NULL), 1);
	/* Language: option and filter. */
	CHECK_INTEQ(count("шахтёры", "ru"), 1);
	CHECK_INTEQ(count("шахтёры", "en"), 0);
	CHECK_INTEQ(count("шахтёры lang:ru", NULL), 1);
	CHECK(finds("страйк lang:all", u1));
	/* Section subtree, with or without the language. */
	CHECK_INTEQ(count("strike section:europe", NULL), 2);
	CHECK_INTEQ(count("strike section:europe/east/russia", NULL), 1);
	CHECK_INTEQ(count("protest section:europe", NULL), 1);
	CHECK_INTEQ(count("strike OR protest section:europe", NULL), 2);
	CHECK_INTEQ(count("strike section:asia", NULL), 1);
	CHECK_INTEQ(count("strike section:en/europe/east/russia", NULL), 1);
	CHECK(finds("забастовка section:europe/east", r1));
	/* Author (name or slug) and tag. */
	CHECK_INTEQ(count("strike author:boris-orlov", NULL), 1);
	CHECK_INTEQ(count("strike author:\"Vera Lin\"", NULL), 1);
	CHECK_INTEQ(count("strike tag:labour", NULL), 1);
	CHECK_INTEQ(count("strike tag:education", NULL), 1);
	CHECK(finds("strike tag:education", e2));
	/* Dates. */
	CHECK_INTEQ(count("strike from:2015", NULL), 2);
	CHECK_INTEQ(count("strike to:2015", NULL), 1);
	CHECK_INTEQ(count("strike from:2020-01 to:2020-01-01", NULL), 1);
	CHECK(finds("strike to:2020", e3) == false);
	CHECK(finds("protest from:2021", e3));
	/* Unknown section or author: nothing, and a message, not an error. */
	{
		struct arena *a = arena_new(0);
		struct search_result r;
		CHECK_INTEQ(run(a, "strike section:nowhere", NULL, &r), 0);
		CHECK_INTEQ(r.nhits, 0);
		CHECK(r.nmsgs > 0);
		CHECK_INTEQ(run(a, "strike author:nobody-at-all", NULL, &r), 0);
		CHECK_INTEQ(r.nhits, 0);
		CHECK(r.nmsgs > 0);
		arena_free(a);
	}
	close_site();
}

TEST(only_published_articles_are_found)
{
	int64_t pub, draft, proposed, sched, refused;

	open_site();
	pub = add(&(struct spec){.lang = "en", .title = "Zeppelin one", .body = "zeppelin"});
	draft = add(&(struct spec){
	        .lang = "en", .title = "Zeppelin draft", .body = "zeppelin", .draft = true});
	proposed = add(&(struct spec){.lang = "en",
	                              .title = "Zeppelin proposed",
	                              .body = "zeppelin",
	                              .status = ST_PROPOSED});
	sched = add(&(struct spec){.lang = "en",
	                           .title = "Zeppelin scheduled",
	                           .body = "zeppelin",
	                           .status = ST_SCHEDULED,
	                           .date = 4000000000});
	refused = add(&(struct spec){.lang = "en",
	                             .title = "Zeppelin refused",
	                             .body = "zeppelin",
	                             .status = ST_REFUSED});
	CHECK_INTEQ(count("zeppelin", NULL), 1);
	CHECK(finds("zeppelin", pub));
	(void)draft, (void)proposed, (void)sched, (void)refused;

	/* Unpublish, publish, trash, restore, edit, move: the index follows. */
	CHECK_INTEQ(store_article_set_status(site.store, pub, ST_DRAFT), STORE_OK);
	CHECK_INTEQ(count("zeppelin", NULL), 0);
	CHECK_INTEQ(store_article_set_status(site.store, draft, ST_PUBLISHED), STORE_OK);
	CHECK_INTEQ(count("zeppelin", NULL), 1);
	CHECK(finds("zeppelin", draft));
	CHECK_INTEQ(store_article_set_status(site.store, draft, ST_TRASH), STORE_OK);
	CHECK_INTEQ(count("zeppelin", NULL), 0);
	CHECK_INTEQ(store_article_restore(site.store, draft), STORE_OK);
	{
		struct arena *a = arena_new(0);
		struct article got;
		CHECK_INTEQ(store_article_get(site.store, a, draft, 0, &got), STORE_OK);
		CHECK_INTEQ(count("zeppelin", NULL), got.status == ST_PUBLISHED ? 1 : 0);
		arena_free(a);
	}
	CHECK_INTEQ(store_article_set_status(site.store, draft, ST_PUBLISHED), STORE_OK);
	CHECK_INTEQ(count("zeppelin", NULL), 1);
	{
		struct arena *a = arena_new(0);
		struct article got;
		CHECK_INTEQ(store_article_get(site.store, a, draft, STORE_WITH_BODY, &got),
		            STORE_OK);
		got.body = "airship";
		got.title = "Airship";
		got.section_path = "asia";
		CHECK_INTEQ(store_article_update(site.store, draft, &got), STORE_OK);
		arena_free(a);
	}
	CHECK_INTEQ(count("zeppelin", NULL), 0);
	CHECK_INTEQ(count("airship section:asia", NULL), 1);
	CHECK_INTEQ(count("airship section:europe", NULL), 0);
	/* A rolled back change leaves the index as it was. */
	CHECK_INTEQ(store_begin(site.store), STORE_OK);
	CHECK_INTEQ(store_article_set_status(site.store, draft, ST_DRAFT), STORE_OK);
	CHECK_INTEQ(count("airship", NULL), 0);
	store_rollback(site.store);
	CHECK_INTEQ(count("airship", NULL), 1);
	/* A rebuild finds the same. */
	{
		struct search_stats stats;
		CHECK_INTEQ(search_reindex(site.search, false, &stats), 0);
		CHECK_INTEQ(stats.articles, 1);
	}
	CHECK_INTEQ(count("airship", NULL), 1);
	CHECK_INTEQ(count("zeppelin", NULL), 0);
	close_site();
}

TEST(bad_input_is_never_an_error)
{
	static const char *const inputs[] = {
	        "",
	        "   ",
	        "\"",
	        "\"unbalanced quote",
	        "word\"",
	        "*",
	        "-",
	        "-word",
	        ":",
	        "a:b",
	        "(",
	        ")",
	        "NEAR(a b)",
	        "a NEAR b",
	        "^start",
	        "title:strike",
	        "strike*",
	        "s*",
	        "OR",
	        "OR OR strike",
	        "strike OR",
	        "AND NOT",
	        "{title}: strike",
	        "lang:",
	        "lang:xx strike",
	        "section:",
	        "from:notadate strike",
	        "to:2020-13-45 strike",
	        "bogus:filter strike",
	        "\xff\xfe strike \xc3",
	        "\xd0\xb2\xd0",
	        "strike\x01\x02\x7f",
	        "'\\'%_",
	        "strike'; DROP TABLE article; --",
	};
	struct arena *a;
	struct search_result r;
	struct buf big = BUF_INIT;
	size_t i;

	open_site();
	add(&(struct spec){.lang = "en", .title = "Strike", .body = "strike word"});
	a = arena_new(0);
	for (i = 0; i < NELEM(inputs); i++) {
		if (run(a, inputs[i], NULL, &r) != 0)
			fprintf(stderr, "  error on input %zu: %s\n", i, log_reason());
		CHECK_INTEQ(run(a, inputs[i], NULL, &r), 0);
	}
	/* Empty: a message to show. */
	CHECK_INTEQ(run(a, "", NULL, &r), 0);
	CHECK(r.nmsgs > 0);
	CHECK_INTEQ(r.msgs[0].code, QUERY_MSG_EMPTY);
	/* Syntax characters are plain characters: the word is still found. */
	CHECK_INTEQ(run(a, "\"strike", NULL, &r), 0);
	CHECK_INTEQ(r.nhits, 1);
	CHECK_INTEQ(run(a, "(strike)", NULL, &r), 0);
	CHECK_INTEQ(r.nhits, 1);
	CHECK_INTEQ(run(a, "^strike:", NULL, &r), 0);
	CHECK_INTEQ(r.nhits, 1);
	CHECK_INTEQ(run(a, "NEAR(strike word)", NULL, &r), 0); /* "near strike word" */
	CHECK_INTEQ(r.nhits, 0);
	CHECK_INTEQ(run(a, "\xff strike", NULL, &r), 0);
	CHECK_INTEQ(r.nhits, 1);
	/* 10 KB: cut with a message. */
	for (i = 0; i < 10240 / 8; i++)
		buf_puts(&big, "strike  ");
	CHECK_INTEQ(run(a, big.p, NULL, &r), 0);
	CHECK(r.nmsgs > 0);
	for (i = 0; i < r.nmsgs && r.msgs[i].code != QUERY_MSG_TOO_LONG; i++)
		;
	CHECK(i < r.nmsgs);
	buf_finish(&big);
	/* Paging past the limit: a message, not an error. */
	{
		struct query q;
		struct search_opts o = {.offset = SEARCH_MAX_RESULTS, .limit = 10};
		query_parse(a, "strike", 6, &q);
		CHECK_INTEQ(search_run(site.search, a, &q, &o, &r), 0);
		CHECK_INTEQ(r.nhits, 0);
	}
	arena_free(a);
	close_site();
}

/* FTS5's own check of a table: 0 if sound. */
static int integrity(const char *table)
{
	sqlite3 *db = store_db(site.store);
	char sql[256];

	snprintf(sql, sizeof(sql), "INSERT INTO \"%s\"(\"%s\", rank) VALUES ('integrity-check', 1)",
	         table, table);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "  %s: %s\n", table, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* Replaces article id's title, or its body, keeping the rest.  0 or -1. */
static int edit(int64_t id, const char *title, const char *body)
{
	struct arena *a = arena_new(0);
	struct article got;
	int rc = -1;

	if (store_article_get(site.store, a, id, STORE_WITH_BODY, &got) == STORE_OK) {
		if (title)
			got.title = title;
		if (body)
			got.body = body;
		if (store_article_update(site.store, id, &got) == STORE_OK)
			rc = 0;
		else
			fprintf(stderr, "  edit: %s\n", log_reason());
	}
	arena_free(a);
	return rc;
}

/*
 * An edit reindexes the article with the new text's tokens, recorded once
 * and replayed for the columns that did not change: the old row must go
 * exactly (FTS5's integrity check), whichever column changed.
 */
TEST(edits_reindex_exactly)
{
	static const struct {
		const char *lang, *table, *title, *body, *title2, *body2, *word, *word2;
	} c[] = {
	        {"en", "search_fts_en", "Strike at the port", "The dockers negotiated all night.",
	         "Lockout at the port", "The owners refused every offer.", "negotiation", "offers"},
	        {"ru", "search_fts_ru", "Забастовка в порту", "Докеры вели переговоры всю ночь.",
	         "Локаут в порту", "Владельцы отвергли все предложения.", "переговоров",
	         "предложение"},
	        {"uk", "search_fts_uk", "Страйк у порту", "Докери вели переговори всю ніч.",
	         "Локаут у порту", "Власники відкинули всі пропозиції.", "переговорів",
	         "пропозиція"},
	};
	size_t i;

	open_site();
	for (i = 0; i < NELEM(c); i++) {
		int64_t id = add(
		        &(struct spec){.lang = c[i].lang, .title = c[i].title, .body = c[i].body});
		/* A new title, the same body. */
		CHECK_INTEQ(edit(id, c[i].title2, NULL), 0);
		CHECK_INTEQ(integrity(c[i].table), 0);
		CHECK(finds(c[i].word, id));
		CHECK_INTEQ(count(c[i].lang[0] == 'e' ? "strike" : c[i].title, c[i].lang), 0);
		/* The same title, a new body. */
		CHECK_INTEQ(edit(id, NULL, c[i].body2), 0);
		CHECK_INTEQ(integrity(c[i].table), 0);
		CHECK(finds(c[i].word2, id));
		CHECK_INTEQ(count(c[i].word, c[i].lang), 0);
		/* Both, and back. */
		CHECK_INTEQ(edit(id, c[i].title, c[i].body), 0);
		CHECK_INTEQ(integrity(c[i].table), 0);
		CHECK(finds(c[i].word, id));
		CHECK_INTEQ(count(c[i].word2, c[i].lang), 0);
	}
	close_site();
}

static int pragma_int(const char *sql)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(store_db(site.store), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

TEST(rebuild_in_parallel_tables)
{
	struct search_stats stats;
	int64_t ids[600];
	size_t i, n = 0;
	int secure;

	open_site();
	CHECK_INTEQ(store_begin(site.store), STORE_OK);
	/* Enough per language for the parallel builder (search_index.c BUILD_MIN). */
	for (i = 0; i < 260; i++) {
		char t[64], b[128];
		snprintf(t, sizeof(t), "Report %zu", i);
		snprintf(b, sizeof(b), "Negotiations number %zu went on; word%zu.", i, i);
		ids[n++] = add(&(struct spec){.lang = "en", .title = t, .body = b});
		snprintf(b, sizeof(b), "Переговоры номер %zu продолжались; слово%zu.", i, i);
		ids[n++] = add(&(struct spec){.lang = "ru", .title = t, .body = b});
	}
	/* A small language goes the one-by-one way in the same rebuild. */
	ids[n++] = add(&(struct spec){.lang = "fr", .title = "Grève", .body = "négociations"});
	add(&(struct spec){.lang = "en", .title = "Draft", .body = "negotiation", .draft = true});
	CHECK_INTEQ(store_commit(site.store), STORE_OK);
	CHECK_INTEQ(search_reindex(site.search, false, &stats), 0);
	CHECK_INTEQ(stats.articles, n);
	CHECK_INTEQ(stats.langs, 3);
	/* Again, over the tables just built: they are dropped without zeroing them. */
	secure = pragma_int("PRAGMA secure_delete");
	CHECK_INTEQ(search_reindex(site.search, false, &stats), 0);
	CHECK_INTEQ(stats.articles, n);
	/* ...and the store's setting is back for everything else. */
	CHECK_INTEQ(pragma_int("PRAGMA secure_delete"), secure);
	CHECK_INTEQ(integrity("search_fts_en"), 0);
	CHECK_INTEQ(integrity("search_fts_ru"), 0);
	CHECK_INTEQ(integrity("search_fts_fr"), 0);
	CHECK_INTEQ(count("negotiation", "en"), 260);
	CHECK_INTEQ(count("переговорам", "ru"), 260);
	CHECK_INTEQ(count("négociation", "fr"), 1);
	CHECK_INTEQ(count("word137", NULL), 1);
	CHECK(finds("слово42", ids[85]));
	/* No scratch databases left behind. */
	{
		char p[256];
		snprintf(p, sizeof(p), "%s/tamizdat.db-search-en", sitedir);
		CHECK(access(p, F_OK) != 0);
	}
	/* The copied tables keep following changes. */
	CHECK_INTEQ(store_article_set_status(site.store, ids[0], ST_DRAFT), STORE_OK);
	CHECK_INTEQ(count("negotiation", "en"), 259);
	CHECK_INTEQ(integrity("search_fts_en"), 0);
	close_site();
}

/*
 * The ranking reads the column sizes from the %_docsize record it is
 * given (tz_rank's third argument) instead of asking FTS5: on columns of
 * 1-, 2- and 3-byte sizes every row must rank as with FTS5's sizes, and a
 * record that is not one gives way to them.
 */
TEST(rank_with_docsize_record_as_with_fts5)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	struct buf body = BUF_INIT;
	struct search_rank r1, r2, r3;
	size_t i, k, rows = 0;

	open_site();
	CHECK_INTEQ(store_begin(site.store), STORE_OK);
	for (i = 0; i < 12; i++) {
		char t[64];
		buf_reset(&body);
		/* 3 to 24,000 words: sizes of one, two and three varint bytes. */
		for (k = 0; k < 3 + i * i * i * 14; k++)
			buf_printf(&body, "%s%zu ", k % 50 ? "filler" : "strike", k % 7);
		buf_puts(&body, "strike.");
		snprintf(t, sizeof(t), "%s %zu", i % 2 ? "Strike" : "Report", i);
		add(&(struct spec){.lang = "en", .title = t, .body = body.p});
	}
	CHECK_INTEQ(store_commit(site.store), STORE_OK);
	db = store_db(site.store);
	CHECK_INTEQ(sqlite3_prepare_v2(db,
	                               "SELECT f.rowid, tz_rank(search_fts_en, ?1, z.sz), "
	                               "tz_rank(search_fts_en, ?2), "
	                               "tz_rank(search_fts_en, ?3, x'01') "
	                               "FROM search_fts_en f "
	                               "LEFT JOIN search_fts_en_docsize z ON z.id = f.rowid "
	                               "WHERE search_fts_en MATCH 'strike'",
	                               -1, &st, NULL),
	            SQLITE_OK);
	search_rank_init(&r1);
	search_rank_init(&r2);
	search_rank_init(&r3);
	sqlite3_bind_pointer(st, 1, &r1, SEARCH_RANK_PTR, NULL);
	sqlite3_bind_pointer(st, 2, &r2, SEARCH_RANK_PTR, NULL);
	sqlite3_bind_pointer(st, 3, &r3, SEARCH_RANK_PTR, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		CHECK_INTEQ(sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2));
		CHECK_INTEQ(sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 2));
		rows++;
	}
	CHECK_INTEQ(sqlite3_finalize(st), SQLITE_OK);
	CHECK_INTEQ(rows, 12);
	CHECK_INTEQ(r1.count, 12);
	buf_finish(&body);
	close_site();
}

/*
 * A prefix query's hits get their marks from one statement over their
 * rowid range (search_run.c, marks_range()); one hit at a time they get
 * them from a statement each.  Both must mark the same words.
 */
TEST(prefix_marks_as_one_by_one)
{
	static const char *const forms[] = {"negotiation", "negotiations", "negotiating",
	                                    "Negotiator", "negotiated"};
	struct arena *a = arena_new(0);
	struct search_result all, one;
	struct query q;
	size_t i, k;

	open_site();
	CHECK_INTEQ(store_begin(site.store), STORE_OK);
	for (i = 0; i < 14; i++) {
		char t[64];
		struct buf b = BUF_INIT;
		for (k = 0; k < i * 9; k++)
			buf_printf(&b, "word%zu ", k);
		buf_printf(&b, "the %s went on, %s again.", forms[i % 5], forms[(i + 2) % 5]);
		snprintf(t, sizeof(t), "%s %zu", i % 3 ? "Report" : forms[i % 5], i);
		add(&(struct spec){.lang = i % 4 ? "en" : "fr", .title = t, .body = b.p});
		buf_finish(&b);
	}
	CHECK_INTEQ(store_commit(site.store), STORE_OK);
	query_parse(a, "negotiat*", strlen("negotiat*"), &q);
	{
		struct search_opts o = {.limit = 10, .marks = true};
		CHECK_INTEQ(search_run(site.search, a, &q, &o, &all), 0);
	}
	CHECK_INTEQ(all.total, 14);
	CHECK_INTEQ(all.nhits, 10);
	for (i = 0; i < all.nhits; i++) {
		struct search_opts o = {.offset = i, .limit = 1, .marks = true};
		CHECK_INTEQ(search_run(site.search, a, &q, &o, &one), 0);
		CHECK_INTEQ(one.nhits, 1);
		CHECK_INTEQ(one.hits[0].id, all.hits[i].id);
		CHECK_STREQ(one.hits[0].title, all.hits[i].title);
		CHECK_STREQ(one.hits[0].snippet, all.hits[i].snippet);
		CHECK(strchr(all.hits[i].snippet, SEARCH_MARK_ON) != NULL);
	}
	arena_free(a);
	close_site();
}

/* ---- the JSON endpoint under concurrent requests ---------------------- */

/* GETs /search.json?lang=LANG&q=TEXT (lang NULL: none) from the server on port; the body. */
static int get_json(unsigned port, const char *lang, const char *text, struct buf *body)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct buf req = BUF_INIT, in = BUF_INIT;
	const unsigned char *p;
	char chunk[4096];
	const char *sep;
	ssize_t n;
	int fd, rc = -1;

	buf_puts(&req, "GET /search.json?");
	if (lang)
		buf_printf(&req, "lang=%s&", lang);
	buf_puts(&req, "q=");
	for (p = (const unsigned char *)text; *p; p++)
		buf_printf(&req, "%%%02X", *p);
	buf_puts(&req, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		goto out;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    write(fd, req.p, req.n) != (ssize_t)req.n)
		goto out;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(&in, chunk, (size_t)n);
	buf_putc(&in, '\0');
	if (in.n < 12 || strncmp(in.p + 8, " 200", 4) != 0 ||
	    (sep = strstr(in.p, "\r\n\r\n")) == NULL)
		goto out;
	buf_reset(body);
	buf_puts(body, sep + 4);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	buf_finish(&req);
	buf_finish(&in);
	return rc;
}

struct jq {
	const char *lang, *text;
};

static const struct jq jqs[] = {
        {"ru", "война"},
        {"ru", "переговоры -мир"},
        {"ru", "\"рабочие строят\""},
        {"uk", "війна"},
        {"uk", "профспілк*"},
        {"en", "negotiations"},
        {"en", "strike OR miners"},
        {"en", "strike section:europe"},
        {"fr", "négociations"},
        {"fr", "grève author:anna-petrova"},
        {NULL, "strike lang:all"},
        {"en", "zzzz-nothing"},
        {"en", ""},
        {"ru", "\"unbalanced"},
};

struct client {
	unsigned port;
	size_t first; /* each client its own order */
	struct buf *want;
	int mismatches;
};

static void *client_main(void *arg)
{
	struct client *c = arg;
	struct buf got = BUF_INIT;
	size_t round, k, i;

	for (round = 0; round < 3; round++)
		for (k = 0; k < NELEM(jqs); k++) {
			i = (c->first + k) % NELEM(jqs);
			if (get_json(c->port, jqs[i].lang, jqs[i].text, &got) != 0 ||
			    got.n != c->want[i].n || memcmp(got.p, c->want[i].p, got.n) != 0) {
				fprintf(stderr, "client %zu, %s: got %.*s\n", c->first, jqs[i].text,
				        (int)got.n, got.p ? got.p : "");
				c->mismatches++;
			}
		}
	buf_finish(&got);
	return NULL;
}

/*
 * The server's workers each take a pooled read-only connection: answers
 * given to six clients at once are those given to one at a time, and
 * those of the site's own connection in process.
 */
TEST(concurrent_queries_answer_as_serial_ones)
{
	static const char *const langs[] = {"ru", "uk", "en", "fr"};
	static const char *const words[] = {"война войны войной переговоры рабочие строят мир",
	                                    "війна війни профспілки профспілкою переговори",
	                                    "strike strikes miners negotiations teachers peace",
	                                    "grève grèves négociations travailleurs paix"};
	struct buf want[NELEM(jqs)], body = BUF_INIT;
	struct client cl[6];
	pthread_t th[6];
	struct search_web *w;
	struct http_route routes[8];
	struct http_config cfg = {0};
	struct http_server *srv;
	size_t i, j, k;

	open_site();
	CHECK_INTEQ(store_begin(site.store), STORE_OK);
	for (i = 0; i < 80; i++) {
		char t[96];
		struct buf b = BUF_INIT;
		j = i % NELEM(langs);
		snprintf(t, sizeof(t), "%s %zu", i % 3 ? "Report" : words[j], i);
		/* Long bodies with the words late in them: snippets from deep inside. */
		for (k = 0; k < 40 + i * 7 % 300; k++)
			buf_printf(&b, "filler%zu ", (i + k) % 97);
		buf_puts(&b, words[j]);
		buf_printf(&b, " filler%zu.", i);
		add(&(struct spec){.lang = langs[j],
		                   .section = i % 2 ? "europe/east" : "asia",
		                   .title = t,
		                   .body = b.p,
		                   .date = 1600000000 + (int64_t)(i % 10) * 86400});
		buf_finish(&b);
	}
	CHECK_INTEQ(store_commit(site.store), STORE_OK);

	/* In process, on the site's own connection. */
	for (i = 0; i < NELEM(jqs); i++) {
		struct arena *a = arena_new(0);
		struct search_opts o = {
		        .lang = jqs[i].lang, .limit = SEARCH_WEB_PAGE, .marks = true};
		struct search_page p;
		want[i] = (struct buf)BUF_INIT;
		CHECK_INTEQ(
		        search_web_query(&site, site.store, site.search, a, jqs[i].text, &o, &p),
		        0);
		search_web_json(&site, a, jqs[i].text, &o, &p, &want[i]);
		arena_free(a);
	}
	CHECK(strstr(want[0].p, "\"total\":20,") != NULL);
	CHECK(strstr(want[5].p, "<mark>negotiations</mark>") != NULL);

	w = search_web_new(&site);
	cfg.root = site.public_dir;
	cfg.routes = routes;
	cfg.nroutes = search_web_routes(w, routes, NELEM(routes));
	cfg.threads = 4;
	cfg.quiet = true;
	srv = http_server_start(&cfg);
	CHECK(srv != NULL);
	/* One at a time. */
	for (i = 0; i < NELEM(jqs); i++) {
		CHECK_INTEQ(get_json(http_server_port(srv), jqs[i].lang, jqs[i].text, &body), 0);
		if (strcmp(body.p, want[i].p) != 0)
			fprintf(stderr, "%s:\n  server:     %s  in process: %s", jqs[i].text,
			        body.p, want[i].p);
		CHECK_STREQ(body.p, want[i].p);
	}
	/* Six at once, each in its own order. */
	for (i = 0; i < NELEM(cl); i++) {
		cl[i] = (struct client){http_server_port(srv), i * 5, want, 0};
		CHECK_INTEQ(pthread_create(&th[i], NULL, client_main, &cl[i]), 0);
	}
	for (i = 0; i < NELEM(cl); i++)
		pthread_join(th[i], NULL);
	http_server_stop(srv);
	search_web_free(w);
	for (i = 0; i < NELEM(cl); i++)
		CHECK_INTEQ(cl[i].mismatches, 0);
	for (i = 0; i < NELEM(jqs); i++)
		buf_finish(&want[i]);
	buf_finish(&body);
	close_site();
}

/* ---- the answer cache ------------------------------------------------- */

TEST(answer_cache_is_bounded_and_follows_epochs)
{
	struct search_cache *c = search_cache_new(64 * 1024);
	struct search_cache_stats st;
	struct buf got = BUF_INIT;
	char key[32], body[1000];
	const char *ct = NULL;
	uint64_t e = search_cache_epoch(c);
	int status = 0;
	size_t i;

	memset(body, 'x', sizeof(body));
	CHECK(!search_cache_get(c, "a", &got, &status, &ct));
	search_cache_put(c, "a", e, 200, "application/json", "{\"n\":1}", 7);
	CHECK(search_cache_get(c, "a", &got, &status, &ct));
	CHECK_INTEQ(got.n, 7);
	CHECK(memcmp(got.p, "{\"n\":1}", 7) == 0);
	CHECK_INTEQ(status, 200);
	CHECK_STREQ(ct, "application/json");
	/* Replaced under the same key. */
	search_cache_put(c, "a", e, 200, "application/json", "{\"n\":2}", 7);
	buf_reset(&got);
	CHECK(search_cache_get(c, "a", &got, &status, &ct));
	CHECK(memcmp(got.p, "{\"n\":2}", 7) == 0);
	/* A new epoch: nothing of the old one is served or stored. */
	CHECK_INTEQ(search_cache_bump(c), e);
	CHECK(!search_cache_get(c, "a", &got, &status, &ct));
	search_cache_put(c, "a", e, 200, NULL, "old", 3);
	CHECK(!search_cache_get(c, "a", &got, &status, &ct));
	e = search_cache_epoch(c);
	/* Bounded: 200 answers of 1000 bytes in 64 KiB, the oldest out first. */
	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		search_cache_put(c, key, e, 200, NULL, body, sizeof(body));
		if (i == 150) /* used again: stays */
			CHECK(search_cache_get(c, "k100", &got, &status, &ct) || i < 100);
	}
	search_cache_stats(c, &st);
	CHECK(st.bytes <= 64 * 1024);
	CHECK(st.entries > 40);
	CHECK(st.evictions > 100);
	CHECK(!search_cache_get(c, "k0", &got, &status, &ct));
	CHECK(search_cache_get(c, "k199", &got, &status, &ct));
	/* An answer over an eighth of the cache is not kept. */
	{
		char *big = xcalloc(1, 9 * 1024);
		search_cache_put(c, "big", e, 200, NULL, big, 9 * 1024);
		CHECK(!search_cache_get(c, "big", &got, &status, &ct));
		free(big);
	}
	search_cache_free(c);
	/* No room: nothing kept. */
	c = search_cache_new(0);
	search_cache_put(c, "a", search_cache_epoch(c), 200, NULL, "x", 1);
	CHECK(!search_cache_get(c, "a", &got, &status, &ct));
	search_cache_free(c);
	buf_finish(&got);
}

/*
 * Answers served twice come from the cache; any commit to the store --
 * unpublishing, an edit, a section renamed, made by another connection as
 * the command line or the admin would -- is seen by the next request.
 */
TEST(cached_answers_follow_every_commit)
{
	struct search_cache_stats st;
	struct search_web *w;
	struct http_route routes[8];
	struct http_config cfg = {0};
	struct http_server *srv;
	struct buf one = BUF_INIT, two = BUF_INIT;
	unsigned port;
	int64_t id, other;

	open_site();
	id = add(&(struct spec){.lang = "en",
	                        .section = "europe/east",
	                        .title = "Dirigible report",
	                        .body = "The dirigible flew."});
	other = add(&(struct spec){.lang = "en", .title = "Dirigible two", .body = "dirigible"});
	w = search_web_new(&site);
	CHECK(w != NULL);
	cfg.root = site.public_dir;
	cfg.routes = routes;
	cfg.nroutes = search_web_routes(w, routes, NELEM(routes));
	cfg.threads = 2;
	cfg.quiet = true;
	srv = http_server_start(&cfg);
	CHECK(srv != NULL);
	port = http_server_port(srv);

	CHECK_INTEQ(get_json(port, "en", "dirigible", &one), 0);
	CHECK(strstr(one.p, "\"total\":2,") != NULL);
	CHECK_INTEQ(get_json(port, "en", "dirigible", &two), 0);
	CHECK_STREQ(two.p, one.p);
	search_web_cache_stats(w, &st);
	CHECK(st.hits >= 1);
	CHECK(st.stores >= 1);

	/* Unpublished: gone at once. */
	CHECK_INTEQ(store_article_set_status(site.store, other, ST_DRAFT), STORE_OK);
	CHECK_INTEQ(get_json(port, "en", "dirigible", &two), 0);
	CHECK(strstr(two.p, "\"total\":1,") != NULL);
	CHECK(strstr(two.p, "Dirigible two") == NULL);
	/* Its section renamed: the breadcrumb of the next answer says so. */
	CHECK(strstr(two.p, "Zeppelin Lands") == NULL);
	{
		struct arena *a = arena_new(0);
		struct section sec;
		CHECK_INTEQ(store_section_find(site.store, a, "en", "europe/east", &sec), STORE_OK);
		CHECK_INTEQ(store_section_update(site.store, sec.id, "Zeppelin Lands", NULL, -1),
		            STORE_OK);
		arena_free(a);
	}
	CHECK_INTEQ(get_json(port, "en", "dirigible", &two), 0);
	CHECK(strstr(two.p, "Zeppelin Lands") != NULL);
	/* Published again: back. */
	CHECK_INTEQ(store_article_set_status(site.store, other, ST_PUBLISHED), STORE_OK);
	CHECK_INTEQ(get_json(port, "en", "dirigible", &two), 0);
	CHECK(strstr(two.p, "\"total\":2,") != NULL);
	(void)id;

	http_server_stop(srv);
	search_web_free(w);
	buf_finish(&one);
	buf_finish(&two);
	close_site();
}

struct same {
	unsigned port;
	const char *text;
	pthread_barrier_t *go;
	struct buf body;
	int rc;
};

static void *same_main(void *arg)
{
	struct same *x = arg;

	pthread_barrier_wait(x->go);
	x->rc = get_json(x->port, "en", x->text, &x->body);
	return NULL;
}

/* Eight readers at once per query, all answered. */
static void eight_at_once(unsigned port, const char *text, struct same *x)
{
	pthread_barrier_t go;
	pthread_t th[8];
	size_t i;

	pthread_barrier_init(&go, NULL, 8);
	for (i = 0; i < 8; i++) {
		x[i] = (struct same){port, text, &go, BUF_INIT, -1};
		if (pthread_create(&th[i], NULL, same_main, &x[i]) != 0)
			abort();
	}
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
}

/*
 * Readers asking the same new question at once: one search runs, the
 * others wait for its answer, and all get the same one.
 */
TEST(same_searches_at_once_run_once)
{
	struct search_web *w;
	struct http_route routes[8];
	struct http_config cfg = {0};
	struct http_server *srv;
	struct same x[8];
	unsigned long before;
	size_t i, k;

	open_site();
	CHECK_INTEQ(store_begin(site.store), STORE_OK);
	for (i = 0; i < 300; i++) {
		char t[64];
		struct buf b = BUF_INIT;
		snprintf(t, sizeof(t), "Strike report %zu", i);
		for (k = 0; k < 200; k++)
			buf_printf(&b, "striking workers%zu strike%zu ", k % 13, (i + k) % 31);
		add(&(struct spec){.lang = "en", .title = t, .body = b.p});
		buf_finish(&b);
	}
	CHECK_INTEQ(store_commit(site.store), STORE_OK);
	w = search_web_new(&site);
	cfg.root = site.public_dir;
	cfg.routes = routes;
	cfg.nroutes = search_web_routes(w, routes, NELEM(routes));
	cfg.threads = 2;
	cfg.work_threads = 2;
	cfg.quiet = true;
	/* A connection for each thread, made before: a new one empties the cache. */
	CHECK_INTEQ(search_web_open(w, 4), 0);
	srv = http_server_start(&cfg);
	CHECK(srv != NULL);
	for (k = 0; k < 3; k++) {
		char q[32];
		snprintf(q, sizeof(q), "workers%zu", k);
		eight_at_once(http_server_port(srv), q, x);
		for (i = 0; i < 8; i++)
			buf_finish(&x[i].body);
	}
	before = search_web_searches(w);
	eight_at_once(http_server_port(srv), "strik* -nothing", x);
	CHECK_INTEQ(search_web_searches(w) - before, 1);
	for (i = 0; i < 8; i++) {
		CHECK_INTEQ(x[i].rc, 0);
		CHECK(x[i].body.p && strstr(x[i].body.p, "\"total\":300,") != NULL);
		CHECK_STREQ(x[i].body.p, x[0].body.p);
	}
	for (i = 0; i < 8; i++)
		buf_finish(&x[i].body);
	http_server_stop(srv);
	search_web_free(w);
	close_site();
}

/* A query past its deadline: no results, a message, never an error. */
TEST(deadline_stops_with_a_message)
{
	struct arena *a;
	struct search_result r;
	struct query q;
	size_t i;
	bool said = false;

	open_site();
	add(&(struct spec){.lang = "en", .title = "Balloon", .body = "balloon"});
	a = arena_new(0);
	query_parse(a, "balloon", 7, &q);
	{
		struct search_opts o = {.limit = 10, .marks = true, .deadline = 1};
		CHECK_INTEQ(search_run(site.search, a, &q, &o, &r), 0);
	}
	CHECK(r.timed_out);
	CHECK_INTEQ(r.nhits, 0);
	CHECK_INTEQ(r.total, 0);
	for (i = 0; i < r.nmsgs; i++)
		said = said || r.msgs[i].code == QUERY_MSG_TIMEOUT;
	CHECK(said);
	CHECK(strstr(query_message_text(a, &(struct query_message){QUERY_MSG_TIMEOUT, ""}),
	             "too long") != NULL);
	/* With time enough, the same query answers. */
	{
		struct search_opts o = {
		        .limit = 10, .marks = true, .deadline = search_clock_ms() + 60000};
		CHECK_INTEQ(search_run(site.search, a, &q, &o, &r), 0);
	}
	CHECK(!r.timed_out);
	CHECK_INTEQ(r.nhits, 1);
	arena_free(a);
	close_site();
}

TESTS(T(morphology_per_language), T(edits_reindex_exactly), T(title_match_beats_body_match),
      T(query_language_and_filters), T(only_published_articles_are_found),
      T(bad_input_is_never_an_error), T(rebuild_in_parallel_tables),
      T(rank_with_docsize_record_as_with_fts5), T(prefix_marks_as_one_by_one),
      T(concurrent_queries_answer_as_serial_ones), T(answer_cache_is_bounded_and_follows_epochs),
      T(cached_answers_follow_every_commit), T(deadline_stops_with_a_message),
      T(same_searches_at_once_run_once))
