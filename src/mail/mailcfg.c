/*
 * Reading the [smtp] and [newsletter] sections of tamizdat.ini.  See
 * mailcfg.h.  The file was already read once by config.c, which checks the
 * sections it owns; this module checks its own with the same strictness.
 */
#include "mail/mailcfg.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/log.h"

/* Same bound as config.c: a configuration file is a few lines. */
#define MAILCFG_MAX_FILE (1 << 20)

static void defaults(struct mailcfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->url = xstrdup("smtp://127.0.0.1:25");
	cfg->user = xstrdup("");
	cfg->password = xstrdup("");
	cfg->ca_file = xstrdup("");
	cfg->verify = true;
	cfg->timeout = 30;
	cfg->concurrency = 4;
	cfg->retries = 6;
	cfg->retry_delay = 60;
	cfg->max_bounces = 3;
	cfg->from = xstrdup("");
	cfg->reply_to = xstrdup("");
	cfg->unsubscribe_mailto = xstrdup("");
	cfg->max_articles = 50;
	cfg->confirm_hours = 48;
}

void mailcfg_finish(struct mailcfg *cfg)
{
	size_t i, j;

	free(cfg->url);
	free(cfg->user);
	free(cfg->password);
	free(cfg->ca_file);
	free(cfg->from);
	free(cfg->from_name);
	free(cfg->reply_to);
	free(cfg->unsubscribe_mailto);
	for (i = 0; i < cfg->nlists; i++) {
		free(cfg->lists[i].name);
		for (j = 0; j < CONFIG_MAX_LANGS; j++)
			free(cfg->lists[i].names[j]);
	}
	memset(cfg, 0, sizeof(*cfg));
}

struct ctx {
	struct mailcfg *cfg;
	const struct config *site;
	char error[300];
	bool lists_seen;
};

static void set(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static int parse_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long x = strtoul(v, &end, 10);

	if (*v < '0' || *v > '9' || *end != '\0' || x < lo || x > hi)
		return -1;
	*out = (unsigned)x;
	return 0;
}

static int parse_rate(const char *v, double *out)
{
	char *end;
	double x = strtod(v, &end);

	if (*v < '0' || *v > '9' || *end != '\0' || !(x >= 0 && x <= 1e6))
		return -1;
	*out = x;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

static bool list_id_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= sizeof(((struct mailcfg_list *)0)->id))
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '_'))
			return false;
	return true;
}

static int set_lists(struct mailcfg *cfg, const char *v)
{
	const char *p = v;

	cfg->nlists = 0;
	while (*p) {
		size_t n = strcspn(p, ", ");
		if (n) {
			char id[sizeof(cfg->lists[0].id)];
			if (!list_id_ok(p, n) || cfg->nlists == MAILCFG_MAX_LISTS)
				return -1;
			memcpy(id, p, n);
			id[n] = '\0';
			if (mailcfg_list(cfg, id) != NULL)
				return -1; /* named twice */
			memcpy(cfg->lists[cfg->nlists++].id, id, n + 1);
		}
		p += n;
		p += strspn(p, ", ");
	}
	return cfg->nlists ? 0 : -1;
}

/* "gmail.com:10, yahoo.com:5" */
static int set_domains(struct mailcfg *cfg, const char *v)
{
	const char *p = v;

	cfg->ndomains = 0;
	while (*p) {
		size_t n = strcspn(p, ", ");
		if (n) {
			char item[160], *colon;
			struct mailcfg_domain *d;
			size_t i;
			if (n >= sizeof(item) || cfg->ndomains == MAILCFG_MAX_DOMAINS)
				return -1;
			memcpy(item, p, n);
			item[n] = '\0';
			colon = strchr(item, ':');
			if (colon == NULL || colon == item ||
			    (size_t)(colon - item) >= sizeof(d->domain))
				return -1;
			*colon = '\0';
			d = &cfg->domains[cfg->ndomains];
			for (i = 0; item[i]; i++) {
				char c = item[i];
				if (c >= 'A' && c <= 'Z')
					c = (char)(c - 'A' + 'a');
				if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
				      c == '-' || c == '.'))
					return -1;
				d->domain[i] = c;
			}
			d->domain[i] = '\0';
			if (parse_rate(colon + 1, &d->rate) != 0 || d->rate <= 0)
				return -1;
			cfg->ndomains++;
		}
		p += n;
		p += strspn(p, ", ");
	}
	return 0;
}

