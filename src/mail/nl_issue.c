/*
 * Newsletter issues: the context, composing, listing.  See newsletter.h.
 */
#include "mail/newsletter.h"

#include <stdlib.h>
#include <string.h>

#include "mail/mail_int.h"
#include "mail/mailcfg.h"
#include "site/site.h"
#include "util/arena.h"
#include "util/log.h"

struct mailcfg *nl_site_open(const char *config_path, const struct config *cfg, struct store *store,
                             bool readonly)
{
	struct mailcfg *mc = mailcfg_new(config_path, cfg);

	if (mc == NULL)
		return NULL;
	if (!readonly && mdb_migrate(store) != STORE_OK) {
		mailcfg_free(mc);
		return NULL;
	}
	return mc;
}

int nl_ctx_init(struct nl_ctx *c, struct site *site)
{
	memset(c, 0, sizeof(*c));
	if (site->mail == NULL || !site->mail->enabled)
		return log_fail("this site has no newsletter (add a [newsletter] section to %s)",
		                site->config_path);
	c->rs = &site->rs;
	c->mc = site->mail;
	c->store = site->store;
	return sub_secret(site->store, c->key);
}

static void read_issue(struct arena *a, sqlite3_stmt *st, struct nl_issue *out)
{
	out->id = sqlite3_column_int64(st, 0);
	out->list = mdb_col_text(a, st, 1);
	out->created = sqlite3_column_int64(st, 2);
	out->since = sqlite3_column_int64(st, 3);
	out->until = sqlite3_column_int64(st, 4);
	out->queued = sqlite3_column_int64(st, 5);
	out->finished = sqlite3_column_int64(st, 6);
	out->narticles = (size_t)sqlite3_column_int64(st, 7);
}

#define ISSUE_COLS                                                                  \
	"id, list, created, since, until, queued, finished, (SELECT count(*) FROM " \
	"nl_issue_article x WHERE x.issue_id = nl_issue.id)"

enum store_status nl_issue_get(struct store *s, struct arena *a, int64_t id, struct nl_issue *out)
{
	sqlite3_stmt *st;
	enum store_status rc = STORE_OK;
	int r;

	st = mdb_prepare(s, id ? "SELECT " ISSUE_COLS " FROM nl_issue WHERE id = ?"
	                       : "SELECT " ISSUE_COLS " FROM nl_issue ORDER BY id DESC LIMIT 1");
	if (st == NULL)
		return STORE_ERROR;
	if (id)
		sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		read_issue(a, st, out);
	else if (r == SQLITE_DONE) {
		rc = STORE_NOT_FOUND;
		if (id)
			log_fail("no issue %lld (see: tamizdat newsletter status)", (long long)id);
		else
			log_fail("no issue yet (see: tamizdat newsletter compose)");
	} else
		rc = mdb_fail(s, "issue");
	sqlite3_finalize(st);
	return rc;
}

enum store_status nl_issue_list(struct store *s, struct arena *a, struct nl_issue **out, size_t *n)
{
	sqlite3_stmt *st = mdb_prepare(s, "SELECT " ISSUE_COLS " FROM nl_issue ORDER BY id DESC");
	size_t cap = 16, k = 0;
	struct nl_issue *v;
	int r;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return STORE_ERROR;
	v = arena_alloc(a, cap * sizeof(*v));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct nl_issue *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, k * sizeof(*w));
			v = w;
			cap *= 2;
		}
		read_issue(a, st, &v[k++]);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return mdb_fail(s, "issues");
	*out = v;
	*n = k;
	return STORE_OK;
}

