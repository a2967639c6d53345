/* cli.h: what every kmsctl command shares: exit codes, flag parsing, error and JSON output. */
#ifndef KMSCTL_CLI_H
#define KMSCTL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "eth/error.h"
#include "eth/hex.h"

/* Exit codes: 0 ok, 1 failure, 2 usage. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Returned by cli_parse when --help was given and printed. */
#define CLI_HELP_SHOWN (-100)

/* One top-level command: name, one-line summary, and its entry point (argv[0] is the name). */
typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_command;

/* A flag a command accepts: "--name" alone (bool) or "--name VALUE" / "--name=VALUE". */
typedef struct cli_flag {
    const char *name;   /* without the leading dashes */
    bool takes_value;
    const char **value; /* set for flags with a value (may be NULL for bools) */
    bool *set;          /* set to true when present (may be NULL) */
} cli_flag;

/* Parsed positional arguments (pointers into argv). */
typedef struct cli_args {
    char **pos;
    int npos;
} cli_args;

/* Parses argv[1..] against flags; prints help (to stdout) or a usage error (to stderr).
 * Returns 0, CLI_HELP_SHOWN, or CLI_USAGE. Numbers after "--" and negative numbers are positional. */
int cli_parse(int argc, char **argv, const cli_flag *flags, size_t nflags, const char *help,
              cli_args *out);

/* Returned by cli_parse_json_only when the command should go on. */
#define CLI_CONTINUE (-1)

/* For commands whose only flag is --json: parses, and refuses more than max_pos positionals
 * (expected names them, e.g. "ADDRESS [CHAIN_ID]"). Returns CLI_CONTINUE with *a filled, or the
 * exit code to return (0 after --help) with *a freed. */
int cli_parse_json_only(int argc, char **argv, const char *help, int max_pos, const char *expected,
                        bool *json, cli_args *a);

/* Frees what cli_parse allocated. */
void cli_args_free(cli_args *a);

/* Prints "kmsctl: MESSAGE" to stderr; returns CLI_FAIL. */
int cli_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Prints "kmsctl: MESSAGE" and a hint to run --help to stderr; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Prints a lib error's message to stderr; returns CLI_FAIL. */
int cli_fail_err(const eth_error *err);

/* Prints "kmsctl: warning: MESSAGE" to stderr. */
void cli_warn(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Appends all of standard input to b; returns 0 or a negative kms code with err filled. */
int cli_read_stdin(eth_buf *b, eth_error *err);

/* Prints a JSON value (compact, sorted keys, newline) to stdout, then frees it; returns CLI_OK or CLI_FAIL. */
int cli_print_json(json_t *v);

#endif
