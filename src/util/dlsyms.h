/*
 * Loading a shared library on demand and filling a table of its functions:
 * what mhd_dl.c and curl_dl.c share.  A library whose loading costs every
 * command start-up time is opened this way by the few commands that use it.
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
int dlsyms_load(const char *soname, const char *package, const struct dlsym_entry *syms,
                size_t n, char *why, size_t whysize);

#endif
