/* test_revert.c: revert data of OpenZeppelin 5, Safe v1.4.1 and the policy explained in words.
 * Revert data are built from the selectors of the errors' signatures (OpenZeppelin 5.6.1 and
 * Safe 1.4.1 sources) with ABI-encoded arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "eth/abi_selector.h"
#include "eth/hex.h"
#include "eth/keccak.h"
#include "kms/revert.h"

/* selector of sig followed by the given 32-byte words. */
static size_t build(const char *sig, uint8_t (*words)[32], size_t n, uint8_t *out)
{
    eth_error e;
    assert_int_equal(eth_abi_selector_of(sig, out, &e), 0);
    for (size_t i = 0; i < n; i++)
        memcpy(out + 4 + 32 * i, words[i], 32);
    return 4 + 32 * n;
}

static void explain(const uint8_t *d, size_t n, kms_revert *r)
{
    eth_error e = {0};
    assert_int_equal(kms_revert_explain(d, n, r, &e), 0);
}

static void test_ownable(void **state)
{
    (void)state;
    uint8_t w[1][32] = {{0}}, d[64];
    memset(w[0] + 12, 0xab, 20);
    kms_revert r;
    explain(d, build("OwnableUnauthorizedAccount(address)", w, 1, d), &r);
    assert_true(r.known);
    assert_string_equal(r.name, "OwnableUnauthorizedAccount");
    assert_string_equal(r.decoded, "OwnableUnauthorizedAccount(0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB)");
    assert_string_equal(r.meaning, "the caller 0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB is not "
                                   "the owner of the contract");
    assert_non_null(strstr(r.fix, "acceptOwnership"));
    assert_int_equal(d[0], 0x11); /* 0x118cdaa7, as DESIGN.md gives it */
    assert_int_equal(d[3], 0xa7);
}

static void test_timelock_state(void **state)
{
    (void)state;
    uint8_t w[2][32] = {{0}}, d[80];
    memset(w[0], 0x5a, 32);
    w[1][31] = 0x04; /* expected: ready */
    kms_revert r;
    size_t n = build("TimelockUnexpectedOperationState(bytes32,bytes32)", w, 2, d);
    assert_memory_equal(d, "\x5e\xad\x8e\xb5", 4);
    explain(d, n, &r);
    assert_true(r.is_op_state);
    assert_int_equal(r.expected_states, 1u << KMS_OP_READY);
    assert_memory_equal(r.op_id, w[0], 32);
    assert_non_null(strstr(r.meaning, "is not ready"));
    w[1][31] = 0x01; /* expected: unset, so it exists already */
    explain(d, build("TimelockUnexpectedOperationState(bytes32,bytes32)", w, 2, d), &r);
    assert_int_equal(r.expected_states, 1u << KMS_OP_UNSET);
    assert_non_null(strstr(r.meaning, "was scheduled already"));
    assert_string_equal(kms_op_state_name(KMS_OP_WAITING), "waiting");
}

static void test_timelock_delay_and_roles(void **state)
{
    (void)state;
    uint8_t w[2][32] = {{0}}, d[80];
    w[0][31] = 10;
    w[1][29] = 0x01, w[1][30] = 0x51, w[1][31] = 0x80; /* 86400 */
    kms_revert r;
    explain(d, build("TimelockInsufficientDelay(uint256,uint256)", w, 2, d), &r);
    assert_string_equal(r.meaning, "a delay of 10 s is shorter than the timelock's minimum delay "
                                   "of 86400 s");
    assert_string_equal(r.fix, "schedule with --delay 86400s or more");
    memset(w, 0, sizeof w);
    memset(w[0] + 12, 0x01, 20);
    eth_keccak256("PROPOSER_ROLE", 13, w[1]);
    explain(d, build("AccessControlUnauthorizedAccount(address,bytes32)", w, 2, d), &r);
    assert_string_equal(r.meaning, "0x0101010101010101010101010101010101010101 does not hold PROPOSER_ROLE");
}

/* Error(string) revert data for a short message. */
static size_t error_string(const char *msg, uint8_t *out)
{
    uint8_t w[3][32] = {{0}};
    w[0][31] = 0x20;
    w[1][31] = (uint8_t)strlen(msg);
    memcpy(w[2], msg, strlen(msg));
    return build("Error(string)", w, 3, out);
}

static void test_safe_and_strings(void **state)
{
    (void)state;
    uint8_t d[128];
    kms_revert r;
    explain(d, error_string("GS026", d), &r);
    assert_string_equal(r.name, "GS026");
    assert_non_null(strstr(r.meaning, "not an owner"));
    explain(d, error_string("GS013", d), &r);
    assert_string_equal(r.name, "GS013");
    explain(d, error_string("Invalid app ID", d), &r);
    assert_string_equal(r.name, "Error");
    assert_string_equal(r.meaning, "the contract refused: Error(\"Invalid app ID\")");
}

static void test_panic_empty_unknown(void **state)
{
    (void)state;
    uint8_t w[1][32] = {{0}}, d[64];
    w[0][31] = 0x11;
    kms_revert r;
    explain(d, build("Panic(uint256)", w, 1, d), &r);
    assert_string_equal(r.name, "Panic");
    assert_non_null(strstr(r.meaning, "arithmetic underflow or overflow"));
    explain(NULL, 0, &r);
    assert_false(r.known);
    assert_non_null(strstr(r.meaning, "without saying why"));
    const uint8_t odd[4] = {0xde, 0xad, 0xbe, 0xef};
    explain(odd, 4, &r);
    assert_false(r.known);
    assert_non_null(strstr(r.meaning, "unknown error 0xdeadbeef"));
    /* the selector of a known error with arguments cut short is not claimed as that error */
    explain(d, 4 + 10, &r);
    assert_false(r.known);
}

static void test_describe(void **state)
{
    (void)state;
    uint8_t w[1][32] = {{0}}, d[64];
    memset(w[0] + 12, 0xab, 20);
    size_t n = build("OwnableUnauthorizedAccount(address)", w, 1, d);
    eth_error e = {0};
    assert_int_equal(eth_fail_revert(&e, d, n, "node said execution reverted"), -ETH_EREVERT);
    assert_int_equal(kms_revert_describe(&e, "addOsImageHash would revert"), -ETH_EREVERT);
    assert_int_equal(e.code, ETH_EREVERT);
    assert_int_equal(e.data_len, n);
    assert_true(strncmp(e.msg, "addOsImageHash would revert: OwnableUnauthorizedAccount(0x", 58) == 0);
    assert_non_null(strstr(e.msg, ". Fix: "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ownable),          cmocka_unit_test(test_timelock_state),
        cmocka_unit_test(test_timelock_delay_and_roles), cmocka_unit_test(test_safe_and_strings),
        cmocka_unit_test(test_panic_empty_unknown), cmocka_unit_test(test_describe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
