/*
 * A small driver around san_html() for tests that live outside C.
 *
 *	san_dump [--data-img] [--remote-img] < in.json > out.json
 *		reads a JSON array of HTML strings, writes the JSON array of
 *		their sanitised forms (the browser harness xss.mjs uses it);
 *	san_dump --bench [MIB]
 *		builds a WordPress-like article of about MIB MiB (default 1)
 *		and prints the sanitiser's throughput on it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/sanitize.h"
#include "util/buf.h"
#include "util/log.h"

static int dump(const struct san_opts *opts)
{
	json_error_t err;
	json_t *in, *out, *v;
	struct buf b = BUF_INIT;
	size_t i;

	in = json_loadf(stdin, JSON_ALLOW_NUL, &err);
	if (in == NULL || !json_is_array(in)) {
		fprintf(stderr, "san_dump: stdin: %s\n", in ? "not an array" : err.text);
		return 1;
	}
	out = json_array();
	json_array_foreach(in, i, v)
	{
		buf_reset(&b);
		if (san_html(json_string_value(v), json_string_length(v), opts, &b) != 0) {
			fprintf(stderr, "san_dump: item %zu: %s\n", i, log_reason());
			return 1;
		}
		json_array_append_new(out, json_stringn(buf_cstr(&b), b.n));
	}
	json_dumpf(out, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
	putchar('\n');
	json_decref(in);
	json_decref(out);
	buf_finish(&b);
	return 0;
}

/* One block of the kind WordPress, Gutenberg and pasting from office suites leave. */
static void article_block(struct buf *b, int i)
{
	static const char *const words[] = {
	        "Рабочие",    "завода",   "объявили",
	        "забастовку", "після",    "трьох",
	        "місяців",    "without",  "pay",
	        "the",        "union",    "said",
	        "grève",      "générale", "à",
	        "l’usine",    "&mdash;",  "&laquo;solidarité&raquo;",
	        "2024",       "&nbsp;",
	};
	int k;

	buf_printf(b,
	           "<!-- wp:heading -->\n<h2 id=\"section-%d\">Section %d: "
	           "Забастовка &amp; solidarity</h2>\n<!-- /wp:heading -->\n",
	           i, i);
	buf_puts(b, "<!-- wp:paragraph -->\n<p>");
	for (k = 0; k < 60; k++) {
		buf_puts(b, words[(i * 7 + k * 3) % NELEM(words)]);
		buf_putc(b, ' ');
		if (k == 20)
			buf_printf(b,
			           "<a href=\"https://example.org/%d/05/statement-%d/\" "
			           "target=\"_blank\" rel=\"noopener noreferrer\">statement</a> ",
			           2000 + i % 24, i);
		if (k == 35)
			buf_puts(b, "<strong>strike</strong> <em>committee</em> ");
		if (k == 50)
			buf_printf(b, "<sup id=\"fnref%d\"><a href=\"#fn%d\">%d</a></sup> ", i, i,
			           i);
	}
	buf_puts(b, "</p>\n<!-- /wp:paragraph -->\n");
	buf_printf(b,
	           "<!-- wp:image {\"id\":%d} -->\n<figure class=\"wp-block-image size-large\">"
	           "<img src=\"/wp-content/uploads/2019/05/photo-%d-1024x683.jpg\" alt=\"Picket "
	           "line, day %d\" class=\"wp-image-%d\" srcset=\"/wp-content/uploads/p-%d.jpg "
	           "1024w, /wp-content/uploads/p-%d-300x200.jpg 300w\" sizes=\"(max-width: 1024px) "
	           "100vw, 1024px\" width=\"1024\" height=\"683\" loading=\"lazy\">"
	           "<figcaption>Фото: профсоюз</figcaption></figure>\n<!-- /wp:image -->\n",
	           i, i, i, i, i, i);
	buf_puts(b, "<div style=\"line-height: 1.38;\"><span style=\"font-size: 11pt; font-family: "
	            "Arial; color: #000000; font-weight: 400;\">Вставлено из документа, "
	            "с лишними span и&nbsp;стилями.</span></div>\n");
	buf_puts(b,
	         "<!-- wp:list -->\n<ul><li>Demand one</li><li>Вимога друга<ul><li>nested "
	         "item</li></ul></li><li>Troisième revendication</li></ul>\n<!-- /wp:list -->\n");
	if (i % 3 == 0)
		buf_puts(b, "<blockquote class=\"wp-block-quote\"><p>We will not go back.</p>"
		            "<cite>Strike committee</cite></blockquote>\n");
	if (i % 5 == 0)
		buf_puts(b, "<figure class=\"wp-block-table\"><table><thead><tr><th>City</th>"
		            "<th>Workers</th></tr></thead><tbody><tr><td>Kharkiv</td><td>1200</td>"
		            "</tr><tr><td>Lyon</td><td>800</td></tr></tbody></table></figure>\n");
	if (i % 7 == 0)
		buf_puts(b,
		         "<figure class=\"wp-block-embed is-type-video\"><div class=\"wp-block-"
		         "embed__wrapper\"><iframe width=\"560\" height=\"315\" src=\"https://www."
		         "youtube.com/embed/xyz\" frameborder=\"0\" allowfullscreen></iframe></div>"
		         "</figure>\n<script async src=\"https://platform.twitter.com/widgets.js\">"
		         "</script>\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench(double mib)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	double t0, best = 1e9;
	int i, run;

	for (i = 0; in.n < (size_t)(mib * 1048576); i++)
		article_block(&in, i);
	for (run = 0; run < 5; run++) {
		buf_reset(&out);
		t0 = now();
		if (san_html(in.p, in.n, NULL, &out) != 0) {
			fprintf(stderr, "san_dump: %s\n", log_reason());
			return 1;
		}
		if (now() - t0 < best)
			best = now() - t0;
	}
	printf("input %zu bytes (%d blocks), output %zu bytes, best of 5: %.1f ms, %.1f MB/s\n",
	       in.n, i, out.n, best * 1e3, (double)in.n / best / 1e6);
	buf_finish(&in);
	buf_finish(&out);
	return 0;
}

int main(int argc, char **argv)
{
	struct san_opts opts = {0};
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--data-img") == 0)
			opts.allow_data_img = true;
		else if (strcmp(argv[i], "--remote-img") == 0)
			opts.allow_remote_img = true;
		else if (strcmp(argv[i], "--bench") == 0)
			return bench(i + 1 < argc ? atof(argv[i + 1]) : 1.0);
		else {
			fprintf(stderr, "usage: san_dump [--data-img] [--remote-img] < in.json\n"
			                "       san_dump --bench [MIB]\n");
			return 2;
		}
	}
	return dump(&opts);
}
