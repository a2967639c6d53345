/* hex.c: hex text <-> bytes and the growable byte buffer. */
#include "hex.h"

#include <stdlib.h>
#include <string.h>

int eth_buf_reserve(eth_buf *b, size_t extra, eth_error *err)
{
    if (extra <= b->cap - b->len)
        return 0;
    if (extra > SIZE_MAX / 2 - b->len)
        return eth_fail(err, ETH_ENOMEM, "buffer too large (%zu more bytes)", extra);
    size_t cap = b->cap ? b->cap : 64;
    while (cap - b->len < extra)
        cap *= 2;
    uint8_t *p = malloc(cap);
    if (!p)
        return eth_fail(err, ETH_ENOMEM, "out of memory (%zu bytes)", cap);
    if (b->len)
        memcpy(p, b->data, b->len);
    if (b->data) {
        eth_wipe(b->data, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int eth_buf_append(eth_buf *b, const void *p, size_t n, eth_error *err)
{
    if (n == 0)
        return 0;
    int rc = eth_buf_reserve(b, n, err);
    if (rc)
        return rc;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int eth_buf_fill(eth_buf *b, uint8_t v, size_t n, eth_error *err)
{
    if (n == 0)
        return 0;
    int rc = eth_buf_reserve(b, n, err);
    if (rc)
        return rc;
    memset(b->data + b->len, v, n);
    b->len += n;
    return 0;
}

void eth_buf_free(eth_buf *b)
{
    if (b->data) {
        eth_wipe(b->data, b->cap);
        free(b->data);
    }
    b->data = NULL;
    b->len = b->cap = 0;
}

int eth_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int eth_hex_has_prefix(const char *s, size_t n)
{
    return n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

/* Decodes exactly n hex chars (even n) into out; returns 0 or -ETH_EINVAL naming the position. */
static int decode_digits(const char *s, size_t n, uint8_t *out, eth_error *err)
{
    if (n % 2)
        return eth_fail(err, ETH_EINVAL, "odd number of hex digits (%zu)", n);
    for (size_t i = 0; i < n; i += 2) {
        int hi = eth_hex_digit(s[i]), lo = eth_hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0) {
            size_t bad = hi < 0 ? i : i + 1;
            return eth_fail(err, ETH_EINVAL, "invalid hex character '%c' at position %zu", s[bad],
                            bad);
        }
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int eth_hex_decode(const char *s, size_t n, eth_buf *out, eth_error *err)
{
    if (eth_hex_has_prefix(s, n)) {
        s += 2;
        n -= 2;
    }
    if (n % 2)
        return eth_fail(err, ETH_EINVAL, "odd number of hex digits (%zu)", n);
    int rc = eth_buf_reserve(out, n / 2 + 1, err);
    if (rc)
        return rc;
    rc = decode_digits(s, n, out->data + out->len, err);
    if (rc == 0)
        out->len += n / 2;
    return rc;
}

int eth_hex_decode_fixed(const char *s, uint8_t *out, size_t outlen, eth_error *err)
{
    size_t n = strlen(s);
    if (eth_hex_has_prefix(s, n)) {
        s += 2;
        n -= 2;
    }
    if (n != outlen * 2)
        return eth_fail(err, ETH_EINVAL, "expected %zu bytes (%zu hex digits), got %zu digits",
                        outlen, outlen * 2, n);
    return decode_digits(s, n, out, err);
}

void eth_hex_encode(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    *out++ = '0';
    *out++ = 'x';
    for (size_t i = 0; i < n; i++) {
        *out++ = digits[p[i] >> 4];
        *out++ = digits[p[i] & 15];
    }
    *out = '\0';
}

char *eth_hex_encode_alloc(const uint8_t *p, size_t n)
{
    if (n > (SIZE_MAX - 3) / 2)
        return NULL;
    char *s = malloc(2 * n + 3);
    if (s)
        eth_hex_encode(p, n, s);
    return s;
}
