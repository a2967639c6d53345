/* audit_history.c: the changes of a KMS policy from the chain's events, with their paths. */
#include "audit_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/abi_selector.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/keccak.h"
#include "eth/text.h"
#include "event_sets.h"
#include "timelock_ops.h"

/* Most addresses in one eth_getLogs filter. */
#define ADDRS_PER_FILTER 256

static const uint8_t ZERO[20];

static const char *const POLICIES[] = {
    "os-image",       "kms-aggregated-mr",      "kms-device",   "registered-app",
    "app-implementation", "kms-info",           "gateway-app-id", "implementation-upgrade",
    "compose-hash",   "device",                 "allow-any-device", "require-tcb-up-to-date",
    "upgrades-disabled"};
#define NPOLICIES (sizeof POLICIES / sizeof POLICIES[0])

enum { E_POLICY, E_GATEWAY, E_KMS_INFO, E_OWNER_PENDING, E_OWNER, NEVENTS };
static const char *const EVENTS[NEVENTS] = {
    "PolicyChanged(address,bytes32,bytes32,bool)", "GatewayAppIdSet(string)", "KmsInfoSet(bytes)",
    "OwnershipTransferStarted(address,address)", "OwnershipTransferred(address,address)"};

/* What building changes needs: the events' topics and the policies' hashes. */
typedef struct names {
    uint8_t events[NEVENTS][32];
    uint8_t policies[NPOLICIES][32];
} names;

static int names_init(names *n, eth_error *err)
{
    for (size_t i = 0; i < NPOLICIES; i++)
        eth_keccak256(POLICIES[i], strlen(POLICIES[i]), n->policies[i]);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < NEVENTS; i++)
        rc = eth_abi_event_topic(EVENTS[i], n->events[i], err);
    return rc;
}

static const char *policy_of(const names *n, const uint8_t hash[32])
{
    for (size_t i = 0; i < NPOLICIES; i++)
        if (memcmp(n->policies[i], hash, 32) == 0)
            return POLICIES[i];
    return NULL;
}

static int event_of(const names *n, const eth_log *l)
{
    for (int i = 0; l->ntopics && i < NEVENTS; i++)
        if (memcmp(l->topics[0], n->events[i], 32) == 0)
            return i;
    return -1;
}

void kms_audit_history_clear(kms_audit_history *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        free(h->items[i].detail);
    for (size_t i = 0; i < h->npaths; i++)
        kms_audit_path_clear(&h->paths[i]);
    free(h->items);
    free(h->paths);
    memset(h, 0, sizeof *h);
}

/* ---- the apps ---- */

int kms_audit_apps(const kms_audit_net *net, const uint8_t kms[20], uint64_t from, uint64_t to,
                   uint8_t (**apps)[20], size_t *n, eth_error *err)
{
    static const kms_event_set REGISTERED = {"AppRegistered(address)", NULL,
                                             "registeredApps(address)(bool)"};
    uint8_t topic[32];
    eth_log_list logs = {0};
    kms_b32_list set = {0};
    eth_log_filter f = {.addresses = (const uint8_t(*)[20])kms, .naddr = 1, .from_block = from,
                        .to_block = to};
    f.topics[0] = (const uint8_t(*)[32])topic;
    f.ntopic[0] = 1;
    *apps = NULL;
    *n = 0;
    int rc = eth_abi_event_topic(REGISTERED.added, topic, err);
    if (rc == 0)
        rc = kms_audit_logs(net, &f, 0, &logs, err);
    if (rc == 0)
        rc = kms_event_set_apply(kms, &REGISTERED, logs.items, logs.n, &set, err);
    eth_log_list_clear(&logs);
    *apps = rc == 0 && set.n ? malloc(set.n * 20) : NULL;
    if (rc == 0 && set.n && !*apps)
        rc = eth_fail(err, ETH_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < set.n; i++)
        memcpy((*apps)[(*n)++], set.items[i] + 12, 20);
    free(set.items);
    return rc;
}

/* ---- changes from logs ---- */

