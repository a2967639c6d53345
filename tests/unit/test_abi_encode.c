/* test_abi_encode.c: the Solidity ABI spec's encoding examples and cast's value grammar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/abi_coerce.h"
#include "eth/abi_encode.h"
#include "eth/abi_selector.h"
#include "eth/abi_sig.h"

/* calldata of sig with args, as hex; returns NULL and fills e on failure. */
static char *calldata(const char *sigtext, char *const *args, size_t n, eth_error *e)
{
    eth_abi_sig sig;
    if (eth_abi_sig_parse(sigtext, false, &sig, e) != 0)
        return NULL;
    eth_buf b = {0};
    uint8_t sel[4];
    char *hex = NULL;
    if (eth_abi_selector(&sig, sel, e) == 0 && eth_buf_append(&b, sel, 4, e) == 0 &&
        eth_abi_encode_args(sig.inputs, args, n, &b, e) == 0)
        assert_int_equal(eth_hex_encode_alloc(b.data, b.len, &hex, e), 0);
    eth_buf_clear(&b);
    eth_abi_sig_clear(&sig);
    return hex;
}

static void assert_calldata(const char *sig, char *const *args, size_t n, const char *want)
{
    eth_error e = {0};
    char *got = calldata(sig, args, n, &e);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

#define W0 "00000000000000000000000000000000000000000000000000000000000000"
static void test_spec_static(void **state)
{
    (void)state;
    char *a1[] = {"69", "true"};
    assert_calldata("baz(uint32,bool)", a1, 2, "0xcdcd77c0" W0 "45" W0 "01");
    char *a2[] = {"[0x616263,0x646566]"};
    assert_calldata("bar(bytes3[2])", a2, 1,
                    "0xfce353f6"
                    "6162630000000000000000000000000000000000000000000000000000000000"
                    "6465660000000000000000000000000000000000000000000000000000000000");
}

static void test_spec_dynamic(void **state)
{
    (void)state;
    char *a[] = {"0x64617665", "true", "[1,2,3]"};
    assert_calldata("sam(bytes,bool,uint256[])", a, 3,
                    "0xa5643bf2" W0 "60" W0 "01" W0 "a0" W0 "04"
                    "6461766500000000000000000000000000000000000000000000000000000000" W0 "03" W0 "01" W0
                    "02" W0 "03");
    char *f[] = {"0x123", "[0x456,0x789]", "0x31323334353637383930", "0x48656c6c6f2c20776f726c6421"};
    assert_calldata("f(uint256,uint32[],bytes10,bytes)", f, 4,
                    "0x8be65246" "0000000000000000000000000000000000000000000000000000000000000123" W0 "80"
                    "3132333435363738393000000000000000000000000000000000000000000000" W0 "e0" W0 "02"
                    "0000000000000000000000000000000000000000000000000000000000000456"
                    "0000000000000000000000000000000000000000000000000000000000000789" W0 "0d"
                    "48656c6c6f2c20776f726c642100000000000000000000000000000000000000");
    char *g[] = {"[[1,2],[3]]", "[one,two,three]"};
    assert_calldata("g(uint256[][],string[])", g, 2,
                    "0x2289b18c" W0 "40" "0000000000000000000000000000000000000000000000000000000000000140"
                    W0 "02" W0 "40" W0 "a0" W0 "02" W0 "01" W0 "02" W0 "01" W0 "03" W0 "03" W0 "60" W0 "a0" W0
                    "e0" W0 "03" "6f6e650000000000000000000000000000000000000000000000000000000000" W0 "03"
                    "74776f0000000000000000000000000000000000000000000000000000000000" W0 "05"
                    "7468726565000000000000000000000000000000000000000000000000000000");
}

/* The single 32-byte word text of type t for value text v (or NULL on error). */
static int word_of(const char *type, const char *v, uint8_t out[32], eth_error *e)
{
    eth_abi_type *t = NULL;
    eth_abi_value val;
    int rc = eth_abi_type_parse(type, &t, e);
    if (rc == 0)
        rc = eth_abi_coerce(t, v, &val, e);
    if (rc == 0) {
        memcpy(out, val.word, 32);
        eth_abi_value_clear(&val);
    }
    eth_abi_type_free(t);
    return rc;
}

static uint64_t low64(const uint8_t w[32])
{
    uint64_t x = 0;
    for (int i = 24; i < 32; i++)
        x = x << 8 | w[i];
    return x;
}

static void test_numbers(void **state)
{
    (void)state;
    uint8_t w[32];
    eth_error e = {0};
    assert_int_equal(word_of("uint256", "1 ether", w, &e), 0);
    assert_int_equal(low64(w), 1000000000000000000ull);
    assert_int_equal(word_of("uint256", "1.5gwei", w, &e), 0);
    assert_int_equal(low64(w), 1500000000ull);
    assert_int_equal(word_of("uint256", "1.5e1", w, &e), 0);
    assert_int_equal(low64(w), 15);
    assert_int_equal(word_of("uint256", "0b101", w, &e), 0);
    assert_int_equal(low64(w), 5);
    assert_int_equal(word_of("uint256", "0o17", w, &e), 0);
    assert_int_equal(low64(w), 15);
    assert_int_equal(word_of("uint8", "255 ", w, &e), 0);
    assert_int_equal(low64(w), 255);
    assert_int_equal(word_of("int8", "-128", w, &e), 0);
    assert_int_equal(w[0], 0xff);
    assert_int_equal(w[31], 0x80);
    assert_int_equal(word_of("int256", "-1", w, &e), 0);
    for (int i = 0; i < 32; i++)
        assert_int_equal(w[i], 0xff);
    assert_int_equal(word_of("uint8", "256", w, &e), -ETH_ERANGE);
    assert_int_equal(word_of("int8", "128", w, &e), -ETH_ERANGE);
    assert_int_equal(word_of("int8", "-129", w, &e), -ETH_ERANGE);
    assert_true(word_of("uint256", "1.5", w, &e) < 0);
    assert_true(word_of("uint256", "-1", w, &e) < 0);
    assert_true(word_of("uint256", " 5", w, &e) < 0);
    assert_true(word_of("uint256", "0x", w, &e) < 0);
    assert_true(word_of("uint256", "0b12", w, &e) < 0);
    assert_true(word_of("uint256", "1 foo", w, &e) < 0);
    assert_true(word_of("uint256", "115792089237316195423570985008687907853269984665640564039457584007913129639936", w, &e) < 0);
}

static void test_hex_values(void **state)
{
    (void)state;
    uint8_t w[32];
    eth_error e = {0};
    assert_int_equal(word_of("address", "0xD8da6bf26964af9d7eed9e03e53415d37aa96045", w, &e), 0);
    assert_int_equal(w[12], 0xd8);
    assert_true(word_of("address", "0x1234", w, &e) < 0);
    assert_int_equal(word_of("bytes3", "010203", w, &e), 0);
    assert_int_equal(w[0], 1);
    assert_true(word_of("bytes3", "0x01", w, &e) < 0);
    assert_true(word_of("bytes3", "0x01020304", w, &e) < 0);
    assert_true(word_of("bool", "True", w, &e) < 0);
    assert_true(word_of("bool", "true ", w, &e) < 0);
}

static void test_strings_lists(void **state)
{
    (void)state;
    eth_abi_type *t = NULL;
    eth_abi_value v;
    eth_error e = {0};
    assert_int_equal(eth_abi_type_parse("(string,string[],uint8[2])", &t, &e), 0);
    assert_int_equal(eth_abi_coerce(t, "( a b , [\"x,y\", z ,], [1, 2])", &v, &e), 0);
    assert_int_equal(v.items[0].len, 3); /* leading spaces skipped, trailing trimmed */
    assert_memory_equal(v.items[0].data, "a b", 3);
    assert_int_equal(v.items[1].nitems, 2);
    assert_memory_equal(v.items[1].items[0].data, "x,y", 3);
    assert_int_equal(v.items[1].items[1].len, 1);
    eth_abi_value_clear(&v);
    assert_true(eth_abi_coerce(t, "(a,[b],[1])", &v, &e) < 0);
    assert_non_null(strstr(e.msg, "expected 2 elements"));
    assert_true(eth_abi_coerce(t, "(a,[\"b],[1,2])", &v, &e) < 0);
    assert_true(eth_abi_coerce(t, "(a,[b],[1,2]", &v, &e) < 0);
    eth_abi_type_free(t);
}

static void test_arg_errors(void **state)
{
    (void)state;
    eth_error e = {0};
    char *a[] = {"1", "300"};
    assert_null(calldata("f(uint8,uint8)", a, 2, &e));
    assert_non_null(strstr(e.msg, "argument 2 (uint8) '300'"));
    assert_null(calldata("f(uint8,uint8)", a, 1, &e));
    assert_non_null(strstr(e.msg, "expected 2 arguments, got 1"));
    char *b[] = {"0x123"};
    assert_null(calldata("f(bytes)", b, 1, &e));
    assert_non_null(strstr(e.msg, "odd"));
}

static void test_split(void **state)
{
    (void)state;
    size_t st[8], ln[8];
    eth_error e = {0};
    const char *s = "1,(2,3),[4,\"a,b\"],x";
    assert_int_equal(eth_abi_split(s, st, ln, 8, &e), 4);
    assert_int_equal(st[1], 2);
    assert_int_equal(ln[1], 5);
    assert_int_equal(ln[2], 9);
    assert_true(eth_abi_split("(1,2", st, ln, 8, &e) < 0);
    assert_true(eth_abi_split("1)", st, ln, 8, &e) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_static),   cmocka_unit_test(test_spec_dynamic),
        cmocka_unit_test(test_numbers),       cmocka_unit_test(test_hex_values),
        cmocka_unit_test(test_strings_lists), cmocka_unit_test(test_arg_errors),
        cmocka_unit_test(test_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
