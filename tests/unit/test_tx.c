/* test_tx.c: transactions on published vectors (EIP-155's example) and vectors made with the
 * pinned `cast mktx` (anvil's public dev key), plus decoder strictness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/hex.h"
#include "eth/keccak.h"
#include "eth/signer.h"
#include "eth/tx.h"

/* anvil's first dev account: a public test key. */
static const char ANVIL_KEY[] = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char ANVIL_ADDR[] = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

/* Signs tx with the key of hex text key (a public test key). */
static void sign_with(eth_tx *tx, const char *key)
{
    eth_signer *s = NULL;
    eth_error e = {0};
    assert_int_equal(eth_signer_from_hex(key, strlen(key), "test key", &s, &e), 0);
    assert_int_equal(eth_signer_sign_tx(s, tx, &e), 0);
    assert_int_equal(tx->is_signed, 1);
    eth_signer_free(s);
}

/* EIP-155's example: nonce 9, 20 gwei, 21000 gas, to 0x3535.., 1 ether, chain 1, key 0x46..46. */
static const char EIP155_UNSIGNED[] =
    "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080";
static const char EIP155_HASH[] = "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53";
static const char EIP155_RAW[] =
    "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028"
    "ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b38"
    "00ccf555c9f3dc64214b297fb1966a3b6d83";

/* cast mktx --private-key ANVIL_KEY --chain 1 --nonce 7 --gas-limit 21000 --gas-price 30gwei
 *   --priority-gas-price 2gwei --value 1ether 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 */
static const char TYPE2_RAW[] =
    "0x02f873010784773594008506fc23ac008252089470997970c51812dc3a010c7d01b50e0d17dc79c8880de0b6b3"
    "a764000080c080a0972f69499b3f0a3c27bdcf146188807be7b678df3fa9965f96c58361c01aae07a0174c224e94"
    "bc3d3091291b5481a8176880647c2f19f29aa0f0ffc2aa563b61b9";
static const char TYPE2_HASH[] = "0xb18cb061195bfb577ef4f608f162bd88a09989cbbaa34ee7e647d4ce468d93f3";

/* cast mktx ... --chain 5 --nonce 1 --gas-limit 100000 --gas-price 3 --priority-gas-price 1
 *   --access-list '[{0x7099..: [0x..01]}, {0x..01: []}]' 0x7099.. "transfer(address,uint256)" 0x7099.. 5 */
static const char TYPE2_AL_RAW[] =
    "0x02f8f805010103830186a09470997970c51812dc3a010c7d01b50e0d17dc79c880b844a9059cbb000000000000"
    "00000000000070997970c51812dc3a010c7d01b50e0d17dc79c80000000000000000000000000000000000000000"
    "000000000000000000000005f84ff79470997970c51812dc3a010c7d01b50e0d17dc79c8e1a00000000000000000"
    "000000000000000000000000000000000000000000000001d6940000000000000000000000000000000000000001"
    "c080a06265bafeddf24544ca03f63fd340721212cd44aed6d72c08d8e010b0ea5f3512a010d5352763aa9798e0d1"
    "3475ed47ba8aa9626dff6da798b81f0e9d2bb9782f59";

/* cast mktx ... --chain 31337 --nonce 300 --gas-limit 100000 --gas-price 3 --priority-gas-price 0
 *   --create 0x6001600055 (s has a leading zero byte, so it is 31 bytes on the wire) */
static const char TYPE2_CREATE_RAW[] =
    "0x02f858827a6982012c8003830186a08080856001600055c080a0aa9477dfb09c332fc585e96c99c592218bd4c8"
    "299fef54e12e5a6750ae23c4e9a00ae6fa784781737c658777805890251127d8126e4e88fcf129ce654b975671df";

/* cast mktx ... --legacy --chain 5 --nonce 1 --gas-limit 100000 --gas-price 3 --access-list ... */
static const char TYPE1_RAW[] =
    "0x01f89b050103830186a09470997970c51812dc3a010c7d01b50e0d17dc79c88080f838f79470997970c51812dc"
    "3a010c7d01b50e0d17dc79c8e1a0000000000000000000000000000000000000000000000000000000000000000101"
    "a0815e8d6e09c025d047aeb4958c769f3989fc9bd7c570af8e8d7d7eb9910ac762a077cff4d78989cd6f544b0308"
    "4b72162fdf438e9eaaeeaa21fa14b68f1fec8d77";

/* Pre-EIP-155 (v = 27), signed here and decoded identically by cast decode-tx. */
static const char PRE155_RAW[] =
    "0xf85503843b9aca0082c3508082303984600060001ba04b2e4056161f0eb7e2d70957926b5f267229b979f884b9"
    "933ecad350d3ab980da0428626ec02a776d6338af4993b447da17b77ec445e9e14471e647785de7715db";

/* Decodes hex into b (fresh). */
static void unhex_buf(const char *s, eth_buf *b)
{
    eth_error e;
    assert_int_equal(eth_hex_decode(s, strlen(s), b, &e), 0);
}

