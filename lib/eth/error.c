/* error.c: filling eth_error, error names, strerror_r, and wiping secrets. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

ETH_PRINTF(3, 0)
static void set_message(eth_error *err, int code, const char *fmt, va_list ap)
{
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    err->data_len = 0;
    err->data_truncated = false;
}

int eth_fail(eth_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        set_message(err, code, fmt, ap);
        va_end(ap);
    }
    return -code;
}

int eth_fail_revert(eth_error *err, const uint8_t *data, size_t n, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        set_message(err, ETH_EREVERT, fmt, ap);
        va_end(ap);
        size_t keep = n < sizeof err->data ? n : sizeof err->data;
        if (keep)
            memcpy(err->data, data, keep);
        err->data_len = keep;
        err->data_truncated = keep < n;
    }
    return -ETH_EREVERT;
}

int eth_error_prefix(eth_error *err, const char *fmt, ...)
{
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t pl = strlen(prefix), cap = sizeof err->msg - 1;
    size_t ml = strnlen(err->msg, cap);
    if (ml > cap - pl)
        ml = cap - pl;
    memmove(err->msg + pl, err->msg, ml);
    memcpy(err->msg, prefix, pl);
    err->msg[pl + ml] = '\0';
    return -err->code;
}

void eth_error_clear(eth_error *err)
{
    if (err) {
        err->code = ETH_OK;
        err->msg[0] = '\0';
        err->data_len = 0;
        err->data_truncated = false;
    }
}

const char *eth_err_name(int code)
{
    static const char *const NAMES[] = {"ok",     "invalid",     "range", "nomem",
                                        "io",     "crypto",      "unsupported", "state",
                                        "rpc",    "timeout",     "revert"};
    if (code < 0)
        code = -code;
    return (size_t)code < sizeof NAMES / sizeof NAMES[0] ? NAMES[code] : "unknown";
}

const char *eth_strerror(int errnum, char *buf, size_t cap)
{
    if (cap == 0)
        return buf;
    if (strerror_r(errnum, buf, cap) != 0)
        snprintf(buf, cap, "error %d", errnum);
    return buf;
}

void eth_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}
