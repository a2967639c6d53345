/* event_sets.c: mapping-backed sets from their Added / Removed events, cross-checked. */
#include "event_sets.h"

#include <stdlib.h>
#include <string.h>

#include "audit_fetch.h"
#include "eth/abi_selector.h"
#include "eth/json.h"

static long find(const kms_b32_list *l, const uint8_t v[32])
{
    for (size_t i = 0; i < l->n; i++)
        if (memcmp(l->items[i], v, 32) == 0)
            return (long)i;
    return -1;
}

static int push(kms_b32_list *l, const uint8_t v[32], eth_error *err)
{
    if (l->n == KMS_SET_MAX)
        return eth_fail(err, ETH_ERANGE, "more than %d members in one set", KMS_SET_MAX);
    uint8_t(*grown)[32] = realloc(l->items, (l->n + 1) * 32);
    if (!grown)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    l->items = grown;
    memcpy(l->items[l->n++], v, 32);
    return 0;
}

static int apply(kms_b32_list *l, const uint8_t v[32], bool add, eth_error *err)
{
    long at = find(l, v);
    if (!add && at >= 0) {
        memmove(l->items[at], l->items[at + 1], (l->n - (size_t)at - 1) * 32);
        l->n--;
    }
    return add && at < 0 ? push(l, v, err) : 0;
}

/* The set's topics: added, then removed (when the set has one); *n of them. */
static int topics_of(const kms_event_set *set, uint8_t topics[2][32], size_t *n, eth_error *err)
{
    *n = set->removed ? 2 : 1;
    int rc = eth_abi_event_topic(set->added, topics[0], err);
    if (rc == 0 && set->removed)
        rc = eth_abi_event_topic(set->removed, topics[1], err);
    return rc;
}

int kms_event_set_apply(const uint8_t at[20], const kms_event_set *set, const eth_log *logs,
                        size_t n, kms_b32_list *members, eth_error *err)
{
    uint8_t topics[2][32];
    size_t nt = 0;
    int rc = topics_of(set, topics, &nt, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const eth_log *l = &logs[i];
        if (l->removed || l->data_len != 32 || l->ntopics == 0 || memcmp(l->address, at, 20) != 0)
            continue;
        bool add = memcmp(l->topics[0], topics[0], 32) == 0;
        if (add || (nt == 2 && memcmp(l->topics[0], topics[1], 32) == 0))
            rc = apply(members, l->data, add, err);
    }
    return rc;
}

/* ---- the getter, asked in batches ---- */

typedef struct check_ctx {
    const uint8_t *at;
    uint8_t selector[4];
    const char *block;
    const kms_b32_list *members;
    bool *yes;
} check_ctx;

static json_t *check_params(void *ctx, size_t i)
{
    check_ctx *c = ctx;
    uint8_t data[36];
    memcpy(data, c->selector, 4);
    memcpy(data + 4, c->members->items[i], 32);
    return json_pack("[{s:o,s:o},s]", "to", eth_json_hex(c->at, 20), "data", eth_json_hex(data, 36),
                     c->block);
}

static int check_answer(void *ctx, size_t i, const json_t *result, eth_error *err)
{
    check_ctx *c = ctx;
    uint8_t word[32];
    static const uint8_t zero[31];
    eth_error e;
    if (eth_json_hex_fixed(result, "getter", word, 32, &e) != 0 || memcmp(word, zero, 31) != 0 ||
        word[31] > 1)
        return eth_fail(err, ETH_ERPC, "the set's getter did not answer one bool (is the "
                                       "contract the one the events came from?)");
    c->yes[i] = word[31] == 1;
    return 0;
}

int kms_event_set_check(eth_rpc *rpc, const uint8_t at[20], const kms_event_set *set,
                        const char *block, kms_b32_list *members, kms_b32_list *denied,
                        eth_error *err)
{
    check_ctx c = {.at = at, .block = block, .members = members,
                   .yes = calloc(members->n ? members->n : 1, sizeof *c.yes)};
    if (!c.yes)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    kms_audit_net net = {.rpc = rpc};
    int rc = eth_abi_selector_of(set->getter, c.selector, err);
    if (rc == 0)
        rc = kms_audit_each(&net, "eth_call", members->n, check_params, check_answer, &c,
                            set->getter, err);
    size_t kept = 0;
    for (size_t i = 0; rc == 0 && i < members->n; i++) {
        if (c.yes[i])
            memmove(members->items[kept++], members->items[i], 32);
        else
            rc = push(denied, members->items[i], err);
    }
    if (rc == 0)
        members->n = kept;
    free(c.yes);
    return rc;
}

int kms_event_set_read(eth_rpc *rpc, const uint8_t at[20], const kms_event_set *set,
                       uint64_t from, uint64_t to, kms_b32_list *out, size_t *denied,
                       eth_error *err)
{
    memset(out, 0, sizeof *out);
    *denied = 0;
    uint8_t topics[2][32];
    eth_log_list logs = {0};
    kms_b32_list no = {0};
    eth_log_filter f = {.addresses = (const uint8_t(*)[20])at, .naddr = 1, .from_block = from,
                        .to_block = to};
    f.topics[0] = (const uint8_t(*)[32])topics;
    int rc = topics_of(set, topics, &f.ntopic[0], err);
    if (rc == 0)
        rc = eth_rpc_get_logs(rpc, &f, 64 * KMS_SET_MAX, &logs, err);
    if (rc == 0)
        rc = kms_event_set_apply(at, set, logs.items, logs.n, out, err);
    eth_log_list_clear(&logs);
    char block[ETH_BLOCK_TAG_MAX];
    if (rc == 0)
        rc = kms_event_set_check(rpc, at, set, eth_block_tag(to, block), out, &no, err);
    *denied = no.n;
    free(no.items);
    if (rc) {
        free(out->items);
        memset(out, 0, sizeof *out);
    }
    return rc;
}
