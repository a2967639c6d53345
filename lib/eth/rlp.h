/* rlp.h: Recursive Length Prefix encoding into a kms_buf, and a strict, bounds-checked decoder.
 *
 * Encoding: append items to a kms_buf; a list is kms_rlp_list_begin, its items, kms_rlp_list_end.
 * Decoding is a zero-copy cursor: kms_rlp_decode checks one item (header only, its payload
 * stays unexamined) and points into the caller's bytes; kms_rlp_next walks a list's payload.
 * The decoder accepts only canonical encodings: a single byte < 0x80 must stand alone, short
 * forms where they fit, no leading zeros in lengths, no overruns, no trailing bytes. */
#ifndef KMS_ETH_RLP_H
#define KMS_ETH_RLP_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "hex.h"
#include "u256.h"

/* Appends the encoding of the byte string p[0..n). */
int kms_rlp_put_bytes(kms_buf *b, const uint8_t *p, size_t n, kms_error *err);

/* Appends an unsigned integer as a minimal big-endian byte string (0 -> 0x80). */
int kms_rlp_put_u64(kms_buf *b, uint64_t v, kms_error *err);

/* Appends a u256 as a minimal big-endian byte string (0 -> 0x80). */
int kms_rlp_put_u256(kms_buf *b, const u256 *v, kms_error *err);

/* Appends already-encoded RLP p[0..n) unchanged. */
int kms_rlp_put_raw(kms_buf *b, const uint8_t *p, size_t n, kms_error *err);

/* Starts a list; *mark remembers where its payload begins. */
void kms_rlp_list_begin(const kms_buf *b, size_t *mark);

/* Ends the list started at mark by inserting its header before the payload. */
int kms_rlp_list_end(kms_buf *b, size_t mark, kms_error *err);

/* One decoded item: its payload (a byte string's bytes or a list's encoded items). */
typedef struct kms_rlp_item {
    const uint8_t *data; /* payload, points into the decoded input */
    size_t len;          /* payload length */
    size_t size;         /* header + payload: bytes the whole item occupies */
    int is_list;         /* 1 for a list, 0 for a byte string */
} kms_rlp_item;

/* Decodes the item at the start of p[0..n) (bytes after it are allowed; see item->size). */
int kms_rlp_decode_prefix(const uint8_t *p, size_t n, kms_rlp_item *item, kms_error *err);

/* Decodes one item that must span exactly p[0..n). */
int kms_rlp_decode(const uint8_t *p, size_t n, kms_rlp_item *item, kms_error *err);

/* A cursor over a list's items. */
typedef struct kms_rlp_iter {
    const uint8_t *p;
    size_t left;
    size_t index; /* items returned so far */
} kms_rlp_iter;

/* Starts iterating the items of list; fails if it is a byte string. */
int kms_rlp_iter_init(kms_rlp_iter *it, const kms_rlp_item *list, kms_error *err);

/* Decodes the next item: returns 1 with *item set, 0 at the end, or a negative error. */
int kms_rlp_next(kms_rlp_iter *it, kms_rlp_item *item, kms_error *err);

/* Decodes exactly n items of list into items[0..n); fails on any other count. */
int kms_rlp_list_exact(const kms_rlp_item *list, kms_rlp_item *items, size_t n, kms_error *err);

/* Checks the whole tree under p[0..n) (every nested item canonical, depth <= max_depth). */
int kms_rlp_validate(const uint8_t *p, size_t n, unsigned max_depth, kms_error *err);

/* Reads a byte-string item as a canonical unsigned integer (no leading zeros) of <= 8 bytes. */
int kms_rlp_get_u64(const kms_rlp_item *item, uint64_t *v, kms_error *err);

/* Reads a byte-string item as a canonical unsigned integer of <= 32 bytes. */
int kms_rlp_get_u256(const kms_rlp_item *item, u256 *v, kms_error *err);

/* Reads a byte-string item of exactly n bytes into out. */
int kms_rlp_get_fixed(const kms_rlp_item *item, uint8_t *out, size_t n, kms_error *err);

#endif
