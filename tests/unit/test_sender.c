/* test_sender.c: the transaction sender against a real anvil (transfers, creations, reverts
 * refused before sending and replayed after, idempotent broadcasts, used nonces, missing funds,
 * confirmations, reorganisations, EIP-1559 and legacy fees) and against a fake node for what
 * anvil never says (geth's refusal texts, a fee history without rewards). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "anvil.h"
#include "fakenode.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/rpc.h"
#include "eth/rpc_eth.h"
#include "eth/signer.h"
#include "eth/tx.h"
#include "kms/sender.h"

/* anvil's first dev account and its published key (anvil prints both at start). */
static const char *DEV0_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char *DEV0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

static test_anvil shared; /* London rules, for the whole group */
static test_anvil own;    /* one test's own chain (fresh, Berlin, or not mining) */

/* ---- helpers ---- */

static void addr_of(const char *hex, uint8_t out[20])
{
    eth_error e;
    assert_int_equal(eth_hex_decode_fixed(hex, out, 20, &e), 0);
}

static eth_rpc *open_url(const char *url)
{
    eth_rpc *rpc = NULL;
    eth_error e = {0};
    assert_int_equal(eth_rpc_open(url, NULL, &rpc, &e), 0);
    return rpc;
}

static eth_signer *dev0(void)
{
    eth_signer *s = NULL;
    eth_error e = {0};
    assert_int_equal(eth_signer_from_hex(DEV0_KEY, strlen(DEV0_KEY), "dev key", &s, &e), 0);
    return s;
}

/* Options for a dev chain: fast polling, a short wait. */
static kms_sender_opts quick(void)
{
    kms_sender_opts o;
    kms_sender_opts_default(&o);
    o.poll_ms = 20;
    o.wait_timeout_ms = 10000;
    return o;
}

static kms_sender *open_sender(eth_rpc *rpc, const eth_signer *sg, const kms_sender_opts *o)
{
    kms_sender *s = NULL;
    eth_error e = {0};
    int rc = kms_sender_open(rpc, sg, o, &s, &e);
    if (rc)
        fail_msg("kms_sender_open: %s", e.msg);
    return s;
}

/* Calls method(params) (params stolen) and returns its result (json_decref it). */
static json_t *rpc_json(eth_rpc *rpc, const char *method, json_t *params)
{
    json_t *r = NULL;
    eth_error e = {0};
    assert_non_null(params);
    int rc = eth_rpc_call(rpc, method, params, &r, &e);
    json_decref(params);
    if (rc)
        fail_msg("%s: %s", method, e.msg);
    return r;
}

static uint64_t block_number(eth_rpc *rpc)
{
    uint64_t n = 0;
    eth_error e = {0};
    assert_int_equal(eth_rpc_block_number(rpc, &n, &e), 0);
    return n;
}

/* Init code that returns runtime[0..n) (n < 256) as the contract's code: PUSH1 n DUP1
 * PUSH1 11 PUSH1 0 CODECOPY PUSH1 0 RETURN, then the runtime. */
static size_t init_code(const uint8_t *runtime, size_t n, uint8_t *out)
{
    const uint8_t head[11] = {0x60, (uint8_t)n, 0x80, 0x60, 11, 0x60, 0, 0x39, 0x60, 0, 0xf3};
    memcpy(out, head, sizeof head);
    memcpy(out + sizeof head, runtime, n);
    return sizeof head + n;
}

/* Runtime code that reverts with OwnableUnauthorizedAccount(msg.sender): PUSH4 0x118cdaa7
 * PUSH1 224 SHL PUSH1 0 MSTORE CALLER PUSH1 4 MSTORE PUSH1 36 PUSH1 0 REVERT. */
static const uint8_t GUARDED[] = {0x63, 0x11, 0x8c, 0xda, 0xa7, 0x60, 0xe0, 0x1b, 0x60, 0x00,
                                  0x52, 0x33, 0x60, 0x04, 0x52, 0x60, 0x24, 0x60, 0x00, 0xfd};

/* Runtime code that returns the word 42: PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN. */
static const uint8_t ANSWER[] = {0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3};

/* Deploys runtime through s and returns its address. */
static void deploy(kms_sender *s, const uint8_t *runtime, size_t n, uint8_t at[20])
{
    uint8_t code[300];
    kms_txreq req = {.data = code, .data_len = init_code(runtime, n, code), .what = "deploy"};
    eth_receipt r;
    eth_error e = {0};
    int rc = kms_sender_send(s, &req, NULL, &r, &e);
    if (rc)
        fail_msg("deploy: %s", e.msg);
    assert_true(r.has_contract_address);
    memcpy(at, r.contract_address, 20);
}

/* The revert data GUARDED gives for caller who. */
static void unauthorized_data(const uint8_t who[20], uint8_t out[36])
{
    memset(out, 0, 36);
    memcpy(out, "\x11\x8c\xda\xa7", 4);
    memcpy(out + 16, who, 20);
}

/* "0x1234..abcd" of hash, as progress lines show it. */
static void short_hash(const uint8_t hash[32], char out[16])
{
    char h[67];
    eth_hex_encode(hash, 32, h);
    snprintf(out, 16, "%.6s..%s", h, h + 62);
}

/* Prepares req at s and signs it into raw and hash. */
static void sign_req(kms_sender *s, const kms_txreq *req, eth_tx *tx, eth_buf *raw,
                     uint8_t hash[32])
{
    eth_error e = {0};
    eth_tx_init(tx);
    int rc = kms_sender_prepare(s, req, tx, &e);
    if (rc)
        fail_msg("prepare: %s", e.msg);
    assert_int_equal(kms_sender_sign(s, tx, raw, hash, &e), 0);
}

/* ---- progress that acts on the chain ---- */

enum act { ACT_MINE, ACT_REVERT, ACT_REBROADCAST };

/* One step of what a watcher does: after the first line that holds needle, act. */
typedef struct step {
    const char *needle;
    enum act act;
} step;

/* Records the progress lines and runs its steps in order on the chain. */
typedef struct watcher {
    eth_rpc *rpc;
    bool skip_pending; /* leave out "not mined yet": whether a poll sees the transaction still
                          pending right after the broadcast depends on anvil's timing */
    const step *steps;
    size_t nsteps;
    size_t done;
    char lines[8][512];
    size_t n;
    const char *snapshot; /* for ACT_REVERT */
    const eth_buf *raw;   /* for ACT_REBROADCAST */
} watcher;

static void act(const watcher *w, enum act a)
{
    uint8_t h[32];
    eth_error e = {0};
    if (a == ACT_MINE)
        json_decref(rpc_json(w->rpc, "evm_mine", json_array()));
    if (a == ACT_REVERT)
        json_decref(rpc_json(w->rpc, "evm_revert", json_pack("[s]", w->snapshot)));
    if (a == ACT_REBROADCAST)
        assert_int_equal(eth_rpc_send_raw(w->rpc, w->raw->data, w->raw->len, h, &e), 0);
}

