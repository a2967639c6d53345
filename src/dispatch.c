/* dispatch.c: the one dispatcher: finds the command and action argv names, parses the flags
 * the action declares, checks the positionals, and runs it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "help.h"
#include "eth/text.h"

/* The values given for one declared flag. */
struct cli_given {
    const cli_flag *flag;
    char **values;
    size_t n;
};

/* Counts the flags an action declares, --json included. */
static size_t count_flags(const cli_action *a)
{
    size_t n = a->json ? 1 : 0;
    for (const cli_flag *const *set = a->flags; set && *set; set++)
        for (const cli_flag *f = *set; f->name; f++)
            n++;
    return n;
}

static const cli_flag JSON_FLAG = {"json", NULL, NULL, NULL, false};

/* Allocates one slot per declared flag. Returns 0 or -1 (out of memory). */
static int init_given(cli_call *c)
{
    size_t n = count_flags(c->action), i = 0;
    c->given = calloc(n ? n : 1, sizeof *c->given);
    if (!c->given)
        return -1;
    if (c->action->json)
        c->given[i++].flag = &JSON_FLAG;
    for (const cli_flag *const *set = c->action->flags; set && *set; set++)
        for (const cli_flag *f = *set; f->name; f++)
            c->given[i++].flag = f;
    c->ngiven = n;
    return 0;
}

static void free_given(cli_call *c)
{
    for (size_t i = 0; i < c->ngiven; i++)
        free(c->given[i].values);
    free(c->given);
    free(c->args);
}

static struct cli_given *find_given(const cli_call *c, const char *name, size_t len)
{
    for (size_t i = 0; i < c->ngiven; i++) {
        const cli_flag *f = c->given[i].flag;
        if ((strlen(f->name) == len && memcmp(f->name, name, len) == 0) ||
            (f->alias && strlen(f->alias) == len && memcmp(f->alias, name, len) == 0))
            return &c->given[i];
    }
    return NULL;
}

/* Records one value (or NULL for a switch) for g; returns CLI_OK or a usage/failure code. */
static int record(cli_call *c, struct cli_given *g, char *value)
{
    if (g->n > 0 && !g->flag->repeat)
        return cli_usage(c, "option '--%s' given more than once", g->flag->name);
    char **v = realloc(g->values, (g->n + 1) * sizeof *v);
    if (!v)
        return cli_fail("out of memory");
    g->values = v;
    g->values[g->n++] = value;
    return CLI_OK;
}

/* Handles "--name[=value]" at argv[*i]. Returns CLI_OK, CLI_USAGE, or -1 after printing help. */
static int parse_flag(cli_call *c, int argc, char **argv, int *i)
{
    char *arg = argv[*i] + 2, shown[ETH_CLIP_BUF];
    char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    if (len == 4 && memcmp(arg, "help", 4) == 0) {
        cli_help_action(stdout, c->cmd, c->action);
        return -1;
    }
    struct cli_given *g = find_given(c, arg, len);
    if (!g)
        return cli_usage(c, "unknown option '--%s'%s", eth_text_clip(arg, len, shown),
                         c->action->json || c->action->flags ? "" : " (this command takes none)");
    if (!g->flag->arg) {
        if (eq)
            return cli_usage(c, "option '--%s' takes no value", g->flag->name);
        return record(c, g, NULL);
    }
    char *v = eq ? eq + 1 : NULL;
    if (!v) {
        if (*i + 1 >= argc)
            return cli_usage(c, "option '--%s' needs a value (%s)", g->flag->name, g->flag->arg);
        v = argv[++*i];
    }
    return record(c, g, v);
}

static bool is_negative_number(const char *s)
{
    return s[0] == '-' && s[1] >= '0' && s[1] <= '9';
}

/* Sorts argv[first..argc) into flags and positionals. Returns CLI_OK, CLI_USAGE, CLI_FAIL, or
 * -1 when help was printed. */
