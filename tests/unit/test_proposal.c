/* test_proposal.c: Safe proposal files (lib/kms/proposal.h).
 *
 * Offline: the hashes of a proposal are the cast 1.7.1 vectors of test_safe.c (the same
 * transaction, Safe and chain); a proposal with two signatures written, read and written again
 * gives the same bytes; a file with an altered field or hash, a forged signature, a wrong kind,
 * duplicates, unknown fields and values over the caps are refused with their code and message;
 * files signed separately merge, different transactions do not. On a real anvil holding Safe
 * v1.4.1 (tests/support/safe_fixture.h): the Safe's getTransactionHash and domainSeparator
 * equal the proposal's hashes, checkSignatures accepts the merged signatures of two files (and
 * an approved hash when its owner calls), refuses one signature, and the merged file executes.
 * The owners are anvil's dev accounts 1 to 3; their published keys sign here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#include "eth/address.h"
#include "eth/file.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/keccak.h"
#include "kms/call.h"
#include "kms/proposal.h"
#include "kms/revert.h"
#include "safe_fixture.h"

static test_safe_fixture fx;
static char tmpdir[64];

/* The addresses of test_safe.c's vectors: T1 is the Safe, T2 the callee. */
static uint8_t T1[20], T2[20];

static const char SAFE_TX_HASH[] =
    "0x2b8f1982f3fb8e843b96d89fa12841630ecc67caf5a20ef3194e5dc32027e714";

static const char *path_of(const char *name)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

/* test_safe.c's full transaction: to T2, 1 ether, data 0x79ba5097, delegatecall, gas 5, 6, 7,
 * gas token T1, refund receiver owner 1, nonce 9. */
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

/* The proposal of full_tx with nonce for Safe T1 on chain 31337, owners known when owners. */
static void base(kms_proposal *p, uint64_t nonce, bool owners)
{
    kms_safe_tx tx;
    eth_error e = {0};
    full_tx(&tx);
    tx.nonce = u256_from_u64(nonce);
    assert_int_equal(kms_proposal_init(p, 31337, T1, &tx, &e), 0);
    if (owners)
        assert_int_equal(kms_proposal_set_owners(p, (const uint8_t(*)[20])fx.owners, 3, 2, &e),
                         0);
    kms_safe_tx_clear(&tx);
}

/* Owner i's ECDSA signature of hash. */
static kms_safe_sig ecdsa(int i, const uint8_t hash[32])
{
    kms_safe_sig s;
    eth_error e = {0};
    assert_int_equal(kms_safe_sign(fx.owner_key[i], hash, &s, &e), 0);
    return s;
}

/* Owner i's eth_sign signature of hash (as `cast wallet sign` makes it, v + 4). */
static kms_safe_sig eth_sign(int i, const uint8_t hash[32])
{
    uint8_t msg[28 + 32], digest[32], rsv[65];
    eth_sig sig;
    kms_safe_sig s;
    eth_error e = {0};
    memcpy(msg, "\x19" "Ethereum Signed Message:\n32", 28);
    memcpy(msg + 28, hash, 32);
    eth_keccak256(msg, sizeof msg, digest);
    assert_int_equal(eth_signer_sign_digest(fx.owner_key[i], digest, &sig, &e), 0);
    memcpy(rsv, sig.r, 32);
    memcpy(rsv + 32, sig.s, 32);
    rsv[64] = (uint8_t)(27 + sig.v);
    assert_int_equal(kms_safe_sig_from_rsv(hash, rsv, true, &s, &e), 0);
    return s;
}

static void add(kms_proposal *p, kms_safe_sig s)
{
    eth_error e = {0};
    assert_int_equal(kms_proposal_add_sig(p, &s, &e), 0);
}

/* kms_proposal_from_json of j (then released), expecting code and message msg (when not
 * NULL); out is left empty. */
static void refuse_json(json_t *j, int code, const char *msg)
{
    kms_proposal q;
    eth_error e = {0};
    assert_int_equal(kms_proposal_from_json(j, &q, &e), -code);
    if (msg)
        assert_string_equal(e.msg, msg);
    assert_null(q.sigs);
    assert_null(q.tx.data.data);
    json_decref(j);
}

/* ---- offline ---- */

/* The three hashes are test_safe.c's cast vectors; init copies the data, and refuses an
 * operation other than 0 or 1 and data over the cap. */
