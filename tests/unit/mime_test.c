/*
 * Tests for src/mail/mime.c: the headers a list mail needs, RFC 2047 for
 * names and subjects outside ASCII, both parts in the right encodings,
 * CRLF everywhere, and no way to add a header through any field.
 */
#include "test.h"

#include "mail/mime.h"
#include "util/buf.h"
#include "util/log.h"

static struct mime_mail sample(void)
{
	struct mime_mail m = {0};

	m.from_name = "Тамиздат — демо";
	m.from_addr = "news@example.org";
	m.reply_to = "editors@example.org";
	m.to_name = "Анна \"Q\" Иванова, jr";
	m.to_addr = "anna@xn--e1afmkfd.xn--p1ai";
	m.subject = "Тамиздат: новые статьи, 27 ноября 2026";
	m.date = 1795000000;
	m.message_id = "tz.0123@example.org";
	m.list_name = "Еженедельная рассылка";
	m.list_id = "weekly.news.example.org";
	m.unsub_https =
	        "https://news.example.org/newsletter/unsubscribe?t=12.abcdefghijklmnopqrstuv";
	m.unsub_mailto = "mailto:news@example.org?subject=unsubscribe%2012.abcdefghijklmnopqrstuv";
	m.language = "en, ru";
	m.text = "Latin text, mostly.\nSecond line.\n";
	m.text_n = strlen(m.text);
	m.html = "<p>Почти всё по-русски, кроме этого.</p>\n";
	m.html_n = strlen(m.html);
	return m;
}

/* The value of header name (unfolded), or NULL. */
static char *header(const char *msg, const char *name, char *out, size_t n)
{
	const char *end = strstr(msg, "\r\n\r\n"), *p = msg;
	size_t k = 0, len = strlen(name);

	while (p && p < end) {
		if (strncasecmp(p, name, len) == 0 && p[len] == ':') {
			p += len + 1;
			while (p < end && k + 1 < n) {
				if (p[0] == '\r' && p[1] == '\n') {
					if (p[2] != ' ' && p[2] != '\t')
						break;
					p += 2;
					continue;
				}
				out[k++] = *p++;
			}
			out[k] = '\0';
			return out;
		}
		p = strstr(p, "\r\n");
		if (p)
			p += 2;
	}
	return NULL;
}

TEST(list_mail_headers)
{
	struct mime_mail m = sample();
	struct buf b = BUF_INIT;
	char v[1024];

	CHECK(mime_build(&m, &b) == 0);
	CHECK(header(b.p, "From", v, sizeof(v)) != NULL);
	CHECK(strstr(v, "=?UTF-8?") != NULL || strstr(v, "=?utf-8?") != NULL);
	CHECK(strstr(v, "<news@example.org>") != NULL);
	CHECK(header(b.p, "To", v, sizeof(v)) != NULL && strstr(v, "<anna@xn--e1afmkfd.xn--p1ai>"));
	CHECK(header(b.p, "Reply-To", v, sizeof(v)) != NULL);
	CHECK(header(b.p, "Subject", v, sizeof(v)) != NULL && strstr(v, "=?"));
	CHECK(header(b.p, "Message-Id", v, sizeof(v)) != NULL);
	CHECK_STREQ(v, " <tz.0123@example.org>");
	CHECK(header(b.p, "Date", v, sizeof(v)) != NULL);
	CHECK(strstr(v, "+0000") != NULL);
	CHECK(header(b.p, "List-Id", v, sizeof(v)) != NULL);
	CHECK(strstr(v, "<weekly.news.example.org>") != NULL && strstr(v, "=?"));
	CHECK(header(b.p, "List-Unsubscribe", v, sizeof(v)) != NULL);
	CHECK(strstr(v, "<https://news.example.org/newsletter/unsubscribe?t=12."
	                "abcdefghijklmnopqrstuv>,") != NULL);
	CHECK(strstr(v, "<mailto:news@example.org?subject=unsubscribe%2012.") != NULL);
	CHECK(header(b.p, "List-Unsubscribe-Post", v, sizeof(v)) != NULL);
	CHECK_STREQ(v, " List-Unsubscribe=One-Click");
	CHECK(header(b.p, "Content-Language", v, sizeof(v)) != NULL);
	CHECK(header(b.p, "MIME-Version", v, sizeof(v)) != NULL);
	CHECK(header(b.p, "Content-Type", v, sizeof(v)) != NULL);
	CHECK(strstr(v, "multipart/alternative") != NULL);
	CHECK(header(b.p, "Auto-Submitted", v, sizeof(v)) == NULL);
	buf_finish(&b);
}

