/* test_decode.c: the nested decoder a Safe signer reads (lib/kms/decode.h). Offline; the
 * calldata is built with kms_calldata, kms_timelock_*_data, kms_multisend_data and
 * kms_safe_exec_data (each checked against cast in test_timelock.c and test_safe.c), or packed
 * by hand here where it must be malformed. The addresses are anvil's first deployments from
 * its dev account 0 (EIP-55 as `cast to-check-sum-address` prints them); the hashes are
 * arbitrary. Number texts and selectors are cast 1.7.1's: `cast abi-decode "f(uint256)(uint256)"
 * $(cast abi-encode "f(uint256)" 86400)` prints "86400 [8.64e4]" and 3600 "3600"; `cast sig
 * "addOsImageHash(bytes32)"` is 0x06a3ae96, "updateDelay(uint256)" 0x64d62353. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/address.h"
#include "eth/hex.h"
#include "kms/call.h"
#include "kms/decode.h"
#include "kms/safe.h"
#include "kms/safe_canonical.h"
#include "kms/safe_tx.h"
#include "kms/timelock.h"

#define KMS_TEXT "0x5FbDB2315678afecb367f032d93F642f64180aa3"
#define TL_TEXT "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
#define SAFE_TEXT "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"
#define APP_TEXT "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9"
#define MS_TEXT "0x9641d764fc13c8B624c04430C7356C1C7C8102e2"
#define ODD_TEXT "0x000000000000000000000000000000000000dEaD"
#define H1 "0x1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "0x2222222222222222222222222222222222222222222222222222222222222222"
#define ZERO32 "0x0000000000000000000000000000000000000000000000000000000000000000"

static uint8_t KMS[20], TL[20], SAFE[20], APP[20], MS[20], ODD[20];
static kms_known KNOWN[4];

static int group_setup(void **state)
{
    (void)state;
    eth_error e;
    const char *const texts[] = {KMS_TEXT, TL_TEXT, SAFE_TEXT, APP_TEXT, MS_TEXT, ODD_TEXT};
    uint8_t *const addrs[] = {KMS, TL, SAFE, APP, MS, ODD};
    for (size_t i = 0; i < 6; i++)
        if (eth_address_parse(texts[i], addrs[i], 1, &e) != 0)
            return -1;
    KNOWN[0] = (kms_known){{0}, "DstackKms", "DstackKms"};
    KNOWN[1] = (kms_known){{0}, "timelock", "TimelockController"};
    KNOWN[2] = (kms_known){{0}, "Safe", "Safe"};
    KNOWN[3] = (kms_known){{0}, "DstackApp", "DstackApp"};
    memcpy(KNOWN[0].addr, KMS, 20);
    memcpy(KNOWN[1].addr, TL, 20);
    memcpy(KNOWN[2].addr, SAFE, 20);
    memcpy(KNOWN[3].addr, APP, 20);
    return 0;
}

/* Sets out to the calldata of sig with the argument texts a0 and a1 (NULL from the first one
 * sig does not take). */
static void calldata(const char *sig, eth_buf *out, const char *a0, const char *a1)
{
    const char *args[2] = {a0, a1};
    size_t n = a0 ? (a1 ? 2 : 1) : 0;
    eth_error e;
    out->len = 0;
    assert_int_equal(kms_calldata(sig, args, n, out, &e), 0);
}

/* multiSend(bytes) of packed[0..n), into out. */
static void multisend_of(const eth_buf *packed, eth_buf *out)
{
    char *hex = NULL;
    eth_error e;
    assert_int_equal(eth_hex_encode_alloc(packed->data, packed->len, &hex, &e), 0);
    calldata("multiSend(bytes)", out, hex, NULL);
    free(hex);
}

/* Appends one MultiSend call packed by hand: operation, to, value, the length len_word says
 * (big-endian, 32 bytes), then n bytes of data. */
static void pack(eth_buf *b, uint8_t op, const uint8_t to[20], uint64_t value,
                 const uint8_t len_word[32], const uint8_t *data, size_t n)
{
    eth_error e;
    uint8_t v[32];
    u256 x = u256_from_u64(value);
    u256_to_be(&x, v);
    assert_int_equal(eth_buf_append(b, &op, 1, &e), 0);
    assert_int_equal(eth_buf_append(b, to, 20, &e), 0);
    assert_int_equal(eth_buf_append(b, v, 32, &e), 0);
    assert_int_equal(eth_buf_append(b, len_word, 32, &e), 0);
    assert_int_equal(eth_buf_append(b, data, n, &e), 0);
}

static void len_word(size_t n, uint8_t out[32])
{
    u256 x = u256_from_u64(n);
    u256_to_be(&x, out);
}

