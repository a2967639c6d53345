/* abi_encode.c: head/tail encoding per the Solidity ABI specification. */
#include "abi_encode.h"

#include <string.h>

#include "abi_coerce.h"
#include "text.h"

static int encode(const eth_abi_value *v, eth_buf *out, eth_error *err);

static int put_word_u64(eth_buf *out, uint64_t x, eth_error *err)
{
    uint8_t w[32] = {0};
    for (int i = 0; i < 8; i++)
        w[31 - i] = (uint8_t)(x >> (8 * i));
    return eth_buf_append(out, w, 32, err);
}

/* Length word, data, zero padding to a multiple of 32. */
static int encode_data(const eth_abi_value *v, eth_buf *out, eth_error *err)
{
    size_t pad = (32 - v->len % 32) % 32;
    int rc = put_word_u64(out, v->len, err);
    if (rc == 0)
        rc = eth_buf_append(out, v->data, v->len, err);
    if (rc == 0)
        rc = eth_buf_fill(out, 0, pad, err);
    return rc;
}

/* Heads (static values inline, zeroed offsets for dynamic ones) then tails, patching each
 * offset as its tail starts. */
static int encode_seq(const eth_abi_value *items, size_t n, eth_buf *out, eth_error *err)
{
    size_t base = out->len, hpos = base;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = eth_abi_type_is_dynamic(items[i].type) ? eth_buf_fill(out, 0, 32, err)
                                                     : encode(&items[i], out, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t sz = eth_abi_type_head_size(items[i].type);
        if (eth_abi_type_is_dynamic(items[i].type)) {
            uint64_t off = (uint64_t)(out->len - base);
            for (int b = 0; b < 8; b++)
                out->data[hpos + 31 - b] = (uint8_t)(off >> (8 * b));
            rc = encode(&items[i], out, err);
        }
        hpos += sz;
    }
    return rc;
}

/* Encodes a value that passed eth_abi_value_check. */
static int encode(const eth_abi_value *v, eth_buf *out, eth_error *err)
{
    switch (v->type->kind) {
    case ETH_ABI_BYTES:
    case ETH_ABI_STRING:
        return encode_data(v, out, err);
    case ETH_ABI_ARRAY: {
        int rc = put_word_u64(out, v->nitems, err);
        return rc != 0 ? rc : encode_seq(v->items, v->nitems, out, err);
    }
    case ETH_ABI_FIXED_ARRAY:
    case ETH_ABI_TUPLE:
        return encode_seq(v->items, v->nitems, out, err);
    default:
        return eth_buf_append(out, v->word, 32, err);
    }
}

int eth_abi_encode_value(const eth_abi_value *v, eth_buf *out, eth_error *err)
{
    int rc = eth_abi_value_check(v, err);
    return rc != 0 ? rc : encode(v, out, err);
}

int eth_abi_encode_args(const eth_abi_type *params, char *const *texts, size_t ntexts,
                        eth_buf *out, eth_error *err)
{
    if (ntexts != params->nfields)
        return eth_fail(err, ETH_EINVAL, "expected %zu argument%s, got %zu", params->nfields,
                        params->nfields == 1 ? "" : "s", ntexts);
    eth_abi_value tuple = {0};
    int rc = eth_abi_value_alloc_items(&tuple, ntexts, err);
    tuple.type = params;
    for (size_t i = 0; rc == 0 && i < ntexts; i++) {
        rc = eth_abi_coerce(params->fields[i], texts[i], &tuple.items[i], err);
        if (rc != 0) {
            char canon[256], shown[ETH_CLIP_BUF];
            size_t used = 0;
            eth_error ignored;
            if (eth_abi_type_canonical(params->fields[i], canon, sizeof canon, &used, &ignored) != 0)
                strcpy(canon, "...");
            rc = eth_error_prefix(err, "argument %zu (%s) '%s': ", i + 1, canon,
                                  eth_text_clipz(texts[i], shown));
        }
    }
    if (rc == 0)
        rc = eth_abi_encode_value(&tuple, out, err);
    eth_abi_value_clear(&tuple);
    return rc;
}
