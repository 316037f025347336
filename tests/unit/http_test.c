/*
 * Tests for src/web/http*.c: the pure parsers directly, and the server by
 * starting it on a free port over a temporary site and talking to it with
 * libcurl (and a raw socket where curl would tidy the request up).
 */
#include "test.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "web/http.h"
#include "web/http_int.h"

/* ---- the site ---- */

static char tmpdir[64];
static char root[128];
static struct http_server *srv;
static unsigned port;
static atomic_int ticks;
static atomic_int form_calls;
static atomic_int slow_started;

#define MAX_BODY 4096
#define BIG_SIZE (HTTP_CACHE_FILE_MAX + HTTP_CACHE_FILE_MAX / 2)

static void put(const char *rel, const char *data)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (fs_write_atomic(path, data, strlen(data), FS_NO_COMPARE) == FS_WRITE_ERROR)
		fatal("%s", log_reason());
}

static void put_n(const char *rel, const char *data, size_t n)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (fs_write_atomic(path, data, n, FS_NO_COMPARE) == FS_WRITE_ERROR)
		fatal("%s", log_reason());
}

/* Sets rel's mtime to now + delta seconds. */
static void touch(const char *rel, int delta)
{
	char path[512];
	struct timespec ts[2];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec += delta;
	ts[1] = ts[0];
	if (utimensat(AT_FDCWD, path, ts, 0) != 0)
		fatal("utimensat %s", path);
}

static char *big_data(void)
{
	char *p = xmalloc(BIG_SIZE);
	size_t i;

	for (i = 0; i < BIG_SIZE; i++)
		p[i] = (char)('a' + (i * 7 + i / 1000) % 26);
	return p;
}

static void make_site(void)
{
	char path[512], *big;

	strcpy(tmpdir, "/tmp/tz-http-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		fatal("mkdtemp");
	snprintf(root, sizeof(root), "%s/pub", tmpdir);
	snprintf(path, sizeof(path), "%s/secret.txt", tmpdir);
	fs_write_atomic(path, "TOPSECRET\n", 10, 0);
	snprintf(path, sizeof(path), "%s/outside/secret.txt", tmpdir);
	fs_write_atomic(path, "TOPSECRET\n", 10, 0);

	put("index.html", "<h1>home</h1>\n");
	put("about/index.html", "about page\n");
	put("a.txt", "version 1\n");
	put("en/a b\xc3\xa9.txt", "spaced\n");
	put("en/article/index.html", "<p>The article, in full, uncompressed.</p>\n");
	put("en/article/index.html.gz", "GZIPPED-ARTICLE");
	put("en/atom.xml", "<feed/>");
	put("en/rss.xml", "<rss/>");
	put("sitemap.xml", "<urlset/>");
	put("other.xml", "<x/>");
	put("feed.json", "{}");
	put("data.json", "[]");
	put("css/site.css", "body{}\n");
	put("app.js", "1;");
	put("img.png", "PNG");
	put("img.png.gz", "NOT-THE-PNG");
	put("img.jpg", "JPG");
	put("anim.gif", "GIF");
	put("pic.webp", "WEBP");
	put("favicon.ico", "ICO");
	put("font.woff2", "WOFF2");
	put("doc.pdf", "%PDF");
	put("book.epub", "EPUB");
	put("site.tar", "TAR");
	put("site.tar.minisig", "untrusted comment: x\n");
	put("logo.svg", "<svg/>");
	put("unknown.xyz", "?");
	put("stale.css", "fresh{}\n");
	put("stale.css.gz", "OLD-GZIP");
	touch("stale.css.gz", -3600);
	put("fr/404.html", "fr404\n");
	put("404.html", "root404\n");
	put(".hidden", "HIDDEN");
	put(".index.html.123.tmp", "TMPFILE");
	put("about/.secret", "HIDDEN");
	put(".well-known/security.txt", "Contact: mailto:x@example.org\n");
	big = big_data();
	put_n("big.bin", big, BIG_SIZE);
	free(big);

	snprintf(path, sizeof(path), "%s/out", root);
	if (symlink("../secret.txt", path) != 0)
		fatal("symlink");
	snprintf(path, sizeof(path), "%s/abs", root);
	{
		char target[256];

		snprintf(target, sizeof(target), "%s/secret.txt", tmpdir);
		if (symlink(target, path) != 0)
			fatal("symlink");
	}
	snprintf(path, sizeof(path), "%s/outdir", root);
	if (symlink("../outside", path) != 0)
		fatal("symlink");
	snprintf(path, sizeof(path), "%s/inside.html", root);
	if (symlink("index.html", path) != 0)
		fatal("symlink");
	snprintf(path, sizeof(path), "%s/inside2.html", root);
	if (symlink("index.html", path) != 0)
		fatal("symlink");
	snprintf(path, sizeof(path), "%s/pipe", root);
	if (mkfifo(path, 0644) != 0)
		fatal("mkfifo");
}

/* ---- handlers ---- */

static int h_form(void *arg, const struct http_request *req, struct http_response *resp)
{
	const char *const *all;
	const struct http_upload *up;
	const char *v;
	size_t n, i;

	(void)arg;
	atomic_fetch_add(&form_calls, 1);
	resp->content_type = "text/plain; charset=utf-8";
	buf_printf(&resp->body, "method=%s\npath=%s\nquery=%s\n", req->method, req->path,
	           req->query);
	v = http_request_arg(req, "q");
	buf_printf(&resp->body, "arg q=%s\n", v ? v : "(null)");
	v = http_request_form(req, "a");
	buf_printf(&resp->body, "form a=%s\n", v ? v : "(null)");
	v = http_request_form(req, "b");
	buf_printf(&resp->body, "form b=%s\n", v ? v : "(null)");
	all = http_request_form_all(req, "a", &n);
	buf_printf(&resp->body, "all a=%zu:", n);
	for (i = 0; i < n; i++)
		buf_printf(&resp->body, "[%s]", all[i]);
	buf_puts(&resp->body, "\n");
	CHECK(all[n] == NULL);
	up = http_request_upload(req, "file");
	if (up != NULL)
		buf_printf(&resp->body, "upload=%s|%s|%zu|%s\n", up->filename, up->content_type,
		           up->size, up->data);
	v = http_request_cookie(req, "sid");
	buf_printf(&resp->body, "cookie sid=%s\n", v ? v : "(null)");
	v = http_request_header(req, "x-test-header");
	buf_printf(&resp->body, "header=%s\n", v ? v : "(null)");
	buf_printf(&resp->body, "client=%s https=%d body_n=%zu\n", req->client, req->https,
	           req->body_n);
	http_response_header(resp, "Set-Cookie", "sid=new; HttpOnly; SameSite=Strict");
	return 0;
}

static int h_fail(void *arg, const struct http_request *req, struct http_response *resp)
{
	(void)arg;
	(void)req;
	buf_puts(&resp->body, "partial output that must not be sent");
	return log_fail("database exploded: secret detail");
}

static int h_redirect(void *arg, const struct http_request *req, struct http_response *resp)
{
	(void)arg;
	(void)req;
	http_response_redirect(resp, 0, "/done/");
	return 0;
}

static int h_name(void *arg, const struct http_request *req, struct http_response *resp)
{
	buf_printf(&resp->body, "%s %s", (const char *)arg, req->path);
	if (strcmp((const char *)arg, "custom") == 0) {
		http_response_header(resp, "Content-Security-Policy", "default-src 'self'");
		http_response_header(resp, "Cache-Control", "max-age=60");
		resp->status = 201;
	}
	return 0;
}

static int h_slow(void *arg, const struct http_request *req, struct http_response *resp)
{
	(void)arg;
	(void)req;
	atomic_store(&slow_started, 1);
	usleep(400 * 1000);
	buf_puts(&resp->body, "slow done");
	return 0;
}

static void on_tick(void *arg)
{
	(void)arg;
	atomic_fetch_add(&ticks, 1);
}

static const struct http_route routes[] = {
        {"/form", h_form, NULL},          {"/fail", h_fail, NULL},
        {"/redirect", h_redirect, NULL},  {"/admin/", h_name, "admin"},
        {"/admin/deep/", h_name, "deep"}, {"/search", h_name, "search"},
        {"/custom", h_name, "custom"},    {"/slow", h_slow, NULL},
};

static const struct http_header extra[] = {
        {"X-Extra", "yes"},
};

static struct http_config config(void)
{
	struct http_config cfg = {0};

	cfg.root = root;
	cfg.port = 0;
	cfg.threads = 2;
	cfg.max_body = MAX_BODY;
	cfg.routes = routes;
	cfg.nroutes = NELEM(routes);
	cfg.extra_headers = extra;
	cfg.nextra_headers = NELEM(extra);
	cfg.onion = "http://example.onion/";
	cfg.tick = on_tick;
	cfg.quiet = true;
	return cfg;
}

static pid_t child; /* a forked server, killed if its test fails */

static void stop_all(void)
{
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	http_server_stop(srv);
	srv = NULL;
	if (tmpdir[0])
		fs_remove_tree(tmpdir);
	curl_global_cleanup();
}

/* Makes the site once; starts no thread, so a test may still fork safely. */
static void site(void)
{
	if (root[0] != '\0')
		return;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	make_site();
	atexit(stop_all);
}

static void start(void)
{
	static struct http_config cfg;

	if (srv != NULL)
		return;
	site();
	cfg = config();
	srv = http_server_start(&cfg);
	if (srv == NULL)
		fatal("%s", log_reason());
	port = http_server_port(srv);
}

/* ---- a client ---- */

struct reply {
	long status;
	struct buf body, head;
	CURLcode err;
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	buf_put(arg, p, size * n);
	return size * n;
}

/*
 * Requests path with method, the given "Name: value" headers (NULL-ended)
 * and body (NULL: none).  A mime, if given, is sent as multipart.
 */
static void request(struct reply *r, const char *method, const char *path, const char *const *hdrs,
                    const char *body, curl_mime *mime)
{
	CURL *c = curl_easy_init();
	struct curl_slist *sl = NULL;
	char url[1024];

	memset(r, 0, sizeof(*r));
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->head);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	if (mime != NULL)
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	for (; hdrs && *hdrs; hdrs++)
		sl = curl_slist_append(sl, *hdrs);
	/* No "Expect: 100-continue" round trip. */
	sl = curl_slist_append(sl, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);
	r->err = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	buf_cstr(&r->body);
	buf_cstr(&r->head);
	curl_slist_free_all(sl);
	curl_easy_cleanup(c);
}

