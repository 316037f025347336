/*
 * Loading libcurl on demand.  See curl_dl.h.
 */
#define CURL_DL_IMPL
#include "util/curl_dl.h"

#include <pthread.h>
#include <stdio.h>

#include "util/dlsyms.h"
#include "util/log.h"
#include "util/util.h"

/* The soname of Debian 12's libcurl4; the ABI the header describes. */
#define CURL_DL_SONAME "libcurl.so.4"

struct curl_dl curl_dl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded = -1;
static char why[256];

#define SYM(field, name) {(void **)&curl_dl.field, name}

static void load(void)
{
	static const struct dlsym_entry syms[] = {
		SYM(global_init, "curl_global_init"),
		SYM(easy_init, "curl_easy_init"),
		SYM(easy_setopt, "curl_easy_setopt"),
		SYM(easy_getinfo, "curl_easy_getinfo"),
		SYM(easy_perform, "curl_easy_perform"),
		SYM(easy_cleanup, "curl_easy_cleanup"),
		SYM(easy_strerror, "curl_easy_strerror"),
		SYM(slist_append, "curl_slist_append"),
		SYM(slist_free_all, "curl_slist_free_all"),
		SYM(multi_init, "curl_multi_init"),
		SYM(multi_setopt, "curl_multi_setopt"),
		SYM(multi_add_handle, "curl_multi_add_handle"),
		SYM(multi_remove_handle, "curl_multi_remove_handle"),
		SYM(multi_perform, "curl_multi_perform"),
		SYM(multi_poll, "curl_multi_poll"),
		SYM(multi_info_read, "curl_multi_info_read"),
		SYM(multi_cleanup, "curl_multi_cleanup"),
	};

	if (dlsyms_load(CURL_DL_SONAME, "libcurl4", syms, NELEM(syms), why,
	                sizeof(why)) != 0)
		return;
	if (curl_dl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(why, sizeof(why), "%s: curl_global_init failed", CURL_DL_SONAME);
		return;
	}
	loaded = 0;
}

int curl_dl_load(void)
{
	pthread_once(&once, load);
	if (loaded != 0)
		return log_fail("%s", why);
	return 0;
}
