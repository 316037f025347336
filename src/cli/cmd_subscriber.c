/*
 * tamizdat subscriber list|counts|add|remove|export|import|unsubscribe-mail:
 * the newsletter's readers, for administrators.  The work is in
 * mail/subscriber.h; this file reads options and prints.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/addr.h"
#include "mail/mailcfg.h"
#include "mail/newsletter.h"
#include "mail/outbox.h"
#include "mail/subscriber.h"
#include "util/arena.h"
#include "util/log.h"

static const char usage[] =
        "tamizdat subscriber list [--status S] [--lang L] [--list L]\n"
        "       tamizdat subscriber counts\n"
        "       tamizdat subscriber add EMAIL --lang L[,L...] [--list L]... [--name NAME]\n"
        "                                  [--confirmed] [--force]\n"
        "       tamizdat subscriber remove EMAIL... [--forget]\n"
        "       tamizdat subscriber export [FILE] [--status S] [--lang L] [--list L]\n"
        "       tamizdat subscriber import FILE|- [--lang L] [--list L] [--confirmed]\n"
        "                                  [--force] [--dry-run]\n"
        "       tamizdat subscriber unsubscribe-mail [FILE|-]\n"
        "\n"
        "Readers of the newsletter.  A subscriber chooses one or more of the site's\n"
        "languages and one or more lists ([newsletter] lists).  Statuses: pending\n"
        "(waiting for confirmation, never mailed but that), confirmed, bouncing.\n"
        "\n"
        "add without --confirmed sends a confirmation mail, as the web form does.\n"
        "remove deletes the address and keeps a keyed hash of it, so that import\n"
        "skips it later (unless --force); --forget keeps nothing.\n"
        "\n"
        "export writes CSV: " SUB_CSV_HEADER ".  import reads the same columns\n"
        "(only email is required; languages and lists separated by spaces, commas or\n"
        "semicolons).  Import is all or nothing: every bad row is reported with its\n"
        "line and then nothing at all is imported.  Known addresses are left as\n"
        "they are.  Rows without a status are pending (and get a confirmation mail)\n"
        "unless --confirmed.\n"
        "\n"
        "unsubscribe-mail reads a mail sent to the List-Unsubscribe mailto address\n"
        "(standard input by default; meant for a mail server's pipe alias) and removes\n"
        "the reader whose personal token its subject carries (\"unsubscribe TOKEN\"),\n"
        "as the one-click link does.  A reader already gone is not an error; a mail\n"
        "without a genuine token is.\n";

struct opts {
	int status;
	const char *lang, *name;
	struct buf lists;
	bool confirmed, force, forget, dry_run;
};

static int print_row(void *arg, const struct subscriber *sub)
{
	(void)arg;
	printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)sub->id, sub->email,
	       sub_status_name(sub->status), sub->langs, sub->lists, sub->name);
	return 0;
}

static int do_list(struct site *site, const struct opts *o)
{
	struct sub_filter f = {o->status, o->lang,
	                       o->lists.n ? buf_cstr((struct buf *)&o->lists) : NULL};

	if (sub_each(site->store, &f, print_row, NULL) != STORE_OK)
		return cli_fail_reason();
	return EXIT_OK;
}

static int do_counts(struct site *site)
{
	struct sub_counts c;
	size_t i;

	if (sub_count(site->store, &site->cfg, site->mail, &c) != STORE_OK)
		return cli_fail_reason();
	printf("confirmed\t%zu\npending\t%zu\nbouncing\t%zu\nsuppressed\t%zu\n",
	       c.by_status[SUB_CONFIRMED], c.by_status[SUB_PENDING], c.by_status[SUB_BOUNCING],
	       c.suppressed);
	for (i = 0; i < site->cfg.nlangs; i++)
		printf("lang %s\t%zu\n", site->cfg.langs[i].code, c.by_lang[i]);
	for (i = 0; i < site->mail->nlists; i++)
		printf("list %s\t%zu\n", site->mail->lists[i].id, c.by_list[i]);
	return EXIT_OK;
}

/* Sends what the outbox holds now; a failure is only a warning (the mail waits). */
static void flush_outbox(struct site *site, bool quiet)
{
	struct nl_ctx c;
	size_t sent = 0, left = 0;

	if (nl_ctx_init(&c, site) != 0)
		return;
	if (outbox_flush(&c, &sent, &left) != 0)
		log_warn("%s; the mail waits in the outbox (tamizdat serve or newsletter send "
		         "sends it)",
		         log_reason());
	else if (!quiet && left)
		log_info("%zu mails wait in the outbox", left);
}

