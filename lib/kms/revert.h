/* revert.h: what a revert of the policy's contracts means, in words, with what to do.
 *
 * Knows the errors a deployment and its governance can hit: OpenZeppelin 5's custom errors
 * (Ownable, Initializable, AccessControl, TimelockController, ERC1967, UUPS, Address), Safe
 * v1.4.1's GS0xx codes, Error(string) (DstackKms / DstackApp reasons) and Panic(uint256). The
 * decision of what a revert means is made from its data, never from a node's message. */
#ifndef KMS_REVERT_H
#define KMS_REVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/error.h"

/* Timelock operation states as TimelockUnexpectedOperationState's bitmap numbers them. */
enum kms_op_state { KMS_OP_UNSET = 0, KMS_OP_WAITING = 1, KMS_OP_READY = 2, KMS_OP_DONE = 3 };

/* One explained revert (plain data). */
typedef struct kms_revert {
    char name[64];      /* "OwnableUnauthorizedAccount", "Error", "Panic", "GS013"; "" unknown */
    char decoded[512];  /* one line: the error with its arguments, as cast prints them */
    char meaning[512];  /* a sentence: what happened */
    char fix[384];      /* what to do, or "" when there is nothing to add */
    bool known;         /* one of the errors listed above */
    /* TimelockUnexpectedOperationState: the operation and the states it was expected in. */
    bool is_op_state;
    uint8_t op_id[32];
    uint32_t expected_states; /* bit k set: state k (enum kms_op_state) was expected */
} kms_revert;

/* Explains revert data data[0..n) (n may be 0: a revert without data). Returns 0 (an unknown
 * error is explained as such, known false) or -ETH_ENOMEM. data may be NULL if n is 0. */
int kms_revert_explain(const uint8_t *data, size_t n, kms_revert *out, eth_error *err)
    ETH_WARN_UNUSED;

/* The name of state s ("unset", "waiting", "ready", "done"). */
const char *kms_op_state_name(int s);

/* Rewrites err's message (code ETH_EREVERT and revert data kept) as prefix, the decoded error,
 * its meaning and the fix, e.g. "addOsImageHash would revert: OwnableUnauthorizedAccount(0x..):
 * the caller 0x.. is not the owner of the contract. Fix: ...". err must hold an ETH_EREVERT.
 * Returns -ETH_EREVERT. */
int kms_revert_describe(eth_error *err, const char *prefix);

#endif