/* The text the specific event l (GatewayAppIdSet or KmsInfoSet) carries, in a new string. */
static char *detail_of(const eth_log *l, bool text)
{
    /* ABI: offset (32), length (32), bytes */
    if (l->data_len < 64)
        return NULL;
    uint64_t len = u256_from_be(l->data + 32, 32).w[0];
    if (len > l->data_len - 64)
        return NULL;
    char *out = malloc(text ? ETH_CLIP_BUF + 2 : 2 * len + 3);
    if (out && text) {
        char clip[ETH_CLIP_BUF];
        eth_text_clip((const char *)l->data + 64, len, clip);
        snprintf(out, ETH_CLIP_BUF + 2, "\"%s\"", clip);
    } else if (out)
        eth_hex_encode(l->data + 64, len, out);
    return out;
}

/* The change of log l (an ownership event, or PolicyChanged with prev the log before it). */
static void change_of(const names *nm, const eth_log *l, const eth_log *prev, int ev,
                      const uint8_t kms[20], kms_audit_change *c)
{
    memset(c, 0, sizeof *c);
    c->block = l->block_number;
    c->log_index = l->log_index;
    memcpy(c->tx, l->tx_hash, 32);
    memcpy(c->contract, l->address, 20);
    c->on_kms = memcmp(l->address, kms, 20) == 0;
    memcpy(c->actor, l->topics[1] + 12, 20);
    if (ev != E_POLICY) {
        c->kind = ev == E_OWNER ? KMS_CHANGE_OWNER : KMS_CHANGE_OWNER_PENDING;
        c->policy = "owner";
        memcpy(c->new_owner, l->topics[2] + 12, 20);
        return;
    }
    memcpy(c->policy_hash, l->topics[2], 32);
    memcpy(c->value, l->topics[3], 32);
    c->policy = policy_of(nm, c->policy_hash);
    c->enabled = l->data_len == 32 && l->data[31] != 0;
    int pe = prev ? event_of(nm, prev) : -1;
    if ((pe == E_GATEWAY || pe == E_KMS_INFO) && memcmp(prev->tx_hash, l->tx_hash, 32) == 0 &&
        memcmp(prev->address, l->address, 20) == 0)
        c->detail = detail_of(prev, pe == E_GATEWAY);
}

/* The event of log l when it is a change (PolicyChanged or an ownership event), else -1. */
static int change_event(const names *nm, const eth_log *l)
{
    int ev = event_of(nm, l);
    if (l->removed)
        return -1;
    if (ev == E_POLICY && l->ntopics == 4)
        return ev;
    return (ev == E_OWNER || ev == E_OWNER_PENDING) && l->ntopics == 3 ? ev : -1;
}

/* Appends the changes among logs to h. */
static int add_changes(const names *nm, const eth_log_list *logs, kms_audit_history *h,
                       eth_error *err)
{
    size_t more = 0;
    for (size_t i = 0; i < logs->n; i++)
        more += change_event(nm, &logs->items[i]) >= 0;
    if (h->n + more > KMS_AUDIT_MAX_CHANGES)
        return eth_fail(err, ETH_ERANGE, "more than %d changes: read a shorter range",
                        KMS_AUDIT_MAX_CHANGES);
    kms_audit_change *grown = realloc(h->items, (h->n + more + 1) * sizeof *grown);
    if (!grown)
        return eth_fail(err, ETH_ENOMEM, "out of memory (%zu changes)", h->n + more);
    h->items = grown;
    for (size_t i = 0; i < logs->n; i++) {
        int ev = change_event(nm, &logs->items[i]);
        if (ev >= 0)
            change_of(nm, &logs->items[i], i ? &logs->items[i - 1] : NULL, ev, h->kms,
                      &h->items[h->n++]);
    }
    return 0;
}

static int by_position(const void *a, const void *b)
{
    const kms_audit_change *x = a, *y = b;
    if (x->block != y->block)
        return x->block < y->block ? -1 : 1;
    return x->log_index < y->log_index ? -1 : x->log_index > y->log_index;
}

