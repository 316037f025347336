/*
 * Tests for src/search/fts_tokenizer.c: how text is cut into tokens
 * (apostrophes, hyphens, case, accents, stress marks, invalid UTF-8,
 * French elision, script detection), what is indexed for documents,
 * queries and prefixes, and end to end through an in-memory SQLite FTS5
 * table: stemmed matches in four languages, prefix and phrase queries,
 * bm25() and highlight().
 *
 * With TZ_BENCH_JSONL=FILE (a corpus from gen_corpus.py --jsonl), the test
 * "bench" also measures tokenizing and indexing speed for Russian and
 * Ukrainian, with and without the stem cache; without it, it does nothing.
 */
#include "test.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "search/fts_tokenizer.h"
#include "search/stem.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/log.h"

/* Renders tokens as "a|b c": colocated tokens joined by '|'. */
struct render {
	struct buf out;
	int ntok;
	int start, end; /* of the last token */
	int fail_after; /* return an error at this token (0: never) */
};

static int collect(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct render *r = ctx;

	if (r->fail_after && r->ntok + 1 == r->fail_after)
		return SQLITE_ABORT;
	if (r->ntok > 0)
		buf_putc(&r->out, flags & FTS5_TOKEN_COLOCATED ? '|' : ' ');
	buf_put(&r->out, tok, (size_t)ntok);
	r->ntok++;
	r->start = start;
	r->end = end;
	return SQLITE_OK;
}

/* Tokenizes text with the tokenizer made from args (space-separated); caller frees. */
static char *tokens(const char *args, int reason, const char *text)
{
	const char *argv[8];
	char a[128], *p, *save = NULL;
	struct ftstok *t;
	struct render r = {BUF_INIT, 0, 0, 0, 0};
	int argc = 0;

	snprintf(a, sizeof(a), "%s", args);
	for (p = strtok_r(a, " ", &save); p && argc < 8; p = strtok_r(NULL, " ", &save))
		argv[argc++] = p;
	t = ftstok_new(argv, argc);
	if (t == NULL) {
		fprintf(stderr, "ftstok_new(%s): %s\n", args, log_reason());
		return NULL;
	}
	ftstok_run(t, reason, text, (int)strlen(text), &r, collect);
	ftstok_free(t);
	return buf_detach(&r.out);
}

#define DOC    FTS5_TOKENIZE_DOCUMENT
#define QUERY  FTS5_TOKENIZE_QUERY
#define PREFIX (FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX)

#define CHECK_TOKENS(args, reason, text, want)                                                    \
	do {                                                                                      \
		char *got_ = tokens(args, reason, text);                                          \
		CHECK(got_ != NULL);                                                              \
		if (strcmp(got_, want) != 0) {                                                    \
			fprintf(stderr, "tokens of \"%s\"\n  got:  %s\n  want: %s\n", text, got_, \
			        want);                                                            \
			free(got_);                                                               \
			CHECK(!"tokens differ");                                                  \
		}                                                                                 \
		free(got_);                                                                       \
	} while (0)

TEST(document_gets_stems_and_surface_forms)
{
	CHECK_TOKENS("ru", DOC, "Войной и миром.", "войн|=войной и мир|=миром");
	CHECK_TOKENS("en", DOC, "Negotiations, published!",
	             "negoti|=negotiations publish|=published");
	CHECK_TOKENS("uk", DOC, "Війною", "війна|=війною");
	/* A word that is its own stem is indexed once. */
	CHECK_TOKENS("en", DOC, "war", "war");
}

TEST(query_gets_stems_only)
{
	CHECK_TOKENS("ru", QUERY, "Войной и миром", "войн и мир");
	CHECK_TOKENS("uk", QUERY, "війни", "війнути|війна");
}

TEST(prefix_is_folded_not_stemmed)
{
	CHECK_TOKENS("en", PREFIX, "Negotiat", "negotiat|=negotiat");
	CHECK_TOKENS("ru", PREFIX, "Войной", "войной|=войной");
	CHECK_TOKENS("fr", PREFIX, "Négo", "nego|=nego");
}

