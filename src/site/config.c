/*
 * Reading and writing tamizdat.ini.  See config.h.
 */
#include "site/config.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/log.h"

/* A configuration file is a few lines; anything bigger is a mistake. */
#define CONFIG_MAX_FILE (1 << 20)

void config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->title = xstrdup("Tamizdat");
	cfg->tagline = xstrdup("");
	cfg->base_url = xstrdup("http://127.0.0.1:8080/");
	cfg->listen = xstrdup("127.0.0.1");
	cfg->onion = xstrdup("");
	cfg->trusted_proxy = xstrdup("");
	cfg->extra = xstrdup("");
	cfg->port = 8080;
	cfg->page_size = 20;
	cfg->feed_size = 20;
	config_set_langs(cfg, "en");
}

void config_finish(struct config *cfg)
{
	size_t i;

	free(cfg->title);
	free(cfg->tagline);
	free(cfg->base_url);
	free(cfg->listen);
	free(cfg->onion);
	free(cfg->trusted_proxy);
	free(cfg->extra);
	for (i = 0; i < cfg->nlangs; i++) {
		free(cfg->langs[i].title);
		free(cfg->langs[i].tagline);
	}
	for (i = 0; i < cfg->nmirrors; i++)
		free(cfg->mirrors[i]);
	free(cfg->mirrors);
	memset(cfg, 0, sizeof(*cfg));
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static bool code_ok(const char *c, size_t n)
{
	size_t i;

	if (n < 2 || n > 8)
		return false;
	for (i = 0; i < n; i++)
		if (!((c[i] >= 'a' && c[i] <= 'z') || (c[i] == '-' && i >= 2)))
			return false;
	return true;
}

int config_set_langs(struct config *cfg, const char *list)
{
	struct config_lang old[CONFIG_MAX_LANGS];
	size_t nold = cfg->nlangs, n = 0, i;
	const char *p = list;

	memcpy(old, cfg->langs, sizeof(old));
	memset(cfg->langs, 0, sizeof(cfg->langs));
	while (*p) {
		size_t len = strcspn(p, ", ");
		if (len) {
			if (!code_ok(p, len) || n == CONFIG_MAX_LANGS) {
				memcpy(cfg->langs, old, sizeof(old));
				return log_fail("invalid language list \"%s\" (use codes such as "
				                "en,fr,ru,uk)",
				                list);
			}
			for (i = 0; i < n; i++)
				if (strncmp(cfg->langs[i].code, p, len) == 0 &&
				    cfg->langs[i].code[len] == '\0')
					break;
			if (i == n) {
				memcpy(cfg->langs[n].code, p, len);
				n++;
			}
		}
		p += len;
		p += strspn(p, ", ");
	}
	if (n == 0) {
		memcpy(cfg->langs, old, sizeof(old));
		return log_fail("the language list is empty");
	}
	/* Keep titles already set for languages that stay. */
	for (i = 0; i < nold; i++) {
		struct config_lang *l = (struct config_lang *)config_lang(cfg, old[i].code);
		if (l) {
			l->title = old[i].title;
			l->tagline = old[i].tagline;
		} else {
			free(old[i].title);
			free(old[i].tagline);
		}
	}
	cfg->nlangs = n;
	if (config_lang(cfg, cfg->default_lang) == NULL)
		memcpy(cfg->default_lang, cfg->langs[0].code, sizeof(cfg->default_lang));
	return 0;
}

const struct config_lang *config_lang(const struct config *cfg, const char *code)
{
	size_t i;

	for (i = 0; i < cfg->nlangs; i++)
		if (strcmp(cfg->langs[i].code, code) == 0)
			return &cfg->langs[i];
	return NULL;
}

const char *config_title(const struct config *cfg, const char *lang)
{
	const struct config_lang *l = lang ? config_lang(cfg, lang) : NULL;

	return l && l->title ? l->title : cfg->title;
}

const char *config_tagline(const struct config *cfg, const char *lang)
{
	const struct config_lang *l = lang ? config_lang(cfg, lang) : NULL;

	return l && l->tagline ? l->tagline : cfg->tagline;
}

void config_url(const struct config *cfg, struct buf *out, const char *path)
{
	buf_puts(out, cfg->base_url);
	buf_puts(out, path);
}

struct load_ctx {
	struct config *cfg;
	int error_line;
	char error[256];
	int line;
	struct buf extra;      /* other modules' sections */
	char extra_section[64]; /* the last one added to extra */
	/* Per-language keys wait until "languages" is known. */
	struct {
		char key[16];
		char lang[16];
		char *value;
	} later[2 * CONFIG_MAX_LANGS];
	size_t nlater;
};

static int parse_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long x = strtoul(v, &end, 10);

	if (*v == '\0' || *end != '\0' || x < lo || x > hi)
		return -1;
	*out = (unsigned)x;
	return 0;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = user;
	struct config *cfg = c->cfg;
	const char *dot = strchr(name, '.');

	if (c->error_line)
		return 1;
	if (strcmp(section, "site") == 0) {
		if (dot && (strncmp(name, "title.", 6) == 0 || strncmp(name, "tagline.", 8) == 0)) {
			if (c->nlater == NELEM(c->later))
				goto bad;
			snprintf(c->later[c->nlater].key, sizeof(c->later[0].key), "%.*s",
			         (int)(dot - name), name);
			snprintf(c->later[c->nlater].lang, sizeof(c->later[0].lang), "%s", dot + 1);
			c->later[c->nlater].value = xstrdup(value);
			c->nlater++;
			return 1;
		}
		if (strcmp(name, "title") == 0)
			set_str(&cfg->title, value);
		else if (strcmp(name, "tagline") == 0)
			set_str(&cfg->tagline, value);
		else if (strcmp(name, "base_url") == 0) {
			size_t n = strlen(value);
			if (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0)
				goto bad;
			free(cfg->base_url);
			cfg->base_url = xmalloc(n + 2);
			memcpy(cfg->base_url, value, n + 1);
			if (n == 0 || value[n - 1] != '/')
				strcat(cfg->base_url, "/");
		} else if (strcmp(name, "languages") == 0) {
			if (config_set_langs(cfg, value) != 0)
				goto bad;
		} else if (strcmp(name, "default_language") == 0) {
			if (strlen(value) >= sizeof(cfg->default_lang))
				goto bad;
			memcpy(cfg->default_lang, value, strlen(value) + 1);
		} else
			goto unknown;
	} else if (strcmp(section, "publish") == 0) {
		if (strcmp(name, "page_size") == 0) {
			if (parse_uint(value, 1, 1000, &cfg->page_size) != 0)
				goto bad;
		} else if (strcmp(name, "feed_size") == 0) {
			if (parse_uint(value, 1, 1000, &cfg->feed_size) != 0)
				goto bad;
		} else
			goto unknown;
	} else if (strcmp(section, "server") == 0) {
		if (strcmp(name, "listen") == 0)
			set_str(&cfg->listen, value);
		else if (strcmp(name, "port") == 0) {
			if (parse_uint(value, 0, 65535, &cfg->port) != 0)
				goto bad;
		} else if (strcmp(name, "trusted_proxy") == 0)
			set_str(&cfg->trusted_proxy, value);
		else
			goto unknown;
	} else if (strcmp(section, "mirrors") == 0) {
		if (strcmp(name, "mirror") == 0 || strcmp(name, "url") == 0) {
			cfg->mirrors = xreallocarray(cfg->mirrors, cfg->nmirrors + 1, sizeof(char *));
			cfg->mirrors[cfg->nmirrors++] = xstrdup(value);
		} else if (strcmp(name, "onion") == 0) {
			set_str(&cfg->onion, value);
		} else
			goto unknown;
	} else {
		/*
		 * Sections other modules own ([admin], [smtp]...) are theirs
		 * to read; they are kept for config_save().
		 */
		if (strcmp(c->extra_section, section) != 0) {
			buf_printf(&c->extra, "\n[%s]\n", section);
			snprintf(c->extra_section, sizeof(c->extra_section), "%s", section);
		}
		buf_printf(&c->extra, "%s = %s\n", name, value);
		return 1;
	}
	return 1;
unknown:
	snprintf(c->error, sizeof(c->error), "unknown setting \"%s\" in [%s]", name, section);
	c->error_line = -1;
	return 0;
bad:
	snprintf(c->error, sizeof(c->error), "invalid value for \"%s\" in [%s]: \"%s\"", name,
	         section, value);
	c->error_line = -1;
	return 0;
}

