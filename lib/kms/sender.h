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
#include "fees.h"
#include "progress.h"

/* Tuning of a sender; kms_sender_opts_default fills the defaults given. Plain data. */
typedef struct kms_sender_opts {
    kms_fee_overrides fees;  /* none by default; read by kms_sender_open only (its pointers
                                need to live only during that call) */
    unsigned gas_margin_pct; /* percent added to each gas estimate, default 20 */
    unsigned confirmations;  /* blocks a receipt must have (1 = mined; 0 counts as 1), default 1 */
    long poll_ms;            /* receipt polling interval (>= 1), default 500 (100 on a dev chain
                                is fine) */
    long wait_timeout_ms;    /* per receipt, default 600000; 0: no limit */
    kms_progress progress;   /* "waiting for 0x12..: 1 of 2 confirmations"; fn may be NULL */
} kms_sender_opts;

/* Fills o with the defaults above. o not NULL. */
void kms_sender_opts_default(kms_sender_opts *o);

typedef struct kms_sender kms_sender;

/* Opens a sender for signer on rpc (both borrowed: they must outlive the sender): reads the
 * chain id and the signer's pending nonce, and suggests fees once (kms_fees_suggest with
 * opts->fees). Returns 0 with *out (free with kms_sender_free); -ETH_EINVAL for options out of
 * range (poll_ms below 1, a negative wait_timeout_ms) or inconsistent fee overrides;
 * -ETH_ENOMEM; or an RPC error (*out is NULL on failure). opts may be NULL (defaults). */
int kms_sender_open(eth_rpc *rpc, const eth_signer *signer, const kms_sender_opts *opts,
                    kms_sender **out, eth_error *err) ETH_WARN_UNUSED;

/* Frees s (not the client or signer it borrows). NULL is fine. */
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
    const char *what;    /* "DstackKms.addOsImageHash(0x..)", for messages and progress; NULL:
                            "the call to 0x.." or "the contract creation" */
} kms_txreq;

/* Fills *tx (eth_tx_init'ed by the caller; cleared on failure) with req at the next nonce,
 * the sender's fees and chain id (EIP-1559, or legacy with EIP-155), and advances the next
 * nonce (not on failure). When req->gas is 0 the call is first simulated with eth_call from
 * the signer at "latest" and its gas estimated (eth_estimateGas plus gas_margin_pct percent,
 * rounded down): a revert stops here with -ETH_EREVERT, err->data holding the revert data and
 * err->msg "<what> would revert: " followed by the explained error and its fix
 * (kms_revert_describe). Returns 0, -ETH_EREVERT, -ETH_ERANGE (an estimate too large for
 * 64 bits with its margin), -ETH_ENOMEM, or an RPC error. */
int kms_sender_prepare(kms_sender *s, const kms_txreq *req, eth_tx *tx, eth_error *err)
    ETH_WARN_UNUSED;

/* Signs tx with the sender's signer (sets tx->sig); appends the raw signed bytes to raw and
 * writes the transaction hash (keccak256 of those bytes). Returns 0, or a signing or encoding
 * error with raw as it was. */
int kms_sender_sign(kms_sender *s, eth_tx *tx, eth_buf *raw, uint8_t hash[32], eth_error *err)
    ETH_WARN_UNUSED;

/* Broadcasts raw[0..n), a transaction this sender signed, whose hash is hash. A node answer
 * that it already has this transaction ("already known", anvil's "already imported", or any
 * refusal while eth_getTransactionByHash finds the hash, as after "nonce too low" for a mined
 * one) is success. Returns 0; -ETH_ESTATE when the nonce was used by another transaction (the
 * message names the nonce, the account's next nonce and says so); or an RPC error: a node's
 * refusal is -ETH_ERPC with the node's words, and for insufficient funds with what the
 * transaction may cost (gas * max fee + value) and the balance; a node that answers another
 * hash is -ETH_ERPC too; a transport failure's message starts "broadcasting 0x<hash>: ". */
int kms_sender_broadcast(kms_sender *s, const uint8_t *raw, size_t n, const uint8_t hash[32],
                         eth_error *err) ETH_WARN_UNUSED;

/* Waits for the receipt of hash with the sender's confirmations, polling every poll_ms and
 * reporting progress each time it changes ("waiting for 0x1234..abcd (what): mined in block
 * 12, 1 of 2 confirmations"). A receipt that disappears (a reorganisation) is waited for
 * again. A receipt with status 0 is -ETH_EREVERT at once: the transaction (fetched with
 * eth_getTransactionByHash) is replayed with eth_call at its block with its gas limit to get
 * the revert data, and the message explains it ("0x.. (what) failed in block 12: ..."); when
 * the replay gives no revert data (out of gas, an invalid opcode) err->data is empty and the
 * message says why, naming a gas limit that was used up. On the first poll that finds it
 * unmined and every tenth after, a transaction whose nonce is past the sender's next nonce (as
 * the node counts it, pending ones included) fails with -ETH_ESTATE: it waits behind nonces
 * never sent and would never be mined. Returns 0 with *out (may be NULL); -ETH_ETIMEOUT after
 * the sender's wait timeout; -ETH_EREVERT; -ETH_ESTATE; or an RPC error, its message starting
 * "waiting for 0x<hash> (what): ". what may be NULL. */
int kms_sender_wait(kms_sender *s, const uint8_t hash[32], const char *what, eth_receipt *out,
                    eth_error *err) ETH_WARN_UNUSED;

/* kms_sender_prepare, kms_sender_sign, kms_sender_broadcast and kms_sender_wait for one
 * request. hash (may be NULL) gets the transaction hash as soon as it is known, also when the
 * broadcast or the wait fails afterwards. When signing or broadcasting fails the nonce the
 * transaction took is given back (the next one prepared gets it again). Returns 0 with *out
 * (may be NULL) or the first error. */
int kms_sender_send(kms_sender *s, const kms_txreq *req, uint8_t hash[32], eth_receipt *out,
                    eth_error *err) ETH_WARN_UNUSED;

/* Writes to out the address a contract created by from with nonce gets (CREATE):
 * keccak256(rlp([from, nonce]))[12:]. */
void kms_create_address(const uint8_t from[20], uint64_t nonce, uint8_t out[20]);

#endif
