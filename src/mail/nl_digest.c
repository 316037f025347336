/*
 * An issue turned into messages.  See newsletter.h.  Rendering the
 * templates is the expensive part, and readers fall into few profiles
 * (their languages and the language of the mail's own words), so each
 * profile is rendered once with placeholders for the personal links,
 * kept in a small cache, and each message only fills in its links and
 * goes through GMime.  Memory does not grow with the number of readers.
 */
#include "mail/newsletter.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail_int.h"
#include "mail/mailcfg.h"
#include "mail/mime.h"
#include "mail/outbox.h"
#include "render/i18n.h"
#include "render/render_newsletter.h"
#include "util/arena.h"
#include "util/log.h"

/*
 * Profiles kept rendered: every combination of four languages with one
 * interface language each is 32; beyond that the least recently used goes.
 */
#define NL_PROFILES 64
/* Stand-ins for the personal links in a profile's rendering: bytes no text holds. */
#define PH_PREFS "\x01P\x01"
#define PH_UNSUB "\x01U\x01"

struct profile {
	char *key; /* "en,fr|fr": languages | interface language */
	size_t narts;
	char *subject;
	char *html, *text;
	uint64_t used;
};

struct nl_digest {
	struct nl_ctx *c;
	struct arena *a; /* the issue's articles */
	struct nl_issue issue;
	struct article *arts;
	unsigned *group;
	size_t n;
	struct profile cache[NL_PROFILES];
	size_t ncache;
	uint64_t tick;
	char host[256];
	char from_domain[256];
	struct buf html, text, tok, url1, url2, mailto; /* reused per message */
};

void nl_digest_free(struct nl_digest *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->ncache; i++) {
		free(d->cache[i].key);
		free(d->cache[i].subject);
		free(d->cache[i].html);
		free(d->cache[i].text);
	}
	arena_free(d->a);
	buf_finish(&d->html);
	buf_finish(&d->text);
	buf_finish(&d->tok);
	buf_finish(&d->url1);
	buf_finish(&d->url2);
	buf_finish(&d->mailto);
	free(d);
}

/* "https://news.example.org:8443/x/" -> "news.example.org" */
static void url_host(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://"), *e;

	p = p ? p + 3 : url;
	e = p + strcspn(p, ":/");
	snprintf(out, n, "%.*s", (int)(e - p), p);
}

struct nl_digest *nl_digest_load(struct nl_ctx *c, int64_t issue)
{
	struct nl_digest *d = xcalloc(1, sizeof(*d));
	struct store *s = c->store;
	sqlite3_stmt *st;
	int64_t *gkeys;
	size_t cap = 16, i, j, ngroups = 0;
	const char *at;
	int r;

	d->c = c;
	d->a = arena_new(0);
	if (c->mc->from == NULL || strchr(c->mc->from, '@') == NULL) {
		log_fail("set the sender's address: [newsletter] from = news@example.org");
		goto fail;
	}
	at = strrchr(c->mc->from, '@');
	snprintf(d->from_domain, sizeof(d->from_domain), "%s", at + 1);
	url_host(c->rs->cfg->base_url, d->host, sizeof(d->host));
	if (nl_issue_get(s, d->a, issue, &d->issue) != STORE_OK)
		goto fail;
	st = mdb_prepare(s, "SELECT article_id FROM nl_issue_article WHERE issue_id = ? "
	                    "ORDER BY position");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, d->issue.id);
	d->arts = arena_alloc(d->a, cap * sizeof(*d->arts));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct article art;
		int64_t id = sqlite3_column_int64(st, 0);
		enum store_status rc = store_article_get(
		        s, d->a, id, c->mc->full_text ? STORE_WITH_BODY : 0, &art);
		/* Unpublished or deleted since the issue was composed: left out. */
		if (rc == STORE_NOT_FOUND || (rc == STORE_OK && art.status != ST_PUBLISHED))
			continue;
		if (rc != STORE_OK) {
			sqlite3_finalize(st);
			goto fail;
		}
		if (d->n == cap) {
			struct article *w = arena_alloc(d->a, 2 * cap * sizeof(*w));
			memcpy(w, d->arts, d->n * sizeof(*w));
			d->arts = w;
			cap *= 2;
		}
		d->arts[d->n++] = art;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		mdb_fail(s, "issue");
		goto fail;
	}
	/* Translation groups, numbered in the order they first appear. */
	d->group = arena_alloc(d->a, (d->n + 1) * sizeof(*d->group));
	gkeys = arena_alloc(d->a, (d->n + 1) * sizeof(*gkeys));
	for (i = 0; i < d->n; i++) {
		int64_t k = d->arts[i].tgroup_id ? d->arts[i].tgroup_id : -d->arts[i].id;
		for (j = 0; j < ngroups && gkeys[j] != k; j++)
			;
		if (j == ngroups)
			gkeys[ngroups++] = k;
		d->group[i] = (unsigned)j;
	}
	if (mime_init() != 0)
		goto fail;
	return d;
