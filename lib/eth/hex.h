/* hex.h: hex text <-> bytes, and a growable byte buffer. */
#ifndef KMS_ETH_HEX_H
#define KMS_ETH_HEX_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* A growable, heap-owned byte buffer; zero-initialize, free with kms_buf_free. */
typedef struct kms_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} kms_buf;

/* Ensures room for extra more bytes; returns 0 or -KMS_ENOMEM. */
int kms_buf_reserve(kms_buf *b, size_t extra, kms_error *err);

/* Appends n bytes; returns 0 or -KMS_ENOMEM. */
int kms_buf_append(kms_buf *b, const void *p, size_t n, kms_error *err);

/* Appends n copies of byte v; returns 0 or -KMS_ENOMEM. */
int kms_buf_fill(kms_buf *b, uint8_t v, size_t n, kms_error *err);

/* Frees the buffer's storage (wiping it first) and zeroes the struct. */
void kms_buf_free(kms_buf *b);

/* Value of hex digit c, or -1. */
int kms_hex_digit(char c);

/* True if s (length n) has a "0x" or "0X" prefix. */
int kms_hex_has_prefix(const char *s, size_t n);

/* Decodes hex text (optional 0x, even length) of length n into a new buffer out. */
int kms_hex_decode(const char *s, size_t n, kms_buf *out, kms_error *err);

/* Decodes hex text (optional 0x) into exactly outlen bytes; fails on any other length. */
int kms_hex_decode_fixed(const char *s, uint8_t *out, size_t outlen, kms_error *err);

/* Writes lower-case hex of p[0..n) with "0x" prefix to out (2n+3 bytes). */
void kms_hex_encode(const uint8_t *p, size_t n, char *out);

/* Returns a malloc'd "0x..." string of p[0..n), or NULL on allocation failure. */
char *kms_hex_encode_alloc(const uint8_t *p, size_t n);

#endif