static void test_init_hashes(void **state)
{
    (void)state;
    kms_proposal p;
    base(&p, 9, false);
    test_assert_hex(p.domain_hash, 32,
               "0xfe0c2a6bde911dc91bbb4830c55642356a387000f9d41859b5a820081ecc44c8");
    test_assert_hex(p.message_hash, 32,
               "0x9dc2dc8c84ea318612dd8f33a067e18096b4ff65632bb65bbb84accb7364a889");
    test_assert_hex(p.safe_tx_hash, 32, SAFE_TX_HASH);
    test_assert_hex(p.tx.data.data, p.tx.data.len, "0x79ba5097");
    assert_int_equal(p.nowners, 0);
    assert_int_equal(p.threshold, 0);
    assert_null(p.description);
    kms_proposal_clear(&p);

    kms_safe_tx tx;
    eth_error e = {0};
    full_tx(&tx);
    tx.operation = 2;
    assert_int_equal(kms_proposal_init(&p, 31337, T1, &tx, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "Safe transaction operation 2: it must be 0 (call) or 1 "
                               "(delegatecall)");
    tx.operation = 0;
    assert_int_equal(eth_buf_fill(&tx.data, 0, KMS_PROPOSAL_MAX_DATA - 3, &e), 0);
    assert_int_equal(kms_proposal_init(&p, 31337, T1, &tx, &e), -ETH_ERANGE);
    assert_string_equal(e.msg, "the transaction's data is 1048577 bytes: a proposal holds at "
                               "most 1048576");
    assert_null(p.tx.data.data);
    kms_safe_tx_clear(&tx);
}

/* Reads the whole file at path into out. */
static void slurp(const char *path, eth_buf *out)
{
    eth_error e = {0};
    assert_int_equal(eth_file_read(path, KMS_PROPOSAL_MAX_FILE, out, NULL, &e), 0);
}

/* A proposal with a description, the owners and two signatures (ECDSA and eth_sign) is saved,
 * loaded and saved again: the same bytes, the same fields, the field names of Safe's own. */
static void test_round_trip_bytes(void **state)
{
    (void)state;
    kms_proposal p, q;
    eth_error e = {0};
    eth_buf a = {0}, b = {0};
    base(&p, 9, true);
    assert_int_equal(kms_proposal_set_description(&p, "DstackKms.addOsImageHash(0x11..) "
                                                      "through timelock 0x12..", &e), 0);
    add(&p, ecdsa(0, p.safe_tx_hash));
    add(&p, eth_sign(1, p.safe_tx_hash));
    assert_int_equal(kms_proposal_save(path_of("a.json"), &p, &e), 0);
    assert_int_equal(kms_proposal_load(path_of("a.json"), &q, &e), 0);
    assert_int_equal(kms_proposal_save(path_of("b.json"), &q, &e), 0);
    slurp(path_of("a.json"), &a);
    slurp(path_of("b.json"), &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);

    assert_int_equal(q.chain_id, 31337);
    assert_memory_equal(q.safe, T1, 20);
    assert_memory_equal(q.safe_tx_hash, p.safe_tx_hash, 32);
    assert_memory_equal(q.domain_hash, p.domain_hash, 32);
    assert_memory_equal(q.message_hash, p.message_hash, 32);
    assert_string_equal(q.description, p.description);
    assert_int_equal(q.nowners, 3);
    assert_memory_equal(q.owners, fx.owners, sizeof fx.owners);
    assert_int_equal(q.threshold, 2);
    assert_int_equal(q.nsigs, 2);
    assert_memory_equal(q.sigs, p.sigs, 2 * sizeof *p.sigs);
    assert_int_equal(kms_proposal_count_sigs(&q), 2);

    json_t *j = NULL;
    assert_int_equal(eth_json_parse((const char *)a.data, a.len, &j, &e), 0);
    json_t *tx = json_object_get(j, "tx");
    char *text = json_dumps(tx, JSON_COMPACT);
    assert_string_equal(text, "{\"to\":\"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\","
                              "\"value\":\"1000000000000000000\",\"data\":\"0x79ba5097\","
                              "\"operation\":1,\"safeTxGas\":\"5\",\"baseGas\":\"6\","
                              "\"gasPrice\":\"7\","
                              "\"gasToken\":\"0x5FbDB2315678afecb367f032d93F642f64180aa3\","
                              "\"refundReceiver\":\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\","
                              "\"nonce\":\"9\"}");
    free(text);
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "kmsctl-safe-proposal");
    assert_int_equal(json_integer_value(json_object_get(j, "chainId")), 31337);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "hashes"), "safeTxHash")),
        SAFE_TX_HASH);
    json_t *s1 = json_array_get(json_object_get(j, "signatures"), 1);
    assert_string_equal(json_string_value(json_object_get(s1, "kind")), "eth_sign");
    assert_string_equal(json_string_value(json_object_get(s1, "owner")),
                        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    json_decref(j);
    eth_buf_clear(&a);
    eth_buf_clear(&b);
    kms_proposal_clear(&p);
    kms_proposal_clear(&q);
}

/* The JSON of base(9, owners) with owner 1's ECDSA signature. */
static json_t *signed_json(void)
{
    kms_proposal p;
    base(&p, 9, true);
    add(&p, ecdsa(0, p.safe_tx_hash));
    json_t *j = kms_proposal_json(&p);
    assert_non_null(j);
    kms_proposal_clear(&p);
    return j;
}

/* A field changed after signing, or a stored hash changed, is refused: the message says which
 * hash, with what the fields give and what the file says. */
