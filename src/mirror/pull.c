/*
 * mirror pull: making and updating a mirror from a bundle file, a folder
 * or an HTTP(S) URL, switching versions atomically.  See mirror.h.
 *
 * Sources, in the order they are recognised:
 *	http(s)://.../NAME.tar   a bundle, downloaded whole, then as below
 *	http(s)://HOST/PATH/     a published site: PATH/mirror/manifest, its
 *	                         parts, and each changed file by Range from
 *	                         PATH/mirror/site.tar -- or by its own path when
 *	                         the server has no tar or ignores Range (another
 *	                         mirror, python -m http.server)
 *	FILE                     a bundle file
 *	FOLDER                   a copy of a site: FOLDER/mirror/site.tar if it
 *	                         has one, else FOLDER/mirror/manifest and files
 */
#include "mirror/mirror_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/curl_dl.h"
#include "util/fsutil.h"
#include "util/log.h"

/* A slow mirror link is fine; a stalled one is not: give up after this long below 1 KB/s. */
#define PULL_STALL_SECONDS   120
#define PULL_CONNECT_SECONDS 30

enum src_kind { SRC_BUNDLE, SRC_DIR, SRC_HTTP };

struct source {
	enum src_kind kind;
	char *root; /* SRC_DIR: the folder; SRC_HTTP: the base URL, ending in '/' */
	struct bundle b;
	bool bundle_opened;
	CURL *curl;
	bool by_path;   /* SRC_HTTP: no usable site.tar, fetch files by path */
	char *download; /* a bundle downloaded to a temporary file */
	struct mirror_pull_stats *st;
};

/* ---- HTTP ---------------------------------------------------------- */

struct sink {
	struct buf *out;
	uint64_t max;
	bool too_big;
	FILE *file;
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;

	if (s->file)
		return fwrite(p, 1, len, s->file);
	if (s->out->n + len > s->max) {
		s->too_big = true;
		return 0;
	}
	buf_put(s->out, p, len);
	return len;
}

static int http_init(struct source *s, const char *proxy)
{
	if (curl_dl_load() != 0)
		return -1;
	s->curl = curl_easy_init();
	if (s->curl == NULL)
		return log_fail("cannot start libcurl");
	curl_easy_setopt(s->curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(s->curl, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT, (long)PULL_CONNECT_SECONDS);
	curl_easy_setopt(s->curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(s->curl, CURLOPT_LOW_SPEED_TIME, (long)PULL_STALL_SECONDS);
	curl_easy_setopt(s->curl, CURLOPT_USERAGENT, "tamizdat-mirror");
	curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	if (proxy)
		curl_easy_setopt(s->curl, CURLOPT_PROXY, proxy);
	return 0;
}

/*
 * GETs url (with range, if not NULL) into out (at most max bytes) or into
 * file.  OUT: *status.  0, or -1 on a transport error (reason recorded);
 * too large a body sets *too_big and returns 0.
 */
static int http_get(struct source *s, const char *url, const char *range, uint64_t max,
                    struct buf *out, FILE *file, long *status, bool *too_big)
{
	struct sink k = {out, max, false, file};
	CURLcode rc;

	curl_easy_setopt(s->curl, CURLOPT_URL, url);
	curl_easy_setopt(s->curl, CURLOPT_RANGE, range);
	curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, &k);
	rc = curl_easy_perform(s->curl);
	s->st->requests++;
	*status = 0;
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, status);
	if (too_big)
		*too_big = k.too_big;
	if (rc == CURLE_WRITE_ERROR && k.too_big)
		return 0;
	if (rc != CURLE_OK)
		return log_fail("cannot fetch %s: %s", url, curl_easy_strerror(rc));
	return 0;
}

/* Appends path to url, percent-encoding what is not plainly safe in a URL path. */
static void url_path(struct buf *url, const char *path)
{
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			buf_putc(url, *p);
		else
			buf_printf(url, "%%%02X", *p);
	}
}

/* ---- sources ------------------------------------------------------- */

