/*
 * The site's signing key and the published mirror list.  See mirror.h.
 */
#include "mirror/mirror.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site/config.h"
#include "util/fsutil.h"
#include "util/log.h"

/* Key files are a few hundred bytes. */
#define KEY_FILE_MAX 4096

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Writes a file with mode, atomically (temporary file, fsync, rename).  0 or -1. */
static int write_mode(const char *path, const char *data, size_t n, mode_t mode)
{
	size_t len = strlen(path) + 16;
	char *tmp = xmalloc(len);
	int fd, rc = -1;

	snprintf(tmp, len, "%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		log_fail("cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	/* The umask may have taken bits away, never added: set exactly. */
	if (fchmod(fd, mode) != 0 || write(fd, data, n) != (ssize_t)n || fsync(fd) != 0) {
		log_fail("cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		log_fail("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

bool mirror_key_exists(const char *site_dir)
{
	char *path = join(site_dir, MIRROR_KEY_FILE);
	bool yes = fs_exists(path);

	free(path);
	return yes;
}

int mirror_keygen(const char *site_dir, bool force)
{
	char *kpath = join(site_dir, MIRROR_KEY_FILE), *ppath = join(site_dir, MIRROR_PUB_FILE);
	struct minisign_key key;
	struct minisign_pub pub;
	struct buf b = BUF_INIT;
	int rc = -1;

	if (fs_exists(kpath) && !force) {
		log_fail("%s already exists (replacing it breaks every mirror's pinned key; "
		         "use --force to do it anyway)",
		         kpath);
		goto out;
	}
	minisign_keygen(&key, &pub);
	minisign_key_format(&key, &b);
	if (write_mode(kpath, b.p, b.n, 0600) != 0)
		goto out;
	buf_reset(&b);
	minisign_pub_format(&pub, &b);
	if (write_mode(ppath, b.p, b.n, 0644) != 0)
		goto out;
	rc = 0;
out:
	sodium_memzero(&key, sizeof(key));
	if (b.p)
		sodium_memzero(b.p, b.cap);
	buf_finish(&b);
	free(kpath);
	free(ppath);
	return rc;
}

int mirror_key_load(const char *site_dir, struct minisign_key *key)
{
	char *path = join(site_dir, MIRROR_KEY_FILE);
	struct buf b = BUF_INIT;
	struct stat st;
	int rc = -1;

	if (stat(path, &st) != 0) {
		log_fail("the site has no signing key (%s); make one with: tamizdat mirror keygen",
		         path);
		goto out;
	}
	if (st.st_mode & 077)
		log_warn("%s is readable by others (mode %03o): chmod 600 it", path,
		         (unsigned)(st.st_mode & 0777));
	if (fs_read_file(path, &b, KEY_FILE_MAX) != 0)
		goto out;
	if (minisign_key_parse(key, b.p, b.n) != 0) {
		log_fail("%s: %s", path, log_reason());
		goto out;
	}
	rc = 0;
out:
	if (b.p)
		sodium_memzero(b.p, b.cap);
	buf_finish(&b);
	free(path);
	return rc;
}

int mirror_pub_load(const char *arg, struct minisign_pub *pub)
{
	struct buf b = BUF_INIT;
	int rc;

	/* A base64 key is 56 characters starting "RW" ("Ed" encoded); anything else is a file. */
	if (strlen(arg) == 56 && strncmp(arg, "RW", 2) == 0 && !fs_exists(arg))
		return minisign_pub_parse(pub, arg, strlen(arg));
	if (fs_read_file(arg, &b, KEY_FILE_MAX) != 0)
		return -1;
	rc = minisign_pub_parse(pub, b.p, b.n);
	if (rc != 0)
		log_fail("%s: %s", arg, log_reason());
	buf_finish(&b);
	return rc;
}

void mirror_list_json(const struct config *cfg, struct buf *out)
{
	json_t *o = json_object(), *m = json_array();
	size_t i;
	char *s;

	json_object_set_new(o, "site", json_string(cfg->base_url));
	json_object_set_new(o, "title", json_string(cfg->title));
	for (i = 0; i < cfg->nmirrors; i++)
		json_array_append_new(m, json_string(cfg->mirrors[i]));
	json_object_set_new(o, "mirrors", m);
	if (*cfg->onion)
		json_object_set_new(o, "onion", json_string(cfg->onion));
	/*
	 * Where a mirror finds the signed bundle, the key and this file's
	 * signature, relative to any copy of the site (mirror pack writes them).
	 */
	json_object_set_new(o, "manifest", json_string("mirror/manifest"));
	json_object_set_new(o, "bundle", json_string("mirror/site.tar"));
	json_object_set_new(o, "public_key", json_string("mirror/" MIRROR_PUB_FILE));
	json_object_set_new(o, "signature", json_string("mirror/mirrors.json.minisig"));
	s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(1));
	json_decref(o);
	if (s) {
		buf_puts(out, s);
		buf_putc(out, '\n');
		free(s);
	}
}