/* Decodes a Safe tx from SAFE with the four known addresses into *d. */
static void decode_tx(const uint8_t to[20], const eth_buf *data, uint8_t op, kms_decoded *d)
{
    kms_safe_tx tx = {0};
    memcpy(tx.to, to, 20);
    tx.data = *data; /* borrowed: not cleared here */
    tx.operation = op;
    eth_error e = {0};
    assert_int_equal(kms_decode_safe_tx(KNOWN, 4, SAFE, &tx, d, &e), 0);
}

/* Decodes a plain call with the four known addresses (nknown of them) into *d. */
static void decode_call(size_t nknown, const uint8_t to[20], const eth_buf *data, int op,
                        kms_decoded *d)
{
    eth_error e = {0};
    assert_int_equal(kms_decode_call(KNOWN, nknown, to, NULL, data->data, data->len, op, d, &e),
                     0);
}

static void assert_render(const kms_decoded *d, const char *want)
{
    eth_buf b = {0};
    eth_error e;
    assert_int_equal(kms_decoded_render(d, &b, &e), 0);
    assert_string_equal(eth_buf_str(&b), want);
    eth_buf_clear(&b);
}

/* ---- the layers ---- */

/* Safe -> timelock.schedule(DstackKms, 0, addOsImageHash(H1), 0, 0, 86400): the whole text. */
static void test_safe_schedule_add_os_image(void **state)
{
    (void)state;
    eth_buf inner = {0}, sched = {0};
    eth_error e;
    calldata("addOsImageHash(bytes32)", &inner, H1, NULL);
    kms_tl_call c = {KMS, u256_from_u64(0), inner.data, inner.len};
    assert_int_equal(kms_timelock_schedule_data(&c, 1, false, NULL, NULL, 86400, &sched, &e), 0);
    kms_decoded d = {0};
    decode_tx(TL, &sched, 0, &d);
    assert_render(&d,
                  "timelock " TL_TEXT ": schedule(address target = " KMS_TEXT
                  ", uint256 value = 0, bytes data = <1 call below>, bytes32 predecessor = "
                  ZERO32 ", bytes32 salt = " ZERO32 ", uint256 delay = 86400 [8.64e4])\n"
                  "  -> DstackKms " KMS_TEXT ": addOsImageHash(bytes32 osImageHash = " H1 ")\n");
    assert_int_equal(kms_decoded_all_warnings(&d), 0);
    assert_int_equal(d.nchildren, 1);
    assert_memory_equal(d.children[0].to, KMS, 20);
    assert_int_equal(d.children[0].nchildren, 0);
    kms_decoded_clear(&d);
    assert_null(d.children);
    eth_buf_clear(&inner);
    eth_buf_clear(&sched);
}

/* scheduleBatch of three calls: one child each, in order; transferOwnership is flagged on its
 * own node only. */
static void test_schedule_batch(void **state)
{
    (void)state;
    eth_buf d1 = {0}, d2 = {0}, d3 = {0}, sched = {0};
    eth_error e;
    calldata("addOsImageHash(bytes32)", &d1, H1, NULL);
    calldata("addComposeHash(bytes32)", &d2, H2, NULL);
    calldata("transferOwnership(address)", &d3, ODD_TEXT, NULL);
    kms_tl_call c[3] = {{KMS, u256_from_u64(0), d1.data, d1.len},
                        {APP, u256_from_u64(0), d2.data, d2.len},
                        {KMS, u256_from_u64(0), d3.data, d3.len}};
    assert_int_equal(kms_timelock_schedule_data(c, 3, true, NULL, NULL, 60, &sched, &e), 0);
    kms_decoded d = {0};
    decode_tx(TL, &sched, 0, &d);
    assert_render(&d,
                  "timelock " TL_TEXT ": scheduleBatch(address[] targets = [" KMS_TEXT
                  ", " APP_TEXT ", " KMS_TEXT "], uint256[] values = [0, 0, 0], bytes[] payloads = "
                  "<3 calls below>, bytes32 predecessor = " ZERO32 ", bytes32 salt = " ZERO32
                  ", uint256 delay = 60)\n"
                  "  -> DstackKms " KMS_TEXT ": addOsImageHash(bytes32 osImageHash = " H1 ")\n"
                  "  -> DstackApp " APP_TEXT ": addComposeHash(bytes32 composeHash = "
                  H2 ")\n"
                  "  -> DstackKms " KMS_TEXT ": transferOwnership(address newOwner = " ODD_TEXT
                  ")\n"
                  "     ! transferOwnership hands the contract to a new owner\n");
    assert_int_equal(d.warnings, 0);
    assert_int_equal(d.children[2].warnings, KMS_WARN_OWNERSHIP);
    assert_int_equal(kms_decoded_all_warnings(&d), KMS_WARN_OWNERSHIP);
    kms_decoded_clear(&d);

    /* Arrays of different lengths, which the timelock refuses: no calls, a warning. */
    const char *args[6] = {"[" KMS_TEXT "," APP_TEXT "]", "[0]", "[0x,0x]", ZERO32, ZERO32, "60"};
    sched.len = 0;
    assert_int_equal(kms_calldata("scheduleBatch(address[],uint256[],bytes[],bytes32,bytes32,"
                                  "uint256)", args, 6, &sched, &e), 0);
    decode_tx(TL, &sched, 0, &d);
    assert_int_equal(d.nchildren, 0);
    assert_int_equal(d.warnings, KMS_WARN_UNKNOWN_FUNCTION);
    assert_string_equal(d.warning_text, "the batch's arrays differ in length (targets 2, values "
                                        "1, payloads 2): the timelock refuses it");
    assert_non_null(strstr(d.call, "bytes[] payloads = [0x, 0x]"));
    kms_decoded_clear(&d);
    eth_buf_clear(&d1);
    eth_buf_clear(&d2);
    eth_buf_clear(&d3);
    eth_buf_clear(&sched);
}