/* Reads a file of the source's mirror/ folder (manifest, signature, parts).  0 or -1. */
static int src_meta(struct source *s, const char *name, uint64_t max, struct buf *out)
{
	struct buf url = BUF_INIT;
	long status;
	bool big;
	int rc = -1;

	buf_reset(out);
	if (s->kind == SRC_DIR) {
		buf_printf(&url, "%s/mirror/%s", s->root, name);
		if (fs_read_file(url.p, out, max) != 0)
			goto out;
		rc = 0;
		goto out;
	}
	buf_printf(&url, "%smirror/", s->root);
	url_path(&url, name);
	if (http_get(s, url.p, NULL, max, out, NULL, &status, &big) != 0)
		goto out;
	if (big) {
		log_fail("%s is larger than any manifest file should be", url.p);
		goto out;
	}
	if (status != 200) {
		if (status == 404 && strcmp(name, "manifest") == 0)
			log_fail("no published bundle at %s (%s: HTTP 404; has the publisher run "
			         "`tamizdat mirror pack`?)",
			         s->root, url.p);
		else
			log_fail("cannot fetch %s: HTTP %ld", url.p, status);
		goto out;
	}
	rc = 0;
out:
	s->st->bytes_meta += out->n;
	buf_finish(&url);
	return rc;
}

static int check_hash(const struct manifest_file *f, const struct buf *data, const char *from)
{
	uint8_t sha[MANIFEST_HASH_LEN];

	if (data->n != f->size)
		return log_fail("\"%s\" from %s has %zu bytes, not the signed %llu: the source "
		                "changed during the pull or is corrupt (try again)",
		                f->path, from, data->n, (unsigned long long)f->size);
	manifest_sha256(data->p ? data->p : "", data->n, sha);
	if (sodium_memcmp(sha, f->sha, MANIFEST_HASH_LEN) != 0)
		return log_fail("\"%s\" from %s is not the signed file (SHA-256 mismatch): the "
		                "source changed during the pull or is corrupt (try again)",
		                f->path, from);
	return 0;
}

/* Fetches a site file into out (emptied first) and checks it.  0 or -1. */
static int src_file(struct source *s, const struct manifest_file *f, struct buf *out)
{
	struct buf url = BUF_INIT;
	long status;
	bool big;
	int rc = -1;

	buf_reset(out);
	if (s->kind == SRC_BUNDLE) {
		rc = bundle_read_file(&s->b, f, out);
		goto out;
	}
	if (s->kind == SRC_DIR) {
		buf_printf(&url, "%s/%s", s->root, f->path);
		if (fs_read_file(url.p, out, f->size) != 0) {
			log_fail("%s: %s", s->root, log_reason());
			goto out;
		}
		rc = check_hash(f, out, s->root);
		goto out;
	}
	if (!s->by_path && f->size > 0) {
		char range[64];
		snprintf(range, sizeof(range), "%llu-%llu", (unsigned long long)f->off,
		         (unsigned long long)(f->off + f->size - 1));
		buf_printf(&url, "%smirror/site.tar", s->root);
		if (http_get(s, url.p, range, f->size, out, NULL, &status, &big) != 0)
			goto out;
		if (status == 206 && !big) {
			rc = check_hash(f, out, url.p);
			goto out;
		}
		if (status == 416) {
			log_fail("%s is shorter than its manifest says: it is being replaced; "
			         "try again",
			         url.p);
			goto out;
		}
		/* No tar, or a server that ignores Range: fetch files by their own paths. */
		s->by_path = true;
		buf_reset(out);
		buf_reset(&url);
	}
	buf_puts(&url, s->root);
	url_path(&url, f->path);
	if (http_get(s, url.p, NULL, f->size, out, NULL, &status, &big) != 0)
		goto out;
	if (status != 200) {
		log_fail("cannot fetch %s: HTTP %ld", url.p, status);
		goto out;
	}
	if (big) {
		log_fail("\"%s\" from %s is larger than the signed %llu bytes: the source "
		         "changed during the pull or is corrupt (try again)",
		         f->path, url.p, (unsigned long long)f->size);
		goto out;
	}
	rc = check_hash(f, out, url.p);
out:
	buf_finish(&url);
	return rc;
}

static bool is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Downloads a bundle URL into a temporary file in tmpdir.  0 or -1. */
static int download(struct source *s, const char *url, const char *tmpdir)
{
	size_t n = strlen(tmpdir) + 64;
	FILE *f;
	long status;
	int rc;

	s->download = xmalloc(n);
	snprintf(s->download, n, "%s/.download.%ld.tar", tmpdir, (long)getpid());
	f = fopen(s->download, "wbe");
	if (f == NULL)
		return log_fail("cannot write %s: %s", s->download, strerror(errno));
	rc = http_get(s, url, NULL, 0, NULL, f, &status, NULL);
	if (fclose(f) != 0 && rc == 0)
		rc = log_fail("cannot write %s: %s", s->download, strerror(errno));
	if (rc == 0 && status != 200)
		rc = log_fail("cannot fetch %s: HTTP %ld", url, status);
	if (rc == 0) {
		struct stat st;
		if (stat(s->download, &st) == 0)
			s->st->bytes_files += (uint64_t)st.st_size;
	}
	return rc;
}

