/* safe_print.h: a Safe proposal shown to the people who sign it: every field that goes into the
 * hash, the three hashes as a hardware wallet displays them, the nested decode with its
 * warnings, and who signed and who is missing. */
#ifndef KMSCTL_SAFE_PRINT_H
#define KMSCTL_SAFE_PRINT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "kms/proposal.h"
#include "kms/safe.h"
#include "known.h"

/* What the chain says of a proposal, when an RPC is at hand (plain data). */
typedef struct cli_safe_onchain {
    bool known;              /* the chain was read */
    bool hash_matches;       /* the Safe's getTransactionHash equals the file's safeTxHash */
    kms_safe_info info;      /* owners, threshold, nonce now */
    bool approved[KMS_SAFE_MAX_OWNERS]; /* approvedHashes(owner, hash) != 0, per info.owners */
    /* per info.owners, for an owner that is a Safe the file has nested signatures for: its
     * threshold, and how many of them are by its current owners (both 0 for other owners) */
    uint64_t inner_threshold[KMS_SAFE_MAX_OWNERS];
    size_t inner_signed[KMS_SAFE_MAX_OWNERS];
} cli_safe_onchain;

/* True if owner i of chain (a Safe) has its threshold of nested signatures in the file. */
bool cli_safe_inner_ready(const cli_safe_onchain *chain, size_t i);

/* Prints the fields, hashes and decode of p to f (known: the contracts expected, with the Safe
 * added), warnings last. Returns the decode's warning flags (KMS_WARN_*), 0 when none. */
uint32_t cli_safe_print_tx(FILE *f, const kms_proposal *p, const cli_safe_onchain *chain,
                           const cli_known *known);

/* Prints who signed (and how) and who is missing against the threshold, to f. */
void cli_safe_print_sigs(FILE *f, const kms_proposal *p, const cli_safe_onchain *chain);

/* The status as JSON: {"safe", "chainId", "nonce", "safeTxHash", "threshold", "signatures",
 * "signed": [...], "missing": [...], "ownerSafes": [{"safe", "signatures", "threshold" (null
 * offline)}], "ready": bool, "hashCheckedOnChain": bool}. NULL when out of memory. */
json_t *cli_safe_status_json(const kms_proposal *p, const cli_safe_onchain *chain);

/* The owners and threshold to count against: the chain's when known, else the file's. */
size_t cli_safe_ready_count(const kms_proposal *p, const cli_safe_onchain *chain,
                            uint64_t *threshold);

#endif
