/* test_key.c: secp256k1 keys, addresses, signing and recovery (known vectors and round trips);
 * the raw-key functions are lib/eth's internal ones (internal/key_priv.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/hex.h"
#include "eth/internal/key_priv.h"
#include "eth/key.h"

/* Decodes fixed-size hex or fails the test. */
static void unhex(const char *s, uint8_t *out, size_t n)
{
    eth_error e;
    assert_int_equal(eth_hex_decode_fixed(s, out, n, &e), 0);
}

/* Asserts that addr equals the given hex. */
static void assert_addr(const uint8_t addr[20], const char *want)
{
    uint8_t w[20];
    unhex(want, w, 20);
    assert_memory_equal(addr, w, 20);
}

static void test_key_range(void **state)
{
    (void)state;
    uint8_t k[32] = {0};
    assert_false(eth_key_valid(k));
    unhex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", k, 32); /* n */
    assert_false(eth_key_valid(k));
    memset(k, 0xff, 32);
    assert_false(eth_key_valid(k));
    unhex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", k, 32); /* n-1 */
    assert_true(eth_key_valid(k));
    memset(k, 0, 32);
    k[31] = 1;
    assert_true(eth_key_valid(k));
}

static void test_pubkey_of_one(void **state)
{
    (void)state;
    uint8_t k[32] = {0}, pub[64], want[64], addr[20];
    eth_error e;
    k[31] = 1;
    assert_int_equal(eth_key_pubkey(k, pub, &e), 0);
    unhex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
          "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8", want, 64);
    assert_memory_equal(pub, want, 64);
    eth_pubkey_address(pub, addr);
    assert_addr(addr, "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
}

static void test_known_addresses(void **state)
{
    (void)state;
    uint8_t k[32], addr[20];
    eth_error e;
    /* anvil's first dev account (public test key) */
    unhex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", k, 32);
    assert_int_equal(eth_key_address(k, addr, &e), 0);
    assert_addr(addr, "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    /* the EIP-155 example key */
    memset(k, 0x46, 32);
    assert_int_equal(eth_key_address(k, addr, &e), 0);
    assert_addr(addr, "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
    memset(k, 0, 32);
    assert_int_equal(eth_key_address(k, addr, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "private key is out of range (must be 0 < k < n)");
    assert_int_equal(eth_sign_hash(k, k, &(eth_sig){0}, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "private key is out of range (must be 0 < k < n)");
}

/* The EIP-155 example: key 0x46..46 signs the example's signing hash. */
static void test_sign_eip155_example(void **state)
{
    (void)state;
    uint8_t k[32], h[32], r[32], s[32], addr[20];
    eth_sig sig;
    eth_error e;
    memset(k, 0x46, 32);
    unhex("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53", h, 32);
    unhex("0x28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276", r, 32);
    unhex("0x67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83", s, 32);
    assert_int_equal(eth_sign_hash(k, h, &sig, &e), 0);
    assert_memory_equal(sig.r, r, 32);
    assert_memory_equal(sig.s, s, 32);
    assert_int_equal(sig.v, 0); /* v = 37 = 1*2 + 35 + 0 */
    assert_true(eth_sig_is_low_s(&sig));
    assert_int_equal(eth_recover_address(h, &sig, addr, &e), 0);
    assert_addr(addr, "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
}

/* Returns n - s (big-endian) for flipping a signature to its high-s twin. */
static void negate_s(const uint8_t s[32], uint8_t out[32])
{
    uint8_t n[32];
    unhex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", n, 32);
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = n[i] - s[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

static void test_recover_rejects(void **state)
{
    (void)state;
    uint8_t k[32], h[32], addr[20];
    eth_sig sig, bad;
    eth_error e;
    memset(k, 0x46, 32);
    memset(h, 0xab, 32);
    assert_int_equal(eth_sign_hash(k, h, &sig, &e), 0);
    bad = sig;
    negate_s(sig.s, bad.s);
    bad.v ^= 1;
    assert_false(eth_sig_is_low_s(&bad));
    assert_int_equal(eth_recover_address(h, &bad, addr, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "signature s is in the upper half of the curve order (not "
                               "canonical, EIP-2)");
    bad = sig;
    bad.v = 2;
    assert_int_equal(eth_recover_address(h, &bad, addr, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "signature recovery id 2 is not 0 or 1");
    bad = sig;
    memset(bad.r, 0, 32);
    assert_int_equal(eth_recover_address(h, &bad, addr, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "signature r or s is zero");
    bad = sig;
    memset(bad.r, 0xff, 32);
    assert_int_equal(eth_recover_address(h, &bad, addr, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "signature r or s is not below the curve order");
    /* a different hash recovers some other address */
    uint8_t mine[20];
    assert_int_equal(eth_key_address(k, mine, &e), 0);
    h[0] ^= 1;
    assert_int_equal(eth_recover_address(h, &sig, addr, &e), 0);
    assert_memory_not_equal(addr, mine, 20);
}

static void test_generate_round_trip(void **state)
{
    (void)state;
    uint8_t k1[32], k2[32], h[32], a1[20], a2[20];
    eth_sig sig;
    eth_error e;
    assert_int_equal(eth_key_generate(k1, &e), 0);
    assert_int_equal(eth_key_generate(k2, &e), 0);
    assert_true(eth_key_valid(k1));
    assert_memory_not_equal(k1, k2, 32);
    for (int i = 0; i < 8; i++) {
        memset(h, i, 32);
        assert_int_equal(eth_sign_hash(k1, h, &sig, &e), 0);
        assert_true(eth_sig_is_low_s(&sig));
        assert_int_equal(eth_recover_address(h, &sig, a1, &e), 0);
        assert_int_equal(eth_key_address(k1, a2, &e), 0);
        assert_memory_equal(a1, a2, 20);
    }
    eth_wipe(k1, 32);
    eth_wipe(k2, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_range),           cmocka_unit_test(test_pubkey_of_one),
        cmocka_unit_test(test_known_addresses),     cmocka_unit_test(test_sign_eip155_example),
        cmocka_unit_test(test_recover_rejects),     cmocka_unit_test(test_generate_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
