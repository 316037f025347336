/*
 * Tests for src/store: schema, sections with their closure, articles with
 * revisions, redirects and listings, the trash, the publish queue.
 */
#include "test.h"

#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/log.h"

static char dir[64];
static struct store *s;
static struct arena *a;

static void setup(void)
{
	char path[128];

	snprintf(dir, sizeof(dir), "/tmp/tz-store-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/t.db", dir);
	if (store_open(path, STORE_CREATE, &s) != STORE_OK)
		abort();
	a = arena_new(0);
}

static void teardown(void)
{
	store_close(s);
	arena_free(a);
	fs_remove_tree(dir);
}

static struct article art_in(const char *lang, const char *section, const char *title)
{
	static struct author au[2];
	static struct tag tg[2];
	struct article in = {0};

	au[0] = (struct author){.name = "Anna Karov"};
	au[1] = (struct author){.name = "Memorial Group", .kind = AUTHOR_ORGANISATION};
	tg[0] = (struct tag){.name = "history"};
	tg[1] = (struct tag){.name = "archives"};
	in.lang = lang;
	in.section_path = section;
	in.title = title;
	in.body = "Body with *emphasis*.\n\nSecond paragraph.";
	in.status = ST_PUBLISHED;
	in.date = 1700000000;
	in.authors = au;
	in.nauthors = 2;
	in.tags = tg;
	in.ntags = 2;
	return in;
}

TEST(sections_tree_and_closure)
{
	int64_t id, *ids;
	size_t n;
	struct section sec;
	struct section *all;

	setup();
	CHECK_INTEQ(store_section_add(s, "en", "europe", "Europe", "", 1, NULL), STORE_OK);
	CHECK_INTEQ(store_section_add(s, "en", "europe/russia", "Russia", "d", 0, NULL), STORE_OK);
	CHECK_INTEQ(store_section_add(s, "en", "europe/russia/left", "On the left", "", 0, &id),
	            STORE_OK);
	CHECK_INTEQ(store_section_chain(s, a, id, &ids, &n), STORE_OK);
	CHECK_INTEQ(n, 4); /* root, europe, russia, left */
	CHECK_INTEQ(store_section_get(s, a, ids[0], &sec), STORE_OK);
	CHECK_STREQ(sec.path, "");
	CHECK_INTEQ(store_section_find(s, a, "en", "europe/russia/left", &sec), STORE_OK);
	CHECK_INTEQ(sec.depth, 3);
	/* Missing parent, duplicate, bad slug, reserved slug. */
	CHECK_INTEQ(store_section_add(s, "en", "asia/japan", "Japan", "", 0, NULL),
	            STORE_NOT_FOUND);
	CHECK_INTEQ(store_section_add(s, "en", "europe", "Europe", "", 0, NULL), STORE_EXISTS);
	CHECK_INTEQ(store_section_add(s, "en", "Bad Slug", "X", "", 0, NULL), STORE_INVALID);
	CHECK_INTEQ(store_section_add(s, "en", "authors", "X", "", 0, NULL), STORE_INVALID);
	CHECK_INTEQ(store_section_add(s, "en", "europe/page", "X", "", 0, NULL), STORE_INVALID);
	CHECK_INTEQ(store_section_list(s, a, "en", &all, &n), STORE_OK);
	CHECK_INTEQ(n, 4);
	CHECK_STREQ(all[1].path, "europe");
	CHECK_STREQ(all[3].path, "europe/russia/left");
	teardown();
}

TEST(section_list_in_tree_order)
{
	static const char *const want[] = {"en:",  "en:b", "en:b/z", "en:b/a",
	                                   "en:a", "en:c", "fr:",    "fr:x"};
	struct section *all;
	size_t n, i;
	char got[64];

	setup();
	/* Added out of order: siblings go by position, then slug. */
	CHECK_INTEQ(store_section_add(s, "fr", "x", "X", "", 0, NULL), STORE_OK);
	CHECK_INTEQ(store_section_add(s, "en", "c", "C", "", 2, NULL), STORE_OK);
	CHECK_INTEQ(store_section_add(s, "en", "a", "A", "", 1, NULL), STORE_OK);
	CHECK_INTEQ(store_section_add(s, "en", "b", "B", "", 0, NULL), STORE_OK);
	CHECK_INTEQ(store_section_add(s, "en", "b/z", "Z", "", 0, NULL), STORE_OK);
	CHECK_INTEQ(store_section_add(s, "en", "b/a", "A", "", 5, NULL), STORE_OK);
	CHECK_INTEQ(store_section_list(s, a, NULL, &all, &n), STORE_OK);
	CHECK_INTEQ(n, NELEM(want));
	for (i = 0; i < n && i < NELEM(want); i++) {
		snprintf(got, sizeof(got), "%s:%s", all[i].lang, all[i].path);
		CHECK_STREQ(got, want[i]);
	}
	CHECK_INTEQ(store_section_list(s, a, "fr", &all, &n), STORE_OK);
	CHECK_INTEQ(n, 2);
	CHECK_STREQ(all[1].path, "x");
	teardown();
}