int config_load(struct config *cfg, const char *path)
{
	struct load_ctx *c = xcalloc(1, sizeof(*c));
	struct buf text = BUF_INIT;
	int line, rc = 0;
	size_t i;

	c->cfg = cfg;
	if (fs_read_file(path, &text, CONFIG_MAX_FILE) != 0) {
		rc = -1;
		goto out;
	}
	line = ini_parse_string(buf_cstr(&text), on_value, c);
	if (line != 0) {
		if (c->error[0])
			rc = log_fail("%s:%d: %s", path, line, c->error);
		else
			rc = log_fail("%s:%d: syntax error (expected \"name = value\" or "
			              "\"[section]\")",
			              path, line);
		goto out;
	}
	set_str(&cfg->extra, buf_cstr(&c->extra));
	for (i = 0; i < c->nlater; i++) {
		struct config_lang *l = (struct config_lang *)config_lang(cfg, c->later[i].lang);
		if (l == NULL) {
			rc = log_fail("%s: %s.%s: \"%s\" is not one of the site's languages", path,
			              c->later[i].key, c->later[i].lang, c->later[i].lang);
			goto out;
		}
		if (strcmp(c->later[i].key, "title") == 0)
			set_str(&l->title, c->later[i].value);
		else
			set_str(&l->tagline, c->later[i].value);
	}
	if (config_lang(cfg, cfg->default_lang) == NULL) {
		rc = log_fail("%s: default_language \"%s\" is not one of the site's languages", path,
		              cfg->default_lang);
		goto out;
	}
out:
	for (i = 0; i < c->nlater; i++)
		free(c->later[i].value);
	buf_finish(&c->extra);
	free(c);
	buf_finish(&text);
	return rc;
}

