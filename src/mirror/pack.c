/*
 * mirror pack: public/ into a signed, deterministic bundle under
 * public/mirror/.  One pass over the files: each is read once, hashed
 * (SHA-256 for the manifest) and appended to the tar, whose bytes are
 * hashed in turn (BLAKE2b-512 for site.tar.minisig) as they are written.
 * See mirror.h.
 */
#include "mirror/mirror_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/log.h"

/* Output is written in blocks of this size: few system calls, little memory. */
#define PACK_WBUF (1u << 20)
/* Files are read in chunks of this size. */
#define PACK_RBUF (256u << 10)

struct paths {
	char **v;
	size_t n, cap;
};

static void paths_add(struct paths *p, char *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 4096;
		p->v = xreallocarray(p->v, p->cap, sizeof(char *));
	}
	p->v[p->n++] = s;
}

static void paths_free(struct paths *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* Collects the site's files below root/rel: regular files, no temporary or hidden ones. */
static int walk(const char *root, const char *rel, struct paths *out)
{
	char dir[4096];
	DIR *d;
	struct dirent *e;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "", rel);
	d = opendir(dir);
	if (d == NULL)
		return log_fail("cannot read %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL && rc == 0) {
		char path[4096], sub[4096];
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		/* Atomic writes' temporary files start with a dot; .well-known is public. */
		if (e->d_name[0] == '.' && !(*rel == '\0' && strcmp(e->d_name, ".well-known") == 0))
			continue;
		if (*rel == '\0' && strcmp(e->d_name, "mirror") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", root, sub);
		if (lstat(path, &st) != 0)
			continue; /* removed meanwhile */
		if (S_ISDIR(st.st_mode))
			rc = walk(root, sub, out);
		else if (S_ISREG(st.st_mode))
			paths_add(out, xstrdup(sub));
		else
			log_warn("%s is not a regular file: left out of the bundle", path);
	}
	closedir(d);
	return rc;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct out {
	int fd;
	const char *path;
	struct buf w;
	crypto_generichash_state h;
};

static int flush(struct out *o)
{
	size_t done = 0;

	while (done < o->w.n) {
		ssize_t k = write(o->fd, o->w.p + done, o->w.n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return log_fail("cannot write %s: %s", o->path, strerror(errno));
		done += (size_t)k;
	}
	buf_reset(&o->w);
	return 0;
}

static int sink(void *arg, const void *p, size_t n)
{
	struct out *o = arg;

	crypto_generichash_update(&o->h, p, n);
	buf_put(&o->w, p, n);
	return o->w.n >= PACK_WBUF ? flush(o) : 0;
}

struct part {
	char hex[2 * MANIFEST_HASH_LEN + 1];
	char *text;
	size_t n;
};

struct parts {
	struct part *v;
	size_t n, cap;
};

static int keep_part(void *arg, const uint8_t *sha, const char *text, size_t n)
{
	struct parts *p = arg;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	manifest_hex(sha, p->v[p->n].hex);
	p->v[p->n].text = xstrndup(text, n);
	p->v[p->n].n = n;
	p->n++;
	return 0;
}

/* Appends one file of public/ to the tar and the manifest.  0 or -1. */
static int add_file(struct tar_writer *tw, struct manifest_builder *mb, const char *root,
                    const char *rel, char *rbuf, struct mirror_pack_stats *st)
{
	char path[4096];
	struct stat sb;
	crypto_hash_sha256_state h;
	uint8_t sha[MANIFEST_HASH_LEN];
	uint64_t header_off = tw->off, data_off, left;
	int fd, rc = -1;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return log_fail("cannot read %s: %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		log_fail("cannot read %s: not a regular file", path);
		goto out;
	}
	if (tar_write_header(tw, rel, (uint64_t)sb.st_size, &data_off) != 0)
		goto out;
	crypto_hash_sha256_init(&h);
	left = (uint64_t)sb.st_size;
	while (left) {
		ssize_t k = read(fd, rbuf, left < PACK_RBUF ? (size_t)left : PACK_RBUF);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			/* Publishing replaces files by rename: an open file never shrinks. */
			log_fail("%s changed while packing; run mirror pack again", path);
			goto out;
		}
		crypto_hash_sha256_update(&h, (const uint8_t *)rbuf, (size_t)k);
		if (tar_write_data(tw, rbuf, (size_t)k) != 0)
			goto out;
		left -= (uint64_t)k;
	}
	crypto_hash_sha256_final(&h, sha);
	if (tar_write_pad(tw, (uint64_t)sb.st_size) != 0 ||
	    manifest_builder_add(mb, rel, (uint64_t)sb.st_size, header_off, data_off, sha) != 0)
		goto out;
	st->files++;
	st->bytes += (uint64_t)sb.st_size;
	rc = 0;
out:
	close(fd);
	return rc;
}

/* The time of the bundle already published, or 0. */
static int64_t previous_time(const char *mdir, struct manifest *prev)
{
	char path[4096];
	struct buf b = BUF_INIT;
	int64_t t = 0;

	snprintf(path, sizeof(path), "%s/manifest", mdir);
	if (fs_exists(path) && fs_read_file(path, &b, MIRROR_MAX_MANIFEST) == 0 &&
	    manifest_parse(prev, b.p, b.n) == 0)
		t = prev->time;
	buf_finish(&b);
	return t;
}

/* Removes parts that neither the new nor the previous manifest names. */
static void sweep_parts(const char *mdir, const struct parts *now, const struct manifest *prev)
{
	char dir[4096];
	DIR *d;
	struct dirent *e;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/parts", mdir);
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char hex[2 * MANIFEST_HASH_LEN + 1], path[4096];
		bool keep = e->d_name[0] == '.';
		for (i = 0; !keep && i < now->n; i++)
			keep = strcmp(now->v[i].hex, e->d_name) == 0;
		for (i = 0; !keep && prev->a && i < prev->nparts; i++) {
			manifest_hex(prev->parts[i].sha, hex);
			keep = strcmp(hex, e->d_name) == 0;
		}
		if (!keep) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	closedir(d);
}

static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fs_write_atomic(path, p, n, FS_SYNC) == FS_WRITE_ERROR ? -1 : 0;
}

/* Copies (or hard-links) the bundle to out, with its signature beside.  0 or -1. */
static int copy_out(const char *tar, const char *out, const struct buf *sig)
{
	char tmp[4096], sigpath[4096];
	char chunk[65536];
	int in, fd, rc = -1;

	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", out, (long)getpid());
	snprintf(sigpath, sizeof(sigpath), "%s.minisig", out);
	unlink(tmp);
	if (link(tar, tmp) != 0) {
		ssize_t k;
		in = open(tar, O_RDONLY | O_CLOEXEC);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (in < 0 || fd < 0) {
			log_fail("cannot write %s: %s", out, strerror(errno));
			if (in >= 0)
				close(in);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		while ((k = read(in, chunk, sizeof(chunk))) > 0)
			if (write(fd, chunk, (size_t)k) != k) {
				k = -1;
				break;
			}
		close(in);
		if (k < 0 || fsync(fd) != 0) {
			log_fail("cannot write %s: %s", out, strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		close(fd);
	}
	if (rename(tmp, out) != 0) {
		log_fail("cannot write %s: %s", out, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (fs_write_atomic(sigpath, sig->p, sig->n, FS_SYNC) != FS_WRITE_ERROR)
		rc = 0;
	return rc;
}

int mirror_pack(const struct mirror_pack_opts *o, struct mirror_pack_stats *st)
{
	struct mirror_pack_stats local;
	struct paths files = {0};
	struct parts parts = {0};
	struct manifest prev;
	struct manifest_builder mb;
	struct tar_writer tw;
	struct out out = {.fd = -1};
	struct buf manifest = BUF_INIT, sig = BUF_INIT, tarsig = BUF_INIT, comment = BUF_INIT;
	struct buf pubtext = BUF_INIT, mjson = BUF_INIT, mjsig = BUF_INIT;
	struct minisign_pub pub;
	char mdir[4096], tmp[4096], final[4096], path[4200], *rbuf = xmalloc(PACK_RBUF);
	uint8_t th[MINISIGN_HASH_LEN];
	struct timespec t0, t1;
	int64_t prev_time;
	size_t i;
	int rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	memset(&prev, 0, sizeof(prev));
	manifest_builder_init(&mb, keep_part, &parts);
	snprintf(mdir, sizeof(mdir), "%s/mirror", o->public_dir);
	snprintf(final, sizeof(final), "%s/site.tar", mdir);
	snprintf(tmp, sizeof(tmp), "%s/.site.tar.%ld.tmp", mdir, (long)getpid());
	if (!fs_is_dir(o->public_dir)) {
		log_fail("%s does not exist (build the site first: tamizdat build)", o->public_dir);
		goto out;
	}
	if (fs_mkdirs(mdir) != 0)
		goto out;

	st->time = o->time ? o->time : (int64_t)time(NULL);
	prev_time = previous_time(mdir, &prev);
	if (!o->exact_time && st->time <= prev_time)
		st->time = prev_time + 1;

	if (walk(o->public_dir, "", &files) != 0)
		goto out;
	qsort(files.v, files.n, sizeof(char *), cmp_path);

	out.path = final;
	out.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out.fd < 0) {
		log_fail("cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	buf_grow(&out.w, PACK_WBUF + TAR_BLOCK * 4);
	crypto_generichash_init(&out.h, NULL, 0, MINISIGN_HASH_LEN);
	tar_writer_init(&tw, st->time, sink, &out);
	for (i = 0; i < files.n; i++)
		if (add_file(&tw, &mb, o->public_dir, files.v[i], rbuf, st) != 0)
			goto out;
	if (manifest_builder_end(&mb, st->time, o->site_url, &manifest) != 0)
		goto out;
	for (i = 0; i < parts.n; i++) {
		char name[128];
		snprintf(name, sizeof(name), "mirror/parts/%s", parts.v[i].hex);
		if (tar_write_file(&tw, name, parts.v[i].text, parts.v[i].n, NULL) != 0)
			goto out;
	}
	/* The key and the signature of mirrors.json travel with the bundle. */
	minisign_pub_of(o->key, &pub);
	minisign_pub_format(&pub, &pubtext);
	if (tar_write_file(&tw, "mirror/" MIRROR_PUB_FILE, pubtext.p, pubtext.n, NULL) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/mirrors.json", o->public_dir);
	if (fs_exists(path)) {
		if (fs_read_file(path, &mjson, MIRROR_MAX_MANIFEST) != 0)
			goto out;
		minisign_sign(o->key, mjson.p, mjson.n, "file:mirrors.json", &mjsig);
		if (tar_write_file(&tw, "mirror/mirrors.json.minisig", mjsig.p, mjsig.n, NULL) != 0)
			goto out;
	}
	buf_printf(&comment, "timestamp:%lld\tfile:manifest\tsite:%.512s", (long long)st->time,
	           o->site_url);
	minisign_sign(o->key, manifest.p, manifest.n, comment.p, &sig);
	if (tar_write_file(&tw, "mirror/manifest", manifest.p, manifest.n, NULL) != 0 ||
	    tar_write_file(&tw, "mirror/manifest.minisig", sig.p, sig.n, NULL) != 0 ||
	    tar_write_end(&tw) != 0 || flush(&out) != 0)
		goto out;
	if (fsync(out.fd) != 0) {
		log_fail("cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	close(out.fd);
	out.fd = -1;
	crypto_generichash_final(&out.h, th, sizeof(th));
	buf_reset(&comment);
	buf_printf(&comment, "timestamp:%lld\tfile:site.tar\thashed", (long long)st->time);
	minisign_sign_hash(o->key, th, comment.p, &tarsig);
	st->tar_bytes = tw.off;
	st->parts = parts.n;

	/* Publish: parts (new names), the tar, then the signed manifest. */
	for (i = 0; i < parts.n; i++) {
		char name[128];
		snprintf(name, sizeof(name), "parts/%s", parts.v[i].hex);
		snprintf(path, sizeof(path), "%s/%s", mdir, name);
		if (!fs_exists(path) && write_file(mdir, name, parts.v[i].text, parts.v[i].n) != 0)
			goto out;
	}
	if (rename(tmp, final) != 0) {
		log_fail("cannot write %s: %s", final, strerror(errno));
		goto out;
	}
	if (write_file(mdir, MIRROR_PUB_FILE, pubtext.p, pubtext.n) != 0 ||
	    (mjsig.n && write_file(mdir, "mirrors.json.minisig", mjsig.p, mjsig.n) != 0))
		goto out;
	if (write_file(mdir, "site.tar.minisig", tarsig.p, tarsig.n) != 0 ||
	    write_file(mdir, "manifest.minisig", sig.p, sig.n) != 0 ||
	    write_file(mdir, "manifest", manifest.p, manifest.n) != 0)
		goto out;
	sweep_parts(mdir, &parts, &prev);
	if (o->out && copy_out(final, o->out, &tarsig) != 0)
		goto out;
	rc = 0;
out:
	if (out.fd >= 0)
		close(out.fd);
	if (rc != 0)
		unlink(tmp);
	buf_finish(&out.w);
	for (i = 0; i < parts.n; i++)
		free(parts.v[i].text);
	free(parts.v);
	paths_free(&files);
	manifest_builder_finish(&mb);
	if (prev.a)
		manifest_finish(&prev);
	buf_finish(&manifest);
	buf_finish(&sig);
	buf_finish(&tarsig);
	buf_finish(&comment);
	buf_finish(&pubtext);
	buf_finish(&mjson);
	buf_finish(&mjsig);
	free(rbuf);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}
