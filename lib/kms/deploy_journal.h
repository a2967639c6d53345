/* deploy_journal.h: a deployment plan as JSON, and the journal file that holds it.
 *
 * The journal is written beside the manifest before anything is broadcast and again as steps
 * are mined; it holds every signed raw transaction, so that `deploy --resume` can find each one
 * on chain or rebroadcast the identical bytes. Its JSON:
 *   {"kind": "kmsctl-deploy-journal", "version": 1, "chainId": 31337, "deployer": "0x..",
 *    "startNonce": 0, "settings": {...}, "config": {...}, "addresses": {...},
 *    "safeSaltNonce": "0x..", "handoverSalt": "0x..", "handoverId": "0x..",
 *    "handoverScheduledAt": 0,
 *    "steps": [{"id", "what", "phase", "create", "to", "address", "data", "gas", "nonce",
 *               "state": "planned" | "signed" | "mined", "raw", "hash", "block"}]}
 * A journal is outside input when read back (a file anyone may have edited): it is parsed
 * strictly and capped. */
#ifndef KMS_DEPLOY_JOURNAL_H
#define KMS_DEPLOY_JOURNAL_H

#include <stddef.h>
#include <jansson.h>
#include "deploy_plan.h"
#include "eth/error.h"

/* Largest journal file read, and most steps in one. */
#define KMS_JOURNAL_MAX_FILE (64u << 20)
#define KMS_JOURNAL_MAX_STEPS 1024u

/* The settings as JSON (addresses EIP-55, the delay in seconds), a new reference, or NULL. */
json_t *kms_deploy_settings_json(const kms_deploy_settings *s);

/* Reads settings back from their JSON (o may be NULL: then an error) and checks them
 * (kms_deploy_settings_check). Returns 0 or -ETH_EINVAL / -ETH_ERANGE naming the field. */
int kms_deploy_settings_from_json(const json_t *o, kms_deploy_settings *s, eth_error *err)
    ETH_WARN_UNUSED;

/* The whole plan as the journal's JSON, a new reference, or NULL when out of memory. */
json_t *kms_plan_to_json(const kms_plan *p);

/* Reads a plan back from the journal's JSON into *out (release with kms_plan_clear). Returns 0,
 * or -ETH_EINVAL naming the field, -ETH_ERANGE over the caps, -ETH_ENOMEM; *out is empty on
 * failure. j borrowed. */
int kms_plan_from_json(const json_t *j, kms_plan *out, eth_error *err) ETH_WARN_UNUSED;

/* Writes the journal path for a manifest path: "x.json" gives "x.journal.json", anything else
 * gets ".journal.json" appended. Returns 0 or -ETH_ERANGE (does not fit in cap). */
int kms_journal_path(const char *manifest, char *out, size_t cap, eth_error *err)
    ETH_WARN_UNUSED;

/* Saves p to path atomically (mode 0600: it holds signed transactions, not keys, but nobody
 * else needs it). Returns 0, -ETH_ENOMEM or -ETH_EIO. */
int kms_journal_save(const char *path, const kms_plan *p, eth_error *err) ETH_WARN_UNUSED;

/* Loads the journal at path into *out. Returns 0 or the errors of eth_json_load and
 * kms_plan_from_json, messages prefixed with the path. */
int kms_journal_load(const char *path, kms_plan *out, eth_error *err) ETH_WARN_UNUSED;

#endif