/* A Safe tx delegatecalling the canonical MultiSendCallOnly with two calls: no delegatecall
 * warning, one child per call, each a call from the Safe. The same to any other address: the
 * delegatecall and the unexpected target are flagged, and the calls still show. */
static void test_multisend(void **state)
{
    (void)state;
    eth_buf d1 = {0}, d2 = {0}, ms = {0};
    eth_error e;
    calldata("addOsImageHash(bytes32)", &d1, H1, NULL);
    calldata("updateDelay(uint256)", &d2, "3600", NULL);
    kms_tl_call c[2] = {{KMS, u256_from_u64(0), d1.data, d1.len},
                        {TL, u256_from_u64(0), d2.data, d2.len}};
    assert_int_equal(kms_multisend_data(c, 2, &ms, &e), 0);
    kms_decoded d = {0};
    decode_tx(MS, &ms, 1, &d);
    assert_render(&d, "delegatecall MultiSendCallOnly " MS_TEXT
                      ": multiSend(bytes transactions = <2 calls below>)\n"
                      "  -> DstackKms " KMS_TEXT ": addOsImageHash(bytes32 osImageHash = " H1 ")\n"
                      "  -> timelock " TL_TEXT ": updateDelay(uint256 newDelay = 3600)\n"
                      "     ! updateDelay changes how long the timelock makes changes wait\n");
    assert_int_equal(d.warnings, 0);
    assert_int_equal(d.operation, 1);
    assert_int_equal(d.children[0].operation, 0);
    kms_decoded_clear(&d);

    decode_tx(ODD, &ms, 1, &d);
    assert_int_equal(d.warnings, KMS_WARN_DELEGATECALL | KMS_WARN_UNEXPECTED_TARGET);
    assert_string_equal(d.target, "unknown contract " ODD_TEXT);
    assert_string_equal(d.warning_text,
                        "delegatecall: the code at the target runs as the calling Safe, with its "
                        "owners, modules and funds; the target is none of the known contracts");
    assert_int_equal(d.nchildren, 2);
    assert_string_equal(d.children[1].call, "updateDelay(uint256 newDelay = 3600)");
    kms_decoded_clear(&d);

    /* A plain call to the canonical MultiSendCallOnly is no delegatecall either. */
    decode_tx(MS, &ms, 0, &d);
    assert_int_equal(d.warnings, 0);
    kms_decoded_clear(&d);
    eth_buf_clear(&d1);
    eth_buf_clear(&d2);
    eth_buf_clear(&ms);
}

/* A Safe tx calling the Safe's own addOwnerWithThreshold; the Safe need not be in the known
 * list ("this Safe" then, and not unexpected); inside a MultiSend too. */
static void test_safe_config(void **state)
{
    (void)state;
    eth_buf data = {0}, packed = {0}, ms = {0};
    eth_error e;
    calldata("addOwnerWithThreshold(address,uint256)", &data, ODD_TEXT, "1");
    kms_decoded d = {0};
    decode_tx(SAFE, &data, 0, &d);
    assert_render(&d, "Safe " SAFE_TEXT ": addOwnerWithThreshold(address owner = " ODD_TEXT
                      ", uint256 _threshold = 1)\n"
                      "   ! addOwnerWithThreshold adds a Safe owner and sets the threshold\n");
    assert_int_equal(d.warnings, KMS_WARN_SAFE_CONFIG);
    kms_decoded_clear(&d);

    kms_safe_tx tx = {0};
    memcpy(tx.to, SAFE, 20);
    tx.data = data;
    assert_int_equal(kms_decode_safe_tx(KNOWN, 2, SAFE, &tx, &d, &e), 0);
    assert_string_equal(d.target, "this Safe " SAFE_TEXT);
    assert_int_equal(d.warnings, KMS_WARN_SAFE_CONFIG);
    kms_decoded_clear(&d);

    calldata("changeThreshold(uint256)", &data, "1", NULL);
    uint8_t lw[32];
    len_word(data.len, lw);
    pack(&packed, 0, SAFE, 0, lw, data.data, data.len);
    multisend_of(&packed, &ms);
    decode_tx(MS, &ms, 1, &d);
    assert_int_equal(d.warnings, 0);
    assert_int_equal(d.children[0].warnings, KMS_WARN_SAFE_CONFIG);
    assert_string_equal(d.children[0].warning_text,
                        "changeThreshold changes how many owners a Safe tx needs");
    kms_decoded_clear(&d);
    eth_buf_clear(&data);
    eth_buf_clear(&packed);
    eth_buf_clear(&ms);
}

