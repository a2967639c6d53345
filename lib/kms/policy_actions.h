/* policy_actions.h: the owner-protected methods of DstackKms and DstackApp as named actions
 * ("add-os-image-hash HASH"), turned into calls, with the check whether an action would change
 * anything at all (adding what is allowed already, removing what is not). */
#ifndef KMS_POLICY_ACTIONS_H
#define KMS_POLICY_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/buf.h"
#include "eth/error.h"
#include "eth/rpc.h"

/* Which contract an action is a method of. */
typedef enum kms_action_target { KMS_ON_KMS, KMS_ON_APP } kms_action_target;

/* What an action's one argument is. */
typedef enum kms_action_arg {
    KMS_ARG_NONE,
    KMS_ARG_B32,     /* a 32-byte hash or id, 0x + 64 hex digits */
    KMS_ARG_ADDRESS, /* an address */
    KMS_ARG_BOOL,    /* true or false */
    KMS_ARG_STRING,  /* text (a gateway app id) */
    KMS_ARG_BYTES,   /* 0x hex of any length (a quote, an event log) */
    KMS_ARG_KMS_INFO /* four byte strings: k256 key, CA key, quote, event log */
} kms_action_arg;

/* One action (static data). */
typedef struct kms_action {
    const char *name;           /* "add-os-image-hash" */
    kms_action_target target;
    const char *sig;            /* "addOsImageHash(bytes32)" */
    kms_action_arg arg;
    const char *arg_name;       /* "HASH", for help and messages; "" when none */
    const char *getter;         /* view that tells the current value ("allowedOsImages(bytes32)
                                 * (bool)", "gatewayAppId()(string)"), or NULL */
    bool getter_keyed;          /* the getter takes the argument (a mapping lookup) */
    int result;                 /* for a keyed bool getter: what it reads after the action (1
                                 * added, 0 removed); -1: the getter's value equals the argument */
    bool needs_owner;           /* only the owner may call it (routed through governance) */
    const char *summary;        /* one line for help */
} kms_action;

/* The actions of target t: *n of them (static). */
const kms_action *kms_actions(kms_action_target t, size_t *n);

/* The action of t named name, or NULL. */
const kms_action *kms_action_find(kms_action_target t, const char *name);

/* Appends the calldata of a with its argument text arg (NULL for KMS_ARG_NONE; for
 * KMS_ARG_KMS_INFO four texts args[0..3]) to out. Values are checked: a hash must be 32 bytes,
 * an address 20 (EIP-55 checked when mixed case), a bool true or false. Returns 0 or -ETH_EINVAL
 * naming the action and the value. */
int kms_action_calldata(const kms_action *a, const char *const *args, eth_buf *out,
                        eth_error *err) ETH_WARN_UNUSED;

/* Tells whether a with args would change nothing on the contract at `at` (at block "latest"):
 * *noop is true when the getter already reads what the action would set; *why says so in words
 * ("0x11.. is allowed already"). Actions without a getter are never a no-op. Returns 0 or an
 * RPC / call error. */
int kms_action_is_noop(const kms_action *a, const char *const *args, eth_rpc *rpc,
                       const uint8_t at[20], bool *noop, char *why, size_t cap, eth_error *err)
    ETH_WARN_UNUSED;

#endif