/* Reads the changes of addrs[0..n) over [from, to], ADDRS_PER_FILTER addresses at a time. */
static int read_changes(const kms_audit_net *net, const uint8_t (*addrs)[20], size_t n,
                        kms_audit_history *h, eth_error *err)
{
    names nm;
    int rc = names_init(&nm, err);
    eth_log_filter f = {.from_block = h->from, .to_block = h->to};
    f.topics[0] = (const uint8_t(*)[32])nm.events;
    f.ntopic[0] = NEVENTS;
    for (size_t at = 0; rc == 0 && at < n; at += ADDRS_PER_FILTER) {
        eth_log_list logs = {0};
        f.addresses = addrs + at;
        f.naddr = n - at < ADDRS_PER_FILTER ? n - at : ADDRS_PER_FILTER;
        rc = kms_audit_logs(net, &f, 0, &logs, err);
        if (rc == 0)
            rc = add_changes(&nm, &logs, h, err);
        eth_log_list_clear(&logs);
    }
    if (rc == 0 && h->n)
        qsort(h->items, h->n, sizeof *h->items, by_position);
    return rc;
}

/* ---- paths ---- */

/* The path of change c: one already made for its transaction and contract, else a new one. */
static size_t path_for(kms_audit_history *h, const kms_audit_change *c)
{
    for (size_t j = h->npaths; j-- > 0 && memcmp(h->paths[j].tx, c->tx, 32) == 0;)
        if (memcmp(h->paths[j].target, c->contract, 20) == 0)
            return j;
    kms_audit_path *p = &h->paths[h->npaths];
    memcpy(p->tx, c->tx, 32);
    memcpy(p->target, c->contract, 20);
    return h->npaths++;
}

/* A timelock's operations, read once. */
typedef struct tl_cache {
    uint8_t addr[20];
    kms_tl_ops ops;
} tl_cache;

typedef struct schedules {
    tl_cache *tl;
    size_t ntl;
    kms_audit_path **paths; /* the schedule paths to read */
    size_t npaths;
} schedules;

static const kms_tl_ops *ops_of(const kms_audit_net *net, const kms_audit_range *r,
                                schedules *s, const uint8_t tl[20], eth_error *err)
{
    for (size_t i = 0; i < s->ntl; i++)
        if (memcmp(s->tl[i].addr, tl, 20) == 0)
            return &s->tl[i].ops;
    tl_cache *grown = realloc(s->tl, (s->ntl + 1) * sizeof *grown);
    if (!grown) {
        eth_fail(err, ETH_ENOMEM, "out of memory");
        return NULL;
    }
    s->tl = grown;
    tl_cache *c = &s->tl[s->ntl];
    memcpy(c->addr, tl, 20);
    if (kms_tl_ops_read(net->rpc, tl, r->origin, r->to, &c->ops, err) != 0)
        return NULL;
    return &s->tl[s->ntl++].ops;
}

/* Fills a timelock hop from its operation's CallScheduled events and queues its schedule. */
static int schedule_of(const kms_tl_op *op, kms_audit_hop *h, schedules *s, eth_error *err)
{
    h->scheduled = true;
    h->scheduled_block = op->scheduled_block;
    h->delay = op->delay;
    memcpy(h->schedule_tx, op->schedule_tx, 32);
    h->schedule = calloc(1, sizeof *h->schedule);
    if (!h->schedule)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    memcpy(h->schedule->tx, op->schedule_tx, 32);
    memcpy(h->schedule->target, h->addr, 20);
    s->paths[s->npaths++] = h->schedule;
    return 0;
}

