/* abi_encode.c: head/tail encoding per the Solidity ABI specification. */
#include "abi_encode.h"

#include <string.h>
#include "abi_coerce.h"

static int encode_seq(const eth_abi_value *items, size_t n, eth_buf *out, eth_error *err);

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
    if (put_word_u64(out, v->len, err) != 0 || eth_buf_append(out, v->data, v->len, err) != 0)
        return -ETH_ENOMEM;
    return eth_buf_fill(out, 0, pad, err);
}

int eth_abi_encode_value(const eth_abi_value *v, eth_buf *out, eth_error *err)
{
    switch (v->type->kind) {
    case ETH_ABI_BYTES:
    case ETH_ABI_STRING:
        return encode_data(v, out, err);
    case ETH_ABI_ARRAY:
        if (put_word_u64(out, v->nitems, err) != 0)
            return -ETH_ENOMEM;
        return encode_seq(v->items, v->nitems, out, err);
    case ETH_ABI_FIXED_ARRAY:
    case ETH_ABI_TUPLE:
        return encode_seq(v->items, v->nitems, out, err);
    default:
        return eth_buf_append(out, v->word, 32, err);
    }
}

/* Heads (static values inline, offsets for dynamic ones) then tails. */
static int encode_seq(const eth_abi_value *items, size_t n, eth_buf *out, eth_error *err)
{
    size_t base = out->len, hpos = base;
    for (size_t i = 0; i < n; i++) {
        if (!eth_abi_type_is_dynamic(items[i].type)) {
            if (eth_abi_encode_value(&items[i], out, err) != 0)
                return -ETH_ENOMEM;
        } else if (eth_buf_fill(out, 0, 32, err) != 0) {
            return -ETH_ENOMEM;
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t sz = eth_abi_type_head_size(items[i].type);
        if (eth_abi_type_is_dynamic(items[i].type)) {
            uint64_t off = (uint64_t)(out->len - base);
            for (int b = 0; b < 8; b++)
                out->data[hpos + 31 - b] = (uint8_t)(off >> (8 * b));
            if (eth_abi_encode_value(&items[i], out, err) != 0)
                return -ETH_ENOMEM;
        }
        hpos += sz;
    }
    return 0;
}

/* Shortens a value text for a one-line message: control characters shown as \n or '?'. */
static void clip(const char *s, char out[80])
{
    size_t o = 0, i = 0;
    for (; s[i] && o < 60; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else {
            out[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
        }
    }
    if (s[i]) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

int eth_abi_encode_args(const eth_abi_type *params, char *const *texts, size_t ntexts,
                        eth_buf *out, eth_error *err)
{
    if (ntexts != params->nfields)
        return eth_fail(err, ETH_EINVAL, "expected %zu argument%s, got %zu", params->nfields,
                        params->nfields == 1 ? "" : "s", ntexts);
    eth_abi_value tuple = {0};
    tuple.type = params;
    if (eth_abi_value_alloc_items(&tuple, ntexts, err) != 0)
        return -ETH_ENOMEM;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ntexts; i++) {
        rc = eth_abi_coerce(params->fields[i], texts[i], &tuple.items[i], err);
        if (rc != 0) {
            char canon[256], shown[80];
            size_t used = 0;
            if (eth_abi_type_canonical(params->fields[i], canon, sizeof canon, &used) != 0)
                strcpy(canon, "...");
            clip(texts[i], shown);
            eth_error_prefix(err, "argument %zu (%s) '%s': ", i + 1, canon, shown);
        }
    }
    if (rc == 0)
        rc = eth_abi_encode_value(&tuple, out, err);
    eth_abi_value_clear(&tuple);
    return rc;
}
