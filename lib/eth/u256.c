/* u256.c: 256-bit unsigned arithmetic on four 64-bit limbs, with decimal/hex text forms. */
#include "u256.h"

#include <string.h>

#include "hex.h"
#include "text.h"

__extension__ typedef unsigned __int128 u128;

u256 u256_from_u64(uint64_t v)
{
    u256 r = {{v, 0, 0, 0}};
    return r;
}

u256 u256_from_be(const uint8_t *p, size_t n)
{
    u256 r = {{0, 0, 0, 0}};
    for (size_t i = 0; i < n && i < 32; i++) {
        size_t bit = 8 * (n - 1 - i);
        r.w[bit / 64] |= (uint64_t)p[i] << (bit % 64);
    }
    return r;
}

void u256_to_be(const u256 *a, uint8_t out[32])
{
    for (int i = 0; i < 32; i++)
        out[31 - i] = (uint8_t)(a->w[i / 8] >> (8 * (i % 8)));
}

int u256_is_zero(const u256 *a)
{
    return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

int u256_cmp(const u256 *a, const u256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

int u256_add(u256 *r, const u256 *a, const u256 *b)
{
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 s = (u128)a->w[i] + b->w[i] + carry;
        r->w[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    return carry != 0;
}

/* r = a - b with wrap-around; returns the borrow. */
static int sub_borrow(u256 *r, const u256 *a, const u256 *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t ai = a->w[i], bi = b->w[i];
        uint64_t d = ai - bi - borrow;
        borrow = (ai < bi) || (ai == bi && borrow) ? 1 : 0;
        r->w[i] = d;
    }
    return borrow != 0;
}

int u256_sub(u256 *r, const u256 *a, const u256 *b)
{
    return sub_borrow(r, a, b);
}

int u256_mul(u256 *r, const u256 *a, const u256 *b)
{
    uint64_t out[8] = {0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            u128 t = (u128)a->w[i] * b->w[j] + out[i + j] + carry;
            out[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        out[i + 4] = carry;
    }
    memcpy(r->w, out, sizeof r->w);
    return (out[4] | out[5] | out[6] | out[7]) != 0;
}

unsigned u256_bits(const u256 *a)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i])
            return (unsigned)(64 * i + 64 - __builtin_clzll(a->w[i]));
    return 0;
}

static void shl1(u256 *a)
{
    for (int i = 3; i > 0; i--)
        a->w[i] = a->w[i] << 1 | a->w[i - 1] >> 63;
    a->w[0] <<= 1;
}

int u256_divmod(u256 *q, u256 *rem, const u256 *a, const u256 *b, eth_error *err)
{
    if (u256_is_zero(b))
        return eth_fail(err, ETH_EINVAL, "division by zero");
    u256 quo = u256_from_u64(0), r = u256_from_u64(0);
    for (int bit = (int)u256_bits(a) - 1; bit >= 0; bit--) {
        shl1(&r);
        r.w[0] |= (a->w[bit / 64] >> (bit % 64)) & 1;
        if (u256_cmp(&r, b) >= 0) {
            sub_borrow(&r, &r, b); /* r >= b: no borrow */
            quo.w[bit / 64] |= 1ULL << (bit % 64);
        }
    }
    if (q)
        *q = quo;
    if (rem)
        *rem = r;
    return 0;
}

u256 u256_neg(const u256 *a)
{
    u256 zero = u256_from_u64(0), r;
    sub_borrow(&r, &zero, a); /* wraps by design */
    return r;
}

/* a /= d for a small divisor; returns the remainder. */
static uint64_t div_small(u256 *a, uint64_t d)
{
    u128 rem = 0;
    for (int i = 3; i >= 0; i--) {
        u128 cur = rem << 64 | a->w[i];
        a->w[i] = (uint64_t)(cur / d);
        rem = cur % d;
    }
    return (uint64_t)rem;
}

/* a = a * m + add for small m; returns 1 on overflow. */
static int mul_add_small(u256 *a, uint64_t m, uint64_t add)
{
    u128 carry = add;
    for (int i = 0; i < 4; i++) {
        u128 t = (u128)a->w[i] * m + carry;
        a->w[i] = (uint64_t)t;
        carry = t >> 64;
    }
    return carry != 0;
}

