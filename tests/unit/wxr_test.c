/*
 * Tests for the WordPress import (src/import/wxr*.c).
 *
 * wpautop: the port is checked against WordPress's own PHP.  Expected
 * outputs were made with tools/wpautop_ref.php running wpautop() and
 * shortcode_unautop() of WordPress 6 (wordpress-develop trunk,
 * src/wp-includes/formatting.php) under PHP 8.2:
 *   - wxr_autop_cases.txt: 150 generated inputs (random mixes of the
 *     markup each rule looks at), their outputs in full;
 *   - wxr_autop_corpus.txt: hashes of the outputs for every post body and
 *     excerpt of the exports of ../shared/testdata/wxr read here (585
 *     texts, 304 distinct).
 * During development the same comparison ran on 70,000 further generated
 * inputs and random byte strings without a difference.
 *
 * The rest: shortcodes and embeds, the Markdown HTML blocks (that the
 * renderer passes them through byte for byte), the reader against the
 * expectations the WordPress importer's own tests state (restated in
 * ../shared/testdata/wxr/SOURCE.md) and the files it must refuse, and
 * imports into a real site: statuses, sections, tags, authors, Polylang
 * and WPML translations, redirects, idempotence, all-or-nothing.
 */
#include "test.h"

#include <sodium.h>
#include <stdint.h>
#include <unistd.h>

#include "import/wxr.h"
#include "import/wxr_int.h"
#include "render/render_int.h"
#include "site/site.h"
#include "store/store.h"
#include "text/mdr.h"
#include "text/sanitize.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/log.h"

/* ---- helpers ---------------------------------------------------------- */

static char *autop(const char *s)
{
	struct buf b = BUF_INIT;

	wxr_autop(s, strlen(s), &b);
	return buf_detach(&b);
}

static char *unautop(const char *s)
{
	struct buf a = BUF_INIT, b = BUF_INIT;

	wxr_autop(s, strlen(s), &a);
	wxr_shortcode_unautop(buf_cstr(&a), a.n, &b);
	buf_finish(&a);
	return buf_detach(&b);
}

static char *shortcodes(const char *s)
{
	struct buf b = BUF_INIT;

	wxr_shortcodes(s, strlen(s), &b, NULL);
	return buf_detach(&b);
}

static char *embeds(const char *s)
{
	struct buf b = BUF_INIT;

	wxr_embeds(s, strlen(s), &b, NULL);
	return buf_detach(&b);
}

static char *body(const char *s)
{
	struct buf b = BUF_INIT;

	if (wxr_body(s, strlen(s), NULL, &b, NULL) != 0)
		abort();
	return buf_detach(&b);
}

static char *text(const char *s, bool one_line)
{
	struct buf b = BUF_INIT;

	wxr_html_text(s, strlen(s), one_line, &b);
	return buf_detach(&b);
}

#define EXPECT(fn, in, out)             \
	do {                            \
		char *got_ = fn(in);    \
		CHECK_STREQ(got_, out); \
		free(got_);             \
	} while (0)

static size_t b64_decode(const char *s, size_t n, struct buf *out)
{
	unsigned char bin[1 << 16];
	size_t len = 0;

	buf_reset(out);
	if (sodium_base642bin(bin, sizeof(bin), s, n, "\n", &len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return (size_t)-1;
	buf_put(out, bin, len);
	return len;
}

/* The first 16 hex digits of the SHA-256 of s[0..n). */
static void hash16(const char *s, size_t n, char out[17])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)s, n);
	sodium_bin2hex(out, 17, h, 8);
}

static void path_of(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/testdata/wxr/%s", test_shared_dir(), rel);
}

/* mdr's raw_html callback that writes the HTML as it is. */
static void pass(void *arg, const char *html, size_t n, struct buf *out)
{
	(void)arg;
	buf_put(out, html, n);
}

/*
 * Markdown passes a body through byte for byte: render it (raw HTML let
 * through), sanitise it as the import did, write the blocks again.
 */
static bool reads_back(const char *b, size_t n)
{
	static const struct san_opts keep = {.allow_remote_img = true};
	struct buf m = BUF_INIT, s = BUF_INIT, again = BUF_INIT;
	struct mdr_opts mo = {0};
	bool same;

	mo.raw_html = pass;
	if (mdr_render(b, n, &mo, &m) != 0 || san_html(buf_cstr(&m), m.n, &keep, &s) != 0)
		abort();
	wxr_blocks(buf_cstr(&s), s.n, &again);
	same = again.n == n && memcmp(buf_cstr(&again), b, n) == 0;
	if (!same)
		fprintf(stderr, "body:\n%.*s\nread back:\n%s\n", (int)n, b, buf_cstr(&again));
	buf_finish(&m);
	buf_finish(&s);
	buf_finish(&again);
	return same;
}

/* ---- wpautop ---------------------------------------------------------- */

TEST(autop_known_cases)
{
	EXPECT(autop, "a\n\nb\nc", "<p>a</p>\n<p>b<br />\nc</p>\n");
	EXPECT(autop, "<div>x</div>y", "<div>x</div>\n<p>y</p>\n");
	EXPECT(autop, "<pre>a\n\n\tb</pre>\n\nc\n", "<pre>a\n\n\tb</pre>\n<p>c</p>\n");
	/* WordPress's look-behind sees only "<br />" right before the spaces. */
	EXPECT(autop, "x<br />  \ny", "<p>x<br /> <br />\ny</p>\n");
	EXPECT(autop, "<ul><li>a</li>\n<li>b</li></ul>", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
	EXPECT(autop, "<blockquote>q\n\nr</blockquote>",
	       "<blockquote><p>q</p>\n<p>r</p></blockquote>\n");
	EXPECT(autop, "<script>a\nb</script>\nc", "<p><script>a\nb</script><br />\nc</p>\n");
	EXPECT(autop, "Hello\r\nWorld\r\rX", "<p>Hello<br />\nWorld</p>\n<p>X</p>\n");
	EXPECT(autop, "<!-- a\nb -->\ntext", "<p><!-- a\nb --><br />\ntext</p>\n");
	EXPECT(autop, "<img\nsrc=\"x\"\nalt=\"y\">\n\nz",
	       "<p><img\nsrc=\"x\"\nalt=\"y\"></p>\n<p>z</p>\n");
	EXPECT(autop, "<p>one</p><p>two</p>", "<p>one</p>\n<p>two</p>\n");
	EXPECT(autop, "", "");
	EXPECT(autop, "  \n\t ", "");
	EXPECT(unautop, "[caption width=\"30\"]<img src=\"x\"> c[/caption]\n\nok",
	       "[caption width=\"30\"]<img src=\"x\"> c[/caption]\n<p>ok</p>\n");
}

/* The generated cases, outputs in full (see the top of the file). */
TEST(autop_matches_wordpress_on_generated_cases)
{
	char path[4096];
	struct buf file = BUF_INIT, in = BUF_INIT, want = BUF_INIT, got = BUF_INIT, tmp = BUF_INIT;
	const char *p, *end;
	size_t n = 0, bad = 0;

	snprintf(path, sizeof(path), "%s/tests/unit/wxr_autop_cases.txt", getenv("TZ_SRC"));
	CHECK(fs_read_file(path, &file, 1 << 24) == 0);
	for (p = buf_cstr(&file); *p; p = *end ? end + 1 : end) {
		const char *t1, *t2;
		end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if (*p == '#' || p == end)
			continue;
		t1 = memchr(p, '\t', (size_t)(end - p));
		t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(end - t1 - 1)) : NULL;
		CHECK(t2 != NULL);
		CHECK(b64_decode(p, (size_t)(t1 - p), &in) != (size_t)-1);
		buf_reset(&got);
		wxr_autop(buf_cstr(&in), in.n, &got);
		CHECK(b64_decode(t1 + 1, (size_t)(t2 - t1 - 1), &want) != (size_t)-1);
		if (got.n != want.n || memcmp(buf_cstr(&got), buf_cstr(&want), got.n) != 0) {
			if (bad++ < 3)
				fprintf(stderr, "wpautop differs on %s\n  got:  %s\n  want: %s\n",
				        buf_cstr(&in), buf_cstr(&got), buf_cstr(&want));
			n++;
			continue;
		}
		buf_reset(&tmp);
		wxr_shortcode_unautop(buf_cstr(&got), got.n, &tmp);
		CHECK(b64_decode(t2 + 1, (size_t)(end - t2 - 1), &want) != (size_t)-1);
		if (tmp.n != want.n || memcmp(buf_cstr(&tmp), buf_cstr(&want), tmp.n) != 0)
			if (bad++ < 3)
				fprintf(stderr, "shortcode_unautop differs on %s\n",
				        buf_cstr(&got));
		n++;
	}
	CHECK_INTEQ(n, 150);
	CHECK_INTEQ(bad, 0);
	buf_finish(&file);
	buf_finish(&in);
	buf_finish(&want);
	buf_finish(&got);
	buf_finish(&tmp);
}

