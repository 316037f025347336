/*
 * The [admin] section of tamizdat.ini.  config.c keeps the sections it
 * does not own as text (cfg->extra); this reads ours from it.  See admin.h.
 */
#include "admin/admin.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "site/config.h"
#include "util/log.h"

/* Sessions: a working day and a night, ended by eight idle hours. */
#define ADMIN_SESSION_HOURS 24
#define ADMIN_IDLE_HOURS 8
/* Longer sessions than a month are a stolen laptop waiting to happen. */
#define ADMIN_SESSION_HOURS_MAX (24 * 31)

struct ctx {
	struct admin_config *ac;
	char error[256];
};

static int hours(const char *v, int64_t *out)
{
	char *end;
	long h = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || h < 1 || h > ADMIN_SESSION_HOURS_MAX)
		return -1;
	*out = (int64_t)h * 3600;
	return 0;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct ctx *c = user;
	struct admin_config *ac = c->ac;

	if (strcmp(section, "admin") != 0)
		return 1;
	if (strcmp(name, "url") == 0) {
		size_t n = strlen(value);
		if ((strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) ||
		    n + 2 > sizeof(ac->url))
			goto bad;
		snprintf(ac->url, sizeof(ac->url), "%s%s", value, value[n - 1] == '/' ? "" : "/");
	} else if (strcmp(name, "secure_cookie") == 0) {
		if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0 ||
		    strcmp(value, "1") == 0)
			ac->secure_cookie = true;
		else if (strcasecmp(value, "no") == 0 || strcasecmp(value, "false") == 0 ||
		         strcmp(value, "0") == 0)
			ac->secure_cookie = false;
		else
			goto bad;
	} else if (strcmp(name, "session_hours") == 0) {
		if (hours(value, &ac->session_lifetime) != 0)
			goto bad;
	} else if (strcmp(name, "idle_hours") == 0) {
		if (hours(value, &ac->session_idle) != 0)
			goto bad;
	} else {
		snprintf(c->error, sizeof(c->error), "unknown setting \"%s\" in [admin]", name);
		return 0;
	}
	return 1;
bad:
	snprintf(c->error, sizeof(c->error), "invalid value for \"%s\" in [admin]: \"%s\"", name,
	         value);
	return 0;
}

int admin_config_load(struct admin_config *ac, const struct config *cfg)
{
	struct ctx c = {ac, ""};

	memset(ac, 0, sizeof(*ac));
	snprintf(ac->url, sizeof(ac->url), "%sadmin/", cfg->base_url);
	ac->session_lifetime = ADMIN_SESSION_HOURS * 3600;
	ac->session_idle = ADMIN_IDLE_HOURS * 3600;
	if (cfg->extra && ini_parse_string(cfg->extra, on_value, &c) != 0)
		return log_fail("tamizdat.ini: %s",
		                c.error[0] ? c.error : "syntax error in [admin]");
	if (ac->session_idle > ac->session_lifetime)
		ac->session_idle = ac->session_lifetime;
	return 0;
}
