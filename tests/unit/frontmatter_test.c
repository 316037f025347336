/*
 * Tests for src/text/frontmatter.c: each syntax feature, each error with
 * its line and column, and a corpus written by the benchmark generator
 * ($TZ_SHARED/bench/gen_corpus.py, run into a temporary folder) compared
 * field by field with the JSON lines it writes alongside.
 */
#include "test.h"

#include <ftw.h>
#include <jansson.h>
#include <unistd.h>

#include "text/frontmatter.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/log.h"

static struct arena *arena;
static struct fm_doc doc;
static struct fm_error err;

/* Parses s into the globals; returns fm_parse()'s result. */
static int parse(const char *s)
{
	arena_free(arena);
	arena = arena_new(0);
	return fm_parse(arena, s, strlen(s), &doc, &err);
}

static const char *str(const char *key)
{
	const struct fm_value *v = fm_get(&doc, key);

	return v && v->kind == FM_STR ? v->s : NULL;
}

static const struct fm_value *list(const char *key, size_t n)
{
	const struct fm_value *v = fm_get(&doc, key);

	if (v == NULL || v->kind != FM_LIST || v->nitems != n)
		return NULL;
	return v;
}

TEST(no_front_matter)
{
	CHECK(parse("# Title\n\nText.\n") == 0);
	CHECK(!doc.present);
	CHECK_INTEQ(doc.n, 0);
	CHECK_STREQ(doc.body, "# Title\n\nText.\n");
	CHECK_INTEQ(doc.body_line, 1);
	CHECK(parse("") == 0 && !doc.present && doc.body_n == 0);
	CHECK(parse("----\ntitle: x\n---\n") == 0 && !doc.present);
	CHECK(parse("--- x\ntitle: x\n---\n") == 0 && !doc.present);
	CHECK(parse(" ---\ntitle: x\n---\n") == 0 && !doc.present);
	CHECK(parse("---") == 0 && !doc.present);
	/* A BOM is not part of the body. */
	CHECK(parse("\xEF\xBB\xBFText") == 0 && !doc.present);
	CHECK_STREQ(doc.body, "Text");
}

TEST(the_example_of_the_header)
{
	const struct fm_value *v, *m;

	CHECK(parse("---\n"
	            "title: \"Война и мир\"\n"
	            "date: 2024-05-01T10:00:00Z\n"
	            "authors: [\"Anna Karov\", {name: \"Memorial\", kind: organisation}]\n"
	            "tags:\n"
	            "  - history\n"
	            "lead: |\n"
	            "  Two lines\n"
	            "  of lead.\n"
	            "---\n"
	            "Body...\n") == 0);
	CHECK(doc.present);
	CHECK_INTEQ(doc.n, 5);
	CHECK_STREQ(doc.entries[0].key, "title");
	CHECK_INTEQ(doc.entries[0].line, 2);
	CHECK_STREQ(str("title"), "Война и мир");
	CHECK_INTEQ(fm_get(&doc, "title")->n, strlen("Война и мир"));
	CHECK_STREQ(str("date"), "2024-05-01T10:00:00Z");
	CHECK((v = list("authors", 2)) != NULL);
	CHECK(v->items[0].kind == FM_STR);
	CHECK_STREQ(v->items[0].s, "Anna Karov");
	m = &v->items[1];
	CHECK(m->kind == FM_MAP && m->nentries == 2);
	CHECK_STREQ(fm_map_get(m, "name")->s, "Memorial");
	CHECK_STREQ(fm_map_get(m, "kind")->s, "organisation");
	CHECK(fm_map_get(m, "missing") == NULL);
	CHECK(fm_map_get(&v->items[0], "name") == NULL);
	CHECK(fm_map_get(NULL, "name") == NULL);
	CHECK((v = list("tags", 1)) != NULL);
	CHECK_STREQ(v->items[0].s, "history");
	CHECK_STREQ(str("lead"), "Two lines\nof lead.\n");
	CHECK(fm_get(&doc, "nothing") == NULL);
	CHECK_STREQ(doc.body, "Body...\n");
	CHECK_INTEQ(doc.body_line, 11);
}

TEST(line_ends_bom_and_closing_lines)
{
	const char *lf =
	        "---\ntitle: 'a'\ntags:\n  - x\nlead: >\n  one\n  two\n\n  three\n---\nbody\n";
	const char *crlf = "\xEF\xBB\xBF---\r\ntitle: 'a'\r\ntags:\r\n  - x\r\nlead: >\r\n  one\r\n"
	                   "  two\r\n\r\n  three\r\n---\r\nbody\r\n";

	CHECK(parse(lf) == 0);
	CHECK_STREQ(str("lead"), "one two\nthree\n");
	CHECK(parse(crlf) == 0);
	CHECK_STREQ(str("title"), "a");
	CHECK_STREQ(list("tags", 1)->items[0].s, "x");
	CHECK_STREQ(str("lead"), "one two\nthree\n");
	CHECK_STREQ(doc.body, "body\r\n");
	CHECK_INTEQ(doc.body_line, 11);
	/* "..." closes too; blanks after the marker are allowed. */
	CHECK(parse("---  \ntitle: x\n...\t\nbody") == 0);
	CHECK_STREQ(str("title"), "x");
	CHECK_STREQ(doc.body, "body");
	/* Closing line at the end of the file, with no line end. */
	CHECK(parse("---\ntitle: x\n---") == 0);
	CHECK_INTEQ(doc.body_n, 0);
	CHECK_INTEQ(doc.body_line, 4);
	/* Empty header. */
	CHECK(parse("---\n---\nx") == 0);
	CHECK(doc.present && doc.n == 0);
	CHECK_STREQ(doc.body, "x");
	CHECK_INTEQ(doc.body_line, 3);
	/* The body is not checked: any bytes may follow. */
	CHECK(parse("---\na: b\n---\n\xFF\x01 --- : [\n") == 0);
	CHECK_STREQ(doc.body, "\xFF\x01 --- : [\n");
}

