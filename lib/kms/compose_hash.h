/* compose_hash.h: the compose hash of a dstack app, as dstack computes it: SHA-256 of the
 * app-compose.json file's bytes exactly as they are handed to the CVM (dstack-util's
 * measure_app_info hashes the file; dstack-vmm's GetComposeHash hashes the same text after
 * checking that it parses). Re-formatting the file changes the hash: the dstack SDKs write it
 * as compact JSON with sorted keys, which kmsctl reports as the canonical form. When no app id
 * is given, dstack takes the first 20 bytes of the compose hash as the app id. */
#ifndef KMS_COMPOSE_HASH_H
#define KMS_COMPOSE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/error.h"

/* Largest app-compose.json dstack copies into a CVM (256 KiB). */
#define KMS_COMPOSE_MAX_FILE (256u * 1024u)

/* What kmsctl reads of an app-compose.json. Plain data. */
typedef struct kms_compose_info {
    uint8_t hash[32];   /* SHA-256 of the bytes: the compose hash */
    uint8_t app_id[20]; /* hash[0..20): the app id dstack derives when none is given */
    bool canonical;     /* the bytes are the SDKs' form: compact JSON, keys sorted */
} kms_compose_info;

/* Reads the app-compose.json text data[0..n) into *out. The text must be one JSON object
 * (strict: no duplicate keys, no NUL) of at most KMS_COMPOSE_MAX_FILE bytes.
 * Returns 0; -ETH_EINVAL (not a JSON object: the message gives the line and column);
 * -ETH_ERANGE (too large); -ETH_ENOMEM; -ETH_ECRYPTO (SHA-256 failed). data may be NULL if n
 * is 0. */
int kms_compose_hash(const uint8_t *data, size_t n, kms_compose_info *out, eth_error *err)
    ETH_WARN_UNUSED;

#endif
