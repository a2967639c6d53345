/* test_audit_path.c: how a change reached its contract, read back from a transaction's input
 * (lib/kms/audit_path.h), offline: transactions built with kmsctl's own Safe and timelock
 * builders (safe_tx.h, timelock.h, safe.h) are read back into their hops, the operation id
 * equals kms_timelock_op_id's, the signers are the keys that signed (anvil's dev accounts 1 and
 * 2, whose keys anvil publishes), each kind of Safe signature is read, and input that does not
 * decode ends the path without an error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/address.h"
#include "eth/keccak.h"
#include "eth/signer.h"
#include "kms/audit_path.h"
#include "kms/call.h"
#include "kms/safe.h"
#include "kms/safe_tx.h"
#include "kms/timelock.h"

/* anvil's dev accounts 1 and 2 (addresses 0x7099..79C8 and 0x3C44..93BC). */
static const char KEY1[] = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
static const char KEY2[] = "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
static uint8_t DEV1[20], DEV2[20];

/* Arbitrary addresses: the policy contract, a timelock, a Safe, an unrelated contract, the
 * sender. */
static uint8_t KMS[20], TL[20], SAFE[20], OTHER[20], SENDER[20];

static int setup(void **state)
{
    (void)state;
    eth_error e;
    memset(KMS, 0x11, 20);
    memset(TL, 0x22, 20);
    memset(SAFE, 0x33, 20);
    memset(OTHER, 0x55, 20);
    memset(SENDER, 0x44, 20);
    return eth_address_parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", DEV1, 1, &e) ||
           eth_address_parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", DEV2, 1, &e);
}

/* addOsImageHash(0x11..11): the change every path below leads to. */
static void image_call(eth_buf *out)
{
    eth_error e;
    const char *args[] = {"0x1111111111111111111111111111111111111111111111111111111111111111"};
    assert_int_equal(kms_calldata("addOsImageHash(bytes32)", args, 1, out, &e), 0);
}

static void sign(const char *key, const uint8_t hash[32], kms_safe_sig *out)
{
    eth_signer *s = NULL;
    eth_error e;
    assert_int_equal(eth_signer_from_hex(key, strlen(key), "test key", &s, &e), 0);
    assert_int_equal(kms_safe_sign(s, hash, out, &e), 0);
    eth_signer_free(s);
}

/* The execTransaction input of a Safe transaction of data to `to` (operation op), signed by
 * dev accounts 1 and 2; its hash goes to hash. */
static void exec_input(const uint8_t to[20], const eth_buf *data, uint8_t op, uint8_t hash[32],
                       eth_buf *out)
{
    kms_safe_tx tx = {.operation = op, .nonce = u256_from_u64(7)};
    kms_safe_sig sigs[2];
    eth_buf packed = {0};
    eth_error e;
    memcpy(tx.to, to, 20);
    assert_int_equal(eth_buf_append(&tx.data, data->data, data->len, &e), 0);
    assert_int_equal(kms_safe_tx_hash(&tx, 31337, SAFE, hash, &e), 0);
    sign(KEY1, hash, &sigs[0]);
    sign(KEY2, hash, &sigs[1]);
    assert_int_equal(kms_safe_sigs_pack(sigs, 2, &packed, &e), 0);
    assert_int_equal(kms_safe_exec_data(&tx, packed.data, packed.len, out, &e), 0);
    eth_buf_clear(&packed);
    kms_safe_tx_clear(&tx);
}

static void decode(kms_audit_path *p, const uint8_t *to, const eth_buf *input)
{
    eth_error e;
    memset(p, 0, sizeof *p);
    memcpy(p->target, KMS, 20);
    assert_int_equal(kms_audit_path_decode(p, SENDER, to, input->data, input->len, &e), 0);
}

static void test_direct(void **state)
{
    (void)state;
    eth_buf call = {0};
    kms_audit_path p;
    char words[512];
    image_call(&call);
    decode(&p, KMS, &call);
    assert_int_equal(p.nhops, 0);
    kms_audit_path_words(&p, words, sizeof words);
    assert_string_equal(words, "sent directly by 0x4444..4444");
    kms_audit_path_clear(&p);
    decode(&p, NULL, &call); /* a contract creation whose constructor made the change */
    kms_audit_path_words(&p, words, sizeof words);
    assert_string_equal(words, "sent by 0x4444..4444 in the transaction that created the contract");
    kms_audit_path_clear(&p);
    eth_buf_clear(&call);
}

