/* event_sets.h: a set the contracts keep as a mapping (allowed compose hashes, devices, OS
 * images, KMS measurements), which no getter lists, rebuilt from its Added / Removed events and
 * cross-checked member by member with the mapping's getter: a member the events name but the
 * getter denies is reported, not hidden. */
#ifndef KMS_EVENT_SETS_H
#define KMS_EVENT_SETS_H

#include <stddef.h>
#include <stdint.h>
#include "eth/error.h"
#include "eth/rpc.h"
#include "policy_config.h"

/* Most members of one set read. */
#define KMS_SET_MAX 4096

/* One set of 32-byte values of a contract. */
typedef struct kms_event_set {
    const char *added;   /* "ComposeHashAdded(bytes32)": the value is the event's data */
    const char *removed; /* "ComposeHashRemoved(bytes32)" */
    const char *getter;  /* "allowedComposeHashes(bytes32)(bool)" */
} kms_event_set;

/* Replays the set's events of contract at in blocks [from, to] and keeps each value whose
 * last event is an add and whose getter (at block to) says true, in the order first added;
 * *denied counts values the events keep but the getter denies. Returns 0 with *out (release
 * with free(out->items)), -ETH_ERANGE past KMS_SET_MAX, or an RPC error. */
int kms_event_set_read(eth_rpc *rpc, const uint8_t at[20], const kms_event_set *set,
                       uint64_t from, uint64_t to, kms_b32_list *out, size_t *denied,
                       eth_error *err) ETH_WARN_UNUSED;

#endif
