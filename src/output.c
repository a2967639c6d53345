/* output.c: messages on stderr, JSON and values on stdout, and reading standard input. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

ETH_PRINTF(2, 0)
static void vline(const char *prefix, const char *fmt, va_list ap)
{
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_usage(const cli_call *c, const char *fmt, ...)
{
    char prefix[96];
    snprintf(prefix, sizeof prefix, "kmsctl %s: ", c->cmd);
    va_list ap;
    va_start(ap, fmt);
    vline(prefix, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Run 'kmsctl %s --help' for usage.\n", c->cmd);
    return CLI_USAGE;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline("kmsctl: ", fmt, ap);
    va_end(ap);
    return CLI_FAIL;
}

int cli_fail_err(const eth_error *err)
{
    return cli_fail("%s", err->msg[0] ? err->msg : "unknown error");
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline("kmsctl: warning: ", fmt, ap);
    va_end(ap);
}

int cli_read_stdin(eth_buf *b, eth_error *err)
{
    for (;;) {
        uint8_t chunk[4096];
        ssize_t got = read(STDIN_FILENO, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            char why[128];
            return eth_fail(err, ETH_EIO, "cannot read standard input: %s",
                            eth_strerror(errno, why, sizeof why));
        }
        if (got == 0)
            return 0;
        int rc = eth_buf_append(b, chunk, (size_t)got, err);
        if (rc)
            return rc;
    }
}

int cli_read_stdin_text(eth_buf *b, eth_error *err)
{
    size_t start = b->len;
    int rc = cli_read_stdin(b, err);
    if (rc)
        return rc;
    const uint8_t *nul = memchr(b->data + start, 0, b->len - start);
    if (b->data && nul)
        return eth_fail(err, ETH_EINVAL, "standard input holds a NUL byte at position %zu; "
                                         "expected text",
                        (size_t)(nul - (b->data + start)));
    while (b->len > start && strchr(" \t\r\n\v\f", b->data[b->len - 1]))
        b->len--;
    return eth_buf_terminate(b, err);
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

int cli_print_value(const cli_call *c, const char *key, const char *value)
{
    if (c->json)
        return cli_print_json(json_pack("{s:s}", key, value));
    puts(value);
    return CLI_OK;
}
