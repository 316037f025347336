/*
 * Tests for src/render/tpl*.c: the official Mustache spec (read at run
 * time from $TZ_SHARED/testdata/mustache, every file but ~lambdas.json,
 * since lambdas are not supported), then what the spec does not cover:
 * escaping, compile errors, limits, threads, big lists, and a timing of a
 * list page.
 */
#include "test.h"

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "render/tpl.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

/* Not a name a spec partial can have: names have no spaces. */
#define MAIN "spec main"

/* ---- the spec ---- */

/* A JSON number as JSON writes it: 85 -> "85", 1.210 -> "1.21". */
static char *number(struct arena *a, const json_t *j)
{
	char s[64];
	int prec;

	if (json_is_integer(j))
		return arena_printf(a, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
	for (prec = 15; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, json_real_value(j));
		if (strtod(s, NULL) == json_real_value(j))
			break;
	}
	return arena_strdup(a, s);
}

static struct tpl_value from_json(struct arena *a, json_t *j)
{
	struct tpl_value v = {.kind = TPL_NULL};
	const char *key;
	json_t *item;
	size_t i = 0;

	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		struct tpl_pair *pairs = arena_calloc(a, json_object_size(j) + 1, sizeof(*pairs));

		json_object_foreach(j, key, item)
		{
			pairs[i].key = arena_strdup(a, key);
			pairs[i++].value = from_json(a, item);
		}
		return tpl_map(pairs, i);
	}
	case JSON_ARRAY: {
		struct tpl_value *items = arena_calloc(a, json_array_size(j) + 1, sizeof(*items));

		json_array_foreach(j, i, item) items[i] = from_json(a, item);
		return tpl_list(items, json_array_size(j));
	}
	case JSON_STRING:
		return tpl_strn(arena_strndup(a, json_string_value(j), json_string_length(j)),
		                json_string_length(j));
	case JSON_INTEGER:
	case JSON_REAL:
		return tpl_str(number(a, j));
	case JSON_TRUE:
		return tpl_bool(true);
	case JSON_FALSE:
		return tpl_bool(false);
	default:
		return v;
	}
}

static void print_quoted(const char *label, const char *s, size_t n)
{
	size_t i;

	fprintf(stderr, "  %-9s \"", label);
	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			fputs("\\n", stderr);
		else if (s[i] == '\r')
			fputs("\\r", stderr);
		else if (s[i] == '\t')
			fputs("\\t", stderr);
		else
			fputc(s[i], stderr);
	}
	fputs("\"\n", stderr);
}

/* Runs one spec test; prints it and returns false if it fails. */
static bool spec_case(const char *file, json_t *t)
{
	const char *name = json_string_value(json_object_get(t, "name"));
	json_t *tmpl = json_object_get(t, "template"), *exp = json_object_get(t, "expected");
	json_t *partials = json_object_get(t, "partials"), *p;
	struct tpl_set *set = tpl_set_new();
	struct arena *a = arena_new(0);
	struct tpl_error err;
	struct buf out = BUF_INIT;
	struct tpl_value ctx;
	const char *key;
	bool ok = false;

	json_object_foreach(partials, key, p)
	{
		if (tpl_set_add(set, key, json_string_value(p), json_string_length(p), &err) ==
		    -1) {
			fprintf(stderr, "FAIL %s: %s: partial: %s\n", file, name, log_reason());
			goto out;
		}
	}
	if (tpl_set_add(set, MAIN, json_string_value(tmpl), json_string_length(tmpl), &err) == -1) {
		fprintf(stderr, "FAIL %s: %s: %s\n", file, name, log_reason());
		goto out;
	}
	ctx = from_json(a, json_object_get(t, "data"));
	if (tpl_render(set, MAIN, &ctx, &out) == -1) {
		fprintf(stderr, "FAIL %s: %s: %s\n", file, name, log_reason());
		goto out;
	}
	ok = out.n == json_string_length(exp) &&
	     memcmp(buf_cstr(&out), json_string_value(exp), out.n) == 0;
	if (!ok) {
		fprintf(stderr, "FAIL %s: %s\n", file, name);
		print_quoted("template", json_string_value(tmpl), json_string_length(tmpl));
		print_quoted("got", buf_cstr(&out), out.n);
		print_quoted("expected", json_string_value(exp), json_string_length(exp));
	}
out:
	buf_finish(&out);
	arena_free(a);
	tpl_set_free(set);
	return ok;
}

