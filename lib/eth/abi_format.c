/* abi_format.c: cast's display of decoded values. */
#include "abi_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "address.h"
#include "u256.h"
#include "internal/utf8.h"

static int put(eth_buf *out, const char *s, eth_error *err)
{
    return eth_buf_append(out, s, strlen(s), err);
}

/* "[1.234e9]" hint: 4 significant digits, trailing zeros trimmed. */
static void exp_hint(const char *sign, const char *dec, char *out, size_t cap)
{
    size_t l = strlen(dec), m = l < 4 ? l : 4;
    char mant[8];
    memcpy(mant, dec, m);
    while (m > 1 && mant[m - 1] == '0')
        m--;
    mant[m] = '\0';
    if (m > 1) {
        memmove(mant + 2, mant + 1, m);
        mant[1] = '.';
    }
    snprintf(out, cap, " [%s%se%zu]", sign, mant, l - 1);
}

/* Decimal of the word as unsigned or signed (two's complement over 256 bits). */
static int put_number(const eth_abi_value *v, int hint, eth_buf *out, eth_error *err)
{
    u256 x = u256_from_be(v->word, 32);
    const char *sign = "";
    if (v->type->kind == ETH_ABI_INT && (v->word[0] & 0x80)) {
        x = u256_neg(&x);
        sign = "-";
    }
    char dec[U256_DEC_MAX], hs[32] = "";
    u256_to_dec(&x, dec);
    u256 lim = u256_from_u64(10000);
    if (hint && u256_cmp(&x, &lim) >= 0)
        exp_hint(sign, dec, hs, sizeof hs);
    int rc = put(out, sign, err);
    if (rc == 0)
        rc = put(out, dec, err);
    return rc != 0 ? rc : put(out, hs, err);
}

static int put_hex(const uint8_t *p, size_t n, eth_buf *out, eth_error *err)
{
    return eth_hex_append(out, p, n, err);
}

static const char *simple_escape(uint32_t cp)
{
    switch (cp) {
    case 0: return "\\0";
    case '\t': return "\\t";
    case '\r': return "\\r";
    case '\n': return "\\n";
    case '\\': return "\\\\";
    case '"': return "\\\"";
    default: return NULL;
    }
}

int eth_abi_format_quoted(const uint8_t *s, size_t n, eth_buf *out, eth_error *err)
{
    int rc = put(out, "\"", err);
    for (size_t i = 0; rc == 0 && i < n;) {
        uint32_t cp = eth_utf8_next(s, n, &i);
        const char *e = simple_escape(cp);
        char tmp[16];
        uint8_t u[4];
        if (e) {
            rc = put(out, e, err);
        } else if (eth_unicode_escaped(cp)) {
            snprintf(tmp, sizeof tmp, "\\u{%x}", (unsigned)cp);
            rc = put(out, tmp, err);
        } else {
            rc = eth_buf_append(out, u, eth_utf8_put(cp, u), err);
        }
    }
    return rc != 0 ? rc : put(out, "\"", err);
}

static int put_lossy(const uint8_t *s, size_t n, eth_buf *out, eth_error *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n;) {
        uint8_t u[4];
        uint32_t cp = eth_utf8_next(s, n, &i);
        rc = eth_buf_append(out, u, eth_utf8_put(cp, u), err);
    }
    return rc;
}

static int format_any(const eth_abi_value *v, int cast_style, eth_buf *out, eth_error *err);

static int word_is_zero(const uint8_t w[32])
{
    for (int i = 0; i < 32; i++)
        if (w[i])
            return 0;
    return 1;
}

static int format_list(const eth_abi_value *v, int cast_style, const char *open, const char *close,
                       eth_buf *out, eth_error *err)
{
    int rc = put(out, open, err);
    for (size_t i = 0; rc == 0 && i < v->nitems; i++) {
        if (i > 0)
            rc = put(out, ", ", err);
        if (rc == 0)
            rc = format_any(&v->items[i], cast_style, out, err);
    }
    return rc != 0 ? rc : put(out, close, err);
}

static int format_any(const eth_abi_value *v, int cast_style, eth_buf *out, eth_error *err)
{
    char addr[43];
    switch (v->type->kind) {
    case ETH_ABI_UINT:
    case ETH_ABI_INT: return put_number(v, cast_style, out, err);
    case ETH_ABI_BOOL: return put(out, word_is_zero(v->word) ? "false" : "true", err);
    case ETH_ABI_ADDRESS:
        eth_address_checksum(v->word + 12, addr);
        return put(out, addr, err);
    case ETH_ABI_FIXED_BYTES: return put_hex(v->word, v->type->size, out, err);
    case ETH_ABI_FUNCTION: return put_hex(v->word, 24, out, err);
    case ETH_ABI_BYTES: return put_hex(v->data, v->len, out, err);
    case ETH_ABI_STRING:
        return cast_style ? eth_abi_format_quoted(v->data, v->len, out, err)
                          : put_lossy(v->data, v->len, out, err);
    case ETH_ABI_ARRAY:
    case ETH_ABI_FIXED_ARRAY: return format_list(v, cast_style, "[", "]", out, err);
    case ETH_ABI_TUPLE: return format_list(v, cast_style, "(", ")", out, err);
    default: return eth_fail(err, ETH_EUNSUP, "cannot format this type");
    }
}

/* Checks v, formats it and NUL-terminates out. */
static int format_checked(const eth_abi_value *v, int cast_style, eth_buf *out, eth_error *err)
{
    int rc = eth_abi_value_check(v, err);
    if (rc == 0)
        rc = format_any(v, cast_style, out, err);
    return rc != 0 ? rc : eth_buf_terminate(out, err);
}

int eth_abi_format(const eth_abi_value *v, eth_buf *out, eth_error *err)
{
    return format_checked(v, 1, out, err);
}

int eth_abi_format_plain(const eth_abi_value *v, eth_buf *out, eth_error *err)
{
    return format_checked(v, 0, out, err);
}
