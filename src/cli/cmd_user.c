/*
 * tamizdat user add|list|disable|enable|link|role: editorial accounts for
 * the web admin.  A new account gets a one-time set-password link (or its
 * password from standard input), so that no password ever passes through
 * a command line, a shell history or a process list.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin/account.h"
#include "admin/admin.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/log.h"

static const char usage[] =
        "tamizdat user add EMAIL --role admin|editor|contributor [--name NAME] [--lang L]\n"
        "                  [--section LANG/PATH]... [--password-stdin]\n"
        "       tamizdat user list [--json]\n"
        "       tamizdat user disable|enable EMAIL\n"
        "       tamizdat user link EMAIL\n"
        "       tamizdat user role EMAIL admin|editor|contributor [--section LANG/PATH]...\n"
        "\n"
        "Accounts of the web admin (/admin/ on tamizdat serve).  add prints a one-time\n"
        "link, valid for a week, where the new user sets a password; with\n"
        "--password-stdin it reads the password from standard input instead.  link\n"
        "makes a new link (for a forgotten password), replacing the old one.\n"
        "Editors and contributors given --section work only in those subtrees.\n"
        "--lang is the language of the admin's interface (en, fr, ru, uk).  disable\n"
        "ends the account's sessions and refuses its logins.\n";

/* The admin speaks these; an account asking for another gets English. */
static bool ui_lang_ok(const char *l)
{
	return strcmp(l, "en") == 0 || strcmp(l, "fr") == 0 || strcmp(l, "ru") == 0 ||
	       strcmp(l, "uk") == 0;
}

/* Resolves --section values to ids.  0 or -1 (printed). */
static int sections(struct site *site, struct arena *a, char **v, size_t n, int64_t *ids)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char lang[16];
		const char *path;
		struct section sec;
		size_t len;
		char *p;
		if (cli_split_lang_path(v[i], lang, sizeof(lang), &path) != 0) {
			cli_fail("--section \"%s\" is not LANG/PATH", v[i]);
			return -1;
		}
		p = arena_strdup(a, path);
		len = strlen(p);
		while (len && p[len - 1] == '/')
			p[--len] = '\0';
		if (store_section_find(site->store, a, lang, p, &sec) != STORE_OK) {
			cli_fail_reason();
			return -1;
		}
		ids[i] = sec.id;
	}
	return 0;
}

/* Reads one line (the password) from standard input into out.  0 or -1 (printed). */
static int read_password(char *out, size_t n)
{
	size_t len;

	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password: ");
	if (fgets(out, (int)n, stdin) == NULL) {
		cli_fail("--password-stdin: nothing on standard input");
		return -1;
	}
	len = strlen(out);
	if (len == n - 1 && out[len - 1] != '\n') {
		cli_fail("--password-stdin: the password is longer than %d bytes",
		         ACCOUNT_PASSWORD_MAX);
		return -1;
	}
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return 0;
}

static const char *problem_text(const char *key)
{
	if (strcmp(key, "admin_err_password_short") == 0)
		return "the password is too short (at least 10 characters)";
	if (strcmp(key, "admin_err_password_long") == 0)
		return "the password is too long";
	if (strcmp(key, "admin_err_password_email") == 0)
		return "the password must not be the e-mail address";
	return "the password is not valid UTF-8";
}

static int print_link(struct site *site, int64_t id)
{
	char tok[ACCOUNT_TOKEN_LEN + 1];
	struct admin_config ac;

	if (admin_config_load(&ac, &site->cfg) != 0)
		return cli_fail_reason();
	if (store_begin(site->store) != STORE_OK ||
	    account_link_new(site->store, id, store_now(), tok) != STORE_OK ||
	    store_commit(site->store) != STORE_OK) {
		store_rollback(site->store);
		return cli_fail_reason();
	}
	if (!cli.quiet)
		fprintf(stderr, "tamizdat: the link below sets the password; it works once, "
		                "for 7 days:\n");
	printf("%spassword?token=%s\n", ac.url, tok);
	return EXIT_OK;
}

