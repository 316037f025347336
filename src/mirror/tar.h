/*
 * The bundle's container: POSIX ustar, written deterministically and read
 * strictly.  The writer emits regular files only, in the order given, with
 * mode 0644, uid/gid 0, empty owner names and one mtime for all, and a pax
 * "path" record for names that do not fit ustar's 100+155 bytes -- so the
 * same files give the same bytes, and GNU tar, bsdtar and Python's tarfile
 * all read it.  The reader takes the same subset (plus folder entries,
 * which it skips) and refuses everything else: links, devices, sparse and
 * GNU long-name entries, checksum errors, truncation, and any path that is
 * absolute, holds "." or ".." segments, backslashes or control characters.
 * It reads headers only, through a callback, so a multi-gigabyte bundle is
 * indexed without reading its data.  Bundles come from strangers: the
 * reader has a fuzz target.
 */
#ifndef TZ_TAR_H
#define TZ_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define TAR_BLOCK 512
/* A path in a bundle: far longer than any page's, short enough to check cheaply. */
#define TAR_MAX_PATH 1024

/*
 * Whether path is safe to create below a folder: relative, '/'-separated
 * segments that are neither empty, "." nor "..", no backslash, no control
 * character, at most TAR_MAX_PATH bytes.
 */
bool tar_path_safe(const char *path, size_t n);

/* ---- writing ------------------------------------------------------ */

/*
 * The writer appends to a caller's sink; off counts the bytes written so
 * far (data offsets for the manifest).
 */
struct tar_writer {
	int (*sink)(void *arg, const void *p, size_t n); /* 0 or -1 (reason recorded) */
	void *arg;
	int64_t mtime;
	uint64_t off;
};

void tar_writer_init(struct tar_writer *w, int64_t mtime,
                     int (*sink)(void *arg, const void *p, size_t n), void *arg);
/*
 * Writes the header(s) of a regular file of size bytes; the data follows
 * with tar_write_data() and tar_write_pad().  OUT: *data_off, the offset
 * of the first data byte.  0 or -1.
 */
int tar_write_header(struct tar_writer *w, const char *path, uint64_t size, uint64_t *data_off);
int tar_write_data(struct tar_writer *w, const void *p, size_t n);
/* Pads the data of a file of size bytes to the block size.  0 or -1. */
int tar_write_pad(struct tar_writer *w, uint64_t size);
/* A whole small file: header, data, padding.  0 or -1. */
int tar_write_file(struct tar_writer *w, const char *path, const void *p, size_t n,
                   uint64_t *data_off);
/* The two zero blocks that end an archive.  0 or -1. */
int tar_write_end(struct tar_writer *w);

/* ---- reading ------------------------------------------------------ */

struct tar_entry {
	char path[TAR_MAX_PATH + 1];
	uint64_t size;
	uint64_t data_off; /* offset of the first data byte in the archive */
};

/*
 * The reader pulls bytes at offsets through read(), which returns the
 * number of bytes read (fewer at the end of the archive) or -1 (reason
 * recorded).
 */
struct tar_reader {
	long long (*read)(void *arg, uint64_t off, void *p, size_t n);
	void *arg;
	uint64_t off;  /* next header */
	uint64_t size; /* archive size if known (0: unknown) */
	bool done;
};

void tar_reader_init(struct tar_reader *r, long long (*read)(void *, uint64_t, void *, size_t),
                     void *arg, uint64_t size);
/*
 * The next regular file.  Returns 1 with *e filled, 0 at the end of the
 * archive, -1 on a malformed, truncated or unsafe archive (reason
 * recorded, naming the entry).
 */
int tar_next(struct tar_reader *r, struct tar_entry *e);

/* A read() callback over a struct str (for tests and fuzzing). */
long long tar_read_mem(void *arg, uint64_t off, void *p, size_t n);
/* A read() callback over a file descriptor (pread); arg points at an int. */
long long tar_read_fd(void *arg, uint64_t off, void *p, size_t n);

#endif
