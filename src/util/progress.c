/*
 * Terminal progress line.  See progress.h.
 */
#include "util/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Redraw interval: often enough to look alive, rarely enough to cost nothing. */
#define PROGRESS_INTERVAL_MS 100

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void draw(struct progress *p)
{
	if (p->total) {
		int pct = (int)(p->done * 100 / p->total);
		int bar = pct / 5, i;
		fprintf(stderr, "\r%s [", p->label);
		for (i = 0; i < 20; i++)
			fputc(i < bar ? '#' : ' ', stderr);
		fprintf(stderr, "] %3d%% %zu/%zu", pct, p->done, p->total);
	} else {
		fprintf(stderr, "\r%s %zu", p->label, p->done);
	}
	fflush(stderr);
}

void progress_init(struct progress *p, const char *label, size_t total)
{
	const char *term = getenv("TERM");

	p->label = label;
	p->total = total;
	p->done = 0;
	p->last_ms = 0;
	p->enabled = isatty(STDERR_FILENO) && !(term && term[0] == 'd' && term[1] == 'u');
}

void progress_set_total(struct progress *p, size_t total)
{
	p->total = total;
}

void progress_step(struct progress *p, size_t n)
{
	long long t;

	p->done += n;
	if (!p->enabled)
		return;
	t = now_ms();
	if (t - p->last_ms < PROGRESS_INTERVAL_MS)
		return;
	p->last_ms = t;
	draw(p);
}

void progress_finish(struct progress *p)
{
	if (!p->enabled)
		return;
	if (p->total)
		p->done = p->total;
	draw(p);
	fputc('\n', stderr);
}