TEST(plain_scalars)
{
	CHECK(parse("---\n"
	            "a: plain text   \n"
	            "b: text # comment\n"
	            "c: C# and x#y\n"
	            "d: https://example.org/a?b=c#frag\n"
	            "e: -1\n"
	            "f: ~\n"
	            "g: null\n"
	            "h:\n"
	            "i:    # only a comment\n"
	            "j: 2024-05-01\n"
	            "k: a 'quoted' \"word\"\n"
	            "l: Подвір'я — «Україна»\n"
	            "m_n-o: :ok ?ok -ok\n"
	            "p: tab\tinside\t\n"
	            "---\n") == 0);
	CHECK_STREQ(str("a"), "plain text");
	CHECK_STREQ(str("b"), "text");
	CHECK_STREQ(str("c"), "C# and x#y");
	CHECK_STREQ(str("d"), "https://example.org/a?b=c#frag");
	CHECK_STREQ(str("e"), "-1");
	CHECK_STREQ(str("f"), "~");
	CHECK_STREQ(str("g"), "null");
	CHECK_STREQ(str("h"), "");
	CHECK_STREQ(str("i"), "");
	CHECK_STREQ(str("j"), "2024-05-01");
	CHECK_STREQ(str("k"), "a 'quoted' \"word\"");
	CHECK_STREQ(str("l"), "Подвір'я — «Україна»");
	CHECK_STREQ(str("m_n-o"), ":ok ?ok -ok");
	CHECK_STREQ(str("p"), "tab\tinside");
	CHECK_INTEQ(doc.n, 14);
}

TEST(quoted_scalars)
{
	CHECK(parse("---\n"
	            "a: 'it''s: # not a comment'\n"
	            "b: ''\n"
	            "c: \"\"\n"
	            "d: \"q\\\" b\\\\ s\\/ n\\n t\\t r\\r\"   # comment\n"
	            "e: \"\\a\\b\\v\\f\\e\\ \\N\\_\\L\\P\"\n"
	            "f: \"\\x41\\xe9 \\u0416\\u20AC \\U0001F600 \\uD83D\\uDE00\"\n"
	            "g: \"tab\\\tchar\"\n"
	            "h: 'no \\n escapes'\n"
	            "i: \"Война и мир\"\n"
	            "---\n") == 0);
	CHECK_STREQ(str("a"), "it's: # not a comment");
	CHECK_STREQ(str("b"), "");
	CHECK_STREQ(str("c"), "");
	CHECK_STREQ(str("d"), "q\" b\\ s/ n\n t\t r\r");
	CHECK_STREQ(str("e"), "\a\b\v\f\x1B \xC2\x85\xC2\xA0\xE2\x80\xA8\xE2\x80\xA9");
	CHECK_STREQ(str("f"), "A\xC3\xA9 Ж€ 😀 😀");
	CHECK_STREQ(str("g"), "tab\tchar");
	CHECK_STREQ(str("h"), "no \\n escapes");
	CHECK_STREQ(str("i"), "Война и мир");
}

TEST(block_scalars)
{
	CHECK(parse("---\n"
	            "clip: |\n"
	            "  one\n"
	            "    two\n"
	            "\n"
	            "  # not a comment\n"
	            "\n"
	            "\n"
	            "strip: |-\n"
	            "  text\n"
	            "\n"
	            "keep: |+\n"
	            "  text\n"
	            "\n"
	            "\n"
	            "folded: >\n"
	            "  one\n"
	            "  two\n"
	            "\n"
	            "  three\n"
	            "    code\n"
	            "  four\n"
	            "  five\n"
	            "indicated: |2\n"
	            "    indented first\n"
	            "  then less\n"
	            "both: >-4\n"
	            "     x\n"
	            "    y\n"
	            "leading: |\n"
	            "\n"
	            "  after a blank line\n"
	            "empty: |\n"
	            "deep: >+\n"
	            "        eight\n"
	            "# a comment ends it\n"
	            "last: x\n"
	            "---\n") == 0);
	CHECK_STREQ(str("clip"), "one\n  two\n\n# not a comment\n");
	CHECK_STREQ(str("strip"), "text");
	CHECK_STREQ(str("keep"), "text\n\n\n");
	CHECK_STREQ(str("folded"), "one two\nthree\n  code\nfour five\n");
	CHECK_STREQ(str("indicated"), "  indented first\nthen less\n");
	CHECK_STREQ(str("both"), " x\ny");
	CHECK_STREQ(str("leading"), "\nafter a blank line\n");
	CHECK_STREQ(str("empty"), "");
	CHECK_STREQ(str("deep"), "eight\n");
	CHECK_STREQ(str("last"), "x");
	/* A block scalar may end the header. */
	CHECK(parse("---\nlead: >\n  a\n  b\n---\nbody") == 0);
	CHECK_STREQ(str("lead"), "a b\n");
	CHECK(parse("---\nlead: |+\n\n---\n") == 0);
	CHECK_STREQ(str("lead"), "\n");
}

