/* policy_env.h: what every `kmsctl policy` action opens: the chain and the DstackKms (--kms or
 * --manifest, policy_cli.h), the deployment's manifest when there is one, the first block to
 * read events from, the latest block, and the parallel readers (lib/kms/audit_fetch.h); and the
 * BLOCK|DATE values of --since, --until, --from and --to. */
#ifndef KMSCTL_POLICY_ENV_H
#define KMSCTL_POLICY_ENV_H

#include <stdbool.h>
#include <stdint.h>
#include "cli.h"
#include "known.h"
#include "kms/audit_fetch.h"
#include "kms/audit_pending.h"
#include "kms/manifest.h"
#include "policy_cli.h"
#include "policy_print.h"

/* Flag set: --from-block N, --threads N, --range N. */
extern const cli_flag CLI_AUDIT_FLAGS[];

/* An open policy audit. Release with cli_audit_close. */
typedef struct cli_audit_env {
    cli_policy_env pe;    /* the chain; pe.contract is the DstackKms proxy */
    bool has_manifest;    /* m holds the deployment's manifest */
    kms_manifest m;
    uint64_t origin;      /* --from-block, else the manifest's first block, else 0 */
    uint64_t head;        /* the latest block when opened */
    kms_audit_net net;    /* the chain's client and URL, --threads, --range, a progress line */
    cli_progress_line line; /* net's progress line */
} cli_audit_env;

/* Opens what c names (CLI_KMS_FLAGS, CLI_CHAIN_FLAGS, CLI_AUDIT_FLAGS). A manifest for another
 * chain than the node's is refused. Returns CLI_OK, or an exit code (printed). *e is to be
 * closed in every case. */
int cli_audit_open(const cli_call *c, cli_audit_env *e);

/* Releases e (and ends its progress line). */
void cli_audit_close(cli_audit_env *e);

/* The block flag names (BLOCK|DATE): a decimal number is a block (at most e->head); a UTC date
 * "2025-01-31", "2025-01-31 12:00[:00]" or "2025-01-31T12:00:00Z" is the first block at or after
 * it (after true) or the last block at or before it (after false), found by its time. Returns
 * CLI_OK with *block, or an exit code (printed): CLI_USAGE for a value that is neither, CLI_FAIL
 * when no block is at that time. The flag must have been given. */
int cli_audit_point(const cli_call *c, const cli_audit_env *e, const char *flag, bool after,
                    uint64_t *block);

/* Fills k with the contracts a governance call on the policy may target, for the decoder: the
 * DstackKms, the timelocks among the owners, the apps (as many as k holds). */
void cli_audit_known(const kms_audit_targets *t, cli_known *k);

#endif
