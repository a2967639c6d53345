/* abi_encode.h: Solidity ABI head/tail encoding of values, and of cast-style argument texts. */
#ifndef ETH_ABI_ENCODE_H
#define ETH_ABI_ENCODE_H

#include "abi_value.h"
#include "hex.h"

/* Appends the encoding of v to out (a tuple encodes as its components in sequence, so a
 * parameter tuple gives calldata after the selector). v is checked first with
 * eth_abi_value_check: a value whose shape does not match its type is refused before anything
 * is written. Returns 0, an eth_abi_value_check error, or an eth_buf error (-ETH_ERANGE past
 * out->limit, -ETH_ENOMEM); on failure out may hold a partial encoding after its old end.
 * In: v borrowed (not NULL). */
int eth_abi_encode_value(const eth_abi_value *v, eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Parses texts[i] against params->fields[i] (eth_abi_coerce) and appends the encoded parameter
 * tuple to out. Returns 0, -ETH_EINVAL for a count other than params->nfields, or the first
 * argument's error with its message prefixed by the argument ("argument 2 (uint8) '300': ..."),
 * or an eth_buf error. In: params a tuple, texts[0..ntexts) NUL-terminated, all borrowed. */
int eth_abi_encode_args(const eth_abi_type *params, char *const *texts, size_t ntexts,
                        eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

#endif
