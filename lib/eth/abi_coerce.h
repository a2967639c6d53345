/* abi_coerce.h: cast-style value text ("0x..", "1.5 ether", "(1,[a,b])") to ABI values. */
#ifndef ETH_ABI_COERCE_H
#define ETH_ABI_COERCE_H

#include "abi_value.h"

/* Parses text as a value of type t (the grammar of cast's arguments) into out (clear it after). */
int eth_abi_coerce(const eth_abi_type *t, const char *text, eth_abi_value *out, eth_error *err);

/* Splits a comma-separated list of value texts at top level (outside brackets and quotes):
 * writes start offsets and lengths of up to max items; returns the count or a negative error. */
int eth_abi_split(const char *s, size_t *starts, size_t *lens, size_t max, eth_error *err);

#endif
