/*
 * Atomic file replacement and small file-system helpers.  See fsutil.h.
 */
#include "util/fsutil.h"

#include <dirent.h>

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

int fs_mkdirs(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);
	char *slash;

	if (n == 0)
		return 0;
	if (n >= sizeof(tmp))
		return log_fail("path too long: %.64s...", path);
	/* Usually only the last folder is missing: try it before its parents. */
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return log_fail("cannot create folder %s: %s", path, strerror(errno));
	memcpy(tmp, path, n + 1);
	slash = strrchr(tmp, '/');
	if (slash == NULL || slash == tmp)
		return log_fail("cannot create folder %s: %s", path, strerror(ENOENT));
	*slash = '\0';
	if (fs_mkdirs(tmp) != 0)
		return -1;
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return log_fail("cannot create folder %s: %s", path, strerror(errno));
	return 0;
}

static bool same_contents(const char *path, const void *data, size_t n)
{
	struct stat st;
	char chunk[65536];
	const char *p = data;
	size_t off = 0;
	bool same = false;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != n)
		goto out;
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (r == 0)
			break;
		if (off + (size_t)r > n || memcmp(chunk, p + off, (size_t)r) != 0)
			goto out;
		off += (size_t)r;
	}
	same = off == n;
out:
	close(fd);
	return same;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

enum fs_write_result fs_write_atomic(const char *path, const void *data, size_t n, int flags)
{
	return fs_write_atomic_keep(path, data, n, flags, NULL);
}

/*
 * Gives path a name in graveyard, a second one (link) or its only one
 * (rename), creating the graveyard when missing.  Names are the process id
 * and a counter: a name left by an earlier process of the same id only
 * makes this fail, and the caller frees the file on the spot.  0 or -1.
 */
static int to_graveyard(const char *path, const char *graveyard, bool move)
{
	static atomic_ulong counter;
	char grave[4096];
	int len, tries;

	len = snprintf(grave, sizeof(grave), "%s/%ld.%lu", graveyard, (long)getpid(),
	               atomic_fetch_add(&counter, 1));
	if (len < 0 || (size_t)len >= sizeof(grave))
		return -1;
	for (tries = 0; tries < 2; tries++) {
		if ((move ? rename(path, grave) : link(path, grave)) == 0)
			return 0;
		/* ENOENT for the graveyard, not the file: make it, once. */
		if (errno != ENOENT || !fs_exists(path) ||
		    (mkdir(graveyard, 0700) != 0 && errno != EEXIST))
			return -1;
	}
	return -1;
}

int fs_bury(const char *path, const char *graveyard)
{
	if (graveyard != NULL && to_graveyard(path, graveyard, true) == 0)
		return 0;
	return fs_remove(path);
}

size_t fs_graveyard_empty(const char *graveyard)
{
	DIR *d = opendir(graveyard);
	struct dirent *e;
	size_t removed = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	closedir(d);
	return removed;
}

bool fs_dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (d == NULL)
		return true;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = false;
			break;
		}
	closedir(d);
	return empty;
}

enum fs_write_result fs_write_atomic_keep(const char *path, const void *data, size_t n, int flags,
                                          const char *graveyard)
{
	static long pid;
	char tmp[4096];
	const char *slash;
	int fd, len, tries;

	if (!(flags & FS_NO_COMPARE) && same_contents(path, data, n))
		return FS_WRITE_SAME;
	slash = strrchr(path, '/');
	/*
	 * The temporary name starts with a dot and ends in .tmp so that a
	 * build that is killed leaves files the next build recognises.
	 */
	for (tries = 0;; tries++) {
		if (flags & FS_FIXED_TEMP)
			len = snprintf(tmp, sizeof(tmp), "%.*s.%s.tmp",
			               slash ? (int)(slash - path + 1) : 0, path,
			               slash ? slash + 1 : path);
		else
			len = snprintf(tmp, sizeof(tmp), "%.*s.%s.%ld.%d.tmp",
			               slash ? (int)(slash - path + 1) : 0, path,
			               slash ? slash + 1 : path, pid ? pid : (pid = (long)getpid()),
			               tries);
		if (len < 0 || (size_t)len >= sizeof(tmp)) {
			log_fail("path too long: %.64s...", path);
			return FS_WRITE_ERROR;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0)
			break;
		if (errno == ENOENT && slash && tries == 0) {
			char dir[4096];
			size_t dn = (size_t)(slash - path);
			memcpy(dir, path, dn);
			dir[dn] = '\0';
			if (fs_mkdirs(dir) != 0)
				return FS_WRITE_ERROR;
			continue;
		}
		if (errno == EEXIST && (flags & FS_FIXED_TEMP) && tries == 0) {
			unlink(tmp); /* left by a writer that died */
			continue;
		}
		if (errno != EEXIST || tries > 100) {
			log_fail("cannot write %s: %s", path, strerror(errno));
			return FS_WRITE_ERROR;
		}
	}
	if (write_all(fd, data, n) != 0 || ((flags & FS_SYNC) && fsync(fd) != 0)) {
		log_fail("cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		return FS_WRITE_ERROR;
	}
	if (close(fd) != 0) {
		log_fail("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return FS_WRITE_ERROR;
	}
	/* Linked into the graveyard, the replaced file is not freed by the rename. */
	if (graveyard != NULL)
		(void)to_graveyard(path, graveyard, false);
	if (rename(tmp, path) != 0) {
		log_fail("cannot replace %s: %s", path, strerror(errno));
		unlink(tmp);
		return FS_WRITE_ERROR;
	}
	return FS_WRITE_CHANGED;
}

int fs_read_file(const char *path, struct buf *out, size_t max)
{
	struct stat st;
	char chunk[65536];
	size_t total = 0;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return log_fail("cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return log_fail("%s is a folder, not a file", path);
	}
	if (fstat(fd, &st) == 0 && st.st_size > 0 && (size_t)st.st_size <= max)
		buf_grow(out, (size_t)st.st_size);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			errno = saved;
			return log_fail("cannot read %s: %s", path, strerror(saved));
		}
		if (r == 0)
			break;
		total += (size_t)r;
		if (total > max) {
			close(fd);
			errno = EFBIG;
			return log_fail("%s is larger than %zu bytes", path, max);
		}
		buf_put(out, chunk, (size_t)r);
	}
	close(fd);
	return 0;
}

int fs_remove(const char *path)
{
	if (unlink(path) != 0 && errno != ENOENT)
		return log_fail("cannot remove %s: %s", path, strerror(errno));
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP ? rmdir(path) : unlink(path)) {
		if (errno != ENOENT)
			return log_fail("cannot remove %s: %s", path, strerror(errno));
	}
	return 0;
}

int fs_remove_tree(const char *path)
{
	if (!fs_exists(path))
		return 0;
	return nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

bool fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}
