/* abi_type.h: the Solidity ABI type grammar (uintN, bytesN, T[], T[k], tuples) as a tree. */
#ifndef KMS_ETH_ABI_TYPE_H
#define KMS_ETH_ABI_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"

/* Deepest nesting of arrays and tuples accepted in a type. */
#define KMS_ABI_MAX_DEPTH 32
/* Most components of one tuple. */
#define KMS_ABI_MAX_FIELDS 256
/* Longest type or signature text accepted. */
#define KMS_ABI_MAX_TEXT 4096

typedef enum kms_abi_kind {
    KMS_ABI_UINT,
    KMS_ABI_INT,
    KMS_ABI_ADDRESS,
    KMS_ABI_BOOL,
    KMS_ABI_FIXED_BYTES,
    KMS_ABI_BYTES,
    KMS_ABI_STRING,
    KMS_ABI_FUNCTION,
    KMS_ABI_ARRAY,       /* T[] */
    KMS_ABI_FIXED_ARRAY, /* T[k] */
    KMS_ABI_TUPLE,
    KMS_ABI_OPAQUE /* an unknown identifier, kept only for selectors (lenient parsing) */
} kms_abi_kind;

/* One type node; children are owned. */
typedef struct kms_abi_type {
    kms_abi_kind kind;
    unsigned size;              /* bits of uintN/intN, bytes of bytesN */
    size_t len;                 /* k of T[k] */
    struct kms_abi_type *elem;  /* element of T[] and T[k] */
    struct kms_abi_type **fields;
    size_t nfields;
    char *name; /* identifier text of an opaque type */
} kms_abi_type;

/* Parses one type at s[*pos..n) (spaces allowed inside tuples); advances *pos. If lenient, unknown
 * identifiers become opaque types (as cast sig accepts them). depth counts enclosing tuples. */
int kms_abi_type_parse_at(const char *s, size_t n, size_t *pos, bool lenient, int depth,
                          kms_abi_type **out, kms_error *err);

/* Parses a whole type text such as "(uint256,bytes)[2]" (strict). */
int kms_abi_type_parse(const char *s, kms_abi_type **out, kms_error *err);

/* Appends field f to tuple t (taking ownership of f, freed on failure); bounded by KMS_ABI_MAX_FIELDS. */
int kms_abi_type_add_field(kms_abi_type *t, kms_abi_type *f, kms_error *err);

/* Frees a type tree (NULL is fine). */
void kms_abi_type_free(kms_abi_type *t);

/* Appends the canonical form ("uint256", "(address,bool)[]") to out (size cap, NUL-terminated);
 * returns 0 or -KMS_ERANGE if it does not fit. */
int kms_abi_type_canonical(const kms_abi_type *t, char *out, size_t cap, size_t *used);

/* True if the type is dynamic in the ABI sense (bytes, string, T[], or containing one). */
bool kms_abi_type_is_dynamic(const kms_abi_type *t);

/* Bytes the type takes in a head: 32 for dynamic types, else its full static size. */
size_t kms_abi_type_head_size(const kms_abi_type *t);

/* True if the tree contains an opaque (unknown) type. */
bool kms_abi_type_has_opaque(const kms_abi_type *t);

#endif
