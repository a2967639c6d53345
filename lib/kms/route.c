/* route.c: an owner read off the chain and turned into the way calls reach it. */
#include "route.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "eth/address.h"
#include "eth/rpc_eth.h"
#include "roles.h"
#include "timelock.h"

static bool has_code(eth_rpc *rpc, const uint8_t addr[20], int *rc, eth_error *err)
{
    eth_buf code = {0};
    *rc = eth_rpc_get_code(rpc, addr, "latest", &code, err);
    bool yes = code.len > 0;
    eth_buf_clear(&code);
    return yes;
}

/* True (with *info) if addr reads as a Safe. */
static bool is_safe(eth_rpc *rpc, const uint8_t addr[20], kms_safe_info *info)
{
    eth_error ignored;
    return kms_safe_read(rpc, addr, "latest", info, &ignored) == 0 && info->threshold > 0;
}

/* A Safe that holds the timelock's PROPOSER_ROLE: the hinted one, else one from the events. */
static int find_safe_proposer(eth_rpc *rpc, kms_route *r, const kms_route_hints *h, bool *found,
                              eth_error *err)
{
    bool has = false;
    *found = false;
    if (h && h->safe) {
        int rc = kms_timelock_has_role(rpc, r->timelock, "latest", KMS_ROLE_PROPOSER, h->safe,
                                       &has, err);
        if (rc)
            return rc;
        if (has && is_safe(rpc, h->safe, &r->safe_info)) {
            memcpy(r->safe, h->safe, 20);
            *found = true;
            return 0;
        }
    }
    uint64_t head = 0;
    kms_timelock_roles roles;
    int rc = eth_rpc_block_number(rpc, &head, err);
    if (rc == 0)
        rc = kms_timelock_roles_read(rpc, r->timelock, h ? h->from_block : 0, head, &roles, err);
    for (size_t i = 0; rc == 0 && !*found && i < roles.proposer.n; i++)
        if (is_safe(rpc, roles.proposer.holders[i], &r->safe_info)) {
            memcpy(r->safe, roles.proposer.holders[i], 20);
            *found = true;
        }
    return rc;
}

static int route_timelock(eth_rpc *rpc, const uint8_t *me, const kms_route_hints *h,
                          kms_route *r, eth_error *err)
{
    char tl[43], who[43];
    bool proposer = false, found = false;
    int rc = me ? kms_timelock_has_role(rpc, r->timelock, "latest", KMS_ROLE_PROPOSER, me,
                                        &proposer, err)
                : 0;
    if (rc == 0 && proposer) {
        r->kind = KMS_ROUTE_TIMELOCK;
        memcpy(r->proposer, me, 20);
        return 0;
    }
    if (rc == 0)
        rc = find_safe_proposer(rpc, r, h, &found, err);
    if (rc)
        return rc;
    eth_address_checksum(r->timelock, tl);
    if (!found)
        return eth_fail(err, ETH_ESTATE, "the timelock %s owns it, but %s cannot propose to it "
                                         "and no Safe holds its PROPOSER_ROLE: sign with a "
                                         "proposer's key", tl,
                        me ? (eth_address_checksum(me, who), who) : "nobody given");
    r->kind = KMS_ROUTE_TIMELOCK_SAFE;
    memcpy(r->proposer, r->safe, 20);
    return 0;
}

int kms_route_find(eth_rpc *rpc, const uint8_t caller[20], const uint8_t *me,
                   const kms_route_hints *hints, kms_route *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    memcpy(out->caller, caller, 20);
    char who[43], mine[43];
    eth_address_checksum(caller, who);
    int rc = 0;
    if (!has_code(rpc, caller, &rc, err)) {
        if (rc)
            return rc;
        if (me && memcmp(me, caller, 20) == 0) {
            out->kind = KMS_ROUTE_DIRECT;
            return 0;
        }
        if (me)
            eth_address_checksum(me, mine);
        return eth_fail(err, ETH_ESTATE, "it answers to the account %s, not to the key given "
                                         "(%s): sign with that account's key", who,
                        me ? mine : "none");
    }
    eth_error ignored;
    if (kms_timelock_min_delay(rpc, caller, "latest", &out->min_delay, &ignored) == 0) {
        memcpy(out->timelock, caller, 20);
        return route_timelock(rpc, me, hints, out, err);
    }
    if (is_safe(rpc, caller, &out->safe_info)) {
        out->kind = KMS_ROUTE_SAFE;
        memcpy(out->safe, caller, 20);
        return 0;
    }
    return eth_fail(err, ETH_ESTATE, "it answers to the contract %s, which is neither a "
                                     "TimelockController nor a Safe: kmsctl cannot route to it",
                    who);
}

void kms_route_describe(const kms_route *r, char *out, size_t cap)
{
    char a[43], b[43];
    eth_address_checksum(r->caller, a);
    switch (r->kind) {
    case KMS_ROUTE_DIRECT:
        snprintf(out, cap, "the owner %s sends it (changes at once)", a);
        break;
    case KMS_ROUTE_TIMELOCK:
        eth_address_checksum(r->proposer, b);
        snprintf(out, cap, "timelock %s (delay %" PRIu64 " s), proposed by %s", a, r->min_delay,
                 b);
        break;
    case KMS_ROUTE_TIMELOCK_SAFE:
        eth_address_checksum(r->safe, b);
        snprintf(out, cap, "timelock %s (delay %" PRIu64 " s), proposed by the %" PRIu64
                           "-of-%zu Safe %s",
                 a, r->min_delay, r->safe_info.threshold, r->safe_info.nowners, b);
        break;
    case KMS_ROUTE_SAFE:
        snprintf(out, cap, "the %" PRIu64 "-of-%zu Safe %s", r->safe_info.threshold,
                 r->safe_info.nowners, a);
        break;
    }
}
