/* audit_control.h: who really controls an address that owns a policy contract, read from the chain
 * and followed down: an account (one key), a Safe (its threshold and owners, each followed in
 * turn, so nested Safes show), a TimelockController (its delay and every role holder, its
 * proposers and extra admins followed), nobody (a renounced owner), or a contract kmsctl does not
 * know. Then said in words for people ("a 2-of-3 Safe through a 1 d timelock") with flags for
 * what an auditor must see: a change that can happen at once, a single key that suffices. */
#ifndef KMS_AUDIT_CONTROL_H
#define KMS_AUDIT_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "eth/error.h"
#include "eth/rpc.h"
#include "roles.h"

/* Deepest nesting followed (the owner itself is level 1); deeper contracts are left unread. */
#define KMS_CTRL_MAX_DEPTH 4

typedef enum kms_control_kind {
    KMS_CTRL_NOBODY,   /* address(0): ownership renounced, nobody can change anything */
    KMS_CTRL_EOA,      /* an account without code: one key */
    KMS_CTRL_SAFE,     /* a Safe: threshold-of-owners signatures */
    KMS_CTRL_TIMELOCK, /* an OpenZeppelin TimelockController */
    KMS_CTRL_CONTRACT  /* code that reads as neither (or nesting past KMS_CTRL_MAX_DEPTH) */
} kms_control_kind;

/* One controller and those who control it. Zero-initialise; release with kms_control_clear. */
typedef struct kms_control {
    kms_control_kind kind;
    uint8_t addr[20];
    bool unread;                /* KMS_CTRL_CONTRACT left unread (too deep) */
    uint64_t min_delay;         /* timelock: getMinDelay() */
    kms_timelock_roles *roles;  /* timelock: every role holder (owned) */
    uint64_t threshold;         /* Safe */
    struct kms_control *members;    /* owned: a Safe's owners, or a timelock's proposers */
    size_t nmembers;
    struct kms_control *admins;     /* owned: a timelock's DEFAULT_ADMIN_ROLE holders other than
                                 * itself (they can grant themselves any role) */
    size_t nadmins;
} kms_control;

/* Flags of kms_control_flags. */
enum {
    KMS_CTRL_INSTANT = 1u << 0,    /* a change takes effect in the transaction that makes it */
    KMS_CTRL_SINGLE_KEY = 1u << 1, /* one private key is enough to make a change */
    KMS_CTRL_UNKNOWN = 1u << 2,    /* some controller is a contract kmsctl cannot read */
    KMS_CTRL_FROZEN = 1u << 3      /* nobody can make a change (renounced, or no proposer) */
};

/* Reads who controls addr at block (a number), role events read from from_block, into *out.
 * Returns 0 with *out (release with kms_control_clear); an RPC error; -ETH_ERANGE (a timelock
 * with more role holders than roles.h keeps, a Safe with more owners than safe.h reads);
 * -ETH_ENOMEM. On failure *out is empty. */
int kms_control_read(eth_rpc *rpc, const uint8_t addr[20], uint64_t block, uint64_t from_block,
                 kms_control *out, eth_error *err) ETH_WARN_UNUSED;

/* Frees what g owns and zeroes it (not g itself). NULL is fine. */
void kms_control_clear(kms_control *g);

/* The KMS_CTRL_* flags of g, from its nested controllers. g not NULL. */
uint32_t kms_control_flags(const kms_control *g);

/* Writes who controls g in words to out[0..cap): "a single EOA 0x7099..79C8", "a 2-of-3 Safe
 * 0x5FbD..0aa3", "a 2-of-3 Safe 0x..  through a 1 d timelock 0x..", "nobody (ownership
 * renounced)", "an unknown contract 0x..". A timelock's several proposers are joined with
 * " or ". */
void kms_control_words(const kms_control *g, char *out, size_t cap);

/* Writes a delay in seconds as people read it to out (32 bytes): "1 d", "36 h", "90 m", "45 s",
 * "no delay" for 0. Returns out. */
const char *kms_control_delay_text(uint64_t seconds, char out[32]);

/* Writes a short form of addr to out (13 bytes): "0x7099..79C8" (EIP-55 case). Returns out. */
const char *kms_control_short(const uint8_t addr[20], char out[13]);

/* g as JSON: {"kind": "nobody"|"eoa"|"safe"|"timelock"|"contract", "address", "words",
 * "flags": ["instant", "single-key", "unknown", "frozen"], and for a Safe "threshold" and
 * "owners" (each the same way), for a timelock "minDelay", "proposers" and "admins" (each the
 * same way), "executors", "cancellers" (addresses; the zero address means anyone)}.
 * Returns a new reference, or NULL when out of memory. */
json_t *kms_control_json(const kms_control *g);

#endif
