/* test_policy_actions.c: the kms and app actions: the table, calldata as cast encodes it, and
 * values refused with the exact code and message. (The no-op check runs against a chain in
 * tests/integration/govern.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"
#include "kms/policy_actions.h"

#define H11_DIGITS "1111111111111111111111111111111111111111111111111111111111111111"
#define H11 "0x" H11_DIGITS

static void calldata_is(kms_action_target t, const char *name, const char *const *args,
                        const char *want)
{
    const kms_action *a = kms_action_find(t, name);
    assert_non_null(a);
    eth_buf b = {0};
    eth_error e = {0};
    assert_int_equal(kms_action_calldata(a, args, &b, &e), 0);
    test_assert_hex(b.data, b.len, want);
    eth_buf_clear(&b);
}

static void refused(kms_action_target t, const char *name, const char *const *args,
                    const char *msg)
{
    const kms_action *a = kms_action_find(t, name);
    eth_buf b = {0};
    eth_error e = {0};
    assert_int_equal(kms_action_calldata(a, args, &b, &e), -ETH_EINVAL);
    assert_int_equal(e.code, ETH_EINVAL);
    if (!strstr(e.msg, msg))
        fail_msg("message \"%s\" lacks \"%s\"", e.msg, msg);
    eth_buf_clear(&b);
}

/* Every action of the issue is in the table, with the right target and signature. */
static void test_table(void **state)
{
    (void)state;
    static const char *const KMS[] = {
        "set-kms-info", "set-kms-quote", "set-kms-eventlog", "set-gateway-app-id",
        "set-app-implementation", "add-kms-aggregated-mr", "remove-kms-aggregated-mr",
        "add-kms-device", "remove-kms-device", "add-os-image-hash", "remove-os-image-hash",
        "register-app", "transfer-ownership", "accept-ownership", "renounce-ownership"};
    static const char *const APP[] = {"add-compose-hash", "remove-compose-hash", "add-device",
                                      "remove-device", "set-allow-any-device",
                                      "set-require-tcb-up-to-date", "disable-upgrades",
                                      "transfer-ownership", "accept-ownership",
                                      "renounce-ownership"};
    size_t n;
    kms_actions(KMS_ON_KMS, &n);
    assert_int_equal(n, sizeof KMS / sizeof KMS[0]);
    for (size_t i = 0; i < n; i++)
        assert_non_null(kms_action_find(KMS_ON_KMS, KMS[i]));
    kms_actions(KMS_ON_APP, &n);
    assert_int_equal(n, sizeof APP / sizeof APP[0]);
    for (size_t i = 0; i < n; i++)
        assert_non_null(kms_action_find(KMS_ON_APP, APP[i]));
    assert_null(kms_action_find(KMS_ON_APP, "add-os-image-hash"));
    assert_false(kms_action_find(KMS_ON_KMS, "register-app")->needs_owner);
    assert_false(kms_action_find(KMS_ON_KMS, "accept-ownership")->needs_owner);
    assert_true(kms_action_find(KMS_ON_APP, "add-device")->needs_owner);
}

/* Calldata equal to `cast calldata SIG ARGS` (cast 1.7.1). */
static void test_calldata(void **state)
{
    (void)state;
    const char *h[] = {H11};
    /* cast calldata "addOsImageHash(bytes32)" 0x11..11 */
    calldata_is(KMS_ON_KMS, "add-os-image-hash", h, "0x06a3ae96" H11_DIGITS);
    const char *addr[] = {"0x70997970C51812dc3A010C7d01b50e0d17dc79C8"};
    /* cast calldata "transferOwnership(address)" 0x7099... */
    calldata_is(KMS_ON_APP, "transfer-ownership", addr,
                "0xf2fde38b00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8");
    const char *yes[] = {"true"};
    /* cast calldata "setAllowAnyDevice(bool)" true */
    calldata_is(KMS_ON_APP, "set-allow-any-device", yes,
                "0x7c4beeb80000000000000000000000000000000000000000000000000000000000000001");
    /* cast calldata "acceptOwnership()" */
    calldata_is(KMS_ON_KMS, "accept-ownership", NULL, "0x79ba5097");
    const char *info[] = {"0x02aa", "0x03bb", "0x0102", "0x"};
    const kms_action *a = kms_action_find(KMS_ON_KMS, "set-kms-info");
    eth_buf b = {0};
    eth_error e = {0};
    assert_int_equal(kms_action_calldata(a, info, &b, &e), 0);
    /* a tuple of four bytes: selector, one offset, four offsets, four lengths and data */
    assert_int_equal(b.len, 4 + 32 + 4 * 32 + 3 * 64 + 32);
    eth_buf_clear(&b);
}

static void test_refusals(void **state)
{
    (void)state;
    const char *short_hash[] = {"0x1234"};
    refused(KMS_ON_KMS, "add-os-image-hash", short_hash, "expected 32 bytes of hex, got 2");
    const char *bad_hex[] = {"0xzz"};
    refused(KMS_ON_KMS, "add-kms-device", bad_hex, "add-kms-device DEVICE '0xzz'");
    const char *checksum[] = {"0x70997970c51812dc3A010C7d01b50e0d17dc79C8"};
    refused(KMS_ON_KMS, "transfer-ownership", checksum, "transfer-ownership ADDR:");
    const char *maybe[] = {"yes"};
    refused(KMS_ON_APP, "set-require-tcb-up-to-date", maybe, "'yes' is not true or false");
    const char *ctrl[] = {"gw\x01"};
    refused(KMS_ON_KMS, "set-gateway-app-id", ctrl, "control characters or invalid UTF-8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_calldata),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
