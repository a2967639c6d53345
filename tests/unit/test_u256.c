/* test_u256.c: 256-bit arithmetic, parsing, formatting and unit conversion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "eth/u256.h"

#define MAX_DEC "115792089237316195423570985008687907853269984665640564039457584007913129639935"
#define MAX_HEX "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

static u256 parse(const char *s)
{
    u256 r;
    eth_error e;
    assert_int_equal(u256_parse(s, strlen(s), &r, &e), 0);
    return r;
}

static void assert_dec(const u256 *a, const char *want)
{
    char out[U256_DEC_MAX];
    u256_to_dec(a, out);
    assert_string_equal(out, want);
}

static void test_parse_format(void **state)
{
    (void)state;
    u256 max = parse(MAX_DEC), maxh = parse(MAX_HEX);
    assert_int_equal(u256_cmp(&max, &maxh), 0);
    assert_dec(&max, MAX_DEC);
    char hex[67];
    u256_to_hex(&max, hex);
    assert_string_equal(hex, MAX_HEX);
    u256 zero = parse("0");
    u256_to_hex(&zero, hex);
    assert_string_equal(hex, "0x0");
    u256 v = parse("0x00000000000000000000000000000000000000000000000000000000000000000001");
    assert_dec(&v, "1");
    v = parse("18446744073709551616");
    assert_int_equal(v.w[1], 1);
    assert_int_equal(v.w[0], 0);
}

static void test_parse_errors(void **state)
{
    (void)state;
    u256 r;
    eth_error e;
    const char *over = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
    assert_int_equal(u256_parse(over, strlen(over), &r, &e), -ETH_ERANGE);
    assert_non_null(strstr(e.msg, "does not fit"));
    assert_int_equal(u256_parse("12a", 3, &r, &e), -ETH_EINVAL);
    assert_int_equal(u256_parse("", 0, &r, &e), -ETH_EINVAL);
    assert_int_equal(u256_parse("0x", 2, &r, &e), -ETH_EINVAL);
    assert_int_equal(u256_parse("0x1g", 4, &r, &e), -ETH_EINVAL);
    const char *bighex = "0x1" "0000000000000000000000000000000000000000000000000000000000000000";
    assert_int_equal(u256_parse(bighex, strlen(bighex), &r, &e), -ETH_ERANGE);
}

static void test_arith(void **state)
{
    (void)state;
    u256 max = parse(MAX_DEC), one = u256_from_u64(1), r;
    assert_int_equal(u256_add(&r, &max, &one), 1);
    assert_true(u256_is_zero(&r));
    assert_int_equal(u256_sub(&r, &r, &one), 1);
    assert_int_equal(u256_cmp(&r, &max), 0);
    u256 a = parse("340282366920938463463374607431768211455"); /* 2^128 - 1 */
    assert_int_equal(u256_mul(&r, &a, &a), 0);
    assert_dec(&r, "115792089237316195423570985008687907852589419931798687112530834793049593217025");
    u256 b = parse("0x100000000000000000000000000000000"); /* 2^128 */
    assert_int_equal(u256_mul(&r, &b, &b), 1);
    u256 neg = u256_neg(&one);
    assert_int_equal(u256_cmp(&neg, &max), 0);
    assert_int_equal(u256_bits(&max), 256);
    assert_int_equal(u256_bits(&one), 1);
}

static void test_divmod(void **state)
{
    (void)state;
    u256 a = parse(MAX_DEC), b = parse("1000000007"), q, rem, back;
    eth_error e;
    assert_int_equal(u256_divmod(&q, &rem, &a, &b, &e), 0);
    assert_int_equal(u256_mul(&back, &q, &b), 0);
    assert_int_equal(u256_add(&back, &back, &rem), 0);
    assert_int_equal(u256_cmp(&back, &a), 0);
    assert_true(u256_cmp(&rem, &b) < 0);
    u256 zero = u256_from_u64(0);
    assert_int_equal(u256_divmod(&q, &rem, &a, &zero, &e), -ETH_EINVAL);
}

static void test_be(void **state)
{
    (void)state;
    uint8_t be[32] = {0};
    be[0] = 0x80;
    be[31] = 0x01;
    u256 v = u256_from_be(be, 32);
    uint8_t out[32];
    u256_to_be(&v, out);
    assert_memory_equal(be, out, 32);
    v = u256_from_be((const uint8_t *)"\x01\x00", 2);
    assert_dec(&v, "256");
}

static void test_units(void **state)
{
    (void)state;
    u256 r;
    eth_error e;
    char out[U256_DEC_MAX + 2];
    assert_int_equal(u256_parse_units("1.5", 18, &r, &e), 0);
    assert_dec(&r, "1500000000000000000");
    assert_int_equal(u256_format_units(&r, 18, out, &e), 0);
    assert_string_equal(out, "1.5");
    assert_int_equal(u256_parse_units("2", 9, &r, &e), 0);
    assert_dec(&r, "2000000000");
    assert_int_equal(u256_format_units(&r, 9, out, &e), 0);
    assert_string_equal(out, "2");
    r = u256_from_u64(1);
    assert_int_equal(u256_format_units(&r, 18, out, &e), 0);
    assert_string_equal(out, "0.000000000000000001");
    assert_int_equal(u256_parse_units("0.0000000001", 9, &r, &e), -ETH_EINVAL);
    assert_non_null(strstr(e.msg, "decimal places"));
    assert_int_equal(u256_parse_units("1e5", 18, &r, &e), -ETH_EINVAL);
    /* fuzz: decimals past 77 overflowed out; now refused */
    assert_int_equal(u256_format_units(&r, U256_MAX_DECIMALS, out, &e), 0);
    assert_int_equal(u256_format_units(&r, 205, out, &e), -ETH_ERANGE);
    assert_int_equal(e.code, ETH_ERANGE);
    assert_string_equal(out, "");
    assert_int_equal(u256_parse_units("0", 205, &r, &e), -ETH_ERANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_format), cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_arith),        cmocka_unit_test(test_divmod),
        cmocka_unit_test(test_be),           cmocka_unit_test(test_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
