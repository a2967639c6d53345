/* help.h: the help texts the dispatcher prints, all built from the command tables. */
#ifndef KMSCTL_HELP_H
#define KMSCTL_HELP_H

#include <stdio.h>
#include "cli.h"

/* The top-level help: what kmsctl is, every command of cmds[0..n) with its summary. */
void cli_help_main(FILE *f, const cli_command *cmds, size_t n, const char *version);

/* A group's help: usage, description, its actions. */
void cli_help_group(FILE *f, const cli_group *g);

/* An action's help: Usage, description, Options (--json with what it prints, --help, --),
 * Example. cmd is the full command ("wallet new"). */
void cli_help_action(FILE *f, const char *cmd, const cli_action *a);

#endif