static void get(struct reply *r, const char *path, const char *const *hdrs)
{
	request(r, "GET", path, hdrs, NULL, NULL);
}

static void reply_finish(struct reply *r)
{
	buf_finish(&r->body);
	buf_finish(&r->head);
}

/* The value of header name in r (the last one), or NULL; valid until the next call. */
static const char *header(const struct reply *r, const char *name)
{
	static char value[1024];
	const char *p = r->head.p, *found = NULL;
	size_t n = strlen(name);

	for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			found = p + n + 1;
	}
	if (found == NULL)
		return NULL;
	while (*found == ' ')
		found++;
	n = strcspn(found, "\r\n");
	if (n >= sizeof(value))
		n = sizeof(value) - 1;
	memcpy(value, found, n);
	value[n] = '\0';
	return value;
}

static int header_count(const struct reply *r, const char *name)
{
	const char *p = r->head.p;
	size_t n = strlen(name);
	int k = 0;

	for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			k++;
	return k;
}

/* Sends raw bytes and reads the answer until the server closes; returns the status. */
static int raw(const char *req, struct buf *out)
{
	struct sockaddr_in sa = {0};
	char chunk[4096];
	ssize_t r;
	int fd, status = -1;

	buf_reset(out);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	if (write(fd, req, strlen(req)) < 0) {
		close(fd);
		return -1;
	}
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(out, chunk, (size_t)r);
	close(fd);
	if (out->n > 12 && strncmp(out->p, "HTTP/1.", 7) == 0)
		status = atoi(out->p + 9);
	return status;
}

static int raw_get(const char *target, struct buf *out)
{
	struct buf req = BUF_INIT;
	int st;

	buf_printf(&req, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target);
	st = raw(req.p, out);
	buf_finish(&req);
	return st;
}

/* ---- parsers ---- */

TEST(path_normalise_rules)
{
	static const struct {
		const char *in, *out;
		int st;
	} cases[] = {
	        {"/", "/", 0},
	        {"/a/b", "/a/b", 0},
	        {"/a/b/", "/a/b/", 0},
	        {"//a///b//", "/a/b/", 0},
	        {"/%41%62c", "/Abc", 0},
	        {"/a%2fb", "/a/b", 0},
	        {"/caf%C3%A9/", "/caf\xc3\xa9/", 0},
	        {"/%252e%252e/x", "/%2e%2e/x", 0},
	        {"/.well-known/x", "/.well-known/x", 0},
	        {"/a/.well-known/x", NULL, 404},
	        {"/../etc/passwd", NULL, 404},
	        {"/a/..", NULL, 404},
	        {"/a/.", NULL, 404},
	        {"/%2e%2e/x", NULL, 404},
	        {"/.%2e/x", NULL, 404},
	        {"/..%2fx", NULL, 404},
	        {"/.hidden", NULL, 404},
	        {"/a/.index.html.1.tmp", NULL, 404},
	        {"", NULL, 400},
	        {"a/b", NULL, 400},
	        {"http://h/a", NULL, 400},
	        {"*", NULL, 400},
	        {"/a%00b", NULL, 400},
	        {"/a%", NULL, 400},
	        {"/a%2", NULL, 400},
	        {"/a%zz", NULL, 400},
	        {"/a\\b", NULL, 400},
	        {"/a%5cb", NULL, 400},
	        {"/a%0ab", NULL, 400},
	        {"/a%7f", NULL, 400},
	};
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		int st = http_path_normalise(cases[i].in, strlen(cases[i].in), &b);

		if (st != cases[i].st)
			fprintf(stderr, "case %s: %d\n", cases[i].in, st);
		CHECK_INTEQ(st, cases[i].st);
		if (st == 0)
			CHECK_STREQ(b.p, cases[i].out);
	}
	buf_reset(&b);
	http_path_encode(&b, "/caf\xc3\xa9 x/a?b#c");
	CHECK_STREQ(b.p, "/caf%C3%A9%20x/a%3Fb%23c");
	buf_finish(&b);
}

TEST(range_parse_forms)
{
	uint64_t off = 0, len = 0;

	CHECK_INTEQ(http_range_parse("bytes=0-9", 100, &off, &len), 1);
	CHECK(off == 0 && len == 10);
	CHECK_INTEQ(http_range_parse("bytes=90-", 100, &off, &len), 1);
	CHECK(off == 90 && len == 10);
	CHECK_INTEQ(http_range_parse("bytes=90-1000", 100, &off, &len), 1);
	CHECK(off == 90 && len == 10);
	CHECK_INTEQ(http_range_parse("bytes=-30", 100, &off, &len), 1);
	CHECK(off == 70 && len == 30);
	CHECK_INTEQ(http_range_parse("bytes=-300", 100, &off, &len), 1);
	CHECK(off == 0 && len == 100);
	CHECK_INTEQ(http_range_parse(" Bytes = 5-5 ", 100, &off, &len), 1);
	CHECK(off == 5 && len == 1);
	CHECK_INTEQ(http_range_parse("bytes=100-", 100, &off, &len), -1);
	CHECK_INTEQ(http_range_parse("bytes=-0", 100, &off, &len), -1);
	CHECK_INTEQ(http_range_parse("bytes=0-", 0, &off, &len), -1);
	CHECK_INTEQ(http_range_parse("bytes=99999999999999999999999-", 100, &off, &len), -1);
	CHECK_INTEQ(http_range_parse("bytes=0-99999999999999999999999", 100, &off, &len), 1);
	CHECK(off == 0 && len == 100);
	CHECK_INTEQ(http_range_parse("bytes=5-2", 100, &off, &len), 0);
	CHECK_INTEQ(http_range_parse("bytes=0-1,5-6", 100, &off, &len), 0);
	CHECK_INTEQ(http_range_parse("items=0-1", 100, &off, &len), 0);
	CHECK_INTEQ(http_range_parse("bytes=x-1", 100, &off, &len), 0);
	CHECK_INTEQ(http_range_parse("bytes=1-x", 100, &off, &len), 0);
	CHECK_INTEQ(http_range_parse("bytes", 100, &off, &len), 0);
}

