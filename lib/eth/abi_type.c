/* abi_type.c: parser and canonical form of Solidity ABI types (the grammar cast accepts). */
#include "abi_type.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal/abi_parse.h"
#include "internal/lex.h"
#include "text.h"

/* Largest k accepted in T[k] and largest static size of a type, to keep sizes far from overflow. */
#define MAX_FIXED_LEN 65536u
#define MAX_STATIC_SIZE (1u << 24)

int eth_abi_type_new(eth_abi_kind kind, eth_abi_type **out, eth_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return eth_fail(err, ETH_ENOMEM, "out of memory (ABI type)");
    (*out)->kind = kind;
    return 0;
}

void eth_abi_type_free(eth_abi_type *t)
{
    if (!t)
        return;
    eth_abi_type_free(t->elem);
    for (size_t i = 0; i < t->nfields; i++)
        eth_abi_type_free(t->fields[i]);
    free(t->fields);
    free(t->ident);
    free(t->name);
    free(t);
}

/* A malloc'd copy of s[0..n) in *out. */
static int copy_text(const char *s, size_t n, char **out, eth_error *err)
{
    char *c = malloc(n + 1);
    if (!c)
        return eth_fail(err, ETH_ENOMEM, "out of memory (ABI name)");
    memcpy(c, s, n);
    c[n] = '\0';
    *out = c;
    return 0;
}

int eth_abi_type_set_name(eth_abi_type *t, const char *name, size_t n, eth_error *err)
{
    char *c = NULL;
    int rc = copy_text(name, n, &c, err);
    if (rc == 0) {
        free(t->name);
        t->name = c;
    }
    return rc;
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

/* Sized integer: the digits after "uint"/"int" (none means 256); 0, or -1 for a bad size. */
static int int_size(const char *id, size_t n, unsigned *bits)
{
    if (n == 0) {
        *bits = 256;
        return 0;
    }
    unsigned long v;
    if (id[0] == '0' || parse_small(id, n, &v) != 0 || v == 0 || v > 256 || v % 8 != 0)
        return -1;
    *bits = (unsigned)v;
    return 0;
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
        return int_size(id + 4, n - 4, &t->size);
    }
    if (n >= 3 && memcmp(id, "int", 3) == 0) {
        t->kind = ETH_ABI_INT;
        return int_size(id + 3, n - 3, &t->size);
    }
    return -1;
}

