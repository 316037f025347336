/*
 * minisign's key and signature formats over libsodium.  See minisign.h.
 */
#include "mirror/minisign.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"

/* Sizes of the decoded base64 payloads. */
#define PUB_BYTES (2 + MINISIGN_KEYID_LEN + 32)
#define SIG_BYTES (2 + MINISIGN_KEYID_LEN + 64)
#define KEY_BYTES (2 + 2 + 2 + 32 + 8 + 8 + MINISIGN_KEYID_LEN + 64 + 32)
/* A line of a key or signature file; the longest is a trusted comment. */
#define LINE_MAX_LEN (MINISIGN_MAX_COMMENT + 32)

static const char untrusted_prefix[] = "untrusted comment: ";
static const char trusted_prefix[] = "trusted comment: ";

void minisign_keygen(struct minisign_key *key, struct minisign_pub *pub)
{
	uint8_t pk[32];

	if (sodium_init() < 0)
		fatal("libsodium cannot start");
	randombytes_buf(key->keyid, sizeof(key->keyid));
	crypto_sign_keypair(pk, key->sk);
	if (pub)
		minisign_pub_of(key, pub);
}

void minisign_pub_of(const struct minisign_key *key, struct minisign_pub *pub)
{
	memcpy(pub->keyid, key->keyid, sizeof(pub->keyid));
	crypto_sign_ed25519_sk_to_pk(pub->pk, key->sk);
}

void minisign_keyid_hex(const uint8_t keyid[MINISIGN_KEYID_LEN], char *out)
{
	int i;

	/* minisign prints the id as a little-endian 64-bit number. */
	for (i = 0; i < MINISIGN_KEYID_LEN; i++)
		snprintf(out + 2 * i, 3, "%02X", keyid[MINISIGN_KEYID_LEN - 1 - i]);
}

void minisign_hash(const void *msg, size_t n, uint8_t hash[MINISIGN_HASH_LEN])
{
	crypto_generichash(hash, MINISIGN_HASH_LEN, msg, n, NULL, 0);
}

/* Splits text into at most max lines (without their "\n" or "\r\n"). */
static size_t split_lines(const char *text, size_t n, struct str *lines, size_t max)
{
	size_t k = 0, i = 0;

	while (i < n && k < max) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (text + i)) : n - i;
		struct str s = {text + i, len};
		if (s.n && s.p[s.n - 1] == '\r')
			s.n--;
		lines[k++] = s;
		i += len + (nl ? 1 : 0);
	}
	/* Blank lines at the end are not content. */
	while (k && lines[k - 1].n == 0)
		k--;
	/* Anything past max lines (other than blank lines) is reported as one more. */
	if (i < n) {
		size_t j;
		for (j = i; j < n; j++)
			if (text[j] != '\n' && text[j] != '\r' && text[j] != ' ' && text[j] != '\t')
				return max + 1;
	}
	return k;
}

static bool has_prefix(struct str s, const char *p)
{
	size_t n = strlen(p);

	return s.n >= n && memcmp(s.p, p, n) == 0;
}

/* Decodes one base64 line into exactly want bytes.  0 or -1. */
static int b64_decode(struct str s, uint8_t *out, size_t want)
{
	size_t got = 0;
	const char *end = NULL;

	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
		s.n--;
	if (s.n == 0 || s.n > LINE_MAX_LEN)
		return -1;
	if (sodium_base642bin(out, want, s.p, s.n, NULL, &got, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	if (got != want || end != s.p + s.n)
		return -1;
	return 0;
}

static void b64_put(struct buf *out, const uint8_t *bin, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);

	buf_grow(out, len);
	sodium_bin2base64(out->p + out->n, len, bin, n, sodium_base64_VARIANT_ORIGINAL);
	out->n += len - 1;
	out->p[out->n] = '\0';
}

int minisign_pub_parse(struct minisign_pub *pub, const char *text, size_t n)
{
	struct str lines[3];
	size_t k = split_lines(text, n, lines, 2), b = 0;
	uint8_t raw[PUB_BYTES];

	if (k == 2 && has_prefix(lines[0], untrusted_prefix))
		b = 1;
	else if (k != 1)
		return log_fail("not a minisign public key (expected \"untrusted comment: ...\" "
		                "and one line of base64)");
	if (b64_decode(lines[b], raw, sizeof(raw)) != 0)
		return log_fail("not a minisign public key (bad base64 key line)");
	if (raw[0] != 'E' || raw[1] != 'd')
		return log_fail("not an Ed25519 minisign public key");
	memcpy(pub->keyid, raw + 2, MINISIGN_KEYID_LEN);
	memcpy(pub->pk, raw + 2 + MINISIGN_KEYID_LEN, 32);
	return 0;
}

void minisign_pub_base64(const struct minisign_pub *pub, struct buf *out)
{
	uint8_t raw[PUB_BYTES];

	raw[0] = 'E';
	raw[1] = 'd';
	memcpy(raw + 2, pub->keyid, MINISIGN_KEYID_LEN);
	memcpy(raw + 2 + MINISIGN_KEYID_LEN, pub->pk, 32);
	b64_put(out, raw, sizeof(raw));
}

void minisign_pub_format(const struct minisign_pub *pub, struct buf *out)
{
	char id[17];

	minisign_keyid_hex(pub->keyid, id);
	buf_printf(out, "%sminisign public key %s\n", untrusted_prefix, id);
	minisign_pub_base64(pub, out);
	buf_putc(out, '\n');
}

static void key_checksum(const struct minisign_key *key, uint8_t out[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)"Ed", 2);
	crypto_generichash_update(&st, key->keyid, MINISIGN_KEYID_LEN);
	crypto_generichash_update(&st, key->sk, 64);
	crypto_generichash_final(&st, out, 32);
}

