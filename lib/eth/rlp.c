/* rlp.c: RLP encoding into eth_buf and a strict, zero-copy, bounds-checked decoder. */
#include "rlp.h"

#include <string.h>

/* Writes the header for a payload of len bytes (base 0x80 strings, 0xc0 lists); returns its size. */
static size_t make_header(uint8_t out[9], size_t len, uint8_t base)
{
    if (len < 56) {
        out[0] = (uint8_t)(base + len);
        return 1;
    }
    uint8_t be[8];
    size_t nb = 0;
    for (uint64_t v = len; v; v >>= 8)
        be[nb++] = (uint8_t)v;
    out[0] = (uint8_t)(base + 55 + nb);
    for (size_t i = 0; i < nb; i++)
        out[1 + i] = be[nb - 1 - i];
    return 1 + nb;
}

int eth_rlp_put_bytes(eth_buf *b, const uint8_t *p, size_t n, eth_error *err)
{
    if (n == 1 && p[0] < 0x80)
        return eth_buf_append(b, p, 1, err);
    uint8_t h[9];
    size_t hn = make_header(h, n, 0x80);
    int rc = eth_buf_reserve(b, hn + n, err);
    if (rc == 0)
        rc = eth_buf_append(b, h, hn, err);
    if (rc == 0)
        rc = eth_buf_append(b, p, n, err);
    return rc;
}

int eth_rlp_put_u64(eth_buf *b, uint64_t v, eth_error *err)
{
    uint8_t be[8];
    size_t nb = 0;
    for (uint64_t x = v; x; x >>= 8)
        nb++;
    for (size_t i = 0; i < nb; i++)
        be[i] = (uint8_t)(v >> (8 * (nb - 1 - i)));
    return eth_rlp_put_bytes(b, be, nb, err);
}

int eth_rlp_put_u256(eth_buf *b, const u256 *v, eth_error *err)
{
    uint8_t be[32];
    u256_to_be(v, be);
    size_t skip = 0;
    while (skip < 32 && be[skip] == 0)
        skip++;
    return eth_rlp_put_bytes(b, be + skip, 32 - skip, err);
}

int eth_rlp_put_raw(eth_buf *b, const uint8_t *p, size_t n, eth_error *err)
{
    return eth_buf_append(b, p, n, err);
}

void eth_rlp_list_begin(const eth_buf *b, size_t *mark)
{
    *mark = b->len;
}

int eth_rlp_list_end(eth_buf *b, size_t mark, eth_error *err)
{
    if (mark > b->len)
        return eth_fail(err, ETH_ESTATE, "rlp: list mark %zu is past the buffer end %zu", mark,
                        b->len);
    size_t payload = b->len - mark;
    uint8_t h[9];
    size_t hn = make_header(h, payload, 0xc0);
    int rc = eth_buf_reserve(b, hn, err);
    if (rc)
        return rc;
    if (payload)
        memmove(b->data + mark + hn, b->data + mark, payload);
    memcpy(b->data + mark, h, hn);
    b->len += hn;
    return 0;
}

/* Reads a big-endian length of nb (1..8) bytes from p; rejects a leading zero. */
static int read_length(const uint8_t *p, size_t nb, uint64_t *len, eth_error *err)
{
    if (p[0] == 0)
        return eth_fail(err, ETH_EINVAL, "rlp: length has a leading zero byte");
    uint64_t v = 0;
    for (size_t i = 0; i < nb; i++)
        v = v << 8 | p[i];
    if (v < 56)
        return eth_fail(err, ETH_EINVAL, "rlp: long form used for a length of %llu (< 56)",
                        (unsigned long long)v);
    *len = v;
    return 0;
}

/* Splits an item with first byte b0 into header size and payload length (bounds unchecked). */
static int parse_header(const uint8_t *p, size_t n, size_t *hlen, uint64_t *plen, eth_error *err)
{
    uint8_t b0 = p[0];
    uint8_t base = b0 >= 0xc0 ? 0xc0 : 0x80;
    if (b0 < 0x80) {
        *hlen = 0;
        *plen = 1;
        return 0;
    }
    if (b0 - base < 56) {
        *hlen = 1;
        *plen = (uint64_t)(b0 - base);
        return 0;
    }
    size_t nb = (size_t)(b0 - base - 55);
    if (n - 1 < nb)
        return eth_fail(err, ETH_EINVAL, "rlp: input ends inside a %zu-byte length", nb);
    *hlen = 1 + nb;
    return read_length(p + 1, nb, plen, err);
}

