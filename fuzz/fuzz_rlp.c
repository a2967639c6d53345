/* fuzz_rlp.c: libFuzzer target for the RLP decoder; accepted input must re-encode to the same bytes. */
#include "fuzz_common.h"

#include "eth/rlp.h"

#define MAX_DEPTH 64
#define MAX_ITEMS 4096

/* Re-encodes a validated item (and its children) into out with the RLP encoder. */
static void reencode(const eth_rlp_item *item, eth_buf *out)
{
    eth_error err = {0};
    if (!item->is_list) {
        FUZZ_CHECK(eth_rlp_put_bytes(out, item->data, item->len, &err) == 0, "put_bytes failed");
        return;
    }
    size_t mark;
    eth_rlp_iter it;
    eth_rlp_item child;
    eth_rlp_list_begin(out, &mark);
    FUZZ_CHECK(eth_rlp_iter_init(&it, item, &err) == 0, "iter_init on a list failed");
    while (eth_rlp_next(&it, &child, &err) == 1)
        reencode(&child, out);
    FUZZ_CHECK(it.left == 0, "validated list left bytes unread");
    FUZZ_CHECK(eth_rlp_list_end(out, mark, &err) == 0, "list_end failed");
}

/* A byte string read as an integer must re-encode to the same bytes. */
static void check_integers(const eth_rlp_item *item, const uint8_t *data, size_t size)
{
    eth_error err = {0};
    eth_buf b = {0};
    uint64_t v64;
    u256 v256;
    if (eth_rlp_get_u64(item, &v64, &err) == 0) {
        FUZZ_CHECK(eth_rlp_put_u64(&b, v64, &err) == 0, "put_u64 failed");
        FUZZ_CHECK(b.len == size && memcmp(b.data, data, size) == 0, "u64 does not round-trip");
        b.len = 0;
    }
    if (eth_rlp_get_u256(item, &v256, &err) == 0) {
        FUZZ_CHECK(eth_rlp_put_u256(&b, &v256, &err) == 0, "put_u256 failed");
        FUZZ_CHECK(b.len == size && memcmp(b.data, data, size) == 0, "u256 does not round-trip");
    }
    eth_buf_clear(&b);
}

/* Counts a list's items and checks eth_rlp_list_exact agrees on the count. */
static void check_list_exact(const eth_rlp_item *list)
{
    eth_error err = {0};
    eth_rlp_iter it;
    eth_rlp_item child;
    size_t n = 0;
    FUZZ_CHECK(eth_rlp_iter_init(&it, list, &err) == 0, "iter_init failed");
    while (n <= MAX_ITEMS && eth_rlp_next(&it, &child, &err) == 1)
        n++;
    if (n > MAX_ITEMS)
        return;
    eth_rlp_item *items = malloc((n + 1) * sizeof *items);
    FUZZ_CHECK(items != NULL, "out of memory");
    FUZZ_CHECK(eth_rlp_list_exact(list, items, n, &err) == 0, "list_exact rejects the true count");
    FUZZ_CHECK(eth_rlp_list_exact(list, items, n + 1, &err) < 0, "list_exact accepts count + 1");
    if (n > 0)
        FUZZ_CHECK(eth_rlp_list_exact(list, items, n - 1, &err) < 0, "list_exact accepts count - 1");
    free(items);
}

/* decode_prefix must agree with decode on the prefix it reports. */
static void check_prefix(const uint8_t *data, size_t size)
{
    eth_error err = {0};
    eth_rlp_item item, again;
    if (eth_rlp_decode_prefix(data, size, &item, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
        return;
    }
    FUZZ_CHECK(item.size <= size && item.len <= item.size, "item larger than its input");
    FUZZ_CHECK(eth_rlp_decode(data, item.size, &again, &err) == 0, "prefix does not decode alone");
    FUZZ_CHECK(again.size == item.size && again.data == item.data, "prefix decodes differently");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eth_error err = {0};
    eth_rlp_item item;
    check_prefix(data, size);
    if (eth_rlp_validate(data, size, MAX_DEPTH, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
        return 0;
    }
    FUZZ_CHECK(eth_rlp_decode(data, size, &item, &err) == 0, "validated input does not decode");
    eth_buf out = {0};
    reencode(&item, &out);
    FUZZ_CHECK(out.len == size && memcmp(out.data, data, size) == 0, "re-encoding differs");
    eth_buf_clear(&out);
    if (item.is_list)
        check_list_exact(&item);
    else
        check_integers(&item, data, size);
    return 0;
}