/* Asserts that p[0..n) is the hex string want. */
static void assert_hex(const uint8_t *p, size_t n, const char *want)
{
    char *got = NULL;
    eth_error e;
    assert_int_equal(eth_hex_encode_alloc(p, n, &got, &e), 0);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* Decodes raw, checks the sender, and that re-encoding and hashing give raw back. */
static void check_round_trip(const char *raw_hex, const char *sender, eth_tx *tx)
{
    eth_buf raw = {0}, again = {0};
    eth_error e;
    uint8_t addr[20], hash[32], h2[32];
    unhex_buf(raw_hex, &raw);
    assert_int_equal(eth_tx_decode(raw.data, raw.len, tx, &e), 0);
    assert_int_equal(eth_tx_sender(tx, addr, &e), 0);
    assert_hex(addr, 20, sender);
    assert_int_equal(eth_tx_encode_signed(tx, &again, &e), 0);
    assert_int_equal(again.len, raw.len);
    assert_memory_equal(again.data, raw.data, raw.len);
    assert_int_equal(eth_tx_hash(tx, hash, &e), 0);
    eth_keccak256(raw.data, raw.len, h2);
    assert_memory_equal(hash, h2, 32);
    eth_buf_clear(&raw);
    eth_buf_clear(&again);
}

static void test_eip155_example(void **state)
{
    (void)state;
    eth_tx tx;
    eth_error e;
    uint8_t hash[32];
    eth_buf b = {0};
    eth_tx_init(&tx);
    tx.has_chain_id = 1;
    tx.chain_id = 1;
    tx.nonce = 9;
    tx.gas_price = u256_from_u64(20000000000ull);
    tx.gas = 21000;
    tx.has_to = 1;
    memset(tx.to, 0x35, 20);
    tx.value = u256_from_u64(1000000000000000000ull);
    assert_int_equal(eth_tx_encode_unsigned(&tx, &b, &e), 0);
    assert_hex(b.data, b.len, EIP155_UNSIGNED);
    assert_int_equal(eth_tx_signing_hash(&tx, hash, &e), 0);
    assert_hex(hash, 32, EIP155_HASH);
    assert_int_equal(eth_tx_encode_signed(&tx, &b, &e), -ETH_ESTATE);
    sign_with(&tx, "4646464646464646464646464646464646464646464646464646464646464646");
    assert_int_equal(eth_tx_v(&tx), 37);
    b.len = 0;
    assert_int_equal(eth_tx_encode_signed(&tx, &b, &e), 0);
    assert_hex(b.data, b.len, EIP155_RAW);
    eth_buf_clear(&b);
    eth_tx_clear(&tx);
    check_round_trip(EIP155_RAW, "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f", &tx);
    assert_int_equal(tx.nonce, 9);
    assert_true(tx.has_chain_id && tx.chain_id == 1);
    assert_int_equal(eth_tx_hash(&tx, hash, &e), 0);
    assert_hex(hash, 32, "0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788");
    eth_tx_clear(&tx);
}

static void test_type2_sign_matches_cast(void **state)
{
    (void)state;
    eth_tx tx;
    eth_error e;
    uint8_t hash[32];
    eth_buf b = {0};
    eth_tx_init(&tx);
    tx.type = ETH_TX_DYNAMIC_FEE;
    tx.chain_id = 1;
    tx.nonce = 7;
    tx.gas = 21000;
    tx.max_fee = u256_from_u64(30000000000ull);
    tx.max_priority_fee = u256_from_u64(2000000000ull);
    tx.has_to = 1;
    assert_int_equal(eth_hex_decode_fixed("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", tx.to, 20, &e), 0);
    tx.value = u256_from_u64(1000000000000000000ull);
    sign_with(&tx, ANVIL_KEY);
    assert_int_equal(eth_tx_encode_signed(&tx, &b, &e), 0);
    assert_hex(b.data, b.len, TYPE2_RAW);
    assert_int_equal(eth_tx_hash(&tx, hash, &e), 0);
    assert_hex(hash, 32, TYPE2_HASH);
    eth_buf_clear(&b);
    eth_tx_clear(&tx);
}

static void test_decode_cast_vectors(void **state)
{
    (void)state;
    eth_tx tx;
    check_round_trip(TYPE2_RAW, ANVIL_ADDR, &tx);
    assert_int_equal(tx.type, 2);
    assert_int_equal(eth_tx_v(&tx), 0);
    eth_tx_clear(&tx);

    check_round_trip(TYPE2_AL_RAW, ANVIL_ADDR, &tx);
    assert_int_equal(tx.chain_id, 5);
    assert_int_equal(tx.data.len, 68);
    assert_int_equal(tx.access_len, 2);
    assert_int_equal(tx.access_list[0].nkeys, 1);
    assert_int_equal(tx.access_list[0].keys[0][31], 1);
    assert_int_equal(tx.access_list[1].nkeys, 0);
    assert_int_equal(tx.access_list[1].address[19], 1);
    eth_tx_clear(&tx);

    check_round_trip(TYPE2_CREATE_RAW, ANVIL_ADDR, &tx);
    assert_false(tx.has_to);
    assert_int_equal(tx.nonce, 300);
    assert_int_equal(tx.sig.s[0], 0x0a);
    eth_tx_clear(&tx);

    check_round_trip(TYPE1_RAW, ANVIL_ADDR, &tx);
    assert_int_equal(tx.type, 1);
    assert_int_equal(tx.access_len, 1);
    eth_tx_clear(&tx);

    check_round_trip(PRE155_RAW, ANVIL_ADDR, &tx);
    assert_false(tx.has_chain_id);
    assert_int_equal(eth_tx_v(&tx), 27);
    eth_tx_clear(&tx);
}

/* Asserts that decoding hex fails with a message containing needle. */
static void assert_bad(const char *hex, const char *needle)
{
    eth_buf raw = {0};
    eth_tx tx;
    eth_error e = {0};
    unhex_buf(hex, &raw);
    int rc = eth_tx_decode(raw.data, raw.len, &tx, &e);
    if (rc == 0 || !strstr(e.msg, needle))
        fail_msg("%.40s...: rc %d, message '%s', wanted '%s'", hex, rc, e.msg, needle);
    assert_null(tx.data.data);
    eth_buf_clear(&raw);
}

static void test_decode_rejects(void **state)
{
    (void)state;
    char buf[1024];
    assert_bad("0x", "empty");
    snprintf(buf, sizeof buf, "%s00", TYPE2_RAW);
    assert_bad(buf, "trailing");
    snprintf(buf, sizeof buf, "%.*s", (int)strlen(TYPE2_RAW) - 2, TYPE2_RAW);
    assert_bad(buf, "overruns");
    assert_bad("0x03c0", "type 0x03 is not supported");
    assert_bad("0x02c0", "list has 0 items");
    /* legacy v = 30: neither 27/28 nor EIP-155 */
    assert_bad("0xf85f01038252089470997970c51812dc3a010c7d01b50e0d17dc79c880801ea0ccdc5436297e4445"
               "211468fe386ca0712bc82950dca4004141bb08cab40f80a8a023cd7f831d0e263b1c9015eae237b989ca"
               "ac1e0f2bf6eb8b35b7335ee9eaa9dd", "field v");
    /* nonce 0x0001 with a leading zero */
    assert_bad("0xf86182000103825208943535353535353535353535353535353535353535808025a0ccdc5436297e44"
               "45211468fe386ca0712bc82950dca4004141bb08cab40f80a8a023cd7f831d0e263b1c9015eae237b989"
               "caac1e0f2bf6eb8b35b7335ee9eaa9dd", "field nonce");
    /* to of 19 bytes */
    assert_bad("0xf85e01038252089335353535353535353535353535353535353535808025a0ccdc5436297e44"
               "45211468fe386ca0712bc82950dca4004141bb08cab40f80a8a023cd7f831d0e263b1c9015eae237b989"
               "caac1e0f2bf6eb8b35b7335ee9eaa9dd", "field to");
}

static void test_sender_rejects_bad_signature(void **state)
{
    (void)state;
    eth_buf raw = {0};
    eth_tx tx;
    eth_error e;
    uint8_t addr[20];
    unhex_buf(TYPE2_RAW, &raw);
    assert_int_equal(eth_tx_decode(raw.data, raw.len, &tx, &e), 0);
    memset(tx.sig.s, 0xff, 32);
    assert_int_equal(eth_tx_sender(&tx, addr, &e), -ETH_EINVAL);
    eth_tx_clear(&tx);
    eth_buf_clear(&raw);
}

/* fuzz: legacy v = 2^64-1 (chain id 2^63-18, y 0) decoded but did not re-encode. */
static void test_legacy_max_v_round_trips(void **state)
{
    (void)state;
    eth_buf raw = {0}, again = {0};
    eth_tx tx;
    eth_error e;
    unhex_buf("0xd1808080808080" "88ffffffffffffffff" "0101", &raw);
    assert_int_equal(eth_tx_decode(raw.data, raw.len, &tx, &e), 0);
    assert_int_equal(eth_tx_v(&tx), UINT64_MAX);
    assert_int_equal(eth_tx_encode_signed(&tx, &again, &e), 0);
    assert_int_equal(again.len, raw.len);
    assert_memory_equal(again.data, raw.data, raw.len);
    tx.sig.v = 1; /* chainId*2+36 would overflow: refused */
    assert_int_equal(eth_tx_encode_signed(&tx, &again, &e), -ETH_ERANGE);
    eth_tx_clear(&tx);
    eth_buf_clear(&raw);
    eth_buf_clear(&again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eip155_example),      cmocka_unit_test(test_type2_sign_matches_cast),
        cmocka_unit_test(test_decode_cast_vectors), cmocka_unit_test(test_decode_rejects),
        cmocka_unit_test(test_sender_rejects_bad_signature),
        cmocka_unit_test(test_legacy_max_v_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