TEST(ukrainian_apostrophes_unified)
{
	char *a = tokens("uk", DOC, "пам'ять"), *b = tokens("uk", DOC, "пам’ять"),
	     *c = tokens("uk", DOC, "памʼять"), *d = tokens("uk", DOC, "пам‘ять");

	CHECK(a && b && c && d);
	CHECK_STREQ(a, "пам'ять");
	CHECK_STREQ(b, a);
	CHECK_STREQ(c, a);
	CHECK_STREQ(d, a);
	free(a), free(b), free(c), free(d);
	CHECK_TOKENS("uk", DOC, "пам’яті", "пам'ять|=пам'яті");
	/* Not between two letters: a quotation mark, not part of the word. */
	CHECK_TOKENS("uk", DOC, "'мова' мов'", "мова мов|мова");
	CHECK_TOKENS("uk", DOC, "пам''ять", "пам ять");
}

TEST(hyphenated_words_split)
{
	CHECK_TOKENS("none", DOC, "соціал-демократ", "соціал демократ");
	CHECK_TOKENS("none", DOC, "Jean-Paul—Sartre", "jean paul sartre");
}

TEST(case_and_diacritics_folded)
{
	CHECK_TOKENS("none", DOC, "ÉLECTIONS Ça Straße ŒUVRE Ёлка ҐАНОК",
	             "elections ca strasse oeuvre елка ганок");
	CHECK_TOKENS("fr", DOC, "Élections", "elect|=elections");
	/* й, ї, є stay letters of their own. */
	CHECK_TOKENS("none", DOC, "Йорк Їжак Єва", "йорк їжак єва");
}

TEST(stress_marks_and_soft_hyphens_ignored)
{
	struct render r = {BUF_INIT, 0, 0, 0, 0};
	const char *argv[] = {"uk"};
	const char *text = "ві\xcc\x81йна"; /* combining acute after і */
	struct ftstok *t = ftstok_new(argv, 1);

	CHECK(t != NULL);
	ftstok_run(t, DOC, text, (int)strlen(text), &r, collect);
	CHECK_STREQ(r.out.p, "війна");
	CHECK(r.start == 0 && r.end == (int)strlen(text));
	buf_finish(&r.out);
	ftstok_free(t);
	CHECK_TOKENS("none", DOC,
	             "publi\xc2\xad"
	             "cation",
	             "publication");
}

TEST(offsets_point_at_the_word)
{
	struct render r = {BUF_INIT, 0, 0, 0, 0};
	const char *argv[] = {"ru"};
	const char *text = "  «Войной»,";
	struct ftstok *t = ftstok_new(argv, 1);

	CHECK(t != NULL);
	ftstok_run(t, DOC, text, (int)strlen(text), &r, collect);
	CHECK_INTEQ(r.start, 4); /* two spaces and « (2 bytes) */
	CHECK_INTEQ(r.end, 4 + (int)strlen("Войной"));
	buf_finish(&r.out);
	ftstok_free(t);
}

TEST(invalid_utf8_separates_words)
{
	CHECK_TOKENS("none", DOC,
	             "abc\xff"
	             "def\xc0\xaf"
	             "ghi\xed\xa0\x80jkl\xe2\x82",
	             "abc def ghi jkl");
}

TEST(long_words_cut_on_a_character)
{
	char text[1200], *got;
	size_t i;

	for (i = 0; i + 2 < sizeof(text); i += 2)
		memcpy(text + i, "ж", 2);
	text[i] = '\0';
	got = tokens("ru", DOC, text);
	CHECK(got != NULL);
	CHECK(strlen(got) <= FTSTOK_TOKEN_MAX);
	CHECK(strlen(got) % 2 == 0);
	CHECK(strchr(got, ' ') == NULL);
	free(got);
}

