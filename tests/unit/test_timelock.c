/* test_timelock.c: OpenZeppelin 5 TimelockController building blocks (lib/kms/timelock.h).
 * Offline: operation ids and calldata against vectors made with the pinned cast 1.7.1 (the
 * command is quoted at each), the constructor encoding, the error paths. On a real anvil: the
 * embedded TimelockController created with kms_timelock_init_code, its roles, its own
 * hashOperation / hashOperationBatch against kms_timelock_op_id, and operations scheduled,
 * executed and cancelled with the calldata built here, with the states read in between. A fake
 * node answers what no TimelockController does: a state and a timestamp that disagree. */
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

#include "anvil.h"
#include "fakenode.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/keccak.h"
#include "eth/rpc_eth.h"
#include "kms/artifacts.h"
#include "kms/call.h"
#include "kms/devnet.h"
#include "kms/revert.h"
#include "kms/timelock.h"

static test_anvil anvil;

/* anvil's dev accounts 0 and 1 (unlocked by anvil; published with it). */
static uint8_t DEV0[20], DEV1[20];

/* The calls of the vectors below (arbitrary addresses; acceptOwnership() and
 * updateDelay(86400), whose calldata is `cast calldata "updateDelay(uint256)" 86400`). */
static uint8_t T1[20], T2[20];
static const uint8_t D1[] = {0x79, 0xba, 0x50, 0x97};
static uint8_t D2[36];
static uint8_t SALT[32], PRED[32];

static int group_setup(void **state)
{
    (void)state;
    eth_error e;
    if (eth_address_parse("0x5FbDB2315678afecb367f032d93F642f64180aa3", T1, 1, &e) ||
        eth_address_parse("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", T2, 1, &e) ||
        eth_address_parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", DEV0, 1, &e) ||
        eth_address_parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", DEV1, 1, &e) ||
        eth_hex_decode_fixed("0x64d62353000000000000000000000000000000000000000000000000000000"
                             "0000015180", D2, sizeof D2, &e))
        return -1;
    SALT[31] = 0x2a;
    memset(PRED, 0x01, 32);
    return test_anvil_start(&anvil, NULL);
}

static int group_teardown(void **state)
{
    (void)state;
    test_anvil_stop(&anvil);
    return 0;
}

/* ---- offline ---- */

/* The role ids are keccak256 of their names (`cast keccak PROPOSER_ROLE` etc.), and named. */
static void test_role_ids(void **state)
{
    (void)state;
    test_assert_hex(KMS_ROLE_PROPOSER, 32,
               "0xb09aa5aeb3702cfd50b6b62bc4532604938f21248a27a1d5ca736082b6819cc1");
    test_assert_hex(KMS_ROLE_EXECUTOR, 32,
               "0xd8aa0f3194971a2a116679f7c2090f6939c8d4e01a2a8d7e41d55e5351469e63");
    test_assert_hex(KMS_ROLE_CANCELLER, 32,
               "0xfd643c72710c63c0180259aba6b2d05451e3591a24e58b62239378085726f783");
    static const uint8_t zero[32];
    assert_memory_equal(KMS_ROLE_DEFAULT_ADMIN, zero, 32);
    assert_string_equal(kms_timelock_role_name(KMS_ROLE_DEFAULT_ADMIN), "DEFAULT_ADMIN_ROLE");
    assert_string_equal(kms_timelock_role_name(KMS_ROLE_PROPOSER), "PROPOSER_ROLE");
    assert_string_equal(kms_timelock_role_name(KMS_ROLE_EXECUTOR), "EXECUTOR_ROLE");
    assert_string_equal(kms_timelock_role_name(KMS_ROLE_CANCELLER), "CANCELLER_ROLE");
    assert_null(kms_timelock_role_name(SALT));
}

/* The two calls of the vectors: T1.acceptOwnership() and T2.updateDelay(86400) with 1 ether. */
static void two_calls(kms_tl_call c[2])
{
    c[0] = (kms_tl_call){.target = T1, .data = D1, .len = sizeof D1};
    c[1] = (kms_tl_call){.target = T2, .data = D2, .len = sizeof D2};
    eth_error e;
    assert_int_equal(u256_parse("1000000000000000000", 19, &c[1].value, &e), 0);
}

