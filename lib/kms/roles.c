/* roles.c: TimelockController role holders from events, cross-checked with hasRole. */
#include "roles.h"

#include <stdio.h>
#include <string.h>

#include "eth/abi_selector.h"
#include "eth/address.h"
#include "eth/rpc_eth.h"
#include "timelock.h"

/* Most role events read. */
#define MAX_EVENTS 100000

static kms_role_holders *holders_of(kms_timelock_roles *r, const uint8_t role[32])
{
    kms_role_holders *all[] = {&r->admin, &r->proposer, &r->executor, &r->canceller};
    for (size_t i = 0; i < 4; i++)
        if (memcmp(all[i]->role, role, 32) == 0)
            return all[i];
    return NULL;
}

bool kms_role_has(const kms_role_holders *h, const uint8_t addr[20])
{
    for (size_t i = 0; i < h->n; i++)
        if (memcmp(h->holders[i], addr, 20) == 0)
            return true;
    return false;
}

/* Applies one grant (true) or revoke to h. */
static int apply(kms_role_holders *h, const uint8_t who[20], bool grant, eth_error *err)
{
    for (size_t i = 0; i < h->n; i++)
        if (memcmp(h->holders[i], who, 20) == 0) {
            if (!grant) {
                memmove(h->holders[i], h->holders[i + 1], (h->n - i - 1) * 20);
                h->n--;
            }
            return 0;
        }
    if (!grant)
        return 0;
    if (h->n == KMS_ROLE_MAX_HOLDERS)
        return eth_fail(err, ETH_ERANGE, "more than %d holders of %s", KMS_ROLE_MAX_HOLDERS,
                        kms_timelock_role_name(h->role));
    memcpy(h->holders[h->n++], who, 20);
    return 0;
}

/* Drops holders whose hasRole at block is false, counting them in denied. */
static int cross_check(eth_rpc *rpc, const uint8_t timelock[20], const char *block,
                       kms_role_holders *h, eth_error *err)
{
    for (size_t i = 0; i < h->n;) {
        bool has = false;
        int rc = kms_timelock_has_role(rpc, timelock, block, h->role, h->holders[i], &has, err);
        if (rc)
            return rc;
        if (has) {
            i++;
            continue;
        }
        memmove(h->holders[i], h->holders[i + 1], (h->n - i - 1) * 20);
        h->n--;
        h->denied++;
    }
    return 0;
}

int kms_timelock_roles_read(eth_rpc *rpc, const uint8_t timelock[20], uint64_t from,
                            uint64_t to, kms_timelock_roles *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    memcpy(out->admin.role, KMS_ROLE_DEFAULT_ADMIN, 32);
    memcpy(out->proposer.role, KMS_ROLE_PROPOSER, 32);
    memcpy(out->executor.role, KMS_ROLE_EXECUTOR, 32);
    memcpy(out->canceller.role, KMS_ROLE_CANCELLER, 32);
    uint8_t topics[2][32];
    int rc = eth_abi_event_topic("RoleGranted(bytes32,address,address)", topics[0], err);
    if (rc == 0)
        rc = eth_abi_event_topic("RoleRevoked(bytes32,address,address)", topics[1], err);
    eth_log_list logs = {0};
    eth_log_filter f = {.addresses = (const uint8_t(*)[20])timelock, .naddr = 1,
                        .from_block = from, .to_block = to};
    f.topics[0] = (const uint8_t(*)[32])topics;
    f.ntopic[0] = 2;
    if (rc == 0)
        rc = eth_rpc_get_logs(rpc, &f, MAX_EVENTS, &logs, err);
    for (size_t i = 0; rc == 0 && i < logs.n; i++) {
        const eth_log *l = &logs.items[i];
        kms_role_holders *h = l->ntopics >= 3 ? holders_of(out, l->topics[1]) : NULL;
        if (h && !l->removed)
            rc = apply(h, l->topics[2] + 12, memcmp(l->topics[0], topics[0], 32) == 0, err);
    }
    eth_log_list_clear(&logs);
    char tag[ETH_BLOCK_TAG_MAX];
    kms_role_holders *all[] = {&out->admin, &out->proposer, &out->executor, &out->canceller};
    for (size_t i = 0; rc == 0 && i < 4; i++)
        rc = cross_check(rpc, timelock, eth_block_tag(to, tag), all[i], err);
    return rc;
}

void kms_role_holders_text(const kms_role_holders *h, char *out, size_t cap)
{
    static const uint8_t zero[20];
    size_t used = (size_t)snprintf(out, cap, "{");
    for (size_t i = 0; i < h->n && used < cap; i++) {
        char a[43];
        eth_address_checksum(h->holders[i], a);
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? ", " : "",
                                 memcmp(h->holders[i], zero, 20) == 0 ? "anyone (0x0)" : a);
    }
    if (used < cap)
        snprintf(out + used, cap - used, "}");
}