/* Finds when and how each timelock operation on h's paths was scheduled. */
static int read_schedules(const kms_audit_net *net, const kms_audit_range *r,
                          kms_audit_history *h, eth_error *err)
{
    schedules s = {.paths = calloc(h->npaths * KMS_AUDIT_MAX_HOPS + 1, sizeof *s.paths)};
    int rc = s.paths ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < h->npaths; i++)
        for (size_t k = 0; rc == 0 && k < h->paths[i].nhops; k++) {
            kms_audit_hop *hop = &h->paths[i].hops[k];
            if (hop->kind != KMS_HOP_TIMELOCK)
                continue;
            const kms_tl_ops *ops = ops_of(net, r, &s, hop->addr, err);
            const kms_tl_op *op = ops ? kms_tl_ops_find(ops, hop->op_id) : NULL;
            rc = !ops ? -err->code : op ? schedule_of(op, hop, &s, err) : 0;
        }
    if (rc == 0)
        rc = kms_audit_paths_fetch(net, s.paths, s.npaths, err);
    for (size_t i = 0; i < s.ntl; i++)
        kms_tl_ops_clear(&s.tl[i].ops);
    free(s.tl);
    free(s.paths);
    return rc;
}

static int read_paths(const kms_audit_net *net, const kms_audit_range *r, kms_audit_history *h,
                      eth_error *err)
{
    h->paths = calloc(h->n + 1, sizeof *h->paths);
    kms_audit_path **list = calloc(h->n + 1, sizeof *list);
    int rc = h->paths && list ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < h->n; i++)
        h->items[i].path = path_for(h, &h->items[i]);
    for (size_t i = 0; rc == 0 && i < h->npaths; i++)
        list[i] = &h->paths[i];
    if (rc == 0)
        rc = kms_audit_paths_fetch(net, list, h->npaths, err);
    if (rc == 0)
        rc = read_schedules(net, r, h, err);
    if (rc == 0)
        rc = kms_audit_paths_signers(net, list, h->npaths, err);
    free(list);
    return rc;
}

/* ---- block times ---- */

typedef struct times {
    uint64_t *blocks, *at;
    size_t n;
} times;

static json_t *block_params(void *ctx, size_t i)
{
    char tag[ETH_BLOCK_TAG_MAX];
    return json_pack("[s,b]", eth_block_tag(((times *)ctx)->blocks[i], tag), 0);
}

static int take_block(void *ctx, size_t i, const json_t *r, eth_error *err)
{
    times *t = ctx;
    if (json_is_null(r))
        return eth_fail(err, ETH_ERPC, "block %llu: the node does not have it",
                        (unsigned long long)t->blocks[i]);
    return eth_quantity_u64(json_object_get(r, "timestamp"), "block timestamp", &t->at[i], err);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t time_of(const times *t, uint64_t block)
{
    const uint64_t *p = bsearch(&block, t->blocks, t->n, sizeof block, cmp_u64);
    return p ? t->at[p - t->blocks] : 0;
}

/* The blocks whose time h needs: its changes' and their operations' schedules. */
static size_t needed_blocks(const kms_audit_history *h, uint64_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++)
        out[n++] = h->items[i].block;
    for (size_t i = 0; i < h->npaths; i++)
        for (size_t k = 0; k < h->paths[i].nhops; k++)
            if (h->paths[i].hops[k].scheduled)
                out[n++] = h->paths[i].hops[k].scheduled_block;
    qsort(out, n, sizeof *out, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || out[u - 1] != out[i])
            out[u++] = out[i];
    return u;
}

static int read_times(const kms_audit_net *net, kms_audit_history *h, eth_error *err)
{
    times t = {.blocks = malloc((h->n + h->npaths * KMS_AUDIT_MAX_HOPS + 1) * sizeof *t.blocks)};
    int rc = t.blocks ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory");
    if (rc == 0)
        t.n = needed_blocks(h, t.blocks);
    t.at = rc == 0 ? calloc(t.n + 1, sizeof *t.at) : NULL;
    if (rc == 0 && !t.at)
        rc = eth_fail(err, ETH_ENOMEM, "out of memory");
    if (rc == 0)
        rc = kms_audit_each(net, "eth_getBlockByNumber", t.n, block_params, take_block, &t,
                            "eth_getBlockByNumber", err);
    for (size_t i = 0; rc == 0 && i < h->n; i++)
        h->items[i].timestamp = time_of(&t, h->items[i].block);
    for (size_t i = 0; rc == 0 && i < h->npaths; i++)
        for (size_t k = 0; k < h->paths[i].nhops; k++)
            h->paths[i].hops[k].scheduled_at = time_of(&t, h->paths[i].hops[k].scheduled_block);
    free(t.blocks);
    free(t.at);
    return rc;
}

