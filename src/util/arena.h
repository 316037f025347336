/*
 * Region allocator for per-request and per-page work: many small
 * allocations, freed together with one arena_free() or arena_reset().
 * An arena has an upper bound on its size, chosen by its owner; going past
 * it is a fatal error (the bound exists to catch runaway input early, not
 * as a soft limit).  Not thread-safe: one arena per thread.
 */
#ifndef TZ_ARENA_H
#define TZ_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "util/util.h"

struct arena;

/* max: upper bound in bytes (0: no bound).  Free with arena_free(). */
struct arena *arena_new(size_t max);
/* Frees everything the arena handed out, and the arena.  Accepts NULL. */
void arena_free(struct arena *a);
/* Frees everything handed out but keeps the first block for reuse. */
void arena_reset(struct arena *a);
/* Bytes handed out since creation or the last reset. */
size_t arena_used(const struct arena *a);

/* Arena-owned memory, aligned for any type; never NULL. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_calloc(struct arena *a, size_t nmemb, size_t size);
/* Arena-owned copies, NUL-terminated. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) PRINTFLIKE(2, 3);
/*
 * Concatenates the strings given, up to a NULL, into an arena-owned string.
 * For hot paths: no format parsing.
 */
char *arena_strcat(struct arena *a, ...);
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
