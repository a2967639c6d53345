/* abi_type.h: the Solidity ABI type grammar (uintN, bytesN, T[], T[k], tuples) as a tree.
 *
 * A type tree is plain data: every node owns its children and its strings, and
 * eth_abi_type_free releases a whole tree. Parameter and component names ride along on the nodes
 * ("to", "amount"); they never change the canonical form, selectors or encodings. */
#ifndef ETH_ABI_TYPE_H
#define ETH_ABI_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"

/* Deepest nesting of arrays and tuples accepted in a type. */
#define ETH_ABI_MAX_DEPTH 32
/* Most components of one tuple. */
#define ETH_ABI_MAX_FIELDS 256
/* Longest type or signature text accepted. */
#define ETH_ABI_MAX_TEXT 4096

/* Flags of the type and signature parsers (combine with |). */
#define ETH_ABI_STRICT 0u  /* the grammar cast accepts for a type: unknown identifiers refused */
#define ETH_ABI_LENIENT 1u /* unknown identifiers become opaque types (as cast sig keeps them) */
#define ETH_ABI_NAMED 2u   /* names (after an optional storage word and `indexed`) are accepted
                            * inside tuples too, as in the human-readable ABI
                            * "f((uint256 a, bool b) s)"; cast refuses those, so its commands
                            * do not pass this flag */

typedef enum eth_abi_kind {
    ETH_ABI_UINT,
    ETH_ABI_INT,
    ETH_ABI_ADDRESS,
    ETH_ABI_BOOL,
    ETH_ABI_FIXED_BYTES,
    ETH_ABI_BYTES,
    ETH_ABI_STRING,
    ETH_ABI_FUNCTION,
    ETH_ABI_ARRAY,       /* T[] */
    ETH_ABI_FIXED_ARRAY, /* T[k] */
    ETH_ABI_TUPLE,
    ETH_ABI_OPAQUE /* an unknown identifier, kept only for selectors (lenient parsing) */
} eth_abi_kind;

/* One type node; children and strings are owned by the node. */
typedef struct eth_abi_type {
    eth_abi_kind kind;
    unsigned size;              /* bits of uintN/intN (8..256), bytes of bytesN (1..32) */
    size_t len;                 /* k of T[k] */
    struct eth_abi_type *elem;  /* element of T[] and T[k] */
    struct eth_abi_type **fields;
    size_t nfields;
    char *ident;  /* ETH_ABI_OPAQUE only: the identifier as written ("MyStruct"); else NULL */
    char *name;   /* the parameter's or component's name ("to"), or NULL if it has none */
    bool indexed; /* an event parameter marked `indexed` */
} eth_abi_type;

/* Parses one type at s[*pos..n) (spaces allowed inside tuples) and advances *pos past it.
 * flags: ETH_ABI_LENIENT and/or ETH_ABI_NAMED (see above); depth counts enclosing tuples (0 at
 * top level). Returns 0 with *out a new tree (the caller frees it with eth_abi_type_free), or
 * -ETH_EINVAL (bad grammar, unknown type), -ETH_ERANGE (too deep, too many components, array
 * too large) or -ETH_ENOMEM, with *out NULL.
 * In: s (not NULL), borrowed. */
int eth_abi_type_parse_at(const char *s, size_t n, size_t *pos, unsigned flags, int depth,
                          eth_abi_type **out, eth_error *err) ETH_WARN_UNUSED;

/* Parses the whole NUL-terminated type text s, such as "(uint256,bytes)[2]" (strict, no names).
 * Returns 0 with *out a new tree (free with eth_abi_type_free), or as eth_abi_type_parse_at
 * (-ETH_ERANGE also for a text longer than ETH_ABI_MAX_TEXT), with *out NULL. */
int eth_abi_type_parse(const char *s, eth_abi_type **out, eth_error *err) ETH_WARN_UNUSED;

/* A new node of the given kind with everything else zero (size, len, children to be filled by
 * the caller). Returns 0 with *out owned by the caller (eth_abi_type_free), or -ETH_ENOMEM. */
int eth_abi_type_new(eth_abi_kind kind, eth_abi_type **out, eth_error *err) ETH_WARN_UNUSED;

/* Appends f to tuple t as its next component. Takes ownership of f in every case: on failure f
 * is freed. Returns 0, -ETH_ERANGE past ETH_ABI_MAX_FIELDS, or -ETH_ENOMEM. t, f not NULL. */
int eth_abi_type_add_field(eth_abi_type *t, eth_abi_type *f, eth_error *err) ETH_WARN_UNUSED;

/* Sets t's name to a copy of name[0..n) (replacing any earlier one). Returns 0 or -ETH_ENOMEM.
 * t, name not NULL. */
int eth_abi_type_set_name(eth_abi_type *t, const char *name, size_t n, eth_error *err)
    ETH_WARN_UNUSED;

/* Frees the tree t (every node, name and identifier). NULL is fine. */
void eth_abi_type_free(eth_abi_type *t);

/* Appends the canonical form ("uint256", "(address,bool)[]"; no names) at out + *used and a
 * NUL, and advances *used by its length. Returns 0, or -ETH_ERANGE if it does not fit in cap
 * bytes (out then holds a cut text). t, out, used not NULL. */
int eth_abi_type_canonical(const eth_abi_type *t, char *out, size_t cap, size_t *used,
                           eth_error *err) ETH_WARN_UNUSED;

/* True if a and b are the same ABI type (kind, sizes, lengths, components); names and
 * `indexed` are ignored. Neither may be NULL. */
bool eth_abi_type_equal(const eth_abi_type *a, const eth_abi_type *b);

/* True if the type is dynamic in the ABI sense (bytes, string, T[], or containing one). */
bool eth_abi_type_is_dynamic(const eth_abi_type *t);

/* Bytes the type takes in a head: 32 for dynamic types, else its full static size. */
size_t eth_abi_type_head_size(const eth_abi_type *t);

/* True if the tree contains an opaque (unknown) type. */
bool eth_abi_type_has_opaque(const eth_abi_type *t);

#endif
