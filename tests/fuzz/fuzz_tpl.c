/*
 * libFuzzer target for the template engine (src/render/tpl*.c): compiles
 * the input as a template and renders it against a small fixed context, in
 * a set whose partials recurse ("rec" includes itself until the data ends,
 * "loop" forever) and whose parent "base" has blocks to override.
 *
 * The first byte selects options: bit 0 adds the input itself as partial
 * "self"; bits 1-2 pick the root context (map, list, string, null).
 *
 * Invariants checked: a compile error points inside the input and says
 * why; a render succeeds, or fails with a reason and the output as it was;
 * the same render twice gives the same bytes.  The set's step limit is low
 * so that templates that blow up fail fast instead of timing out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/tpl.h"
#include "util/buf.h"
#include "util/log.h"

#define MAIN "fuzz main" /* a space: no tag can name it */

static struct tpl_value root[4];

static void init_context(void)
{
	static struct tpl_pair c2[3], c1[2], item0[1], item1[2], map[2], top[13];
	static struct tpl_value items[3];

	c2[0] = (struct tpl_pair){"name", tpl_str("c2")};
	c2[1] = (struct tpl_pair){"child", tpl_str(NULL)};
	c2[2] = (struct tpl_pair){"dyn", tpl_str("loop")};
	c1[0] = (struct tpl_pair){"name", tpl_str("c1")};
	c1[1] = (struct tpl_pair){"child", tpl_map(c2, 3)};
	item0[0] = (struct tpl_pair){"name", tpl_str("a")};
	item1[0] = (struct tpl_pair){"name", tpl_str("b&")};
	item1[1] = (struct tpl_pair){"list", tpl_list(NULL, 0)};
	items[0] = tpl_map(item0, 1);
	items[1] = tpl_map(item1, 2);
	items[2] = tpl_str("s");
	map[0] = (struct tpl_pair){"k", tpl_str("v")};
	map[1] = (struct tpl_pair){"a.b", tpl_str("dot")};
	top[0] = (struct tpl_pair){"name", tpl_str("<n&m>'\"")};
	top[1] = (struct tpl_pair){"empty", tpl_str("")};
	top[2] = (struct tpl_pair){"yes", tpl_bool(true)};
	top[3] = (struct tpl_pair){"no", tpl_bool(false)};
	top[4] = (struct tpl_pair){"num", tpl_str("42")};
	top[5] = (struct tpl_pair){"list", tpl_list(items, 3)};
	top[6] = (struct tpl_pair){"child", tpl_map(c1, 2)};
	top[7] = (struct tpl_pair){"map", tpl_map(map, 2)};
	top[8] = (struct tpl_pair){"dyn", tpl_str("rec")};
	top[9] = (struct tpl_pair){"self", tpl_str("self")};
	top[10] = (struct tpl_pair){"base", tpl_str("base")};
	top[11] = (struct tpl_pair){"nul", tpl_strn("a\0b", 3)};
	top[12] = (struct tpl_pair){"", tpl_str("blank key")};
	root[0] = tpl_map(top, 13);
	root[1] = tpl_list(items, 3);
	root[2] = tpl_str("root & string");
	root[3] = tpl_str(NULL);
}

static const char *const partials[][2] = {
        {"rec", "{{#child}}<{{name}}\n  {{>rec}}\n>{{/child}}"},
        {"loop", "x{{>loop}}"},
        {"base", "<b>{{$a}}A{{/a}}\n  {{$b}}\n  B\n  {{/b}}\n{{$c}}{{/c}}</b>\n"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct tpl_set *set;
	struct tpl_error err;
	struct buf a = BUF_INIT, b = BUF_INIT;
	const char *src = (const char *)data + 1;
	size_t n = size - 1, i;
	int rc, rc2;

	if (size == 0)
		return 0;
	if (!ready) {
		init_context();
		ready = 1;
	}
	set = tpl_set_new();
	tpl_set_limit(set, 1 << 16);
	for (i = 0; i < sizeof(partials) / sizeof(partials[0]); i++)
		if (tpl_set_add(set, partials[i][0], partials[i][1], strlen(partials[i][1]), NULL))
			abort();
	if ((data[0] & 1) && tpl_set_add(set, "self", src, n, NULL) == 0 &&
	    !tpl_set_has(set, "self"))
		abort();
	memset(&err, 0, sizeof(err));
	if (tpl_set_add(set, MAIN, src, n, &err) == -1) {
		if (err.line < 1 || err.col < 1 || err.msg[0] == '\0' || log_reason()[0] == '\0' ||
		    strcmp(err.name, MAIN) != 0)
			abort();
		goto out;
	}
	buf_puts(&a, "mark");
	rc = tpl_render(set, MAIN, &root[(data[0] >> 1) & 3], &a);
	if (rc == -1 && (a.n != 4 || log_reason()[0] == '\0'))
		abort();
	buf_puts(&b, "mark");
	rc2 = tpl_render(set, MAIN, &root[(data[0] >> 1) & 3], &b);
	if (rc != rc2 || a.n != b.n || memcmp(a.p, b.p, a.n) != 0 || a.p[a.n] != '\0')
		abort();
out:
	buf_finish(&a);
	buf_finish(&b);
	tpl_set_free(set);
	return 0;
}