struct spec_file {
	const char *file;
	int run, failed;
	bool done;
};

static struct spec_file spec_files[] = {
        {"interpolation.json"}, {"sections.json"},   {"inverted.json"},     {"partials.json"},
        {"comments.json"},      {"delimiters.json"}, {"~inheritance.json"}, {"~dynamic-names.json"},
};

/* Runs a spec file once (later calls reuse the counts); false if it cannot be read. */
static bool run_spec(struct spec_file *sf)
{
	char path[1024];
	json_error_t jerr;
	json_t *root, *t;
	size_t i;

	if (sf->done)
		return sf->run > 0;
	sf->done = true;
	snprintf(path, sizeof(path), "%s/testdata/mustache/%s", test_shared_dir(), sf->file);
	root = json_load_file(path, 0, &jerr);
	if (root == NULL) {
		fprintf(stderr, "%s: %s\n", path, jerr.text);
		return false;
	}
	json_array_foreach(json_object_get(root, "tests"), i, t)
	{
		sf->run++;
		sf->failed += !spec_case(sf->file, t);
	}
	json_decref(root);
	printf("spec %-20s %2d passed, %d failed\n", sf->file, sf->run - sf->failed, sf->failed);
	return sf->run > 0;
}

static void check_spec(const char *file)
{
	size_t i;

	for (i = 0; i < NELEM(spec_files); i++) {
		if (strcmp(spec_files[i].file, file) == 0) {
			CHECK(run_spec(&spec_files[i]));
			CHECK_INTEQ(spec_files[i].failed, 0);
			return;
		}
	}
	CHECK(!"unknown spec file");
}

TEST(spec_interpolation)
{
	check_spec("interpolation.json");
}

TEST(spec_sections)
{
	check_spec("sections.json");
}

TEST(spec_inverted)
{
	check_spec("inverted.json");
}

TEST(spec_partials)
{
	check_spec("partials.json");
}

TEST(spec_comments)
{
	check_spec("comments.json");
}

TEST(spec_delimiters)
{
	check_spec("delimiters.json");
}

TEST(spec_inheritance)
{
	check_spec("~inheritance.json");
}

TEST(spec_dynamic_names)
{
	check_spec("~dynamic-names.json");
}

TEST(spec_total)
{
	int run = 0, failed = 0;
	size_t i;

	for (i = 0; i < NELEM(spec_files); i++) {
		CHECK(run_spec(&spec_files[i]));
		run += spec_files[i].run;
		failed += spec_files[i].failed;
	}
	printf("spec total: %d of %d passed (~lambdas.json skipped: lambdas are not supported)\n",
	       run - failed, run);
	CHECK_INTEQ(failed, 0);
}

/* ---- helpers for the engine's own tests ---- */

static struct tpl_set *set_of(const char *const *defs)
{
	struct tpl_set *set = tpl_set_new();

	for (; defs[0]; defs += 2)
		if (tpl_set_add(set, defs[0], defs[1], strlen(defs[1]), NULL) == -1)
			fprintf(stderr, "%s\n", log_reason());
	return set;
}

/* Renders template src (with partials defs) against ctx; caller frees. */
static char *render_with(const char *const *defs, const char *src, const struct tpl_value *ctx,
                         int *rc)
{
	struct tpl_set *set = set_of(defs);
	struct buf out = BUF_INIT;

	*rc = tpl_set_add(set, "t", src, strlen(src), NULL);
	if (*rc == 0)
		*rc = tpl_render(set, "t", ctx, &out);
	tpl_set_free(set);
	return buf_detach(&out);
}

static char *render1(const char *src, const struct tpl_value *ctx)
{
	static const char *const none[] = {NULL};
	int rc;
	char *s = render_with(none, src, ctx, &rc);

	if (rc == -1)
		fprintf(stderr, "render: %s\n", log_reason());
	return s;
}

#define CHECK_RENDER(src, ctx, want)                                                               \
	do {                                                                                       \
		char *got_ = render1((src), (ctx));                                                \
		int same_ = strcmp(got_, (want)) == 0;                                             \
		if (!same_)                                                                        \
			fprintf(stderr, "  got:      \"%s\"\n  expected: \"%s\"\n", got_, (want)); \
		free(got_);                                                                        \
		CHECK(same_);                                                                      \
	} while (0)

