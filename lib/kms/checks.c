/* checks.c: the list of verify's checks. */
#include "checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kms_checks_add(kms_checks *l, const char *name, bool ok, const char *expected,
                   const char *found, eth_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        kms_check *grown = realloc(l->items, cap * sizeof *grown);
        if (!grown)
            return eth_fail(err, ETH_ENOMEM, "out of memory");
        l->items = grown;
        l->cap = cap;
    }
    kms_check *c = &l->items[l->n++];
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->expected, sizeof c->expected, "%s", expected);
    snprintf(c->found, sizeof c->found, "%s", found);
    c->ok = ok;
    return 0;
}

size_t kms_checks_failed(const kms_checks *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += !l->items[i].ok;
    return n;
}

void kms_checks_clear(kms_checks *l)
{
    if (!l)
        return;
    free(l->items);
    memset(l, 0, sizeof *l);
}
