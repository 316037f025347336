/*
 * Tests for src/publish: a full build equals the result of any sequence of
 * incremental publishes (random edit sequences over a small site with tiny
 * pages, so that archive pages shift), pages land where they should, and a
 * second build changes nothing.
 */
#include "test.h"

#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "publish/pub_int.h"
#include "publish/publish.h"
#include "site/site.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/log.h"

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33) % n;
}

static char sitedir[64];

static void make_site(struct site *site, const char *langs, unsigned page_size)
{
	struct config cfg;

	snprintf(sitedir, sizeof(sitedir), "/tmp/tz-pub-XXXXXX");
	if (mkdtemp(sitedir) == NULL)
		abort();
	config_init(&cfg);
	config_set_langs(&cfg, langs);
	cfg.page_size = page_size;
	cfg.feed_size = 4;
	if (site_create(sitedir, &cfg) != 0 || site_open(site, sitedir, 0) != 0) {
		fprintf(stderr, "%s\n", log_reason());
		abort();
	}
	config_finish(&cfg);
}

/* Recursively compares two trees; prints the first difference. */
static int compare_trees(const char *a, const char *b, const char *rel)
{
	char pa[4096], pb[4096];
	DIR *d;
	struct dirent *e;
	int diff = 0;

	snprintf(pa, sizeof(pa), "%s/%s", a, rel);
	snprintf(pb, sizeof(pb), "%s/%s", b, rel);
	if ((d = opendir(pa)) == NULL)
		return 1;
	while (!diff && (e = readdir(d)) != NULL) {
		char sub[4096], fa[8192], fb[8192];
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(fa, sizeof(fa), "%s/%s", a, sub);
		snprintf(fb, sizeof(fb), "%s/%s", b, sub);
		if (stat(fa, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (!fs_is_dir(fb)) {
				fprintf(stderr, "only in %s: %s/\n", a, sub);
				diff = 1;
			} else {
				diff = compare_trees(a, b, sub);
			}
		} else {
			struct buf x = BUF_INIT, y = BUF_INIT;
			if (fs_read_file(fb, &y, 1 << 26) != 0) {
				fprintf(stderr, "only in %s: %s\n", a, sub);
				diff = 1;
			} else if (fs_read_file(fa, &x, 1 << 26) != 0 || x.n != y.n ||
			           memcmp(x.p, y.p, x.n) != 0) {
				fprintf(stderr, "differs: %s\n", sub);
				diff = 1;
			}
			buf_finish(&x);
			buf_finish(&y);
		}
	}
	closedir(d);
	return diff;
}

/* Same file set and bytes both ways. */
static int same_trees(const char *a, const char *b)
{
	return compare_trees(a, b, "") == 0 && compare_trees(b, a, "") == 0;
}

static const char *const langs[] = {"en", "fr"};
static const char *const sections[] = {"", "europe", "europe/east", "europe/east/russia", "asia"};
static const char *const people[] = {"Anna", "Boris", "Vera", "Kollektiv"};
static const char *const tagnames[] = {"war", "peace", "labour", "exile"};
static const char *const groups[] = {"", "", "g1", "g2", "g3"};

static void random_article(struct arena *a, struct article *in, const char *lang)
{
	struct author *au = arena_calloc(a, 2, sizeof(*au));
	struct tag *tg = arena_calloc(a, 2, sizeof(*tg));

	memset(in, 0, sizeof(*in));
	in->lang = lang;
	in->section_path = sections[rnd(NELEM(sections))];
	in->title = arena_printf(a, "Title %u about %s", rnd(1000), tagnames[rnd(4)]);
	in->body = arena_printf(a, "Text %u.\n\nSee [home](/%s/).\n", rnd(100000), lang);
	in->status = rnd(5) == 0 ? ST_DRAFT : ST_PUBLISHED;
	/* Few distinct dates: ties in the lists are broken by id. */
	in->date = 1600000000 + (int64_t)rnd(12) * 86400;
	au[0].name = people[rnd(NELEM(people))];
	au[1].name = people[rnd(NELEM(people))];
	in->authors = au;
	in->nauthors = 1 + rnd(2);
	tg[0].name = tagnames[rnd(4)];
	tg[1].name = tagnames[rnd(4)];
	in->tags = tg;
	in->ntags = rnd(3);
	in->tkey = groups[rnd(NELEM(groups))];
	in->lead = rnd(2) ? "A lead." : "";
}

static int64_t pick(struct store *s, struct arena *a)
{
	struct article_filter f = {.status = -1};
	struct article *v;
	size_t n;

	if (store_article_list(s, a, &f, &v, &n) != STORE_OK || n == 0)
		return 0;
	return v[rnd((uint32_t)n)].id;
}

/* One random change, published incrementally. */
static void random_change(struct site *site)
{
	struct arena *a = arena_new(0);
	struct store *s = site->store;
	struct article in, old;
	int64_t id;
	int op = (int)rnd(10);

	if (store_begin(s) != STORE_OK)
		abort();
	id = pick(s, a);
	if (op < 4 || id == 0) {
		random_article(a, &in, langs[rnd(2)]);
		if (store_article_add(s, &in, &id) == STORE_OK)
			pub_note_article_new(site, id);
	} else if (op < 5) {
		/* A title and text edit, nothing else: in place in every list. */
		store_article_get(s, a, id, STORE_WITH_BODY, &old);
		old.title = arena_printf(a, "Edited %u", rnd(1000));
		old.body = arena_printf(a, "New text %u.\n", rnd(1000));
		pub_note_article(site, id);
		store_article_update(s, id, &old);
	} else if (op < 7) {
		store_article_get(s, a, id, STORE_WITH_BODY, &old);
		random_article(a, &in, old.lang);
		if (rnd(2))
			in.section_path = old.section_path; /* edit in place */
		if (rnd(2))
			in.date = old.date;
		in.status = old.status == ST_TRASH ? ST_DRAFT : old.status;
		if (rnd(3) == 0)
			in.slug = arena_printf(a, "renamed-%lld-%u", (long long)id, rnd(3));
		pub_note_article(site, id);
		store_article_update(s, id, &in);
	} else if (op < 9) {
		static const enum article_status sts[] = {ST_PUBLISHED, ST_DRAFT, ST_TRASH};
		pub_note_article(site, id);
		if (store_article_set_status(s, id, sts[rnd(3)]) != STORE_OK)
			store_article_restore(s, id);
	} else {
		/* A section move: the whole language is republished. */
		struct section sec, parent;
		const char *lang = langs[rnd(2)];
		if (store_section_find(s, a, lang, "europe/east", &sec) == STORE_OK) {
			const char *to = rnd(2) ? "asia" : "europe";
			if (store_section_find(s, a, lang, to, &parent) == STORE_OK &&
			    store_section_move(s, sec.id, parent.id, NULL) == STORE_OK)
				pub_note_language(site, lang);
		}
	}
	if (store_commit(s) != STORE_OK)
		abort();
	if (pub_apply(site, NULL) != 0) {
		fprintf(stderr, "publish: %s\n", log_reason());
		abort();
	}
	arena_free(a);
}

static void add_sections(struct site *site)
{
	size_t i, j;

	store_begin(site->store);
	for (i = 0; i < NELEM(langs); i++)
		for (j = 1; j < NELEM(sections); j++)
			if (store_section_add(site->store, langs[i], sections[j], sections[j], "", 0,
			                      NULL) != STORE_OK)
				abort();
	store_commit(site->store);
}

static void full_build_into(struct site *site, const char *dir)
{
	char *saved = site->public_dir;
	struct pub_build_opts bo = {.threads = 2};

	site->public_dir = (char *)dir;
	if (pub_build(site, &bo, NULL) != 0) {
		fprintf(stderr, "build: %s\n", log_reason());
		abort();
	}
	site->public_dir = saved;
}

static void run_sequence(uint64_t seed, int steps)
{
	struct site site;
	char fresh[4096];
	int i;

	rng_state = seed;
	pub_sitemap_chunk = 4; /* many sitemap files from few articles */
	make_site(&site, "en,fr", 3);
	add_sections(&site);
	CHECK_INTEQ(pub_build(&site, NULL, NULL), 0);
	for (i = 0; i < steps; i++)
		random_change(&site);
	snprintf(fresh, sizeof(fresh), "%s/fresh", sitedir);
	full_build_into(&site, fresh);
	if (!same_trees(site.public_dir, fresh))
		fprintf(stderr, "seed %llu: incremental and full builds differ\n",
		        (unsigned long long)seed);
	CHECK(same_trees(site.public_dir, fresh));
	site_close(&site);
	fs_remove_tree(sitedir);
}

TEST(incremental_equals_full_build_random_sequences)
{
	uint64_t seed;

	for (seed = 1; seed <= 6; seed++)
		run_sequence(seed, 40);
}

TEST(rebuild_changes_nothing_and_removes_stale_files)
{
	struct site site;
	struct pub_stats st;
	char stale[4096];

	rng_state = 99;
	make_site(&site, "en,fr", 3);
	add_sections(&site);
	for (int i = 0; i < 10; i++)
		random_change(&site);
	CHECK_INTEQ(pub_build(&site, NULL, &st), 0);
	snprintf(stale, sizeof(stale), "%s/en/old-page/index.html", site.public_dir);
	CHECK(fs_write_atomic(stale, "x", 1, 0) == FS_WRITE_CHANGED);
	CHECK_INTEQ(pub_build(&site, NULL, &st), 0);
	CHECK_INTEQ(st.written, 0);
	CHECK_INTEQ(st.removed, 1);
	CHECK(!fs_exists(stale));
	site_close(&site);
	fs_remove_tree(sitedir);
}

TEST(pages_exist_where_links_point)
{
	struct site site;
	struct arena *a = arena_new(0);
	struct article in, got;
	char path[4096];
	int64_t id;

	rng_state = 7;
	make_site(&site, "en,fr", 3);
	add_sections(&site);
	store_begin(site.store);
	random_article(a, &in, "en");
	in.section_path = "europe/east";
	in.title = "Hello world";
	in.status = ST_PUBLISHED;
	CHECK_INTEQ(store_article_add(site.store, &in, &id), STORE_OK);
	pub_note_article_new(&site, id);
	store_commit(site.store);
	CHECK_INTEQ(pub_apply(&site, NULL), 0);
	store_article_get(site.store, a, id, 0, &got);
	snprintf(path, sizeof(path), "%s/en/europe/east/%s/index.html", site.public_dir, got.slug);
	CHECK(fs_exists(path));
	snprintf(path, sizeof(path), "%s/en/europe/east/%s/index.html.gz", site.public_dir,
	         got.slug);
	CHECK(fs_exists(path));
	snprintf(path, sizeof(path), "%s/en/europe/east/atom.xml", site.public_dir);
	CHECK(fs_exists(path));
	snprintf(path, sizeof(path), "%s/en/feed.json", site.public_dir);
	CHECK(fs_exists(path));
	snprintf(path, sizeof(path), "%s/sitemap.xml", site.public_dir);
	CHECK(fs_exists(path));
	/* Unpublishing removes the page. */
	store_begin(site.store);
	pub_note_article(&site, id);
	store_article_set_status(site.store, id, ST_DRAFT);
	store_commit(site.store);
	CHECK_INTEQ(pub_apply(&site, NULL), 0);
	snprintf(path, sizeof(path), "%s/en/europe/east/%s/index.html", site.public_dir, got.slug);
	CHECK(!fs_exists(path));
	arena_free(a);
	site_close(&site);
	fs_remove_tree(sitedir);
}

/*
 * An edit in place (title and text only) rewrites the index page, the
 * feeds and the root pages only when they show the article.  Each edit,
 * of the newest articles and of older ones, is compared with a full build
 * at once, before any later change could repair what it missed.
 */
TEST(edits_in_place_equal_full_build_at_every_rank)
{
	struct site site;
	struct arena *a = arena_new(0);
	struct article in, old;
	char fresh[4096];
	int64_t ids[30];
	size_t i, k;
	/* Newest first: in the feeds (8), the home page (5), the index page, or none. */
	static const size_t ranks[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 17, 29};

	rng_state = 11;
	make_site(&site, "en,fr", 3);
	site.cfg.feed_size = 8; /* more than the home page and the index page show */
	add_sections(&site);
	store_begin(site.store);
	for (i = 0; i < NELEM(ids); i++) {
		random_article(a, &in, langs[i < 6 ? i % 2 : i % 3 == 0]);
		in.status = ST_PUBLISHED;
		in.title = arena_printf(a, "Article %zu", i);
		in.tkey = i < 6 ? arena_printf(a, "pair%zu", i / 2) : ""; /* en and fr translations */
		in.date = 1600000000 + (int64_t)i * 86400;
		CHECK_INTEQ(store_article_add(site.store, &in, &ids[i]), STORE_OK);
	}
	store_commit(site.store);
	CHECK_INTEQ(pub_build(&site, NULL, NULL), 0);
	snprintf(fresh, sizeof(fresh), "%s/fresh", sitedir);
	for (k = 0; k < NELEM(ranks); k++) {
		int64_t id = ids[NELEM(ids) - 1 - ranks[k]];
		store_begin(site.store);
		CHECK_INTEQ(store_article_get(site.store, a, id, STORE_WITH_BODY, &old), STORE_OK);
		old.title = arena_printf(a, "Edited at rank %zu", ranks[k]);
		old.body = arena_printf(a, "New text %zu.\n", k);
		pub_note_article(&site, id);
		CHECK_INTEQ(store_article_update(site.store, id, &old), STORE_OK);
		store_commit(site.store);
		CHECK_INTEQ(pub_apply(&site, NULL), 0);
		full_build_into(&site, fresh);
		if (!same_trees(site.public_dir, fresh))
			fprintf(stderr, "edit at rank %zu: incremental and full builds differ\n",
			        ranks[k]);
		CHECK(same_trees(site.public_dir, fresh));
		fs_remove_tree(fresh);
	}
	arena_free(a);
	site_close(&site);
	fs_remove_tree(sitedir);
}

TESTS(T(incremental_equals_full_build_random_sequences),
      T(rebuild_changes_nothing_and_removes_stale_files), T(pages_exist_where_links_point),
      T(edits_in_place_equal_full_build_at_every_rank))
