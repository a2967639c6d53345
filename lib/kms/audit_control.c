/* audit_control.c: the controllers behind an owner, followed down, and said in words. */
#include "audit_control.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/address.h"
#include "eth/json.h"
#include "eth/rpc_eth.h"
#include "safe.h"
#include "timelock.h"

static const uint8_t ZERO[20];

void kms_control_clear(kms_control *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nmembers; i++)
        kms_control_clear(&g->members[i]);
    for (size_t i = 0; i < g->nadmins; i++)
        kms_control_clear(&g->admins[i]);
    free(g->members);
    free(g->admins);
    free(g->roles);
    memset(g, 0, sizeof *g);
}

/* Where a read looks: the block (its number and tag) and the first block of role events. */
typedef struct at_block {
    uint64_t number, from;
    char tag[ETH_BLOCK_TAG_MAX];
} at_block;

static int read_at(eth_rpc *rpc, const uint8_t addr[20], const at_block *at, int depth,
                   kms_control *out, eth_error *err);

/* Reads each of addrs[0..n) into a new array *out. */
static int read_each(eth_rpc *rpc, const uint8_t (*addrs)[20], size_t n, const at_block *at,
                     int depth, kms_control **out, size_t *nout, eth_error *err)
{
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    int rc = 0;
    for (*nout = 0; rc == 0 && *nout < n; (*nout)++)
        rc = read_at(rpc, addrs[*nout], at, depth, &(*out)[*nout], err);
    return rc;
}

static int read_timelock(eth_rpc *rpc, const at_block *at, int depth, kms_control *g,
                         eth_error *err)
{
    g->kind = KMS_CTRL_TIMELOCK;
    g->roles = malloc(sizeof *g->roles);
    if (!g->roles)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    int rc = kms_timelock_roles_read(rpc, g->addr, at->from, at->number, g->roles, err);
    if (rc)
        return rc;
    uint8_t admins[KMS_ROLE_MAX_HOLDERS][20];
    size_t nadmins = 0;
    for (size_t i = 0; i < g->roles->admin.n; i++)
        if (memcmp(g->roles->admin.holders[i], g->addr, 20) != 0)
            memcpy(admins[nadmins++], g->roles->admin.holders[i], 20);
    rc = read_each(rpc, (const uint8_t(*)[20])g->roles->proposer.holders, g->roles->proposer.n,
                   at, depth, &g->members, &g->nmembers, err);
    if (rc == 0)
        rc = read_each(rpc, (const uint8_t(*)[20])admins, nadmins, at, depth, &g->admins,
                       &g->nadmins, err);
    return rc;
}

/* True when a probe failed with rc because the node could not be asked (no answer in time, a
 * transport failure, a reply that is no JSON-RPC answer): that says nothing about the contract.
 * A JSON-RPC error from the node (a revert; geth's -32000 for a revert without data) is the
 * contract's answer: not that kind of contract. */
static bool not_asked(const eth_rpc *rpc, int rc)
{
    return rc == -ETH_ETIMEOUT || (rc == -ETH_ERPC && eth_rpc_last_code(rpc) == 0);
}

/* Reads the kind of a contract at addr: a timelock, a Safe, or neither. A probe the node could
 * not answer is an error, never "neither". */
static int read_contract(eth_rpc *rpc, const at_block *at, int depth, kms_control *g,
                         eth_error *err)
{
    eth_error probe;
    if (depth > KMS_CTRL_MAX_DEPTH) {
        g->unread = true;
        return 0;
    }
    int rc = kms_timelock_min_delay(rpc, g->addr, at->tag, &g->min_delay, &probe);
    if (rc == 0)
        return read_timelock(rpc, at, depth + 1, g, err);
    if (not_asked(rpc, rc)) {
        *err = probe;
        return rc;
    }
    kms_safe_info *info = malloc(sizeof *info);
    if (!info)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    rc = kms_safe_read(rpc, g->addr, at->tag, info, &probe);
    if (rc == 0 && info->threshold > 0) {
        g->kind = KMS_CTRL_SAFE;
        g->threshold = info->threshold;
        rc = read_each(rpc, (const uint8_t(*)[20])info->owners, info->nowners, at, depth + 1,
                       &g->members, &g->nmembers, err);
    } else if (rc && not_asked(rpc, rc)) {
        *err = probe;
    } else {
        rc = 0;
    }
    free(info);
    return rc;
}

static int read_at(eth_rpc *rpc, const uint8_t addr[20], const at_block *at, int depth,
                   kms_control *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    memcpy(out->addr, addr, 20);
    if (memcmp(addr, ZERO, 20) == 0)
        return 0; /* KMS_CTRL_NOBODY */
    eth_buf code = {0};
    int rc = eth_rpc_get_code(rpc, addr, at->tag, &code, err);
    bool contract = code.len > 0;
    eth_buf_clear(&code);
    out->kind = contract ? KMS_CTRL_CONTRACT : KMS_CTRL_EOA;
    if (rc == 0 && contract)
        rc = read_contract(rpc, at, depth, out, err);
    return rc;
}

int kms_control_read(eth_rpc *rpc, const uint8_t addr[20], uint64_t block, uint64_t from_block,
                 kms_control *out, eth_error *err)
{
    at_block at = {.number = block, .from = from_block};
    eth_block_tag(block, at.tag);
    int rc = read_at(rpc, addr, &at, 1, out, err);
    if (rc)
        kms_control_clear(out);
    return rc;
}

