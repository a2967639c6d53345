/* test_abi_decode.c: decoding spec encodings, cast's text format, and hostile offsets/lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/abi_decode.h"
#include "eth/abi_format.h"
#include "eth/hex.h"

/* Decodes hex data as the tuple type text and returns the cast text of each value joined by '|'. */
static char *decode_text(const char *types, const char *hex, eth_error *e)
{
    eth_abi_type *t = NULL;
    eth_buf d = {0}, out = {0};
    eth_abi_value v;
    char *res = NULL;
    if (eth_abi_type_parse(types, &t, e) == 0 && eth_hex_decode(hex, strlen(hex), &d, e) == 0 &&
        eth_abi_decode(t, d.data, d.len, &v, e) == 0) {
        int ok = 1;
        for (size_t i = 0; ok && i < v.nitems; i++) {
            if (i > 0 && eth_buf_append(&out, "|", 1, e) != 0)
                ok = 0;
            if (ok && eth_abi_format(&v.items[i], &out, e) != 0)
                ok = 0;
        }
        if (ok && eth_buf_append(&out, "", 1, e) == 0)
            res = strdup((const char *)out.data);
        eth_abi_value_clear(&v);
    }
    eth_buf_clear(&d);
    eth_buf_clear(&out);
    eth_abi_type_free(t);
    return res;
}

static void assert_decodes(const char *types, const char *hex, const char *want)
{
    eth_error e = {0};
    char *got = decode_text(types, hex, &e);
    if (!got)
        fail_msg("decode failed: %s", e.msg);
    assert_string_equal(got, want);
    free(got);
}

static void assert_rejects(const char *types, const char *hex)
{
    eth_error e = {0};
    char *got = decode_text(types, hex, &e);
    if (got)
        fail_msg("expected failure, got %s", got);
}

#define W0 "00000000000000000000000000000000000000000000000000000000000000"
#define FF "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

static void test_spec_vectors(void **state)
{
    (void)state;
    assert_decodes("(uint256[][],string[])",
                   W0 "40" "0000000000000000000000000000000000000000000000000000000000000140" W0 "02" W0 "40" W0
                   "a0" W0 "02" W0 "01" W0 "02" W0 "01" W0 "03" W0 "03" W0 "60" W0 "a0" W0 "e0" W0 "03"
                   "6f6e650000000000000000000000000000000000000000000000000000000000" W0 "03"
                   "74776f0000000000000000000000000000000000000000000000000000000000" W0 "05"
                   "7468726565000000000000000000000000000000000000000000000000000000",
                   "[[1, 2], [3]]|[\"one\", \"two\", \"three\"]");
    assert_decodes("(uint256,uint32[],bytes10,bytes)",
                   "0000000000000000000000000000000000000000000000000000000000000123" W0 "80"
                   "3132333435363738393000000000000000000000000000000000000000000000" W0 "e0" W0 "02"
                   "0000000000000000000000000000000000000000000000000000000000000456"
                   "0000000000000000000000000000000000000000000000000000000000000789" W0 "0d"
                   "48656c6c6f2c20776f726c642100000000000000000000000000000000000000",
                   "291|[1110, 1929]|0x31323334353637383930|0x48656c6c6f2c20776f726c6421");
}

static void test_cast_format(void **state)
{
    (void)state;
    assert_decodes("(uint256,uint256,uint256)", W0 "0a" "0000000000000000000000000000000000000000000000000000000000002710"
                   "0000000000000000000000000000000000000000000000000de0b6b3a7640000",
                   "10|10000 [1e4]|1000000000000000000 [1e18]");
    assert_decodes("(int256,int8)", FF "ff" "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffb669fd2e",
                   "-1|-1234567890 [-1.234e9]");
    assert_decodes("(address,bool,bool)", "000000000000000000000000d8da6bf26964af9d7eed9e03e53415d37aa96045" W0
                   "00" W0 "02", "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045|false|true");
    /* string with quotes, escapes, a combining mark, NBSP and an invalid byte */
    assert_decodes("(string)", W0 "20" W0 "11" "22615c0a09cc81c2a0ff41e4b8ad0700000000000000000000000000000000000000",
                   "\"\\\"a\\\\\\n\\t\\u{301}\\u{a0}\xef\xbf\xbd" "A\xe4\xb8\xad\\u{7}\\0\\0\"");
    assert_decodes("((uint8,string)[],bytes2)", W0 "40" "1234000000000000000000000000000000000000000000000000000000000000"
                   W0 "01" W0 "20" W0 "07" W0 "40" W0 "01" "7800000000000000000000000000000000000000000000000000000000000000",
                   "[(7, \"x\")]|0x1234");
}

static void test_truncated(void **state)
{
    (void)state;
    assert_rejects("(uint256)", "00");
    assert_rejects("(uint256)", "");
    assert_rejects("(bytes)", W0 "20" W0 "03");                 /* length beyond data */
    assert_rejects("(uint8[])", W0 "20" W0 "02" W0 "01");       /* 2 items, 1 word */
    assert_rejects("(string[])", W0 "20" W0 "01" W0 "20");      /* element offset past end */
    assert_decodes("(bytes)", W0 "20" W0 "03" "414243", "0x414243"); /* unpadded tail is fine (cast) */
    assert_decodes("(uint256)", W0 "05" W0 "06", "5");                /* trailing bytes ignored (cast) */
}

static void test_malicious_offsets(void **state)
{
    (void)state;
    assert_rejects("(bytes)", "ffff" "000000000000000000000000000000000000000000000000000000000000");
    assert_rejects("(bytes)", FF "e0");                                 /* offset near 2^256 */
    assert_rejects("(bytes)", "00000000000000000000000000000000000000000000000000000000ffffffe0");
    assert_rejects("(bytes)", W0 "20" "00000000000000000000000000000000000000000000000000000000ffffffff");
    assert_rejects("(uint256[])", W0 "20" "0000000000000000000000000000000000000000000000000000000100000000");
    assert_rejects("(uint8[])", W0 "21" W0 "01" W0 "01");
    /* every element of each level points at the same next level: 100^5 values from 16 KiB */
    enum { N = 100, LEVELS = 5 };
    size_t words = 1 + (size_t)LEVELS * (N + 1);
    char *hex = malloc(words * 64 + 1);
    assert_non_null(hex);
    char w[65];
    size_t k = 0;
    snprintf(w, sizeof w, "%064x", 32u);
    memcpy(hex + 64 * k++, w, 64);
    for (unsigned lvl = 0; lvl < LEVELS; lvl++) {
        snprintf(w, sizeof w, "%064x", (unsigned)N);
        memcpy(hex + 64 * k++, w, 64);
        for (unsigned i = 0; i < N; i++) {
            /* offset from this level's heads to the next level's count word */
            unsigned off = (unsigned)N * 32;
            snprintf(w, sizeof w, "%064x", lvl + 1 < LEVELS ? off : 7u);
            memcpy(hex + 64 * k++, w, 64);
        }
    }
    hex[words * 64] = '\0';
    eth_error e = {0};
    char *got = decode_text("(uint8[][][][][])", hex, &e);
    if (got)
        fail_msg("aliased offsets decoded to %zu chars", strlen(got));
    if (!strstr(e.msg, "expands"))
        fail_msg("unexpected error: %s", e.msg);
    free(hex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_vectors), cmocka_unit_test(test_cast_format),
        cmocka_unit_test(test_truncated), cmocka_unit_test(test_malicious_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