TEST(french_elision_split_when_french_is_on)
{
	CHECK_TOKENS("fr", DOC, "l'élection d’une qu'il aujourd'hui",
	             "l elect|=election d une qu il aujourd'hui");
	/* English keeps its apostrophes: the stemmer knows 's. */
	CHECK_TOKENS("en", DOC, "people's", "peopl|=people's");
}

TEST(script_picks_languages_in_auto_mode)
{
	/* Latin: English and French keys together. */
	CHECK_TOKENS("auto", QUERY, "governments", "govern|government");
	/* і: Ukrainian only; ы: Russian only; neither: both. */
	CHECK_TOKENS("auto", QUERY, "війни", "війнути|війна");
	CHECK_TOKENS("auto", QUERY, "войны", "войн");
	CHECK_TOKENS("auto", QUERY, "мовою", "мов|мова");
	/* Digits and other scripts: folded, not stemmed. */
	CHECK_TOKENS("auto", DOC, "2024 Αθήνα 東京", "2024 αθηνα 東京");
	/* A Ukrainian word in a Russian-only table meets the Russian stemmer. */
	CHECK_TOKENS("ru", QUERY, "війни", "війни");
}

TEST(bad_arguments_rejected)
{
	const char *bad1[] = {"ru", "xx"};
	const char *bad2[] = {"cache", "lots"};
	const char *ok[] = {"cache", "0", "uk"};
	struct ftstok *t;

	CHECK(ftstok_new(bad1, 2) == NULL);
	CHECK(strstr(log_reason(), "\"xx\"") != NULL);
	CHECK(ftstok_new(bad2, 2) == NULL);
	CHECK(strstr(log_reason(), "cache") != NULL);
	t = ftstok_new(ok, 3);
	CHECK(t != NULL);
	ftstok_free(t);
	ftstok_free(NULL);
}

TEST(callback_error_stops)
{
	struct render r = {BUF_INIT, 0, 0, 0, 2};
	const char *argv[] = {"none"};
	struct ftstok *t = ftstok_new(argv, 1);

	CHECK(t != NULL);
	CHECK(ftstok_run(t, DOC, "a b c d", 7, &r, collect) == SQLITE_ABORT);
	CHECK_INTEQ(r.ntok, 1);
	buf_finish(&r.out);
	ftstok_free(t);
}

#define AUX FTS5_TOKENIZE_AUX

TEST(aux_gives_words_as_written)
{
	CHECK_TOKENS("fr", AUX, "L’Élection, d'une «Négociation» aujourd'hui",
	             "L Élection d une Négociation aujourd'hui");
	CHECK_TOKENS("uk", AUX, "Пам’ять соціал-демократів", "Пам’ять соціал демократів");
	CHECK_TOKENS("ru", AUX, "во\xcc\x81йна\xff!", "во\xcc\x81йна");
}

/* Each position's first token: its offsets, as "start-end " entries. */
static int spans(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct buf *out = ctx;

	(void)tok;
	(void)ntok;
	if (!(flags & FTS5_TOKEN_COLOCATED))
		buf_printf(out, "%d-%d ", start, end);
	return SQLITE_OK;
}

/*
 * Highlights and snippets count positions in AUX mode: its words must be
 * the document's, whatever the text.  Random texts of the pieces where
 * the rules differ: apostrophes of every kind, French elision, marks,
 * soft hyphens, digits, hyphens, invalid bytes, İ (lowered to ASCII),
 * long words.
 */
