/* policy_config.h: the initial policy a deployment applies (deploy --config FILE).
 *
 * The file is JSON, every key optional, unknown keys refused:
 *   {"gatewayAppId": "...",
 *    "kmsInfo": {"k256Pubkey": "0x..", "caPubkey": "0x..", "quote": "0x..", "eventlog": "0x.."},
 *    "osImages": ["0x<32 bytes>", ...], "kmsAggregatedMrs": [...], "kmsDevices": [...]}
 * kmsInfo's members are optional too (a missing one is empty bytes: setKmsInfo sets all four). */
#ifndef KMS_POLICY_CONFIG_H
#define KMS_POLICY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "eth/buf.h"
#include "eth/error.h"

/* Largest config file, longest gateway app id, largest kmsInfo field, most entries per list. */
#define KMS_CONFIG_MAX_FILE (8u << 20)
#define KMS_CONFIG_MAX_GATEWAY_ID 256u
#define KMS_CONFIG_MAX_INFO_FIELD (2u << 20)
#define KMS_CONFIG_MAX_LIST 256u

/* One list of 32-byte values (owned). */
typedef struct kms_b32_list {
    uint8_t (*items)[32];
    size_t n;
} kms_b32_list;

/* A parsed config (zero-initialise; release with kms_policy_config_clear). */
typedef struct kms_policy_config {
    char *gateway_app_id; /* owned; NULL when not given */
    bool has_kms_info;
    eth_buf k256_pubkey, ca_pubkey, quote, eventlog;
    kms_b32_list os_images, kms_mrs, kms_devices;
} kms_policy_config;

/* Parses text[0..n) into *out. Returns 0, or -ETH_EINVAL naming the field ("osImages[2]: ..."):
 * not JSON, an unknown key, a wrong type, bad hex, a value listed twice, a gateway app id with
 * control characters or invalid UTF-8; -ETH_ERANGE for a value over the caps above; or
 * -ETH_ENOMEM. *out is empty on failure. text may be NULL if n is 0. */
int kms_policy_config_parse(const char *text, size_t n, kms_policy_config *out, eth_error *err)
    ETH_WARN_UNUSED;

/* The same from an already parsed JSON value root (borrowed; must be an object). */
int kms_policy_config_from_json(const json_t *root, kms_policy_config *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Reads and parses the file at path (a regular file, at most KMS_CONFIG_MAX_FILE bytes); messages
 * start with "--config PATH: ". Returns 0 or as eth_file_read and kms_policy_config_parse. */
int kms_policy_config_load(const char *path, kms_policy_config *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Frees what c owns and empties it (not c itself). NULL is fine. */
void kms_policy_config_clear(kms_policy_config *c);

/* True if c sets nothing. */
bool kms_policy_config_empty(const kms_policy_config *c);

/* The config as the JSON object it was read from (hex in lower case, keys in the order above,
 * absent keys left out), a new reference; NULL when out of memory. */
json_t *kms_policy_config_json(const kms_policy_config *c);

#endif