/* ---- the mirror's own state ---------------------------------------- */

struct target {
	char *dir;      /* DIR, without trailing slashes */
	char *parent;   /* its folder */
	char *base;     /* its name */
	char *vdir;     /* DIR.mirror */
	char *current;  /* the version DIR points at, or NULL */
	bool empty_dir; /* DIR is an empty real folder, to be replaced */
};

static void target_finish(struct target *t)
{
	free(t->dir);
	free(t->parent);
	free(t->base);
	free(t->vdir);
	free(t->current);
}

static int target_init(struct target *t, const char *dir)
{
	struct stat st;
	size_t n;
	char *copy, link[4096];
	ssize_t k;

	memset(t, 0, sizeof(*t));
	t->dir = xstrdup(dir);
	n = strlen(t->dir);
	while (n > 1 && t->dir[n - 1] == '/')
		t->dir[--n] = '\0';
	copy = xstrdup(t->dir);
	t->parent = xstrdup(dirname(copy));
	free(copy);
	copy = xstrdup(t->dir);
	t->base = xstrdup(basename(copy));
	free(copy);
	if (strcmp(t->base, "/") == 0 || strcmp(t->base, ".") == 0 || strcmp(t->base, "..") == 0)
		return log_fail("cannot make a mirror at %s: name a new folder", dir);
	t->vdir = xmalloc(n + 16);
	snprintf(t->vdir, n + 16, "%s.mirror", t->dir);

	if (lstat(t->dir, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return log_fail("cannot use %s: %s", t->dir, strerror(errno));
	}
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(t->dir);
		struct dirent *e;
		bool empty = true;
		if (d == NULL)
			return log_fail("cannot read %s: %s", t->dir, strerror(errno));
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				empty = false;
		closedir(d);
		if (!empty)
			return log_fail(
			        "%s is a folder with files, not a mirror made by tamizdat "
			        "(a mirror is a symbolic link to %s.mirror/VERSION): pull into "
			        "a new path",
			        t->dir, t->base);
		t->empty_dir = true;
		return 0;
	}
	if (!S_ISLNK(st.st_mode))
		return log_fail("%s exists and is not a mirror", t->dir);
	k = readlink(t->dir, link, sizeof(link) - 1);
	if (k < 0)
		return log_fail("cannot read link %s: %s", t->dir, strerror(errno));
	link[k] = '\0';
	n = strlen(t->base);
	if (strncmp(link, t->base, n) != 0 || strncmp(link + n, ".mirror/", 8) != 0 ||
	    strchr(link + n + 8, '/') || !link[n + 8])
		return log_fail("%s points at %s, not at a version of this mirror", t->dir, link);
	n = strlen(t->vdir) + strlen(link + n + 8) + 2;
	t->current = xmalloc(n);
	snprintf(t->current, n, "%s/%s", t->vdir, link + strlen(t->base) + 8);
	return 0;
}

/* Loads the current version's manifest (trusted: this program wrote it).  0 or -1. */
static int load_current(const char *cur, struct manifest *m, struct buf *text)
{
	char path[4096];
	struct buf part = BUF_INIT;
	size_t i;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/mirror/manifest", cur);
	if (fs_read_file(path, text, MIRROR_MAX_MANIFEST) != 0 ||
	    manifest_parse(m, text->p, text->n))
		goto out;
	for (i = 0; i < m->nparts; i++) {
		char hex[2 * MANIFEST_HASH_LEN + 1];
		manifest_hex(m->parts[i].sha, hex);
		snprintf(path, sizeof(path), "%s/mirror/parts/%s", cur, hex);
		buf_reset(&part);
		if (fs_read_file(path, &part, MIRROR_MAX_PART) != 0 ||
		    manifest_add_part(m, part.p, part.n) != 0)
			goto out;
	}
	rc = manifest_complete(m);
out:
	buf_finish(&part);
	return rc;
}

