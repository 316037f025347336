/*
 * Tests for src/mail/subscriber.c and subscriber_csv.c: rows, tokens,
 * suppression, the per-address mail limit, and CSV import that is all or
 * nothing.
 */
#include "test.h"

#include "mail/addr.h"
#include "mail/mail_int.h"
#include "mail/subscriber.h"
#include "nl_site.h"
#include "util/arena.h"

static struct site site;
static unsigned char key[SUB_KEY_SIZE];

static void setup(void)
{
	nl_site_make(&site, NULL);
	if (sub_secret(site.store, key) != 0)
		abort();
}

static int64_t add(const char *email, const char *langs, enum sub_status st)
{
	struct addr a;
	struct sub_new nw = {0};
	int64_t id = 0;

	CHECK(addr_parse(email, strlen(email), &a) == 0);
	nw.addr = &a;
	nw.langs = langs;
	nw.lists = "weekly";
	nw.status = st;
	CHECK(sub_add(site.store, &nw, &id) == STORE_OK);
	return id;
}

static size_t count(const char *sql)
{
	sqlite3_stmt *st;
	size_t n = 0;

	sqlite3_prepare_v2(store_db(site.store), sql, -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

TEST(add_find_and_one_row_per_reader)
{
	struct arena *a = arena_new(0);
	struct subscriber s;
	struct addr ad;
	struct sub_new nw = {0};
	int64_t id;

	setup();
	id = add("Anna@Пример.РФ", "en,fr", SUB_CONFIRMED);
	CHECK(addr_parse("anna@xn--e1afmkfd.xn--p1ai", 26, &ad) == 0);
	CHECK(sub_find(site.store, a, &ad, &s) == STORE_OK);
	CHECK(s.id == id);
	CHECK_STREQ(s.email, "Anna@пример.рф");
	CHECK_STREQ(s.addr, "Anna@xn--e1afmkfd.xn--p1ai");
	CHECK_STREQ(s.domain, "xn--e1afmkfd.xn--p1ai");
	CHECK_STREQ(s.ui_lang, "en");
	CHECK(s.status == SUB_CONFIRMED && s.confirmed > 0);
	/* The same reader in other letters is the same row. */
	nw.addr = &ad;
	nw.langs = "ru";
	nw.lists = "weekly";
	CHECK(sub_add(site.store, &nw, &id) == STORE_EXISTS);
	/* A name cannot carry a header line. */
	CHECK(addr_parse("b@example.org", 13, &ad) == 0);
	nw.name = "Eve\r\nBcc: victim@example.org";
	CHECK(sub_add(site.store, &nw, &id) == STORE_INVALID);
	arena_free(a);
	nl_site_drop(&site);
}

TEST(languages_and_lists_are_canonical)
{
	struct buf b = BUF_INIT;

	setup();
	CHECK(sub_canon_langs(&site.cfg, "ru fr,en;fr", &b) == 0);
	CHECK_STREQ(buf_cstr(&b), "en,fr,ru");
	buf_reset(&b);
	CHECK(sub_canon_langs(&site.cfg, "de", &b) != 0);
	CHECK(sub_canon_langs(&site.cfg, " , ", &b) != 0);
	buf_reset(&b);
	CHECK(sub_canon_lists(site.mail, "urgent weekly", &b) == 0);
	CHECK_STREQ(buf_cstr(&b), "weekly,urgent");
	CHECK(sub_set_has("weekly,urgent", "urgent"));
	CHECK(!sub_set_has("weekly,urgent", "week"));
	CHECK(!sub_set_has("en,fr", ""));
	buf_finish(&b);
	nl_site_drop(&site);
}

TEST(tokens_cannot_be_forged_or_moved)
{
	struct buf t = BUF_INIT, u = BUF_INIT;
	int64_t id, exp;
	char forged[SUB_TOKEN_MAX + 1];

	setup();
	sub_token_make(key, SUB_TOKEN_PREFS, 42, "a@example.org", 0, &t);
	CHECK(sub_token_parse(buf_cstr(&t), SUB_TOKEN_PREFS, &id, NULL) == 0 && id == 42);
	CHECK(sub_token_check(key, SUB_TOKEN_PREFS, buf_cstr(&t), "a@example.org"));
	CHECK(!sub_token_check(key, SUB_TOKEN_PREFS, buf_cstr(&t), "b@example.org"));
	CHECK(!sub_token_check(key, SUB_TOKEN_CONFIRM, buf_cstr(&t), "a@example.org"));
	/* Another id with the same MAC. */
	snprintf(forged, sizeof(forged), "43%s", buf_cstr(&t) + 2);
	CHECK(!sub_token_check(key, SUB_TOKEN_PREFS, forged, "a@example.org"));
	sub_token_make(key, SUB_TOKEN_CONFIRM, 42, "a@example.org", 1000, &u);
	CHECK(sub_token_parse(buf_cstr(&u), SUB_TOKEN_CONFIRM, &id, &exp) == 0 && exp == 1000);
	CHECK(sub_token_check(key, SUB_TOKEN_CONFIRM, buf_cstr(&u), "a@example.org"));
	/* A later expiry is not the same token. */
	snprintf(forged, sizeof(forged), "42.9999%s", strchr(buf_cstr(&u) + 3, '.'));
	CHECK(!sub_token_check(key, SUB_TOKEN_CONFIRM, forged, "a@example.org"));
	CHECK(sub_token_parse("", SUB_TOKEN_PREFS, &id, NULL) != 0);
	CHECK(sub_token_parse("0.AAAAAAAAAAAAAAAAAAAAAA", SUB_TOKEN_PREFS, &id, NULL) != 0);
	CHECK(sub_token_parse("1.AAAA", SUB_TOKEN_PREFS, &id, NULL) != 0);
	CHECK(sub_token_parse("99999999999999999999.AAAAAAAAAAAAAAAAAAAAAA", SUB_TOKEN_PREFS, &id,
	                      NULL) != 0);
	buf_finish(&t);
	buf_finish(&u);
	nl_site_drop(&site);
}

TEST(confirming_twice_is_harmless)
{
	struct arena *a = arena_new(0);
	struct subscriber s;
	int64_t id;

	setup();
	id = add("p@example.org", "fr", SUB_PENDING);
	CHECK(sub_confirm(site.store, key, id) == STORE_OK);
	CHECK(sub_get(site.store, a, id, &s) == STORE_OK && s.status == SUB_CONFIRMED);
	CHECK(sub_confirm(site.store, key, id) == STORE_OK);
	CHECK(sub_get(site.store, a, id, &s) == STORE_OK && s.status == SUB_CONFIRMED);
	CHECK(sub_confirm(site.store, key, 999) == STORE_OK);
	arena_free(a);
	nl_site_drop(&site);
}

TEST(remove_keeps_only_a_hash)
{
	struct addr ad;
	int64_t id;

	setup();
	id = add("gone@example.org", "en", SUB_CONFIRMED);
	CHECK(addr_parse("GONE@example.org", 16, &ad) == 0);
	CHECK(!sub_suppressed(site.store, key, &ad));
	CHECK(sub_remove(site.store, key, id, true) == STORE_OK);
	CHECK(sub_suppressed(site.store, key, &ad));
	CHECK(count("SELECT count(*) FROM nl_subscriber") == 0);
	CHECK(count("SELECT count(*) FROM nl_suppress") == 1);
	/* Nothing in the store holds the address any more. */
	CHECK(count("SELECT count(*) FROM nl_suppress WHERE instr(hash, 'gone') > 0") == 0);
	/* Subscribing again and confirming takes it off the list. */
	id = add("gone@example.org", "en", SUB_PENDING);
	CHECK(sub_confirm(site.store, key, id) == STORE_OK);
	CHECK(!sub_suppressed(site.store, key, &ad));
	/* --forget: no hash. */
	CHECK(sub_remove(site.store, key, id, false) == STORE_OK);
	CHECK(!sub_suppressed(site.store, key, &ad));
	CHECK(sub_remove(site.store, key, id, true) == STORE_OK); /* gone: fine */
	nl_site_drop(&site);
}

TEST(per_address_mail_limit)
{
	int64_t id, t = 1000000;
	int i, allowed = 0;

	setup();
	id = add("target@example.org", "en", SUB_PENDING);
	CHECK(sub_mail_allowed(site.store, id, t));
	CHECK(!sub_mail_allowed(site.store, id, t + 10));
	CHECK(sub_mail_allowed(site.store, id, t + SUB_MAIL_INTERVAL));
	/* A whole day of trying gets SUB_MAIL_PER_DAY mails, no more. */
	for (i = 2; i < 200; i++)
		allowed += sub_mail_allowed(site.store, id, t + i * SUB_MAIL_INTERVAL / 2);
	CHECK(allowed == SUB_MAIL_PER_DAY - 2);
	CHECK(sub_mail_allowed(site.store, id, t + 86400 + 1));
	nl_site_drop(&site);
}

TEST(bounces_make_a_subscriber_bouncing)
{
	struct arena *a = arena_new(0);
	struct subscriber s;
	bool now;
	int64_t id;

	setup();
	id = add("full@example.org", "en", SUB_CONFIRMED);
	CHECK(sub_bounce(site.store, id, "550 no", 2, &now) == STORE_OK && !now);
	CHECK(sub_bounce(site.store, id, "550 no", 2, &now) == STORE_OK && now);
	CHECK(sub_get(site.store, a, id, &s) == STORE_OK);
	CHECK(s.status == SUB_BOUNCING && s.bounces == 2);
	CHECK_STREQ(s.last_error, "550 no");
	arena_free(a);
	nl_site_drop(&site);
}

static int import_text(const char *text, const struct sub_import_opts *o,
                       struct sub_import_stats *st)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc = sub_import(site.store, &site.cfg, site.mail, f, "test.csv", o, st);

	fclose(f);
	return rc;
}

TEST(import_is_all_or_nothing)
{
	struct sub_import_opts o = {.confirmed = true};
	struct sub_import_stats st;

	setup();
	/* Line 3 is bad: nothing at all goes in, and the reason names the line. */
	CHECK(import_text("email,languages,lists\n"
	                  "a@example.org,en,weekly\n"
	                  "not an address,fr,weekly\n"
	                  "b@example.org,\"en fr\",urgent\n",
	                  &o, &st) != 0);
	CHECK(st.errors == 1 && st.added == 0);
	CHECK(strstr(log_reason(), "nothing was imported") != NULL);
	CHECK(count("SELECT count(*) FROM nl_subscriber") == 0);
	/* Every bad row is counted, not only the first. */
	CHECK(import_text("email,languages\nx,en\ny@example.org,de\nz@example.org,en\n"
	                  "\"w@example.org,en\n",
	                  &o, &st) != 0);
	CHECK(st.errors == 3);
	CHECK(count("SELECT count(*) FROM nl_subscriber") == 0);
	/* A clean file goes in whole. */
	CHECK(import_text("email,name,languages,lists,status\n"
	                  "a@example.org,Anna,en,weekly,\n"
	                  "b@example.org,\"Борис, мл.\",\"ru fr\",\"weekly urgent\",pending\n"
	                  "A@EXAMPLE.ORG,,en,,\n",
	                  &o, &st) == 0);
	CHECK(st.added == 2 && st.existing == 1 && st.pending_added == 1);
	CHECK(count("SELECT count(*) FROM nl_subscriber WHERE status = 1") == 1);
	CHECK(count("SELECT count(*) FROM nl_subscriber WHERE langs = 'fr,ru' AND "
	            "lists = 'weekly,urgent'") == 1);
	CHECK(count("SELECT count(*) FROM nl_outbox") == 1);
	nl_site_drop(&site);
}

TEST(import_refuses_bad_files)
{
	struct sub_import_opts o = {0};
	struct sub_import_stats st;
	struct buf big = BUF_INIT;
	size_t i;

	setup();
	CHECK(import_text("", &o, &st) != 0);
	CHECK(import_text("name,langs\nx,y\n", &o, &st) != 0);
	CHECK(import_text("email,email\na@x.org,b@x.org\n", &o, &st) != 0);
	CHECK(import_text("email\na@example.org,extra\n", &o, &st) != 0);
	CHECK(import_text("email,name\na@example.org,\"Eve\r\nBcc: x@y.org\"\n", &o, &st) != 0);
	buf_puts(&big, "email,name\nok@example.org,x\nbig@example.org,");
	for (i = 0; i < SUB_CSV_MAX_RECORD; i++)
		buf_putc(&big, 'x');
	buf_puts(&big, "\n");
	CHECK(import_text(buf_cstr(&big), &o, &st) != 0);
	CHECK(st.errors == 1);
	CHECK(count("SELECT count(*) FROM nl_subscriber") == 0);
	buf_finish(&big);
	nl_site_drop(&site);
}

TEST(import_skips_suppressed_unless_forced)
{
	struct sub_import_opts o = {.confirmed = true};
	struct sub_import_stats st;
	int64_t id;

	setup();
	id = add("left@example.org", "en", SUB_CONFIRMED);
	CHECK(sub_remove(site.store, key, id, true) == STORE_OK);
	CHECK(import_text("email\nleft@example.org\nnew@example.org\n", &o, &st) == 0);
	CHECK(st.added == 1 && st.suppressed == 1);
	o.force = true;
	CHECK(import_text("email\nleft@example.org\n", &o, &st) == 0);
	CHECK(st.added == 1);
	nl_site_drop(&site);
}

TEST(export_round_trips_through_import)
{
	struct sub_import_opts o = {0};
	struct sub_import_stats st;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	setup();
	add("a@example.org", "en,fr", SUB_CONFIRMED);
	add("=cmd|'/Ccalc'!A0@example.org", "ru", SUB_PENDING);
	f = open_memstream(&text, &len);
	CHECK(sub_export(site.store, NULL, f) == STORE_OK);
	fclose(f);
	CHECK(strncmp(text, SUB_CSV_HEADER "\r\n", strlen(SUB_CSV_HEADER) + 2) == 0);
	/* No field starts a formula in a spreadsheet. */
	CHECK(strstr(text, "\r\n=") == NULL);
	CHECK(count("SELECT count(*) FROM nl_subscriber") == 2);
	CHECK(mdb_exec(site.store, "DELETE FROM nl_subscriber") == STORE_OK);
	CHECK(import_text(text, &o, &st) == 0);
	CHECK(st.added == 2);
	CHECK(count("SELECT count(*) FROM nl_subscriber WHERE status = 1 AND langs = 'en,fr'") ==
	      1);
	CHECK(count("SELECT count(*) FROM nl_subscriber WHERE email LIKE '=cmd%'") == 1);
	free(text);
	nl_site_drop(&site);
}

TESTS(T(add_find_and_one_row_per_reader), T(languages_and_lists_are_canonical),
      T(tokens_cannot_be_forged_or_moved), T(confirming_twice_is_harmless),
      T(remove_keeps_only_a_hash), T(per_address_mail_limit), T(bounces_make_a_subscriber_bouncing),
      T(import_is_all_or_nothing), T(import_refuses_bad_files),
      T(import_skips_suppressed_unless_forced), T(export_round_trips_through_import));
