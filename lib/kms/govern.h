/* govern.h: calls on policy contracts wrapped for the route that reaches them (route.h), and
 * checked before anyone signs.
 *
 * For a timelock route the calls become one operation: schedule (one call) or scheduleBatch
 * (several), with a salt that, by default, is derived from the calls and the predecessor, so two
 * different operations never collide and proposing the same one twice finds it (and its state)
 * instead of failing with a raw selector. For a Safe route (the Safe proposes to a timelock, or
 * owns the contract) the result is a Safe transaction: a call, or a DELEGATECALL of the
 * canonical MultiSendCallOnly for several. Every call is simulated with eth_call from the account
 * that will finally make it (the owner), and a schedule from its proposer, before anything is
 * signed. */
#ifndef KMS_GOVERN_H
#define KMS_GOVERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/buf.h"
#include "eth/error.h"
#include "eth/rpc.h"
#include "route.h"
#include "safe_tx.h"
#include "timelock.h"

/* What the caller may fix (NULL / false: the defaults). */
typedef struct kms_gov_opts {
    const uint8_t *salt;        /* 32 bytes; default: derived from the calls */
    const uint8_t *predecessor; /* 32 bytes; default: none (zero) */
    bool has_delay;             /* default: the timelock's min delay */
    uint64_t delay;
    bool has_nonce;             /* default: the Safe's current nonce */
    u256 safe_nonce;
} kms_gov_opts;

/* A governance operation, ready to send or to propose. Release with kms_gov_clear. */
typedef struct kms_gov {
    kms_route route;
    bool batch;               /* timelock: scheduleBatch (several calls) */
    uint8_t salt[32], predecessor[32], op_id[32];
    uint64_t delay;
    int state;                /* timelock: the operation's state now (enum kms_op_state) */
    uint64_t ready_at;        /* timelock: when it is (or was) ready, if scheduled */
    eth_buf schedule;         /* timelock routes: schedule(Batch) calldata (owned) */
    bool has_safe_tx;         /* Safe routes */
    kms_safe_tx safe_tx;      /* owned */
} kms_gov;

/* Wraps calls[0..n) (n >= 1, all made as r->caller) for route r with opts (NULL: defaults).
 * Reads the operation's state for a timelock route and the Safe's nonce for a Safe route.
 * Returns 0 with *out (release with kms_gov_clear); -ETH_EINVAL (no calls, a delay below the
 * timelock's minimum); or an RPC or encoding error. */
int kms_gov_build(eth_rpc *rpc, const kms_route *r, const kms_tl_call *calls, size_t n,
                  const kms_gov_opts *opts, kms_gov *out, eth_error *err) ETH_WARN_UNUSED;

/* Simulates g: each call as an eth_call from the route's caller (the owner), then for timelock
 * routes the schedule from the proposer. Returns 0, or -ETH_EREVERT with the failing step named
 * and the revert explained (kms_revert_describe), or an RPC error. what[i] names calls[i] in
 * messages. */
int kms_gov_simulate(eth_rpc *rpc, const kms_gov *g, const kms_tl_call *calls,
                     const char *const *what, size_t n, eth_error *err) ETH_WARN_UNUSED;

/* Frees what g owns (not g itself). NULL is fine. */
void kms_gov_clear(kms_gov *g);

#endif