TEST(flow_sequences)
{
	const struct fm_value *v;

	CHECK(parse("---\n"
	            "empty: []\n"
	            "one: [a]\n"
	            "mixed: [plain words, 'single, quoted', \"double ] quoted\", 42,]\n"
	            "spaced: [ a ,b ]   # comment\n"
	            "wrapped: [\n"
	            "  \"Anna Karov\",   # first author\n"
	            "\n"
	            "  {name: Memorial,\n"
	            "   kind: organisation},\n"
	            "]\n"
	            "url: [https://example.org/a:b]\n"
	            "---\n") == 0);
	CHECK(list("empty", 0) != NULL);
	CHECK((v = list("one", 1)) != NULL && strcmp(v->items[0].s, "a") == 0);
	CHECK((v = list("mixed", 4)) != NULL);
	CHECK_STREQ(v->items[0].s, "plain words");
	CHECK_STREQ(v->items[1].s, "single, quoted");
	CHECK_STREQ(v->items[2].s, "double ] quoted");
	CHECK_STREQ(v->items[3].s, "42");
	CHECK((v = list("spaced", 2)) != NULL);
	CHECK_STREQ(v->items[0].s, "a");
	CHECK_STREQ(v->items[1].s, "b");
	CHECK((v = list("wrapped", 2)) != NULL);
	CHECK_STREQ(v->items[0].s, "Anna Karov");
	CHECK(v->items[1].kind == FM_MAP);
	CHECK_STREQ(fm_map_get(&v->items[1], "kind")->s, "organisation");
	CHECK_INTEQ(v->items[1].line, 9);
	CHECK_STREQ(list("url", 1)->items[0].s, "https://example.org/a:b");
	CHECK_INTEQ(fm_get(&doc, "url")->line, 12);
}

TEST(block_sequences_and_maps)
{
	const struct fm_value *v;

	CHECK(parse("---\n"
	            "tags:\n"
	            "  - history\n"
	            "  # a comment between items\n"
	            "\n"
	            "  - 'quoted: yes'\n"
	            "  - \"Война\"  # trailing\n"
	            "  - {name: Memorial, kind: organisation}\n"
	            "  - {}\n"
	            "flush:\n"
	            "- a\n"
	            "- b\n"
	            "source: {name: \"Radio\", url: https://example.org/}\n"
	            "empty_value: {a: , b: x, c:}\n"
	            "---\n") == 0);
	CHECK((v = list("tags", 5)) != NULL);
	CHECK_STREQ(v->items[0].s, "history");
	CHECK_STREQ(v->items[1].s, "quoted: yes");
	CHECK_STREQ(v->items[2].s, "Война");
	CHECK(v->items[3].kind == FM_MAP);
	CHECK_STREQ(fm_map_get(&v->items[3], "name")->s, "Memorial");
	CHECK(v->items[4].kind == FM_MAP && v->items[4].nentries == 0);
	CHECK((v = list("flush", 2)) != NULL);
	CHECK_STREQ(v->items[1].s, "b");
	v = fm_get(&doc, "source");
	CHECK(v && v->kind == FM_MAP);
	CHECK_STREQ(fm_map_get(v, "url")->s, "https://example.org/");
	v = fm_get(&doc, "empty_value");
	CHECK(v && v->nentries == 3);
	CHECK_STREQ(fm_map_get(v, "a")->s, "");
	CHECK_STREQ(fm_map_get(v, "b")->s, "x");
	CHECK_STREQ(fm_map_get(v, "c")->s, "");
}

TEST(positions_count_characters)
{
	const struct fm_value *v;

	CHECK(parse("---\n"
	            "назва_title: x\n"
	            "ключ: y\n"
	            "---\n") != 0);
	CHECK(parse("---\n"
	            "title:   \"Щастя й Згода\"\n"
	            "tags: [\"Київ\", Львів, {name: Одеса}]\n"
	            "list:\n"
	            "    - a\n"
	            "lead: >\n"
	            "  x\n"
	            "---\n") == 0);
	v = fm_get(&doc, "title");
	CHECK_INTEQ(v->line, 2);
	CHECK_INTEQ(v->col, 10);
	v = fm_get(&doc, "tags");
	CHECK_INTEQ(v->line, 3);
	CHECK_INTEQ(v->col, 7);
	CHECK_INTEQ(v->items[0].col, 8);
	CHECK_INTEQ(v->items[1].col, 16);
	CHECK_INTEQ(v->items[2].col, 23);
	CHECK_INTEQ(v->items[2].entries[0].value.col, 30);
	v = fm_get(&doc, "list");
	CHECK_INTEQ(v->line, 5);
	CHECK_INTEQ(v->col, 5);
	CHECK_INTEQ(v->items[0].col, 7);
	v = fm_get(&doc, "lead");
	CHECK_INTEQ(v->line, 6);
	CHECK_INTEQ(v->col, 7);
}

