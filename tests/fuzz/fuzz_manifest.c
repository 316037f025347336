/*
 * libFuzzer target for manifests.  The first byte chooses the mode: the
 * top file as given, or parts -- the rest split at NUL bytes -- wrapped in
 * a top file that names their true SHA-256 (which a fuzzer could not
 * forge), so that the part parser is reached.  On success it asserts the
 * contract: paths safe and strictly increasing, data never overlapping,
 * every file found by its path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/manifest.h"
#include "mirror/tar.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct manifest *m)
{
	size_t i;

	for (i = 0; i < m->nloaded; i++) {
		const struct manifest_file *f = &m->files[i];
		if (!tar_path_safe(f->path, strlen(f->path)) || manifest_reserved(f->path))
			abort();
		if (i && (strcmp(m->files[i - 1].path, f->path) >= 0 ||
		          f->off < m->files[i - 1].off + m->files[i - 1].size))
			abort();
		if (manifest_find(m, f->path) != f)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	struct buf top = BUF_INIT;
	const char *p, *end;
	size_t nparts = 0;
	uint64_t base = 0;

	if (size < 1)
		return 0;
	p = (const char *)data + 1;
	end = (const char *)data + size;
	if ((data[0] & 1) == 0) {
		if (manifest_parse(&m, p, (size_t)(end - p)) == 0 && m.nparts == 0 && m.nfiles)
			abort();
		manifest_finish(&m);
		return 0;
	}
	/* Parts: each declared with as many files as it has lines. */
	buf_puts(&top, "tamizdat-manifest 1\ntime 1\nsite s\n");
	{
		struct buf parts = BUF_INIT;
		size_t total = 0;
		const char *q = p;
		while (q < end && nparts < 64) {
			const char *z = memchr(q, '\0', (size_t)(end - q));
			size_t n = z ? (size_t)(z - q) : (size_t)(end - q), lines = 0, i;
			uint8_t sha[MANIFEST_HASH_LEN];
			char hex[2 * MANIFEST_HASH_LEN + 1];
			for (i = 0; i < n; i++)
				lines += q[i] == '\n';
			manifest_sha256(q, n, sha);
			manifest_hex(sha, hex);
			buf_printf(&parts, "part %s %zu %llu\n", hex, lines ? lines : 1,
			           (unsigned long long)base);
			base += 512;
			total += lines ? lines : 1;
			nparts++;
			q += n + 1;
		}
		buf_printf(&top, "files %zu 0\n", total);
		buf_put(&top, parts.p ? parts.p : "", parts.n);
		buf_puts(&top, "end\n");
		buf_finish(&parts);
	}
	if (manifest_parse(&m, top.p, top.n) == 0) {
		const char *q = p;
		size_t i;
		for (i = 0; i < nparts; i++) {
			const char *z = memchr(q, '\0', (size_t)(end - q));
			size_t n = z ? (size_t)(z - q) : (size_t)(end - q);
			if (manifest_add_part(&m, q, n) != 0)
				break;
			q += n + 1;
		}
		if (i == nparts && manifest_complete(&m) != 0)
			abort();
		check(&m);
	}
	manifest_finish(&m);
	buf_finish(&top);
	return 0;
}
