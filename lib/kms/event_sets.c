/* event_sets.c: mapping-backed sets from their Added / Removed events, cross-checked. */
#include "event_sets.h"

#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "eth/abi_selector.h"
#include "eth/rpc_eth.h"

static long find(const kms_b32_list *l, const uint8_t v[32])
{
    for (size_t i = 0; i < l->n; i++)
        if (memcmp(l->items[i], v, 32) == 0)
            return (long)i;
    return -1;
}

static int apply(kms_b32_list *l, const uint8_t v[32], bool add, eth_error *err)
{
    long at = find(l, v);
    if (!add && at >= 0) {
        memmove(l->items[at], l->items[at + 1], (l->n - (size_t)at - 1) * 32);
        l->n--;
    }
    if (!add || at >= 0)
        return 0;
    if (l->n == KMS_SET_MAX)
        return eth_fail(err, ETH_ERANGE, "more than %d members in one set", KMS_SET_MAX);
    uint8_t(*grown)[32] = realloc(l->items, (l->n + 1) * 32);
    if (!grown)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    l->items = grown;
    memcpy(l->items[l->n++], v, 32);
    return 0;
}

/* Drops members the getter denies at block, counting them. */
static int cross_check(eth_rpc *rpc, const uint8_t at[20], const char *getter, const char *block,
                       kms_b32_list *l, size_t *denied, eth_error *err)
{
    for (size_t i = 0; i < l->n;) {
        char hex[67];
        const char *args[] = {kms_text_b32(l->items[i], hex)};
        kms_result r;
        bool yes = false;
        int rc = kms_view(rpc, at, NULL, block, getter, args, 1, &r, err);
        if (rc == 0)
            rc = kms_result_bool(&r, 0, &yes, err);
        kms_result_clear(&r);
        if (rc)
            return rc;
        if (yes) {
            i++;
            continue;
        }
        memmove(l->items[i], l->items[i + 1], (l->n - i - 1) * 32);
        l->n--;
        (*denied)++;
    }
    return 0;
}

int kms_event_set_read(eth_rpc *rpc, const uint8_t at[20], const kms_event_set *set,
                       uint64_t from, uint64_t to, kms_b32_list *out, size_t *denied,
                       eth_error *err)
{
    memset(out, 0, sizeof *out);
    *denied = 0;
    uint8_t topics[2][32];
    int rc = eth_abi_event_topic(set->added, topics[0], err);
    if (rc == 0)
        rc = eth_abi_event_topic(set->removed, topics[1], err);
    eth_log_list logs = {0};
    eth_log_filter f = {.addresses = (const uint8_t(*)[20])at, .naddr = 1, .from_block = from,
                        .to_block = to};
    f.topics[0] = (const uint8_t(*)[32])topics;
    f.ntopic[0] = 2;
    if (rc == 0)
        rc = eth_rpc_get_logs(rpc, &f, 64 * KMS_SET_MAX, &logs, err);
    for (size_t i = 0; rc == 0 && i < logs.n; i++) {
        const eth_log *l = &logs.items[i];
        if (!l->removed && l->data_len == 32)
            rc = apply(out, l->data, memcmp(l->topics[0], topics[0], 32) == 0, err);
    }
    eth_log_list_clear(&logs);
    char block[ETH_BLOCK_TAG_MAX];
    if (rc == 0)
        rc = cross_check(rpc, at, set->getter, eth_block_tag(to, block), out, denied, err);
    if (rc) {
        free(out->items);
        memset(out, 0, sizeof *out);
    }
    return rc;
}