/* Size of the store's write-ahead log file, -1 if there is none. */
static long wal_size(void)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/t.db-wal", dir);
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Sections enough to write the log past 256 KiB. */
static void write_a_lot(const char *prefix)
{
	char path[64], title[1000];
	int i;

	memset(title, 'x', sizeof(title) - 1);
	title[sizeof(title) - 1] = '\0';
	store_begin(s);
	for (i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "%s%d", prefix, i);
		if (store_section_add(s, "en", path, title, "", 0, NULL) != STORE_OK)
			abort();
	}
	store_commit(s);
}

TEST(close_empties_a_large_log_unless_in_use)
{
	char path[128];
	sqlite3 *reader;
	sqlite3_stmt *st;
	long saved = store_log_max;
	struct section sec;

	setup();
	snprintf(path, sizeof(path), "%s/t.db", dir);
	/* Creating the schema filled the log: emptied at any size. */
	store_log_max = 1;
	store_close(s);
	CHECK_INTEQ(wal_size(), 0);
	store_log_max = 256 << 10;
	CHECK_INTEQ(store_open(path, 0, &s), STORE_OK);
	/* A small log is left as it is: emptying costs a checkpoint. */
	CHECK_INTEQ(store_section_add(s, "en", "europe", "Europe", "", 0, NULL), STORE_OK);
	store_close(s);
	CHECK(wal_size() > 0 && wal_size() < store_log_max);
	CHECK_INTEQ(store_open(path, 0, &s), STORE_OK);
	/* A large one is emptied, and what it held is in the database. */
	write_a_lot("a");
	CHECK(wal_size() >= store_log_max);
	store_close(s);
	CHECK_INTEQ(wal_size(), 0);
	CHECK_INTEQ(store_open(path, 0, &s), STORE_OK);
	CHECK_INTEQ(store_section_find(s, a, "en", "a399", &sec), STORE_OK);
	CHECK_INTEQ(store_section_find(s, a, "en", "europe", &sec), STORE_OK);
	/* With a reader in a transaction, closing neither waits nor empties it. */
	write_a_lot("b");
	CHECK_INTEQ(sqlite3_open(path, &reader), SQLITE_OK);
	CHECK_INTEQ(sqlite3_exec(reader, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	CHECK_INTEQ(sqlite3_prepare_v2(reader, "SELECT count(*) FROM section", -1, &st, NULL),
	            SQLITE_OK);
	CHECK_INTEQ(sqlite3_step(st), SQLITE_ROW);
	store_close(s);
	CHECK(wal_size() >= store_log_max);
	sqlite3_finalize(st);
	sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(reader);
	CHECK_INTEQ(store_open(path, 0, &s), STORE_OK);
	store_log_max = saved;
	teardown();
}

TEST(section_move_keeps_closure_and_refuses_cycles)
{
	int64_t europe, russia, left, asia, *ids;
	size_t n;
	struct section sec;

	setup();
	store_section_add(s, "en", "europe", "Europe", "", 0, &europe);
	store_section_add(s, "en", "europe/russia", "Russia", "", 0, &russia);
	store_section_add(s, "en", "europe/russia/left", "Left", "", 0, &left);
	store_section_add(s, "en", "asia", "Asia", "", 0, &asia);
	CHECK_INTEQ(store_section_move(s, europe, left, NULL), STORE_INVALID);
	CHECK(strstr(log_reason(), "own subtree") != NULL);
	CHECK_INTEQ(store_section_move(s, russia, asia, "rus"), STORE_OK);
	CHECK_INTEQ(store_section_get(s, a, left, &sec), STORE_OK);
	CHECK_STREQ(sec.path, "asia/rus/left");
	CHECK_INTEQ(sec.depth, 3);
	CHECK_INTEQ(store_section_chain(s, a, left, &ids, &n), STORE_OK);
	CHECK_INTEQ(n, 4);
	CHECK(ids[1] == asia && ids[2] == russia && ids[3] == left);
	CHECK_INTEQ(store_section_subtree(s, a, europe, &ids, &n), STORE_OK);
	CHECK_INTEQ(n, 1);
	/* The old folders redirect to the sections. */
	{
		struct redirect *r;
		CHECK_INTEQ(store_redirect_list(s, a, 0, left, &r, &n), STORE_OK);
		CHECK_INTEQ(n, 1);
		CHECK_STREQ(r[0].path, "en/europe/russia/left");
	}
	teardown();
}

TEST(article_add_get_and_slug_rules)
{
	struct article in, out;
	int64_t id, id2;

	setup();
	store_section_add(s, "ru", "europe", "Европа", "", 0, NULL);
	in = art_in("ru", "europe", "Война и мир");
	in.first_published = "1869";
	in.source_url = "https://example.org/x";
	CHECK_INTEQ(store_article_add(s, &in, &id), STORE_OK);
	CHECK_INTEQ(store_article_get(s, a, id, STORE_WITH_BODY, &out), STORE_OK);
	CHECK_STREQ(out.slug, "voina-i-mir");
	CHECK_STREQ(out.section_path, "europe");
	CHECK_STREQ(out.body, in.body);
	CHECK_INTEQ(out.nauthors, 2);
	CHECK_STREQ(out.authors[1].name, "Memorial Group");
	CHECK_INTEQ(out.authors[1].kind, AUTHOR_ORGANISATION);
	CHECK_STREQ(out.tags[0].slug, "history");
	CHECK_STREQ(out.first_published, "1869");
	CHECK(strstr(out.excerpt, "Body with emphasis") != NULL);
	/* Same title again: a unique slug is made. */
	CHECK_INTEQ(store_article_add(s, &in, &id2), STORE_OK);
	CHECK_INTEQ(store_article_get(s, a, id2, 0, &out), STORE_OK);
	CHECK_STREQ(out.slug, "voina-i-mir-2");
	/* An explicit duplicate slug is refused. */
	in.slug = "voina-i-mir";
	CHECK_INTEQ(store_article_add(s, &in, NULL), STORE_EXISTS);
	CHECK(strstr(log_reason(), "slug") != NULL);
	/* Bad fields. */
	in = art_in("ru", "europe", "");
	CHECK_INTEQ(store_article_add(s, &in, NULL), STORE_INVALID);
	CHECK(strstr(log_reason(), "title") != NULL);
	in = art_in("ru", "nowhere", "X");
	CHECK_INTEQ(store_article_add(s, &in, NULL), STORE_NOT_FOUND);
	in = art_in("ru", "europe", "Bad \xff title");
	CHECK_INTEQ(store_article_add(s, &in, NULL), STORE_INVALID);
	CHECK(strstr(log_reason(), "UTF-8") != NULL);
	in = art_in("ru", "europe", "X");
	in.first_published = "2024-02-30";
	CHECK_INTEQ(store_article_add(s, &in, NULL), STORE_INVALID);
	in = art_in("ru", "europe", "X");
	in.source_url = "javascript:alert(1)";
	CHECK_INTEQ(store_article_add(s, &in, NULL), STORE_INVALID);
	teardown();
}

TEST(article_update_keeps_revisions_and_redirects)
{
	struct article in, out;
	struct revision *revs;
	struct redirect *r;
	size_t n;
	int64_t id;

	setup();
	store_section_add(s, "en", "a", "A", "", 0, NULL);
	store_section_add(s, "en", "b", "B", "", 0, NULL);
	in = art_in("en", "a", "First title");
	CHECK_INTEQ(store_article_add(s, &in, &id), STORE_OK);
	in.title = "Second title";
	in.body = "New body";
	CHECK_INTEQ(store_article_update(s, id, &in), STORE_OK);
	CHECK_INTEQ(store_article_get(s, a, id, STORE_WITH_BODY, &out), STORE_OK);
	CHECK_STREQ(out.slug, "first-title"); /* permalink survives the title edit */
	CHECK_STREQ(out.body, "New body");
	CHECK_INTEQ(store_revision_list(s, a, id, &revs, &n), STORE_OK);
	CHECK_INTEQ(n, 2);
	CHECK_INTEQ(store_revision_get(s, a, revs[1].id, &out), STORE_OK);
	CHECK_STREQ(out.title, "First title");
	CHECK_STREQ(out.body, "Body with *emphasis*.\n\nSecond paragraph.");
	CHECK_INTEQ(out.nauthors, 2);
	/* Moving a published article leaves its old folder as a redirect. */
	in.section_path = "b";
	CHECK_INTEQ(store_article_update(s, id, &in), STORE_OK);
	CHECK_INTEQ(store_redirect_list(s, a, id, 0, &r, &n), STORE_OK);
	CHECK_INTEQ(n, 1);
	CHECK_STREQ(r[0].path, "en/a/first-title");
	/* Moving back: the live page takes its folder back from the redirect. */
	in.section_path = "a";
	CHECK_INTEQ(store_article_update(s, id, &in), STORE_OK);
	CHECK_INTEQ(store_redirect_list(s, a, id, 0, &r, &n), STORE_OK);
	CHECK_INTEQ(n, 1);
	CHECK_STREQ(r[0].path, "en/b/first-title");
	teardown();
}

TEST(translation_group_one_article_per_language)
{
	struct article in;
	struct article *m;
	size_t n;
	int64_t en, fr;

	setup();
	in = art_in("en", "", "Peace");
	in.tkey = "peace";
	CHECK_INTEQ(store_article_add(s, &in, &en), STORE_OK);
	in = art_in("fr", "", "Paix");
	in.tkey = "peace";
	CHECK_INTEQ(store_article_add(s, &in, &fr), STORE_OK);
	in = art_in("fr", "", "Paix encore");
	in.tkey = "peace";
	CHECK_INTEQ(store_article_add(s, &in, NULL), STORE_EXISTS);
	CHECK(strstr(log_reason(), "already has an article in fr") != NULL);
	{
		struct article got;
		CHECK_INTEQ(store_article_get(s, a, en, 0, &got), STORE_OK);
		CHECK_INTEQ(store_tgroup_members(s, a, got.tgroup_id, &m, &n), STORE_OK);
		CHECK_INTEQ(n, 2);
	}
	teardown();
}

TEST(listings_follow_status_and_order)
{
	struct article in;
	struct section root;
	int64_t ids[5], *got, list;
	size_t n, i;

	setup();
	store_section_add(s, "en", "a", "A", "", 0, NULL);
	for (i = 0; i < 5; i++) {
		char title[32];
		snprintf(title, sizeof(title), "T%zu", i);
		in = art_in("en", "a", title);
		/* Dates out of id order: the list follows dates. */
		in.date = 1700000000 + (int64_t)((i * 7) % 5) * 100;
		CHECK_INTEQ(store_article_add(s, &in, &ids[i]), STORE_OK);
	}
	CHECK_INTEQ(store_section_find(s, a, "en", "", &root), STORE_OK);
	list = store_list_section(root.id);
	CHECK_INTEQ(store_list_count(s, list, &n), STORE_OK);
	CHECK_INTEQ(n, 5);
	CHECK_INTEQ(store_list_range(s, a, list, 0, 5, &got, &n), STORE_OK);
	CHECK_INTEQ(n, 5);
	/* Newest first: dates +400 (i=2), +300 (i=4), +200 (i=1), +100 (i=3), +0 (i=0). */
	CHECK(got[0] == ids[2] && got[1] == ids[4] && got[2] == ids[1] && got[3] == ids[3] &&
	      got[4] == ids[0]);
	/* Positions 1 and 2 from the oldest, newest first. */
	CHECK_INTEQ(store_list_range(s, a, list, 1, 2, &got, &n), STORE_OK);
	CHECK(n == 2 && got[0] == ids[1] && got[1] == ids[3]);
	{
		struct list_key k = {1700000200, ids[1]};
		CHECK_INTEQ(store_list_count_from(s, list, k, &n), STORE_OK);
		CHECK_INTEQ(n, 3);
	}
	/* Trash leaves the lists; restore brings it back to its old status. */
	CHECK_INTEQ(store_article_set_status(s, ids[3], ST_TRASH), STORE_OK);
	CHECK_INTEQ(store_list_count(s, list, &n), STORE_OK);
	CHECK_INTEQ(n, 4);
	CHECK_INTEQ(store_list_count(s, LIST_SITE, &n), STORE_OK);
	CHECK_INTEQ(n, 4);
	CHECK_INTEQ(store_article_restore(s, ids[3]), STORE_OK);
	CHECK_INTEQ(store_list_count(s, list, &n), STORE_OK);
	CHECK_INTEQ(n, 5);
	CHECK_INTEQ(store_article_restore(s, ids[3]), STORE_INVALID);
	/* Authors per language and tags have lists too. */
	{
		struct article got1;
		CHECK_INTEQ(store_article_get(s, a, ids[0], 0, &got1), STORE_OK);
		CHECK_INTEQ(store_list_count(s, store_list_author(s, got1.authors[0].id, "en"), &n),
		            STORE_OK);
		CHECK_INTEQ(n, 5);
		CHECK_INTEQ(store_list_count(s, store_list_tag(got1.tags[1].id), &n), STORE_OK);
		CHECK_INTEQ(n, 5);
	}
	teardown();
}

/* The ids of a list, oldest first, straight from its rows. */
static size_t list_rows(int64_t list, int64_t *ids, int64_t *dates, size_t cap)
{
	sqlite3_stmt *st;
	size_t n = 0;

	if (sqlite3_prepare_v2(store_db(s),
	                       "SELECT article_id, date FROM listing WHERE list = ? "
	                       "ORDER BY date, article_id",
	                       -1, &st, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_int64(st, 1, list);
	while (sqlite3_step(st) == SQLITE_ROW && n < cap) {
		ids[n] = sqlite3_column_int64(st, 0);
		dates[n++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return n;
}

/* Every rank and every page of a long list, by buckets, as by walking it. */
static void check_positions(int64_t list)
{
	static int64_t ids[4000], dates[4000];
	size_t n = list_rows(list, ids, dates, NELEM(ids)), total, i, j, got_n;
	int64_t *got;

	CHECK_INTEQ(store_list_count(s, list, &total), STORE_OK);
	CHECK_INTEQ(total, n);
	for (i = 0; i < n; i += 13) {
		struct list_key k = {dates[i], ids[i]};
		size_t from;
		CHECK_INTEQ(store_list_count_from(s, list, k, &from), STORE_OK);
		CHECK_INTEQ(from, n - i);
	}
	for (i = 0; i < n; i += 29) {
		size_t count = i % 3 ? 20 : 7;
		arena_reset(a);
		CHECK_INTEQ(store_list_range(s, a, list, i, count, &got, &got_n), STORE_OK);
		CHECK_INTEQ(got_n, MIN(count, n - i));
		for (j = 0; j < got_n; j++)
			if (got[j] != ids[i + got_n - 1 - j]) {
				fprintf(stderr, "position %zu: %lld, want %lld\n",
				        i + got_n - 1 - j, (long long)got[j],
				        (long long)ids[i + got_n - 1 - j]);
				CHECK(false);
				return;
			}
	}
}

TEST(deep_ranks_and_pages_by_buckets)
{
	struct article in;
	struct section root;
	int64_t ids[3000], list;
	size_t i;

	setup();
	store_section_add(s, "en", "a", "A", "", 0, NULL);
	CHECK_INTEQ(store_begin(s), STORE_OK);
	for (i = 0; i < NELEM(ids); i++) {
		char title[32];
		snprintf(title, sizeof(title), "T%zu", i);
		in = art_in("en", "a", title);
		in.ntags = in.nauthors = 0;
		/*
		 * Dates from 1950 (negative) to 2030, out of id order, many in
		 * the same second: buckets of every size, some empty, ties.
		 */
		in.date = -631152000 + (int64_t)((i * 7919) % 2500) * 1000003;
		CHECK_INTEQ(store_article_add(s, &in, &ids[i]), STORE_OK);
	}
	CHECK_INTEQ(store_commit(s), STORE_OK);
	CHECK_INTEQ(store_section_find(s, a, "en", "", &root), STORE_OK);
	list = store_list_section(root.id);
	check_positions(list);
	check_positions(LIST_SITE);
	/* Unpublished, republished, redated: the buckets follow. */
	CHECK_INTEQ(store_begin(s), STORE_OK);
	for (i = 0; i < NELEM(ids); i += 7)
		CHECK_INTEQ(store_article_set_status(s, ids[i], ST_DRAFT), STORE_OK);
	for (i = 0; i < NELEM(ids); i += 14)
		CHECK_INTEQ(store_article_set_status(s, ids[i], ST_PUBLISHED), STORE_OK);
	for (i = 3; i < NELEM(ids); i += 11) {
		struct article got;
		CHECK_INTEQ(store_article_get(s, a, ids[i], STORE_WITH_BODY, &got), STORE_OK);
		got.date = 1900000000 - (int64_t)i * 86400 * 3;
		CHECK_INTEQ(store_article_update(s, ids[i], &got), STORE_OK);
	}
	CHECK_INTEQ(store_commit(s), STORE_OK);
	arena_reset(a);
	check_positions(list);
	check_positions(LIST_SITE);
	teardown();
}

TEST(get_many_and_snapshot)
{
	struct article in, *v;
	struct store_snapshot snap;
	int64_t ids[3];
	size_t n, i;

	setup();
	for (i = 0; i < 3; i++) {
		char t[16];
		snprintf(t, sizeof(t), "Title %zu", i);
		in = art_in("en", "", t);
		if (i == 1)
			in.status = ST_DRAFT;
		CHECK_INTEQ(store_article_add(s, &in, &ids[i]), STORE_OK);
	}
	CHECK_INTEQ(store_article_get_many(s, a, (int64_t[]){ids[2], ids[0], 9999}, 3, &v, &n),
	            STORE_OK);
	CHECK_INTEQ(n, 2);
	CHECK(v[0].id == ids[0] && v[1].id == ids[2]);
	CHECK_INTEQ(v[1].nauthors, 2);
	CHECK_INTEQ(v[1].ntags, 2);
	CHECK_INTEQ(store_snapshot_load(s, a, &snap), STORE_OK);
	CHECK_INTEQ(snap.narticles, 2); /* the draft is not published */
	CHECK_INTEQ(snap.articles[1].nauthors, 2);
	CHECK_STREQ(snap.articles[1].authors[0].name, "Anna Karov");
	CHECK_INTEQ(snap.nauthors, 2);
	teardown();
}

TEST(publish_queue_roundtrip)
{
	int64_t *ids, id;
	const char **data;
	size_t n;

	setup();
	CHECK_INTEQ(store_queue_add(s, "{\"a\":1}", &id), STORE_OK);
	CHECK_INTEQ(store_queue_add(s, "{\"a\":2}", NULL), STORE_OK);
	CHECK_INTEQ(store_queue_list(s, a, &ids, &data, &n), STORE_OK);
	CHECK_INTEQ(n, 2);
	CHECK_STREQ(data[0], "{\"a\":1}");
	CHECK_INTEQ(store_queue_delete(s, id), STORE_OK);
	CHECK_INTEQ(store_queue_list(s, a, &ids, &data, &n), STORE_OK);
	CHECK_INTEQ(n, 1);
	teardown();
}

TEST(transactions_roll_back_everything)
{
	struct article in;
	size_t n;

	setup();
	CHECK_INTEQ(store_begin(s), STORE_OK);
	in = art_in("en", "", "Gone");
	CHECK_INTEQ(store_article_add(s, &in, NULL), STORE_OK);
	store_rollback(s);
	CHECK_INTEQ(store_list_count(s, LIST_SITE, &n), STORE_OK);
	CHECK_INTEQ(n, 0);
	{
		struct article *v;
		struct article_filter f = {.status = -1};
		CHECK_INTEQ(store_article_list(s, a, &f, &v, &n), STORE_OK);
		CHECK_INTEQ(n, 0);
	}
	teardown();
}

TEST(model_dates)
{
	int64_t t;

	CHECK(model_date_valid("2024"));
	CHECK(model_date_valid("2024-02"));
	CHECK(model_date_valid("2024-02-29"));
	CHECK(!model_date_valid("2023-02-29"));
	CHECK(!model_date_valid("2024-13"));
	CHECK(!model_date_valid("24-01-01"));
	CHECK_INTEQ(model_parse_datetime("1970-01-01T00:00:00Z", &t), 0);
	CHECK_INTEQ(t, 0);
	CHECK_INTEQ(model_parse_datetime("2017-02-21T11:35:46Z", &t), 0);
	CHECK_INTEQ(t, 1487676946);
	CHECK_INTEQ(model_parse_datetime("2017-02-21T13:35:46+02:00", &t), 0);
	CHECK_INTEQ(t, 1487676946);
	CHECK_INTEQ(model_parse_datetime("2017-02-21", &t), 0);
	CHECK_INTEQ(t, 1487635200);
	CHECK_INTEQ(model_parse_datetime("2017-02-21 11:35", &t), 0);
	CHECK_INTEQ(model_parse_datetime("2017-02-21T25:00:00Z", &t), -1);
	CHECK_INTEQ(model_parse_datetime("2017-02-21Tjunk", &t), -1);
	CHECK_INTEQ(model_parse_datetime("yesterday", &t), -1);
}

static int hook_calls, hook_moved;

static int hook(void *arg, struct store *st, int64_t id, enum store_event ev)
{
	(void)arg;
	(void)st;
	(void)id;
	hook_calls++;
	hook_moved += ev == STORE_ARTICLE_MOVED;
	return hook_calls == 100 ? log_fail("hook refuses") : 0;
}

TEST(module_schema_and_article_hook)
{
	static const char *const mig[] = {
	        "CREATE TABLE demo_one(x INTEGER);",
	        "CREATE TABLE demo_two(y INTEGER);",
	};
	struct store_schema sch = {"demo", mig, 1};
	struct article in;
	int64_t id, sec, parent;

	setup();
	CHECK_INTEQ(store_migrate_module(s, &sch), STORE_OK);
	sch.n = 2;
	CHECK_INTEQ(store_migrate_module(s, &sch), STORE_OK);
	CHECK_INTEQ(store_migrate_module(s, &sch), STORE_OK); /* idempotent */
	sch.n = 1;
	CHECK_INTEQ(store_migrate_module(s, &sch), STORE_INVALID); /* newer than us */
	store_set_article_hook(s, hook, NULL);
	store_section_add(s, "en", "a", "A", "", 0, &sec);
	store_section_add(s, "en", "b", "B", "", 0, &parent);
	in = art_in("en", "a", "Hooked");
	CHECK_INTEQ(store_article_add(s, &in, &id), STORE_OK);
	CHECK_INTEQ(hook_calls, 1);
	CHECK_INTEQ(store_article_set_status(s, id, ST_DRAFT), STORE_OK);
	CHECK_INTEQ(hook_calls, 2);
	CHECK_INTEQ(store_section_move(s, sec, parent, NULL), STORE_OK);
	CHECK_INTEQ(hook_moved, 1);
	hook_calls = 99;
	in.section_path = "b/a";
	CHECK(store_article_update(s, id, &in) != STORE_OK);
	CHECK(strstr(log_reason(), "hook refuses") != NULL);
	teardown();
}

TEST(actor_schedule_due_and_status_log)
{
	struct article in, now;
	struct status_change *log;
	struct revision *revs;
	int64_t id, id2, *due, who;
	size_t n;

	setup();
	store_section_add(s, "en", "a", "A", "", 0, NULL);
	in = art_in("en", "a", "Later");
	in.status = ST_DRAFT;
	in.date = 0;
	store_set_actor(s, 7, NULL);
	CHECK_INTEQ(store_article_add(s, &in, &id), STORE_OK);
	CHECK_INTEQ(store_article_creator(s, id, &who), STORE_OK);
	CHECK_INTEQ(who, 7);
	store_set_actor(s, 9, "restored revision 1");
	CHECK_INTEQ(store_article_update(s, id, &in), STORE_OK);
	CHECK_INTEQ(store_revision_list(s, a, id, &revs, &n), STORE_OK);
	CHECK_INTEQ(n, 2);
	CHECK_INTEQ(revs[0].user_id, 9);
	CHECK_STREQ(revs[0].note, "restored revision 1");
	CHECK_INTEQ(revs[1].user_id, 7);
	CHECK_STREQ(revs[1].note, "created");
	/* The creator stays the first author of the article. */
	CHECK_INTEQ(store_article_creator(s, id, &who), STORE_OK);
	CHECK_INTEQ(who, 7);
	CHECK_INTEQ(store_article_creator(s, 999, &who), STORE_NOT_FOUND);

	CHECK_INTEQ(store_article_schedule(s, id, 0), STORE_INVALID);
	CHECK_INTEQ(store_article_schedule(s, id, 2000000000), STORE_OK);
	CHECK_INTEQ(store_article_get(s, a, id, 0, &now), STORE_OK);
	CHECK_INTEQ(now.status, ST_SCHEDULED);
	CHECK_INTEQ(now.date, 2000000000);
	/* A scheduled article is not on any list before its time. */
	{
		int64_t *lists;
		CHECK_INTEQ(store_list_memberships(s, a, id, &lists, &n), STORE_OK);
		CHECK_INTEQ(n, 0);
	}
	in = art_in("en", "a", "Sooner");
	in.status = ST_DRAFT;
	store_set_actor(s, 0, NULL);
	CHECK_INTEQ(store_article_add(s, &in, &id2), STORE_OK);
	CHECK_INTEQ(store_article_schedule(s, id2, 1900000000), STORE_OK);
	CHECK_INTEQ(store_article_due(s, a, 1800000000, 10, &due, &n), STORE_OK);
	CHECK_INTEQ(n, 0);
	CHECK_INTEQ(store_article_due(s, a, 2100000000, 10, &due, &n), STORE_OK);
	CHECK_INTEQ(n, 2);
	CHECK_INTEQ(due[0], id2); /* the earliest first */
	CHECK_INTEQ(store_article_due(s, a, 2100000000, 1, &due, &n), STORE_OK);
	CHECK_INTEQ(n, 1);
	store_set_actor(s, 3, NULL);
	setenv("TAMIZDAT_NOW", "2100000000", 1);
	CHECK_INTEQ(store_article_set_status(s, id, ST_PUBLISHED), STORE_OK);
	CHECK_INTEQ(store_article_get(s, a, id, 0, &now), STORE_OK);
	CHECK_INTEQ(now.date, 2000000000); /* published at its scheduled date */
	/* Published before its time: dated now, not in the future. */
	setenv("TAMIZDAT_NOW", "1800000000", 1);
	CHECK_INTEQ(store_article_set_status(s, id2, ST_PUBLISHED), STORE_OK);
	unsetenv("TAMIZDAT_NOW");
	CHECK_INTEQ(store_article_get(s, a, id2, 0, &now), STORE_OK);
	CHECK_INTEQ(now.date, 1800000000);
	CHECK_INTEQ(store_status_log(s, a, id, &log, &n), STORE_OK);
	CHECK_INTEQ(n, 3);
	CHECK_STREQ(log[0].from, "scheduled");
	CHECK_STREQ(log[0].to, "published");
	CHECK_INTEQ(log[0].user_id, 3);
	CHECK_STREQ(log[1].to, "scheduled");
	CHECK_INTEQ(log[1].user_id, 9);
	CHECK_STREQ(log[2].from, "new");
	CHECK_INTEQ(log[2].user_id, 7);
	store_set_actor(s, 0, NULL);
	teardown();
}

TEST(article_list_text_creator_and_order)
{
	struct article in, *v;
	struct article_filter f = {.status = -1};
	int64_t id1, id2, id3;
	size_t n;

	setup();
	store_section_add(s, "en", "a", "A", "", 0, NULL);
	in = art_in("en", "a", "Winter in Kharkiv");
	store_set_actor(s, 5, NULL);
	CHECK_INTEQ(store_article_add(s, &in, &id1), STORE_OK);
	in = art_in("en", "a", "Summer 100% wet_weather");
	in.date = 1700000500;
	in.updated = 1700000100;
	store_set_actor(s, 6, NULL);
	CHECK_INTEQ(store_article_add(s, &in, &id2), STORE_OK);
	in = art_in("en", "a", "Spring");
	in.date = 1600000000;
	in.updated = 1800000000;
	CHECK_INTEQ(store_article_add(s, &in, &id3), STORE_OK);
	store_set_actor(s, 0, NULL);

	f.text = "kharkiv";
	CHECK_INTEQ(store_article_list(s, a, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 1);
	CHECK_INTEQ(v[0].id, id1);
	f.text = "100%";
	CHECK_INTEQ(store_article_list(s, a, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 1);
	CHECK_INTEQ(v[0].id, id2);
	f.text = "m_e"; /* "_" is a letter here, not a wildcard ("mme") */
	CHECK_INTEQ(store_article_list(s, a, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 0);
	f.text = NULL;
	f.creator_id = 6;
	CHECK_INTEQ(store_article_list(s, a, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 2);
	f.creator_id = 0;
	f.order = ARTICLE_BY_DATE;
	CHECK_INTEQ(store_article_list(s, a, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 3);
	CHECK_INTEQ(v[0].id, id2);
	CHECK_INTEQ(v[2].id, id3);
	f.order = ARTICLE_BY_DATE_ASC;
	CHECK_INTEQ(store_article_list(s, a, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(v[0].id, id3);
	f.order = ARTICLE_BY_UPDATED;
	CHECK_INTEQ(store_article_list(s, a, &f, &v, &n), STORE_OK);
	CHECK_INTEQ(v[0].id, id3);
	teardown();
}

TESTS(T(sections_tree_and_closure), T(section_list_in_tree_order),
      T(close_empties_a_large_log_unless_in_use), T(deep_ranks_and_pages_by_buckets),
      T(actor_schedule_due_and_status_log), T(article_list_text_creator_and_order),
      T(module_schema_and_article_hook), T(section_move_keeps_closure_and_refuses_cycles),
      T(article_add_get_and_slug_rules), T(article_update_keeps_revisions_and_redirects),
      T(translation_group_one_article_per_language), T(listings_follow_status_and_order),
      T(get_many_and_snapshot), T(publish_queue_roundtrip), T(transactions_roll_back_everything),
      T(model_dates))
