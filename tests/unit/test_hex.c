/* test_hex.c: hex decoding and encoding, fixed-length parsing, and the byte buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/hex.h"

static void test_decode(void **state)
{
    (void)state;
    eth_buf b = {0};
    eth_error e;
    assert_int_equal(eth_hex_decode("0xdeadBEEF", 10, &b, &e), 0);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.data, "\xde\xad\xbe\xef", 4);
    assert_int_equal(eth_hex_decode("00", 2, &b, &e), 0);
    assert_int_equal(b.len, 5);
    assert_int_equal(eth_hex_decode("0x", 2, &b, &e), 0);
    assert_int_equal(b.len, 5);
    eth_buf_clear(&b);
    assert_null(b.data);
}

static void test_decode_errors(void **state)
{
    (void)state;
    eth_buf b = {0};
    eth_error e;
    assert_int_equal(eth_hex_decode("0xabc", 5, &b, &e), -ETH_EINVAL);
    assert_non_null(strstr(e.msg, "odd"));
    assert_int_equal(eth_hex_decode("0xzz", 4, &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "invalid hex character 'z' at position 2");
    /* control bytes from input are escaped, never printed raw */
    assert_int_equal(eth_hex_decode("0x\x01z", 4, &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "invalid hex character '\\x01' at position 2");
    assert_int_equal(b.len, 0);
    eth_buf_clear(&b);
}

static void test_fixed(void **state)
{
    (void)state;
    uint8_t out[4];
    eth_error e;
    assert_int_equal(eth_hex_decode_fixed("0x01020304", out, 4, &e), 0);
    assert_memory_equal(out, "\x01\x02\x03\x04", 4);
    assert_int_equal(eth_hex_decode_fixed("010203", out, 4, &e), -ETH_EINVAL);
    assert_non_null(strstr(e.msg, "expected 4 bytes"));
}

static void test_encode(void **state)
{
    (void)state;
    char out[11];
    eth_hex_encode((const uint8_t *)"\x00\xff\x10\xab", 4, out);
    assert_string_equal(out, "0x00ff10ab");
    char *s = NULL;
    eth_error e;
    assert_int_equal(eth_hex_encode_alloc((const uint8_t *)"", 0, &s, &e), 0);
    assert_string_equal(s, "0x");
    free(s);
}

static void test_buffer_growth(void **state)
{
    (void)state;
    eth_buf b = {0};
    eth_error e;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(eth_buf_append(&b, &i, 1, &e), 0);
    assert_int_equal(eth_buf_fill(&b, 0xaa, 3000, &e), 0);
    assert_int_equal(b.len, 4000);
    assert_int_equal(b.data[999], (uint8_t)999);
    assert_int_equal(b.data[3999], 0xaa);
    eth_buf_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),       cmocka_unit_test(test_decode_errors),
        cmocka_unit_test(test_fixed),        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_buffer_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
