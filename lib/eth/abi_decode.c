/* abi_decode.c: strict bounds checking over untrusted offsets and lengths. */
#include "abi_decode.h"

#include <stdlib.h>
#include <string.h>

typedef struct dctx {
    const uint8_t *d;
    size_t n;
    size_t budget; /* values + bytes still allowed, against offset aliasing blow-ups */
} dctx;

static int decode_at(dctx *c, const eth_abi_type *t, size_t at, eth_abi_value *v, eth_error *err);

static int overrun(eth_error *err)
{
    return eth_fail(err, ETH_EINVAL, "ABI data too short: buffer overrun while decoding");
}

static int spend(dctx *c, size_t units, eth_error *err)
{
    if (units > c->budget)
        return eth_fail(err, ETH_ERANGE, "ABI data expands too much (aliased offsets?)");
    c->budget -= units;
    return 0;
}

/* Reads the word at `at` as a size (offset or length) that must be < 2^32 and in range. */
static int read_size(const dctx *c, size_t at, size_t *out, eth_error *err)
{
    if (at > c->n || c->n - at < 32)
        return overrun(err);
    const uint8_t *w = c->d + at;
    for (int i = 0; i < 28; i++)
        if (w[i] != 0)
            return eth_fail(err, ETH_EINVAL, "offset or length at byte %zu is too large", at);
    *out = (size_t)w[28] << 24 | (size_t)w[29] << 16 | (size_t)w[30] << 8 | (size_t)w[31];
    return 0;
}

static int decode_data(dctx *c, size_t at, eth_abi_value *v, eth_error *err)
{
    size_t len;
    int rc = read_size(c, at, &len, err);
    if (rc != 0)
        return rc;
    size_t start = at + 32;
    if (len > c->n - start)
        return overrun(err);
    rc = spend(c, len + 1, err);
    if (rc != 0)
        return rc;
    v->data = malloc(len + 1);
    if (!v->data)
        return eth_fail(err, ETH_ENOMEM, "out of memory (%zu bytes of ABI data)", len);
    memcpy(v->data, c->d + start, len);
    v->len = len;
    return 0;
}

/* count items of type elem (or of the tuple's fields) whose heads start at base. */
static int decode_seq(dctx *c, const eth_abi_type *t, size_t count, size_t base, eth_abi_value *v,
                      eth_error *err)
{
    if (count > 0 && base > c->n)
        return overrun(err);
    int rc = spend(c, count + 1, err);
    if (rc == 0)
        rc = eth_abi_value_alloc_items(v, count, err);
    if (rc != 0)
        return rc;
    size_t pos = base;
    for (size_t i = 0; i < count; i++) {
        const eth_abi_type *it = t->kind == ETH_ABI_TUPLE ? t->fields[i] : t->elem;
        size_t at = pos;
        if (eth_abi_type_is_dynamic(it)) {
            size_t off;
            rc = read_size(c, pos, &off, err);
            if (rc != 0)
                return rc;
            if (off > c->n - base)
                return overrun(err);
            at = base + off;
        }
        rc = decode_at(c, it, at, &v->items[i], err);
        if (rc != 0)
            return rc;
        size_t hs = eth_abi_type_head_size(it);
        if (hs > c->n - pos)
            return overrun(err);
        pos += hs;
    }
    return 0;
}

static int decode_array(dctx *c, const eth_abi_type *t, size_t at, eth_abi_value *v, eth_error *err)
{
    size_t count;
    int rc = read_size(c, at, &count, err);
    if (rc != 0)
        return rc;
    size_t hs = eth_abi_type_head_size(t->elem), room = c->n - (at + 32);
    if (hs > 0 && count > room / hs)
        return overrun(err);
    return decode_seq(c, t, count, at + 32, v, err);
}

static int decode_at(dctx *c, const eth_abi_type *t, size_t at, eth_abi_value *v, eth_error *err)
{
    v->type = t;
    switch (t->kind) {
    case ETH_ABI_BYTES:
    case ETH_ABI_STRING:
        return decode_data(c, at, v, err);
    case ETH_ABI_ARRAY:
        return decode_array(c, t, at, v, err);
    case ETH_ABI_FIXED_ARRAY:
        return decode_seq(c, t, t->len, at, v, err);
    case ETH_ABI_TUPLE:
        return decode_seq(c, t, t->nfields, at, v, err);
    case ETH_ABI_OPAQUE:
        return eth_fail(err, ETH_EUNSUP, "cannot decode unknown type '%s'", t->ident ? t->ident : "?");
    default:
        if (at > c->n || c->n - at < 32)
            return overrun(err);
        memcpy(v->word, c->d + at, 32);
        return spend(c, 1, err);
    }
}

int eth_abi_decode(const eth_abi_type *params, const uint8_t *data, size_t n, eth_abi_value *out,
                   eth_error *err)
{
    memset(out, 0, sizeof *out);
    dctx c = {data, n, 64 * n + 65536};
    int rc = decode_at(&c, params, 0, out, err);
    if (rc != 0)
        eth_abi_value_clear(out);
    return rc;
}
