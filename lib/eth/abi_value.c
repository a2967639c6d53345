/* abi_value.c: lifetime, shape check and constructors of ABI value trees. */
#include "abi_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void eth_abi_value_clear(eth_abi_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nitems; i++)
        eth_abi_value_clear(&v->items[i]);
    free(v->items);
    free(v->data);
    memset(v, 0, sizeof *v);
}

int eth_abi_value_alloc_items(eth_abi_value *v, size_t n, eth_error *err)
{
    v->items = calloc(n ? n : 1, sizeof *v->items);
    if (!v->items)
        return eth_fail(err, ETH_ENOMEM, "out of memory (%zu ABI values)", n);
    v->nitems = n;
    return 0;
}

/* Deepest value tree eth_abi_value_check walks (arrays and tuples both count). */
#define MAX_VALUE_DEPTH (2 * ETH_ABI_MAX_DEPTH + 2)
/* Size of the path buffer that names a node in messages ("value[1][0]"). */
#define PATH_ROOM 192

static const char *kind_name(eth_abi_kind k)
{
    switch (k) {
    case ETH_ABI_UINT: return "uint";
    case ETH_ABI_INT: return "int";
    case ETH_ABI_ADDRESS: return "address";
    case ETH_ABI_BOOL: return "bool";
    case ETH_ABI_FIXED_BYTES: return "bytesN";
    case ETH_ABI_BYTES: return "bytes";
    case ETH_ABI_STRING: return "string";
    case ETH_ABI_FUNCTION: return "function";
    case ETH_ABI_ARRAY: return "T[]";
    case ETH_ABI_FIXED_ARRAY: return "T[k]";
    case ETH_ABI_TUPLE: return "tuple";
    default: return "opaque";
    }
}

/* A short name of the node t alone ("uint8", "bytes4", "tuple") into out. */
static const char *node_text(const eth_abi_type *t, char out[32])
{
    if (t->kind == ETH_ABI_UINT || t->kind == ETH_ABI_INT)
        snprintf(out, 32, "%s%u", kind_name(t->kind), t->size);
    else if (t->kind == ETH_ABI_FIXED_BYTES)
        snprintf(out, 32, "bytes%u", t->size);
    else
        snprintf(out, 32, "%s", kind_name(t->kind));
    return out;
}

/* The node t itself is well formed (its children are checked where they are used). */
static int check_type_node(const eth_abi_type *t, const char *path, eth_error *err)
{
    if (!t)
        return eth_fail(err, ETH_EINVAL, "%s: the value has no type", path);
    switch (t->kind) {
    case ETH_ABI_UINT:
    case ETH_ABI_INT:
        if (t->size < 8 || t->size > 256 || t->size % 8)
            return eth_fail(err, ETH_EINVAL, "%s: %s%u is not an integer type", path,
                            kind_name(t->kind), t->size);
        return 0;
    case ETH_ABI_FIXED_BYTES:
        if (t->size < 1 || t->size > 32)
            return eth_fail(err, ETH_EINVAL, "%s: bytes%u is not a type", path, t->size);
        return 0;
    case ETH_ABI_ARRAY:
    case ETH_ABI_FIXED_ARRAY:
        if (!t->elem)
            return eth_fail(err, ETH_EINVAL, "%s: array type without an element type", path);
        return 0;
    case ETH_ABI_TUPLE:
        if (t->nfields && !t->fields)
            return eth_fail(err, ETH_EINVAL, "%s: tuple type without its components", path);
        return 0;
    case ETH_ABI_OPAQUE:
        return eth_fail(err, ETH_EUNSUP, "%s: unknown type '%s' has no encoding", path,
                        t->ident ? t->ident : "?");
    case ETH_ABI_ADDRESS:
    case ETH_ABI_BOOL:
    case ETH_ABI_BYTES:
    case ETH_ABI_STRING:
    case ETH_ABI_FUNCTION:
        return 0;
    default:
        return eth_fail(err, ETH_EINVAL, "%s: unknown type kind %d", path, (int)t->kind);
    }
}