TEST(aux_positions_are_the_documents)
{
	static const char *const pieces[] = {
	        "a",
	        "Z",
	        "é",
	        "ж",
	        "Ї",
	        "İ",
	        "7",
	        " ",
	        "-",
	        "'",
	        "’",
	        "ʼ",
	        "‘",
	        "\xcc\x81",
	        "\xc2\xad",
	        "\xff",
	        "\xe2\x82",
	        "l'",
	        "qu",
	        "d’",
	        "c'",
	        "jusqu",
	        "Quoiqu'",
	        "ü",
	        "ß",
	        "«",
	        "…",
	        "\n",
	        "ы",
	        "\xe2\x80\x8d",
	        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	};
	static const char *const settings[] = {"en", "fr", "ru", "uk", "auto", "none", "fr en"};
	unsigned seed = 12345;
	size_t s, round, k;

	for (s = 0; s < NELEM(settings); s++) {
		const char *argv[2];
		char a[16], *sp;
		int argc = 1;
		struct ftstok *t;

		snprintf(a, sizeof(a), "%s", settings[s]);
		argv[0] = a;
		if ((sp = strchr(a, ' ')) != NULL) {
			*sp = '\0';
			argv[argc++] = sp + 1;
		}
		t = ftstok_new(argv, argc);
		CHECK(t != NULL);
		for (round = 0; round < 300; round++) {
			struct buf text = BUF_INIT, doc = BUF_INIT, aux = BUF_INIT;
			size_t n = 1 + (seed = seed * 1103515245u + 12345u) % 40;
			for (k = 0; k < n; k++) {
				seed = seed * 1103515245u + 12345u;
				buf_puts(&text, pieces[(seed >> 8) % NELEM(pieces)]);
			}
			buf_putc(&text, '\0');
			text.n--;
			ftstok_run(t, DOC, text.p, (int)text.n, &doc, spans);
			ftstok_run(t, AUX, text.p, (int)text.n, &aux, spans);
			buf_putc(&doc, '\0');
			buf_putc(&aux, '\0');
			if (strcmp(doc.p, aux.p) != 0)
				fprintf(stderr, "%s: \"%s\"\n  document: %s\n  aux:      %s\n",
				        settings[s], text.p, doc.p, aux.p);
			CHECK_STREQ(aux.p, doc.p);
			buf_finish(&text);
			buf_finish(&doc);
			buf_finish(&aux);
		}
		ftstok_free(t);
	}
}

/* End to end: an in-memory database with the tokenizer registered. */

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return NULL;
	if (ftstok_register(db, NULL, NULL) != 0) {
		fprintf(stderr, "register: %s\n", log_reason());
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static int exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, err);
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* The rowids matching q, as "1 3 4" (ordered by rowid); caller frees. */
static char *match(sqlite3 *db, const char *table, const char *q)
{
	struct buf out = BUF_INIT;
	sqlite3_stmt *st;
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT rowid FROM %s WHERE %s MATCH ?1 ORDER BY rowid", table,
	         table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		return xstrdup("error");
	}
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		buf_printf(&out, "%s%lld", out.n ? " " : "", sqlite3_column_int64(st, 0));
	if (sqlite3_errcode(db) != SQLITE_DONE && sqlite3_errcode(db) != SQLITE_OK)
		buf_printf(&out, "error: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return buf_detach(&out);
}

#define CHECK_MATCH(db, table, q, want)                                                       \
	do {                                                                                  \
		char *got_ = match(db, table, q);                                             \
		if (strcmp(got_, want) != 0) {                                                \
			fprintf(stderr, "%s MATCH '%s': got \"%s\", want \"%s\"\n", table, q, \
			        got_, want);                                                  \
			free(got_);                                                           \
			CHECK(!"wrong rows");                                                 \
		}                                                                             \
		free(got_);                                                                   \
	} while (0)

TEST(fts5_russian_stems_match)
{
	sqlite3 *db = open_db();

	CHECK(db != NULL);
	CHECK(exec(db, "CREATE VIRTUAL TABLE ru USING fts5(body, tokenize = 'tamizdat ru');"
	               "INSERT INTO ru(rowid, body) VALUES"
	               " (1, 'Годы войны изменили город.'),"
	               " (2, 'Он писал о войне и мире.'),"
	               " (3, 'Страна, опустошённая войной.'),"
	               " (4, 'Вой собак за рекой.'),"
	               " (5, 'Мирный договор подписан.'),"
	               " (6, 'Война и мир: роман'),"
	               " (7, 'Книги о войнах и книгой памяти')") == 0);
	CHECK_MATCH(db, "ru", "война", "1 2 3 6 7");
	CHECK_MATCH(db, "ru", "ВОЙНАМИ", "1 2 3 6 7");
	CHECK_MATCH(db, "ru", "вой", "4");
	CHECK_MATCH(db, "ru", "мир", "2 6");
	CHECK_MATCH(db, "ru", "книга", "7");
	CHECK_MATCH(db, "ru", "опустошенная", "3"); /* ё typed as е */
	sqlite3_close(db);
}

