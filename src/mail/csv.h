/*
 * CSV as RFC 4180 writes it, read a record at a time from a stream:
 * fields separated by commas, records by CRLF or LF, double quotes around
 * fields that hold a comma, a quote or a line break, quotes inside doubled.
 * A UTF-8 byte order mark at the start is skipped (spreadsheets write one).
 *
 * A record longer than the reader's limit is an error naming its line, as
 * is a stray quote or a quoted field left open at the end of the file; the
 * reader never holds more than one record.  Line numbers count physical
 * lines, so a record with a quoted line break spans two.
 *
 * The writer quotes what needs quoting and defuses spreadsheet formulas: a
 * field starting with = + - @ (or a tab or CR) gets a leading apostrophe,
 * which the reader strips again before those characters, so export and
 * import round-trip.
 */
#ifndef TZ_CSV_H
#define TZ_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"

/* Fields in one record: a subscriber has six; more is a wrong file. */
#define CSV_MAX_FIELDS 64

struct csv_reader {
	/* The input: a stream, or a buffer (f NULL). */
	FILE *f;
	const char *p;
	size_t n, pos;
	size_t max_record; /* bytes of one record, quotes included */
	size_t line;       /* physical line where the current record starts (1-based) */
	size_t next_line;
	struct buf rec; /* the current record's field text, NUL-separated */
	size_t starts[CSV_MAX_FIELDS];
	bool bom_checked;
	bool eof;
};

/* Reads from f (borrowed).  max_record: the longest record accepted. */
void csv_reader_init(struct csv_reader *r, FILE *f, size_t max_record);
/* Reads from n bytes at p (borrowed). */
void csv_reader_init_mem(struct csv_reader *r, const char *p, size_t n, size_t max_record);
void csv_reader_finish(struct csv_reader *r);

/*
 * Reads the next record.  Returns 1 with fields[0..*nfields) pointing into
 * the reader (valid until the next call), 0 at the end, or -1 with the
 * reason recorded ("line 12: ...").  Blank lines are skipped.  After an
 * error the reader skips to the next line and may go on, so that a caller
 * can report every bad record.
 */
int csv_next(struct csv_reader *r, const char **fields, size_t *nfields);

/* Appends one field, quoted if it needs to be, formulas defused. */
void csv_put_field(struct buf *out, const char *s);
/* Appends a record: fields separated by commas, ended by CRLF. */
void csv_put_record(struct buf *out, const char *const *fields, size_t n);

#endif
