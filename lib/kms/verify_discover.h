/* verify_discover.h: for `kmsctl verify --kms ADDR`, a deployment kmsctl did not make: what can
 * be read off the chain is turned into a manifest (kms_manifest.discovered set), so that verify
 * checks the code, the proxy, the initializers and the ownership, and lists the governance it
 * found instead of comparing it with settings nobody wrote down. */
#ifndef KMS_VERIFY_DISCOVER_H
#define KMS_VERIFY_DISCOVER_H

#include <stdint.h>
#include "eth/error.h"
#include "eth/rpc.h"
#include "manifest.h"

/* Reads the DstackKms proxy at kms: its implementation (EIP-1967 slot), appImplementation, and
 * its owner; an owner that answers getMinDelay is a timelock, whose roles give the proposer (a
 * Safe when it reads as one), the executor and any extra admin. Returns 0 with *out (release with
 * kms_manifest_clear), or an RPC error (-ETH_ESTATE: no DstackKms at kms). */
int kms_verify_discover(eth_rpc *rpc, const uint8_t kms[20], kms_manifest *out, eth_error *err)
    ETH_WARN_UNUSED;

#endif