bool config_value_valid(const char *v)
{
	const unsigned char *p;
	size_t n = strlen(v);

	if (n && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t'))
		return false;
	for (p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (*p == ';' && p > (const unsigned char *)v && (p[-1] == ' ' || p[-1] == '\t'))
			return false;
	}
	return true;
}

static void put_kv(struct buf *b, const char *k, const char *v)
{
	buf_printf(b, "%s = %s\n", k, v);
}

int config_save(const struct config *cfg, const char *path)
{
	struct buf b = BUF_INIT;
	size_t i;
	int rc = 0;

	buf_puts(&b, "# tamizdat site configuration (see tamizdat(1)).\n\n[site]\n");
	put_kv(&b, "title", cfg->title);
	if (*cfg->tagline)
		put_kv(&b, "tagline", cfg->tagline);
	put_kv(&b, "base_url", cfg->base_url);
	buf_puts(&b, "languages = ");
	for (i = 0; i < cfg->nlangs; i++)
		buf_printf(&b, "%s%s", i ? "," : "", cfg->langs[i].code);
	buf_putc(&b, '\n');
	put_kv(&b, "default_language", cfg->default_lang);
	for (i = 0; i < cfg->nlangs; i++) {
		if (cfg->langs[i].title)
			buf_printf(&b, "title.%s = %s\n", cfg->langs[i].code, cfg->langs[i].title);
		if (cfg->langs[i].tagline)
			buf_printf(&b, "tagline.%s = %s\n", cfg->langs[i].code,
			           cfg->langs[i].tagline);
	}
	buf_printf(&b, "\n[publish]\npage_size = %u\nfeed_size = %u\n", cfg->page_size,
	           cfg->feed_size);
	buf_printf(&b, "\n[server]\nlisten = %s\nport = %u\n", cfg->listen, cfg->port);
	if (*cfg->trusted_proxy)
		put_kv(&b, "trusted_proxy", cfg->trusted_proxy);
	if (cfg->nmirrors || *cfg->onion) {
		buf_puts(&b, "\n[mirrors]\n");
		for (i = 0; i < cfg->nmirrors; i++)
			put_kv(&b, "mirror", cfg->mirrors[i]);
		if (*cfg->onion)
			put_kv(&b, "onion", cfg->onion);
	}
	buf_puts(&b, cfg->extra);
	if (fs_write_atomic(path, b.p, b.n, FS_SYNC) == FS_WRITE_ERROR)
		rc = -1;
	buf_finish(&b);
	return rc;
}