/* Ids: `cast keccak $(cast abi-encode "f(address,uint256,bytes,bytes32,bytes32)" T1 0 0x79ba5097
 * 0x00..00 0x00..2a)`, and with "f(address[],uint256[],bytes[],bytes32,bytes32)" for the
 * batches "[T1]" "[0]" "[0x79ba5097]" 0x00..00 0x00..2a and "[T1,T2]"
 * "[0,1000000000000000000]" "[0x79ba5097,D2]" 0x0101..01 0x00..2a. A batch of one call has
 * another id than the call alone; NULL predecessor and salt are zero. */
static void test_op_id_vectors(void **state)
{
    (void)state;
    kms_tl_call c[2];
    two_calls(c);
    uint8_t id[32];
    eth_error e = {0};
    static const uint8_t zero[32];
    assert_int_equal(kms_timelock_op_id(c, 1, false, NULL, SALT, id, &e), 0);
    test_assert_hex(id, 32, "0x71ed97769e877c3c347dcf31a2da499d47dcfd10b055fdb76b5c4cf4ba6476ea");
    assert_int_equal(kms_timelock_op_id(c, 1, false, zero, SALT, id, &e), 0);
    test_assert_hex(id, 32, "0x71ed97769e877c3c347dcf31a2da499d47dcfd10b055fdb76b5c4cf4ba6476ea");
    assert_int_equal(kms_timelock_op_id(c, 1, true, NULL, SALT, id, &e), 0);
    test_assert_hex(id, 32, "0x344352c508bc0704271ff663d2db6ce8f6136bd66a6ba86f37559206ac680068");
    assert_int_equal(kms_timelock_op_id(c, 2, true, PRED, SALT, id, &e), 0);
    test_assert_hex(id, 32, "0xef5dc7b1aae05e01337cf3dd9fd4b9c6974bddf0b8fca09dbd6646d13b419b94");
}

/* Calldata, appended after what out holds: `cast calldata "schedule(address,uint256,bytes,
 * bytes32,bytes32,uint256)" T1 0 0x79ba5097 0x00..00 0x00..2a 172800`, the same execute(...)
 * without the delay, `cast calldata "cancel(bytes32)" 0x00..2a`, and for scheduleBatch with
 * the two calls, 0x0101..01, 0x00..2a and 3600 the keccak256 of cast's calldata. */
static void test_calldata_vectors(void **state)
{
    (void)state;
    kms_tl_call c[2];
    two_calls(c);
    eth_buf b = {0};
    eth_error e = {0};
    assert_int_equal(eth_buf_append(&b, "\xee", 1, &e), 0);
    assert_int_equal(kms_timelock_schedule_data(c, 1, false, NULL, SALT, 172800, &b, &e), 0);
    assert_int_equal(b.data[0], 0xee);
    test_assert_hex(b.data + 1, b.len - 1,
               "0x01d5062a0000000000000000000000005fbdb2315678afecb367f032d93f642f64180aa3"
               "0000000000000000000000000000000000000000000000000000000000000000"
               "00000000000000000000000000000000000000000000000000000000000000c0"
               "0000000000000000000000000000000000000000000000000000000000000000"
               "000000000000000000000000000000000000000000000000000000000000002a"
               "000000000000000000000000000000000000000000000000000000000002a300"
               "0000000000000000000000000000000000000000000000000000000000000004"
               "79ba509700000000000000000000000000000000000000000000000000000000");
    b.len = 0;
    assert_int_equal(kms_timelock_execute_data(c, 1, false, NULL, SALT, &b, &e), 0);
    test_assert_hex(b.data, b.len,
               "0x134008d30000000000000000000000005fbdb2315678afecb367f032d93f642f64180aa3"
               "0000000000000000000000000000000000000000000000000000000000000000"
               "00000000000000000000000000000000000000000000000000000000000000a0"
               "0000000000000000000000000000000000000000000000000000000000000000"
               "000000000000000000000000000000000000000000000000000000000000002a"
               "0000000000000000000000000000000000000000000000000000000000000004"
               "79ba509700000000000000000000000000000000000000000000000000000000");
    b.len = 0;
    assert_int_equal(kms_timelock_cancel_data(SALT, &b, &e), 0);
    test_assert_hex(b.data, b.len, "0xc4d252f5"
               "000000000000000000000000000000000000000000000000000000000000002a");
    b.len = 0;
    assert_int_equal(kms_timelock_schedule_data(c, 2, true, PRED, SALT, 3600, &b, &e), 0);
    assert_int_equal(b.len, 4 + 20 * 32);
    test_assert_keccak(b.data, b.len,
                  "0x740acc7103bf3500cbb3125edfd059118c46ff5f68647b1bd4b88d0c558b734b");
    eth_buf_clear(&b);
}

