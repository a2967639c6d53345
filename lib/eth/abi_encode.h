/* abi_encode.h: Solidity ABI head/tail encoding of values, and of cast-style argument texts. */
#ifndef ETH_ABI_ENCODE_H
#define ETH_ABI_ENCODE_H

#include "abi_value.h"
#include "hex.h"

/* Appends the encoding of v (a tuple encodes as its components in sequence). */
int eth_abi_encode_value(const eth_abi_value *v, eth_buf *out, eth_error *err);

/* Parses texts[i] against params->fields[i] and appends the encoded parameter tuple; on a bad
 * value the message names the argument ("argument 2 (uint8) '300': ..."). */
int eth_abi_encode_args(const eth_abi_type *params, char *const *texts, size_t ntexts,
                        eth_buf *out, eth_error *err);

#endif