static void test_altered_file_refused(void **state)
{
    (void)state;
    uint8_t h[32];
    char want[512], hex[67];
    kms_safe_tx tx;
    eth_error e = {0};
    full_tx(&tx);
    tx.value = u256_from_u64(2);
    assert_int_equal(kms_safe_tx_hash(&tx, 31337, T1, h, &e), 0);
    eth_hex_encode(h, 32, hex);
    snprintf(want, sizeof want, "the file's safeTxHash does not match its fields: it was "
                                "altered (the fields give %s, the file says %s)", hex,
             SAFE_TX_HASH);
    json_t *j = signed_json();
    json_object_set_new(json_object_get(j, "tx"), "value", json_string("2"));
    refuse_json(j, ETH_EINVAL, want);

    j = signed_json();
    json_object_set_new(json_object_get(j, "hashes"), "safeTxHash",
                        json_string("0x2b8f1982f3fb8e843b96d89fa12841630ecc67caf5a20ef3194e5dc3"
                                    "2027e715"));
    refuse_json(j, ETH_EINVAL,
                "the file's safeTxHash does not match its fields: it was altered (the fields "
                "give 0x2b8f1982f3fb8e843b96d89fa12841630ecc67caf5a20ef3194e5dc32027e714, the "
                "file says 0x2b8f1982f3fb8e843b96d89fa12841630ecc67caf5a20ef3194e5dc32027e715)");

    j = signed_json();
    json_object_set_new(json_object_get(j, "hashes"), "domainHash",
                        json_string("0x00000000000000000000000000000000000000000000000000000000"
                                    "00000000"));
    refuse_json(j, ETH_EINVAL,
                "the file's domainHash does not match its fields: it was altered (the fields "
                "give 0xfe0c2a6bde911dc91bbb4830c55642356a387000f9d41859b5a820081ecc44c8, the "
                "file says 0x0000000000000000000000000000000000000000000000000000000000000000)");

    j = signed_json();
    json_object_set_new(j, "chainId", json_integer(1));
    refuse_json(j, ETH_EINVAL, NULL);
    j = signed_json();
    json_object_set_new(json_object_get(j, "tx"), "operation", json_integer(0));
    refuse_json(j, ETH_EINVAL, NULL);

    /* the file also fails to load, the message after the path */
    j = signed_json();
    json_object_set_new(json_object_get(j, "tx"), "value", json_string("2"));
    assert_int_equal(eth_json_save(path_of("altered.json"), j, 0644, &e), 0);
    json_decref(j);
    kms_proposal q;
    assert_int_equal(kms_proposal_load(path_of("altered.json"), &q, &e), -ETH_EINVAL);
    char prefixed[1024];
    snprintf(prefixed, sizeof prefixed, "%s: %s", path_of("altered.json"), want);
    assert_string_equal(e.msg, prefixed);
    kms_safe_tx_clear(&tx);
}

/* signatures[0] of j replaced by sig stated as owner's, with kind (NULL: sig's own). */
static json_t *with_sig(const kms_safe_sig *sig, const uint8_t owner[20], const char *kind)
{
    json_t *j = signed_json();
    json_t *s = json_array_get(json_object_get(j, "signatures"), 0);
    json_object_set_new(s, "owner", eth_json_address(owner));
    json_object_set_new(s, "signature", eth_json_hex(sig->rsv, 65));
    json_object_set_new(s, "kind", json_string(kind ? kind
                                                    : kms_proposal_kind_name(
                                                          kms_safe_sig_kind(sig))));
    return j;
}

/* A signature that does not recover to its stated owner (another owner's, or over another
 * transaction), an approved hash naming someone else, a wrong kind, v 0, and an owner who is
 * not the Safe's are refused, in files and by add_sig (which leaves the proposal unchanged). */
static void test_forged_signatures_refused(void **state)
{
    (void)state;
    kms_proposal p, other;
    eth_error e = {0};
    base(&p, 9, true);
    base(&other, 10, true);
    kms_safe_sig by0 = ecdsa(0, p.safe_tx_hash);
    refuse_json(with_sig(&by0, fx.owners[2], NULL), ETH_EINVAL,
                "signatures[0]: the ecdsa signature of 0x90F79bf6EB2c4f870365E785982E1f101E93b906 "
                "recovers to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8: it was not made by that "
                "owner over this transaction's safeTxHash");
    kms_safe_sig stale = ecdsa(0, other.safe_tx_hash);
    refuse_json(with_sig(&stale, fx.owners[0], NULL), ETH_EINVAL, NULL);
    kms_safe_sig es = eth_sign(1, p.safe_tx_hash);
    char want[256];
    snprintf(want, sizeof want, "field 'signatures[0].kind' is 'ecdsa' but the signature's v %u "
                                "makes it 'eth_sign'", es.rsv[64]);
    refuse_json(with_sig(&es, fx.owners[1], "ecdsa"), ETH_EINVAL, want);
    kms_safe_sig ap;
    kms_safe_sig_approved(fx.owners[0], &ap);
    refuse_json(with_sig(&ap, fx.owners[1], NULL), ETH_EINVAL,
                "signatures[0]: the approved-hash signature of "
                "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC does not name that owner: its r must "
                "be the owner's address and its s zero");
    kms_safe_sig v0 = by0;
    v0.rsv[64] = 0;
    refuse_json(with_sig(&v0, fx.owners[0], "ecdsa"), ETH_EUNSUP,
                "signatures[0]: the signature of 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 has "
                "v 0: kmsctl takes ECDSA (27, 28), eth_sign (31, 32) and approved-hash (1) "
                "signatures");

    kms_safe_sig forged = by0;
    memcpy(forged.owner, fx.owners[2], 20);
    assert_int_equal(kms_proposal_add_sig(&p, &forged, &e), -ETH_EINVAL);
    assert_int_equal(p.nsigs, 0);

    eth_signer *stranger = NULL;
    assert_int_equal(eth_signer_generate(&stranger, &e), 0);
    kms_safe_sig ss;
    char who[43], msg[256];
    assert_int_equal(kms_safe_sign(stranger, p.safe_tx_hash, &ss, &e), 0);
    assert_int_equal(kms_proposal_add_sig(&p, &ss, &e), -ETH_EINVAL);
    eth_address_checksum(ss.owner, who);
    snprintf(msg, sizeof msg, "%s is not an owner of Safe "
                              "0x5FbDB2315678afecb367f032d93F642f64180aa3 (3 owners, threshold "
                              "2): only its owners' signatures count", who);
    assert_string_equal(e.msg, msg);
    assert_int_equal(p.nsigs, 0);
    assert_int_equal(kms_proposal_add_sig(&other, &ss, &e), -ETH_EINVAL); /* other hash */
    kms_proposal_clear(&other);
    base(&other, 9, false); /* owners unknown: any valid signature is taken */
    assert_int_equal(kms_proposal_add_sig(&other, &ss, &e), 0);
    assert_false(kms_proposal_is_owner(&other, ss.owner));
    eth_signer_free(stranger);
    kms_proposal_clear(&p);
    kms_proposal_clear(&other);
}