struct bad {
	const char *src, *msg;
};

/* Every error, with the exact message. */
static const struct bad bad_inputs[] = {
        {"---\ntitle: \"Война и мир\n---\n",
         "line 2, column 8: unterminated double-quoted string (expected '\"' before the end of the "
         "line)"},
        {"---\ntitle: \"a\\\n  b\"\n---\n",
         "line 2, column 8: unterminated double-quoted string (expected '\"' before the end of the "
         "line)"},
        {"---\ntitle: 'abc\n---\n", "line 2, column 8: unterminated single-quoted string (expected "
                                    "\"'\" before the end of the "
                                    "line)"},
        {"---\ntitle: \"a\\qb\"\n---\n", "line 2, column 10: unknown escape sequence \"\\q\" "
                                         "(expected one of \\\" \\\\ \\/ \\n \\t "
                                         "\\r \\b \\f \\e \\xXX \\uXXXX \\UXXXXXXXX...)"},
        {"---\ntitle: \"a\\жb\"\n---\n", "line 2, column 10: unknown escape sequence \"\\ж\" "
                                         "(expected one of \\\" \\\\ \\/ \\n \\t "
                                         "\\r \\b \\f \\e \\xXX \\uXXXX \\UXXXXXXXX...)"},
        {"---\ntitle: \"a\\x4\"\n---\n",
         "line 2, column 10: expected 2 hexadecimal digits after \"\\x\""},
        {"---\ntitle: \"\\u12G4\"\n---\n",
         "line 2, column 9: expected 4 hexadecimal digits after \"\\u\""},
        {"---\ntitle: \"\\uD83D x\"\n---\n", "line 2, column 9: unpaired surrogate \"\\uD83D\" "
                                             "(expected a low surrogate \\uDC00-\\uDFFF "
                                             "right after it)"},
        {"---\ntitle: \"\\uD83D\\u0041\"\n---\n",
         "line 2, column 9: unpaired surrogate \"\\uD83D\" (expected a low surrogate "
         "\\uDC00-\\uDFFF "
         "right after it)"},
        {"---\ntitle: \"\\uDE00\"\n---\n",
         "line 2, column 9: unpaired surrogate \"\\uDE00\" (expected a character)"},
        {"---\ntitle: \"\\U0000D800\"\n---\n",
         "line 2, column 9: unpaired surrogate \"\\U0000D800\" (expected a character)"},
        {"---\ntitle: \"\\U00110000\"\n---\n",
         "line 2, column 9: escape \"\\U00110000\" is beyond U+10FFFF"},
        {"---\ntitle: \"\\0\"\n---\n",
         "line 2, column 9: NUL characters are not allowed in front matter strings"},
        {"---\ntitle: \"a\\u0000\"\n---\n",
         "line 2, column 10: NUL characters are not allowed in front matter strings"},
        {"---\ntitle: \"a\" b\n---\n", "line 2, column 12: unexpected text after the closing quote "
                                       "(expected a comment or the end "
                                       "of the line)"},
        {"---\ntitle: \"a\"# c\n---\n", "line 2, column 11: unexpected text after the closing "
                                        "quote (expected a comment or the end "
                                        "of the line)"},
        {"---\ntitle: Note: this\n---\n",
         "line 2, column 12: ': ' inside a plain value (put the value in quotes)"},
        {"---\ntitle: a:\n---\n",
         "line 2, column 9: ': ' inside a plain value (put the value in quotes)"},
        {"---\ntitle: &x a\n---\n",
         "line 2, column 8: anchors (&) are not supported (write the value itself)"},
        {"---\ntitle: *x\n---\n",
         "line 2, column 8: aliases (*) are not supported (write the value itself)"},
        {"---\ntitle: !!str a\n---\n",
         "line 2, column 8: tags (!) are not supported (write the value, quoted if needed)"},
        {"---\ntitle: @a\n---\n",
         "line 2, column 8: a plain value cannot start with '@' (put the value in quotes)"},
        {"---\ntitle: `a\n---\n",
         "line 2, column 8: a plain value cannot start with '`' (put the value in quotes)"},
        {"---\ntitle: %a\n---\n",
         "line 2, column 8: a plain value cannot start with '%' (put the value in quotes)"},
        {"---\ntitle: ,a\n---\n",
         "line 2, column 8: a plain value cannot start with ',' (put the value in quotes)"},
        {"---\ntitle: ]\n---\n",
         "line 2, column 8: a plain value cannot start with ']' (put the value in quotes)"},
        {"---\ntitle: - a\n---\n",
         "line 2, column 8: a list cannot start on the key's line (put each '- item' on a line of "
         "its own)"},
        {"---\ntitle: : a\n---\n", "line 2, column 8: unexpected ':' (expected a value)"},
        {"---\ntitle: ? a\n---\n", "line 2, column 8: complex keys (?) are not supported"},
        {"---\n? a\n---\n", "line 2, column 1: complex keys (?) are not supported"},
        {"---\ntitle:a\n---\n", "line 2, column 7: expected a space after ':'"},
        {"---\ntitle x\n---\n", "line 2, column 7: expected ':' after the key \"title\""},
        {"---\ntitle\n---\n", "line 2, column 6: expected ':' after the key \"title\""},
        {"---\ntit.le: x\n---\n", "line 2, column 4: invalid character in key \"tit\" (expected "
                                  "letters, digits, '_', '-' or "
                                  "':')"},
        {"---\nназва: x\n---\n",
         "line 2, column 1: expected a key (letters, digits, '_' or '-') followed by ':'"},
        {"---\n\"title\": x\n---\n",
         "line 2, column 1: expected a key (letters, digits, '_' or '-') followed by ':'"},
        {"---\n- a\n---\n",
         "line 2, column 1: list item without a key (expected \"key:\" on a line before it)"},
        {"---\ntitle: a\n  b\n---\n",
         "line 3, column 3: unexpected indentation (expected a key at column 1)"},
        {"---\ntitle:\n  \"value on the next line\"\n---\n",
         "line 3, column 3: unexpected indentation (expected a key at column 1)"},
        {"---\ntitle: a\n\tb: c\n---\n",
         "line 3, column 1: tab in indentation (indent with spaces)"},
        {"---\n  \tb: c\n---\n", "line 2, column 3: tab in indentation (indent with spaces)"},
        {"---\ntitle:\n  sub: x\n---\n",
         "line 3, column 3: nested mappings are not supported (expected a key at column 1)"},
        {"---\n  title: x\n---\n",
         "line 2, column 3: nested mappings are not supported (expected a key at column 1)"},
        {"---\ntitle: a\nlead: b\ntitle: c\n---\n",
         "line 4, column 1: duplicate key \"title\" (first on line 2)"},
        {"---\ntags: [a, b\n---\n",
         "line 2, column 7: unterminated list (expected ']' to close this '[')"},
        {"---\ntags: [a, b\ntitle: x\n---\n", "line 3, column 1: expected ',' or ']' in the list"},
        {"---\ntags: [a, [b]]\n---\n", "line 2, column 11: nested lists are not supported"},
        {"---\ntags: [,]\n---\n", "line 2, column 8: expected a value before ','"},
        {"---\ntags: [a,,b]\n---\n", "line 2, column 10: expected a value before ','"},
        {"---\ntags: [a: b]\n---\n",
         "line 2, column 9: unexpected ':' in a list (write {key: value} for a mapping)"},
        {"---\ntags: [a] x\n---\n", "line 2, column 11: unexpected text after ']' (expected a "
                                    "comment or the end of the line)"},
        {"---\ntags: [#a]\n---\n",
         "line 2, column 8: a plain value cannot start with '#' (put the value in quotes)"},
        {"---\ntags: [a, 'b]\n---\n", "line 2, column 11: unterminated single-quoted string "
                                      "(expected \"'\" before the end of the "
                                      "line)"},
        {"---\nauthors: [{name: X, kind: organisation]\n---\n",
         "line 2, column 39: expected ',' or '}' in the mapping"},
        {"---\nauthors: [{name: X kind: y}]\n---\n",
         "line 2, column 24: expected ',' or '}' in the mapping"},
        {"---\nauthors: [{name: X,\n  name: Y}]\n---\n",
         "line 3, column 3: duplicate key \"name\" (first on line 2)"},
        {"---\nauthors: [{\"name\": X}]\n---\n",
         "line 2, column 12: expected a key (letters, digits, '_' or '-') in the mapping"},
        {"---\nauthors: [{name X}]\n---\n",
         "line 2, column 17: expected ':' after the key \"name\""},
        {"---\nauthors: [{name:X}]\n---\n", "line 2, column 17: expected a space after ':'"},
        {"---\nauthors: [{name: [a]}]\n---\n",
         "line 2, column 18: nested lists and mappings are not supported inside { }"},
        {"---\nauthors: [{a: {b: c}}]\n---\n",
         "line 2, column 15: nested lists and mappings are not supported inside { }"},
        {"---\nx: {a: b\n---\n",
         "line 2, column 4: unterminated mapping (expected '}' to close this '{')"},
        {"---\ntags:\n  - a\n   - b\n---\n",
         "line 4, column 4: list items must line up (expected '-' at column 3)"},
        {"---\ntags:\n  - a\n  b\n---\n", "line 4, column 3: unexpected indentation (a list item "
                                          "must fit on one line; expected '-' at "
                                          "column 3 or a key at column 1)"},
        {"---\ntags:\n  - a\n\t- b\n---\n",
         "line 4, column 1: tab in indentation (indent with spaces)"},
        {"---\ntags:\n  -\n  - b\n---\n",
         "line 3, column 3: empty list item (expected a value after '-')"},
        {"---\ntags:\n  - # nothing\n---\n",
         "line 3, column 3: empty list item (expected a value after '-')"},
        {"---\ntags:\n  - a: b\n---\n",
         "line 3, column 6: nested mappings are not supported in list items (write {key: value})"},
        {"---\ntags:\n  - [a]\n---\n", "line 3, column 5: nested lists are not supported"},
        {"---\ntags:\n  - - a\n---\n", "line 3, column 5: nested lists are not supported"},
        {"---\ntags:\n  - |\n    x\n---\n",
         "line 3, column 5: block scalars (| and >) are only allowed as values of keys"},
        {"---\ntags:\n  - \"a\" x\n---\n", "line 3, column 9: unexpected text after the closing "
                                           "quote (expected a comment or the end of "
                                           "the line)"},
        {"---\ntags:\n  - {a: b} c\n---\n", "line 3, column 12: unexpected text after '}' "
                                            "(expected a comment or the end of the line)"},
        {"---\nlead: |x\n---\n",
         "line 2, column 8: expected '-', '+', an indentation digit or a comment after '|'"},
        {"---\nlead: >+-\n---\n",
         "line 2, column 9: expected '-', '+', an indentation digit or a comment after '>'"},
        {"---\nlead: |0\n---\n", "line 2, column 8: the indentation indicator must be 1 to 9"},
        {"---\nlead: | x\n---\n", "line 2, column 9: unexpected text after the block scalar "
                                  "indicator (expected a comment or "
                                  "the end of the line)"},
        {"---\nlead: |\n\n     \n  text\n---\n",
         "line 4, column 3: empty line with more spaces than the first line of the block scalar "
         "(remove them, or give the indentation: |5)"},
        {"---\nlead: |\n  a\n b\n---\n",
         "line 4, column 2: unexpected indentation (expected a key at column 1)"},
        {"---\ntitle: x\n",
         "line 1, column 1: front matter is not closed (expected a line \"---\" or "
         "\"...\" after it)"},
        {"---\n",
         "line 1, column 1: front matter is not closed (expected a line \"---\" or \"...\" "
         "after it)"},
        {"---\ntitle: x\n... x\n", "line 1, column 1: front matter is not closed (expected a line "
                                   "\"---\" or \"...\" after it)"},
        {"---\ntitle: \"a\x01"
         "b\"\n---\n",
         "line 2, column 10: control character U+0001 is not allowed in front matter"},
        {"---\ntitle: a\x7F\n---\n",
         "line 2, column 9: control character U+007F is not allowed in front matter"},
        {"---\ntitle: \"a\xC2\x93Hi\xC2\x94\"\n---\n",
         "line 2, column 10: control character U+0093 (is the file really UTF-8, not "
         "Windows-1252?)"},
        {"---\ntitle: ok\ntitle2: \"Война \xFF\"\n---\n",
         "line 3, column 16: invalid UTF-8 (byte 0xFF; the file must be UTF-8)"},
        {"---\ntitle: \"caf\xE9\"\n---\n",
         "line 2, column 12: invalid UTF-8 (byte 0xE9; the file must be UTF-8)"},
        {"---\ntitle: \"a\rb\"\n---\n",
         "line 2, column 10: carriage return without a line feed (expected \"\\r\\n\" or \"\\n\" "
         "line ends)"},
};

