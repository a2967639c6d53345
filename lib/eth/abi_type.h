/* abi_type.h: the Solidity ABI type grammar (uintN, bytesN, T[], T[k], tuples) as a tree. */
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

/* One type node; children are owned. */
typedef struct eth_abi_type {
    eth_abi_kind kind;
    unsigned size;              /* bits of uintN/intN, bytes of bytesN */
    size_t len;                 /* k of T[k] */
    struct eth_abi_type *elem;  /* element of T[] and T[k] */
    struct eth_abi_type **fields;
    size_t nfields;
    char *name; /* identifier text of an opaque type */
} eth_abi_type;

/* Parses one type at s[*pos..n) (spaces allowed inside tuples); advances *pos. If lenient, unknown
 * identifiers become opaque types (as cast sig accepts them). depth counts enclosing tuples. */
int eth_abi_type_parse_at(const char *s, size_t n, size_t *pos, bool lenient, int depth,
                          eth_abi_type **out, eth_error *err);

/* Parses a whole type text such as "(uint256,bytes)[2]" (strict). */
int eth_abi_type_parse(const char *s, eth_abi_type **out, eth_error *err);

/* Appends field f to tuple t (taking ownership of f, freed on failure); bounded by ETH_ABI_MAX_FIELDS. */
int eth_abi_type_add_field(eth_abi_type *t, eth_abi_type *f, eth_error *err);

/* Frees a type tree (NULL is fine). */
void eth_abi_type_free(eth_abi_type *t);

/* Appends the canonical form ("uint256", "(address,bool)[]") to out (size cap, NUL-terminated);
 * returns 0 or -ETH_ERANGE if it does not fit. */
int eth_abi_type_canonical(const eth_abi_type *t, char *out, size_t cap, size_t *used);

/* True if the type is dynamic in the ABI sense (bytes, string, T[], or containing one). */
bool eth_abi_type_is_dynamic(const eth_abi_type *t);

/* Bytes the type takes in a head: 32 for dynamic types, else its full static size. */
size_t eth_abi_type_head_size(const eth_abi_type *t);

/* True if the tree contains an opaque (unknown) type. */
bool eth_abi_type_has_opaque(const eth_abi_type *t);

#endif
