/*
 * Tests for src/mail/nl_*.c: composing issues, the language mix each
 * reader gets, the message for one reader (against a golden file), and
 * the queue's bookkeeping.  Sending through a real server is the e2e
 * test's (tests/e2e/newsletter_test.sh).
 *
 * Regenerate the golden file with TZ_REGEN=1 and review the diff.
 */
#include "test.h"

#include "mail/addr.h"
#include "mail/mail_int.h"
#include "mail/newsletter.h"
#include "mail/subscriber.h"
#include "nl_site.h"
#include "util/arena.h"

static struct site site;
static struct nl_ctx ctx;

static void setup(void)
{
	setenv("TAMIZDAT_NOW", "1795000000", 1);
	nl_site_make(&site, NULL);
	if (nl_ctx_init(&ctx, &site) != 0) {
		fprintf(stderr, "%s\n", log_reason());
		abort();
	}
}

static int64_t article(const char *lang, const char *title, const char *tkey, int64_t date,
                       const char *author)
{
	struct article a = {0};
	struct author au = {0};
	int64_t id;

	a.lang = lang;
	a.section_path = "";
	a.title = title;
	a.lead = "A *lead* for the digest.";
	a.body = "The body.";
	a.status = ST_PUBLISHED;
	a.date = date;
	a.tkey = tkey ? tkey : "";
	if (author) {
		au.name = author;
		a.authors = &au;
		a.nauthors = 1;
	}
	if (store_begin(site.store) != STORE_OK ||
	    store_article_add(site.store, &a, &id) != STORE_OK ||
	    store_commit(site.store) != STORE_OK) {
		fprintf(stderr, "%s\n", log_reason());
		abort();
	}
	return id;
}

static struct subscriber reader(int64_t id, const char *langs, const char *ui, const char *name)
{
	struct subscriber s = {0};

	s.id = id;
	s.email = s.addr = "reader@example.org";
	s.domain = "example.org";
	s.name = name ? name : "";
	s.langs = langs;
	s.lists = "weekly";
	s.ui_lang = ui;
	s.status = SUB_CONFIRMED;
	return s;
}

