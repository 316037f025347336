/*
 * Mirrors: signed bundles of the public site and keeping copies of it in
 * sync -- on another host, under another name, or passed hand to hand.
 *
 * The publisher signs with the site's Ed25519 key (DIR/minisign.key, mode
 * 0600, never under public/).  Builds publish nothing that depends on the
 * key: `mirror pack` writes, under public/mirror/ so that any static
 * server carries it and builds leave it alone:
 *
 *	site.tar          every file of public/ (but mirror/ itself), sorted,
 *	                  then the manifest's parts, the key, the signature of
 *	                  mirrors.json and the manifest (tar.h)
 *	site.tar.minisig  minisign signature of the whole tar
 *	manifest          the signed list of files and hashes (manifest.h)
 *	manifest.minisig  its minisign signature
 *	parts/SHA256      the manifest's parts
 *	minisign.pub      the public key
 *	mirrors.json.minisig  the signature of public/mirrors.json
 *
 * so `minisign -Vm site.tar -p minisign.pub` and `minisign -Vm manifest`
 * both work with the stock tool.  Full builds leave public/mirror/ alone.
 *
 * `mirror pull SOURCE DIR` makes or updates a mirror in DIR.  It checks
 * the signature before trusting a byte, refuses a manifest older than the
 * one it has (the signed time only moves forward), fetches only files
 * whose hash changed (from the tar by offset, over HTTP with Range, or by
 * path when the source has no tar), checks each against the manifest, and
 * builds the new copy beside the old one -- unchanged files are hard
 * links -- before switching: DIR is a symbolic link to DIR.mirror/TIME,
 * replaced with one rename(2), so a reader (nginx, a browser on file://)
 * sees the old site or the new one, never a mix.  Any failure leaves DIR
 * as it was and says why.  The previous version is kept for readers still
 * inside it; older ones are removed.  The first pull takes the publisher's
 * public key (--pubkey) and pins it in DIR.mirror/minisign.pub.
 */
#ifndef TZ_MIRROR_H
#define TZ_MIRROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mirror/minisign.h"
#include "util/buf.h"

struct config;

/* The key files in a site folder. */
#define MIRROR_KEY_FILE "minisign.key"
#define MIRROR_PUB_FILE "minisign.pub"

/*
 * Makes the site's key pair in site_dir (minisign.key 0600, minisign.pub).
 * An existing key is kept unless force: replacing it breaks every mirror's
 * pinned key.  0 or -1 (reason recorded).
 */
int mirror_keygen(const char *site_dir, bool force);
/* Whether site_dir has a secret key. */
bool mirror_key_exists(const char *site_dir);
/* Loads the secret key of site_dir.  0 or -1 ("no signing key ... keygen"). */
int mirror_key_load(const char *site_dir, struct minisign_key *key);
/* Loads a public key from a .pub file, or from its base64 text itself.  0 or -1. */
int mirror_pub_load(const char *file_or_base64, struct minisign_pub *pub);

/*
 * mirrors.json: the site's address, mirrors and onion address, and where a
 * copy keeps the signed bundle and key (pure: the configuration alone, so
 * that public/ stays a function of the store and the configuration).
 */
void mirror_list_json(const struct config *cfg, struct buf *out);

struct mirror_pack_opts {
	const char *public_dir;
	const char *site_url;
	const struct minisign_key *key;
	/*
	 * The signed time (0: now).  It is moved past the previous bundle's
	 * unless exact_time: mirrors refuse anything not newer.
	 */
	int64_t time;
	bool exact_time;
	const char *out; /* also write the bundle here (and OUT.minisig); NULL: no */
};

struct mirror_pack_stats {
	size_t files;
	uint64_t bytes;     /* of the files */
	uint64_t tar_bytes; /* of the bundle */
	size_t parts;
	int64_t time;
	double seconds;
};

/* Packs public_dir into public_dir/mirror/ (see above).  0 or -1. */
int mirror_pack(const struct mirror_pack_opts *o, struct mirror_pack_stats *st);

struct mirror_verify_stats {
	size_t files;
	uint64_t bytes;
	int64_t time;
	char site[512];
};

/*
 * Checks a bundle file completely: the manifest's signature with pub, then
 * that the tar holds exactly the listed files, each with its hash.  0 or
 * -1 with the first problem recorded.
 */
int mirror_verify(const char *bundle, const struct minisign_pub *pub,
                  struct mirror_verify_stats *st);

struct mirror_pull_opts {
	const char *source; /* a bundle (.tar file or URL), a folder, or an http(s) URL */
	const char *dir;    /* the mirror */
	const struct minisign_pub *pub; /* NULL: the key pinned by the first pull */
	const char *proxy;              /* for HTTP (e.g. socks5h://127.0.0.1:9050); NULL: none */
};

struct mirror_pull_stats {
	bool up_to_date; /* nothing to do: DIR already has this bundle */
	int64_t time, old_time;
	size_t files;   /* in the new version */
	size_t fetched; /* files fetched (new or changed) */
	size_t kept;    /* unchanged files carried over (hard links) */
	size_t removed; /* files of the old version not in the new */
	size_t parts_fetched;
	uint64_t bytes_files; /* bytes of fetched files */
	uint64_t bytes_meta;  /* bytes of manifest, signature and parts fetched */
	size_t requests;      /* HTTP requests made (0 for local sources) */
	double seconds;
};

/* Makes or updates the mirror in dir from source (see above).  0 or -1. */
int mirror_pull(const struct mirror_pull_opts *o, struct mirror_pull_stats *st);

#endif
