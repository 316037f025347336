/*
 * E-mail addresses as subscribers type them: "reader@example.org",
 * "читатель@пример.рф" is refused (a non-ASCII local part needs SMTPUTF8,
 * which the sender does not speak) but "reader@пример.рф" is accepted and
 * sent to its A-label form "reader@xn--e1afmkfd.xn--p1ai".
 *
 * The rules are RFC 5321's for a Mailbox (a dot-atom or quoted-string
 * local part of at most 64 octets, a domain of letters, digits and hyphens
 * in labels of at most 63, at most 254 octets in all) with three choices
 * of our own: the domain needs a dot (no "localhost"), address literals
 * ("[192.0.2.1]") are refused, and so is anything with a control
 * character, so that an address can never carry a header line.
 * Internationalised domains go through IDNA2008 with UTS #46 mapping
 * (libidn2), which also lower-cases them.  Surrounding blanks are ignored.
 */
#ifndef TZ_ADDR_H
#define TZ_ADDR_H

#include <stddef.h>

#include "util/buf.h"

/* RFC 5321 4.5.3.1: local part 64 octets, domain 255, path 256 with <>. */
#define ADDR_MAX_LOCAL  64
#define ADDR_MAX_DOMAIN 255
#define ADDR_MAX        254
/* Longest input looked at: an address with spaces around it, no more. */
#define ADDR_MAX_INPUT 1024

struct addr {
	char local[ADDR_MAX_LOCAL + 1];        /* as typed; a quoted-string keeps its quotes */
	char domain[ADDR_MAX_DOMAIN + 1];      /* ASCII (A-labels), lower case */
	char udomain[4 * ADDR_MAX_DOMAIN + 1]; /* the same in Unicode, for people */
};

/*
 * Parses n bytes of s (need not be NUL-terminated).  0 and *out, or -1
 * with a reason meant for the person who typed it ("the part after @ is
 * not a domain name").
 */
int addr_parse(const char *s, size_t n, struct addr *out);
/* Appends local@domain (ASCII): what SMTP and headers get. */
void addr_ascii(const struct addr *a, struct buf *out);
/* Appends local@udomain: what lists and pages show. */
void addr_display(const struct addr *a, struct buf *out);
/*
 * Appends the comparison key: the ASCII form with the local part in
 * lower case too.  RFC 5321 lets a server tell "Ann" from "ann", but no
 * real one does, and one reader must not subscribe twice.
 */
void addr_key(const struct addr *a, struct buf *out);

#endif
