/*
 * What the subcommands share: option parsing, opening the site, printing
 * one-line errors, and publishing after a change.  Each subcommand is a
 * function cmd_NAME(argc, argv) in its own file, returning the exit status.
 */
#ifndef TZ_CLI_H
#define TZ_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "site/site.h"

/* Exit statuses. */
#define EXIT_OK 0
#define EXIT_FAIL 1  /* the command failed (bad input, store error...) */
#define EXIT_USAGE 2 /* wrong arguments */

/* Global options, set by main(). */
struct cli_global {
	const char *dir; /* -C DIR, default "." */
	bool quiet;
};
extern struct cli_global cli;

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage; /* full --help text */
};

/*
 * Parses options with getopt_long from argv[0] = the command name.  Handles
 * --help (prints usage, exits 0) and unknown options (prints the usage line,
 * exits 2).  Returns the next option like getopt_long, or -1 when done;
 * optind then indexes the first operand.
 */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
               const char *usage);
/* Prints "tamizdat: MESSAGE" and returns EXIT_FAIL. */
int cli_fail(const char *fmt, ...) PRINTFLIKE(1, 2);
/* Prints the reason of the last failure and returns EXIT_FAIL. */
int cli_fail_reason(void);
/* Prints "usage: ..." for a bad invocation and returns EXIT_USAGE. */
int cli_usage(const char *usage);

/* Opens the site of -C DIR.  0 or -1 (reason printed). */
int cli_open(struct site *site, int flags);
/*
 * After a committed change: publishes the queued notes (unless no_publish)
 * and reports how many files changed (unless quiet).  Returns an exit status.
 */
int cli_publish(struct site *site, bool no_publish);

/* Parses a whole decimal id (> 0).  0 or -1. */
int cli_parse_id(const char *s, int64_t *id);
/* Splits "LANG/PATH" into lang (copied into lang, at most n bytes) and path.  0 or -1. */
int cli_split_lang_path(const char *s, char *lang, size_t n, const char **path);

int cmd_init(int argc, char **argv);
int cmd_section(int argc, char **argv);
int cmd_article(int argc, char **argv);
int cmd_author(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_reclaim(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_subscriber(int argc, char **argv);
int cmd_newsletter(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_reindex(int argc, char **argv);

/*
 * Rebuilds the search index if a table of it was built with other
 * stemming rules than this program's (after an upgrade).  0 or -1.
 */
int cli_search_check(struct site *site);
int cmd_mirror(int argc, char **argv);

#endif
