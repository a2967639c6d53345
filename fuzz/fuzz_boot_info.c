/* fuzz_boot_info.c: libFuzzer target for the webhook's body and the contracts' answer
 * (lib/kms/boot_info.h), the outside input of kmsctl serve. The input read as a body must be
 * accepted or refused with -ETH_EINVAL / -ETH_ENOMEM and a message, leaving nothing to free; an
 * accepted body must encode to calldata for both routes (selector, then whole 32-byte words),
 * with every field within its documented size. The same bytes read as return data must decode
 * as (bool, string) or be refused with -ETH_EINVAL; a decoded reason is NUL-terminated, within
 * the buffer, UTF-8, and free of control characters (it goes into JSON as it is). */
#include "fuzz_common.h"

#include "eth/text.h"
#include "kms/boot_info.h"

static void check_body(const uint8_t *data, size_t size)
{
    kms_boot_info b;
    eth_error err = {0};
    int rc = kms_boot_info_parse((const char *)data, size, &b, &err);
    FUZZ_CHECK(rc == 0 || rc == -ETH_EINVAL || rc == -ETH_ENOMEM, "an undocumented error code");
    FUZZ_CHECK(rc == 0 || (err.msg[0] && b.advisory_ids == NULL && b.nadvisory == 0),
               "a refusal without a message, or with memory left");
    if (rc)
        return;
    FUZZ_CHECK(strlen(b.tcb_status) <= KMS_BOOT_TCB_MAX, "tcbStatus too long");
    FUZZ_CHECK(b.nadvisory <= KMS_BOOT_ADVISORIES_MAX, "too many advisories");
    for (size_t i = 0; i < b.nadvisory; i++)
        FUZZ_CHECK(strlen(b.advisory_ids[i]) <= KMS_BOOT_ADVISORY_LEN_MAX, "advisory too long");
    static const uint8_t SEL[2][4] = {{0x1e, 0x07, 0x91, 0x98}, {0xe0, 0x67, 0xec, 0x9d}};
    for (int kms = 0; kms < 2; kms++) {
        eth_buf cd = {0};
        FUZZ_CHECK(kms_boot_calldata(&b, kms, &cd, &err) == 0, "an accepted body does not encode");
        FUZZ_CHECK(cd.len >= 4 + 12 * 32 && (cd.len - 4) % 32 == 0, "calldata of a wrong size");
        FUZZ_CHECK(memcmp(cd.data, SEL[kms], 4) == 0, "another selector");
        eth_buf_clear(&cd);
    }
    kms_boot_info_clear(&b);
}

static void check_result(const uint8_t *data, size_t size)
{
    bool allowed = true;
    char reason[48];
    memset(reason, 'x', sizeof reason);
    eth_error err = {0};
    int rc = kms_boot_result(data, size, &allowed, reason, sizeof reason, &err);
    FUZZ_CHECK(rc == 0 || rc == -ETH_EINVAL, "an undocumented error code");
    size_t n = strnlen(reason, sizeof reason);
    FUZZ_CHECK(n < sizeof reason, "reason not terminated within its buffer");
    FUZZ_CHECK(rc == 0 || (!allowed && n == 0), "a refusal that still allows");
    FUZZ_CHECK(eth_utf8_valid((const uint8_t *)reason, n), "reason is not UTF-8");
    FUZZ_CHECK(!eth_text_has_control(reason, n), "reason holds a control character");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    check_body(data, size);
    check_result(data, size);
    return 0;
}