TEST(every_error_names_line_and_column)
{
	size_t k;
	int bad = 0;

	for (k = 0; k < NELEM(bad_inputs); k++) {
		if (parse(bad_inputs[k].src) == 0) {
			fprintf(stderr, "  input %zu parsed: %s\n", k, bad_inputs[k].src);
			bad++;
			continue;
		}
		if (strcmp(err.msg, bad_inputs[k].msg) != 0) {
			fprintf(stderr, "  input %zu:\n  got:      %s\n  expected: %s\n", k,
			        err.msg, bad_inputs[k].msg);
			bad++;
		}
		/* The message is also the recorded reason, and the numbers match it. */
		if (strcmp(log_reason(), err.msg) != 0 || err.line == 0 || err.col == 0) {
			fprintf(stderr, "  input %zu: reason \"%s\"\n", k, log_reason());
			bad++;
		}
		if (doc.n != 0 || doc.entries != NULL || doc.present) {
			fprintf(stderr, "  input %zu: doc not cleared\n", k);
			bad++;
		}
	}
	CHECK_INTEQ(bad, 0);
}

TEST(nul_byte_in_header_is_an_error)
{
	static const char src[] = "---\ntitle: a\0b\n---\n";

	arena_free(arena);
	arena = arena_new(0);
	CHECK(fm_parse(arena, src, sizeof(src) - 1, &doc, &err) < 0);
	CHECK_STREQ(err.msg, "line 2, column 9: control character U+0000 is not allowed in front "
	                     "matter");
}

