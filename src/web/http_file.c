/*
 * The files under the served root: opened without ever leaving it, typed
 * by name, and turned into ready MHD responses kept by http_cache.c.
 *
 * Opening goes through openat2(RESOLVE_BENEATH) from a descriptor of the
 * root, so a symlink may point anywhere inside the root but never out of
 * it; where the kernel lacks openat2 (before 5.6, or a seccomp filter)
 * each component is opened with O_NOFOLLOW instead, which refuses every
 * symlink.  Paths arrive already normalised (http_path_normalise), so
 * neither ".." nor a dotfile ever gets here.
 *
 * A file up to HTTP_CACHE_FILE_MAX is read once, with its .gz, into
 * responses built once with all their headers; MHD counts references on a
 * response, so one is queued to any number of connections at once.  A hit
 * older than HTTP_REVALIDATE_MS, or older than the last
 * http_server_invalidate(), stats the file and its .gz again: publishing
 * replaces files by rename, so a new inode, size or mtime means new bytes.
 * Between checks a hit costs no system call at all, which matters: on this
 * VM two stat() calls per request cost a third of the throughput.
 */
#include "web/http_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/log.h"
#include "util/util.h"

/* Bookkeeping charged to each cached entry besides its bytes. */
#define ENTRY_OVERHEAD 2048

atomic_bool http_no_openat2;

/* Pages and feeds change on publish: revalidate them every time (a 304 is cheap). */
#define CC_DOC "no-cache"
/* Stylesheets, images and fonts are not fingerprinted: an hour is a modest staleness. */
#define CC_ASSET "max-age=3600"

struct ctype {
	const char *ext;
	const char *type;
	bool compressible, doc;
};

/* By extension; sorted only for the reader. */
static const struct ctype ctypes[] = {
        {"asc", "text/plain; charset=utf-8", true, true},
        {"atom", "application/atom+xml; charset=utf-8", true, true},
        {"avif", "image/avif", false, false},
        {"bmp", "image/bmp", true, false},
        {"css", "text/css; charset=utf-8", true, false},
        {"csv", "text/csv; charset=utf-8", true, true},
        {"epub", "application/epub+zip", false, false},
        {"gif", "image/gif", false, false},
        {"gz", "application/gzip", false, false},
        {"htm", "text/html; charset=utf-8", true, true},
        {"html", "text/html; charset=utf-8", true, true},
        {"ico", "image/x-icon", true, false},
        {"jpeg", "image/jpeg", false, false},
        {"jpg", "image/jpeg", false, false},
        {"js", "text/javascript; charset=utf-8", true, false},
        {"json", "application/json", true, true},
        {"map", "application/json", true, false},
        {"md", "text/markdown; charset=utf-8", true, true},
        {"minisig", "text/plain; charset=utf-8", true, false},
        {"mjs", "text/javascript; charset=utf-8", true, false},
        {"mp3", "audio/mpeg", false, false},
        {"mp4", "video/mp4", false, false},
        {"oga", "audio/ogg", false, false},
        {"ogg", "audio/ogg", false, false},
        {"opus", "audio/ogg", false, false},
        {"otf", "font/otf", true, false},
        {"pdf", "application/pdf", false, false},
        {"png", "image/png", false, false},
        {"rss", "application/rss+xml; charset=utf-8", true, true},
        {"sig", "application/pgp-signature", false, false},
        {"svg", "image/svg+xml", true, false},
        {"tar", "application/x-tar", true, false},
        {"ttf", "font/ttf", true, false},
        {"txt", "text/plain; charset=utf-8", true, true},
        {"wasm", "application/wasm", true, false},
        {"webm", "video/webm", false, false},
        {"webmanifest", "application/manifest+json", true, false},
        {"webp", "image/webp", false, false},
        {"woff", "font/woff", false, false},
        {"woff2", "font/woff2", false, false},
        {"xml", "application/xml; charset=utf-8", true, true},
        {"xsl", "application/xslt+xml; charset=utf-8", true, false},
        {"zip", "application/zip", false, false},
};

/* Feeds are told apart from other XML and JSON by their conventional names. */
static const struct ctype named[] = {
        {"atom.xml", "application/atom+xml; charset=utf-8", true, true},
        {"rss.xml", "application/rss+xml; charset=utf-8", true, true},
        {"feed.json", "application/feed+json", true, true},
};