/* Every post body of the shared exports, against WordPress's outputs by hash. */
struct corpus {
	struct buf expect; /* the hash file */
	size_t n, bad, missing;
	size_t reads_back_bad;
};

static int corpus_check(struct corpus *c, const char *s)
{
	struct buf a = BUF_INIT, u = BUF_INIT;
	char hi[17], ha[17], hu[17], line[64];

	if (*s == '\0')
		return 0;
	hash16(s, strlen(s), hi);
	wxr_autop(s, strlen(s), &a);
	wxr_shortcode_unautop(buf_cstr(&a), a.n, &u);
	hash16(buf_cstr(&a), a.n, ha);
	hash16(buf_cstr(&u), u.n, hu);
	snprintf(line, sizeof(line), "%s %s %s\n", hi, ha, hu);
	c->n++;
	if (strstr(buf_cstr(&c->expect), line) == NULL) {
		snprintf(line, sizeof(line), "%s ", hi);
		if (strstr(buf_cstr(&c->expect), line) == NULL) {
			if (c->missing++ < 3)
				fprintf(stderr, "not in the list: %.120s\n", s);
		} else if (c->bad++ < 3)
			fprintf(stderr, "wpautop differs from WordPress on:\n%.300s\n", s);
	}
	buf_finish(&a);
	buf_finish(&u);
	return 0;
}

static int corpus_item(void *arg, const struct wxr_item *it)
{
	struct corpus *c = arg;
	struct buf b = BUF_INIT;

	corpus_check(c, it->content);
	corpus_check(c, it->excerpt);
	if (wxr_body(it->content, strlen(it->content), NULL, &b, NULL) != 0 ||
	    !reads_back(buf_cstr(&b), b.n))
		c->reads_back_bad++;
	buf_finish(&b);
	return 0;
}

static const char *const good_files[] = {
        "theme-test-data/themeunittestdata.wordpress.xml",
        "theme-test-data/64-block-test-data.xml",
        "theme-test-data/theme-preview.xml",
        "wordpress-importer/phpunit-data/a11y-unit-test-data.xml",
        "wordpress-importer/phpunit-data/theme-unit-test-data.xml",
        "wordpress-importer/phpunit-data/small-export.xml",
        "wordpress-importer/phpunit-data/valid-wxr-1.0.xml",
        "wordpress-importer/phpunit-data/valid-wxr-1.1.xml",
        "wordpress-importer/phpunit-data/wxr-utf-8-challenges.xml",
        "wordpress-importer/phpunit-data/slashes.xml",
        "wordpress-importer/phpunit-data/post-content-blank-lines.xml",
        "wordpress-importer/phpunit-data/crazy-cdata-escaped.xml",
        "wordpress-importer/e2e-fixtures/wxr-comprehensive.xml",
        "wordpress-importer/e2e-fixtures/wxr-base-url-rewriting.xml",
        "wordpress-importer/e2e-fixtures/wxr-css-urls.xml",
};

TEST(autop_matches_wordpress_on_shared_exports_and_bodies_read_back)
{
	struct corpus c = {BUF_INIT, 0, 0, 0, 0};
	struct wxr_handler h = {NULL, NULL, NULL, corpus_item, NULL, &c};
	char path[4096];
	size_t i;

	snprintf(path, sizeof(path), "%s/tests/unit/wxr_autop_corpus.txt", getenv("TZ_SRC"));
	CHECK(fs_read_file(path, &c.expect, 1 << 24) == 0);
	for (i = 0; i < NELEM(good_files); i++) {
		path_of(path, sizeof(path), good_files[i]);
		CHECK(wxr_read_file(path, &h) == 0);
	}
	fprintf(stderr,
	        "wpautop: %zu texts of the shared exports, %zu differ from WordPress, "
	        "%zu not in the list\n",
	        c.n, c.bad, c.missing);
	CHECK(c.n >= 580);
	CHECK_INTEQ(c.bad, 0);
	CHECK_INTEQ(c.missing, 0);
	CHECK_INTEQ(c.reads_back_bad, 0);
	buf_finish(&c.expect);
}

/* ---- shortcodes and embeds -------------------------------------------- */

TEST(caption_becomes_figure)
{
	EXPECT(shortcodes,
	       "[caption id=\"a_1\" align=\"alignleft\" width=\"300\"]<img src=\"x.jpg\"> "
	       "The caption[/caption]",
	       "<figure><img src=\"x.jpg\"><figcaption>The caption</figcaption></figure>");
	EXPECT(shortcodes,
	       "[caption width=\"300\" caption=\"Attr caption\"]<img src=\"x.jpg\">[/caption]",
	       "<figure><img src=\"x.jpg\"><figcaption>Attr caption</figcaption></figure>");
	/* A link around the image stays with the image. */
	EXPECT(shortcodes,
	       "[caption width=\"3\"]<a href=\"big.jpg\"> <img src=\"x\" /> </a> Cap[/caption]",
	       "<figure><a href=\"big.jpg\"> <img src=\"x\" /> </a><figcaption>Cap</figcaption>"
	       "</figure>");
	/* WordPress shows the image alone without a width or a caption. */
	EXPECT(shortcodes, "[caption]<img src=\"x\"> Cap[/caption]", "<img src=\"x\">");
	EXPECT(shortcodes, "[caption width=\"30\"]<img src=\"x\">[/caption]", "<img src=\"x\">");
	EXPECT(shortcodes, "[wp_caption width=\"3\"]<img src=\"x\">c[/wp_caption]",
	       "<figure><img src=\"x\"><figcaption>c</figcaption></figure>");
	EXPECT(shortcodes, "[CAPTION width=\"3\"]<img src=\"x\">c[/CAPTION]",
	       "[CAPTION width=\"3\"]<img src=\"x\">c[/CAPTION]");
}