TEST(header_size_limit)
{
	struct buf b = BUF_INIT;

	/* Just under the limit: fine. */
	buf_puts(&b, "---\nlead: |\n");
	while (b.n < FM_MAX_HEADER - 100)
		buf_puts(&b, "  a line of text that is long enough\n");
	buf_puts(&b, "---\nbody");
	CHECK(parse(b.p) == 0);
	CHECK(strlen(str("lead")) > FM_MAX_HEADER / 2);
	CHECK_STREQ(doc.body, "body");
	/* Over it, closed or not. */
	buf_reset(&b);
	buf_puts(&b, "---\nlead: |\n");
	while (b.n < FM_MAX_HEADER + 100)
		buf_puts(&b, "  a line of text that is long enough\n");
	buf_puts(&b, "---\nbody");
	CHECK(parse(b.p) < 0);
	CHECK_STREQ(err.msg, "line 1, column 1: front matter longer than 262144 bytes (is the "
	                     "closing \"---\" missing?)");
	/* A long body after a small header is not limited. */
	buf_reset(&b);
	buf_puts(&b, "---\ntitle: x\n---\n");
	while (b.n < 4 * FM_MAX_HEADER)
		buf_puts(&b, "body text\n");
	CHECK(parse(b.p) == 0);
	CHECK(doc.body_n > 3 * FM_MAX_HEADER);
	buf_finish(&b);
}