static int check_at(const eth_abi_value *v, char *path, size_t plen, int depth, eth_error *err);

/* Checks the items of a tuple or array v against their component or element types. */
static int check_items(const eth_abi_value *v, char *path, size_t plen, int depth,
                       eth_error *err)
{
    const eth_abi_type *t = v->type;
    if (t->kind == ETH_ABI_TUPLE && v->nitems != t->nfields)
        return eth_fail(err, ETH_EINVAL, "%s: a tuple of %zu components has %zu items", path,
                        t->nfields, v->nitems);
    if (t->kind == ETH_ABI_FIXED_ARRAY && v->nitems != t->len)
        return eth_fail(err, ETH_EINVAL, "%s: an array of %zu elements has %zu items", path,
                        t->len, v->nitems);
    if (v->nitems && !v->items)
        return eth_fail(err, ETH_EINVAL, "%s: %zu items but no item storage", path, v->nitems);
    for (size_t i = 0; i < v->nitems; i++) {
        const eth_abi_type *want = t->kind == ETH_ABI_TUPLE ? t->fields[i] : t->elem;
        size_t sub = plen;
        if (plen < PATH_ROOM - 24) /* room for "[index]" */
            sub += (size_t)snprintf(path + plen, PATH_ROOM - plen, "[%zu]", i);
        int rc = check_at(&v->items[i], path, sub, depth + 1, err);
        if (rc == 0 && !want)
            rc = eth_fail(err, ETH_EINVAL, "%s: the tuple type has no component %zu", path, i);
        char have_text[32], want_text[32];
        if (rc == 0 && !eth_abi_type_equal(v->items[i].type, want))
            rc = eth_fail(err, ETH_EINVAL, "%s: its type (%s) is not the %s type (%s)", path,
                          node_text(v->items[i].type, have_text),
                          t->kind == ETH_ABI_TUPLE ? "component" : "element",
                          node_text(want, want_text));
        path[plen] = '\0';
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int check_at(const eth_abi_value *v, char *path, size_t plen, int depth, eth_error *err)
{
    if (depth > MAX_VALUE_DEPTH)
        return eth_fail(err, ETH_ERANGE, "%s: value nests deeper than %d levels", path,
                        MAX_VALUE_DEPTH);
    int rc = check_type_node(v->type, path, err);
    if (rc != 0)
        return rc;
    switch (v->type->kind) {
    case ETH_ABI_ARRAY:
    case ETH_ABI_FIXED_ARRAY:
    case ETH_ABI_TUPLE:
        return check_items(v, path, plen, depth, err);
    default:
        break;
    }
    char text[32];
    if (v->nitems)
        return eth_fail(err, ETH_EINVAL, "%s: a %s value has %zu items", path,
                        node_text(v->type, text), v->nitems);
    if ((v->type->kind == ETH_ABI_BYTES || v->type->kind == ETH_ABI_STRING) && v->len && !v->data)
        return eth_fail(err, ETH_EINVAL, "%s: %zu bytes of %s without data", path, v->len,
                        kind_name(v->type->kind));
    return 0;
}

int eth_abi_value_check(const eth_abi_value *v, eth_error *err)
{
    char path[PATH_ROOM] = "value";
    return check_at(v, path, strlen(path), 0, err);
}

/* Clears v and gives it type t, which must be of kind want (or, if want2 >= 0, of want2). */
static int begin(eth_abi_value *v, const eth_abi_type *t, eth_abi_kind want, int want2,
                 eth_error *err)
{
    char text[32];
    eth_abi_value_clear(v);
    if (t->kind != want && (want2 < 0 || t->kind != (eth_abi_kind)want2))
        return eth_fail(err, ETH_EINVAL, "cannot set a %s value as %s", node_text(t, text),
                        want2 < 0 ? kind_name(want) : "bytes or string");
    v->type = t;
    return 0;
}

int eth_abi_value_set_uint(eth_abi_value *v, const eth_abi_type *t, const u256 *x,
                           eth_error *err)
{
    eth_abi_value_clear(v);
    if (t->kind != ETH_ABI_UINT && t->kind != ETH_ABI_INT)
        return eth_fail(err, ETH_EINVAL, "cannot set a %s value from an integer",
                        kind_name(t->kind));
    /* an intN word must be the sign extension of N bits: x, or ~x when negative, < 2^(N-1) */
    u256 y = *x;
    if (t->kind == ETH_ABI_INT && (x->w[3] >> 63))
        for (int i = 0; i < 4; i++)
            y.w[i] = ~x->w[i];
    unsigned bits = u256_bits(&y) + (t->kind == ETH_ABI_INT ? 1u : 0u);
    if (bits > t->size)
        return eth_fail(err, ETH_ERANGE, "the number does not fit in %s%u", kind_name(t->kind),
                        t->size);
    v->type = t;
    u256_to_be(x, v->word);
    return 0;
}

int eth_abi_value_set_address(eth_abi_value *v, const eth_abi_type *t, const uint8_t addr[20],
                              eth_error *err)
{
    int rc = begin(v, t, ETH_ABI_ADDRESS, -1, err);
    if (rc == 0)
        memcpy(v->word + 12, addr, 20);
    return rc;
}

int eth_abi_value_set_bool(eth_abi_value *v, const eth_abi_type *t, bool b, eth_error *err)
{
    int rc = begin(v, t, ETH_ABI_BOOL, -1, err);
    if (rc == 0)
        v->word[31] = b ? 1 : 0;
    return rc;
}

int eth_abi_value_set_fixed_bytes(eth_abi_value *v, const eth_abi_type *t, const uint8_t *p,
                                  size_t n, eth_error *err)
{
    int rc = begin(v, t, ETH_ABI_FIXED_BYTES, -1, err);
    if (rc == 0 && n != t->size) {
        v->type = NULL;
        return eth_fail(err, ETH_EINVAL, "bytes%u takes %u bytes, not %zu", t->size, t->size, n);
    }
    if (rc == 0)
        memcpy(v->word, p, n);
    return rc;
}

int eth_abi_value_set_bytes(eth_abi_value *v, const eth_abi_type *t, const uint8_t *p, size_t n,
                            eth_error *err)
{
    int rc = begin(v, t, ETH_ABI_BYTES, ETH_ABI_STRING, err);
    if (rc != 0)
        return rc;
    v->data = malloc(n ? n : 1);
    if (!v->data) {
        v->type = NULL;
        return eth_fail(err, ETH_ENOMEM, "out of memory (%zu bytes)", n);
    }
    if (n)
        memcpy(v->data, p, n);
    v->len = n;
    return 0;
}

int eth_abi_value_set_items(eth_abi_value *v, const eth_abi_type *t, size_t n, eth_error *err)
{
    eth_abi_value_clear(v);
    size_t want = t->kind == ETH_ABI_TUPLE ? t->nfields : t->len;
    if (t->kind != ETH_ABI_TUPLE && t->kind != ETH_ABI_ARRAY && t->kind != ETH_ABI_FIXED_ARRAY)
        return eth_fail(err, ETH_EINVAL, "cannot give a %s value items", kind_name(t->kind));
    if (t->kind != ETH_ABI_ARRAY && n != want)
        return eth_fail(err, ETH_EINVAL, "a %s of %zu takes exactly %zu items, not %zu",
                        t->kind == ETH_ABI_TUPLE ? "tuple" : "T[k]", want, want, n);
    if (t->kind == ETH_ABI_ARRAY && n > ETH_ABI_MAX_ITEMS)
        return eth_fail(err, ETH_ERANGE, "%zu items are more than the %u a T[] value may hold", n,
                        ETH_ABI_MAX_ITEMS);
    int rc = eth_abi_value_alloc_items(v, n, err);
    if (rc != 0)
        return rc;
    v->type = t;
    for (size_t i = 0; i < n; i++)
        v->items[i].type = t->kind == ETH_ABI_TUPLE ? t->fields[i] : t->elem;
    return 0;
}