TEST(accept_encoding_and_etags)
{
	CHECK(http_accepts_gzip("gzip"));
	CHECK(http_accepts_gzip("gzip, deflate, br"));
	CHECK(http_accepts_gzip("br;q=1.0, GZIP;q=0.5"));
	CHECK(http_accepts_gzip("x-gzip"));
	CHECK(http_accepts_gzip("*"));
	CHECK(!http_accepts_gzip(""));
	CHECK(!http_accepts_gzip("identity"));
	CHECK(!http_accepts_gzip("gzip;q=0"));
	CHECK(!http_accepts_gzip("gzip; q=0.000, deflate"));
	CHECK(!http_accepts_gzip("*, gzip;q=0"));
	CHECK(!http_accepts_gzip("*;q=0"));
	CHECK(!http_accepts_gzip("gzipx"));
	CHECK(http_accepts_gzip("gzip;q=0.001"));

	CHECK(http_etag_match("\"abc\"", "\"abc\""));
	CHECK(http_etag_match("W/\"abc\"", "\"abc\""));
	CHECK(http_etag_match("\"x\", \"abc\"", "\"abc\""));
	CHECK(http_etag_match("*", "\"abc\""));
	CHECK(!http_etag_match("\"abcd\"", "\"abc\""));
	CHECK(!http_etag_match("abc", "\"abc\""));
	CHECK(!http_etag_match("\"ab", "\"abc\""));
}

TEST(dates_round_trip)
{
	char s[30];
	time_t t;

	http_date_format(784111777, s);
	CHECK_STREQ(s, "Sun, 06 Nov 1994 08:49:37 GMT");
	CHECK(http_date_parse(s, &t));
	CHECK_INTEQ(t, 784111777);
	CHECK(http_date_parse("Thu, 01 Jan 1970 00:00:00 GMT", &t) && t == 0);
	CHECK(!http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t));
	CHECK(!http_date_parse("Sun, 06 Nox 1994 08:49:37 GMT", &t));
	CHECK(!http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", &t));
	CHECK(!http_date_parse("", &t));
}

TEST(form_urlencoded_fields)
{
	struct arena *a = arena_new(1 << 20);
	struct http_fields f = {0};
	const char *s = "a=1&b=x+y%21&&a=2&c&d=&%C3%A9=%E2%82%AC";

	CHECK_INTEQ(http_form_urlencoded(a, s, strlen(s), &f), 0);
	CHECK_INTEQ(f.n, 6);
	CHECK_STREQ(f.v[0].name, "a");
	CHECK_STREQ(f.v[0].value, "1");
	CHECK_STREQ(f.v[1].value, "x y!");
	CHECK_STREQ(f.v[2].value, "2");
	CHECK_STREQ(f.v[3].name, "c");
	CHECK_STREQ(f.v[3].value, "");
	CHECK_STREQ(f.v[4].value, "");
	CHECK_STREQ(f.v[5].name, "\xc3\xa9");
	CHECK_STREQ(f.v[5].value, "\xe2\x82\xac");
	http_fields_finish(&f);
	CHECK_INTEQ(http_form_urlencoded(a, "a=%zz", 5, &f), -1);
	http_fields_finish(&f);
	CHECK_INTEQ(http_form_urlencoded(a, "a=%00", 5, &f), -1);
	http_fields_finish(&f);
	CHECK_INTEQ(http_form_urlencoded(a, "a=%4", 4, &f), -1);
	http_fields_finish(&f);
	arena_free(a);
}

TEST(form_multipart_fields)
{
	struct arena *a = arena_new(1 << 20);
	struct http_fields f = {0};
	const char *ct = "multipart/form-data; boundary=\"XyZ\"";
	const char *body =
	        "preamble\r\n"
	        "--XyZ\r\n"
	        "Content-Disposition: form-data; name=\"a\"\r\n"
	        "\r\n"
	        "one\r\n"
	        "--XyZ\r\n"
	        "content-disposition: form-data; name=\"a\"\r\n"
	        "\r\n"
	        "two\r\nlines\r\n"
	        "--XyZ\r\n"
	        "Content-Disposition: form-data; name=\"f\"; filename=\"a \\\"b\\\".png\"\r\n"
	        "Content-Type: image/png\r\n"
	        "\r\n"
	        "\x89PNG\0bin\r\n"
	        "--XyZ--\r\n"
	        "epilogue";

	CHECK_INTEQ(http_form_multipart(a, ct, body, strlen(body) + 0 * 1, &f), -1);
	http_fields_finish(&f);
	/* strlen stops at the NUL inside the PNG: give the real length. */
	{
		size_t n = strlen(body);

		n += 1 + strlen(body + n + 1);
		CHECK_INTEQ(http_form_multipart(a, ct, body, n, &f), 0);
	}
	CHECK_INTEQ(f.n, 3);
	CHECK_STREQ(f.v[0].name, "a");
	CHECK_STREQ(f.v[0].value, "one");
	CHECK_STREQ(f.v[1].value, "two\r\nlines");
	CHECK(f.v[2].is_file);
	CHECK_STREQ(f.v[2].upload.filename, "a \"b\".png");
	CHECK_STREQ(f.v[2].upload.content_type, "image/png");
	CHECK_INTEQ(f.v[2].upload.size, 8);
	CHECK(memcmp(f.v[2].upload.data, "\x89PNG\0bin", 8) == 0);
	http_fields_finish(&f);

	CHECK_INTEQ(http_form_multipart(a, "multipart/form-data", "x", 1, &f), -1);
	http_fields_finish(&f);
	CHECK_INTEQ(http_form_multipart(a, ct,
	                                "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv",
	                                50, &f),
	            -1);
	http_fields_finish(&f);
	arena_free(a);
}

/* ---- the server ---- */

TEST(content_types_by_name)
{
	static const struct {
		const char *path, *type;
	} cases[] = {
	        {"/", "text/html; charset=utf-8"},
	        {"/css/site.css", "text/css; charset=utf-8"},
	        {"/app.js", "text/javascript; charset=utf-8"},
	        {"/a.txt", "text/plain; charset=utf-8"},
	        {"/en/atom.xml", "application/atom+xml; charset=utf-8"},
	        {"/en/rss.xml", "application/rss+xml; charset=utf-8"},
	        {"/sitemap.xml", "application/xml; charset=utf-8"},
	        {"/other.xml", "application/xml; charset=utf-8"},
	        {"/feed.json", "application/feed+json"},
	        {"/data.json", "application/json"},
	        {"/logo.svg", "image/svg+xml"},
	        {"/img.png", "image/png"},
	        {"/img.jpg", "image/jpeg"},
	        {"/anim.gif", "image/gif"},
	        {"/pic.webp", "image/webp"},
	        {"/favicon.ico", "image/x-icon"},
	        {"/font.woff2", "font/woff2"},
	        {"/doc.pdf", "application/pdf"},
	        {"/book.epub", "application/epub+zip"},
	        {"/site.tar", "application/x-tar"},
	        {"/site.tar.minisig", "text/plain; charset=utf-8"},
	        {"/unknown.xyz", "application/octet-stream"},
	};
	struct reply r;
	size_t i;

	start();
	for (i = 0; i < NELEM(cases); i++) {
		get(&r, cases[i].path, NULL);
		CHECK_INTEQ(r.status, 200);
		CHECK_STREQ(header(&r, "Content-Type"), cases[i].type);
		reply_finish(&r);
	}
	get(&r, "/css/site.css", NULL);
	CHECK_STREQ(header(&r, "Cache-Control"), "max-age=3600");
	reply_finish(&r);
	get(&r, "/", NULL);
	CHECK_STREQ(header(&r, "Cache-Control"), "no-cache");
	CHECK_STREQ(r.body.p, "<h1>home</h1>\n");
	reply_finish(&r);
}

TEST(index_and_slash_redirect)
{
	struct reply r;

	start();
	get(&r, "/about/", NULL);
	CHECK_INTEQ(r.status, 200);
	CHECK_STREQ(r.body.p, "about page\n");
	reply_finish(&r);
	get(&r, "/about", NULL);
	CHECK_INTEQ(r.status, 301);
	CHECK_STREQ(header(&r, "Location"), "/about/");
	reply_finish(&r);
	get(&r, "/about?lang=fr&x=1", NULL);
	CHECK_INTEQ(r.status, 301);
	CHECK_STREQ(header(&r, "Location"), "/about/?lang=fr&x=1");
	reply_finish(&r);
	/* A doubled slash must not turn into a protocol-relative Location. */
	get(&r, "//about", NULL);
	CHECK_INTEQ(r.status, 301);
	CHECK_STREQ(header(&r, "Location"), "/about/");
	reply_finish(&r);
	get(&r, "/a.txt/", NULL);
	CHECK_INTEQ(r.status, 404);
	reply_finish(&r);
	get(&r, "/en/", NULL); /* a folder without index.html */
	CHECK_INTEQ(r.status, 404);
	reply_finish(&r);
}

