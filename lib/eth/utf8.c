/* utf8.c: strict and lossy UTF-8 decoding, and the escape table of Rust's Debug. */
#include "internal/utf8.h"

#include "internal/unicode_tables.h"

/* Expected continuation count and the allowed range of the second byte for a lead byte. */
static int lead_info(uint8_t b, uint8_t *lo, uint8_t *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF)
        return 1;
    if (b == 0xE0)
        *lo = 0xA0;
    else if (b == 0xED)
        *hi = 0x9F;
    if (b >= 0xE0 && b <= 0xEF)
        return 2;
    if (b == 0xF0)
        *lo = 0x90;
    else if (b == 0xF4)
        *hi = 0x8F;
    if (b >= 0xF0 && b <= 0xF4)
        return 3;
    return -1;
}

bool eth_utf8_decode(const uint8_t *s, size_t n, size_t *i, uint32_t *cp)
{
    uint8_t b = s[(*i)++], lo, hi;
    *cp = 0xFFFD;
    if (b < 0x80) {
        *cp = b;
        return true;
    }
    int more = lead_info(b, &lo, &hi);
    if (more < 0)
        return false;
    uint32_t v = b & (0x3F >> more);
    for (int k = 0; k < more; k++) {
        if (*i >= n)
            return false;
        uint8_t c = s[*i];
        if (c < (k == 0 ? lo : 0x80) || c > (k == 0 ? hi : 0xBF))
            return false;
        v = (v << 6) | (c & 0x3F);
        (*i)++;
    }
    *cp = v;
    return true;
}

uint32_t eth_utf8_next(const uint8_t *s, size_t n, size_t *i)
{
    uint32_t cp;
    eth_utf8_decode(s, n, i, &cp);
    return cp;
}

size_t eth_utf8_put(uint32_t cp, uint8_t out[4])
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (cp >> 18));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

bool eth_unicode_escaped(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F)
        return true;
    if (cp < 0x80)
        return false;
    size_t lo = 0, hi = sizeof ETH_UNICODE_ESCAPED / sizeof ETH_UNICODE_ESCAPED[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < ETH_UNICODE_ESCAPED[mid][0])
            hi = mid;
        else if (cp > ETH_UNICODE_ESCAPED[mid][1])
            lo = mid + 1;
        else
            return true;
    }
    return false;
}
