/*
 * Tests for src/mail/csv.c: RFC 4180 records, errors with their lines,
 * the record limit, and the writer round-tripping through the reader.
 */
#include "test.h"

#include "mail/csv.h"
#include "util/buf.h"
#include "util/log.h"

static int next(struct csv_reader *r, const char **f, size_t *n)
{
	return csv_next(r, f, n);
}

TEST(records_and_quotes)
{
	const char *in = "\xef\xbb\xbf"
	                 "email,name\r\n"
	                 "a@x.org,\"Doe, Jane\"\r\n"
	                 "\n"
	                 "b@x.org,\"say \"\"hi\"\"\"\n"
	                 "c@x.org,\"two\nlines\"\n"
	                 "d@x.org,";
	struct csv_reader r;
	const char *f[CSV_MAX_FIELDS];
	size_t n;

	csv_reader_init_mem(&r, in, strlen(in), 1000);
	CHECK(next(&r, f, &n) == 1 && n == 2);
	CHECK_STREQ(f[0], "email");
	CHECK(r.line == 1);
	CHECK(next(&r, f, &n) == 1 && n == 2);
	CHECK_STREQ(f[1], "Doe, Jane");
	CHECK(next(&r, f, &n) == 1);
	CHECK_STREQ(f[1], "say \"hi\"");
	CHECK(r.line == 4);
	CHECK(next(&r, f, &n) == 1);
	CHECK_STREQ(f[1], "two\nlines");
	CHECK(r.line == 5);
	CHECK(next(&r, f, &n) == 1 && n == 2);
	CHECK_STREQ(f[0], "d@x.org");
	CHECK_STREQ(f[1], "");
	CHECK(r.line == 7);
	CHECK(next(&r, f, &n) == 0);
	csv_reader_finish(&r);
}

TEST(errors_name_their_line_and_reading_goes_on)
{
	const char *in = "a,b\n"
	                 "x\"y,z\n"    /* stray quote */
	                 "\"ab\"c,d\n" /* text after the closing quote */
	                 "ok,1\n"
	                 "\"never closed,2\n";
	struct csv_reader r;
	const char *f[CSV_MAX_FIELDS];
	size_t n;

	csv_reader_init_mem(&r, in, strlen(in), 1000);
	CHECK(next(&r, f, &n) == 1);
	CHECK(next(&r, f, &n) == -1);
	CHECK(strstr(log_reason(), "line 2:") != NULL);
	CHECK(next(&r, f, &n) == -1);
	CHECK(strstr(log_reason(), "line 3:") != NULL);
	CHECK(next(&r, f, &n) == 1);
	CHECK_STREQ(f[0], "ok");
	CHECK(r.line == 4);
	CHECK(next(&r, f, &n) == -1);
	CHECK(strstr(log_reason(), "line 5:") != NULL);
	CHECK(strstr(log_reason(), "not closed") != NULL);
	CHECK(next(&r, f, &n) == 0);
	csv_reader_finish(&r);
}

TEST(oversized_records_are_refused)
{
	struct buf in = BUF_INIT;
	struct csv_reader r;
	const char *f[CSV_MAX_FIELDS];
	size_t n, i;

	buf_puts(&in, "a,b\n");
	for (i = 0; i < 5000; i++)
		buf_putc(&in, 'x');
	buf_puts(&in, "\nshort,line\n\"");
	for (i = 0; i < 5000; i++)
		buf_putc(&in, 'y');
	buf_puts(&in, "\"\nlast,one\n");
	csv_reader_init_mem(&r, in.p, in.n, 4096);
	CHECK(next(&r, f, &n) == 1);
	CHECK(next(&r, f, &n) == -1);
	CHECK(strstr(log_reason(), "line 2: longer than 4096") != NULL);
	CHECK(next(&r, f, &n) == 1);
	CHECK_STREQ(f[0], "short");
	CHECK(next(&r, f, &n) == -1);
	CHECK(strstr(log_reason(), "line 4:") != NULL);
	/* The rest of the physical line is skipped; reading goes on. */
	while (next(&r, f, &n) != 0)
		;
	csv_reader_finish(&r);
	buf_finish(&in);
}

TEST(too_many_fields_and_nul_bytes)
{
	struct buf in = BUF_INIT;
	struct csv_reader r;
	const char *f[CSV_MAX_FIELDS];
	size_t n, i;

	for (i = 0; i < CSV_MAX_FIELDS + 1; i++)
		buf_puts(&in, "x,");
	buf_puts(&in, "\nok\n");
	buf_put(&in, "a\0b\n", 4);
	csv_reader_init_mem(&r, in.p, in.n, 100000);
	CHECK(next(&r, f, &n) == -1);
	CHECK(strstr(log_reason(), "fields") != NULL);
	CHECK(next(&r, f, &n) == 1 && n == 1);
	CHECK(next(&r, f, &n) == -1);
	CHECK(strstr(log_reason(), "NUL") != NULL);
	csv_reader_finish(&r);
	buf_finish(&in);
}

TEST(writer_round_trips_and_defuses_formulas)
{
	static const char *const fields[] = {
	        "plain",
	        "with,comma",
	        "with \"quotes\"",
	        "two\r\nlines",
	        "=HYPERLINK(\"x\")",
	        "+1",
	        "-2",
	        "@sum",
	        "'=already",
	        "''-twice",
	        "'plain",
	        "",
	        "юникод",
	};
	struct buf out = BUF_INIT;
	struct csv_reader r;
	const char *f[CSV_MAX_FIELDS];
	size_t n, i;

	csv_put_record(&out, fields, NELEM(fields));
	CHECK(strstr(out.p, ",'=HYPERLINK") != NULL || strstr(out.p, ",\"'=HYPERLINK") != NULL);
	CHECK(strstr(out.p, ",'+1,") != NULL);
	csv_reader_init_mem(&r, out.p, out.n, 10000);
	CHECK(next(&r, f, &n) == 1);
	CHECK(n == NELEM(fields));
	for (i = 0; i < n; i++)
		CHECK_STREQ(f[i], fields[i]);
	csv_reader_finish(&r);
	buf_finish(&out);
}

TESTS(T(records_and_quotes), T(errors_name_their_line_and_reading_goes_on),
      T(oversized_records_are_refused), T(too_many_fields_and_nul_bytes),
      T(writer_round_trips_and_defuses_formulas));
