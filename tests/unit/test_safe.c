/* test_safe.c: Safe v1.4.1 building blocks (lib/kms/safe.h, lib/kms/safe_tx.h).
 * Offline: setup, creation, MultiSend, execTransaction and approveHash calldata, the domain
 * separator and the transaction hash against vectors made with the pinned cast 1.7.1 (the
 * command is quoted at each); signature packing; every refusal with its code. On a real anvil
 * holding the canonical Safe contracts (tests/support/safe_fixture.h): a 2-of-3 Safe created
 * through the factory with this calldata lands at kms_safe_proxy_address and reads back as set
 * up; the Safe's own getTransactionHash and domainSeparator equal ours; execTransaction runs
 * with two ECDSA signatures, with an approveHash, with an eth_sign signature and the sender's
 * implicit approval, and a MultiSend batch through a delegatecall runs both of its calls. The
 * owners are anvil's dev accounts 1 to 3, whose well-known keys sign here; the test checks that
 * each key's address is the account anvil reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

#include "eth/address.h"
#include "eth/hex.h"
#include "eth/keccak.h"
#include "eth/rpc_eth.h"
#include "eth/signer.h"
#include "kms/artifacts.h"
#include "kms/call.h"
#include "kms/revert.h"
#include "kms/safe.h"
#include "kms/safe_tx.h"
#include "safe_fixture.h"

/* anvil with Safe 1.4.1; the owners are anvil's dev accounts 1 to 3, whose published keys
 * sign here, and dev account 0 sends everything (tests/support/safe_fixture.h). */
static test_safe_fixture fx;

/* Arbitrary addresses of the offline vectors. */
static uint8_t T1[20], T2[20];

static void parse_addr(const char *s, uint8_t out[20])
{
    eth_error e;
    assert_int_equal(eth_address_parse(s, out, 1, &e), 0);
}

static int group_setup(void **state)
{
    (void)state;
    eth_error e = {0};
    if (eth_address_parse("0x5FbDB2315678afecb367f032d93F642f64180aa3", T1, 1, &e) ||
        eth_address_parse("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", T2, 1, &e))
        return -1;
    return test_safe_fixture_start(&fx);
}

static int group_teardown(void **state)
{
    (void)state;
    test_safe_fixture_stop(&fx);
    return 0;
}

/* ---- offline ---- */

/* `cast calldata "setup(address[],uint256,address,bytes,address,address,uint256,address)"
 * "[DEV1,DEV2,DEV3]" 2 0x00..00 0x HANDLER 0x00..00 0 0x00..00`, and createProxyWithNonce(
 * SINGLETON, that, 42) as the keccak256 of `cast calldata "createProxyWithNonce(address,bytes,
 * uint256)" ...`. */
static void test_setup_and_create_vectors(void **state)
{
    (void)state;
    kms_safe_setup s = test_safe_two_of_three(&fx);
    eth_buf b = {0}, c = {0};
    eth_error e = {0};
    assert_int_equal(kms_safe_setup_data(&s, &b, &e), 0);
    test_assert_hex(b.data, b.len,
               "0xb63e800d"
               "0000000000000000000000000000000000000000000000000000000000000100"
               "0000000000000000000000000000000000000000000000000000000000000002"
               "0000000000000000000000000000000000000000000000000000000000000000"
               "0000000000000000000000000000000000000000000000000000000000000180"
               "000000000000000000000000fd0732dc9e303f09fcef3a7388ad10a83459ec99"
               "0000000000000000000000000000000000000000000000000000000000000000"
               "0000000000000000000000000000000000000000000000000000000000000000"
               "0000000000000000000000000000000000000000000000000000000000000000"
               "0000000000000000000000000000000000000000000000000000000000000003"
               "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
               "0000000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc"
               "00000000000000000000000090f79bf6eb2c4f870365e785982e1f101e93b906"
               "0000000000000000000000000000000000000000000000000000000000000000");
    u256 nonce = u256_from_u64(42);
    assert_int_equal(kms_safe_create_data(fx.singleton, b.data, b.len, &nonce, &c, &e), 0);
    assert_int_equal(c.len, 580);
    test_assert_keccak(c.data, c.len,
                  "0xa1312170e650a0e836d2cc34913a8b2e9c74ea33130360014f813fd1cee08db4");
    eth_buf_clear(&b);
    eth_buf_clear(&c);
}

