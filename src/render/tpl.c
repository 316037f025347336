/*
 * Template sets: compiled templates by name, in an open-addressing hash
 * table.  Compiling is tpl_compile.c's job and rendering tpl_render.c's;
 * this file only keeps the templates.  A set is changed by one thread at a
 * time and, once filled, read by any number (see tpl.h).
 */
#include "render/tpl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/tpl_int.h"
#include "util/util.h"

uint32_t tpl_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

struct tpl_set *tpl_set_new(void)
{
	struct tpl_set *set = xcalloc(1, sizeof(*set));

	set->cap = 16;
	set->slots = xcalloc(set->cap, sizeof(*set->slots));
	set->max_steps = TPL_MAX_STEPS;
	return set;
}

void tpl_set_free(struct tpl_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->cap; i++)
		tpl_free(set->slots[i]);
	free(set->slots);
	free(set);
}

void tpl_set_limit(struct tpl_set *set, size_t max_steps)
{
	set->max_steps = max_steps;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t slot_of(const struct tpl_set *set, const char *name, size_t n, uint32_t hash)
{
	size_t mask = set->cap - 1, i = hash & mask;
	const struct tpl *t;

	while ((t = set->slots[i]) != NULL) {
		if (t->hash == hash && t->name_len == n && memcmp(t->name, name, n) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

const struct tpl *tpl_set_find(const struct tpl_set *set, const char *name, size_t n, uint32_t hash)
{
	return set->slots[slot_of(set, name, n, hash)];
}

bool tpl_set_has(const struct tpl_set *set, const char *name)
{
	size_t n = strlen(name);

	return tpl_set_find(set, name, n, tpl_hash(name, n)) != NULL;
}

static void rehash(struct tpl_set *set)
{
	struct tpl **old = set->slots;
	size_t i, oldcap = set->cap;

	set->cap *= 2;
	set->slots = xcalloc(set->cap, sizeof(*set->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i])
			set->slots[slot_of(set, old[i]->name, old[i]->name_len, old[i]->hash)] =
			        old[i];
	free(old);
}

int tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t n,
                struct tpl_error *err)
{
	struct tpl *t = tpl_compile(name, src, n, err);
	size_t i;

	if (t == NULL)
		return -1;
	if ((set->n + 1) * 4 > set->cap * 3)
		rehash(set);
	i = slot_of(set, t->name, t->name_len, t->hash);
	if (set->slots[i])
		tpl_free(set->slots[i]);
	else
		set->n++;
	set->slots[i] = t;
	return 0;
}