TEST(fts5_ukrainian_stems_match)
{
	sqlite3 *db = open_db();

	CHECK(db != NULL);
	CHECK(exec(db, "CREATE VIRTUAL TABLE uk USING fts5(body, tokenize = 'tamizdat uk');"
	               "INSERT INTO uk(rowid, body) VALUES"
	               " (1, 'Роки війни змінили місто.'),"
	               " (2, 'Країна, спустошена війною.'),"
	               " (3, 'Він писав о війні та мирі.'),"
	               " (4, 'Повість про двох воїнів.'),"
	               " (5, 'Це пам’ять поколінь, пам''ять народу'),"
	               " (6, 'Після двох воєн'),"
	               " (7, 'Мовою оригіналу; мови світу')") == 0);
	CHECK_MATCH(db, "uk", "війна", "1 2 3 6");
	CHECK_MATCH(db, "uk", "\"пам'ять\"", "5");
	CHECK_MATCH(db, "uk", "\"памʼяті\"", "5");
	CHECK_MATCH(db, "uk", "мова", "7");
	CHECK_MATCH(db, "uk", "воїн", "4");
	sqlite3_close(db);
}

TEST(fts5_french_and_english_stems_match)
{
	sqlite3 *db = open_db();

	CHECK(db != NULL);
	CHECK(exec(db, "CREATE VIRTUAL TABLE fr USING fts5(body, tokenize = 'tamizdat fr');"
	               "INSERT INTO fr(rowid, body) VALUES"
	               " (1, 'La négociation a échoué.'),"
	               " (2, 'Après l''élection, les journalistes'),"
	               " (3, 'Une négociée, deux négociées'),"
	               " (4, 'Le journal du soir');"
	               "CREATE VIRTUAL TABLE en USING fts5(body, tokenize = 'tamizdat en');"
	               "INSERT INTO en(rowid, body) VALUES"
	               " (1, 'The negotiation failed.'),"
	               " (2, 'Negotiations resumed after the election'),"
	               " (3, 'She published it; publishing is hard')") == 0);
	CHECK_MATCH(db, "fr", "négociations", "1 3");
	CHECK_MATCH(db, "fr", "negociations", "1 3");
	CHECK_MATCH(db, "fr", "negociee", "1 3");
	CHECK_MATCH(db, "fr", "élections", "2");
	CHECK_MATCH(db, "fr", "ELECTION", "2");
	/* Snowball conflates these; see stem_test.c. */
	CHECK_MATCH(db, "fr", "journaliste", "2 4");
	CHECK_MATCH(db, "en", "negotiations", "1 2");
	CHECK_MATCH(db, "en", "publish", "3");
	sqlite3_close(db);
}