/* gasPrice != 0, or a gas token or refund receiver alone, is a refund, on the root. */
static void test_refund(void **state)
{
    (void)state;
    eth_buf data = {0};
    eth_error e;
    calldata("addOsImageHash(bytes32)", &data, H1, NULL);
    kms_safe_tx tx = {0};
    memcpy(tx.to, KMS, 20);
    tx.data = data;
    kms_decoded d = {0};
    assert_int_equal(kms_decode_safe_tx(KNOWN, 4, SAFE, &tx, &d, &e), 0);
    assert_int_equal(d.warnings, 0);
    kms_decoded_clear(&d);

    tx.gas_price = u256_from_u64(1000000000);
    assert_int_equal(kms_decode_safe_tx(KNOWN, 4, SAFE, &tx, &d, &e), 0);
    assert_int_equal(d.warnings, KMS_WARN_REFUND);
    assert_string_equal(d.warning_text,
                        "the Safe pays a gas refund: gasPrice 1000000000, gasToken "
                        "0x0000000000000000000000000000000000000000, refundReceiver "
                        "0x0000000000000000000000000000000000000000");
    kms_decoded_clear(&d);

    tx.gas_price = u256_from_u64(0);
    memcpy(tx.refund_receiver, ODD, 20);
    assert_int_equal(kms_decode_safe_tx(KNOWN, 4, SAFE, &tx, &d, &e), 0);
    assert_int_equal(d.warnings, KMS_WARN_REFUND);
    kms_decoded_clear(&d);

    memset(tx.refund_receiver, 0, 20);
    memcpy(tx.gas_token, APP, 20);
    assert_int_equal(kms_decode_safe_tx(KNOWN, 4, SAFE, &tx, &d, &e), 0);
    assert_int_equal(d.warnings, KMS_WARN_REFUND);
    kms_decoded_clear(&d);
    eth_buf_clear(&data);
}

/* A target outside the known list is flagged (only when there is a list), and decoded by the
 * selector in every embedded ABI; a selector no ABI knows, one the target's ABI lacks,
 * arguments that do not decode and calldata shorter than a selector are each an unknown
 * function, shown by size. */
static void test_unknown_target_and_function(void **state)
{
    (void)state;
    eth_buf data = {0};
    calldata("addOsImageHash(bytes32)", &data, H1, NULL);
    kms_decoded d = {0};
    decode_call(4, ODD, &data, 0, &d);
    assert_render(&d, "unknown contract " ODD_TEXT ": addOsImageHash(bytes32 osImageHash = " H1
                      ")\n   ! the target is none of the known contracts\n");
    assert_int_equal(d.warnings, KMS_WARN_UNEXPECTED_TARGET);
    kms_decoded_clear(&d);
    decode_call(0, ODD, &data, 0, &d);
    assert_int_equal(d.warnings, 0);
    kms_decoded_clear(&d);

    /* 0x12345678 and three words: no embedded ABI has this selector. */
    uint8_t raw[100] = {0x12, 0x34, 0x56, 0x78};
    eth_buf unknown = {.data = raw, .len = sizeof raw};
    decode_call(4, KMS, &unknown, 0, &d);
    assert_string_equal(d.call, "unknown function 0x12345678 (100 bytes of calldata)");
    assert_int_equal(d.warnings, KMS_WARN_UNKNOWN_FUNCTION);
    assert_string_equal(d.warning_text, "the DstackKms ABI has no function with this selector");
    kms_decoded_clear(&d);
    decode_call(4, ODD, &unknown, 0, &d);
    assert_int_equal(d.warnings, KMS_WARN_UNKNOWN_FUNCTION | KMS_WARN_UNEXPECTED_TARGET);
    assert_string_equal(d.warning_text, "the target is none of the known contracts; no embedded "
                                        "ABI has a function with this selector");
    kms_decoded_clear(&d);

    /* updateDelay is the timelock's, not DstackKms's: to DstackKms it is unknown. */
    calldata("updateDelay(uint256)", &data, "1", NULL);
    decode_call(4, KMS, &data, 0, &d);
    assert_string_equal(d.call, "unknown function 0x64d62353 (36 bytes of calldata)");
    kms_decoded_clear(&d);

    calldata("addOsImageHash(bytes32)", &data, H1, NULL);
    data.len = 20; /* the argument cut short */
    decode_call(4, KMS, &data, 0, &d);
    assert_string_equal(d.call, "addOsImageHash(bytes32) (20 bytes of calldata)");
    assert_string_equal(d.warning_text, "the arguments do not decode as the ABI says");
    kms_decoded_clear(&d);
    data.len = 3;
    decode_call(4, KMS, &data, 0, &d);
    assert_string_equal(d.call, "no selector (3 bytes of calldata)");
    assert_int_equal(d.warnings, KMS_WARN_UNKNOWN_FUNCTION);
    kms_decoded_clear(&d);
    uint8_t *big = calloc(KMS_DECODE_MAX_DATA + 1, 1); /* over the cap: not even looked up */
    assert_non_null(big);
    memcpy(big, data.data, 4);
    eth_buf bigbuf = {.data = big, .len = KMS_DECODE_MAX_DATA + 1};
    decode_call(4, KMS, &bigbuf, 0, &d);
    assert_string_equal(d.call, "too much calldata (1048577 bytes of calldata)");
    assert_string_equal(d.warning_text, "the calldata is over the 1048576 bytes kmsctl decodes");
    kms_decoded_clear(&d);
    free(big);
    data.len = 0; /* plain ether: no call text, no function warning */
    decode_call(4, KMS, &data, 0, &d);
    assert_string_equal(d.call, "");
    assert_int_equal(d.warnings, 0);
    kms_decoded_clear(&d);
    eth_buf_clear(&data);
}

