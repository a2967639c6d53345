/* abi_type.c: parser and canonical form of Solidity ABI types (the grammar cast accepts). */
#include "abi_type.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest k accepted in T[k] and largest static size of a type, to keep sizes far from overflow. */
#define MAX_FIXED_LEN 65536u
#define MAX_STATIC_SIZE (1u << 24)

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static int is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static eth_abi_type *type_new(eth_abi_kind kind, eth_error *err)
{
    eth_abi_type *t = calloc(1, sizeof *t);
    if (!t)
        eth_fail(err, ETH_ENOMEM, "out of memory");
    else
        t->kind = kind;
    return t;
}

void eth_abi_type_free(eth_abi_type *t)
{
    if (!t)
        return;
    eth_abi_type_free(t->elem);
    for (size_t i = 0; i < t->nfields; i++)
        eth_abi_type_free(t->fields[i]);
    free(t->fields);
    free(t->name);
    free(t);
}

/* Parses decimal digits s[0..n) into *v (no sign); 0 on success. */
static int parse_small(const char *s, size_t n, unsigned long *v)
{
    if (n == 0 || n > 9)
        return -1;
    unsigned long r = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        r = r * 10 + (unsigned long)(s[i] - '0');
    }
    *v = r;
    return 0;
}

/* Sized integer: "uint"/"int" followed by digits; returns 1 if valid, 0 if not a size, -1 if bad size. */
static int int_size(const char *id, size_t n, unsigned *bits)
{
    if (n == 0) {
        *bits = 256;
        return 1;
    }
    unsigned long v;
    if (id[0] == '0' || parse_small(id, n, &v) != 0)
        return -1;
    if (v == 0 || v > 256 || v % 8 != 0)
        return -1;
    *bits = (unsigned)v;
    return 1;
}

/* Classifies an elementary identifier; returns 0, or -1 if unknown/bad size. */
static int classify_root(const char *id, size_t n, eth_abi_type *t)
{
    static const struct { const char *name; eth_abi_kind kind; } simple[] = {
        {"address", ETH_ABI_ADDRESS}, {"bool", ETH_ABI_BOOL},     {"bytes", ETH_ABI_BYTES},
        {"string", ETH_ABI_STRING},   {"function", ETH_ABI_FUNCTION},
    };
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (strlen(simple[i].name) == n && memcmp(simple[i].name, id, n) == 0) {
            t->kind = simple[i].kind;
            return 0;
        }
    if (n > 5 && memcmp(id, "bytes", 5) == 0) {
        unsigned long v;
        if (id[5] == '0' || parse_small(id + 5, n - 5, &v) != 0 || v == 0 || v > 32)
            return -1;
        t->kind = ETH_ABI_FIXED_BYTES;
        t->size = (unsigned)v;
        return 0;
    }
    if (n >= 4 && memcmp(id, "uint", 4) == 0) {
        t->kind = ETH_ABI_UINT;
        return int_size(id + 4, n - 4, &t->size) == 1 ? 0 : -1;
    }
    if (n >= 3 && memcmp(id, "int", 3) == 0) {
        t->kind = ETH_ABI_INT;
        return int_size(id + 3, n - 3, &t->size) == 1 ? 0 : -1;
    }
    return -1;
}

static size_t ident_len(const char *s, size_t n, size_t pos)
{
    size_t i = pos;
    if (i >= n || !is_ident_start(s[i]))
        return 0;
    while (i < n && is_ident_char(s[i]))
        i++;
    return i - pos;
}

/* Root identifier: "Lib.Enum" is uint8 (as cast), "uint" is uint256; unknown is opaque if lenient. */
static int parse_root(const char *s, size_t n, size_t *pos, bool lenient, eth_abi_type **out,
                      eth_error *err)
{
    size_t start = *pos, len = ident_len(s, n, start);
    if (len == 0)
        return eth_fail(err, ETH_EINVAL, "expected a type at position %zu of '%.*s'", start,
                        (int)(n > 200 ? 200 : n), s);
    *pos += len;
    eth_abi_type *t = type_new(ETH_ABI_UINT, err);
    if (!t)
        return -ETH_ENOMEM;
    if (*pos < n && s[*pos] == '.') {
        (*pos)++;
        *pos += ident_len(s, n, *pos);
        t->size = 8;
        *out = t;
        return 0;
    }
    if (classify_root(s + start, len, t) == 0) {
        *out = t;
        return 0;
    }
    if (!lenient) {
        eth_abi_type_free(t);
        return eth_fail(err, ETH_EINVAL, "unknown type '%.*s'", (int)len, s + start);
    }
    t->kind = ETH_ABI_OPAQUE;
    t->name = malloc(len + 1);
    if (!t->name) {
        eth_abi_type_free(t);
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    }
    memcpy(t->name, s + start, len);
    t->name[len] = '\0';
    *out = t;
    return 0;
}