TEST(etag_and_if_modified_since_give_304)
{
	struct reply r;
	char etag[128], lastmod[64], h[256];
	const char *hs[2] = {h, NULL};

	start();
	get(&r, "/a.txt", NULL);
	CHECK_INTEQ(r.status, 200);
	CHECK(header(&r, "ETag") != NULL);
	snprintf(etag, sizeof(etag), "%s", header(&r, "ETag"));
	snprintf(lastmod, sizeof(lastmod), "%s", header(&r, "Last-Modified"));
	CHECK(etag[0] == '"');
	reply_finish(&r);

	snprintf(h, sizeof(h), "If-None-Match: %s", etag);
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 304);
	CHECK_INTEQ(r.body.n, 0);
	CHECK_STREQ(header(&r, "ETag"), etag);
	CHECK(header(&r, "Content-Security-Policy") != NULL);
	reply_finish(&r);

	snprintf(h, sizeof(h), "If-None-Match: \"other\", W/%s", etag);
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 304);
	reply_finish(&r);

	snprintf(h, sizeof(h), "If-None-Match: \"other\"");
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 200);
	CHECK_STREQ(r.body.p, "version 1\n");
	reply_finish(&r);

	snprintf(h, sizeof(h), "If-Modified-Since: %s", lastmod);
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 304);
	CHECK_INTEQ(r.body.n, 0);
	reply_finish(&r);

	snprintf(h, sizeof(h), "If-Modified-Since: Thu, 01 Jan 1998 00:00:00 GMT");
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 200);
	reply_finish(&r);

	/* If-None-Match wins over If-Modified-Since. */
	{
		char h2[256];
		const char *both[3] = {h, h2, NULL};

		snprintf(h, sizeof(h), "If-Modified-Since: %s", lastmod);
		snprintf(h2, sizeof(h2), "If-None-Match: \"other\"");
		get(&r, "/a.txt", both);
		CHECK_INTEQ(r.status, 200);
		reply_finish(&r);
	}
}

TEST(gzip_negotiation)
{
	static const char *gz[] = {"Accept-Encoding: gzip, deflate", NULL};
	static const char *q0[] = {"Accept-Encoding: gzip;q=0, deflate", NULL};
	struct reply r;
	char etag[128];

	start();
	get(&r, "/en/article/", gz);
	CHECK_INTEQ(r.status, 200);
	CHECK_STREQ(r.body.p, "GZIPPED-ARTICLE");
	CHECK_STREQ(header(&r, "Content-Encoding"), "gzip");
	CHECK_STREQ(header(&r, "Vary"), "Accept-Encoding");
	CHECK_STREQ(header(&r, "Content-Type"), "text/html; charset=utf-8");
	CHECK(header(&r, "Accept-Ranges") == NULL);
	snprintf(etag, sizeof(etag), "%s", header(&r, "ETag"));
	reply_finish(&r);

	get(&r, "/en/article/", NULL);
	CHECK_STREQ(r.body.p, "<p>The article, in full, uncompressed.</p>\n");
	CHECK(header(&r, "Content-Encoding") == NULL);
	CHECK_STREQ(header(&r, "Vary"), "Accept-Encoding");
	/* The two representations have different validators. */
	CHECK(strcmp(header(&r, "ETag"), etag) != 0);
	reply_finish(&r);

	get(&r, "/en/article/", q0);
	CHECK(header(&r, "Content-Encoding") == NULL);
	reply_finish(&r);

	/* A .gz older than its file is stale and never sent. */
	get(&r, "/stale.css", gz);
	CHECK_STREQ(r.body.p, "fresh{}\n");
	CHECK(header(&r, "Content-Encoding") == NULL);
	CHECK_STREQ(header(&r, "Vary"), "Accept-Encoding");
	reply_finish(&r);

	/* No .gz at all: identity, still varying. */
	get(&r, "/css/site.css", gz);
	CHECK_STREQ(r.body.p, "body{}\n");
	CHECK_STREQ(header(&r, "Vary"), "Accept-Encoding");
	reply_finish(&r);

	/* Images are not compressible: no Vary, and a .gz beside one is not its encoding. */
	get(&r, "/img.png", gz);
	CHECK(header(&r, "Vary") == NULL);
	CHECK(header(&r, "Content-Encoding") == NULL);
	CHECK_STREQ(r.body.p, "PNG");
	reply_finish(&r);

	/* A 304 for the gzip representation. */
	{
		char h[200];
		const char *hs[3] = {"Accept-Encoding: gzip", h, NULL};

		snprintf(h, sizeof(h), "If-None-Match: %s", etag);
		get(&r, "/en/article/", hs);
		CHECK_INTEQ(r.status, 304);
		CHECK_STREQ(header(&r, "ETag"), etag);
		reply_finish(&r);
	}
}

TEST(ranges_206_and_416)
{
	struct reply r;
	char etag[128], h[200];
	const char *hs[3] = {NULL, NULL, NULL};

	start();
	hs[0] = "Range: bytes=2-5";
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 206);
	CHECK_STREQ(r.body.p, "rsio");
	CHECK_STREQ(header(&r, "Content-Range"), "bytes 2-5/10");
	CHECK_STREQ(header(&r, "Content-Length"), "4");
	snprintf(etag, sizeof(etag), "%s", header(&r, "ETag"));
	reply_finish(&r);

	hs[0] = "Range: bytes=-2";
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 206);
	CHECK_STREQ(r.body.p, "1\n");
	reply_finish(&r);

	hs[0] = "Range: bytes=8-";
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 206);
	CHECK_STREQ(header(&r, "Content-Range"), "bytes 8-9/10");
	reply_finish(&r);

	hs[0] = "Range: bytes=10-";
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 416);
	CHECK_STREQ(header(&r, "Content-Range"), "bytes */10");
	reply_finish(&r);

	/* Several ranges: the whole file. */
	hs[0] = "Range: bytes=0-1,4-5";
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 200);
	CHECK_STREQ(r.body.p, "version 1\n");
	reply_finish(&r);

	/* If-Range with the current ETag: the range; with another: the whole. */
	hs[0] = "Range: bytes=0-2";
	snprintf(h, sizeof(h), "If-Range: %s", etag);
	hs[1] = h;
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 206);
	CHECK_STREQ(r.body.p, "ver");
	reply_finish(&r);
	hs[1] = "If-Range: \"stale\"";
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 200);
	CHECK_STREQ(r.body.p, "version 1\n");
	reply_finish(&r);
	hs[1] = "If-Range: Thu, 01 Jan 1998 00:00:00 GMT";
	get(&r, "/a.txt", hs);
	CHECK_INTEQ(r.status, 200);
	reply_finish(&r);

	/* Ranges are of the identity bytes, even for a client that takes gzip. */
	hs[0] = "Range: bytes=3-5";
	hs[1] = "Accept-Encoding: gzip";
	get(&r, "/en/article/", hs);
	CHECK_INTEQ(r.status, 206);
	CHECK_STREQ(r.body.p, "The");
	CHECK(header(&r, "Content-Encoding") == NULL);
	reply_finish(&r);
}

TEST(head_has_headers_and_no_body)
{
	struct reply g, h;
	static const char *const names[] = {"Content-Type",  "Content-Length",
	                                    "ETag",          "Last-Modified",
	                                    "Cache-Control", "Content-Security-Policy"};
	size_t i;

	start();
	get(&g, "/about/", NULL);
	request(&h, "HEAD", "/about/", NULL, NULL, NULL);
	CHECK_INTEQ(h.status, 200);
	CHECK_INTEQ(h.body.n, 0);
	for (i = 0; i < NELEM(names); i++) {
		char a[1024];

		CHECK(header(&g, names[i]) != NULL);
		snprintf(a, sizeof(a), "%s", header(&g, names[i]));
		CHECK_STREQ(header(&h, names[i]), a);
	}
	CHECK_STREQ(header(&h, "Content-Length"), "11");
	reply_finish(&g);
	reply_finish(&h);
}

TEST(other_methods_on_files_405)
{
	static const char *const methods[] = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
	struct reply r;
	size_t i;

	start();
	for (i = 0; i < NELEM(methods); i++) {
		request(&r, methods[i], "/a.txt", NULL, i == 0 ? "x=1" : NULL, NULL);
		CHECK_INTEQ(r.status, 405);
		CHECK_STREQ(header(&r, "Allow"), "GET, HEAD");
		CHECK(header(&r, "X-Frame-Options") != NULL);
		reply_finish(&r);
	}
	/* A POST to a missing file is refused the same way. */
	request(&r, "POST", "/nothing/here", NULL, "x=1", NULL);
	CHECK_INTEQ(r.status, 405);
	reply_finish(&r);
}

