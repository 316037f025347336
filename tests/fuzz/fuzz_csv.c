/*
 * libFuzzer target for the CSV reader and writer.  The first byte picks
 * the record limit.  Asserts: the reader ends, every record it returns is
 * within the limit and the field count, fields are NUL-free; writing a
 * record and reading it back gives the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/csv.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader r, back;
	const char *f[CSV_MAX_FIELDS], *g[CSV_MAX_FIELDS];
	struct buf out = BUF_INIT;
	size_t n, m, i, limit, total, records = 0;
	int got;

	if (size == 0)
		return 0;
	limit = 16 + (size_t)data[0] * 64;
	csv_reader_init_mem(&r, (const char *)data + 1, size - 1, limit);
	while ((got = csv_next(&r, f, &n)) != 0) {
		if (++records > size + 1)
			abort(); /* no progress */
		if (got < 0)
			continue;
		if (n == 0 || n > CSV_MAX_FIELDS)
			abort();
		total = 0;
		for (i = 0; i < n; i++)
			total += strlen(f[i]);
		if (total > limit)
			abort();
		buf_reset(&out);
		csv_put_record(&out, f, n);
		csv_reader_init_mem(&back, out.p, out.n, out.n + 1);
		/* An empty single field writes a blank line, which the reader skips. */
		if (n == 1 && f[0][0] == '\0') {
			csv_reader_finish(&back);
			continue;
		}
		if (csv_next(&back, g, &m) != 1 || m != n)
			abort();
		for (i = 0; i < n; i++)
			if (strcmp(f[i], g[i]) != 0)
				abort();
		csv_reader_finish(&back);
	}
	csv_reader_finish(&r);
	buf_finish(&out);
	return 0;
}
