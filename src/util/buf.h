/*
 * A growable byte buffer, always kept NUL-terminated so that its contents
 * can be handed to C string functions.  Embedded by value:
 *
 *	struct buf b;
 *	buf_init(&b);
 *	buf_puts(&b, "hello");
 *	char *s = buf_detach(&b);	// caller frees s; b is empty again
 *	buf_finish(&b);
 */
#ifndef TZ_BUF_H
#define TZ_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/util.h"

struct buf {
	char *p;    /* contents; NULL until the first write */
	size_t n;   /* bytes in use, not counting the terminating NUL */
	size_t cap; /* bytes allocated */
};

#define BUF_INIT {NULL, 0, 0}

void buf_init(struct buf *b);
/* Releases the memory; the buffer may be used again after buf_init(). */
void buf_finish(struct buf *b);
/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);
/* Makes room for at least n more bytes. */
void buf_grow(struct buf *b, size_t n);
void buf_put(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, int c);
void buf_putstr(struct buf *b, struct str s);
void buf_printf(struct buf *b, const char *fmt, ...) PRINTFLIKE(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Appends s with &, <, >, " and ' replaced by character references. */
void buf_put_html(struct buf *b, const char *s, size_t n);
/* Shortens the contents to n bytes (n <= b->n). */
void buf_truncate(struct buf *b, size_t n);
/*
 * Returns the contents as a NUL-terminated heap string (never NULL) and
 * leaves the buffer empty.  Caller frees.
 */
char *buf_detach(struct buf *b);
/* Returns the contents (never NULL, NUL-terminated); the buffer keeps them. */
const char *buf_cstr(struct buf *b);

#endif
