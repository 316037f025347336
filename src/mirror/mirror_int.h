/*
 * Internals shared by packing, verifying and pulling: the bundle index
 * (a bundle's tar read into a sorted list of entries plus its manifest).
 */
#ifndef TZ_MIRROR_INT_H
#define TZ_MIRROR_INT_H

#include "mirror/manifest.h"
#include "mirror/mirror.h"
#include "mirror/tar.h"

/* Largest manifest top file and part accepted: far above any real site's. */
#define MIRROR_MAX_MANIFEST (64u << 20)
#define MIRROR_MAX_PART     (4u << 20)
#define MIRROR_MAX_SIG      4096

struct bundle_entry {
	char *path;
	uint64_t size, data_off;
};

/* A bundle file opened and checked against its signed manifest. */
struct bundle {
	int fd;
	uint64_t size;
	struct bundle_entry *entries; /* site files, sorted by path */
	size_t nentries;
	struct buf manifest, sig;
	struct buf mirrors_sig; /* mirror/mirrors.json.minisig, if the bundle has it */
	struct manifest m;
	bool have_manifest;
};

/*
 * Opens path, indexes its tar, verifies the manifest's signature with pub
 * and loads the manifest, checking that the tar holds exactly the files it
 * lists at the places it says (not their hashes: see bundle_read_file()).
 * 0 or -1 (reason recorded).  Close with bundle_close() either way.
 */
int bundle_open(struct bundle *b, const char *path, const struct minisign_pub *pub);
void bundle_close(struct bundle *b);
/* Reads a listed file's bytes into out and checks its hash.  0 or -1. */
int bundle_read_file(struct bundle *b, const struct manifest_file *f, struct buf *out);
/* Checks a manifest's signature (its trusted comment must name it).  0 or -1. */
int mirror_check_signature(const struct minisign_pub *pub, const struct buf *manifest,
                           const struct buf *sig);
/* Reads up to max bytes of fd from off into out.  0 or -1. */
int mirror_pread_all(int fd, uint64_t off, uint64_t n, struct buf *out);

#endif