TEST(many_keys_and_items)
{
	struct buf b = BUF_INIT;
	const struct fm_value *v;
	int k;

	buf_puts(&b, "---\n");
	for (k = 0; k < 3000; k++)
		buf_printf(&b, "key%d: value %d\n", k, k);
	buf_puts(&b, "list: [");
	for (k = 0; k < 3000; k++)
		buf_printf(&b, "{id: i%d, n%d: x}, ", k, k);
	buf_puts(&b, "]\n---\n");
	CHECK(parse(b.p) == 0);
	CHECK_INTEQ(doc.n, 3001);
	CHECK_STREQ(str("key2999"), "value 2999");
	CHECK((v = list("list", 3000)) != NULL);
	CHECK_STREQ(fm_map_get(&v->items[1234], "id")->s, "i1234");
	/* The same keys twice: the duplicate is found among thousands. */
	buf_reset(&b);
	buf_puts(&b, "---\n");
	for (k = 0; k < 3000; k++)
		buf_printf(&b, "key%d: v\n", k);
	buf_puts(&b, "key1717: again\n---\n");
	CHECK(parse(b.p) < 0);
	CHECK_STREQ(err.msg, "line 3002, column 1: duplicate key \"key1717\" (first on line 1719)");
	buf_finish(&b);
}

/*
 * The generated corpus: every file parses, and every field equals the
 * JSON the generator wrote for it.
 */
struct corpus {
	char dir[256];
	size_t files;
	int bad;
};

static struct corpus *walk_corpus;

static int count_md(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	size_t n = strlen(path);
	struct buf b = BUF_INIT;
	struct arena *a;
	struct fm_doc d;
	struct fm_error e;

	(void)st;
	(void)ftw;
	e.msg[0] = '\0';
	if (flag != FTW_F || n < 3 || strcmp(path + n - 3, ".md") != 0)
		return 0;
	walk_corpus->files++;
	a = arena_new(0);
	if (fs_read_file(path, &b, 1 << 24) < 0 || fm_parse(a, b.p, b.n, &d, &e) < 0 ||
	    !d.present) {
		fprintf(stderr, "  %s: %s\n", path, e.msg);
		walk_corpus->bad++;
	}
	arena_free(a);
	buf_finish(&b);
	return 0;
}

static bool value_is(const struct fm_value *v, json_t *j)
{
	size_t k;

	if (v == NULL)
		return false;
	if (json_is_string(j))
		return v->kind == FM_STR && v->n == json_string_length(j) &&
		       memcmp(v->s, json_string_value(j), v->n) == 0;
	if (json_is_integer(j)) {
		char num[32];
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(j));
		return v->kind == FM_STR && strcmp(v->s, num) == 0;
	}
	if (json_is_array(j)) {
		if (v->kind != FM_LIST || v->nitems != json_array_size(j))
			return false;
		for (k = 0; k < v->nitems; k++)
			if (!value_is(&v->items[k], json_array_get(j, k)))
				return false;
		return true;
	}
	return false;
}