TEST(fts5_prefix_queries)
{
	sqlite3 *db = open_db();

	CHECK(db != NULL);
	CHECK(exec(db, "CREATE VIRTUAL TABLE en USING fts5(body, tokenize = 'tamizdat en');"
	               "INSERT INTO en(rowid, body) VALUES (1, 'Negotiations resumed'),"
	               " (2, 'a negotiator'), (3, 'nothing here');"
	               "CREATE VIRTUAL TABLE uk USING fts5(body, tokenize = 'tamizdat uk');"
	               "INSERT INTO uk(rowid, body) VALUES (1, 'журналістами'),"
	               " (2, 'Він пише'), (3, 'журнал');"
	               "CREATE VIRTUAL TABLE fr USING fts5(body, tokenize = 'tamizdat fr');"
	               "INSERT INTO fr(rowid, body) VALUES (1, 'Les négociations');") == 0);
	/* Longer than the stem "negoti": found through the surface form. */
	CHECK_MATCH(db, "en", "negotiat*", "1 2");
	CHECK_MATCH(db, "en", "negotiations*", "1");
	CHECK_MATCH(db, "en", "nego*", "1 2");
	CHECK_MATCH(db, "uk", "журналіст*", "1");
	CHECK_MATCH(db, "uk", "журна*", "1 3");
	/* The lemma писати is not a prefix of пише; the surface form is. */
	CHECK_MATCH(db, "uk", "пиш*", "2");
	CHECK_MATCH(db, "fr", "negociat*", "1");
	CHECK_MATCH(db, "fr", "NÉGO*", "1");
	sqlite3_close(db);
}

TEST(fts5_phrase_queries)
{
	sqlite3 *db = open_db();

	CHECK(db != NULL);
	CHECK(exec(db, "CREATE VIRTUAL TABLE ru USING fts5(body, tokenize = 'tamizdat ru');"
	               "INSERT INTO ru(rowid, body) VALUES (1, 'Роман «Война и мир».'),"
	               " (2, 'мир и война'), (3, 'о войне и о мире');"
	               "CREATE VIRTUAL TABLE uk USING fts5(body, tokenize = 'tamizdat uk');"
	               "INSERT INTO uk(rowid, body) VALUES (1, 'Під час війни в Україні'),"
	               " (2, 'Україна і війна');") == 0);
	CHECK_MATCH(db, "ru", "\"войны и мира\"", "1");
	CHECK_MATCH(db, "ru", "\"мир и войну\"", "2");
	CHECK_MATCH(db, "ru", "NEAR(война мир, 3)", "1 2 3");
	CHECK_MATCH(db, "uk", "\"війна в україні\"", "1");
	CHECK_MATCH(db, "uk", "\"україна війна\"", "");
	sqlite3_close(db);
}

