/*
 * The editorial web admin, served by `tamizdat serve` under /admin/:
 * accounts and sessions, the dashboard, the article editor with its
 * workflow, translations and revisions, sections, authors, users and site
 * settings.  Pages are rendered on the server from the admin theme
 * (themes/admin/, compiled in) and work without JavaScript.
 *
 * The admin opens the site folder a second time for itself -- its own
 * store connection, theme and strings -- and runs one request at a time
 * under a lock: a handful of editors never need more, and publishing,
 * which the admin does in the request that asks for it, is not made for
 * two writers.  Reading and serving public/ is the HTTP server's job and
 * never waits for the admin.
 */
#ifndef TZ_ADMIN_H
#define TZ_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "web/http.h"

struct admin;
struct config;
struct http_server;

/* The [admin] section of tamizdat.ini. */
struct admin_config {
	/*
	 * Where the admin is reached, ending in "/admin/": links in
	 * set-password messages point there.  Default: base_url + "admin/".
	 */
	char url[1024];
	/* Mark the session cookie Secure even on plain HTTP requests (TLS ends before us). */
	bool secure_cookie;
	/* A session ends this long after login (default 24 hours)... */
	int64_t session_lifetime;
	/* ...or after this long without a request (default 8 hours). */
	int64_t session_idle;
};

/*
 * Reads the [admin] section of the loaded configuration (cfg->extra).
 * Unknown keys are an error naming them.  0 or -1 (reason recorded).
 *
 *	[admin]
 *	url = https://news.example.org/admin/
 *	secure_cookie = yes
 *	session_hours = 24
 *	idle_hours = 8
 */
int admin_config_load(struct admin_config *ac, const struct config *cfg);

/*
 * Opens the admin on the site in dir (a second connection to its store,
 * whose account tables it creates or upgrades).  NULL with the reason
 * recorded.  Free with admin_free().
 */
struct admin *admin_new(const char *dir);
void admin_free(struct admin *adm);
/*
 * Gives the admin the server it runs in, so that a publish from a request
 * is served at once (http_server_invalidate()).  NULL before the server
 * starts; may be called from another thread than the handlers'.
 */
void admin_set_server(struct admin *adm, struct http_server *srv);

/* The handler of the "/admin/" route: arg is the struct admin. */
int admin_handle(void *arg, const struct http_request *req, struct http_response *resp);
/*
 * The server's tick (about once a second): publishes scheduled articles
 * whose time has come, a few at a time, and forgets ended sessions and
 * rate-limit windows.  arg is the struct admin.
 */
void admin_tick(void *arg);

/*
 * Publishes every scheduled article due at now, at most max of them, each
 * with the incremental publish.  OUT: *n, how many (may be NULL).  0 or
 * -1 (the reason recorded; those published stay published).  For the
 * tick and for tests.
 */
int admin_publish_due(struct admin *adm, int64_t now, unsigned max, unsigned *n);

#endif