static int check_record(struct corpus *c, json_t *rec)
{
	static const char *const article_keys[] = {"title",         "date",       "first_published",
	                                           "authors",       "source_url", "tags",
	                                           "translationKey"};
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	char path[1024];
	struct buf b = BUF_INIT;
	struct arena *a = arena_new(0);
	struct fm_doc d;
	struct fm_error e;
	const struct fm_value *v;
	size_t k;
	int bad = 0;

	if (strcmp(kind, "article") == 0) {
		snprintf(path, sizeof(path), "%s/%s", c->dir,
		         json_string_value(json_object_get(rec, "file")));
	} else {
		const char *sp = json_string_value(json_object_get(rec, "path"));
		snprintf(path, sizeof(path), "%s/content/%s/%s%s_index.md", c->dir,
		         json_string_value(json_object_get(rec, "lang")), sp, *sp ? "/" : "");
	}
	if (fs_read_file(path, &b, 1 << 24) < 0 || fm_parse(a, b.p, b.n, &d, &e) < 0) {
		fprintf(stderr, "  %s: %s\n", path, e.msg);
		bad = 1;
		goto done;
	}
	if (strcmp(kind, "article") == 0) {
		for (k = 0; k < NELEM(article_keys); k++) {
			if (!value_is(fm_get(&d, article_keys[k]),
			              json_object_get(rec, article_keys[k]))) {
				fprintf(stderr, "  %s: %s differs\n", path, article_keys[k]);
				bad = 1;
			}
		}
		/* The types the importer relies on. */
		v = fm_get(&d, "date");
		if (d.n != NELEM(article_keys) || v->n != 20 || v->s[10] != 'T' ||
		    v->s[19] != 'Z' || fm_get(&d, "authors")->nitems < 1 ||
		    fm_get(&d, "tags")->kind != FM_LIST ||
		    strncmp(fm_get(&d, "translationKey")->s, "s", 1) != 0)
			bad = 1;
		/* "---\n\n" then the body. */
		if (d.body_n != 1 + json_string_length(json_object_get(rec, "body")) ||
		    d.body[0] != '\n' ||
		    memcmp(d.body + 1, json_string_value(json_object_get(rec, "body")),
		           d.body_n - 1) != 0 ||
		    d.body_line != 10) {
			fprintf(stderr, "  %s: body differs\n", path);
			bad = 1;
		}
	} else {
		if (!value_is(fm_get(&d, "title"), json_object_get(rec, "title")) ||
		    (json_object_get(rec, "weight") &&
		     !value_is(fm_get(&d, "weight"), json_object_get(rec, "weight"))) ||
		    d.body_n != 0) {
			fprintf(stderr, "  %s: section differs\n", path);
			bad = 1;
		}
	}
done:
	arena_free(a);
	buf_finish(&b);
	return bad;
}

TEST(generated_corpus)
{
	struct corpus c = {"", 0, 0};
	const char *tmp = getenv("TMPDIR");
	char cmd[2048];
	struct buf jl = BUF_INIT;
	size_t records = 0, articles = 0;
	char *line, *save = NULL, *shared;
	int rc;

	snprintf(c.dir, sizeof(c.dir), "%s/tz-fm-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	CHECK(mkdtemp(c.dir) != NULL);
	/* The generator runs in the temporary folder: make the path absolute. */
	shared = realpath(test_shared_dir(), NULL);
	if (shared == NULL)
		fs_remove_tree(c.dir);
	CHECK(shared != NULL);
	snprintf(cmd, sizeof(cmd),
	         "cd '%s' && (python3 '%s/bench/gen_corpus.py' --count 50 --seed 7 --workers 1 "
	         "--out corpus --jsonl corpus.jsonl || /usr/bin/python3 '%s/bench/gen_corpus.py' "
	         "--count 50 --seed 7 --workers 1 --out corpus --jsonl corpus.jsonl) 2>gen.log",
	         c.dir, shared, shared);
	free(shared);
	rc = system(cmd);
	if (rc != 0) {
		fprintf(stderr, "  generator failed (%d): %s\n", rc, cmd);
		fs_remove_tree(c.dir);
	}
	CHECK(rc == 0);
	snprintf(cmd, sizeof(cmd), "%s/corpus.jsonl", c.dir);
	CHECK(fs_read_file(cmd, &jl, 1 << 26) == 0);
	strncat(c.dir, "/corpus", sizeof(c.dir) - strlen(c.dir) - 1);

	walk_corpus = &c;
	CHECK(nftw(c.dir, count_md, 16, FTW_PHYS) == 0);
	for (line = strtok_r(jl.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t je;
		json_t *rec = json_loads(line, 0, &je);
		CHECK(rec != NULL);
		c.bad += check_record(&c, rec);
		if (strcmp(json_string_value(json_object_get(rec, "kind")), "article") == 0)
			articles++;
		records++;
		json_decref(rec);
	}
	buf_finish(&jl);
	c.dir[strlen(c.dir) - strlen("/corpus")] = '\0';
	CHECK(fs_remove_tree(c.dir) == 0);
	CHECK_INTEQ(articles, 50);
	CHECK_INTEQ(c.files, records); /* 50 articles and 1224 section files */
	CHECK_INTEQ(c.files, 1274);
	CHECK_INTEQ(c.bad, 0);
}

TESTS(T(no_front_matter), T(the_example_of_the_header), T(line_ends_bom_and_closing_lines),
      T(plain_scalars), T(quoted_scalars), T(block_scalars), T(flow_sequences),
      T(block_sequences_and_maps), T(positions_count_characters),
      T(every_error_names_line_and_column), T(nul_byte_in_header_is_an_error), T(header_size_limit),
      T(many_keys_and_items), T(generated_corpus))
