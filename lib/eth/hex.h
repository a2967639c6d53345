/* hex.h: hex text <-> bytes, and a growable byte buffer. */
#ifndef ETH_HEX_H
#define ETH_HEX_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* A growable, heap-owned byte buffer; zero-initialize, free with eth_buf_free. */
typedef struct eth_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} eth_buf;

/* Ensures room for extra more bytes; returns 0 or -ETH_ENOMEM. */
int eth_buf_reserve(eth_buf *b, size_t extra, eth_error *err);

/* Appends n bytes; returns 0 or -ETH_ENOMEM. */
int eth_buf_append(eth_buf *b, const void *p, size_t n, eth_error *err);

/* Appends n copies of byte v; returns 0 or -ETH_ENOMEM. */
int eth_buf_fill(eth_buf *b, uint8_t v, size_t n, eth_error *err);

/* Frees the buffer's storage (wiping it first) and zeroes the struct. */
void eth_buf_free(eth_buf *b);

/* Value of hex digit c, or -1. */
int eth_hex_digit(char c);

/* True if s (length n) has a "0x" or "0X" prefix. */
int eth_hex_has_prefix(const char *s, size_t n);

/* Decodes hex text (optional 0x, even length) of length n into a new buffer out. */
int eth_hex_decode(const char *s, size_t n, eth_buf *out, eth_error *err);

/* Decodes hex text (optional 0x) into exactly outlen bytes; fails on any other length. */
int eth_hex_decode_fixed(const char *s, uint8_t *out, size_t outlen, eth_error *err);

/* Writes lower-case hex of p[0..n) with "0x" prefix to out (2n+3 bytes). */
void eth_hex_encode(const uint8_t *p, size_t n, char *out);

/* Returns a malloc'd "0x..." string of p[0..n), or NULL on allocation failure. */
char *eth_hex_encode_alloc(const uint8_t *p, size_t n);

#endif
