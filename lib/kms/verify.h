/* verify.h: proving on chain that a deployment is what its manifest says.
 *
 * One check per property, each with what was expected and what the chain holds: the chain id;
 * the runtime code at every address against the embedded artifacts (immutables accounted for:
 * a UUPS implementation's own-address word must be its address); the EIP-1967 implementation
 * slot; initializers disabled on the implementations and run once on the proxy; owner and
 * pendingOwner; appImplementation; the --config policy; for the timelock models the
 * TimelockController's code, min delay and exactly who holds each role (its RoleGranted /
 * RoleRevoked events, cross-checked with hasRole), the hand-over, and that nothing but the
 * hand-over ran while the delay was zero; for a Safe its singleton, owners, threshold,
 * fallback handler, modules and guard. */
#ifndef KMS_VERIFY_H
#define KMS_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include "checks.h"
#include "eth/error.h"
#include "eth/rpc.h"
#include "manifest.h"

/* Runs every check of m against rpc's chain at its latest block and appends them to out.
 * Returns 0 when all checks could be made (out says which failed), or an RPC error that
 * stopped them (the checks made so far stay in out). */
int kms_verify_deployment(eth_rpc *rpc, const kms_manifest *m, kms_checks *out, eth_error *err)
    ETH_WARN_UNUSED;

/* The governance half: the timelock and the Safe (called by kms_verify_deployment; exposed for
 * the policy reader). block is the tag the checks read at. Returns as kms_verify_deployment. */
int kms_verify_governance(eth_rpc *rpc, const kms_manifest *m, uint64_t block, kms_checks *out,
                          eth_error *err) ETH_WARN_UNUSED;

/* Checks that addr holds artifact's runtime code at block (a tag) and appends the check named
 * name to out; for a UUPS implementation (self) every immutable word must hold addr itself.
 * Returns 0 (the check says whether it matched) or an RPC error. */
int kms_verify_code(eth_rpc *rpc, const char *block, const char *name, const uint8_t addr[20],
                    const char *artifact, bool self, kms_checks *out, eth_error *err)
    ETH_WARN_UNUSED;

/* For a read made by a check: a refusal by the contract (-ETH_EREVERT, -ETH_ESTATE, -ETH_EINVAL)
 * becomes a failed check named name with err's message as what was found, and 0 is returned;
 * any other code (the node failed) is returned as it is. */
int kms_verify_soft(kms_checks *out, int rc, const char *name, const char *expected,
                    eth_error *err) ETH_WARN_UNUSED;

#endif
