/* rlp.h: Recursive Length Prefix encoding into a eth_buf, and a strict, bounds-checked decoder.
 *
 * Encoding: append items to a eth_buf; a list is eth_rlp_list_begin, its items, eth_rlp_list_end.
 * Decoding is a zero-copy cursor: eth_rlp_decode checks one item (header only, its payload
 * stays unexamined) and points into the caller's bytes; eth_rlp_next walks a list's payload.
 * The decoder accepts only canonical encodings: a single byte < 0x80 must stand alone, short
 * forms where they fit, no leading zeros in lengths, no overruns, no trailing bytes. */
#ifndef ETH_RLP_H
#define ETH_RLP_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "hex.h"
#include "u256.h"

/* Encoders: each appends to b and returns 0 or an eth_buf error (-ETH_ERANGE past b->limit,
 * -ETH_ENOMEM); b not NULL. */

/* Appends the encoding of the byte string p[0..n) (p may be NULL if n is 0). */
int eth_rlp_put_bytes(eth_buf *b, const uint8_t *p, size_t n, eth_error *err) ETH_WARN_UNUSED;

/* Appends an unsigned integer as a minimal big-endian byte string (0 -> 0x80). */
int eth_rlp_put_u64(eth_buf *b, uint64_t v, eth_error *err) ETH_WARN_UNUSED;

/* Appends a u256 as a minimal big-endian byte string (0 -> 0x80). v not NULL. */
int eth_rlp_put_u256(eth_buf *b, const u256 *v, eth_error *err) ETH_WARN_UNUSED;

/* Appends already-encoded RLP p[0..n) unchanged (not checked). */
int eth_rlp_put_raw(eth_buf *b, const uint8_t *p, size_t n, eth_error *err) ETH_WARN_UNUSED;

/* Starts a list: *mark remembers where its payload begins (nothing is written yet). */
void eth_rlp_list_begin(const eth_buf *b, size_t *mark);

/* Ends the list started at mark by inserting its header before the payload. Returns 0,
 * -ETH_ESTATE if mark is past the end of b, or an eth_buf error. */
int eth_rlp_list_end(eth_buf *b, size_t mark, eth_error *err) ETH_WARN_UNUSED;

/* One decoded item: its payload (a byte string's bytes or a list's encoded items). Borrowed
 * from the decoded input, valid while it is. */
typedef struct eth_rlp_item {
    const uint8_t *data; /* payload, points into the decoded input */
    size_t len;          /* payload length */
    size_t size;         /* header + payload: bytes the whole item occupies */
    int is_list;         /* 1 for a list, 0 for a byte string */
} eth_rlp_item;

/* Decoders: each returns 0 or -ETH_EINVAL (malformed or non-canonical input, or an item of
 * another shape than asked for; the message says which), unless noted otherwise. */

/* Decodes the item at the start of p[0..n) into *item (bytes after it are allowed; see
 * item->size). p may be NULL if n is 0 (an error). */
int eth_rlp_decode_prefix(const uint8_t *p, size_t n, eth_rlp_item *item, eth_error *err)
    ETH_WARN_UNUSED;

/* Decodes one item that must span exactly p[0..n). */
int eth_rlp_decode(const uint8_t *p, size_t n, eth_rlp_item *item, eth_error *err)
    ETH_WARN_UNUSED;

/* A cursor over a list's items (plain data; nothing to free). */
typedef struct eth_rlp_iter {
    const uint8_t *p;
    size_t left;
    size_t index; /* items returned so far */
} eth_rlp_iter;

/* Starts iterating the items of list (borrowed; must outlive it). -ETH_EINVAL for a byte
 * string. */
int eth_rlp_iter_init(eth_rlp_iter *it, const eth_rlp_item *list, eth_error *err)
    ETH_WARN_UNUSED;

/* Decodes the next item into *item: returns 1 with *item set, 0 at the end of the list, or
 * -ETH_EINVAL (its message starts "list item N: "). */
int eth_rlp_next(eth_rlp_iter *it, eth_rlp_item *item, eth_error *err) ETH_WARN_UNUSED;

/* Decodes exactly n items of list into items[0..n); -ETH_EINVAL for any other count. */
int eth_rlp_list_exact(const eth_rlp_item *list, eth_rlp_item *items, size_t n, eth_error *err)
    ETH_WARN_UNUSED;

/* Checks the whole tree under p[0..n): every nested item canonical, no trailing bytes. Returns
 * 0, -ETH_EINVAL, or -ETH_ERANGE if lists nest deeper than max_depth. */
int eth_rlp_validate(const uint8_t *p, size_t n, unsigned max_depth, eth_error *err)
    ETH_WARN_UNUSED;

/* Reads a byte-string item as a canonical unsigned integer (no leading zeros) into *v:
 * -ETH_EINVAL for a list or a leading zero, -ETH_ERANGE for more than 8 bytes. */
int eth_rlp_get_u64(const eth_rlp_item *item, uint64_t *v, eth_error *err) ETH_WARN_UNUSED;

/* Like eth_rlp_get_u64 for up to 32 bytes. */
int eth_rlp_get_u256(const eth_rlp_item *item, u256 *v, eth_error *err) ETH_WARN_UNUSED;

/* Copies a byte-string item of exactly n bytes to out[0..n); -ETH_EINVAL otherwise. */
int eth_rlp_get_fixed(const eth_rlp_item *item, uint8_t *out, size_t n, eth_error *err)
    ETH_WARN_UNUSED;

#endif