/* ---- writing the new version --------------------------------------- */

/* Creates the folders above path (inside the new version).  0 or -1. */
static int parents(char *path, struct buf *last)
{
	char *slash = strrchr(path, '/');
	int rc = 0;

	if (slash == NULL)
		return 0;
	*slash = '\0';
	if (strcmp(buf_cstr(last), path) != 0) {
		rc = fs_mkdirs(path);
		buf_reset(last);
		buf_puts(last, path);
	}
	*slash = '/';
	return rc;
}

static int write_new(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	ssize_t k = 0;
	size_t done = 0;

	if (fd < 0)
		return log_fail("cannot write %s: %s", path, strerror(errno));
	while (done < n && (k = write(fd, (const char *)p + done, n - done)) > 0)
		done += (size_t)k;
	if (done != n || close(fd) != 0) {
		if (done != n)
			close(fd);
		return log_fail("cannot write %s: %s", path, strerror(errno));
	}
	return 0;
}

/* Hard-links (or, across file systems, copies) from to to.  0, or -1 if from is unusable. */
static int carry(const char *from, const char *to, struct buf *tmp)
{
	if (link(from, to) == 0)
		return 0;
	if (errno == ENOENT)
		return -1;
	buf_reset(tmp);
	if (fs_read_file(from, tmp, (size_t)-1 / 2) != 0)
		return -1;
	return write_new(to, tmp->p, tmp->n);
}