/* Each refusal of a setup, with its code and words; nothing is appended. */
static void test_setup_errors(void **state)
{
    (void)state;
    uint8_t owners[KMS_SAFE_MAX_OWNERS + 1][20];
    memset(owners, 0, sizeof owners);
    for (size_t i = 0; i <= KMS_SAFE_MAX_OWNERS; i++)
        owners[i][0] = (uint8_t)(i + 1);
    kms_safe_setup s = {.owners = (const uint8_t(*)[20])owners, .nowners = 3, .threshold = 2};
    eth_buf b = {0};
    eth_error e = {0};

    s.nowners = 0;
    assert_int_equal(kms_safe_setup_data(&s, &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "a Safe needs at least one owner");
    s.nowners = KMS_SAFE_MAX_OWNERS + 1;
    assert_int_equal(kms_safe_setup_data(&s, &b, &e), -ETH_ERANGE);
    assert_string_equal(e.msg, "65 owners: kmsctl handles Safes of at most 64");
    s.nowners = KMS_SAFE_MAX_OWNERS;
    assert_int_equal(kms_safe_setup_data(&s, &b, &e), 0); /* the cap itself is fine */
    b.len = 0;

    s.nowners = 3;
    s.threshold = 0;
    assert_int_equal(kms_safe_setup_data(&s, &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "threshold 0 with 3 owners: it must be from 1 to 3");
    s.threshold = 4;
    assert_int_equal(kms_safe_setup_data(&s, &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "threshold 4 with 3 owners: it must be from 1 to 3");
    s.threshold = 2;

    memset(owners[1], 0, 20);
    assert_int_equal(kms_safe_setup_data(&s, &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "owner 2 is 0x0000000000000000000000000000000000000000 "
                               "(address(0)), which a Safe refuses as an owner: give the "
                               "owner's address");
    owners[1][19] = 1;
    assert_int_equal(kms_safe_setup_data(&s, &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "owner 2 is 0x0000000000000000000000000000000000000001 (the "
                               "sentinel of Safe's owner list), which a Safe refuses as an "
                               "owner: give the owner's address");
    memcpy(owners[1], owners[2], 20);
    assert_int_equal(kms_safe_setup_data(&s, &b, &e), -ETH_EINVAL);
    char want[160];
    char a[43];
    eth_address_checksum(owners[2], a);
    snprintf(want, sizeof want, "owners 2 and 3 are both %s: list each owner once", a);
    assert_string_equal(e.msg, want);
    assert_int_equal(e.code, ETH_EINVAL);
    assert_int_equal(b.len, 0);
    eth_buf_clear(&b);
}

/* `cast calldata "multiSend(bytes)" $(cast abi-encode --packed "f(uint8,address,uint256,
 * uint256,bytes,uint8,address,uint256,uint256,bytes)" 0 T1 100000000000000000 0 0x 0 T2 0 36
 * $(cast calldata "changeThreshold(uint256)" 3))`. */
static void test_multisend_vector(void **state)
{
    (void)state;
    eth_buf ct = {0}, b = {0};
    eth_error e = {0};
    const char *three = "3";
    assert_int_equal(kms_calldata("changeThreshold(uint256)", &three, 1, &ct, &e), 0);
    kms_tl_call c[2] = {{.target = T1, .value = u256_from_u64(100000000000000000ull)},
                        {.target = T2, .data = ct.data, .len = ct.len}};
    assert_int_equal(kms_multisend_data(c, 2, &b, &e), 0);
    test_assert_hex(b.data, b.len,
               "0x8d80ff0a"
               "0000000000000000000000000000000000000000000000000000000000000020"
               "00000000000000000000000000000000000000000000000000000000000000ce"
               "005fbdb2315678afecb367f032d93f642f64180aa3"
               "000000000000000000000000000000000000000000000000016345785d8a0000"
               "0000000000000000000000000000000000000000000000000000000000000000"
               "00e7f1725e7734ce288f8367e1bb143e90bb3f0512"
               "0000000000000000000000000000000000000000000000000000000000000000"
               "0000000000000000000000000000000000000000000000000000000000000024"
               "694e80c30000000000000000000000000000000000000000000000000000000000000003"
               "000000000000000000000000000000000000");
    b.len = 0;
    assert_int_equal(kms_multisend_data(c, 0, &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "a MultiSend batch needs at least one call");
    assert_int_equal(b.len, 0);
    eth_buf_clear(&ct);
    eth_buf_clear(&b);
}

/* A transaction with every field set: to T2, 1 ether, data 0x79ba5097, delegatecall, gas 5,
 * 6, 7, gas token T1, refund receiver DEV1, nonce 9. */
static void full_tx(kms_safe_tx *tx)
{
    eth_error e;
    memset(tx, 0, sizeof *tx);
    memcpy(tx->to, T2, 20);
    assert_int_equal(u256_parse("1000000000000000000", 19, &tx->value, &e), 0);
    assert_int_equal(eth_buf_append(&tx->data, "\x79\xba\x50\x97", 4, &e), 0);
    tx->operation = KMS_SAFE_DELEGATECALL;
    tx->safe_tx_gas = u256_from_u64(5);
    tx->base_gas = u256_from_u64(6);
    tx->gas_price = u256_from_u64(7);
    memcpy(tx->gas_token, T1, 20);
    memcpy(tx->refund_receiver, fx.owners[0], 20);
    tx->nonce = u256_from_u64(9);
}

/* For Safe T1 on chain 31337: domain = `cast keccak $(cast abi-encode "f(bytes32,uint256,
 * address)" $(cast keccak "EIP712Domain(uint256 chainId,address verifyingContract)") 31337
 * T1)`, struct = `cast keccak $(cast abi-encode "f(bytes32,address,uint256,bytes32,uint8,
 * uint256,uint256,uint256,address,address,uint256)" $(cast keccak "SafeTx(...)") T2
 * 1000000000000000000 $(cast keccak 0x79ba5097) 1 5 6 7 T1 DEV1 9)`, hash = `cast keccak
 * 0x1901<domain><struct>`. An operation other than 0 or 1 is refused. */
static void test_tx_hash_vector(void **state)
{
    (void)state;
    kms_safe_tx tx;
    full_tx(&tx);
    uint8_t h[32];
    eth_error e = {0};
    kms_safe_domain_separator(31337, T1, h);
    test_assert_hex(h, 32, "0xfe0c2a6bde911dc91bbb4830c55642356a387000f9d41859b5a820081ecc44c8");
    assert_int_equal(kms_safe_tx_struct_hash(&tx, h, &e), 0);
    test_assert_hex(h, 32, "0x9dc2dc8c84ea318612dd8f33a067e18096b4ff65632bb65bbb84accb7364a889");
    assert_int_equal(kms_safe_tx_hash(&tx, 31337, T1, h, &e), 0);
    test_assert_hex(h, 32, "0x2b8f1982f3fb8e843b96d89fa12841630ecc67caf5a20ef3194e5dc32027e714");
    tx.operation = 2;
    assert_int_equal(kms_safe_tx_hash(&tx, 31337, T1, h, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "Safe transaction operation 2: it must be 0 (call) or 1 "
                               "(delegatecall)");
    kms_safe_tx_clear(&tx);
}

/* A signature of owner byte b (owner 0xbb..bb) with r and s all b and v. The checksummed
 * forms in the messages below are `cast to-check-sum-address 0xaa..aa` and of 0xcc..cc. */
static kms_safe_sig fake_sig(uint8_t b, uint8_t v)
{
    kms_safe_sig s;
    memset(&s, b, sizeof s);
    s.rsv[64] = v;
    return s;
}

/* Packing sorts by owner, ascending, whatever the order given; the approved-hash form is
 * v 1, r the owner, s 0; the refusals; and execTransaction's calldata with the packed
 * signatures (`cast calldata "execTransaction(address,uint256,bytes,uint8,uint256,uint256,
 * uint256,address,address,bytes)" T2 1000000000000000000 0x79ba5097 1 5 6 7 T1 DEV1
 * 0xaa..aa1bbb..bb1c`, its keccak256) and of approveHash(0x00..2a). */
static void test_sigs_pack_and_exec_data(void **state)
{
    (void)state;
    kms_safe_sig sigs[3] = {fake_sig(0xbb, 28), fake_sig(0xaa, 27), fake_sig(0xcc, 32)};
    eth_buf b = {0};
    eth_error e = {0};
    assert_int_equal(kms_safe_sigs_pack(sigs, 3, &b, &e), 0);
    assert_int_equal(b.len, 195);
    assert_memory_equal(b.data, sigs[1].rsv, 65);
    assert_memory_equal(b.data + 65, sigs[0].rsv, 65);
    assert_memory_equal(b.data + 130, sigs[2].rsv, 65);
    assert_int_equal(kms_safe_sig_kind(&sigs[0]), KMS_SAFE_SIG_ECDSA);
    assert_int_equal(kms_safe_sig_kind(&sigs[2]), KMS_SAFE_SIG_ETH_SIGN);

    kms_safe_sig ap;
    kms_safe_sig_approved(fx.owners[0], &ap);
    assert_int_equal(kms_safe_sig_kind(&ap), KMS_SAFE_SIG_APPROVED);
    test_assert_hex(ap.rsv, 65, "0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
                           "0000000000000000000000000000000000000000000000000000000000000000"
                           "01");

    kms_safe_tx tx;
    full_tx(&tx);
    b.len = 0;
    assert_int_equal(kms_safe_sigs_pack(sigs, 2, &b, &e), 0);
    eth_buf x = {0};
    assert_int_equal(kms_safe_exec_data(&tx, b.data, b.len, &x, &e), 0);
    assert_int_equal(x.len, 580);
    test_assert_keccak(x.data, x.len,
                  "0x0b32fe7dbb133250263b395240998cd2aa763ee14f95c90fa1c1297e57c87039");
    x.len = 0;
    assert_int_equal(kms_safe_exec_data(&tx, b.data, 64, &x, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "64 bytes of signatures: execTransaction takes at least 65, one "
                               "owner's (pack them with kms_safe_sigs_pack)");
    assert_int_equal(kms_safe_exec_data(&tx, b.data, 0, &x, &e), -ETH_EINVAL);
    assert_int_equal(x.len, 0);
    uint8_t h[32] = {[31] = 0x2a};
    assert_int_equal(kms_safe_approve_hash_data(h, &x, &e), 0);
    test_assert_hex(x.data, x.len, "0xd4d9bdcd"
               "000000000000000000000000000000000000000000000000000000000000002a");

    /* refusals */
    b.len = 0;
    assert_int_equal(kms_safe_sigs_pack(sigs, 0, &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "no signatures: a Safe transaction needs at least one");
    sigs[2] = fake_sig(0xaa, 28);
    assert_int_equal(kms_safe_sigs_pack(sigs, 3, &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "signatures 2 and 3 are both by "
                               "0xaAaAaAaaAaAaAaaAaAAAAAAAAaaaAaAaAaaAaaAa: give one signature "
                               "per owner");
    sigs[2] = fake_sig(0xcc, 0);
    assert_int_equal(kms_safe_sigs_pack(sigs, 3, &b, &e), -ETH_EUNSUP);
    assert_string_equal(e.msg, "signature 3 (owner 0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC) "
                               "has v 0: kmsctl takes ECDSA (27, 28), eth_sign (31, 32) and "
                               "approved-hash (1) signatures");
    sigs[2] = fake_sig(0xcc, 1);
    assert_int_equal(kms_safe_sigs_pack(sigs, 3, &b, &e), -ETH_EINVAL);
    assert_int_equal(b.len, 0);
    kms_safe_sig many[KMS_SAFE_MAX_OWNERS + 1];
    for (size_t i = 0; i <= KMS_SAFE_MAX_OWNERS; i++)
        many[i] = fake_sig((uint8_t)(i + 1), 27);
    assert_int_equal(kms_safe_sigs_pack(many, KMS_SAFE_MAX_OWNERS + 1, &b, &e), -ETH_ERANGE);
    kms_safe_tx_clear(&tx);
    eth_buf_clear(&b);
    eth_buf_clear(&x);
}

/* Contract signatures (v 0): each owner's 65-byte part in owner order, a contract's r its
 * address and s the offset of its data, which follows every part as a 32-byte length and the
 * bytes, in the same order; a contract owner that also has an rsv, and data over the cap, are
 * refused with nothing appended. */
static void test_sigs_pack_contracts(void **state)
{
    (void)state;
    kms_safe_sig sigs[1] = {fake_sig(0xbb, 27)};
    kms_safe_contract_sig c[2] = {{.data = (const uint8_t *)"xyz", .len = 3},
                                  {.data = (const uint8_t *)"\x01\x02", .len = 2}};
    memset(c[0].owner, 0xcc, 20);
    memset(c[1].owner, 0xaa, 20);
    eth_buf b = {0};
    eth_error e = {0};
    assert_int_equal(kms_safe_sigs_pack_with(sigs, 1, c, 2, &b, &e), 0);
    assert_int_equal(b.len, 3 * 65 + 32 + 2 + 32 + 3);
    uint8_t part[65] = {0};
    memset(part + 12, 0xaa, 20);
    part[63] = 195; /* 0xaa..aa's data: right after the three parts */
    assert_memory_equal(b.data, part, 65);
    assert_memory_equal(b.data + 65, sigs[0].rsv, 65);
    memset(part + 12, 0xcc, 20);
    part[63] = 195 + 32 + 2;
    assert_memory_equal(b.data + 130, part, 65);
    uint8_t len[32] = {[31] = 2};
    assert_memory_equal(b.data + 195, len, 32);
    assert_memory_equal(b.data + 227, "\x01\x02", 2);
    len[31] = 3;
    assert_memory_equal(b.data + 229, len, 32);
    assert_memory_equal(b.data + 261, "xyz", 3);

    b.len = 0;
    memset(c[1].owner, 0xbb, 20);
    assert_int_equal(kms_safe_sigs_pack_with(sigs, 1, c, 2, &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "signatures 1 and 3 are both by "
                               "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB: give one signature "
                               "per owner");
    memset(c[1].owner, 0xaa, 20);
    c[0].len = KMS_SAFE_MAX_CONTRACT_SIG + 1;
    assert_int_equal(kms_safe_sigs_pack_with(sigs, 1, c, 2, &b, &e), -ETH_ERANGE);
    assert_int_equal(kms_safe_sigs_pack_with(NULL, 0, NULL, 0, &b, &e), -ETH_EINVAL);
    assert_int_equal(b.len, 0);
    eth_buf_clear(&b);
}

/* kms_safe_sign gives v 27/28 recovering to the signer; kms_safe_sig_from_rsv takes such a
 * signature back (v 27/28 or 0/1) and, for eth_sign, recovers over the prefixed hash and adds
 * 4 to v. */
static void test_sign_and_recover(void **state)
{
    (void)state;
    uint8_t hash[32], digest[32];
    eth_keccak256("kmsctl", 6, hash);
    kms_safe_sig s, back;
    eth_error e = {0};
    assert_int_equal(kms_safe_sign(fx.owner_key[1], hash, &s, &e), 0);
    assert_memory_equal(s.owner, fx.owners[1], 20);
    assert_true(s.rsv[64] == 27 || s.rsv[64] == 28);
    assert_int_equal(kms_safe_sig_from_rsv(hash, s.rsv, false, &back, &e), 0);
    assert_memory_equal(&back, &s, sizeof s);
    uint8_t raw[65];
    memcpy(raw, s.rsv, 65);
    raw[64] -= 27;
    assert_int_equal(kms_safe_sig_from_rsv(hash, raw, false, &back, &e), 0);
    assert_memory_equal(&back, &s, sizeof s);

    /* eth_sign: the owner signs keccak256("\x19Ethereum Signed Message:\n32" ++ hash) */
    uint8_t msg[28 + 32];
    memcpy(msg, "\x19" "Ethereum Signed Message:\n32", 28);
    memcpy(msg + 28, hash, 32);
    eth_keccak256(msg, sizeof msg, digest);
    eth_sig es;
    assert_int_equal(eth_signer_sign_digest(fx.owner_key[2], digest, &es, &e), 0);
    memcpy(raw, es.r, 32);
    memcpy(raw + 32, es.s, 32);
    raw[64] = (uint8_t)(27 + es.v);
    assert_int_equal(kms_safe_sig_from_rsv(hash, raw, true, &back, &e), 0);
    assert_memory_equal(back.owner, fx.owners[2], 20);
    assert_int_equal(back.rsv[64], 31 + es.v);
    assert_int_equal(kms_safe_sig_kind(&back), KMS_SAFE_SIG_ETH_SIGN);
    raw[64] = 31;
    assert_int_equal(kms_safe_sig_from_rsv(hash, raw, true, &back, &e), -ETH_EINVAL);
}

/* ---- on anvil ---- */

/* Sends data with value (NULL: none) from the unlocked account from to to with
 * eth_sendTransaction and waits for the receipt, which must show success. */
static void send_tx(const uint8_t from[20], const uint8_t to[20], const uint8_t *data, size_t n,
                    const char *value, eth_receipt *r)
{
    assert_int_equal(test_safe_send(&fx, from, to, data, n, value, r), 0);
}

/* Creates the 2-of-3 Safe with salt nonce salt through the factory, holding 1 ether. */
static void new_safe(uint64_t salt, uint8_t out[20])
{
    assert_int_equal(test_safe_create(&fx, salt, out), 0);
}

static u256 balance(const uint8_t who[20])
{
    u256 b;
    eth_error e = {0};
    assert_int_equal(eth_rpc_get_balance(fx.rpc, who, "latest", &b, &e), 0);
    return b;
}

/* Signs tx for safe with the owners named by index, in that order, packed. */
static void sign_tx(const kms_safe_tx *tx, const uint8_t safe[20], const int *who, size_t n,
                    eth_buf *packed)
{
    uint8_t h[32];
    kms_safe_sig sigs[3];
    eth_error e = {0};
    assert_int_equal(kms_safe_tx_hash(tx, 31337, safe, h, &e), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(kms_safe_sign(fx.owner_key[who[i]], h, &sigs[i], &e), 0);
    assert_int_equal(kms_safe_sigs_pack(sigs, n, packed, &e), 0);
}

/* The keys are anvil's dev accounts 1 to 3, and the factory's proxyCreationCode() is the
 * embedded SafeProxy creation code that kms_safe_proxy_address hashes. */
static void test_chain_facts(void **state)
{
    (void)state;
    json_t *params = json_array(), *accounts = NULL;
    eth_error e = {0};
    assert_int_equal(eth_rpc_call(fx.rpc, "eth_accounts", params, &accounts, &e), 0);
    json_decref(params);
    for (size_t i = 0; i < 3; i++) {
        uint8_t a[20];
        parse_addr(json_string_value(json_array_get(accounts, i + 1)), a);
        assert_memory_equal(a, fx.owners[i], 20);
    }
    json_decref(accounts);

    kms_result r;
    const uint8_t *code;
    size_t n;
    const kms_artifact *a = kms_artifact_find("SafeProxy");
    assert_non_null(a);
    assert_int_equal(kms_view(fx.rpc, fx.factory, NULL, "latest", "proxyCreationCode()(bytes)",
                              NULL, 0, &r, &e), 0);
    assert_int_equal(kms_result_bytes(&r, 0, &code, &n, &e), 0);
    assert_int_equal(n, a->bytecode_len);
    assert_memory_equal(code, a->bytecode, n);
    kms_result_clear(&r);
}

/* The Safe created with kms_safe_create_data lands at kms_safe_proxy_address, holds the
 * SafeProxy runtime code, and kms_safe_read reports it as set up. */
static void test_create_and_read(void **state)
{
    (void)state;
    uint8_t safe[20];
    new_safe(1, safe);
    eth_buf code = {0};
    eth_error e = {0};
    const kms_artifact *a = kms_artifact_find("SafeProxy");
    assert_int_equal(eth_rpc_get_code(fx.rpc, safe, "latest", &code, &e), 0);
    assert_int_equal(code.len, a->runtime_len);
    assert_memory_equal(code.data, a->runtime, a->runtime_len);
    eth_buf_clear(&code);

    kms_safe_info info;
    static const uint8_t zero[20];
    assert_int_equal(kms_safe_read(fx.rpc, safe, "latest", &info, &e), 0);
    assert_int_equal(info.nowners, 3);
    assert_memory_equal(info.owners, fx.owners, sizeof fx.owners);
    assert_int_equal(info.threshold, 2);
    assert_true(u256_is_zero(&info.nonce));
    assert_string_equal(info.version, "1.4.1");
    assert_memory_equal(info.singleton, fx.singleton, 20);
    assert_memory_equal(info.fallback_handler, fx.handler, 20);
    assert_memory_equal(info.guard, zero, 20);
    assert_int_equal(info.nmodules, 0);

    /* another salt nonce, another address; an account without code is no Safe */
    uint8_t other[20];
    new_safe(2, other);
    assert_memory_not_equal(other, safe, 20);
    assert_int_equal(kms_safe_read(fx.rpc, fx.dev0, "latest", &info, &e), -ETH_ESTATE);
    assert_string_equal(e.msg, "Safe 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266: getOwners()"
                               "(address[]) returned nothing: no contract at that address, or "
                               "it has no such function");
}

/* kms_safe_tx_hash and kms_safe_domain_separator equal the Safe's getTransactionHash and
 * domainSeparator, and the struct hash is the end of its encodeTransactionData. */
static void test_hash_matches_safe(void **state)
{
    (void)state;
    uint8_t safe[20], want[32], got[32];
    new_safe(3, safe);
    kms_safe_tx tx;
    full_tx(&tx);
    eth_error e = {0};
    char to[43], gt[43], rr[43];
    const char *args[10] = {kms_text_addr(tx.to, to), "1000000000000000000", "0x79ba5097", "1",
                            "5", "6", "7", kms_text_addr(tx.gas_token, gt),
                            kms_text_addr(tx.refund_receiver, rr), "9"};
    kms_result r;
    assert_int_equal(kms_view(fx.rpc, safe, NULL, "latest",
                              "getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,"
                              "uint256,address,address,uint256)(bytes32)", args, 10, &r, &e), 0);
    assert_int_equal(kms_result_b32(&r, 0, want, &e), 0);
    kms_result_clear(&r);
    assert_int_equal(kms_safe_tx_hash(&tx, 31337, safe, got, &e), 0);
    assert_memory_equal(got, want, 32);

    assert_int_equal(kms_view(fx.rpc, safe, NULL, "latest", "domainSeparator()(bytes32)", NULL,
                              0, &r, &e), 0);
    assert_int_equal(kms_result_b32(&r, 0, want, &e), 0);
    kms_result_clear(&r);
    kms_safe_domain_separator(31337, safe, got);
    assert_memory_equal(got, want, 32);

    const uint8_t *enc;
    size_t n;
    assert_int_equal(kms_view(fx.rpc, safe, NULL, "latest",
                              "encodeTransactionData(address,uint256,bytes,uint8,uint256,uint256,"
                              "uint256,address,address,uint256)(bytes)", args, 10, &r, &e), 0);
    assert_int_equal(kms_result_bytes(&r, 0, &enc, &n, &e), 0);
    assert_int_equal(n, 66);
    assert_int_equal(kms_safe_tx_struct_hash(&tx, got, &e), 0);
    assert_memory_equal(enc + 34, got, 32);
    kms_result_clear(&r);
    kms_safe_tx_clear(&tx);
}

/* Two owners' signatures, given out of order, execute a transfer of 0.25 ether and bump the
 * nonce; one signature is not enough (simulated: GS020, signatures too short). */
static void test_exec_two_signatures(void **state)
{
    (void)state;
    uint8_t safe[20], dest[20] = {0xd0, [19] = 0x01};
    new_safe(4, safe);
    kms_safe_tx tx = {0};
    memcpy(tx.to, dest, 20);
    eth_error e = {0};
    assert_int_equal(u256_parse("250000000000000000", 18, &tx.value, &e), 0);
    eth_buf sigs = {0}, data = {0}, ret = {0};

    static const int one[1] = {0};
    sign_tx(&tx, safe, one, 1, &sigs);
    assert_int_equal(kms_safe_exec_data(&tx, sigs.data, sigs.len, &data, &e), 0);
    eth_call_req sim = {.from = fx.dev0, .to = safe, .data = data.data, .data_len = data.len};
    assert_int_equal(eth_rpc_call_contract(fx.rpc, &sim, "latest", &ret, &e), -ETH_EREVERT);
    kms_revert why;
    assert_int_equal(kms_revert_explain(e.data, e.data_len, &why, &e), 0);
    assert_string_equal(why.name, "GS020");

    static const int two[2] = {2, 0};
    sigs.len = data.len = 0;
    sign_tx(&tx, safe, two, 2, &sigs);
    assert_int_equal(kms_safe_exec_data(&tx, sigs.data, sigs.len, &data, &e), 0);
    eth_receipt r;
    send_tx(fx.dev0, safe, data.data, data.len, NULL, &r);
    u256 got = balance(dest);
    assert_int_equal(u256_cmp(&got, &tx.value), 0);
    kms_safe_info info;
    assert_int_equal(kms_safe_read(fx.rpc, safe, "latest", &info, &e), 0);
    assert_true(u256_cmp(&info.nonce, &(u256){{1, 0, 0, 0}}) == 0);
    kms_safe_tx_clear(&tx);
    eth_buf_clear(&sigs);
    eth_buf_clear(&data);
    eth_buf_clear(&ret);
}

/* Approved hashes: owner 3 approves on chain (approveHash) and owner 1 signs; then owner 2
 * signs with eth_sign (anvil's, for its dev account) and owner 1 sends execTransaction itself
 * with its implicit approval. Each runs and bumps the nonce. */
static void test_approved_and_eth_sign(void **state)
{
    (void)state;
    uint8_t safe[20], h[32];
    new_safe(5, safe);
    kms_safe_tx tx = {0};
    memcpy(tx.to, fx.owners[0], 20); /* a plain call with no value and no data */
    eth_error e = {0};
    eth_buf data = {0}, sigs = {0};
    eth_receipt r;
    kms_safe_sig s[2];

    assert_int_equal(kms_safe_tx_hash(&tx, 31337, safe, h, &e), 0);
    assert_int_equal(kms_safe_approve_hash_data(h, &data, &e), 0);
    send_tx(fx.owners[2], safe, data.data, data.len, NULL, &r);
    kms_safe_sig_approved(fx.owners[2], &s[0]);
    assert_int_equal(kms_safe_sign(fx.owner_key[0], h, &s[1], &e), 0);
    assert_int_equal(kms_safe_sigs_pack(s, 2, &sigs, &e), 0);
    data.len = 0;
    assert_int_equal(kms_safe_exec_data(&tx, sigs.data, sigs.len, &data, &e), 0);
    send_tx(fx.dev0, safe, data.data, data.len, NULL, &r);

    tx.nonce = u256_from_u64(1);
    assert_int_equal(kms_safe_tx_hash(&tx, 31337, safe, h, &e), 0);
    char who[43], hex[67];
    json_t *params = json_pack("[ss]", kms_text_addr(fx.owners[1], who),
                               kms_text_b32(h, hex));
    json_t *res = NULL;
    uint8_t rsv[65];
    assert_int_equal(eth_rpc_call(fx.rpc, "eth_sign", params, &res, &e), 0);
    assert_int_equal(eth_hex_decode_fixed(json_string_value(res), rsv, 65, &e), 0);
    json_decref(params);
    json_decref(res);
    assert_int_equal(kms_safe_sig_from_rsv(h, rsv, true, &s[0], &e), 0);
    assert_memory_equal(s[0].owner, fx.owners[1], 20);
    kms_safe_sig_approved(fx.owners[0], &s[1]);
    sigs.len = data.len = 0;
    assert_int_equal(kms_safe_sigs_pack(s, 2, &sigs, &e), 0);
    assert_int_equal(kms_safe_exec_data(&tx, sigs.data, sigs.len, &data, &e), 0);
    send_tx(fx.owners[0], safe, data.data, data.len, NULL, &r);

    kms_safe_info info;
    assert_int_equal(kms_safe_read(fx.rpc, safe, "latest", &info, &e), 0);
    assert_true(u256_cmp(&info.nonce, &(u256){{2, 0, 0, 0}}) == 0);
    kms_safe_tx_clear(&tx);
    eth_buf_clear(&sigs);
    eth_buf_clear(&data);
}

/* A MultiSend batch, run by the Safe with a delegatecall to MultiSendCallOnly, makes both of
 * its calls from the Safe: 0.1 ether to an address, and the Safe's own changeThreshold(3). */
static void test_multisend_through_safe(void **state)
{
    (void)state;
    uint8_t safe[20], dest[20] = {0xd0, [19] = 0x02};
    new_safe(6, safe);
    eth_buf ct = {0}, sigs = {0}, data = {0};
    eth_error e = {0};
    const char *three = "3";
    assert_int_equal(kms_calldata("changeThreshold(uint256)", &three, 1, &ct, &e), 0);
    kms_tl_call c[2] = {{.target = dest, .value = u256_from_u64(100000000000000000ull)},
                        {.target = safe, .data = ct.data, .len = ct.len}};
    kms_safe_tx tx = {.operation = KMS_SAFE_DELEGATECALL};
    memcpy(tx.to, fx.multisend, 20);
    assert_int_equal(kms_multisend_data(c, 2, &tx.data, &e), 0);
    static const int two[2] = {1, 2};
    sign_tx(&tx, safe, two, 2, &sigs);
    assert_int_equal(kms_safe_exec_data(&tx, sigs.data, sigs.len, &data, &e), 0);
    eth_receipt r;
    send_tx(fx.dev0, safe, data.data, data.len, NULL, &r);
    u256 got = balance(dest);
    assert_int_equal(u256_cmp(&got, &c[0].value), 0);
    kms_safe_info info;
    assert_int_equal(kms_safe_read(fx.rpc, safe, "latest", &info, &e), 0);
    assert_int_equal(info.threshold, 3);
    assert_true(u256_cmp(&info.nonce, &(u256){{1, 0, 0, 0}}) == 0);
    kms_safe_tx_clear(&tx);
    eth_buf_clear(&ct);
    eth_buf_clear(&sigs);
    eth_buf_clear(&data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setup_and_create_vectors),
        cmocka_unit_test(test_setup_errors),
        cmocka_unit_test(test_multisend_vector),
        cmocka_unit_test(test_tx_hash_vector),
        cmocka_unit_test(test_sigs_pack_and_exec_data),
        cmocka_unit_test(test_sigs_pack_contracts),
        cmocka_unit_test(test_sign_and_recover),
        cmocka_unit_test(test_chain_facts),
        cmocka_unit_test(test_create_and_read),
        cmocka_unit_test(test_hash_matches_safe),
        cmocka_unit_test(test_exec_two_signatures),
        cmocka_unit_test(test_approved_and_eth_sign),
        cmocka_unit_test(test_multisend_through_safe),
    };
    return cmocka_run_group_tests_name("safe", tests, group_setup, group_teardown);
}
