/* test_boot_info.c: the webhook's body read strictly (kms_boot_info_parse), the calldata of
 * isAppAllowed / isKmsAllowed, and the (bool, string) answer decoded or refused
 * (lib/kms/boot_info.h). The calldata vector is cast 1.7.1's (`cast calldata
 * "isAppAllowed((address,bytes32,address,bytes32,bytes32,bytes32,bytes32,string,string[]))"
 * "(0x..ab,0x..cd0,0x..01,0xAA..AA,0x1100..0022,0x00..00,0x..11,UpToDate,[CVE-1,INTEL-SA-00837])"`),
 * the answers are `cast abi-encode "f(bool,string)" ...`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/hex.h"
#include "kms/boot_info.h"

#define A64 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define MR "0x1100000000000000000000000000000000000000000000000000000000000022"

/* The body of the vector: dstack-kms's form (no 0x), short and odd hex, upper case, no mrSystem,
 * and an unknown field. */
static const char VECTOR_BODY[] =
    "{\"appId\":\"ab\",\"composeHash\":\"cd0\",\"instanceId\":\"0x01\",\"deviceId\":\"" A64 "\","
    "\"mrAggregated\":\"" MR "\",\"osImageHash\":\"11\",\"tcbStatus\":\"UpToDate\","
    "\"advisoryIds\":[\"CVE-1\",\"INTEL-SA-00837\"],\"teeVariant\":\"tdx\"}";

static const char VECTOR_CALLDATA[] =
    "0x1e079198"
    "0000000000000000000000000000000000000000000000000000000000000020"
    "00000000000000000000000000000000000000000000000000000000000000ab"
    "0000000000000000000000000000000000000000000000000000000000000cd0"
    "0000000000000000000000000000000000000000000000000000000000000001"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "1100000000000000000000000000000000000000000000000000000000000022"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000011"
    "0000000000000000000000000000000000000000000000000000000000000120"
    "0000000000000000000000000000000000000000000000000000000000000160"
    "0000000000000000000000000000000000000000000000000000000000000008"
    "5570546f44617465000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000002"
    "0000000000000000000000000000000000000000000000000000000000000040"
    "0000000000000000000000000000000000000000000000000000000000000080"
    "0000000000000000000000000000000000000000000000000000000000000005"
    "4356452d31000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000e"
    "494e54454c2d53412d3030383337000000000000000000000000000000000000";

static int parse(const char *body, kms_boot_info *b, eth_error *e)
{
    return kms_boot_info_parse(body, strlen(body), b, e);
}

static void test_vector_calldata(void **state)
{
    (void)state;
    kms_boot_info b;
    eth_error e;
    eth_buf data = {0};
    assert_int_equal(parse(VECTOR_BODY, &b, &e), 0);
    assert_int_equal(b.nadvisory, 2);
    assert_string_equal(b.advisory_ids[1], "INTEL-SA-00837");
    assert_int_equal(kms_boot_calldata(&b, false, &data, &e), 0);
    char *hex = malloc(2 * data.len + 3);
    eth_hex_encode(data.data, data.len, hex);
    assert_string_equal(hex, VECTOR_CALLDATA);
    /* isKmsAllowed: the same arguments behind selector 0xe067ec9d (cast sig) */
    data.len = 0;
    assert_int_equal(kms_boot_calldata(&b, true, &data, &e), 0);
    eth_hex_encode(data.data, 4, hex);
    assert_string_equal(hex, "0xe067ec9d");
    free(hex);
    eth_buf_clear(&data);
    kms_boot_info_clear(&b);
}

static void test_hex_fields(void **state)
{
    (void)state;
    kms_boot_info b;
    eth_error e;
    /* the same value with and without 0x, any case; "" is zero; left-padded */
    const char *same[] = {"\"0xAbCd\"", "\"abcd\"", "\"0xabcd\"", "\"00abcd\""};
    for (size_t i = 0; i < 4; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"appId\":%s,\"composeHash\":\"\",\"instanceId\":\"\",\"deviceId\":\"\","
                 "\"mrAggregated\":\"\",\"osImageHash\":\"\"}", same[i]);
        assert_int_equal(parse(body, &b, &e), 0);
        assert_memory_equal(b.app_id + 18, "\xab\xcd", 2);
        assert_memory_equal(b.app_id, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 18);
        assert_string_equal(b.tcb_status, "");
        assert_int_equal(b.nadvisory, 0);
        kms_boot_info_clear(&b);
    }
}

/* Every refusal is -ETH_EINVAL naming the field, and leaves nothing to free. */
static void refused(const char *body, const char *field)
{
    kms_boot_info b;
    eth_error e;
    assert_int_equal(parse(body, &b, &e), -ETH_EINVAL);
    if (field)
        assert_non_null(strstr(e.msg, field));
    assert_null(b.advisory_ids);
    assert_int_equal(b.nadvisory, 0);
}

#define OK_TAIL "\"composeHash\":\"\",\"instanceId\":\"\",\"deviceId\":\"\",\"mrAggregated\":\"\"," \
                "\"osImageHash\":\"\""