TEST(localised_404)
{
	struct reply r;
	struct http_config cfg;
	struct http_server *other;
	unsigned saved = port;
	char empty[128];

	start();
	get(&r, "/fr/missing", NULL);
	CHECK_INTEQ(r.status, 404);
	CHECK_STREQ(r.body.p, "fr404\n");
	CHECK_STREQ(header(&r, "Content-Type"), "text/html; charset=utf-8");
	reply_finish(&r);
	get(&r, "/fr/deep/er/missing.html", NULL);
	CHECK_INTEQ(r.status, 404);
	CHECK_STREQ(r.body.p, "fr404\n");
	reply_finish(&r);
	get(&r, "/de/missing", NULL);
	CHECK_INTEQ(r.status, 404);
	CHECK_STREQ(r.body.p, "root404\n");
	reply_finish(&r);
	get(&r, "/missing", NULL);
	CHECK_INTEQ(r.status, 404);
	CHECK_STREQ(r.body.p, "root404\n");
	reply_finish(&r);
	request(&r, "HEAD", "/fr/missing", NULL, NULL, NULL);
	CHECK_INTEQ(r.status, 404);
	CHECK_INTEQ(r.body.n, 0);
	reply_finish(&r);

	/* A root without any 404.html: the built-in page. */
	snprintf(empty, sizeof(empty), "%s/empty", tmpdir);
	CHECK(fs_mkdirs(empty) == 0);
	cfg = config();
	cfg.root = empty;
	cfg.tick = NULL;
	other = http_server_start(&cfg);
	CHECK(other != NULL);
	port = http_server_port(other);
	get(&r, "/fr/x", NULL);
	port = saved;
	http_server_stop(other);
	CHECK_INTEQ(r.status, 404);
	CHECK(strstr(r.body.p, "Not Found") != NULL);
	CHECK(header(&r, "Content-Security-Policy") != NULL);
	reply_finish(&r);
}

static void check_no_traversal(void)
{
	static const char *const targets[] = {
	        "/../secret.txt",
	        "/../../../../etc/passwd",
	        "/%2e%2e/secret.txt",
	        "/%2E%2E/secret.txt",
	        "/%252e%252e/secret.txt",
	        "/..%2fsecret.txt",
	        "/..%2Fsecret.txt",
	        "/a/..\\..\\secret.txt",
	        "/..%5csecret.txt",
	        "/.%2e/secret.txt",
	        "/%2e./secret.txt",
	        "/about/../../secret.txt",
	        "/secret.txt%00.html",
	        "/%00",
	        "/out",
	        "/abs",
	        "/outdir/secret.txt",
	        "/outdir/",
	        "//etc/passwd",
	        "/etc/passwd",
	        "http://x/../secret.txt",
	        "/pipe",
	};
	struct buf out = BUF_INIT;
	size_t i;

	for (i = 0; i < NELEM(targets); i++) {
		int st = raw_get(targets[i], &out);

		if (st != 404 && st != 400)
			fprintf(stderr, "%s: %d\n", targets[i], st);
		CHECK(st == 404 || st == 400);
		CHECK(strstr(buf_cstr(&out), "TOPSECRET") == NULL);
		CHECK(strstr(buf_cstr(&out), "root:") == NULL);
	}
	buf_finish(&out);
}

TEST(no_traversal_with_openat2)
{
	struct buf out = BUF_INIT;

	start();
	atomic_store(&http_no_openat2, false);
	check_no_traversal();
	/* A symlink that stays inside the root is followed. */
	CHECK_INTEQ(raw_get("/inside.html", &out), 200);
	CHECK(strstr(out.p, "<h1>home</h1>") != NULL);
	buf_finish(&out);
}

TEST(no_traversal_without_openat2)
{
	struct buf out = BUF_INIT;

	int inside, about;

	start();
	atomic_store(&http_no_openat2, true);
	check_no_traversal();
	/* The fallback refuses every symlink, even one inside the root. */
	inside = raw_get("/inside2.html", &out);
	about = raw_get("/.well-known/security.txt", &out);
	atomic_store(&http_no_openat2, false);
	CHECK_INTEQ(inside, 404);
	CHECK_INTEQ(about, 200);
	CHECK(strstr(out.p, "Contact:") != NULL);
	buf_finish(&out);
}

TEST(dotfiles_are_404)
{
	static const char *const paths[] = {"/.hidden", "/.index.html.123.tmp", "/about/.secret",
	                                    "/%2ehidden", "/.well-known/../.hidden"};
	struct reply r;
	size_t i;

	start();
	for (i = 0; i < NELEM(paths); i++) {
		get(&r, paths[i], NULL);
		CHECK_INTEQ(r.status, 404);
		CHECK(strstr(r.body.p, "HIDDEN") == NULL && strstr(r.body.p, "TMPFILE") == NULL);
		reply_finish(&r);
	}
	get(&r, "/.well-known/security.txt", NULL);
	CHECK_INTEQ(r.status, 200);
	CHECK(strstr(r.body.p, "Contact:") != NULL);
	reply_finish(&r);
}

static void check_security_headers(const struct reply *r)
{
	CHECK_STREQ(header(r, "Content-Security-Policy"), HTTP_CSP_DEFAULT);
	CHECK_STREQ(header(r, "X-Content-Type-Options"), "nosniff");
	CHECK_STREQ(header(r, "Referrer-Policy"), "no-referrer");
	CHECK_STREQ(header(r, "X-Frame-Options"), "DENY");
	CHECK_STREQ(header(r, "X-Extra"), "yes");
	CHECK(header(r, "Onion-Location") &&
	      strncmp(header(r, "Onion-Location"), "http://example.onion/", 21) == 0);
	CHECK_INTEQ(header_count(r, "Onion-Location"), 1);
	CHECK_INTEQ(header_count(r, "Content-Security-Policy"), 1);
}

/* Onion-Location names the same file on the onion service, else its home. */
TEST(onion_location_names_the_same_page)
{
	static const char *const cases[][2] = {
	        {"/", "http://example.onion/"},
	        {"/img.png", "http://example.onion/img.png"},
	        {"/a.txt", "http://example.onion/a.txt"},
	        {"/big.bin", "http://example.onion/big.bin"},
	        {"/en/a%20b%C3%A9.txt", "http://example.onion/en/a%20b%C3%A9.txt"},
	        {"/form", "http://example.onion/"},
	        {"/about", "http://example.onion/"},
	};
	struct reply r;
	size_t i;

	start();
	for (i = 0; i < NELEM(cases); i++) {
		get(&r, cases[i][0], NULL);
		CHECK_STREQ(header(&r, "Onion-Location"), cases[i][1]);
		CHECK_INTEQ(header_count(&r, "Onion-Location"), 1);
		reply_finish(&r);
	}
	/* A 304 carries it too. */
	{
		const char *hs[2] = {NULL, NULL};
		char inm[128];

		get(&r, "/a.txt", NULL);
		snprintf(inm, sizeof(inm), "If-None-Match: %s", header(&r, "ETag"));
		reply_finish(&r);
		hs[0] = inm;
		get(&r, "/a.txt", hs);
		CHECK_INTEQ(r.status, 304);
		CHECK_STREQ(header(&r, "Onion-Location"), "http://example.onion/a.txt");
		reply_finish(&r);
	}
}

TEST(security_headers_everywhere)
{
	static const char *const paths[] = {"/",     "/img.png", "/missing", "/about", "/fr/x",
	                                    "/form", "/admin/x", "/big.bin", "/fail"};
	struct reply r;
	size_t i;

	start();
	for (i = 0; i < NELEM(paths); i++) {
		get(&r, paths[i], NULL);
		check_security_headers(&r);
		reply_finish(&r);
	}
	request(&r, "PUT", "/", NULL, NULL, NULL);
	check_security_headers(&r);
	reply_finish(&r);
	{
		const char *hs[] = {"Range: bytes=99-", NULL};

		get(&r, "/a.txt", hs);
		CHECK_INTEQ(r.status, 416);
		check_security_headers(&r);
		reply_finish(&r);
	}
	/* A handler may replace the policy; it is then sent once, its way. */
	get(&r, "/custom", NULL);
	CHECK_INTEQ(r.status, 201);
	CHECK_STREQ(header(&r, "Content-Security-Policy"), "default-src 'self'");
	CHECK_INTEQ(header_count(&r, "Content-Security-Policy"), 1);
	CHECK_STREQ(header(&r, "Cache-Control"), "max-age=60");
	CHECK_STREQ(header(&r, "X-Frame-Options"), "DENY");
	reply_finish(&r);
}

