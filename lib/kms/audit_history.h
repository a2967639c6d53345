/* audit_history.h: every change of a KMS policy, read from the chain's events, for `kmsctl
 * policy history` and `policy watch`: each PolicyChanged(actor, policy, value, enabled) of the
 * DstackKms and of every app it registered, each ownership transfer started or completed, with
 * its block time, its transaction, the actor, the detail its specific event gives (the gateway
 * app id, the KMS's k256 public key) and the path it took (audit_path.h): direct, through a
 * Safe and its signers, through a timelock operation and when that was scheduled and by whom.
 *
 * Events are read over ranges in parallel (audit_fetch.h); transactions, receipts and block
 * times in JSON-RPC batches. */
#ifndef KMS_AUDIT_HISTORY_H
#define KMS_AUDIT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "audit_fetch.h"
#include "audit_path.h"
#include "eth/error.h"

/* Most changes read in one history. */
#define KMS_AUDIT_MAX_CHANGES 1000000

typedef enum kms_change_kind {
    KMS_CHANGE_POLICY,        /* PolicyChanged */
    KMS_CHANGE_OWNER_PENDING, /* OwnershipTransferStarted(previousOwner, newOwner) */
    KMS_CHANGE_OWNER          /* OwnershipTransferred(previousOwner, newOwner) */
} kms_change_kind;

/* One change. */
typedef struct kms_audit_change {
    kms_change_kind kind;
    uint64_t block, timestamp, log_index;
    uint8_t tx[32];
    uint8_t contract[20];      /* the DstackKms proxy or the app */
    bool on_kms;
    const char *policy;        /* the policy's name ("os-image", ...; static), or NULL for a
                                * hash kmsctl does not know; "owner" for ownership changes */
    uint8_t policy_hash[32];
    uint8_t value[32];
    bool enabled;
    uint8_t actor[20];         /* PolicyChanged's actor (the contract's msg.sender); ownership:
                                * the previous owner */
    uint8_t new_owner[20];     /* ownership changes */
    char *detail;              /* owned, NULL for none: what the specific event beside it says
                                * (the gateway app id as escaped text, the k256 public key hex) */
    size_t path;               /* index into the history's paths */
} kms_audit_change;

/* A history. Zero-initialise; release with kms_audit_history_clear. */
typedef struct kms_audit_history {
    uint8_t kms[20];
    uint64_t from, to;
    kms_audit_change *items;   /* in chain order */
    size_t n;
    kms_audit_path *paths;     /* one per (transaction, contract) */
    size_t npaths;
} kms_audit_history;

/* What to read. Plain data. */
typedef struct kms_audit_range {
    uint64_t from, to;      /* the changes' blocks, inclusive */
    uint64_t origin;        /* where the deployment began: registered apps and timelock
                             * operations are read from here (0: genesis) */
    bool paths;             /* read each change's transaction and path (false: events only) */
} kms_audit_range;

/* Reads the changes of the DstackKms at kms (and of every app it registered by r->to) in
 * blocks [r->from, r->to] into *out, with their block times and, when r->paths, their paths
 * (the timelocks' operations read from r->origin).
 * Returns 0 with *out (release with kms_audit_history_clear); -ETH_ERANGE (more than
 * KMS_AUDIT_MAX_CHANGES changes); -ETH_EINVAL (an empty range); -ETH_ENOMEM; or an RPC error.
 * On failure *out is empty. */
int kms_audit_history_read(const kms_audit_net *net, const uint8_t kms[20],
                           const kms_audit_range *r, kms_audit_history *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Frees what h owns and zeroes it (not h itself). NULL is fine. */
void kms_audit_history_clear(kms_audit_history *h);

/* Change c in words to out[0..cap), without where or when: "os-image 0x11.. allowed",
 * "compose-hash 0x55.. removed", "gateway-app-id set to \"gw\"", "app-implementation set to
 * 0x..", "allow-any-device on", "upgrades disabled for good", "ownership transfer to 0x..
 * started", "ownership passed from 0x.. to 0x..", "owner set to 0x.. (initialized)". */
void kms_audit_change_words(const kms_audit_change *c, char *out, size_t cap);

/* h as JSON: an array of {"block", "timestamp", "tx", "contract", "onKms", "kind": "policy" |
 * "owner-pending" | "owner", "policy", "value", "enabled", "actor", "newOwner" (ownership),
 * "detail" (or null), "words", "path" (kms_audit_path_json, or null when not read)}.
 * A new reference, or NULL when out of memory. */
json_t *kms_audit_history_json(const kms_audit_history *h);

/* Reads the registered apps of the DstackKms at kms from its AppRegistered events in blocks
 * [from, to] into *apps (a new array of *n addresses the caller frees; NULL when *n is 0).
 * Returns 0, -ETH_ENOMEM or an RPC error. */
int kms_audit_apps(const kms_audit_net *net, const uint8_t kms[20], uint64_t from, uint64_t to,
                   uint8_t (**apps)[20], size_t *n, eth_error *err) ETH_WARN_UNUSED;

/* Finds the first block whose timestamp is at or after t (after: true) or the last one at or
 * before t (after: false), by binary search over eth_getBlockByNumber between 0 and the
 * latest block. Returns 0 with *block; -ETH_ERANGE (no such block: t is after the latest block
 * or before the genesis); or an RPC error. */
int kms_audit_block_at(eth_rpc *rpc, uint64_t t, bool after, uint64_t *block, eth_error *err)
    ETH_WARN_UNUSED;

#endif