/* ---- the engine's own tests ---- */

TEST(escape_all_five)
{
	struct tpl_pair p[] = {{"x", tpl_str("<a href=\"x\">'&'</a>")}};
	struct tpl_value ctx = tpl_map(p, NELEM(p));

	CHECK_RENDER("{{x}}", &ctx, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	CHECK_RENDER("{{{x}}}|{{& x}}", &ctx, "<a href=\"x\">'&'</a>|<a href=\"x\">'&'</a>");
	CHECK_RENDER("{{=<% %>=}}<%x%>|<%{x}%>", &ctx,
	             "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;|<a href=\"x\">'&'</a>");
}

TEST(truth_and_values)
{
	struct tpl_pair inner[] = {{"k", tpl_str("v")}};
	struct tpl_pair p[] = {
	        {"empty", tpl_str("")},         {"yes", tpl_bool(true)},
	        {"no", tpl_bool(false)},        {"none", {.kind = TPL_NULL}},
	        {"emptymap", tpl_map(NULL, 0)}, {"list0", tpl_list(NULL, 0)},
	        {"m", tpl_map(inner, 1)},
	};
	struct tpl_value ctx = tpl_map(p, NELEM(p));

	CHECK_RENDER("{{#empty}}E{{/empty}}{{^empty}}e{{/empty}}", &ctx, "e");
	CHECK_RENDER("{{#emptymap}}M{{/emptymap}}{{#list0}}L{{/list0}}{{^list0}}l{{/list0}}", &ctx,
	             "Ml");
	CHECK_RENDER("{{yes}} {{no}} [{{none}}] [{{m}}] [{{list0}}] {{m.k}}", &ctx,
	             "true false [] [] [] v");
	CHECK_RENDER("{{#yes}}{{#m}}{{k}}{{/m}}{{/yes}}{{#none}}x{{/none}}", &ctx, "v");
	CHECK_RENDER("", &ctx, "");
	CHECK_RENDER("{{x}}", NULL, "");
}

struct bad_case {
	const char *src;
	unsigned line, col;
	const char *msg;
};

TEST(compile_errors_point_at_the_tag)
{
	static const struct bad_case cases[] = {
	        {"hello {{name", 1, 7, "unclosed tag"},
	        {"a\nb {{{name}}", 2, 3, "unclosed tag"},
	        {"a\n  {{#s}}x", 2, 3, "unclosed section \"s\""},
	        {"{{<p}}{{$b}}x{{/p}}", 1, 14, "does not close block \"b\""},
	        {"{{#a}}\n{{/b}}", 2, 1, "does not close section \"a\" (line 1)"},
	        {"x{{/a}}", 1, 2, "closes nothing"},
	        {"{{=<% =}}", 1, 1, "bad delimiters"},
	        {"{{= a= b =}}", 1, 1, "bad delimiters"},
	        {"{{=a b c=}}", 1, 1, "bad delimiters"},
	        {"\n\n   {{ }}", 3, 4, "empty tag"},
	        {"{{a b}}", 1, 1, "bad name \"a b\""},
	        {"{{a..b}}", 1, 1, "bad name"},
	        {"{{#.a}}{{/.a}}", 1, 1, "bad name"},
	        {"{{>}}", 1, 1, "empty tag"},
	        {"{{=| |=}}|#a| |/b|", 1, 15, "does not close"},
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		struct tpl_set *set = tpl_set_new();
		struct tpl_error err;
		int rc = tpl_set_add(set, "bad.html", cases[i].src, strlen(cases[i].src), &err);

		tpl_set_free(set);
		if (rc != -1 || err.line != cases[i].line || err.col != cases[i].col ||
		    strstr(err.msg, cases[i].msg) == NULL) {
			fprintf(stderr, "case %zu: rc %d, %u:%u: %s\n", i, rc, err.line, err.col,
			        err.msg);
			CHECK(!"wrong error");
		}
		CHECK_STREQ(err.name, "bad.html");
		CHECK(strstr(log_reason(), "bad.html:") == log_reason());
	}
}

TEST(nesting_limit_is_a_compile_error)
{
	struct buf src = BUF_INIT;
	struct tpl_set *set = tpl_set_new();
	struct tpl_error err;
	int i;

	for (i = 0; i < TPL_MAX_NEST; i++)
		buf_puts(&src, "{{#a}}");
	for (i = 0; i < TPL_MAX_NEST; i++)
		buf_puts(&src, "{{/a}}");
	CHECK_INTEQ(tpl_set_add(set, "deep", src.p, src.n, &err), 0);
	buf_reset(&src);
	for (i = 0; i <= TPL_MAX_NEST; i++)
		buf_puts(&src, "{{#a}}");
	CHECK_INTEQ(tpl_set_add(set, "deeper", src.p, src.n, &err), -1);
	CHECK(strstr(err.msg, "nested deeper") != NULL);
	CHECK_INTEQ(err.col, TPL_MAX_NEST * 6 + 1);
	buf_finish(&src);
	tpl_set_free(set);
}

TEST(missing_partial_and_parent_are_empty)
{
	static const char *const defs[] = {NULL};
	int rc;
	char *s = render_with(defs, "[{{>nope}}|{{<nope}}{{$a}}x{{/a}}{{/nope}}|{{>*nope}}]", NULL,
	                      &rc);

	CHECK_INTEQ(rc, 0);
	CHECK_STREQ(s, "[||]");
	free(s);
}

TEST(unknown_template_is_an_error)
{
	struct tpl_set *set = tpl_set_new();
	struct buf out = BUF_INIT;

	buf_puts(&out, "keep");
	CHECK(!tpl_set_has(set, "page"));
	CHECK_INTEQ(tpl_render(set, "page", NULL, &out), -1);
	CHECK(strstr(log_reason(), "\"page\" not found") != NULL);
	CHECK_STREQ(buf_cstr(&out), "keep");
	buf_finish(&out);
	tpl_set_free(set);
}

TEST(recursive_partial_stops_at_max_depth)
{
	static const char *const defs[] = {"loop", "x{{>loop}}", "fine", "{{#a}}{{>fine}}{{/a}}",
	                                   NULL};
	struct tpl_set *set = set_of(defs);
	struct buf out = BUF_INIT;

	buf_puts(&out, "before|");
	CHECK_INTEQ(tpl_render(set, "loop", NULL, &out), -1);
	CHECK(strstr(log_reason(), "nested deeper than 64") != NULL);
	CHECK(strstr(log_reason(), "loop") != NULL);
	CHECK_STREQ(buf_cstr(&out), "before|"); /* no half page */
	/* A partial that recurses on data stops when the data does. */
	CHECK_INTEQ(tpl_render(set, "fine", NULL, &out), 0);
	buf_finish(&out);
	tpl_set_free(set);
}

TEST(partial_depth_exactly_at_the_limit)
{
	struct tpl_set *set = tpl_set_new();
	struct buf out = BUF_INIT;
	char name[16], src[32];
	int i;

	/* p0 includes p1 ... includes pN: N levels of partials. */
	for (i = 0; i <= TPL_MAX_DEPTH + 1; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(src, sizeof(src), "%d{{>p%d}}", i % 10, i + 1);
		CHECK_INTEQ(tpl_set_add(set, name, src, strlen(src), NULL), 0);
	}
	/* p1 .. p64 as partials of p0: just fits. */
	snprintf(src, sizeof(src), "end");
	snprintf(name, sizeof(name), "p%d", TPL_MAX_DEPTH);
	CHECK_INTEQ(tpl_set_add(set, name, src, strlen(src), NULL), 0);
	CHECK_INTEQ(tpl_render(set, "p0", NULL, &out), 0);
	CHECK(out.n > 3 && strcmp(out.p + out.n - 3, "end") == 0);
	buf_reset(&out);
	snprintf(name, sizeof(name), "p%d", TPL_MAX_DEPTH);
	snprintf(src, sizeof(src), "{{>p%d}}", TPL_MAX_DEPTH + 1);
	CHECK_INTEQ(tpl_set_add(set, name, src, strlen(src), NULL), 0);
	CHECK_INTEQ(tpl_render(set, "p0", NULL, &out), -1);
	buf_finish(&out);
	tpl_set_free(set);
}

TEST(block_that_overrides_itself_stops)
{
	static const char *const defs[] = {"base", "<{{$a}}{{/a}}>", NULL};
	int rc;
	char *s = render_with(defs, "{{<base}}{{$a}}x{{$a}}{{/a}}{{/a}}{{/base}}", NULL, &rc);

	CHECK_INTEQ(rc, -1);
	CHECK(strstr(log_reason(), "nested deeper") != NULL);
	free(s);
}

TEST(step_limit_stops_exponential_templates)
{
	struct tpl_value items[3] = {tpl_str("a"), tpl_str("b"), tpl_str("c")};
	struct tpl_pair p[] = {{"l", tpl_list(items, 3)}};
	struct tpl_value ctx = tpl_map(p, 1);
	struct tpl_set *set = tpl_set_new();
	struct buf src = BUF_INIT, out = BUF_INIT;
	int i;

	/* 3^40 iterations: forever, without the limit. */
	for (i = 0; i < 40; i++)
		buf_puts(&src, "{{#l}}");
	buf_puts(&src, "{{.}}");
	for (i = 0; i < 40; i++)
		buf_puts(&src, "{{/l}}");
	CHECK_INTEQ(tpl_set_add(set, "boom", src.p, src.n, NULL), 0);
	tpl_set_limit(set, 100000);
	CHECK_INTEQ(tpl_render(set, "boom", &ctx, &out), -1);
	CHECK(strstr(log_reason(), "100000 steps") != NULL);
	CHECK_INTEQ(out.n, 0);
	/* Large text in a loop counts too. */
	buf_reset(&src);
	buf_puts(&src, "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}");
	for (i = 0; i < 1000; i++)
		buf_puts(&src, "0123456789");
	buf_puts(&src, "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}");
	CHECK_INTEQ(tpl_set_add(set, "big", src.p, src.n, NULL), 0);
	CHECK_INTEQ(tpl_render(set, "big", &ctx, &out), -1);
	buf_finish(&src);
	buf_finish(&out);
	tpl_set_free(set);
}

TEST(map_get)
{
	struct tpl_pair p[] = {{"a", tpl_str("1")}, {"ab", tpl_str("2")}, {"", tpl_str("3")}};
	struct tpl_value m = tpl_map(p, NELEM(p)), s = tpl_str("x");
	const struct tpl_value *v;

	v = tpl_map_get(&m, "ab");
	CHECK(v && v->kind == TPL_STR && strcmp(v->u.s.p, "2") == 0);
	v = tpl_map_get(&m, "a");
	CHECK(v && strcmp(v->u.s.p, "1") == 0);
	v = tpl_map_get(&m, "");
	CHECK(v && strcmp(v->u.s.p, "3") == 0);
	CHECK(tpl_map_get(&m, "abc") == NULL);
	CHECK(tpl_map_get(&s, "a") == NULL);
	CHECK(tpl_map_get(NULL, "a") == NULL);
}

TEST(set_replaces_and_grows)
{
	struct tpl_set *set = tpl_set_new();
	struct buf out = BUF_INIT;
	char name[32];
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		CHECK_INTEQ(tpl_set_add(set, name, name, strlen(name), NULL), 0);
	}
	CHECK(tpl_set_has(set, "t0") && tpl_set_has(set, "t999") && !tpl_set_has(set, "t1000"));
	CHECK_INTEQ(tpl_set_add(set, "t5", "new", 3, NULL), 0);
	CHECK_INTEQ(tpl_set_add(set, "t5", "{{#x}}", 6, NULL), -1); /* the old one stays */
	CHECK_INTEQ(tpl_render(set, "t5", NULL, &out), 0);
	CHECK_INTEQ(tpl_render(set, "t998", NULL, &out), 0);
	CHECK_STREQ(buf_cstr(&out), "newt998");
	buf_finish(&out);
	tpl_set_free(set);
	tpl_set_free(NULL);
}