static const struct ctype octets = {"", "application/octet-stream", false, false};

static const struct ctype *type_of(const char *rel)
{
	const char *base = strrchr(rel, '/'), *dot;
	size_t i;

	base = base ? base + 1 : rel;
	for (i = 0; i < NELEM(named); i++)
		if (strcmp(base, named[i].ext) == 0)
			return &named[i];
	dot = strrchr(base, '.');
	if (dot == NULL)
		return &octets;
	for (i = 0; i < NELEM(ctypes); i++)
		if (strcasecmp(dot + 1, ctypes[i].ext) == 0)
			return &ctypes[i];
	return &octets;
}

/* Whether a path component would leave its folder; normalised paths have none. */
static bool dot_or_dotdot(const char *c)
{
	return c[0] == '\0' || strcmp(c, ".") == 0 || strcmp(c, "..") == 0;
}

/* Opens rel under rootfd component by component, refusing every symlink. */
static int open_walk(int rootfd, const char *rel, int flags)
{
	char path[HTTP_PATH_MAX + 16], *comp, *slash;
	int dfd = rootfd, fd;

	if (strlen(rel) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(path, rel);
	for (comp = path; (slash = strchr(comp, '/')) != NULL; comp = slash + 1) {
		*slash = '\0';
		if (dot_or_dotdot(comp)) {
			fd = -1;
			errno = ENOENT;
		} else {
			fd = openat(dfd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (dfd != rootfd)
			close(dfd);
		if (fd < 0)
			return -1;
		dfd = fd;
	}
	if (dot_or_dotdot(comp)) {
		errno = ENOENT;
		fd = -1;
	} else {
		fd = openat(dfd, comp, flags | O_NOFOLLOW);
	}
	if (dfd != rootfd) {
		int e = errno;
		close(dfd);
		errno = e;
	}
	return fd;
}

/* Opens rel for reading without leaving the root; -1 with errno. */
static int open_beneath(int rootfd, const char *rel)
{
	/* O_NONBLOCK: a FIFO someone left in the root must not hang a worker. */
	int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	struct open_how how = {
	        .flags = (uint64_t)flags,
	        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (!atomic_load_explicit(&http_no_openat2, memory_order_relaxed)) {
		fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return fd;
		if (errno == ENOSYS)
			atomic_store(&http_no_openat2, true);
	}
	return open_walk(rootfd, rel, flags);
}

static void fid_of(const struct stat *st, struct http_fid *id)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = (uint64_t)st->st_size;
	id->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static bool fid_eq(const struct http_fid *a, const struct http_fid *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns;
}

/* Reads the whole of fd (size bytes) into a new heap buffer; NULL with errno. */
static char *read_all(int fd, uint64_t size)
{
	char *p = xmalloc((size_t)size + 1);
	size_t got = 0;

	while (got < size) {
		ssize_t r = pread(fd, p + got, (size_t)size - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* A file cut short under us (not written atomically): serve nothing stale.
			 */
			if (r == 0)
				errno = EIO;
			free(p);
			return NULL;
		}
		got += (size_t)r;
	}
	p[size] = '\0';
	return p;
}

void http_file_headers(const struct http_server *srv, const struct http_file *f, bool gz,
                       struct MHD_Response *r, bool body)
{
	if (body)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, f->type);
	if (gz && body)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, gz ? f->etag_gz : f->etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, f->lastmod);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, f->cache_control);
	if (f->compressible)
		MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (!gz && body)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	if (srv->cfg.onion) {
		/* The same file on the onion service, not just its home page. */
		static const struct http_header skip = {(char *)HTTP_ONION_LOCATION, NULL};
		struct buf loc = BUF_INIT;
		size_t n = strlen(srv->cfg.onion);

		buf_put(&loc, srv->cfg.onion, n && srv->cfg.onion[n - 1] == '/' ? n - 1 : n);
		http_path_encode(&loc, f->key);
		MHD_add_response_header(r, HTTP_ONION_LOCATION, loc.p);
		buf_finish(&loc);
		http_add_site_headers(srv, r, &skip, 1);
		return;
	}
	http_add_site_headers(srv, r, NULL, 0);
}

static struct MHD_Response *buffer_response(const struct http_server *srv,
                                            const struct http_file *f, bool gz, char *data,
                                            uint64_t size)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer_with_free_callback((size_t)size, data, free);
	if (r == NULL)
		fatal("cannot create a response");
	http_file_headers(srv, f, gz, r, true);
	return r;
}

