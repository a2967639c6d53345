/* abi_coerce.c: parser of cast-style value texts for every ABI type. */
#include "abi_coerce.h"

#include <stdlib.h>
#include <string.h>
#include "hex.h"
#include "internal/lex.h"
#include "text.h"
#include "u256.h"

typedef struct vp {
    const char *s;
    size_t n;
    size_t pos;
    char list_end; /* ']' or ')' inside a list, 0 at top level */
    bool tuple_noted; /* the error message already says it is inside a tuple */
} vp;

static int parse_value(vp *p, const eth_abi_type *t, eth_abi_value *v, eth_error *err);

static int at(const vp *p, char c)
{
    return p->pos < p->n && p->s[p->pos] == c;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void skip_space(vp *p)
{
    p->pos = eth_lex_skip_blanks(p->s, p->n, p->pos);
}

static int expect(vp *p, char c, eth_error *err)
{
    if (at(p, c)) {
        p->pos++;
        return 0;
    }
    return eth_fail(err, ETH_EINVAL, "expected '%c' at position %zu", c, p->pos);
}

static int parse_bool(vp *p, eth_abi_value *v, eth_error *err)
{
    size_t s = p->pos;
    while (p->pos < p->n && is_alpha(p->s[p->pos]))
        p->pos++;
    size_t l = p->pos - s;
    if (l == 4 && memcmp(p->s + s, "true", 4) == 0)
        v->word[31] = 1;
    else if (!(l == 5 && memcmp(p->s + s, "false", 5) == 0))
        return eth_fail(err, ETH_EINVAL, "invalid boolean (expected true or false)");
    return 0;
}

/* Accumulates digits s[0..n) in radix into r; fails on a digit outside the radix or overflow. */
static int radix_value(const char *s, size_t n, unsigned radix, u256 *r, eth_error *err)
{
    u256 acc = u256_from_u64(0), base = u256_from_u64(radix);
    for (size_t i = 0; i < n; i++) {
        int d = eth_hex_digit(s[i]);
        if (d < 0 || (unsigned)d >= radix) {
            char shown[ETH_CLIP_BUF];
            return eth_fail(err, ETH_EINVAL, "invalid digit '%s' for base %u",
                            eth_text_clip(s + i, 1, shown), radix);
        }
        u256 dv = u256_from_u64((uint64_t)d);
        if (u256_mul(&acc, &acc, &base) || u256_add(&acc, &acc, &dv))
            return eth_fail(err, ETH_ERANGE, "number too large to fit in target type");
    }
    *r = acc;
    return 0;
}

/* The integer literal: 0x/0o/0b prefixed (hex digits scanned) or decimal digits. */
static int int_literal(vp *p, u256 *r, eth_error *err)
{
    unsigned radix = 10;
    if (p->pos + 2 <= p->n && p->s[p->pos] == '0') {
        char c = p->s[p->pos + 1];
        radix = (c == 'x' || c == 'X') ? 16 : (c == 'o' || c == 'O') ? 8 : (c == 'b' || c == 'B') ? 2 : 10;
    }
    if (radix != 10)
        p->pos += 2;
    size_t s = p->pos;
    while (p->pos < p->n && (radix == 10 ? is_digit(p->s[p->pos]) : eth_hex_digit(p->s[p->pos]) >= 0))
        p->pos++;
    if (p->pos == s)
        return eth_fail(err, ETH_EINVAL, "expected at least one digit");
    return radix_value(p->s + s, p->pos - s, radix, r, err);
}

/* Most digits of an exponent: more could overflow the sum of exponent and unit. */
#define MAX_EXP_DIGITS 18

/* Optional exponent "e0" or "e[+-]N" (N without leading zeros), as cast reads it: when what
 * follows the 'e' is not such an exponent, nothing is consumed and *e is 0, so the 'e' may start
 * a unit ("1ether"). */
static void exponent(vp *p, long *e)
{
    *e = 0;
    size_t save = p->pos;
    if (!at(p, 'e') && !at(p, 'E'))
        return;
    p->pos++;
    bool signed_exp = at(p, '+') || at(p, '-'), neg = at(p, '-');
    if (signed_exp)
        p->pos++;
    size_t s = p->pos;
    while (p->pos < p->n && is_digit(p->s[p->pos]))
        p->pos++;
    size_t nd = p->pos - s;
    bool zero = nd == 1 && p->s[s] == '0';
    if (nd == 0 || nd > MAX_EXP_DIGITS || (p->s[s] == '0' && !(zero && !signed_exp))) {
        p->pos = save;
        return;
    }
    long v = 0;
    for (size_t i = s; i < p->pos; i++)
        v = v * 10 + (p->s[i] - '0');
    *e = neg ? -v : v;
}

/* Optional unit word after spaces: ether 18, gwei/nano/nanoether 9, wei 0. */
static int units(vp *p, long *u, eth_error *err)
{
    skip_space(p);
    size_t s = p->pos;
    while (p->pos < p->n && is_alpha(p->s[p->pos]))
        p->pos++;
    size_t l = p->pos - s;
    const char *w = p->s + s;
    if (l == 0 || (l == 3 && memcmp(w, "wei", 3) == 0))
        *u = 0;
    else if (l == 5 && memcmp(w, "ether", 5) == 0)
        *u = 18;
    else if ((l == 4 && memcmp(w, "gwei", 4) == 0) || (l == 4 && memcmp(w, "nano", 4) == 0) ||
             (l == 9 && memcmp(w, "nanoether", 9) == 0))
        *u = 9;
    else {
        char shown[ETH_CLIP_BUF];
        return eth_fail(err, ETH_EINVAL, "unknown unit '%s' (ether, gwei, nano, nanoether or wei)",
                        eth_text_clip(w, l, shown));
    }
    return 0;
}

static int pow10_u256(long e, u256 *r, eth_error *err)
{
    u256 acc = u256_from_u64(1), ten = u256_from_u64(10);
    for (long i = 0; i < e; i++)
        if (u256_mul(&acc, &acc, &ten))
            return eth_fail(err, ETH_ERANGE, "number too large to fit in target type");
    *r = acc;
    return 0;
}

/* intpart, fraction digits and total decimal shift into one number. */
static int scale(u256 ip, const char *fr, size_t flen, long shift, u256 *r, eth_error *err)
{
    u256 f = u256_from_u64(0), m;
    int rc = flen ? radix_value(fr, flen, 10, &f, err) : 0;
    if (rc != 0)
        return rc;
    if (flen && shift == 0 && !u256_is_zero(&f))
        return eth_fail(err, ETH_EINVAL, "non-zero fraction not allowed without units");
    if ((long)flen > shift)
        return eth_fail(err, ETH_EINVAL, "expected at most %ld decimals, got %zu", shift, flen);
    rc = pow10_u256((long)flen, &m, err);
    if (rc != 0)
        return rc;
    if (u256_mul(&ip, &ip, &m) || u256_add(&ip, &ip, &f))
        return eth_fail(err, ETH_ERANGE, "number too large to fit in target type");
    rc = pow10_u256(shift - (long)flen, &m, err);
    if (rc != 0)
        return rc;
    if (u256_mul(&ip, &ip, &m))
        return eth_fail(err, ETH_ERANGE, "number too large to fit in target type");
    *r = ip;
    return 0;
}

/* Unsigned magnitude: literal, optional .fraction, optional exponent, optional unit; <= bits. */
static int parse_magnitude(vp *p, unsigned bits, u256 *r, eth_error *err)
{
    u256 ip;
    int rc = int_literal(p, &ip, err);
    if (rc != 0)
        return rc;
    const char *fr = NULL;
    size_t flen = 0;
    if (at(p, '.')) {
        p->pos++;
        fr = p->s + p->pos;
        while (p->pos < p->n && is_digit(p->s[p->pos]))
            p->pos++;
        flen = (size_t)(p->s + p->pos - fr);
        if (flen == 0)
            return eth_fail(err, ETH_EINVAL, "expected at least one digit after '.'");
    }
    long e = 0, u = 0;
    exponent(p, &e);
    rc = units(p, &u, err);
    if (rc != 0)
        return rc;
    if (u + e < 0)
        return eth_fail(err, ETH_EINVAL, "negative units not allowed (exponent %ld, unit 1e%ld)",
                        e, u);
    rc = scale(ip, fr, flen, u + e, r, err);
    if (rc != 0)
        return rc;
    if (u256_bits(r) > bits)
        return eth_fail(err, ETH_ERANGE, "number too large to fit in uint%u", bits);
    return 0;
}

static int parse_uint(vp *p, const eth_abi_type *t, eth_abi_value *v, eth_error *err)
{
    u256 r;
    int rc = parse_magnitude(p, t->size, &r, err);
    if (rc != 0)
        return rc;
    u256_to_be(&r, v->word);
    return 0;
}

static int parse_int(vp *p, const eth_abi_type *t, eth_abi_value *v, eth_error *err)
{
    int neg = 0;
    if (at(p, '+') || at(p, '-'))
        neg = p->s[p->pos++] == '-';
    u256 r;
    int rc = parse_magnitude(p, t->size, &r, err);
    if (rc != 0)
        return rc;
    unsigned bits = u256_bits(&r);
    /* positive: < 2^(N-1); negative: magnitude <= 2^(N-1) */
    int over = neg ? bits > t->size : bits > t->size - 1;
    if (neg && bits == t->size) {
        /* a negative magnitude of N bits fits only if it is exactly 2^(N-1) */
        u256 lim = u256_from_u64(0);
        lim.w[(t->size - 1) / 64] = 1ull << ((t->size - 1) % 64);
        over = u256_cmp(&r, &lim) != 0;
    }
    if (over)
        return eth_fail(err, ETH_ERANGE, "number out of range for int%u", t->size);
    if (neg)
        r = u256_neg(&r);
    u256_to_be(&r, v->word);
    return 0;
}

/* "0x" (optional, lower case as cast) then hex digits; empty needs the prefix. */
static int hex_span(vp *p, const char **hs, size_t *hl, eth_error *err)
{
    int prefix = p->pos + 2 <= p->n && p->s[p->pos] == '0' && p->s[p->pos + 1] == 'x';
    if (prefix)
        p->pos += 2;
    *hs = p->s + p->pos;
    while (p->pos < p->n && eth_hex_digit(p->s[p->pos]) >= 0)
        p->pos++;
    *hl = (size_t)(p->s + p->pos - *hs);
    if (!prefix && *hl == 0)
        return eth_fail(err, ETH_EINVAL, "expected hex digits or the 0x prefix for empty data");
    return 0;
}

static void hex_to(const char *h, size_t nbytes, uint8_t *out)
{
    for (size_t i = 0; i < nbytes; i++)
        out[i] = (uint8_t)(eth_hex_digit(h[2 * i]) * 16 + eth_hex_digit(h[2 * i + 1]));
}

/* Exactly nbytes of hex into word at offset off (address right-aligned, bytesN left-aligned). */
static int parse_fixed_hex(vp *p, size_t nbytes, size_t off, eth_abi_value *v, eth_error *err)
{
    const char *h;
    size_t hl;
    int rc = hex_span(p, &h, &hl, err);
    if (rc != 0)
        return rc;
    if (hl != 2 * nbytes)
        return eth_fail(err, ETH_EINVAL, "expected %zu bytes (%zu hex digits), got %zu hex digits",
                        nbytes, 2 * nbytes, hl);
    hex_to(h, nbytes, v->word + off);
    return 0;
}

static int parse_bytes(vp *p, eth_abi_value *v, eth_error *err)
{
    const char *h;
    size_t hl;
    int rc = hex_span(p, &h, &hl, err);
    if (rc != 0)
        return rc;
    if (hl % 2)
        return eth_fail(err, ETH_EINVAL, "odd number of hex digits");
    v->data = malloc(hl / 2 + 1);
    if (!v->data)
        return eth_fail(err, ETH_ENOMEM, "out of memory (%zu bytes)", hl / 2);
    hex_to(h, hl / 2, v->data);
    v->len = hl / 2;
    return 0;
}

/* A string: quoted with " or ' (no escapes), or bare up to ',' / the list end, end-trimmed. */
static int parse_string(vp *p, eth_abi_value *v, eth_error *err)
{
    const char *s;
    size_t l;
    char q = p->pos < p->n ? p->s[p->pos] : 0;
    if (q == '"' || q == '\'') {
        s = p->s + ++p->pos;
        while (p->pos < p->n && p->s[p->pos] != q)
            p->pos++;
        if (p->pos >= p->n)
            return eth_fail(err, ETH_EINVAL, "unterminated quoted string");
        l = (size_t)(p->s + p->pos - s);
        p->pos++;
    } else {
        s = p->s + p->pos;
        while (p->pos < p->n && !(p->list_end && (p->s[p->pos] == ',' || p->s[p->pos] == p->list_end)))
            p->pos++;
        l = (size_t)(p->s + p->pos - s);
        if (p->list_end && l == 0)
            return eth_fail(err, ETH_EINVAL, "empty list element");
        l -= eth_text_trailing_space((const uint8_t *)s, l);
    }
    v->data = malloc(l + 1);
    if (!v->data)
        return eth_fail(err, ETH_ENOMEM, "out of memory (%zu bytes)", l);
    memcpy(v->data, s, l);
    v->len = l;
    return 0;
}

/* Grows v->items by one; returns the new item or NULL. */
static eth_abi_value *push_item(eth_abi_value *v, size_t *cap, eth_error *err)
{
    if (v->nitems == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        eth_abi_value *ni = realloc(v->items, nc * sizeof *ni);
        if (!ni) {
            eth_fail(err, ETH_ENOMEM, "out of memory (%zu ABI values)", nc);
            return NULL;
        }
        v->items = ni;
        *cap = nc;
    }
    eth_abi_value *it = &v->items[v->nitems++];
    memset(it, 0, sizeof *it);
    return it;
}

/* "[a, b,]": elements, optional trailing comma; spaces only where cast allows them. */
static int parse_array(vp *p, const eth_abi_type *t, eth_abi_value *v, eth_error *err)
{
    int rc = expect(p, '[', err);
    if (rc != 0)
        return rc;
    char saved = p->list_end;
    p->list_end = ']';
    skip_space(p);
    size_t cap = 0;
    while (rc == 0 && !at(p, ']')) {
        eth_abi_value *it = push_item(v, &cap, err);
        rc = it ? parse_value(p, t->elem, it, err) : -ETH_ENOMEM;
        if (rc != 0)
            break;
        if (!at(p, ',')) {
            skip_space(p);
            break;
        }
        p->pos++;
        skip_space(p);
    }
    p->list_end = saved;
    if (rc == 0)
        rc = expect(p, ']', err);
    if (rc == 0 && t->kind == ETH_ABI_FIXED_ARRAY && v->nitems != t->len)
        rc = eth_fail(err, ETH_EINVAL, "expected %zu elements, got %zu", t->len, v->nitems);
    return rc;
}

static int parse_tuple(vp *p, const eth_abi_type *t, eth_abi_value *v, eth_error *err)
{
    skip_space(p);
    int rc = expect(p, '(', err);
    if (rc == 0)
        rc = eth_abi_value_alloc_items(v, t->nfields, err);
    if (rc != 0)
        return rc;
    char saved = p->list_end;
    p->list_end = ')';
    for (size_t i = 0; rc == 0 && i < t->nfields; i++) {
        if (i > 0) {
            skip_space(p);
            rc = expect(p, ',', err);
        }
        skip_space(p);
        if (rc == 0)
            rc = parse_value(p, t->fields[i], &v->items[i], err);
    }
    p->list_end = saved;
    if (rc == 0) {
        skip_space(p);
        rc = expect(p, ')', err);
    }
    if (rc == -ETH_EINVAL && err && t->nfields && !p->tuple_noted) {
        p->tuple_noted = true;
        rc = eth_error_prefix(err, "in tuple: ");
    }
    return rc;
}

static int parse_value(vp *p, const eth_abi_type *t, eth_abi_value *v, eth_error *err)
{
    v->type = t;
    switch (t->kind) {
    case ETH_ABI_BOOL: return parse_bool(p, v, err);
    case ETH_ABI_UINT: return parse_uint(p, t, v, err);
    case ETH_ABI_INT: return parse_int(p, t, v, err);
    case ETH_ABI_ADDRESS: return parse_fixed_hex(p, 20, 12, v, err);
    case ETH_ABI_FUNCTION: return parse_fixed_hex(p, 24, 0, v, err);
    case ETH_ABI_FIXED_BYTES: return parse_fixed_hex(p, t->size, 0, v, err);
    case ETH_ABI_BYTES: return parse_bytes(p, v, err);
    case ETH_ABI_STRING: return parse_string(p, v, err);
    case ETH_ABI_ARRAY:
    case ETH_ABI_FIXED_ARRAY: return parse_array(p, t, v, err);
    case ETH_ABI_TUPLE: return parse_tuple(p, t, v, err);
    default: return eth_fail(err, ETH_EUNSUP, "cannot encode unknown type '%s'", t->ident ? t->ident : "?");
    }
}

int eth_abi_coerce(const eth_abi_type *t, const char *text, eth_abi_value *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    vp p = {text, strlen(text), 0, 0, false};
    int rc = parse_value(&p, t, out, err);
    if (rc == 0 && p.pos != p.n)
        rc = eth_fail(err, ETH_EINVAL, "unexpected text at position %zu", p.pos);
    if (rc != 0)
        eth_abi_value_clear(out);
    return rc;
}

int eth_abi_split(const char *s, size_t *starts, size_t *lens, size_t max, eth_error *err)
{
    size_t n = strlen(s), count = 0, start = 0;
    char shown[ETH_CLIP_BUF];
    int depth = 0;
    char quote = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? s[i] : ',';
        if (quote) {
            quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '(' || c == '[') {
            depth++;
        } else if (c == ')' || c == ']') {
            if (--depth < 0)
                return eth_fail(err, ETH_EINVAL, "unbalanced brackets in '%s'",
                                eth_text_clip(s, n, shown));
        } else if (c == ',' && depth == 0) {
            if (count == max)
                return eth_fail(err, ETH_ERANGE, "more than %zu values", max);
            starts[count] = start;
            lens[count++] = i - start;
            start = i + 1;
        }
    }
    if (quote || depth != 0)
        return eth_fail(err, ETH_EINVAL, "unbalanced brackets or quotes in '%s'",
                        eth_text_clip(s, n, shown));
    return (int)count;
}
