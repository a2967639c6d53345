/* abi_format.h: ABI values as the text cast prints (cast abi-decode / decode-calldata). */
#ifndef ETH_ABI_FORMAT_H
#define ETH_ABI_FORMAT_H

#include "abi_value.h"
#include "hex.h"

/* Appends cast's text of v to out and a NUL (not counted in out->len): checksummed addresses,
 * "1000000 [1e6]" number hints, Rust-quoted strings, "[a, b]" arrays and "(a, b)" tuples.
 * v is checked first (eth_abi_value_check). Returns 0, an eth_abi_value_check error, or an
 * eth_buf error (-ETH_ERANGE past out->limit, -ETH_ENOMEM). In: v borrowed, not NULL. */
int eth_abi_format(const eth_abi_value *v, eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Like eth_abi_format but a leaf is plain text: no number hint, a string as UTF-8 with invalid
 * bytes replaced by U+FFFD and unquoted. Arrays and tuples format as with eth_abi_format. */
int eth_abi_format_plain(const eth_abi_value *v, eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Appends s[0..n) quoted and escaped as Rust's Debug for str (invalid UTF-8 replaced), without
 * a NUL. Returns 0 or an eth_buf error. s may be NULL if n is 0. */
int eth_abi_format_quoted(const uint8_t *s, size_t n, eth_buf *out, eth_error *err)
    ETH_WARN_UNUSED;

#endif
