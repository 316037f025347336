/*
 * Tokens, set-password links and login sessions.  A token is 32 random
 * bytes (256 bits: unguessable, so a lookup by its hash is safe); the
 * store keeps only its BLAKE2b hash, so a leaked database copy or backup
 * holds no live cookie and no usable link.  See account.h.
 */
#include "admin/account_int.h"

#include <sodium.h>
#include <string.h>

#include "util/arena.h"
#include "util/log.h"

/* Writing last_seen on every request would make every page a write. */
#define SESSION_TOUCH_EVERY 60

void account_token_random(char out[ACCOUNT_TOKEN_LEN + 1])
{
	unsigned char raw[32];

	account_sodium();
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, ACCOUNT_TOKEN_LEN + 1, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

bool account_token_shape(const char *s)
{
	size_t i;

	for (i = 0; i < ACCOUNT_TOKEN_LEN; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return s[i] == '\0';
}

void account_token_hash(const char *token, char out[65])
{
	unsigned char h[32];

	account_sodium();
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* ---- set-password links ------------------------------------------------ */

enum store_status account_link_new(struct store *s, int64_t id, int64_t now,
                                   char token[ACCOUNT_TOKEN_LEN + 1])
{
	sqlite3_stmt *st;
	enum store_status rc;
	char hash[65];

	/* A new link replaces the old ones: only the latest one mailed works. */
	st = account_prep(s, "DELETE FROM account_link WHERE account_id = ?");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = account_run(s, st, "link")) != STORE_OK)
		return rc;
	account_token_random(token);
	account_token_hash(token, hash);
	st = account_prep(s, "INSERT INTO account_link(hash, account_id, expires) "
	                     "SELECT ?, id, ? FROM account WHERE id = ?");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now + ACCOUNT_LINK_TTL);
	sqlite3_bind_int64(st, 3, id);
	if ((rc = account_run(s, st, "link")) != STORE_OK)
		return rc;
	if (sqlite3_changes(store_db(s)) == 0) {
		log_fail("no account %lld (see: tamizdat user list)", (long long)id);
		return STORE_NOT_FOUND;
	}
	return STORE_OK;
}

enum store_status account_link_check(struct store *s, const char *token, int64_t now,
                                     bool consume, int64_t *id)
{
	sqlite3_stmt *st;
	char hash[65];
	int r;

	*id = 0;
	if (!account_token_shape(token)) {
		log_fail("this link is not valid");
		return STORE_NOT_FOUND;
	}
	account_token_hash(token, hash);
	st = account_prep(s, "SELECT l.account_id FROM account_link l JOIN account a ON "
	                     "a.id = l.account_id WHERE l.hash = ? AND l.used = 0 AND "
	                     "l.expires > ? AND a.disabled = 0");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (r == SQLITE_DONE) {
		log_fail("this link is not valid: used, expired or replaced by a newer one");
		return STORE_NOT_FOUND;
	}
	if (r != SQLITE_ROW)
		return account_fail(s, "link");
	if (!consume)
		return STORE_OK;
	st = account_prep(s, "UPDATE account_link SET used = 1 WHERE hash = ?");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	return account_run(s, st, "link");
}

/* ---- sessions ------------------------------------------------------------ */

enum store_status account_session_new(struct store *s, int64_t id, int64_t now,
                                      int64_t lifetime, char token[ACCOUNT_TOKEN_LEN + 1])
{
	char hash[65], csrf[ACCOUNT_TOKEN_LEN + 1];
	sqlite3_stmt *st;

	account_token_random(token);
	account_token_random(csrf);
	account_token_hash(token, hash);
	st = account_prep(s, "INSERT INTO account_session(hash, account_id, csrf, created, "
	                     "last_seen, expires) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now + lifetime);
	return account_run(s, st, "session");
}

enum store_status account_session_get(struct store *s, struct arena *a, const char *token,
                                      int64_t now, int64_t idle, struct account_session *out)
{
	sqlite3_stmt *st;
	char hash[65];
	int r;

	memset(out, 0, sizeof(*out));
	if (!account_token_shape(token)) {
		log_fail("no session");
		return STORE_NOT_FOUND;
	}
	account_token_hash(token, hash);
	st = account_prep(s, "SELECT x.id, x.account_id, x.csrf, x.created, x.last_seen, "
	                     "x.expires FROM account_session x JOIN account a ON "
	                     "a.id = x.account_id WHERE x.hash = ? AND x.expires > ?2 AND "
	                     "x.last_seen + ?3 > ?2 AND a.disabled = 0");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, idle);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		const unsigned char *c = sqlite3_column_text(st, 2);
		out->id = sqlite3_column_int64(st, 0);
		out->user_id = sqlite3_column_int64(st, 1);
		out->csrf = arena_strdup(a, c ? (const char *)c : "");
		out->created = sqlite3_column_int64(st, 3);
		out->last_seen = sqlite3_column_int64(st, 4);
		out->expires = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	if (r == SQLITE_DONE) {
		log_fail("no session");
		return STORE_NOT_FOUND;
	}
	if (r != SQLITE_ROW)
		return account_fail(s, "session");
	if (now - out->last_seen < SESSION_TOUCH_EVERY)
		return STORE_OK;
	st = account_prep(s, "UPDATE account_session SET last_seen = ? WHERE id = ?");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, out->id);
	out->last_seen = now;
	return account_run(s, st, "session");
}

enum store_status account_session_revoke(struct store *s, int64_t session_id)
{
	sqlite3_stmt *st = account_prep(s, "DELETE FROM account_session WHERE id = ?");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, session_id);
	return account_run(s, st, "session");
}

enum store_status account_session_revoke_user(struct store *s, int64_t id, int64_t keep)
{
	sqlite3_stmt *st =
	        account_prep(s, "DELETE FROM account_session WHERE account_id = ? AND id != ?");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, keep);
	return account_run(s, st, "session");
}

enum store_status account_purge(struct store *s, int64_t now, size_t *n)
{
	sqlite3_stmt *st = account_prep(s, "DELETE FROM account_session WHERE expires <= ?");
	enum store_status rc;
	size_t k;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, now);
	if ((rc = account_run(s, st, "session")) != STORE_OK)
		return rc;
	k = (size_t)sqlite3_changes(store_db(s));
	st = account_prep(s, "DELETE FROM account_link WHERE expires <= ? OR used = 1");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, now);
	if ((rc = account_run(s, st, "link")) != STORE_OK)
		return rc;
	k += (size_t)sqlite3_changes(store_db(s));
	if (n)
		*n = k;
	return STORE_OK;
}

enum store_status account_session_count(struct store *s, int64_t id, int64_t now, size_t *n)
{
	sqlite3_stmt *st = account_prep(
	        s, "SELECT count(*) FROM account_session WHERE account_id = ? AND expires > ?");
	int r;

	*n = 0;
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return r == SQLITE_ROW ? STORE_OK : account_fail(s, "session");
}
