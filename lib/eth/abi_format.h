/* abi_format.h: ABI values as the text cast prints (cast abi-decode / decode-calldata). */
#ifndef ETH_ABI_FORMAT_H
#define ETH_ABI_FORMAT_H

#include "abi_value.h"
#include "hex.h"

/* Appends cast's text of v: checksummed addresses, "1000000 [1e6]" number hints, Rust-quoted
 * strings, "[a, b]" arrays and "(a, b)" tuples; NUL-terminates. */
int eth_abi_format(const eth_abi_value *v, eth_buf *out, eth_error *err);

/* Appends the plain text of a leaf (no number hint, string as UTF-8 with invalid bytes replaced
 * by U+FFFD, unquoted); NUL-terminates. Arrays and tuples format as with eth_abi_format. */
int eth_abi_format_plain(const eth_abi_value *v, eth_buf *out, eth_error *err);

/* Appends s[0..n) quoted and escaped as Rust's Debug for str (invalid UTF-8 replaced). */
int eth_abi_format_quoted(const uint8_t *s, size_t n, eth_buf *out, eth_error *err);

#endif