static struct MHD_Response *empty_response(const struct http_server *srv, const struct http_file *f,
                                           bool gz)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		fatal("cannot create a response");
	/* libmicrohttpd 0.9.75 adds "Content-Length: 0" to a 304; clients ignore it. */
	http_file_headers(srv, f, gz, r, false);
	return r;
}

static void file_free(struct http_file *f)
{
	if (f->full)
		MHD_destroy_response(f->full);
	if (f->full_gz)
		MHD_destroy_response(f->full_gz);
	if (f->nm)
		MHD_destroy_response(f->nm);
	if (f->nm_gz)
		MHD_destroy_response(f->nm_gz);
	if (f->fd >= 0)
		close(f->fd);
	if (f->gzfd >= 0)
		close(f->gzfd);
	free(f->key);
	free(f->rel);
	free(f->relgz);
	free(f);
}

void http_file_unref(struct http_file *f)
{
	if (f != NULL && atomic_fetch_sub(&f->refs, 1) == 1)
		file_free(f);
}

/* Looks at the .gz beside f; keeps its descriptor in f->gzfd when it is worth sending. */
static void load_gz(struct http_server *srv, struct http_file *f)
{
	struct stat st;
	int fd;

	/*
	 * Only compressible types carry "Vary: Accept-Encoding"; beside a
	 * photo, a .gz is a download of its own, never this file's encoding.
	 */
	if (!f->compressible)
		return;
	fd = open_beneath(srv->rootfd, f->relgz);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	fid_of(&st, &f->gzid);
	if (f->gzid.mtime_ns < f->id.mtime_ns) {
		/* A stale .gz from an older version: never send old bytes. */
		close(fd);
		return;
	}
	f->has_gz = true;
	f->gzsize = f->gzid.size;
	f->gzfd = fd;
}

/* Builds f's responses from its bytes, closing the descriptors. */
static int load_bytes(struct http_server *srv, struct http_file *f)
{
	char *data, *gzdata = NULL;

	data = read_all(f->fd, f->size);
	if (data == NULL)
		return log_fail("cannot read %s: %s", f->rel, strerror(errno));
	if (f->has_gz && (gzdata = read_all(f->gzfd, f->gzsize)) == NULL)
		f->has_gz = false;
	close(f->fd);
	f->fd = -1;
	if (f->gzfd >= 0) {
		close(f->gzfd);
		f->gzfd = -1;
	}
	f->data = data;
	f->full = buffer_response(srv, f, false, data, f->size);
	f->nm = empty_response(srv, f, false);
	if (f->has_gz) {
		f->full_gz = buffer_response(srv, f, true, gzdata, f->gzsize);
		f->nm_gz = empty_response(srv, f, true);
	}
	f->cost = (size_t)(f->size + (f->has_gz ? f->gzsize : 0)) + ENTRY_OVERHEAD;
	return 0;
}

/* Reads key's file from the disk into a new http_file (one reference). */
static enum http_lookup load(struct http_server *srv, const char *key, struct http_file **out)
{
	struct http_file *f;
	const struct ctype *ct;
	struct stat st;
	size_t kn = strlen(key);
	int fd;

	f = xcalloc(1, sizeof(*f));
	atomic_init(&f->refs, 1);
	f->fd = f->gzfd = -1;
	f->key = xstrdup(key);
	if (key[kn - 1] == '/') {
		f->rel = xmalloc(kn + 10);
		snprintf(f->rel, kn + 10, "%sindex.html", key + 1);
	} else {
		f->rel = xstrdup(key + 1);
	}
	f->relgz = xmalloc(strlen(f->rel) + 4);
	sprintf(f->relgz, "%s.gz", f->rel);

