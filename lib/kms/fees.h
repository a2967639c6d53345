/* fees.h: the fees of a transaction: EIP-1559 where the chain has a base fee, else legacy,
 * suggested from the node and adjusted by what the operator fixed (--gas-price,
 * --priority-gas-price, --legacy). */
#ifndef KMS_FEES_H
#define KMS_FEES_H

#include <stdbool.h>
#include <stdint.h>
#include "eth/error.h"
#include "eth/rpc.h"
#include "eth/u256.h"

/* Fees of a transaction: EIP-1559 (max_fee, max_priority) or legacy (gas_price). Plain data. */
typedef struct kms_fees {
    bool legacy;
    u256 gas_price;    /* legacy */
    u256 max_fee;      /* EIP-1559 maxFeePerGas */
    u256 max_priority; /* EIP-1559 maxPriorityFeePerGas */
} kms_fees;

/* What the caller may fix instead of asking the node; NULL members are chosen by
 * kms_fees_suggest. Pointers borrowed for the call. */
typedef struct kms_fee_overrides {
    const u256 *gas_price;    /* --gas-price: with EIP-1559 it is the max fee, else the legacy price */
    const u256 *priority_fee; /* --priority-gas-price: EIP-1559 only */
    bool force_legacy;        /* --legacy: a legacy transaction even where EIP-1559 exists */
} kms_fee_overrides;

/* Blocks and reward percentile kms_fees_suggest reads with eth_feeHistory. */
#define KMS_FEE_HISTORY_BLOCKS 10
#define KMS_FEE_REWARD_PERCENTILE 50.0

/* Suggests fees from the node. When the latest block has a base fee (and ov does not force
 * legacy): EIP-1559, with the priority fee the median of the 50th-percentile rewards of the
 * last 10 blocks (eth_feeHistory; the upper of the two middle values for an even count; at
 * least 1 wei), or eth_maxPriorityFeePerGas when the history holds no rewards, and a max fee
 * of twice the latest base fee plus the priority fee. Else legacy at eth_gasPrice.
 * Overrides replace what they name: ov->gas_price the max fee (EIP-1559; a suggested priority
 * fee above it is lowered to it) or the legacy price, ov->priority_fee the priority fee (the
 * max fee, when not given, is then twice the base fee plus it).
 * Returns 0 with *out filled; -ETH_EINVAL if an override is inconsistent (a priority fee given
 * above the max fee given, or a priority fee for a legacy transaction; the message names both
 * values and the flag to change); -ETH_ERANGE for a base fee so large the max fee overflows;
 * or an RPC error. ov may be NULL (no overrides); rpc, out not NULL. */
int kms_fees_suggest(eth_rpc *rpc, const kms_fee_overrides *ov, kms_fees *out, eth_error *err)
    ETH_WARN_UNUSED;

/* The most a transaction with gas limit gas can cost at fees f: gas * (max_fee or gas_price).
 * Returns 1 on overflow (then *out is undefined), else 0. */
int kms_fees_max_cost(const kms_fees *f, uint64_t gas, u256 *out) ETH_WARN_UNUSED;

#endif
