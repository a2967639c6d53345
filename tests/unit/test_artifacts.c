/* test_artifacts.c: the embedded artifacts are complete and intact (hashes match the bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "eth/hex.h"
#include "eth/keccak.h"
#include "kms/artifacts.h"

static void assert_hash(const uint8_t *p, size_t n, const char *want)
{
    uint8_t d[32];
    char hex[67];
    eth_keccak256(p, n, d);
    eth_hex_encode(d, 32, hex);
    assert_string_equal(hex, want);
}

static void test_every_hash_matches(void **state)
{
    (void)state;
    assert_true(kms_artifact_count() > 0);
    for (size_t i = 0; i < kms_artifact_count(); i++) {
        const kms_artifact *a = kms_artifact_at(i);
        assert_hash(a->bytecode, a->bytecode_len, a->bytecode_keccak);
        assert_hash(a->runtime, a->runtime_len, a->runtime_keccak);
        assert_true(a->abi_json[0] == '[');
        assert_non_null(strstr(a->settings_json, "optimizer") ? a->settings_json : NULL);
    }
    assert_null(kms_artifact_at(kms_artifact_count()));
}

static void test_required_contracts(void **state)
{
    (void)state;
    static const char *const names[] = {"DstackKms", "DstackApp", "ERC1967Proxy",
                                        "TimelockController", "Safe", "SafeL2", "SafeProxyFactory",
                                        "CompatibilityFallbackHandler", "MultiSendCallOnly",
                                        "SimulateTxAccessor", "SafeProxy"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const kms_artifact *a = kms_artifact_find(names[i]);
        assert_non_null(a);
        assert_true(a->bytecode_len > 0);
        assert_true(a->runtime_len > 0);
    }
    assert_null(kms_artifact_find("dstackkms"));
    /* The KMS ABI carries the boot-authorization entry points. */
    assert_non_null(strstr(kms_artifact_find("DstackKms")->abi_json, "\"isKmsAllowed\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_hash_matches),
        cmocka_unit_test(test_required_contracts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
