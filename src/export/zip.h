/*
 * A minimal ZIP writer for EPUB: entries stored or deflated (zlib), in
 * the order added, with one fixed DOS time so that the same content gives
 * the same bytes.  No ZIP64, no extra fields, no encryption: an EPUB of a
 * few thousand articles is far below 4 GB.  The whole archive is built in
 * memory, then written atomically.
 */
#ifndef TZ_ZIP_H
#define TZ_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct zip {
	struct buf out;
	struct buf central;
	size_t nentries;
	uint16_t dos_time, dos_date;
};

/* mtime: the time every entry carries (clamped to 1980..2107). */
void zip_init(struct zip *z, int64_t mtime);
void zip_finish(struct zip *z);
/* Adds a file; deflate compresses it (EPUB's mimetype must be stored).  0 or -1. */
int zip_add(struct zip *z, const char *name, const void *data, size_t n, bool deflate);
/* Ends the archive and writes it to path atomically.  0 or -1. */
int zip_write(struct zip *z, const char *path);

#endif
