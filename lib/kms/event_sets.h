/* event_sets.h: a set the contracts keep as a mapping (allowed compose hashes, devices, OS
 * images, KMS measurements, registered apps), which no getter lists, rebuilt from its Added /
 * Removed events and cross-checked member by member with the mapping's getter: a member the
 * events name but the getter denies is reported, not hidden. */
#ifndef KMS_EVENT_SETS_H
#define KMS_EVENT_SETS_H

#include <stddef.h>
#include <stdint.h>
#include "eth/error.h"
#include "eth/rpc.h"
#include "eth/rpc_eth.h"
#include "policy_config.h"

/* Most members of one set read. */
#define KMS_SET_MAX 4096

/* One set of 32-byte values of a contract. */
typedef struct kms_event_set {
    const char *added;   /* "ComposeHashAdded(bytes32)": the value is the event's 32 bytes of
                          * data (an address, left-padded, for AppRegistered(address)) */
    const char *removed; /* "ComposeHashRemoved(bytes32)", or NULL for a set that only grows */
    const char *getter;  /* "allowedComposeHashes(bytes32)(bool)": one 32-byte argument (an
                          * address-keyed mapping takes the padded address), a bool result */
} kms_event_set;

/* Replays the set's events of contract at in blocks [from, to] and keeps each value whose
 * last event is an add and whose getter (at block to) says true, in the order first added;
 * *denied counts values the events keep but the getter denies. Returns 0 with *out (release
 * with free(out->items)), -ETH_ERANGE past KMS_SET_MAX, or an RPC error. */
int kms_event_set_read(eth_rpc *rpc, const uint8_t at[20], const kms_event_set *set,
                       uint64_t from, uint64_t to, kms_b32_list *out, size_t *denied,
                       eth_error *err) ETH_WARN_UNUSED;

/* Applies the set's events among logs[0..n) (in chain order; other events, other contracts
 * and removed logs are skipped) to *members, which may already hold values (zero-initialise
 * it to start empty): an add appends a value not yet present, a remove takes it out.
 * Returns 0, -ETH_ERANGE past KMS_SET_MAX, -ETH_ENOMEM, or the error of a signature that does
 * not parse (a bug). On failure *members holds what was applied so far (free its items). */
int kms_event_set_apply(const uint8_t at[20], const kms_event_set *set, const eth_log *logs,
                        size_t n, kms_b32_list *members, eth_error *err) ETH_WARN_UNUSED;

/* Asks the getter of set about every member at block (a tag, not NULL), in JSON-RPC batches,
 * and moves each member it denies from *members to *denied (appended, order kept). Returns 0,
 * -ETH_ERPC (a reply that is not one ABI bool, a call that fails), -ETH_ENOMEM, or an RPC
 * error; on failure both lists hold what they held when the failing batch began. */
int kms_event_set_check(eth_rpc *rpc, const uint8_t at[20], const kms_event_set *set,
                        const char *block, kms_b32_list *members, kms_b32_list *denied,
                        eth_error *err) ETH_WARN_UNUSED;

#endif
