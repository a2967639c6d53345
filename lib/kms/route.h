/* route.h: how a call on a policy contract reaches it, read from the chain: who owns the
 * contract (an account, a TimelockController or a Safe) and, for a timelock, who may propose
 * (the signer itself, or a Safe the signer is an owner of).
 *
 * The same command works for every model because the route is found, not configured:
 *   KMS_ROUTE_DIRECT         the signer owns the contract: it sends the calls
 *   KMS_ROUTE_TIMELOCK       a timelock owns it and the signer proposes: schedule(Batch)
 *   KMS_ROUTE_TIMELOCK_SAFE  a timelock owns it and a Safe proposes: a Safe proposal of
 *                            schedule(Batch), signed by the Safe's owners
 *   KMS_ROUTE_SAFE           a Safe owns it: a Safe proposal of the calls (MultiSend for
 *                            several) */
#ifndef KMS_ROUTE_H
#define KMS_ROUTE_H

#include <stdbool.h>
#include <stdint.h>
#include "eth/error.h"
#include "eth/rpc.h"
#include "safe.h"

typedef enum kms_route_kind {
    KMS_ROUTE_DIRECT,
    KMS_ROUTE_TIMELOCK,
    KMS_ROUTE_TIMELOCK_SAFE,
    KMS_ROUTE_SAFE
} kms_route_kind;

/* A route (plain data). */
typedef struct kms_route {
    kms_route_kind kind;
    uint8_t caller[20];    /* who the contract obeys (its owner, or its pending owner) */
    uint8_t timelock[20];  /* timelock routes */
    uint64_t min_delay;    /* timelock routes */
    uint8_t proposer[20];  /* timelock routes: the signer or the Safe that proposes */
    uint8_t safe[20];      /* Safe routes */
    kms_safe_info safe_info; /* Safe routes: owners, threshold, nonce */
} kms_route;

/* Hints for finding a Safe that holds a timelock's PROPOSER_ROLE: a Safe the caller knows (from
 * --safe or a manifest), else the timelock's RoleGranted events from from_block. */
typedef struct kms_route_hints {
    const uint8_t *safe;  /* 20 bytes, or NULL */
    uint64_t from_block;  /* where to read role events from (0: genesis) */
} kms_route_hints;

/* Finds how calls made as `caller` (a contract's owner or pending owner) are sent by the
 * account me (the signer; NULL when there is none: then a timelock is routed through a Safe if
 * one proposes, and an account owner cannot be reached). hints may be NULL.
 * Returns 0 with *out; -ETH_ESTATE with a sentence when no route exists ("DstackKms is owned by
 * the account 0x.., not by the key given (0x..): sign with the owner's key"; "the timelock's
 * proposers are 0x..: ..."; an owner that is a contract kmsctl does not know); or an RPC error. */
int kms_route_find(eth_rpc *rpc, const uint8_t caller[20], const uint8_t *me,
                   const kms_route_hints *hints, kms_route *out, eth_error *err) ETH_WARN_UNUSED;

/* One line in words: "the signer 0x.. (owner) sends", "timelock 0x.. (delay 1 d), proposed by
 * 0x..", "timelock 0x.. (delay 1 d), proposed by the 2-of-3 Safe 0x..", "the 2-of-3 Safe 0x..".
 * Writes to out[0..cap). */
void kms_route_describe(const kms_route *r, char *out, size_t cap);

#endif
