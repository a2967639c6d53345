/* fuzz_numbers.c: libFuzzer target for number and address text: u256, unit amounts, hex bytes, addresses. */
#include "fuzz_common.h"

#include <ctype.h>

#include "eth/address.h"
#include "eth/hex.h"
#include "eth/u256.h"

/* A parsed u256 must print and re-parse to itself, and canonical decimal text must print back. */
static void check_u256(const char *s, size_t n)
{
    eth_error err = {0};
    u256 v, again;
    if (u256_parse(s, n, &v, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
        return;
    }
    char dec[U256_DEC_MAX], hex[67];
    u256_to_dec(&v, dec);
    u256_to_hex(&v, hex);
    FUZZ_CHECK(u256_parse(dec, strlen(dec), &again, &err) == 0, "decimal form does not parse");
    FUZZ_CHECK(u256_cmp(&v, &again) == 0, "decimal form parses to another value");
    FUZZ_CHECK(u256_parse(hex, strlen(hex), &again, &err) == 0, "hex form does not parse");
    FUZZ_CHECK(u256_cmp(&v, &again) == 0, "hex form parses to another value");
    int canonical_dec = n > 0 && isdigit((unsigned char)s[0]) && (s[0] != '0' || n == 1);
    if (canonical_dec)
        FUZZ_CHECK(strlen(dec) == n && memcmp(dec, s, n) == 0, "decimal text does not print back");
}

/* A parsed amount must format and re-parse (at the same decimals) to itself. */
static void check_units(const char *s, unsigned decimals)
{
    eth_error err = {0};
    u256 v, again;
    if (u256_parse_units(s, decimals, &v, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
        return;
    }
    char text[U256_DEC_MAX + 2];
    FUZZ_CHECK(u256_format_units(&v, decimals, text, &err) == 0, "accepted decimals do not format");
    FUZZ_CHECK(u256_parse_units(text, decimals, &again, &err) == 0, "formatted amount does not parse");
    FUZZ_CHECK(u256_cmp(&v, &again) == 0, "formatted amount parses to another value");
}

/* Decoded hex must encode back to the input digits (lower-cased, without the prefix). */
static void check_hex(const char *s, size_t n)
{
    eth_error err = {0};
    eth_buf b = {0};
    if (eth_hex_decode(s, n, &b, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
        eth_buf_clear(&b);
        return;
    }
    size_t skip = eth_hex_has_prefix(s, n) ? 2 : 0;
    FUZZ_CHECK(b.len * 2 == n - skip, "decoded length does not match the digits");
    char *enc = NULL;
    if (eth_hex_encode_alloc(b.data, b.len, &enc, &err) != 0)
        enc = NULL;
    FUZZ_CHECK(enc != NULL, "out of memory");
    for (size_t i = 0; i < b.len * 2; i++)
        FUZZ_CHECK(enc[2 + i] == tolower((unsigned char)s[skip + i]), "hex does not round-trip");
    uint8_t *fixed = malloc(b.len + 1);
    FUZZ_CHECK(fixed != NULL, "out of memory");
    FUZZ_CHECK(eth_hex_decode_fixed(enc, fixed, b.len, &err) == 0, "decode_fixed rejects hex");
    FUZZ_CHECK(b.len == 0 || memcmp(fixed, b.data, b.len) == 0, "decode_fixed differs");
    free(fixed);
    free(enc);
    eth_buf_clear(&b);
}

/* Strict parsing implies lax parsing; the checksummed form must parse strictly to the same bytes. */
static void check_address(const char *s)
{
    eth_error err = {0};
    uint8_t lax[20], strict[20], again[20];
    char sum[43];
    int rs = eth_address_parse(s, strict, 1, &err);
    int rl = eth_address_parse(s, lax, 0, &err);
    FUZZ_CHECK(rs != 0 || rl == 0, "strict accepts what lax rejects");
    if (rl != 0)
        return;
    FUZZ_CHECK(rs != 0 || memcmp(lax, strict, 20) == 0, "strict and lax disagree");
    eth_address_checksum(lax, sum);
    FUZZ_CHECK(eth_address_parse(sum, again, 1, &err) == 0, "checksum form rejected");
    FUZZ_CHECK(memcmp(again, lax, 20) == 0, "checksum form parses to another address");
    eth_address_checksum_chain(lax, 1, sum);
    FUZZ_CHECK(eth_address_parse(sum, again, 0, &err) == 0, "EIP-1191 form rejected");
}

/* Input: one byte of decimals for the unit parser, then the text every parser reads. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned decimals = data[0];
    char *s = fuzz_strndup(data + 1, size - 1);
    check_u256(s, size - 1);
    check_hex(s, size - 1);
    check_units(s, decimals);
    check_address(s);
    free(s);
    return 0;
}