TEST(form_urlencoded_post)
{
	static const char *hs[] = {"Cookie: theme=dark; sid=abc123", "X-Test-Header: hi", NULL};
	struct reply r;

	start();
	request(&r, "POST", "/form?q=caf%C3%A9+noir&q=2", hs, "a=1&b=x+y%26z&a=2&a=%E2%82%AC",
	        NULL);
	CHECK_INTEQ(r.status, 200);
	CHECK(strstr(r.body.p, "method=POST\n") != NULL);
	CHECK(strstr(r.body.p, "path=/form\n") != NULL);
	CHECK(strstr(r.body.p, "query=q=caf%C3%A9+noir&q=2\n") != NULL);
	CHECK(strstr(r.body.p, "arg q=caf\xc3\xa9 noir\n") != NULL);
	CHECK(strstr(r.body.p, "form a=1\n") != NULL);
	CHECK(strstr(r.body.p, "form b=x y&z\n") != NULL);
	CHECK(strstr(r.body.p, "all a=3:[1][2][\xe2\x82\xac]\n") != NULL);
	CHECK(strstr(r.body.p, "cookie sid=abc123\n") != NULL);
	CHECK(strstr(r.body.p, "header=hi\n") != NULL);
	CHECK(strstr(r.body.p, "client=127.0.0.1 https=0") != NULL);
	CHECK_STREQ(header(&r, "Set-Cookie"), "sid=new; HttpOnly; SameSite=Strict");
	CHECK_STREQ(header(&r, "Cache-Control"), "no-store");
	CHECK_STREQ(header(&r, "Content-Type"), "text/plain; charset=utf-8");
	check_security_headers(&r);
	reply_finish(&r);

	/* GET to a route: no form, the query still parsed. */
	get(&r, "/form?q=1", NULL);
	CHECK_INTEQ(r.status, 200);
	CHECK(strstr(r.body.p, "arg q=1\n") != NULL);
	CHECK(strstr(r.body.p, "form a=(null)\n") != NULL);
	CHECK(strstr(r.body.p, "all a=0:\n") != NULL);
	reply_finish(&r);
}

TEST(form_multipart_post)
{
	struct reply r;
	CURL *c = curl_easy_init();
	curl_mime *mime = curl_mime_init(c);
	curl_mimepart *part;

	start();
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "a");
	curl_mime_data(part, "first", CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "b");
	curl_mime_data(part, "line one\r\nline two", CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "a");
	curl_mime_data(part, "second", CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "file");
	curl_mime_filename(part, "photo.png");
	curl_mime_type(part, "image/png");
	curl_mime_data(part, "PNGDATA", CURL_ZERO_TERMINATED);
	request(&r, "POST", "/form", NULL, NULL, mime);
	CHECK_INTEQ(r.status, 200);
	CHECK(strstr(r.body.p, "form a=first\n") != NULL);
	CHECK(strstr(r.body.p, "form b=line one\r\nline two\n") != NULL);
	CHECK(strstr(r.body.p, "all a=2:[first][second]\n") != NULL);
	CHECK(strstr(r.body.p, "upload=photo.png|image/png|7|PNGDATA\n") != NULL);
	reply_finish(&r);
	curl_mime_free(mime);
	curl_easy_cleanup(c);
}

TEST(malformed_forms_are_400)
{
	static const char *urlenc[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	static const char *multi[] = {"Content-Type: multipart/form-data; boundary=zz", NULL};
	static const char *noboundary[] = {"Content-Type: multipart/form-data", NULL};
	struct reply r;
	int before;

	start();
	before = atomic_load(&form_calls);
	request(&r, "POST", "/form", urlenc, "a=%zz", NULL);
	CHECK_INTEQ(r.status, 400);
	reply_finish(&r);
	request(&r, "POST", "/form", multi, "--zz\r\nno end", NULL);
	CHECK_INTEQ(r.status, 400);
	reply_finish(&r);
	request(&r, "POST", "/form", noboundary, "--zz--\r\n", NULL);
	CHECK_INTEQ(r.status, 400);
	reply_finish(&r);
	get(&r, "/form?q=%", NULL);
	CHECK_INTEQ(r.status, 400);
	reply_finish(&r);
	CHECK_INTEQ(atomic_load(&form_calls), before);
}

TEST(oversized_body_413)
{
	struct reply r;
	char *big = xmalloc(MAX_BODY + 2);

	start();
	memset(big, 'a', MAX_BODY + 1);
	big[0] = 'x';
	big[1] = '=';
	big[MAX_BODY + 1] = '\0';
	request(&r, "POST", "/form", NULL, big, NULL);
	CHECK_INTEQ(r.status, 413);
	check_security_headers(&r);
	/* The page says how large is too large, and that the typed text is still there. */
	CHECK(r.body.p && strstr(r.body.p, "larger than 4 KB") != NULL);
	CHECK(strstr(r.body.p, "Go back") != NULL);
	reply_finish(&r);
	/* Exactly the limit is fine. */
	big[MAX_BODY] = '\0';
	request(&r, "POST", "/form", NULL, big, NULL);
	CHECK_INTEQ(r.status, 200);
	CHECK(strstr(r.body.p, "body_n=4096\n") != NULL);
	reply_finish(&r);
	free(big);

	/* A chunked body past the limit: the connection is cut, no handler runs. */
	{
		struct buf out = BUF_INIT, req = BUF_INIT;
		int before = atomic_load(&form_calls), i;

		buf_puts(&req, "POST /form HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
		               "Connection: close\r\n\r\n");
		for (i = 0; i < 10; i++)
			buf_printf(&req, "400\r\n%01024d\r\n", 0);
		buf_puts(&req, "0\r\n\r\n");
		CHECK(raw(req.p, &out) != 200);
		CHECK_INTEQ(atomic_load(&form_calls), before);
		buf_finish(&out);
		buf_finish(&req);
	}
}

TEST(handler_failure_is_generic_500)
{
	struct reply r;

	start();
	get(&r, "/fail", NULL);
	CHECK_INTEQ(r.status, 500);
	CHECK(strstr(r.body.p, "secret detail") == NULL);
	CHECK(strstr(r.body.p, "partial output") == NULL);
	CHECK(strstr(r.body.p, "Internal Server Error") != NULL);
	reply_finish(&r);
}

TEST(dynamic_head_and_routes)
{
	struct reply r;

	start();
	request(&r, "HEAD", "/form?q=1", NULL, NULL, NULL);
	CHECK_INTEQ(r.status, 200);
	CHECK_INTEQ(r.body.n, 0);
	CHECK(atoi(header(&r, "Content-Length")) > 0);
	CHECK(header(&r, "Set-Cookie") != NULL);
	reply_finish(&r);

	/* Longest prefix, whatever the order. */
	get(&r, "/admin/deep/x", NULL);
	CHECK_STREQ(r.body.p, "deep /admin/deep/x");
	reply_finish(&r);
	get(&r, "/admin/x", NULL);
	CHECK_STREQ(r.body.p, "admin /admin/x");
	reply_finish(&r);
	get(&r, "/admin/", NULL);
	CHECK_STREQ(r.body.p, "admin /admin/");
	reply_finish(&r);
	get(&r, "/admin", NULL);
	CHECK_INTEQ(r.status, 301);
	CHECK_STREQ(header(&r, "Location"), "/admin/");
	reply_finish(&r);
	get(&r, "/search", NULL);
	CHECK_STREQ(r.body.p, "search /search");
	reply_finish(&r);
	get(&r, "/search/more", NULL);
	CHECK_STREQ(r.body.p, "search /search/more");
	reply_finish(&r);
	get(&r, "/searchx", NULL);
	CHECK_INTEQ(r.status, 404);
	reply_finish(&r);
	/* The handler sees the normalised path. */
	get(&r, "//admin//a%62c", NULL);
	CHECK_STREQ(r.body.p, "admin /admin/abc");
	reply_finish(&r);
	/* No way around a route's normalisation with dot segments. */
	get(&r, "/admin/../a.txt", NULL);
	CHECK_INTEQ(r.status, 404);
	reply_finish(&r);
}

/* Runs fn in a child and tells whether it aborted. */
static bool aborts(void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		/* Keep the expected "tamizdat: ..." line off the test's output. */
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(2);
		signal(SIGABRT, SIG_DFL);
		fn();
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	       WTERMSIG(status) == SIGABRT;
}

static void header_with_crlf(void)
{
	struct http_response resp = {0};

	http_response_header(&resp, "X-A", "ok\r\nSet-Cookie: evil=1");
}

static void header_name_with_lf(void)
{
	struct http_response resp = {0};

	http_response_header(&resp, "X-A\nB", "v");
}

static void redirect_with_cr(void)
{
	struct http_response resp = {0};

	http_response_redirect(&resp, 302, "/a\rb");
}

TEST(response_header_splitting_aborts)
{
	struct http_response resp = {0};

	CHECK(aborts(header_with_crlf));
	CHECK(aborts(header_name_with_lf));
	CHECK(aborts(redirect_with_cr));
	http_response_header(&resp, "X-Fine", "a value: with; punctuation");
	CHECK_INTEQ(resp.nheaders, 1);
	CHECK_STREQ(resp.headers[0].value, "a value: with; punctuation");
	free(resp.headers[0].name);
	free(resp.headers[0].value);
	free(resp.headers);
}

TEST(redirects_by_method)
{
	struct reply r;

	start();
	get(&r, "/redirect", NULL);
	CHECK_INTEQ(r.status, 302);
	CHECK_STREQ(header(&r, "Location"), "/done/");
	reply_finish(&r);
	request(&r, "POST", "/redirect", NULL, "a=1", NULL);
	CHECK_INTEQ(r.status, 303);
	CHECK_STREQ(header(&r, "Location"), "/done/");
	reply_finish(&r);
}

TEST(trusted_proxy_headers)
{
	static const char *hs[] = {"X-Forwarded-For: 203.0.113.9, 198.51.100.7",
	                           "X-Forwarded-Proto: https", NULL};
	struct http_config cfg = config();
	struct http_server *other;
	unsigned saved = port;
	struct reply r;

	start();
	get(&r, "/form", hs);
	CHECK(strstr(r.body.p, "client=127.0.0.1 https=0") != NULL);
	reply_finish(&r);

	cfg.trusted_proxy = "127.0.0.1";
	cfg.tick = NULL;
	other = http_server_start(&cfg);
	CHECK(other != NULL);
	port = http_server_port(other);
	get(&r, "/form", hs);
	port = saved;
	http_server_stop(other);
	CHECK(strstr(r.body.p, "client=198.51.100.7 https=1") != NULL);
	reply_finish(&r);
}

TEST(tick_runs_every_second)
{
	int t0;

	start();
	t0 = atomic_load(&ticks);
	usleep(2300 * 1000);
	CHECK(atomic_load(&ticks) >= t0 + 1);
	CHECK(atomic_load(&ticks) <= t0 + 3);
}

TEST(cache_sees_changed_files)
{
	struct reply r;
	char path[512];
	struct stat st;
	int fd;
	static const char *gz[] = {"Accept-Encoding: gzip", NULL};

	start();
	get(&r, "/a.txt", NULL);
	CHECK_STREQ(r.body.p, "version 1\n");
	reply_finish(&r);
	get(&r, "/a.txt", NULL); /* now from the cache */
	CHECK_STREQ(r.body.p, "version 1\n");
	reply_finish(&r);

	/* Rewritten in place, same size, same inode: the mtime tells. */
	snprintf(path, sizeof(path), "%s/a.txt", root);
	CHECK(stat(path, &st) == 0);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0);
	CHECK(pwrite(fd, "VERSION 2\n", 10, 0) == 10);
	close(fd);
	touch("a.txt", 5);
	http_server_invalidate(srv);
	get(&r, "/a.txt", NULL);
	CHECK_STREQ(r.body.p, "VERSION 2\n");
	reply_finish(&r);

	/* Replaced by rename (how publishing writes): a new inode. */
	put("a.txt", "version 3\n");
	http_server_invalidate(srv);
	get(&r, "/a.txt", NULL);
	CHECK_STREQ(r.body.p, "version 3\n");
	reply_finish(&r);

	/* A new .gz appears beside a cached file, then changes. */
	put("about/index.html.gz", "GZ-ONE");
	touch("about/index.html.gz", 10);
	http_server_invalidate(srv);
	get(&r, "/about/", gz);
	CHECK_STREQ(r.body.p, "GZ-ONE");
	reply_finish(&r);
	put("about/index.html.gz", "GZ-TWO");
	touch("about/index.html.gz", 20);
	http_server_invalidate(srv);
	get(&r, "/about/", gz);
	CHECK_STREQ(r.body.p, "GZ-TWO");
	reply_finish(&r);
	/* ...and goes away. */
	snprintf(path, sizeof(path), "%s/about/index.html.gz", root);
	CHECK(unlink(path) == 0);
	http_server_invalidate(srv);
	get(&r, "/about/", gz);
	CHECK_STREQ(r.body.p, "about page\n");
	reply_finish(&r);

	/* A file removed is 404 as soon as the server is told. */
	put("gone.txt", "here");
	get(&r, "/gone.txt", NULL);
	CHECK_INTEQ(r.status, 200);
	reply_finish(&r);
	snprintf(path, sizeof(path), "%s/gone.txt", root);
	CHECK(unlink(path) == 0);
	http_server_invalidate(srv);
	get(&r, "/gone.txt", NULL);
	CHECK_INTEQ(r.status, 404);
	reply_finish(&r);
}

