/*
 * Loading a shared library on demand and filling a table of its functions:
 * what mhd_dl.c, curl_dl.c, mime.c (GMime), stem.c (libhunspell) and
 * wxr_read.c (libxml2) share.  A library linked to the program is loaded
 * and relocated by every command, a one-article publish included, whether
 * it is used or not; one that only a few commands use is opened this way
 * by them, when they first need it.
 */
#ifndef TZ_DLSYMS_H
#define TZ_DLSYMS_H

#include <stddef.h>

struct dlsym_entry {
	void **slot;      /* where the function's address goes */
	const char *name; /* its symbol */
};

/*
 * Opens soname and resolves every entry.  0, or -1 with the reason written
 * to why (naming package, the Debian package to install).
 */
int dlsyms_load(const char *soname, const char *package, const struct dlsym_entry *syms, size_t n,
                char *why, size_t whysize);

#endif