/* ---- flags and words ---- */

/* The flags of any of list[0..n) that apply to all of them through "or". */
static uint32_t any_flags(const kms_control *list, size_t n)
{
    uint32_t f = 0;
    for (size_t i = 0; i < n; i++)
        f |= kms_control_flags(&list[i]);
    return f;
}

uint32_t kms_control_flags(const kms_control *g)
{
    switch (g->kind) {
    case KMS_CTRL_NOBODY:
        return KMS_CTRL_FROZEN;
    case KMS_CTRL_EOA:
        return KMS_CTRL_INSTANT | KMS_CTRL_SINGLE_KEY;
    case KMS_CTRL_SAFE: {
        uint32_t m = any_flags(g->members, g->nmembers);
        return KMS_CTRL_INSTANT | (m & KMS_CTRL_UNKNOWN) |
               (g->threshold <= 1 ? m & KMS_CTRL_SINGLE_KEY : 0);
    }
    case KMS_CTRL_TIMELOCK: {
        uint32_t f = (any_flags(g->members, g->nmembers) | any_flags(g->admins, g->nadmins)) &
                     (KMS_CTRL_SINGLE_KEY | KMS_CTRL_UNKNOWN);
        if (g->nmembers == 0 && g->nadmins == 0)
            f |= KMS_CTRL_FROZEN;
        return f | (g->min_delay == 0 ? KMS_CTRL_INSTANT : 0);
    }
    default:
        return KMS_CTRL_INSTANT | KMS_CTRL_UNKNOWN;
    }
}

const char *kms_control_delay_text(uint64_t s, char out[32])
{
    if (s == 0)
        snprintf(out, 32, "no delay");
    else if (s % 86400 == 0)
        snprintf(out, 32, "%" PRIu64 " d", s / 86400);
    else if (s % 3600 == 0)
        snprintf(out, 32, "%" PRIu64 " h", s / 3600);
    else if (s % 60 == 0)
        snprintf(out, 32, "%" PRIu64 " m", s / 60);
    else
        snprintf(out, 32, "%" PRIu64 " s", s);
    return out;
}

const char *kms_control_short(const uint8_t addr[20], char out[13])
{
    char a[43];
    eth_address_checksum(addr, a);
    snprintf(out, 13, "%.6s..%.4s", a, a + 38);
    return out;
}

void kms_control_words(const kms_control *g, char *out, size_t cap)
{
    char a[13], d[32];
    kms_control_short(g->addr, a);
    if (g->kind == KMS_CTRL_NOBODY)
        snprintf(out, cap, "nobody (ownership renounced)");
    else if (g->kind == KMS_CTRL_EOA)
        snprintf(out, cap, "a single EOA %s", a);
    else if (g->kind == KMS_CTRL_SAFE)
        snprintf(out, cap, "a %" PRIu64 "-of-%zu Safe %s", g->threshold, g->nmembers, a);
    else if (g->kind == KMS_CTRL_CONTRACT)
        snprintf(out, cap, "%s contract %s", g->unread ? "a nested" : "an unknown", a);
    if (g->kind != KMS_CTRL_TIMELOCK)
        return;
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < g->nmembers && used < cap; i++) {
        char who[256];
        kms_control_words(&g->members[i], who, sizeof who);
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? " or " : "", who);
    }
    if (used < cap)
        snprintf(out + used, cap - used, "%sthrough a %s timelock %s",
                 g->nmembers ? " " : "nobody (no proposer) ",
                 g->min_delay ? kms_control_delay_text(g->min_delay, d) : "zero-delay", a);
}

/* ---- JSON ---- */

static json_t *list_json(const kms_control *list, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, kms_control_json(&list[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *flags_json(uint32_t f)
{
    static const char *const NAMES[] = {"instant", "single-key", "unknown", "frozen"};
    json_t *a = json_array();
    for (size_t i = 0; a && i < 4; i++)
        if ((f & (1u << i)) && json_array_append_new(a, json_string(NAMES[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static int add_kind_json(const kms_control *g, json_t *o)
{
    if (g->kind == KMS_CTRL_SAFE)
        return json_object_set_new(o, "threshold", json_integer((json_int_t)g->threshold)) |
               json_object_set_new(o, "owners", list_json(g->members, g->nmembers));
    if (g->kind != KMS_CTRL_TIMELOCK)
        return 0;
    const kms_timelock_roles *r = g->roles;
    return json_object_set_new(o, "minDelay", json_integer((json_int_t)g->min_delay)) |
           json_object_set_new(o, "proposers", list_json(g->members, g->nmembers)) |
           json_object_set_new(o, "admins", list_json(g->admins, g->nadmins)) |
           json_object_set_new(o, "executors", eth_json_address_list(
                                                   (const uint8_t(*)[20])r->executor.holders,
                                                   r->executor.n)) |
           json_object_set_new(o, "cancellers", eth_json_address_list(
                                                    (const uint8_t(*)[20])r->canceller.holders,
                                                    r->canceller.n));
}

json_t *kms_control_json(const kms_control *g)
{
    static const char *const KINDS[] = {"nobody", "eoa", "safe", "timelock", "contract"};
    char words[1024];
    kms_control_words(g, words, sizeof words);
    json_t *o = json_pack("{s:s,s:o,s:s,s:o}", "kind", KINDS[g->kind], "address",
                          eth_json_address(g->addr), "words", words, "flags",
                          flags_json(kms_control_flags(g)));
    if (o && add_kind_json(g, o) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}
