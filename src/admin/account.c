/*
 * Accounts and passwords.  See account.h; links and sessions are in
 * account_session.c.
 */
#include "admin/account_int.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text/utf8.h"
#include "util/arena.h"
#include "util/log.h"

static const char *const migrations[] = {
	/* 1: accounts, their section limits, set-password links, sessions. */
	"CREATE TABLE account(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
	"  name TEXT NOT NULL DEFAULT '',\n"
	"  role TEXT NOT NULL CHECK(role IN ('contributor', 'editor', 'admin')),\n"
	"  lang TEXT NOT NULL DEFAULT 'en',\n"
	"  pwhash TEXT NOT NULL DEFAULT '',\n"
	"  disabled INTEGER NOT NULL DEFAULT 0,\n"
	"  created INTEGER NOT NULL,\n"
	"  last_login INTEGER NOT NULL DEFAULT 0,\n"
	"  reset_requested INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE TABLE account_section(\n"
	"  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,\n"
	"  section_id INTEGER NOT NULL REFERENCES section(id) ON DELETE CASCADE,\n"
	"  PRIMARY KEY(account_id, section_id)) WITHOUT ROWID;\n"
	"CREATE INDEX account_section_section ON account_section(section_id);\n"
	/* Secrets are kept as hashes: a copy of the database opens no door. */
	"CREATE TABLE account_link(\n"
	"  hash TEXT PRIMARY KEY,\n"
	"  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,\n"
	"  expires INTEGER NOT NULL,\n"
	"  used INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;\n"
	"CREATE INDEX account_link_account ON account_link(account_id);\n"
	"CREATE TABLE account_session(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  hash TEXT NOT NULL UNIQUE,\n"
	"  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,\n"
	"  csrf TEXT NOT NULL,\n"
	"  created INTEGER NOT NULL,\n"
	"  last_seen INTEGER NOT NULL,\n"
	"  expires INTEGER NOT NULL);\n"
	"CREATE INDEX account_session_account ON account_session(account_id);\n",
	/*
	 * 2: an account with no section limits may work everywhere, so the
	 * deletion of the only section an editor is limited to must not
	 * quietly widen his rights (the cascade of migration 1 would).
	 * Deleting one of several narrows them, which is safe.
	 */
	"CREATE TRIGGER account_section_last BEFORE DELETE ON section\n"
	"WHEN EXISTS (SELECT 1 FROM account_section x WHERE x.section_id = OLD.id AND NOT EXISTS\n"
	"  (SELECT 1 FROM account_section y WHERE y.account_id = x.account_id\n"
	"   AND y.section_id != OLD.id))\n"
	"BEGIN SELECT RAISE(ABORT, 'an editor is limited to this section alone: "
	"change that account''s sections first'); END;\n",
};

static const struct store_schema schema = {"account", migrations, NELEM(migrations)};

static const char *const role_names[] = {"contributor", "editor", "admin"};

const char *account_role_name(enum account_role r)
{
	return (unsigned)r < NELEM(role_names) ? role_names[r] : NULL;
}

