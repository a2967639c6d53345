/* error.c: filling eth_error and wiping secrets. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int eth_fail(eth_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -code;
}

int eth_error_prefix(eth_error *err, const char *fmt, ...)
{
    if (!err)
        return -ETH_EINVAL;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t pl = strlen(prefix), cap = sizeof err->msg - 1;
    size_t ml = strnlen(err->msg, cap);
    if (pl > cap)
        pl = cap;
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
    }
}

void eth_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}
