/* erc1967.h: the ERC-1967 proxy slot and UUPS: where a proxy keeps its implementation, and
 * whether an implementation says it is UUPS (its proxiableUUID() is that slot). */
#ifndef KMS_ERC1967_H
#define KMS_ERC1967_H

#include <stdbool.h>
#include <stdint.h>
#include "eth/error.h"
#include "eth/rpc.h"

/* keccak256("eip1967.proxy.implementation") - 1. */
extern const uint8_t KMS_ERC1967_IMPL_SLOT[32];

/* Reads the implementation the proxy at proxy points to at block (a tag) into out. Returns 0 or
 * an RPC error. */
int kms_erc1967_implementation(eth_rpc *rpc, const uint8_t proxy[20], const char *block,
                               uint8_t out[20], eth_error *err) ETH_WARN_UNUSED;

/* Sets *uups: impl's proxiableUUID() at "latest" is the ERC-1967 slot. A call that reverts or
 * returns nothing (not UUPS, no code) is *uups false, not an error. Returns 0 or an RPC error
 * of the node itself. */
int kms_is_uups(eth_rpc *rpc, const uint8_t impl[20], bool *uups, eth_error *err)
    ETH_WARN_UNUSED;

#endif