/* MultiSend bytes cut short, with a length past their end (over 64 bits too), with bytes
 * after the last call, or with a call of operation 1 (MultiSendCallOnly reverts on it): no call
 * is shown (a signer sees nothing half-read), the transactions show as clipped hex, and the
 * fault is flagged on the multiSend node with where it is (kms_multisend_unpack's words). No
 * calls at all is no warning. */
static void test_multisend_malformed(void **state)
{
    (void)state;
    eth_buf inner = {0}, packed = {0}, ms = {0};
    calldata("addOsImageHash(bytes32)", &inner, H1, NULL);
    uint8_t lw[32], huge[32];
    len_word(inner.len, lw);
    memset(huge, 0, sizeof huge);
    huge[0] = 0x80;
    pack(&packed, 0, KMS, 0, lw, inner.data, inner.len); /* 85 + 36 = 121 bytes */
    pack(&packed, 0, KMS, 0, lw, inner.data, inner.len);
    size_t whole = packed.len;
    kms_decoded d = {0};

    packed.len = whole - 1; /* the second call's data cut short */
    multisend_of(&packed, &ms);
    decode_tx(MS, &ms, 1, &d);
    assert_int_equal(d.nchildren, 0);
    assert_int_equal(d.warnings, KMS_WARN_UNKNOWN_FUNCTION);
    assert_string_equal(d.warning_text, "the MultiSend transactions do not unpack: multiSend: a "
                                        "call's data runs past the end");
    assert_string_equal(d.call, "multiSend(bytes transactions = "
                                "0x005fbdb2315678afecb367f032d93f642f64180aa300000000000000000000"
                                "00... (241 bytes))");
    kms_decoded_clear(&d);

    packed.len = whole + 10; /* 10 bytes after the second call */
    memset(packed.data + whole, 0xab, 10);
    multisend_of(&packed, &ms);
    decode_tx(MS, &ms, 1, &d);
    assert_int_equal(d.nchildren, 0);
    assert_string_equal(d.warning_text, "the MultiSend transactions do not unpack: multiSend: a "
                                        "call cut short at byte 310");
    kms_decoded_clear(&d);

    packed.len = 0;
    pack(&packed, 0, KMS, 0, huge, inner.data, inner.len); /* a length of 2^255 */
    multisend_of(&packed, &ms);
    decode_tx(MS, &ms, 1, &d);
    assert_int_equal(d.nchildren, 0);
    assert_int_equal(d.warnings, KMS_WARN_UNKNOWN_FUNCTION);
    kms_decoded_clear(&d);

    packed.len = 0;
    multisend_of(&packed, &ms);
    decode_tx(MS, &ms, 1, &d);
    assert_int_equal(d.nchildren, 0);
    assert_int_equal(d.warnings, 0);
    assert_string_equal(d.call, "multiSend(bytes transactions = 0x)");
    kms_decoded_clear(&d);

    pack(&packed, 1, ODD, 5, lw, inner.data, inner.len);
    multisend_of(&packed, &ms);
    decode_tx(MS, &ms, 1, &d);
    assert_int_equal(d.nchildren, 0);
    assert_string_equal(d.warning_text, "the MultiSend transactions do not unpack: multiSend: call "
                                        "at byte 68 has operation 1, not a call");
    kms_decoded_clear(&d);

    /* Calldata that is not multiSend's canonical encoding (its bytes at offset 0x40, which
     * the ABI decodes) is refused too: kmsctl never writes it. */
    uint8_t odd_head[4 + 96] = {0x8d, 0x80, 0xff, 0x0a}; /* `cast sig "multiSend(bytes)"` */
    odd_head[4 + 31] = 0x40;
    eth_buf raw = {.data = odd_head, .len = sizeof odd_head};
    decode_call(4, MS, &raw, 1, &d);
    assert_string_equal(d.call, "multiSend(bytes transactions = 0x)");
    assert_string_equal(d.warning_text, "the MultiSend transactions do not unpack: multiSend: "
                                        "unexpected offset of its bytes");
    kms_decoded_clear(&d);
    eth_buf_clear(&inner);
    eth_buf_clear(&packed);
    eth_buf_clear(&ms);
}

