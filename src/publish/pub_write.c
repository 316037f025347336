/*
 * Writing the public site: each file atomically and only if its bytes
 * change, and a gzip copy beside every text file for servers that send
 * precompressed files (ours, nginx's gzip_static).  libdeflate rather than
 * zlib: the same format at two to three times the speed, which is most of a
 * full build's time.  The gzip header carries no name and no time, so the
 * same page always compresses to the same bytes.
 */
#include "publish/pub_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site/site.h"
#include "util/fsutil.h"
#include "util/log.h"

/* libdeflate level 1: compressed copies are made of every page; speed first. */
#define PUB_GZIP_LEVEL 1
/* Tiny files gain nothing from a compressed copy. */
#define PUB_GZIP_MIN 256

void pub_writer_init(struct pub_writer *w, const char *root, bool track)
{
	memset(w, 0, sizeof(*w));
	w->root = root;
	w->track = track;
	w->gzip = true;
	w->deflate = libdeflate_alloc_compressor(PUB_GZIP_LEVEL);
	if (w->deflate == NULL)
		fatal("out of memory (compressor)");
	buf_init(&w->gz);
}

void pub_writer_finish(struct pub_writer *w)
{
	size_t i;

	for (i = 0; i < w->npaths; i++)
		free(w->paths[i]);
	free(w->paths);
	libdeflate_free_compressor(w->deflate);
	buf_finish(&w->gz);
	memset(w, 0, sizeof(*w));
}

static bool compressible(const char *path)
{
	static const char *const ext[] = {".html", ".xml", ".json", ".css", ".txt", ".js", ".svg"};
	size_t n = strlen(path), i;

	for (i = 0; i < NELEM(ext); i++) {
		size_t e = strlen(ext[i]);
		if (n > e && strcmp(path + n - e, ext[i]) == 0)
			return true;
	}
	return false;
}

/*
 * Is the .gz at gzpath as new as the file beside it?  Files are written
 * before their .gz, so a publish killed between the two leaves a .gz older
 * than its file: that one must be written again (and the server will not
 * send it meanwhile).
 */
static bool gz_current(const char *gzpath)
{
	char plain[4096];
	struct stat a, b;
	size_t n = strlen(gzpath);

	if (n < 3 || n - 3 >= sizeof(plain))
		return false;
	memcpy(plain, gzpath, n - 3);
	plain[n - 3] = '\0';
	if (stat(gzpath, &b) != 0 || stat(plain, &a) != 0)
		return false;
	return b.st_mtim.tv_sec > a.st_mtim.tv_sec ||
	       (b.st_mtim.tv_sec == a.st_mtim.tv_sec && b.st_mtim.tv_nsec >= a.st_mtim.tv_nsec);
}

static void track(struct pub_writer *w, const char *path)
{
	if (!w->track)
		return;
	if (w->npaths == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 1024;
		w->paths = xreallocarray(w->paths, w->cap, sizeof(char *));
	}
	w->paths[w->npaths++] = xstrdup(path);
}

int pub_write(struct pub_writer *w, const char *path, const void *data, size_t n)
{
	char full[4096];
	/* The publish lock makes this the only writer: fixed temporary names. */
	int flags = (w->fresh ? FS_NO_COMPARE : 0) | FS_FIXED_TEMP;
	enum fs_write_result r;
	int len;

	len = snprintf(full, sizeof(full), "%s/%s", w->root, path);
	if (len < 0 || (size_t)len + 4 >= sizeof(full))
		return log_fail("path too long: %s", path);
	w->pages++;
	track(w, path);
	r = fs_write_atomic_keep(full, data, n, flags, w->graveyard);
	if (r == FS_WRITE_ERROR)
		return -1;
	if (r == FS_WRITE_CHANGED)
		w->written++;
	if (!w->gzip || !compressible(path))
		return 0;
	strcat(full, ".gz");
	if (n < PUB_GZIP_MIN) {
		/* A stale .gz must not outlive its file's new, tiny bytes. */
		return fs_bury(full, w->graveyard);
	}
	if (r == FS_WRITE_SAME && gz_current(full)) {
		/* Same page, and its compressed copy was written after it. */
		size_t plen = strlen(path);
		char *gz = xmalloc(plen + 4);
		memcpy(gz, path, plen);
		memcpy(gz + plen, ".gz", 4);
		track(w, gz);
		free(gz);
		return 0;
	}
	{
		size_t bound = libdeflate_gzip_compress_bound(w->deflate, n), got;
		char gzpath[4096];
		buf_reset(&w->gz);
		buf_grow(&w->gz, bound);
		got = libdeflate_gzip_compress(w->deflate, data, n, w->gz.p, bound);
		if (got == 0)
			return log_fail("cannot compress %s", path);
		snprintf(gzpath, sizeof(gzpath), "%s.gz", path);
		track(w, gzpath);
		if (fs_write_atomic_keep(full, w->gz.p, got, flags, w->graveyard) == FS_WRITE_ERROR)
			return -1;
	}
	return 0;
}

int pub_unlink(struct pub_writer *w, const char *path)
{
	char full[4096];

	snprintf(full, sizeof(full), "%s/%s", w->root, path);
	if (fs_exists(full))
		w->written++;
	if (fs_bury(full, w->graveyard) != 0)
		return -1;
	strncat(full, ".gz", sizeof(full) - strlen(full) - 1);
	if (fs_bury(full, w->graveyard) != 0)
		return -1;
	/* Folders left empty go too, as a full build would not make them. */
	for (;;) {
		char *slash = strrchr(full, '/');
		if (slash == NULL || (size_t)(slash - full) <= strlen(w->root))
			break;
		*slash = '\0';
		if (rmdir(full) != 0)
			break;
	}
	return 0;
}

int pub_lock(struct site *site)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/.publish.lock", site->dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return log_fail("cannot open %s: %s", path, strerror(errno));
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return log_fail("cannot lock %s: %s", path, strerror(e));
		}
	}
	return fd;
}

void pub_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the lock */
}
