/* audit_path.h: the way a change reached a policy contract, read back from the transaction that
 * made it: sent directly by an account, through a Safe (execTransaction, with the owners whose
 * signatures it carried), through a TimelockController (execute / executeBatch, with the
 * operation id, and when and how the operation was scheduled), through MultiSendCallOnly
 * batches, or through a contract kmsctl does not decode.
 *
 * The transaction's input is outside data: every length is checked; what does not decode ends
 * the path with a KMS_HOP_CONTRACT hop. Signers are recovered from the signatures in
 * execTransaction's input against the Safe transaction hash the Safe logged in its
 * ExecutionSuccess event (found in the transaction's receipt): ECDSA (v 27/28), eth_sign
 * (v 31/32), approved hashes and contract signatures (v 1 and 0: the owner is r); for an owner
 * that is a Safe, the owners whose signatures its contract signature carries too. */
#ifndef KMS_AUDIT_PATH_H
#define KMS_AUDIT_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "audit_fetch.h"
#include "eth/buf.h"
#include "eth/error.h"

/* Most hops followed in one transaction. */
#define KMS_AUDIT_MAX_HOPS 4

typedef enum kms_hop_kind {
    KMS_HOP_SAFE,     /* a Safe's execTransaction */
    KMS_HOP_TIMELOCK, /* a TimelockController's execute or executeBatch */
    KMS_HOP_CONTRACT  /* a contract whose call kmsctl does not decode: the path stops there */
} kms_hop_kind;

struct kms_audit_path;

/* One signature inside an owner Safe's contract signature: signer signed for the owner Safe. */
typedef struct kms_audit_inner_sig {
    uint8_t safe[20];
    uint8_t signer[20];
} kms_audit_inner_sig;

/* One layer a call went through. Zero-initialised parts are unknown. */
typedef struct kms_audit_hop {
    kms_hop_kind kind;
    uint8_t addr[20];            /* the Safe, the timelock or the contract */
    /* Safe */
    eth_buf signatures;          /* execTransaction's signatures argument (owned) */
    bool has_safe_tx_hash;       /* its ExecutionSuccess event was found */
    uint8_t safe_tx_hash[32];
    uint8_t (*signers)[20];      /* owned; the owners recovered from signatures, in order */
    size_t nsigners;
    kms_audit_inner_sig *inner;  /* owned; for signers that are Safes (contract signatures),
                                    who signed for them */
    size_t ninner;
    /* timelock */
    uint8_t op_id[32];
    bool scheduled;              /* the timelock's CallScheduled events name the operation */
    uint64_t scheduled_block, scheduled_at, delay;
    uint8_t schedule_tx[32];
    struct kms_audit_path *schedule; /* owned: how schedule reached the timelock, or NULL */
} kms_audit_hop;

/* How one transaction reached its target. Zero-initialise; release with kms_audit_path_clear. */
typedef struct kms_audit_path {
    uint8_t tx[32];
    uint8_t target[20];          /* the contract the path leads to */
    uint8_t sender[20];          /* the transaction's from */
    kms_audit_hop hops[KMS_AUDIT_MAX_HOPS]; /* outermost first; none: the sender called target */
    size_t nhops;
    bool fetched;                /* the transaction was read */
} kms_audit_path;

/* Frees what p owns (signatures, signers, schedule paths) and zeroes it. NULL is fine. */
void kms_audit_path_clear(kms_audit_path *p);

/* Fills p's hops from the transaction from -> to with input[0..n) toward p->target (set by the
 * caller, with p->tx): execTransaction on any address is read as a Safe, execute and
 * executeBatch as a timelock (the operation id computed from the calls), a delegatecall of
 * multiSend as the batch it holds; in a batch, the call to target (else the first Safe or
 * timelock call, else the first) is followed. Returns 0, or -ETH_ENOMEM (what does not decode is
 * a KMS_HOP_CONTRACT, never an error). */
int kms_audit_path_decode(kms_audit_path *p, const uint8_t from[20], const uint8_t to[20],
                          const uint8_t *input, size_t n, eth_error *err) ETH_WARN_UNUSED;

/* Reads the transactions of *paths[0..n) (eth_getTransactionByHash, in batches) and decodes
 * each with kms_audit_path_decode. Returns 0, -ETH_ERPC (a transaction the node does not know,
 * a reply that does not parse) or an error of kms_audit_each. */
int kms_audit_paths_fetch(const kms_audit_net *net, kms_audit_path *const *paths, size_t n,
                          eth_error *err) ETH_WARN_UNUSED;

/* For each Safe hop of *paths[0..n) (schedule paths included): reads the transaction's receipt,
 * takes the Safe transaction hash from the Safe's ExecutionSuccess event, and recovers the
 * signers. Returns 0 or an error of kms_audit_each (-ETH_ENOMEM). A signature that does not
 * recover is left out. */
int kms_audit_paths_signers(const kms_audit_net *net, kms_audit_path *const *paths, size_t n,
                            eth_error *err) ETH_WARN_UNUSED;

/* Recovers the owners whose signatures sigs[0..n) (65 bytes each, as execTransaction takes
 * them) carry over safe_tx_hash into *out (a new array the caller frees; NULL when *nout is 0).
 * Reading stops at the first signature of a kind Safe does not know, and where a contract
 * signature's data begins (its owner, the contract, is one of the signers). Returns 0 or
 * -ETH_ENOMEM. */
int kms_audit_signers(const uint8_t safe_tx_hash[32], const uint8_t *sigs, size_t n,
                      uint8_t (**out)[20], size_t *nout, eth_error *err) ETH_WARN_UNUSED;

/* For each contract signature (v 0) among sigs[0..n) (as kms_audit_signers reads them) whose
 * data lies within sigs: the owners of that owner (a Safe on chain chain_id) whose signatures
 * the data carries over kms_safe_owner_safe_hash of safe_tx_hash, as (safe, signer) pairs into
 * *out (a new array the caller frees; NULL when *nout is 0). Data that runs past the end, or
 * signatures that do not recover, are left out. Returns 0 or -ETH_ENOMEM (then *out NULL). */
int kms_audit_inner_signers(uint64_t chain_id, const uint8_t safe_tx_hash[32],
                            const uint8_t *sigs, size_t n, kms_audit_inner_sig **out,
                            size_t *nout, eth_error *err) ETH_WARN_UNUSED;

/* The path in words, one clause per hop from the outermost, to out[0..cap): "sent directly by
 * 0x..", "sent by 0x.. through the Safe 0x.. (transaction 0x.., signed by 0xA, 0xB) through the
 * timelock 0x.. (operation 0x.., scheduled DATE in block N, schedule sent by ...)", "... through
 * the contract 0x..", "... in the transaction that created the contract". */
void kms_audit_path_words(const kms_audit_path *p, char *out, size_t cap);

/* p as JSON: {"tx", "sender", "hops": [{"kind": "safe"|"timelock"|"contract", "address", and
 * for a Safe "safeTxHash" (or null), "signers"; for a timelock "operation", "scheduledBlock",
 * "scheduledAt", "delay", "scheduleTx", "schedule" (the schedule's path, or null)}]}.
 * A new reference, or NULL when out of memory. */
json_t *kms_audit_path_json(const kms_audit_path *p);

#endif
