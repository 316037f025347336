/*
 * Deterministic ustar writing and strict reading.  See tar.h.
 */
#include "mirror/tar.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

/* A pax header of ours holds one path record; anything much larger is not ours. */
#define TAR_MAX_PAX 8192

static const char pax_name[] = "././@PaxHeader";

bool tar_path_safe(const char *path, size_t n)
{
	size_t i, seg = 0;

	if (n == 0 || n > TAR_MAX_PATH || path[0] == '/')
		return false;
	for (i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)path[i] : '/';
		if (c == '/') {
			size_t len = i - seg;
			if (len == 0 || (len == 1 && path[seg] == '.') ||
			    (len == 2 && path[seg] == '.' && path[seg + 1] == '.'))
				return false;
			seg = i + 1;
		} else if (c < 0x20 || c == 0x7f || c == '\\') {
			return false;
		}
	}
	return true;
}

/* ---- writing ------------------------------------------------------ */

void tar_writer_init(struct tar_writer *w, int64_t mtime,
                     int (*sink)(void *arg, const void *p, size_t n), void *arg)
{
	w->sink = sink;
	w->arg = arg;
	w->mtime = mtime < 0 ? 0 : mtime;
	w->off = 0;
}

static int put(struct tar_writer *w, const void *p, size_t n)
{
	if (w->sink(w->arg, p, n) != 0)
		return -1;
	w->off += n;
	return 0;
}

static void octal(char *field, size_t width, uint64_t v)
{
	/* width-1 digits and a NUL, as POSIX and GNU tar write them. */
	snprintf(field, width, "%0*llo", (int)width - 1, (unsigned long long)v);
}