TEST(other_shortcodes)
{
	EXPECT(shortcodes, "a [gallery ids=\"1,2\"] b [playlist ids=\"3\"/] c", "a  b  c");
	EXPECT(shortcodes, "[audio mp3=\"https://e.org/a.mp3\"][/audio]",
	       "<a href=\"https://e.org/a.mp3\">https://e.org/a.mp3</a>");
	EXPECT(shortcodes, "[video width=\"640\" src=\"/v.mp4\"]", "<a href=\"/v.mp4\">/v.mp4</a>");
	EXPECT(shortcodes, "[embed width=\"1\"] https://www.youtube.com/watch?v=x [/embed]",
	       "<a "
	       "href=\"https://www.youtube.com/watch?v=x\">https://www.youtube.com/watch?v=x</a>");
	/* [[x]] escapes a known shortcode; unknown ones stay as text. */
	EXPECT(shortcodes, "[[gallery]] [gallery-x] [foo bar=\"1\"] [1] [sic]",
	       "[gallery] [gallery-x] [foo bar=\"1\"] [1] [sic]");
	/* Brackets inside tags are not shortcode brackets. */
	EXPECT(shortcodes, "<a title=\"[gallery]\">x</a>", "<a title=\"[gallery]\">x</a>");
	EXPECT(shortcodes, "[caption width=\"3\"]<img alt=\"a]b\" src=\"x\">c[/caption]",
	       "<figure><img alt=\"a]b\" src=\"x\"><figcaption>c</figcaption></figure>");
	/* Unclosed, or with nothing to link. */
	EXPECT(shortcodes, "[caption width=\"3\" caption=\"c\"]",
	       "<figure><figcaption>c</figcaption></figure>");
	EXPECT(shortcodes, "[audio]", "");
}

TEST(embeds_become_links)
{
	EXPECT(embeds, "Intro\n\nhttps://vimeo.com/123\n\nmore https://x.org/ inline",
	       "Intro\n\n<a href=\"https://vimeo.com/123\">https://vimeo.com/123</a>\n\nmore "
	       "https://x.org/ inline");
	EXPECT(embeds, "<p>  https://e.org/a  </p>",
	       "<p>  <a href=\"https://e.org/a\">https://e.org/a</a>  </p>");
	EXPECT(embeds, "[embed]http://e.org/v[/embed]",
	       "<a href=\"http://e.org/v\">http://e.org/v</a>");
	/* A line break inside a tag does not make a line. */
	EXPECT(embeds, "<a title=\"x\nhttps://e.org/\n\">y</a>",
	       "<a title=\"x\nhttps://e.org/\n\">y</a>");
	EXPECT(embeds, "https://e.org/\"quoted", "https://e.org/\"quoted");
}

/* ---- bodies as Markdown ---------------------------------------------- */

TEST(body_is_markdown_html_blocks)
{
	/* Classic content: wpautop, then each top-level element a block. */
	EXPECT(body, "One *not emphasis*\n\nTwo\nlines",
	       "<p>One *not emphasis*</p>\n\n<p>Two<br>\nlines</p>");
	/* Block content: delimiters gone, no wpautop. */
	EXPECT(body,
	       "<!-- wp:paragraph -->\n<p>A</p>\n<!-- /wp:paragraph -->\n\n"
	       "<!-- wp:latest-posts {\"postsToShow\":3} /-->\n<!-- wp:separator -->\n"
	       "<hr class=\"wp-block-separator\"/>\n<!-- /wp:separator -->",
	       "<p>A</p>\n\n<hr>");
	/* Blank lines inside <pre> survive as "&#10;", and tabs in it. */
	EXPECT(body, "<pre>a\n\n\n\tb  \n</pre>", "<pre>a\n&#10;&#10;&#9;b &#32;\n</pre>");
	/* md4c misses <h2>..<h6> as block starts: the tag goes alone on its line. */
	EXPECT(body, "<h2>Title *x*</h2>\n<h3 id=\"s\">Sub</h3>",
	       "<h2>\nTitle *x*</h2>\n\n<h3 id=\"u-s\">\nSub</h3>");
	/* Inline content between blocks is a paragraph (or a div around blocks). */
	EXPECT(body, "<div>d</div>text <b>b</b><table><tr><td>t</td></tr></table>",
	       "<div>d</div>\n\n<p>text <b>b</b></p>\n\n<table>\n<tbody><tr>\n<td>t</td>\n</tr>\n"
	       "</tbody></table>");
	EXPECT(body, "<!-- wp:x -->\n<a href=\"/x\"><div>block in link</div></a>",
	       "<div><a href=\"/x\"><div>block in link</div></a></div>");
	/* Empty paragraphs (what a removed script leaves) go. */
	EXPECT(body, "a\n\n<script>alert(1)</script>\n\nb", "<p>a</p>\n\n<p>b</p>");
	/* Remote images are kept as they are (nothing downloaded). */
	EXPECT(body, "<img src=\"https://old.example/wp-content/uploads/a.jpg\" alt=\"A\">",
	       "<p><img src=\"https://old.example/wp-content/uploads/a.jpg\" alt=\"A\"></p>");
}

TEST(body_links_to_the_old_site)
{
	struct wxr_body_opts o = {{"https://old.example/blog", "http://old.example/blog/"}};
	struct buf b = BUF_INIT;
	const char *in = "<a href=\"https://old.example/blog/2019/05/slug/\">a</a> "
	                 "<a href=\"http://OLD.example/blog/?p=12#c\">b</a> "
	                 "<a href=\"https://old.example/blog/wp-content/uploads/x.pdf\">c</a> "
	                 "<a href=\"https://old.example/other/\">d</a> "
	                 "<a href=\"https://old.example/blogger/\">e</a>";

	CHECK(wxr_body(in, strlen(in), &o, &b, NULL) == 0);
	CHECK_STREQ(buf_cstr(&b),
	            "<p><a href=\"/2019/05/slug/\">a</a> <a href=\"/p/12/#c\">b</a> "
	            "<a href=\"https://old.example/blog/wp-content/uploads/x.pdf\">c</a> "
	            "<a href=\"https://old.example/other/\">d</a> "
	            "<a href=\"https://old.example/blogger/\">e</a></p>");
	buf_finish(&b);
}

/* Only the old site's pages that the import keeps: only 2019/05/kept. */
static bool only_kept(void *arg, const char *folder)
{
	return strcmp(folder, arg) == 0;
}

TEST(body_links_only_to_pages_the_new_site_has)
{
	struct wxr_body_opts o = {{"https://old.example", NULL}, only_kept, (void *)"2019/05/kept"};
	struct buf b = BUF_INIT;
	const char *in = "<a href=\"https://old.example/2019/05/kept/#x\">a</a> "
	                 "<a href=\"https://old.example/2019/05/gone/\">b</a> "
	                 "<a href=\"https://old.example/?p=7\">c</a> "
	                 "<a href=\"https://old.example/2019/05/%6bept\">d</a>";

	CHECK(wxr_body(in, strlen(in), &o, &b, NULL) == 0);
	CHECK_STREQ(buf_cstr(&b), "<p><a href=\"/2019/05/kept/#x\">a</a> "
	                          "<a href=\"https://old.example/2019/05/gone/\">b</a> "
	                          "<a href=\"https://old.example/?p=7\">c</a> "
	                          "<a href=\"/2019/05/%6bept\">d</a></p>");
	buf_finish(&b);
	buf_reset(&b);
	wxr_path_folder("//2019/05/a%2Fb%2F/?q#f", &b);
	CHECK_STREQ(buf_cstr(&b), "2019/05/a/b");
	buf_finish(&b);
}