static void test_safe_through_timelock(void **state)
{
    (void)state;
    eth_buf call = {0}, execute = {0}, input = {0};
    uint8_t hash[32], salt[32] = {0}, id[32];
    eth_error e;
    salt[31] = 9;
    image_call(&call);
    kms_tl_call c = {.target = KMS, .data = call.data, .len = call.len};
    assert_int_equal(kms_timelock_execute_data(&c, 1, false, NULL, salt, &execute, &e), 0);
    assert_int_equal(kms_timelock_op_id(&c, 1, false, NULL, salt, id, &e), 0);
    exec_input(TL, &execute, 0, hash, &input);
    kms_audit_path p;
    decode(&p, SAFE, &input);
    assert_int_equal(p.nhops, 2);
    assert_int_equal(p.hops[0].kind, KMS_HOP_SAFE);
    assert_memory_equal(p.hops[0].addr, SAFE, 20);
    assert_int_equal(p.hops[0].signatures.len, 130);
    assert_int_equal(p.hops[1].kind, KMS_HOP_TIMELOCK);
    assert_memory_equal(p.hops[1].addr, TL, 20);
    assert_memory_equal(p.hops[1].op_id, id, 32);
    /* the signers, in the order execTransaction takes them: by address */
    kms_audit_hop *h = &p.hops[0];
    assert_int_equal(kms_audit_signers(hash, h->signatures.data, h->signatures.len, &h->signers,
                                       &h->nsigners, &e), 0);
    assert_int_equal(h->nsigners, 2);
    assert_memory_equal(h->signers[0], DEV2, 20);
    assert_memory_equal(h->signers[1], DEV1, 20);
    h->has_safe_tx_hash = true;
    memset(h->safe_tx_hash, 0x5a, 32);
    /* the id, as cast computes hashOperation's: cast keccak $(cast abi-encode
     * "f(address,uint256,bytes,bytes32,bytes32)" 0x1111..11 0 $(cast calldata
     * "addOsImageHash(bytes32)" 0x1111..11) 0x0 0x00..09) */
    char words[1024];
    kms_audit_path_words(&p, words, sizeof words);
    assert_string_equal(words, "sent by 0x4444..4444 through the Safe 0x3333..3333 (transaction "
                               "0x5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
                               ", signed by 0x3C44..93BC, 0x7099..79C8) through the timelock "
                               "0x2222..2222 "
                               "(operation 0x23fcccab2fb3239c3978eba50f957c688c8c6a61ab1b57405fd5a7"
                               "15886310f9)");
    kms_audit_path_clear(&p);
    eth_buf_clear(&call);
    eth_buf_clear(&execute);
    eth_buf_clear(&input);
}

/* In a batch the call to the target is followed, wherever it is. */
static void test_batches(void **state)
{
    (void)state;
    eth_buf call = {0}, other = {0}, data = {0}, input = {0};
    uint8_t hash[32], id[32];
    eth_error e;
    image_call(&call);
    const char *args[] = {"0x0000000000000000000000000000000000000001"};
    assert_int_equal(kms_calldata("transfer(address)", args, 1, &other, &e), 0);
    kms_tl_call calls[2] = {{.target = OTHER, .data = other.data, .len = other.len},
                            {.target = KMS, .data = call.data, .len = call.len}};
    assert_int_equal(kms_timelock_execute_data(calls, 2, true, NULL, NULL, &data, &e), 0);
    assert_int_equal(kms_timelock_op_id(calls, 2, true, NULL, NULL, id, &e), 0);
    kms_audit_path p;
    decode(&p, TL, &data);
    assert_int_equal(p.nhops, 1);
    assert_int_equal(p.hops[0].kind, KMS_HOP_TIMELOCK);
    assert_memory_equal(p.hops[0].op_id, id, 32);
    kms_audit_path_clear(&p);
    /* a Safe batch: a delegatecall of multiSend holding both calls */
    eth_buf_clear(&data);
    assert_int_equal(kms_multisend_data(calls, 2, &data, &e), 0);
    exec_input(OTHER, &data, 1, hash, &input);
    decode(&p, SAFE, &input);
    assert_int_equal(p.nhops, 1);
    assert_int_equal(p.hops[0].kind, KMS_HOP_SAFE);
    kms_audit_path_clear(&p);
    eth_buf_clear(&call);
    eth_buf_clear(&other);
    eth_buf_clear(&data);
    eth_buf_clear(&input);
}