	fd = open_beneath(srv->rootfd, f->rel);
	if (fd < 0) {
		/* EXDEV, ELOOP: a symlink out of the root; ENOTDIR: "a.html/". */
		if (errno == ENOENT || errno == ENOTDIR || errno == EXDEV || errno == ELOOP ||
		    errno == EACCES || errno == ENAMETOOLONG || errno == ENXIO)
			goto missing;
		log_fail("cannot open %s: %s", f->rel, strerror(errno));
		goto error;
	}
	f->fd = fd;
	if (fstat(fd, &st) != 0) {
		log_fail("cannot stat %s: %s", f->rel, strerror(errno));
		goto error;
	}
	if (S_ISDIR(st.st_mode)) {
		http_file_unref(f);
		return key[kn - 1] == '/' ? HTTP_FILE_MISSING : HTTP_FILE_DIR;
	}
	if (!S_ISREG(st.st_mode))
		goto missing;
	fid_of(&st, &f->id);
	f->size = f->id.size;
	f->mtime = st.st_mtim.tv_sec;
	ct = type_of(f->rel);
	f->type = ct->type;
	f->compressible = ct->compressible;
	f->cache_control = ct->doc ? CC_DOC : CC_ASSET;
	/* Strong validators from the size and the mtime to the nanosecond. */
	snprintf(f->etag, sizeof(f->etag), "\"%llx-%llx\"", (unsigned long long)f->size,
	         (unsigned long long)f->id.mtime_ns);
	http_date_format(f->mtime, f->lastmod);
	load_gz(srv, f);
	if (f->has_gz)
		snprintf(f->etag_gz, sizeof(f->etag_gz), "\"%llx-%llx-gz\"",
		         (unsigned long long)f->gzsize, (unsigned long long)f->gzid.mtime_ns);
	if (f->size <= HTTP_CACHE_FILE_MAX && (!f->has_gz || f->gzsize <= HTTP_CACHE_FILE_MAX)) {
		if (load_bytes(srv, f) != 0)
			goto error;
	}
	*out = f;
	return HTTP_FILE_FOUND;
missing:
	http_file_unref(f);
	return HTTP_FILE_MISSING;
error:
	http_file_unref(f);
	return HTTP_FILE_ERROR;
}

/* Whether f (and its .gz) still describe the bytes on the disk. */
static bool current(struct http_server *srv, const struct http_file *f)
{
	struct http_fid id, none = {0};
	struct stat st;

	if (fstatat(srv->rootfd, f->rel, &st, 0) != 0)
		return false;
	fid_of(&st, &id);
	if (!fid_eq(&id, &f->id))
		return false;
	if (!f->compressible)
		return true; /* its .gz, if any, is not looked at */
	if (fstatat(srv->rootfd, f->relgz, &st, 0) != 0)
		return fid_eq(&f->gzid, &none);
	fid_of(&st, &id);
	return fid_eq(&id, &f->gzid);
}

/* A millisecond clock read without a system call (vDSO, coarse). */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum http_lookup http_file_get(struct http_server *srv, const char *key, struct http_file **out)
{
	struct http_file *f;
	enum http_lookup res;
	/* Read before looking: an invalidation from now on is never missed. */
	unsigned gen = atomic_load(&srv->gen);
	int64_t now = now_ms();

	f = http_cache_get(srv->cache, key);
	if (f != NULL) {
		if (atomic_load_explicit(&f->gen, memory_order_relaxed) == gen &&
		    now - atomic_load_explicit(&f->checked_ms, memory_order_relaxed) <
		            HTTP_REVALIDATE_MS) {
			*out = f;
			return HTTP_FILE_FOUND;
		}
		if (current(srv, f)) {
			atomic_store_explicit(&f->checked_ms, now, memory_order_relaxed);
			atomic_store_explicit(&f->gen, gen, memory_order_relaxed);
			*out = f;
			return HTTP_FILE_FOUND;
		}
		http_cache_drop(srv->cache, f);
		http_file_unref(f);
	}
	res = load(srv, key, &f);
	if (res != HTTP_FILE_FOUND)
		return res;
	atomic_init(&f->checked_ms, now);
	atomic_init(&f->gen, gen);
	if (f->full != NULL)
		http_cache_put(srv->cache, f);
	*out = f;
	return HTTP_FILE_FOUND;
}
