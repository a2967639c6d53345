/* fuzz_common.h: small helpers shared by the libFuzzer targets in fuzz/ (property checks, text copies). */
#ifndef ETH_FUZZ_COMMON_H
#define ETH_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/error.h"
#include "eth/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts (a libFuzzer crash with a reproducer) when a property does not hold. */
#define FUZZ_CHECK(cond, what)                                                                   \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz property failed at %s:%d: %s\n", __FILE__, __LINE__, (what));  \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

/* The bit of error code c in the set fuzz_check_refusal takes. */
#define FUZZ_CODE(c) (1u << (c))

/* Checks a refusal: rc is minus one of the codes in allowed (FUZZ_CODE(ETH_EINVAL) | ...),
 * err->code says the same, and the message is one non-empty line of UTF-8 without control
 * characters. err not NULL. */
static inline void fuzz_check_refusal(int rc, const eth_error *err, unsigned allowed)
{
    size_t n = strlen(err->msg);
    FUZZ_CHECK(rc < 0 && -rc < 32 && (allowed >> -rc & 1u), "an undocumented error code");
    FUZZ_CHECK(err->code == -rc, "err->code is not the code returned");
    FUZZ_CHECK(n > 0, "a failure without a message");
    FUZZ_CHECK(eth_utf8_valid((const uint8_t *)err->msg, n) && !eth_text_has_control(err->msg, n),
               "the message is not one line of UTF-8 without control characters");
}

/* A malloc'd NUL-terminated copy of p[0..n) (exactly n + 1 bytes, so ASan sees overreads). */
static inline char *fuzz_strndup(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        abort();
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* True if the NUL-terminated s contains no byte outside printable ASCII. */
static inline int fuzz_is_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

#endif