TEST(template_with_nul_bytes)
{
	struct tpl_set *set = tpl_set_new();
	struct buf out = BUF_INIT;
	static const char src[] = "a\0b{{x}}\0";

	CHECK_INTEQ(tpl_set_add(set, "nul", src, sizeof(src) - 1, NULL), 0);
	CHECK_INTEQ(tpl_render(set, "nul", NULL, &out), 0);
	CHECK_INTEQ(out.n, 4);
	CHECK(memcmp(out.p, "a\0b\0", 4) == 0);
	buf_finish(&out);
	tpl_set_free(set);
}

/* Fuzz finding: lookup() indexed the NULL segs of a template whose only name is ".". */
TEST(template_with_only_implicit_iterator)
{
	struct tpl_value items[2] = {tpl_str("a"), tpl_str("<")};
	struct tpl_value ctx = tpl_list(items, 2);

	CHECK_RENDER("{{#.}}[{{.}}]{{/.}}", &ctx, "[a][&lt;]");
}

TEST(theme_layout_with_inheritance)
{
	static const char *const defs[] = {
	        "base",
	        "<html>\n"
	        "<head><title>{{$title}}{{site}}{{/title}}</title></head>\n"
	        "<body>\n"
	        "  <main>\n"
	        "    {{$content}}\n"
	        "    <p>nothing here</p>\n"
	        "    {{/content}}\n"
	        "  </main>\n"
	        "  {{>footer}}\n"
	        "</body>\n"
	        "</html>\n",
	        "footer",
	        "<footer>\n"
	        "  {{site}}\n"
	        "</footer>\n",
	        NULL,
	};
	struct tpl_pair arts[2][1] = {{{"title", tpl_str("One & two")}}, {{"title", tpl_str("3")}}};
	struct tpl_value list[2] = {tpl_map(arts[0], 1), tpl_map(arts[1], 1)};
	struct tpl_pair p[] = {{"site", tpl_str("Tamizdat")}, {"articles", tpl_list(list, 2)}};
	struct tpl_value ctx = tpl_map(p, NELEM(p));
	int rc;
	char *s = render_with(defs,
	                      "{{<base}}\n"
	                      "{{$title}}Articles - {{site}}{{/title}}\n"
	                      "{{$content}}\n"
	                      "<ul>\n"
	                      "  {{#articles}}\n"
	                      "  <li>{{title}}</li>\n"
	                      "  {{/articles}}\n"
	                      "</ul>\n"
	                      "{{/content}}\n"
	                      "{{/base}}\n",
	                      &ctx, &rc);

	CHECK_INTEQ(rc, 0);
	CHECK_STREQ(s, "<html>\n"
	               "<head><title>Articles - Tamizdat</title></head>\n"
	               "<body>\n"
	               "  <main>\n"
	               "    <ul>\n"
	               "      <li>One &amp; two</li>\n"
	               "      <li>3</li>\n"
	               "    </ul>\n"
	               "  </main>\n"
	               "  <footer>\n"
	               "    Tamizdat\n"
	               "  </footer>\n"
	               "</body>\n"
	               "</html>\n");
	free(s);
}