/* The end of the list's previous issue, or 0 if it has none. */
static int64_t last_until(struct store *s, const char *list)
{
	sqlite3_stmt *st = mdb_prepare(s, "SELECT max(until) FROM nl_issue WHERE list = ?");
	int64_t v = 0;

	if (st == NULL)
		return -1;
	mdb_bind_text(st, 1, list);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int newest_first(const void *pa, const void *pb)
{
	const struct article *a = pa, *b = pb;

	if (a->date != b->date)
		return a->date < b->date ? 1 : -1;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

/* Published articles dated in (since, until], newest first, at most max. */
/*
 * Whether article id went out in an earlier issue of list: 1, 0, or -1.
 * Only asked of articles dated the second the last issue was made, which
 * were published either just before it (and are in it) or just after.
 */
static int in_an_issue(struct store *s, const char *list, int64_t id)
{
	sqlite3_stmt *st = mdb_prepare(s, "SELECT 1 FROM nl_issue_article ia JOIN nl_issue i "
	                                  "ON i.id = ia.issue_id WHERE i.list = ? AND "
	                                  "ia.article_id = ?");
	int r;

	if (st == NULL)
		return -1;
	mdb_bind_text(st, 1, list);
	sqlite3_bind_int64(st, 2, id);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

/*
 * The published articles dated from since to until, newest first, at most
 * max, leaving out those already sent in an issue of list: an issue made
 * at second T holds the articles dated T published before it, and the
 * next one, from T, those published after it in the same second.
 */
static enum store_status articles_since(struct store *s, struct arena *a, const char *list,
                                        int64_t since, int64_t until, size_t max, int64_t **ids,
                                        size_t *n)
{
	struct list_key k = {since, 0};
	size_t total, count, i, j;
	struct article *arts;
	int64_t *v;
	enum store_status rc;

	*n = 0;
	if ((rc = store_list_count(s, LIST_SITE, &total)) != STORE_OK ||
	    (rc = store_list_count_from(s, LIST_SITE, k, &count)) != STORE_OK)
		return rc;
	if ((rc = store_list_range(s, a, LIST_SITE, total - count, count, &v, &count)) != STORE_OK)
		return rc;
	if ((rc = store_article_get_many(s, a, v, count, &arts, &count)) != STORE_OK)
		return rc;
	if (count > 0)
		qsort(arts, count, sizeof(*arts), newest_first);
	*ids = arena_alloc(a, (count + 1) * sizeof(**ids));
	for (i = 0, j = 0; i < count && j < max; i++) {
		int sent = 0;
		if (arts[i].status != ST_PUBLISHED || arts[i].date < since || arts[i].date > until)
			continue;
		if (arts[i].date == since && (sent = in_an_issue(s, list, arts[i].id)) < 0)
			return STORE_ERROR;
		if (!sent)
			(*ids)[j++] = arts[i].id;
	}
	*n = j;
	return STORE_OK;
}

int nl_compose(struct nl_ctx *c, const char *list, int64_t since, const int64_t *ids, size_t nids,
               int64_t *issue)
{
	struct arena *a = arena_new(0);
	struct store *s = c->store;
	int64_t now = store_now(), *v = NULL;
	size_t n = 0, i;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (list == NULL)
		list = c->mc->lists[0].id;
	if (mailcfg_list(c->mc, list) == NULL) {
		log_fail("unknown list \"%s\" (the lists are in [newsletter] lists)", list);
		goto out;
	}
	if (store_begin(s) != STORE_OK)
		goto out;
	if (nids) {
		struct article art;
		v = arena_alloc(a, nids * sizeof(*v));
		for (i = 0; i < nids; i++) {
			if (store_article_get(s, a, ids[i], 0, &art) != STORE_OK)
				goto fail;
			if (art.status != ST_PUBLISHED) {
				log_fail("article %lld is not published", (long long)ids[i]);
				goto fail;
			}
			v[n++] = ids[i];
		}
		since = 0;
	} else {
		if (since < 0) {
			int64_t last = last_until(s, list);
			if (last < 0)
				goto fail;
			since = last ? last : now - NL_FIRST_SINCE;
		}
		if (articles_since(s, a, list, since, now, c->mc->max_articles, &v, &n) != STORE_OK)
			goto fail;
		if (n == 0) {
			log_fail("no article published since %s; nothing to send",
			         arena_printf(a, "%lld", (long long)since));
			goto fail;
		}
	}
	st = mdb_prepare(s, "INSERT INTO nl_issue(list, created, since, until) VALUES (?,?,?,?)");
	if (st == NULL)
		goto fail;
	mdb_bind_text(st, 1, list);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, since);
	sqlite3_bind_int64(st, 4, now);
	if (mdb_done(s, st, "issue") != STORE_OK)
		goto fail;
	*issue = sqlite3_last_insert_rowid(store_db(s));
	st = mdb_prepare(s, "INSERT INTO nl_issue_article(issue_id, position, article_id) "
	                    "VALUES (?,?,?)");
	if (st == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, *issue);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_int64(st, 3, v[i]);
		if (sqlite3_step(st) != SQLITE_DONE) {
			mdb_fail(s, "issue");
			sqlite3_finalize(st);
			goto fail;
		}
	}
	sqlite3_finalize(st);
	if (store_commit(s) != STORE_OK)
		goto out;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
out:
	arena_free(a);
	return rc;
}