fail:
	nl_digest_free(d);
	return NULL;
}

const char *nl_digest_from(const struct nl_digest *d)
{
	return d->c->mc->from;
}

static const char *list_name(struct nl_digest *d, const char *lang)
{
	const struct mailcfg_list *l = mailcfg_list(d->c->mc, d->issue.list);
	const char *name, *v;
	char key[64];

	if (l == NULL)
		return d->issue.list;
	name = mailcfg_list_name(d->c->mc, d->c->rs->cfg, l, lang);
	if (name != l->id)
		return name;
	snprintf(key, sizeof(key), "nl_list.%s", l->id);
	v = i18n_get(d->c->rs->i18n, lang, key);
	return strcmp(v, key) == 0 ? l->id : v;
}

static bool has(const char *set, const char *item)
{
	return sub_set_has(set, item);
}

static struct profile *render_profile(struct nl_digest *d, const char *key, const char *langs,
                                      const char *ui, struct profile *p)
{
	const struct config *cfg = d->c->rs->cfg;
	struct arena *a = arena_new(0);
	const struct article **arts = arena_alloc(a, (d->n + 1) * sizeof(*arts));
	unsigned *group = arena_alloc(a, (d->n + 1) * sizeof(*group));
	struct render_digest rd = {0};
	struct buf html = BUF_INIT, text = BUF_INIT, subj = BUF_INIT;
	size_t n = 0, i, g, l, ngroups = 0;
	struct profile *ret = NULL;

	for (i = 0; i < d->n; i++)
		ngroups = MAX(ngroups, (size_t)d->group[i] + 1);
	/* Group by group in the issue's order; inside a group, the site's language order. */
	for (g = 0; g < ngroups; g++)
		for (l = 0; l < cfg->nlangs; l++) {
			const char *code = cfg->langs[l].code;
			if (!has(langs, code))
				continue;
			for (i = 0; i < d->n; i++)
				if (d->group[i] == g && strcmp(d->arts[i].lang, code) == 0) {
					arts[n] = &d->arts[i];
					group[n++] = (unsigned)g;
				}
		}
	rd.ui_lang = ui;
	rd.list_name = list_name(d, ui);
	rd.date = d->issue.created;
	rd.arts = arts;
	rd.group = group;
	rd.n = n;
	rd.full_text = d->c->mc->full_text;
	rd.prefs_url = PH_PREFS;
	rd.unsub_url = PH_UNSUB;
	if (n && render_digest(d->c->rs, a, &rd, &html, &text) != 0)
		goto out;
	{
		struct buf date = BUF_INIT;
		i18n_date(d->c->rs->i18n, ui, d->issue.created, &date);
		buf_printf(&subj, "%s: %s, %s", config_title(cfg, ui), rd.list_name,
		           buf_cstr(&date));
		buf_finish(&date);
	}
	p->key = xstrdup(key);
	p->narts = n;
	p->subject = buf_detach(&subj);
	p->html = buf_detach(&html);
	p->text = buf_detach(&text);
	ret = p;
out:
	buf_finish(&html);
	buf_finish(&text);
	buf_finish(&subj);
	arena_free(a);
	return ret;
}

static struct profile *profile(struct nl_digest *d, const char *langs, const char *ui)
{
	char key[512];
	size_t i, victim = 0;
	struct profile *p;