int minisign_key_parse(struct minisign_key *key, const char *text, size_t n)
{
	struct str lines[3];
	size_t k = split_lines(text, n, lines, 2);
	uint8_t raw[KEY_BYTES], chk[32];
	const uint8_t *p = raw;
	int rc = -1;

	if (k != 2 || !has_prefix(lines[0], untrusted_prefix) ||
	    b64_decode(lines[1], raw, sizeof(raw)) != 0) {
		log_fail("not a minisign secret key");
		goto out;
	}
	if (memcmp(p, "Ed", 2) != 0 || memcmp(p + 4, "B2", 2) != 0) {
		log_fail("not an Ed25519 minisign secret key");
		goto out;
	}
	if (p[2] != 0 || p[3] != 0) {
		log_fail("the secret key is encrypted with a password; tamizdat signs unattended "
		         "and needs an unencrypted key (minisign -G -W, or: tamizdat mirror "
		         "keygen)");
		goto out;
	}
	p += 2 + 2 + 2 + 32 + 8 + 8;
	memcpy(key->keyid, p, MINISIGN_KEYID_LEN);
	memcpy(key->sk, p + MINISIGN_KEYID_LEN, 64);
	key_checksum(key, chk);
	/* minisign -W writes no checksum (zeros) for an unencrypted key. */
	if (!sodium_is_zero(p + MINISIGN_KEYID_LEN + 64, 32) &&
	    sodium_memcmp(chk, p + MINISIGN_KEYID_LEN + 64, 32) != 0) {
		log_fail("the secret key is damaged (checksum mismatch)");
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

void minisign_key_format(const struct minisign_key *key, struct buf *out)
{
	uint8_t raw[KEY_BYTES];
	uint8_t *p = raw;

	memset(raw, 0, sizeof(raw));
	memcpy(p, "Ed", 2);
	/* kdf "\0\0": not encrypted; salt, opslimit and memlimit unused. */
	memcpy(p + 4, "B2", 2);
	p += 2 + 2 + 2 + 32 + 8 + 8;
	memcpy(p, key->keyid, MINISIGN_KEYID_LEN);
	memcpy(p + MINISIGN_KEYID_LEN, key->sk, 64);
	key_checksum(key, p + MINISIGN_KEYID_LEN + 64);
	buf_printf(out, "%sminisign secret key (unencrypted; keep it 0600)\n", untrusted_prefix);
	b64_put(out, raw, sizeof(raw));
	buf_putc(out, '\n');
	sodium_memzero(raw, sizeof(raw));
}

void minisign_sign_hash(const struct minisign_key *key, const uint8_t hash[MINISIGN_HASH_LEN],
                        const char *trusted_comment, struct buf *out)
{
	uint8_t raw[SIG_BYTES], global[64];
	size_t tn = strnlen(trusted_comment, MINISIGN_MAX_COMMENT);
	uint8_t *both = xmalloc(64 + tn);

	memcpy(raw, "ED", 2);
	memcpy(raw + 2, key->keyid, MINISIGN_KEYID_LEN);
	crypto_sign_detached(raw + 2 + MINISIGN_KEYID_LEN, NULL, hash, MINISIGN_HASH_LEN, key->sk);
	memcpy(both, raw + 2 + MINISIGN_KEYID_LEN, 64);
	memcpy(both + 64, trusted_comment, tn);
	crypto_sign_detached(global, NULL, both, 64 + tn, key->sk);
	free(both);

	buf_printf(out, "%ssignature from tamizdat secret key\n", untrusted_prefix);
	b64_put(out, raw, sizeof(raw));
	buf_printf(out, "\n%s%.*s\n", trusted_prefix, (int)tn, trusted_comment);
	b64_put(out, global, sizeof(global));
	buf_putc(out, '\n');
}

void minisign_sign(const struct minisign_key *key, const void *msg, size_t n,
                   const char *trusted_comment, struct buf *out)
{
	uint8_t h[MINISIGN_HASH_LEN];

	minisign_hash(msg, n, h);
	minisign_sign_hash(key, h, trusted_comment, out);
}

int minisign_sig_parse(struct minisign_sig *sig, const char *text, size_t n)
{
	struct str lines[5];
	size_t k = split_lines(text, n, lines, 4);
	uint8_t raw[SIG_BYTES];
	struct str tc;

	if (k != 4 || !has_prefix(lines[0], untrusted_prefix) ||
	    !has_prefix(lines[2], trusted_prefix))
		return log_fail("not a minisign signature (expected four lines: untrusted "
		                "comment, signature, trusted comment, global signature)");
	if (b64_decode(lines[1], raw, sizeof(raw)) != 0)
		return log_fail("not a minisign signature (bad base64 signature line)");
	if (raw[0] == 'E' && raw[1] == 'D')
		sig->prehashed = true;
	else if (raw[0] == 'E' && raw[1] == 'd')
		sig->prehashed = false;
	else
		return log_fail("unknown minisign signature algorithm");
	memcpy(sig->keyid, raw + 2, MINISIGN_KEYID_LEN);
	memcpy(sig->sig, raw + 2 + MINISIGN_KEYID_LEN, 64);
	tc.p = lines[2].p + strlen(trusted_prefix);
	tc.n = lines[2].n - strlen(trusted_prefix);
	if (tc.n > MINISIGN_MAX_COMMENT || memchr(tc.p, '\0', tc.n))
		return log_fail("minisign trusted comment too long or holding NUL");
	memcpy(sig->trusted, tc.p, tc.n);
	sig->trusted[tc.n] = '\0';
	if (b64_decode(lines[3], sig->global_sig, 64) != 0)
		return log_fail("not a minisign signature (bad base64 global signature line)");
	return 0;
}

static int check_global(const struct minisign_pub *pub, const struct minisign_sig *sig)
{
	size_t tn = strlen(sig->trusted);
	uint8_t *both = xmalloc(64 + tn);
	int rc;

	memcpy(both, sig->sig, 64);
	memcpy(both + 64, sig->trusted, tn);
	rc = crypto_sign_verify_detached(sig->global_sig, both, 64 + tn, pub->pk);
	free(both);
	if (rc != 0)
		return log_fail("the trusted comment of the signature has been altered");
	return 0;
}

static int check_keyid(const struct minisign_pub *pub, const struct minisign_sig *sig)
{
	char want[17], got[17];

	if (memcmp(pub->keyid, sig->keyid, MINISIGN_KEYID_LEN) == 0)
		return 0;
	minisign_keyid_hex(pub->keyid, want);
	minisign_keyid_hex(sig->keyid, got);
	return log_fail("signed with key %s, not with the expected key %s (wrong key?)", got, want);
}

int minisign_verify_hash(const struct minisign_pub *pub, const struct minisign_sig *sig,
                         const uint8_t hash[MINISIGN_HASH_LEN])
{
	if (check_keyid(pub, sig) != 0)
		return -1;
	if (!sig->prehashed)
		return log_fail("legacy (not prehashed) signature: verify the message itself");
	if (crypto_sign_verify_detached(sig->sig, hash, MINISIGN_HASH_LEN, pub->pk) != 0)
		return log_fail("bad signature: the signed file has been altered");
	return check_global(pub, sig);
}

int minisign_verify(const struct minisign_pub *pub, const struct minisign_sig *sig, const void *msg,
                    size_t n)
{
	uint8_t h[MINISIGN_HASH_LEN];

	if (sig->prehashed) {
		minisign_hash(msg, n, h);
		return minisign_verify_hash(pub, sig, h);
	}
	if (check_keyid(pub, sig) != 0)
		return -1;
	if (crypto_sign_verify_detached(sig->sig, msg, n, pub->pk) != 0)
		return log_fail("bad signature: the signed file has been altered");
	return check_global(pub, sig);
}