/* Input that does not decode ends the path at a contract hop, never with an error. */
static void test_undecodable(void **state)
{
    (void)state;
    eth_buf call = {0}, input = {0}, cut = {0};
    uint8_t hash[32];
    eth_error e;
    kms_audit_path p;
    image_call(&call);
    decode(&p, OTHER, &call); /* a call to another contract with a selector kmsctl reads not */
    assert_int_equal(p.nhops, 1);
    assert_int_equal(p.hops[0].kind, KMS_HOP_CONTRACT);
    assert_memory_equal(p.hops[0].addr, OTHER, 20);
    kms_audit_path_clear(&p);
    exec_input(KMS, &call, 0, hash, &input);
    assert_int_equal(eth_buf_append(&cut, input.data, 100, &e), 0);
    decode(&p, SAFE, &cut); /* execTransaction cut short */
    assert_int_equal(p.nhops, 1);
    assert_int_equal(p.hops[0].kind, KMS_HOP_CONTRACT);
    kms_audit_path_clear(&p);
    eth_buf_clear(&input);
    exec_input(OTHER, &call, 1, hash, &input); /* a delegatecall of something not multiSend */
    decode(&p, SAFE, &input);
    assert_int_equal(p.nhops, 2);
    assert_int_equal(p.hops[0].kind, KMS_HOP_SAFE);
    assert_int_equal(p.hops[1].kind, KMS_HOP_CONTRACT);
    kms_audit_path_clear(&p);
    eth_buf_clear(&call);
    eth_buf_clear(&input);
    eth_buf_clear(&cut);
}

/* Every kind of signature Safe reads gives its owner; reading stops at an unknown kind. */
static void test_signature_kinds(void **state)
{
    (void)state;
    uint8_t hash[32], sigs[5 * 65] = {0}, digest[32];
    static const char PREFIX[] = "\x19" "Ethereum Signed Message:\n32";
    memset(hash, 0xab, 32);
    kms_safe_sig ecdsa;
    sign(KEY1, hash, &ecdsa);
    memcpy(sigs, ecdsa.rsv, 65); /* v 27 or 28 */
    eth_keccak k;
    eth_keccak_init(&k);
    eth_keccak_update(&k, PREFIX, sizeof PREFIX - 1);
    eth_keccak_update(&k, hash, 32);
    eth_keccak_final(&k, digest);
    kms_safe_sig signed_msg;
    sign(KEY2, digest, &signed_msg);
    memcpy(sigs + 65, signed_msg.rsv, 65);
    sigs[65 + 64] += 4;                   /* eth_sign: v 31 or 32 */
    memcpy(sigs + 130 + 12, OTHER, 20);   /* approved hash: r is the owner, v 1 */
    sigs[130 + 64] = 1;
    memcpy(sigs + 195 + 12, SENDER, 20);  /* a contract signature: r is the owner, v 0 */
    sigs[260 + 64] = 5;                   /* no such kind: reading stops */
    uint8_t(*owners)[20] = NULL;
    size_t n = 0;
    eth_error e;
    assert_int_equal(kms_audit_signers(hash, sigs, sizeof sigs, &owners, &n, &e), 0);
    assert_int_equal(n, 4);
    assert_memory_equal(owners[0], DEV1, 20);
    assert_memory_equal(owners[1], DEV2, 20);
    assert_memory_equal(owners[2], OTHER, 20);
    assert_memory_equal(owners[3], SENDER, 20);
    free(owners);
    assert_int_equal(kms_audit_signers(hash, sigs, 64, &owners, &n, &e), 0);
    assert_int_equal(n, 0);
    assert_null(owners);
}

/* A contract signature's data follows the 65-byte parts (its offset is in s): reading stops
 * there, even when that data would read as more signatures (here an approved hash of OTHER). */