static int do_add(struct site *site, const char *email, const struct opts *o)
{
	struct buf langs = BUF_INIT, lists = BUF_INIT;
	unsigned char key[SUB_KEY_SIZE];
	struct addr ad;
	struct sub_new nw = {0};
	int64_t id;
	int rc = EXIT_FAIL;

	if (addr_parse(email, strlen(email), &ad) != 0) {
		cli_fail("\"%s\": %s", email, log_reason());
		goto out;
	}
	if (o->lang == NULL) {
		cli_fail("give the subscriber's languages: --lang en,fr");
		rc = EXIT_USAGE;
		goto out;
	}
	if (sub_canon_langs(&site->cfg, o->lang, &langs) != 0 ||
	    sub_canon_lists(site->mail,
	                    o->lists.n ? buf_cstr((struct buf *)&o->lists)
	                               : site->mail->lists[0].id,
	                    &lists) != 0) {
		cli_fail_reason();
		goto out;
	}
	if (sub_secret(site->store, key) != 0 || store_begin(site->store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	if (!o->force && sub_suppressed(site->store, key, &ad)) {
		store_rollback(site->store);
		cli_fail("%s unsubscribed or was removed; add --force to add it again", email);
		goto out;
	}
	nw.addr = &ad;
	nw.name = o->name;
	nw.langs = buf_cstr(&langs);
	nw.lists = buf_cstr(&lists);
	nw.status = o->confirmed ? SUB_CONFIRMED : SUB_PENDING;
	/* The confirmation counts against the address's limit, as one from the form does. */
	if (sub_add(site->store, &nw, &id) != STORE_OK ||
	    (!o->confirmed && sub_mail_allowed(site->store, id, store_now()) &&
	     outbox_add(site->store, id, OUTBOX_CONFIRM) != STORE_OK)) {
		store_rollback(site->store);
		cli_fail_reason();
		goto out;
	}
	if (store_commit(site->store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	if (!cli.quiet)
		printf("%lld\n", (long long)id);
	if (!o->confirmed)
		flush_outbox(site, cli.quiet);
	rc = EXIT_OK;
out:
	buf_finish(&langs);
	buf_finish(&lists);
	return rc;
}

static int do_remove(struct site *site, char **emails, int n, const struct opts *o)
{
	struct arena *a = arena_new(0);
	unsigned char key[SUB_KEY_SIZE];
	int i, rc = EXIT_FAIL;

	if (sub_secret(site->store, key) != 0 || store_begin(site->store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct addr ad;
		struct subscriber sub;
		if (addr_parse(emails[i], strlen(emails[i]), &ad) != 0) {
			store_rollback(site->store);
			cli_fail("\"%s\": %s", emails[i], log_reason());
			goto out;
		}
		if (sub_find(site->store, a, &ad, &sub) != STORE_OK) {
			store_rollback(site->store);
			cli_fail("%s is not a subscriber", emails[i]);
			goto out;
		}
		if (sub_remove(site->store, key, sub.id, !o->forget) != STORE_OK) {
			store_rollback(site->store);
			cli_fail_reason();
			goto out;
		}
	}
	if (store_commit(site->store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	rc = EXIT_OK;
out:
	arena_free(a);
	return rc;
}

/* Mail headers read for a mailto unsubscribe: the subject is near the top. */
#define UNSUB_MAIL_MAX 65536

/*
 * The token in the Subject of the mail in text (headers unfolded): the word
 * after "unsubscribe", so that "Re: unsubscribe TOKEN" works too.  Returns
 * a pointer into text (terminated there), or NULL.
 */
static char *subject_token(char *text)
{
	char *line = text, *end, *p, *tok;

	for (;;) {
		end = strchr(line, '\n');
		if (line[0] == '\r' || line[0] == '\n' || line[0] == '\0')
			return NULL; /* the end of the headers */
		if (strncasecmp(line, "Subject:", 8) == 0)
			break;
		if (end == NULL)
			return NULL;
		line = end + 1;
	}
	/* Unfold: continuation lines start with a space or a tab. */
	while (end && (end[1] == ' ' || end[1] == '\t')) {
		*end = ' ';
		if (end > line && end[-1] == '\r')
			end[-1] = ' ';
		end = strchr(end + 1, '\n');
	}
	if (end)
		*end = '\0';
	for (p = line + 8; (p = strcasestr(p, "unsubscribe")) != NULL; p += 11) {
		tok = p + 11;
		if (*tok != ' ' && *tok != '\t')
			continue;
		tok += strspn(tok, " \t");
		tok[strcspn(tok, " \t\r")] = '\0';
		return *tok ? tok : NULL;
	}
	return NULL;
}

static int do_unsubscribe_mail(struct site *site, const char *file)
{
	struct arena *a = arena_new(0);
	unsigned char key[SUB_KEY_SIZE];
	struct subscriber sub;
	enum store_status st;
	char *text = xmalloc(UNSUB_MAIL_MAX + 1), *tok;
	FILE *in = stdin;
	size_t n;
	int64_t id, exp;
	int rc = EXIT_FAIL;

	if (file && strcmp(file, "-") != 0 && (in = fopen(file, "rb")) == NULL) {
		cli_fail("cannot open %s: %s", file, strerror(errno));
		goto out;
	}
	n = fread(text, 1, UNSUB_MAIL_MAX, in);
	text[n] = '\0';
	if (memchr(text, '\0', n) != NULL || (tok = subject_token(text)) == NULL) {
		cli_fail("the mail's subject is not \"unsubscribe TOKEN\"");
		goto out;
	}
	if (sub_secret(site->store, key) != 0) {
		cli_fail_reason();
		goto out;
	}
	if (sub_token_parse(tok, SUB_TOKEN_PREFS, &id, &exp) != 0) {
		cli_fail("the mail's unsubscribe token is not genuine");
		goto out;
	}
	st = sub_get(site->store, a, id, &sub);
	if (st == STORE_NOT_FOUND) {
		if (!cli.quiet)
			log_info("already unsubscribed");
		rc = EXIT_OK;
		goto out;
	}
	if (st != STORE_OK || !sub_token_check(key, SUB_TOKEN_PREFS, tok, sub.addr)) {
		cli_fail("the mail's unsubscribe token is not genuine");
		goto out;
	}
	if (store_begin(site->store) != STORE_OK ||
	    sub_remove(site->store, key, sub.id, true) != STORE_OK ||
	    store_commit(site->store) != STORE_OK) {
		store_rollback(site->store);
		cli_fail_reason();
		goto out;
	}
	if (!cli.quiet)
		log_info("unsubscribed %s", sub.email);
	rc = EXIT_OK;
out:
	if (in && in != stdin)
		fclose(in);
	free(text);
	arena_free(a);
	return rc;
}

static int do_export(struct site *site, const char *file, const struct opts *o)
{
	struct sub_filter f = {o->status, o->lang,
	                       o->lists.n ? buf_cstr((struct buf *)&o->lists) : NULL};
	FILE *out = stdout;
	int rc = EXIT_OK;

	if (file && strcmp(file, "-") != 0 && (out = fopen(file, "wb")) == NULL)
		return cli_fail("cannot write %s: %s", file, strerror(errno));
	if (sub_export(site->store, &f, out) != STORE_OK)
		rc = cli_fail_reason();
	if (out != stdout && fclose(out) != 0 && rc == EXIT_OK)
		rc = cli_fail("cannot write %s: %s", file, strerror(errno));
	return rc;
}

static int do_import(struct site *site, const char *file, const struct opts *o)
{
	struct sub_import_opts io = {0};
	struct sub_import_stats st;
	struct buf langs = BUF_INIT, lists = BUF_INIT;
	FILE *in = stdin;
	int rc = EXIT_FAIL;

	if ((o->lang && sub_canon_langs(&site->cfg, o->lang, &langs) != 0) ||
	    (o->lists.n &&
	     sub_canon_lists(site->mail, buf_cstr((struct buf *)&o->lists), &lists) != 0)) {
		cli_fail_reason();
		goto out;
	}
	io.langs = langs.n ? buf_cstr(&langs) : NULL;
	io.lists = lists.n ? buf_cstr(&lists) : NULL;
	io.confirmed = o->confirmed;
	io.force = o->force;
	io.dry_run = o->dry_run;
	if (strcmp(file, "-") != 0 && (in = fopen(file, "rb")) == NULL) {
		cli_fail("cannot read %s: %s", file, strerror(errno));
		goto out;
	}
	if (sub_import(site->store, &site->cfg, site->mail, in, strcmp(file, "-") ? file : "stdin",
	               &io, &st) != 0) {
		cli_fail_reason();
		goto out;
	}
	if (!cli.quiet)
		log_info("%s%zu rows: %zu added, %zu already subscribed, %zu skipped (unsubscribed "
		         "before; --force adds them)",
		         o->dry_run ? "dry run: " : "", st.rows, st.added, st.existing,
		         st.suppressed);
	if (st.pending_added && !o->dry_run)
		flush_outbox(site, cli.quiet);
	rc = EXIT_OK;
out:
	if (in && in != stdin)
		fclose(in);
	buf_finish(&langs);
	buf_finish(&lists);
	return rc;
}

int cmd_subscriber(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"status", required_argument, NULL, 's'}, {"lang", required_argument, NULL, 'l'},
	        {"list", required_argument, NULL, 'L'},   {"name", required_argument, NULL, 'n'},
	        {"confirmed", no_argument, NULL, 'c'},    {"force", no_argument, NULL, 'f'},
	        {"forget", no_argument, NULL, 'F'},       {"dry-run", no_argument, NULL, 'd'},
	        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	struct opts o = {.status = -1};
	const char *verb;
	struct site site;
	int c, rc = EXIT_FAIL;

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
	buf_init(&o.lists);
	while ((c = cli_getopt(argc, argv, "s:l:L:n:cfFdh", opts, usage)) != -1) {
		switch (c) {
		case 's':
			if ((o.status = sub_status_parse(optarg)) < 0) {
				buf_finish(&o.lists);
				return cli_fail("--status must be pending, confirmed or bouncing");
			}
			break;
		case 'l':
			o.lang = optarg;
			break;
		case 'L':
			if (o.lists.n)
				buf_putc(&o.lists, ',');
			buf_puts(&o.lists, optarg);
			break;
		case 'n':
			o.name = optarg;
			break;
		case 'c':
			o.confirmed = true;
			break;
		case 'f':
			o.force = true;
			break;
		case 'F':
			o.forget = true;
			break;
		case 'd':
			o.dry_run = true;
			break;
		}
	}
	/* The theme too: confirmation mails are rendered from it. */
	if (cli_open(&site, 0) != 0) {
		buf_finish(&o.lists);
		return EXIT_FAIL;
	}
	if (!site.mail->enabled) {
		cli_fail("this site has no newsletter (add a [newsletter] section to %s)",
		         site.config_path);
		goto out;
	}
	if (strcmp(verb, "list") == 0 && optind == argc)
		rc = do_list(&site, &o);
	else if (strcmp(verb, "counts") == 0 && optind == argc)
		rc = do_counts(&site);
	else if (strcmp(verb, "add") == 0 && optind + 1 == argc)
		rc = do_add(&site, argv[optind], &o);
	else if (strcmp(verb, "remove") == 0 && optind < argc)
		rc = do_remove(&site, argv + optind, argc - optind, &o);
	else if (strcmp(verb, "export") == 0 && optind + 1 >= argc)
		rc = do_export(&site, optind < argc ? argv[optind] : NULL, &o);
	else if (strcmp(verb, "import") == 0 && optind + 1 == argc)
		rc = do_import(&site, argv[optind], &o);
	else if (strcmp(verb, "unsubscribe-mail") == 0 && optind + 1 >= argc)
		rc = do_unsubscribe_mail(&site, optind < argc ? argv[optind] : NULL);
	else if (strcmp(verb, "list") && strcmp(verb, "counts") && strcmp(verb, "add") &&
	         strcmp(verb, "remove") && strcmp(verb, "export") && strcmp(verb, "import") &&
	         strcmp(verb, "unsubscribe-mail"))
		rc = cli_fail("unknown subscriber command \"%s\" (see: tamizdat subscriber --help)",
		              verb),
		rc = EXIT_USAGE;
	else
		rc = cli_usage(usage);
out:
	site_close(&site);
	buf_finish(&o.lists);
	return rc;
}
