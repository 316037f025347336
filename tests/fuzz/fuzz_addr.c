/*
 * libFuzzer target for e-mail address parsing.  Asserts: an accepted
 * address has no control character, space outside quotes, or byte
 * outside ASCII in its ASCII form; respects the length limits; and parses
 * again to itself (the normal form is a fixed point).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/addr.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr a, b;
	struct buf out = BUF_INIT, again = BUF_INIT;
	size_t i;

	if (addr_parse((const char *)data, size, &a) != 0)
		return 0;
	addr_ascii(&a, &out);
	if (out.n > ADDR_MAX || strlen(a.local) > ADDR_MAX_LOCAL ||
	    strlen(a.domain) > ADDR_MAX_DOMAIN)
		abort();
	for (i = 0; i < out.n; i++) {
		unsigned char c = (unsigned char)out.p[i];
		if (c < 0x20 || c >= 0x7f || (c == ' ' && a.local[0] != '"'))
			abort();
	}
	if (addr_parse(out.p, out.n, &b) != 0)
		abort();
	addr_ascii(&b, &again);
	if (again.n != out.n || memcmp(again.p, out.p, out.n) != 0)
		abort();
	buf_reset(&again);
	addr_display(&a, &again);
	if (addr_parse(again.p, again.n, &b) != 0 || strcmp(b.domain, a.domain) != 0)
		abort();
	buf_finish(&out);
	buf_finish(&again);
	return 0;
}