/* Generated markup (the wpautop cases) through the whole body path: it reads back. */
TEST(bodies_read_back_through_markdown)
{
	static const char *const pieces[] = {
	        "<p>",
	        "</p>",
	        "<pre>",
	        "</pre>",
	        "\n",
	        "\n\n",
	        "  \n",
	        "\t",
	        "x",
	        " y ",
	        "<h2>",
	        "</h2>",
	        "<header>",
	        "</header>",
	        "<div>",
	        "</div>",
	        "<b>",
	        "</b>",
	        "*",
	        "_",
	        "<ul><li>",
	        "</li></ul>",
	        "<table><tr><td>",
	        "</td></tr></table>",
	        "    code",
	        "&amp;",
	        "<br>",
	        "[caption width=\"2\"]<img src=\"/i\"> c[/caption]",
	        "<!-- wp:p -->",
	        "<a href=\"/l\">",
	        "</a>",
	        "# h",
	        "> q",
	        "<pre>a</pre>",
	};
	uint64_t r = 42;
	size_t i, k;

	for (i = 0; i < 3000; i++) {
		struct buf in = BUF_INIT, b = BUF_INIT;
		size_t len = 1 + i % 30;
		for (k = 0; k < len; k++) {
			r = r * 6364136223846793005ull + 1442695040888963407ull;
			buf_puts(&in, pieces[(r >> 33) % NELEM(pieces)]);
		}
		CHECK(wxr_body(buf_cstr(&in), in.n, NULL, &b, NULL) == 0);
		if (!reads_back(buf_cstr(&b), b.n)) {
			fprintf(stderr, "input:\n%s\n", buf_cstr(&in));
			CHECK(0);
		}
		buf_finish(&in);
		buf_finish(&b);
	}
}

static char *text_line(const char *s)
{
	return text(s, true);
}

static char *text_paras(const char *s)
{
	return text(s, false);
}

TEST(html_as_text)
{
	EXPECT(text_line, "Markup: Title <em>With</em> Markup", "Markup: Title With Markup");
	EXPECT(text_line, "Tom &amp; Jerry &#8211; &lt;b&gt;", "Tom & Jerry \xE2\x80\x93 <b>");
	EXPECT(text_line, "  a \n\t b  ", "a b");
	EXPECT(text_paras, "<p>One</p><p>Two<br>lines</p><script>x</script>",
	       "One\n\nTwo\n\nlines");
	EXPECT(text_line, "<p>One</p><p>Two</p>", "One Two");
	EXPECT(text_line, "", "");
}

/* ---- the reader -------------------------------------------------------- */

struct seen {
	struct buf log; /* one line per record */
	size_t authors, terms, items, categories, tags, others;
	size_t post_terms0, meta1;
	char version[16];
	char first_category[256], first_tag[256];
	struct wxr_item first; /* scalars only */
	char title[1024], content[4096], creator[64];
};

static int s_channel(void *arg, const struct wxr_channel *c)
{
	struct seen *s = arg;

	snprintf(s->version, sizeof(s->version), "%s", c->version);
	buf_printf(&s->log, "channel %s|%s|%s\n", c->version, c->base_site_url, c->base_blog_url);
	return 0;
}

static int s_author(void *arg, const struct wxr_author *a)
{
	struct seen *s = arg;

	buf_printf(&s->log, "author %lld|%s|%s|%s\n", (long long)a->id, a->login, a->email,
	           a->display_name);
	s->authors++;
	return 0;
}

static int s_term(void *arg, const struct wxr_term *t)
{
	struct seen *s = arg;

	buf_printf(&s->log, "term %lld|%s|%s|%s|%s|%s\n", (long long)t->id, t->taxonomy, t->slug,
	           t->parent, t->name, t->description);
	s->terms++;
	if (strcmp(t->taxonomy, "category") == 0 && s->categories++ == 0)
		snprintf(s->first_category, sizeof(s->first_category), "%s", t->slug);
	else if (strcmp(t->taxonomy, "post_tag") == 0 && s->tags++ == 0)
		snprintf(s->first_tag, sizeof(s->first_tag), "%s", t->slug);
	else if (strcmp(t->taxonomy, "category") != 0 && strcmp(t->taxonomy, "post_tag") != 0)
		s->others++;
	return 0;
}

static int s_item(void *arg, const struct wxr_item *it)
{
	struct seen *s = arg;
	size_t i;

	buf_printf(&s->log, "item %lld|%s|%s|%s|%s|%s|", (long long)it->post_id, it->post_type,
	           it->status, it->post_name, it->creator, it->title);
	for (i = 0; i < it->nterms; i++)
		buf_printf(&s->log, "%s:%s,", it->terms[i].domain, it->terms[i].nicename);
	buf_printf(&s->log, "|meta %zu|comments %zu\n", it->nmeta, it->ncomments);
	if (s->items++ == 0) {
		s->first = *it;
		snprintf(s->title, sizeof(s->title), "%s", it->title);
		snprintf(s->content, sizeof(s->content), "%s", it->content);
		snprintf(s->creator, sizeof(s->creator), "%s", it->creator);
	}
	return 0;
}

static int read_file(const char *rel, struct seen *s)
{
	struct wxr_handler h = {s_channel, s_author, s_term, s_item, NULL, s};
	char path[4096];

	memset(s, 0, sizeof(*s));
	path_of(path, sizeof(path), rel);
	return wxr_read_file(path, &h);
}

static bool logged(struct seen *s, const char *line)
{
	return strstr(buf_cstr(&s->log), line) != NULL;
}