TEST(cache_sees_other_changes_within_the_window)
{
	struct reply r;

	start();
	put("w.txt", "before\n");
	get(&r, "/w.txt", NULL);
	CHECK_STREQ(r.body.p, "before\n");
	reply_finish(&r);
	/* Same size, new inode and mtime; nobody tells the server. */
	put("w.txt", "after!\n");
	usleep((HTTP_REVALIDATE_MS + 150) * 1000);
	get(&r, "/w.txt", NULL);
	CHECK_STREQ(r.body.p, "after!\n");
	reply_finish(&r);
}

TEST(large_files_from_descriptors)
{
	struct reply r;
	char *big = big_data();
	static const char *range[] = {"Range: bytes=1000000-1000009", NULL};

	start();
	get(&r, "/big.bin", NULL);
	CHECK_INTEQ(r.status, 200);
	CHECK_INTEQ(r.body.n, BIG_SIZE);
	CHECK(memcmp(r.body.p, big, BIG_SIZE) == 0);
	reply_finish(&r);
	get(&r, "/big.bin", range);
	CHECK_INTEQ(r.status, 206);
	CHECK_INTEQ(r.body.n, 10);
	CHECK(memcmp(r.body.p, big + 1000000, 10) == 0);
	reply_finish(&r);
	request(&r, "HEAD", "/big.bin", NULL, NULL, NULL);
	CHECK_INTEQ(atoi(header(&r, "Content-Length")), BIG_SIZE);
	reply_finish(&r);
	big[0] = 'Z';
	put_n("big.bin", big, BIG_SIZE);
	get(&r, "/big.bin", NULL);
	CHECK(r.body.n > 0 && r.body.p[0] == 'Z');
	reply_finish(&r);
	free(big);
}

struct hammer {
	int id, bad;
};

static void *hammer_main(void *arg)
{
	struct hammer *h = arg;
	static const char *gz[] = {"Accept-Encoding: gzip", NULL};
	char path[64], want1[1024], want2[1024];
	struct reply r;
	int i;

	for (i = 0; i < 150; i++) {
		int k = (i * 7 + h->id) % 12;

		snprintf(path, sizeof(path), "/h/%d.txt", k);
		snprintf(want1, sizeof(want1), "file %d old %0900d\n", k, 0);
		snprintf(want2, sizeof(want2), "file %d new %0900d\n", k, 0);
		request(&r, "GET", path, i % 2 ? gz : NULL, NULL, NULL);
		if (r.status != 200 ||
		    (strcmp(r.body.p, want1) != 0 && strcmp(r.body.p, want2) != 0))
			h->bad++;
		reply_finish(&r);
	}
	return NULL;
}

TEST(cache_eviction_under_load)
{
	pthread_t th[4];
	struct hammer hs[4];
	char name[64], data[1024];
	int i, k;

	start();
	for (k = 0; k < 12; k++) {
		snprintf(name, sizeof(name), "h/%d.txt", k);
		snprintf(data, sizeof(data), "file %d old %0900d\n", k, 0);
		put(name, data);
	}
	/* A cache that holds about four of the files: constant eviction. */
	http_cache_free(srv->cache);
	srv->cache = http_cache_new(4 * (900 + 2048 + 20));
	for (i = 0; i < 4; i++) {
		hs[i].id = i;
		hs[i].bad = 0;
		CHECK(pthread_create(&th[i], NULL, hammer_main, &hs[i]) == 0);
	}
	for (k = 0; k < 12; k++) {
		snprintf(name, sizeof(name), "h/%d.txt", k);
		snprintf(data, sizeof(data), "file %d new %0900d\n", k, 0);
		put(name, data);
		usleep(20000);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_INTEQ(hs[i].bad, 0);
	}
}