/* ---- the whole read ---- */

static int read_all(const kms_audit_net *net, const kms_audit_range *r, kms_audit_history *h,
                    eth_error *err)
{
    uint8_t(*apps)[20] = NULL, (*addrs)[20] = NULL;
    size_t napps = 0;
    int rc = kms_audit_apps(net, h->kms, r->origin < r->to ? r->origin : r->to, r->to, &apps,
                            &napps, err);
    if (rc == 0 && !(addrs = malloc((napps + 1) * 20)))
        rc = eth_fail(err, ETH_ENOMEM, "out of memory");
    if (rc == 0) {
        memcpy(addrs[0], h->kms, 20);
        if (napps)
            memcpy(addrs[1], apps, napps * 20);
        rc = read_changes(net, (const uint8_t(*)[20])addrs, napps + 1, h, err);
    }
    free(apps);
    free(addrs);
    if (rc == 0 && r->paths)
        rc = read_paths(net, r, h, err);
    return rc ? rc : read_times(net, h, err);
}

int kms_audit_history_read(const kms_audit_net *net, const uint8_t kms[20],
                           const kms_audit_range *r, kms_audit_history *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    memcpy(out->kms, kms, 20);
    out->from = r->from;
    out->to = r->to;
    if (r->from > r->to)
        return eth_fail(err, ETH_EINVAL, "blocks %llu..%llu: the range is empty",
                        (unsigned long long)r->from, (unsigned long long)r->to);
    int rc = read_all(net, r, out, err);
    if (rc)
        kms_audit_history_clear(out);
    return rc;
}

/* ---- a block by its time ---- */

static int time_at(eth_rpc *rpc, uint64_t block, uint64_t *t, eth_error *err)
{
    char tag[ETH_BLOCK_TAG_MAX];
    eth_block b;
    bool found = false;
    int rc = eth_rpc_get_block(rpc, eth_block_tag(block, tag), &b, &found, err);
    if (rc == 0 && !found)
        rc = eth_fail(err, ETH_ERPC, "block %s: the node does not have it", tag);
    *t = b.timestamp;
    return rc;
}

int kms_audit_block_at(eth_rpc *rpc, uint64_t t, bool after, uint64_t *block, eth_error *err)
{
    uint64_t lo = 0, hi = 0, tlo = 0, thi = 0;
    int rc = eth_rpc_block_number(rpc, &hi, err);
    if (rc == 0)
        rc = time_at(rpc, 0, &tlo, err);
    if (rc == 0)
        rc = time_at(rpc, hi, &thi, err);
    if (rc == 0 && (after ? thi < t : tlo > t))
        return eth_fail(err, ETH_ERANGE,
                        "no block is %s that time: the chain runs from %llu to %llu (unix time)",
                        after ? "at or after" : "at or before", (unsigned long long)tlo,
                        (unsigned long long)thi);
    /* invariant: after: time(hi) >= t, the answer is in [lo, hi]; before: time(lo) <= t */
    while (rc == 0 && lo < hi) {
        uint64_t mid = after ? lo + (hi - lo) / 2 : lo + (hi - lo + 1) / 2, tm = 0;
        rc = time_at(rpc, mid, &tm, err);
        if (rc == 0 && after && tm >= t)
            hi = mid;
        else if (rc == 0 && after)
            lo = mid + 1;
        else if (rc == 0 && tm <= t)
            lo = mid;
        else if (rc == 0)
            hi = mid - 1;
    }
    *block = lo;
    return rc;
}

/* ---- words and JSON ---- */

