/* hex.c: hex text to bytes and back. */
#include "hex.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

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

bool eth_hex_has_prefix(const char *s, size_t n)
{
    return n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

/* Decodes exactly n hex chars (even n) into out; offset is the prefix length, for positions. */
static int decode_digits(const char *s, size_t n, size_t offset, uint8_t *out, eth_error *err)
{
    if (n % 2)
        return eth_fail(err, ETH_EINVAL, "odd number of hex digits (%zu)", n);
    for (size_t i = 0; i < n; i += 2) {
        int hi = eth_hex_digit(s[i]), lo = eth_hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0) {
            size_t bad = hi < 0 ? i : i + 1;
            char shown[ETH_CLIP_BUF];
            return eth_fail(err, ETH_EINVAL, "invalid hex character '%s' at position %zu",
                            eth_text_clip(s + bad, 1, shown), bad + offset);
        }
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int eth_hex_decode(const char *s, size_t n, eth_buf *out, eth_error *err)
{
    size_t skip = eth_hex_has_prefix(s, n) ? 2 : 0;
    s += skip;
    n -= skip;
    if (n % 2)
        return eth_fail(err, ETH_EINVAL, "odd number of hex digits (%zu)", n);
    int rc = eth_buf_reserve(out, n / 2, err);
    if (rc == 0 && n)
        rc = decode_digits(s, n, skip, out->data + out->len, err);
    if (rc == 0)
        out->len += n / 2;
    return rc;
}

int eth_hex_decode_fixed(const char *s, uint8_t *out, size_t outlen, eth_error *err)
{
    size_t n = strlen(s), skip = eth_hex_has_prefix(s, n) ? 2 : 0;
    if (n - skip != outlen * 2)
        return eth_fail(err, ETH_EINVAL, "expected %zu bytes (%zu hex digits), got %zu digits",
                        outlen, outlen * 2, n - skip);
    return decode_digits(s + skip, n - skip, skip, out, err);
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

int eth_hex_encode_alloc(const uint8_t *p, size_t n, char **out, eth_error *err)
{
    *out = NULL;
    if (n > (SIZE_MAX - 3) / 2)
        return eth_fail(err, ETH_ENOMEM, "%zu bytes are too many to print as hex", n);
    char *s = malloc(2 * n + 3);
    if (!s)
        return eth_fail(err, ETH_ENOMEM, "out of memory (%zu bytes of hex)", 2 * n + 3);
    eth_hex_encode(p, n, s);
    *out = s;
    return 0;
}

int eth_hex_append(eth_buf *out, const uint8_t *p, size_t n, eth_error *err)
{
    if (n > (SIZE_MAX - 3) / 2)
        return eth_fail(err, ETH_ENOMEM, "%zu bytes are too many to print as hex", n);
    int rc = eth_buf_reserve(out, 2 * n + 3, err);
    if (rc == 0) {
        eth_hex_encode(p, n, (char *)out->data + out->len);
        out->len += 2 * n + 2;
    }
    return rc;
}
