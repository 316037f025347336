/*
 * Subscribers: who gets the newsletter, in which languages, on which
 * lists; their double opt-in; the personal links in every mail; and their
 * removal.  The tables are the newsletter module's own (mail_int.h).
 *
 * Privacy rules, for readers behind censorship:
 *	- an address that unsubscribes is deleted; what stays is a keyed hash
 *	  of it (the suppression list) so that an old CSV cannot re-add it;
 *	- unconfirmed addresses are deleted when their link expires;
 *	- the web form stores no client address (web/subscribe.c keeps a
 *	  keyed hash of it in memory for the rate window only).
 *
 * Personal links carry tokens: the subscriber id and a MAC (BLAKE2b keyed
 * with the module's secret) over a purpose, the id and the address, so a
 * link cannot be forged, cannot be moved to another address, and needs no
 * table.  Confirmation tokens also carry their expiry time.
 */
#ifndef TZ_SUBSCRIBER_H
#define TZ_SUBSCRIBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mail/mailcfg.h"
#include "site/config.h"
#include "store/store.h"
#include "util/buf.h"

struct addr;
struct arena;

enum sub_status {
	SUB_PENDING = 0,   /* waiting for confirmation: never mailed but that */
	SUB_CONFIRMED = 1, /* gets the lists it chose */
	SUB_BOUNCING = 2,  /* too many permanent failures: no longer mailed */
};

/* "pending", "confirmed", "bouncing"; parse gives -1 if unknown. */
const char *sub_status_name(enum sub_status st);
int sub_status_parse(const char *s);

struct subscriber {
	int64_t id;
	const char *email;   /* local@unicode-domain, as shown */
	const char *addr;    /* local@ascii-domain, what SMTP gets */
	const char *domain;  /* ascii */
	const char *name;    /* may be "" */
	const char *langs;   /* "en,fr" in the site's order */
	const char *lists;   /* "weekly,urgent" in the configuration's order */
	const char *ui_lang; /* language of the mails' own words */
	enum sub_status status;
	int64_t created;
	int64_t confirmed; /* 0 if not */
	int bounces;
	const char *last_error;
};

/* Size of the module's secret. */
#define SUB_KEY_SIZE 32

/*
 * The module's secret, created on first use (which needs a writable
 * store).  0 or -1 with the reason recorded.
 */
int sub_secret(struct store *s, unsigned char key[SUB_KEY_SIZE]);

/* ---- tokens ---------------------------------------------------------- */

enum sub_token_kind {
	SUB_TOKEN_PREFS,   /* preferences and unsubscribe: does not expire */
	SUB_TOKEN_CONFIRM, /* double opt-in: expires */
};

/* Largest token text, with room to spare. */
#define SUB_TOKEN_MAX 96

/* Appends a token for subscriber id with address addr; expires only for CONFIRM. */
void sub_token_make(const unsigned char key[SUB_KEY_SIZE], enum sub_token_kind kind, int64_t id,
                    const char *addr, int64_t expires, struct buf *out);
/*
 * Reads the id (and the expiry of a CONFIRM token) from a token without
 * checking its MAC, which needs the subscriber's address.  0 or -1.
 */
int sub_token_parse(const char *tok, enum sub_token_kind kind, int64_t *id, int64_t *expires);
/* True if tok is a genuine token of this kind for (id, addr).  Constant time. */
bool sub_token_check(const unsigned char key[SUB_KEY_SIZE], enum sub_token_kind kind,
                     const char *tok, const char *addr);

/* ---- languages and lists ------------------------------------------- */

/*
 * Canonical form of a language list ("fr en" -> "en,fr": the site's order,
 * no duplicates) or of a list of lists (the configuration's order).  An
 * unknown entry or an empty result fails with the reason recorded.
 */
int sub_canon_langs(const struct config *cfg, const char *in, struct buf *out);
int sub_canon_lists(const struct mailcfg *mc, const char *in, struct buf *out);
/* True if the comma-separated set has item. */
bool sub_set_has(const char *set, const char *item);

/* ---- rows ------------------------------------------------------------ */

enum store_status sub_get(struct store *s, struct arena *a, int64_t id, struct subscriber *out);
/* By address (any case); STORE_NOT_FOUND if unknown. */
enum store_status sub_find(struct store *s, struct arena *a, const struct addr *ad,
                           struct subscriber *out);

struct sub_new {
	const struct addr *addr;
	const char *name;    /* NULL: "" (CR, LF and other controls are refused) */
	const char *langs;   /* canonical */
	const char *lists;   /* canonical */
	const char *ui_lang; /* NULL: the first of langs */
	enum sub_status status;
	int64_t created; /* 0: now */
};