TEST(reader_meets_the_importers_expectations)
{
	struct seen s;

	/* valid-wxr-1.1.xml */
	CHECK(read_file("wordpress-importer/phpunit-data/valid-wxr-1.1.xml", &s) == 0);
	CHECK(logged(&s, "channel 1.1|http://localhost/|http://localhost/\n"));
	CHECK_INTEQ(s.authors, 1);
	CHECK(logged(&s, "author 2|john|johndoe@example.org|John Doe\n"));
	CHECK(logged(&s, "term 3|category|alpha||alpha|The alpha category\n"));
	CHECK_STREQ(s.first_category, "alpha");
	CHECK(logged(&s, "term 22|post_tag|clippable||Clippable|The Clippable post_tag\n"));
	CHECK_STREQ(s.first_tag, "clippable");
	CHECK(logged(&s, "term 40|post_tax|bieup||bieup|The bieup post_tax\n"));
	CHECK_INTEQ(s.items, 2);
	CHECK(logged(&s, "category:alpha,post_tag:clippable,post_tax:bieup,|"));
	buf_finish(&s.log);

	/* valid-wxr-1.0.xml: no wp:author, 6 posts. */
	CHECK(read_file("wordpress-importer/phpunit-data/valid-wxr-1.0.xml", &s) == 0);
	CHECK_STREQ(s.version, "1.0");
	CHECK_INTEQ(s.authors, 0);
	CHECK_INTEQ(s.items, 6);
	CHECK_STREQ(s.first_category, "alpha");
	CHECK_STREQ(s.first_tag, "chicken");
	CHECK(logged(&s, "term 0|category|alpha||alpha|The alpha category\n"));
	/* Post 0: Uncategorized; post 2: alpha, news and roar (tags are "tag" in 1.0). */
	CHECK(logged(&s, "category:uncategorized,|"));
	CHECK(logged(&s, ":,category:alpha,tag:,tag:news,tag:,tag:roar,|"));
	buf_finish(&s.log);

	/* term-formats.xml: 2 categories, 3 tags, 2 terms, no items. */
	CHECK(read_file("wordpress-importer/phpunit-data/term-formats.xml", &s) == 0);
	CHECK_INTEQ(s.categories, 2);
	CHECK_INTEQ(s.tags, 3);
	CHECK_INTEQ(s.others, 2);
	CHECK_INTEQ(s.items, 0);
	buf_finish(&s.log);

	/* wxr-simple.xml */
	CHECK(read_file("wordpress-importer/phpunit-data/wxr-simple.xml", &s) == 0);
	CHECK_STREQ(s.version, "1.2");
	CHECK(logged(&s, "channel 1.2|https://playground.internal/path|"
	                 "https://playground.internal/path\n"));
	CHECK(logged(&s, "author 1|admin|admin@localhost.com|"));
	CHECK_INTEQ(s.items, 1);
	CHECK(logged(&s, "item 10|post|publish|hello-world|admin|\"The Road Not Taken\" by Robert "
	                 "Frost|"));
	buf_finish(&s.log);

	/* wxr-with-sub-data.xml: meta, a comment, a custom term. */
	CHECK(read_file("wordpress-importer/phpunit-data/wxr-with-sub-data.xml", &s) == 0);
	CHECK(logged(&s, "item 101|post|"));
	CHECK(logged(&s, "Post with sub data|category:test-cat,|meta 1|comments 1\n"));
	CHECK(logged(&s, "term 40|custom_tax|custom-term||Custom Term|\n"));
	buf_finish(&s.log);

	/* wxr-utf-8-challenges.xml: the title byte for byte. */
	CHECK(read_file("wordpress-importer/phpunit-data/wxr-utf-8-challenges.xml", &s) == 0);
	CHECK_INTEQ(s.items, 1);
	CHECK_STREQ(s.title, "\"The Road \xE2\x80\xAENot\xE2\x80\xAC Taken\" by Rob\xE2\x80\xAD"
	                     "ert \xE2\x80\xAE"
	                     "Frost \xE2\x80\xAA\xF0\x9F\x8C\xB2\xE2\x80\xAC");
	buf_finish(&s.log);

	/* slashes.xml: backslashes survive. */
	CHECK(read_file("wordpress-importer/phpunit-data/slashes.xml", &s) == 0);
	CHECK(logged(&s, "|a \\\"great\\\" category|"));
	CHECK(logged(&s, "|foo\\'bar|"));
	CHECK_STREQ(s.content, "Slashes aren\\'t \\\"cool\\\"");
	buf_finish(&s.log);

	/* post-content-blank-lines.xml: exactly three line breaks. */
	CHECK(read_file("wordpress-importer/phpunit-data/post-content-blank-lines.xml", &s) == 0);
	{
		size_t nl = 0;
		for (const char *p = s.content; *p; p++)
			nl += *p == '\n';
		CHECK_INTEQ(nl, 3);
	}
	buf_finish(&s.log);

	/* CDATA split across sections, several CDATA sections, "]] >". */
	CHECK(read_file("wordpress-importer/phpunit-data/crazy-cdata-escaped.xml", &s) == 0);
	CHECK_STREQ(s.content, "Content with nested <![CDATA[ tags ]]> :)");
	buf_finish(&s.log);
	CHECK(read_file("wordpress-importer/phpunit-data/multiple-cdata.xml", &s) == 0);
	CHECK_STREQ(s.content, "\nline oneline twoline three\n");
	buf_finish(&s.log);
	CHECK(read_file("wordpress-importer/phpunit-data/cdata-edge.xml", &s) == 0);
	CHECK_STREQ(s.content, "ends with sequence ]] >");
	buf_finish(&s.log);

	/* Whole exports. */
	CHECK(read_file("wordpress-importer/phpunit-data/small-export.xml", &s) == 0);
	CHECK_INTEQ(s.authors, 3);
	CHECK_INTEQ(s.categories, 30);
	CHECK_INTEQ(s.tags, 3);
	CHECK_INTEQ(s.items, 11);
	buf_finish(&s.log);
	CHECK(read_file("wordpress-importer/phpunit-data/theme-unit-test-data.xml", &s) == 0);
	CHECK_INTEQ(s.items, 186);
	CHECK_INTEQ(s.authors, 2);
	buf_finish(&s.log);
	CHECK(read_file("wordpress-importer/phpunit-data/a11y-unit-test-data.xml", &s) == 0);
	CHECK_INTEQ(s.items, 154);
	buf_finish(&s.log);
	CHECK(read_file("wordpress-importer/phpunit-data/large-authors.xml", &s) == 0);
	CHECK_INTEQ(s.authors, 300);
	CHECK_INTEQ(s.items, 0);
	buf_finish(&s.log);
	/* Multi-line author fields are trimmed; namespaces go by URI, not prefix. */
	CHECK(read_file("wordpress-importer/phpunit-data/authors-multiline.xml", &s) == 0);
	CHECK(logged(&s, "author 1|alice|alice@example.com|\n"));
	buf_finish(&s.log);
	CHECK(read_file("wordpress-importer/phpunit-data/namespace-edge-cases.xml", &s) == 0);
	CHECK(!logged(&s, "fake_ns_user"));
	CHECK(logged(&s, "author 2|real_user|"));
	CHECK(logged(&s, "author 3|version_conflict|"));
	CHECK(!logged(&s, "custom_user"));
	if (!logged(&s, "item 2|post|publish|||No Prefix|"))
		fprintf(stderr, "%s", buf_cstr(&s.log));
	CHECK(logged(&s, "item 2|post|publish|||No Prefix|"));
	CHECK(logged(&s, "item 0|||||Hijacked Namespace|"));
	buf_finish(&s.log);
}

/* The files the importer must refuse, each with where it broke. */
TEST(reader_refuses_with_a_location)
{
	static const struct {
		const char *file, *where, *why;
	} bad[] = {
	        {"missing-version-tag.xml", ".xml:35:", "missing WXR version number"},
	        {"invalid-version-tag.xml", ".xml:33:", "invalid WXR version number \"abc\""},
	        {"malformed.xml", ".xml:90:", "XML error"},
	        {"malformed-simple.xml", ".xml:13:", "XML error"},
	        {"crazy-cdata.xml", ".xml:18:", "XML error"},
	};
	struct seen s;
	size_t i;

	for (i = 0; i < NELEM(bad); i++) {
		char rel[256];
		const char *why, *col;
		snprintf(rel, sizeof(rel), "wordpress-importer/phpunit-data/%s", bad[i].file);
		CHECK(read_file(rel, &s) == -1);
		why = log_reason();
		if (strstr(why, bad[i].where) == NULL || strstr(why, bad[i].why) == NULL)
			fprintf(stderr, "%s: %s\n", bad[i].file, why);
		CHECK(strstr(why, bad[i].where) != NULL);
		CHECK(strstr(why, bad[i].why) != NULL);
		/* LINE:COLUMN, both numbers. */
		col = strstr(why, bad[i].where) + strlen(bad[i].where);
		CHECK(*col >= '1' && *col <= '9');
		buf_finish(&s.log);
	}
	/* Not WXR at all, and a DOCTYPE (no entity games). */
	{
		static const char html[] = "<html><body>x</body></html>";
		static const char dtd[] =
		        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"aaaa\">]>"
		        "<rss><channel><title>&a;</title></channel></rss>";
		static const char empty_rss[] = "<rss/>";
		struct wxr_handler h = {0};
		CHECK(wxr_read_mem(html, strlen(html), "x.xml", &h) == -1);
		CHECK(strstr(log_reason(), "x.xml:1:") != NULL);
		CHECK(wxr_read_mem(dtd, strlen(dtd), "d.xml", &h) == -1);
		CHECK(strstr(log_reason(), "DOCTYPE") != NULL);
		CHECK(wxr_read_mem(empty_rss, strlen(empty_rss), "e.xml", &h) == -1);
		CHECK(wxr_read_mem("", 0, "z.xml", &h) == -1);
	}
}