/* A header value from the configuration: one line, no control characters. */
static bool one_line(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return false;
	return true;
}

static int on_smtp(struct ctx *c, const char *name, const char *value)
{
	struct mailcfg *cfg = c->cfg;

	if (strcmp(name, "url") == 0) {
		if (strncmp(value, "smtp://", 7) != 0 && strncmp(value, "smtps://", 8) != 0)
			return -1;
		set(&cfg->url, value);
	} else if (strcmp(name, "user") == 0)
		set(&cfg->user, value);
	else if (strcmp(name, "password") == 0)
		set(&cfg->password, value);
	else if (strcmp(name, "starttls") == 0) {
		if (strcmp(value, "try") == 0)
			cfg->starttls = MAILCFG_STARTTLS_TRY;
		else if (strcmp(value, "require") == 0)
			cfg->starttls = MAILCFG_STARTTLS_REQUIRE;
		else if (strcmp(value, "never") == 0)
			cfg->starttls = MAILCFG_STARTTLS_NEVER;
		else
			return -1;
	} else if (strcmp(name, "verify") == 0)
		return parse_bool(value, &cfg->verify);
	else if (strcmp(name, "ca_file") == 0)
		set(&cfg->ca_file, value);
	else if (strcmp(name, "timeout") == 0)
		return parse_uint(value, 1, 3600, &cfg->timeout);
	else if (strcmp(name, "rate") == 0)
		return parse_rate(value, &cfg->rate);
	else if (strcmp(name, "concurrency") == 0)
		return parse_uint(value, 1, 256, &cfg->concurrency);
	else if (strcmp(name, "domain_rate") == 0)
		return set_domains(cfg, value);
	else if (strcmp(name, "retries") == 0)
		return parse_uint(value, 0, 100, &cfg->retries);
	else if (strcmp(name, "retry_delay") == 0)
		return parse_uint(value, 0, 86400, &cfg->retry_delay);
	else if (strcmp(name, "max_bounces") == 0)
		return parse_uint(value, 1, 1000, &cfg->max_bounces);
	else
		return 1;
	return 0;
}

static int on_newsletter(struct ctx *c, const char *name, const char *value)
{
	struct mailcfg *cfg = c->cfg;

	if (!one_line(value))
		return -1;
	if (strcmp(name, "from") == 0)
		set(&cfg->from, value);
	else if (strcmp(name, "from_name") == 0)
		set(&cfg->from_name, value);
	else if (strcmp(name, "reply_to") == 0)
		set(&cfg->reply_to, value);
	else if (strcmp(name, "lists") == 0) {
		if (c->lists_seen)
			return -1;
		c->lists_seen = true;
		return set_lists(cfg, value);
	} else if (strcmp(name, "full_text") == 0)
		return parse_bool(value, &cfg->full_text);
	else if (strcmp(name, "max_articles") == 0)
		return parse_uint(value, 1, 1000, &cfg->max_articles);
	else if (strcmp(name, "confirm_hours") == 0)
		return parse_uint(value, 1, 24 * 30, &cfg->confirm_hours);
	else if (strcmp(name, "unsubscribe_mailto") == 0)
		set(&cfg->unsubscribe_mailto, value);
	else if (strncmp(name, "list.", 5) == 0) {
		/* list.ID or list.ID.LANG; lists must be declared first. */
		const char *id = name + 5, *dot = strchr(id, '.');
		char idbuf[32];
		size_t n = dot ? (size_t)(dot - id) : strlen(id), i;
		struct mailcfg_list *l;
		if (n >= sizeof(idbuf))
			return 1;
		memcpy(idbuf, id, n);
		idbuf[n] = '\0';
		l = (struct mailcfg_list *)mailcfg_list(cfg, idbuf);
		if (l == NULL || !c->lists_seen)
			return 1;
		if (dot == NULL) {
			set(&l->name, value);
			return 0;
		}
		for (i = 0; i < c->site->nlangs; i++)
			if (strcmp(c->site->langs[i].code, dot + 1) == 0) {
				set(&l->names[i], value);
				return 0;
			}
		return 1;
	} else
		return 1;
	return 0;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct ctx *c = user;
	int r;

	if (strcmp(section, "smtp") == 0)
		r = on_smtp(c, name, value);
	else if (strcmp(section, "newsletter") == 0) {
		c->cfg->enabled = true;
		r = on_newsletter(c, name, value);
	} else
		return 1; /* the site's sections: config.c checked them */
	if (r == 0)
		return 1;
	if (c->error[0])
		return 0; /* the first error is the one to fix */
	if (r > 0)
		snprintf(c->error, sizeof(c->error), "unknown setting \"%s\" in [%s]", name,
		         section);
	else
		snprintf(c->error, sizeof(c->error), "invalid value for \"%s\" in [%s]: \"%.100s\"",
		         name, section, strcmp(name, "password") == 0 ? "..." : value);
	return 0;
}