/* Adds a subscriber.  STORE_EXISTS if the address is known.  OUT: *id (may be NULL). */
enum store_status sub_add(struct store *s, const struct sub_new *in, int64_t *id);
/* Sets languages and lists (canonical, NULL: keep) and ui_lang (NULL: keep). */
enum store_status sub_set_prefs(struct store *s, int64_t id, const char *langs, const char *lists,
                                const char *ui_lang);
/*
 * Confirms subscriber id: pending or bouncing becomes confirmed (bounces
 * cleared); confirming a confirmed one changes nothing.  Takes the address
 * off the suppression list.
 */
enum store_status sub_confirm(struct store *s, const unsigned char key[SUB_KEY_SIZE], int64_t id);
/*
 * Deletes subscriber id; with suppress, remembers a keyed hash of the
 * address so that imports skip it.  A missing id is not an error.
 */
enum store_status sub_remove(struct store *s, const unsigned char key[SUB_KEY_SIZE], int64_t id,
                             bool suppress);
/* True if the address is on the suppression list. */
bool sub_suppressed(struct store *s, const unsigned char key[SUB_KEY_SIZE], const struct addr *ad);
/*
 * Records a permanent failure (5xx) for subscriber id with the server's
 * message; past max_bounces in a row the subscriber becomes bouncing.
 * OUT: *now_bouncing (may be NULL).
 */
enum store_status sub_bounce(struct store *s, int64_t id, const char *error, unsigned max_bounces,
                             bool *now_bouncing);

/*
 * Accounts for one confirmation or notice mail to subscriber id at now,
 * unless that would pass the per-address limits (SUB_MAIL_INTERVAL,
 * SUB_MAIL_PER_DAY).  True if the mail may go.
 */
bool sub_mail_allowed(struct store *s, int64_t id, int64_t now);
/* A reader gets at most one confirmation every 10 minutes... */
#define SUB_MAIL_INTERVAL 600
/* ...and at most 5 a day: a stranger cannot mail-bomb an address through the form. */
#define SUB_MAIL_PER_DAY 5

/* Deletes pending subscribers created before cutoff (expired links).  OUT: *n. */
enum store_status sub_purge_pending(struct store *s, int64_t cutoff, size_t *n);

struct sub_filter {
	int status;       /* -1: all */
	const char *lang; /* NULL: all */
	const char *list; /* NULL: all */
};

/* Calls fn for each matching subscriber in id order; a non-zero return stops. */
enum store_status sub_each(struct store *s, const struct sub_filter *f,
                           int (*fn)(void *arg, const struct subscriber *sub), void *arg);

struct sub_counts {
	size_t by_status[3];
	size_t by_lang[CONFIG_MAX_LANGS];  /* confirmed, per site language (index as in config) */
	size_t by_list[MAILCFG_MAX_LISTS]; /* confirmed, per list (index as in mailcfg) */
	size_t suppressed;
};

enum store_status sub_count(struct store *s, const struct config *cfg, const struct mailcfg *mc,
                            struct sub_counts *out);

/* ---- CSV (subscriber_csv.c) ------------------------------------------ */

/* Columns of an export, which import reads back. */
#define SUB_CSV_HEADER "email,name,languages,lists,status,created"
/* A subscriber's record is short; a longer line is not a subscriber list. */
#define SUB_CSV_MAX_RECORD 4096

/* Writes every subscriber (matching f; NULL: all) as CSV to out. */
enum store_status sub_export(struct store *s, const struct sub_filter *f, FILE *out);

struct sub_import_opts {
	const char
	        *langs; /* canonical default for rows without languages; NULL: default language */
	const char *lists; /* canonical default for rows without lists; NULL: the first list */
	bool confirmed;    /* rows without a status are confirmed (else pending) */
	bool force;        /* re-add suppressed addresses */
	bool dry_run;      /* check everything, change nothing */
};

struct sub_import_stats {
	size_t rows, added, existing, suppressed, errors;
	size_t pending_added; /* to be sent a confirmation */
};

/*
 * Imports a CSV with a header line naming its columns (email is required;
 * name, languages, lists, status, created are optional; others are an
 * error).  All or nothing: every row is checked, each bad one reported on
 * stderr as "NAME:LINE: reason", and only a file without errors is written
 * -- in one transaction, so a crash leaves the store as it was.  Known
 * addresses are left as they are; suppressed ones are skipped unless
 * forced.  New pending subscribers get a confirmation mail queued in the
 * outbox.  0, or -1 with the reason recorded (for bad rows: how many).
 */
int sub_import(struct store *s, const struct config *cfg, const struct mailcfg *mc, FILE *in,
               const char *name, const struct sub_import_opts *o, struct sub_import_stats *st);

#endif
