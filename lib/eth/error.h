/* error.h: the one error style of lib/: functions return 0 or a negative code and fill a kms_error. */
#ifndef KMS_ETH_ERROR_H
#define KMS_ETH_ERROR_H

#include <stddef.h>

/* Error codes returned (negated) by lib functions. */
enum kms_err_code {
    KMS_OK = 0,
    KMS_EINVAL = 1,  /* malformed input value */
    KMS_ERANGE = 2,  /* value out of range for its type */
    KMS_ENOMEM = 3,  /* allocation failed */
    KMS_EIO = 4,     /* file or network i/o */
    KMS_ECRYPTO = 5, /* crypto library failure or bad key/password */
    KMS_EUNSUP = 6,  /* well-formed but not supported */
    KMS_ESTATE = 7   /* operation not valid in the current state */
};

/* A caller-owned error: code and a one-line message saying what failed, with what value. */
typedef struct kms_error {
    int code;
    char msg[512];
} kms_error;

/* Fills err (if not NULL) with code and a printf-style message; returns -code. */
int kms_fail(kms_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prefixes err's message with a printf-style context ("arg 2: "); returns -err->code. */
int kms_error_prefix(kms_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Resets err to "no error". */
void kms_error_clear(kms_error *err);

/* Overwrites n bytes at p with zeros in a way the compiler cannot elide. */
void kms_wipe(void *p, size_t n);

#endif