static void test_refusals(void **state)
{
    (void)state;
    refused("{" OK_TAIL "}", "appId: missing");
    refused("{\"appId\":\"zz\"," OK_TAIL "}", "appId: not hex");
    refused("{\"appId\":\"0X01\"," OK_TAIL "}", "appId: not hex");
    refused("{\"appId\":\"0x000000000000000000000000000000000000000001\"," OK_TAIL "}",
            "appId: longer than 20 bytes");
    refused("{\"appId\":1," OK_TAIL "}", "appId: must be a hex string");
    refused("{\"appId\":[\"01\"]," OK_TAIL "}", "appId: must be a hex string");
    refused("{\"appId\":\"\"," OK_TAIL ",\"tcbStatus\":5}", "tcbStatus");
    refused("{\"appId\":\"\"," OK_TAIL ",\"advisoryIds\":\"CVE\"}", "advisoryIds");
    refused("{\"appId\":\"\"," OK_TAIL ",\"advisoryIds\":[\"a\",3]}", "advisoryIds[1]");
    refused("{\"appId\":\"\"," OK_TAIL ",\"mrSystem\":null}", "mrSystem");
    refused("{\"appId\":\"\",\"appId\":\"\"," OK_TAIL "}", "duplicate");
    refused("[1]", NULL);
    refused("", NULL);
    kms_boot_info b;
    eth_error e;
    assert_int_equal(kms_boot_info_parse(NULL, 0, &b, &e), -ETH_EINVAL); /* an empty body */
    refused("{\"appId\":", NULL);
    refused("{\"appId\":\"\"," OK_TAIL ",\"tcbStatus\":\"Up\\u0000ToDate\"}", "u0000");
    refused("{\"appId\":\"\"," OK_TAIL ",\"tcbStatus\":\"Up\\u0001ToDate\"}", "tcbStatus");
}

static void test_limits(void **state)
{
    (void)state;
    kms_boot_info b;
    eth_error e;
    size_t cap = 64 * 1024;
    char *body = malloc(cap);
    /* 128 advisories of 256 characters: accepted; 129, or one of 257: refused */
    for (int extra = 0; extra < 3; extra++) {
        size_t n = (size_t)snprintf(body, cap, "{\"appId\":\"\"," OK_TAIL ",\"advisoryIds\":[");
        int count = KMS_BOOT_ADVISORIES_MAX + (extra == 1);
        for (int i = 0; i < count; i++) {
            body[n++] = i ? ',' : '"';
            if (i)
                body[n++] = '"';
            size_t len = KMS_BOOT_ADVISORY_LEN_MAX + (extra == 2 && i == 7);
            memset(body + n, 'x', len);
            n += len;
            body[n++] = '"';
        }
        snprintf(body + n, cap - n, "],\"tcbStatus\":\"%0*d\"}", KMS_BOOT_TCB_MAX, 0);
        assert_int_equal(parse(body, &b, &e), extra ? -ETH_EINVAL : 0);
        if (!extra)
            assert_int_equal(b.nadvisory, KMS_BOOT_ADVISORIES_MAX);
        kms_boot_info_clear(&b);
    }
    snprintf(body, cap, "{\"appId\":\"\"," OK_TAIL ",\"tcbStatus\":\"%0*d\"}",
             KMS_BOOT_TCB_MAX + 1, 0);
    refused(body, "tcbStatus");
    free(body);
}

static void decode(const char *hex, int rc, bool allowed, const char *reason)
{
    eth_buf ret = {0};
    eth_error e;
    bool got = !allowed;
    char text[64];
    assert_int_equal(eth_hex_decode(hex, strlen(hex), &ret, &e), 0);
    assert_int_equal(kms_boot_result(ret.data, ret.len, &got, text, sizeof text, &e), rc);
    assert_int_equal(got, rc == 0 && allowed);
    assert_string_equal(text, rc == 0 ? reason : "");
    eth_buf_clear(&ret);
}

#define W(x) "00000000000000000000000000000000000000000000000000000000000000" x

static void test_result(void **state)
{
    (void)state;
    decode("0x" W("01") W("40") W("00"), 0, true, "");
    decode("0x" W("00") W("40") W("17")
           "4f5320696d616765206973206e6f7420616c6c6f776564000000000000000000",
           0, false, "OS image is not allowed");
    /* a bool word of 2, no data, a short string: not (bool, string) -> refused */
    decode("0x" W("02") W("40") W("00"), -ETH_EINVAL, false, "");
    decode("0x", -ETH_EINVAL, false, "");
    decode("0x" W("01") W("40") W("05") "4f53", -ETH_EINVAL, false, "");
    /* control bytes and text that is not UTF-8 are shown as '?' */
    decode("0x" W("00") W("40") W("03") "41" "0a" "ff" "0000000000000000000000000000000000000000"
           "00000000000000000000000000", 0, false, "A??");
    /* cut at the caller's buffer (63 bytes and a NUL) */
    char hex[600];
    int n = snprintf(hex, sizeof hex, "0x" W("00") W("40") W("50"));
    for (int i = 0; i < 96; i++)
        n += snprintf(hex + n, sizeof hex - (size_t)n, "41");
    char want[64];
    memset(want, 'A', 63);
    want[63] = '\0';
    decode(hex, 0, false, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_calldata), cmocka_unit_test(test_hex_fields),
        cmocka_unit_test(test_refusals),        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
