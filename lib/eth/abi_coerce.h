/* abi_coerce.h: cast-style value text ("0x..", "1.5 ether", "1ether", "(1,[a,b])") to ABI
 * values, with cast's grammar: numbers are decimal or 0x/0o/0b, with an optional fraction,
 * exponent ("1e18", "1.5e-3") and unit (ether, gwei, nano, nanoether, wei; glued to the
 * number or after blanks). */
#ifndef ETH_ABI_COERCE_H
#define ETH_ABI_COERCE_H

#include "abi_value.h"

/* Parses the NUL-terminated text as a value of type t into *out (types point into t, which must
 * outlive it). Returns 0 with *out filled (clear it with eth_abi_value_clear), or with *out
 * cleared: -ETH_EINVAL (malformed text), -ETH_ERANGE (a number out of range for its type),
 * -ETH_EUNSUP (an opaque type), -ETH_ENOMEM. In: t, text borrowed, not NULL. */
int eth_abi_coerce(const eth_abi_type *t, const char *text, eth_abi_value *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Splits the NUL-terminated comma-separated list s at top level (outside brackets and quotes):
 * writes the start offsets and lengths of up to max items to starts[] and lens[].
 * Returns the number of items (>= 1: an empty s is one empty item), or -ETH_EINVAL (unbalanced
 * brackets or quotes) or -ETH_ERANGE (more than max items). */
int eth_abi_split(const char *s, size_t *starts, size_t *lens, size_t max, eth_error *err)
    ETH_WARN_UNUSED;

#endif
