/* abi_decode.h: bounds-checked decoding of ABI data into value trees. */
#ifndef ETH_ABI_DECODE_H
#define ETH_ABI_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include "abi_value.h"

/* Decodes data[0..n) as the parameter tuple params into *out (a tuple value whose types point
 * into params, which must outlive it). Like cast, trailing bytes are ignored and static words
 * are kept as they are (no dirty-bit check); every offset and length is checked against the
 * buffer and the total work is bounded (64 units per input byte).
 * Returns 0 with *out filled (the caller clears it with eth_abi_value_clear), or with *out
 * cleared: -ETH_EINVAL (data too short, an offset or length out of range), -ETH_ERANGE (the data
 * expands past the work bound, as aliased offsets do), -ETH_EUNSUP (an opaque type in params),
 * -ETH_ENOMEM. In: params (not NULL) and data (may be NULL if n is 0) borrowed. */
int eth_abi_decode(const eth_abi_type *params, const uint8_t *data, size_t n, eth_abi_value *out,
                   eth_error *err) ETH_WARN_UNUSED;

#endif
