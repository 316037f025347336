/*
 * libmicrohttpd, loaded when the server starts rather than when the
 * program does.  Debian's libmicrohttpd pulls in GnuTLS, whose loading and
 * initialisation cost every `tamizdat` command about 6 ms -- a third of
 * the budget of an incremental publish -- although only `serve` needs a
 * server.  The http*.c files include this header instead of
 * <microhttpd.h>; the MHD_ functions they call become calls through
 * pointers that mhd_dl_load() fills in.
 */
#ifndef TZ_MHD_DL_H
#define TZ_MHD_DL_H

#include <microhttpd.h>

struct mhd_dl {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_quiesce_daemon) *quiesce_daemon;
	__typeof__(MHD_get_daemon_info) *get_daemon_info;
	__typeof__(MHD_get_connection_info) *get_connection_info;
	__typeof__(MHD_get_connection_values) *get_connection_values;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_create_response_from_buffer_with_free_callback)
	        *create_response_from_buffer_with_free_callback;
	__typeof__(MHD_create_response_from_fd64) *create_response_from_fd64;
	__typeof__(MHD_create_response_from_fd_at_offset64) *create_response_from_fd_at_offset64;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_suspend_connection) *suspend_connection;
	__typeof__(MHD_resume_connection) *resume_connection;
};

extern struct mhd_dl mhd_dl;

/* Loads the library once (thread-safe).  0, or -1 with the reason recorded. */
int mhd_dl_load(void);

#ifndef MHD_DL_IMPL
#define MHD_start_daemon mhd_dl.start_daemon
#define MHD_stop_daemon mhd_dl.stop_daemon
#define MHD_quiesce_daemon mhd_dl.quiesce_daemon
#define MHD_get_daemon_info mhd_dl.get_daemon_info
#define MHD_get_connection_info mhd_dl.get_connection_info
#define MHD_get_connection_values mhd_dl.get_connection_values
#define MHD_lookup_connection_value mhd_dl.lookup_connection_value
#define MHD_queue_response mhd_dl.queue_response
#define MHD_create_response_from_buffer mhd_dl.create_response_from_buffer
#define MHD_create_response_from_buffer_with_free_callback                                        \
	mhd_dl.create_response_from_buffer_with_free_callback
#define MHD_create_response_from_fd64 mhd_dl.create_response_from_fd64
#define MHD_create_response_from_fd_at_offset64 mhd_dl.create_response_from_fd_at_offset64
#define MHD_add_response_header mhd_dl.add_response_header
#define MHD_destroy_response mhd_dl.destroy_response
#define MHD_suspend_connection                  mhd_dl.suspend_connection
#define MHD_resume_connection                   mhd_dl.resume_connection
#endif

#endif
