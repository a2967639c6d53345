/* simulate.h: running a deployment plan on a fork of its chain before anything is signed.
 *
 * Every step is estimated (eth_estimateGas from the deployer, on the state the earlier steps
 * left) and then executed as the deployer (impersonated on the fork), so a step that depends on
 * a contract an earlier step creates is checked for real, creations are checked to land at their
 * planned addresses, and each step gets its gas limit. Nothing touches the real chain. */
#ifndef KMS_SIMULATE_H
#define KMS_SIMULATE_H

#include <stdint.h>
#include "deploy_plan.h"
#include "eth/error.h"
#include "progress.h"

/* What a simulation found (plain data). */
typedef struct kms_sim_result {
    uint64_t fork_block; /* the block the fork started from */
    uint64_t total_gas;  /* sum of the steps' gas limits */
    size_t nsteps;       /* steps run */
} kms_sim_result;

/* Runs the steps of phase `phase` of p (those not yet signed) in order on an anvil fork of
 * fork_url, started from the binary at anvil. Sets each step's gas to its estimate plus
 * margin_pct percent (capped at the block gas limit). Returns 0 with *out (may be NULL);
 * -ETH_EREVERT naming the step that would revert, with its revert data and the explanation;
 * -ETH_ESTATE when the chain is not as planned (the deployer's nonce moved, a creation lands
 * elsewhere, a step fails without revert data); or a fork or RPC error. */
int kms_plan_simulate(kms_plan *p, int phase, const char *anvil, const char *fork_url,
                      unsigned margin_pct, const kms_progress *progress, kms_sim_result *out,
                      eth_error *err) ETH_WARN_UNUSED;

#endif
