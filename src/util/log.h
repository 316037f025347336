/*
 * Error reporting.  A function that fails records why with log_fail() and
 * returns -1 (or NULL, or an error enum); whoever finally reports the error
 * to a person reads it back with log_reason().  The reason is per thread and
 * the last one recorded wins, so a caller that adds context calls
 * log_fail("%s: %s", file, log_reason()) -- the argument is copied first.
 *
 * Messages follow one form: lower case, no final full stop, name the thing
 * and, where it helps, what to do:
 *	section "ru/left" not found (see: tamizdat section list)
 */
#ifndef TZ_LOG_H
#define TZ_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#include "util/util.h"

/* Records the reason for the current failure; always returns -1. */
int log_fail(const char *fmt, ...) PRINTFLIKE(1, 2);
int log_vfail(const char *fmt, va_list ap);
/* The last reason recorded on this thread ("" if none).  Valid until the next log_fail(). */
const char *log_reason(void);
void log_clear(void);

/* Prints "tamizdat: MESSAGE" on stderr. */
void log_error(const char *fmt, ...) PRINTFLIKE(1, 2);
/* Prints "tamizdat: warning: MESSAGE" on stderr. */
void log_warn(const char *fmt, ...) PRINTFLIKE(1, 2);
/* Prints "tamizdat: MESSAGE" on stderr, unless quiet mode is on. */
void log_info(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_set_quiet(bool quiet);
/*
 * With TAMIZDAT_TRACE set, prints the wall time since the previous mark
 * ("tamizdat: trace: WHAT  1.23 ms") for finding where a command spends
 * its time; otherwise does nothing.  Marks from one thread at a time.
 */
void log_trace(const char *what);

#endif
