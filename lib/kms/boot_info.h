/* boot_info.h: what dstack-kms asks about a booting KMS or app (the AppBootInfo struct of the
 * contracts), read from the webhook's JSON body, and the contracts' answer.
 *
 * The body (../shared/reference/CONTRACTS.md, last section): {"mrAggregated", "osImageHash",
 * "appId", "composeHash", "instanceId", "deviceId", "tcbStatus", "advisoryIds", "mrSystem"}:
 * hex strings with or without 0x (any case), at most 20 bytes for the two ids and 32 for the
 * rest, left-padded with zeros; tcbStatus at most 128 characters; advisoryIds at most 128
 * strings of at most 256 characters; tcbStatus, advisoryIds and mrSystem optional; unknown
 * fields (teeVariant, keyProviderInfo, ...) accepted and ignored. Unlike the reference service,
 * wrong JSON types, duplicate keys and malformed JSON are refused. */
#ifndef KMS_BOOT_INFO_H
#define KMS_BOOT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "eth/buf.h"
#include "eth/error.h"

#define KMS_BOOT_TCB_MAX 128
#define KMS_BOOT_ADVISORIES_MAX 128
#define KMS_BOOT_ADVISORY_LEN_MAX 256

/* One boot's facts (owns its advisory strings; release with kms_boot_info_clear). */
typedef struct kms_boot_info {
    uint8_t app_id[20];
    uint8_t compose_hash[32];
    uint8_t instance_id[20];
    uint8_t device_id[32];
    uint8_t mr_aggregated[32];
    uint8_t mr_system[32];
    uint8_t os_image_hash[32];
    char tcb_status[KMS_BOOT_TCB_MAX + 1];
    char **advisory_ids;
    size_t nadvisory;
} kms_boot_info;

/* Reads the webhook's JSON body j (borrowed; an object) into *out. Returns 0, or -ETH_EINVAL
 * naming the field ("appId: ...": missing, a wrong type, not hex, too long, a control character
 * in text), or -ETH_ENOMEM; *out is empty on failure. */
int kms_boot_info_from_json(const json_t *j, kms_boot_info *out, eth_error *err)
    ETH_WARN_UNUSED;

/* The same from the text body[0..n) (one JSON object; duplicate keys and NUL bytes refused).
 * body may be NULL if n is 0 (an empty body: refused). */
int kms_boot_info_parse(const char *body, size_t n, kms_boot_info *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Frees what b owns (not b itself). NULL is fine. */
void kms_boot_info_clear(kms_boot_info *b);

/* Appends the calldata of isAppAllowed(AppBootInfo) (kms false) or isKmsAllowed(AppBootInfo)
 * (kms true) for b to out. Returns 0 or an encoding error. */
int kms_boot_calldata(const kms_boot_info *b, bool kms, eth_buf *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Decodes the (bool isAllowed, string reason) a policy contract returned, ret[0..n), into
 * *allowed and reason (NUL-terminated, cut at cap - 1 bytes; control characters, and every
 * byte above 0x7f when the kept bytes are not valid UTF-8, replaced by '?', so the text can go
 * into JSON as it is). Returns 0, or -ETH_EINVAL when the data is not exactly that shape (the
 * caller fails closed). The bool word must be 0 or 1. ret may be NULL if n is 0; cap >= 1. */
int kms_boot_result(const uint8_t *ret, size_t n, bool *allowed, char *reason, size_t cap,
                    eth_error *err) ETH_WARN_UNUSED;

#endif