/* ---- imports into a site --------------------------------------------- */

static char sitedir[64];

static void make_site(struct site *site, const char *langs)
{
	struct config cfg;

	snprintf(sitedir, sizeof(sitedir), "/tmp/tz-wxr-XXXXXX");
	if (mkdtemp(sitedir) == NULL)
		abort();
	config_init(&cfg);
	config_set_langs(&cfg, langs);
	if (site_create(sitedir, &cfg) != 0 || site_open(site, sitedir, 0) != 0) {
		fprintf(stderr, "%s\n", log_reason());
		abort();
	}
	config_finish(&cfg);
}

static void drop_site(struct site *site)
{
	char cmd[128];

	site_close(site);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", sitedir);
	if (system(cmd) != 0)
		abort();
}

static int import(struct site *site, const char *rel, const struct wxr_opts *o,
                  struct wxr_report *r)
{
	char path[4096];

	if (rel[0] == '/')
		snprintf(path, sizeof(path), "%s", rel);
	else
		path_of(path, sizeof(path), rel);
	if (wxr_import(site, path, o, r) != 0) {
		fprintf(stderr, "import %s: %s\n", rel, log_reason());
		return -1;
	}
	return 0;
}

/* Number of articles of status st (-2: any, trash included). */
static size_t count(struct site *site, int st)
{
	struct arena *a = arena_new(0);
	struct article_filter f = {NULL, 0, -1, 0, 0, 0, 0};
	struct article *v;
	size_t n = 0, i, total = 0;

	if (store_article_list(site->store, a, &f, &v, &n) != STORE_OK)
		abort();
	for (i = 0; i < n; i++)
		total += st == -2 || (int)v[i].status == st;
	if (st == -2 || st == ST_TRASH) {
		f.status = ST_TRASH;
		if (store_article_list(site->store, a, &f, &v, &n) != STORE_OK)
			abort();
		total += n;
	}
	arena_free(a);
	return total;
}

/* The article called title (in any language), loaded into a with its body. */
static bool find_title(struct site *site, struct arena *a, const char *title, struct article *out)
{
	struct article_filter f = {NULL, 0, -1, 0, 0, 0, 0};
	struct article *v;
	size_t n, i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		f.status = pass ? ST_TRASH : -1;
		if (store_article_list(site->store, a, &f, &v, &n) != STORE_OK)
			abort();
		for (i = 0; i < n; i++)
			if (strcmp(v[i].title, title) == 0)
				return store_article_get(site->store, a, v[i].id, STORE_WITH_BODY,
				                         out) == STORE_OK;
	}
	return false;
}

static bool has_tag(const struct article *art, const char *name)
{
	for (size_t i = 0; i < art->ntags; i++)
		if (strcmp(art->tags[i].name, name) == 0)
			return true;
	return false;
}

TEST(import_small_export)
{
	struct site site;
	struct wxr_report r;
	struct arena *a = arena_new(0);
	struct article art;
	struct section sec;
	struct wxr_opts o = {0};

	make_site(&site, "en,fr");
	CHECK(import(&site, "wordpress-importer/phpunit-data/small-export.xml", &o, &r) == 0);
	/* 5 published + 1 private posts, 4 published + 1 draft pages (SOURCE.md). */
	CHECK_INTEQ(r.posts, 6);
	CHECK_INTEQ(r.pages, 5);
	CHECK_INTEQ(r.base.articles_added, 11);
	CHECK_INTEQ(count(&site, ST_PUBLISHED), 9);
	CHECK_INTEQ(count(&site, ST_DRAFT), 2); /* private and draft */
	CHECK_INTEQ(r.comments, 1);
	CHECK_INTEQ(r.authors, 3);
	/* Every category is a section, in the default language. */
	CHECK(r.sections >= 30);
	CHECK(store_section_find(site.store, a, "en", "bar/foo-bar", &sec) == STORE_OK);
	CHECK_STREQ(sec.title, "Foo");
	CHECK_STREQ(sec.description, "The child foo category");
	CHECK(find_title(&site, a, "Many Categories", &art));
	CHECK_STREQ(art.lang, "en");
	CHECK_INTEQ(art.status, ST_PUBLISHED);
	CHECK(art.ntags > 5); /* its other categories */
	CHECK(art.nauthors == 1);
	/* Idempotent: again, nothing added or changed. */
	CHECK(import(&site, "wordpress-importer/phpunit-data/small-export.xml", &o, &r) == 0);
	CHECK_INTEQ(r.base.articles_added, 0);
	CHECK_INTEQ(r.base.articles_updated, 0);
	CHECK_INTEQ(r.base.articles_unchanged, 11);
	CHECK_INTEQ(count(&site, -2), 11);
	/* --no-pages into a fresh language: posts only. */
	o.no_pages = true;
	o.lang = "fr";
	CHECK(import(&site, "wordpress-importer/phpunit-data/small-export.xml", &o, &r) == 0);
	CHECK_INTEQ(r.pages, 0);
	CHECK_INTEQ(r.skip_pages, 5);
	CHECK_INTEQ(r.base.articles_added, 6);
	arena_free(a);
	drop_site(&site);
}

TEST(import_theme_unit_test)
{
	struct site site;
	struct wxr_report r;
	struct arena *a = arena_new(0);
	struct article art;
	struct redirect *rd;
	size_t n, i;
	bool permalink = false, p_id = false;

	make_site(&site, "en");
	CHECK(import(&site, "theme-test-data/themeunittestdata.wordpress.xml", NULL, &r) == 0);
	CHECK_INTEQ(r.posts + r.pages, 79);
	CHECK_INTEQ(r.skip_attachments, 37);
	CHECK_INTEQ(r.protected_drafts, 1);
	CHECK(r.comments > 0);
	CHECK(r.captions > 0);
	/* Statuses: the scheduled post, the draft, the password-protected one. */
	CHECK(find_title(&site, a, "Scheduled", &art));
	CHECK_INTEQ(art.status, ST_SCHEDULED);
	CHECK(art.date > 1700000000);
	CHECK(find_title(&site, a, "Draft", &art));
	CHECK_INTEQ(art.status, ST_DRAFT);
	CHECK(find_title(&site, a, "Protected: Post Format: Standard", &art) ||
	      find_title(&site, a, "Post Format: Standard", &art) ||
	      find_title(&site, a, "Template: Password Protected (the password is \"enter\")",
	                 &art));
	/* Dates are post_date_gmt; the author is the display name. */
	CHECK(find_title(&site, a, "Markup: HTML Tags and Formatting", &art));
	CHECK_INTEQ(art.date, 1357960939); /* post_date_gmt 2013-01-12 03:22:19 */
	CHECK_STREQ(art.authors[0].name, "Theme Buster");
	CHECK_STREQ(art.section_path, "classic");
	CHECK(has_tag(&art, "Markup"));
	CHECK(strstr(art.body, "<h2>\nHeader two</h2>") != NULL);
	/* Old addresses: the permalink's path and p/ID lead to it. */
	CHECK(store_redirect_list(site.store, a, art.id, 0, &rd, &n) == STORE_OK);
	for (i = 0; i < n; i++) {
		permalink |= strcmp(rd[i].path, "2013/01/11/markup-html-tags-and-formatting") == 0;
		p_id |= strncmp(rd[i].path, "p/", 2) == 0;
	}
	CHECK(permalink);
	CHECK(p_id);
	/* Untitled posts get a title. */
	CHECK_INTEQ(r.untitled, 1);
	CHECK(find_title(&site, a, "(no title)", &art));
	arena_free(a);
	drop_site(&site);
}