/* The HTML part for a reader; NULL if the issue has nothing for them. */
static char *html_for(struct nl_digest *d, const char *langs, const char *ui)
{
	struct subscriber s = reader(7, langs, ui, NULL);
	struct buf b = BUF_INIT;
	int rc = nl_digest_html(d, &s, &b);

	CHECK(rc >= 0);
	if (rc == 0) {
		buf_finish(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static const int64_t day = 86400, now = 1795000000;

TEST(each_reader_gets_their_languages)
{
	struct nl_digest *d;
	int64_t issue;
	char *h;

	setup();
	article("en", "Strike in the port", "strike", now - 3 * day, "Dockers' Union");
	article("fr", "Grève au port", "strike", now - 2 * day, NULL);
	article("ru", "Забастовка в порту", "strike", now - 2 * day, NULL);
	article("fr", "Seulement en français", NULL, now - day, NULL);
	article("ru", "Только по-русски", NULL, now - day, NULL);
	article("en", "Too old for this issue", NULL, now - 30 * day, NULL);
	CHECK(nl_compose(&ctx, NULL, -1, NULL, 0, &issue) == 0);
	d = nl_digest_load(&ctx, issue);
	CHECK(d != NULL);

	/* English and French: both versions of the group, and the French-only one. */
	h = html_for(d, "en,fr", "en");
	CHECK(strstr(h, "Strike in the port") && strstr(h, "Grève au port"));
	CHECK(strstr(h, "Seulement en français"));
	CHECK(!strstr(h, "Забастовка") && !strstr(h, "Только") && !strstr(h, "Too old"));
	/* Translations side by side: the French follows the English. */
	CHECK(strstr(h, "Grève au port") > strstr(h, "Strike in the port"));
	CHECK(strstr(h, "Seulement") < strstr(h, "Strike in the port")); /* newer first */
	CHECK(strstr(h, "Dockers&#39;") || strstr(h, "Dockers&apos;") || strstr(h, "Dockers’"));
	/* Each entry's labels in its own language; the mail's own in the reader's. */
	CHECK(strstr(h, "Read on the site") && strstr(h, "Lire sur le site"));
	CHECK(strstr(h, "Weekly digest"));
	free(h);

	h = html_for(d, "ru", "ru");
	CHECK(strstr(h, "Забастовка в порту") && strstr(h, "Только по-русски"));
	CHECK(!strstr(h, "Strike") && !strstr(h, "Grève"));
	CHECK(strstr(h, "Еженедельная рассылка"));
	CHECK(strstr(h, "lang=\"ru\""));
	free(h);

	/* English alone: the group's English version only. */
	h = html_for(d, "en", "en");
	CHECK(strstr(h, "Strike in the port") && !strstr(h, "Grève"));
	CHECK(!strstr(h, "<img")); /* no tracking pixel, nor any image */
	CHECK(strstr(h, "https://news.example.org/en/strike-in-the-port/"));
	CHECK(strstr(h, "https://news.example.org/newsletter/unsubscribe?t=7."));
	free(h);
	nl_digest_free(d);
	nl_site_drop(&site);
}

TEST(nothing_in_their_languages_means_no_mail)
{
	struct nl_digest *d;
	struct subscriber s;
	struct buf b = BUF_INIT;
	int64_t issue;

	setup();
	article("ru", "Только по-русски", NULL, now - day, NULL);
	CHECK(nl_compose(&ctx, NULL, -1, NULL, 0, &issue) == 0);
	d = nl_digest_load(&ctx, issue);
	s = reader(3, "en,fr", "fr", NULL);
	CHECK(nl_digest_message(d, &s, &b) == 0);
	CHECK(b.n == 0);
	nl_digest_free(d);
	buf_finish(&b);
	nl_site_drop(&site);
}

TEST(compose_takes_what_is_new_since_the_last_issue)
{
	struct arena *a = arena_new(0);
	struct nl_issue is;
	int64_t i1, i2, i3, id;

	setup();
	article("en", "First", NULL, now - day, NULL);
	CHECK(nl_compose(&ctx, "weekly", -1, NULL, 0, &i1) == 0);
	CHECK(nl_issue_get(site.store, a, i1, &is) == STORE_OK && is.narticles == 1);
	/* Nothing new: no empty issue. */
	CHECK(nl_compose(&ctx, "weekly", -1, NULL, 0, &i2) != 0);
	CHECK(strstr(log_reason(), "nothing to send") != NULL);
	setenv("TAMIZDAT_NOW", "1795086400", 1);
	id = article("en", "Second", NULL, now + day / 2, NULL);
	CHECK(nl_compose(&ctx, "weekly", -1, NULL, 0, &i2) == 0);
	CHECK(nl_issue_get(site.store, a, i2, &is) == STORE_OK && is.narticles == 1);
	/* Another list has its own history; --since looks further back. */
	CHECK(nl_compose(&ctx, "urgent", now - 2 * day, NULL, 0, &i3) == 0);
	CHECK(nl_issue_get(site.store, a, i3, &is) == STORE_OK && is.narticles == 2);
	CHECK(nl_compose(&ctx, "urgent", -1, &id, 1, &i3) == 0);
	CHECK(nl_issue_get(site.store, a, 0, &is) == STORE_OK && is.id == i3);
	CHECK(nl_compose(&ctx, "nosuchlist", -1, NULL, 0, &i3) != 0);
	/*
	 * Published in the very second an issue was made, after it: in the
	 * next issue, and what the last one held is not sent twice.
	 */
	setenv("TAMIZDAT_NOW", "1795172800", 1);
	article("en", "Third", NULL, 1795172800, NULL);
	CHECK(nl_compose(&ctx, "weekly", -1, NULL, 0, &i1) == 0);
	CHECK(nl_issue_get(site.store, a, i1, &is) == STORE_OK && is.narticles == 1);
	id = article("en", "Fourth", NULL, 1795172800, NULL);
	CHECK(nl_compose(&ctx, "weekly", -1, NULL, 0, &i2) == 0);
	CHECK(nl_issue_get(site.store, a, i2, &is) == STORE_OK && is.narticles == 1);
	{
		sqlite3_stmt *st;
		CHECK(sqlite3_prepare_v2(store_db(site.store),
		                         "SELECT article_id FROM nl_issue_article WHERE issue_id = ?",
		                         -1, &st, NULL) == SQLITE_OK);
		sqlite3_bind_int64(st, 1, i2);
		CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == id);
		sqlite3_finalize(st);
	}
	CHECK(nl_compose(&ctx, "weekly", -1, NULL, 0, &i3) != 0);
	arena_free(a);
	nl_site_drop(&site);
}

TEST(a_name_cannot_add_a_header)
{
	struct nl_digest *d;
	struct subscriber s;
	struct buf b = BUF_INIT;
	int64_t issue;

	setup();
	article("en", "Title\twith a tab", NULL, now - day, NULL);
	CHECK(nl_compose(&ctx, NULL, -1, NULL, 0, &issue) == 0);
	d = nl_digest_load(&ctx, issue);
	s = reader(3, "en", "en", "Eve\r\nBcc: victim@example.org");
	CHECK(nl_digest_message(d, &s, &b) < 0);
	s = reader(3, "en", "en", "Ева Петрова");
	CHECK(nl_digest_message(d, &s, &b) == 1);
	CHECK(strstr(b.p, "Bcc:") == NULL);
	nl_digest_free(d);
	buf_finish(&b);
	nl_site_drop(&site);
}

TEST(message_matches_golden_file)
{
	const char *src = getenv("TZ_SRC");
	struct nl_digest *d;
	struct subscriber s;
	struct buf b = BUF_INIT, want = BUF_INIT;
	char path[4096];
	int64_t issue;

	setup();
	article("en", "Strike in the port", "strike", now - 3 * day, "Dockers' Union");
	article("fr", "Grève au port", "strike", now - 2 * day, "Syndicat des dockers");
	article("ru", "Забастовка в порту", "strike", now - 2 * day, NULL);
	CHECK(nl_compose(&ctx, NULL, -1, NULL, 0, &issue) == 0);
	d = nl_digest_load(&ctx, issue);
	s = reader(12, "en,fr", "fr", "Анна Иванова");
	CHECK(nl_digest_message(d, &s, &b) == 1);
	snprintf(path, sizeof(path), "%s/tests/unit/golden/newsletter.eml", src ? src : ".");
	if (getenv("TZ_REGEN")) {
		CHECK(fs_write_atomic(path, b.p, b.n, 0) != FS_WRITE_ERROR);
	} else {
		CHECK(fs_read_file(path, &want, 1 << 20) == 0);
		if (want.n != b.n || memcmp(want.p, b.p, b.n) != 0) {
			fprintf(stderr, "%s differs (TZ_REGEN=1 to regenerate):\n%s\n", path, b.p);
			CHECK(0);
		}
	}
	nl_digest_free(d);
	buf_finish(&b);
	buf_finish(&want);
	nl_site_drop(&site);
}

TEST(queue_status_counts)
{
	struct nl_status st;
	int64_t issue;

	setup();
	article("en", "One", NULL, now - day, NULL);
	CHECK(nl_compose(&ctx, NULL, -1, NULL, 0, &issue) == 0);
	CHECK(mdb_exec(site.store,
	               "INSERT INTO nl_subscriber(email, email_key, addr, domain, langs, lists, "
	               "ui_lang, status, created) VALUES "
	               "('a@x.org','a@x.org','a@x.org','x.org','en','weekly','en',1,1),"
	               "('b@x.org','b@x.org','b@x.org','x.org','en','weekly','en',1,1);"
	               "INSERT INTO nl_queue(issue_id, subscriber_id, state, attempts, domain) "
	               "VALUES (1,1,2,0,'x.org'), (1,2,0,2,'x.org')") == STORE_OK);
	CHECK(nl_queue_status(site.store, issue, &st) == STORE_OK);
	CHECK(st.total == 2 && st.n[NLQ_SENT] == 1 && st.n[NLQ_QUEUED] == 1 && st.retrying == 1);
	CHECK_STREQ(nl_qstate_name(NLQ_BOUNCED), "bounced");
	nl_site_drop(&site);
}

TEST(shown_url_has_no_password)
{
	struct mailcfg mc = {0};
	char out[128];

	mc.url = "smtps://news:p@ss@mail.example.org:465";
	CHECK_STREQ(mailcfg_url_shown(&mc, out, sizeof(out)), "smtps://mail.example.org:465");
	mc.url = "smtp://127.0.0.1:2525/helo.example.org";
	CHECK_STREQ(mailcfg_url_shown(&mc, out, sizeof(out)),
	            "smtp://127.0.0.1:2525/helo.example.org");
	mc.url = "smtp://host/x@y";
	CHECK_STREQ(mailcfg_url_shown(&mc, out, sizeof(out)), "smtp://host/x@y");
	mc.url = "smtp://u:pw@host";
	CHECK_STREQ(mailcfg_url_shown(&mc, out, 10), "smtp://ho");
}

TEST(retries_back_off_doubling)
{
	struct mailcfg mc = {0};

	mc.retry_delay = 60;
	/* Never at once, and longer after each temporary failure. */
	CHECK(nl_retry_delay(&mc, 1) == 60);
	CHECK(nl_retry_delay(&mc, 2) == 120);
	CHECK(nl_retry_delay(&mc, 3) == 240);
	CHECK(nl_retry_delay(&mc, 6) == 1920);
	/* Capped: a day late is still worth sending, a week is not a retry. */
	CHECK(nl_retry_delay(&mc, 10) == NL_MAX_BACKOFF);
	CHECK(nl_retry_delay(&mc, 100) == NL_MAX_BACKOFF);
	mc.retry_delay = 2;
	CHECK(nl_retry_delay(&mc, 1) == 2 && nl_retry_delay(&mc, 2) == 4);
}

/* n confirmed readers of the weekly list who read only Russian. */
static void russian_readers(size_t n)
{
	sqlite3_stmt *st;
	char email[64];
	size_t i;

	CHECK(store_begin(site.store) == STORE_OK);
	CHECK(sqlite3_prepare_v2(store_db(site.store),
	                         "INSERT INTO nl_subscriber(email, email_key, addr, domain, "
	                         "name, langs, lists, ui_lang, status, created) VALUES "
	                         "(?1, ?1, ?1, 'mail.example.org', 'Читатель', 'ru', 'weekly', "
	                         "'ru', 1, 1)",
	                         -1, &st, NULL) == SQLITE_OK);
	for (i = 0; i < n; i++) {
		snprintf(email, sizeof(email), "reader%zu@mail.example.org", i);
		sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
		CHECK(sqlite3_step(st) == SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	CHECK(store_commit(site.store) == STORE_OK);
}

/*
 * Sends an English issue to n readers of Russian only, so that every row
 * is settled (skipped) without a server, from a freshly opened site as
 * `newsletter send` is.  Returns the most heap SQLite held during the run
 * (its own count of live allocations: page cache, statements, schema).
 */
static int64_t send_to(size_t n, struct nl_send_stats *st)
{
	struct nl_send_opts o = {0};
	sqlite3_int64 cur, peak;
	int64_t issue;

	setup();
	article("en", "Only in English", NULL, now - day, NULL);
	russian_readers(n);
	CHECK(nl_compose(&ctx, NULL, -1, NULL, 0, &issue) == 0);
	site_close(&site);
	CHECK(site_open(&site, nl_sitedir, 0) == 0);
	CHECK(nl_ctx_init(&ctx, &site) == 0);
	sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &peak, 1);
	CHECK(nl_send(&ctx, nl_sitedir, issue, &o, st) == 0);
	sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &peak, 0);
	nl_site_drop(&site);
	return peak;
}

/*
 * The sender's memory does not grow with the readers: SQLite's peak heap
 * for 20,000 readers is that for 5,000 (both past the sender's bounded
 * page cache; with the site's usual 32 MB cache and memory map it was a
 * third more, and more again with every reader), and a queue of nothing but
 * skips is settled once per row, a page at a time, rather than gathered
 * whole (or, as it once did, gone round for ever).
 */
TEST(sender_memory_is_flat_in_the_readers)
{
	struct nl_send_stats s1, s2;
	int64_t m1 = send_to(5000, &s1), m2 = send_to(20000, &s2);

	printf("# SQLite peak heap while sending: %lld KiB for 5k readers, %lld KiB for 20k\n",
	       (long long)m1 / 1024, (long long)m2 / 1024);
	CHECK(s1.skipped == 5000 && s1.sent == 0);
	CHECK(s2.skipped == 20000 && s2.sent == 0);
	CHECK(m1 > 0 && m2 < m1 + m1 / 10);
}

TESTS(T(each_reader_gets_their_languages), T(nothing_in_their_languages_means_no_mail),
      T(compose_takes_what_is_new_since_the_last_issue), T(a_name_cannot_add_a_header),
      T(message_matches_golden_file), T(queue_status_counts), T(shown_url_has_no_password),
      T(retries_back_off_doubling), T(sender_memory_is_flat_in_the_readers));
