/* sender.h: sending transactions from one signer: nonces, fees, gas, a simulation before
 * every send, broadcast, and receipts awaited with progress.
 *
 * A kms_sender borrows an RPC client and a signer and tracks the signer's next nonce (read once
 * as the "pending" count, then counted locally). The steps are separate so that a deployment
 * can build and sign many transactions up front and broadcast them later:
 *   kms_sender_prepare   simulate (eth_call from the signer) and estimate gas, fill a tx
 *   kms_sender_sign      sign it (the raw bytes and hash a journal records)
 *   kms_sender_broadcast eth_sendRawTransaction, idempotent for a transaction already known
 *   kms_sender_wait      the receipt, with confirmations, progress and a timeout; a failed
 *                        transaction becomes ETH_EREVERT with the revert data replayed
 * and kms_sender_send does all four for one call. */
#ifndef KMS_SENDER_H
#define KMS_SENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/buf.h"
#include "eth/error.h"
#include "eth/rpc.h"
#include "eth/rpc_eth.h"
#include "eth/signer.h"
#include "eth/tx.h"
#include "eth/u256.h"
#include "progress.h"

/* Fees of a transaction: EIP-1559 (max_fee, max_priority) or legacy (gas_price). Plain data. */
typedef struct kms_fees {
    bool legacy;
    u256 gas_price;    /* legacy */
    u256 max_fee;      /* EIP-1559 maxFeePerGas */
    u256 max_priority; /* EIP-1559 maxPriorityFeePerGas */
} kms_fees;

/* What the caller may fix instead of asking the node; NULL members are chosen by kms_fees_suggest. */
typedef struct kms_fee_overrides {
    const u256 *gas_price;    /* --gas-price: with EIP-1559 it is the max fee, else the legacy price */
    const u256 *priority_fee; /* --priority-gas-price: EIP-1559 only */
    bool force_legacy;        /* --legacy: a legacy transaction even where EIP-1559 exists */
} kms_fee_overrides;

/* Suggests fees from the node: when the latest block has a base fee, EIP-1559 with the priority
 * fee the median of the 50th-percentile rewards of the last 10 blocks (eth_feeHistory; at least
 * 1 wei, or eth_maxPriorityFeePerGas when the history has no rewards) and a max fee of twice the
 * base fee plus the priority fee; else legacy at eth_gasPrice. ov may be NULL. Returns 0 or an
 * RPC error; -ETH_EINVAL if an override is inconsistent (a priority fee above the max fee, or a
 * priority fee on a legacy chain). */
int kms_fees_suggest(eth_rpc *rpc, const kms_fee_overrides *ov, kms_fees *out, eth_error *err)
    ETH_WARN_UNUSED;

/* The most a transaction with gas limit gas can cost at fees f: gas * (max_fee or gas_price).
 * Returns 1 on overflow (then *out is undefined), else 0. */
int kms_fees_max_cost(const kms_fees *f, uint64_t gas, u256 *out) ETH_WARN_UNUSED;

/* Tuning of a sender; kms_sender_opts_default fills the defaults given. */
typedef struct kms_sender_opts {
    kms_fee_overrides fees;  /* none by default */
    unsigned gas_margin_pct; /* added to each gas estimate, default 20 */
    unsigned confirmations;  /* blocks a receipt must have (1 = mined), default 1 */
    long poll_ms;            /* receipt polling interval, default 500 (100 on a dev chain is fine) */
    long wait_timeout_ms;    /* per receipt, default 600000; 0: no limit */
    kms_progress progress;   /* "waiting for 0x12..: 1 of 2 confirmations"; fn may be NULL */
} kms_sender_opts;

void kms_sender_opts_default(kms_sender_opts *o);

typedef struct kms_sender kms_sender;

/* Opens a sender for signer on rpc (both borrowed: they must outlive the sender): reads the
 * chain id and the signer's pending nonce, and suggests fees once (kms_fees_suggest with
 * opts->fees). Returns 0 with *out (free with kms_sender_free), or an RPC error.
 * opts may be NULL (defaults). */
int kms_sender_open(eth_rpc *rpc, const eth_signer *signer, const kms_sender_opts *opts,
                    kms_sender **out, eth_error *err) ETH_WARN_UNUSED;