static void watch(void *ctx, const char *line)
{
    watcher *w = ctx;
    if (w->skip_pending && strstr(line, ": not mined yet"))
        return;
    if (w->n < 8)
        snprintf(w->lines[w->n], sizeof w->lines[w->n], "%s", line);
    w->n++;
    if (w->done < w->nsteps && strstr(line, w->steps[w->done].needle))
        act(w, w->steps[w->done++].act);
}

/* ---- setups ---- */

static int start_shared(void **state)
{
    (void)state;
    return test_anvil_start(&shared, NULL);
}

static int stop_shared(void **state)
{
    (void)state;
    test_anvil_stop(&shared);
    return 0;
}

static int start_fresh(void **state)
{
    (void)state;
    return test_anvil_start(&own, NULL);
}

static int start_berlin(void **state)
{
    (void)state;
    const char *args[] = {"--hardfork", "berlin", NULL};
    return test_anvil_start(&own, args);
}

static int start_no_mining(void **state)
{
    (void)state;
    const char *args[] = {"--no-mining", NULL};
    return test_anvil_start(&own, args);
}

static int stop_own(void **state)
{
    (void)state;
    test_anvil_stop(&own);
    return 0;
}

/* ---- CREATE addresses ---- */

/* Vectors: anvil's well-known first deployments from dev account 0 (nonce 0 and 1), and
 * `cast compute-address 0xf39f...2266 --nonce N` (foundry 1.7.1) for the RLP length edges. */
static void test_create_address(void **state)
{
    (void)state;
    static const struct {
        uint64_t nonce;
        const char *address;
    } V[] = {
        {0, "0x5FbDB2315678afecb367f032d93F642f64180aa3"},
        {1, "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"},
        {127, "0x5fc748f1FEb28d7b76fa1c6B07D8ba2d5535177c"},
        {128, "0xB82008565FdC7e44609fA118A4a681E92581e680"},
        {255, "0x01E21d7B8c39dc4C764c19b308Bd8b14B1ba139E"},
        {256, "0x3C1Cb427D20F15563aDa8C249E71db76d7183B6c"},
        {4294967296u, "0xF601E625b5A95B8f9134C58D832D99824cb1d771"},
        {UINT64_MAX, "0x350ef3784Ec5fA5437ec3D67B57057bA6B9B0E86"},
    };
    uint8_t from[20], got[20], want[20];
    addr_of(DEV0, from);
    for (size_t i = 0; i < sizeof V / sizeof V[0]; i++) {
        kms_create_address(from, V[i].nonce, got);
        addr_of(V[i].address, want);
        assert_memory_equal(got, want, 20);
    }
}