int account_role_parse(const char *s)
{
	size_t i;

	for (i = 0; s && i < NELEM(role_names); i++)
		if (strcmp(s, role_names[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- plumbing ------------------------------------------------------- */

sqlite3_stmt *account_prep(struct store *s, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
		account_fail(s, "accounts");
		return NULL;
	}
	return st;
}

enum store_status account_fail(struct store *s, const char *what)
{
	sqlite3 *db = store_db(s);
	int code = sqlite3_extended_errcode(db);

	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_fail("%s: the site is busy (another tamizdat is writing); try again", what);
		return STORE_BUSY;
	case SQLITE_CONSTRAINT:
		log_fail("%s: %s", what, sqlite3_errmsg(db));
		return code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY
		               ? STORE_EXISTS
		               : STORE_INVALID;
	default:
		log_fail("%s: %s", what, sqlite3_errmsg(db));
		return STORE_ERROR;
	}
}

enum store_status account_run(struct store *s, sqlite3_stmt *st, const char *what)
{
	enum store_status rc = STORE_OK;

	if (sqlite3_step(st) != SQLITE_DONE)
		rc = account_fail(s, what);
	sqlite3_finalize(st);
	return rc;
}

static void sodium_once(void)
{
	if (sodium_init() < 0)
		fatal("libsodium cannot be initialised");
}

void account_sodium(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, sodium_once);
}

enum store_status account_migrate(struct store *s)
{
	account_sodium();
	return store_migrate_module(s, &schema);
}

/* ---- checks ----------------------------------------------------------- */

bool account_email_valid(const char *email)
{
	const char *at = strchr(email, '@');
	const unsigned char *p;
	size_t n = strlen(email);

	if (n < 3 || n > ACCOUNT_EMAIL_MAX || at == NULL || at == email || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return false;
	for (p = (const unsigned char *)email; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == '"' || *p == ',')
			return false;
	return utf8_valid(email, n);
}

const char *account_password_problem(const char *password, const char *email)
{
	size_t n = strlen(password), chars = 0, i;

	if (n > ACCOUNT_PASSWORD_MAX)
		return "admin_err_password_long";
	if (!utf8_valid(password, n))
		return "admin_err_utf8";
	for (i = 0; i < n; i++)
		if (((unsigned char)password[i] & 0xc0) != 0x80)
			chars++;
	if (chars < ACCOUNT_PASSWORD_MIN)
		return "admin_err_password_short";
	if (email && strcasecmp(password, email) == 0)
		return "admin_err_password_email";
	return NULL;
}

/* ---- accounts --------------------------------------------------------- */

#define ACC_COLS                                                                  \
	"id, email, name, role, lang, disabled, pwhash != '', created, last_login, " \
	"reset_requested"

static enum store_status load_sections(struct store *s, struct arena *a, struct account *acc)
{
	sqlite3_stmt *st = account_prep(
	        s, "SELECT section_id FROM account_section WHERE account_id = ? ORDER BY section_id");
	size_t cap = 4;
	int r;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, acc->id);
	acc->nsections = 0;
	acc->sections = arena_alloc(a, cap * sizeof(int64_t));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (acc->nsections == cap) {
			int64_t *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, acc->sections, cap * sizeof(*w));
			acc->sections = w;
			cap *= 2;
		}
		acc->sections[acc->nsections++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? STORE_OK : account_fail(s, "accounts");
}

static const char *col(struct arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i)) : "";
}

static void read_row(struct arena *a, sqlite3_stmt *st, struct account *out)
{
	int role;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->email = col(a, st, 1);
	out->name = col(a, st, 2);
	role = account_role_parse((const char *)sqlite3_column_text(st, 3));
	out->role = role < 0 ? ROLE_CONTRIBUTOR : (enum account_role)role;
	out->lang = col(a, st, 4);
	out->disabled = sqlite3_column_int(st, 5) != 0;
	out->has_password = sqlite3_column_int(st, 6) != 0;
	out->created = sqlite3_column_int64(st, 7);
	out->last_login = sqlite3_column_int64(st, 8);
	out->reset_requested = sqlite3_column_int64(st, 9);
}

/* Runs a query for one account; what names it in the error. */
static enum store_status get_one(struct store *s, struct arena *a, sqlite3_stmt *st,
                                 struct account *out, const char *what)
{
	int r = sqlite3_step(st);

	if (r == SQLITE_ROW) {
		read_row(a, st, out);
		sqlite3_finalize(st);
		return load_sections(s, a, out);
	}
	sqlite3_finalize(st);
	if (r == SQLITE_DONE) {
		log_fail("no account %s (see: tamizdat user list)", what);
		return STORE_NOT_FOUND;
	}
	return account_fail(s, "accounts");
}

