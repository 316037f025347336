/*
 * Reading a bundle file: its tar indexed, its manifest's signature checked
 * before anything else is believed, and the tar compared entry by entry
 * with the manifest.  `mirror verify` and pulls from a bundle share it.
 */
#include "mirror/mirror_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

/* Files are hashed in chunks of this size. */
#define VERIFY_CHUNK (256u << 10)

int mirror_pread_all(int fd, uint64_t off, uint64_t n, struct buf *out)
{
	long long k;

	buf_grow(out, (size_t)n);
	k = tar_read_fd(&fd, off, out->p + out->n, (size_t)n);
	if (k < 0)
		return -1;
	if ((uint64_t)k != n)
		return log_fail("truncated bundle: it ends inside a file (at byte %llu)",
		                (unsigned long long)(off + (uint64_t)k));
	out->n += (size_t)n;
	out->p[out->n] = '\0';
	return 0;
}

int mirror_check_signature(const struct minisign_pub *pub, const struct buf *manifest,
                           const struct buf *sig)
{
	struct minisign_sig s;

	if (minisign_sig_parse(&s, sig->p ? sig->p : "", sig->n) != 0 ||
	    minisign_verify(pub, &s, manifest->p ? manifest->p : "", manifest->n) != 0)
		return log_fail("manifest signature refused: %s", log_reason());
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct bundle_entry *)a)->path,
	              ((const struct bundle_entry *)b)->path);
}

static const struct bundle_entry *find_entry(const struct bundle *b, const char *path)
{
	struct bundle_entry key = {(char *)path, 0, 0};

	return bsearch(&key, b->entries, b->nentries, sizeof(key), cmp_entry);
}

struct part_entry {
	char hex[2 * MANIFEST_HASH_LEN + 1];
	uint64_t off, size;
};

