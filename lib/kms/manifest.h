/* manifest.h: the record of a deployment that people and `kmsctl verify` read (docs/manifest.md).
 *
 * Written at the end of every deploy run from its plan: the chain, the deployer, every address
 * with the transaction and block that made it, the artifacts' hashes, the settings and config,
 * the hand-over operation, and the steps still pending with their ETA. Read back by verify (as
 * outside input: strictly, with caps). */
#ifndef KMS_MANIFEST_H
#define KMS_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "deploy_plan.h"
#include "eth/error.h"

/* Largest manifest read. */
#define KMS_MANIFEST_MAX_FILE (16u << 20)

/* The manifest JSON of p, a new reference or NULL. manifest_path (for the pending steps'
 * command) may be NULL. */
json_t *kms_manifest_json(const kms_plan *p, const char *manifest_path);

/* Writes the manifest of p to path atomically (mode 0644). Returns 0, -ETH_ENOMEM or -ETH_EIO. */
int kms_manifest_write(const char *path, const kms_plan *p, eth_error *err) ETH_WARN_UNUSED;

/* What verify needs of a manifest (zero-initialise; release with kms_manifest_clear). */
typedef struct kms_manifest {
    uint64_t chain_id;
    uint8_t deployer[20];
    kms_deploy_settings settings;
    kms_policy_config config;
    uint8_t app_impl[20], kms_impl[20], kms[20], safe[20], timelock[20];
    uint8_t safe_singleton[20], safe_fallback[20];
    bool app_impl_deployed;     /* kmsctl deployed the DstackApp implementation */
    uint8_t handover_id[32];
    bool handover_done;
    uint64_t handover_eta;      /* delayed hand-over: when it can run (0 if unknown) */
    uint64_t first_block;       /* the block of the deployment's first transaction */
    bool complete;              /* status "complete" */
    bool discovered;            /* read off the chain (verify --kms), not from a manifest: the
                                   deployer, the hand-over and the config are unknown */
} kms_manifest;

/* Reads a manifest from its JSON j (borrowed; any JSON value) into *out (release with
 * kms_manifest_clear). Returns 0, or -ETH_EINVAL naming a field, -ETH_ERANGE for a value over
 * a cap, -ETH_EUNSUP for another version, -ETH_ENOMEM; *out is empty on failure. */
int kms_manifest_from_json(const json_t *j, kms_manifest *out, eth_error *err) ETH_WARN_UNUSED;

/* Reads the manifest at path (kms_manifest_from_json of the file). Returns 0, or the errors of
 * eth_json_load and kms_manifest_from_json; messages start with "manifest PATH: ". */
int kms_manifest_load(const char *path, kms_manifest *out, eth_error *err) ETH_WARN_UNUSED;

/* Frees what m owns (not m itself). NULL is fine. */
void kms_manifest_clear(kms_manifest *m);

#endif