	snprintf(key, sizeof(key), "%s|%s", langs, ui);
	for (i = 0; i < d->ncache; i++)
		if (strcmp(d->cache[i].key, key) == 0) {
			d->cache[i].used = ++d->tick;
			return &d->cache[i];
		}
	if (d->ncache < NL_PROFILES) {
		victim = d->ncache++;
	} else {
		for (i = 1; i < d->ncache; i++)
			if (d->cache[i].used < d->cache[victim].used)
				victim = i;
		p = &d->cache[victim];
		free(p->key);
		free(p->subject);
		free(p->html);
		free(p->text);
	}
	p = &d->cache[victim];
	memset(p, 0, sizeof(*p));
	if (render_profile(d, key, langs, ui, p) == NULL) {
		/* Keep the slot valid for nl_digest_free(). */
		p->key = xstrdup("");
		return NULL;
	}
	p->used = ++d->tick;
	return p;
}

/* Copies src to out with the placeholders replaced. */
static void fill(struct buf *out, const char *src, const char *prefs, const char *unsub)
{
	const char *p = src, *q;

	buf_reset(out);
	while ((q = strchr(p, '\x01')) != NULL) {
		buf_put(out, p, (size_t)(q - p));
		if (strncmp(q, PH_PREFS, 3) == 0)
			buf_puts(out, prefs);
		else if (strncmp(q, PH_UNSUB, 3) == 0)
			buf_puts(out, unsub);
		else {
			buf_putc(out, ' ');
			p = q + 1;
			continue;
		}
		p = q + 3;
	}
	buf_puts(out, p);
}

/* A valid interface language for sub: its own if the site still has it. */
static const char *ui_of(struct nl_digest *d, const struct subscriber *sub)
{
	const struct config *cfg = d->c->rs->cfg;

	if (config_lang(cfg, sub->ui_lang))
		return sub->ui_lang;
	return cfg->default_lang;
}

/* Fills d->html and d->text for sub; returns the profile or NULL (nothing, or an error). */
static struct profile *personal(struct nl_digest *d, const struct subscriber *sub, int *rc)
{
	const char *base = d->c->rs->cfg->base_url;
	struct profile *p = profile(d, sub->langs, ui_of(d, sub));

	*rc = -1;
	if (p == NULL)
		return NULL;
	*rc = 0;
	if (p->narts == 0)
		return NULL;
	buf_reset(&d->tok);
	sub_token_make(d->c->key, SUB_TOKEN_PREFS, sub->id, sub->addr, 0, &d->tok);
	buf_reset(&d->url1);
	buf_printf(&d->url1, "%snewsletter/prefs?t=%s", base, buf_cstr(&d->tok));
	buf_reset(&d->url2);
	buf_printf(&d->url2, "%snewsletter/unsubscribe?t=%s", base, buf_cstr(&d->tok));
	fill(&d->html, p->html, buf_cstr(&d->url1), buf_cstr(&d->url2));
	fill(&d->text, p->text, buf_cstr(&d->url1), buf_cstr(&d->url2));
	*rc = 1;
	return p;
}

static void message_id(const unsigned char *key, const char *what, int64_t a, int64_t b,
                       const char *domain, struct buf *out)
{
	unsigned char h[12];
	char in[96];
	size_t i;
	int n = snprintf(in, sizeof(in), "%s.%lld.%lld", what, (long long)a, (long long)b);

	/* Opaque but stable: a message sent again after a crash has the same id. */
	crypto_generichash(h, sizeof(h), (const unsigned char *)in, (size_t)n, key, SUB_KEY_SIZE);
	buf_puts(out, "tz.");
	for (i = 0; i < sizeof(h); i++)
		buf_printf(out, "%02x", h[i]);
	buf_printf(out, "@%s", domain);
}

