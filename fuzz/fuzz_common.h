/* fuzz_common.h: small helpers shared by the libFuzzer targets in fuzz/ (property checks, text copies). */
#ifndef ETH_FUZZ_COMMON_H
#define ETH_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts (a libFuzzer crash with a reproducer) when a property does not hold. */
#define FUZZ_CHECK(cond, what)                                                                   \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz property failed at %s:%d: %s\n", __FILE__, __LINE__, (what));  \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

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
