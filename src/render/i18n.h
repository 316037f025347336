/*
 * UI strings in the site's languages, with CLDR plural rules and localised
 * dates.  Strings come from locales/LANG.ini compiled into the binary, with
 * a feature's own strings in locales/LANG.FEATURE.ini (the admin's in
 * en.admin.ini...); a site may override any of them in DIR/locales/LANG.ini:
 *
 *	key = value
 *	articles.one = {n} article      plural forms: zero, one, two, few, many, other
 *	month.1 = January               months, nominative (for "March 2024")
 *	month_gen.1 = January           months as dates use them (ru: "марта")
 *
 * A language without a locale falls back to English, key by key.
 * Loaded once; read-only afterwards, so any thread may use it.
 */
#ifndef TZ_I18N_H
#define TZ_I18N_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct i18n;
struct tpl_value;
struct arena;

/* Largest locale file: a few hundred strings. */
#define I18N_MAX_FILE (256 * 1024)

/*
 * Loads the embedded locales, then overrides from dir/LANG.ini when dir is
 * not NULL.  NULL with the reason recorded on a syntax error.
 */
struct i18n *i18n_load(const char *dir);
void i18n_free(struct i18n *t);

/* The string for key in lang (falling back to English, then to key itself). */
const char *i18n_get(const struct i18n *t, const char *lang, const char *key);
/* CLDR plural category of n in lang: "one", "few", "many" or "other". */
const char *i18n_plural_category(const char *lang, uint64_t n);
/* Appends the plural form of key for n with {n} replaced: "5 статей". */
void i18n_plural(const struct i18n *t, const char *lang, const char *key, uint64_t n,
                 struct buf *out);
/* Appends a date: "27 November 2026", "27 ноября 2026". */
void i18n_date(const struct i18n *t, const char *lang, int64_t unix_time, struct buf *out);
/*
 * Appends a partial date "YYYY", "YYYY-MM" or "YYYY-MM-DD" in words:
 * "2026", "November 2026" ("ноябрь 2026"), "27 November 2026".
 */
void i18n_date_partial(const struct i18n *t, const char *lang, const char *ymd,
                       struct buf *out);
/*
 * Every string of lang (merged with the English fallback) as a map value,
 * for templates ({{t.key}}).  Built once per language; lives as long as t.
 */
const struct tpl_value *i18n_map(const struct i18n *t, const char *lang);

#endif
