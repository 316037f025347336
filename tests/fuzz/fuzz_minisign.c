/*
 * libFuzzer target for minisign public keys, secret keys and signatures.
 * The first byte chooses the parser.  Besides not crashing: a parsed key
 * written out parses back to the same key, and a parsed signature checked
 * against a fixed key never passes (the fuzzer cannot forge Ed25519).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/minisign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct minisign_key key;
	static struct minisign_pub pub;
	static int ready;
	const char *p = (const char *)data + 1;
	struct buf b = BUF_INIT;

	if (size < 1)
		return 0;
	if (!ready) {
		minisign_keygen(&key, &pub);
		ready = 1;
	}
	switch (data[0] % 3) {
	case 0: {
		struct minisign_pub a, c;
		if (minisign_pub_parse(&a, p, size - 1) == 0) {
			minisign_pub_format(&a, &b);
			if (minisign_pub_parse(&c, b.p, b.n) != 0 || memcmp(&a, &c, sizeof(a)))
				abort();
		}
		break;
	}
	case 1: {
		struct minisign_key a, c;
		if (minisign_key_parse(&a, p, size - 1) == 0) {
			minisign_key_format(&a, &b);
			if (minisign_key_parse(&c, b.p, b.n) != 0 || memcmp(&a, &c, sizeof(a)))
				abort();
		}
		break;
	}
	default: {
		struct minisign_sig s;
		if (minisign_sig_parse(&s, p, size - 1) == 0) {
			if (strlen(s.trusted) > MINISIGN_MAX_COMMENT)
				abort();
			if (minisign_verify(&pub, &s, p, size - 1) == 0)
				abort();
		}
		break;
	}
	}
	buf_finish(&b);
	return 0;
}
