/*
 * Loading a shared library on demand.  See dlsyms.h.
 */
#include "util/dlsyms.h"

#include <dlfcn.h>
#include <stdio.h>

int dlsyms_load(const char *soname, const char *package, const struct dlsym_entry *syms, size_t n,
                char *why, size_t whysize)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (h == NULL) {
		snprintf(why, whysize, "cannot load %s (install %s): %s", soname, package,
		         dlerror());
		return -1;
	}
	for (i = 0; i < n; i++) {
		*syms[i].slot = dlsym(h, syms[i].name);
		if (*syms[i].slot == NULL) {
			/* Another version than the headers': the package names the right one. */
			snprintf(why, whysize, "cannot load %s (install %s): it lacks %s", soname,
			         package, syms[i].name);
			dlclose(h);
			return -1;
		}
	}
	return 0;
}
