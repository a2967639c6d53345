/* cli.h: the command-line front end's shared parts: the command table types, the one dispatcher
 * (flags, help and usage errors for every command), and output helpers.
 *
 * A command is either a lone action (kmsctl keccak) or a group of actions (kmsctl wallet new).
 * Each action declares its positionals, its flags (in flag sets it can share with others), what
 * --json prints, a description and an example; cli_main parses argv against that declaration,
 * refuses what the action does not take, prints the help, and calls the action with a cli_call
 * holding what was given. Adding an action is a row and a function; adding a group is a file
 * and a row in main.c. */
#ifndef KMSCTL_CLI_H
#define KMSCTL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "eth/buf.h"
#include "eth/error.h"

/* Exit codes: 0 ok, 1 failure, 2 usage error. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* One flag: "--name" alone (a switch, arg NULL) or "--name VALUE" / "--name=VALUE". */
typedef struct cli_flag {
    const char *name;  /* without dashes: "keystore-dir" */
    const char *arg;   /* the value's name in help ("DIR"), or NULL for a switch */
    const char *help;  /* what it does; "\n" starts a continuation line */
    const char *alias; /* an older spelling still accepted, or NULL */
    bool repeat;       /* may be given more than once (values kept in order) */
} cli_flag;

/* Ends a flag set (an array of cli_flag). */
#define CLI_FLAGS_END {NULL, NULL, NULL, NULL, false}

typedef struct cli_call cli_call;

/* One action of a group, or a lone command. */
typedef struct cli_action {
    const char *name;             /* "new", or the lone command's name */
    const char *summary;          /* one line, for the lists */
    int (*run)(cli_call *c);      /* returns CLI_OK, CLI_FAIL or CLI_USAGE */
    const char *args;             /* positional synopsis: "NAME [DIR]" ("" for none) */
    int min_args, max_args;       /* allowed number of positionals; max -1: no limit */
    const cli_flag *const *flags; /* NULL-terminated list of flag sets, or NULL for none */
    const char *json;             /* what --json prints, or NULL if the action has no --json */
    const char *about;            /* what it does, one or more paragraphs */
    const char *example;          /* lines: "$ kmsctl ..." then the output */
} cli_action;

/* A group of actions: kmsctl NAME ACTION. */
typedef struct cli_group {
    const char *name;
    const char *summary;
    const char *about;
    const cli_action *actions;
    size_t nactions;
} cli_group;

/* A row of main.c's command table: exactly one of group and action is set. */
typedef struct cli_command {
    const char *name;
    const cli_group *group;
    const cli_action *action;
} cli_command;

/* Dispatches argv (argv[0] is the program) to the command it names, as the table says;
 * handles --help, help COMMAND, --version and usage errors. Returns the exit code. */
int cli_main(const cli_command *cmds, size_t ncmds, const char *version, int argc, char **argv);

/* What the dispatcher hands an action. Read it through the functions below. */
struct cli_call {
    char cmd[64];              /* "wallet new", for messages */
    const cli_action *action;
    char **args;               /* the positionals (pointers into argv) */
    int nargs;
    bool json;                 /* --json was given */
    struct cli_given *given;   /* internal: values per declared flag */
    size_t ngiven;
};

/* The value of flag name (its last occurrence), or NULL if it was not given. name must be a
 * flag the action declares (anything else is a programming error and aborts). The string is
 * argv's: writable, so that a secret can be wiped in place. */
char *cli_opt(const cli_call *c, const char *name);

/* True if the action declares flag name (shared code that serves several actions asks first). */
bool cli_declares(const cli_call *c, const char *name);

/* True if flag name (a switch or a flag with a value) was given. */
bool cli_given(const cli_call *c, const char *name);

/* The values of a repeatable flag, in order: *n of them at *values (borrowed from c). */
void cli_opt_all(const cli_call *c, const char *name, char *const **values, size_t *n);

/* Prints "kmsctl CMD: MESSAGE" and a hint to run --help to stderr; returns CLI_USAGE. */
int cli_usage(const cli_call *c, const char *fmt, ...) ETH_PRINTF(2, 3);

/* Prints "kmsctl: MESSAGE" to stderr; returns CLI_FAIL. */
int cli_fail(const char *fmt, ...) ETH_PRINTF(1, 2);

/* Prints a lib error's message to stderr; returns CLI_FAIL (CLI_USAGE is never derived from
 * an eth_error: usage errors are decided before lib is called). */
int cli_fail_err(const eth_error *err);

/* Prints "kmsctl: warning: MESSAGE" to stderr. */
void cli_warn(const char *fmt, ...) ETH_PRINTF(1, 2);

/* Appends all of standard input (bytes, NULs included) to b. Returns 0 or -err->code. */
int cli_read_stdin(eth_buf *b, eth_error *err) ETH_WARN_UNUSED;

/* Reads standard input as text: its bytes must hold no NUL (the message gives the position);
 * trailing ASCII whitespace is dropped and the result NUL-terminated. Returns 0 or -err->code. */
int cli_read_stdin_text(eth_buf *b, eth_error *err) ETH_WARN_UNUSED;

/* Prints a JSON value (compact, sorted keys) and a newline to stdout, then releases it; v may be
 * NULL (an allocation failed). Returns CLI_OK or CLI_FAIL. */
int cli_print_json(json_t *v);

/* Prints a 0x string as a line, or as {"key": value} with --json. Returns CLI_OK or CLI_FAIL. */
int cli_print_value(const cli_call *c, const char *key, const char *value);

#endif
