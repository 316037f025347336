/*
 * Reading and writing bundle manifests.  See manifest.h.
 */
#include "mirror/manifest.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/tar.h"
#include "util/arena.h"
#include "util/log.h"

static const char magic[] = "tamizdat-manifest 1";

void manifest_hex(const uint8_t sha[MANIFEST_HASH_LEN], char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < MANIFEST_HASH_LEN; i++) {
		out[2 * i] = digits[sha[i] >> 4];
		out[2 * i + 1] = digits[sha[i] & 15];
	}
	out[2 * MANIFEST_HASH_LEN] = '\0';
}

void manifest_sha256(const void *p, size_t n, uint8_t sha[MANIFEST_HASH_LEN])
{
	crypto_hash_sha256(sha, p, n);
}

bool manifest_reserved(const char *path)
{
	return strcmp(path, "mirror") == 0 || strncmp(path, "mirror/", 7) == 0;
}

/* ---- parsing ------------------------------------------------------- */

/* A cursor over lines. */
struct lines {
	const char *p, *end;
	size_t lineno;
};

/* The next line (without '\n'); false at the end or on a line without '\n'. */
static bool next_line(struct lines *l, struct str *out, bool *unterminated)
{
	const char *nl;

	*unterminated = false;
	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	if (nl == NULL) {
		*unterminated = true;
		return false;
	}
	out->p = l->p;
	out->n = (size_t)(nl - l->p);
	l->p = nl + 1;
	l->lineno++;
	return true;
}

/* Takes a space-separated field off the front of s. */
static struct str field(struct str *s)
{
	struct str f = {s->p, 0};

	while (f.n < s->n && s->p[f.n] != ' ')
		f.n++;
	s->p += f.n;
	s->n -= f.n;
	if (s->n && s->p[0] == ' ') {
		s->p++;
		s->n--;
	}
	return f;
}

