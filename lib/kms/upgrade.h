/* upgrade.h: may a DstackKms or DstackApp proxy be upgraded to this implementation?
 *
 * Three checks, as OpenZeppelin's upgrade validation made them for Hardhat and Foundry users:
 * the new implementation is UUPS (its proxiableUUID() is the ERC-1967 implementation slot, or
 * the proxy could never be upgraded again); it is the same contract (its code matches the
 * embedded artifact of the proxy's kind, not the other one: a DstackApp behind the KMS proxy
 * would lose the policy); and its storage layout extends the current one (layout.h). The
 * layouts come from the embedded artifacts; a new implementation whose code matches none needs
 * a layout from the caller (--layout FILE), or the caller's explicit choice to skip the check.
 * A current implementation whose code matches no artifact (an older build of the same
 * contract) is taken to have the embedded layout of its kind, which the contract checks keep
 * equal to the deployed contracts' (contracts/scripts/compat.mjs). */
#ifndef KMS_UPGRADE_H
#define KMS_UPGRADE_H

#include <stdbool.h>
#include <stdint.h>
#include "artifacts.h"
#include "eth/error.h"
#include "eth/rpc.h"
#include "layout.h"

/* What the check found (release with kms_upgrade_report_clear). */
typedef struct kms_upgrade_report {
    uint8_t current[20];           /* the proxy's implementation now */
    const kms_artifact *current_a; /* the artifact its code matches, or NULL */
    const kms_artifact *next_a;    /* the artifact the new code matches, or NULL */
    bool layout_checked;           /* false only when skipped */
    kms_layout_diff diff;          /* when layout_checked */
} kms_upgrade_report;

/* Checks the upgrade of proxy, a DstackKms or DstackApp proxy (kind "DstackKms" or
 * "DstackApp"), to impl. next_layout (may be NULL) is impl's layout when its code matches no
 * embedded artifact; skip_layout skips the layout check (the caller's explicit choice).
 * Returns 0 with *out when the upgrade is safe; -ETH_ESTATE with a sentence when it is not
 * (out->diff then names the differing slots: kms_layout_render); or an RPC error. */
int kms_upgrade_check(eth_rpc *rpc, const uint8_t proxy[20], const char *kind,
                      const uint8_t impl[20], const kms_layout *next_layout, bool skip_layout,
                      kms_upgrade_report *out, eth_error *err) ETH_WARN_UNUSED;

/* Frees what r holds (not r itself). NULL is fine. */
void kms_upgrade_report_clear(kms_upgrade_report *r);

#endif