/* The JSON form: every member, warnings by name in bit order, children under "calls". */
static void test_json(void **state)
{
    (void)state;
    eth_buf inner = {0}, packed = {0}, ms = {0};
    calldata("renounceOwnership()", &inner, NULL, NULL);
    uint8_t lw[32];
    len_word(inner.len, lw);
    pack(&packed, 0, ODD, 7, lw, inner.data, inner.len);
    multisend_of(&packed, &ms);
    kms_decoded d = {0};
    decode_call(4, ODD, &ms, 1, &d);
    json_t *j = kms_decoded_json(&d);
    assert_non_null(j);
    char *text = json_dumps(j, JSON_COMPACT);
    assert_string_equal(
        text,
        "{\"to\":\"" ODD_TEXT "\",\"target\":\"unknown contract " ODD_TEXT "\",\"operation\":1,"
        "\"value\":\"0\",\"call\":\"multiSend(bytes transactions = <1 call below>)\","
        "\"warnings\":[\"delegatecall\",\"unexpected_target\"],\"warning_text\":\"delegatecall: "
        "the code at the target runs as the calling Safe, with its owners, modules and funds; "
        "the target is none of the known contracts\",\"calls\":[{\"to\":\"" ODD_TEXT "\","
        "\"target\":\"unknown contract " ODD_TEXT "\",\"operation\":0,\"value\":\"7\","
        "\"call\":\"renounceOwnership()\",\"warnings\":[\"unexpected_target\",\"value\","
        "\"ownership\"],\"warning_text\":\"the target is none of the known contracts; sends 7 "
        "wei along; renounceOwnership leaves the contract without an owner, for good\","
        "\"calls\":[]}]}");
    free(text);
    json_decref(j);
    assert_string_equal(kms_decode_warning_name(KMS_WARN_SAFE_CONFIG), "safe_config");
    assert_string_equal(kms_decode_warning_name(KMS_WARN_REFUND), "refund");
    assert_null(kms_decode_warning_name(KMS_WARN_OWNERSHIP << 1));
    assert_null(kms_decode_warning_name(KMS_WARN_VALUE | KMS_WARN_REFUND));
    kms_decoded_clear(&d);
    eth_buf_clear(&inner);
    eth_buf_clear(&packed);
    eth_buf_clear(&ms);
}

/* Wraps data (to target) in timelock.execute(target, 0, data, 0, 0) to TL, `times` times. */
static void wrap_execute(eth_buf *data, const uint8_t *target, int times)
{
    eth_error e;
    for (int i = 0; i < times; i++) {
        eth_buf next = {0};
        kms_tl_call c = {i == 0 ? target : TL, u256_from_u64(0), data->data, data->len};
        assert_int_equal(kms_timelock_execute_data(&c, 1, false, NULL, NULL, &next, &e), 0);
        eth_buf_clear(data);
        *data = next;
    }
}

/* The deepest node of d's first-child chain, and the number of levels. */
static const kms_decoded *deepest(const kms_decoded *d, int *levels)
{
    for (*levels = 1; d->nchildren > 0; ++*levels)
        d = &d->children[0];
    return d;
}

/* KMS_DECODE_MAX_DEPTH levels are decoded; a call nested one deeper is left as hex with a
 * warning on the last level decoded. */
static void test_depth_cap(void **state)
{
    (void)state;
    eth_buf data = {0};
    int levels;
    kms_decoded d = {0};
    calldata("addOsImageHash(bytes32)", &data, H1, NULL);
    wrap_execute(&data, KMS, KMS_DECODE_MAX_DEPTH - 1);
    decode_call(4, TL, &data, 0, &d);
    const kms_decoded *last = deepest(&d, &levels);
    assert_int_equal(levels, KMS_DECODE_MAX_DEPTH);
    assert_string_equal(last->call, "addOsImageHash(bytes32 osImageHash = " H1 ")");
    assert_int_equal(kms_decoded_all_warnings(&d), 0);
    kms_decoded_clear(&d);

    wrap_execute(&data, TL, 1);
    decode_call(4, TL, &data, 0, &d);
    last = deepest(&d, &levels);
    assert_int_equal(levels, KMS_DECODE_MAX_DEPTH);
    assert_int_equal(kms_decoded_all_warnings(&d), KMS_WARN_UNKNOWN_FUNCTION);
    assert_int_equal(last->warnings, KMS_WARN_UNKNOWN_FUNCTION);
    assert_string_equal(last->warning_text,
                        "its 1 nested call is not decoded: past 8 levels or 256 calls in all");
    assert_string_equal(last->call,
                        "execute(address target = " KMS_TEXT ", uint256 value = 0, bytes payload = "
                        "0x06a3ae9611111111111111111111111111111111111111111111111111111111... "
                        "(36 bytes), bytes32 predecessor = " ZERO32 ", bytes32 salt = " ZERO32 ")");
    kms_decoded_clear(&d);
    eth_buf_clear(&data);
}

