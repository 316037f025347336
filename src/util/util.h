/*
 * Small shared helpers: the aborting allocator, length-carrying string
 * slices and a few macros.  Out of memory is decided here, once: every
 * x*alloc() prints one line and aborts, so callers never check for NULL.
 * This is not a place for anything that knows about sites or articles.
 */
#ifndef TZ_UTIL_H
#define TZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#if defined(__GNUC__)
#define PRINTFLIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTFLIKE(f, a)
#define NORETURN
#endif

/* A borrowed, length-carrying slice; not NUL-terminated in general. */
struct str {
	const char *p;
	size_t n;
};

#define STR_LIT(s) ((struct str){(s), sizeof(s) - 1})
#define STR_NULL ((struct str){NULL, 0})

static inline struct str str_from(const char *s)
{
	return (struct str){s, s ? strlen(s) : 0};
}

static inline bool str_eq(struct str a, struct str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static inline bool str_eq_cstr(struct str a, const char *b)
{
	return str_eq(a, str_from(b));
}

/* FNV-1a of a C string: for hash tables keyed by paths and the like. */
static inline uint64_t str_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Allocation that never returns NULL: on failure it prints and aborts. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Array (re)allocation with overflow checking: nmemb * size bytes. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
/* Caller frees. */
char *xstrdup(const char *s);
/* Caller frees; result is NUL-terminated. */
char *xstrndup(const char *s, size_t n);

NORETURN void fatal(const char *fmt, ...) PRINTFLIKE(1, 2);

#endif