static void skip_space(const char *s, size_t n, size_t *pos)
{
    while (*pos < n && (s[*pos] == ' ' || s[*pos] == '\t'))
        (*pos)++;
}

static int unbalanced(const char *s, size_t n, eth_error *err)
{
    return eth_fail(err, ETH_EINVAL, "unbalanced brackets in '%.*s'", (int)(n > 200 ? 200 : n), s);
}

int eth_abi_type_add_field(eth_abi_type *t, eth_abi_type *f, eth_error *err)
{
    if (t->nfields >= ETH_ABI_MAX_FIELDS) {
        eth_abi_type_free(f);
        return eth_fail(err, ETH_ERANGE, "more than %d tuple components or parameters", ETH_ABI_MAX_FIELDS);
    }
    eth_abi_type **nf = realloc(t->fields, (t->nfields + 1) * sizeof *nf);
    if (!nf) {
        eth_abi_type_free(f);
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    }
    t->fields = nf;
    t->fields[t->nfields++] = f;
    return 0;
}

/* Tuple "(T1,T2,)" at s[*pos] == '('. */
static int parse_tuple(const char *s, size_t n, size_t *pos, bool lenient, int depth,
                       eth_abi_type **out, eth_error *err)
{
    eth_abi_type *t = type_new(ETH_ABI_TUPLE, err);
    if (!t)
        return -ETH_ENOMEM;
    (*pos)++;
    skip_space(s, n, pos);
    int rc = 0;
    while (rc == 0 && *pos < n && s[*pos] != ')') {
        eth_abi_type *f = NULL;
        rc = eth_abi_type_parse_at(s, n, pos, lenient, depth + 1, &f, err);
        if (rc == 0)
            rc = eth_abi_type_add_field(t, f, err);
        if (rc == 0 && *pos < n && s[*pos] == ',') {
            (*pos)++;
            skip_space(s, n, pos);
        } else if (rc == 0) {
            skip_space(s, n, pos);
            break;
        }
    }
    if (rc == 0 && (*pos >= n || s[*pos] != ')'))
        rc = unbalanced(s, n, err);
    if (rc != 0) {
        eth_abi_type_free(t);
        return rc;
    }
    (*pos)++;
    *out = t;
    return 0;
}

static int wrap_array(eth_abi_type **t, size_t len, bool fixed, eth_error *err)
{
    eth_abi_type *a = type_new(fixed ? ETH_ABI_FIXED_ARRAY : ETH_ABI_ARRAY, err);
    if (!a)
        return -ETH_ENOMEM;
    a->elem = *t;
    a->len = len;
    *t = a;
    if (fixed && !eth_abi_type_is_dynamic(a) && a->elem->kind != ETH_ABI_OPAQUE &&
        eth_abi_type_head_size(a->elem) > MAX_STATIC_SIZE / len)
        return eth_fail(err, ETH_ERANGE, "fixed array too large");
    return 0;
}

/* Array suffixes "[]", "[k]" after a stem. */
static int parse_suffixes(const char *s, size_t n, size_t *pos, int depth, eth_abi_type **t,
                          eth_error *err)
{
    while (*pos < n && s[*pos] == '[') {
        if (++depth > ETH_ABI_MAX_DEPTH)
            return eth_fail(err, ETH_ERANGE, "type nests deeper than %d levels", ETH_ABI_MAX_DEPTH);
        size_t d = *pos + 1, e = d;
        while (e < n && s[e] >= '0' && s[e] <= '9')
            e++;
        if (e >= n || s[e] != ']')
            return unbalanced(s, n, err);
        unsigned long k = 0;
        if (e > d && (parse_small(s + d, e - d, &k) != 0 || k == 0 || k > MAX_FIXED_LEN))
            return eth_fail(err, ETH_ERANGE, "bad array length '%.*s'", (int)(e - d), s + d);
        int rc = wrap_array(t, k, e > d, err);
        if (rc != 0)
            return rc;
        *pos = e + 1;
    }
    return 0;
}