/* scheduleBatch of n copies of addOsImageHash(H1) to KMS, into out. */
static void batch_of(size_t n, eth_buf *out)
{
    eth_buf inner = {0};
    eth_error e;
    calldata("addOsImageHash(bytes32)", &inner, H1, NULL);
    kms_tl_call *c = calloc(n, sizeof *c);
    assert_non_null(c);
    for (size_t i = 0; i < n; i++)
        c[i] = (kms_tl_call){KMS, u256_from_u64(0), inner.data, inner.len};
    out->len = 0;
    assert_int_equal(kms_timelock_schedule_data(c, n, true, NULL, NULL, 0, out, &e), 0);
    free(c);
    eth_buf_clear(&inner);
}

/* At most KMS_DECODE_MAX_NODES nodes in a tree, the root included: a batch that would pass it
 * keeps its calls undecoded with a warning, while earlier siblings keep theirs. */
static void test_node_cap(void **state)
{
    (void)state;
    eth_buf data = {0}, packed = {0}, ms = {0};
    kms_decoded d = {0};
    batch_of(KMS_DECODE_MAX_NODES - 1, &data);
    decode_call(4, TL, &data, 0, &d);
    assert_int_equal(d.nchildren, KMS_DECODE_MAX_NODES - 1);
    assert_int_equal(kms_decoded_all_warnings(&d), 0);
    kms_decoded_clear(&d);

    batch_of(KMS_DECODE_MAX_NODES, &data);
    decode_call(4, TL, &data, 0, &d);
    assert_int_equal(d.nchildren, 0);
    assert_string_equal(d.warning_text,
                        "its 256 nested calls are not decoded: past 8 levels or 256 calls in all");
    kms_decoded_clear(&d);

    /* MultiSend (1 node) of two batches of 200: 1 + 2 + 200 fit, the second 200 do not. */
    batch_of(200, &data);
    uint8_t lw[32];
    len_word(data.len, lw);
    pack(&packed, 0, TL, 0, lw, data.data, data.len);
    pack(&packed, 0, TL, 0, lw, data.data, data.len);
    multisend_of(&packed, &ms);
    decode_call(4, MS, &ms, 1, &d);
    assert_int_equal(d.nchildren, 2);
    assert_int_equal(d.children[0].nchildren, 200);
    assert_int_equal(d.children[1].nchildren, 0);
    assert_int_equal(d.children[1].warnings, KMS_WARN_UNKNOWN_FUNCTION);
    kms_decoded_clear(&d);
    eth_buf_clear(&data);
    eth_buf_clear(&packed);
    eth_buf_clear(&ms);
}

/* Outside text is shown in plain ASCII: a string's quotes, newlines, direction marks and
 * non-ASCII letters are escaped (a string cannot pose as more arguments), long strings and
 * bytes are clipped with their length, and so is a known name, the address staying whole. */