static int parse_digits(const char *s, size_t n, unsigned base, u256 *r, eth_error *err)
{
    u256 v = u256_from_u64(0);
    if (n == 0)
        return eth_fail(err, ETH_EINVAL, "empty number");
    for (size_t i = 0; i < n; i++) {
        int d = base == 16 ? eth_hex_digit(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
        char digit[ETH_CLIP_BUF], shown[ETH_CLIP_BUF];
        if (d < 0)
            return eth_fail(err, ETH_EINVAL, "invalid %s digit '%s' in '%s'",
                            base == 16 ? "hex" : "decimal", eth_text_clip(s + i, 1, digit),
                            eth_text_clip(s, n, shown));
        if (mul_add_small(&v, base, (uint64_t)d))
            return eth_fail(err, ETH_ERANGE, "number '%s' does not fit in 256 bits",
                            eth_text_clip(s, n, shown));
    }
    *r = v;
    return 0;
}

int u256_parse(const char *s, size_t n, u256 *r, eth_error *err)
{
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return parse_digits(s + 2, n - 2, 16, r, err);
    return parse_digits(s, n, 10, r, err);
}

void u256_to_dec(const u256 *a, char out[U256_DEC_MAX])
{
    char tmp[U256_DEC_MAX];
    size_t n = 0;
    u256 v = *a;
    do {
        tmp[n++] = (char)('0' + div_small(&v, 10));
    } while (!u256_is_zero(&v));
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

void u256_to_hex(const u256 *a, char out[67])
{
    static const char digits[] = "0123456789abcdef";
    unsigned bits = u256_bits(a);
    unsigned nd = bits ? (bits + 3) / 4 : 1;
    out[0] = '0';
    out[1] = 'x';
    for (unsigned i = 0; i < nd; i++) {
        unsigned shift = 4 * (nd - 1 - i);
        out[2 + i] = digits[(a->w[shift / 64] >> (shift % 64)) & 15];
    }
    out[2 + nd] = '\0';
}

static int too_many_decimals(unsigned decimals, eth_error *err)
{
    return eth_fail(err, ETH_ERANGE, "%u decimals is more than the %u a 256-bit amount can have",
                    decimals, U256_MAX_DECIMALS);
}

int u256_parse_units(const char *s, unsigned decimals, u256 *r, eth_error *err)
{
    if (decimals > U256_MAX_DECIMALS)
        return too_many_decimals(decimals, err);
    char shown[ETH_CLIP_BUF], bad[ETH_CLIP_BUF];
    eth_text_clipz(s, shown);
    const char *dot = strchr(s, '.');
    size_t ilen = dot ? (size_t)(dot - s) : strlen(s);
    size_t flen = dot ? strlen(dot + 1) : 0;
    if (ilen == 0 && flen == 0)
        return eth_fail(err, ETH_EINVAL, "empty amount '%s'", shown);
    if (flen > decimals)
        return eth_fail(err, ETH_EINVAL, "amount '%s' has more than %u decimal places", shown,
                        decimals);
    u256 v = u256_from_u64(0);
    for (size_t i = 0; i < ilen + decimals; i++) {
        char c = i < ilen ? s[i] : (i - ilen < flen ? dot[1 + i - ilen] : '0');
        if (c < '0' || c > '9')
            return eth_fail(err, ETH_EINVAL, "invalid character '%s' in amount '%s'",
                            eth_text_clip(&c, 1, bad), shown);
        if (mul_add_small(&v, 10, (uint64_t)(c - '0')))
            return eth_fail(err, ETH_ERANGE, "amount '%s' does not fit in 256 bits", shown);
    }
    *r = v;
    return 0;
}

int u256_format_units(const u256 *a, unsigned decimals, char out[U256_DEC_MAX + 2],
                      eth_error *err)
{
    out[0] = '\0';
    if (decimals > U256_MAX_DECIMALS)
        return too_many_decimals(decimals, err);
    char dec[U256_DEC_MAX];
    u256_to_dec(a, dec);
    size_t n = strlen(dec), o = 0;
    if (n <= decimals) {
        out[o++] = '0';
    } else {
        memcpy(out, dec, n - decimals);
        o = n - decimals;
    }
    size_t frac_start = o;
    out[o++] = '.';
    for (size_t i = 0; i < decimals; i++)
        out[o++] = i + n < decimals ? '0' : dec[n - decimals + i];
    while (o > frac_start + 1 && out[o - 1] == '0')
        o--;
    if (o == frac_start + 1)
        o = frac_start;
    out[o] = '\0';
    return 0;
}
