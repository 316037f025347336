/*
 * Subscribers as CSV: export, and import all-or-nothing.  See
 * subscriber.h.  Import reads the file twice over in one pass: each row is
 * checked and, if the file has been clean so far, written inside the one
 * transaction; the first bad row stops the writing (the transaction is
 * rolled back at the end) but not the checking, so that one run reports
 * every bad row with its line.
 */
#include "mail/subscriber.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/addr.h"
#include "mail/csv.h"
#include "mail/mail_int.h"
#include "mail/outbox.h"
#include "util/arena.h"
#include "util/log.h"

/* Bad rows reported one by one; beyond this, only counted. */
#define IMPORT_MAX_REPORTED 50

static int put_row(void *arg, const struct subscriber *sub)
{
	struct buf *b = arg;
	char created[32];
	const char *f[6];

	snprintf(created, sizeof(created), "%lld", (long long)sub->created);
	f[0] = sub->email;
	f[1] = sub->name;
	f[2] = sub->langs;
	f[3] = sub->lists;
	f[4] = sub_status_name(sub->status);
	f[5] = created;
	csv_put_record(b, f, 6);
	return 0;
}

enum store_status sub_export(struct store *s, const struct sub_filter *f, FILE *out)
{
	struct buf b = BUF_INIT;
	enum store_status rc;

	buf_puts(&b, SUB_CSV_HEADER "\r\n");
	rc = sub_each(s, f, put_row, &b);
	if (rc == STORE_OK && (fwrite(b.p, 1, b.n, out) != b.n || fflush(out) != 0)) {
		log_fail("cannot write the CSV");
		rc = STORE_ERROR;
	}
	buf_finish(&b);
	return rc;
}

enum column { COL_EMAIL, COL_NAME, COL_LANGS, COL_LISTS, COL_STATUS, COL_CREATED, NCOLS };

static const char *const column_names[NCOLS] = {"email", "name",   "languages",
                                                "lists", "status", "created"};

struct import {
	struct store *s;
	const struct config *cfg;
	const struct mailcfg *mc;
	const char *name;
	const struct sub_import_opts *o;
	struct sub_import_stats *st;
	unsigned char key[SUB_KEY_SIZE];
	int col[NCOLS]; /* field index of each column, -1 if absent */
	size_t ncols;   /* fields in the header */
	bool writing;   /* no error yet: rows still go into the transaction */
};

static void bad(struct import *im, size_t line, const char *why)
{
	if (im->st->errors < IMPORT_MAX_REPORTED)
		log_error("%s:%zu: %s", im->name, line, why);
	im->st->errors++;
	im->writing = false;
}

static int header(struct import *im, const char *const *f, size_t n, size_t line)
{
	size_t i, k;

	for (k = 0; k < NCOLS; k++)
		im->col[k] = -1;
	for (i = 0; i < n; i++) {
		for (k = 0; k < NCOLS; k++)
			if (strcasecmp(f[i], column_names[k]) == 0)
				break;
		if (k == NCOLS || im->col[k] >= 0) {
			char msg[160];
			snprintf(msg, sizeof(msg),
			         "%s column \"%.40s\" (the header names: " SUB_CSV_HEADER ")",
			         k == NCOLS ? "unknown" : "repeated", f[i]);
			bad(im, line, msg);
			return -1;
		}
		im->col[k] = (int)i;
	}
	im->ncols = n;
	if (im->col[COL_EMAIL] < 0) {
		bad(im, line, "the first line must name the columns, with an \"email\" column");
		return -1;
	}
	return 0;
}

static const char *field(const struct import *im, const char *const *f, size_t n, enum column c)
{
	int i = im->col[c];

	return i >= 0 && (size_t)i < n ? f[i] : "";
}