static int parse_args(cli_call *c, int argc, char **argv, int first)
{
    c->args = calloc((size_t)argc + 1, sizeof *c->args);
    if (!c->args || init_given(c) != 0)
        return cli_fail("out of memory");
    bool only_args = false;
    for (int i = first; i < argc; i++) {
        char *a = argv[i], shown[ETH_CLIP_BUF];
        int rc = CLI_OK;
        if (only_args || is_negative_number(a) || a[0] != '-' || a[1] == '\0')
            c->args[c->nargs++] = a;
        else if (strcmp(a, "--") == 0)
            only_args = true;
        else if (strcmp(a, "-h") == 0) {
            cli_help_action(stdout, c->cmd, c->action);
            return -1;
        } else if (a[1] == '-')
            rc = parse_flag(c, argc, argv, &i);
        else
            rc = cli_usage(c, "unknown option '%s' (a value starting with '-' goes after '--')",
                           eth_text_clipz(a, shown));
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}

/* Checks the number of positionals against the action's declaration. */
static int check_count(cli_call *c)
{
    const cli_action *a = c->action;
    if (c->nargs < a->min_args)
        return cli_usage(c, "expected %s, got %s", a->args,
                         c->nargs == 0 ? "no argument" : "too few arguments");
    if (a->max_args >= 0 && c->nargs > a->max_args) {
        char shown[ETH_CLIP_BUF];
        const char *extra = c->args[a->max_args];
        if (a->max_args == 0)
            return cli_usage(c, "takes no argument, got '%s'", eth_text_clipz(extra, shown));
        return cli_usage(c, "expected %s; unexpected extra argument '%s'", a->args,
                         eth_text_clipz(extra, shown));
    }
    return CLI_OK;
}

/* Runs action a with the arguments argv[first..argc); cmd names it ("wallet new"). */
static int run_action(const char *cmd, const cli_action *a, int argc, char **argv, int first)
{
    cli_call c;
    memset(&c, 0, sizeof c);
    snprintf(c.cmd, sizeof c.cmd, "%s", cmd);
    c.action = a;
    int rc = parse_args(&c, argc, argv, first);
    if (rc == CLI_OK)
        rc = check_count(&c);
    if (rc == CLI_OK) {
        c.json = a->json && cli_given(&c, "json");
        rc = a->run(&c);
    }
    free_given(&c);
    return rc < 0 ? CLI_OK : rc;
}

static bool is_help(const char *s)
{
    return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0 || strcmp(s, "help") == 0;
}

static int unknown(const char *what, const char *name, const char *hint)
{
    char shown[ETH_CLIP_BUF];
    fprintf(stderr, "kmsctl: unknown %s '%s'\nRun '%s' for the list.\n", what,
            eth_text_clipz(name, shown), hint);
    return CLI_USAGE;
}

/* kmsctl GROUP [ACTION ARGS...]: argv[0] is the group's name. */
static int run_group(const cli_group *g, int argc, char **argv)
{
    if (argc < 2) {
        cli_help_group(stderr, g);
        return CLI_USAGE;
    }
    if (is_help(argv[1])) {
        cli_help_group(stdout, g);
        return CLI_OK;
    }
    for (size_t i = 0; i < g->nactions; i++)
        if (strcmp(argv[1], g->actions[i].name) == 0) {
            char cmd[64];
            snprintf(cmd, sizeof cmd, "%s %s", g->name, g->actions[i].name);
            return run_action(cmd, &g->actions[i], argc, argv, 2);
        }
    char hint[80];
    snprintf(hint, sizeof hint, "kmsctl %s --help", g->name);
    return unknown(g->name[0] ? "action" : "command", argv[1], hint);
}

static const cli_command *find_command(const cli_command *cmds, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, cmds[i].name) == 0)
            return &cmds[i];
    return NULL;
}

/* kmsctl help [COMMAND [ACTION]] */
static int help_for(const cli_command *cmds, size_t n, const char *version, int argc, char **argv)
{
    if (argc < 3) {
        cli_help_main(stdout, cmds, n, version);
        return CLI_OK;
    }
    const cli_command *cmd = find_command(cmds, n, argv[2]);
    if (!cmd)
        return unknown("command", argv[2], "kmsctl --help");
    if (cmd->action) {
        cli_help_action(stdout, cmd->name, cmd->action);
        return CLI_OK;
    }
    for (size_t i = 0; argc > 3 && i < cmd->group->nactions; i++)
        if (strcmp(argv[3], cmd->group->actions[i].name) == 0) {
            char full[64];
            snprintf(full, sizeof full, "%s %s", cmd->name, argv[3]);
            cli_help_action(stdout, full, &cmd->group->actions[i]);
            return CLI_OK;
        }
    cli_help_group(stdout, cmd->group);
    return CLI_OK;
}

int cli_main(const cli_command *cmds, size_t ncmds, const char *version, int argc, char **argv)
{
    if (argc < 2) {
        cli_help_main(stderr, cmds, ncmds, version);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("kmsctl %s\n", version);
        return CLI_OK;
    }
    if (strcmp(name, "help") == 0)
        return help_for(cmds, ncmds, version, argc, argv);
    if (is_help(name)) {
        cli_help_main(stdout, cmds, ncmds, version);
        return CLI_OK;
    }
    const cli_command *cmd = find_command(cmds, ncmds, name);
    if (!cmd)
        return unknown("command", name, "kmsctl --help");
    if (cmd->action)
        return run_action(cmd->name, cmd->action, argc, argv, 2);
    return run_group(cmd->group, argc - 1, argv + 1);
}

/* The slot of a flag the action declares; asking for another is a programming error. */
static const struct cli_given *must_find(const cli_call *c, const char *name)
{
    const struct cli_given *g = find_given(c, name, strlen(name));
    if (!g) {
        fprintf(stderr, "kmsctl: internal error: '%s' asks for undeclared option '%s'\n", c->cmd,
                name);
        abort();
    }
    return g;
}

char *cli_opt(const cli_call *c, const char *name)
{
    const struct cli_given *g = must_find(c, name);
    return g->n ? g->values[g->n - 1] : NULL;
}

bool cli_declares(const cli_call *c, const char *name)
{
    return find_given(c, name, strlen(name)) != NULL;
}

bool cli_given(const cli_call *c, const char *name)
{
    return must_find(c, name)->n > 0;
}

void cli_opt_all(const cli_call *c, const char *name, char *const **values, size_t *n)
{
    const struct cli_given *g = must_find(c, name);
    *values = g->values;
    *n = g->n;
}
