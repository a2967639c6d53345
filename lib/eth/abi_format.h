/* abi_format.h: ABI values as the text cast prints (cast abi-decode / decode-calldata). */
#ifndef KMS_ETH_ABI_FORMAT_H
#define KMS_ETH_ABI_FORMAT_H

#include "abi_value.h"
#include "hex.h"

/* Appends cast's text of v: checksummed addresses, "1000000 [1e6]" number hints, Rust-quoted
 * strings, "[a, b]" arrays and "(a, b)" tuples; NUL-terminates. */
int kms_abi_format(const kms_abi_value *v, kms_buf *out, kms_error *err);

/* Appends the plain text of a leaf (no number hint, string as UTF-8 with invalid bytes replaced
 * by U+FFFD, unquoted); NUL-terminates. Arrays and tuples format as with kms_abi_format. */
int kms_abi_format_plain(const kms_abi_value *v, kms_buf *out, kms_error *err);

/* Appends s[0..n) quoted and escaped as Rust's Debug for str (invalid UTF-8 replaced). */
int kms_abi_format_quoted(const uint8_t *s, size_t n, kms_buf *out, kms_error *err);

#endif
