/* roles.h: who holds each TimelockController role, reconstructed from its RoleGranted and
 * RoleRevoked events and cross-checked with hasRole, so that a holder the events name but the
 * contract denies (or the reverse, as far as events can tell) is reported, not hidden. */
#ifndef KMS_ROLES_H
#define KMS_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/error.h"
#include "eth/rpc.h"

/* Most holders of one role kept. */
#define KMS_ROLE_MAX_HOLDERS 64

/* The holders of one role (plain data). */
typedef struct kms_role_holders {
    uint8_t role[32];
    uint8_t holders[KMS_ROLE_MAX_HOLDERS][20]; /* in the order they were first granted */
    size_t n;
    size_t denied; /* holders the events name whose hasRole is false (not in holders[]) */
} kms_role_holders;

/* The four roles of a TimelockController. */
typedef struct kms_timelock_roles {
    kms_role_holders admin, proposer, executor, canceller;
} kms_timelock_roles;

/* Replays the timelock's role events in blocks [from, to] (eth_getLogs, ranges split as the node
 * needs) and keeps each account whose last event is a grant and whose hasRole at block `to` is
 * true. Returns 0 with *out, -ETH_ERANGE (more than KMS_ROLE_MAX_HOLDERS holders of one role),
 * or an RPC error. */
int kms_timelock_roles_read(eth_rpc *rpc, const uint8_t timelock[20], uint64_t from,
                            uint64_t to, kms_timelock_roles *out, eth_error *err)
    ETH_WARN_UNUSED;

/* True if h holds addr. */
bool kms_role_has(const kms_role_holders *h, const uint8_t addr[20]);

/* Writes the holders as "{0xAbc.., 0xDef..}" ("{}" for none, "anyone" for the zero address) to
 * out[0..cap). */
void kms_role_holders_text(const kms_role_holders *h, char *out, size_t cap);

#endif
