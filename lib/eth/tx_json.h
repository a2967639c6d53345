/* tx_json.h: a transaction as the JSON object cast decode-tx prints, with the same keys in the
 * same order, and the text cast writes for it. */
#ifndef ETH_TX_JSON_H
#define ETH_TX_JSON_H

#include <stdint.h>
#include <jansson.h>
#include "error.h"
#include "tx.h"

/* Builds the object of tx in cast's key order: signer, type, chainId (typed or EIP-155),
 * nonce, gasPrice and gas (legacy, type 1) or gas, maxFeePerGas, maxPriorityFeePerGas (type 2),
 * to (null for a creation), value, accessList (typed), input, r, s, yParity (typed), v, hash.
 * Quantities are minimal 0x hex ("0x0"), byte strings full 0x hex. signer and hash are left out
 * when NULL (cast decode-tx always has both).
 * Returns 0 with *out a new reference (the caller releases it with json_decref), or
 * -ETH_ENOMEM with *out NULL. In: tx borrowed (not NULL); signer, hash may be NULL. */
int eth_tx_to_json(const eth_tx *tx, const uint8_t signer[20], const uint8_t hash[32],
                   json_t **out, eth_error *err) ETH_WARN_UNUSED;

/* The text cast decode-tx prints for the object o (without the final newline): o indented by
 * two spaces in its key order, itself written as one JSON string.
 * Returns 0 with *out a new string (the caller frees it), or -ETH_ENOMEM with *out NULL.
 * In: o borrowed, not NULL. */
int eth_tx_json_cast_text(const json_t *o, char **out, eth_error *err) ETH_WARN_UNUSED;

#endif
