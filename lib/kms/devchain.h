/* devchain.h: what only a development chain (anvil) answers: sending from an account the node
 * unlocks or impersonates, setting balances, and calls whose result does not matter. Used to
 * set up the devnet and to simulate a plan on an anvil fork; never against a real chain. */
#ifndef KMS_DEVCHAIN_H
#define KMS_DEVCHAIN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "eth/error.h"
#include "eth/rpc.h"

/* Calls method with params (a JSON array, stolen: released here; NULL means an allocation
 * failed) and drops the result. Returns 0, -ETH_ENOMEM or an RPC error. */
int kms_dev_call(eth_rpc *rpc, const char *method, json_t *params, eth_error *err)
    ETH_WARN_UNUSED;

/* eth_sendTransaction from `from` (unlocked or impersonated by the node) to `to` (NULL: a
 * contract creation) with data[0..n) and gas (0: the node estimates). *hash gets the
 * transaction hash. Returns 0, -ETH_EREVERT (the node refused it with revert data), or an RPC
 * error. data may be NULL if n is 0. */
int kms_dev_send(eth_rpc *rpc, const uint8_t from[20], const uint8_t *to, const uint8_t *data,
                 size_t n, uint64_t gas, uint8_t hash[32], eth_error *err) ETH_WARN_UNUSED;

/* anvil_impersonateAccount(addr) and anvil_setBalance(addr, 2^80 wei): the node sends for
 * addr from now on, whatever its balance was. Returns 0 or an RPC error. */
int kms_dev_impersonate(eth_rpc *rpc, const uint8_t addr[20], eth_error *err) ETH_WARN_UNUSED;

#endif
