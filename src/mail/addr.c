/*
 * Parsing and normalising e-mail addresses.  See addr.h.
 */
#include "mail/addr.h"

#include <idn2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

static bool is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Dot-string: atoms of atext joined by single dots. */
static bool dot_string(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
		} else if (!is_atext((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/*
 * Quoted-string (RFC 5321 qtextSMTP): printable ASCII and spaces, less the
 * specials that need care in every header and CSV, and without
 * quoted-pairs -- legal, never seen in a real address.  OUT: *end, just
 * past the closing quote.
 */
static bool quoted_string(const char *s, size_t n, size_t *end)
{
	size_t i = 1;

	if (n < 2 || s[0] != '"')
		return false;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"') {
			*end = i + 1;
			return i > 1;
		}
		if (c == '\\')
			return false; /* quoted-pairs: legal, never seen in a real address */
		if (c < 32 || c > 126)
			return false;
		/* Characters that would need care in every header and CSV: not worth it. */
		if (strchr("<>,;:@[]", c) != NULL)
			return false;
		i++;
	}
	return false;
}

/* LDH labels, each 1-63, not starting or ending with '-', at least two, TLD not numeric. */
static int check_ascii_domain(const char *d)
{
	size_t n = strlen(d), start = 0, i;
	bool digits_only = true;
	int labels = 0;

	if (n == 0)
		return log_fail("the part after @ is empty");
	if (n > ADDR_MAX_DOMAIN)
		return log_fail("the domain is longer than %d characters", ADDR_MAX_DOMAIN);
	for (i = 0; i <= n; i++) {
		if (i == n || d[i] == '.') {
			size_t len = i - start;
			if (len == 0)
				return log_fail(
				        "the domain has an empty part (two dots, or a dot at an "
				        "end)");
			if (len > 63)
				return log_fail(
				        "a part of the domain is longer than 63 characters");
			if (d[start] == '-' || d[i - 1] == '-')
				return log_fail(
				        "a part of the domain starts or ends with a hyphen");
			labels++;
			if (i < n) {
				start = i + 1;
				digits_only = true;
			}
			continue;
		}
		if (!((d[i] >= 'a' && d[i] <= 'z') || (d[i] >= '0' && d[i] <= '9') || d[i] == '-'))
			return log_fail("the part after @ is not a domain name");
		if (!(d[i] >= '0' && d[i] <= '9'))
			digits_only = false;
	}
	if (labels < 2)
		return log_fail("the domain needs a dot (like example.org)");
	if (digits_only)
		return log_fail("the part after @ is not a domain name");
	return 0;
}

static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len, k;
		unsigned cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07;
		else
			return false;
		if (i + len > n)
			return false;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += len;
	}
	return true;
}

static int parse_domain(const char *d, size_t n, struct addr *out)
{
	char in[4 * ADDR_MAX_DOMAIN + 1];
	char *ascii = NULL, *uni = NULL;
	bool plain = true;
	size_t i;
	int r;

	if (n == 0)
		return log_fail("the part after @ is empty");
	if (d[0] == '[')
		return log_fail(
		        "addresses with an IP address instead of a domain are not accepted");
	if (n >= sizeof(in))
		return log_fail("the domain is longer than %d characters", ADDR_MAX_DOMAIN);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c < 0x20 || c == 0x7f)
			return log_fail("the address contains a control character");
		if (c >= 0x80)
			plain = false;
		in[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	in[n] = '\0';
	if (!plain && !valid_utf8((const unsigned char *)in, n))
		return log_fail("the address is not valid UTF-8");
	if (plain && strstr(in, "xn--") == NULL) {
		if (check_ascii_domain(in) != 0)
			return -1;
		memcpy(out->domain, in, n + 1);
		memcpy(out->udomain, in, n + 1);
		return 0;
	}
	r = idn2_to_ascii_8z(in, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (r != IDN2_OK) {
		free(ascii);
		return log_fail("the domain is not a valid internationalised name (%s)",
		                idn2_strerror(r));
	}
	if (check_ascii_domain(ascii) != 0) {
		free(ascii);
		return -1;
	}
	r = idn2_to_unicode_8z8z(ascii, &uni, 0);
	if (r == IDN2_OK) {
		/*
		 * An xn-- label that is not the encoding of its own Unicode
		 * form (bad punycode) would not read back the same: refuse it.
		 */
		char *again = NULL;
		if (idn2_to_ascii_8z(uni, &again, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) !=
		            IDN2_OK ||
		    strcmp(again, ascii) != 0)
			r = IDN2_ENCODING_ERROR;
		free(again);
	}
	if (r != IDN2_OK || strlen(uni) >= sizeof(out->udomain)) {
		free(ascii);
		free(uni);
		return log_fail("the domain is not a valid internationalised name");
	}
	snprintf(out->domain, sizeof(out->domain), "%s", ascii);
	snprintf(out->udomain, sizeof(out->udomain), "%s", uni);
	free(ascii);
	free(uni);
	return 0;
}

int addr_parse(const char *s, size_t n, struct addr *out)
{
	size_t at, local_n, i;

	memset(out, 0, sizeof(*out));
	if (n > ADDR_MAX_INPUT)
		return log_fail("the address is too long");
	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	if (n == 0)
		return log_fail("the address is empty");
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return log_fail("the address contains a control character");
	if (s[0] == '"') {
		if (!quoted_string(s, n, &at) || at >= n || s[at] != '@')
			return log_fail("the quoted part before @ is not closed properly");
		local_n = at;
	} else {
		const char *p = memrchr(s, '@', n);
		if (p == NULL)
			return log_fail("the address has no @");
		at = (size_t)(p - s);
		local_n = at;
		for (i = 0; i < local_n; i++)
			if ((unsigned char)s[i] >= 0x80)
				return log_fail(
				        "addresses with non-Latin letters before the @ are not "
				        "supported");
		if (local_n == 0)
			return log_fail("the part before @ is empty");
		if (!dot_string(s, local_n))
			return log_fail("the part before @ has characters an address cannot have "
			                "(or a misplaced dot)");
	}
	if (local_n > ADDR_MAX_LOCAL)
		return log_fail("the part before @ is longer than %d characters", ADDR_MAX_LOCAL);
	if (parse_domain(s + at + 1, n - at - 1, out) != 0)
		return -1;
	if (local_n + 1 + strlen(out->domain) > ADDR_MAX)
		return log_fail("the address is longer than %d characters", ADDR_MAX);
	/* A quoted local part that needs no quotes loses them: one form per address. */
	if (s[0] == '"' && dot_string(s + 1, local_n - 2) &&
	    memchr(s + 1, '\\', local_n - 2) == NULL) {
		memcpy(out->local, s + 1, local_n - 2);
		out->local[local_n - 2] = '\0';
	} else {
		memcpy(out->local, s, local_n);
		out->local[local_n] = '\0';
	}
	return 0;
}

void addr_ascii(const struct addr *a, struct buf *out)
{
	buf_printf(out, "%s@%s", a->local, a->domain);
}

void addr_display(const struct addr *a, struct buf *out)
{
	buf_printf(out, "%s@%s", a->local, a->udomain);
}

void addr_key(const struct addr *a, struct buf *out)
{
	const char *p;

	for (p = a->local; *p; p++)
		buf_putc(out, *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	buf_printf(out, "@%s", a->domain);
}
