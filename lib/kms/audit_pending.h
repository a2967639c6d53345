/* audit_pending.h: what is about to change a KMS policy, for `kmsctl policy pending` and
 * `policy watch`: the operations of the timelocks that own the DstackKms or its apps that are
 * scheduled and neither executed nor cancelled and that call the policy contracts or the
 * timelock itself, with their state and ETA; and the Safe proposal files (proposal.h) in a
 * folder that the Safe has not executed yet. */
#ifndef KMS_AUDIT_PENDING_H
#define KMS_AUDIT_PENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "audit_fetch.h"
#include "eth/error.h"
#include "proposal.h"
#include "timelock_ops.h"

/* Most contracts (the KMS, its apps, their timelocks) and proposal files considered. */
#define KMS_AUDIT_MAX_TARGETS 1024
#define KMS_AUDIT_MAX_PROPOSALS 256

/* The policy's contracts and the timelocks among their owners. Plain data; release with
 * kms_audit_targets_clear. */
typedef struct kms_audit_targets {
    uint8_t (*contracts)[20]; /* the DstackKms proxy, then its registered apps */
    size_t ncontracts;
    uint8_t (*timelocks)[20]; /* owners (or pending owners) that are TimelockControllers */
    size_t ntimelocks;
} kms_audit_targets;

/* Reads the contracts of the DstackKms at kms as of block (apps registered from origin) and
 * the timelocks among their owners and pending owners. Returns 0 with *out, -ETH_ERANGE (more
 * than KMS_AUDIT_MAX_TARGETS), -ETH_ENOMEM or an RPC error; on failure *out is empty. */
int kms_audit_targets_read(const kms_audit_net *net, const uint8_t kms[20], uint64_t origin,
                           uint64_t block, kms_audit_targets *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Frees what t owns and zeroes it. NULL is fine. */
void kms_audit_targets_clear(kms_audit_targets *t);

/* One pending timelock operation. */
typedef struct kms_audit_op {
    uint8_t timelock[20];
    const kms_tl_op *op; /* borrowed from the list's lists */
    int state;           /* enum kms_op_state: waiting or ready */
    uint64_t ready_at;   /* the timelock's getTimestamp */
} kms_audit_op;

/* A list of pending operations, in the order of the timelocks, then of scheduling.
 * Zero-initialise; release with kms_audit_ops_clear. */
typedef struct kms_audit_ops {
    kms_audit_op *items;
    size_t n;
    kms_tl_ops *lists;   /* every operation of each timelock (owned) */
    size_t nlists;
} kms_audit_ops;

/* Reads the operations of t's timelocks (events from origin to block) that are waiting or
 * ready at block and have a call to one of t's contracts or timelocks, into *out.
 * Returns 0 (release *out with kms_audit_ops_clear), -ETH_ENOMEM or an error of
 * kms_tl_ops_read / kms_timelock_state; on failure *out is empty. */
int kms_audit_pending_ops(const kms_audit_net *net, const kms_audit_targets *t, uint64_t origin,
                          uint64_t block, kms_audit_ops *out, eth_error *err) ETH_WARN_UNUSED;

/* Frees what l owns and zeroes it. NULL is fine. */
void kms_audit_ops_clear(kms_audit_ops *l);

/* True if one of op's calls targets one of t's contracts or timelocks. */
bool kms_audit_op_touches(const kms_audit_targets *t, const kms_tl_op *op);

/* o as JSON: {"timelock", "id", "state" (kms_op_state_name), "readyAt", "batch",
 * "scheduledBlock", "calls": [{"target", "value" (decimal wei), "data"}]}. A new reference, or
 * NULL when out of memory. */
json_t *kms_audit_op_json(const kms_audit_op *o);

/* One Safe proposal file not yet executed. */
typedef struct kms_audit_proposal {
    char *path;          /* owned */
    kms_proposal p;      /* owned */
    uint64_t threshold;  /* the Safe's threshold now */
    u256 safe_nonce;     /* the Safe's nonce now (the proposal's is this or later) */
} kms_audit_proposal;

typedef struct kms_audit_proposals {
    kms_audit_proposal *items; /* by file name */
    size_t n;
    size_t skipped;            /* proposal files of another chain, or that do not load */
} kms_audit_proposals;

/* Reads the Safe proposal files (kind "kmsctl-safe-proposal") among the *.json files directly
 * in dir, for chain chain_id, and keeps those whose Safe has not reached their nonce yet (read
 * with rpc at "latest"): not executed, nor replaced by another transaction with their nonce.
 * Returns 0 with *out (release with kms_audit_proposals_clear), -ETH_EIO (dir cannot be read),
 * -ETH_ERANGE (more than KMS_AUDIT_MAX_PROPOSALS files), -ETH_ENOMEM, or an RPC error; on
 * failure *out is empty. */
int kms_audit_proposals_read(eth_rpc *rpc, const char *dir, uint64_t chain_id,
                             kms_audit_proposals *out, eth_error *err) ETH_WARN_UNUSED;

/* Frees what l owns and zeroes it. NULL is fine. */
void kms_audit_proposals_clear(kms_audit_proposals *l);

#endif