enum store_status account_add(struct store *s, const char *email, const char *name,
                              enum account_role role, const char *lang, int64_t *id)
{
	sqlite3_stmt *st;
	enum store_status rc;

	if (!account_email_valid(email)) {
		log_fail("\"%s\" is not an e-mail address", email);
		return STORE_INVALID;
	}
	if (account_role_name(role) == NULL) {
		log_fail("unknown role");
		return STORE_INVALID;
	}
	if (name && (strlen(name) > ACCOUNT_NAME_MAX || !utf8_valid(name, strlen(name)))) {
		log_fail("the name is too long or not UTF-8");
		return STORE_INVALID;
	}
	st = account_prep(s, "INSERT INTO account(email, name, role, lang, created) "
	                     "VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name ? name : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, account_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, lang && *lang ? lang : "en", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, store_now());
	rc = account_run(s, st, "account");
	if (rc == STORE_EXISTS)
		log_fail("there is already an account for %s", email);
	else if (rc == STORE_OK && id)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return rc;
}

enum store_status account_get(struct store *s, struct arena *a, int64_t id, struct account *out)
{
	sqlite3_stmt *st = account_prep(s, "SELECT " ACC_COLS " FROM account WHERE id = ?");
	char what[32];

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	snprintf(what, sizeof(what), "%lld", (long long)id);
	return get_one(s, a, st, out, what);
}

enum store_status account_find(struct store *s, struct arena *a, const char *email,
                               struct account *out)
{
	sqlite3_stmt *st = account_prep(s, "SELECT " ACC_COLS " FROM account WHERE email = ?");
	char what[300];

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	snprintf(what, sizeof(what), "for %s", email);
	return get_one(s, a, st, out, what);
}

enum store_status account_list(struct store *s, struct arena *a, struct account **out,
                               size_t *n)
{
	sqlite3_stmt *st = account_prep(s, "SELECT " ACC_COLS " FROM account ORDER BY email");
	struct account *v;
	enum store_status rc;
	size_t cap = 8, k = 0, i;
	int r;

	if (st == NULL)
		return STORE_ERROR;
	v = arena_alloc(a, cap * sizeof(*v));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct account *w = arena_alloc(a, 2 * cap * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		read_row(a, st, &v[k++]);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return account_fail(s, "accounts");
	for (i = 0; i < k; i++)
		if ((rc = load_sections(s, a, &v[i])) != STORE_OK)
			return rc;
	*out = v;
	*n = k;
	return STORE_OK;
}

/* Fails with STORE_NOT_FOUND when the last statement changed no row. */
static enum store_status changed(struct store *s, enum store_status rc, int64_t id)
{
	if (rc == STORE_OK && sqlite3_changes(store_db(s)) == 0) {
		log_fail("no account %lld (see: tamizdat user list)", (long long)id);
		return STORE_NOT_FOUND;
	}
	return rc;
}

enum store_status account_update(struct store *s, int64_t id, const char *name, int role,
                                 const char *lang)
{
	sqlite3_stmt *st;

	if (role >= 0 && account_role_name((enum account_role)role) == NULL) {
		log_fail("unknown role");
		return STORE_INVALID;
	}
	if (name && (strlen(name) > ACCOUNT_NAME_MAX || !utf8_valid(name, strlen(name)))) {
		log_fail("the name is too long or not UTF-8");
		return STORE_INVALID;
	}
	st = account_prep(s, "UPDATE account SET name = coalesce(?, name), "
	                     "role = coalesce(?, role), lang = coalesce(?, lang) WHERE id = ?");
	if (st == NULL)
		return STORE_ERROR;
	if (name)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (role >= 0)
		sqlite3_bind_text(st, 2, account_role_name((enum account_role)role), -1,
		                  SQLITE_STATIC);
	if (lang && *lang)
		sqlite3_bind_text(st, 3, lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	return changed(s, account_run(s, st, "account"), id);
}

enum store_status account_set_disabled(struct store *s, int64_t id, bool disabled)
{
	sqlite3_stmt *st = account_prep(s, "UPDATE account SET disabled = ? WHERE id = ?");
	enum store_status rc;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(st, 1, disabled);
	sqlite3_bind_int64(st, 2, id);
	rc = changed(s, account_run(s, st, "account"), id);
	if (rc == STORE_OK && disabled)
		rc = account_session_revoke_user(s, id, 0);
	return rc;
}

enum store_status account_set_sections(struct store *s, int64_t id, const int64_t *sections,
                                       size_t n)
{
	sqlite3_stmt *st = account_prep(s, "DELETE FROM account_section WHERE account_id = ?");
	enum store_status rc;
	size_t i;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = account_run(s, st, "account sections")) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++) {
		st = account_prep(s, "INSERT OR IGNORE INTO account_section(account_id, section_id) "
		                     "VALUES (?, ?)");
		if (st == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, sections[i]);
		if ((rc = account_run(s, st, "account sections")) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

/*
 * argon2id with libsodium's "interactive" cost: about 0.1 s and 64 MB per
 * check on a small server -- slow for a guesser, quick for a person.
 */
#define PW_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

enum store_status account_set_password(struct store *s, int64_t id, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	sqlite3_stmt *st;

	account_sodium();
	if (crypto_pwhash_str_alg(hash, password, strlen(password), PW_OPS, PW_MEM,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0) {
		log_fail("not enough memory to hash the password");
		return STORE_ERROR;
	}
	st = account_prep(s, "UPDATE account SET pwhash = ?, reset_requested = 0 WHERE id = ?");
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, id);
	return changed(s, account_run(s, st, "password"), id);
}

enum store_status account_touch_login(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt *st = account_prep(s, "UPDATE account SET last_login = ? WHERE id = ?");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return account_run(s, st, "account");
}

enum store_status account_request_reset(struct store *s, const char *email, int64_t now)
{
	sqlite3_stmt *st = account_prep(s, "UPDATE account SET reset_requested = ? WHERE email = ? "
	                                   "AND disabled = 0");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
	return account_run(s, st, "account");
}

/* ---- password checks --------------------------------------------------- */

static char dummy_hash[crypto_pwhash_STRBYTES];

static void make_dummy(void)
{
	unsigned char pw[16];

	account_sodium();
	randombytes_buf(pw, sizeof(pw));
	if (crypto_pwhash_str_alg(dummy_hash, (const char *)pw, sizeof(pw), PW_OPS, PW_MEM,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		fatal("not enough memory to hash a password");
}

/* A hash with today's parameters of a random password nobody knows. */
static const char *dummy(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, make_dummy);
	return dummy_hash;
}

enum store_status account_password_hash(struct store *s, const char *email,
                                        char hash[ACCOUNT_HASH_MAX], int64_t *id)
{
	sqlite3_stmt *st = account_prep(s, "SELECT id, pwhash FROM account WHERE email = ? AND "
	                                   "disabled = 0 AND pwhash != ''");
	const unsigned char *h;
	int r;

	*id = 0;
	snprintf(hash, ACCOUNT_HASH_MAX, "%s", dummy());
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW && (h = sqlite3_column_text(st, 1)) != NULL &&
	    strlen((const char *)h) < ACCOUNT_HASH_MAX) {
		*id = sqlite3_column_int64(st, 0);
		snprintf(hash, ACCOUNT_HASH_MAX, "%s", (const char *)h);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return account_fail(s, "accounts");
	return STORE_OK;
}

bool account_password_verify(const char *hash, const char *password)
{
	account_sodium();
	/* The dummy stands in for accounts that cannot log in: work done, answer no. */
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return false;
	return strcmp(hash, dummy()) != 0;
}

bool account_password_needs_rehash(const char *hash)
{
	account_sodium();
	return crypto_pwhash_str_needs_rehash(hash, PW_OPS, PW_MEM) != 0;
}
