/* error.h: the one error style of lib/: functions return 0 or a negative code and fill a eth_error. */
#ifndef ETH_ERROR_H
#define ETH_ERROR_H

#include <stddef.h>

/* Error codes returned (negated) by lib functions. */
enum eth_err_code {
    ETH_OK = 0,
    ETH_EINVAL = 1,  /* malformed input value */
    ETH_ERANGE = 2,  /* value out of range for its type */
    ETH_ENOMEM = 3,  /* allocation failed */
    ETH_EIO = 4,     /* file or network i/o */
    ETH_ECRYPTO = 5, /* crypto library failure or bad key/password */
    ETH_EUNSUP = 6,  /* well-formed but not supported */
    ETH_ESTATE = 7   /* operation not valid in the current state */
};

/* A caller-owned error: code and a one-line message saying what failed, with what value. */
typedef struct eth_error {
    int code;
    char msg[512];
} eth_error;

/* Fills err (if not NULL) with code and a printf-style message; returns -code. */
int eth_fail(eth_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prefixes err's message with a printf-style context ("arg 2: "); returns -err->code. */
int eth_error_prefix(eth_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Resets err to "no error". */
void eth_error_clear(eth_error *err);

/* Overwrites n bytes at p with zeros in a way the compiler cannot elide. */
void eth_wipe(void *p, size_t n);

#endif