/* Root identifier: "Lib.Enum" is uint8 (as cast), "uint" is uint256; unknown is opaque if lenient. */
static int parse_root(const char *s, size_t n, size_t *pos, unsigned flags, eth_abi_type **out,
                      eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    size_t start = *pos, len = eth_lex_ident_len(s, n, start);
    if (len == 0)
        return eth_fail(err, ETH_EINVAL, "expected a type at position %zu of '%s'", start,
                        eth_text_clip(s, n, shown));
    *pos += len;
    eth_abi_type *t;
    int rc = eth_abi_type_new(ETH_ABI_UINT, &t, err);
    if (rc != 0)
        return rc;
    if (*pos < n && s[*pos] == '.') {
        (*pos)++;
        *pos += eth_lex_ident_len(s, n, *pos);
        t->size = 8;
    } else if (classify_root(s + start, len, t) != 0) {
        if (!(flags & ETH_ABI_LENIENT))
            rc = eth_fail(err, ETH_EINVAL, "unknown type '%s'",
                          eth_text_clip(s + start, len, shown));
        else {
            t->kind = ETH_ABI_OPAQUE;
            rc = copy_text(s + start, len, &t->ident, err);
        }
    }
    if (rc != 0) {
        eth_abi_type_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

static int unbalanced(const char *s, size_t n, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    return eth_fail(err, ETH_EINVAL, "unbalanced brackets in '%s'", eth_text_clip(s, n, shown));
}

int eth_abi_type_add_field(eth_abi_type *t, eth_abi_type *f, eth_error *err)
{
    if (t->nfields >= ETH_ABI_MAX_FIELDS) {
        eth_abi_type_free(f);
        return eth_fail(err, ETH_ERANGE, "more than %d tuple components or parameters",
                        ETH_ABI_MAX_FIELDS);
    }
    eth_abi_type **nf = realloc(t->fields, (t->nfields + 1) * sizeof *nf);
    if (!nf) {
        eth_abi_type_free(f);
        return eth_fail(err, ETH_ENOMEM, "out of memory (ABI type)");
    }
    t->fields = nf;
    t->fields[t->nfields++] = f;
    return 0;
}

static bool word_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* After a parameter's type: an optional storage location, `indexed`, and a name, as cast sig
 * reads them (blanks may precede a ',' except after a name). */
static int param_words(const char *s, size_t n, size_t *pos, eth_abi_type *f, eth_error *err)
{
    *pos = eth_lex_skip_blanks(s, n, *pos);
    size_t l = eth_lex_ident_len(s, n, *pos);
    if (l && (word_is(s + *pos, l, "memory") || word_is(s + *pos, l, "storage") ||
              word_is(s + *pos, l, "calldata"))) {
        *pos = eth_lex_skip_blanks(s, n, *pos + l);
        l = eth_lex_ident_len(s, n, *pos);
    }
    if (l && word_is(s + *pos, l, "indexed")) {
        f->indexed = true;
        *pos = eth_lex_skip_blanks(s, n, *pos + l);
        l = eth_lex_ident_len(s, n, *pos);
    }
    if (l == 0)
        return 0;
    int rc = eth_abi_type_set_name(f, s + *pos, l, err);
    size_t after = *pos + l;
    *pos = eth_lex_skip_blanks(s, n, after);
    if (rc == 0 && *pos > after && *pos < n && s[*pos] == ',')
        rc = eth_fail(err, ETH_EINVAL, "unexpected blank before ',' at position %zu", after);
    return rc;
}

/* Components "(T1,T2,)" at s[*pos] == '('; named: each may carry param_words. */
static int parse_list(const char *s, size_t n, size_t *pos, unsigned flags, int depth, bool named,
                      eth_abi_type **out, eth_error *err)
{
    eth_abi_type *t;
    int rc = eth_abi_type_new(ETH_ABI_TUPLE, &t, err);
    if (rc != 0)
        return rc;
    *pos = eth_lex_skip_blanks(s, n, *pos + 1);
    while (rc == 0 && *pos < n && s[*pos] != ')') {
        eth_abi_type *f = NULL;
        rc = eth_abi_type_parse_at(s, n, pos, flags, depth + 1, &f, err);
        if (rc == 0)
            rc = eth_abi_type_add_field(t, f, err);
        if (rc == 0 && named)
            rc = param_words(s, n, pos, f, err);
        if (rc != 0)
            break;
        if (*pos < n && s[*pos] == ',') {
            *pos = eth_lex_skip_blanks(s, n, *pos + 1);
        } else {
            *pos = eth_lex_skip_blanks(s, n, *pos);
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

int eth_abi_params_parse_at(const char *s, size_t n, size_t *pos, unsigned flags, int depth,
                            eth_abi_type **out, eth_error *err)
{
    *out = NULL;
    return parse_list(s, n, pos, flags, depth, true, out, err);
}

static int wrap_array(eth_abi_type **t, size_t len, bool fixed, eth_error *err)
{
    eth_abi_type *a;
    int rc = eth_abi_type_new(fixed ? ETH_ABI_FIXED_ARRAY : ETH_ABI_ARRAY, &a, err);
    if (rc != 0)
        return rc;
    a->elem = *t;
    a->len = len;
    *t = a;
    if (fixed && !eth_abi_type_is_dynamic(a) && a->elem->kind != ETH_ABI_OPAQUE &&
        eth_abi_type_head_size(a->elem) > MAX_STATIC_SIZE / len)
        return eth_fail(err, ETH_ERANGE, "fixed array too large (over %u bytes)", MAX_STATIC_SIZE);
    return 0;
}

int eth_abi_type_parse_suffixes(const char *s, size_t n, size_t *pos, int depth, eth_abi_type **t,
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
        if (e > d && (parse_small(s + d, e - d, &k) != 0 || k == 0 || k > MAX_FIXED_LEN)) {
            char shown[ETH_CLIP_BUF];
            return eth_fail(err, ETH_ERANGE, "bad array length '%s' (1 to %u)",
                            eth_text_clip(s + d, e - d, shown), MAX_FIXED_LEN);
        }
        int rc = wrap_array(t, k, e > d, err);
        if (rc != 0)
            return rc;
        *pos = e + 1;
    }
    return 0;
}

int eth_abi_type_parse_at(const char *s, size_t n, size_t *pos, unsigned flags, int depth,
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
        rc = parse_list(s, n, pos, flags, depth, (flags & ETH_ABI_NAMED) != 0, &t, err);
    else
        rc = parse_root(s, n, pos, flags, &t, err);
    if (rc == 0)
        rc = eth_abi_type_parse_suffixes(s, n, pos, depth, &t, err);
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
    int rc = eth_abi_type_parse_at(s, n, &pos, ETH_ABI_STRICT, 0, out, err);
    if (rc == 0 && pos != n) {
        eth_abi_type_free(*out);
        *out = NULL;
        if (memchr(s, '(', n) || memchr(s, '[', n) || memchr(s, ')', n) || memchr(s, ']', n))
            return unbalanced(s, n, err);
        char rest[ETH_CLIP_BUF], whole[ETH_CLIP_BUF];
        return eth_fail(err, ETH_EINVAL, "unexpected '%s' in type '%s'",
                        eth_text_clip(s + pos, n - pos, rest), eth_text_clip(s, n, whole));
    }
    return rc;
}

/* Appends s at out + *used; -1 if it does not fit. */
static int put(char *out, size_t cap, size_t *used, const char *s)
{
    size_t l = strlen(s);
    if (*used + l + 1 > cap)
        return -1;
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
    default: return "?";
    }
}

/* The canonical text of t at out + *used; -1 if it does not fit. */
static int canonical(const eth_abi_type *t, char *out, size_t cap, size_t *used)
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
        return put(out, cap, used, t->ident ? t->ident : "?");
    case ETH_ABI_ARRAY:
    case ETH_ABI_FIXED_ARRAY:
        if (canonical(t->elem, out, cap, used) != 0)
            return -1;
        if (t->kind == ETH_ABI_ARRAY)
            return put(out, cap, used, "[]");
        snprintf(tmp, sizeof tmp, "[%zu]", t->len);
        return put(out, cap, used, tmp);
    case ETH_ABI_TUPLE:
        if (put(out, cap, used, "(") != 0)
            return -1;
        for (size_t i = 0; i < t->nfields; i++)
            if ((i > 0 && put(out, cap, used, ",") != 0) ||
                canonical(t->fields[i], out, cap, used) != 0)
                return -1;
        return put(out, cap, used, ")");
    default:
        return put(out, cap, used, simple_name(t->kind));
    }
}

int eth_abi_type_canonical(const eth_abi_type *t, char *out, size_t cap, size_t *used,
                           eth_error *err)
{
    if (canonical(t, out, cap, used) != 0)
        return eth_fail(err, ETH_ERANGE, "canonical type is longer than %zu bytes",
                        cap ? cap - 1 : 0);
    return 0;
}

bool eth_abi_type_equal(const eth_abi_type *a, const eth_abi_type *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind) /* NULLs only in a malformed hand-built tree */
        return false;
    switch (a->kind) {
    case ETH_ABI_UINT:
    case ETH_ABI_INT:
    case ETH_ABI_FIXED_BYTES:
        return a->size == b->size;
    case ETH_ABI_OPAQUE:
        return a->ident && b->ident && strcmp(a->ident, b->ident) == 0;
    case ETH_ABI_FIXED_ARRAY:
        if (a->len != b->len)
            return false;
        /* fall through */
    case ETH_ABI_ARRAY:
        return a->elem && b->elem && eth_abi_type_equal(a->elem, b->elem);
    case ETH_ABI_TUPLE:
        if (a->nfields != b->nfields || (a->nfields && (!a->fields || !b->fields)))
            return false;
        for (size_t i = 0; i < a->nfields; i++)
            if (!eth_abi_type_equal(a->fields[i], b->fields[i]))
                return false;
        return true;
    default:
        return true;
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
