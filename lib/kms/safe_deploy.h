/* safe_deploy.h: putting Safe v1.4.1 at its canonical addresses on a local anvil.
 *
 * anvil has the deterministic deployment proxy (KMS_CREATE2_PROXY) from genesis but not the
 * Safe singleton factory; its runtime code is the same, so it is copied to KMS_SAFE_FACTORY
 * with anvil_setCode, and each embedded Safe artifact's creation code is sent through it with
 * the zero salt, as Safe deployed them on mainnet. Only for a dev chain that unlocks `from`
 * (eth_sendTransaction) and answers anvil_setCode. */
#ifndef KMS_SAFE_DEPLOY_H
#define KMS_SAFE_DEPLOY_H

#include <stdint.h>
#include "eth/error.h"
#include "eth/rpc.h"
#include "progress.h"
#include "safe_canonical.h"

/* Deploys what is missing of the six canonical Safe contracts and checks the result: each
 * transaction succeeded, and each address holds exactly kms_safe_expected_runtime. Contracts
 * already there with the right code are left alone (so a second call sends nothing). All
 * transactions are sent before any receipt is awaited, so with interval mining they share a
 * block; receipts are awaited up to timeout_ms in all.
 * Returns 0; -ETH_ESTATE (the chain has no deterministic deployment proxy, something other
 * than the expected code sits at a canonical address, a deployment reverted or landed
 * elsewhere); -ETH_ETIMEOUT (no receipt in time); or an RPC error.
 * In:  rpc  a client for the dev chain (not NULL); from  an account the node unlocks (20
 *      bytes, not NULL); timeout_ms  for the receipts; progress  may be NULL.
 * Out: check  may be NULL; else what the chain holds afterwards. */
int kms_safe_deploy_devnet(eth_rpc *rpc, const uint8_t from[20], long timeout_ms,
                           const kms_progress *progress, kms_safe_check *check, eth_error *err)
    ETH_WARN_UNUSED;

#endif
