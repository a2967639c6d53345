/* test_compose_hash.c: the compose hash of an app-compose.json (lib/kms/compose_hash.h).
 * Vectors: the reference hashes in dstack's Go SDK test (sdk/go/dstack/compose_hash_test.go,
 * "reference values produced by the JavaScript SDK", cross-checked there against the Python
 * SDK). The SDKs hash the compact, key-sorted JSON they write as the app-compose.json, and dstack
 * measures that file's bytes (dstack-util: sha256_file of app-compose.json), so the file holding
 * that exact text has that hash; `sha256sum` of each text below gives it too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kms/compose_hash.h"
#include "testutil.h"

static void assert_hash(const char *text, const char *want, bool canonical)
{
    kms_compose_info info;
    eth_error e;
    assert_int_equal(kms_compose_hash((const uint8_t *)text, strlen(text), &info, &e), 0);
    test_assert_hex(info.hash, 32, want);
    assert_memory_equal(info.app_id, info.hash, 20);
    assert_int_equal(info.canonical, canonical);
}

static void test_sdk_vectors(void **state)
{
    (void)state;
    assert_hash("{\"runner\":\"docker-compose\"}",
                "0x1120e42a7b5f2ca50128696ea414771441b4fa92373427108a7173181cc80b55", true);
    assert_hash("{\"docker_compose_file\":\"services:\\n  app:\\n    image: nginx\\n\","
                "\"runner\":\"docker-compose\"}",
                "0x1ce6eb200cb550901bf9d1f3b30d3a2a678ae6a7dc7d78ff226dd41d78dbb355", true);
    assert_hash("{\"docker_compose_file\":\"docker-compose.yml\",\"port_policy\":{\"ports\":"
                "[{\"port\":443,\"pp\":true},{\"port\":8080,\"pp\":false}],\"restrict_mode\":true},"
                "\"runner\":\"docker-compose\"}",
                "0x6be823decce06179698ee6fd087d82951c21ba6a24ba6419a6801b0be1ce2bdc", true);
    assert_hash("{\"description\":\"\xf0\x9f\x9a\x80 Deploy\",\"runner\":\"docker-compose\","
                "\"text\":\"\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c\"}",
                "0x735ef5a6a9ac2405dda08948b551c9c7b529f4e4b790d6784ff5e2ee2e394f41", true);
}

/* The same JSON written otherwise is other bytes: another hash (sha256sum of the text), and
 * not the SDKs' form. */
static void test_bytes_count(void **state)
{
    (void)state;
    assert_hash("{\n  \"runner\": \"docker-compose\"\n}\n",
                "0x5fe72f70105b38a8313e2f0f35f61974612142ac141b1ce0817094f606cdee81", false);
    assert_hash("{\"runner\":\"docker-compose\",\"name\":\"a\"}",
                "0xafeec502f898dbab7854437fbdbc7571cc6d900241bc5890768e4593c8731db7", false);
}

static void test_refused(void **state)
{
    (void)state;
    kms_compose_info info;
    eth_error e;
    static const char *const BAD[] = {"", "[1]", "\"runner\"", "{\"a\":1,\"a\":2}", "{"};
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        assert_int_equal(kms_compose_hash((const uint8_t *)BAD[i], strlen(BAD[i]), &info, &e),
                         -ETH_EINVAL);
        assert_non_null(strstr(e.msg, "not an app-compose.json (a JSON object): "));
    }
    size_t n = KMS_COMPOSE_MAX_FILE + 1;
    uint8_t *big = malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    assert_int_equal(kms_compose_hash(big, n, &info, &e), -ETH_ERANGE);
    assert_string_equal(e.msg,
                        "262145 bytes: dstack refuses an app-compose.json over 262144 bytes");
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdk_vectors),
        cmocka_unit_test(test_bytes_count),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests_name("compose_hash", tests, NULL, NULL);
}
