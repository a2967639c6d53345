/* testutil.c (tests only): shared assertions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testutil.h"
#include "eth/hex.h"
#include "eth/keccak.h"

void test_assert_hex(const uint8_t *p, size_t n, const char *want)
{
    char *got = NULL;
    eth_error e;
    assert_int_equal(eth_hex_encode_alloc(p, n, &got, &e), 0);
    assert_string_equal(got, want);
    free(got);
}

void test_assert_keccak(const uint8_t *p, size_t n, const char *want)
{
    uint8_t h[32];
    eth_keccak256(p, n, h);
    test_assert_hex(h, 32, want);
}