int eth_abi_type_parse_at(const char *s, size_t n, size_t *pos, bool lenient, int depth,
                          eth_abi_type **out, eth_error *err)
{
    *out = NULL;
    if (depth > ETH_ABI_MAX_DEPTH)
        return eth_fail(err, ETH_ERANGE, "type nests deeper than %d levels", ETH_ABI_MAX_DEPTH);
    eth_abi_type *t = NULL;
    int rc;
    if (*pos + 6 <= n && memcmp(s + *pos, "tuple(", 6) == 0)
        *pos += 5;
    if (*pos < n && s[*pos] == '(')
        rc = parse_tuple(s, n, pos, lenient, depth, &t, err);
    else
        rc = parse_root(s, n, pos, lenient, &t, err);
    if (rc == 0)
        rc = parse_suffixes(s, n, pos, depth, &t, err);
    if (rc != 0) {
        eth_abi_type_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

int eth_abi_type_parse(const char *s, eth_abi_type **out, eth_error *err)
{
    size_t n = strlen(s), pos = 0;
    *out = NULL;
    if (n > ETH_ABI_MAX_TEXT)
        return eth_fail(err, ETH_ERANGE, "type text longer than %d characters", ETH_ABI_MAX_TEXT);
    int rc = eth_abi_type_parse_at(s, n, &pos, false, 0, out, err);
    if (rc == 0 && pos != n) {
        eth_abi_type_free(*out);
        *out = NULL;
        if (memchr(s, '(', n) || memchr(s, '[', n) || memchr(s, ')', n) || memchr(s, ']', n))
            return unbalanced(s, n, err);
        return eth_fail(err, ETH_EINVAL, "unexpected '%.*s' in type '%s'", (int)(n - pos), s + pos, s);
    }
    return rc;
}

static int put(char *out, size_t cap, size_t *used, const char *s)
{
    size_t l = strlen(s);
    if (*used + l + 1 > cap)
        return -ETH_ERANGE;
    memcpy(out + *used, s, l + 1);
    *used += l;
    return 0;
}

static const char *simple_name(eth_abi_kind k)
{
    switch (k) {
    case ETH_ABI_ADDRESS: return "address";
    case ETH_ABI_BOOL: return "bool";
    case ETH_ABI_BYTES: return "bytes";
    case ETH_ABI_STRING: return "string";
    case ETH_ABI_FUNCTION: return "function";
    default: return NULL;
    }
}

int eth_abi_type_canonical(const eth_abi_type *t, char *out, size_t cap, size_t *used)
{
    char tmp[32];
    switch (t->kind) {
    case ETH_ABI_UINT:
    case ETH_ABI_INT:
        snprintf(tmp, sizeof tmp, "%s%u", t->kind == ETH_ABI_UINT ? "uint" : "int", t->size);
        return put(out, cap, used, tmp);
    case ETH_ABI_FIXED_BYTES:
        snprintf(tmp, sizeof tmp, "bytes%u", t->size);
        return put(out, cap, used, tmp);
    case ETH_ABI_OPAQUE:
        return put(out, cap, used, t->name);
    case ETH_ABI_ARRAY:
    case ETH_ABI_FIXED_ARRAY:
        if (eth_abi_type_canonical(t->elem, out, cap, used) != 0)
            return -ETH_ERANGE;
        if (t->kind == ETH_ABI_ARRAY)
            return put(out, cap, used, "[]");
        snprintf(tmp, sizeof tmp, "[%zu]", t->len);
        return put(out, cap, used, tmp);
    case ETH_ABI_TUPLE:
        if (put(out, cap, used, "(") != 0)
            return -ETH_ERANGE;
        for (size_t i = 0; i < t->nfields; i++)
            if ((i > 0 && put(out, cap, used, ",") != 0) ||
                eth_abi_type_canonical(t->fields[i], out, cap, used) != 0)
                return -ETH_ERANGE;
        return put(out, cap, used, ")");
    default:
        return put(out, cap, used, simple_name(t->kind));
    }
}

bool eth_abi_type_is_dynamic(const eth_abi_type *t)
{
    switch (t->kind) {
    case ETH_ABI_BYTES:
    case ETH_ABI_STRING:
    case ETH_ABI_ARRAY:
        return true;
    case ETH_ABI_FIXED_ARRAY:
        return eth_abi_type_is_dynamic(t->elem);
    case ETH_ABI_TUPLE:
        for (size_t i = 0; i < t->nfields; i++)
            if (eth_abi_type_is_dynamic(t->fields[i]))
                return true;
        return false;
    default:
        return false;
    }
}

size_t eth_abi_type_head_size(const eth_abi_type *t)
{
    if (eth_abi_type_is_dynamic(t))
        return 32;
    if (t->kind == ETH_ABI_FIXED_ARRAY)
        return t->len * eth_abi_type_head_size(t->elem);
    if (t->kind == ETH_ABI_TUPLE) {
        size_t sum = 0;
        for (size_t i = 0; i < t->nfields; i++)
            sum += eth_abi_type_head_size(t->fields[i]);
        return sum;
    }
    return 32;
}

bool eth_abi_type_has_opaque(const eth_abi_type *t)
{
    if (t->kind == ETH_ABI_OPAQUE)
        return true;
    if (t->elem && eth_abi_type_has_opaque(t->elem))
        return true;
    for (size_t i = 0; i < t->nfields; i++)
        if (eth_abi_type_has_opaque(t->fields[i]))
            return true;
    return false;
}
