/* u256.h: unsigned 256-bit integers (four little-endian 64-bit limbs), parsing and formatting.
 * A u256 is plain data (nothing to free). */
#ifndef ETH_U256_H
#define ETH_U256_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* w[0] is the least significant limb. */
typedef struct u256 {
    uint64_t w[4];
} u256;

/* Longest decimal text of a u256 plus NUL (78 digits + 1). */
#define U256_DEC_MAX 80

/* A u256 holding v. */
u256 u256_from_u64(uint64_t v);

/* Reads a big-endian number of n bytes at p (only the last 32 count if n > 32). */
u256 u256_from_be(const uint8_t *p, size_t n);

/* Writes the 32-byte big-endian form of a to out. */
void u256_to_be(const u256 *a, uint8_t out[32]);

/* True (1) if a == 0, else 0. */
int u256_is_zero(const u256 *a);

/* -1, 0 or 1 as a <, ==, > b. */
int u256_cmp(const u256 *a, const u256 *b);

/* r = a + b. Returns 1 on overflow (r then holds the wrapped sum), else 0. r may alias a or b. */
int u256_add(u256 *r, const u256 *a, const u256 *b) ETH_WARN_UNUSED;

/* r = a - b. Returns 1 on underflow (r then holds the wrapped difference), else 0. */
int u256_sub(u256 *r, const u256 *a, const u256 *b) ETH_WARN_UNUSED;

/* r = a * b. Returns 1 on overflow (r then keeps the low 256 bits), else 0. */
int u256_mul(u256 *r, const u256 *a, const u256 *b) ETH_WARN_UNUSED;

/* q = a / b and rem = a % b (either may be NULL). Returns 0, or -ETH_EINVAL if b is zero
 * (q and rem untouched). */
int u256_divmod(u256 *q, u256 *rem, const u256 *a, const u256 *b, eth_error *err)
    ETH_WARN_UNUSED;

/* ~a + 1: the two's complement negation. */
u256 u256_neg(const u256 *a);

/* Number of significant bits (0 for zero). */
unsigned u256_bits(const u256 *a);

/* Parses s[0..n): decimal digits, or 0x/0X and hex digits, into *r. Returns 0, -ETH_EINVAL
 * (empty, a bad digit: the message shows it escaped) or -ETH_ERANGE (2^256 or more).
 * s may be NULL if n is 0. */
int u256_parse(const char *s, size_t n, u256 *r, eth_error *err) ETH_WARN_UNUSED;

/* Writes the decimal form of a and a NUL to out. */
void u256_to_dec(const u256 *a, char out[U256_DEC_MAX]);

/* Writes "0x" and minimal lower-case hex ("0x0" for zero) and a NUL to out (67 bytes). */
void u256_to_hex(const u256 *a, char out[67]);

/* Largest decimals the unit functions take: 10^77 is the largest power of ten in a u256, and
 * the formatted text of any u256 then fits in U256_DEC_MAX + 2 bytes. */
#define U256_MAX_DECIMALS 77u

/* Parses the NUL-terminated decimal amount s ("1.5") scaled by 10^decimals ("1.5" at 18 ->
 * 1500000000000000000) into *r. Returns 0, -ETH_EINVAL (empty, a bad character, more fraction
 * digits than decimals) or -ETH_ERANGE (decimals above U256_MAX_DECIMALS, or 2^256 or more). */
int u256_parse_units(const char *s, unsigned decimals, u256 *r, eth_error *err) ETH_WARN_UNUSED;

/* Writes a divided by 10^decimals as a decimal with trailing zeros trimmed ("1.5", "2") and a
 * NUL to out. Returns 0, or -ETH_ERANGE with out = "" if decimals is above U256_MAX_DECIMALS
 * (the text would not fit). */
int u256_format_units(const u256 *a, unsigned decimals, char out[U256_DEC_MAX + 2],
                      eth_error *err) ETH_WARN_UNUSED;

#endif
