/*
 * tamizdat newsletter compose|preview|send|status: issues of the
 * newsletter.  The work is in mail/newsletter.h; this file reads options
 * and prints.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail/addr.h"
#include "mail/mailcfg.h"
#include "mail/newsletter.h"
#include "mail/outbox.h"
#include "mail/subscriber.h"
#include "util/arena.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/progress.h"

/* Articles named with --article: an urgent statement, a handful at most. */
#define MAX_ARTICLES 100

static const char usage[] =
        "tamizdat newsletter compose [--list L] [--since DATE] [--article ID]...\n"
        "       tamizdat newsletter preview [--issue N] [--lang L[,L...]] [--ui LANG]\n"
        "                                   [--to EMAIL] [--out DIR]\n"
        "       tamizdat newsletter send [--issue N] [--no-wait] [--limit N]\n"
        "       tamizdat newsletter status [--issue N] [--watch]\n"
        "\n"
        "compose makes an issue of a list (default: the first in [newsletter] lists)\n"
        "from the articles published since the list's last issue (or --since DATE;\n"
        "the first issue looks back a week), or from the --article IDs given.\n"
        "Each reader gets the articles in the languages they chose, translations\n"
        "side by side.\n"
        "\n"
        "preview writes DIR/issue-N.eml (the message) and DIR/issue-N.html (its\n"
        "HTML part) for a reader of the given languages.\n"
        "\n"
        "send sends an issue (default: the newest) to its list's confirmed readers\n"
        "through [smtp] (TAMIZDAT_SMTP_URL overrides the server).  It can be\n"
        "stopped at any moment and run again: each reader gets one copy, except\n"
        "that messages in flight when it was killed may arrive twice.  Temporary\n"
        "failures are retried with backoff; send waits for the retries unless\n"
        "--no-wait.  It also sends waiting confirmation mails.\n"
        "\n"
        "status shows each issue's queue: queued, sent, failed, bounced, skipped.\n";

static const char *when(struct arena *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0)
		return "-";
	gmtime_r(&tt, &tm);
	return arena_printf(a, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	                    tm.tm_mday, tm.tm_hour, tm.tm_min);
}