static void *slow_main(void *arg)
{
	struct reply *r = arg;

	get(r, "/slow", NULL);
	return NULL;
}

TEST(stop_finishes_requests_in_flight)
{
	struct reply r;
	pthread_t th;
	int i;

	start();
	atomic_store(&slow_started, 0);
	CHECK(pthread_create(&th, NULL, slow_main, &r) == 0);
	for (i = 0; i < 1000 && !atomic_load(&slow_started); i++)
		usleep(10 * 1000);
	http_server_stop(srv);
	srv = NULL;
	pthread_join(th, NULL);
	CHECK_INTEQ(r.status, 200);
	CHECK_STREQ(r.body.p, "slow done");
	reply_finish(&r);
	/* Stopped means stopped: nothing listens any more. */
	get(&r, "/", NULL);
	CHECK(r.err != CURLE_OK);
	reply_finish(&r);
	start();
}

TEST(serve_stops_on_sigterm)
{
	int out[2], status;
	pid_t pid;
	char line[256] = {0};
	ssize_t n;
	unsigned p = 0;
	struct reply r;
	unsigned saved = port;

	/* Forks before this process has any server thread: see TESTS. */
	CHECK(srv == NULL);
	site();
	CHECK(pipe(out) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct http_config cfg = config();

		cfg.tick = NULL;
		dup2(out[1], STDOUT_FILENO);
		close(out[0]);
		_exit(http_serve(&cfg) == 0 ? 0 : 1);
	}
	child = pid;
	close(out[1]);
	n = read(out[0], line, sizeof(line) - 1);
	close(out[0]);
	CHECK(n > 0);
	CHECK(strstr(line, "http://127.0.0.1:") != NULL);
	p = (unsigned)atoi(strstr(line, "http://127.0.0.1:") + 17);
	CHECK(p > 0);
	port = p;
	get(&r, "/a.txt", NULL);
	port = saved;
	CHECK_INTEQ(r.status, 200);
	reply_finish(&r);
	CHECK(kill(pid, SIGTERM) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	child = 0;
	CHECK(WIFEXITED(status));
	CHECK_INTEQ(WEXITSTATUS(status), 0);
}

TEST(start_failures_are_reported)
{
	struct http_config cfg = config();
	struct http_server *s;

	cfg.root = "/nonexistent/folder";
	CHECK(http_server_start(&cfg) == NULL);
	CHECK(strstr(log_reason(), "/nonexistent/folder") != NULL);
	cfg = config();
	cfg.listen = "example.org";
	CHECK(http_server_start(&cfg) == NULL);
	CHECK(strstr(log_reason(), "example.org") != NULL);
	start();
	cfg = config();
	cfg.port = port; /* taken */
	cfg.tick = NULL;
	s = http_server_start(&cfg);
	CHECK(s == NULL);
	CHECK(strstr(log_reason(), "cannot listen") != NULL);
	cfg.listen = "::1";
	cfg.port = 0;
	s = http_server_start(&cfg);
	if (s != NULL) /* a machine without IPv6 may refuse */
		http_server_stop(s);
}

/*
 * The tests that fork come before the first server starts: a child forked
 * from a process with running threads may inherit a lock held forever.
 */
/* ---- slow routes on the work threads ---- */

static atomic_int late_started, late_release, late_gave_up;

static int h_late(void *arg, const struct http_request *req, struct http_response *resp)
{
	int i;

	(void)arg;
	(void)req;
	atomic_store(&late_started, 1);
	for (i = 0; i < 500 && !atomic_load(&late_release); i++)
		usleep(10 * 1000);
	if (!atomic_load(&late_release))
		atomic_store(&late_gave_up, 1);
	buf_puts(&resp->body, "late done");
	return 0;
}

static int h_late_quick(void *arg, const struct http_request *req, struct http_response *resp)
{
	(void)arg;
	if (http_request_arg(req, "fast") == NULL)
		return HTTP_LATER;
	buf_puts(&resp->body, "quick");
	return 0;
}

static int h_late_pass(void *arg, const struct http_request *req, struct http_response *resp)
{
	(void)arg;
	(void)req;
	(void)resp;
	return HTTP_PASS;
}

static const struct http_route late_routes[] = {
        {"/late", h_late, NULL, false, h_late_quick},
        {"/pass", h_late_pass, NULL, false, h_late_quick},
};

static void *late_main(void *arg)
{
	get(arg, "/late", NULL);
	return NULL;
}

/*
 * With one network thread, a request whose handler is still working on
 * the work thread holds up neither files nor quick answers; its own
 * answer comes when the work is done; HTTP_PASS from a work thread still
 * gets the static answer.  Without the work threads the file would wait
 * the five seconds the handler waits.
 */
TEST(slow_routes_run_off_the_network_thread)
{
	static struct http_config cfg;
	struct http_server *own;
	struct reply late, r;
	unsigned saved = port;
	pthread_t th;
	int i;

	site();
	cfg = config();
	cfg.threads = 1;
	cfg.work_threads = 1;
	cfg.routes = late_routes;
	cfg.nroutes = NELEM(late_routes);
	cfg.tick = NULL;
	own = http_server_start(&cfg);
	CHECK(own != NULL);
	port = http_server_port(own);
	atomic_store(&late_started, 0);
	atomic_store(&late_release, 0);
	atomic_store(&late_gave_up, 0);
	CHECK(pthread_create(&th, NULL, late_main, &late) == 0);
	for (i = 0; i < 1000 && !atomic_load(&late_started); i++)
		usleep(10 * 1000);
	CHECK(atomic_load(&late_started));
	get(&r, "/index.html", NULL);
	CHECK_INTEQ(r.status, 200);
	CHECK_STREQ(r.body.p, "<h1>home</h1>\n");
	reply_finish(&r);
	get(&r, "/late?fast=1", NULL);
	CHECK_INTEQ(r.status, 200);
	CHECK_STREQ(r.body.p, "quick");
	reply_finish(&r);
	/* Both came while the slow one still waited. */
	CHECK(!atomic_load(&late_gave_up));
	atomic_store(&late_release, 1);
	pthread_join(th, NULL);
	CHECK_INTEQ(late.status, 200);
	CHECK_STREQ(late.body.p, "late done");
	CHECK(header(&late, "Content-Security-Policy") != NULL);
	reply_finish(&late);
	get(&r, "/pass", NULL);
	CHECK_INTEQ(r.status, 404);
	reply_finish(&r);
	/* A stop answers what the work thread still holds. */
	atomic_store(&late_started, 0);
	atomic_store(&late_release, 0);
	CHECK(pthread_create(&th, NULL, late_main, &late) == 0);
	for (i = 0; i < 1000 && !atomic_load(&late_started); i++)
		usleep(10 * 1000);
	atomic_store(&late_release, 1);
	http_server_stop(own);
	pthread_join(th, NULL);
	CHECK_INTEQ(late.status, 200);
	CHECK_STREQ(late.body.p, "late done");
	reply_finish(&late);
	port = saved;
}

TESTS(T(path_normalise_rules), T(range_parse_forms), T(accept_encoding_and_etags),
      T(dates_round_trip), T(form_urlencoded_fields), T(form_multipart_fields),
      T(response_header_splitting_aborts), T(serve_stops_on_sigterm), T(content_types_by_name),
      T(index_and_slash_redirect), T(etag_and_if_modified_since_give_304), T(gzip_negotiation),
      T(ranges_206_and_416), T(head_has_headers_and_no_body), T(other_methods_on_files_405),
      T(localised_404), T(no_traversal_with_openat2), T(no_traversal_without_openat2),
      T(dotfiles_are_404), T(security_headers_everywhere), T(onion_location_names_the_same_page),
      T(form_urlencoded_post), T(form_multipart_post), T(malformed_forms_are_400),
      T(oversized_body_413), T(handler_failure_is_generic_500), T(dynamic_head_and_routes),
      T(redirects_by_method), T(trusted_proxy_headers), T(tick_runs_every_second),
      T(cache_sees_changed_files), T(cache_sees_other_changes_within_the_window),
      T(large_files_from_descriptors), T(cache_eviction_under_load),
      T(stop_finishes_requests_in_flight), T(start_failures_are_reported),
      T(slow_routes_run_off_the_network_thread))
