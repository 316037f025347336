/*
 * Building mail messages with GMime.  See mime.h.
 *
 * GMime is loaded when the first mail is built, not when the program
 * starts: with GLib, GObject, GIO, gpgme, libmount and the rest it is a
 * dozen libraries whose loading and relocation every command -- an
 * incremental publish included -- paid for.  Its functions are called
 * through the table gm, filled by dlsyms_load().
 */
#include "mail/mime.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "text/utf8.h"
#include "util/dlsyms.h"
#include "util/log.h"
#include "util/util.h"

/* Debian 12's libgmime-3.0-0; GLib and GObject come with it. */
#define GMIME_SONAME "libgmime-3.0.so.0"

#define GMIME_FUNCS(X)                              \
	X(g_mime_init)                              \
	X(g_mime_format_options_new)                \
	X(g_mime_format_options_set_newline_format) \
	X(g_mime_header_list_get_header)            \
	X(g_mime_header_list_set)                   \
	X(g_mime_header_set_raw_value)              \
	X(g_mime_message_get_addresses)             \
	X(g_mime_message_get_from)                  \
	X(g_mime_message_get_reply_to)              \
	X(g_mime_message_new)                       \
	X(g_mime_message_set_date)                  \
	X(g_mime_message_set_message_id)            \
	X(g_mime_message_set_mime_part)             \
	X(g_mime_message_set_subject)               \
	X(g_mime_multipart_add)                     \
	X(g_mime_multipart_new_with_subtype)        \
	X(g_mime_multipart_set_boundary)            \
	X(g_mime_object_get_header_list)            \
	X(g_mime_object_set_content_type_parameter) \
	X(g_mime_object_set_header)                 \
	X(g_mime_object_write_to_stream)            \
	X(g_mime_part_set_content)                  \
	X(g_mime_part_set_content_encoding)         \
	X(g_mime_stream_mem_get_byte_array)         \
	X(g_mime_stream_mem_new)                    \
	X(g_mime_stream_mem_new_with_buffer)        \
	X(g_mime_text_part_new_with_subtype)        \
	X(g_mime_utils_header_encode_phrase)        \
	X(g_mime_data_wrapper_new_with_stream)      \
	X(internet_address_list_add)                \
	X(internet_address_mailbox_new)             \
	X(internet_address_set_charset)             \
	X(g_object_unref)                           \
	X(g_free)                                   \
	X(g_date_time_new_from_unix_utc)            \
	X(g_date_time_unref)

static struct {
#define X(f) __typeof__(f) *f;
	GMIME_FUNCS(X)
#undef X
} gm;

/* RFC 5322 2.1.1: lines of at most 78 characters are what readers expect. */
#define MIME_LINE 78
/* More non-ASCII than this share of the bytes: base64 is shorter than quoted-printable. */
#define MIME_B64_SHARE 6

static pthread_once_t once = PTHREAD_ONCE_INIT;
static GMimeFormatOptions *format;
static int loaded = -1;
static char why[256];

static void init(void)
{
#define X(f) {(void **)&gm.f, #f},
	static const struct dlsym_entry syms[] = {GMIME_FUNCS(X)};
#undef X

	if (dlsyms_load(GMIME_SONAME, "libgmime-3.0-0", syms, NELEM(syms), why, sizeof(why)) != 0)
		return;
	gm.g_mime_init();
	format = gm.g_mime_format_options_new();
	gm.g_mime_format_options_set_newline_format(format, GMIME_NEWLINE_FORMAT_DOS);
	loaded = 0;
}

int mime_init(void)
{
	pthread_once(&once, init);
	if (loaded != 0)
		return log_fail("%s", why);
	return 0;
}