static void checksum(unsigned char *h)
{
	unsigned sum = 0;
	size_t i;

	memset(h + 148, ' ', 8);
	for (i = 0; i < TAR_BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

static int header(struct tar_writer *w, const char *name, size_t nn, const char *prefix, size_t pn,
                  uint64_t size, char type)
{
	unsigned char h[TAR_BLOCK];

	memset(h, 0, sizeof(h));
	memcpy(h, name, nn);
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	octal((char *)h + 124, 12, size);
	octal((char *)h + 136, 12, (uint64_t)w->mtime);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	if (pn)
		memcpy(h + 345, prefix, pn);
	checksum(h);
	return put(w, h, sizeof(h));
}

int tar_write_pad(struct tar_writer *w, uint64_t size)
{
	static const unsigned char zero[TAR_BLOCK];
	size_t r = (size_t)(size % TAR_BLOCK);

	return r ? put(w, zero, TAR_BLOCK - r) : 0;
}

int tar_write_data(struct tar_writer *w, const void *p, size_t n)
{
	return put(w, p, n);
}

int tar_write_header(struct tar_writer *w, const char *path, uint64_t size, uint64_t *data_off)
{
	size_t n = strlen(path), i;
	char rec[TAR_MAX_PATH + 32];
	int len, digits;

	if (!tar_path_safe(path, n))
		return log_fail("cannot put \"%s\" in a bundle: unsafe or too long a path", path);
	if (size > 077777777777ULL)
		return log_fail("cannot put \"%s\" in a bundle: larger than 8 GB", path);
	if (n <= 100) {
		if (header(w, path, n, NULL, 0, size, '0') != 0)
			return -1;
		goto done;
	}
	/* ustar: prefix (at most 155) '/' name (at most 100). */
	for (i = n - 1; i > 0; i--)
		if (path[i] == '/' && i <= 155 && n - i - 1 <= 100 && n - i - 1 > 0) {
			if (header(w, path + i + 1, n - i - 1, path, i, size, '0') != 0)
				return -1;
			goto done;
		}
	/* pax: "LEN path=PATH\n", LEN counting itself. */
	len = (int)(strlen(" path=") + n + 1);
	digits = 1;
	while (snprintf(NULL, 0, "%d", len + digits) != digits)
		digits++;
	snprintf(rec, sizeof(rec), "%d path=%s\n", len + digits, path);
	if (header(w, pax_name, strlen(pax_name), NULL, 0, (uint64_t)(len + digits), 'x') != 0 ||
	    put(w, rec, (size_t)(len + digits)) != 0 || tar_write_pad(w, (uint64_t)(len + digits)))
		return -1;
	if (header(w, path, 100, NULL, 0, size, '0') != 0)
		return -1;
done:
	if (data_off)
		*data_off = w->off;
	return 0;
}

int tar_write_file(struct tar_writer *w, const char *path, const void *p, size_t n,
                   uint64_t *data_off)
{
	if (tar_write_header(w, path, n, data_off) != 0 || put(w, p, n) != 0 ||
	    tar_write_pad(w, n) != 0)
		return -1;
	return 0;
}

int tar_write_end(struct tar_writer *w)
{
	static const unsigned char zero[2 * TAR_BLOCK];

	return put(w, zero, sizeof(zero));
}

/* ---- reading ------------------------------------------------------ */

void tar_reader_init(struct tar_reader *r, long long (*read)(void *, uint64_t, void *, size_t),
                     void *arg, uint64_t size)
{
	memset(r, 0, sizeof(*r));
	r->read = read;
	r->arg = arg;
	r->size = size;
}

long long tar_read_mem(void *arg, uint64_t off, void *p, size_t n)
{
	const struct str *s = arg;

	if (off >= s->n)
		return 0;
	if (n > s->n - off)
		n = (size_t)(s->n - off);
	memcpy(p, s->p + off, n);
	return (long long)n;
}

long long tar_read_fd(void *arg, uint64_t off, void *p, size_t n)
{
	int fd = *(const int *)arg;
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(fd, (char *)p + got, n - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return log_fail("cannot read the bundle: %s", strerror(errno));
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (long long)got;
}

/* Parses an octal field: digits, then NULs or spaces.  0 or -1. */
static int parse_octal(const unsigned char *f, size_t width, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;

	while (i < width && f[i] == ' ')
		i++;
	if (i == width || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < width; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	*out = v;
	return 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static int read_exact(struct tar_reader *r, uint64_t off, void *p, size_t n, const char *what)
{
	long long k = r->read(r->arg, off, p, n);

	if (k < 0)
		return -1;
	if ((size_t)k != n)
		return log_fail("truncated bundle: it ends inside %s (at byte %llu)", what,
		                (unsigned long long)(off + (uint64_t)k));
	return 0;
}

/* Finds "path" in a pax header's records.  0 (found or not) or -1 (malformed). */
static int pax_path(const char *p, size_t n, char *path, bool *found)
{
	size_t i = 0;

	while (i < n) {
		size_t len = 0, j = i, klen;
		const char *kv, *eq;
		while (j < n && p[j] >= '0' && p[j] <= '9' && len < TAR_MAX_PAX)
			len = len * 10 + (size_t)(p[j++] - '0');
		if (j == i || j >= n || p[j] != ' ' || len < 5 || len > n - i ||
		    p[i + len - 1] != '\n')
			return log_fail("malformed pax header in bundle");
		kv = p + j + 1;
		eq = memchr(kv, '=', (size_t)(p + i + len - 1 - kv));
		if (eq == NULL)
			return log_fail("malformed pax record in bundle");
		klen = (size_t)(eq - kv);
		if (klen == 4 && memcmp(kv, "path", 4) == 0) {
			size_t vlen = (size_t)(p + i + len - 1 - (eq + 1));
			if (vlen > TAR_MAX_PATH || memchr(eq + 1, '\0', vlen))
				return log_fail("unsafe path in bundle (too long or holding NUL)");
			memcpy(path, eq + 1, vlen);
			path[vlen] = '\0';
			*found = true;
		} else if ((klen == 4 && memcmp(kv, "size", 4) == 0) ||
		           (klen == 8 && memcmp(kv, "linkpath", 8) == 0)) {
			return log_fail("unsupported pax record \"%.*s\" in bundle", (int)klen, kv);
		}
		i += len;
	}
	return 0;
}

/* One entry: 1 a file, 2 a folder (skipped), 0 the end, -1 an error. */
static int next_entry(struct tar_reader *r, struct tar_entry *e)
{
	unsigned char h[TAR_BLOCK];
	char pax[TAR_MAX_PAX];
	char paxpath[TAR_MAX_PATH + 1];
	bool have_pax = false;
	uint64_t size, sum, calc;
	size_t i;

	if (r->done)
		return 0;
	for (;;) {
		long long k = r->read(r->arg, r->off, h, TAR_BLOCK);
		if (k < 0)
			return -1;
		if (k == 0)
			return log_fail(
			        "truncated bundle: no end-of-archive marker after byte %llu",
			        (unsigned long long)r->off);
		if (k != TAR_BLOCK)
			return log_fail("truncated bundle: it ends inside a header (at byte %llu)",
			                (unsigned long long)(r->off + (uint64_t)k));
		if (all_zero(h, TAR_BLOCK)) {
			if (have_pax)
				return log_fail("malformed bundle: a pax header with no entry");
			r->done = true;
			return 0;
		}
		if (parse_octal(h + 148, 8, &sum) != 0)
			return log_fail("malformed bundle: bad header checksum field at byte %llu",
			                (unsigned long long)r->off);
		calc = 0;
		for (i = 0; i < TAR_BLOCK; i++)
			calc += (i >= 148 && i < 156) ? ' ' : h[i];
		if (calc != sum)
			return log_fail("corrupt bundle: header checksum mismatch at byte %llu",
			                (unsigned long long)r->off);
		if (memcmp(h + 257, "ustar", 5) != 0)
			return log_fail("not a ustar bundle (header at byte %llu)",
			                (unsigned long long)r->off);
		if (parse_octal(h + 124, 12, &size) != 0)
			return log_fail("malformed bundle: bad size field at byte %llu",
			                (unsigned long long)r->off);
		if (r->size &&
		    (r->off + TAR_BLOCK > r->size || size > r->size - r->off - TAR_BLOCK))
			return log_fail("truncated bundle: an entry at byte %llu ends past the end "
			                "of the file",
			                (unsigned long long)r->off);
		if (h[156] == 'x' || h[156] == 'g') {
			if (size > TAR_MAX_PAX)
				return log_fail("malformed bundle: pax header too large");
			if (read_exact(r, r->off + TAR_BLOCK, pax, (size_t)size, "a pax header") !=
			    0)
				return -1;
			if (h[156] == 'x' && pax_path(pax, (size_t)size, paxpath, &have_pax) != 0)
				return -1;
			r->off += TAR_BLOCK + (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
			continue;
		}
		break;
	}
	if (have_pax) {
		memcpy(e->path, paxpath, strlen(paxpath) + 1);
	} else {
		size_t pn = strnlen((const char *)h + 345, 155), nn = strnlen((const char *)h, 100);
		if (memcmp(h + 257, "ustar\0", 6) != 0)
			pn = 0; /* GNU's header puts other things there */
		if (pn) {
			memcpy(e->path, h + 345, pn);
			e->path[pn] = '/';
			memcpy(e->path + pn + 1, h, nn);
			e->path[pn + 1 + nn] = '\0';
		} else {
			memcpy(e->path, h, nn);
			e->path[nn] = '\0';
		}
	}
	e->size = size;
	e->data_off = r->off + TAR_BLOCK;
	if (h[156] == '5') {
		size_t n = strlen(e->path);
		while (n > 1 && e->path[n - 1] == '/')
			e->path[--n] = '\0';
		if (!tar_path_safe(e->path, n))
			return log_fail("unsafe path in bundle: \"%s\"", e->path);
		r->off += TAR_BLOCK + (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
		return 2;
	}
	if (h[156] != '0' && h[156] != '\0')
		return log_fail("bundle entry \"%s\" is not a regular file (type '%c'): links and "
		                "devices are not allowed",
		                e->path, h[156] >= 0x20 && h[156] < 0x7f ? h[156] : '?');
	if (!tar_path_safe(e->path, strlen(e->path)))
		return log_fail("unsafe path in bundle: \"%s\" (absolute, \"..\" or control "
		                "characters)",
		                e->path);
	r->off = e->data_off + (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	return 1;
}

int tar_next(struct tar_reader *r, struct tar_entry *e)
{
	int rc;

	while ((rc = next_entry(r, e)) == 2)
		;
	return rc;
}
