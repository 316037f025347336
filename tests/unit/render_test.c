/*
 * Tests for src/render helpers that need no theme: plural rules, dates,
 * pagination, relative links; and src/site/config.c.
 */
#include "test.h"

#include <unistd.h>

#include "render/i18n.h"
#include "render/render.h"
#include "site/config.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/log.h"

static const char *plural(const struct i18n *t, const char *lang, uint64_t n)
{
	static struct buf b;

	buf_reset(&b);
	i18n_plural(t, lang, "articles", n, &b);
	return b.p;
}

TEST(plurals_follow_cldr)
{
	struct i18n *t = i18n_load(NULL);

	CHECK(t != NULL);
	CHECK_STREQ(plural(t, "ru", 1), "1 статья");
	CHECK_STREQ(plural(t, "ru", 2), "2 статьи");
	CHECK_STREQ(plural(t, "ru", 5), "5 статей");
	CHECK_STREQ(plural(t, "ru", 11), "11 статей");
	CHECK_STREQ(plural(t, "ru", 21), "21 статья");
	CHECK_STREQ(plural(t, "ru", 22), "22 статьи");
	CHECK_STREQ(plural(t, "ru", 112), "112 статей");
	CHECK_STREQ(plural(t, "uk", 1), "1 стаття");
	CHECK_STREQ(plural(t, "uk", 3), "3 статті");
	CHECK_STREQ(plural(t, "uk", 5), "5 статей");
	CHECK_STREQ(plural(t, "en", 1), "1 article");
	CHECK_STREQ(plural(t, "en", 0), "0 articles");
	CHECK_STREQ(plural(t, "fr", 0), "0 article");
	CHECK_STREQ(plural(t, "fr", 1), "1 article");
	CHECK_STREQ(plural(t, "fr", 2), "2 articles");
	/* An unknown language falls back to English. */
	CHECK_STREQ(plural(t, "de", 2), "2 articles");
	CHECK_STREQ(i18n_plural_category("ru", 14), "many");
	CHECK_STREQ(i18n_plural_category("uk", 104), "few");
	i18n_free(t);
}

TEST(dates_are_localised)
{
	struct i18n *t = i18n_load(NULL);
	struct buf b = BUF_INIT;

	i18n_date(t, "ru", 1795305600, &b); /* 2026-11-22 */
	CHECK_STREQ(b.p, "22 ноября 2026");
	buf_reset(&b);
	i18n_date(t, "uk", 1795305600, &b);
	CHECK_STREQ(b.p, "22 листопада 2026");
	buf_reset(&b);
	i18n_date(t, "fr", 1795305600, &b);
	CHECK_STREQ(b.p, "22 novembre 2026");
	buf_reset(&b);
	i18n_date(t, "en", 1795305600, &b);
	CHECK_STREQ(b.p, "22 November 2026");
	buf_reset(&b);
	i18n_date_partial(t, "ru", "1985-04", &b);
	CHECK_STREQ(b.p, "апрель 1985");
	buf_reset(&b);
	i18n_date_partial(t, "uk", "1985-04-26", &b);
	CHECK_STREQ(b.p, "26 квітня 1985");
	buf_reset(&b);
	i18n_date_partial(t, "en", "1985", &b);
	CHECK_STREQ(b.p, "1985");
	buf_finish(&b);
	i18n_free(t);
}

TEST(pagination_numbers_pages_from_the_oldest)
{
	CHECK_INTEQ(render_nchunks(0, 20), 0);
	CHECK_INTEQ(render_nchunks(20, 20), 1);
	CHECK_INTEQ(render_nchunks(21, 20), 2);
	CHECK_INTEQ(render_index_first_chunk(0, 20), 0);
	CHECK_INTEQ(render_index_first_chunk(19, 20), 0);
	CHECK_INTEQ(render_index_first_chunk(40, 20), 1); /* full newest chunk alone */
	CHECK_INTEQ(render_index_first_chunk(45, 20), 1); /* partial newest + the one before */
	CHECK_INTEQ(render_index_first_chunk(60, 20), 2);
}