/* The init code is the artifact's creation code and the constructor arguments as `cast
 * abi-encode "constructor(uint256,address[],address[],address)" 86400 "[T1,T2]" "[0x00..00]"
 * 0x00..00` gives them. */
static void test_init_code(void **state)
{
    (void)state;
    const kms_artifact *a = kms_artifact_find("TimelockController");
    assert_non_null(a);
    uint8_t props[2][20], execs[1][20] = {{0}};
    memcpy(props[0], T1, 20);
    memcpy(props[1], T2, 20);
    eth_buf b = {0};
    eth_error e = {0};
    assert_int_equal(kms_timelock_init_code(86400, (const uint8_t(*)[20])props, 2,
                                            (const uint8_t(*)[20])execs, 1, NULL, &b, &e), 0);
    assert_int_equal(b.len, a->bytecode_len + 9 * 32);
    assert_memory_equal(b.data, a->bytecode, a->bytecode_len);
    test_assert_hex(b.data + a->bytecode_len, 9 * 32,
               "0x0000000000000000000000000000000000000000000000000000000000015180"
               "0000000000000000000000000000000000000000000000000000000000000080"
               "00000000000000000000000000000000000000000000000000000000000000e0"
               "0000000000000000000000000000000000000000000000000000000000000000"
               "0000000000000000000000000000000000000000000000000000000000000002"
               "0000000000000000000000005fbdb2315678afecb367f032d93f642f64180aa3"
               "000000000000000000000000e7f1725e7734ce288f8367e1bb143e90bb3f0512"
               "0000000000000000000000000000000000000000000000000000000000000001"
               "0000000000000000000000000000000000000000000000000000000000000000");
    eth_buf_clear(&b);
}

/* Refused: no call, a single operation of two calls, a proposer address(0); nothing is
 * appended. */
