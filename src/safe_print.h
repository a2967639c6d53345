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
} cli_safe_onchain;

/* Prints the fields, hashes and decode of p to f (known: the contracts expected, with the Safe
 * added), warnings last. Returns the decode's warning flags (KMS_WARN_*), 0 when none. */
uint32_t cli_safe_print_tx(FILE *f, const kms_proposal *p, const cli_safe_onchain *chain,
                           const cli_known *known);

/* Prints who signed (and how) and who is missing against the threshold, to f. */
void cli_safe_print_sigs(FILE *f, const kms_proposal *p, const cli_safe_onchain *chain);

/* The status as JSON: {"safe", "chainId", "nonce", "safeTxHash", "threshold", "signed": [...],
 * "missing": [...], "ready": bool, "onChain": {...} or null}. NULL when out of memory. */
json_t *cli_safe_status_json(const kms_proposal *p, const cli_safe_onchain *chain);

/* The owners and threshold to count against: the chain's when known, else the file's. */
size_t cli_safe_ready_count(const kms_proposal *p, const cli_safe_onchain *chain,
                            uint64_t *threshold);

#endif
