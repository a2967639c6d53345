/* help.c: help texts built from the command tables, the same shape for every command. */
#include "help.h"

#include <string.h>

/* Width of the left column of option and command lists. */
#define COL 26

/* Prints "  LEFT  HELP", HELP's continuation lines ("\n") aligned under its first line. */
static void row(FILE *f, const char *left, const char *help)
{
    int w = fprintf(f, "  %s", left);
    if (w >= COL) {
        fputc('\n', f);
        w = 0;
    }
    fprintf(f, "%*s", COL - w, "");
    for (const char *p = help; *p; p++) {
        fputc(*p, f);
        if (*p == '\n' && p[1])
            fprintf(f, "%*s", COL, "");
    }
    fputc('\n', f);
}

static void flag_row(FILE *f, const cli_flag *fl)
{
    char left[96];
    snprintf(left, sizeof left, "--%s%s%s", fl->name, fl->arg ? " " : "", fl->arg ? fl->arg : "");
    char help[512];
    snprintf(help, sizeof help, "%s%s%s%s%s", fl->help, fl->alias ? " (also --" : "",
             fl->alias ? fl->alias : "", fl->alias ? ")" : "", fl->repeat ? "; repeatable" : "");
    row(f, left, help);
}

/* Prints text indented by two spaces, line by line. */
static void indented(FILE *f, const char *text)
{
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        fprintf(f, "  %.*s\n", (int)n, p);
        p += n + (e ? 1 : 0);
    }
}

void cli_help_action(FILE *f, const char *cmd, const cli_action *a)
{
    bool opts = a->flags || a->json;
    fprintf(f, "Usage: kmsctl %s%s%s%s\n\n", cmd, a->args[0] ? " " : "", a->args,
            opts ? " [options]" : "");
    fprintf(f, "%s\n\nOptions:\n", a->about);
    for (const cli_flag *const *set = a->flags; set && *set; set++)
        for (const cli_flag *fl = *set; fl->name; fl++)
            flag_row(f, fl);
    if (a->json)
        row(f, "--json", a->json);
    row(f, "-h, --help", "show this help");
    if (a->max_args != 0)
        row(f, "--", "end of options: what follows is an argument even if it\nstarts with '-'");
    fputs("\nExample:\n", f);
    indented(f, a->example);
}

void cli_help_group(FILE *f, const cli_group *g)
{
    fprintf(f, "Usage: kmsctl %s ACTION [ARGS] [options]\n\n%s\n\nActions:\n", g->name, g->about);
    for (size_t i = 0; i < g->nactions; i++)
        row(f, g->actions[i].name, g->actions[i].summary);
    fprintf(f, "\nRun 'kmsctl %s ACTION --help' for an action's options and an example.\n", g->name);
}

void cli_help_main(FILE *f, const cli_command *cmds, size_t n, const char *version)
{
    fprintf(f, "kmsctl %s: one program for an on-chain KMS policy (DstackKms / DstackApp).\n\n"
               "Usage: kmsctl COMMAND [ARGS] [options]\n\nCommands:\n",
            version);
    for (size_t i = 0; i < n; i++)
        row(f, cmds[i].name, cmds[i].group ? cmds[i].group->summary : cmds[i].action->summary);
    fputs("\nRun 'kmsctl COMMAND --help' (or 'kmsctl help COMMAND') for its options and an\n"
          "example. Options: --json for output a script reads, -- before an argument that\n"
          "starts with '-'. kmsctl --version prints the version.\n"
          "Exit codes: 0 ok, 1 failure, 2 usage error.\n",
          f);
}