/* One line of UTF-8 text without control characters. */
static int check(const char *what, const char *v, bool required)
{
	const unsigned char *p;

	if (v == NULL || *v == '\0')
		return required ? log_fail("mail: no %s", what) : 0;
	for (p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return log_fail("mail: the %s holds a line break or a control character",
			                what);
	if (!utf8_valid(v, strlen(v)))
		return log_fail("mail: the %s is not UTF-8", what);
	return 0;
}

/* An address: printable ASCII only (domains are A-labels by now), no spaces or brackets. */
static int check_addr(const char *what, const char *v, bool required)
{
	const unsigned char *p;

	if (v == NULL || *v == '\0')
		return required ? log_fail("mail: no %s", what) : 0;
	for (p = (const unsigned char *)v; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>' || *p == ',')
			if (!(*p == ' ' && v[0] == '"'))
				return log_fail("mail: the %s is not a plain address", what);
	return 0;
}

static void add_mailbox(InternetAddressList *list, const char *name, const char *addr)
{
	InternetAddress *ia = gm.internet_address_mailbox_new(name && *name ? name : NULL, addr);

	/* UTF-8 always: GMime would otherwise pick the "best" legacy charset (KOI8-R...). */
	gm.internet_address_set_charset(ia, "utf-8");
	gm.internet_address_list_add(list, ia);
	gm.g_object_unref(ia);
}

/*
 * Sets a header whose value we fold ourselves: GMime would treat an
 * unknown header as free text and encode a long URL as encoded-words,
 * which breaks List-Unsubscribe.  parts are ASCII, joined by sep and
 * folded between parts.
 */
static void set_raw(GMimeObject *obj, const char *name, const char *const *parts, size_t n,
                    const char *sep)
{
	GMimeHeaderList *hl = gm.g_mime_object_get_header_list(obj);
	struct buf raw = BUF_INIT;
	size_t col = strlen(name) + 1, i;
	GMimeHeader *h;

	for (i = 0; i < n; i++) {
		size_t len = strlen(parts[i]);
		if (i) {
			buf_puts(&raw, sep);
			col += strlen(sep);
		}
		if (i && col + 1 + len > MIME_LINE) {
			buf_putc(&raw, '\n');
			col = 0;
		}
		buf_putc(&raw, ' ');
		buf_puts(&raw, parts[i]);
		col += 1 + len;
	}
	buf_putc(&raw, '\n');
	/* Set a placeholder (creates the header in order), then its raw form. */
	gm.g_mime_header_list_set(hl, name, "x", NULL);
	h = gm.g_mime_header_list_get_header(hl, name);
	gm.g_mime_header_set_raw_value(h, buf_cstr(&raw));
	buf_finish(&raw);
}

/* "<s>"; the caller frees it. */
static char *angled(const char *s)
{
	size_t n = strlen(s);
	char *p = xmalloc(n + 3);

	p[0] = '<';
	memcpy(p + 1, s, n);
	memcpy(p + 1 + n, ">", 2);
	return p;
}

static GMimeObject *text_part(const char *subtype, const char *s, size_t n)
{
	GMimePart *part = (GMimePart *)gm.g_mime_text_part_new_with_subtype(subtype);
	GMimeStream *stream = gm.g_mime_stream_mem_new_with_buffer(s, n);
	GMimeDataWrapper *dw =
	        gm.g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT);
	size_t i, high = 0, line = 0, longest = 0;
	GMimeContentEncoding enc;

	for (i = 0; i < n; i++) {
		high += (unsigned char)s[i] >= 0x80;
		if (s[i] == '\n') {
			longest = MAX(longest, line);
			line = 0;
		} else {
			line++;
		}
	}
	longest = MAX(longest, line);
	if (high == 0 && longest <= MIME_LINE && memchr(s, '\r', n) == NULL)
		enc = GMIME_CONTENT_ENCODING_7BIT;
	else if (high * MIME_B64_SHARE > n)
		enc = GMIME_CONTENT_ENCODING_BASE64;
	else
		enc = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	gm.g_mime_part_set_content(part, dw);
	gm.g_mime_object_set_content_type_parameter((GMimeObject *)part, "charset", "utf-8");
	gm.g_mime_part_set_content_encoding(part, enc);
	gm.g_object_unref(dw);
	gm.g_object_unref(stream);
	return (GMimeObject *)part;
}

static void make_boundary(const char *seed, char out[64])
{
	unsigned char h[12];
	size_t i;

	crypto_generichash(h, sizeof(h), (const unsigned char *)seed, strlen(seed), NULL, 0);
	/* "=_" cannot occur in quoted-printable or base64 text: no collision with a body. */
	memcpy(out, "=_tz_", 5);
	for (i = 0; i < sizeof(h); i++)
		snprintf(out + 5 + 2 * i, 3, "%02x", h[i]);
}

int mime_build(const struct mime_mail *m, struct buf *out)
{
	GMimeMessage *msg;
	GMimeMultipart *alt;
	GMimeObject *part;
	GMimeStream *stream;
	GByteArray *bytes;
	GDateTime *date;
	char boundary[64];
	const char *parts[2];
	size_t n = 0;

	if (mime_init() != 0)
		return -1;
	if (check("sender name", m->from_name, false) || check_addr("sender", m->from_addr, true) ||
	    check_addr("reply-to address", m->reply_to, false) ||
	    check("recipient name", m->to_name, false) ||
	    check_addr("recipient", m->to_addr, true) || check("subject", m->subject, true) ||
	    check_addr("message id", m->message_id, true) ||
	    check("list name", m->list_name, false) || check_addr("list id", m->list_id, false) ||
	    check_addr("unsubscribe URL", m->unsub_https, false) ||
	    check_addr("unsubscribe address", m->unsub_mailto, false) ||
	    check("language", m->language, false) || check("boundary", m->boundary, false))
		return -1;
	if (!utf8_valid(m->text, m->text_n) || !utf8_valid(m->html, m->html_n))
		return log_fail("mail: the text is not UTF-8");

	msg = gm.g_mime_message_new(TRUE);
	add_mailbox(gm.g_mime_message_get_from(msg), m->from_name, m->from_addr);
	if (m->reply_to && *m->reply_to)
		add_mailbox(gm.g_mime_message_get_reply_to(msg), NULL, m->reply_to);
	add_mailbox(gm.g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO), m->to_name,
	            m->to_addr);
	gm.g_mime_message_set_subject(msg, m->subject, "utf-8");
	date = gm.g_date_time_new_from_unix_utc(m->date);
	gm.g_mime_message_set_date(msg, date);
	gm.g_date_time_unref(date);
	gm.g_mime_message_set_message_id(msg, m->message_id);
	if (m->list_id && *m->list_id) {
		char *phrase = NULL, *idpart;
		if (m->list_name && *m->list_name)
			phrase =
			        gm.g_mime_utils_header_encode_phrase(format, m->list_name, "utf-8");
		idpart = angled(m->list_id);
		parts[0] = phrase ? phrase : idpart;
		parts[1] = idpart;
		set_raw((GMimeObject *)msg, "List-Id", parts, phrase ? 2 : 1, "");
		gm.g_free(phrase);
		free(idpart);
	}
	if (m->unsub_https && *m->unsub_https) {
		char *a = angled(m->unsub_https), *b = NULL;
		parts[n++] = a;
		if (m->unsub_mailto && *m->unsub_mailto)
			parts[n++] = b = angled(m->unsub_mailto);
		set_raw((GMimeObject *)msg, "List-Unsubscribe", parts, n, ",");
		/* RFC 8058: the HTTPS URI takes a POST with this body, no confirmation page. */
		gm.g_mime_object_set_header((GMimeObject *)msg, "List-Unsubscribe-Post",
		                            "List-Unsubscribe=One-Click", NULL);
		free(a);
		free(b);
	} else if (m->unsub_mailto && *m->unsub_mailto) {
		char *b = angled(m->unsub_mailto);
		parts[0] = b;
		set_raw((GMimeObject *)msg, "List-Unsubscribe", parts, 1, ",");
		free(b);
	}
	if (m->language && *m->language)
		gm.g_mime_object_set_header((GMimeObject *)msg, "Content-Language", m->language,
		                            NULL);
	if (m->auto_submitted)
		gm.g_mime_object_set_header((GMimeObject *)msg, "Auto-Submitted", "auto-generated",
		                            NULL);

	alt = gm.g_mime_multipart_new_with_subtype("alternative");
	if (m->boundary && *m->boundary)
		snprintf(boundary, sizeof(boundary), "%s", m->boundary);
	else
		make_boundary(m->message_id, boundary);
	gm.g_mime_multipart_set_boundary(alt, boundary);
	/* Plain text first: RFC 2046 puts the richest alternative last. */
	part = text_part("plain", m->text, m->text_n);
	gm.g_mime_multipart_add(alt, part);
	gm.g_object_unref(part);
	part = text_part("html", m->html, m->html_n);
	gm.g_mime_multipart_add(alt, part);
	gm.g_object_unref(part);
	gm.g_mime_message_set_mime_part(msg, (GMimeObject *)alt);
	gm.g_object_unref(alt);

	stream = gm.g_mime_stream_mem_new();
	gm.g_mime_object_write_to_stream((GMimeObject *)msg, format, stream);
	bytes = gm.g_mime_stream_mem_get_byte_array((GMimeStreamMem *)stream);
	buf_put(out, bytes->data, bytes->len);
	gm.g_object_unref(stream);
	gm.g_object_unref(msg);
	return 0;
}