static int do_add(struct site *site, const char *email, const char *name, int role,
                  const char *lang, char **secv, size_t nsec, bool pw_stdin)
{
	struct arena *a = arena_new(0);
	char pw[ACCOUNT_PASSWORD_MAX + 2];
	int64_t *ids = arena_calloc(a, nsec + 1, sizeof(int64_t)), id;
	const char *why;
	int rc = EXIT_FAIL;

	if (role < 0) {
		cli_fail("--role is required: admin, editor or contributor");
		goto out;
	}
	if (!account_email_valid(email)) {
		cli_fail("\"%s\" is not an e-mail address", email);
		goto out;
	}
	if (sections(site, a, secv, nsec, ids) != 0)
		goto out;
	if (pw_stdin) {
		if (read_password(pw, sizeof(pw)) != 0)
			goto out;
		if ((why = account_password_problem(pw, email)) != NULL) {
			cli_fail("%s", problem_text(why));
			goto out;
		}
	}
	if (store_begin(site->store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	if (account_add(site->store, email, name, (enum account_role)role, lang, &id) != STORE_OK ||
	    account_set_sections(site->store, id, ids, nsec) != STORE_OK ||
	    (pw_stdin && account_set_password(site->store, id, pw) != STORE_OK) ||
	    store_commit(site->store) != STORE_OK) {
		store_rollback(site->store);
		cli_fail_reason();
		goto out;
	}
	if (pw_stdin) {
		if (!cli.quiet)
			log_info("account %s added (%s)", email, account_role_name(role));
		rc = EXIT_OK;
	} else {
		rc = print_link(site, id);
	}
out:
	memset(pw, 0, sizeof(pw));
	arena_free(a);
	return rc;
}

static int do_list(struct site *site, bool json)
{
	struct arena *a = arena_new(0);
	struct account *v;
	size_t n, i, j;
	json_t *arr = json ? json_array() : NULL;

	if (account_list(site->store, a, &v, &n) != STORE_OK) {
		arena_free(a);
		json_decref(arr);
		return cli_fail_reason();
	}
	for (i = 0; i < n; i++) {
		struct buf secs = BUF_INIT;
		for (j = 0; j < v[i].nsections; j++) {
			struct section sec;
			if (store_section_get(site->store, a, v[i].sections[j], &sec) == STORE_OK)
				buf_printf(&secs, "%s%s%s%s", j ? "," : "", sec.lang, *sec.path ? "/" : "",
				           sec.path);
		}
		if (json) {
			json_array_append_new(
			        arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:I}", "id",
			                       (json_int_t)v[i].id, "email", v[i].email, "name", v[i].name,
			                       "role", account_role_name(v[i].role), "lang", v[i].lang,
			                       "disabled", v[i].disabled, "has_password",
			                       v[i].has_password, "sections", buf_cstr(&secs),
			                       "last_login", (json_int_t)v[i].last_login));
		} else {
			printf("%s\t%s\t%s\t%s\t%s\n", v[i].email, account_role_name(v[i].role),
			       v[i].lang,
			       v[i].disabled ? "disabled" : v[i].has_password ? "active" : "no-password",
			       secs.n ? buf_cstr(&secs) : "-");
		}
		buf_finish(&secs);
	}
	if (json) {
		char *s = json_dumps(arr, JSON_INDENT(2));
		puts(s);
		free(s);
		json_decref(arr);
	}
	arena_free(a);
	return EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{"role", required_argument, NULL, 'r'},
		{"name", required_argument, NULL, 'N'},
		{"lang", required_argument, NULL, 'l'},
		{"section", required_argument, NULL, 's'},
		{"password-stdin", no_argument, NULL, 'P'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *name = "", *lang = "en", *verb;
	char **secv = NULL;
	size_t nsec = 0;
	bool pw_stdin = false, json = false;
	int role = -1, c, rc = EXIT_FAIL;
	struct site site;
	struct arena *a = NULL;
	struct account acc;

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
	secv = xcalloc((size_t)argc + 1, sizeof(char *));
	while ((c = cli_getopt(argc, argv, "r:N:l:s:Pjh", opts, usage)) != -1) {
		switch (c) {
		case 'r':
			if ((role = account_role_parse(optarg)) < 0) {
				free(secv);
				return cli_fail("--role \"%s\": use admin, editor or contributor", optarg);
			}
			break;
		case 'N': name = optarg; break;
		case 'l':
			if (!ui_lang_ok(optarg)) {
				free(secv);
				return cli_fail("--lang \"%s\": the admin speaks en, fr, ru and uk", optarg);
			}
			lang = optarg;
			break;
		case 's': secv[nsec++] = optarg; break;
		case 'P': pw_stdin = true; break;
		case 'j': json = true; break;
		}
	}
	if (cli_open(&site, SITE_NO_THEME) != 0) {
		free(secv);
		return EXIT_FAIL;
	}
	if (account_migrate(site.store) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	a = arena_new(0);
	if (strcmp(verb, "list") == 0) {
		if (optind != argc) {
			rc = cli_usage(usage);
			goto out;
		}
		rc = do_list(&site, json);
		goto out;
	}
	if (strcmp(verb, "add") == 0) {
		if (optind + 1 != argc) {
			rc = cli_usage(usage);
			goto out;
		}
		rc = do_add(&site, argv[optind], name, role, lang, secv, nsec, pw_stdin);
		goto out;
	}
	if (optind >= argc) {
		rc = cli_usage(usage);
		goto out;
	}
	if (account_find(site.store, a, argv[optind], &acc) != STORE_OK) {
		cli_fail_reason();
		goto out;
	}
	if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0) {
		if (optind + 1 != argc) {
			rc = cli_usage(usage);
			goto out;
		}
		if (account_set_disabled(site.store, acc.id, verb[0] == 'd') != STORE_OK) {
			cli_fail_reason();
			goto out;
		}
		rc = EXIT_OK;
	} else if (strcmp(verb, "link") == 0) {
		if (optind + 1 != argc) {
			rc = cli_usage(usage);
			goto out;
		}
		rc = print_link(&site, acc.id);
	} else if (strcmp(verb, "role") == 0) {
		int64_t *ids = arena_calloc(a, nsec + 1, sizeof(int64_t));
		if (optind + 2 != argc) {
			rc = cli_usage(usage);
			goto out;
		}
		if ((role = account_role_parse(argv[optind + 1])) < 0) {
			cli_fail("role \"%s\": use admin, editor or contributor", argv[optind + 1]);
			goto out;
		}
		if (sections(&site, a, secv, nsec, ids) != 0)
			goto out;
		if (store_begin(site.store) != STORE_OK ||
		    account_update(site.store, acc.id, NULL, role, NULL) != STORE_OK ||
		    account_set_sections(site.store, acc.id, ids, nsec) != STORE_OK ||
		    store_commit(site.store) != STORE_OK) {
			store_rollback(site.store);
			cli_fail_reason();
			goto out;
		}
		rc = EXIT_OK;
	} else {
		cli_fail("unknown user command \"%s\" (see: tamizdat user --help)", verb);
		rc = EXIT_USAGE;
	}
out:
	arena_free(a);
	free(secv);
	site_close(&site);
	return rc;
}