static void test_contract_signature_data(void **state)
{
    (void)state;
    uint8_t hash[32], data[130] = {0};
    memset(hash, 0xab, 32);
    kms_safe_sig ecdsa;
    sign(KEY1, hash, &ecdsa);
    /* parts at 0 and 65, then the data's length at 130 and the data at 162: the third 65-byte
     * window (195..259) is data[33..97], made to look like an approved hash */
    memcpy(data + 33 + 12, OTHER, 20);
    data[97] = 1;
    kms_safe_contract_sig c = {.data = data, .len = sizeof data};
    memcpy(c.owner, SENDER, 20);
    eth_buf b = {0};
    eth_error e;
    assert_int_equal(kms_safe_sigs_pack_with(&ecdsa, 1, &c, 1, &b, &e), 0);
    uint8_t(*owners)[20] = NULL;
    size_t n = 0;
    assert_int_equal(kms_audit_signers(hash, b.data, b.len, &owners, &n, &e), 0);
    assert_int_equal(n, 2);
    bool dev1 = memcmp(owners[0], DEV1, 20) == 0 || memcmp(owners[1], DEV1, 20) == 0;
    bool sender = memcmp(owners[0], SENDER, 20) == 0 || memcmp(owners[1], SENDER, 20) == 0;
    assert_true(dev1 && sender);
    free(owners);
    eth_buf_clear(&b);
}

/* An owner Safe's contract signature: the signers inside it are recovered over the owner
 * Safe's hash of the transaction (kms_safe_owner_safe_hash, chain 31337), and the path's words
 * name them after the owner Safe; data that runs past the end is left out. */
static void test_owner_safe_signers(void **state)
{
    (void)state;
    uint8_t hash[32], inner_hash[32];
    memset(hash, 0xab, 32);
    kms_safe_sig outer, inner;
    sign(KEY1, hash, &outer);
    kms_safe_owner_safe_hash(31337, SENDER, hash, inner_hash);
    sign(KEY2, inner_hash, &inner);
    kms_safe_contract_sig c = {.data = inner.rsv, .len = 65};
    memcpy(c.owner, SENDER, 20);
    eth_buf b = {0};
    eth_error e;
    assert_int_equal(kms_safe_sigs_pack_with(&outer, 1, &c, 1, &b, &e), 0);
    kms_audit_path p = {0};
    p.nhops = 1;
    kms_audit_hop *h = &p.hops[0];
    h->kind = KMS_HOP_SAFE;
    memcpy(h->addr, SAFE, 20);
    h->has_safe_tx_hash = true;
    memcpy(h->safe_tx_hash, hash, 32);
    memcpy(p.sender, DEV1, 20);
    assert_int_equal(kms_audit_signers(hash, b.data, b.len, &h->signers, &h->nsigners, &e), 0);
    assert_int_equal(kms_audit_inner_signers(31337, hash, b.data, b.len, &h->inner, &h->ninner,
                                             &e), 0);
    assert_int_equal(h->ninner, 1);
    assert_memory_equal(h->inner[0].safe, SENDER, 20);
    assert_memory_equal(h->inner[0].signer, DEV2, 20);
    char words[1024];
    kms_audit_path_words(&p, words, sizeof words);
    assert_non_null(strstr(words, "signed by 0x4444..4444 (its owners 0x3C44..93BC), 0x7099..79C8)"));
    kms_audit_path_clear(&p);

    /* on another chain the owner Safe's hash differs: nobody recovers as its owner 2 */
    kms_audit_inner_sig *in = NULL;
    size_t n = 0;
    assert_int_equal(kms_audit_inner_signers(1, hash, b.data, b.len, &in, &n, &e), 0);
    assert_true(n == 0 || memcmp(in[0].signer, DEV2, 20) != 0);
    free(in);
    /* the data's length says more than there is */
    assert_int_equal(kms_audit_inner_signers(31337, hash, b.data, b.len - 1, &in, &n, &e), 0);
    assert_int_equal(n, 0);
    assert_null(in);
    eth_buf_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner_safe_signers),
        cmocka_unit_test(test_contract_signature_data),
        cmocka_unit_test(test_direct),
        cmocka_unit_test(test_safe_through_timelock),
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_undecodable),
        cmocka_unit_test(test_signature_kinds),
    };
    return cmocka_run_group_tests_name("audit_path", tests, setup, NULL);
}