static void row(struct import *im, const char *const *f, size_t n, size_t line)
{
	struct addr ad;
	struct buf langs = BUF_INIT, lists = BUF_INIT;
	struct arena *a = NULL;
	struct subscriber old;
	struct sub_new nw = {0};
	const char *v;
	int status;
	int64_t id, created = 0;
	char msg[300];
	enum store_status rc;

	im->st->rows++;
	if (n > im->ncols) {
		/* Fields past the header's columns are data nobody named. */
		bad(im, line, "more fields than the header has columns");
		goto out;
	}
	v = field(im, f, n, COL_EMAIL);
	if (addr_parse(v, strlen(v), &ad) != 0) {
		snprintf(msg, sizeof(msg), "\"%.80s\": %s", v, log_reason());
		bad(im, line, msg);
		goto out;
	}
	v = field(im, f, n, COL_LANGS);
	if (*v ? sub_canon_langs(im->cfg, v, &langs)
	       : sub_canon_langs(im->cfg, im->o->langs ? im->o->langs : im->cfg->default_lang,
	                         &langs)) {
		snprintf(msg, sizeof(msg), "languages: %s", log_reason());
		bad(im, line, msg);
		goto out;
	}
	v = field(im, f, n, COL_LISTS);
	if (*v ? sub_canon_lists(im->mc, v, &lists)
	       : sub_canon_lists(im->mc, im->o->lists ? im->o->lists : im->mc->lists[0].id,
	                         &lists)) {
		snprintf(msg, sizeof(msg), "lists: %s", log_reason());
		bad(im, line, msg);
		goto out;
	}
	v = field(im, f, n, COL_STATUS);
	if (*v) {
		status = sub_status_parse(v);
		if (status < 0) {
			snprintf(msg, sizeof(msg),
			         "unknown status \"%.40s\" (pending, confirmed, bouncing)", v);
			bad(im, line, msg);
			goto out;
		}
	} else {
		status = im->o->confirmed ? SUB_CONFIRMED : SUB_PENDING;
	}
	v = field(im, f, n, COL_CREATED);
	if (*v) {
		char *end;
		long long t = strtoll(v, &end, 10);
		if (*end != '\0' || t <= 0) {
			if (model_parse_datetime(v, &created) != 0) {
				snprintf(msg, sizeof(msg), "created: \"%.40s\" is not a date", v);
				bad(im, line, msg);
				goto out;
			}
		} else {
			created = t;
		}
	}
	nw.addr = &ad;
	nw.name = field(im, f, n, COL_NAME);
	nw.langs = buf_cstr(&langs);
	nw.lists = buf_cstr(&lists);
	nw.status = (enum sub_status)status;
	nw.created = created;
	if (strlen(nw.name) > 200 || strpbrk(nw.name, "\r\n\t") != NULL) {
		bad(im, line, "the name is longer than 200 bytes or holds a line break");
		goto out;
	}
	a = arena_new(0);
	rc = sub_find(im->s, a, &ad, &old);
	if (rc == STORE_OK) {
		im->st->existing++;
		goto out;
	}
	if (rc != STORE_NOT_FOUND) {
		bad(im, line, log_reason());
		goto out;
	}
	if (!im->o->force && sub_suppressed(im->s, im->key, &ad)) {
		im->st->suppressed++;
		goto out;
	}
	if (!im->writing || im->o->dry_run) {
		im->st->added++;
		goto out;
	}
	if ((rc = sub_add(im->s, &nw, &id)) == STORE_EXISTS) {
		/* The same address twice in the file. */
		im->st->existing++;
		goto out;
	}
	if (rc != STORE_OK) {
		bad(im, line, log_reason());
		goto out;
	}
	im->st->added++;
	if (status == SUB_PENDING) {
		im->st->pending_added++;
		if (sub_mail_allowed(im->s, id, store_now()) &&
		    outbox_add(im->s, id, OUTBOX_CONFIRM) != STORE_OK)
			bad(im, line, log_reason());
	}
out:
	arena_free(a);
	buf_finish(&langs);
	buf_finish(&lists);
}

int sub_import(struct store *s, const struct config *cfg, const struct mailcfg *mc, FILE *in,
               const char *name, const struct sub_import_opts *o, struct sub_import_stats *st)
{
	struct import im = {s, cfg, mc, name, o, st, {0}, {0}, 0, true};
	struct csv_reader r;
	const char *f[CSV_MAX_FIELDS];
	size_t n;
	bool have_header = false;
	int got, rc = -1;

	memset(st, 0, sizeof(*st));
	if (sub_secret(s, im.key) != 0)
		return -1;
	if (store_begin(s) != STORE_OK)
		return -1;
	csv_reader_init(&r, in, SUB_CSV_MAX_RECORD);
	while ((got = csv_next(&r, f, &n)) != 0) {
		if (got < 0) {
			/* The reader's reason reads "line N: ...": keep its form. */
			if (st->errors < IMPORT_MAX_REPORTED)
				log_error("%s:%s", name, log_reason() + 5);
			st->errors++;
			im.writing = false;
			if (!have_header)
				break;
			continue;
		}
		if (!have_header) {
			have_header = true;
			if (header(&im, f, n, r.line) != 0)
				break;
			continue;
		}
		row(&im, f, n, r.line);
	}
	csv_reader_finish(&r);
	if (ferror(in)) {
		log_fail("%s: read error", name);
		store_rollback(s);
		return -1;
	}
	if (!have_header && st->errors == 0) {
		log_fail("%s: empty file (the first line names the columns: " SUB_CSV_HEADER ")",
		         name);
		store_rollback(s);
		return -1;
	}
	if (st->errors) {
		store_rollback(s);
		log_fail("%s: %zu bad row%s; nothing was imported", name, st->errors,
		         st->errors == 1 ? "" : "s");
		st->added = 0;
		st->pending_added = 0;
		return -1;
	}
	if (o->dry_run) {
		store_rollback(s);
		return 0;
	}
	if (store_commit(s) != STORE_OK)
		return -1;
	rc = 0;
	return rc;
}