/* The sets whose value is a 32-byte member allowed or removed. */
static bool is_set(const char *policy)
{
    static const char *const SETS[] = {"os-image", "kms-aggregated-mr", "kms-device",
                                       "compose-hash", "device"};
    for (size_t i = 0; policy && i < sizeof SETS / sizeof SETS[0]; i++)
        if (strcmp(policy, SETS[i]) == 0)
            return true;
    return false;
}

static void policy_words(const kms_audit_change *c, char *out, size_t cap)
{
    char v[67], a[43];
    const char *p = c->policy;
    eth_hex_encode(c->value, 32, v);
    eth_address_checksum(c->value + 12, a);
    if (is_set(p))
        snprintf(out, cap, "%s %s %s", p, v, c->enabled ? "allowed" : "removed");
    else if (p && strcmp(p, "registered-app") == 0)
        snprintf(out, cap, "app %s registered", a);
    else if (p && strcmp(p, "app-implementation") == 0)
        snprintf(out, cap, "app implementation set to %s", a);
    else if (p && strcmp(p, "implementation-upgrade") == 0)
        snprintf(out, cap, "upgraded to the implementation %s", a);
    else if (p && strcmp(p, "kms-info") == 0)
        snprintf(out, cap, "kms-info set (k256 public key %s)", c->detail ? c->detail : v);
    else if (p && strcmp(p, "gateway-app-id") == 0)
        snprintf(out, cap, "gateway-app-id set to %s", c->detail ? c->detail : v);
    else if (p && strcmp(p, "upgrades-disabled") == 0)
        snprintf(out, cap, "upgrades disabled for good");
    else if (p)
        snprintf(out, cap, "%s %s", p, c->enabled ? "on" : "off");
    else {
        char h[67];
        eth_hex_encode(c->policy_hash, 32, h);
        snprintf(out, cap, "unknown policy %s: value %s, %s", h, v,
                 c->enabled ? "enabled" : "disabled");
    }
}

void kms_audit_change_words(const kms_audit_change *c, char *out, size_t cap)
{
    char from[43], to[43];
    eth_address_checksum(c->actor, from);
    eth_address_checksum(c->new_owner, to);
    if (c->kind == KMS_CHANGE_POLICY)
        policy_words(c, out, cap);
    else if (c->kind == KMS_CHANGE_OWNER_PENDING)
        snprintf(out, cap, "ownership transfer from %s to %s started", from, to);
    else if (memcmp(c->actor, ZERO, 20) == 0)
        snprintf(out, cap, "owner set to %s (initialized)", to);
    else
        snprintf(out, cap, "ownership passed from %s to %s", from, to);
}

static json_t *change_json(const kms_audit_history *h, const kms_audit_change *c)
{
    static const char *const KINDS[] = {"policy", "owner-pending", "owner"};
    char words[512];
    kms_audit_change_words(c, words, sizeof words);
    const kms_audit_path *p = h->npaths ? &h->paths[c->path] : NULL;
    return json_pack("{s:I,s:I,s:o,s:o,s:b,s:s,s:o,s:o,s:b,s:o,s:o,s:o,s:s,s:o}", "block",
                     (json_int_t)c->block, "timestamp", (json_int_t)c->timestamp, "tx",
                     eth_json_hex(c->tx, 32), "contract", eth_json_address(c->contract), "onKms",
                     c->on_kms, "kind", KINDS[c->kind], "policy",
                     c->policy ? json_string(c->policy) : eth_json_hex(c->policy_hash, 32),
                     "value", eth_json_hex(c->value, 32), "enabled", c->enabled, "actor",
                     eth_json_address(c->actor), "newOwner",
                     c->kind == KMS_CHANGE_POLICY ? json_null() : eth_json_address(c->new_owner),
                     "detail", c->detail ? json_string(c->detail) : json_null(), "words", words,
                     "path", p && p->fetched ? kms_audit_path_json(p) : json_null());
}

json_t *kms_audit_history_json(const kms_audit_history *h)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < h->n; i++)
        if (json_array_append_new(a, change_json(h, &h->items[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}
