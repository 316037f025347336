/*
 * Thread-local failure reasons and the one-line messages on stderr.
 */
#include "util/log.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Reasons are one line for a person; longer ones are cut. */
#define LOG_REASON_MAX 1024

static _Thread_local char reason[LOG_REASON_MAX];
static bool quiet;

int log_vfail(const char *fmt, va_list ap)
{
	char tmp[LOG_REASON_MAX];

	/* Format into a copy: the arguments may point into 'reason'. */
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	memcpy(reason, tmp, sizeof(reason));
	return -1;
}

int log_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vfail(fmt, ap);
	va_end(ap);
	return -1;
}

const char *log_reason(void)
{
	return reason;
}

void log_clear(void)
{
	reason[0] = '\0';
}

static void vprint(const char *prefix, const char *fmt, va_list ap)
{
	char line[LOG_REASON_MAX + 64];
	int n;

	n = snprintf(line, sizeof(line), "tamizdat: %s", prefix);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	fprintf(stderr, "%s\n", line);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
}

void log_set_quiet(bool q)
{
	quiet = q;
}

void log_trace(const char *what)
{
	/* Atomic: the server's threads may ask first at once; tracing itself is for one. */
	static atomic_int on = -1;
	static struct timespec last;
	struct timespec now;
	int v = atomic_load_explicit(&on, memory_order_relaxed);

	if (v < 0) {
		v = getenv("TAMIZDAT_TRACE") != NULL;
		atomic_store_explicit(&on, v, memory_order_relaxed);
	}
	if (!v)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last.tv_sec)
		fprintf(stderr, "tamizdat: trace: %-12s %7.2f ms\n", what,
		        (double)(now.tv_sec - last.tv_sec) * 1e3 +
		                (double)(now.tv_nsec - last.tv_nsec) / 1e6);
	last = now;
}
