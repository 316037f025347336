/*
 * Tests for src/mail/addr.c: what RFC 5321 accepts, what we refuse on
 * purpose, IDN domains, and that nothing that could carry a header line
 * gets through.
 */
#include "test.h"

#include "mail/addr.h"
#include "util/buf.h"
#include "util/log.h"

static int parse(const char *s, struct addr *a)
{
	return addr_parse(s, strlen(s), a);
}

static const char *ascii(const char *s)
{
	static char out[600];
	struct addr a;
	struct buf b = BUF_INIT;

	if (parse(s, &a) != 0)
		return NULL;
	addr_ascii(&a, &b);
	snprintf(out, sizeof(out), "%s", buf_cstr(&b));
	buf_finish(&b);
	return out;
}

TEST(plain_addresses_pass)
{
	CHECK_STREQ(ascii("reader@example.org"), "reader@example.org");
	CHECK_STREQ(ascii("  Reader.Name+news@Example.ORG \t"), "Reader.Name+news@example.org");
	CHECK_STREQ(ascii("a@b.co"), "a@b.co");
	CHECK_STREQ(ascii("x!#$%&'*+-/=?^_`{|}~@sub.domain-1.example"),
	            "x!#$%&'*+-/=?^_`{|}~@sub.domain-1.example");
	CHECK_STREQ(ascii("\"john doe\"@example.org"), "\"john doe\"@example.org");
	/* Quotes that are not needed go: one form per address. */
	CHECK_STREQ(ascii("\"john\"@example.org"), "john@example.org");
}

TEST(malformed_addresses_fail)
{
	static const char *const bad[] = {
	        "",
	        "   ",
	        "reader",
	        "reader@",
	        "@example.org",
	        "reader@@example.org",
	        "a@b@example.org",
	        ".reader@example.org",
	        "reader.@example.org",
	        "re..ader@example.org",
	        "rea der@example.org",
	        "reader@exa mple.org",
	        "reader@localhost",
	        "reader@example",
	        "reader@-example.org",
	        "reader@example-.org",
	        "reader@exa..mple.org",
	        "reader@.example.org",
	        "reader@example.org.",
	        "reader@[192.0.2.1]",
	        "reader@192.0.2.1",
	        "reader@exam_ple.org",
	        "<reader@example.org>",
	        "Reader <reader@example.org>",
	        "reader@example.org, other@example.org",
	        "\"unclosed@example.org",
	        "\"a\\\"b\"@example.org",
	        "\"a<b\"@example.org",
	        "(comment)reader@example.org",
	        "читатель@example.org",
	        "reader@example.o\xffrg",
	        "reader@\xd0\x9f\xd1",
	};
	struct addr a;
	size_t i;

	for (i = 0; i < NELEM(bad); i++)
		if (parse(bad[i], &a) == 0) {
			fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
			CHECK(0);
		}
}

TEST(lengths_are_bounded)
{
	char local[100], addr[400], label[80];
	struct addr a;

	memset(local, 'a', 64);
	local[64] = '\0';
	snprintf(addr, sizeof(addr), "%s@example.org", local);
	CHECK(parse(addr, &a) == 0);
	memset(local, 'a', 65);
	local[65] = '\0';
	snprintf(addr, sizeof(addr), "%s@example.org", local);
	CHECK(parse(addr, &a) != 0);
	memset(label, 'b', 63);
	label[63] = '\0';
	snprintf(addr, sizeof(addr), "x@%s.org", label);
	CHECK(parse(addr, &a) == 0);
	memset(label, 'b', 64);
	label[64] = '\0';
	snprintf(addr, sizeof(addr), "x@%s.org", label);
	CHECK(parse(addr, &a) != 0);
	/* 254 in all, no more. */
	snprintf(addr, sizeof(addr), "%.64s@%.63s.%.63s.%.63s.%.57s", local, label, label, label,
	         label);
	CHECK(strlen(addr) == 64 + 1 + 63 * 3 + 57 + 3);
	CHECK(parse(addr, &a) != 0);
}

TEST(no_control_character_gets_through)
{
	static const char *const bad[] = {
	        "reader@example.org\r\nBcc: x@evil.org",
	        "reader\n@example.org",
	        "reader@example.org\r",
	        "rea\tder@example.org",
	        "reader@exam\x01ple.org",
	        "\"a\r\nb\"@example.org",
	        "reader@example.org\x7f",
	};
	struct addr a;
	size_t i;

	for (i = 0; i < NELEM(bad); i++)
		CHECK(parse(bad[i], &a) != 0);
	/* A NUL inside the given length is a control character too. */
	CHECK(addr_parse("a@b.org\0x", 9, &a) != 0);
}

TEST(idn_domains_are_accepted)
{
	struct addr a;
	struct buf b = BUF_INIT;

	CHECK(parse("reader@пример.рф", &a) == 0);
	CHECK_STREQ(a.domain, "xn--e1afmkfd.xn--p1ai");
	CHECK_STREQ(a.udomain, "пример.рф");
	/* Upper case is mapped (UTS #46) and the A-label form is the same address. */
	CHECK(parse("Reader@ПРИМЕР.РФ", &a) == 0);
	CHECK_STREQ(a.domain, "xn--e1afmkfd.xn--p1ai");
	addr_key(&a, &b);
	CHECK_STREQ(buf_cstr(&b), "reader@xn--e1afmkfd.xn--p1ai");
	buf_reset(&b);
	CHECK(parse("reader@xn--e1afmkfd.xn--p1ai", &a) == 0);
	addr_display(&a, &b);
	CHECK_STREQ(buf_cstr(&b), "reader@пример.рф");
	CHECK(parse("ecrivain@café.fr", &a) == 0);
	CHECK_STREQ(a.domain, "xn--caf-dma.fr");
	CHECK(parse("x@bücher.de", &a) == 0);
	/* Not a valid A-label. */
	CHECK(parse("x@xn--zzzz.org", &a) != 0);
	buf_finish(&b);
}

TEST(reasons_are_for_people)
{
	struct addr a;

	CHECK(parse("reader", &a) != 0);
	CHECK(strstr(log_reason(), "@") != NULL);
	CHECK(parse("reader@localhost", &a) != 0);
	CHECK(strstr(log_reason(), "dot") != NULL);
}

TESTS(T(plain_addresses_pass), T(malformed_addresses_fail), T(lengths_are_bounded),
      T(no_control_character_gets_through), T(idn_domains_are_accepted), T(reasons_are_for_people));