TEST(root_prefix_climbs_to_the_site_root)
{
	struct buf b = BUF_INIT;

	render_root_prefix(&b, "");
	CHECK_STREQ(buf_cstr(&b), "");
	render_root_prefix(&b, "en");
	CHECK_STREQ(b.p, "../");
	buf_reset(&b);
	render_root_prefix(&b, "en/europe/russia/slug");
	CHECK_STREQ(b.p, "../../../../");
	buf_finish(&b);
}

TEST(site_locales_override_and_add)
{
	char dir[] = "/tmp/tz-i18n-XXXXXX", path[128];
	static const char fr[] = "home = Une\nnew_key = Deux\n\nhome = Accueil du site\n";
	static const char de[] = "home = Startseite\n";
	struct i18n *t;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/fr.ini", dir);
	CHECK(fs_write_atomic(path, fr, sizeof(fr) - 1, 0) != FS_WRITE_ERROR);
	snprintf(path, sizeof(path), "%s/de.ini", dir);
	CHECK(fs_write_atomic(path, de, sizeof(de) - 1, 0) != FS_WRITE_ERROR);
	t = i18n_load(dir);
	CHECK(t != NULL);
	/* The site's file wins over the built-in one; of two equal keys, the last. */
	CHECK_STREQ(i18n_get(t, "fr", "home"), "Accueil du site");
	CHECK_STREQ(i18n_get(t, "fr", "new_key"), "Deux");
	/* Built-in strings the site did not touch stay. */
	CHECK_STREQ(i18n_get(t, "fr", "search"), "Recherche");
	CHECK_STREQ(i18n_get(t, "en", "home"), "Home");
	/* A new language, English for what it lacks. */
	CHECK_STREQ(i18n_get(t, "de", "home"), "Startseite");
	CHECK_STREQ(i18n_get(t, "de", "search"), "Search");
	i18n_free(t);
	snprintf(path, sizeof(path), "%s/de.ini", dir);
	CHECK(fs_write_atomic(path, "home\n", 5, 0) != FS_WRITE_ERROR);
	CHECK(i18n_load(dir) == NULL);
	CHECK(strstr(log_reason(), "de.ini: line 1: expected") != NULL);
	fs_remove_tree(dir);
}

TEST(config_roundtrip_and_errors)
{
	char dir[] = "/tmp/tz-cfg-XXXXXX", path[128];
	struct config c, d;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/tamizdat.ini", dir);
	config_init(&c);
	CHECK_INTEQ(config_set_langs(&c, "ru,uk,en"), 0);
	free(c.title);
	c.title = xstrdup("Тамиздат");
	c.page_size = 7;
	CHECK_INTEQ(config_save(&c, path), 0);
	config_init(&d);
	CHECK_INTEQ(config_load(&d, path), 0);
	CHECK_STREQ(d.title, "Тамиздат");
	CHECK_INTEQ(d.nlangs, 3);
	/* The default stays when it is still one of the languages. */
	CHECK_STREQ(d.default_lang, "en");
	CHECK_INTEQ(d.page_size, 7);
	config_finish(&d);
	config_finish(&c);
	CHECK(fs_write_atomic(path, "[site]\ntitel = X\n", 17, 0) != FS_WRITE_ERROR);
	config_init(&d);
	CHECK_INTEQ(config_load(&d, path), -1);
	CHECK(strstr(log_reason(), ":2: unknown setting \"titel\"") != NULL);
	config_finish(&d);
	CHECK(fs_write_atomic(path, "[site]\nlanguages = en,EN!\n", 26, 0) != FS_WRITE_ERROR);
	config_init(&d);
	CHECK_INTEQ(config_load(&d, path), -1);
	config_finish(&d);
	fs_remove_tree(dir);
}

TESTS(T(plurals_follow_cldr), T(dates_are_localised), T(pagination_numbers_pages_from_the_oldest),
      T(root_prefix_climbs_to_the_site_root), T(site_locales_override_and_add),
      T(config_roundtrip_and_errors))
