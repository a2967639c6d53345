/* abi_value.h: a decoded, parsed or hand-built ABI value, a tree that mirrors its eth_abi_type.
 *
 * Static elementary values keep their 32-byte ABI word (as they are: a decoded word's unused
 * bits are not checked, as cast does not); bytes and string keep data[0..len); arrays and tuples
 * keep items. The type is borrowed and must outlive the value; data and items are owned.
 *
 * Building a value by hand: start from a zeroed value, give each node its type and content
 * with the eth_abi_value_set_* constructors (eth_abi_value_set_items makes the children of a
 * tuple or array, already typed), and release the tree with eth_abi_value_clear. The encoder and
 * formatter refuse a value whose shape does not match its type (eth_abi_value_check), so a
 * mistake in a builder is an error, never a write past a buffer. */
#ifndef ETH_ABI_VALUE_H
#define ETH_ABI_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "abi_type.h"
#include "u256.h"

typedef struct eth_abi_value {
    const eth_abi_type *type; /* borrowed */
    uint8_t word[32];
    uint8_t *data;            /* owned; may be NULL when len is 0 */
    size_t len;
    struct eth_abi_value *items; /* owned; nitems of them */
    size_t nitems;
} eth_abi_value;

/* Most items eth_abi_value_set_items makes for one T[] value. */
#define ETH_ABI_MAX_ITEMS (1u << 20)

/* Frees what v owns (data, items and their trees) and zeroes v; the struct itself is the
 * caller's (a value on the stack or an item). NULL is fine. */
void eth_abi_value_clear(eth_abi_value *v);

/* Allocates n zeroed (untyped) items for v, replacing none: v must have no items yet.
 * Returns 0 or -ETH_ENOMEM. */
int eth_abi_value_alloc_items(eth_abi_value *v, size_t n, eth_error *err) ETH_WARN_UNUSED;

/* Checks that v has the shape of its type, all the way down: a type on every node (well
 * formed: sizes in range, children present); as many items as a tuple has components or a T[k]
 * has k; each item typed like its component or element (eth_abi_type_equal); no items on a
 * leaf; data present for non-empty bytes and strings. Words are not checked.
 * Returns 0, -ETH_EINVAL naming the path of the first mismatch ("item 1.0: ..."), -ETH_EUNSUP
 * for an opaque type, or -ETH_ERANGE for a tree deeper than 2 * ETH_ABI_MAX_DEPTH + 2.
 * v not NULL. */
int eth_abi_value_check(const eth_abi_value *v, eth_error *err) ETH_WARN_UNUSED;

/* Constructors. Each clears v first (v must be zeroed or hold a value), sets v->type = t
 * (borrowed, not NULL) and fills v; on failure v is left cleared. */

/* A uintN (x must fit in N bits, else -ETH_ERANGE) or an intN (x is the two's complement
 * word over 256 bits, and must be the sign extension of an N-bit number, else -ETH_ERANGE).
 * Returns 0, -ETH_EINVAL if t is another kind, or -ETH_ERANGE. x not NULL. */
int eth_abi_value_set_uint(eth_abi_value *v, const eth_abi_type *t, const u256 *x,
                           eth_error *err) ETH_WARN_UNUSED;

/* An address (right-aligned in the word). Returns 0 or -ETH_EINVAL if t is not address. */
int eth_abi_value_set_address(eth_abi_value *v, const eth_abi_type *t, const uint8_t addr[20],
                              eth_error *err) ETH_WARN_UNUSED;

/* A bool. Returns 0 or -ETH_EINVAL if t is not bool. */
int eth_abi_value_set_bool(eth_abi_value *v, const eth_abi_type *t, bool b, eth_error *err)
    ETH_WARN_UNUSED;

/* A bytesN from p[0..n) with n == N (left-aligned). Returns 0, or -ETH_EINVAL if t is not a
 * bytesN or n is not its size. */
int eth_abi_value_set_fixed_bytes(eth_abi_value *v, const eth_abi_type *t, const uint8_t *p,
                                  size_t n, eth_error *err) ETH_WARN_UNUSED;

/* A bytes or string holding a copy of p[0..n) (p may be NULL if n is 0; a string is not checked
 * for UTF-8, as cast does not). Returns 0, -ETH_EINVAL if t is neither, or -ETH_ENOMEM. */
int eth_abi_value_set_bytes(eth_abi_value *v, const eth_abi_type *t, const uint8_t *p, size_t n,
                            eth_error *err) ETH_WARN_UNUSED;

/* A tuple, T[k] or T[] with n zeroed items, each typed with its component or the element
 * type, to be filled by the caller. n must be the tuple's component count or k (else
 * -ETH_EINVAL), and at most ETH_ABI_MAX_ITEMS for T[] (else -ETH_ERANGE). Returns 0, those, or
 * -ETH_ENOMEM; -ETH_EINVAL also if t is not a tuple or array. */
int eth_abi_value_set_items(eth_abi_value *v, const eth_abi_type *t, size_t n, eth_error *err)
    ETH_WARN_UNUSED;

#endif
