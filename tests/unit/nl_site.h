/*
 * A small site with a newsletter for the mail tests: languages en, fr,
 * ru; lists weekly and urgent; a fixed secret, so that tokens, message
 * ids and the golden message are the same on every run.
 */
#ifndef TZ_NL_SITE_H
#define TZ_NL_SITE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "mail/mailcfg.h"
#include "site/site.h"
#include "store/store.h"
#include "util/fsutil.h"
#include "util/log.h"

static char nl_sitedir[64];

static const char nl_ini_extra[] = "\n[smtp]\nurl = smtp://127.0.0.1:9\nstarttls = never\n"
                                   "\n[newsletter]\nfrom = news@example.org\n"
                                   "reply_to = editors@example.org\n"
                                   "lists = weekly, urgent\n"
                                   "list.weekly = Weekly digest\n"
                                   "list.weekly.fr = Lettre de la semaine\n"
                                   "list.weekly.ru = Еженедельная рассылка\n";

static void nl_site_make(struct site *site, const char *extra)
{
	struct config cfg;
	char ini[128];
	FILE *f;
	sqlite3_stmt *st;
	static const unsigned char secret[32] = "0123456789abcdef0123456789abcdef";

	snprintf(nl_sitedir, sizeof(nl_sitedir), "/tmp/tz-nl-XXXXXX");
	if (mkdtemp(nl_sitedir) == NULL)
		abort();
	config_init(&cfg);
	config_set_langs(&cfg, "en,fr,ru");
	free(cfg.base_url);
	cfg.base_url = xstrdup("https://news.example.org/");
	free(cfg.title);
	cfg.title = xstrdup("Тамиздат");
	if (site_create(nl_sitedir, &cfg) != 0) {
		fprintf(stderr, "%s\n", log_reason());
		abort();
	}
	config_finish(&cfg);
	snprintf(ini, sizeof(ini), "%s/tamizdat.ini", nl_sitedir);
	f = fopen(ini, "a");
	fputs(nl_ini_extra, f);
	if (extra)
		fputs(extra, f);
	fclose(f);
	if (site_open(site, nl_sitedir, 0) != 0) {
		fprintf(stderr, "%s\n", log_reason());
		abort();
	}
	sqlite3_prepare_v2(store_db(site->store),
	                   "INSERT OR REPLACE INTO nl_meta(key, value) VALUES ('secret', ?)", -1,
	                   &st, NULL);
	sqlite3_bind_blob(st, 1, secret, 32, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		abort();
	sqlite3_finalize(st);
}

static void nl_site_drop(struct site *site)
{
	site_close(site);
	fs_remove_tree(nl_sitedir);
}

#endif
