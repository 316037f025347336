/*
 * The newsletter's settings: the [smtp] and [newsletter] sections of
 * tamizdat.ini, which the site configuration (config.c) leaves to this
 * module.  The environment variable TAMIZDAT_SMTP_URL overrides [smtp] url
 * so that tests and operators can point the sender elsewhere without
 * editing files.
 *
 *	[smtp]
 *	url = smtp://127.0.0.1:25      ; smtps://host:465 for TLS from the start
 *	user = news                    ; authentication (optional)
 *	password = secret
 *	starttls = try                 ; try, require or never (smtp:// only)
 *	verify = yes                   ; check the server's certificate
 *	ca_file = /etc/ssl/my-ca.pem   ; optional
 *	timeout = 30                   ; seconds for one message
 *	rate = 0                       ; messages per second in all; 0: no limit
 *	concurrency = 4                ; connections at once
 *	domain_rate = gmail.com:10, yahoo.com:5   ; per recipient domain, messages/s
 *	retries = 6                    ; attempts after a temporary failure
 *	retry_delay = 60               ; seconds before the first retry (doubles)
 *	max_bounces = 3                ; permanent failures before "bouncing"
 *
 *	[newsletter]
 *	from = news@example.org
 *	from_name = Tamizdat           ; default: the site title in the reader's language
 *	reply_to = editors@example.org
 *	lists = weekly, urgent
 *	list.weekly = Weekly digest
 *	list.weekly.fr = Lettre de la semaine
 *	full_text = no                 ; yes: whole articles in the mail
 *	max_articles = 50
 *	confirm_hours = 48             ; lifetime of a confirmation link
 *	unsubscribe_mailto = unsubscribe@example.org   ; default: from
 *
 * A site without a [newsletter] section has no newsletter: no form on its
 * pages and nothing to send.  Unknown keys are errors naming the line, as
 * in the rest of the configuration.
 */
#ifndef TZ_MAILCFG_H
#define TZ_MAILCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "site/config.h"

/* More lists than any publication offers; keeps forms and bitmasks small. */
#define MAILCFG_MAX_LISTS 16
/* Per-domain throttles: the big providers, not every domain on earth. */
#define MAILCFG_MAX_DOMAINS 64

enum mailcfg_starttls {
	MAILCFG_STARTTLS_TRY = 0, /* use STARTTLS when offered */
	MAILCFG_STARTTLS_REQUIRE, /* fail without it */
	MAILCFG_STARTTLS_NEVER,   /* plain text (a local relay) */
};

struct mailcfg_list {
	char id[32];                   /* "weekly": [a-z0-9_-] */
	char *name;                    /* default name ("Weekly digest"); NULL: the id */
	char *names[CONFIG_MAX_LANGS]; /* per site language (index as in config), or NULL */
};

struct mailcfg_domain {
	char domain[128]; /* lower case, ASCII (A-labels) */
	double rate;      /* messages per second */
};

struct mailcfg {
	bool enabled; /* the site has a [newsletter] section */

	/* [smtp] */
	char *url;
	bool url_from_env; /* TAMIZDAT_SMTP_URL set it */
	char *user;
	char *password;
	enum mailcfg_starttls starttls;
	bool verify;
	char *ca_file;
	unsigned timeout;
	double rate;
	unsigned concurrency;
	struct mailcfg_domain domains[MAILCFG_MAX_DOMAINS];
	size_t ndomains;
	unsigned retries;
	unsigned retry_delay;
	unsigned max_bounces;

	/* [newsletter] */
	char *from;
	char *from_name; /* NULL: the site title */
	char *reply_to;
	struct mailcfg_list lists[MAILCFG_MAX_LISTS];
	size_t nlists;
	bool full_text;
	unsigned max_articles;
	unsigned confirm_hours;
	char *unsubscribe_mailto;
};

/*
 * Reads the [smtp] and [newsletter] sections of path (a tamizdat.ini that
 * config_load() accepted) into cfg, for the site languages of site.  Then
 * applies TAMIZDAT_SMTP_URL.  0, or -1 with the reason (file and line).
 * Free with mailcfg_finish() either way.
 */
int mailcfg_load(struct mailcfg *cfg, const char *path, const struct config *site);
void mailcfg_finish(struct mailcfg *cfg);
/* The same on the heap, for struct site: NULL with the reason recorded.  Free with mailcfg_free().
 */
struct mailcfg *mailcfg_new(const char *path, const struct config *site);
void mailcfg_free(struct mailcfg *cfg);

/* The list called id, or NULL. */
const struct mailcfg_list *mailcfg_list(const struct mailcfg *cfg, const char *id);
/* The name of a list in lang (a site language code), falling back to its default name. */
const char *mailcfg_list_name(const struct mailcfg *cfg, const struct config *site,
                              const struct mailcfg_list *l, const char *lang);
/*
 * The server URL fit for messages and logs: without the user and password
 * a URL such as smtps://user:pass@host:465 carries.  Writes into out (n
 * bytes, truncating) and returns it.
 */
const char *mailcfg_url_shown(const struct mailcfg *cfg, char *out, size_t n);
/* The throttle for a recipient domain (A-label, lower case), or 0: none. */
double mailcfg_domain_rate(const struct mailcfg *cfg, const char *domain);

#endif