/* Two copies of one proposal signed separately merge into one with both signatures (merging
 * again adds nothing); another transaction is refused; a conflicting signature fails the whole
 * merge, leaving it as it was. */
static void test_merge(void **state)
{
    (void)state;
    kms_proposal p, a, b, c;
    eth_error e = {0};
    size_t added = 99;
    base(&p, 9, true);
    assert_int_equal(kms_proposal_save(path_of("base.json"), &p, &e), 0);
    assert_int_equal(kms_proposal_load(path_of("base.json"), &a, &e), 0);
    assert_int_equal(kms_proposal_load(path_of("base.json"), &b, &e), 0);
    add(&a, ecdsa(0, a.safe_tx_hash));
    add(&b, eth_sign(2, b.safe_tx_hash));
    assert_int_equal(kms_proposal_save(path_of("signed-a.json"), &a, &e), 0);
    assert_int_equal(kms_proposal_save(path_of("signed-b.json"), &b, &e), 0);
    kms_proposal_clear(&a);
    kms_proposal_clear(&b);
    assert_int_equal(kms_proposal_load(path_of("signed-a.json"), &a, &e), 0);
    assert_int_equal(kms_proposal_load(path_of("signed-b.json"), &b, &e), 0);
    assert_int_equal(kms_proposal_merge(&a, &b, &added, &e), 0);
    assert_int_equal(added, 1);
    assert_int_equal(a.nsigs, 2);
    assert_int_equal(kms_proposal_count_sigs(&a), 2);
    assert_memory_equal(a.sigs[1].owner, fx.owners[2], 20);
    assert_int_equal(kms_proposal_merge(&a, &b, &added, &e), 0);
    assert_int_equal(added, 0);
    assert_int_equal(a.nsigs, 2);

    base(&c, 10, true);
    char hash[67], want[256];
    eth_hex_encode(c.safe_tx_hash, 32, hash);
    snprintf(want, sizeof want, "these are different transactions: safeTxHash %s and %s; merge "
                                "only copies of one proposal", SAFE_TX_HASH, hash);
    assert_int_equal(kms_proposal_merge(&a, &c, &added, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, want);
    assert_int_equal(a.nsigs, 2);
    kms_proposal_clear(&c);

    /* c: owner 2 (new to b) then owner 3 signing differently from b's: nothing is added */
    assert_int_equal(kms_proposal_load(path_of("base.json"), &c, &e), 0);
    add(&c, ecdsa(1, c.safe_tx_hash));
    add(&c, ecdsa(2, c.safe_tx_hash));
    added = 99;
    assert_int_equal(kms_proposal_merge(&b, &c, &added, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "0x90F79bf6EB2c4f870365E785982E1f101E93b906 already signed this "
                               "transaction with another signature: a Safe counts one per "
                               "owner, keep one");
    assert_int_equal(added, 0);
    assert_int_equal(b.nsigs, 1);
    kms_proposal_clear(&a);
    kms_proposal_clear(&b);
    kms_proposal_clear(&c);
    kms_proposal_clear(&p);
}

/* The same signature twice is one; a file listing an owner twice is refused. */
static void test_duplicates(void **state)
{
    (void)state;
    kms_proposal p;
    base(&p, 9, true);
    kms_safe_sig s = ecdsa(0, p.safe_tx_hash);
    add(&p, s);
    add(&p, s);
    assert_int_equal(p.nsigs, 1);
    assert_int_equal(kms_proposal_count_sigs(&p), 1);
    json_t *j = kms_proposal_json(&p);
    json_t *sigs = json_object_get(j, "signatures");
    json_array_append(sigs, json_array_get(sigs, 0));
    refuse_json(j, ETH_EINVAL,
                "signatures[0] and signatures[1] are both by "
                "0x70997970C51812dc3A010C7d01b50e0d17dc79C8: a file holds one signature per "
                "owner");
    kms_proposal_clear(&p);
}

/* Over every cap: -ETH_ERANGE with the message; exactly at the cap is fine. */
static void test_caps(void **state)
{
    (void)state;
    kms_proposal p, q;
    kms_safe_tx tx = {0};
    eth_error e = {0};
    assert_int_equal(eth_buf_fill(&tx.data, 0xab, KMS_PROPOSAL_MAX_DATA, &e), 0);
    assert_int_equal(kms_proposal_init(&p, 31337, T1, &tx, &e), 0);
    json_t *j = kms_proposal_json(&p);
    assert_int_equal(kms_proposal_from_json(j, &q, &e), 0); /* 1 MiB exactly */
    kms_proposal_clear(&q);
    assert_int_equal(eth_buf_fill(&tx.data, 0xab, 1, &e), 0);
    json_object_set_new(json_object_get(j, "tx"), "data", eth_json_hex(tx.data.data, tx.data.len));
    refuse_json(j, ETH_ERANGE, "field 'tx.data' is longer than 1048576 bytes");
    kms_safe_tx_clear(&tx);

    uint8_t many[KMS_PROPOSAL_MAX_OWNERS + 1][20];
    memset(many, 0, sizeof many);
    for (size_t i = 0; i <= KMS_PROPOSAL_MAX_OWNERS; i++)
        many[i][0] = (uint8_t)(i + 1);
    assert_int_equal(kms_proposal_set_owners(&p, (const uint8_t(*)[20])many,
                                             KMS_PROPOSAL_MAX_OWNERS + 1, 1, &e), -ETH_ERANGE);
    assert_string_equal(e.msg, "65 owners: a proposal lists at most 64");
    assert_int_equal(kms_proposal_set_owners(&p, (const uint8_t(*)[20])many,
                                             KMS_PROPOSAL_MAX_OWNERS, 1, &e), 0);
    j = kms_proposal_json(&p);
    json_array_append_new(json_object_get(j, "owners"), eth_json_address(many[64]));
    refuse_json(j, ETH_ERANGE, "field 'owners' lists 65 owners: at most 64");

    /* 64 signatures by 64 owners fit; a 65th does not, in a file or by add_sig */
    eth_signer *keys[KMS_PROPOSAL_MAX_SIGS + 1];
    kms_safe_sig s;
    assert_int_equal(kms_proposal_set_owners(&p, NULL, 0, 0, &e), 0);
    for (size_t i = 0; i <= KMS_PROPOSAL_MAX_SIGS; i++) {
        assert_int_equal(eth_signer_generate(&keys[i], &e), 0);
        assert_int_equal(kms_safe_sign(keys[i], p.safe_tx_hash, &s, &e), 0);
        assert_int_equal(kms_proposal_add_sig(&p, &s, &e), i < KMS_PROPOSAL_MAX_SIGS ? 0
                                                                                    : -ETH_ERANGE);
        eth_signer_free(keys[i]);
    }
    assert_string_equal(e.msg, "a proposal holds at most 64 signatures");
    j = kms_proposal_json(&p);
    assert_int_equal(kms_proposal_from_json(j, &q, &e), 0);
    assert_int_equal(q.nsigs, 64);
    kms_proposal_clear(&q);
    json_t *sigs = json_object_get(j, "signatures");
    json_array_append(sigs, json_array_get(sigs, 0));
    refuse_json(j, ETH_ERANGE, "field 'signatures' holds 65 signatures: at most 64");

    char text[KMS_PROPOSAL_MAX_DESCRIPTION + 2];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    assert_int_equal(kms_proposal_set_description(&p, text, &e), -ETH_ERANGE);
    assert_string_equal(e.msg, "a description of 1025 bytes: at most 1024");
    text[KMS_PROPOSAL_MAX_DESCRIPTION] = '\0';
    assert_int_equal(kms_proposal_set_description(&p, text, &e), 0);
    assert_int_equal(kms_proposal_set_description(&p, "two\nlines", &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "the description 'two\\nlines' must be one line of UTF-8 text "
                               "without control characters");
    assert_int_equal(strlen(p.description), KMS_PROPOSAL_MAX_DESCRIPTION); /* unchanged */
    kms_proposal_clear(&p);
}

/* signed_json with member key of the object at path ("" top, "tx", "hashes") set to v. */
static json_t *with_field(const char *path, const char *key, json_t *v)
{
    json_t *j = signed_json();
    json_object_set_new(*path ? json_object_get(j, path) : j, key, v);
    return j;
}

/* Unknown fields, numbers that are not canonical decimal strings, a bad operation, another
 * kind or version, a bad address checksum and an impossible threshold are refused. */
static void test_strict_fields(void **state)
{
    (void)state;
    refuse_json(with_field("", "extra", json_true()), ETH_EINVAL,
                "unknown field 'extra' (known: kind, version, chainId, safe, description, tx, "
                "hashes, owners, threshold, signatures, nestedSignatures)");
    refuse_json(with_field("tx", "foo", json_true()), ETH_EINVAL,
                "unknown field 'tx.foo' (known: to, value, data, operation, safeTxGas, baseGas, "
                "gasPrice, gasToken, refundReceiver, nonce)");
    refuse_json(with_field("tx", "value", json_string("0x10")), ETH_EINVAL,
                "field 'tx.value' must be a decimal number in a string, such as \"0\" or \"1000\" "
                "(no sign, 0x or leading zeros), not '0x10'");
    refuse_json(with_field("tx", "nonce", json_string("09")), ETH_EINVAL, NULL);
    refuse_json(with_field("tx", "nonce", json_integer(9)), ETH_EINVAL,
                "field 'tx.nonce' must be a string, not an integer");
    refuse_json(with_field("tx", "operation", json_integer(2)), ETH_EINVAL,
                "field 'tx.operation' is 2: it must be 0 (call) or 1 (delegatecall)");
    refuse_json(with_field("", "kind", json_string("kmsctl-deploy-journal")), ETH_EINVAL,
                "not a Safe proposal file (its kind is not kmsctl-safe-proposal)");
    refuse_json(with_field("", "version", json_integer(2)), ETH_EUNSUP,
                "Safe proposal file version 2: this kmsctl reads version 1");
    refuse_json(with_field("", "safe", json_string("0x5fbdb2315678afecb367f032d93F642f64180aa3")),
                ETH_EINVAL,
                "field 'safe': bad EIP-55 checksum (expected "
                "0x5FbDB2315678afecb367f032d93F642f64180aa3)");
    refuse_json(with_field("", "threshold", json_integer(4)), ETH_EINVAL,
                "fields 'owners' and 'threshold': threshold 4 with 3 owners: it must be from 1 to "
                "3");
    refuse_json(with_field("hashes", "extra", json_true()), ETH_EINVAL,
                "unknown field 'hashes.extra' (known: domainHash, messageHash, safeTxHash)");
    refuse_json(with_field("", "description", json_integer(1)), ETH_EINVAL,
                "field 'description' must be a string, not an integer");
    refuse_json(json_array(), ETH_EINVAL, "a Safe proposal file must be a JSON object");

    json_t *j = signed_json(); /* a signature without its kind */
    json_object_del(json_array_get(json_object_get(j, "signatures"), 0), "kind");
    refuse_json(j, ETH_EINVAL, "missing field 'signatures[0].kind'");
    j = signed_json(); /* the owners of a proposal must not include the sentinel */
    json_array_set_new(json_object_get(j, "owners"), 2,
                       json_string("0x0000000000000000000000000000000000000001"));
    refuse_json(j, ETH_EINVAL, "fields 'owners' and 'threshold': owner 3 is "
                               "0x0000000000000000000000000000000000000001, which cannot be a "
                               "Safe owner");

    kms_proposal q;
    eth_error e = {0};
    assert_int_equal(kms_proposal_load(path_of("missing.json"), &q, &e), -ETH_EIO);
    assert_null(q.sigs);
}

/* ---- on anvil ---- */

/* eth_call of checkSignatures(hash, 0x, sigs of p packed) on p's Safe from from. */
static int check_signatures(const kms_proposal *p, const uint8_t from[20], eth_error *e)
{
    eth_buf packed = {0}, data = {0}, ret = {0};
    char hash[67], *sigs = NULL;
    assert_int_equal(kms_safe_sigs_pack(p->sigs, p->nsigs, &packed, e), 0);
    assert_int_equal(eth_hex_encode_alloc(packed.data, packed.len, &sigs, e), 0);
    const char *args[3] = {kms_text_b32(p->safe_tx_hash, hash), "0x", sigs};
    assert_int_equal(kms_calldata("checkSignatures(bytes32,bytes,bytes)", args, 3, &data, e), 0);
    eth_call_req req = {.from = from, .to = p->safe, .data = data.data, .data_len = data.len};
    int rc = eth_rpc_call_contract(fx.rpc, &req, "latest", &ret, e);
    if (rc == 0)
        assert_int_equal(ret.len, 0);
    free(sigs);
    eth_buf_clear(&packed);
    eth_buf_clear(&data);
    eth_buf_clear(&ret);
    return rc;
}

static void assert_revert(const eth_error *e, const char *name)
{
    kms_revert why;
    eth_error e2 = {0};
    assert_int_equal(kms_revert_explain(e->data, e->data_len, &why, &e2), 0);
    assert_string_equal(why.name, name);
}

/* The Safe agrees: its getTransactionHash and domainSeparator are the proposal's hashes; two
 * files signed separately (ECDSA by owner 1, eth_sign by owner 3) merge into signatures that
 * checkSignatures accepts, one alone is too few (GS020); an approved hash counts when its owner
 * is the caller (else GS025); and the merged file executes the transfer. */
static void test_safe_agrees(void **state)
{
    (void)state;
    uint8_t safe[20], dest[20] = {0xd0, [19] = 0x03}, h[32];
    kms_safe_info info;
    kms_proposal p, a, b;
    kms_safe_tx tx = {0};
    eth_error e = {0};
    assert_int_equal(test_safe_create(&fx, 101, safe), 0);
    assert_int_equal(kms_safe_read(fx.rpc, safe, "latest", &info, &e), 0);
    memcpy(tx.to, dest, 20);
    assert_int_equal(u256_parse("250000000000000000", 18, &tx.value, &e), 0);
    tx.nonce = info.nonce;
    assert_int_equal(kms_proposal_init(&p, 31337, safe, &tx, &e), 0);
    assert_int_equal(kms_proposal_set_owners(&p, (const uint8_t(*)[20])info.owners, info.nowners,
                                             info.threshold, &e), 0);

    char to[43];
    const char *args[10] = {kms_text_addr(dest, to), "250000000000000000", "0x", "0", "0", "0",
                            "0", "0x0000000000000000000000000000000000000000",
                            "0x0000000000000000000000000000000000000000", "0"};
    kms_result r;
    assert_int_equal(kms_view(fx.rpc, safe, NULL, "latest",
                              "getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,"
                              "uint256,address,address,uint256)(bytes32)", args, 10, &r, &e), 0);
    assert_int_equal(kms_result_b32(&r, 0, h, &e), 0);
    kms_result_clear(&r);
    assert_memory_equal(h, p.safe_tx_hash, 32);
    assert_int_equal(kms_view(fx.rpc, safe, NULL, "latest", "domainSeparator()(bytes32)", NULL, 0,
                              &r, &e), 0);
    assert_int_equal(kms_result_b32(&r, 0, h, &e), 0);
    kms_result_clear(&r);
    assert_memory_equal(h, p.domain_hash, 32);

    assert_int_equal(kms_proposal_save(path_of("chain.json"), &p, &e), 0);
    assert_int_equal(kms_proposal_load(path_of("chain.json"), &a, &e), 0);
    assert_int_equal(kms_proposal_load(path_of("chain.json"), &b, &e), 0);
    add(&a, ecdsa(0, a.safe_tx_hash));
    add(&b, eth_sign(2, b.safe_tx_hash));
    assert_int_equal(check_signatures(&a, fx.dev0, &e), -ETH_EREVERT);
    assert_revert(&e, "GS020");
    assert_int_equal(kms_proposal_merge(&a, &b, NULL, &e), 0);
    assert_int_equal(check_signatures(&a, fx.dev0, &e), 0);

    kms_safe_sig ap;
    kms_safe_sig_approved(fx.owners[1], &ap);
    add(&b, ap);
    assert_int_equal(check_signatures(&b, fx.owners[1], &e), 0);
    assert_int_equal(check_signatures(&b, fx.dev0, &e), -ETH_EREVERT);
    assert_revert(&e, "GS025");

    eth_buf packed = {0}, data = {0};
    eth_receipt rc;
    u256 got;
    assert_int_equal(kms_safe_sigs_pack(a.sigs, a.nsigs, &packed, &e), 0);
    assert_int_equal(kms_safe_exec_data(&a.tx, packed.data, packed.len, &data, &e), 0);
    assert_int_equal(test_safe_send(&fx, fx.dev0, safe, data.data, data.len, NULL, &rc), 0);
    assert_int_equal(eth_rpc_get_balance(fx.rpc, dest, "latest", &got, &e), 0);
    assert_true(u256_cmp(&got, &tx.value) == 0);
    eth_buf_clear(&packed);
    eth_buf_clear(&data);
    kms_safe_tx_clear(&tx);
    kms_proposal_clear(&p);
    kms_proposal_clear(&a);
    kms_proposal_clear(&b);
}

/* Owner i's ECDSA signature for the owner Safe inner of p. */
static kms_safe_nested_sig nested(const kms_proposal *p, int i, const uint8_t inner[20])
{
    kms_safe_nested_sig ns;
    uint8_t h[32];
    memcpy(ns.safe, inner, 20);
    kms_proposal_nested_hash(p, inner, h);
    ns.sig = ecdsa(i, h);
    return ns;
}

/* A Safe owned by a Safe (EIP-1271): the outer Safe O is 2-of-2 of owner 1 and the inner Safe
 * I, itself 2-of-3 of owners 1 to 3. Owner 1 signs O's transaction directly, owners 2 and 3
 * sign it for I in separate files; the files merge and write back; the nested hash is I's
 * getMessageHashForSafe of O's encoded transaction (its fallback handler computes it on
 * chain); refusals (a Safe that is no owner, a signature over the wrong hash, an approved
 * hash, another signature by the same owner); and the packed signatures, I's as a contract
 * signature, pass O's checkSignatures and execute, while one of I's two do not. */
static void test_nested_safe_owner(void **state)
{
    (void)state;
    uint8_t inner[20], outer[20], dest[20] = {0xd0, [19] = 0x04}, h[32];
    uint8_t outer_owners[2][20];
    kms_safe_info info;
    kms_safe_tx tx = {0};
    kms_proposal p, q;
    eth_error e = {0};
    assert_int_equal(test_safe_create(&fx, 102, inner), 0);
    memcpy(outer_owners[0], fx.owners[0], 20);
    memcpy(outer_owners[1], inner, 20);
    kms_safe_setup setup = {.owners = (const uint8_t(*)[20])outer_owners, .nowners = 2,
                            .threshold = 2, .fallback_handler = fx.handler};
    assert_int_equal(test_safe_create_with(&fx, &setup, 103, outer), 0);
    memcpy(tx.to, dest, 20);
    tx.value = u256_from_u64(1000);
    assert_int_equal(kms_proposal_init(&p, 31337, outer, &tx, &e), 0);
    assert_int_equal(kms_proposal_set_owners(&p, (const uint8_t(*)[20])outer_owners, 2, 2, &e), 0);

    /* the nested hash is what I's fallback handler computes for O's encoded transaction */
    uint8_t encoded[66] = {0x19, 0x01};
    memcpy(encoded + 2, p.domain_hash, 32);
    memcpy(encoded + 34, p.message_hash, 32);
    char msg[2 + 2 * 66 + 1];
    eth_hex_encode(encoded, 66, msg);
    const char *margs[1] = {msg};
    kms_result r;
    assert_int_equal(kms_view(fx.rpc, inner, NULL, "latest", "getMessageHash(bytes)(bytes32)",
                              margs, 1, &r, &e), 0);
    assert_int_equal(kms_result_b32(&r, 0, h, &e), 0);
    kms_result_clear(&r);
    uint8_t mine[32];
    kms_proposal_nested_hash(&p, inner, mine);
    assert_memory_equal(h, mine, 32);

    add(&p, ecdsa(0, p.safe_tx_hash));
    assert_int_equal(kms_proposal_save(path_of("nested.json"), &p, &e), 0);
    assert_int_equal(kms_proposal_load(path_of("nested.json"), &q, &e), 0);
    kms_safe_nested_sig a = nested(&p, 1, inner), b = nested(&q, 2, inner);
    assert_int_equal(kms_proposal_add_nested_sig(&p, &a, &e), 0);
    assert_int_equal(kms_proposal_add_nested_sig(&p, &a, &e), 0); /* the same again: no-op */
    assert_int_equal(kms_proposal_add_nested_sig(&q, &b, &e), 0);
    size_t added = 0;
    assert_int_equal(kms_proposal_merge(&p, &q, &added, &e), 0);
    assert_int_equal(added, 1);
    assert_int_equal(p.nnested, 2);
    assert_int_equal(kms_proposal_count_nested(&p, inner), 2);
    assert_int_equal(kms_proposal_count_nested(&p, fx.owners[0]), 0);
    kms_proposal_clear(&q);
    assert_int_equal(kms_proposal_save(path_of("nested.json"), &p, &e), 0);
    assert_int_equal(kms_proposal_load(path_of("nested.json"), &q, &e), 0);
    assert_int_equal(q.nnested, 2);
    assert_memory_equal(q.nested[1].sig.rsv, b.sig.rsv, 65);
    kms_proposal_clear(&q);

    /* refusals */
    kms_safe_nested_sig bad = nested(&p, 1, T2);
    assert_int_equal(kms_proposal_add_nested_sig(&p, &bad, &e), -ETH_EINVAL);
    assert_non_null(strstr(e.msg, "is not an owner of Safe"));
    bad = a;
    bad.sig = ecdsa(0, p.safe_tx_hash); /* over the outer hash, not the nested one */
    assert_int_equal(kms_proposal_add_nested_sig(&p, &bad, &e), -ETH_EINVAL);
    assert_non_null(strstr(e.msg, "over this transaction's SafeMessage hash for Safe"));
    kms_safe_sig_approved(fx.owners[0], &bad.sig);
    assert_int_equal(kms_proposal_add_nested_sig(&p, &bad, &e), -ETH_EUNSUP);
    bad = nested(&p, 1, inner);
    bad.sig.rsv[40] ^= 1; /* another signature by owner 2 for I */
    assert_int_equal(kms_proposal_add_nested_sig(&p, &bad, &e), -ETH_EINVAL);
    assert_int_equal(p.nnested, 2);

    /* on chain: I's part as a contract signature */
    eth_buf inner_sigs = {0}, packed = {0}, data = {0};
    size_t count = 0;
    assert_int_equal(kms_safe_read(fx.rpc, inner, "latest", &info, &e), 0);
    assert_int_equal(kms_proposal_nested_pack(&p, inner, (const uint8_t(*)[20])info.owners,
                                              info.nowners, &inner_sigs, &count, &e), 0);
    assert_int_equal(count, 2);
    assert_int_equal(inner_sigs.len, 130);
    kms_safe_contract_sig c = {.data = inner_sigs.data, .len = 65};
    memcpy(c.owner, inner, 20);
    assert_int_equal(kms_safe_sigs_pack_with(p.sigs, 1, &c, 1, &packed, &e), 0);
    assert_int_equal(packed.len, 2 * 65 + 32 + 65);
    assert_int_equal(kms_safe_exec_data(&p.tx, packed.data, packed.len, &data, &e), 0);
    eth_call_req req = {.from = fx.dev0, .to = outer, .data = data.data, .data_len = data.len};
    eth_buf ret = {0};
    assert_int_equal(eth_rpc_call_contract(fx.rpc, &req, "latest", &ret, &e), -ETH_EREVERT);
    packed.len = data.len = 0;
    c.len = inner_sigs.len;
    assert_int_equal(kms_safe_sigs_pack_with(p.sigs, 1, &c, 1, &packed, &e), 0);
    assert_int_equal(kms_safe_exec_data(&p.tx, packed.data, packed.len, &data, &e), 0);
    eth_receipt rc;
    u256 got;
    assert_int_equal(test_safe_send(&fx, fx.dev0, outer, data.data, data.len, NULL, &rc), 0);
    assert_int_equal(eth_rpc_get_balance(fx.rpc, dest, "latest", &got, &e), 0);
    assert_true(u256_cmp(&got, &tx.value) == 0);
    eth_buf_clear(&inner_sigs);
    eth_buf_clear(&packed);
    eth_buf_clear(&data);
    eth_buf_clear(&ret);
    kms_proposal_clear(&p);
}

static int group_setup(void **state)
{
    (void)state;
    eth_error e = {0};
    snprintf(tmpdir, sizeof tmpdir, "/tmp/kmsctl-proposal.XXXXXX");
    if (!mkdtemp(tmpdir) ||
        eth_address_parse("0x5FbDB2315678afecb367f032d93F642f64180aa3", T1, 1, &e) ||
        eth_address_parse("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", T2, 1, &e))
        return -1;
    return test_safe_fixture_start(&fx);
}

static int group_teardown(void **state)
{
    (void)state;
    static const char *const FILES[] = {"a.json", "b.json", "altered.json", "base.json",
                                        "signed-a.json", "signed-b.json", "chain.json",
                                        "nested.json"};
    test_safe_fixture_stop(&fx);
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++)
        unlink(path_of(FILES[i]));
    rmdir(tmpdir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_hashes),
        cmocka_unit_test(test_round_trip_bytes),
        cmocka_unit_test(test_altered_file_refused),
        cmocka_unit_test(test_forged_signatures_refused),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_strict_fields),
        cmocka_unit_test(test_safe_agrees),
        cmocka_unit_test(test_nested_safe_owner),
    };
    return cmocka_run_group_tests_name("proposal", tests, group_setup, group_teardown);
}