TEST(headers_are_ascii_and_lines_crlf)
{
	struct mime_mail m = sample();
	struct buf b = BUF_INIT;
	const char *end, *p;
	size_t i, col = 0;

	CHECK(mime_build(&m, &b) == 0);
	end = strstr(b.p, "\r\n\r\n");
	CHECK(end != NULL);
	for (p = b.p; p < end; p++)
		CHECK((unsigned char)*p < 0x80);
	for (i = 0; i < b.n; i++) {
		if (b.p[i] == '\n') {
			CHECK(i > 0 && b.p[i - 1] == '\r');
			CHECK(col <= 998);
			col = 0;
		} else {
			col++;
		}
	}
	buf_finish(&b);
}

TEST(parts_pick_their_encoding)
{
	struct mime_mail m = sample();
	struct buf b = BUF_INIT;
	const char *plain, *html;

	CHECK(mime_build(&m, &b) == 0);
	plain = strstr(b.p, "Content-Type: text/plain; charset=utf-8");
	html = strstr(b.p, "Content-Type: text/html; charset=utf-8");
	CHECK(plain && html && plain < html);
	/* Mostly Latin and short: 7bit; mostly Cyrillic: base64. */
	CHECK(strstr(plain, "Content-Transfer-Encoding: 7bit") < html);
	CHECK(strstr(html, "Content-Transfer-Encoding: base64") != NULL);
	/* Non-ASCII Latin text: quoted-printable. */
	m.text = "Les travailleuses de la conserverie ont publié une déclaration commune sur "
	         "les salaires et les cadences.\n";
	m.text_n = strlen(m.text);
	buf_reset(&b);
	CHECK(mime_build(&m, &b) == 0);
	CHECK(strstr(b.p, "Content-Transfer-Encoding: quoted-printable") != NULL);
	buf_finish(&b);
}

TEST(boundary_is_deterministic)
{
	struct mime_mail m = sample();
	struct buf a = BUF_INIT, b = BUF_INIT;

	CHECK(mime_build(&m, &a) == 0 && mime_build(&m, &b) == 0);
	CHECK(a.n == b.n && memcmp(a.p, b.p, a.n) == 0);
	CHECK(strstr(a.p, "boundary=\"=_tz_") != NULL);
	buf_finish(&a);
	buf_finish(&b);
}

TEST(no_header_injection_through_any_field)
{
	static const char *const evil[] = {"x\r\nBcc: victim@example.org", "x\nBcc: v@e.org",
	                                   "x\rBcc: v@e.org", "x\x01y"};
	struct buf b = BUF_INIT;
	size_t i, f;

	for (i = 0; i < NELEM(evil); i++)
		for (f = 0; f < 12; f++) {
			struct mime_mail m = sample();
			const char **field[] = {&m.from_name,   &m.from_addr,    &m.reply_to,
			                        &m.to_name,     &m.to_addr,      &m.subject,
			                        &m.message_id,  &m.list_name,    &m.list_id,
			                        &m.unsub_https, &m.unsub_mailto, &m.language};
			*field[f] = evil[i];
			buf_reset(&b);
			CHECK(mime_build(&m, &b) != 0);
			CHECK(b.n == 0);
		}
	buf_finish(&b);
}

TEST(bad_text_is_refused)
{
	struct mime_mail m = sample();
	struct buf b = BUF_INIT;

	m.text = "\xff\xfe";
	m.text_n = 2;
	CHECK(mime_build(&m, &b) != 0);
	m = sample();
	m.to_addr = "a b@example.org";
	CHECK(mime_build(&m, &b) != 0);
	m = sample();
	m.subject = "";
	CHECK(mime_build(&m, &b) != 0);
	buf_finish(&b);
}

TESTS(T(list_mail_headers), T(headers_are_ascii_and_lines_crlf), T(parts_pick_their_encoding),
      T(boundary_is_deterministic), T(no_header_injection_through_any_field),
      T(bad_text_is_refused));
