/* abi_error.c: decoding revert data into a sentence. */
#include "abi_error.h"

#include <stdio.h>
#include <string.h>
#include "abi_decode.h"
#include "abi_format.h"
#include "abi_selector.h"

static const uint8_t SEL_ERROR[4] = {0x08, 0xc3, 0x79, 0xa0};
static const uint8_t SEL_PANIC[4] = {0x4e, 0x48, 0x7b, 0x71};

const char *eth_abi_panic_meaning(uint64_t code)
{
    switch (code) {
    case 0x00: return "generic compiler panic";
    case 0x01: return "assert(false) or a failed assertion";
    case 0x11: return "arithmetic underflow or overflow";
    case 0x12: return "division or modulo by zero";
    case 0x21: return "conversion to an enum out of range";
    case 0x22: return "incorrectly encoded storage byte array";
    case 0x31: return "pop() on an empty array";
    case 0x32: return "array index out of bounds";
    case 0x41: return "too much memory allocated";
    case 0x51: return "call to a zero-initialized internal function";
    default: return NULL;
    }
}

static int puts_buf(eth_buf *out, const char *s, eth_error *err)
{
    return eth_buf_append(out, s, strlen(s), err);
}

/* Decodes data after the selector against sig's inputs and appends "name(v1, v2)". */
static int format_call(const eth_abi_sig *sig, const uint8_t *data, size_t n, eth_buf *out,
                       eth_error *err)
{
    eth_abi_value v;
    size_t start = out->len;
    int rc = eth_abi_decode(sig->inputs, data, n, &v, err);
    if (rc != 0)
        return eth_error_prefix(err, "%s: ", sig->name);
    rc = puts_buf(out, sig->name, err);
    if (rc == 0)
        rc = eth_abi_format(&v, out, err);
    eth_abi_value_clear(&v);
    if (rc != 0)
        out->len = start;
    return rc;
}

static int decode_error_string(const uint8_t *d, size_t n, eth_buf *out, eth_error *err)
{
    eth_abi_sig sig;
    int rc = eth_abi_sig_parse("Error(string)", ETH_ABI_STRICT, &sig, err);
    if (rc == 0)
        rc = format_call(&sig, d + 4, n - 4, out, err);
    eth_abi_sig_clear(&sig);
    return rc;
}

/* "Panic(0x11): arithmetic underflow or overflow". */
static int decode_panic(const uint8_t *d, size_t n, eth_buf *out, eth_error *err)
{
    if (n < 36)
        return eth_fail(err, ETH_EINVAL, "Panic: revert data too short (%zu bytes)", n);
    int big = 0;
    uint64_t code = 0;
    for (size_t i = 4; i < 28; i++)
        big |= d[i] != 0;
    for (size_t i = 28; i < 36; i++)
        code = code << 8 | d[i];
    const char *m = big ? NULL : eth_abi_panic_meaning(code);
    char tmp[128];
    if (big)
        snprintf(tmp, sizeof tmp, "Panic(code above 2^64): unknown panic code");
    else
        snprintf(tmp, sizeof tmp, "Panic(0x%llx): %s", (unsigned long long)code, m ? m : "unknown panic code");
    return puts_buf(out, tmp, err);
}

static int decode_custom(const uint8_t *d, size_t n, const char *const *sigs, size_t nsigs,
                         eth_buf *out, eth_error *err, int *found)
{
    for (size_t i = 0; i < nsigs && !*found; i++) {
        eth_abi_sig sig;
        uint8_t sel[4];
        if (eth_abi_sig_parse(sigs[i], ETH_ABI_STRICT, &sig, err) != 0)
            return eth_error_prefix(err, "error signature %zu: ", i + 1);
        int rc = eth_abi_selector(&sig, sel, err);
        if (rc == 0 && memcmp(sel, d, 4) == 0) {
            *found = 1;
            rc = format_call(&sig, d + 4, n - 4, out, err);
        }
        eth_abi_sig_clear(&sig);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int eth_abi_decode_revert(const uint8_t *data, size_t n, const char *const *sigs, size_t nsigs,
                          eth_buf *out, eth_error *err)
{
    int rc = 0, found = 0;
    if (n == 0)
        rc = puts_buf(out, "(empty revert data)", err);
    else if (n < 4)
        return eth_fail(err, ETH_EINVAL, "revert data of %zu bytes is shorter than a selector", n);
    else if (memcmp(data, SEL_ERROR, 4) == 0)
        rc = decode_error_string(data, n, out, err);
    else if (memcmp(data, SEL_PANIC, 4) == 0)
        rc = decode_panic(data, n, out, err);
    else {
        rc = decode_custom(data, n, sigs, nsigs, out, err, &found);
        if (rc == 0 && !found) {
            char tmp[80];
            snprintf(tmp, sizeof tmp, "unknown error 0x%02x%02x%02x%02x (%zu bytes)", data[0], data[1],
                     data[2], data[3], n);
            rc = puts_buf(out, tmp, err);
        }
    }
    return rc != 0 ? rc : eth_buf_terminate(out, err);
}
