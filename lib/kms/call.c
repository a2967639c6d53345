/* call.c: calldata from signatures and argument texts; view calls with decoded results. */
#include "call.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "eth/abi_decode.h"
#include "eth/abi_encode.h"
#include "eth/abi_selector.h"
#include "eth/abi_type.h"
#include "eth/hex.h"
#include "eth/rpc_eth.h"

int kms_calldata(const char *sig, const char *const *args, size_t nargs, eth_buf *out,
                 eth_error *err)
{
    eth_abi_sig s;
    uint8_t sel[4];
    int rc = eth_abi_sig_parse(sig, ETH_ABI_STRICT, &s, err);
    if (rc)
        return eth_error_prefix(err, "%s: ", sig);
    rc = eth_abi_selector(&s, sel, err);
    if (rc == 0)
        rc = eth_buf_append(out, sel, 4, err);
    if (rc == 0)
        rc = eth_abi_encode_args(s.inputs, (char *const *)args, nargs, out, err);
    if (rc)
        (void)eth_error_prefix(err, "%s: ", sig);
    eth_abi_sig_clear(&s);
    return rc;
}

int kms_abi_encode(const char *types, const char *const *args, size_t nargs, eth_buf *out,
                   eth_error *err)
{
    eth_abi_type *t = NULL;
    int rc = eth_abi_type_parse(types, &t, err);
    if (rc == 0 && t->kind != ETH_ABI_TUPLE)
        rc = eth_fail(err, ETH_EINVAL, "'%s' is not a parameter list", types);
    if (rc == 0)
        rc = eth_abi_encode_args(t, (char *const *)args, nargs, out, err);
    eth_abi_type_free(t);
    return rc ? eth_error_prefix(err, "%s: ", types) : 0;
}

void kms_result_clear(kms_result *r)
{
    if (!r)
        return;
    eth_abi_value_clear(&r->out);
    eth_abi_sig_clear(&r->sig);
}

int kms_view(eth_rpc *rpc, const uint8_t to[20], const uint8_t *from, const char *block,
             const char *sig, const char *const *args, size_t nargs, kms_result *r,
             eth_error *err)
{
    memset(r, 0, sizeof *r);
    eth_buf data = {0}, ret = {0};
    int rc = kms_calldata(sig, args, nargs, &data, err);
    if (rc == 0)
        rc = eth_abi_sig_parse(sig, ETH_ABI_STRICT, &r->sig, err);
    eth_call_req req = {.from = from, .to = to, .data = data.data, .data_len = data.len};
    if (rc == 0)
        rc = eth_rpc_call_contract(rpc, &req, block, &ret, err);
    if (rc == 0 && ret.len == 0 && r->sig.outputs->nfields > 0)
        rc = eth_fail(err, ETH_ESTATE, "%s returned nothing: no contract at that address, or "
                                       "it has no such function", sig);
    if (rc == 0 && (rc = eth_abi_decode(r->sig.outputs, ret.data, ret.len, &r->out, err)) != 0)
        rc = eth_error_prefix(err, "%s returned %zu bytes that do not decode: ", sig, ret.len);
    eth_buf_clear(&data);
    eth_buf_clear(&ret);
    if (rc)
        kms_result_clear(r);
    return rc;
}

/* Output i of r if it has kind k. */
static const eth_abi_value *output(const kms_result *r, size_t i, eth_abi_kind k, eth_error *err)
{
    if (i >= r->out.nitems || r->out.items[i].type->kind != k) {
        eth_fail(err, ETH_EINVAL, "output %zu of %s is not of the type read", i, r->sig.name);
        return NULL;
    }
    return &r->out.items[i];
}

int kms_result_address(const kms_result *r, size_t i, uint8_t out[20], eth_error *err)
{
    const eth_abi_value *v = output(r, i, ETH_ABI_ADDRESS, err);
    if (!v)
        return -err->code;
    memcpy(out, v->word + 12, 20);
    return 0;
}

int kms_result_bool(const kms_result *r, size_t i, bool *out, eth_error *err)
{
    const eth_abi_value *v = output(r, i, ETH_ABI_BOOL, err);
    if (!v)
        return -err->code;
    *out = v->word[31] != 0;
    return 0;
}

int kms_result_b32(const kms_result *r, size_t i, uint8_t out[32], eth_error *err)
{
    const eth_abi_value *v = output(r, i, ETH_ABI_FIXED_BYTES, err);
    if (!v)
        return -err->code;
    memcpy(out, v->word, 32);
    return 0;
}

int kms_result_u64(const kms_result *r, size_t i, uint64_t *out, eth_error *err)
{
    const eth_abi_value *v = output(r, i, ETH_ABI_UINT, err);
    if (!v)
        return -err->code;
    for (int b = 0; b < 24; b++)
        if (v->word[b])
            return eth_fail(err, ETH_ERANGE, "output %zu of %s does not fit in 64 bits", i,
                            r->sig.name);
    uint64_t x = 0;
    for (int b = 24; b < 32; b++)
        x = x << 8 | v->word[b];
    *out = x;
    return 0;
}

int kms_result_bytes(const kms_result *r, size_t i, const uint8_t **p, size_t *n,
                     eth_error *err)
{
    if (i >= r->out.nitems || (r->out.items[i].type->kind != ETH_ABI_BYTES &&
                               r->out.items[i].type->kind != ETH_ABI_STRING))
        return eth_fail(err, ETH_EINVAL, "output %zu of %s is not bytes or string", i,
                        r->sig.name);
    *p = r->out.items[i].data;
    *n = r->out.items[i].len;
    return 0;
}

const char *kms_text_addr(const uint8_t addr[20], char out[43])
{
    eth_hex_encode(addr, 20, out);
    return out;
}

const char *kms_text_b32(const uint8_t b[32], char out[67])
{
    eth_hex_encode(b, 32, out);
    return out;
}

const char *kms_text_u64(uint64_t v, char out[21])
{
    snprintf(out, 21, "%" PRIu64, v);
    return out;
}

int kms_text_addr_list(const uint8_t (*addrs)[20], size_t n, eth_buf *out, eth_error *err)
{
    int rc = eth_buf_append_str(out, "[", err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char a[43];
        rc = eth_buf_printf(out, err, "%s%s", i ? "," : "", kms_text_addr(addrs[i], a));
    }
    if (rc == 0)
        rc = eth_buf_append_str(out, "]", err);
    return rc ? rc : eth_buf_terminate(out, err);
}
