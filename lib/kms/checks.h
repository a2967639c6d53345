/* checks.h: a list of named checks, each with what was expected and what was found, as verify
 * reports them. */
#ifndef KMS_CHECKS_H
#define KMS_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include "eth/error.h"

/* One check (plain data). */
typedef struct kms_check {
    char name[96];      /* "DstackKms owner" */
    bool ok;
    char expected[320]; /* what it should be, in words or values */
    char found[320];    /* what the chain holds */
} kms_check;

/* A growing list (zero-initialise; release with kms_checks_clear). */
typedef struct kms_checks {
    kms_check *items;
    size_t n, cap;
} kms_checks;

/* Appends a check. Returns 0 or -ETH_ENOMEM. expected and found are printf-free strings (cut
 * to fit); any may be "". */
int kms_checks_add(kms_checks *l, const char *name, bool ok, const char *expected,
                   const char *found, eth_error *err) ETH_WARN_UNUSED;

/* Number of failed checks. */
size_t kms_checks_failed(const kms_checks *l);

/* Frees the list's items (not l itself). NULL is fine. */
void kms_checks_clear(kms_checks *l);

#endif