/* inih reports sections only through their keys: find an empty [newsletter]. */
static bool has_section(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p = text;

	while ((p = strchr(p, '[')) != NULL) {
		if ((p == text || p[-1] == '\n') && strncmp(p + 1, name, n) == 0 && p[1 + n] == ']')
			return true;
		p++;
	}
	return false;
}

int mailcfg_load(struct mailcfg *cfg, const char *path, const struct config *site)
{
	struct ctx c = {0};
	struct buf text = BUF_INIT;
	const char *env = getenv("TAMIZDAT_SMTP_URL");
	int line, rc = 0;

	defaults(cfg);
	c.cfg = cfg;
	c.site = site;
	if (fs_read_file(path, &text, MAILCFG_MAX_FILE) != 0) {
		rc = -1;
		goto out;
	}
	line = ini_parse_string(buf_cstr(&text), on_value, &c);
	if (line != 0) {
		rc = log_fail("%s:%d: %s", path, line, c.error[0] ? c.error : "syntax error");
		goto out;
	}
	if (has_section(buf_cstr(&text), "newsletter"))
		cfg->enabled = true;
	if (cfg->enabled && cfg->nlists == 0) {
		/* One list, named by the locale strings. */
		memcpy(cfg->lists[0].id, "news", 5);
		cfg->nlists = 1;
	}
	if (env && *env) {
		if (strncmp(env, "smtp://", 7) != 0 && strncmp(env, "smtps://", 8) != 0) {
			rc = log_fail("TAMIZDAT_SMTP_URL must start with smtp:// or smtps://");
			goto out;
		}
		set(&cfg->url, env);
		cfg->url_from_env = true;
	}
out:
	buf_finish(&text);
	return rc;
}

struct mailcfg *mailcfg_new(const char *path, const struct config *site)
{
	struct mailcfg *cfg = xcalloc(1, sizeof(*cfg));

	if (mailcfg_load(cfg, path, site) != 0) {
		mailcfg_free(cfg);
		return NULL;
	}
	return cfg;
}

void mailcfg_free(struct mailcfg *cfg)
{
	if (cfg == NULL)
		return;
	mailcfg_finish(cfg);
	free(cfg);
}

const struct mailcfg_list *mailcfg_list(const struct mailcfg *cfg, const char *id)
{
	size_t i;

	for (i = 0; i < cfg->nlists; i++)
		if (strcmp(cfg->lists[i].id, id) == 0)
			return &cfg->lists[i];
	return NULL;
}

const char *mailcfg_list_name(const struct mailcfg *cfg, const struct config *site,
                              const struct mailcfg_list *l, const char *lang)
{
	size_t i;

	(void)cfg;
	for (i = 0; i < site->nlangs && lang; i++)
		if (strcmp(site->langs[i].code, lang) == 0 && l->names[i])
			return l->names[i];
	return l->name ? l->name : l->id;
}

double mailcfg_domain_rate(const struct mailcfg *cfg, const char *domain)
{
	size_t i;

	for (i = 0; i < cfg->ndomains; i++)
		if (strcmp(cfg->domains[i].domain, domain) == 0)
			return cfg->domains[i].rate;
	return 0;
}

const char *mailcfg_url_shown(const struct mailcfg *cfg, char *out, size_t n)
{
	const char *url = cfg->url ? cfg->url : "", *host = strstr(url, "://"), *at;
	size_t hostpart;

	if (host == NULL) {
		snprintf(out, n, "%s", url);
		return out;
	}
	host += 3;
	hostpart = strcspn(host, "/?#");
	at = memchr(host, '@', hostpart);
	/* The last '@' of the authority: a password may hold one. */
	while (at && memchr(at + 1, '@', hostpart - (size_t)(at + 1 - host)))
		at = memchr(at + 1, '@', hostpart - (size_t)(at + 1 - host));
	if (at == NULL)
		snprintf(out, n, "%s", url);
	else
		snprintf(out, n, "%.*s%s", (int)(host - url), url, at + 1);
	return out;
}
