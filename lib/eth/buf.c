/* buf.c: the growable byte buffer. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grows b for extra more bytes; slack bytes past the limit are allowed (a terminating NUL). */
static int grow(eth_buf *b, size_t extra, size_t slack, eth_error *err)
{
    if (extra <= b->cap - b->len)
        return 0;
    if (b->limit && (b->len > b->limit || extra > b->limit + slack - b->len))
        return eth_fail(err, ETH_ERANGE, "data exceeds the limit of %zu bytes", b->limit);
    if (extra > SIZE_MAX / 2 - b->len)
        return eth_fail(err, ETH_ENOMEM, "buffer too large (%zu more bytes)", extra);
    size_t cap = b->cap ? b->cap : 64;
    while (cap - b->len < extra)
        cap *= 2;
    if (b->limit && cap > b->limit + 1)
        cap = b->limit + 1; /* room for a terminating NUL at the limit */
    uint8_t *p;
    if (b->secret) {
        p = malloc(cap);
        if (p && b->len)
            memcpy(p, b->data, b->len);
        if (p && b->data) {
            eth_wipe(b->data, b->cap);
            free(b->data);
        }
    } else {
        p = realloc(b->data, cap);
    }
    if (!p)
        return eth_fail(err, ETH_ENOMEM, "out of memory (%zu bytes)", cap);
    b->data = p;
    b->cap = cap;
    return 0;
}

int eth_buf_reserve(eth_buf *b, size_t extra, eth_error *err)
{
    return grow(b, extra, 0, err);
}

int eth_buf_append(eth_buf *b, const void *p, size_t n, eth_error *err)
{
    if (n == 0)
        return 0;
    int rc = eth_buf_reserve(b, n, err);
    if (rc)
        return rc;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int eth_buf_append_str(eth_buf *b, const char *s, eth_error *err)
{
    return eth_buf_append(b, s, strlen(s), err);
}

int eth_buf_fill(eth_buf *b, uint8_t v, size_t n, eth_error *err)
{
    if (n == 0)
        return 0;
    int rc = eth_buf_reserve(b, n, err);
    if (rc)
        return rc;
    memset(b->data + b->len, v, n);
    b->len += n;
    return 0;
}

int eth_buf_printf(eth_buf *b, eth_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return eth_fail(err, ETH_EINVAL, "bad format");
    int rc = grow(b, (size_t)n + 1, 1, err);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

int eth_buf_terminate(eth_buf *b, eth_error *err)
{
    int rc = grow(b, 1, 1, err);
    if (rc == 0)
        b->data[b->len] = '\0';
    return rc;
}

const char *eth_buf_str(const eth_buf *b)
{
    return b->data ? (const char *)b->data : "";
}

void eth_buf_clear(eth_buf *b)
{
    if (!b)
        return;
    if (b->data && b->secret)
        eth_wipe(b->data, b->cap);
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
