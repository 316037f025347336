/*
 * File-system helpers with the guarantees publishing needs: a file is
 * replaced atomically (temporary file in the same folder, fsync optional,
 * rename), so a reader sees the old bytes or the new, never a mix; a file
 * whose bytes would not change is not touched at all, so its mtime, ETag
 * and the mirrors' diffs stay still.
 */
#ifndef TZ_FSUTIL_H
#define TZ_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

enum fs_write_result {
	FS_WRITE_ERROR = -1,
	FS_WRITE_SAME = 0,    /* existing file already had these bytes */
	FS_WRITE_CHANGED = 1, /* file created or replaced */
};

/* Flags for fs_write_atomic(). */
#define FS_SYNC       0x1 /* fsync the file before the rename */
#define FS_NO_COMPARE 0x2 /* skip the "same bytes?" check (fresh output) */
/*
 * Use the fixed temporary name ".NAME.tmp" and replace a leftover one: for
 * writers that hold a lock making them the only writer of the folder, so
 * that any such file was left by a writer that died.
 */
#define FS_FIXED_TEMP 0x4

/*
 * Writes n bytes to path atomically, creating missing parent folders.
 * Returns FS_WRITE_CHANGED, FS_WRITE_SAME, or FS_WRITE_ERROR with the
 * reason recorded (log_reason()).
 */
enum fs_write_result fs_write_atomic(const char *path, const void *data, size_t n, int flags);

/*
 * Freeing a file's blocks can be slow: on a file system mounted with
 * "discard" (usual on virtual machines and SSDs), ext4 sends the device a
 * discard for the freed blocks and waits for it, about half a millisecond
 * per file here.  Replacing a page with rename() frees the old one on the
 * spot.  A graveyard is a folder on the same file system where replaced
 * and removed files are moved instead (cheap: two renames, no freeing), to
 * be emptied later, off the path a reader or an editor waits on.
 *
 * fs_write_atomic_keep() is fs_write_atomic() that, when graveyard is not
 * NULL, first links the file it replaces into the graveyard, so that the
 * rename frees nothing.
 */
enum fs_write_result fs_write_atomic_keep(const char *path, const void *data, size_t n, int flags,
                                          const char *graveyard);
/*
 * Moves path into graveyard (created if missing) under a unique name;
 * with graveyard NULL, or when the move fails, removes it.  A missing path
 * is not an error.  0 or -1 (reason recorded).
 */
int fs_bury(const char *path, const char *graveyard);
/* Removes every file in graveyard.  Returns the count removed. */
size_t fs_graveyard_empty(const char *graveyard);

/* Creates path and its missing parents (mode 0755).  0 or -1 (reason recorded). */
int fs_mkdirs(const char *path);
/*
 * Appends the whole file to out.  Fails if it is longer than max bytes.
 * 0 or -1 (reason recorded; errno kept from the failing call).
 */
int fs_read_file(const char *path, struct buf *out, size_t max);
/* Removes a file; a missing file is not an error.  0 or -1. */
int fs_remove(const char *path);
/* Removes a folder tree (like rm -rf); missing is not an error.  0 or -1. */
int fs_remove_tree(const char *path);
bool fs_is_dir(const char *path);
bool fs_exists(const char *path);
/* Is the folder empty, or missing? */
bool fs_dir_empty(const char *path);

#endif
