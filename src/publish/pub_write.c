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
#include <pthread.h>
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

/* A .gz copy to make: the full path of the .gz and the file's bytes. */
struct gz_job {
	struct gz_job *next;
	char *gzpath;
	char *data;
	size_t n;
};

struct pub_gz {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;      /* work queued, or stop */
	pthread_cond_t idle_cv; /* queue empty and nothing in hand */
	struct gz_job *head, *tail;
	bool busy, stop;
	void *deflate;
	int flags;
	const char *graveyard;
	char error[512]; /* the first failure, "" if none */
	struct buf gz;
};

/* Compresses data into out with d; the size, 0 on failure. */
static size_t compress(void *d, struct buf *out, const void *data, size_t n)
{
	size_t bound = libdeflate_gzip_compress_bound(d, n);

	buf_reset(out);
	buf_grow(out, bound);
	return libdeflate_gzip_compress(d, data, n, out->p, bound);
}

static void *gz_main(void *arg)
{
	struct pub_gz *g = arg;
	struct gz_job *j;
	size_t got;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (g->head == NULL && !g->stop)
			pthread_cond_wait(&g->cv, &g->mu);
		if ((j = g->head) == NULL)
			break;
		g->head = j->next;
		if (g->head == NULL)
			g->tail = NULL;
		g->busy = true;
		pthread_mutex_unlock(&g->mu);
		got = compress(g->deflate, &g->gz, j->data, j->n);
		if (got == 0)
			log_fail("cannot compress %s", j->gzpath);
		if (got == 0 || fs_write_atomic_keep(j->gzpath, g->gz.p, got, g->flags,
		                                     g->graveyard) == FS_WRITE_ERROR) {
			pthread_mutex_lock(&g->mu);
			if (g->error[0] == '\0')
				snprintf(g->error, sizeof(g->error), "%s", log_reason());
			pthread_mutex_unlock(&g->mu);
		}
		free(j->gzpath);
		free(j->data);
		free(j);
		pthread_mutex_lock(&g->mu);
		g->busy = false;
		if (g->head == NULL)
			pthread_cond_broadcast(&g->idle_cv);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

int pub_writer_async(struct pub_writer *w)
{
	struct pub_gz *g = xcalloc(1, sizeof(*g));

	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	pthread_cond_init(&g->idle_cv, NULL);
	g->deflate = libdeflate_alloc_compressor(PUB_GZIP_LEVEL);
	if (g->deflate == NULL)
		fatal("out of memory (compressor)");
	g->flags = (w->fresh ? FS_NO_COMPARE : 0) | FS_FIXED_TEMP;
	g->graveyard = w->graveyard;
	buf_init(&g->gz);
	if (pthread_create(&g->thread, NULL, gz_main, g) != 0) {
		libdeflate_free_compressor(g->deflate);
		pthread_cond_destroy(&g->idle_cv);
		pthread_cond_destroy(&g->cv);
		pthread_mutex_destroy(&g->mu);
		free(g);
		return -1;
	}
	w->async = g;
	return 0;
}

/* Waits until every queued copy is written: before anything else touches a .gz. */
static void gz_drain(struct pub_writer *w)
{
	struct pub_gz *g = w->async;

	if (g == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	while (g->head != NULL || g->busy)
		pthread_cond_wait(&g->idle_cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
}

static void gz_queue(struct pub_gz *g, const char *gzpath, const void *data, size_t n)
{
	struct gz_job *j = xcalloc(1, sizeof(*j));

	j->gzpath = xstrdup(gzpath);
	j->data = xmalloc(n ? n : 1);
	memcpy(j->data, data, n);
	j->n = n;
	pthread_mutex_lock(&g->mu);
	if (g->tail)
		g->tail->next = j;
	else
		g->head = j;
	g->tail = j;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

/* Stops the thread after the queue; 0, or -1 with its first failure. */
static int gz_stop(struct pub_writer *w)
{
	struct pub_gz *g = w->async;
	int rc = 0;

	if (g == NULL)
		return 0;
	pthread_mutex_lock(&g->mu);
	g->stop = true;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	if (g->error[0] != '\0')
		rc = log_fail("%s", g->error);
	libdeflate_free_compressor(g->deflate);
	buf_finish(&g->gz);
	pthread_cond_destroy(&g->idle_cv);
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	free(g);
	w->async = NULL;
	return rc;
}

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

int pub_writer_finish(struct pub_writer *w)
{
	size_t i;
	int rc = gz_stop(w);

	for (i = 0; i < w->npaths; i++)
		free(w->paths[i]);
	free(w->paths);
	libdeflate_free_compressor(w->deflate);
	buf_finish(&w->gz);
	memset(w, 0, sizeof(*w));
	return rc;
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
	/* What follows reads or removes the .gz: the queued copies first. */
	if (n < PUB_GZIP_MIN || r == FS_WRITE_SAME)
		gz_drain(w);
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
		char gzpath[4096];
		size_t got;
		snprintf(gzpath, sizeof(gzpath), "%s.gz", path);
		track(w, gzpath);
		if (w->async) {
			gz_queue(w->async, full, data, n);
			return 0;
		}
		if ((got = compress(w->deflate, &w->gz, data, n)) == 0)
			return log_fail("cannot compress %s", path);
		if (fs_write_atomic_keep(full, w->gz.p, got, flags, w->graveyard) == FS_WRITE_ERROR)
			return -1;
	}
	return 0;
}

int pub_unlink(struct pub_writer *w, const char *path)
{
	char full[4096];

	gz_drain(w);
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