TEST(nested_partial_indentation)
{
	static const char *const defs[] = {
	        "outer", "<div>\n  {{>inner}}\n</div>\n", "inner", "<p>\n\n  {{text}}\n</p>\n",
	        NULL,
	};
	struct tpl_pair p[] = {{"text", tpl_str("a\nb")}};
	struct tpl_value ctx = tpl_map(p, 1);
	int rc;
	char *s = render_with(defs, "<body>\n  {{>outer}}\n</body>\n", &ctx, &rc);

	/* Indentation adds up, skips blank lines, and leaves values alone. */
	CHECK_INTEQ(rc, 0);
	CHECK_STREQ(s, "<body>\n  <div>\n    <p>\n\n      a\nb\n    </p>\n  </div>\n</body>\n");
	free(s);
}

struct thread_job {
	const struct tpl_set *set;
	const struct tpl_value *ctx;
	const char *want;
	int bad;
};

static void *render_many(void *arg)
{
	struct thread_job *job = arg;
	struct buf out = BUF_INIT;
	int i;

	for (i = 0; i < 2000; i++) {
		buf_reset(&out);
		if (tpl_render(job->set, "page", job->ctx, &out) == -1 ||
		    strcmp(buf_cstr(&out), job->want) != 0)
			job->bad++;
	}
	/* Errors are per thread too. */
	if (tpl_render(job->set, "loop", job->ctx, &out) != -1 ||
	    strstr(log_reason(), "nested deeper") == NULL)
		job->bad++;
	buf_finish(&out);
	return NULL;
}

