/* test_keccak.c: Keccak-256 on published vectors, around the 136-byte rate, and in pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/hex.h"
#include "eth/keccak.h"

static void assert_digest(const uint8_t *p, size_t n, const char *hex)
{
    uint8_t d[32];
    char out[67];
    eth_keccak256(p, n, d);
    eth_hex_encode(d, 32, out);
    assert_string_equal(out, hex);
}

static void repeated_a(size_t n, const char *hex)
{
    uint8_t *p = malloc(n ? n : 1);
    assert_non_null(p);
    memset(p, 'a', n);
    assert_digest(p, n, hex);
    free(p);
}

static void test_published(void **state)
{
    (void)state;
    assert_digest((const uint8_t *)"", 0,
                  "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    assert_digest((const uint8_t *)"abc", 3,
                  "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    const char *fox = "The quick brown fox jumps over the lazy dog";
    assert_digest((const uint8_t *)fox, strlen(fox),
                  "0x4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
}

static void test_rate_boundaries(void **state)
{
    (void)state;
    repeated_a(135, "0x34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446");
    repeated_a(136, "0xa6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e");
    repeated_a(137, "0xd869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39");
    repeated_a(272, "0xcf7fcd4f705ee749930d19ca84561a9bf62516bd90a471545fa2f49fdc7e63c8");
}

static void test_one_mebibyte(void **state)
{
    (void)state;
    repeated_a(1 << 20, "0xf5f3e54ad3d703f8e9edfd7ce79341b1d9286a692fa6c13ff13ee6ea94dbf97d");
}

/* Absorbing in uneven pieces gives the one-shot digest. */
static void test_incremental(void **state)
{
    (void)state;
    uint8_t data[1000], one[32], inc[32];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    eth_keccak256(data, sizeof data, one);
    static const size_t steps[] = {1, 7, 135, 136, 137, 300};
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
        eth_keccak k;
        eth_keccak_init(&k);
        for (size_t off = 0; off < sizeof data; off += steps[s]) {
            size_t n = sizeof data - off < steps[s] ? sizeof data - off : steps[s];
            eth_keccak_update(&k, data + off, n);
        }
        eth_keccak_final(&k, inc);
        assert_memory_equal(one, inc, 32);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published),
        cmocka_unit_test(test_rate_boundaries),
        cmocka_unit_test(test_one_mebibyte),
        cmocka_unit_test(test_incremental),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
