/*
 * Editorial accounts: users with a role, their passwords (argon2id through
 * libsodium's crypto_pwhash_str), one-time set-password links, and login
 * sessions.  Everything lives in the site's store, in the tables of the
 * "account" module (its own migrations); secrets never do: links and
 * session cookies are kept as BLAKE2b hashes, passwords as argon2id
 * strings.  This module knows nothing about HTTP; the admin (adm_*.c) and
 * the `tamizdat user` command use it.
 *
 * Functions return enum store_status like the store, with the reason
 * recorded (log_reason()); loaded strings live in the arena passed.
 * Callers own transactions where several changes must go together.
 */
#ifndef TZ_ACCOUNT_H
#define TZ_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct arena;

enum account_role {
	ROLE_CONTRIBUTOR = 0, /* writes own drafts and proposes them */
	ROLE_EDITOR,          /* publishes; may be limited to section subtrees */
	ROLE_ADMIN,           /* everything, users and site settings included */
};

/* "contributor", "editor", "admin"; NULL when out of range. */
const char *account_role_name(enum account_role r);
/* -1 if unknown. */
int account_role_parse(const char *s);

struct account {
	int64_t id;
	const char *email;
	const char *name;
	enum account_role role;
	const char *lang; /* language of the admin's interface */
	bool disabled;
	bool has_password;
	int64_t created;
	int64_t last_login; /* 0: never */
	int64_t reset_requested; /* a "forgotten password" request, 0: none */
	/* Section subtrees the account is limited to; none: the whole site. */
	int64_t *sections;
	size_t nsections;
};

/* Passwords: at least this many characters (a passphrase, not a PIN)... */
#define ACCOUNT_PASSWORD_MIN 10
/* ...and at most this many bytes: argon2 takes any length, a form need not. */
#define ACCOUNT_PASSWORD_MAX 1024
/* An e-mail address fits in 254 bytes (RFC 5321 path limit). */
#define ACCOUNT_EMAIL_MAX 254
#define ACCOUNT_NAME_MAX 200

/* Creates or upgrades the module's tables.  STORE_OK or an error. */
enum store_status account_migrate(struct store *s);

/* Whether email looks like an address: one '@', no blanks, within limits. */
bool account_email_valid(const char *email);
/*
 * Why password is not acceptable (too short, too long, not UTF-8, the
 * e-mail address itself), as an i18n key ("admin_err_password_short"...),
 * or NULL if it is.
 */
const char *account_password_problem(const char *password, const char *email);

/*
 * Adds an account without a password (it gets one through a set-password
 * link or account_set_password()).  STORE_EXISTS if the e-mail address
 * (compared without case) is taken.  OUT: *id.
 */
enum store_status account_add(struct store *s, const char *email, const char *name,
                              enum account_role role, const char *lang, int64_t *id);
enum store_status account_get(struct store *s, struct arena *a, int64_t id, struct account *out);
/* By e-mail address, case-insensitively. */
enum store_status account_find(struct store *s, struct arena *a, const char *email,
                               struct account *out);
/* Every account, by e-mail address. */
enum store_status account_list(struct store *s, struct arena *a, struct account **out,
                               size_t *n);
/* Changes name, role and language (NULL or negative: keep). */
enum store_status account_update(struct store *s, int64_t id, const char *name, int role,
                                 const char *lang);
/* Disables (and signs out everywhere) or enables an account. */
enum store_status account_set_disabled(struct store *s, int64_t id, bool disabled);
/* Replaces the section limits of an account (n == 0: none). */
enum store_status account_set_sections(struct store *s, int64_t id, const int64_t *sections,
                                       size_t n);
/* Hashes and stores a new password (checked by the caller); clears a reset request. */
enum store_status account_set_password(struct store *s, int64_t id, const char *password);
/* Records the time of a successful login. */
enum store_status account_touch_login(struct store *s, int64_t id, int64_t now);
/* Records a "forgotten password" request on the account of email, if there is one. */
enum store_status account_request_reset(struct store *s, const char *email, int64_t now);

/*
 * Password checking in two steps, so that a server can leave its locks
 * while argon2 works (it takes a tenth of a second and 64 MB on purpose):
 * account_password_hash() copies the stored hash of the account of email
 * (for an unknown or disabled account, or one without a password, a hash
 * of nothing that never matches, so that every answer takes as long and
 * says as little); account_password_verify() compares.  The hash is a
 * NUL-terminated string of at most ACCOUNT_HASH_MAX bytes.
 */
#define ACCOUNT_HASH_MAX 128
enum store_status account_password_hash(struct store *s, const char *email,
                                        char hash[ACCOUNT_HASH_MAX], int64_t *id);
bool account_password_verify(const char *hash, const char *password);
/* Whether a stored hash uses older parameters than today's (re-hash at the next login). */
bool account_password_needs_rehash(const char *hash);

/* ---- secrets ------------------------------------------------------ */

/* A token as handed out: 32 random bytes in base64url without padding. */
#define ACCOUNT_TOKEN_LEN 43
/* Fills out with a new random token (NUL-terminated). */
void account_token_random(char out[ACCOUNT_TOKEN_LEN + 1]);
/* Whether s has the shape of a token (so that junk is refused before any query). */
bool account_token_shape(const char *s);

/* ---- set-password links ------------------------------------------- */

/* A link is good for a week: time to find the mail, short enough to go stale. */
#define ACCOUNT_LINK_TTL (7 * 24 * 3600)

/* Makes a one-time set-password token for user id.  OUT: token. */
enum store_status account_link_new(struct store *s, int64_t id, int64_t now,
                                   char token[ACCOUNT_TOKEN_LEN + 1]);
/*
 * The account a link token is for, if it is unused and not expired
 * (STORE_NOT_FOUND otherwise).  With consume, the token is used up (in the
 * caller's transaction, with the password change).
 */
enum store_status account_link_check(struct store *s, const char *token, int64_t now,
                                     bool consume, int64_t *id);

/* ---- sessions ----------------------------------------------------- */

struct account_session {
	int64_t id;
	int64_t user_id;
	const char *csrf; /* the token forms of this session carry */
	int64_t created;
	int64_t last_seen;
	int64_t expires;
};

/*
 * Starts a session for user id, ending at now + lifetime at the latest.
 * OUT: token (the cookie's value; only its hash is stored).
 */
enum store_status account_session_new(struct store *s, int64_t id, int64_t now,
                                      int64_t lifetime, char token[ACCOUNT_TOKEN_LEN + 1]);
/*
 * The live session of a cookie's token: not revoked, not expired, not idle
 * for more than idle seconds, of an enabled account.  STORE_NOT_FOUND
 * otherwise.  Records the use at most once a minute (last_seen).
 */
enum store_status account_session_get(struct store *s, struct arena *a, const char *token,
                                      int64_t now, int64_t idle, struct account_session *out);
/* Ends one session (logout). */
enum store_status account_session_revoke(struct store *s, int64_t session_id);
/* Ends every session of user id but keep (0: all). */
enum store_status account_session_revoke_user(struct store *s, int64_t id, int64_t keep);
/* Deletes sessions and links that ended before now.  OUT: *n (may be NULL). */
enum store_status account_purge(struct store *s, int64_t now, size_t *n);
/* Live sessions of user id. */
enum store_status account_session_count(struct store *s, int64_t id, int64_t now, size_t *n);

#endif
