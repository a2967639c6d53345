/* test_abi_error.c: revert data: Error(string), Panic(uint256), custom errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/abi_error.h"

static void assert_revert(const char *hex, const char *const *sigs, size_t n, const char *want)
{
    eth_buf d = {0}, out = {0};
    eth_error e = {0};
    assert_int_equal(eth_hex_decode(hex, strlen(hex), &d, &e), 0);
    if (eth_abi_decode_revert(d.data, d.len, sigs, n, &out, &e) != 0)
        fail_msg("revert decode failed: %s", e.msg);
    assert_string_equal((const char *)out.data, want);
    eth_buf_clear(&d);
    eth_buf_clear(&out);
}

#define W0 "00000000000000000000000000000000000000000000000000000000000000"

static void test_error_string(void **state)
{
    (void)state;
    assert_revert("0x08c379a0" W0 "20" W0 "0e" "4e6f7420656e6f7567682045544800000000000000000000000000000000000000", NULL, 0,
                  "Error(\"Not enough ETH\")");
}

static void test_panic(void **state)
{
    (void)state;
    assert_revert("0x4e487b71" W0 "11", NULL, 0, "Panic(0x11): arithmetic underflow or overflow");
    assert_revert("0x4e487b71" W0 "32", NULL, 0, "Panic(0x32): array index out of bounds");
    assert_revert("0x4e487b71" W0 "99", NULL, 0, "Panic(0x99): unknown panic code");
    assert_string_equal(eth_abi_panic_meaning(0x12), "division or modulo by zero");
    assert_null(eth_abi_panic_meaning(0x77));
}

static void test_custom(void **state)
{
    (void)state;
    const char *sigs[] = {"TimelockUnexpectedOperationState(bytes32 id, bytes32 expectedStates)",
                          "OwnableUnauthorizedAccount(address account)"};
    assert_revert("0x118cdaa7000000000000000000000000d8da6bf26964af9d7eed9e03e53415d37aa96045", sigs, 2,
                  "OwnableUnauthorizedAccount(0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045)");
    assert_revert("0x5ead8eb5" "11" W0 W0 "04", sigs, 2,
                  "TimelockUnexpectedOperationState(0x1100000000000000000000000000000000000000000000000000000000000000, "
                  "0x0000000000000000000000000000000000000000000000000000000000000004)");
}

static void test_unknown_and_bad(void **state)
{
    (void)state;
    assert_revert("0xdeadbeef", NULL, 0, "unknown error 0xdeadbeef (4 bytes)");
    assert_revert("0x", NULL, 0, "(empty revert data)");
    eth_buf out = {0};
    eth_error e = {0};
    const uint8_t shortd[2] = {1, 2};
    assert_true(eth_abi_decode_revert(shortd, 2, NULL, 0, &out, &e) < 0);
    const uint8_t trunc[6] = {0x08, 0xc3, 0x79, 0xa0, 0, 0};
    assert_true(eth_abi_decode_revert(trunc, 6, NULL, 0, &out, &e) < 0);
    const char *bad[] = {"Foo(uint7)"};
    const uint8_t any[4] = {1, 2, 3, 4};
    assert_true(eth_abi_decode_revert(any, 4, bad, 1, &out, &e) < 0);
    eth_buf_clear(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_string), cmocka_unit_test(test_panic),
        cmocka_unit_test(test_custom), cmocka_unit_test(test_unknown_and_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
