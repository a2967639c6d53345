/* abi_decode.h: bounds-checked decoding of ABI data into value trees. */
#ifndef ETH_ABI_DECODE_H
#define ETH_ABI_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include "abi_value.h"

/* Decodes data[0..n) as the parameter tuple `params` into out (a tuple value; clear it after).
 * Like cast, trailing bytes are ignored and static words are kept as they are (no dirty-bit
 * check); every offset and length is checked against the buffer and total work is bounded. */
int eth_abi_decode(const eth_abi_type *params, const uint8_t *data, size_t n, eth_abi_value *out,
                   eth_error *err);

#endif
