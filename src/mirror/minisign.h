/*
 * Ed25519 signatures in minisign's formats (libsodium), so that anyone can
 * check what a site signs -- its mirror manifests, mirrors.json, the
 * bundle itself -- with the stock `minisign -V` and the site's public key.
 *
 *	public key:  "untrusted comment: ...\n" base64("Ed" keyid[8] pk[32])
 *	signature:   "untrusted comment: ...\n" base64("ED" keyid[8] sig[64])
 *	             "trusted comment: TEXT\n" base64(global_sig[64])
 *	secret key:  "untrusted comment: ...\n" base64("Ed" kdf[2] "B2" salt[32]
 *	             ops[8] mem[8] keyid[8] sk[64] checksum[32])
 *
 * "ED" signs the BLAKE2b-512 hash of the message (minisign's default since
 * 0.8, so a multi-gigabyte bundle is hashed in one pass); "Ed" (legacy)
 * signs the message itself and is accepted when verifying.  The global
 * signature signs sig || trusted comment, so the trusted comment (which
 * carries the timestamp) cannot be swapped.  Secret keys are written
 * unencrypted (kdf "\0\0", minisign -W): a server signs unattended, and
 * the file is protected by its mode; encrypted keys are refused with a
 * message saying so.  This module parses untrusted text: every parser has
 * a fuzz target.
 */
#ifndef TZ_MINISIGN_H
#define TZ_MINISIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define MINISIGN_KEYID_LEN 8
#define MINISIGN_HASH_LEN  64 /* BLAKE2b-512, what "ED" signatures sign */
/* minisign itself allows 1 KB of trusted comment; more is not a signature of ours. */
#define MINISIGN_MAX_COMMENT 1024

struct minisign_pub {
	uint8_t keyid[MINISIGN_KEYID_LEN];
	uint8_t pk[32];
};

struct minisign_key {
	uint8_t keyid[MINISIGN_KEYID_LEN];
	uint8_t sk[64]; /* libsodium's: seed then public key */
};

struct minisign_sig {
	bool prehashed; /* "ED" rather than legacy "Ed" */
	uint8_t keyid[MINISIGN_KEYID_LEN];
	uint8_t sig[64];
	char trusted[MINISIGN_MAX_COMMENT + 1]; /* NUL-terminated */
	uint8_t global_sig[64];
};

/* A new random key pair. */
void minisign_keygen(struct minisign_key *key, struct minisign_pub *pub);
void minisign_pub_of(const struct minisign_key *key, struct minisign_pub *pub);
/* The key id as minisign prints it: 16 upper-case hex digits.  out: 17 bytes. */
void minisign_keyid_hex(const uint8_t keyid[MINISIGN_KEYID_LEN], char *out);

/*
 * Parses a public key: a minisign .pub file, or its base64 line alone (as
 * `minisign -P` takes it).  0 or -1 (reason recorded).
 */
int minisign_pub_parse(struct minisign_pub *pub, const char *text, size_t n);
/* Appends the .pub file text. */
void minisign_pub_format(const struct minisign_pub *pub, struct buf *out);
/* Appends the bare base64 of the key (what minisign -P takes). */
void minisign_pub_base64(const struct minisign_pub *pub, struct buf *out);
/* Parses an unencrypted minisign secret key file.  0 or -1. */
int minisign_key_parse(struct minisign_key *key, const char *text, size_t n);
/* Appends the secret key file text (unencrypted). */
void minisign_key_format(const struct minisign_key *key, struct buf *out);

/*
 * Appends a whole .minisig text signing hash (the BLAKE2b-512 of the
 * message, see minisign_hash*) with trusted_comment (no newline in it).
 */
void minisign_sign_hash(const struct minisign_key *key, const uint8_t hash[MINISIGN_HASH_LEN],
                        const char *trusted_comment, struct buf *out);
/* The same over a message in memory. */
void minisign_sign(const struct minisign_key *key, const void *msg, size_t n,
                   const char *trusted_comment, struct buf *out);

/* Parses a .minisig text.  0 or -1. */
int minisign_sig_parse(struct minisign_sig *sig, const char *text, size_t n);
/*
 * Checks sig against pub over msg: the key ids must match (else "signed
 * with key X, not with key Y"), then the signature, then the global
 * signature over the trusted comment.  0 or -1 (reason recorded).
 */
int minisign_verify(const struct minisign_pub *pub, const struct minisign_sig *sig, const void *msg,
                    size_t n);
/* The same with the message's BLAKE2b-512 hash (prehashed signatures only). */
int minisign_verify_hash(const struct minisign_pub *pub, const struct minisign_sig *sig,
                         const uint8_t hash[MINISIGN_HASH_LEN]);

/* BLAKE2b-512 of a message in memory. */
void minisign_hash(const void *msg, size_t n, uint8_t hash[MINISIGN_HASH_LEN]);

#endif
