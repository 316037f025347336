/*
 * Reading and writing CSV.  See csv.h.
 */
#include "mail/csv.h"

#include <string.h>

#include "util/log.h"

void csv_reader_init(struct csv_reader *r, FILE *f, size_t max_record)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->max_record = max_record;
	r->next_line = 1;
	buf_init(&r->rec);
}

void csv_reader_init_mem(struct csv_reader *r, const char *p, size_t n, size_t max_record)
{
	csv_reader_init(r, NULL, max_record);
	r->p = p;
	r->n = n;
}

void csv_reader_finish(struct csv_reader *r)
{
	buf_finish(&r->rec);
}

static int get(struct csv_reader *r)
{
	if (r->f)
		return getc(r->f);
	if (r->pos >= r->n)
		return EOF;
	return (unsigned char)r->p[r->pos++];
}

static int peek(struct csv_reader *r)
{
	int c;

	if (r->f) {
		c = getc(r->f);
		if (c != EOF)
			ungetc(c, r->f);
		return c;
	}
	return r->pos < r->n ? (unsigned char)r->p[r->pos] : EOF;
}

/* Throws away the rest of the physical line after an error. */
static void skip_line(struct csv_reader *r)
{
	int c;

	while ((c = get(r)) != EOF && c != '\n')
		;
	if (c == '\n')
		r->next_line++;
	else
		r->eof = true;
}

/* A spreadsheet would run a field starting with one of these. */
static bool formula(const char *s)
{
	return *s && strchr("=+-@\t\r", *s) != NULL;
}

static void strip_apostrophe(struct csv_reader *r, size_t start)
{
	char *f = r->rec.p + start;

	/* Undo csv_put_field()'s defusing: one apostrophe less before a formula character. */
	if (f[0] == '\'' && formula(f + strspn(f, "'")))
		memmove(f, f + 1, strlen(f));
}

int csv_next(struct csv_reader *r, const char **fields, size_t *nfields)
{
	size_t n, i, bytes;
	int c;

	for (;;) {
		if (r->eof)
			return 0;
		if (!r->bom_checked) {
			r->bom_checked = true;
			if (peek(r) == 0xef) {
				get(r);
				if (get(r) != 0xbb || get(r) != 0xbf) {
					r->line = 1;
					skip_line(r);
					return log_fail("line 1: not UTF-8 text");
				}
			}
		}
		c = peek(r);
		if (c == EOF) {
			r->eof = true;
			return 0;
		}
		if (c == '\n' || c == '\r') {
			/* A blank line. */
			get(r);
			if (c == '\r' && peek(r) == '\n')
				get(r);
			r->next_line++;
			continue;
		}
		break;
	}
	r->line = r->next_line;
	buf_reset(&r->rec);
	n = 0;
	bytes = 0;
	r->starts[n++] = 0;
	for (;;) {
		c = get(r);
		if (c != EOF && ++bytes > r->max_record) {
			skip_line(r);
			/* A quoted field may have swallowed more lines; the count is approximate.
			 */
			return log_fail("line %zu: longer than %zu bytes", r->line, r->max_record);
		}
		if (c == '"' && r->rec.n == r->starts[n - 1]) {
			/* A quoted field: up to the closing quote. */
			for (;;) {
				c = get(r);
				if (c != EOF && ++bytes > r->max_record) {
					skip_line(r);
					return log_fail("line %zu: longer than %zu bytes", r->line,
					                r->max_record);
				}
				if (c == EOF) {
					r->eof = true;
					return log_fail("line %zu: a quoted field is not closed",
					                r->line);
				}
				if (c == '\n')
					r->next_line++;
				if (c == '\0') {
					skip_line(r);
					return log_fail("line %zu: a NUL byte (not a text file?)",
					                r->line);
				}
				if (c == '"') {
					if (peek(r) == '"') {
						get(r);
						bytes++;
						buf_putc(&r->rec, '"');
						continue;
					}
					break;
				}
				buf_putc(&r->rec, c);
			}
			c = get(r);
			if (c != ',' && c != '\n' && c != '\r' && c != EOF) {
				skip_line(r);
				return log_fail("line %zu: text after a closing quote", r->line);
			}
		}
		if (c == '"') {
			skip_line(r);
			return log_fail(
			        "line %zu: a quote inside a field that does not start with one",
			        r->line);
		}
		if (c == ',' || c == '\n' || c == '\r' || c == EOF) {
			buf_putc(&r->rec, '\0');
			if (c == ',') {
				if (n == CSV_MAX_FIELDS) {
					skip_line(r);
					return log_fail("line %zu: more than %d fields", r->line,
					                CSV_MAX_FIELDS);
				}
				r->starts[n++] = r->rec.n;
				continue;
			}
			if (c == '\r' && peek(r) == '\n')
				get(r);
			if (c == '\r' || c == '\n')
				r->next_line++;
			if (c == EOF)
				r->eof = true;
			break;
		}
		if (c == '\0') {
			skip_line(r);
			return log_fail("line %zu: a NUL byte (not a text file?)", r->line);
		}
		buf_putc(&r->rec, c);
	}
	for (i = 0; i < n; i++) {
		strip_apostrophe(r, r->starts[i]);
		fields[i] = r->rec.p + r->starts[i];
	}
	*nfields = n;
	return 1;
}

void csv_put_field(struct buf *out, const char *s)
{
	/*
	 * A field that starts like a byte-order mark (byte EF) is quoted, or a
	 * reader would take it for the file's mark when it comes first.
	 */
	bool quote = strpbrk(s, ",\"\r\n") != NULL || (unsigned char)s[0] == 0xef;
	/* Apostrophes already there get one more, so that the reader's stripping round-trips. */
	bool defuse = formula(s + strspn(s, "'"));
	const char *p;

	if (!quote && !defuse) {
		buf_puts(out, s);
		return;
	}
	if (quote)
		buf_putc(out, '"');
	if (defuse)
		buf_putc(out, '\'');
	for (p = s; *p; p++) {
		if (*p == '"')
			buf_putc(out, '"');
		buf_putc(out, *p);
	}
	if (quote)
		buf_putc(out, '"');
}

void csv_put_record(struct buf *out, const char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		csv_put_field(out, fields[i]);
	}
	buf_puts(out, "\r\n");
}