static void test_outside_text(void **state)
{
    (void)state;
    eth_buf data = {0};
    kms_decoded d = {0};
    calldata("setGatewayAppId(string)", &data,
             "x\", bytes32 evil = 0x00\xe2\x80\xae\xc3\xa9\nz", NULL);
    decode_call(4, KMS, &data, 0, &d);
    assert_string_equal(d.call, "setGatewayAppId(string appId = \"x\\\", bytes32 evil = "
                                "0x00\\u{202e}\\u{e9}\\nz\")");
    kms_decoded_clear(&d);

    char longs[101];
    memset(longs, 'a', 100);
    longs[100] = '\0';
    calldata("setGatewayAppId(string)", &data, longs, NULL);
    decode_call(4, KMS, &data, 0, &d);
    assert_string_equal(d.call, "setGatewayAppId(string appId = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" (100 bytes))");
    kms_decoded_clear(&d);

    char hex[2 + 200 + 1] = "0x";
    memset(hex + 2, 'f', 200);
    hex[202] = '\0';
    calldata("setKmsQuote(bytes)", &data, hex, NULL);
    decode_call(4, KMS, &data, 0, &d);
    assert_string_equal(d.call, "setKmsQuote(bytes quote = 0xffffffffffffffffffffffffffffffff"
                                "ffffffffffffffffffffffffffffffff... (100 bytes))");
    kms_decoded_clear(&d);

    kms_known odd[2] = {{{0}, "evil\n\xc3\xa9\"", NULL}, {{0}, longs, NULL}};
    memcpy(odd[0].addr, ODD, 20);
    memcpy(odd[1].addr, KMS, 20);
    eth_error e;
    data.len = 0;
    assert_int_equal(kms_decode_call(odd, 2, ODD, NULL, NULL, 0, 0, &d, &e), 0);
    assert_string_equal(d.target, "evil\\n\\u{e9}\\\" " ODD_TEXT);
    kms_decoded_clear(&d);
    assert_int_equal(kms_decode_call(odd, 2, KMS, NULL, NULL, 0, 0, &d, &e), 0);
    assert_string_equal(d.target, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... " KMS_TEXT);
    kms_decoded_clear(&d);

    /* A tree built by hand with bytes outside printable ASCII renders them as '?'. */
    kms_decoded bad = {0};
    strcpy(bad.target, "t\x1b[2J");
    strcpy(bad.call, "c\xc3\xa9");
    assert_render(&bad, "t?[2J: c??\n");
    eth_buf_clear(&data);
}

/* Ether sent along is flagged and shown on the line; an execTransaction of another Safe
 * inside a timelock operation has its call as a child, refund flagged there. */
static void test_value_and_nested_safe(void **state)
{
    (void)state;
    eth_buf inner = {0}, exec = {0}, sched = {0};
    eth_error e;
    kms_decoded d = {0};
    u256 one_eth = u256_from_u64(1000000000000000000u);
    assert_int_equal(kms_decode_call(KNOWN, 4, ODD, &one_eth, NULL, 0, 0, &d, &e), 0);
    assert_render(&d, "unknown contract " ODD_TEXT ": no calldata, value 1000000000000000000 wei\n"
                      "   ! the target is none of the known contracts; sends 1000000000000000000 "
                      "wei along\n");
    kms_decoded_clear(&d);

    calldata("addOsImageHash(bytes32)", &inner, H1, NULL);
    kms_safe_tx tx = {0};
    memcpy(tx.to, KMS, 20);
    tx.data = inner;
    tx.gas_price = u256_from_u64(7);
    uint8_t sig[65] = {0};
    sig[64] = 1;
    assert_int_equal(kms_safe_exec_data(&tx, sig, sizeof sig, &exec, &e), 0);
    kms_tl_call c = {ODD, u256_from_u64(0), exec.data, exec.len};
    assert_int_equal(kms_timelock_schedule_data(&c, 1, false, NULL, NULL, 60, &sched, &e), 0);
    decode_tx(TL, &sched, 0, &d);
    assert_int_equal(d.warnings, 0);
    const kms_decoded *x = &d.children[0], *y = &x->children[0];
    assert_int_equal(x->warnings, KMS_WARN_UNEXPECTED_TARGET);
    assert_int_equal(x->nchildren, 1);
    assert_memory_equal(y->to, KMS, 20);
    assert_string_equal(y->call, "addOsImageHash(bytes32 osImageHash = " H1 ")");
    assert_int_equal(y->warnings, KMS_WARN_REFUND);
    assert_string_equal(strstr(x->call, "bytes data"),
                        "bytes data = <1 call below>, uint8 operation = 0, "
                        "uint256 safeTxGas = 0, uint256 baseGas = 0, uint256 gasPrice = 7, address "
                        "gasToken = 0x0000000000000000000000000000000000000000, address "
                        "refundReceiver = 0x0000000000000000000000000000000000000000, bytes "
                        "signatures = 0x0000000000000000000000000000000000000000000000000000000000"
                        "000000... (65 bytes))");
    kms_decoded_clear(&d);
    eth_buf_clear(&inner);
    eth_buf_clear(&exec);
    eth_buf_clear(&sched);
}

/* A known entry naming an artifact kmsctl does not embed, or without a name, is refused. */
static void test_bad_known(void **state)
{
    (void)state;
    kms_known k = {{0}, "x", "Nope\n"};
    kms_decoded d = {0};
    eth_error e;
    assert_int_equal(kms_decode_call(&k, 1, ODD, NULL, NULL, 0, 0, &d, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "known address 1: kmsctl embeds no artifact named \"Nope\\n\"");
    k = (kms_known){{0}, NULL, NULL};
    assert_int_equal(kms_decode_call(&k, 1, ODD, NULL, NULL, 0, 0, &d, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "known address 1 has no name");
    assert_string_equal(d.target, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_safe_schedule_add_os_image),
        cmocka_unit_test(test_schedule_batch),
        cmocka_unit_test(test_multisend),
        cmocka_unit_test(test_safe_config),
        cmocka_unit_test(test_refund),
        cmocka_unit_test(test_unknown_target_and_function),
        cmocka_unit_test(test_multisend_malformed),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_depth_cap),
        cmocka_unit_test(test_node_cap),
        cmocka_unit_test(test_outside_text),
        cmocka_unit_test(test_value_and_nested_safe),
        cmocka_unit_test(test_bad_known),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
