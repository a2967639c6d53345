/* test_rlp.c: RLP on ethereum/tests' RLPTests vectors (tests/data/rlp) plus strictness cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "eth/hex.h"
#include "eth/rlp.h"

/* Loads tests/data/rlp/NAME as JSON. */
static json_t *load_vectors(const char *name)
{
    const char *dir = getenv("KMSCTL_TEST_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/rlp/%s", dir ? dir : "tests/data", name);
    json_error_t je;
    json_t *root = json_load_file(path, JSON_ALLOW_NUL, &je);
    if (!root)
        fail_msg("cannot load %s: %s", path, je.text);
    return root;
}

/* Decodes the vector's "out" hex into b. */
static void out_bytes(json_t *v, eth_buf *b)
{
    const char *hex = json_string_value(json_object_get(v, "out"));
    eth_error e;
    assert_non_null(hex);
    assert_int_equal(eth_hex_decode(hex, strlen(hex), b, &e), 0);
}

/* Big-endian bytes of a decimal string (the "#123" big integers) into be[0..*n). */
static void decimal_be(const char *d, uint8_t be[64], size_t *n)
{
    memset(be, 0, 64);
    for (; *d; d++) {
        unsigned carry = (unsigned)(*d - '0');
        for (int i = 63; i >= 0; i--) {
            unsigned x = be[i] * 10u + carry;
            be[i] = (uint8_t)x;
            carry = x >> 8;
        }
    }
    size_t skip = 0;
    while (skip < 64 && be[skip] == 0)
        skip++;
    memmove(be, be + skip, 64 - skip);
    *n = 64 - skip;
}

/* The bytes a JSON "in" scalar stands for: text, integer, or "#decimal". */
static void scalar_bytes(json_t *in, uint8_t *buf, size_t cap, size_t *n)
{
    if (json_is_integer(in)) {
        uint64_t v = (uint64_t)json_integer_value(in);
        size_t k = 0;
        for (uint64_t x = v; x; x >>= 8)
            k++;
        for (size_t i = 0; i < k; i++)
            buf[i] = (uint8_t)(v >> (8 * (k - 1 - i)));
        *n = k;
        return;
    }
    const char *s = json_string_value(in);
    size_t len = json_string_length(in);
    if (s[0] == '#') {
        decimal_be(s + 1, buf, n);
        return;
    }
    assert_true(len <= cap);
    memcpy(buf, s, len);
    *n = len;
}

/* Encodes a JSON "in" value into b. */
static void encode_json(json_t *in, eth_buf *b)
{
    eth_error e;
    if (json_is_array(in)) {
        size_t mark, i;
        json_t *item;
        eth_rlp_list_begin(b, &mark);
        json_array_foreach(in, i, item)
            encode_json(item, b);
        assert_int_equal(eth_rlp_list_end(b, mark, &e), 0);
        return;
    }
    if (json_is_integer(in)) {
        assert_int_equal(eth_rlp_put_u64(b, (uint64_t)json_integer_value(in), &e), 0);
        return;
    }
    uint8_t buf[2048];
    size_t n;
    scalar_bytes(in, buf, sizeof buf, &n);
    assert_int_equal(eth_rlp_put_bytes(b, buf, n, &e), 0);
}

/* Asserts that a decoded item matches the JSON "in" value it came from. */
static void match_json(const eth_rlp_item *item, json_t *in)
{
    eth_error e;
    if (json_is_array(in)) {
        assert_true(item->is_list);
        eth_rlp_iter it;
        eth_rlp_item child;
        assert_int_equal(eth_rlp_iter_init(&it, item, &e), 0);
        for (size_t i = 0; i < json_array_size(in); i++) {
            assert_int_equal(eth_rlp_next(&it, &child, &e), 1);
            match_json(&child, json_array_get(in, i));
        }
        assert_int_equal(eth_rlp_next(&it, &child, &e), 0);
        return;
    }
    uint8_t buf[2048];
    size_t n;
    scalar_bytes(in, buf, sizeof buf, &n);
    assert_false(item->is_list);
    assert_int_equal(item->len, n);
    assert_memory_equal(item->data, buf, n);
}

static void test_valid_vectors(void **state)
{
    (void)state;
    json_t *root = load_vectors("rlptest.json"), *v;
    const char *name;
    size_t count = 0;
    json_object_foreach(root, name, v) {
        eth_buf want = {0}, got = {0};
        eth_rlp_item item;
        eth_error e;
        out_bytes(v, &want);
        encode_json(json_object_get(v, "in"), &got);
        if (got.len != want.len || memcmp(got.data, want.data, want.len) != 0)
            fail_msg("%s: encoding differs", name);
        if (eth_rlp_validate(want.data, want.len, 16, &e) != 0)
            fail_msg("%s: rejected: %s", name, e.msg);
        assert_int_equal(eth_rlp_decode(want.data, want.len, &item, &e), 0);
        match_json(&item, json_object_get(v, "in"));
        eth_buf_clear(&want);
        eth_buf_clear(&got);
        count++;
    }
    assert_int_equal(count, 28);
    json_decref(root);
}

