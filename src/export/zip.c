/*
 * ZIP writing for EPUB.  See zip.h.
 */
#include "export/zip.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "util/fsutil.h"
#include "util/log.h"

/* ZIP's 32-bit sizes; an EPUB never comes near. */
#define ZIP_MAX (0xffffffffu - 1)

static void le16(struct buf *b, unsigned v)
{
	unsigned char p[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

	buf_put(b, p, 2);
}

static void le32(struct buf *b, uint32_t v)
{
	unsigned char p[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};

	buf_put(b, p, 4);
}

void zip_init(struct zip *z, int64_t mtime)
{
	time_t t = (time_t)mtime;
	struct tm tm;

	memset(z, 0, sizeof(*z));
	buf_init(&z->out);
	buf_init(&z->central);
	gmtime_r(&t, &tm);
	if (tm.tm_year < 80) {
		tm.tm_year = 80;
		tm.tm_mon = 0;
		tm.tm_mday = 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	}
	if (tm.tm_year > 207)
		tm.tm_year = 207;
	z->dos_time = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
	z->dos_date = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

void zip_finish(struct zip *z)
{
	buf_finish(&z->out);
	buf_finish(&z->central);
}

/* Raw deflate (no zlib header) of data into out.  0 or -1. */
static int deflate_raw(const void *data, size_t n, struct buf *out)
{
	z_stream s;
	int rc;

	memset(&s, 0, sizeof(s));
	if (deflateInit2(&s, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return log_fail("cannot start zlib");
	buf_grow(out, deflateBound(&s, (uLong)n));
	s.next_in = (Bytef *)data;
	s.avail_in = (uInt)n;
	s.next_out = (Bytef *)out->p + out->n;
	s.avail_out = (uInt)(out->cap - out->n);
	rc = deflate(&s, Z_FINISH);
	out->n += s.total_out;
	deflateEnd(&s);
	return rc == Z_STREAM_END ? 0 : log_fail("zlib deflate failed");
}

int zip_add(struct zip *z, const char *name, const void *data, size_t n, bool deflate)
{
	struct buf packed = BUF_INIT;
	const void *body = data;
	size_t bn = n, nl = strlen(name);
	uint32_t crc = (uint32_t)crc32(0L, data, (uInt)n), off = (uint32_t)z->out.n;
	unsigned method = 0;

	if (n > ZIP_MAX || z->out.n > ZIP_MAX / 2 || nl > 0xffff)
		return log_fail("%s: too large for an EPUB", name);
	if (deflate) {
		if (deflate_raw(data, n, &packed) != 0) {
			buf_finish(&packed);
			return -1;
		}
		if (packed.n < n) {
			body = packed.p;
			bn = packed.n;
			method = 8;
		}
	}
	/* Local header. */
	le32(&z->out, 0x04034b50);
	le16(&z->out, 20);
	le16(&z->out, 0x0800); /* names are UTF-8 */
	le16(&z->out, method);
	le16(&z->out, z->dos_time);
	le16(&z->out, z->dos_date);
	le32(&z->out, crc);
	le32(&z->out, (uint32_t)bn);
	le32(&z->out, (uint32_t)n);
	le16(&z->out, (unsigned)nl);
	le16(&z->out, 0);
	buf_put(&z->out, name, nl);
	buf_put(&z->out, body, bn);
	/* Its central directory entry. */
	le32(&z->central, 0x02014b50);
	le16(&z->central, 0x0314); /* made by Unix, spec 2.0 */
	le16(&z->central, 20);
	le16(&z->central, 0x0800);
	le16(&z->central, method);
	le16(&z->central, z->dos_time);
	le16(&z->central, z->dos_date);
	le32(&z->central, crc);
	le32(&z->central, (uint32_t)bn);
	le32(&z->central, (uint32_t)n);
	le16(&z->central, (unsigned)nl);
	le16(&z->central, 0);
	le16(&z->central, 0);
	le16(&z->central, 0);
	le16(&z->central, 0);
	le32(&z->central, 0100644u << 16); /* a regular file, rw-r--r-- */
	le32(&z->central, off);
	buf_put(&z->central, name, nl);
	z->nentries++;
	buf_finish(&packed);
	return 0;
}

int zip_write(struct zip *z, const char *path)
{
	uint32_t cd_off = (uint32_t)z->out.n;

	if (z->nentries > 0xffff)
		return log_fail("too many files for a ZIP archive");
	buf_put(&z->out, z->central.p, z->central.n);
	le32(&z->out, 0x06054b50);
	le16(&z->out, 0);
	le16(&z->out, 0);
	le16(&z->out, (unsigned)z->nentries);
	le16(&z->out, (unsigned)z->nentries);
	le32(&z->out, (uint32_t)z->central.n);
	le32(&z->out, cd_off);
	le16(&z->out, 0);
	if (fs_write_atomic(path, z->out.p, z->out.n, FS_SYNC) == FS_WRITE_ERROR)
		return -1;
	return 0;
}