/* Options out of range are refused before anything is asked of the node. */
static void test_open_refuses_bad_options(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url("http://127.0.0.1:9"); /* never contacted */
    eth_signer *sg = dev0();
    kms_sender_opts o = quick();
    o.poll_ms = 0;
    static char marker;
    kms_sender *s = (kms_sender *)&marker; /* not NULL, so that the test sees it reset */
    eth_error e = {0};
    assert_int_equal(kms_sender_open(rpc, sg, &o, &s, &e), -ETH_EINVAL);
    assert_null(s);
    assert_string_equal(e.msg, "sender options out of range: poll_ms 0 (at least 1), "
                               "wait_timeout_ms 10000 (0 for no limit, or more)");
    o = quick();
    o.wait_timeout_ms = -1;
    assert_int_equal(kms_sender_open(rpc, sg, &o, &s, &e), -ETH_EINVAL);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* ---- on anvil ---- */

static u256 balance_of(eth_rpc *rpc, const uint8_t addr[20])
{
    u256 b;
    eth_error e = {0};
    assert_int_equal(eth_rpc_get_balance(rpc, addr, "latest", &b, &e), 0);
    return b;
}

static uint64_t nonce_of(eth_rpc *rpc, const uint8_t addr[20], const char *block)
{
    uint64_t n = 0;
    eth_error e = {0};
    assert_int_equal(eth_rpc_get_nonce(rpc, addr, block, &n, &e), 0);
    return n;
}

/* A plain transfer step by step: the prepared tx (EIP-1559, nonce, estimate plus 20%), the
 * broadcast, the receipt, the exact value moved and the nonce counted locally. */
static void test_transfer(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(shared.url);
    eth_signer *sg = dev0();
    kms_sender_opts o = quick();
    kms_sender *s = open_sender(rpc, sg, &o);
    uint8_t dev[20], to[20];
    addr_of(DEV0, dev);
    memset(to, 0x77, 20);
    uint64_t pending = nonce_of(rpc, dev, "pending");
    assert_int_equal(kms_sender_chain_id(s), 31337);
    assert_memory_equal(kms_sender_address(s), dev, 20);
    assert_int_equal(kms_sender_next_nonce(s), pending);
    u256 value = u256_from_u64(12345), before = balance_of(rpc, to), moved;
    kms_txreq req = {.to = to, .value = &value, .what = "transfer"};
    eth_tx tx;
    eth_buf raw = {0};
    uint8_t hash[32];
    sign_req(s, &req, &tx, &raw, hash);
    assert_int_equal(tx.type, ETH_TX_DYNAMIC_FEE);
    assert_int_equal(tx.chain_id, 31337);
    assert_int_equal(tx.nonce, pending);
    assert_int_equal(tx.gas, 25200); /* eth_estimateGas 21000, plus 20% */
    assert_memory_equal(&tx.max_fee, &kms_sender_fees(s)->max_fee, sizeof(u256));
    assert_memory_equal(&tx.max_priority_fee, &kms_sender_fees(s)->max_priority, sizeof(u256));
    assert_int_equal(kms_sender_next_nonce(s), pending + 1);
    eth_error e = {0};
    assert_int_equal(kms_sender_broadcast(s, raw.data, raw.len, hash, &e), 0);
    eth_receipt r;
    assert_int_equal(kms_sender_wait(s, hash, "transfer", &r, &e), 0);
    assert_true(r.status);
    assert_memory_equal(r.tx_hash, hash, 32);
    assert_memory_equal(r.from, dev, 20);
    assert_int_equal(r.gas_used, 21000);
    u256 after = balance_of(rpc, to);
    assert_int_equal(u256_sub(&moved, &after, &before), 0);
    assert_true(u256_cmp(&moved, &value) == 0);
    assert_int_equal(nonce_of(rpc, dev, "latest"), pending + 1);
    eth_tx_clear(&tx);
    eth_buf_clear(&raw);
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* A creation lands where kms_create_address says, with the runtime code it returned. */
static void test_create_contract(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(shared.url);
    eth_signer *sg = dev0();
    kms_sender_opts o = quick();
    kms_sender *s = open_sender(rpc, sg, &o);
    uint8_t dev[20], want[20], hash[32], code[64];
    addr_of(DEV0, dev);
    kms_create_address(dev, kms_sender_next_nonce(s), want);
    kms_txreq req = {.data = code, .data_len = init_code(ANSWER, sizeof ANSWER, code),
                     .what = "Answer"};
    eth_receipt r;
    eth_error e = {0};
    assert_int_equal(kms_sender_send(s, &req, hash, &r, &e), 0);
    assert_memory_equal(r.tx_hash, hash, 32);
    assert_true(r.has_contract_address);
    assert_memory_equal(r.contract_address, want, 20);
    eth_buf got = {0};
    assert_int_equal(eth_rpc_get_code(rpc, want, "latest", &got, &e), 0);
    assert_int_equal(got.len, sizeof ANSWER);
    assert_memory_equal(got.data, ANSWER, sizeof ANSWER);
    eth_buf_clear(&got);
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* What kms_revert_describe says after the prefix for GUARDED called by dev account 0. */
static const char *UNAUTHORIZED_DEV0 =
    "OwnableUnauthorizedAccount(0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266): the caller "
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 is not the owner of the contract. Fix: send it "
    "through the contract's owner (kmsctl routes through its timelock or Safe); after "
    "transferOwnership the new owner must still call acceptOwnership";

/* A call that would revert is refused before anything is signed, with the exact revert data
 * and the error in words; the nonce is not taken. */
static void test_prepare_refuses_revert(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(shared.url);
    eth_signer *sg = dev0();
    kms_sender_opts o = quick();
    kms_sender *s = open_sender(rpc, sg, &o);
    uint8_t dev[20], guarded[20], want[36];
    addr_of(DEV0, dev);
    deploy(s, GUARDED, sizeof GUARDED, guarded);
    unauthorized_data(dev, want);
    uint64_t nonce = kms_sender_next_nonce(s);
    kms_txreq req = {.to = guarded, .data = (const uint8_t *)"\x18\x16\x0d\xdd", .data_len = 4,
                     .what = "Guarded.poke()"};
    eth_tx tx;
    eth_tx_init(&tx);
    eth_error e = {0};
    assert_int_equal(kms_sender_prepare(s, &req, &tx, &e), -ETH_EREVERT);
    assert_int_equal(e.code, ETH_EREVERT);
    assert_int_equal(e.data_len, 36);
    assert_memory_equal(e.data, want, 36);
    char msg[1024];
    snprintf(msg, sizeof msg, "Guarded.poke() would revert: %s", UNAUTHORIZED_DEV0);
    assert_string_equal(e.msg, msg);
    assert_int_equal(kms_sender_next_nonce(s), nonce);
    assert_int_equal(tx.data.len, 0);
    req.what = NULL; /* the message names the call instead */
    char at[43];
    eth_address_checksum(guarded, at);
    assert_int_equal(kms_sender_prepare(s, &req, &tx, &e), -ETH_EREVERT);
    snprintf(msg, sizeof msg, "the call to %s would revert: %s", at, UNAUTHORIZED_DEV0);
    assert_string_equal(e.msg, msg);
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* Sent with a gas limit given (no simulation), the same call fails on chain; wait replays it
 * at its block and returns the revert data and the explanation. */
static void test_wait_replays_revert(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(shared.url);
    eth_signer *sg = dev0();
    kms_sender_opts o = quick();
    kms_sender *s = open_sender(rpc, sg, &o);
    uint8_t dev[20], guarded[20], want[36], hash[32] = {0};
    addr_of(DEV0, dev);
    deploy(s, GUARDED, sizeof GUARDED, guarded);
    unauthorized_data(dev, want);
    uint64_t nonce = kms_sender_next_nonce(s);
    kms_txreq req = {.to = guarded, .data = (const uint8_t *)"\x18\x16\x0d\xdd", .data_len = 4,
                     .gas = 100000, .what = "Guarded.poke()"};
    eth_error e = {0};
    assert_int_equal(kms_sender_send(s, &req, hash, NULL, &e), -ETH_EREVERT);
    assert_int_equal(e.code, ETH_EREVERT);
    assert_int_equal(e.data_len, 36);
    assert_memory_equal(e.data, want, 36);
    eth_receipt r;
    bool found = false;
    eth_error e2 = {0};
    assert_int_equal(eth_rpc_get_receipt(rpc, hash, &r, &found, NULL, &e2), 0);
    assert_true(found);
    assert_false(r.status);
    char h[67], msg[1024];
    eth_hex_encode(hash, 32, h);
    snprintf(msg, sizeof msg, "%s (Guarded.poke()) failed in block %llu: %s", h,
             (unsigned long long)r.block_number, UNAUTHORIZED_DEV0);
    assert_string_equal(e.msg, msg);
    assert_int_equal(kms_sender_next_nonce(s), nonce + 1); /* it was mined */
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* Runtime code of a gate: called without data it opens (SSTORE(0, 1)); called with data it
 * reverts like GUARDED while closed and stops when open:
 *   CALLDATASIZE PUSH1 10 JUMPI PUSH1 1 PUSH1 0 SSTORE STOP
 *   10: JUMPDEST PUSH1 0 SLOAD PUSH1 37 JUMPI <GUARDED> 37: JUMPDEST STOP */
static void gate_code(uint8_t out[39])
{
    static const uint8_t HEAD[17] = {0x36, 0x60, 0x0a, 0x57, 0x60, 0x01, 0x60, 0x00, 0x55,
                                     0x00, 0x5b, 0x60, 0x00, 0x54, 0x60, 0x25, 0x57};
    memcpy(out, HEAD, sizeof HEAD);
    memcpy(out + sizeof HEAD, GUARDED, sizeof GUARDED);
    out[37] = 0x5b;
    out[38] = 0x00;
}

/* Waits until hash has a receipt, whatever its status. */
static void await_mined(eth_rpc *rpc, const uint8_t hash[32])
{
    for (int i = 0; i < 500; i++) {
        eth_receipt r;
        bool found = false;
        eth_error e = {0};
        assert_int_equal(eth_rpc_get_receipt(rpc, hash, &r, &found, NULL, &e), 0);
        if (found)
            return;
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    fail_msg("no receipt after 5 s");
}

/* The replay runs at the failed transaction's block: a later transaction that would let the
 * call pass (it opens the gate) does not hide the revert data. */
static void test_replay_at_its_block(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(shared.url);
    eth_signer *sg = dev0();
    kms_sender_opts o = quick();
    kms_sender *s = open_sender(rpc, sg, &o);
    uint8_t dev[20], gate[20], code[39], want[36], poke_hash[32], open_hash[32];
    addr_of(DEV0, dev);
    gate_code(code);
    deploy(s, code, sizeof code, gate);
    unauthorized_data(dev, want);
    kms_txreq poke = {.to = gate, .data = (const uint8_t *)"\x01", .data_len = 1, .gas = 100000,
                      .what = "Gate.poke"};
    kms_txreq open = {.to = gate, .what = "Gate.open"};
    eth_tx tx1, tx2;
    eth_buf raw1 = {0}, raw2 = {0};
    eth_error e = {0};
    sign_req(s, &poke, &tx1, &raw1, poke_hash);
    assert_int_equal(kms_sender_broadcast(s, raw1.data, raw1.len, poke_hash, &e), 0);
    await_mined(rpc, poke_hash);
    sign_req(s, &open, &tx2, &raw2, open_hash);
    assert_int_equal(kms_sender_broadcast(s, raw2.data, raw2.len, open_hash, &e), 0);
    assert_int_equal(kms_sender_wait(s, open_hash, "Gate.open", NULL, &e), 0);
    assert_int_equal(kms_sender_wait(s, poke_hash, "Gate.poke", NULL, &e), -ETH_EREVERT);
    assert_int_equal(e.data_len, 36);
    assert_memory_equal(e.data, want, 36);
    eth_tx_clear(&tx1);
    eth_tx_clear(&tx2);
    eth_buf_clear(&raw1);
    eth_buf_clear(&raw2);
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* A creation that runs out of gas fails without revert data: wait says so and names the gas
 * limit it used up. */
static void test_wait_out_of_gas(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(shared.url);
    eth_signer *sg = dev0();
    kms_sender_opts o = quick();
    kms_sender *s = open_sender(rpc, sg, &o);
    static const uint8_t STORE[] = {0x60, 0x01, 0x60, 0x00, 0x55}; /* SSTORE(0, 1): 22100 gas */
    kms_txreq req = {.data = STORE, .data_len = sizeof STORE, .gas = 60000, .what = "Store"};
    uint8_t hash[32];
    eth_error e = {0};
    assert_int_equal(kms_sender_send(s, &req, hash, NULL, &e), -ETH_EREVERT);
    assert_int_equal(e.code, ETH_EREVERT);
    assert_int_equal(e.data_len, 0);
    eth_receipt r;
    bool found = false;
    eth_error e2 = {0};
    assert_int_equal(eth_rpc_get_receipt(rpc, hash, &r, &found, NULL, &e2), 0);
    assert_true(found);
    assert_false(r.status);
    assert_int_equal(r.gas_used, 60000);
    char h[67], head[256];
    eth_hex_encode(hash, 32, h);
    snprintf(head, sizeof head, "%s (Store) failed in block %llu (status 0): replaying it gave "
                                "no revert data (%s: node error -32603: ", h,
             (unsigned long long)r.block_number, shared.url);
    const char *tail = "); it used all 60000 gas of its limit: it ran out of gas, send it again "
                       "with a higher gas limit";
    assert_int_equal(strncmp(e.msg, head, strlen(head)), 0);
    size_t n = strlen(e.msg), t = strlen(tail);
    assert_true(n > t);
    assert_string_equal(e.msg + n - t, tail);
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* The same raw transaction broadcast again is success: while pending (anvil: "transaction
 * already imported") and once mined (anvil: "nonce too low", and the node has the hash). It
 * is mined once. */
static void test_broadcast_twice(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(own.url);
    eth_signer *sg = dev0();
    kms_sender_opts o = quick();
    kms_sender *s = open_sender(rpc, sg, &o);
    uint8_t to[20], dev[20], hash[32];
    memset(to, 0x78, 20);
    addr_of(DEV0, dev);
    u256 one = u256_from_u64(1);
    kms_txreq req = {.to = to, .value = &one, .what = "once"};
    eth_tx tx;
    eth_buf raw = {0};
    sign_req(s, &req, &tx, &raw, hash);
    eth_error e = {0};
    assert_int_equal(kms_sender_broadcast(s, raw.data, raw.len, hash, &e), 0);
    assert_int_equal(kms_sender_broadcast(s, raw.data, raw.len, hash, &e), 0);
    assert_int_equal(nonce_of(rpc, dev, "latest"), 0); /* not mined yet */
    json_decref(rpc_json(rpc, "evm_mine", json_array()));
    eth_receipt r;
    assert_int_equal(kms_sender_wait(s, hash, "once", &r, &e), 0);
    assert_true(r.status);
    assert_int_equal(kms_sender_broadcast(s, raw.data, raw.len, hash, &e), 0);
    assert_int_equal(nonce_of(rpc, dev, "pending"), 1);
    u256 got = balance_of(rpc, to);
    assert_true(u256_cmp(&got, &one) == 0);
    eth_tx_clear(&tx);
    eth_buf_clear(&raw);
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* A transaction whose nonce another transaction took is -ETH_ESTATE, with the nonce, the
 * account's next nonce and the reason. */
static void test_nonce_used_elsewhere(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(shared.url);
    eth_signer *sg = dev0();
    kms_sender_opts o = quick();
    kms_sender *a = open_sender(rpc, sg, &o), *b = open_sender(rpc, sg, &o);
    uint64_t n = kms_sender_next_nonce(a);
    uint8_t to[20], hash[32], other[32];
    memset(to, 0x79, 20);
    u256 one = u256_from_u64(1), two = u256_from_u64(2);
    kms_txreq mine = {.to = to, .value = &one, .what = "mine"};
    kms_txreq theirs = {.to = to, .value = &two, .what = "theirs"};
    eth_tx tx;
    eth_buf raw = {0};
    sign_req(a, &mine, &tx, &raw, hash);
    eth_error e = {0};
    assert_int_equal(kms_sender_send(b, &theirs, other, NULL, &e), 0);
    assert_int_equal(kms_sender_broadcast(a, raw.data, raw.len, hash, &e), -ETH_ESTATE);
    assert_int_equal(e.code, ETH_ESTATE);
    char h[67], msg[512];
    eth_hex_encode(hash, 32, h);
    snprintf(msg, sizeof msg, "nonce %llu of %s was already used by another transaction, so %s "
                              "can never be mined (the account's next nonce is %llu): something "
                              "else sends from this account; sign it again at a fresh nonce",
             (unsigned long long)n, DEV0, h, (unsigned long long)n + 1);
    assert_string_equal(e.msg, msg);
    eth_tx_clear(&tx);
    eth_buf_clear(&raw);
    kms_sender_free(a);
    kms_sender_free(b);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* An account without funds: the refusal says what the transaction may cost and the balance,
 * and kms_sender_send gives the nonce back. */
static void test_insufficient_funds(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(shared.url);
    eth_signer *poor = NULL;
    eth_error e = {0};
    assert_int_equal(eth_signer_generate(&poor, &e), 0);
    kms_sender_opts o = quick();
    kms_sender *s = open_sender(rpc, poor, &o);
    uint8_t to[20], hash[32];
    memset(to, 0x7a, 20);
    u256 five = u256_from_u64(5), gas = u256_from_u64(21000), cost;
    kms_txreq req = {.to = to, .value = &five, .gas = 21000, .what = "poor"};
    assert_int_equal(kms_sender_send(s, &req, hash, NULL, &e), -ETH_ERPC);
    assert_int_equal(e.code, ETH_ERPC);
    assert_int_equal(kms_sender_next_nonce(s), 0);
    const kms_fees *f = kms_sender_fees(s);
    assert_int_equal(u256_mul(&cost, &gas, &f->max_fee), 0);
    assert_int_equal(u256_add(&cost, &cost, &five), 0);
    char from[43], h[67], cost_s[U256_DEC_MAX + 2], fee_s[U256_DEC_MAX], msg[512];
    eth_address_checksum(kms_sender_address(s), from);
    eth_hex_encode(hash, 32, h);
    assert_int_equal(u256_format_units(&cost, 18, cost_s, &e), 0);
    u256_to_dec(&f->max_fee, fee_s);
    snprintf(msg, sizeof msg, "%s cannot pay for %s: it may cost up to %s ether (gas 21000 at up "
                              "to %s wei, plus a value of 5 wei) and the balance is 0 ether: fund "
                              "the account or lower the fees", from, h, cost_s, fee_s);
    assert_string_equal(e.msg, msg);
    kms_sender_free(s);
    eth_signer_free(poor);
    eth_rpc_free(rpc);
}

/* confirmations 2: one progress line for the first confirmation, and done once one more
 * block exists (mined by the progress callback); with nobody mining, a timeout. */
static void test_confirmations(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(shared.url), *miner = open_url(shared.url);
    eth_signer *sg = dev0();
    static const step MINE_ONCE[] = {{"1 of 2 confirmations", ACT_MINE}};
    watcher w = {.rpc = miner, .skip_pending = true, .steps = MINE_ONCE, .nsteps = 1};
    kms_sender_opts o = quick();
    o.confirmations = 2;
    o.progress = (kms_progress){watch, &w};
    kms_sender *s = open_sender(rpc, sg, &o);
    uint8_t to[20], hash[32];
    memset(to, 0x7b, 20);
    kms_txreq req = {.to = to, .what = "two blocks"};
    eth_receipt r;
    eth_error e = {0};
    assert_int_equal(kms_sender_send(s, &req, hash, &r, &e), 0);
    char sh[16], line[256];
    short_hash(hash, sh);
    snprintf(line, sizeof line, "waiting for %s (two blocks): mined in block %llu, 1 of 2 "
                                "confirmations", sh, (unsigned long long)r.block_number);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.lines[0], line);
    assert_int_equal(block_number(rpc), r.block_number + 1);
    kms_sender_free(s);

    watcher idle = {.skip_pending = true};
    o.progress = (kms_progress){watch, &idle};
    o.wait_timeout_ms = 300;
    s = open_sender(rpc, sg, &o);
    req.what = "stuck";
    assert_int_equal(kms_sender_send(s, &req, hash, &r, &e), -ETH_ETIMEOUT);
    assert_int_equal(e.code, ETH_ETIMEOUT);
    char h[67], msg[512];
    eth_hex_encode(hash, 32, h);
    snprintf(msg, sizeof msg, "%s (stuck) has 1 of 2 confirmations after 300 ms: the chain adds "
                              "blocks slowly; wait for it again", h);
    assert_string_equal(e.msg, msg);
    assert_int_equal(idle.n, 1); /* one line, however many polls */
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(miner);
    eth_rpc_free(rpc);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A transaction the node never mines: one progress line, then -ETH_ETIMEOUT on time. */
static void test_wait_timeout(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(shared.url);
    eth_signer *sg = dev0();
    watcher w = {0};
    kms_sender_opts o = quick();
    o.wait_timeout_ms = 200;
    o.progress = (kms_progress){watch, &w};
    kms_sender *s = open_sender(rpc, sg, &o);
    uint8_t ghost[32];
    memset(ghost, 0x11, 32);
    eth_error e = {0};
    int64_t t0 = now_ms();
    assert_int_equal(kms_sender_wait(s, ghost, "ghost", NULL, &e), -ETH_ETIMEOUT);
    int64_t took = now_ms() - t0;
    assert_true(took >= 200 && took < 2000);
    char h[67], msg[512];
    eth_hex_encode(ghost, 32, h);
    snprintf(msg, sizeof msg, "%s (ghost) is not mined after 200 ms: its fees may be too low or an "
                              "earlier nonce may be missing; wait for it again or look it up by "
                              "its hash", h);
    assert_string_equal(e.msg, msg);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.lines[0], "waiting for 0x1111..1111 (ghost): not mined yet");
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* A receipt that disappears while confirmations are awaited (evm_revert to a snapshot taken
 * before it) is waited for again; the same transaction mined again completes the wait. */
static void test_reorg(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(shared.url), *chain = open_url(shared.url);
    eth_signer *sg = dev0();
    json_t *snap = rpc_json(chain, "evm_snapshot", json_array());
    assert_true(json_is_string(snap));
    static const step SCRIPT[] = {{"1 of 2 confirmations", ACT_REVERT},
                                  {"no longer in block", ACT_REBROADCAST},
                                  {"1 of 2 confirmations", ACT_MINE}};
    eth_buf raw = {0};
    watcher w = {.rpc = chain, .skip_pending = true, .steps = SCRIPT, .nsteps = 3, .snapshot = json_string_value(snap),
                 .raw = &raw};
    kms_sender_opts o = quick();
    o.confirmations = 2;
    o.progress = (kms_progress){watch, &w};
    kms_sender *s = open_sender(rpc, sg, &o);
    uint8_t to[20], hash[32];
    memset(to, 0x7c, 20);
    kms_txreq req = {.to = to, .what = "reorged"};
    eth_tx tx;
    sign_req(s, &req, &tx, &raw, hash);
    eth_error e = {0};
    uint64_t b = block_number(rpc) + 1; /* where it is mined, before and after the revert */
    assert_int_equal(kms_sender_broadcast(s, raw.data, raw.len, hash, &e), 0);
    eth_receipt r;
    assert_int_equal(kms_sender_wait(s, hash, "reorged", &r, &e), 0);
    assert_int_equal(r.block_number, b);
    char sh[16], mined[256], gone[256];
    short_hash(hash, sh);
    snprintf(mined, sizeof mined, "waiting for %s (reorged): mined in block %llu, 1 of 2 "
                                  "confirmations", sh, (unsigned long long)b);
    snprintf(gone, sizeof gone, "waiting for %s (reorged): no longer in block %llu (a "
                                "reorganisation), waiting for it to be mined again", sh,
             (unsigned long long)b);
    assert_int_equal(w.n, 3);
    assert_string_equal(w.lines[0], mined);
    assert_string_equal(w.lines[1], gone);
    assert_string_equal(w.lines[2], mined);
    json_decref(snap);
    eth_tx_clear(&tx);
    eth_buf_clear(&raw);
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(chain);
    eth_rpc_free(rpc);
}

/* ---- fees ---- */

static u256 u(uint64_t v)
{
    return u256_from_u64(v);
}

static void assert_u256(const u256 *got, uint64_t want)
{
    u256 w = u(want);
    char g[U256_DEC_MAX];
    u256_to_dec(got, g);
    if (u256_cmp(got, &w) != 0)
        fail_msg("got %s, want %llu", g, (unsigned long long)want);
}

/* A fresh anvil (London rules, base fee 1 gwei, blocks without rewards): EIP-1559 at a 1 wei
 * tip and twice the base fee plus it; each override, and the inconsistent ones refused. */
static void test_fees_eip1559(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(own.url);
    eth_error e = {0};
    kms_fees f;
    assert_int_equal(kms_fees_suggest(rpc, NULL, &f, &e), 0);
    assert_false(f.legacy);
    assert_u256(&f.max_priority, 1);
    assert_u256(&f.max_fee, 2000000001);
    u256 cost;
    assert_int_equal(kms_fees_max_cost(&f, 21000, &cost), 0);
    assert_u256(&cost, 42000000021000ull);

    u256 tip = u(3000000000), cap = u(10000000000), low_cap = u(4000000000), big_tip = u(5000000000);
    kms_fee_overrides ov = {.priority_fee = &tip};
    assert_int_equal(kms_fees_suggest(rpc, &ov, &f, &e), 0);
    assert_u256(&f.max_priority, 3000000000);
    assert_u256(&f.max_fee, 5000000000);
    ov = (kms_fee_overrides){.gas_price = &cap};
    assert_int_equal(kms_fees_suggest(rpc, &ov, &f, &e), 0);
    assert_u256(&f.max_priority, 1);
    assert_u256(&f.max_fee, 10000000000);
    ov = (kms_fee_overrides){.gas_price = &low_cap, .priority_fee = &big_tip};
    assert_int_equal(kms_fees_suggest(rpc, &ov, &f, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "the priority fee (5000000000 wei) is above the max fee "
                               "(4000000000 wei), which caps it: lower --priority-gas-price or "
                               "raise --gas-price");

    u256 price;
    assert_int_equal(eth_rpc_gas_price(rpc, &price, &e), 0);
    ov = (kms_fee_overrides){.force_legacy = true};
    assert_int_equal(kms_fees_suggest(rpc, &ov, &f, &e), 0);
    assert_true(f.legacy);
    assert_true(u256_cmp(&f.gas_price, &price) == 0);
    ov.gas_price = &cap;
    assert_int_equal(kms_fees_suggest(rpc, &ov, &f, &e), 0);
    assert_u256(&f.gas_price, 10000000000);
    assert_int_equal(kms_fees_max_cost(&f, 3, &cost), 0);
    assert_u256(&cost, 30000000000);
    ov.priority_fee = &tip;
    assert_int_equal(kms_fees_suggest(rpc, &ov, &f, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "a priority fee (3000000000 wei) was given, but the transaction "
                               "is legacy (--legacy) and has only a gas price: drop "
                               "--priority-gas-price");

    /* a sender refuses them too, and a transaction pays the base fee plus the 1 wei tip */
    eth_signer *sg = dev0();
    kms_sender *s = NULL;
    kms_sender_opts o = quick();
    o.fees = (kms_fee_overrides){.gas_price = &low_cap, .priority_fee = &big_tip};
    assert_int_equal(kms_sender_open(rpc, sg, &o, &s, &e), -ETH_EINVAL);
    assert_null(s);
    o = quick();
    s = open_sender(rpc, sg, &o);
    uint8_t to[20];
    memset(to, 0x7d, 20);
    kms_txreq req = {.to = to, .what = "tip"};
    eth_receipt r;
    assert_int_equal(kms_sender_send(s, &req, NULL, &r, &e), 0);
    char tag[ETH_BLOCK_TAG_MAX];
    eth_block blk;
    bool found = false;
    assert_int_equal(eth_rpc_get_block(rpc, eth_block_tag(r.block_number, tag), &blk, &found, &e),
                     0);
    u256 paid;
    assert_int_equal(u256_sub(&paid, &r.effective_gas_price, &blk.base_fee), 0);
    assert_u256(&paid, 1);
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* kms_fees_max_cost reports a product past 2^256. */
static void test_fees_max_cost_overflow(void **state)
{
    (void)state;
    kms_fees f = {.max_fee = {{0, 0, 0, 1ull << 63}}};
    u256 cost;
    assert_int_equal(kms_fees_max_cost(&f, 2, &cost), 1);
    assert_int_equal(kms_fees_max_cost(&f, 1, &cost), 0);
    f.legacy = true; /* then gas_price counts, which is zero */
    assert_int_equal(kms_fees_max_cost(&f, 2, &cost), 0);
    assert_true(u256_is_zero(&cost));
}

/* anvil under Berlin rules has no base fee: a legacy transaction with EIP-155 (type 0, chain
 * id in v) at eth_gasPrice, mined; a priority fee is refused there. */
static void test_legacy_chain(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(own.url);
    eth_signer *sg = dev0();
    kms_sender_opts o = quick();
    kms_sender *s = open_sender(rpc, sg, &o);
    eth_error e = {0};
    u256 price;
    assert_int_equal(eth_rpc_gas_price(rpc, &price, &e), 0);
    assert_true(kms_sender_fees(s)->legacy);
    assert_true(u256_cmp(&kms_sender_fees(s)->gas_price, &price) == 0);
    uint8_t to[20], dev[20], hash[32], sender[20];
    memset(to, 0x7e, 20);
    addr_of(DEV0, dev);
    u256 one = u(1);
    kms_txreq req = {.to = to, .value = &one, .what = "legacy"};
    eth_tx tx, back;
    eth_buf raw = {0};
    sign_req(s, &req, &tx, &raw, hash);
    assert_true(raw.data[0] >= 0xc0); /* an RLP list: no EIP-2718 type byte */
    assert_int_equal(eth_tx_decode(raw.data, raw.len, &back, &e), 0);
    assert_int_equal(back.type, ETH_TX_LEGACY);
    assert_int_equal(back.has_chain_id, 1);
    assert_int_equal(back.chain_id, 31337);
    assert_int_equal(eth_tx_v(&back), 31337 * 2 + 35 + back.sig.v);
    assert_int_equal(eth_tx_sender(&back, sender, &e), 0);
    assert_memory_equal(sender, dev, 20);
    assert_int_equal(kms_sender_broadcast(s, raw.data, raw.len, hash, &e), 0);
    eth_receipt r;
    assert_int_equal(kms_sender_wait(s, hash, "legacy", &r, &e), 0);
    assert_true(r.status);
    char h[67];
    eth_hex_encode(hash, 32, h);
    json_t *got = rpc_json(rpc, "eth_getTransactionByHash", json_pack("[s]", h));
    assert_string_equal(json_string_value(json_object_get(got, "type")), "0x0");
    uint64_t v = 0;
    assert_int_equal(eth_quantity_u64(json_object_get(got, "v"), "v", &v, &e), 0);
    assert_int_equal(v, eth_tx_v(&back));
    json_decref(got);
    eth_tx_clear(&back);
    eth_tx_clear(&tx);
    eth_buf_clear(&raw);
    kms_sender_free(s);

    u256 tip = u(7);
    o.fees.priority_fee = &tip;
    s = NULL;
    assert_int_equal(kms_sender_open(rpc, sg, &o, &s, &e), -ETH_EINVAL);
    assert_null(s);
    assert_string_equal(e.msg, "a priority fee (7 wei) was given, but the transaction is legacy "
                               "(the chain has no base fee) and has only a gas price: drop "
                               "--priority-gas-price");
    eth_signer_free(sg);
    eth_rpc_free(rpc);
}

/* ---- on a fake node ---- */

/* A chain as the fake node plays it: base fee 100 wei, pending nonce 9, no transaction known,
 * no balance; eth_feeHistory and eth_sendRawTransaction answer what the test sets. */
typedef struct fake_chain {
    const char *fee_history; /* the result of eth_feeHistory (JSON) */
    char send_reply[512];    /* the "result":.. or "error":.. member of eth_sendRawTransaction */
    char fee_params[128];    /* the params eth_feeHistory was asked with */
    int lookups;             /* eth_getTransactionByHash requests */
} fake_chain;

static const struct {
    const char *method;
    const char *member;
} FAKE_ANSWERS[] = {
    {"eth_chainId", "\"result\":\"0x7a69\""},
    {"eth_getTransactionCount", "\"result\":\"0x9\""},
    {"eth_getBlockByNumber",
     "\"result\":{\"number\":\"0x10\",\"hash\":\"0x"
     "abababababababababababababababababababababababababababababababab\",\"timestamp\":"
     "\"0x1\",\"gasLimit\":\"0x1c9c380\",\"baseFeePerGas\":\"0x64\"}"},
    {"eth_maxPriorityFeePerGas", "\"result\":\"0x2a\""},
    {"eth_getTransactionByHash", "\"result\":null"},
    {"eth_getBalance", "\"result\":\"0x0\""},
};

static bool answer_chain(void *ctx, const char *body, int *status, char *out, size_t cap)
{
    fake_chain *c = ctx;
    json_t *req = json_loads(body, 0, NULL);
    const char *m = json_string_value(json_object_get(req, "method"));
    long long id = (long long)json_integer_value(json_object_get(req, "id"));
    char member[1024] = "\"error\":{\"code\":-32601,\"message\":\"method not found\"}";
    for (size_t i = 0; m && i < sizeof FAKE_ANSWERS / sizeof FAKE_ANSWERS[0]; i++)
        if (strcmp(m, FAKE_ANSWERS[i].method) == 0)
            snprintf(member, sizeof member, "%s", FAKE_ANSWERS[i].member);
    if (m && strcmp(m, "eth_getTransactionByHash") == 0)
        c->lookups++;
    if (m && strcmp(m, "eth_sendRawTransaction") == 0)
        snprintf(member, sizeof member, "%s", c->send_reply);
    if (m && strcmp(m, "eth_feeHistory") == 0) {
        char *p = json_dumps(json_object_get(req, "params"), JSON_COMPACT);
        snprintf(c->fee_params, sizeof c->fee_params, "%s", p ? p : "");
        free(p);
        snprintf(member, sizeof member, "\"result\":%s", c->fee_history);
    }
    snprintf(out, cap, "{\"jsonrpc\":\"2.0\",\"id\":%lld,%s}", id, member);
    *status = 200;
    json_decref(req);
    return true;
}

/* Suggests fees from a fake node whose history is history (ov may be NULL). */
static kms_fees fake_fees(const char *history, const kms_fee_overrides *ov, fake_chain *c)
{
    fakenode node;
    *c = (fake_chain){.fee_history = history};
    assert_int_equal(fakenode_start(&node, answer_chain, c), 0);
    eth_rpc *rpc = open_url(node.url);
    kms_fees f;
    eth_error e = {0};
    int rc = kms_fees_suggest(rpc, ov, &f, &e);
    eth_rpc_free(rpc);
    fakenode_stop(&node);
    if (rc)
        fail_msg("kms_fees_suggest: %s", e.msg);
    return f;
}

/* The priority fee is the median of the last 10 blocks' 50th-percentile rewards (the upper
 * middle one for an even count), at least 1 wei, or eth_maxPriorityFeePerGas when the node
 * gives no rewards; a max fee given alone caps the tip. */
static void test_fees_history(void **state)
{
    (void)state;
    fake_chain c;
    const char *even = "{\"oldestBlock\":\"0xd\",\"baseFeePerGas\":[\"0x64\",\"0x64\",\"0x64\","
                       "\"0x64\",\"0x64\"],\"reward\":[[\"0x5\"],[\"0x1\"],[\"0x9\"],[\"0x3\"]]}";
    kms_fees f = fake_fees(even, NULL, &c);
    assert_string_equal(c.fee_params, "[10,\"latest\",[50.0]]");
    assert_false(f.legacy);
    assert_u256(&f.max_priority, 5); /* 1 3 | 5 9 */
    assert_u256(&f.max_fee, 205);    /* twice the base fee 100, plus 5 */
    f = fake_fees("{\"oldestBlock\":\"0xe\",\"baseFeePerGas\":[\"0x64\",\"0x64\",\"0x64\","
                  "\"0x64\"],\"reward\":[[\"0x7\"],[\"0x2\"],[\"0x4\"]]}", NULL, &c);
    assert_u256(&f.max_priority, 4);
    assert_u256(&f.max_fee, 204);
    f = fake_fees("{\"oldestBlock\":\"0xe\",\"baseFeePerGas\":[\"0x64\",\"0x64\",\"0x64\","
                  "\"0x64\"],\"reward\":[[\"0x0\"],[\"0x0\"],[\"0x3\"]]}", NULL, &c);
    assert_u256(&f.max_priority, 1); /* the median 0 is raised to 1 wei */
    assert_u256(&f.max_fee, 201);
    f = fake_fees("{\"oldestBlock\":\"0xe\",\"baseFeePerGas\":[\"0x64\",\"0x64\"]}", NULL, &c);
    assert_u256(&f.max_priority, 42); /* eth_maxPriorityFeePerGas */
    assert_u256(&f.max_fee, 242);
    u256 cap = u(3);
    kms_fee_overrides ov = {.gas_price = &cap};
    f = fake_fees(even, &ov, &c);
    assert_u256(&f.max_priority, 3);
    assert_u256(&f.max_fee, 3);
}

/* A node's refusals in geth's words: "already known" is success without a lookup; "nonce too
 * low" for a hash the node does not know is -ETH_ESTATE; other refusals keep the node's words;
 * an answer with another hash is refused; missing funds say the cost. */
static void test_broadcast_refusals(void **state)
{
    (void)state;
    fake_chain c = {0};
    fakenode node;
    assert_int_equal(fakenode_start(&node, answer_chain, &c), 0);
    c.fee_history = "{\"oldestBlock\":\"0xf\",\"baseFeePerGas\":[\"0x64\",\"0x64\"],"
                    "\"reward\":[[\"0x5\"]]}";
    eth_rpc *rpc = open_url(node.url);
    eth_signer *sg = dev0();
    kms_sender_opts o = quick();
    kms_sender *s = open_sender(rpc, sg, &o);
    assert_int_equal(kms_sender_next_nonce(s), 9);
    kms_sender_set_nonce(s, 5);
    uint8_t to[20], hash[32];
    memset(to, 0x7f, 20);
    kms_txreq req = {.to = to, .gas = 21000, .what = "fake"};
    eth_tx tx;
    eth_buf raw = {0};
    sign_req(s, &req, &tx, &raw, hash);
    assert_int_equal(tx.nonce, 5);
    char h[67], msg[512];
    eth_hex_encode(hash, 32, h);
    eth_error e = {0};

    snprintf(c.send_reply, sizeof c.send_reply,
             "\"error\":{\"code\":-32000,\"message\":\"already known\"}");
    assert_int_equal(kms_sender_broadcast(s, raw.data, raw.len, hash, &e), 0);
    assert_int_equal(c.lookups, 0);

    snprintf(c.send_reply, sizeof c.send_reply,
             "\"error\":{\"code\":-32000,\"message\":\"nonce too low: next nonce 9, tx nonce 5\"}");
    assert_int_equal(kms_sender_broadcast(s, raw.data, raw.len, hash, &e), -ETH_ESTATE);
    assert_int_equal(c.lookups, 1);
    snprintf(msg, sizeof msg, "nonce 5 of %s was already used by another transaction, so %s can "
                              "never be mined (the account's next nonce is 9): something else "
                              "sends from this account; sign it again at a fresh nonce", DEV0, h);
    assert_string_equal(e.msg, msg);

    snprintf(c.send_reply, sizeof c.send_reply,
             "\"error\":{\"code\":-32000,\"message\":\"replacement transaction underpriced\"}");
    assert_int_equal(kms_sender_broadcast(s, raw.data, raw.len, hash, &e), -ETH_ERPC);
    snprintf(msg, sizeof msg, "broadcasting %s: %s: node error -32000: replacement transaction "
                              "underpriced", h, node.url);
    assert_string_equal(e.msg, msg);

    snprintf(c.send_reply, sizeof c.send_reply, "\"result\":\"0x%064x\"", 1);
    assert_int_equal(kms_sender_broadcast(s, raw.data, raw.len, hash, &e), -ETH_ERPC);
    snprintf(msg, sizeof msg, "%s: broadcasting %s, the node answered the hash 0x%064x: the raw "
                              "bytes are not that transaction", node.url, h, 1);
    assert_string_equal(e.msg, msg);

    snprintf(c.send_reply, sizeof c.send_reply,
             "\"error\":{\"code\":-32000,\"message\":\"insufficient funds for gas * price + value: "
             "address %s have 0 want 4305000\"}", DEV0);
    assert_int_equal(kms_sender_broadcast(s, raw.data, raw.len, hash, &e), -ETH_ERPC);
    snprintf(msg, sizeof msg, "%s cannot pay for %s: it may cost up to 0.000000000004305 ether "
                              "(gas 21000 at up to 205 wei, plus a value of 0 wei) and the balance "
                              "is 0 ether: fund the account or lower the fees", DEV0, h);
    assert_string_equal(e.msg, msg);

    eth_tx_clear(&tx);
    eth_buf_clear(&raw);
    kms_sender_free(s);
    eth_signer_free(sg);
    eth_rpc_free(rpc);
    fakenode_stop(&node);
}

int main(void)
{
    const struct CMUnitTest shared_tests[] = {
        cmocka_unit_test(test_transfer),
        cmocka_unit_test(test_create_contract),
        cmocka_unit_test(test_prepare_refuses_revert),
        cmocka_unit_test(test_wait_replays_revert),
        cmocka_unit_test(test_replay_at_its_block),
        cmocka_unit_test(test_wait_out_of_gas),
        cmocka_unit_test(test_nonce_used_elsewhere),
        cmocka_unit_test(test_insufficient_funds),
        cmocka_unit_test(test_confirmations),
        cmocka_unit_test(test_wait_timeout),
        cmocka_unit_test(test_reorg),
    };
    const struct CMUnitTest own_tests[] = {
        cmocka_unit_test_setup_teardown(test_fees_eip1559, start_fresh, stop_own),
        cmocka_unit_test_setup_teardown(test_legacy_chain, start_berlin, stop_own),
        cmocka_unit_test_setup_teardown(test_broadcast_twice, start_no_mining, stop_own),
    };
    const struct CMUnitTest offline_tests[] = {
        cmocka_unit_test(test_create_address),
        cmocka_unit_test(test_fees_max_cost_overflow),
        cmocka_unit_test(test_open_refuses_bad_options),
        cmocka_unit_test(test_fees_history),
        cmocka_unit_test(test_broadcast_refusals),
    };
    int failed = cmocka_run_group_tests_name("sender offline", offline_tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("sender on one anvil", shared_tests, start_shared,
                                          stop_shared);
    return failed + cmocka_run_group_tests_name("sender on its own anvil", own_tests, NULL, NULL);
}
