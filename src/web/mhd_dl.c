/*
 * Loading libmicrohttpd on demand.  See mhd_dl.h.
 */
#define MHD_DL_IMPL
#include "web/mhd_dl.h"

#include <pthread.h>
#include <stdio.h>

#include "util/dlsyms.h"
#include "util/log.h"
#include "util/util.h"

/* The soname of Debian 12's libmicrohttpd12; the ABI the header describes. */
#define MHD_DL_SONAME "libmicrohttpd.so.12"

struct mhd_dl mhd_dl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded = -1;
static char why[256];

#define SYM(field, name) {(void **)&mhd_dl.field, name}

static void load(void)
{
	static const struct dlsym_entry syms[] = {
		SYM(start_daemon, "MHD_start_daemon"),
		SYM(stop_daemon, "MHD_stop_daemon"),
		SYM(quiesce_daemon, "MHD_quiesce_daemon"),
		SYM(get_daemon_info, "MHD_get_daemon_info"),
		SYM(get_connection_info, "MHD_get_connection_info"),
		SYM(get_connection_values, "MHD_get_connection_values"),
		SYM(lookup_connection_value, "MHD_lookup_connection_value"),
		SYM(queue_response, "MHD_queue_response"),
		SYM(create_response_from_buffer, "MHD_create_response_from_buffer"),
		SYM(create_response_from_buffer_with_free_callback,
		    "MHD_create_response_from_buffer_with_free_callback"),
		SYM(create_response_from_fd64, "MHD_create_response_from_fd64"),
		SYM(create_response_from_fd_at_offset64, "MHD_create_response_from_fd_at_offset64"),
		SYM(add_response_header, "MHD_add_response_header"),
		SYM(destroy_response, "MHD_destroy_response"),
		SYM(suspend_connection, "MHD_suspend_connection"),
		SYM(resume_connection, "MHD_resume_connection"),
	};

	if (dlsyms_load(MHD_DL_SONAME, "libmicrohttpd12", syms, NELEM(syms),
	                why, sizeof(why)) == 0)
		loaded = 0;
}

int mhd_dl_load(void)
{
	pthread_once(&once, load);
	if (loaded != 0)
		return log_fail("%s", why);
	return 0;
}