static int parse_u64(struct str f, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (f.n == 0 || f.n > 20 || (f.n > 1 && f.p[0] == '0'))
		return -1;
	for (i = 0; i < f.n; i++) {
		unsigned d;
		if (f.p[i] < '0' || f.p[i] > '9')
			return -1;
		d = (unsigned)(f.p[i] - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int parse_hex(struct str f, uint8_t sha[MANIFEST_HASH_LEN])
{
	size_t i;

	if (f.n != 2 * MANIFEST_HASH_LEN)
		return -1;
	for (i = 0; i < f.n; i++) {
		char c = f.p[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			sha[i / 2] = (uint8_t)(v << 4);
		else
			sha[i / 2] |= (uint8_t)v;
	}
	return 0;
}

static bool printable(struct str s)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f)
			return false;
	return true;
}

int manifest_parse(struct manifest *m, const char *text, size_t n)
{
	struct lines l = {text, text + n, 0};
	struct str line, f;
	uint64_t v, total = 0;
	size_t cap = 0;
	bool unterminated, ended = false;

	memset(m, 0, sizeof(*m));
	m->a = arena_new(0);
	if (!next_line(&l, &line, &unterminated) || !str_eq_cstr(line, magic))
		return log_fail("not a tamizdat manifest (first line is not \"%s\")", magic);
	if (!next_line(&l, &line, &unterminated) || (f = field(&line), !str_eq_cstr(f, "time")) ||
	    parse_u64(line, INT64_MAX, &v) != 0)
		return log_fail("manifest line 2: expected \"time SECONDS\"");
	m->time = (int64_t)v;
	if (!next_line(&l, &line, &unterminated) || (f = field(&line), !str_eq_cstr(f, "site")) ||
	    !printable(line) || line.n > 2048)
		return log_fail("manifest line 3: expected \"site URL\"");
	m->site = arena_strndup(m->a, line.p, line.n);
	if (!next_line(&l, &line, &unterminated) || (f = field(&line), !str_eq_cstr(f, "files")) ||
	    parse_u64(field(&line), MANIFEST_MAX_FILES, &v) != 0 ||
	    parse_u64(line, UINT64_MAX, &m->bytes) != 0)
		return log_fail("manifest line 4: expected \"files COUNT BYTES\"");
	m->nfiles = (size_t)v;
	while (next_line(&l, &line, &unterminated)) {
		struct manifest_part *p;
		uint64_t base;
		if (str_eq_cstr(line, "end")) {
			ended = true;
			break;
		}
		f = field(&line);
		if (!str_eq_cstr(f, "part"))
			return log_fail("manifest line %zu: expected \"part\" or \"end\"",
			                l.lineno);
		if (m->nparts == MANIFEST_MAX_PARTS)
			return log_fail("manifest: too many parts");
		if (m->nparts == cap) {
			struct manifest_part *np;
			cap = cap ? 2 * cap : 64;
			np = arena_alloc(m->a, cap * sizeof(*np));
			if (m->nparts)
				memcpy(np, m->parts, m->nparts * sizeof(*np));
			m->parts = np;
		}
		p = &m->parts[m->nparts];
		if (parse_hex(field(&line), p->sha) != 0 ||
		    parse_u64(field(&line), MANIFEST_PART_MAX, &v) != 0 || v == 0 ||
		    parse_u64(line, UINT64_MAX, &base) != 0)
			return log_fail("manifest line %zu: expected \"part SHA256 COUNT OFFSET\"",
			                l.lineno);
		if (m->nparts && base <= m->parts[m->nparts - 1].base)
			return log_fail("manifest line %zu: part offsets out of order", l.lineno);
		p->nfiles = (size_t)v;
		p->base = base;
		total += v;
		m->nparts++;
	}
	if (!ended)
		return log_fail("manifest is truncated (no \"end\" line)");
	if (l.p != l.end)
		return log_fail("manifest has bytes after its \"end\" line");
	if (total != m->nfiles)
		return log_fail("manifest declares %zu files but its parts hold %llu", m->nfiles,
		                (unsigned long long)total);
	return 0;
}

void manifest_finish(struct manifest *m)
{
	arena_free(m->a);
	free(m->files);
	memset(m, 0, sizeof(*m));
}

int manifest_add_part(struct manifest *m, const char *text, size_t n)
{
	const struct manifest_part *p;
	struct lines l = {text, text + n, 0};
	struct str line;
	uint8_t sha[MANIFEST_HASH_LEN];
	char hex[2 * MANIFEST_HASH_LEN + 1];
	bool unterminated;
	size_t k = 0;

	if (m->parts_loaded >= m->nparts)
		return log_fail("manifest: more parts than it lists");
	p = &m->parts[m->parts_loaded];
	manifest_hex(p->sha, hex);
	manifest_sha256(text, n, sha);
	if (sodium_memcmp(sha, p->sha, MANIFEST_HASH_LEN) != 0)
		return log_fail("manifest part %s is corrupt (its SHA-256 does not match)", hex);
	while (next_line(&l, &line, &unterminated)) {
		struct manifest_file *f;
		struct str path;
		uint64_t rel;
		if (k == p->nfiles)
			return log_fail("manifest part %s holds more files than listed", hex);
		if (m->nloaded == m->cap) {
			m->cap = m->cap ? 2 * m->cap : 1024;
			m->files = xreallocarray(m->files, m->cap, sizeof(*m->files));
		}
		f = &m->files[m->nloaded];
		if (parse_hex(field(&line), f->sha) != 0 ||
		    parse_u64(field(&line), UINT64_MAX / 2, &f->size) != 0 ||
		    parse_u64(field(&line), UINT64_MAX / 2, &rel) != 0)
			return log_fail("manifest part %s line %zu: expected \"SHA256 SIZE OFFSET "
			                "PATH\"",
			                hex, l.lineno);
		path = line;
		if (!tar_path_safe(path.p, path.n) || memchr(path.p, '\0', path.n))
			return log_fail(
			        "manifest part %s line %zu: unsafe path \"%.*s\" (absolute, "
			        "\"..\" or control characters)",
			        hex, l.lineno, (int)MIN(path.n, 200), path.p);
		f->path = arena_strndup(m->a, path.p, path.n);
		if (manifest_reserved(f->path))
			return log_fail("manifest lists \"%s\", which is the manifest's own folder",
			                f->path);
		if (rel > UINT64_MAX / 2 - p->base)
			return log_fail("manifest part %s line %zu: offset too large", hex,
			                l.lineno);
		f->off = p->base + rel;
		if (m->nloaded) {
			const struct manifest_file *prev = &m->files[m->nloaded - 1];
			if (strcmp(prev->path, f->path) >= 0)
				return log_fail("manifest lists \"%s\" out of order or twice",
				                f->path);
			if (f->off < prev->off + prev->size + TAR_BLOCK)
				return log_fail(
				        "manifest: data of \"%s\" overlaps the file before it",
				        f->path);
		} else if (f->off < TAR_BLOCK) {
			return log_fail("manifest: bad offset for \"%s\"", f->path);
		}
		m->nloaded++;
		k++;
	}
	if (unterminated)
		return log_fail("manifest part %s: last line unterminated", hex);
	if (k != p->nfiles)
		return log_fail("manifest part %s holds %zu files, not %zu", hex, k, p->nfiles);
	m->parts_loaded++;
	return 0;
}

int manifest_complete(const struct manifest *m)
{
	if (m->parts_loaded != m->nparts || m->nloaded != m->nfiles)
		return log_fail("manifest incomplete: %zu of %zu parts", m->parts_loaded,
		                m->nparts);
	return 0;
}

const struct manifest_file *manifest_find(const struct manifest *m, const char *path)
{
	size_t lo = 0, hi = m->nloaded;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->files[mid].path, path);
		if (c == 0)
			return &m->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- building ------------------------------------------------------ */

void manifest_builder_init(struct manifest_builder *b,
                           int (*emit)(void *, const uint8_t *, const char *, size_t), void *arg)
{
	memset(b, 0, sizeof(*b));
	buf_init(&b->top_parts);
	buf_init(&b->part);
	buf_init(&b->last);
	b->emit = emit;
	b->arg = arg;
}

void manifest_builder_finish(struct manifest_builder *b)
{
	buf_finish(&b->top_parts);
	buf_finish(&b->part);
	buf_finish(&b->last);
}

static int end_part(struct manifest_builder *b)
{
	uint8_t sha[MANIFEST_HASH_LEN];
	char hex[2 * MANIFEST_HASH_LEN + 1];

	if (b->part_n == 0)
		return 0;
	manifest_sha256(b->part.p, b->part.n, sha);
	manifest_hex(sha, hex);
	buf_printf(&b->top_parts, "part %s %zu %llu\n", hex, b->part_n,
	           (unsigned long long)b->part_base);
	if (b->emit && b->emit(b->arg, sha, b->part.p, b->part.n) != 0)
		return -1;
	buf_reset(&b->part);
	b->part_n = 0;
	return 0;
}

/* Where parts end: decided by the path alone, so that parts stay put. */
static bool cut_after(const char *path)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *path; path++) {
		h ^= (unsigned char)*path;
		h *= 1099511628211ULL;
	}
	h ^= h >> 29;
	return h % MANIFEST_PART_AVG == 0;
}

