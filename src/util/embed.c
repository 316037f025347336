/*
 * Lookup in generated tables of embedded files.
 */
#include "util/embed.h"

#include <string.h>

const struct embed_file *embed_find(const struct embed_file *table, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(table[mid].name, name);
		if (c == 0)
			return &table[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
