/*
 * WordPress import: what each WXR record becomes in the store.  See wxr.h
 * for the mapping; wxr_read.c reads the file and wxr_body.c renders a
 * post's HTML.
 *
 * Memory: the reader holds one item at a time; this file keeps only maps
 * whose size follows the site's taxonomy, not its content -- categories,
 * authors, the (language, group) pairs of translated posts (eight bytes
 * each) -- so a file of any size imports in bounded memory.
 */
#include "import/wxr.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/wxr_int.h"
#include "publish/publish.h"
#include "site/site.h"
#include "store/store.h"
#include "text/slug.h"
#include "text/utf8.h"
#include "util/arena.h"
#include "util/imap.h"
#include "util/log.h"
#include "util/progress.h"

/*
 * The store's limits (store_article.c), checked here so that one long
 * post is skipped with a reason instead of failing the whole import.
 */
#define MAX_BODY  (8 << 20)
#define MAX_LEAD  (60 * 1024)
#define MAX_TITLE 1000
#define MAX_TAGS  64
#define MAX_TAG   200
/* Longest author, category or section name kept. */
#define MAX_LINE_NAME 500
/* Deepest category chain kept as sections; deeper ones hang at this depth. */
#define MAX_CAT_DEPTH 16
/* Longest section path: the store takes 1000 bytes. */
#define MAX_PATH 900
/* Longest old address kept as a redirect folder. */
#define MAX_ALIAS 400

/* The folder pages go to, at the top of each language. */
#define PAGES_PATH  "pages"
#define PAGES_TITLE "Pages"

/* ---- a small string map ---------------------------------------------- */

struct smap {
	char **keys;
	void **vals;
	size_t cap, n;
};

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static size_t smap_slot(const struct smap *m, const char *k)
{
	size_t i = (size_t)hash(k, strlen(k)) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], k) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void *smap_get(const struct smap *m, const char *k)
{
	return m->cap ? m->vals[smap_slot(m, k)] : NULL;
}

static void smap_put(struct smap *m, const char *k, void *v)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		struct smap g = {NULL, NULL, m->cap ? 2 * m->cap : 64, 0};
		g.keys = xcalloc(g.cap, sizeof(char *));
		g.vals = xcalloc(g.cap, sizeof(void *));
		for (i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t j = smap_slot(&g, m->keys[i]);
				g.keys[j] = m->keys[i];
				g.vals[j] = m->vals[i];
				g.n++;
			}
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	i = smap_slot(m, k);
	if (m->keys[i] == NULL) {
		m->keys[i] = xstrdup(k);
		m->n++;
	}
	m->vals[i] = v;
}

/* Frees the keys and, with free_vals, the values. */
static void smap_finish(struct smap *m, bool free_vals)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		free(m->keys[i]);
		if (free_vals)
			free(m->vals[i]);
	}
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- the import's state --------------------------------------------- */

struct cat {
	char *slug;   /* nicename, percent-decoded */
	char *parent; /* the parent's nicename, decoded; "" */
	char *name;   /* as text */
	char *description;
	char *path[CONFIG_MAX_LANGS]; /* section path per language, once chosen */
	bool made[CONFIG_MAX_LANGS];  /* section made or updated by this import */
	bool visiting, redirected;
	bool used; /* the primary category of an imported post (or an ancestor of one) */
};

struct imp {
	struct site *site;
	const struct wxr_opts *opts;
	struct wxr_report *r;
	const char *lang;    /* the default language */
	char *source;        /* the old site, without scheme: the key of wxr_post */
	char *base[2];       /* its addresses, for links */
	struct smap cats;    /* decoded nicename -> struct cat */
	struct smap cat_ids; /* term id (decimal) -> struct cat */
	struct smap paths;   /* "lang-index:path" -> the cat (or the pages marker) */
	struct smap logins;  /* author login -> display name (heap string) */
	struct smap names;   /* author names used */
	struct imap groups;  /* hash of (group, language) seen */
	struct imap known;   /* hashes of the folders the import makes (see folder_exists) */
	bool pages_made[CONFIG_MAX_LANGS];
	bool multilingual; /* some item had Polylang or WPML language data */
	sqlite3_stmt *map_get, *map_put;
	struct progress pr;
	size_t done;
};

static int lang_index(const struct imp *im, const char *lang)
{
	const struct config_lang *l = config_lang(&im->site->cfg, lang);

	return l ? (int)(l - im->site->cfg.langs) : -1;
}

/* HTML (a title, a term's name) as one line of text, in the arena. */
static const char *text_line(struct arena *a, const char *html, size_t max)
{
	struct buf b = BUF_INIT;
	const char *s;

	wxr_html_text(html, strlen(html), true, &b);
	if (b.n > max)
		buf_truncate(&b, utf8_cut(b.p, b.n, max));
	s = arena_strndup(a, buf_cstr(&b), b.n);
	buf_finish(&b);
	return s;
}

