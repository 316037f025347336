/*
 * libFuzzer target for the bundle's tar reader.  The first byte chooses
 * whether the reader knows the archive's size.  Besides not crashing, it
 * asserts the contract: every entry's path is safe, its data starts on a
 * block boundary after the previous entry's and, when the size is known,
 * lies inside the archive; an error always comes with a reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/tar.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tar_reader r;
	struct tar_entry e;
	struct str s;
	bool known;
	uint64_t last_end = 0;
	int k, n = 0;

	if (size < 1)
		return 0;
	known = data[0] & 1;
	s = (struct str){(const char *)data + 1, size - 1};
	tar_reader_init(&r, tar_read_mem, &s, known ? s.n : 0);
	log_clear();
	while ((k = tar_next(&r, &e)) == 1) {
		if (!tar_path_safe(e.path, strlen(e.path)))
			abort();
		if (e.data_off % TAR_BLOCK != 0 || e.data_off < last_end + TAR_BLOCK)
			abort();
		if (known && (e.data_off > s.n || e.size > s.n - e.data_off))
			abort();
		last_end = e.data_off + e.size;
		if (++n > 100000)
			abort(); /* each entry takes at least a block: impossible */
	}
	if (k < 0 && log_reason()[0] == '\0')
		abort();
	return 0;
}
