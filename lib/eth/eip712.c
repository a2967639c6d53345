/* eip712.c: EIP-712 typed data: encodeType, typeHash, encodeData, hashStruct and the digest,
 * from C field by field or from eth_signTypedData_v4's JSON. */
#include "eip712.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "abi_type.h"
#include "address.h"
#include "buf.h"
#include "hex.h"
#include "json.h"
#include "text.h"
#include "internal/lex.h"

/* ---- the builder ---- */

void eth_eip712_type_hash(const char *encoded_type, uint8_t out[32])
{
    eth_keccak256(encoded_type, strlen(encoded_type), out);
}

void eth_eip712_struct_init(eth_eip712_struct *s, const uint8_t type_hash[32])
{
    eth_keccak_init(&s->k);
    eth_keccak_update(&s->k, type_hash, 32);
}

void eth_eip712_put_word(eth_eip712_struct *s, const uint8_t word[32])
{
    eth_keccak_update(&s->k, word, 32);
}

static void address_word(const uint8_t addr[20], uint8_t w[32])
{
    memset(w, 0, 12);
    memcpy(w + 12, addr, 20);
}

void eth_eip712_put_address(eth_eip712_struct *s, const uint8_t addr[20])
{
    uint8_t w[32];
    address_word(addr, w);
    eth_eip712_put_word(s, w);
}

void eth_eip712_put_uint(eth_eip712_struct *s, const u256 *v)
{
    uint8_t w[32];
    u256_to_be(v, w);
    eth_eip712_put_word(s, w);
}

void eth_eip712_put_dynamic(eth_eip712_struct *s, const void *p, size_t n)
{
    uint8_t w[32];
    eth_keccak256(p, n, w);
    eth_eip712_put_word(s, w);
}

void eth_eip712_struct_final(eth_eip712_struct *s, uint8_t out[32])
{
    eth_keccak_final(&s->k, out);
}

void eth_eip712_digest(const uint8_t domain_separator[32], const uint8_t struct_hash[32],
                       uint8_t out[32])
{
    uint8_t pre[2 + 32 + 32] = {0x19, 0x01};
    memcpy(pre + 2, domain_separator, 32);
    memcpy(pre + 34, struct_hash, 32);
    eth_keccak256(pre, sizeof pre, out);
}

/* ---- typed data from JSON ---- */

/* One field of a struct type; the strings are borrowed from the JSON document. */
typedef struct td_field {
    const char *name;
    const char *type_text; /* as written, checked to be canonical */
    eth_abi_type *type;    /* owned */
    int sref;              /* the struct type at the base of type (an index), or -1 */
} td_field;

typedef struct td_struct {
    const char *name;
    td_field *fields; /* owned, nfields of them */
    size_t nfields;
    bool hashed; /* hash holds the typeHash */
    uint8_t hash[32];
} td_struct;

/* The types of one typed-data document and where the encoder is in its values. */
typedef struct td {
    td_struct types[ETH_EIP712_MAX_TYPES];
    size_t ntypes;
    size_t order[ETH_EIP712_MAX_TYPES]; /* type indices sorted by name */
    char path[256];                     /* the value being encoded: "message.to[1].wallet" */
    eth_error *err;
} td;

static void td_clear(td *t)
{
    for (size_t i = 0; i < t->ntypes; i++) {
        for (size_t j = 0; j < t->types[i].nfields; j++)
            eth_abi_type_free(t->types[i].fields[j].type);
        free(t->types[i].fields);
    }
}

