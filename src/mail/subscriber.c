/*
 * Subscribers: rows, tokens, languages and lists, suppression.  See
 * subscriber.h.
 */
#include "mail/subscriber.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mail/addr.h"
#include "mail/mail_int.h"
#include "util/arena.h"
#include "util/log.h"

/* Bytes of MAC in a token: 128 bits, 22 characters of base64url. */
#define TOKEN_MAC 16

static const char *const status_names[] = {"pending", "confirmed", "bouncing"};

const char *sub_status_name(enum sub_status st)
{
	return (unsigned)st < NELEM(status_names) ? status_names[st] : "unknown";
}

int sub_status_parse(const char *s)
{
	size_t i;

	for (i = 0; i < NELEM(status_names); i++)
		if (strcmp(s, status_names[i]) == 0)
			return (int)i;
	return -1;
}

int sub_secret(struct store *s, unsigned char key[SUB_KEY_SIZE])
{
	sqlite3_stmt *st;
	int r;

	st = mdb_prepare(s, "SELECT value FROM nl_meta WHERE key = 'secret'");
	if (st == NULL)
		return -1;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW && sqlite3_column_bytes(st, 0) == SUB_KEY_SIZE) {
		memcpy(key, sqlite3_column_blob(st, 0), SUB_KEY_SIZE);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return mdb_fail(s, "newsletter secret"), -1;
	/* First use: OR IGNORE, so that of two processes racing here one wins. */
	randombytes_buf(key, SUB_KEY_SIZE);
	st = mdb_prepare(s, "INSERT OR IGNORE INTO nl_meta(key, value) VALUES ('secret', ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, key, SUB_KEY_SIZE, SQLITE_STATIC);
	if (mdb_done(s, st, "newsletter secret") != STORE_OK)
		return -1;
	st = mdb_prepare(s, "SELECT value FROM nl_meta WHERE key = 'secret'");
	if (st == NULL)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_bytes(st, 0) != SUB_KEY_SIZE) {
		sqlite3_finalize(st);
		return log_fail("newsletter secret: cannot read it back");
	}
	memcpy(key, sqlite3_column_blob(st, 0), SUB_KEY_SIZE);
	sqlite3_finalize(st);
	return 0;
}

/* ---- tokens ------------------------------------------------------------ */

static void mac(const unsigned char key[SUB_KEY_SIZE], enum sub_token_kind kind, int64_t id,
                const char *addr, int64_t expires, unsigned char out[TOKEN_MAC])
{
	crypto_generichash_state h;
	char head[64];
	int n;

	n = snprintf(head, sizeof(head), "tamizdat-%s\n%lld\n%lld\n",
	             kind == SUB_TOKEN_CONFIRM ? "confirm" : "prefs", (long long)id,
	             (long long)expires);
	crypto_generichash_init(&h, key, SUB_KEY_SIZE, TOKEN_MAC);
	crypto_generichash_update(&h, (const unsigned char *)head, (size_t)n);
	crypto_generichash_update(&h, (const unsigned char *)addr, strlen(addr));
	crypto_generichash_final(&h, out, TOKEN_MAC);
}