void kms_sender_free(kms_sender *s);

/* The chain id read at open, the signer's address (borrowed), the nonce the next prepared
 * transaction gets, and the fees in use. */
uint64_t kms_sender_chain_id(const kms_sender *s);
const uint8_t *kms_sender_address(const kms_sender *s);
uint64_t kms_sender_next_nonce(const kms_sender *s);
const kms_fees *kms_sender_fees(const kms_sender *s);

/* Sets the next nonce (a deployment that resumes, or a caller that re-reads the chain). */
void kms_sender_set_nonce(kms_sender *s, uint64_t nonce);

/* One call or contract creation to send. Pointers borrowed. */
typedef struct kms_txreq {
    const uint8_t *to;   /* 20 bytes; NULL: create a contract with data as its init code */
    const uint8_t *data; /* calldata or init code; may be NULL if data_len is 0 */
    size_t data_len;
    const u256 *value;   /* NULL: 0 */
    uint64_t gas;        /* 0: estimate (eth_estimateGas plus the margin); else used as is and
                            nothing is simulated (the caller simulated the plan) */
    const char *what;    /* "DstackKms.addOsImageHash(0x..)", for messages and progress */
} kms_txreq;

/* Fills *tx (eth_tx_init'ed by the caller; cleared on failure) with req at the next nonce,
 * the sender's fees and chain id, and advances the next nonce. When req->gas is 0 the call is
 * first simulated with eth_call from the signer at "latest" and its gas estimated: a revert
 * stops here with -ETH_EREVERT, err->data holding the revert data and err->msg saying, in
 * words, what->would revert: the explained error and its fix (kms_revert_describe).
 * Returns 0, -ETH_EREVERT, or an RPC or encoding error. */
int kms_sender_prepare(kms_sender *s, const kms_txreq *req, eth_tx *tx, eth_error *err)
    ETH_WARN_UNUSED;

/* Signs tx with the sender's signer; appends the raw signed bytes to raw and writes the
 * transaction hash. Returns 0 or a signing error. */
int kms_sender_sign(kms_sender *s, eth_tx *tx, eth_buf *raw, uint8_t hash[32], eth_error *err)
    ETH_WARN_UNUSED;

/* Broadcasts raw[0..n) whose hash is hash. A node answer that it already has this transaction
 * ("already known", or a "nonce too low" while eth_getTransactionByHash finds it) is success.
 * Returns 0; -ETH_ESTATE when the nonce was used by another transaction (the message names
 * the nonce and says so); or an RPC error (a node's refusal, such as insufficient funds, is
 * -ETH_ERPC with the node's words). */
int kms_sender_broadcast(kms_sender *s, const uint8_t *raw, size_t n, const uint8_t hash[32],
                         eth_error *err) ETH_WARN_UNUSED;

/* Waits for the receipt of hash with the sender's confirmations, reporting progress ("waiting
 * for 0x1234..abcd (what): mined in block 12, 1 of 2 confirmations"). A receipt with status 0
 * is -ETH_EREVERT: the transaction is replayed with eth_call at its block to get the revert
 * data, and the message explains it. Returns 0 with *out (may be NULL); -ETH_ETIMEOUT after the
 * sender's wait timeout; -ETH_EREVERT; or an RPC error. what may be NULL. */
int kms_sender_wait(kms_sender *s, const uint8_t hash[32], const char *what, eth_receipt *out,
                    eth_error *err) ETH_WARN_UNUSED;

/* kms_sender_prepare, kms_sender_sign, kms_sender_broadcast and kms_sender_wait for one
 * request. hash (may be NULL) gets the transaction hash as soon as it is known, also when the
 * wait fails afterwards. Returns 0 with *out (may be NULL) or the first error. */
int kms_sender_send(kms_sender *s, const kms_txreq *req, uint8_t hash[32], eth_receipt *out,
                    eth_error *err) ETH_WARN_UNUSED;

/* The address a contract created by from with nonce gets: keccak256(rlp([from, nonce]))[12:]. */
void kms_create_address(const uint8_t from[20], uint64_t nonce, uint8_t out[20]);

#endif
