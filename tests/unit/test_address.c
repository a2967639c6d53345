/* test_address.c: EIP-55 checksums (the EIP's own examples), EIP-1191, and parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/address.h"
#include "eth/hex.h"

/* The examples listed in EIP-55: all caps, all lower, and mixed. */
static const char *const EIP55[] = {
    "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
};

static void test_eip55_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof EIP55 / sizeof EIP55[0]; i++) {
        uint8_t addr[20];
        char out[43];
        eth_error e;
        assert_int_equal(eth_address_parse(EIP55[i], addr, 1, &e), 0);
        eth_address_checksum(addr, out);
        assert_string_equal(out, EIP55[i]);
    }
}

static void test_eip1191(void **state)
{
    (void)state;
    uint8_t addr[20];
    char out[43];
    eth_error e;
    assert_int_equal(eth_address_parse("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", addr, 1, &e), 0);
    eth_address_checksum_chain(addr, 30, out); /* RSK mainnet, as in EIP-1191 */
    assert_string_equal(out, "0x5aaEB6053f3e94c9b9a09f33669435E7ef1bEAeD");
    eth_address_checksum_chain(addr, 1, out); /* cross-checked with cast */
    assert_string_equal(out, "0x5aaeB6053f3E94C9b9A09f33669435e7Ef1bEAed");
}

static void test_parse(void **state)
{
    (void)state;
    uint8_t addr[20], want[20];
    eth_error e;
    assert_int_equal(eth_hex_decode_fixed("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", want, 20, &e),
                     0);
    /* wrong checksum: the last letter's case flipped */
    const char *bad = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";
    assert_int_equal(eth_address_parse(bad, addr, 1, &e), -ETH_EINVAL);
    assert_non_null(strstr(e.msg, "checksum"));
    assert_non_null(strstr(e.msg, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
    assert_int_equal(eth_address_parse(bad, addr, 0, &e), 0);
    assert_memory_equal(addr, want, 20);
    assert_int_equal(eth_address_parse("5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", addr, 1, &e), 0);
    assert_memory_equal(addr, want, 20);
    assert_int_equal(eth_address_parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", addr, 0, &e),
                     -ETH_EINVAL);
    assert_non_null(strstr(e.msg, "38"));
    assert_int_equal(eth_address_parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", addr, 0, &e),
                     -ETH_EINVAL);
    assert_non_null(strstr(e.msg, "'g'"));
    assert_int_equal(eth_address_parse("", addr, 0, &e), -ETH_EINVAL);
    assert_int_equal(eth_address_parse("0x", addr, 0, &e), -ETH_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eip55_vectors),
        cmocka_unit_test(test_eip1191),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
