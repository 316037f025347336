/*
 * Region allocator: a chain of blocks, bump allocation inside the newest.
 * Large requests get a block of their own so that they waste nothing.
 */
#include "util/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 32 KiB: a page model with its strings usually fits in one or two. */
#define ARENA_BLOCK 32768

struct block {
	struct block *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct block *head;
	struct block *first; /* kept by arena_reset() */
	struct block *big;   /* oversized requests, one block each */
	size_t max;
	size_t total;
};

static struct block *block_new(size_t size)
{
	struct block *b = xmalloc(sizeof(*b) + size);

	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *arena_new(size_t max)
{
	struct arena *a = xcalloc(1, sizeof(*a));

	a->max = max;
	a->first = a->head = block_new(ARENA_BLOCK);
	return a;
}

static void free_chain(struct block *b, struct block *stop)
{
	while (b && b != stop) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
}

void arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	free_chain(a->head, NULL);
	free_chain(a->big, NULL);
	free(a);
}

void arena_reset(struct arena *a)
{
	free_chain(a->head, a->first);
	free_chain(a->big, NULL);
	a->big = NULL;
	a->head = a->first;
	a->head->used = 0;
	a->total = 0;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct block *b;
	size_t off;

	if (n > SIZE_MAX - align)
		fatal("arena: allocation of %zu bytes overflows", n);
	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	if (a->max && a->total + n > a->max)
		fatal("arena: limit of %zu bytes reached", a->max);
	b = a->head;
	off = b->used;
	if (off + n > b->size) {
		if (n > ARENA_BLOCK / 4) {
			/* A block of its own, linked behind the head. */
			struct block *big = block_new(n);
			big->used = n;
			big->next = a->big;
			a->big = big;
			a->total += n;
			return big->data;
		}
		b = block_new(ARENA_BLOCK);
		b->next = a->head;
		a->head = b;
		off = 0;
	}
	b->used = off + n;
	a->total += n;
	return b->data + off;
}

void *arena_calloc(struct arena *a, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		fatal("arena: allocation overflow (%zu x %zu)", nmemb, size);
	p = arena_alloc(a, nmemb * size);
	memset(p, 0, nmemb * size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list aq;
	int len;
	char *p;

	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (len < 0)
		fatal("arena_vprintf: bad format \"%s\"", fmt);
	p = arena_alloc(a, (size_t)len + 1);
	vsnprintf(p, (size_t)len + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

char *arena_strcat(struct arena *a, ...)
{
	va_list ap;
	const char *s;
	size_t n = 0;
	char *p, *q;

	va_start(ap, a);
	while ((s = va_arg(ap, const char *)) != NULL)
		n += strlen(s);
	va_end(ap);
	p = q = arena_alloc(a, n + 1);
	va_start(ap, a);
	while ((s = va_arg(ap, const char *)) != NULL) {
		size_t k = strlen(s);
		memcpy(q, s, k);
		q += k;
	}
	va_end(ap);
	*q = '\0';
	return p;
}
