/*
 * Progress for long operations (build, import, send): a single line on a
 * terminal, redrawn at most ten times a second; nothing at all when stderr
 * is not a terminal, so logs and CI output stay quiet.
 */
#ifndef TZ_PROGRESS_H
#define TZ_PROGRESS_H

#include <stddef.h>

struct progress {
	const char *label;
	size_t total; /* 0: unknown */
	size_t done;
	long long last_ms;
	int enabled;
};

/* label is borrowed and must outlive the progress. */
void progress_init(struct progress *p, const char *label, size_t total);
void progress_set_total(struct progress *p, size_t total);
/* Adds n to the count and redraws if it is time. */
void progress_step(struct progress *p, size_t n);
/* Draws the final state and ends the line. */
void progress_finish(struct progress *p);

#endif