/* Fails with code and a message prefixed by the path of the value being encoded. */
static int fail_at(td *t, int code, const char *fmt, ...) ETH_PRINTF(3, 4);
static int fail_at(td *t, int code, const char *fmt, ...)
{
    char msg[sizeof t->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return eth_fail(t->err, code, "%s: %s", t->path, msg);
}

/* Appends a printf-style step to the path; returns the length to restore with path_pop. */
static size_t path_push(td *t, const char *fmt, ...) ETH_PRINTF(2, 3);
static size_t path_push(td *t, const char *fmt, ...)
{
    size_t len = strlen(t->path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->path + len, sizeof t->path - len, fmt, ap);
    va_end(ap);
    return len;
}

static void path_pop(td *t, size_t len)
{
    t->path[len] = '\0';
}

static int find_type(const td *t, const char *name)
{
    for (size_t i = 0; i < t->ntypes; i++)
        if (strcmp(t->types[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Parses s[0..n) as one type in canonical form ("uint256", "Person[][2]"; names of struct
 * types are kept as opaque identifiers) into *out. Returns 0, -ETH_EINVAL or -ETH_ERANGE
 * (longer than ETH_EIP712_MAX_TYPE_TEXT). */
static int parse_type(const char *s, size_t n, eth_abi_type **out, eth_error *err)
{
    char canon[ETH_EIP712_MAX_TYPE_TEXT + 16], shown[ETH_CLIP_BUF];
    size_t pos = 0, used = 0;
    *out = NULL;
    if (n > ETH_EIP712_MAX_TYPE_TEXT)
        return eth_fail(err, ETH_ERANGE, "'%s' is longer than %d characters",
                        eth_text_clip(s, n, shown), ETH_EIP712_MAX_TYPE_TEXT);
    int rc = eth_abi_type_parse_at(s, n, &pos, ETH_ABI_LENIENT, 0, out, err);
    if (rc == 0 && pos == n && eth_abi_type_canonical(*out, canon, sizeof canon, &used, err) == 0 &&
        used == n && memcmp(canon, s, n) == 0)
        return 0;
    eth_abi_type_free(*out);
    *out = NULL;
    return eth_fail(err, ETH_EINVAL, "'%s' is not a type in EIP-712's canonical form (such as "
                                     "uint256, bytes32, string, Person, Person[], uint8[2])",
                    eth_text_clip(s, n, shown));
}

/* Checks the length of a type's or field's name. */
static int check_name_length(const char *name, size_t n, const char *where, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    if (n <= ETH_EIP712_MAX_NAME)
        return 0;
    return eth_fail(err, ETH_ERANGE, "%s: the name '%s' is longer than %d characters", where,
                    eth_text_clip(name, n, shown), ETH_EIP712_MAX_NAME);
}

/* Checks a key of "types": an identifier that is not an atomic type's name. */
static int check_struct_name(td *t, const char *name)
{
    char shown[ETH_CLIP_BUF];
    size_t n = strlen(name);
    eth_abi_type *ty = NULL;
    int rc = check_name_length(name, n, "types", t->err);
    if (rc)
        return rc;
    bool ok = parse_type(name, n, &ty, t->err) == 0 && ty->kind == ETH_ABI_OPAQUE;
    eth_abi_type_free(ty);
    if (ok)
        return 0;
    return eth_fail(t->err, ETH_EINVAL, "types: '%s' cannot name a struct type: use an "
                                        "identifier that is not an atomic type",
                    eth_text_clip(name, n, shown));
}

/* Points f->sref at the struct type at the base of f->type, which must be defined. */
static int resolve_field(const td *t, td_field *f, const char *where, eth_error *err)
{
    const eth_abi_type *leaf = f->type;
    while (leaf->kind == ETH_ABI_ARRAY || leaf->kind == ETH_ABI_FIXED_ARRAY)
        leaf = leaf->elem;
    f->sref = leaf->kind == ETH_ABI_OPAQUE ? find_type(t, leaf->ident) : -1;
    if (leaf->kind == ETH_ABI_TUPLE || leaf->kind == ETH_ABI_FUNCTION)
        return eth_fail(err, ETH_EINVAL, "field '%stype': '%s' is not an EIP-712 type", where,
                        f->type_text);
    if (leaf->kind == ETH_ABI_OPAQUE && f->sref < 0)
        return eth_fail(err, ETH_EINVAL, "field '%stype': unknown type '%s': define it in "
                                         "types", where, leaf->ident);
    return 0;
}

/* Reads field i of a type's definition ({"name": .., "type": ..}) into st->fields[i]. */
static int load_field(td *t, td_struct *st, size_t i, const json_t *def)
{
    static const char *const KEYS[] = {"name", "type", NULL};
    char where[ETH_EIP712_MAX_NAME + 32];
    snprintf(where, sizeof where, "types.%s[%zu].", st->name, i);
    td_field *f = &st->fields[i];
    size_t len, tlen;
    if (!json_is_object(def))
        return eth_fail(t->err, ETH_EINVAL, "%.*s must be an object {\"name\", \"type\"}",
                        (int)strlen(where) - 1, where);
    int rc = eth_json_only_keys(def, where, KEYS, t->err);
    if (rc == 0)
        rc = eth_json_get_string(def, where, "name", &f->name, &len, t->err);
    if (rc == 0) {
        char what[sizeof where + 16];
        snprintf(what, sizeof what, "field '%sname'", where);
        rc = check_name_length(f->name, len, what, t->err);
    }
    if (rc == 0 && (len == 0 || eth_lex_ident_len(f->name, len, 0) != len)) {
        char shown[ETH_CLIP_BUF];
        rc = eth_fail(t->err, ETH_EINVAL, "field '%sname': '%s' is not an identifier", where,
                      eth_text_clip(f->name, len, shown));
    }
    for (size_t j = 0; rc == 0 && j < i; j++)
        if (strcmp(st->fields[j].name, f->name) == 0)
            rc = eth_fail(t->err, ETH_EINVAL, "field '%sname': %s has two fields named '%s'",
                          where, st->name, f->name);
    if (rc == 0)
        rc = eth_json_get_string(def, where, "type", &f->type_text, &tlen, t->err);
    if (rc == 0 && (rc = parse_type(f->type_text, tlen, &f->type, t->err)) != 0)
        rc = eth_error_prefix(t->err, "field '%stype': ", where);
    return rc ? rc : resolve_field(t, f, where, t->err);
}

/* Reads a type's list of fields. */
static int load_fields(td *t, td_struct *st, const json_t *defs)
{
    if (!json_is_array(defs))
        return eth_fail(t->err, ETH_EINVAL, "types.%s must be an array of fields", st->name);
    size_t n = json_array_size(defs);
    if (n > ETH_EIP712_MAX_FIELDS)
        return eth_fail(t->err, ETH_ERANGE, "types.%s has %zu fields: kmsctl takes at most %d",
                        st->name, n, ETH_EIP712_MAX_FIELDS);
    st->fields = calloc(n ? n : 1, sizeof *st->fields);
    if (!st->fields)
        return eth_fail(t->err, ETH_ENOMEM, "out of memory (typed data)");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = load_field(t, st, i, json_array_get(defs, i));
        st->nfields = i + 1; /* so td_clear frees what this field holds, even on failure */
    }
    return rc;
}

static void sort_types(td *t)
{
    for (size_t i = 0; i < t->ntypes; i++) {
        size_t j = i;
        for (; j > 0 && strcmp(t->types[t->order[j - 1]].name, t->types[i].name) > 0; j--)
            t->order[j] = t->order[j - 1];
        t->order[j] = i;
    }
}

static int load_types(td *t, const json_t *types)
{
    if (json_object_size(types) > ETH_EIP712_MAX_TYPES)
        return eth_fail(t->err, ETH_ERANGE, "types has %zu entries: kmsctl takes at most %d",
                        json_object_size(types), ETH_EIP712_MAX_TYPES);
    const char *name;
    json_t *defs;
    json_object_foreach((json_t *)types, name, defs) {
        int rc = check_struct_name(t, name);
        if (rc)
            return rc;
        t->types[t->ntypes++].name = name;
    }
    sort_types(t);
    for (size_t i = 0; i < t->ntypes; i++) {
        int rc = load_fields(t, &t->types[i], json_object_get(types, t->types[i].name));
        if (rc)
            return rc;
    }
    return 0;
}

/* Marks type i and every struct type it references, directly or not. */
static void mark_deps(const td *t, size_t i, bool seen[ETH_EIP712_MAX_TYPES])
{
    if (seen[i])
        return;
    seen[i] = true;
    for (size_t j = 0; j < t->types[i].nfields; j++)
        if (t->types[i].fields[j].sref >= 0)
            mark_deps(t, (size_t)t->types[i].fields[j].sref, seen);
}

/* Absorbs "Name(type1 name1,type2 name2)". */
static void absorb_def(eth_keccak *k, const td_struct *st)
{
    eth_keccak_update(k, st->name, strlen(st->name));
    eth_keccak_update(k, "(", 1);
    for (size_t j = 0; j < st->nfields; j++) {
        if (j)
            eth_keccak_update(k, ",", 1);
        eth_keccak_update(k, st->fields[j].type_text, strlen(st->fields[j].type_text));
        eth_keccak_update(k, " ", 1);
        eth_keccak_update(k, st->fields[j].name, strlen(st->fields[j].name));
    }
    eth_keccak_update(k, ")", 1);
}

/* The typeHash of type i: keccak256 of its definition and its dependencies' sorted by name. */
static const uint8_t *type_hash(td *t, size_t i)
{
    td_struct *st = &t->types[i];
    if (!st->hashed) {
        bool seen[ETH_EIP712_MAX_TYPES] = {false};
        eth_keccak k;
        mark_deps(t, i, seen);
        eth_keccak_init(&k);
        absorb_def(&k, st);
        for (size_t j = 0; j < t->ntypes; j++)
            if (seen[t->order[j]] && t->order[j] != i)
                absorb_def(&k, &t->types[t->order[j]]);
        eth_keccak_final(&k, st->hash);
        st->hashed = true;
    }
    return st->hash;
}

/* The value v as text for a message: a string clipped, an integer in decimal. */
static const char *value_text(const json_t *v, char out[ETH_CLIP_BUF])
{
    if (json_is_string(v))
        return eth_text_clip(json_string_value(v), json_string_length(v), out);
    snprintf(out, ETH_CLIP_BUF, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return out;
}

static int get_string(td *t, const json_t *v, const char *what, const char **s, size_t *n)
{
    if (!json_is_string(v))
        return fail_at(t, ETH_EINVAL, "expected %s", what);
    *s = json_string_value(v);
    *n = json_string_length(v);
    return 0;
}

/* Reads an integer value: a JSON integer or a string of decimal or 0x digits, with an optional
 * '-', as its magnitude and sign. */
static int read_integer(td *t, const json_t *v, u256 *mag, bool *neg)
{
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        *neg = i < 0;
        *mag = u256_from_u64(*neg ? 0 - (uint64_t)i : (uint64_t)i);
        return 0;
    }
    if (!json_is_string(v))
        return fail_at(t, ETH_EINVAL, "expected an integer (a JSON integer, or a string of "
                                      "decimal or 0x hex digits)");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    *neg = n > 0 && s[0] == '-';
    int rc = u256_parse(s + *neg, n - *neg, mag, t->err);
    return rc ? eth_error_prefix(t->err, "%s: ", t->path) : 0;
}

/* True if the number (mag, neg) fits the uintN or intN ty. */
static bool int_fits(const u256 *mag, bool neg, const eth_abi_type *ty)
{
    u256 one = u256_from_u64(1), below;
    if (!neg || u256_is_zero(mag))
        return u256_bits(mag) <= ty->size - (ty->kind == ETH_ABI_INT);
    /* -mag fits intN when mag - 1 < 2^(N-1) */
    return ty->kind == ETH_ABI_INT && u256_sub(&below, mag, &one) == 0 &&
           u256_bits(&below) < ty->size;
}

static int enc_int(td *t, const json_t *v, const eth_abi_type *ty, uint8_t w[32])
{
    u256 mag = {{0}};
    bool neg = false;
    int rc = read_integer(t, v, &mag, &neg);
    if (rc)
        return rc;
    if (!int_fits(&mag, neg, ty)) {
        char shown[ETH_CLIP_BUF];
        return fail_at(t, ETH_ERANGE, "%s is out of range for %sint%u", value_text(v, shown),
                       ty->kind == ETH_ABI_UINT ? "u" : "", ty->size);
    }
    u256 word = neg ? u256_neg(&mag) : mag;
    u256_to_be(&word, w);
    return 0;
}

static int enc_address(td *t, const json_t *v, uint8_t w[32])
{
    const char *s = NULL;
    size_t n = 0;
    uint8_t a[20];
    int rc = get_string(t, v, "an address (a string of 40 hex digits)", &s, &n);
    if (rc == 0 && (rc = eth_address_parse(s, a, 0, t->err)) != 0)
        return eth_error_prefix(t->err, "%s: ", t->path);
    if (rc == 0)
        address_word(a, w);
    return rc;
}

/* bytesN: the bytes left-aligned in the word; bytes: keccak256 of them. */
static int enc_bytes(td *t, const json_t *v, const eth_abi_type *ty, uint8_t w[32])
{
    char shown[ETH_CLIP_BUF];
    const char *s = NULL;
    size_t n = 0;
    eth_buf b = {0};
    int rc = get_string(t, v, "0x hex", &s, &n);
    if (rc == 0 && !eth_hex_has_prefix(s, n))
        rc = fail_at(t, ETH_EINVAL, "'%s' is not 0x hex", eth_text_clip(s, n, shown));
    if (rc == 0 && (rc = eth_hex_decode(s, n, &b, t->err)) != 0)
        rc = eth_error_prefix(t->err, "%s: ", t->path);
    if (rc == 0 && ty->kind == ETH_ABI_FIXED_BYTES && b.len != ty->size)
        rc = fail_at(t, ETH_EINVAL, "%zu bytes: bytes%u takes exactly %u", b.len, ty->size,
                     ty->size);
    if (rc == 0 && ty->kind == ETH_ABI_FIXED_BYTES)
        memcpy(w, b.data, b.len);
    else if (rc == 0)
        eth_keccak256(b.data, b.len, w);
    eth_buf_clear(&b);
    return rc;
}

static int enc_atomic(td *t, const json_t *v, const eth_abi_type *ty, uint8_t w[32])
{
    const char *s = NULL;
    size_t n = 0;
    memset(w, 0, 32);
    switch (ty->kind) {
    case ETH_ABI_BOOL:
        if (!json_is_boolean(v))
            return fail_at(t, ETH_EINVAL, "expected true or false");
        w[31] = json_is_true(v);
        return 0;
    case ETH_ABI_ADDRESS:
        return enc_address(t, v, w);
    case ETH_ABI_UINT:
    case ETH_ABI_INT:
        return enc_int(t, v, ty, w);
    case ETH_ABI_FIXED_BYTES:
    case ETH_ABI_BYTES:
        return enc_bytes(t, v, ty, w);
    default: /* ETH_ABI_STRING: resolve_field let no other kind through */
        if (get_string(t, v, "a string", &s, &n))
            return -t->err->code;
        eth_keccak256(s, n, w);
        return 0;
    }
}

static int enc_struct(td *t, const json_t *v, size_t idx, int depth, uint8_t out[32]);

static int check_depth(td *t, int depth)
{
    if (depth > ETH_EIP712_MAX_DEPTH)
        return fail_at(t, ETH_ERANGE, "nested deeper than %d levels of structs and arrays",
                       ETH_EIP712_MAX_DEPTH);
    return 0;
}

/* The word of value v of type ty (whose base struct type is sref, if any) at nesting depth. */
static int enc_value(td *t, const json_t *v, const eth_abi_type *ty, int sref, int depth,
                     uint8_t w[32]);

/* An array: keccak256 of its elements' words. */
static int enc_array(td *t, const json_t *v, const eth_abi_type *ty, int sref, int depth,
                     uint8_t w[32])
{
    int rc = check_depth(t, depth);
    if (rc)
        return rc;
    if (!json_is_array(v))
        return fail_at(t, ETH_EINVAL, "expected an array");
    size_t n = json_array_size(v);
    if (ty->kind == ETH_ABI_FIXED_ARRAY && n != ty->len)
        return fail_at(t, ETH_EINVAL, "the type takes exactly %zu elements, not %zu", ty->len, n);
    if (n > ETH_EIP712_MAX_ARRAY)
        return fail_at(t, ETH_ERANGE, "%zu elements: kmsctl takes at most %d", n,
                       ETH_EIP712_MAX_ARRAY);
    eth_keccak k;
    eth_keccak_init(&k);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        uint8_t e[32];
        size_t mark = path_push(t, "[%zu]", i);
        rc = enc_value(t, json_array_get(v, i), ty->elem, sref, depth + 1, e);
        path_pop(t, mark);
        if (rc == 0)
            eth_keccak_update(&k, e, 32);
    }
    eth_keccak_final(&k, w);
    return rc;
}

static int enc_value(td *t, const json_t *v, const eth_abi_type *ty, int sref, int depth,
                     uint8_t w[32])
{
    switch (ty->kind) {
    case ETH_ABI_ARRAY:
    case ETH_ABI_FIXED_ARRAY:
        return enc_array(t, v, ty, sref, depth, w);
    case ETH_ABI_OPAQUE:
        return enc_struct(t, v, (size_t)sref, depth, w);
    default:
        return enc_atomic(t, v, ty, w);
    }
}

/* Names a member of the struct value v that is not a field of st (there is one: v has more
 * members than st has fields, and all of st's are there). */
static int extra_member(td *t, const json_t *v, const td_struct *st)
{
    char shown[ETH_CLIP_BUF];
    const char *key;
    json_t *m;
    json_object_foreach((json_t *)v, key, m) {
        size_t j = 0;
        while (j < st->nfields && strcmp(st->fields[j].name, key) != 0)
            j++;
        if (j == st->nfields)
            break;
    }
    return fail_at(t, ETH_EINVAL, "'%s' is not a field of %s", eth_text_clipz(key, shown),
                   st->name);
}

/* hashStruct of the object v as type idx. */
static int enc_struct(td *t, const json_t *v, size_t idx, int depth, uint8_t out[32])
{
    const td_struct *st = &t->types[idx];
    int rc = check_depth(t, depth);
    if (rc)
        return rc;
    if (!json_is_object(v))
        return fail_at(t, ETH_EINVAL, "expected an object of type %s", st->name);
    eth_eip712_struct s;
    eth_eip712_struct_init(&s, type_hash(t, idx));
    for (size_t j = 0; rc == 0 && j < st->nfields; j++) {
        const td_field *f = &st->fields[j];
        const json_t *fv = json_object_get(v, f->name);
        uint8_t w[32];
        if (!fv)
            return fail_at(t, ETH_EINVAL, "missing field '%s' of %s", f->name, st->name);
        size_t mark = path_push(t, ".%s", f->name);
        rc = enc_value(t, fv, f->type, f->sref, depth + 1, w);
        path_pop(t, mark);
        if (rc == 0)
            eth_eip712_put_word(&s, w);
    }
    if (rc == 0 && json_object_size(v) > st->nfields)
        rc = extra_member(t, v, st);
    eth_eip712_struct_final(&s, out);
    return rc;
}

/* hashStruct of the top-level member name (an object) as the type named type. */
static int hash_member(td *t, const json_t *root, const char *name, int type, uint8_t out[32])
{
    const json_t *v = eth_json_member(root, "", name, JSON_OBJECT, t->err);
    if (!v)
        return -t->err->code;
    snprintf(t->path, sizeof t->path, "%s", name);
    return enc_struct(t, v, (size_t)type, 1, out);
}

/* The index of primaryType, a defined type other than EIP712Domain. */
static int primary_type(td *t, const json_t *root, int *out)
{
    const char *name;
    char shown[ETH_CLIP_BUF];
    int rc = eth_json_get_string(root, "", "primaryType", &name, NULL, t->err);
    if (rc)
        return rc;
    *out = find_type(t, name);
    if (*out < 0)
        return eth_fail(t->err, ETH_EINVAL, "primaryType '%s' is not defined in types",
                        eth_text_clipz(name, shown));
    if (strcmp(name, "EIP712Domain") == 0)
        return eth_fail(t->err, ETH_EUNSUP, "primaryType EIP712Domain: kmsctl hashes a message "
                                            "of another type, not the domain alone");
    return 0;
}

static int hash_doc(td *t, const json_t *root, uint8_t digest[32], uint8_t ds_out[32],
                    uint8_t sh_out[32])
{
    static const char *const KEYS[] = {"types", "primaryType", "domain", "message", NULL};
    const json_t *types;
    int primary = -1, domain = -1;
    uint8_t ds[32], sh[32];
    int rc = eth_json_only_keys(root, "", KEYS, t->err);
    if (rc == 0 && !(types = eth_json_member(root, "", "types", JSON_OBJECT, t->err)))
        rc = -t->err->code;
    if (rc == 0)
        rc = load_types(t, types);
    if (rc == 0 && (domain = find_type(t, "EIP712Domain")) < 0)
        rc = eth_fail(t->err, ETH_EINVAL, "types has no EIP712Domain: define the domain's fields");
    if (rc == 0)
        rc = primary_type(t, root, &primary);
    if (rc == 0)
        rc = hash_member(t, root, "domain", domain, ds);
    if (rc == 0)
        rc = hash_member(t, root, "message", primary, sh);
    if (rc)
        return rc;
    eth_eip712_digest(ds, sh, digest);
    if (ds_out)
        memcpy(ds_out, ds, 32);
    if (sh_out)
        memcpy(sh_out, sh, 32);
    return 0;
}

int eth_eip712_hash_json(const char *text, size_t n, uint8_t digest[32],
                         uint8_t domain_separator[32], uint8_t struct_hash[32], eth_error *err)
{
    if (n > ETH_EIP712_MAX_JSON)
        return eth_fail(err, ETH_ERANGE, "typed data of %zu bytes: kmsctl reads at most %u",
                        n, ETH_EIP712_MAX_JSON);
    json_t *root;
    int rc = eth_json_parse_object(text, n, &root, err);
    if (rc)
        return eth_error_prefix(err, "typed data: ");
    td t = {.err = err};
    rc = hash_doc(&t, root, digest, domain_separator, struct_hash);
    td_clear(&t);
    json_decref(root);
    return rc;
}