int manifest_builder_add(struct manifest_builder *b, const char *path, uint64_t size,
                         uint64_t header_off, uint64_t data_off,
                         const uint8_t sha[MANIFEST_HASH_LEN])
{
	char hex[2 * MANIFEST_HASH_LEN + 1];

	if (b->nfiles && strcmp(buf_cstr(&b->last), path) >= 0)
		return log_fail("manifest: \"%s\" added out of order", path);
	if (manifest_reserved(path))
		return log_fail("manifest: \"%s\" is reserved for the manifest itself", path);
	if (b->part_n == 0)
		b->part_base = header_off;
	manifest_hex(sha, hex);
	buf_printf(&b->part, "%s %llu %llu %s\n", hex, (unsigned long long)size,
	           (unsigned long long)(data_off - b->part_base), path);
	b->part_n++;
	b->nfiles++;
	b->bytes += size;
	buf_reset(&b->last);
	buf_puts(&b->last, path);
	if (b->part_n == MANIFEST_PART_MAX || cut_after(path))
		return end_part(b);
	return 0;
}

int manifest_builder_end(struct manifest_builder *b, int64_t time, const char *site,
                         struct buf *out)
{
	if (end_part(b) != 0)
		return -1;
	buf_printf(out, "%s\ntime %lld\nsite %s\nfiles %zu %llu\n", magic, (long long)time, site,
	           b->nfiles, (unsigned long long)b->bytes);
	buf_put(out, b->top_parts.p ? b->top_parts.p : "", b->top_parts.n);
	buf_puts(out, "end\n");
	return 0;
}