static void test_invalid_vectors(void **state)
{
    (void)state;
    json_t *root = load_vectors("invalidRLPTest.json"), *v;
    const char *name;
    size_t count = 0;
    json_object_foreach(root, name, v) {
        eth_buf raw = {0};
        eth_error e = {0};
        out_bytes(v, &raw);
        if (eth_rlp_validate(raw.data, raw.len, 16, &e) == 0)
            fail_msg("%s: accepted", name);
        assert_true(e.msg[0] != '\0');
        eth_buf_clear(&raw);
        count++;
    }
    assert_int_equal(count, 17);
    json_decref(root);
}

/* Asserts that hex is rejected and the message contains needle. */
static void assert_rejects(const char *hex, const char *needle)
{
    eth_buf raw = {0};
    eth_error e = {0};
    assert_int_equal(eth_hex_decode(hex, strlen(hex), &raw, &e), 0);
    int rc = eth_rlp_validate(raw.data, raw.len, 4, &e);
    if (rc == 0 || !strstr(e.msg, needle))
        fail_msg("%s: rc %d, message '%s', wanted '%s'", hex, rc, e.msg, needle);
    eth_buf_clear(&raw);
}

static void test_strictness(void **state)
{
    (void)state;
    assert_rejects("", "empty");
    assert_rejects("0x8180ff", "trailing");
    assert_rejects("0x83aabb", "overruns");
    assert_rejects("0xc3aabb", "overruns");
    assert_rejects("0xb9ffff00", "overruns");
    assert_rejects("0xbfffffffffffffffff00", "overruns");
    assert_rejects("0xb8", "ends inside");
    assert_rejects("0xc28100", "single byte");
    assert_rejects("0xc4c2c1c0", "overruns");
    assert_rejects("0xc1c1c1c0", "trailing");
    assert_rejects("0xc2c2c0", "overruns");
    assert_rejects("0xc4c3c2c1c0", "nested too deeply");
}

static void test_integers(void **state)
{
    (void)state;
    eth_buf b = {0};
    eth_error e;
    eth_rlp_item item;
    uint64_t v;
    u256 big;
    assert_int_equal(eth_rlp_put_u64(&b, 0, &e), 0);
    assert_int_equal(eth_rlp_put_u64(&b, 0x7f, &e), 0);
    assert_int_equal(eth_rlp_put_u64(&b, 0x80, &e), 0);
    assert_int_equal(eth_rlp_put_u64(&b, UINT64_MAX, &e), 0);
    big = u256_from_u64(0x0400);
    assert_int_equal(eth_rlp_put_u256(&b, &big, &e), 0);
    assert_int_equal(b.len, 1 + 1 + 2 + 9 + 3);
    assert_memory_equal(b.data, "\x80\x7f\x81\x80\x88\xff\xff\xff\xff\xff\xff\xff\xff\x82\x04\x00",
                        16);
    assert_int_equal(eth_rlp_decode_prefix(b.data + 4, b.len - 4, &item, &e), 0);
    assert_int_equal(eth_rlp_get_u64(&item, &v, &e), 0);
    assert_true(v == UINT64_MAX);
    static const uint8_t lead0[] = {0x82, 0x00, 0x01}, nine[] = {0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    assert_int_equal(eth_rlp_decode(lead0, 3, &item, &e), 0);
    assert_int_equal(eth_rlp_get_u64(&item, &v, &e), -ETH_EINVAL);
    assert_non_null(strstr(e.msg, "leading zero"));
    assert_int_equal(eth_rlp_decode(nine, 10, &item, &e), 0);
    assert_int_equal(eth_rlp_get_u64(&item, &v, &e), -ETH_ERANGE);
    assert_int_equal(eth_rlp_get_u256(&item, &big, &e), 0);
    eth_buf_clear(&b);
}

static void test_list_boundaries(void **state)
{
    (void)state;
    eth_error e;
    uint8_t fill[60];
    memset(fill, 'a', sizeof fill);
    for (size_t n = 53; n <= 56; n++) { /* payload 55 and 56 bytes straddle the short form */
        eth_buf b = {0};
        size_t mark;
        eth_rlp_item list, items[1];
        eth_rlp_list_begin(&b, &mark);
        assert_int_equal(eth_rlp_put_bytes(&b, fill, n, &e), 0);
        assert_int_equal(eth_rlp_list_end(&b, mark, &e), 0);
        size_t payload = n + 1;
        assert_int_equal(b.data[0], payload < 56 ? 0xc0 + payload : 0xf8);
        assert_int_equal(eth_rlp_decode(b.data, b.len, &list, &e), 0);
        assert_int_equal(eth_rlp_list_exact(&list, items, 1, &e), 0);
        assert_int_equal(items[0].len, n);
        eth_rlp_item two[2];
        assert_int_equal(eth_rlp_list_exact(&list, two, 2, &e), -ETH_EINVAL);
        eth_buf_clear(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_vectors), cmocka_unit_test(test_invalid_vectors),
        cmocka_unit_test(test_strictness),    cmocka_unit_test(test_integers),
        cmocka_unit_test(test_list_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