int nl_digest_message(struct nl_digest *d, const struct subscriber *sub, struct buf *out)
{
	const struct mailcfg *mc = d->c->mc;
	struct mime_mail m = {0};
	struct buf mid = BUF_INIT, lid = BUF_INIT, lang = BUF_INIT;
	struct profile *p;
	const char *ui = ui_of(d, sub), *c;
	int rc;

	p = personal(d, sub, &rc);
	if (p == NULL)
		return rc;
	message_id(d->c->key, "issue", d->issue.id, sub->id, d->from_domain, &mid);
	buf_printf(&lid, "%s.%s", d->issue.list, d->host);
	buf_reset(&d->mailto);
	buf_printf(&d->mailto, "mailto:%s?subject=unsubscribe%%20%s",
	           *mc->unsubscribe_mailto ? mc->unsubscribe_mailto : mc->from, buf_cstr(&d->tok));
	for (c = sub->langs; *c; c++)
		if (*c == ',')
			buf_puts(&lang, ", ");
		else
			buf_putc(&lang, *c);
	m.from_name = render_nl_from_name(d->c->rs, ui);
	m.from_addr = mc->from;
	m.reply_to = *mc->reply_to ? mc->reply_to : NULL;
	m.to_name = sub->name;
	m.to_addr = sub->addr;
	m.subject = p->subject;
	m.date = store_now();
	m.message_id = buf_cstr(&mid);
	m.list_name = list_name(d, ui);
	m.list_id = buf_cstr(&lid);
	m.unsub_https = buf_cstr(&d->url2);
	m.unsub_mailto = buf_cstr(&d->mailto);
	m.language = buf_cstr(&lang);
	m.text = d->text.p;
	m.text_n = d->text.n;
	m.html = d->html.p;
	m.html_n = d->html.n;
	rc = mime_build(&m, out) == 0 ? 1 : -1;
	buf_finish(&mid);
	buf_finish(&lid);
	buf_finish(&lang);
	return rc;
}

int nl_digest_html(struct nl_digest *d, const struct subscriber *sub, struct buf *out)
{
	int rc;

	if (personal(d, sub, &rc) == NULL)
		return rc;
	buf_put(out, d->html.p, d->html.n);
	return 1;
}

int nl_note_message(struct nl_ctx *c, const struct subscriber *sub, int kind, struct buf *out)
{
	const struct config *cfg = c->rs->cfg;
	const char *ui = config_lang(cfg, sub->ui_lang) ? sub->ui_lang : cfg->default_lang;
	struct buf tok = BUF_INIT, url = BUF_INIT, subj = BUF_INIT, html = BUF_INIT,
	           text = BUF_INIT, mid = BUF_INIT;
	struct arena *a = arena_new(0);
	struct render_note rn = {0};
	struct mime_mail m = {0};
	unsigned char rnd[8];
	const char *at = strrchr(c->mc->from, '@');
	int rc = -1;

	if (at == NULL) {
		log_fail("set the sender's address: [newsletter] from = news@example.org");
		goto out;
	}
	if (kind == OUTBOX_CONFIRM) {
		sub_token_make(c->key, SUB_TOKEN_CONFIRM, sub->id, sub->addr,
		               store_now() + (int64_t)c->mc->confirm_hours * 3600, &tok);
		buf_printf(&url, "%snewsletter/confirm?t=%s", cfg->base_url, buf_cstr(&tok));
		rn.kind = RENDER_NOTE_CONFIRM;
	} else {
		sub_token_make(c->key, SUB_TOKEN_PREFS, sub->id, sub->addr, 0, &tok);
		buf_printf(&url, "%snewsletter/prefs?t=%s", cfg->base_url, buf_cstr(&tok));
		rn.kind = RENDER_NOTE_NOTICE;
	}
	rn.ui_lang = ui;
	rn.url = buf_cstr(&url);
	rn.hours = c->mc->confirm_hours;
	if (render_note(c->rs, a, &rn, &subj, &html, &text) != 0)
		goto out;
	randombytes_buf(rnd, sizeof(rnd));
	message_id(c->key, "note", sub->id, (int64_t)(rnd[0] | rnd[1] << 8 | rnd[2] << 16), at + 1,
	           &mid);
	m.from_name = render_nl_from_name(c->rs, ui);
	m.from_addr = c->mc->from;
	m.reply_to = *c->mc->reply_to ? c->mc->reply_to : NULL;
	m.to_name = sub->name;
	m.to_addr = sub->addr;
	m.subject = buf_cstr(&subj);
	m.date = store_now();
	m.message_id = buf_cstr(&mid);
	m.language = ui;
	m.auto_submitted = true;
	m.text = buf_cstr(&text);
	m.text_n = text.n;
	m.html = buf_cstr(&html);
	m.html_n = html.n;
	rc = mime_build(&m, out);
out:
	buf_finish(&tok);
	buf_finish(&url);
	buf_finish(&subj);
	buf_finish(&html);
	buf_finish(&text);
	buf_finish(&mid);
	arena_free(a);
	return rc;
}