TEST(concurrent_renders_of_one_set)
{
	static const char *const defs[] = {
	        "page", "{{<base}}{{$b}}{{#items}}{{>item}}{{/items}}{{/b}}{{/base}}",
	        "base", "[{{$b}}{{/b}}]",
	        "item", "<{{name}}>",
	        "loop", "{{>loop}}",
	        NULL,
	};
	struct tpl_pair names[3][1] = {
	        {{"name", tpl_str("a")}}, {{"name", tpl_str("b&")}}, {{"name", tpl_str("c")}}};
	struct tpl_value items[3] = {tpl_map(names[0], 1), tpl_map(names[1], 1),
	                             tpl_map(names[2], 1)};
	struct tpl_pair p[] = {{"items", tpl_list(items, 3)}};
	struct tpl_value ctx = tpl_map(p, 1);
	struct tpl_set *set = set_of(defs);
	struct thread_job jobs[2];
	pthread_t th[2];
	int i;

	for (i = 0; i < 2; i++) {
		jobs[i] = (struct thread_job){set, &ctx, "[<a><b&amp;><c>]", 0};
		CHECK_INTEQ(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
	}
	for (i = 0; i < 2; i++)
		CHECK_INTEQ(pthread_join(th[i], NULL), 0);
	CHECK_INTEQ(jobs[0].bad + jobs[1].bad, 0);
	tpl_set_free(set);
}

TEST(large_list)
{
	enum { N = 200000 };
	struct tpl_value *items = calloc(N, sizeof(*items));
	struct tpl_pair *pairs = calloc(N, sizeof(*pairs));
	struct tpl_pair root[1];
	struct tpl_value ctx;
	struct tpl_set *set = tpl_set_new();
	struct buf out = BUF_INIT;
	static const char src[] = "{{#list}}<li>{{n}}</li>\n{{/list}}";
	size_t i;

	for (i = 0; i < N; i++) {
		pairs[i].key = "n";
		pairs[i].value = tpl_str(i % 2 ? "odd" : "even");
		items[i] = tpl_map(&pairs[i], 1);
	}
	root[0] = (struct tpl_pair){"list", tpl_list(items, N)};
	ctx = tpl_map(root, 1);
	CHECK_INTEQ(tpl_set_add(set, "big", src, sizeof(src) - 1, NULL), 0);
	CHECK_INTEQ(tpl_render(set, "big", &ctx, &out), 0);
	CHECK_INTEQ(out.n, (size_t)N / 2 * (sizeof("<li>even</li>\n<li>odd</li>\n") - 1));
	CHECK_STREQ(out.p + out.n - 27, "<li>even</li>\n<li>odd</li>\n");
	buf_finish(&out);
	tpl_set_free(set);
	free(items);
	free(pairs);
}

/* ---- speed ---- */

static const char *const page_defs[] = {
        "base",
        "<!doctype html>\n"
        "<html lang=\"{{lang}}\">\n"
        "<head>\n"
        "  <meta charset=\"utf-8\">\n"
        "  <title>{{$title}}{{site.name}}{{/title}}</title>\n"
        "  <link rel=\"stylesheet\" href=\"{{site.root}}style.css\">\n"
        "</head>\n"
        "<body>\n"
        "  <header><a href=\"{{site.root}}\">{{site.name}}</a></header>\n"
        "  <nav>{{#crumbs}}<a href=\"{{url}}\">{{title}}</a> &gt; {{/crumbs}}</nav>\n"
        "  <main>\n"
        "    {{$content}}{{/content}}\n"
        "  </main>\n"
        "  <footer>{{site.name}}</footer>\n"
        "</body>\n"
        "</html>\n",
        "item",
        "<li class=\"article\">\n"
        "  <a href=\"{{url}}\">{{title}}</a>\n"
        "  {{#subtitle}}<span class=\"sub\">{{subtitle}}</span>{{/subtitle}}\n"
        "  <time datetime=\"{{date}}\">{{date}}</time>\n"
        "  {{#authors}}<span class=\"author\">{{name}}</span>{{/authors}}\n"
        "  <p>{{lead}}</p>\n"
        "</li>\n",
        "section",
        "{{<base}}\n"
        "{{$title}}{{title}} - {{site.name}}{{/title}}\n"
        "{{$content}}\n"
        "<h1>{{title}}</h1>\n"
        "<ul class=\"list\">\n"
        "  {{#articles}}\n"
        "  {{>item}}\n"
        "  {{/articles}}\n"
        "</ul>\n"
        "{{^articles}}<p>No articles.</p>{{/articles}}\n"
        "{{/content}}\n"
        "{{/base}}\n",
        NULL,
};

TEST(speed_of_a_50_item_list_page)
{
	enum { ITEMS = 50, RUNS = 5000 };
	struct arena *a = arena_new(0);
	struct tpl_set *set = set_of(page_defs);
	struct tpl_value *arts = arena_calloc(a, ITEMS, sizeof(*arts));
	struct tpl_pair site[] = {{"name", tpl_str("Tamizdat")}, {"root", tpl_str("/")}};
	struct tpl_pair crumb[] = {{"url", tpl_str("/en/")}, {"title", tpl_str("English")}};
	struct tpl_value crumbs[1] = {tpl_map(crumb, 2)};
	struct tpl_pair root[5];
	struct tpl_value ctx;
	struct buf out = BUF_INIT;
	struct timespec t0, t1;
	double ns;
	int i;

	for (i = 0; i < ITEMS; i++) {
		struct tpl_pair *p = arena_calloc(a, 6, sizeof(*p));
		struct tpl_pair *au = arena_calloc(a, 1, sizeof(*au));
		struct tpl_value *aus = arena_calloc(a, 1, sizeof(*aus));

		au[0] = (struct tpl_pair){"name", tpl_str("Rosa L. & co")};
		aus[0] = tpl_map(au, 1);
		p[0] = (struct tpl_pair){"url", tpl_str(arena_printf(a, "/en/a/%d/", i))};
		p[1] = (struct tpl_pair){"title", tpl_str(arena_printf(a, "Article number %d", i))};
		p[2] = (struct tpl_pair){"subtitle", tpl_str(i % 3 ? "" : "A \"subtitle\"")};
		p[3] = (struct tpl_pair){"date", tpl_str("2024-05-01")};
		p[4] = (struct tpl_pair){"authors", tpl_list(aus, 1)};
		p[5] = (struct tpl_pair){"lead",
		                         tpl_str("A lead paragraph of some length, as "
		                                 "articles have, with <em>no</em> markup.")};
		arts[i] = tpl_map(p, 6);
	}
	root[0] = (struct tpl_pair){"lang", tpl_str("en")};
	root[1] = (struct tpl_pair){"site", tpl_map(site, 2)};
	root[2] = (struct tpl_pair){"crumbs", tpl_list(crumbs, 1)};
	root[3] = (struct tpl_pair){"title", tpl_str("Europe")};
	root[4] = (struct tpl_pair){"articles", tpl_list(arts, ITEMS)};
	ctx = tpl_map(root, 5);

	CHECK_INTEQ(tpl_render(set, "section", &ctx, &out), 0);
	CHECK(strstr(out.p, "    <ul class=\"list\">\n      <li class=\"article\">\n") != NULL);
	CHECK(strstr(out.p, "Rosa L. &amp; co") != NULL);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	for (i = 0; i < RUNS; i++) {
		buf_reset(&out);
		tpl_render(set, "section", &ctx, &out);
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / RUNS;
	printf("list page of %d items: %zu bytes, %.0f ns (thread CPU time) per render (%.0f "
	       "MB/s)\n",
	       ITEMS, out.n, ns, (double)out.n / ns * 1e3);
	buf_finish(&out);
	tpl_set_free(set);
	arena_free(a);
}

TESTS(T(spec_interpolation), T(spec_sections), T(spec_inverted), T(spec_partials), T(spec_comments),
      T(spec_delimiters), T(spec_inheritance), T(spec_dynamic_names), T(spec_total),
      T(escape_all_five), T(truth_and_values), T(compile_errors_point_at_the_tag),
      T(nesting_limit_is_a_compile_error), T(missing_partial_and_parent_are_empty),
      T(unknown_template_is_an_error), T(recursive_partial_stops_at_max_depth),
      T(partial_depth_exactly_at_the_limit), T(block_that_overrides_itself_stops),
      T(step_limit_stops_exponential_templates), T(map_get), T(set_replaces_and_grows),
      T(template_with_nul_bytes), T(template_with_only_implicit_iterator),
      T(theme_layout_with_inheritance), T(nested_partial_indentation),
      T(concurrent_renders_of_one_set), T(large_list), T(speed_of_a_50_item_list_page))
