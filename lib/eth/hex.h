/* hex.h: hex text to bytes and back. */
#ifndef ETH_HEX_H
#define ETH_HEX_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "error.h"

/* Value of hex digit c (0..15), or -1 if c is not one. */
int eth_hex_digit(char c);

/* True if s[0..n) starts with "0x" or "0X". s may be NULL if n is 0. */
bool eth_hex_has_prefix(const char *s, size_t n);

/* Decodes hex text s[0..n) (optional 0x, even number of digits) and appends the bytes to out.
 * Returns 0 or -ETH_EINVAL (odd length, or a bad digit: the message shows it escaped and its
 * position), or an eth_buf error; out keeps what it held before on failure. */
int eth_hex_decode(const char *s, size_t n, eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Decodes the NUL-terminated hex text s (optional 0x) into exactly outlen bytes at out.
 * Returns 0 or -ETH_EINVAL on another length or a bad digit. */
int eth_hex_decode_fixed(const char *s, uint8_t *out, size_t outlen, eth_error *err)
    ETH_WARN_UNUSED;

/* Writes "0x" and the lower-case hex of p[0..n) and a NUL to out (2n+3 bytes). */
void eth_hex_encode(const uint8_t *p, size_t n, char *out);

/* The "0x..." text of p[0..n) in a new string (the caller frees it) into *out.
 * Returns 0 or -ETH_ENOMEM. p may be NULL if n is 0. */
int eth_hex_encode_alloc(const uint8_t *p, size_t n, char **out, eth_error *err)
    ETH_WARN_UNUSED;

/* Appends "0x" and the hex of p[0..n) to out (no NUL). Returns 0 or an eth_buf error. */
int eth_hex_append(eth_buf *out, const uint8_t *p, size_t n, eth_error *err) ETH_WARN_UNUSED;

#endif
