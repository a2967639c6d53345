/* abi_encode.h: Solidity ABI head/tail encoding of values, and of cast-style argument texts. */
#ifndef KMS_ETH_ABI_ENCODE_H
#define KMS_ETH_ABI_ENCODE_H

#include "abi_value.h"
#include "hex.h"

/* Appends the encoding of v (a tuple encodes as its components in sequence). */
int kms_abi_encode_value(const kms_abi_value *v, kms_buf *out, kms_error *err);

/* Parses texts[i] against params->fields[i] and appends the encoded parameter tuple; on a bad
 * value the message names the argument ("argument 2 (uint8) '300': ..."). */
int kms_abi_encode_args(const kms_abi_type *params, char *const *texts, size_t ntexts,
                        kms_buf *out, kms_error *err);

#endif