int bundle_open(struct bundle *b, const char *path, const struct minisign_pub *pub)
{
	struct tar_reader r;
	struct tar_entry *e = xmalloc(sizeof(*e));
	struct part_entry *parts = NULL;
	size_t nparts = 0, cap = 0, ecap = 0, i;
	struct stat st;
	struct buf part = BUF_INIT;
	int k, rc = -1;

	memset(b, 0, sizeof(*b));
	b->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (b->fd < 0 || fstat(b->fd, &st) != 0) {
		log_fail("cannot open bundle %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		log_fail("%s is not a bundle file", path);
		goto out;
	}
	b->size = (uint64_t)st.st_size;
	tar_reader_init(&r, tar_read_fd, &b->fd, b->size);
	while ((k = tar_next(&r, e)) == 1) {
		if (manifest_reserved(e->path)) {
			const char *name = e->path + 7;
			if (strcmp(name, "manifest") == 0 ||
			    strcmp(name, "manifest.minisig") == 0) {
				struct buf *dst = name[8] ? &b->sig : &b->manifest;
				if (e->size > (name[8] ? MIRROR_MAX_SIG : MIRROR_MAX_MANIFEST)) {
					log_fail("bundle's %s is too large", e->path);
					goto out;
				}
				buf_reset(dst);
				if (mirror_pread_all(b->fd, e->data_off, e->size, dst) != 0)
					goto out;
				if (!name[8])
					b->have_manifest = true;
			} else if (strcmp(name, MIRROR_PUB_FILE) == 0) {
				/* Informative only: the key that counts is the one given or pinned.
				 */
			} else if (strcmp(name, "mirrors.json.minisig") == 0) {
				if (e->size > MIRROR_MAX_SIG) {
					log_fail("bundle's %s is too large", e->path);
					goto out;
				}
				buf_reset(&b->mirrors_sig);
				if (mirror_pread_all(b->fd, e->data_off, e->size,
				                     &b->mirrors_sig) != 0)
					goto out;
			} else if (strncmp(name, "parts/", 6) == 0 &&
			           strlen(name + 6) == 2 * MANIFEST_HASH_LEN) {
				if (nparts == cap) {
					cap = cap ? 2 * cap : 256;
					parts = xreallocarray(parts, cap, sizeof(*parts));
				}
				memcpy(parts[nparts].hex, name + 6, sizeof(parts[0].hex));
				parts[nparts].off = e->data_off;
				parts[nparts].size = e->size;
				nparts++;
			} else {
				log_fail("bundle holds an unexpected %s", e->path);
				goto out;
			}
			continue;
		}
		if (b->nentries == ecap) {
			ecap = ecap ? 2 * ecap : 4096;
			b->entries = xreallocarray(b->entries, ecap, sizeof(*b->entries));
		}
		b->entries[b->nentries].path = xstrdup(e->path);
		b->entries[b->nentries].size = e->size;
		b->entries[b->nentries].data_off = e->data_off;
		b->nentries++;
	}
	if (k < 0)
		goto out;
	if (!b->have_manifest || b->sig.n == 0) {
		log_fail("bundle has no signed manifest (mirror/manifest and its .minisig): "
		         "truncated, or not a tamizdat bundle");
		goto out;
	}
	/* The signature first: nothing else in the bundle is believed before it. */
	if (mirror_check_signature(pub, &b->manifest, &b->sig) != 0)
		goto out;
	if (manifest_parse(&b->m, b->manifest.p, b->manifest.n) != 0)
		goto out;
	for (i = 0; i < b->m.nparts; i++) {
		char hex[2 * MANIFEST_HASH_LEN + 1];
		size_t j;
		manifest_hex(b->m.parts[i].sha, hex);
		for (j = 0; j < nparts && strcmp(parts[j].hex, hex) != 0; j++)
			;
		if (j == nparts) {
			log_fail("bundle lacks manifest part %s (truncated?)", hex);
			goto out;
		}
		if (parts[j].size > MIRROR_MAX_PART) {
			log_fail("bundle's manifest part %s is too large", hex);
			goto out;
		}
		buf_reset(&part);
		if (mirror_pread_all(b->fd, parts[j].off, parts[j].size, &part) != 0 ||
		    manifest_add_part(&b->m, part.p, part.n) != 0)
			goto out;
	}
	if (manifest_complete(&b->m) != 0)
		goto out;
	qsort(b->entries, b->nentries, sizeof(*b->entries), cmp_entry);
	for (i = 1; i < b->nentries; i++)
		if (strcmp(b->entries[i - 1].path, b->entries[i].path) == 0) {
			log_fail("bundle holds \"%s\" twice", b->entries[i].path);
			goto out;
		}
	for (i = 0; i < b->m.nloaded; i++) {
		const struct manifest_file *f = &b->m.files[i];
		const struct bundle_entry *be = find_entry(b, f->path);
		if (be == NULL) {
			log_fail("the manifest lists \"%s\", which the bundle does not contain",
			         f->path);
			goto out;
		}
		if (be->size != f->size || be->data_off != f->off) {
			log_fail("bundle entry \"%s\" is not where its manifest says (size or "
			         "offset differ)",
			         f->path);
			goto out;
		}
	}
	for (i = 0; i < b->nentries; i++)
		if (manifest_find(&b->m, b->entries[i].path) == NULL) {
			log_fail("bundle holds \"%s\", which the signed manifest does not list",
			         b->entries[i].path);
			goto out;
		}
	rc = 0;
out:
	free(e);
	free(parts);
	buf_finish(&part);
	return rc;
}

void bundle_close(struct bundle *b)
{
	size_t i;

	if (b->fd >= 0)
		close(b->fd);
	for (i = 0; i < b->nentries; i++)
		free(b->entries[i].path);
	free(b->entries);
	buf_finish(&b->manifest);
	buf_finish(&b->sig);
	buf_finish(&b->mirrors_sig);
	if (b->m.a)
		manifest_finish(&b->m);
	memset(b, 0, sizeof(*b));
	b->fd = -1;
}

int bundle_read_file(struct bundle *b, const struct manifest_file *f, struct buf *out)
{
	uint8_t sha[MANIFEST_HASH_LEN];
	size_t start = out->n;

	if (mirror_pread_all(b->fd, f->off, f->size, out) != 0)
		return -1;
	manifest_sha256(out->p + start, f->size, sha);
	if (sodium_memcmp(sha, f->sha, MANIFEST_HASH_LEN) != 0)
		return log_fail("\"%s\" is corrupt in the bundle (its SHA-256 is not the signed "
		                "one)",
		                f->path);
	return 0;
}

int mirror_verify(const char *path, const struct minisign_pub *pub, struct mirror_verify_stats *st)
{
	struct bundle b;
	char *chunk = xmalloc(VERIFY_CHUNK);
	size_t i;
	int rc = -1;

	if (bundle_open(&b, path, pub) != 0)
		goto out;
	for (i = 0; i < b.m.nloaded; i++) {
		const struct manifest_file *f = &b.m.files[i];
		crypto_hash_sha256_state h;
		uint8_t sha[MANIFEST_HASH_LEN];
		uint64_t done = 0;
		crypto_hash_sha256_init(&h);
		while (done < f->size) {
			size_t want = f->size - done < VERIFY_CHUNK ? (size_t)(f->size - done)
			                                            : VERIFY_CHUNK;
			long long k = tar_read_fd(&b.fd, f->off + done, chunk, want);
			if (k < 0)
				goto out;
			if ((size_t)k != want) {
				log_fail("truncated bundle: it ends inside \"%s\"", f->path);
				goto out;
			}
			crypto_hash_sha256_update(&h, (const uint8_t *)chunk, want);
			done += want;
		}
		crypto_hash_sha256_final(&h, sha);
		if (sodium_memcmp(sha, f->sha, MANIFEST_HASH_LEN) != 0) {
			log_fail("\"%s\" is corrupt in the bundle (its SHA-256 is not the signed "
			         "one)",
			         f->path);
			goto out;
		}
	}
	if (st) {
		st->files = b.m.nloaded;
		st->bytes = b.m.bytes;
		st->time = b.m.time;
		snprintf(st->site, sizeof(st->site), "%s", b.m.site);
	}
	rc = 0;
out:
	bundle_close(&b);
	free(chunk);
	return rc;
}