static int do_compose(struct nl_ctx *c, const char *list, int64_t since, const int64_t *ids,
                      size_t nids)
{
	struct arena *a = arena_new(0);
	struct nl_issue is;
	int64_t issue;
	int rc = EXIT_FAIL;

	if (nl_compose(c, list, since, ids, nids, &issue) != 0 ||
	    nl_issue_get(c->store, a, issue, &is) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	if (!cli.quiet)
		printf("issue %lld of %s: %zu articles\n", (long long)is.id, is.list, is.narticles);
	rc = EXIT_OK;
out:
	arena_free(a);
	return rc;
}

static int do_preview(struct site *site, struct nl_ctx *c, int64_t issue, const char *langs_opt,
                      const char *ui, const char *to, const char *dir)
{
	struct nl_digest *d = NULL;
	struct subscriber sub = {0};
	struct buf langs = BUF_INIT, eml = BUF_INIT, html = BUF_INIT, path = BUF_INIT;
	struct addr ad;
	struct arena *a = arena_new(0);
	struct nl_issue is;
	int got, rc = EXIT_FAIL;

	if (nl_issue_get(c->store, a, issue, &is) != STORE_OK ||
	    sub_canon_langs(&site->cfg, langs_opt ? langs_opt : site->cfg.default_lang, &langs) !=
	            0 ||
	    addr_parse(to, strlen(to), &ad) != 0) {
		cli_fail_reason();
		goto out;
	}
	if ((d = nl_digest_load(c, is.id)) == NULL) {
		cli_fail_reason();
		goto out;
	}
	sub.id = 1;
	sub.addr = sub.email = to;
	sub.domain = ad.domain;
	sub.name = "";
	sub.langs = buf_cstr(&langs);
	sub.lists = is.list;
	sub.ui_lang = ui ? ui : sub.langs;
	if (ui == NULL) {
		/* The first of the languages. */
		sub.ui_lang = arena_strndup(a, sub.langs, strcspn(sub.langs, ","));
	}
	sub.status = SUB_CONFIRMED;
	got = nl_digest_message(d, &sub, &eml);
	if (got > 0)
		got = nl_digest_html(d, &sub, &html);
	if (got < 0) {
		cli_fail_reason();
		goto out;
	}
	if (got == 0) {
		cli_fail("issue %lld has nothing in %s", (long long)is.id, sub.langs);
		goto out;
	}
	if (fs_mkdirs(dir) != 0) {
		cli_fail_reason();
		goto out;
	}
	buf_printf(&path, "%s/issue-%lld.eml", dir, (long long)is.id);
	if (fs_write_atomic(buf_cstr(&path), eml.p, eml.n, 0) == FS_WRITE_ERROR) {
		cli_fail_reason();
		goto out;
	}
	if (!cli.quiet)
		printf("%s\n", buf_cstr(&path));
	buf_reset(&path);
	buf_printf(&path, "%s/issue-%lld.html", dir, (long long)is.id);
	if (fs_write_atomic(buf_cstr(&path), html.p, html.n, 0) == FS_WRITE_ERROR) {
		cli_fail_reason();
		goto out;
	}
	if (!cli.quiet)
		printf("%s\n", buf_cstr(&path));
	rc = EXIT_OK;
out:
	nl_digest_free(d);
	buf_finish(&langs);
	buf_finish(&eml);
	buf_finish(&html);
	buf_finish(&path);
	arena_free(a);
	return rc;
}

static int do_send(struct site *site, struct nl_ctx *c, int64_t issue, bool no_wait, size_t limit)
{
	struct nl_send_opts o = {.no_wait = no_wait, .progress = !cli.quiet, .limit = limit};
	struct nl_send_stats st;
	struct nl_status qs;
	size_t sent = 0;
	int rc;

	/* Confirmation mails first: they are few and someone is waiting for them. */
	if (outbox_flush(c, &sent, NULL) != 0)
		log_warn("confirmation mails: %s", log_reason());
	rc = nl_send(c, site->dir, issue, &o, &st);
	if (st.resent)
		log_info("%zu messages were in flight when the last send stopped; sent again (they "
		         "may arrive twice)",
		         st.resent);
	if (!cli.quiet) {
		double rate = st.seconds > 0 ? (double)st.sent / st.seconds : 0;
		log_info("sent %zu, bounced %zu, failed %zu, skipped %zu, temporary failures %zu "
		         "in %.1f s (%.0f messages/s)",
		         st.sent, st.bounced, st.failed, st.skipped, st.tempfail, st.seconds, rate);
	}
	if (rc != 0)
		return cli_fail_reason();
	if (!cli.quiet && no_wait) {
		struct arena *a = arena_new(0);
		struct nl_issue is;
		if (nl_issue_get(c->store, a, issue, &is) == STORE_OK &&
		    nl_queue_status(c->store, is.id, &qs) == STORE_OK && qs.n[NLQ_QUEUED])
			log_info("%zu messages wait for a retry; run newsletter send again later",
			         qs.n[NLQ_QUEUED]);
		arena_free(a);
	}
	return EXIT_OK;
}

static void print_status(struct arena *a, const struct nl_issue *is, const struct nl_status *q)
{
	printf("issue %lld\t%s\tcomposed %s\t%zu articles\t", (long long)is->id, is->list,
	       when(a, is->created), is->narticles);
	if (!is->queued) {
		printf("not sent\n");
		return;
	}
	printf("%s\tqueued %zu\tsending %zu\tsent %zu\tfailed %zu\tbounced %zu\tskipped %zu",
	       is->finished ? "done" : "sending", q->n[NLQ_QUEUED], q->n[NLQ_SENDING],
	       q->n[NLQ_SENT], q->n[NLQ_FAILED], q->n[NLQ_BOUNCED], q->n[NLQ_SKIPPED]);
	if (q->retrying)
		printf("\t(%zu waiting for a retry)", q->retrying);
	printf("\n");
}

static int do_status(struct nl_ctx *c, int64_t issue, bool watch)
{
	struct arena *a = arena_new(0);
	struct nl_issue *v, one;
	struct nl_status q;
	size_t n, i;
	int rc = EXIT_FAIL;

	if (issue || watch) {
		struct progress p;
		int settled = 0;
		if (nl_issue_get(c->store, a, issue, &one) != STORE_OK) {
			cli_fail_reason();
			goto out;
		}
		if (watch) {
			/* A bar that follows a send running elsewhere, until the queue is settled.
			 */
			progress_init(&p, "sending", 0);
			for (;;) {
				if (nl_queue_status(c->store, one.id, &q) != STORE_OK) {
					cli_fail_reason();
					goto out;
				}
				progress_set_total(&p, q.total);
				p.done = 0;
				progress_step(&p, q.total - q.n[NLQ_QUEUED] - q.n[NLQ_SENDING]);
				/*
				 * Settled: the sender marks the issue finished
				 * just after; wait for that (a few polls at most,
				 * in case the sender was killed in between).
				 */
				if (q.total && q.n[NLQ_QUEUED] + q.n[NLQ_SENDING] == 0) {
					if (nl_issue_get(c->store, a, one.id, &one) != STORE_OK ||
					    one.finished || ++settled >= 3)
						break;
				}
				sleep(1);
			}
			progress_finish(&p);
			nl_issue_get(c->store, a, one.id, &one);
		}
		if (nl_queue_status(c->store, one.id, &q) != STORE_OK) {
			cli_fail_reason();
			goto out;
		}
		print_status(a, &one, &q);
		rc = EXIT_OK;
		goto out;
	}
	if (nl_issue_list(c->store, a, &v, &n) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (nl_queue_status(c->store, v[i].id, &q) != STORE_OK) {
			cli_fail_reason();
			goto out;
		}
		print_status(a, &v[i], &q);
	}
	rc = EXIT_OK;
out:
	arena_free(a);
	return rc;
}

int cmd_newsletter(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"list", required_argument, NULL, 'L'},
	        {"since", required_argument, NULL, 's'},
	        {"article", required_argument, NULL, 'a'},
	        {"issue", required_argument, NULL, 'i'},
	        {"lang", required_argument, NULL, 'l'},
	        {"ui", required_argument, NULL, 'u'},
	        {"to", required_argument, NULL, 't'},
	        {"out", required_argument, NULL, 'o'},
	        {"no-wait", no_argument, NULL, 'n'},
	        {"limit", required_argument, NULL, 'm'},
	        {"watch", no_argument, NULL, 'w'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *list = NULL, *langs = NULL, *ui = NULL, *to = "reader@example.org", *dir = ".";
	int64_t since = -1, issue = 0, ids[MAX_ARTICLES];
	size_t nids = 0, limit = 0;
	bool no_wait = false, watch = false;
	const char *verb;
	struct site site;
	struct nl_ctx c;
	int ch, rc = EXIT_FAIL;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			printf("usage: %s", usage);
			return EXIT_OK;
		}
		return cli_usage(usage);
	}
	verb = argv[1];
	argc--;
	argv++;
	while ((ch = cli_getopt(argc, argv, "L:s:a:i:l:u:t:o:nm:wh", opts, usage)) != -1) {
		switch (ch) {
		case 'L':
			list = optarg;
			break;
		case 's':
			if (model_parse_datetime(optarg, &since) != 0)
				return cli_fail("--since: \"%s\" is not a date (YYYY-MM-DD)",
				                optarg);
			break;
		case 'a':
			if (nids == MAX_ARTICLES)
				return cli_fail("at most %d articles with --article", MAX_ARTICLES);
			if (cli_parse_id(optarg, &ids[nids++]) != 0)
				return cli_fail("--article: \"%s\" is not an article id", optarg);
			break;
		case 'i':
			if (cli_parse_id(optarg, &issue) != 0)
				return cli_fail("--issue: \"%s\" is not an issue number", optarg);
			break;
		case 'l':
			langs = optarg;
			break;
		case 'u':
			ui = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'o':
			dir = optarg;
			break;
		case 'n':
			no_wait = true;
			break;
		case 'm':
			limit = (size_t)strtoul(optarg, NULL, 10);
			break;
		case 'w':
			watch = true;
			break;
		}
	}
	if (optind != argc)
		return cli_usage(usage);
	if (strcmp(verb, "compose") && strcmp(verb, "preview") && strcmp(verb, "send") &&
	    strcmp(verb, "status")) {
		cli_fail("unknown newsletter command \"%s\" (see: tamizdat newsletter --help)",
		         verb);
		return EXIT_USAGE;
	}
	if (cli_open(&site, 0) != 0)
		return EXIT_FAIL;
	if (nl_ctx_init(&c, &site) != 0) {
		cli_fail_reason();
		goto out;
	}
	if (ui && config_lang(&site.cfg, ui) == NULL) {
		cli_fail("--ui: \"%s\" is not one of the site's languages", ui);
		goto out;
	}
	if (strcmp(verb, "compose") == 0)
		rc = do_compose(&c, list, since, ids, nids);
	else if (strcmp(verb, "preview") == 0)
		rc = do_preview(&site, &c, issue, langs, ui, to, dir);
	else if (strcmp(verb, "send") == 0)
		rc = do_send(&site, &c, issue, no_wait, limit);
	else
		rc = do_status(&c, issue, watch);
out:
	site_close(&site);
	return rc;
}