TEST(fts5_bm25_and_highlight)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st;
	long long order[3];
	double score[3];
	int n = 0;

	CHECK(db != NULL);
	CHECK(exec(db, "CREATE VIRTUAL TABLE ru USING fts5(title, body, tokenize = 'tamizdat ru');"
	               "INSERT INTO ru(rowid, title, body) VALUES"
	               " (1, 'Хроника', 'Одна война в длинном тексте о многом другом и разном.'),"
	               " (2, 'Войны', 'Войной, войнами и о войне.'),"
	               " (3, 'Разное', 'Ничего общего.'),"
	               " (4, 'Заметки', 'Война и снова война.')") == 0);
	CHECK(sqlite3_prepare_v2(db,
	                         "SELECT rowid, bm25(ru) FROM ru WHERE ru MATCH 'война' ORDER BY "
	                         "bm25(ru)",
	                         -1, &st, NULL) == SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && n < 3) {
		order[n] = sqlite3_column_int64(st, 0);
		score[n++] = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	CHECK_INTEQ(n, 3);
	CHECK_INTEQ(order[0], 2); /* four matches, one in the title */
	CHECK_INTEQ(order[1], 4);
	CHECK_INTEQ(order[2], 1);
	CHECK(score[0] < score[1] && score[1] < score[2] && score[2] < 0);

	CHECK(sqlite3_prepare_v2(db,
	                         "SELECT highlight(ru, 1, '[', ']') FROM ru WHERE ru MATCH "
	                         "'войне' AND rowid = 2",
	                         -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STREQ((const char *)sqlite3_column_text(st, 0), "[Войной], [войнами] и о [войне].");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

TEST(fts5_one_table_for_all_languages)
{
	sqlite3 *db = open_db();

	CHECK(db != NULL);
	CHECK(exec(db, "CREATE VIRTUAL TABLE doc USING fts5(body, lang UNINDEXED,"
	               " tokenize = 'tamizdat auto');"
	               "INSERT INTO doc(rowid, body, lang) VALUES"
	               " (1, 'Годы войны', 'ru'), (2, 'Роки війни', 'uk'),"
	               " (3, 'Les négociations', 'fr'), (4, 'The negotiations', 'en'),"
	               " (5, 'Мовою оригіналу', 'uk')") == 0);
	CHECK_MATCH(db, "doc", "война", "1");
	CHECK_MATCH(db, "doc", "війна", "2");
	CHECK_MATCH(db, "doc", "negotiation", "4");
	CHECK_MATCH(db, "doc", "négociation", "3");
	CHECK_MATCH(db, "doc", "мова", "5");
	sqlite3_close(db);
}

TEST(fts5_bad_tokenizer_argument_fails_create)
{
	sqlite3 *db = open_db();

	CHECK(db != NULL);
	CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(b, tokenize = 'tamizdat de')",
	                   NULL, NULL, NULL) != SQLITE_OK);
	CHECK(strstr(log_reason(), "\"de\"") != NULL);
	sqlite3_close(db);
}

/* Benchmark (only with TZ_BENCH_JSONL). */

struct count {
	long tokens, positions;
};

static int count_token(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct count *c = ctx;

	(void)tok, (void)ntok, (void)start, (void)end;
	c->tokens++;
	c->positions += !(flags & FTS5_TOKEN_COLOCATED);
	return SQLITE_OK;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The article bodies of one language, as a list of NUL-separated strings. */
static size_t load_bodies(const char *path, const char *lang, struct buf *out)
{
	struct buf file = BUF_INIT;
	char *line, *end;
	size_t n = 0;

	if (fs_read_file(path, &file, 1u << 30) != 0)
		return 0;
	for (line = file.p; line && *line; line = end ? end + 1 : NULL) {
		json_error_t err;
		json_t *j, *l, *b;

		end = strchr(line, '\n');
		j = json_loadb(line, end ? (size_t)(end - line) : strlen(line), 0, &err);
		if (j == NULL)
			continue;
		l = json_object_get(j, "lang");
		b = json_object_get(j, "body");
		if (l && b && strcmp(json_string_value(l), lang) == 0) {
			buf_puts(out, json_string_value(b));
			buf_putc(out, '\0');
			n++;
		}
		json_decref(j);
	}
	buf_finish(&file);
	return n;
}

/* Best-of-3 time to tokenize every body; OUT: counts of one pass, cache stats. */
static double bench_tokenize(const struct buf *bodies, size_t ndocs, const char *lang,
                             const char *cache, struct count *cnt, struct stem_stats *st)
{
	const char *argv[] = {lang, "cache", cache};
	double best = 1e9, t0;
	size_t i, off, len;
	int rep;

	for (rep = 0; rep < 3; rep++) {
		struct ftstok *t = ftstok_new(argv, 3);

		if (t == NULL)
			return -1;
		cnt->tokens = cnt->positions = 0;
		t0 = now();
		for (off = 0, i = 0; i < ndocs; i++, off += len + 1) {
			len = strlen(bodies->p + off);
			ftstok_run(t, DOC, bodies->p + off, (int)len, cnt, count_token);
		}
		best = MIN(best, now() - t0);
		ftstok_stats(t, st);
		ftstok_free(t);
	}
	return best;
}

/* Time to insert every body into a fresh FTS5 table; OUT: index figures. */
static double bench_insert(const struct buf *bodies, size_t ndocs, const char *lang,
                           const char *cache, double *surface_share, double *db_mb)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st;
	char sql[256];
	size_t i, off, len;
	double t0, dt;

	if (db == NULL)
		return -1;
	snprintf(sql, sizeof(sql),
	         "CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'tamizdat %s cache %s');"
	         "CREATE VIRTUAL TABLE v USING fts5vocab(t, row);",
	         lang, cache);
	exec(db, sql);
	sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES (?1)", -1, &st, NULL);
	t0 = now();
	exec(db, "BEGIN");
	for (off = 0, i = 0; i < ndocs; i++, off += len + 1) {
		len = strlen(bodies->p + off);
		sqlite3_bind_text(st, 1, bodies->p + off, (int)len, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	exec(db, "COMMIT");
	dt = now() - t0;
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db,
	                   "SELECT 1.0 * sum(CASE WHEN term >= '=' AND term < '>' THEN cnt END) /"
	                   " sum(cnt), (SELECT page_count FROM pragma_page_count) *"
	                   " (SELECT page_size FROM pragma_page_size) FROM v",
	                   -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*surface_share = sqlite3_column_double(st, 0);
		*db_mb = sqlite3_column_double(st, 1) / 1e6;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return dt;
}

static void bench_lang(const char *path, const char *lang)
{
	static const char *const caches[] = {"0", "8192", "2048", "32768"};
	struct buf bodies = BUF_INIT;
	size_t ndocs = load_bodies(path, lang, &bodies), c;
	double mb = (double)bodies.n / 1e6, dt, share = 0, dbmb = 0;
	struct stem_stats st;
	struct count cnt;

	if (ndocs == 0) {
		fprintf(stderr, "bench: no %s articles in %s\n", lang, path);
		return;
	}
	for (c = 0; c < NELEM(caches); c++) {
		dt = bench_tokenize(&bodies, ndocs, lang, caches[c], &cnt, &st);
		CHECK(dt > 0);
		fprintf(stderr,
		        "bench %s tokenize, cache %5s: %8.0f words/s %5.1f MB/s  (%zu articles, "
		        "%.1f MB, %ld words, %ld tokens; cache hits %.1f%%, dictionary words "
		        "%.1f%%)\n",
		        lang, caches[c], (double)cnt.positions / dt, mb / dt, ndocs, mb,
		        cnt.positions, cnt.tokens, 100.0 * (double)st.hits / (double)st.words,
		        100.0 * (double)st.lemmas / (double)(st.words - st.hits + !st.words));
	}
	for (c = 0; c < 2; c++) {
		/* No cache, and the language's default. */
		const char *cache = c == 0 ? "0" : strcmp(lang, "uk") == 0 ? "32768" : "8192";

		dt = bench_insert(&bodies, ndocs, lang, cache, &share, &dbmb);
		CHECK(dt > 0);
		fprintf(stderr,
		        "bench %s FTS5 insert, cache %5s: %8.0f words/s %5.1f MB/s  (index %.1f "
		        "MB, "
		        "surface forms %.0f%% of entries)\n",
		        lang, cache, (double)cnt.positions / dt, mb / dt, dbmb, 100.0 * share);
	}
	buf_finish(&bodies);
}

TEST(bench)
{
	const char *path = getenv("TZ_BENCH_JSONL");

	if (path == NULL)
		return;
	bench_lang(path, "ru");
	bench_lang(path, "uk");
	bench_lang(path, "en");
	bench_lang(path, "fr");
}

TESTS(T(document_gets_stems_and_surface_forms), T(query_gets_stems_only),
      T(prefix_is_folded_not_stemmed), T(ukrainian_apostrophes_unified), T(hyphenated_words_split),
      T(case_and_diacritics_folded), T(stress_marks_and_soft_hyphens_ignored),
      T(offsets_point_at_the_word), T(invalid_utf8_separates_words),
      T(long_words_cut_on_a_character), T(french_elision_split_when_french_is_on),
      T(script_picks_languages_in_auto_mode), T(bad_arguments_rejected), T(callback_error_stops),
      T(aux_gives_words_as_written), T(aux_positions_are_the_documents),
      T(fts5_russian_stems_match), T(fts5_ukrainian_stems_match),
      T(fts5_french_and_english_stems_match), T(fts5_prefix_queries), T(fts5_phrase_queries),
      T(fts5_bm25_and_highlight), T(fts5_one_table_for_all_languages),
      T(fts5_bad_tokenizer_argument_fails_create), T(bench));
