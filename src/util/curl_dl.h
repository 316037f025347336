/*
 * libcurl, loaded when a command first needs it (sending mail, pulling a
 * mirror over HTTP) rather than when the program starts.  Debian's libcurl
 * brings some twenty libraries with it (TLS, Kerberos, LDAP, SSH, HTTP/2),
 * whose loading cost every `tamizdat` command -- an incremental publish
 * included -- several milliseconds.  Files that use libcurl include this
 * header instead of <curl/curl.h>, and call curl_dl_load() before their
 * first curl_ call; the curl_ functions become calls through pointers.
 */
#ifndef TZ_CURL_DL_H
#define TZ_CURL_DL_H

/* Plain functions, not libcurl's type-checking macros: pointers replace them. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

struct curl_dl {
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
	__typeof__(curl_multi_init) *multi_init;
	__typeof__(curl_multi_setopt) *multi_setopt;
	__typeof__(curl_multi_add_handle) *multi_add_handle;
	__typeof__(curl_multi_remove_handle) *multi_remove_handle;
	__typeof__(curl_multi_perform) *multi_perform;
	__typeof__(curl_multi_poll) *multi_poll;
	__typeof__(curl_multi_info_read) *multi_info_read;
	__typeof__(curl_multi_cleanup) *multi_cleanup;
};

extern struct curl_dl curl_dl;

/*
 * Loads the library and runs curl_global_init once (thread-safe).  0, or
 * -1 with the reason recorded.
 */
int curl_dl_load(void);

#ifndef CURL_DL_IMPL
/* curl.h defines these three as function-like macros of themselves. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#define curl_global_init curl_dl.global_init
#define curl_easy_init curl_dl.easy_init
#define curl_easy_setopt curl_dl.easy_setopt
#define curl_easy_getinfo curl_dl.easy_getinfo
#define curl_easy_perform curl_dl.easy_perform
#define curl_easy_cleanup curl_dl.easy_cleanup
#define curl_easy_strerror curl_dl.easy_strerror
#define curl_slist_append curl_dl.slist_append
#define curl_slist_free_all curl_dl.slist_free_all
#define curl_multi_init curl_dl.multi_init
#define curl_multi_setopt curl_dl.multi_setopt
#define curl_multi_add_handle curl_dl.multi_add_handle
#define curl_multi_remove_handle curl_dl.multi_remove_handle
#define curl_multi_perform curl_dl.multi_perform
#define curl_multi_poll curl_dl.multi_poll
#define curl_multi_info_read curl_dl.multi_info_read
#define curl_multi_cleanup curl_dl.multi_cleanup
#endif

#endif