void sub_token_make(const unsigned char key[SUB_KEY_SIZE], enum sub_token_kind kind, int64_t id,
                    const char *addr, int64_t expires, struct buf *out)
{
	unsigned char m[TOKEN_MAC];
	char b64[sodium_base64_ENCODED_LEN(TOKEN_MAC, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

	if (kind != SUB_TOKEN_CONFIRM)
		expires = 0;
	mac(key, kind, id, addr, expires, m);
	sodium_bin2base64(b64, sizeof(b64), m, sizeof(m), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (kind == SUB_TOKEN_CONFIRM)
		buf_printf(out, "%lld.%lld.%s", (long long)id, (long long)expires, b64);
	else
		buf_printf(out, "%lld.%s", (long long)id, b64);
}

static int parse_num(const char **p, int64_t *out)
{
	int64_t v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9' || (*s == '0' && s[1] >= '0' && s[1] <= '9'))
		return -1;
	while (*s >= '0' && *s <= '9') {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
		s++;
	}
	*p = s;
	*out = v;
	return 0;
}

int sub_token_parse(const char *tok, enum sub_token_kind kind, int64_t *id, int64_t *expires)
{
	const char *p = tok;
	int64_t exp = 0;
	size_t n;

	if (tok == NULL || strlen(tok) > SUB_TOKEN_MAX)
		return -1;
	if (parse_num(&p, id) != 0 || *id <= 0 || *p++ != '.')
		return -1;
	if (kind == SUB_TOKEN_CONFIRM && (parse_num(&p, &exp) != 0 || *p++ != '.'))
		return -1;
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
	if (n != 22 || p[n] != '\0')
		return -1;
	if (expires)
		*expires = exp;
	return 0;
}

bool sub_token_check(const unsigned char key[SUB_KEY_SIZE], enum sub_token_kind kind,
                     const char *tok, const char *addr)
{
	int64_t id, exp;
	unsigned char want[TOKEN_MAC], got[TOKEN_MAC];
	const char *b64;
	size_t len;

	if (sub_token_parse(tok, kind, &id, &exp) != 0)
		return false;
	b64 = strrchr(tok, '.') + 1;
	if (sodium_base642bin(got, sizeof(got), b64, strlen(b64), NULL, &len, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != TOKEN_MAC)
		return false;
	mac(key, kind, id, addr, exp, want);
	return sodium_memcmp(want, got, TOKEN_MAC) == 0;
}

/* ---- languages and lists ------------------------------------------------ */

bool sub_set_has(const char *set, const char *item)
{
	size_t n = strlen(item);
	const char *p = set;

	if (n == 0)
		return false;
	while ((p = strstr(p, item)) != NULL) {
		if ((p == set || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* Splits in on commas and blanks; marks the known names in seen[]. */
static int mark(const char *in, const char *const *names, size_t n, bool *seen, const char *what)
{
	const char *p = in;
	size_t i;

	while (*p) {
		size_t len = strcspn(p, ", \t;");
		if (len) {
			for (i = 0; i < n; i++)
				if (strlen(names[i]) == len && memcmp(names[i], p, len) == 0)
					break;
			if (i == n)
				return log_fail("unknown %s \"%.*s\"", what, (int)MIN(len, 40), p);
			seen[i] = true;
		}
		p += len;
		p += strspn(p, ", \t;");
	}
	return 0;
}

static int canon(const char *in, const char *const *names, size_t n, const char *what,
                 struct buf *out)
{
	bool seen[64] = {0};
	size_t i, start = out->n;

	if (mark(in, names, n, seen, what) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (seen[i]) {
			if (out->n > start)
				buf_putc(out, ',');
			buf_puts(out, names[i]);
		}
	if (out->n == start)
		return log_fail("no %s given", what);
	return 0;
}

int sub_canon_langs(const struct config *cfg, const char *in, struct buf *out)
{
	const char *names[CONFIG_MAX_LANGS];
	size_t i;

	for (i = 0; i < cfg->nlangs; i++)
		names[i] = cfg->langs[i].code;
	return canon(in, names, cfg->nlangs, "language", out);
}

int sub_canon_lists(const struct mailcfg *mc, const char *in, struct buf *out)
{
	const char *names[MAILCFG_MAX_LISTS];
	size_t i;

	for (i = 0; i < mc->nlists; i++)
		names[i] = mc->lists[i].id;
	return canon(in, names, mc->nlists, "list", out);
}

/* ---- rows ------------------------------------------------------------------ */

#define SUB_COLS                                                                             \
	"id, email, addr, domain, name, langs, lists, ui_lang, status, created, confirmed, " \
	"bounces, last_error"

static void read_row(struct arena *a, sqlite3_stmt *st, struct subscriber *out)
{
	out->id = sqlite3_column_int64(st, 0);
	out->email = mdb_col_text(a, st, 1);
	out->addr = mdb_col_text(a, st, 2);
	out->domain = mdb_col_text(a, st, 3);
	out->name = mdb_col_text(a, st, 4);
	out->langs = mdb_col_text(a, st, 5);
	out->lists = mdb_col_text(a, st, 6);
	out->ui_lang = mdb_col_text(a, st, 7);
	out->status = (enum sub_status)sqlite3_column_int(st, 8);
	out->created = sqlite3_column_int64(st, 9);
	out->confirmed = sqlite3_column_int64(st, 10);
	out->bounces = sqlite3_column_int(st, 11);
	out->last_error = mdb_col_text(a, st, 12);
}

static enum store_status get_one(struct store *s, struct arena *a, sqlite3_stmt *st,
                                 struct subscriber *out)
{
	enum store_status rc = STORE_OK;
	int r;

	if (st == NULL)
		return STORE_ERROR;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		read_row(a, st, out);
	else if (r == SQLITE_DONE)
		rc = STORE_NOT_FOUND;
	else
		rc = mdb_fail(s, "subscriber");
	sqlite3_finalize(st);
	if (rc == STORE_NOT_FOUND)
		log_fail("no such subscriber");
	return rc;
}

enum store_status sub_get(struct store *s, struct arena *a, int64_t id, struct subscriber *out)
{
	sqlite3_stmt *st = mdb_prepare(s, "SELECT " SUB_COLS " FROM nl_subscriber WHERE id = ?");

	if (st)
		sqlite3_bind_int64(st, 1, id);
	return get_one(s, a, st, out);
}

enum store_status sub_find(struct store *s, struct arena *a, const struct addr *ad,
                           struct subscriber *out)
{
	sqlite3_stmt *st =
	        mdb_prepare(s, "SELECT " SUB_COLS " FROM nl_subscriber WHERE email_key = ?");
	struct buf key = BUF_INIT;
	enum store_status rc;

	addr_key(ad, &key);
	if (st)
		sqlite3_bind_text(st, 1, buf_cstr(&key), (int)key.n, SQLITE_TRANSIENT);
	rc = get_one(s, a, st, out);
	buf_finish(&key);
	return rc;
}

/* A name goes into From/To headers: one line of printable text. */
static int check_name(const char *name)
{
	const unsigned char *p;

	if (strlen(name) > 200)
		return log_fail("the name is longer than 200 bytes");
	for (p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return log_fail("the name contains a line break or a control character");
	return 0;
}

enum store_status sub_add(struct store *s, const struct sub_new *in, int64_t *id)
{
	struct buf email = BUF_INIT, key = BUF_INIT, ascii = BUF_INIT;
	const char *ui = in->ui_lang;
	char first[16];
	sqlite3_stmt *st;
	enum store_status rc;

	if (check_name(in->name ? in->name : "") != 0)
		return STORE_INVALID;
	if (ui == NULL || *ui == '\0') {
		size_t n = strcspn(in->langs, ",");
		snprintf(first, sizeof(first), "%.*s", (int)MIN(n, sizeof(first) - 1), in->langs);
		ui = first;
	}
	addr_display(in->addr, &email);
	addr_key(in->addr, &key);
	addr_ascii(in->addr, &ascii);
	st = mdb_prepare(s, "INSERT INTO nl_subscriber(email, email_key, addr, domain, name, "
	                    "langs, lists, ui_lang, status, created, confirmed) "
	                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	mdb_bind_text(st, 1, buf_cstr(&email));
	mdb_bind_text(st, 2, buf_cstr(&key));
	mdb_bind_text(st, 3, buf_cstr(&ascii));
	mdb_bind_text(st, 4, in->addr->domain);
	mdb_bind_text(st, 5, in->name);
	mdb_bind_text(st, 6, in->langs);
	mdb_bind_text(st, 7, in->lists);
	mdb_bind_text(st, 8, ui);
	sqlite3_bind_int(st, 9, (int)in->status);
	sqlite3_bind_int64(st, 10, in->created ? in->created : store_now());
	sqlite3_bind_int64(st, 11,
	                   in->status == SUB_CONFIRMED ? (in->created ? in->created : store_now())
	                                               : 0);
	rc = mdb_done(s, st, "subscriber");
	if (rc == STORE_EXISTS)
		log_fail("%s is already subscribed", buf_cstr(&email));
	else if (rc == STORE_OK && id)
		*id = sqlite3_last_insert_rowid(store_db(s));
out:
	buf_finish(&email);
	buf_finish(&key);
	buf_finish(&ascii);
	return rc;
}

enum store_status sub_set_prefs(struct store *s, int64_t id, const char *langs, const char *lists,
                                const char *ui_lang)
{
	sqlite3_stmt *st = mdb_prepare(s, "UPDATE nl_subscriber SET langs = coalesce(?, langs), "
	                                  "lists = coalesce(?, lists), "
	                                  "ui_lang = coalesce(?, ui_lang) WHERE id = ?");

	if (st == NULL)
		return STORE_ERROR;
	if (langs)
		mdb_bind_text(st, 1, langs);
	if (lists)
		mdb_bind_text(st, 2, lists);
	if (ui_lang)
		mdb_bind_text(st, 3, ui_lang);
	sqlite3_bind_int64(st, 4, id);
	return mdb_done(s, st, "subscriber");
}

static void suppress_hash(const unsigned char key[SUB_KEY_SIZE], const char *email_key,
                          unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)email_key, strlen(email_key), key,
	                   SUB_KEY_SIZE);
}

static enum store_status unsuppress(struct store *s, const unsigned char key[SUB_KEY_SIZE],
                                    const char *email_key)
{
	unsigned char h[32];
	sqlite3_stmt *st = mdb_prepare(s, "DELETE FROM nl_suppress WHERE hash = ?");

	if (st == NULL)
		return STORE_ERROR;
	suppress_hash(key, email_key, h);
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_STATIC);
	return mdb_done(s, st, "suppression list");
}

enum store_status sub_confirm(struct store *s, const unsigned char key[SUB_KEY_SIZE], int64_t id)
{
	sqlite3_stmt *st;
	struct arena *a = arena_new(0);
	const char *ek;
	enum store_status rc;
	int r;

	st = mdb_prepare(s, "UPDATE nl_subscriber SET status = 1, confirmed = ?, bounces = 0 "
	                    "WHERE id = ? AND status != 1 RETURNING email_key");
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, store_now());
	sqlite3_bind_int64(st, 2, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		ek = mdb_col_text(a, st, 0);
		sqlite3_finalize(st);
		rc = unsuppress(s, key, ek);
		goto out;
	}
	rc = r == SQLITE_DONE ? STORE_OK : mdb_fail(s, "subscriber");
	sqlite3_finalize(st);
out:
	arena_free(a);
	return rc;
}

enum store_status sub_remove(struct store *s, const unsigned char key[SUB_KEY_SIZE], int64_t id,
                             bool suppress)
{
	sqlite3_stmt *st;
	unsigned char h[32];
	enum store_status rc = STORE_OK;
	bool deleted = false;
	int r;

	st = mdb_prepare(s, "DELETE FROM nl_subscriber WHERE id = ? RETURNING email_key");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		suppress_hash(key, (const char *)sqlite3_column_text(st, 0), h);
		deleted = true;
		r = sqlite3_step(st);
	}
	if (r != SQLITE_DONE) {
		rc = mdb_fail(s, "subscriber");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	if (!deleted || !suppress)
		return STORE_OK;
	st = mdb_prepare(s, "INSERT OR IGNORE INTO nl_suppress(hash, created) VALUES (?, ?)");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, store_now());
	return mdb_done(s, st, "suppression list");
}

bool sub_suppressed(struct store *s, const unsigned char key[SUB_KEY_SIZE], const struct addr *ad)
{
	struct buf k = BUF_INIT;
	unsigned char h[32];
	sqlite3_stmt *st = mdb_prepare(s, "SELECT 1 FROM nl_suppress WHERE hash = ?");
	bool found;

	addr_key(ad, &k);
	suppress_hash(key, buf_cstr(&k), h);
	buf_finish(&k);
	if (st == NULL)
		return false;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

enum store_status sub_bounce(struct store *s, int64_t id, const char *error, unsigned max_bounces,
                             bool *now_bouncing)
{
	sqlite3_stmt *st;
	enum store_status rc = STORE_OK;
	int r;

	st = mdb_prepare(s, "UPDATE nl_subscriber SET bounces = bounces + 1, last_error = ?, "
	                    "status = CASE WHEN bounces + 1 >= ? AND status = 1 THEN 2 "
	                    "ELSE status END WHERE id = ? RETURNING status");
	if (st == NULL)
		return STORE_ERROR;
	mdb_bind_text(st, 1, error);
	sqlite3_bind_int(st, 2, (int)max_bounces);
	sqlite3_bind_int64(st, 3, id);
	r = sqlite3_step(st);
	if (now_bouncing)
		*now_bouncing = r == SQLITE_ROW && sqlite3_column_int(st, 0) == SUB_BOUNCING;
	if (r == SQLITE_ROW)
		r = sqlite3_step(st);
	if (r != SQLITE_DONE)
		rc = mdb_fail(s, "subscriber");
	sqlite3_finalize(st);
	return rc;
}

bool sub_mail_allowed(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt *st;
	bool ok;

	/* One statement: the check and the count cannot be torn apart by another writer. */
	st = mdb_prepare(s, "UPDATE nl_subscriber SET "
	                    "mail_count = CASE WHEN mail_window + 86400 <= ?1 THEN 1 "
	                    "ELSE mail_count + 1 END, "
	                    "mail_window = CASE WHEN mail_window + 86400 <= ?1 THEN ?1 "
	                    "ELSE mail_window END, mail_last = ?1 "
	                    "WHERE id = ?2 AND mail_last + ?3 <= ?1 "
	                    "AND (mail_window + 86400 <= ?1 OR mail_count < ?4)");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, SUB_MAIL_INTERVAL);
	sqlite3_bind_int(st, 4, SUB_MAIL_PER_DAY);
	ok = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(store_db(s)) == 1;
	sqlite3_finalize(st);
	return ok;
}

enum store_status sub_purge_pending(struct store *s, int64_t cutoff, size_t *n)
{
	sqlite3_stmt *st = mdb_prepare(s, "DELETE FROM nl_subscriber WHERE status = 0 AND "
	                                  "created < ?");
	enum store_status rc;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cutoff);
	rc = mdb_done(s, st, "subscriber");
	if (n)
		*n = rc == STORE_OK ? (size_t)sqlite3_changes(store_db(s)) : 0;
	return rc;
}

enum store_status sub_each(struct store *s, const struct sub_filter *f,
                           int (*fn)(void *arg, const struct subscriber *sub), void *arg)
{
	sqlite3_stmt *st;
	struct arena *a = arena_new(0);
	struct subscriber sub;
	enum store_status rc = STORE_OK;
	int r;

	st = mdb_prepare(s, "SELECT " SUB_COLS " FROM nl_subscriber WHERE (?1 < 0 OR status = ?1) "
	                    "AND (?2 IS NULL OR ',' || langs || ',' LIKE '%,' || ?2 || ',%') "
	                    "AND (?3 IS NULL OR ',' || lists || ',' LIKE '%,' || ?3 || ',%') "
	                    "ORDER BY id");
	if (st == NULL) {
		arena_free(a);
		return STORE_ERROR;
	}
	sqlite3_bind_int(st, 1, f ? f->status : -1);
	if (f && f->lang)
		mdb_bind_text(st, 2, f->lang);
	if (f && f->list)
		mdb_bind_text(st, 3, f->list);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(a, st, &sub);
		if (fn(arg, &sub) != 0)
			break;
		arena_reset(a);
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = mdb_fail(s, "subscribers");
	sqlite3_finalize(st);
	arena_free(a);
	return rc;
}

enum store_status sub_count(struct store *s, const struct config *cfg, const struct mailcfg *mc,
                            struct sub_counts *out)
{
	sqlite3_stmt *st;
	enum store_status rc = STORE_OK;
	int r;

	memset(out, 0, sizeof(*out));
	st = mdb_prepare(s, "SELECT status, langs, lists, count(*) FROM nl_subscriber "
	                    "GROUP BY status, langs, lists");
	if (st == NULL)
		return STORE_ERROR;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int status = sqlite3_column_int(st, 0);
		const char *langs = (const char *)sqlite3_column_text(st, 1);
		const char *lists = (const char *)sqlite3_column_text(st, 2);
		size_t n = (size_t)sqlite3_column_int64(st, 3), i;
		if (status >= 0 && status < 3)
			out->by_status[status] += n;
		if (status != SUB_CONFIRMED)
			continue;
		for (i = 0; i < cfg->nlangs; i++)
			if (sub_set_has(langs, cfg->langs[i].code))
				out->by_lang[i] += n;
		for (i = 0; i < mc->nlists; i++)
			if (sub_set_has(lists, mc->lists[i].id))
				out->by_list[i] += n;
	}
	if (r != SQLITE_DONE)
		rc = mdb_fail(s, "subscribers");
	sqlite3_finalize(st);
	if (rc != STORE_OK)
		return rc;
	st = mdb_prepare(s, "SELECT count(*) FROM nl_suppress");
	if (st == NULL)
		return STORE_ERROR;
	if (sqlite3_step(st) == SQLITE_ROW)
		out->suppressed = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return STORE_OK;
}
