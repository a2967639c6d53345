/* audit_diff.h: what changed in a KMS policy between two blocks, for `kmsctl policy diff`: the
 * members added to and removed from every set (OS images, KMS aggregated MRs and devices,
 * registered apps, each app's compose hashes and devices), and every single value that changed
 * (owners, pending owners, who controls them, implementations, kmsInfo, gatewayAppId,
 * appImplementation, the apps' flags). Computed from two states read by audit_state.h. */
#ifndef KMS_AUDIT_DIFF_H
#define KMS_AUDIT_DIFF_H

#include <stddef.h>
#include <jansson.h>
#include "audit_state.h"
#include "eth/error.h"

typedef enum kms_diff_kind {
    KMS_DIFF_ADDED,   /* a member joined a set: after holds it */
    KMS_DIFF_REMOVED, /* a member left a set: before holds it */
    KMS_DIFF_CHANGED  /* a single value: before and after */
} kms_diff_kind;

/* One difference. Plain data. */
typedef struct kms_diff_entry {
    kms_diff_kind kind;
    char where[32];     /* "DstackKms" or "app 0x1234..abcd" */
    char what[32];      /* the policy's name ("os-image", "compose-hash") or the value's
                         * ("owner", "control", "implementation", "allow-any-device", ...) */
    char before[1024];  /* "" for an addition */
    char after[1024];   /* "" for a removal */
} kms_diff_entry;

/* A list of differences. Zero-initialise; release with kms_audit_diff_clear. */
typedef struct kms_audit_diff {
    kms_diff_entry *items;
    size_t n;
} kms_audit_diff;

/* The differences from a to b (the same DstackKms at two blocks) into *out, the KMS first, then
 * each app in b's order (then apps only a has). Returns 0 or -ETH_ENOMEM (*out empty then). */
int kms_audit_diff_states(const kms_audit_state *a, const kms_audit_state *b,
                          kms_audit_diff *out, eth_error *err) ETH_WARN_UNUSED;

/* Frees what d owns and zeroes it. NULL is fine. */
void kms_audit_diff_clear(kms_audit_diff *d);

/* d as JSON: [{"kind": "added"|"removed"|"changed", "where", "what", "before", "after"}]
 * (before / after null where they do not apply). A new reference, or NULL when out of memory. */
json_t *kms_audit_diff_json(const kms_audit_diff *d);

#endif