/* ---- the mapping of WordPress ids to articles ---------------------- */

static const char *const wxr_migrations[] = {
        "CREATE TABLE wxr_post (\n"
        "  source TEXT NOT NULL,\n" /* the old site: host and path */
        "  wp_id INTEGER NOT NULL,\n"
        "  article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,\n"
        "  PRIMARY KEY (source, wp_id)\n"
        ") WITHOUT ROWID;\n",
};

static const struct store_schema wxr_schema = {"wxr", wxr_migrations, NELEM(wxr_migrations)};

static int prepare(struct imp *im)
{
	sqlite3 *db = store_db(im->site->store);

	if (sqlite3_prepare_v2(db,
	                       "SELECT article_id FROM wxr_post WHERE source = ?1 AND wp_id = ?2",
	                       -1, &im->map_get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	            db,
	            "INSERT INTO wxr_post(source, wp_id, article_id) VALUES (?1, ?2, ?3) "
	            "ON CONFLICT(source, wp_id) DO UPDATE SET article_id = ?3",
	            -1, &im->map_put, NULL) != SQLITE_OK)
		return log_fail("wxr_post: %s", sqlite3_errmsg(db));
	return 0;
}

/* The article an earlier import made of post wp_id, or 0. */
static int mapped(struct imp *im, int64_t wp_id, int64_t *id)
{
	int rc;

	*id = 0;
	sqlite3_reset(im->map_get);
	sqlite3_bind_text(im->map_get, 1, im->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(im->map_get, 2, wp_id);
	rc = sqlite3_step(im->map_get);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(im->map_get, 0);
	sqlite3_reset(im->map_get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return log_fail("wxr_post: %s", sqlite3_errmsg(store_db(im->site->store)));
	return 0;
}

static int map(struct imp *im, int64_t wp_id, int64_t id)
{
	int rc;

	sqlite3_reset(im->map_put);
	sqlite3_bind_text(im->map_put, 1, im->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(im->map_put, 2, wp_id);
	sqlite3_bind_int64(im->map_put, 3, id);
	rc = sqlite3_step(im->map_put);
	sqlite3_reset(im->map_put);
	if (rc != SQLITE_DONE)
		return log_fail("wxr_post: %s", sqlite3_errmsg(store_db(im->site->store)));
	return 0;
}

/* ---- old addresses --------------------------------------------------- */

/*
 * May path (site-relative, no leading or trailing '/') be a redirect
 * folder?  Not under a language's folder or a folder the site uses, no
 * "." or ".." segments or hidden names, no file names (a folder's
 * index.html cannot answer "/slug.html"), nothing a file system or URL
 * would read otherwise.
 */
static bool alias_ok(const struct imp *im, const char *path)
{
	const struct config *cfg = &im->site->cfg;
	size_t first = strcspn(path, "/"), i;
	const char *p;

	if (*path == '\0' || strlen(path) > MAX_ALIAS)
		return false;
	for (p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\' || *p == '.' ||
		    *p == '?' || *p == '#' || *p == '%' || (p[0] == '/' && p[1] == '/'))
			return false;
	for (i = 0; i < cfg->nlangs; i++)
		if (strlen(cfg->langs[i].code) == first &&
		    strncmp(cfg->langs[i].code, path, first) == 0)
			return false;
	{
		char seg[64];
		if (first < sizeof(seg)) {
			memcpy(seg, path, first);
			seg[first] = '\0';
			if (model_slug_reserved(seg, true))
				return false;
		}
	}
	for (i = 0; i < im->site->theme.nassets; i++) {
		const char *name = im->site->theme.assets[i].name;
		if (strncmp(name, path, first) == 0 && name[first] == '/')
			return false;
	}
	return true;
}

/* The path of url on the old site (from its '/'), or NULL. */
static const char *old_path(const struct imp *im, const char *url)
{
	size_t i, bn, host;

	for (i = 0; i < NELEM(im->base); i++) {
		const char *b = im->base[i], *us, *bs;
		if (b == NULL || *b == '\0')
			continue;
		us = strstr(url, "://") ? strstr(url, "://") + 3 : NULL;
		bs = strstr(b, "://") ? strstr(b, "://") + 3 : b;
		if (us == NULL)
			continue;
		bn = strlen(bs);
		while (bn > 0 && bs[bn - 1] == '/')
			bn--;
		host = strcspn(bs, "/");
		if (host > bn)
			host = bn;
		if (strncasecmp(us, bs, host) == 0 &&
		    strncmp(us + host, bs + host, bn - host) == 0 &&
		    (us[bn] == '/' || us[bn] == '\0' || us[bn] == '?' || us[bn] == '#'))
			return us + bn;
	}
	return NULL;
}

/* The folder of url's path on the old site, if it may be a redirect; NULL. */
static const char *alias_of_link(const struct imp *im, struct arena *a, const char *url)
{
	struct buf f = BUF_INIT;
	const char *path = old_path(im, url), *alias = NULL;

	if (path == NULL)
		return NULL;
	wxr_path_folder(path, &f);
	if (f.n && utf8_valid(f.p, f.n) && alias_ok(im, f.p))
		alias = arena_strndup(a, f.p, f.n);
	buf_finish(&f);
	return alias;
}

/* ---- the pages the new site will have ------------------------------ */

static int64_t folder_key(const char *folder)
{
	return (int64_t)(hash(folder, strlen(folder)) & INT64_MAX);
}

static void will_exist(struct imp *im, const char *folder)
{
	imap_put(&im->known, folder_key(folder), (void *)1);
}

/* wxr_body_opts.exists: a redirect or page of the import will be there. */
static bool folder_exists(void *arg, const char *folder)
{
	const struct imp *im = arg;

	return imap_get(&im->known, folder_key(folder)) != NULL;
}

/* "category/parent/child": WordPress's archive of category c. */
static void cat_archive(struct imp *im, struct cat *c, struct buf *out)
{
	const char *chain[MAX_CAT_DEPTH + 1];
	struct cat *p = c;
	int n = 0, i;

	for (; p && n <= MAX_CAT_DEPTH; n++) {
		chain[n] = p->slug;
		p = *p->parent ? smap_get(&im->cats, p->parent) : NULL;
		if (p == c)
			break;
	}
	buf_puts(out, "category");
	for (i = n - 1; i >= 0; i--)
		buf_printf(out, "/%s", chain[i]);
}

/* ---- sections -------------------------------------------------------- */

static bool path_taken(struct imp *im, int li, const char *path, const void *by)
{
	char key[MAX_PATH + 16];
	void *v;

	snprintf(key, sizeof(key), "%d:%s", li, path);
	v = smap_get(&im->paths, key);
	if (v && v != by)
		return true;
	smap_put(&im->paths, key, (void *)by);
	return false;
}

/*
 * The section path of category c in language li: its parent's path and
 * its own slug, made unique among its siblings; cycles and chains deeper
 * than MAX_CAT_DEPTH are cut.
 */
static const char *cat_path(struct imp *im, struct cat *c, int li, int depth)
{
	const char *lang = im->site->cfg.langs[li].code, *ppath = "";
	struct cat *parent = NULL;
	struct buf seg = BUF_INIT, cand = BUF_INIT;
	int k;

	if (c->path[li])
		return c->path[li];
	if (*c->parent && depth < MAX_CAT_DEPTH && !c->visiting)
		parent = smap_get(&im->cats, c->parent);
	if (parent && parent != c) {
		c->visiting = true;
		ppath = cat_path(im, parent, li, depth + 1);
		c->visiting = false;
		if (c->path[li]) /* reached again through a cycle */
			return c->path[li];
	}
	slug_make(&seg, c->slug, strlen(c->slug), lang);
	if (seg.n == 0)
		slug_make(&seg, c->name, strlen(c->name), lang);
	if (seg.n == 0)
		buf_puts(&seg, "category");
	if (model_slug_reserved(seg.p, *ppath == '\0'))
		buf_puts(&seg, "-category");
	if (strlen(ppath) + seg.n + 1 > MAX_PATH)
		ppath = "";
	for (k = 1;; k++) {
		buf_reset(&cand);
		if (*ppath)
			buf_printf(&cand, "%s/", ppath);
		buf_put(&cand, seg.p, seg.n);
		if (k > 1)
			buf_printf(&cand, "-%d", k);
		if (!path_taken(im, li, cand.p, c))
			break;
	}
	c->path[li] = buf_detach(&cand);
	buf_finish(&seg);
	buf_finish(&cand);
	return c->path[li];
}

/* Makes (or brings up to date) the section of c and its parents in language li. */
static int make_section(struct imp *im, struct cat *c, int li)
{
	const char *lang = im->site->cfg.langs[li].code, *path = cat_path(im, c, li, 0);
	const char *slash = strrchr(path, '/');

	if (c->made[li])
		return 0;
	c->made[li] = true;
	if (slash) {
		/* The parent is whoever holds the path above (cat_path() made it so). */
		char key[MAX_PATH + 16];
		struct cat *parent;
		snprintf(key, sizeof(key), "%d:%.*s", li, (int)(slash - path), path);
		parent = smap_get(&im->paths, key);
		if (parent == NULL || (void *)parent == (void *)im)
			return log_fail("category \"%s\": no section for its parent", c->slug);
		if (make_section(im, parent, li) != 0)
			return -1;
	}
	if (import_section(im->site, lang, path, *c->name ? c->name : c->slug, c->description, -1,
	                   &im->r->base) != 0)
		return -1;
	im->r->sections++;
	/* The category's archive, /category/parent/child/, leads to the section. */
	if (!c->redirected) {
		struct buf alias = BUF_INIT;
		struct arena *a = arena_new(0);
		struct section sec;
		int rc = 0;
		c->redirected = true;
		cat_archive(im, c, &alias);
		if (utf8_valid(alias.p, alias.n) && alias_ok(im, alias.p) &&
		    store_section_find(im->site->store, a, lang, path, &sec) == STORE_OK) {
			if (store_redirect_add(im->site->store, alias.p, 0, sec.id) != STORE_OK)
				rc = -1;
			else
				im->r->redirects++;
		}
		buf_finish(&alias);
		arena_free(a);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static const char *meta(const struct wxr_item *it, const char *key)
{
	size_t i;

	for (i = 0; i < it->nmeta; i++)
		if (strcmp(it->meta[i].key, key) == 0)
			return it->meta[i].value;
	return NULL;
}

/* The category of nicename slug, made from the item's term if the channel lacked it. */
static struct cat *cat_find(struct imp *im, const struct wxr_item_term *t)
{
	struct buf dec = BUF_INIT;
	struct cat *c;

	wxr_pct_decode(t->nicename, strlen(t->nicename), &dec);
	c = smap_get(&im->cats, buf_cstr(&dec));
	if (c == NULL && dec.n > 0) {
		struct arena *a = arena_new(0);
		c = xcalloc(1, sizeof(*c));
		c->slug = xstrdup(buf_cstr(&dec));
		c->parent = xstrdup("");
		c->name = xstrdup(text_line(a, t->name, MAX_LINE_NAME));
		c->description = xstrdup("");
		smap_put(&im->cats, c->slug, c);
		arena_free(a);
	}
	buf_finish(&dec);
	return c;
}

/* The section a post goes to: Yoast's primary category, or its first. */
static struct cat *primary_cat(struct imp *im, const struct wxr_item *it)
{
	const char *v = meta(it, "_yoast_wpseo_primary_category");
	struct cat *c = NULL;
	size_t i;

	if (v && *v) {
		char key[32];
		snprintf(key, sizeof(key), "%lld", (long long)strtoll(v, NULL, 10));
		c = smap_get(&im->cat_ids, key);
	}
	for (i = 0; i < it->nterms && c == NULL; i++)
		if (strcmp(it->terms[i].domain, "category") == 0 && *it->terms[i].nicename)
			c = cat_find(im, &it->terms[i]);
	return c;
}

/* ---- the reader's handlers ------------------------------------------ */

static int on_channel(void *arg, const struct wxr_channel *ch)
{
	struct imp *im = arg;
	const char *b = *ch->base_blog_url ? ch->base_blog_url
	                : *ch->link        ? ch->link
	                                   : ch->base_site_url;
	const char *s = strstr(b, "://") ? strstr(b, "://") + 3 : b;
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '/')
		n--;
	free(im->source);
	free(im->base[0]);
	free(im->base[1]);
	im->source = xstrndup(s, n);
	im->base[0] = xstrdup(*ch->base_blog_url ? ch->base_blog_url : ch->base_site_url);
	im->base[1] = xstrdup(ch->link);
	return 0;
}

static int on_author(void *arg, const struct wxr_author *a)
{
	struct imp *im = arg;
	struct arena *ar;
	const char *name;

	if (*a->login == '\0')
		return 0;
	ar = arena_new(0);
	name = text_line(ar, *a->display_name ? a->display_name : a->login, MAX_LINE_NAME);
	free(smap_get(&im->logins, a->login));
	smap_put(&im->logins, a->login, xstrdup(*name ? name : a->login));
	arena_free(ar);
	return 0;
}

static int on_term(void *arg, const struct wxr_term *t)
{
	struct imp *im = arg;
	struct buf dec = BUF_INIT, pdec = BUF_INIT, desc = BUF_INIT;
	struct arena *a;
	struct cat *c;
	char id[32];

	if (strcmp(t->taxonomy, "category") != 0 || *t->slug == '\0')
		return 0;
	a = arena_new(0);
	wxr_pct_decode(t->slug, strlen(t->slug), &dec);
	wxr_pct_decode(t->parent, strlen(t->parent), &pdec);
	c = smap_get(&im->cats, buf_cstr(&dec));
	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->slug = xstrdup(buf_cstr(&dec));
		smap_put(&im->cats, c->slug, c);
	} else {
		free(c->parent);
		free(c->name);
		free(c->description);
	}
	c->parent = xstrdup(buf_cstr(&pdec));
	c->name = xstrdup(text_line(a, t->name, MAX_LINE_NAME));
	wxr_html_text(t->description, strlen(t->description), false, &desc);
	if (desc.n > MAX_LEAD)
		buf_truncate(&desc, utf8_cut(desc.p, desc.n, MAX_LEAD));
	c->description = buf_detach(&desc);
	if (t->id > 0) {
		snprintf(id, sizeof(id), "%lld", (long long)t->id);
		smap_put(&im->cat_ids, id, c);
	}
	buf_finish(&dec);
	buf_finish(&pdec);
	arena_free(a);
	return 0;
}

/* A language code of the site for a Polylang slug or WPML code ("en", "pt-br", "uk_UA"). */
static const char *site_lang(const struct imp *im, const char *code)
{
	char base[16];
	size_t n = strcspn(code, "-_");
	int li = lang_index(im, code);

	if (li >= 0)
		return im->site->cfg.langs[li].code;
	if (n == 0 || n >= sizeof(base))
		return NULL;
	memcpy(base, code, n);
	base[n] = '\0';
	for (size_t i = 0; i < n; i++)
		base[i] = (char)(base[i] >= 'A' && base[i] <= 'Z' ? base[i] + 32 : base[i]);
	li = lang_index(im, base);
	return li >= 0 ? im->site->cfg.langs[li].code : NULL;
}

static enum article_status status_of(const char *s)
{
	if (strcmp(s, "publish") == 0)
		return ST_PUBLISHED;
	if (strcmp(s, "pending") == 0)
		return ST_PROPOSED;
	if (strcmp(s, "future") == 0)
		return ST_SCHEDULED;
	if (strcmp(s, "trash") == 0)
		return ST_TRASH;
	return ST_DRAFT; /* draft, private, and anything else */
}

/* A WordPress date ("2019-05-01 10:00:00"; "0000-00-00 00:00:00" for none). */
static int64_t wp_date(const char *s)
{
	int64_t t;

	if (*s == '\0' || strncmp(s, "0000", 4) == 0 || model_parse_datetime(s, &t) != 0)
		return 0;
	return t;
}

static bool has_tag(const struct article *art, const char *name)
{
	size_t i;

	for (i = 0; i < art->ntags; i++)
		if (strcmp(art->tags[i].name, name) == 0)
			return true;
	return false;
}

static void add_tag(struct article *art, struct arena *a, const char *html)
{
	const char *name = text_line(a, html, MAX_TAG);

	if (*name == '\0' || art->ntags == MAX_TAGS || has_tag(art, name))
		return;
	art->tags[art->ntags++].name = name;
}

/*
 * A slug for the article: unique in its language, and no subsection of
 * its section has it.  self: the article it already is (0 if new).
 */
static int free_slug(struct imp *im, struct arena *a, struct article *art, int64_t self)
{
	struct store *s = im->site->store;
	struct buf cand = BUF_INIT, folder = BUF_INIT;
	const char *base = art->slug;
	struct article other;
	struct section sec;
	enum store_status st;
	int k, rc = -1;

	for (k = 1; k < 1000; k++) {
		buf_reset(&cand);
		buf_puts(&cand, base);
		if (k > 1)
			buf_printf(&cand, "-%d", k);
		st = store_article_find(s, a, art->lang, cand.p, 0, &other);
		if (st == STORE_OK && other.id != self)
			continue;
		if (st != STORE_OK && st != STORE_NOT_FOUND)
			goto out;
		buf_reset(&folder);
		if (*art->section_path)
			buf_printf(&folder, "%s/", art->section_path);
		buf_puts(&folder, cand.p);
		st = store_section_find(s, a, art->lang, folder.p, &sec);
		if (st == STORE_OK)
			continue;
		if (st != STORE_NOT_FOUND)
			goto out;
		art->slug = arena_strndup(a, cand.p, cand.n);
		rc = 0;
		goto out;
	}
	log_fail("no free slug for \"%s\"", base);
out:
	buf_finish(&cand);
	buf_finish(&folder);
	return rc;
}

static int pages_section(struct imp *im, int li)
{
	if (im->pages_made[li])
		return 0;
	im->pages_made[li] = true;
	if (import_section(im->site, im->site->cfg.langs[li].code, PAGES_PATH, PAGES_TITLE, "", -1,
	                   &im->r->base) != 0)
		return -1;
	im->r->sections++;
	return 0;
}

/*
 * The language an item is imported in, or NULL if it is not imported
 * (counted in the report when count is set: the import pass, not the
 * scan).
 */
static const char *importable(struct imp *im, const struct wxr_item *it, bool count)
{
	struct wxr_report *r = im->r;
	const char *type = *it->post_type ? it->post_type : "post";
	const char *status = *it->status ? it->status : "draft";
	const char *lang = im->lang, *v;
	bool page = strcmp(type, "page") == 0;
	size_t *skip = NULL, i;

	if (strcmp(type, "attachment") == 0)
		skip = &r->skip_attachments;
	else if (!page && strcmp(type, "post") != 0)
		skip = &r->skip_types;
	else if (strcmp(status, "auto-draft") == 0)
		skip = &r->skip_auto_drafts;
	else if (strcmp(status, "inherit") == 0)
		skip = &r->skip_types;
	else if (page && im->opts->no_pages)
		skip = &r->skip_pages;
	if (skip) {
		*skip += count;
		return NULL;
	}
	/* The language: Polylang's term, WPML's meta, or the default. */
	for (i = 0; i < it->nterms; i++)
		if (strcmp(it->terms[i].domain, "language") == 0 && *it->terms[i].nicename) {
			im->multilingual = true;
			if ((lang = site_lang(im, it->terms[i].nicename)) == NULL)
				break;
		}
	if (lang && (v = meta(it, "_wpml_import_language_code")) != NULL && *v) {
		im->multilingual = true;
		lang = site_lang(im, v);
	}
	if (lang == NULL)
		r->skip_lang += count;
	return lang;
}

/* The scan: which old addresses the import will keep. */
static int scan_item(void *arg, const struct wxr_item *it)
{
	struct imp *im = arg;
	struct arena *a;
	const char *alias;
	char p[32];

	if (importable(im, it, false) == NULL)
		return 0;
	if (it->has_post_id && it->post_id > 0) {
		snprintf(p, sizeof(p), "p/%lld", (long long)it->post_id);
		will_exist(im, p);
	}
	a = arena_new(0);
	if (*it->link && (alias = alias_of_link(im, a, it->link)) != NULL)
		will_exist(im, alias);
	arena_free(a);
	if (strcmp(*it->post_type ? it->post_type : "post", "post") == 0) {
		struct cat *c = primary_cat(im, it);
		int depth;
		for (depth = 0; c && !c->used && depth <= MAX_CAT_DEPTH; depth++) {
			c->used = true;
			c = *c->parent ? smap_get(&im->cats, c->parent) : NULL;
		}
	}
	return 0;
}

/* After the scan: the category archives that will lead to sections. */
static void scan_categories(struct imp *im)
{
	struct buf alias = BUF_INIT;
	size_t i;

	for (i = 0; i < im->cats.cap; i++) {
		struct cat *c = im->cats.vals ? im->cats.vals[i] : NULL;
		if (im->cats.keys == NULL || im->cats.keys[i] == NULL || c == NULL ||
		    (im->multilingual && !c->used))
			continue;
		buf_reset(&alias);
		cat_archive(im, c, &alias);
		if (utf8_valid(alias.p, alias.n) && alias_ok(im, alias.p))
			will_exist(im, alias.p);
	}
	buf_finish(&alias);
}

static int on_item(void *arg, const struct wxr_item *it)
{
	struct imp *im = arg;
	struct wxr_report *r = im->r;
	const char *type = *it->post_type ? it->post_type : "post";
	const char *status = *it->status ? it->status : "draft";
	const char *lang, *tkey = NULL, *v, *aliases[4];
	struct arena *a;
	struct article art = {0};
	struct buf b = BUF_INIT;
	struct wxr_body_stats bs;
	struct cat *primary = NULL;
	size_t i, naliases = 0, ncats = 0;
	int64_t mapped_id = 0, id;
	bool page = strcmp(type, "page") == 0;
	int li, rc = -1;

	r->comments += it->ncomments;
	if ((lang = importable(im, it, true)) == NULL)
		return 0;
	li = lang_index(im, lang);
	a = arena_new(0);
	art.lang = lang;
	art.status = status_of(status);
	if (strcmp(status, "private") == 0 || *it->post_password) {
		/* Not meant for everyone: kept as a draft, for an editor to decide. */
		art.status = ST_DRAFT;
		r->protected_drafts += *it->post_password != '\0';
	}
	art.date = wp_date(it->post_date_gmt);
	if (art.date == 0)
		art.date = wp_date(it->post_date);
	art.created = art.date;
	if (strcmp(status, "draft") == 0 || strcmp(status, "pending") == 0)
		art.date = 0; /* a draft's date is its last edit, not a publication */
	if (art.created == 0)
		art.created = wp_date(it->post_date);
	art.updated = wp_date(it->post_modified_gmt);
	if (art.updated < art.created)
		art.updated = 0;

	art.title = text_line(a, it->title, MAX_TITLE);
	if (*art.title == '\0') {
		art.title = "(no title)";
		r->untitled++;
	}
	/* The slug: post_name, else the title, else the id. */
	wxr_pct_decode(it->post_name, strlen(it->post_name), &b);
	{
		struct buf s = BUF_INIT;
		slug_make(&s, b.p ? b.p : "", b.n, lang);
		if (s.n == 0 && strcmp(art.title, "(no title)") != 0)
			slug_make(&s, art.title, strlen(art.title), lang);
		if (s.n == 0)
			buf_printf(&s, it->has_post_id ? "post-%lld" : "post",
			           (long long)it->post_id);
		if (model_slug_reserved(s.p, false))
			buf_puts(&s, "-2");
		art.slug = arena_strndup(a, s.p, s.n);
		buf_finish(&s);
	}

	/* Section and tags. */
	art.tags = arena_calloc(a, MAX_TAGS, sizeof(*art.tags));
	if (page) {
		if (pages_section(im, li) != 0)
			goto out;
		art.section_path = PAGES_PATH;
	} else {
		primary = primary_cat(im, it);
		for (i = 0; i < it->nterms; i++)
			if (strcmp(it->terms[i].domain, "category") == 0 &&
			    *it->terms[i].nicename) {
				struct cat *c = cat_find(im, &it->terms[i]);
				if (c && c != primary)
					add_tag(&art, a, it->terms[i].name);
				ncats++;
			}
		if (ncats > 1)
			r->extra_categories++;
		if (primary) {
			if (make_section(im, primary, li) != 0)
				goto out;
			art.section_path = arena_strdup(a, cat_path(im, primary, li, 0));
		} else {
			art.section_path = "";
		}
	}
	for (i = 0; i < it->nterms; i++)
		if (strcmp(it->terms[i].domain, "post_tag") == 0 ||
		    strcmp(it->terms[i].domain, "tag") == 0)
			add_tag(&art, a, it->terms[i].name);

	/* Author. */
	if (*it->creator) {
		const char *name = smap_get(&im->logins, it->creator);
		art.authors = arena_calloc(a, 1, sizeof(*art.authors));
		art.authors[0].name = name ? name : text_line(a, it->creator, MAX_LINE_NAME);
		art.authors[0].kind = AUTHOR_PERSON;
		art.nauthors = *art.authors[0].name ? 1 : 0;
		if (art.nauthors && smap_get(&im->names, art.authors[0].name) == NULL) {
			smap_put(&im->names, art.authors[0].name, (void *)1);
			r->authors++;
		}
	}

	/* The translation group: Polylang's term, or WPML's meta. */
	for (i = 0; i < it->nterms; i++)
		if (strcmp(it->terms[i].domain, "post_translations") == 0 && *it->terms[i].nicename)
			tkey = arena_printf(a, "pll-%s", it->terms[i].nicename);
	if ((v = meta(it, "_wpml_import_translation_group")) != NULL && *v)
		tkey = arena_printf(a, "wpml-%s", v);
	if (tkey && strlen(tkey) <= 200 && strpbrk(tkey, "\r\n") == NULL) {
		/* One article per language in a group; a second is left out of it. */
		struct buf k = BUF_INIT;
		int64_t h;
		buf_printf(&k, "%s%c%s", tkey, 0, lang);
		h = (int64_t)(hash(k.p, k.n) & INT64_MAX);
		buf_finish(&k);
		if (imap_get(&im->groups, h) == NULL) {
			imap_put(&im->groups, h, (void *)1);
			art.tkey = tkey;
			r->translated++;
		}
	}

	/* Lead and body. */
	buf_reset(&b);
	wxr_html_text(it->excerpt, strlen(it->excerpt), false, &b);
	if (b.n > MAX_LEAD)
		buf_truncate(&b, utf8_cut(b.p, b.n, MAX_LEAD));
	art.lead = arena_strndup(a, buf_cstr(&b), b.n);
	buf_reset(&b);
	{
		struct wxr_body_opts bo = {{im->base[0], im->base[1]}, folder_exists, im};
		if (wxr_body(it->content, strlen(it->content), &bo, &b, &bs) != 0 ||
		    b.n > MAX_BODY) {
			r->skip_too_long++;
			rc = 0;
			goto out;
		}
	}
	art.body = arena_strndup(a, buf_cstr(&b), b.n);
	r->captions += bs.sc.captions;
	r->embeds += bs.sc.embeds;
	r->galleries += bs.sc.removed;

	/* Old addresses. */
	if (it->has_post_id && it->post_id > 0)
		aliases[naliases++] = arena_printf(a, "p/%lld", (long long)it->post_id);
	if (*it->link && (v = alias_of_link(im, a, it->link)) != NULL)
		aliases[naliases++] = v;
	if (naliases == 2 && strcmp(aliases[0], aliases[1]) == 0)
		naliases = 1;

	/* The article an earlier import of this post made, if any. */
	if (it->has_post_id) {
		struct article old;
		if (mapped(im, it->post_id, &mapped_id) != 0)
			goto out;
		if (mapped_id &&
		    (store_article_get(im->site->store, a, mapped_id, 0, &old) != STORE_OK ||
		     strcmp(old.lang, lang) != 0))
			mapped_id = 0;
		art.id = mapped_id;
		if (free_slug(im, a, &art, mapped_id) != 0)
			goto out;
	}
	if (import_article(im->site, &art, aliases, naliases, &id, &r->base) != 0)
		goto out;
	r->redirects += naliases;
	if (it->has_post_id && map(im, it->post_id, id) != 0)
		goto out;
	if (page)
		r->pages++;
	else
		r->posts++;
	rc = 0;
out:
	buf_finish(&b);
	arena_free(a);
	return rc;
}

static void on_progress(void *arg, size_t done, size_t total)
{
	struct imp *im = arg;

	if (im->pr.total == 0 && total)
		progress_set_total(&im->pr, 2 * total); /* the scan, then the import */
	if (done > im->done)
		progress_step(&im->pr, done - im->done);
	im->done = done;
}

/* Categories nobody filed a post in still make the tree, when the language is clear. */
static int remaining_categories(struct imp *im)
{
	size_t i;
	int li = lang_index(im, im->lang);

	if (im->multilingual || li < 0)
		return 0; /* a multilingual export: their language is unknown */
	for (i = 0; i < im->cats.cap; i++)
		if (im->cats.keys[i] && make_section(im, im->cats.vals[i], li) != 0)
			return -1;
	return 0;
}

int wxr_import(struct site *site, const char *path, const struct wxr_opts *opts,
               struct wxr_report *r)
{
	static const struct wxr_opts defaults;
	struct imp im;
	/* Two passes: the scan learns which old pages the new site will have. */
	struct wxr_handler scan = {on_channel, NULL, on_term, scan_item, on_progress, &im};
	struct wxr_handler h = {on_channel, on_author, NULL, on_item, on_progress, &im};
	size_t i;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&im, 0, sizeof(im));
	im.site = site;
	im.opts = opts ? opts : &defaults;
	im.r = r;
	im.lang = im.opts->lang ? im.opts->lang : site->cfg.default_lang;
	im.source = xstrdup("");
	if (config_lang(&site->cfg, im.lang) == NULL) {
		log_fail("language \"%s\" is not one of the site's (see tamizdat.ini)", im.lang);
		goto out_free;
	}
	/* Its own table, made outside the import's transaction. */
	if (store_migrate_module(site->store, &wxr_schema) != STORE_OK || prepare(&im) != 0)
		goto out_free;
	progress_init(&im.pr, "importing", 0);
	if (!im.opts->progress)
		im.pr.enabled = 0;
	if (store_begin(site->store) != STORE_OK)
		goto out_free;
	/* Pages have their folder; categories called "pages" get another. */
	for (i = 0; i < site->cfg.nlangs; i++)
		path_taken(&im, (int)i, PAGES_PATH, &im);
	if (wxr_read_file(path, &scan) != 0) {
		progress_finish(&im.pr);
		store_rollback(site->store);
		goto out_free;
	}
	scan_categories(&im);
	im.done = 0;
	if (wxr_read_file(path, &h) != 0 || remaining_categories(&im) != 0) {
		progress_finish(&im.pr);
		store_rollback(site->store);
		goto out_free;
	}
	progress_finish(&im.pr);
	if (im.opts->dry_run) {
		store_rollback(site->store);
		rc = 0;
		goto out_free;
	}
	if (import_note(site, &r->base) != 0 || store_commit(site->store) != STORE_OK) {
		store_rollback(site->store);
		goto out_free;
	}
	rc = 0;
out_free:
	sqlite3_finalize(im.map_get);
	sqlite3_finalize(im.map_put);
	for (i = 0; i < im.cats.cap; i++) {
		struct cat *c = im.cats.vals ? im.cats.vals[i] : NULL;
		if (c == NULL || im.cats.keys[i] == NULL || strcmp(im.cats.keys[i], c->slug) != 0)
			continue;
		free(c->slug);
		free(c->parent);
		free(c->name);
		free(c->description);
		for (size_t k = 0; k < CONFIG_MAX_LANGS; k++)
			free(c->path[k]);
		free(c);
	}
	smap_finish(&im.cats, false);
	smap_finish(&im.cat_ids, false);
	smap_finish(&im.paths, false);
	smap_finish(&im.logins, true);
	smap_finish(&im.names, false);
	imap_finish(&im.groups);
	imap_finish(&im.known);
	free(im.source);
	free(im.base[0]);
	free(im.base[1]);
	return rc;
}
