/*
 * The signed description of a bundle: every file of the site with its
 * SHA-256, size and place in the bundle's tar, and the time it was made.
 * It comes in two levels so that a mirror checking for changes downloads
 * little: the top file (mirror/manifest, the one that is signed) lists
 * "parts", each named by its own SHA-256 (mirror/parts/HEX); a part lists
 * a run of files in path order.  Parts are cut where the hash of a path
 * says so, not every N files, so adding or removing a page changes only
 * the part around it: after one article is edited a mirror fetches the
 * top file, a handful of parts and the changed pages.
 *
 *	tamizdat-manifest 1
 *	time 1718000000
 *	site https://example.org/
 *	files 52311 734003311
 *	part 9f86d0...  212 0
 *	part 4e0740...  257 4409856
 *	end
 *
 * and each part, one line a file, paths in byte order:
 *
 *	SHA256HEX SIZE OFFSET PATH
 *
 * where OFFSET counts from the part's first tar header (the BASE on its
 * "part" line), so that a file growing does not change the parts after
 * it.  Everything here is parsed from strangers' bytes, strictly, with a
 * fuzz target: bad hex, unsorted or repeated paths, unsafe paths,
 * overlapping data, counts that do not add up are all refused.
 */
#ifndef TZ_MANIFEST_H
#define TZ_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct arena;

#define MANIFEST_HASH_LEN 32 /* SHA-256 */
/* Average and largest number of files in a part: a part is a few kilobytes. */
#define MANIFEST_PART_AVG 256
#define MANIFEST_PART_MAX 2048
/* Sanity bounds on what a manifest may declare (a site of millions of files fits). */
#define MANIFEST_MAX_FILES (16u << 20)
#define MANIFEST_MAX_PARTS (1u << 20)

struct manifest_file {
	const char *path; /* arena-owned */
	uint64_t size;
	uint64_t off; /* data offset in the bundle's tar */
	uint8_t sha[MANIFEST_HASH_LEN];
};

struct manifest_part {
	uint8_t sha[MANIFEST_HASH_LEN];
	size_t nfiles;
	uint64_t base;
};

struct manifest {
	struct arena *a;
	int64_t time;
	const char *site;
	size_t nfiles;  /* as declared by the top file */
	uint64_t bytes; /* as declared */
	struct manifest_part *parts;
	size_t nparts;
	/* Filled by manifest_add_part(), in order. */
	struct manifest_file *files;
	size_t nloaded, cap;
	size_t parts_loaded;
};

/* Lower-case hex of a hash.  out: 2 * MANIFEST_HASH_LEN + 1 bytes. */
void manifest_hex(const uint8_t sha[MANIFEST_HASH_LEN], char *out);
void manifest_sha256(const void *p, size_t n, uint8_t sha[MANIFEST_HASH_LEN]);

/*
 * Parses the top file into m (zeroed first; free with manifest_finish()).
 * 0 or -1 (reason recorded).
 */
int manifest_parse(struct manifest *m, const char *text, size_t n);
void manifest_finish(struct manifest *m);
/*
 * Adds the next part's text (part number m->parts_loaded): its SHA-256 must
 * be the one the top file names, its files must follow the previous ones
 * in path order.  0 or -1.
 */
int manifest_add_part(struct manifest *m, const char *text, size_t n);
/* Whether every part was added; -1 with a reason if not. */
int manifest_complete(const struct manifest *m);
/* The file at path, or NULL (binary search; all parts added). */
const struct manifest_file *manifest_find(const struct manifest *m, const char *path);
/* Whether path is the manifest's own (mirror/...), never a site file. */
bool manifest_reserved(const char *path);

/* ---- making one (mirror pack) -------------------------------------- */

struct manifest_builder {
	struct buf top_parts; /* the "part" lines so far */
	struct buf part;      /* the part being filled */
	size_t part_n;
	uint64_t part_base;
	size_t nfiles;
	uint64_t bytes;
	struct buf last; /* previous path, for the order check */
	/* Called with each finished part; 0 or -1.  text is valid during the call. */
	int (*emit)(void *arg, const uint8_t sha[MANIFEST_HASH_LEN], const char *text, size_t n);
	void *arg;
};

void manifest_builder_init(struct manifest_builder *b,
                           int (*emit)(void *, const uint8_t *, const char *, size_t), void *arg);
void manifest_builder_finish(struct manifest_builder *b);
/*
 * Adds a file (paths in strictly increasing byte order; path borrowed
 * until the next call): header_off is its first tar header, data_off its
 * data.  0 or -1.
 */
int manifest_builder_add(struct manifest_builder *b, const char *path, uint64_t size,
                         uint64_t header_off, uint64_t data_off,
                         const uint8_t sha[MANIFEST_HASH_LEN]);
/* Ends the last part and appends the top file's text to out.  0 or -1. */
int manifest_builder_end(struct manifest_builder *b, int64_t time, const char *site,
                         struct buf *out);

#endif
