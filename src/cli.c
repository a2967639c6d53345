/* cli.c: flag parsing and output helpers shared by every command. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_flag *find_flag(const cli_flag *flags, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(flags[i].name) == len && memcmp(flags[i].name, name, len) == 0)
            return &flags[i];
    return NULL;
}

static int is_negative_number(const char *s)
{
    return s[0] == '-' && s[1] >= '0' && s[1] <= '9';
}

/* Handles one "--name[=value]" at argv[*i]; returns 0, CLI_HELP_SHOWN or CLI_USAGE. */
static int parse_flag(int argc, char **argv, int *i, const cli_flag *flags, size_t nflags,
                      const char *help)
{
    const char *arg = argv[*i] + 2;
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    if (len == 4 && memcmp(arg, "help", 4) == 0) {
        fputs(help, stdout);
        return CLI_HELP_SHOWN;
    }
    const cli_flag *f = find_flag(flags, nflags, arg, len);
    if (!f)
        return cli_usage_error(argv[0], "unknown option '--%.*s'", (int)len, arg);
    if (f->set)
        *f->set = true;
    if (!f->takes_value) {
        if (eq)
            return cli_usage_error(argv[0], "option '--%s' takes no value", f->name);
        return 0;
    }
    const char *v = eq ? eq + 1 : NULL;
    if (!v) {
        if (*i + 1 >= argc)
            return cli_usage_error(argv[0], "option '--%s' needs a value", f->name);
        v = argv[++*i];
    }
    if (f->value)
        *f->value = v;
    return 0;
}

int cli_parse(int argc, char **argv, const cli_flag *flags, size_t nflags, const char *help,
              cli_args *out)
{
    out->pos = calloc((size_t)argc + 1, sizeof(char *));
    out->npos = 0;
    if (!out->pos)
        return cli_fail("out of memory");
    int only_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
        } else if (!only_pos && (strcmp(a, "-h") == 0)) {
            fputs(help, stdout);
            return CLI_HELP_SHOWN;
        } else if (!only_pos && a[0] == '-' && a[1] == '-' && a[2] != '\0') {
            int rc = parse_flag(argc, argv, &i, flags, nflags, help);
            if (rc != 0)
                return rc;
        } else if (!only_pos && a[0] == '-' && a[1] != '\0' && !is_negative_number(a)) {
            return cli_usage_error(argv[0], "unknown option '%s'", a);
        } else {
            out->pos[out->npos++] = argv[i];
        }
    }
    return 0;
}

int cli_parse_json_only(int argc, char **argv, const char *help, int max_pos, const char *expected,
                        bool *json, cli_args *a)
{
    const cli_flag flags[] = {{"json", false, NULL, json}};
    int rc = cli_parse(argc, argv, flags, 1, help, a);
    if (rc == 0 && a->npos > max_pos)
        rc = cli_usage_error(argv[0], "expected %s, got %d arguments", expected, a->npos);
    if (rc == 0)
        return CLI_CONTINUE;
    cli_args_free(a);
    return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
}

void cli_args_free(cli_args *a)
{
    free(a->pos);
    a->pos = NULL;
    a->npos = 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void vprint_line(const char *prefix, const char *fmt, va_list ap)
{
    fprintf(stderr, "kmsctl: %s", prefix);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_line("", fmt, ap);
    va_end(ap);
    return CLI_FAIL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_line("", fmt, ap);
    va_end(ap);
    fprintf(stderr, "Run 'kmsctl %s --help' for usage.\n", cmd ? cmd : "");
    return CLI_USAGE;
}

int cli_fail_err(const eth_error *err)
{
    return cli_fail("%s", err->msg[0] ? err->msg : "unknown error");
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_line("warning: ", fmt, ap);
    va_end(ap);
}

int cli_print_json(json_t *v)
{
    if (!v)
        return cli_fail("out of memory");
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    json_decref(v);
    if (!s)
        return cli_fail("out of memory");
    puts(s);
    free(s);
    return CLI_OK;
}

int cli_read_stdin(eth_buf *b, eth_error *err)
{
    uint8_t chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        if (eth_buf_append(b, chunk, got, err))
            return -err->code;
    if (ferror(stdin))
        return eth_fail(err, ETH_EIO, "cannot read standard input: %s", strerror(errno));
    return 0;
}