static void test_errors(void **state)
{
    (void)state;
    kms_tl_call c[2];
    two_calls(c);
    eth_buf b = {0};
    eth_error e = {0};
    uint8_t id[32];
    assert_int_equal(kms_timelock_op_id(c, 0, true, NULL, NULL, id, &e), -ETH_EINVAL);
    assert_int_equal(e.code, ETH_EINVAL);
    assert_string_equal(e.msg, "a timelock operation needs at least one call");
    assert_int_equal(kms_timelock_schedule_data(c, 2, false, NULL, NULL, 0, &b, &e),
                     -ETH_EINVAL);
    assert_string_equal(e.msg, "a single timelock operation is exactly one call, got 2: make "
                               "it a batch");
    assert_int_equal(kms_timelock_execute_data(c, 0, false, NULL, NULL, &b, &e), -ETH_EINVAL);
    assert_int_equal(b.len, 0);
    uint8_t props[2][20] = {{0}};
    memcpy(props[0], T1, 20);
    assert_int_equal(kms_timelock_init_code(0, (const uint8_t(*)[20])props, 2, NULL, 0, NULL,
                                            &b, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "proposer 2 is address(0), which nobody can propose as: give "
                               "the proposer's address");
    assert_int_equal(b.len, 0);
    eth_buf_clear(&b);
}

/* ---- on anvil ---- */

static eth_rpc *open_anvil(void)
{
    eth_rpc *rpc = NULL;
    eth_error e = {0};
    assert_int_equal(eth_rpc_open(anvil.url, NULL, &rpc, &e), 0);
    return rpc;
}

/* Sends data from the unlocked account from to to (NULL: a creation) with eth_sendTransaction
 * and waits for the receipt, which must show success. */
static void send_tx(eth_rpc *rpc, const uint8_t from[20], const uint8_t *to, const uint8_t *data,
                    size_t n, eth_receipt *r)
{
    eth_error e = {0};
    char f[43], t[43], *hex = NULL;
    assert_int_equal(eth_hex_encode_alloc(data, n, &hex, &e), 0);
    json_t *tx = json_pack("{s:s,s:s}", "from", kms_text_addr(from, f), "data", hex);
    free(hex);
    if (to)
        json_object_set_new(tx, "to", json_string(kms_text_addr(to, t)));
    json_t *params = json_pack("[o]", tx), *res = NULL;
    assert_int_equal(eth_rpc_call(rpc, "eth_sendTransaction", params, &res, &e), 0);
    json_decref(params);
    uint8_t hash[32];
    assert_int_equal(eth_hex_decode_fixed(json_string_value(res), hash, 32, &e), 0);
    json_decref(res);
    bool found = false;
    for (int i = 0; i < 200 && !found; i++) { /* anvil mines right after it answers */
        assert_int_equal(eth_rpc_get_receipt(rpc, hash, r, &found, NULL, &e), 0);
        if (!found)
            usleep(10000);
    }
    assert_true(found);
    assert_true(r->status);
}

/* Creates a TimelockController from DEV0 with kms_timelock_init_code. */
static void deploy(eth_rpc *rpc, uint64_t min_delay, const uint8_t (*props)[20], size_t np,
                   const uint8_t (*execs)[20], size_t ne, const uint8_t *admin, uint8_t out[20])
{
    eth_buf code = {0};
    eth_error e = {0};
    eth_receipt r;
    assert_int_equal(kms_timelock_init_code(min_delay, props, np, execs, ne, admin, &code, &e),
                     0);
    send_tx(rpc, DEV0, NULL, code.data, code.len, &r);
    assert_true(r.has_contract_address);
    memcpy(out, r.contract_address, 20);
    eth_buf_clear(&code);
}

/* A timelock whose only proposer and executor is DEV0. */
static void deploy_simple(eth_rpc *rpc, uint64_t min_delay, uint8_t out[20])
{
    deploy(rpc, min_delay, (const uint8_t(*)[20])DEV0, 1, (const uint8_t(*)[20])DEV0, 1, NULL,
           out);
}

static bool has_role(eth_rpc *rpc, const uint8_t tl[20], const uint8_t role[32],
                     const uint8_t who[20])
{
    bool yes = false;
    eth_error e = {0};
    assert_int_equal(kms_timelock_has_role(rpc, tl, "latest", role, who, &yes, &e), 0);
    return yes;
}

/* The constructor as OZ 5 documents it: proposers are also cancellers, the timelock is its own
 * admin, an extra admin is optional, address(0) as an executor opens execution to anyone; the
 * contract's role constants are the ids here. */
static void test_deploy_roles(void **state)
{
    (void)state;
    eth_rpc *rpc = open_anvil();
    uint8_t tl[20], tl2[20];
    static const uint8_t zero[20];
    deploy_simple(rpc, 0, tl);
    assert_true(has_role(rpc, tl, KMS_ROLE_PROPOSER, DEV0));
    assert_true(has_role(rpc, tl, KMS_ROLE_CANCELLER, DEV0));
    assert_true(has_role(rpc, tl, KMS_ROLE_EXECUTOR, DEV0));
    assert_true(has_role(rpc, tl, KMS_ROLE_DEFAULT_ADMIN, tl));
    assert_false(has_role(rpc, tl, KMS_ROLE_DEFAULT_ADMIN, DEV0));
    assert_false(has_role(rpc, tl, KMS_ROLE_PROPOSER, DEV1));
    assert_false(has_role(rpc, tl, KMS_ROLE_EXECUTOR, zero));
    uint64_t delay = 99;
    eth_error e = {0};
    assert_int_equal(kms_timelock_min_delay(rpc, tl, "latest", &delay, &e), 0);
    assert_int_equal(delay, 0);

    static const struct {
        const char *sig;
        const uint8_t *id;
    } CONSTS[] = {{"PROPOSER_ROLE()(bytes32)", KMS_ROLE_PROPOSER},
                  {"EXECUTOR_ROLE()(bytes32)", KMS_ROLE_EXECUTOR},
                  {"CANCELLER_ROLE()(bytes32)", KMS_ROLE_CANCELLER},
                  {"DEFAULT_ADMIN_ROLE()(bytes32)", KMS_ROLE_DEFAULT_ADMIN}};
    for (size_t i = 0; i < 4; i++) {
        kms_result r;
        uint8_t got[32];
        assert_int_equal(kms_view(rpc, tl, NULL, "latest", CONSTS[i].sig, NULL, 0, &r, &e), 0);
        assert_int_equal(kms_result_b32(&r, 0, got, &e), 0);
        assert_memory_equal(got, CONSTS[i].id, 32);
        kms_result_clear(&r);
    }

    deploy(rpc, 86400, (const uint8_t(*)[20])DEV0, 1, (const uint8_t(*)[20])zero, 1, DEV1, tl2);
    assert_true(has_role(rpc, tl2, KMS_ROLE_EXECUTOR, zero));
    assert_false(has_role(rpc, tl2, KMS_ROLE_EXECUTOR, DEV0));
    assert_true(has_role(rpc, tl2, KMS_ROLE_DEFAULT_ADMIN, DEV1));
    assert_true(has_role(rpc, tl2, KMS_ROLE_DEFAULT_ADMIN, tl2));
    assert_int_equal(kms_timelock_min_delay(rpc, tl2, "latest", &delay, &e), 0);
    assert_int_equal(delay, 86400);
    eth_rpc_free(rpc);
}

/* The id of one call, of a batch of that one call, and of a batch of two calls with a value
 * and a predecessor, is what the contract's own hashOperation / hashOperationBatch return. */
static void test_op_id_matches_contract(void **state)
{
    (void)state;
    eth_rpc *rpc = open_anvil();
    uint8_t tl[20];
    deploy_simple(rpc, 0, tl);
    kms_tl_call c[2];
    two_calls(c);
    char t1[43], t2[43], p[67], s[67], z[67];
    static const uint8_t zero[32];
    kms_text_addr(T1, t1);
    kms_text_addr(T2, t2);
    kms_text_b32(PRED, p);
    kms_text_b32(SALT, s);
    kms_text_b32(zero, z);
    char targets[100], payloads[120];
    snprintf(targets, sizeof targets, "[%s,%s]", t1, t2);
    snprintf(payloads, sizeof payloads, "[0x79ba5097,0x64d62353%064x]", 86400);
    char one_target[50];
    snprintf(one_target, sizeof one_target, "[%s]", t1);
    const char *single[5] = {t1, "0", "0x79ba5097", z, s};
    const char *one[5] = {one_target, "[0]", "[0x79ba5097]", z, s};
    const char *two[5] = {targets, "[0,1000000000000000000]", payloads, p, s};
    static const char *const HASH = "hashOperation(address,uint256,bytes,bytes32,bytes32)(bytes32)";
    static const char *const HASHB =
        "hashOperationBatch(address[],uint256[],bytes[],bytes32,bytes32)(bytes32)";
    struct {
        const char *sig;
        const char *const *args;
        size_t n;
        bool batch;
        const uint8_t *pred;
    } cases[3] = {{HASH, single, 1, false, NULL},
                  {HASHB, one, 1, true, NULL},
                  {HASHB, two, 2, true, PRED}};
    for (size_t i = 0; i < 3; i++) {
        kms_result r;
        eth_error e = {0};
        uint8_t want[32], got[32];
        assert_int_equal(kms_view(rpc, tl, NULL, "latest", cases[i].sig, cases[i].args, 5, &r,
                                  &e), 0);
        assert_int_equal(kms_result_b32(&r, 0, want, &e), 0);
        kms_result_clear(&r);
        assert_int_equal(kms_timelock_op_id(c, cases[i].n, cases[i].batch, cases[i].pred, SALT,
                                            got, &e), 0);
        assert_memory_equal(got, want, 32);
    }
    eth_rpc_free(rpc);
}

static void assert_state(eth_rpc *rpc, const uint8_t tl[20], const uint8_t id[32], int want,
                         uint64_t want_ts)
{
    int st = -1;
    uint64_t ts = 99;
    eth_error e = {0};
    assert_int_equal(kms_timelock_state(rpc, tl, "latest", id, &st, &ts, &e), 0);
    assert_int_equal(st, want);
    assert_int_equal(ts, want_ts);
}

static uint64_t block_time(eth_rpc *rpc, uint64_t number)
{
    char tag[ETH_BLOCK_TAG_MAX];
    eth_block b;
    bool found = false;
    eth_error e = {0};
    assert_int_equal(eth_rpc_get_block(rpc, eth_block_tag(number, tag), &b, &found, &e), 0);
    assert_true(found);
    return b.timestamp;
}

/* With a zero delay, one call (the timelock's own updateDelay(3600)) goes unset -> ready (at
 * the schedule's block time) -> done (timestamp 1), and takes effect. */
static void test_schedule_execute_zero_delay(void **state)
{
    (void)state;
    eth_rpc *rpc = open_anvil();
    uint8_t tl[20], id[32];
    deploy_simple(rpc, 0, tl);
    eth_buf data = {0}, b = {0};
    eth_error e = {0};
    eth_receipt r;
    const char *arg = "3600";
    assert_int_equal(kms_calldata("updateDelay(uint256)", &arg, 1, &data, &e), 0);
    kms_tl_call c = {.target = tl, .data = data.data, .len = data.len};
    assert_int_equal(kms_timelock_op_id(&c, 1, false, NULL, SALT, id, &e), 0);
    assert_state(rpc, tl, id, KMS_OP_UNSET, 0);

    assert_int_equal(kms_timelock_schedule_data(&c, 1, false, NULL, SALT, 0, &b, &e), 0);
    send_tx(rpc, DEV0, tl, b.data, b.len, &r);
    assert_state(rpc, tl, id, KMS_OP_READY, block_time(rpc, r.block_number));

    b.len = 0;
    assert_int_equal(kms_timelock_execute_data(&c, 1, false, NULL, SALT, &b, &e), 0);
    send_tx(rpc, DEV0, tl, b.data, b.len, &r);
    assert_state(rpc, tl, id, KMS_OP_DONE, 1);
    uint64_t delay = 0;
    assert_int_equal(kms_timelock_min_delay(rpc, tl, "latest", &delay, &e), 0);
    assert_int_equal(delay, 3600);
    eth_buf_clear(&data);
    eth_buf_clear(&b);
    eth_rpc_free(rpc);
}

/* A batch scheduled with a delay of 3600 s waits until then (its execute, simulated early,
 * reverts with TimelockUnexpectedOperationState expecting "ready"), is ready after the chain's
 * clock moved 3600 s, and executes both calls: grantRole(PROPOSER, DEV1), updateDelay(7200). */
static void test_batch_waiting_then_ready(void **state)
{
    (void)state;
    eth_rpc *rpc = open_anvil();
    uint8_t tl[20], id[32];
    deploy_simple(rpc, 3600, tl);
    eth_buf grant = {0}, upd = {0}, b = {0};
    eth_error e = {0};
    char role[67], who[43];
    const char *gargs[2] = {kms_text_b32(KMS_ROLE_PROPOSER, role), kms_text_addr(DEV1, who)};
    const char *delay_arg = "7200";
    assert_int_equal(kms_calldata("grantRole(bytes32,address)", gargs, 2, &grant, &e), 0);
    assert_int_equal(kms_calldata("updateDelay(uint256)", &delay_arg, 1, &upd, &e), 0);
    kms_tl_call c[2] = {{.target = tl, .data = grant.data, .len = grant.len},
                        {.target = tl, .data = upd.data, .len = upd.len}};
    assert_int_equal(kms_timelock_op_id(c, 2, true, NULL, SALT, id, &e), 0);

    eth_receipt r;
    assert_int_equal(kms_timelock_schedule_data(c, 2, true, NULL, SALT, 3600, &b, &e), 0);
    send_tx(rpc, DEV0, tl, b.data, b.len, &r);
    uint64_t ready_at = block_time(rpc, r.block_number) + 3600;
    assert_state(rpc, tl, id, KMS_OP_WAITING, ready_at);

    b.len = 0;
    assert_int_equal(kms_timelock_execute_data(c, 2, true, NULL, SALT, &b, &e), 0);
    eth_call_req early = {.from = DEV0, .to = tl, .data = b.data, .data_len = b.len};
    eth_buf ret = {0};
    assert_int_equal(eth_rpc_call_contract(rpc, &early, "latest", &ret, &e), -ETH_EREVERT);
    eth_buf_clear(&ret);
    kms_revert why;
    assert_int_equal(kms_revert_explain(e.data, e.data_len, &why, &e), 0);
    assert_string_equal(why.name, "TimelockUnexpectedOperationState");
    assert_true(why.is_op_state);
    assert_memory_equal(why.op_id, id, 32);
    assert_int_equal(why.expected_states, 1u << KMS_OP_READY);

    kms_devnet_travel t;
    assert_int_equal(kms_devnet_time_travel(rpc, 3600, &t, &e), 0);
    assert_state(rpc, tl, id, KMS_OP_READY, ready_at);
    send_tx(rpc, DEV0, tl, b.data, b.len, &r);
    assert_state(rpc, tl, id, KMS_OP_DONE, 1);
    assert_true(has_role(rpc, tl, KMS_ROLE_PROPOSER, DEV1));
    uint64_t delay = 0;
    assert_int_equal(kms_timelock_min_delay(rpc, tl, "latest", &delay, &e), 0);
    assert_int_equal(delay, 7200);
    eth_buf_clear(&grant);
    eth_buf_clear(&upd);
    eth_buf_clear(&b);
    eth_rpc_free(rpc);
}

/* A scheduled operation cancelled with kms_timelock_cancel_data is unset again. */
static void test_cancel(void **state)
{
    (void)state;
    eth_rpc *rpc = open_anvil();
    uint8_t tl[20], id[32];
    deploy_simple(rpc, 600, tl);
    kms_tl_call c = {.target = T1, .data = D1, .len = sizeof D1};
    eth_buf b = {0};
    eth_error e = {0};
    eth_receipt r;
    assert_int_equal(kms_timelock_op_id(&c, 1, false, PRED, NULL, id, &e), 0);
    assert_int_equal(kms_timelock_schedule_data(&c, 1, false, PRED, NULL, 600, &b, &e), 0);
    send_tx(rpc, DEV0, tl, b.data, b.len, &r);
    assert_state(rpc, tl, id, KMS_OP_WAITING, block_time(rpc, r.block_number) + 600);
    b.len = 0;
    assert_int_equal(kms_timelock_cancel_data(id, &b, &e), 0);
    send_tx(rpc, DEV0, tl, b.data, b.len, &r);
    assert_state(rpc, tl, id, KMS_OP_UNSET, 0);
    eth_buf_clear(&b);
    eth_rpc_free(rpc);
}

/* Reading a timelock where there is none (an account without code) is -ETH_ESTATE naming the
 * address. */
static void test_read_not_a_timelock(void **state)
{
    (void)state;
    eth_rpc *rpc = open_anvil();
    eth_error e = {0};
    int st;
    uint64_t ts, delay;
    bool yes;
    assert_int_equal(kms_timelock_state(rpc, DEV1, "latest", SALT, &st, &ts, &e), -ETH_ESTATE);
    assert_int_equal(e.code, ETH_ESTATE);
    assert_string_equal(e.msg, "timelock 0x70997970C51812dc3A010C7d01b50e0d17dc79C8: "
                               "getOperationState(bytes32)(uint8) returned nothing: no "
                               "contract at that address, or it has no such function");
    assert_int_equal(kms_timelock_min_delay(rpc, DEV1, "latest", &delay, &e), -ETH_ESTATE);
    assert_int_equal(kms_timelock_has_role(rpc, DEV1, "latest", KMS_ROLE_PROPOSER, DEV0, &yes,
                                           &e), -ETH_ESTATE);
    eth_rpc_free(rpc);
}

/* What the fake node answers to getOperationState (selector 0x7958004c, `cast sig
 * "getOperationState(bytes32)"`) and to getTimestamp (0xd45c4435). */
typedef struct op_answer {
    unsigned state, timestamp;
} op_answer;

static bool answer_op(void *ctx, const char *body, int *status, char *out, size_t cap)
{
    const op_answer *a = ctx;
    const char *id = strstr(body, "\"id\":");
    long n = id ? strtol(id + 5, NULL, 10) : 0;
    unsigned v = strstr(body, "0x7958004c") ? a->state : a->timestamp;
    snprintf(out, cap, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"result\":\"0x%064x\"}", n, v);
    *status = 200;
    return true;
}

/* Reads an operation's state from a fake node answering a. */
static int state_from(const op_answer *a, int *st, uint64_t *ts, eth_error *e)
{
    fakenode f;
    eth_rpc *rpc = NULL;
    assert_int_equal(fakenode_start(&f, answer_op, (void *)a), 0);
    assert_int_equal(eth_rpc_open(f.url, NULL, &rpc, e), 0);
    int rc = kms_timelock_state(rpc, T1, "latest", SALT, st, ts, e);
    eth_rpc_free(rpc);
    fakenode_stop(&f);
    return rc;
}

/* A state and a timestamp that disagree (done at 5, unset at 7, a state past done, waiting at
 * 1) are -ETH_ERPC saying so; agreeing answers pass through. */
static void test_state_disagrees(void **state)
{
    (void)state;
    static const struct {
        op_answer a;
        int rc;
    } CASES[] = {{{3, 5}, -ETH_ERPC}, {{0, 7}, -ETH_ERPC}, {{4, 9}, -ETH_ERPC},
                 {{1, 1}, -ETH_ERPC}, {{1, 1700000000}, 0}, {{3, 1}, 0}};
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        eth_error e = {0};
        int st = -1;
        uint64_t ts = 0;
        assert_int_equal(state_from(&CASES[i].a, &st, &ts, &e), CASES[i].rc);
        if (CASES[i].rc == 0) {
            assert_int_equal(st, CASES[i].a.state);
            assert_int_equal(ts, CASES[i].a.timestamp);
        } else {
            assert_int_equal(e.code, ETH_ERPC);
        }
        if (i == 0)
            assert_string_equal(e.msg, "operation 0x00000000000000000000000000000000000000000000"
                                       "0000000000000000002a: the timelock answered state 3 "
                                       "with timestamp 5, which disagree (a block came between "
                                       "the reads, or it is no TimelockController): read "
                                       "again at a block number");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_ids),
        cmocka_unit_test(test_op_id_vectors),
        cmocka_unit_test(test_calldata_vectors),
        cmocka_unit_test(test_init_code),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_deploy_roles),
        cmocka_unit_test(test_op_id_matches_contract),
        cmocka_unit_test(test_schedule_execute_zero_delay),
        cmocka_unit_test(test_batch_waiting_then_ready),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_read_not_a_timelock),
        cmocka_unit_test(test_state_disagrees),
    };
    return cmocka_run_group_tests_name("timelock", tests, group_setup, group_teardown);
}