/* Polylang: "language" and "post_translations" terms on each item. */
static const char polylang_wxr[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
        " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:wp=\"http://wordpress.org/export/1.2/\">\n"
        "<channel><title>PLL</title><link>https://pll.example</link>\n"
        "<wp:wxr_version>1.2</wp:wxr_version>\n"
        "<wp:base_site_url>https://pll.example</wp:base_site_url>\n"
        "<wp:base_blog_url>https://pll.example</wp:base_blog_url>\n"
        "<wp:author><wp:author_login>ed</wp:author_login>"
        "<wp:author_display_name><![CDATA[Éditrice]]></wp:author_display_name></wp:author>\n"
        "<wp:category><wp:term_id>5</wp:term_id><wp:category_nicename>news</wp:category_nicename>"
        "<wp:category_parent></wp:category_parent><wp:cat_name>News</wp:cat_name></wp:category>\n"
        "<wp:category><wp:term_id>6</"
        "wp:term_id><wp:category_nicename>%d0%bd%d0%be%d0%b2%d0%b8%d0%bd%d0%b8</"
        "wp:category_nicename>"
        "<wp:category_parent></wp:category_parent><wp:cat_name>Новини</wp:cat_name></wp:category>\n"
        "<item><title>Strike</title><link>https://pll.example/2020/01/strike/</link>"
        "<dc:creator>ed</dc:creator><content:encoded><![CDATA[Workers "
        "*struck*.]]></content:encoded>"
        "<wp:post_id>10</wp:post_id><wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt>"
        "<wp:post_name>strike</wp:post_name><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type>"
        "<category domain=\"category\" nicename=\"news\"><![CDATA[News]]></category>"
        "<category domain=\"language\" nicename=\"en\"><![CDATA[English]]></category>"
        "<category domain=\"post_translations\" nicename=\"pll_5e1\"><![CDATA[pll_5e1]]></category>"
        "</item>\n"
        "<item><title>Страйк</title><link>https://pll.example/uk/2020/01/straik/</link>"
        "<dc:creator>ed</dc:creator><content:encoded><![CDATA[Робітники "
        "страйкували.]]></content:encoded>"
        "<wp:post_id>11</wp:post_id><wp:post_date_gmt>2020-01-02 04:00:00</wp:post_date_gmt>"
        "<wp:post_name>%d1%81%d1%82%d1%80%d0%b0%d0%b9%d0%ba</wp:post_name><wp:status>publish</"
        "wp:status>"
        "<wp:post_type>post</wp:post_type>"
        "<category domain=\"category\" "
        "nicename=\"%d0%bd%d0%be%d0%b2%d0%b8%d0%bd%d0%b8\"><![CDATA[Новини]]></category>"
        "<category domain=\"language\" nicename=\"uk\"><![CDATA[Українська]]></category>"
        "<category domain=\"post_translations\" nicename=\"pll_5e1\"><![CDATA[pll_5e1]]></category>"
        "</item>\n"
        "<item><title>Streik</title><wp:post_id>12</wp:post_id><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type>"
        "<category domain=\"language\" nicename=\"de\"><![CDATA[Deutsch]]></category>"
        "<category domain=\"post_translations\" nicename=\"pll_5e1\"><![CDATA[pll_5e1]]></category>"
        "</item>\n"
        "</channel></rss>\n";

/* WPML Export and Import: _wpml_import_* post meta. */
static const char wpml_wxr[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
        " xmlns:wp=\"http://wordpress.org/export/1.2/\">\n"
        "<channel><title>WPML</title><wp:wxr_version>1.2</wp:wxr_version>\n"
        "<wp:base_blog_url>https://wpml.example</wp:base_blog_url>\n"
        "<item><title>Hello</title><content:encoded><![CDATA[Hi]]></content:encoded>"
        "<wp:post_id>1</wp:post_id><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>"
        "<wp:post_date_gmt>2021-05-05 10:00:00</wp:post_date_gmt>"
        "<wp:postmeta><wp:meta_key>_wpml_import_language_code</wp:meta_key>"
        "<wp:meta_value><![CDATA[en]]></wp:meta_value></wp:postmeta>"
        "<wp:postmeta><wp:meta_key>_wpml_import_translation_group</wp:meta_key>"
        "<wp:meta_value><![CDATA[7]]></wp:meta_value></wp:postmeta></item>\n"
        "<item><title>Bonjour</title><content:encoded><![CDATA[Salut]]></content:encoded>"
        "<wp:post_id>2</wp:post_id><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>"
        "<wp:post_date_gmt>2021-05-05 11:00:00</wp:post_date_gmt>"
        "<wp:postmeta><wp:meta_key>_wpml_import_language_code</wp:meta_key>"
        "<wp:meta_value><![CDATA[fr]]></wp:meta_value></wp:postmeta>"
        "<wp:postmeta><wp:meta_key>_wpml_import_translation_group</wp:meta_key>"
        "<wp:meta_value><![CDATA[7]]></wp:meta_value></wp:postmeta></item>\n"
        "</channel></rss>\n";

static void write_tmp(char *path, size_t n, const char *name, const char *data)
{
	snprintf(path, n, "%s/%s", sitedir, name);
	if (fs_write_atomic(path, data, strlen(data), 0) == FS_WRITE_ERROR)
		abort();
}

TEST(import_polylang_and_wpml_translations)
{
	struct site site;
	struct wxr_report r;
	struct arena *a = arena_new(0);
	struct article en, uk, fr, hello;
	struct section sec;
	char path[256];

	make_site(&site, "en,fr,uk");
	write_tmp(path, sizeof(path), "pll.xml", polylang_wxr);
	CHECK(import(&site, path, NULL, &r) == 0);
	CHECK_INTEQ(r.posts, 2);
	CHECK_INTEQ(r.skip_lang, 1); /* de */
	CHECK(find_title(&site, a, "Strike", &en));
	CHECK(find_title(&site, a, "Страйк", &uk));
	CHECK_STREQ(en.lang, "en");
	CHECK_STREQ(uk.lang, "uk");
	CHECK(en.tgroup_id != 0);
	CHECK_INTEQ(en.tgroup_id, uk.tgroup_id);
	CHECK_STREQ(uk.slug, "straik");
	CHECK_STREQ(uk.section_path, "novyny");
	CHECK_STREQ(en.section_path, "news");
	CHECK_STREQ(en.authors[0].name, "Éditrice");
	CHECK_INTEQ(en.date, 1577934245);
	/* Multilingual: categories nobody used in a language are not made there. */
	CHECK(store_section_find(site.store, a, "en", "novyny", &sec) == STORE_NOT_FOUND);
	CHECK(store_section_find(site.store, a, "uk", "novyny", &sec) == STORE_OK);

	write_tmp(path, sizeof(path), "wpml.xml", wpml_wxr);
	CHECK(import(&site, path, NULL, &r) == 0);
	CHECK_INTEQ(r.pages, 2);
	CHECK(find_title(&site, a, "Hello", &hello));
	CHECK(find_title(&site, a, "Bonjour", &fr));
	CHECK_STREQ(fr.lang, "fr");
	CHECK_STREQ(fr.section_path, "pages");
	CHECK(fr.tgroup_id != 0);
	CHECK_INTEQ(fr.tgroup_id, hello.tgroup_id);
	arena_free(a);
	drop_site(&site);
}

/* A broken file imports nothing, even after good items; a dry run saves nothing. */
TEST(import_is_all_or_nothing)
{
	static const char broken[] =
	        "<?xml version=\"1.0\"?>\n<rss xmlns:wp=\"http://wordpress.org/export/1.2/\">\n"
	        "<channel><wp:wxr_version>1.2</wp:wxr_version>\n"
	        "<item><title>Fine</title><wp:post_id>1</wp:post_id><wp:status>publish</wp:status>"
	        "<wp:post_type>post</wp:post_type></item>\n"
	        "<item><title>Broken</title>\n<wp:post_id>2</wp:post_id></item\n"
	        "</channel></rss>";
	struct site site;
	struct wxr_report r;
	struct wxr_opts o = {0};
	char path[256];

	make_site(&site, "en");
	write_tmp(path, sizeof(path), "broken.xml", broken);
	CHECK(wxr_import(&site, path, NULL, &r) == -1);
	CHECK(strstr(log_reason(), "broken.xml:7:") != NULL);
	CHECK_INTEQ(count(&site, -2), 0);
	o.dry_run = true;
	CHECK(import(&site, "wordpress-importer/phpunit-data/small-export.xml", &o, &r) == 0);
	CHECK_INTEQ(r.base.articles_added, 11);
	CHECK_INTEQ(count(&site, -2), 0);
	drop_site(&site);
}

/* ---- raw HTML in Markdown --------------------------------------------- */

static char *md(const char *s)
{
	static const struct render_site rs = {.raw_html = true};
	struct buf b = BUF_INIT;

	if (view_markdown_buf(&rs, "../../", s, strlen(s), &b) != 0)
		abort();
	return buf_detach(&b);
}

TEST(markdown_raw_html_is_sanitised_not_escaped)
{
	/* Formatting around Markdown survives: one sanitizing pass over the whole. */
	EXPECT(md, "a <b>bold *and emphasis*</b> c",
	       "<p>a <b>bold <em>and emphasis</em></b> c</p>\n");
	EXPECT(md, "<img src=x onerror=alert(1)> *x*", "<p><img src=\"x\"> <em>x</em></p>\n");
	EXPECT(md, "<script>alert(1)</script>\n\ntext", "\n<p>text</p>\n");
	EXPECT(md, "[a](javascript:alert(1)) <a href=\"javascript:alert(1)\">b</a>",
	       "<p><a>a</a> <a>b</a></p>\n");
	/* Site links made relative in raw HTML too; remote images linked, not loaded. */
	EXPECT(md, "<a href=\"/en/x/\">x</a> <img src=\"https://e.org/p.jpg\" alt=\"P\">",
	       "<p><a href=\"../../en/x/index.html\">x</a> <a "
	       "href=\"https://e.org/p.jpg\">P</a></p>\n");
	/* mdr's classes stay when the text has raw HTML. */
	EXPECT(md, "<i>i</i>\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n```js\nx\n```",
	       "<p><i>i</i></p>\n<table>\n<thead>\n<tr>\n<th class=\"align-center\">a</th>\n"
	       "<th class=\"align-right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
	       "<td class=\"align-center\">1</td>\n<td class=\"align-right\">2</td>\n</tr>\n"
	       "</tbody>\n</table>\n<pre><code class=\"language-js\">x\n</code></pre>\n");
	/* Without raw HTML, mdr's output as it is. */
	EXPECT(md, "plain *text*", "<p>plain <em>text</em></p>\n");
}

/* "&quot;" as '"', in place. */
static void unquot(char *s)
{
	char *w = s;

	for (; s && *s; s++) {
		if (strncmp(s, "&quot;", 6) == 0) {
			*w++ = '"';
			s += 5;
		} else {
			*w++ = *s;
		}
	}
	if (w)
		*w = '\0';
}

/* Every XSS vector of the shared corpora inside Markdown comes out sanitised. */
TEST(markdown_with_xss_vectors_is_safe)
{
	static const struct san_opts o = {
	        .allow_data_img = true, .remote_img_link = true, .mdr_classes = true};
	const char *files[] = {"xss/dompurify/expect.json", "xss/h5sc/vectors.json"};
	size_t f, n = 0;

	for (f = 0; f < NELEM(files); f++) {
		char path[4096];
		struct buf file = BUF_INIT;
		const char *p;
		snprintf(path, sizeof(path), "%s/testdata/%s", test_shared_dir(), files[f]);
		CHECK(fs_read_file(path, &file, 1 << 24) == 0);
		/* Each vector is a JSON string value: "payload" or "vector" fields. */
		for (p = buf_cstr(&file);
		     (p = strstr(p, f ? "\"vector\":" : "\"payload\":")) != NULL;) {
			struct buf v = BUF_INIT, m = BUF_INIT, again = BUF_INIT;
			char *out;
			p = strchr(p, ':') + 1;
			while (*p == ' ')
				p++;
			if (*p++ != '"')
				continue;
			for (; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1]) {
					p++;
					switch (*p) {
					case 'n':
						buf_putc(&v, '\n');
						break;
					case 't':
						buf_putc(&v, '\t');
						break;
					case 'u': {
						unsigned cp = (unsigned)strtoul(
						        (char[5]){p[1], p[2], p[3], p[4], 0}, NULL,
						        16);
						if (cp < 0x80)
							buf_putc(&v, cp ? (int)cp : ' ');
						else if (cp < 0x800)
							buf_putc(&v, 0xC0 | (int)(cp >> 6)),
							        buf_putc(&v,
							                 0x80 | (int)(cp & 0x3F));
						else
							buf_putc(&v, 0xE0 | (int)(cp >> 12)),
							        buf_putc(&v,
							                 0x80 | (int)((cp >> 6) &
							                              0x3F)),
							        buf_putc(&v,
							                 0x80 | (int)(cp & 0x3F));
						p += 4;
						break;
					}
					default:
						buf_putc(&v, *p);
						break;
					}
				} else {
					buf_putc(&v, *p);
				}
			}
			/* As a block, and inline inside Markdown. */
			buf_printf(&m, "Intro *x*\n\n%s\n\nA [link](/en/) and %s inline.\n",
			           buf_cstr(&v), buf_cstr(&v));
			out = md(buf_cstr(&m));
			/*
			 * The result is a fixpoint of the sanitizer: nothing it would
			 * remove.  (Text mdr wrote alone may spell '"' as "&quot;".)
			 */
			CHECK(san_html(out, strlen(out), &o, &again) == 0);
			unquot(out);
			unquot(again.p);
			if (strcmp(out, buf_cstr(&again)) != 0)
				fprintf(stderr, "not sanitised: %s\n", buf_cstr(&v));
			CHECK_STREQ(out, buf_cstr(&again));
			CHECK(strstr(out, "<script") == NULL);

			free(out);
			buf_finish(&v);
			buf_finish(&m);
			buf_finish(&again);
			n++;
		}
		buf_finish(&file);
	}
	fprintf(stderr, "markdown: %zu XSS vectors embedded, all sanitised\n", n);
	CHECK(n >= 370);
}

TESTS(T(autop_known_cases), T(autop_matches_wordpress_on_generated_cases),
      T(autop_matches_wordpress_on_shared_exports_and_bodies_read_back), T(caption_becomes_figure),
      T(other_shortcodes), T(embeds_become_links), T(body_is_markdown_html_blocks),
      T(body_links_to_the_old_site), T(body_links_only_to_pages_the_new_site_has),
      T(bodies_read_back_through_markdown), T(html_as_text),
      T(reader_meets_the_importers_expectations), T(reader_refuses_with_a_location),
      T(import_small_export), T(import_theme_unit_test), T(import_polylang_and_wpml_translations),
      T(import_is_all_or_nothing), T(markdown_raw_html_is_sanitised_not_escaped),
      T(markdown_with_xss_vectors_is_safe));
