/* internal/abi_parse.h (internal to lib/eth): the pieces of the ABI type grammar that the
 * signature parser and the ABI JSON loader build on. Not part of the public API. */
#ifndef ETH_INTERNAL_ABI_PARSE_H
#define ETH_INTERNAL_ABI_PARSE_H

#include <stddef.h>
#include "../abi_type.h"

/* Parses a parameter list "(T1 a, T2 memory b, T3 indexed c,)" at s[*pos] == '(' into a new
 * tuple whose components carry the names (and `indexed`), and advances *pos past the ')'.
 * Names are accepted at this level whatever flags says; flags applies to nested tuples.
 * Returns 0 with *out owned by the caller, or as eth_abi_type_parse_at with *out NULL. */
int eth_abi_params_parse_at(const char *s, size_t n, size_t *pos, unsigned flags, int depth,
                            eth_abi_type **out, eth_error *err) ETH_WARN_UNUSED;

/* Wraps *t in the array suffixes "[]", "[k]" found at s[*pos..n) and advances *pos past them;
 * depth is the nesting *t already has. On failure *t still holds the (partly wrapped) tree,
 * which the caller frees. Returns 0, -ETH_EINVAL, -ETH_ERANGE or -ETH_ENOMEM. */
int eth_abi_type_parse_suffixes(const char *s, size_t n, size_t *pos, int depth, eth_abi_type **t,
                                eth_error *err) ETH_WARN_UNUSED;

#endif