int eth_rlp_decode_prefix(const uint8_t *p, size_t n, eth_rlp_item *item, eth_error *err)
{
    if (n == 0)
        return eth_fail(err, ETH_EINVAL, "rlp: empty input where an item was expected");
    size_t hlen = 0;
    uint64_t plen = 0;
    int rc = parse_header(p, n, &hlen, &plen, err);
    if (rc)
        return rc;
    if (plen > n - hlen)
        return eth_fail(err, ETH_EINVAL, "rlp: item of %llu bytes overruns the %zu bytes left",
                        (unsigned long long)plen, n - hlen);
    if (p[0] == 0x81 && p[1] < 0x80)
        return eth_fail(err, ETH_EINVAL, "rlp: single byte 0x%02x must be encoded as itself",
                        p[1]);
    item->data = p + hlen;
    item->len = (size_t)plen;
    item->size = hlen + (size_t)plen;
    item->is_list = p[0] >= 0xc0;
    return 0;
}

int eth_rlp_decode(const uint8_t *p, size_t n, eth_rlp_item *item, eth_error *err)
{
    int rc = eth_rlp_decode_prefix(p, n, item, err);
    if (rc)
        return rc;
    if (item->size != n)
        return eth_fail(err, ETH_EINVAL, "rlp: %zu trailing bytes after the item",
                        n - item->size);
    return 0;
}

int eth_rlp_iter_init(eth_rlp_iter *it, const eth_rlp_item *list, eth_error *err)
{
    if (!list->is_list)
        return eth_fail(err, ETH_EINVAL, "rlp: expected a list, found a byte string");
    it->p = list->data;
    it->left = list->len;
    it->index = 0;
    return 0;
}

int eth_rlp_next(eth_rlp_iter *it, eth_rlp_item *item, eth_error *err)
{
    if (it->left == 0)
        return 0;
    int rc = eth_rlp_decode_prefix(it->p, it->left, item, err);
    if (rc)
        return eth_error_prefix(err, "list item %zu: ", it->index);
    it->p += item->size;
    it->left -= item->size;
    it->index++;
    return 1;
}

int eth_rlp_list_exact(const eth_rlp_item *list, eth_rlp_item *items, size_t n, eth_error *err)
{
    eth_rlp_iter it = {0};
    int rc = eth_rlp_iter_init(&it, list, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = eth_rlp_next(&it, &items[i], err);
        if (rc == 0)
            return eth_fail(err, ETH_EINVAL, "rlp: list has %zu items, expected %zu", i, n);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0 && it.left != 0)
        return eth_fail(err, ETH_EINVAL, "rlp: list has more than the expected %zu items", n);
    return rc;
}

/* Validates the items inside list, recursing into nested lists up to depth levels. */
static int validate_list(const eth_rlp_item *list, unsigned depth, eth_error *err)
{
    if (depth == 0)
        return eth_fail(err, ETH_ERANGE, "rlp: lists nested too deeply");
    eth_rlp_iter it = {0};
    eth_rlp_item item;
    int rc = eth_rlp_iter_init(&it, list, err);
    while (rc == 0 && (rc = eth_rlp_next(&it, &item, err)) == 1)
        rc = item.is_list ? validate_list(&item, depth - 1, err) : 0;
    return rc < 0 ? rc : 0;
}

int eth_rlp_validate(const uint8_t *p, size_t n, unsigned max_depth, eth_error *err)
{
    eth_rlp_item item;
    int rc = eth_rlp_decode(p, n, &item, err);
    if (rc == 0 && item.is_list)
        rc = validate_list(&item, max_depth, err);
    return rc;
}

/* Checks that item is a canonical integer of at most max bytes. */
static int check_uint(const eth_rlp_item *item, size_t max, eth_error *err)
{
    if (item->is_list)
        return eth_fail(err, ETH_EINVAL, "rlp: expected an integer, found a list");
    if (item->len > max)
        return eth_fail(err, ETH_ERANGE, "rlp: integer of %zu bytes exceeds %zu bytes",
                        item->len, max);
    if (item->len > 0 && item->data[0] == 0)
        return eth_fail(err, ETH_EINVAL, "rlp: integer has a leading zero byte");
    return 0;
}

int eth_rlp_get_u64(const eth_rlp_item *item, uint64_t *v, eth_error *err)
{
    int rc = check_uint(item, 8, err);
    if (rc)
        return rc;
    uint64_t x = 0;
    for (size_t i = 0; i < item->len; i++)
        x = x << 8 | item->data[i];
    *v = x;
    return 0;
}

int eth_rlp_get_u256(const eth_rlp_item *item, u256 *v, eth_error *err)
{
    int rc = check_uint(item, 32, err);
    if (rc == 0)
        *v = u256_from_be(item->data, item->len);
    return rc;
}

int eth_rlp_get_fixed(const eth_rlp_item *item, uint8_t *out, size_t n, eth_error *err)
{
    if (item->is_list)
        return eth_fail(err, ETH_EINVAL, "rlp: expected %zu bytes, found a list", n);
    if (item->len != n)
        return eth_fail(err, ETH_EINVAL, "rlp: expected %zu bytes, found %zu", n, item->len);
    memcpy(out, item->data, n);
    return 0;
}
