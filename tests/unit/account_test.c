/*
 * Tests for src/admin/account*.c and adm_failures.c: accounts and roles,
 * argon2id passwords, one-time links, sessions (hashed, expiring,
 * revocable), and the login rate limiter.
 */
#include "test.h"

#include <sqlite3.h>
#include <stdint.h>
#include <unistd.h>

#include "admin/account.h"
#include "admin/adm_failures.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/fsutil.h"
#include "util/log.h"

static char dir[64];
static struct store *s;
static struct arena *a;

static void setup(void)
{
	char path[128];

	snprintf(dir, sizeof(dir), "/tmp/tz-account-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/t.db", dir);
	if (store_open(path, STORE_CREATE, &s) != STORE_OK || account_migrate(s) != STORE_OK)
		abort();
	a = arena_new(0);
}

static void teardown(void)
{
	store_close(s);
	arena_free(a);
	fs_remove_tree(dir);
}

/* Whether the text appears anywhere in the database file's tables. */
static bool db_holds(const char *text)
{
	static const char *const q[] = {
		"SELECT count(*) FROM account_session WHERE instr(hash, ?1) OR instr(csrf, ?1) = -1",
		"SELECT count(*) FROM account_link WHERE instr(hash, ?1)",
		"SELECT count(*) FROM account WHERE instr(pwhash, ?1)",
	};
	size_t i;
	int found = 0;

	for (i = 0; i < NELEM(q); i++) {
		sqlite3_stmt *st;
		sqlite3_prepare_v2(store_db(s), q[i], -1, &st, NULL);
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			found += sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return found > 0;
}

TEST(roles_and_checks)
{
	CHECK_STREQ(account_role_name(ROLE_ADMIN), "admin");
	CHECK_INTEQ(account_role_parse("editor"), ROLE_EDITOR);
	CHECK_INTEQ(account_role_parse("contributor"), ROLE_CONTRIBUTOR);
	CHECK_INTEQ(account_role_parse("root"), -1);
	CHECK(account_role_name((enum account_role)7) == NULL);
	CHECK(account_email_valid("anna@example.org"));
	CHECK(account_email_valid("ан@пример.рф"));
	CHECK(!account_email_valid("anna"));
	CHECK(!account_email_valid("@example.org"));
	CHECK(!account_email_valid("a@b@c"));
	CHECK(!account_email_valid("a b@example.org"));
	CHECK(!account_email_valid("a@"));
	CHECK(!account_email_valid("a\xff@example.org"));
	CHECK(account_password_problem("short", NULL) != NULL);
	CHECK_STREQ(account_password_problem("короткий", NULL), "admin_err_password_short");
	CHECK(account_password_problem("десятьбукв", NULL) == NULL); /* 10 letters, 20 bytes */
	CHECK_STREQ(account_password_problem("Anna@Example.org", "anna@example.org"),
	            "admin_err_password_email");
	CHECK_STREQ(account_password_problem("long enough \xc3", NULL), "admin_err_utf8");
}

TEST(accounts_add_find_update_list)
{
	struct account acc, *v;
	int64_t id, id2, secs[2];
	size_t n;

	setup();
	CHECK_INTEQ(account_add(s, "Anna@Example.org", "Anna", ROLE_EDITOR, "ru", &id), STORE_OK);
	CHECK_INTEQ(account_add(s, "anna@example.ORG", "Other", ROLE_ADMIN, "en", NULL),
	            STORE_EXISTS);
	CHECK_INTEQ(account_add(s, "not an address", "", ROLE_ADMIN, "en", NULL), STORE_INVALID);
	CHECK_INTEQ(account_find(s, a, "anna@example.org", &acc), STORE_OK);
	CHECK_INTEQ(acc.id, id);
	CHECK_INTEQ(acc.role, ROLE_EDITOR);
	CHECK_STREQ(acc.lang, "ru");
	CHECK(!acc.has_password);
	CHECK(!acc.disabled);
	CHECK_INTEQ(acc.nsections, 0);
	CHECK_INTEQ(account_find(s, a, "nobody@example.org", &acc), STORE_NOT_FOUND);
	CHECK_INTEQ(account_update(s, id, "Anna K.", ROLE_CONTRIBUTOR, "uk"), STORE_OK);
	CHECK_INTEQ(account_update(s, 999, "x", -1, NULL), STORE_NOT_FOUND);
	CHECK_INTEQ(account_update(s, id, NULL, 9, NULL), STORE_INVALID);
	store_section_add(s, "en", "a", "A", "", 0, &secs[0]);
	store_section_add(s, "en", "b", "B", "", 0, &secs[1]);
	CHECK_INTEQ(account_set_sections(s, id, secs, 2), STORE_OK);
	CHECK_INTEQ(account_get(s, a, id, &acc), STORE_OK);
	CHECK_STREQ(acc.name, "Anna K.");
	CHECK_INTEQ(acc.role, ROLE_CONTRIBUTOR);
	CHECK_STREQ(acc.lang, "uk");
	CHECK_INTEQ(acc.nsections, 2);
	CHECK_INTEQ(acc.sections[0], secs[0]);
	/* A deleted section leaves the limits of those it bound. */
	CHECK_INTEQ(store_section_delete(s, secs[1]), STORE_OK);
	CHECK_INTEQ(account_get(s, a, id, &acc), STORE_OK);
	CHECK_INTEQ(acc.nsections, 1);
	/* ...but never the last one: no limits would mean every section. */
	CHECK(store_section_delete(s, secs[0]) != STORE_OK);
	CHECK(strstr(log_reason(), "limited to this section") != NULL);
	CHECK_INTEQ(account_get(s, a, id, &acc), STORE_OK);
	CHECK_INTEQ(acc.nsections, 1);
	CHECK_INTEQ(acc.sections[0], secs[0]);
	CHECK_INTEQ(account_set_sections(s, id, NULL, 0), STORE_OK);
	CHECK_INTEQ(store_section_delete(s, secs[0]), STORE_OK);
	CHECK_INTEQ(account_add(s, "boris@example.org", "Boris", ROLE_ADMIN, NULL, &id2), STORE_OK);
	CHECK_INTEQ(account_list(s, a, &v, &n), STORE_OK);
	CHECK_INTEQ(n, 2);
	CHECK_STREQ(v[0].email, "Anna@Example.org");
	CHECK_STREQ(v[1].lang, "en");
	teardown();
}

TEST(passwords_are_argon2id_and_verified)
{
	char hash[ACCOUNT_HASH_MAX], hash2[ACCOUNT_HASH_MAX];
	struct account acc;
	int64_t id, got;

	setup();
	CHECK_INTEQ(account_add(s, "anna@example.org", "Anna", ROLE_EDITOR, "en", &id), STORE_OK);
	/* No password yet: nothing matches, not even the empty one. */
	CHECK_INTEQ(account_password_hash(s, "anna@example.org", hash, &got), STORE_OK);
	CHECK_INTEQ(got, 0);
	CHECK(!account_password_verify(hash, ""));
	CHECK_INTEQ(account_set_password(s, id, "correct horse battery"), STORE_OK);
	CHECK_INTEQ(account_password_hash(s, "ANNA@example.org", hash, &got), STORE_OK);
	CHECK_INTEQ(got, id);
	CHECK(strncmp(hash, "$argon2id$", 10) == 0);
	CHECK(!db_holds("correct horse battery"));
	CHECK(account_password_verify(hash, "correct horse battery"));
	CHECK(!account_password_verify(hash, "correct horse batterY"));
	CHECK(!account_password_needs_rehash(hash));
	/* Unknown and disabled accounts get a hash that costs as much and never matches. */
	CHECK_INTEQ(account_password_hash(s, "nobody@example.org", hash2, &got), STORE_OK);
	CHECK_INTEQ(got, 0);
	CHECK(strncmp(hash2, "$argon2id$", 10) == 0);
	CHECK(!account_password_verify(hash2, "correct horse battery"));
	CHECK_INTEQ(account_set_disabled(s, id, true), STORE_OK);
	CHECK_INTEQ(account_password_hash(s, "anna@example.org", hash, &got), STORE_OK);
	CHECK_INTEQ(got, 0);
	CHECK(!account_password_verify(hash, "correct horse battery"));
	CHECK_INTEQ(account_get(s, a, id, &acc), STORE_OK);
	CHECK(acc.disabled && acc.has_password);
	teardown();
}

TEST(links_are_one_time_and_expire)
{
	char tok[ACCOUNT_TOKEN_LEN + 1], tok2[ACCOUNT_TOKEN_LEN + 1];
	int64_t id, got, now = 1700000000;

	setup();
	CHECK_INTEQ(account_add(s, "anna@example.org", "Anna", ROLE_ADMIN, "en", &id), STORE_OK);
	CHECK_INTEQ(account_link_new(s, 999, now, tok), STORE_NOT_FOUND);
	CHECK_INTEQ(account_link_new(s, id, now, tok), STORE_OK);
	CHECK_INTEQ(strlen(tok), ACCOUNT_TOKEN_LEN);
	CHECK(account_token_shape(tok));
	CHECK(!db_holds(tok));
	CHECK_INTEQ(account_link_check(s, tok, now + 10, false, &got), STORE_OK);
	CHECK_INTEQ(got, id);
	CHECK_INTEQ(account_link_check(s, tok, now + ACCOUNT_LINK_TTL, false, &got),
	            STORE_NOT_FOUND);
	CHECK_INTEQ(account_link_check(s, "junk", now, false, &got), STORE_NOT_FOUND);
	/* A newer link replaces the older one. */
	CHECK_INTEQ(account_link_new(s, id, now, tok2), STORE_OK);
	CHECK(strcmp(tok, tok2) != 0);
	CHECK_INTEQ(account_link_check(s, tok, now, false, &got), STORE_NOT_FOUND);
	CHECK_INTEQ(account_link_check(s, tok2, now, true, &got), STORE_OK);
	CHECK_INTEQ(account_link_check(s, tok2, now, true, &got), STORE_NOT_FOUND);
	teardown();
}

TEST(sessions_expire_idle_and_revoke)
{
	char tok[ACCOUNT_TOKEN_LEN + 1], tok2[ACCOUNT_TOKEN_LEN + 1];
	struct account_session se;
	int64_t id, now = 1700000000;
	size_t n;

	setup();
	CHECK_INTEQ(account_add(s, "anna@example.org", "Anna", ROLE_ADMIN, "en", &id), STORE_OK);
	CHECK_INTEQ(account_session_new(s, id, now, 3600 * 12, tok), STORE_OK);
	CHECK(!db_holds(tok));
	CHECK_INTEQ(account_session_get(s, a, tok, now + 1, 3600, &se), STORE_OK);
	CHECK_INTEQ(se.user_id, id);
	CHECK_INTEQ(strlen(se.csrf), ACCOUNT_TOKEN_LEN);
	CHECK(strcmp(se.csrf, tok) != 0);
	/* Idle for more than an hour: gone. */
	CHECK_INTEQ(account_session_get(s, a, tok, now + 3601, 3600, &se), STORE_NOT_FOUND);
	/* Used now and then, it lives until its end, and not after. */
	CHECK_INTEQ(account_session_get(s, a, tok, now + 3000, 3600, &se), STORE_OK);
	CHECK_INTEQ(se.last_seen, now + 3000);
	CHECK_INTEQ(account_session_get(s, a, tok, now + 6000, 3600, &se), STORE_OK);
	CHECK_INTEQ(account_session_get(s, a, tok, now + 3600 * 12, 3600 * 24, &se),
	            STORE_NOT_FOUND);
	CHECK_INTEQ(account_session_get(s, a, "x", now, 3600, &se), STORE_NOT_FOUND);
	tok[0] = tok[0] == 'A' ? 'B' : 'A';
	CHECK_INTEQ(account_session_get(s, a, tok, now + 1, 3600, &se), STORE_NOT_FOUND);

	CHECK_INTEQ(account_session_new(s, id, now, 3600, tok), STORE_OK);
	CHECK_INTEQ(account_session_new(s, id, now, 3600, tok2), STORE_OK);
	CHECK_INTEQ(account_session_count(s, id, now, &n), STORE_OK);
	CHECK_INTEQ(n, 3);
	CHECK_INTEQ(account_session_get(s, a, tok, now, 3600, &se), STORE_OK);
	CHECK_INTEQ(account_session_revoke(s, se.id), STORE_OK);
	CHECK_INTEQ(account_session_get(s, a, tok, now, 3600, &se), STORE_NOT_FOUND);
	CHECK_INTEQ(account_session_get(s, a, tok2, now, 3600, &se), STORE_OK);
	/* Disabling the account ends its sessions; enabling does not revive them. */
	CHECK_INTEQ(account_set_disabled(s, id, true), STORE_OK);
	CHECK_INTEQ(account_set_disabled(s, id, false), STORE_OK);
	CHECK_INTEQ(account_session_get(s, a, tok2, now, 3600, &se), STORE_NOT_FOUND);
	/* Revoking all but one (a password change keeps the session that made it). */
	CHECK_INTEQ(account_session_new(s, id, now, 3600, tok), STORE_OK);
	CHECK_INTEQ(account_session_new(s, id, now, 3600, tok2), STORE_OK);
	CHECK_INTEQ(account_session_get(s, a, tok, now, 3600, &se), STORE_OK);
	CHECK_INTEQ(account_session_revoke_user(s, id, se.id), STORE_OK);
	CHECK_INTEQ(account_session_get(s, a, tok, now, 3600, &se), STORE_OK);
	CHECK_INTEQ(account_session_get(s, a, tok2, now, 3600, &se), STORE_NOT_FOUND);
	CHECK_INTEQ(account_purge(s, now + 3600, &n), STORE_OK);
	CHECK_INTEQ(n, 1); /* the one left, which has just ended */
	CHECK_INTEQ(account_session_count(s, id, now, &n), STORE_OK);
	CHECK_INTEQ(n, 0);
	teardown();
}

TEST(ratelimit_counts_in_windows_and_forgets)
{
	struct adm_failures *rl = adm_failures_new(3, 60, 4);
	int64_t retry = 0;

	CHECK(!adm_failures_blocked(rl, "anna@example.org", 1000, NULL));
	adm_failures_fail(rl, "anna@example.org", 1000);
	adm_failures_fail(rl, "anna@example.org", 1010);
	CHECK(!adm_failures_blocked(rl, "anna@example.org", 1010, NULL));
	adm_failures_fail(rl, "anna@example.org", 1020);
	CHECK(adm_failures_blocked(rl, "anna@example.org", 1020, &retry));
	CHECK_INTEQ(retry, 40);
	CHECK(!adm_failures_blocked(rl, "boris@example.org", 1020, NULL));
	/* The window passes: the entry is forgotten. */
	CHECK(!adm_failures_blocked(rl, "anna@example.org", 1060, NULL));
	CHECK_INTEQ(adm_failures_sweep(rl, 1060), 0);
	adm_failures_fail(rl, "10.0.0.1", 2000);
	adm_failures_fail(rl, "10.0.0.1", 2000);
	adm_failures_fail(rl, "10.0.0.1", 2000);
	CHECK(adm_failures_blocked(rl, "10.0.0.1", 2001, NULL));
	adm_failures_clear(rl, "10.0.0.1");
	CHECK(!adm_failures_blocked(rl, "10.0.0.1", 2001, NULL));
	/* A flood of keys stays within the table; the oldest goes first. */
	for (int i = 0; i < 3; i++)
		adm_failures_fail(rl, "first", 3000);
	for (int i = 0; i < 10; i++) {
		char k[16];
		snprintf(k, sizeof(k), "k%d", i);
		adm_failures_fail(rl, k, 3001 + i);
	}
	CHECK_INTEQ(adm_failures_sweep(rl, 3020), 4);
	CHECK(!adm_failures_blocked(rl, "first", 3020, NULL));
	adm_failures_free(rl);
	adm_failures_free(NULL);
}

TESTS(T(roles_and_checks), T(accounts_add_find_update_list), T(passwords_are_argon2id_and_verified),
      T(links_are_one_time_and_expire), T(sessions_expire_idle_and_revoke),
      T(ratelimit_counts_in_windows_and_forgets))