/* Removes versions other than keep1 and keep2, and abandoned temporary ones. */
static void sweep_versions(const char *vdir, const char *keep1, const char *keep2)
{
	DIR *d = opendir(vdir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		if (e->d_name[0] == '.' || strcmp(e->d_name, "minisign.pub") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", vdir, e->d_name);
		if ((keep1 && strcmp(path, keep1) == 0) || (keep2 && strcmp(path, keep2) == 0))
			continue;
		if (fs_is_dir(path))
			fs_remove_tree(path);
	}
	closedir(d);
}

/* ---- the pull ------------------------------------------------------ */

static int open_source(struct source *s, const char *src, const char *vdir,
                       const struct minisign_pub *pub, const char *proxy)
{
	struct stat st;
	char path[4096];

	if (is_url(src)) {
		size_t n = strlen(src);
		if (http_init(s, proxy) != 0)
			return -1;
		if (ends_with(src, ".tar")) {
			if (download(s, src, vdir) != 0)
				return -1;
			s->kind = SRC_BUNDLE;
			s->bundle_opened = true;
			return bundle_open(&s->b, s->download, pub);
		}
		s->kind = SRC_HTTP;
		s->root = xmalloc(n + 2);
		snprintf(s->root, n + 2, "%s%s", src, src[n - 1] == '/' ? "" : "/");
		return 0;
	}
	if (stat(src, &st) != 0)
		return log_fail("cannot read %s: %s", src, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		s->kind = SRC_BUNDLE;
		s->bundle_opened = true;
		return bundle_open(&s->b, src, pub);
	}
	if (!S_ISDIR(st.st_mode))
		return log_fail("%s is neither a bundle nor a folder", src);
	snprintf(path, sizeof(path), "%s/mirror/site.tar", src);
	if (fs_exists(path)) {
		s->kind = SRC_BUNDLE;
		s->bundle_opened = true;
		return bundle_open(&s->b, path, pub);
	}
	snprintf(path, sizeof(path), "%s/mirror/manifest", src);
	if (!fs_exists(path))
		return log_fail("%s holds no bundle (no mirror/site.tar nor mirror/manifest)", src);
	s->kind = SRC_DIR;
	s->root = xstrdup(src);
	return 0;
}

static void source_close(struct source *s)
{
	if (s->bundle_opened)
		bundle_close(&s->b);
	if (s->curl)
		curl_easy_cleanup(s->curl);
	if (s->download) {
		unlink(s->download);
		free(s->download);
	}
	free(s->root);
}

/* Fetches of a manifest whose signature does not match it, after the first. */
#define MIRROR_SIG_RETRIES 1

/* The manifest (and its signature text) of a DIR or HTTP source, parts included.  0 or -1. */
static int remote_manifest(struct source *s, const struct minisign_pub *pub, const char *cur,
                           struct manifest *m, struct buf *text, struct buf *sig)
{
	struct buf part = BUF_INIT;
	char path[4096];
	size_t i;
	int rc = -1;

	for (i = 0;; i++) {
		buf_reset(text);
		buf_reset(sig);
		if (src_meta(s, "manifest", MIRROR_MAX_MANIFEST, text) != 0 ||
		    src_meta(s, "manifest.minisig", MIRROR_MAX_SIG, sig) != 0)
			goto out;
		if (mirror_check_signature(pub, text, sig) == 0)
			break;
		/*
		 * `mirror pack` writes the two one after the other: a pull in
		 * between sees one new and one old.  Once more, a moment later;
		 * a second refusal stands.
		 */
		if (i == MIRROR_SIG_RETRIES)
			goto out;
		log_clear();
		sleep(1);
	}
	if (manifest_parse(m, text->p, text->n))
		goto out;
	for (i = 0; i < m->nparts; i++) {
		char hex[2 * MANIFEST_HASH_LEN + 1], name[128];
		manifest_hex(m->parts[i].sha, hex);
		buf_reset(&part);
		/* A part the mirror has already is the same bytes: its name is its hash. */
		snprintf(path, sizeof(path), "%s/mirror/parts/%s", cur ? cur : "", hex);
		if (cur == NULL || fs_read_file(path, &part, MIRROR_MAX_PART) != 0) {
			snprintf(name, sizeof(name), "parts/%s", hex);
			if (src_meta(s, name, MIRROR_MAX_PART, &part) != 0)
				goto out;
			s->st->parts_fetched++;
		}
		if (manifest_add_part(m, part.p, part.n) != 0)
			goto out;
	}
	rc = manifest_complete(m);
out:
	buf_finish(&part);
	return rc;
}

/* Writes the new version into tmp.  0 or -1. */
static int build_version(struct source *s, const struct manifest *nm, const struct manifest *cm,
                         const char *cur, const char *tmp, const struct buf *mtext,
                         const struct buf *msig, const struct minisign_pub *pub,
                         const struct buf *mjsig)
{
	struct buf data = BUF_INIT, last = BUF_INIT, path = BUF_INIT, from = BUF_INIT;
	size_t i;
	int rc = -1;

	for (i = 0; i < nm->nloaded; i++) {
		const struct manifest_file *f = &nm->files[i];
		const struct manifest_file *old = cm ? manifest_find(cm, f->path) : NULL;
		buf_reset(&path);
		buf_printf(&path, "%s/%s", tmp, f->path);
		if (parents(path.p, &last) != 0)
			goto out;
		if (old && old->size == f->size &&
		    memcmp(old->sha, f->sha, MANIFEST_HASH_LEN) == 0) {
			buf_reset(&from);
			buf_printf(&from, "%s/%s", cur, f->path);
			if (carry(from.p, path.p, &data) == 0) {
				s->st->kept++;
				continue;
			}
		}
		if (src_file(s, f, &data) != 0 || write_new(path.p, data.p, data.n) != 0)
			goto out;
		s->st->fetched++;
		if (s->kind != SRC_BUNDLE || s->download == NULL)
			s->st->bytes_files += data.n;
	}
	/* The signed state, so that the next pull (and other mirrors) can start from it. */
	buf_reset(&path);
	buf_printf(&path, "%s/mirror/parts", tmp);
	if (fs_mkdirs(path.p) != 0)
		goto out;
	for (i = 0; i < nm->nparts; i++) {
		char hex[2 * MANIFEST_HASH_LEN + 1];
		size_t first = 0, k;
		manifest_hex(nm->parts[i].sha, hex);
		for (k = 0; k < i; k++)
			first += nm->parts[k].nfiles;
		buf_reset(&data);
		for (k = first; k < first + nm->parts[i].nfiles; k++) {
			const struct manifest_file *f = &nm->files[k];
			char fh[2 * MANIFEST_HASH_LEN + 1];
			manifest_hex(f->sha, fh);
			buf_printf(&data, "%s %llu %llu %s\n", fh, (unsigned long long)f->size,
			           (unsigned long long)(f->off - nm->parts[i].base), f->path);
		}
		buf_reset(&path);
		buf_printf(&path, "%s/mirror/parts/%s", tmp, hex);
		if (write_new(path.p, data.p, data.n) != 0)
			goto out;
	}
	/* The key this pull trusted, and the signature of mirrors.json if it holds. */
	buf_reset(&data);
	minisign_pub_format(pub, &data);
	buf_reset(&path);
	buf_printf(&path, "%s/mirror/" MIRROR_PUB_FILE, tmp);
	if (write_new(path.p, data.p, data.n) != 0)
		goto out;
	if (mjsig && mjsig->n) {
		struct minisign_sig sig;
		buf_reset(&path);
		buf_printf(&path, "%s/mirrors.json", tmp);
		buf_reset(&data);
		if (fs_exists(path.p) && fs_read_file(path.p, &data, MIRROR_MAX_MANIFEST) == 0 &&
		    minisign_sig_parse(&sig, mjsig->p, mjsig->n) == 0 &&
		    minisign_verify(pub, &sig, data.p ? data.p : "", data.n) == 0) {
			buf_reset(&path);
			buf_printf(&path, "%s/mirror/mirrors.json.minisig", tmp);
			if (write_new(path.p, mjsig->p, mjsig->n) != 0)
				goto out;
		} else {
			log_warn("the source's mirrors.json.minisig does not verify: left out");
		}
	}
	buf_reset(&path);
	buf_printf(&path, "%s/mirror/manifest", tmp);
	if (write_new(path.p, mtext->p, mtext->n) != 0)
		goto out;
	buf_reset(&path);
	buf_printf(&path, "%s/mirror/manifest.minisig", tmp);
	if (write_new(path.p, msig->p, msig->n) != 0)
		goto out;
	rc = 0;
out:
	buf_finish(&data);
	buf_finish(&last);
	buf_finish(&path);
	buf_finish(&from);
	return rc;
}

static size_t count_removed(const struct manifest *nm, const struct manifest *cm)
{
	size_t i, n = 0;

	for (i = 0; cm && i < cm->nloaded; i++)
		if (manifest_find(nm, cm->files[i].path) == NULL)
			n++;
	return n;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return log_fail("cannot open %s: %s", dir, strerror(errno));
	/* One syncfs for the thousands of files just written, not one fsync each. */
	if (syncfs(fd) != 0) {
		close(fd);
		return log_fail("cannot sync %s: %s", dir, strerror(errno));
	}
	close(fd);
	return 0;
}

/* Points DIR at version name in one rename.  0 or -1. */
static int switch_to(const struct target *t, const char *name)
{
	char target[4096], tmp[4096];

	snprintf(target, sizeof(target), "%s.mirror/%s", t->base, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.link.%ld", t->parent, t->base, (long)getpid());
	unlink(tmp);
	if (symlink(target, tmp) != 0)
		return log_fail("cannot create link %s: %s", tmp, strerror(errno));
	if (t->empty_dir && rmdir(t->dir) != 0) {
		unlink(tmp);
		return log_fail("cannot replace %s: %s", t->dir, strerror(errno));
	}
	if (rename(tmp, t->dir) != 0) {
		unlink(tmp);
		return log_fail("cannot switch %s: %s", t->dir, strerror(errno));
	}
	return sync_dir(t->parent);
}

int mirror_pull(const struct mirror_pull_opts *o, struct mirror_pull_stats *st)
{
	struct mirror_pull_stats local;
	struct target t;
	struct source s;
	struct manifest nm_own, cm;
	const struct manifest *nm;
	struct minisign_pub pinned;
	const struct minisign_pub *pub = o->pub;
	struct buf mtext = BUF_INIT, msig = BUF_INIT, ctext = BUF_INIT, path = BUF_INIT;
	struct buf mjsig = BUF_INIT;
	char name[64], tmp[4096], final[4096], lockpath[4096];
	struct timespec t0, t1;
	bool have_cur = false, made_tmp = false;
	int lockfd = -1, rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	memset(&s, 0, sizeof(s));
	memset(&nm_own, 0, sizeof(nm_own));
	memset(&cm, 0, sizeof(cm));
	s.st = st;
	s.b.fd = -1;
	if (target_init(&t, o->dir) != 0)
		goto out;
	if (fs_mkdirs(t.vdir) != 0)
		goto out;
	snprintf(lockpath, sizeof(lockpath), "%s/.lock", t.vdir);
	lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
		log_fail("another pull into %s is running", t.dir);
		goto out;
	}

	/* Whose signatures to believe: the key given, else the one pinned by the first pull. */
	buf_printf(&path, "%s/%s", t.vdir, MIRROR_PUB_FILE);
	if (pub == NULL) {
		if (!fs_exists(path.p)) {
			log_fail("no public key to check %s with: give the publisher's key with "
			         "--pubkey on the first pull",
			         o->source);
			goto out;
		}
		if (mirror_pub_load(path.p, &pinned) != 0)
			goto out;
		pub = &pinned;
	}

	if (t.current && load_current(t.current, &cm, &ctext) == 0) {
		have_cur = true;
	} else if (t.current) {
		log_warn("%s: the current version's manifest is unreadable (%s); fetching "
		         "everything",
		         t.dir, log_reason());
	}

	if (open_source(&s, o->source, t.vdir, pub, o->proxy) != 0)
		goto out;
	if (s.kind == SRC_BUNDLE) {
		nm = &s.b.m;
		buf_put(&mtext, s.b.manifest.p, s.b.manifest.n);
		buf_put(&msig, s.b.sig.p, s.b.sig.n);
	} else {
		if (remote_manifest(&s, pub, have_cur ? t.current : NULL, &nm_own, &mtext, &msig))
			goto out;
		nm = &nm_own;
	}
	st->time = nm->time;
	st->files = nm->nloaded;
	if (have_cur) {
		st->old_time = cm.time;
		if (nm->time < cm.time) {
			log_fail("refusing a downgrade: the source's bundle was signed at %lld, "
			         "before the mirror's (%lld); an old bundle replayed?",
			         (long long)nm->time, (long long)cm.time);
			goto out;
		}
		if (nm->time == cm.time) {
			if (mtext.n == ctext.n && memcmp(mtext.p, ctext.p, mtext.n) == 0) {
				st->up_to_date = true;
				rc = 0;
				goto out;
			}
			log_fail("refusing the bundle: it has the same signed time as the mirror's "
			         "(%lld) but other contents",
			         (long long)nm->time);
			goto out;
		}
	}

	snprintf(name, sizeof(name), "%lld", (long long)nm->time);
	snprintf(final, sizeof(final), "%s/%s", t.vdir, name);
	/*
	 * The version DIR points at may bear this name (its manifest was
	 * unreadable): readers are inside it, so it stays until the switch.
	 */
	for (int k = 1; t.current && strcmp(final, t.current) == 0; k++) {
		snprintf(name, sizeof(name), "%lld.%d", (long long)nm->time, k);
		snprintf(final, sizeof(final), "%s/%s", t.vdir, name);
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.tmp", t.vdir, name, (long)getpid());
	fs_remove_tree(tmp);
	if (mkdir(tmp, 0755) != 0) {
		log_fail("cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	made_tmp = true;
	if (s.kind == SRC_BUNDLE)
		buf_put(&mjsig, s.b.mirrors_sig.p, s.b.mirrors_sig.n);
	else if (src_meta(&s, "mirrors.json.minisig", MIRROR_MAX_SIG, &mjsig) != 0)
		buf_reset(&mjsig); /* optional */
	if (build_version(&s, nm, have_cur ? &cm : NULL, t.current, tmp, &mtext, &msig, pub,
	                  &mjsig) != 0)
		goto out;
	st->removed = count_removed(nm, have_cur ? &cm : NULL);
	if (sync_dir(tmp) != 0)
		goto out;
	if (fs_is_dir(final) && fs_remove_tree(final) != 0)
		goto out;
	if (rename(tmp, final) != 0) {
		log_fail("cannot rename %s: %s", tmp, strerror(errno));
		goto out;
	}
	made_tmp = false;
	if (switch_to(&t, name) != 0) {
		fs_remove_tree(final);
		goto out;
	}
	/* Pin the key that verified this pull. */
	if (o->pub) {
		struct buf k = BUF_INIT;
		minisign_pub_format(o->pub, &k);
		if (fs_write_atomic(path.p, k.p, k.n, FS_SYNC) == FS_WRITE_ERROR)
			log_warn("cannot pin the public key: %s", log_reason());
		buf_finish(&k);
	}
	sweep_versions(t.vdir, final, t.current);
	rc = 0;
out:
	if (made_tmp)
		fs_remove_tree(tmp);
	source_close(&s);
	if (nm_own.a)
		manifest_finish(&nm_own);
	if (cm.a)
		manifest_finish(&cm);
	if (lockfd >= 0)
		close(lockfd);
	buf_finish(&mtext);
	buf_finish(&msig);
	buf_finish(&ctext);
	buf_finish(&path);
	buf_finish(&mjsig);
	target_finish(&t);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}
