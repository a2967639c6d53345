/* testutil.h (tests only): assertions the unit tests share. */
#ifndef KMSCTL_TEST_UTIL_H
#define KMSCTL_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Asserts (cmocka) that p[0..n) is the hex text want ("0x" and lower-case digits). */
void test_assert_hex(const uint8_t *p, size_t n, const char *want);

/* Asserts that keccak256(p[0..n)) is the hex text want. */
void test_assert_keccak(const uint8_t *p, size_t n, const char *want);

#endif
