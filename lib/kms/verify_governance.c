/* verify_governance.c: the timelock (code, delay, roles, hand-over, the zero-delay window) and
 * the Safe of a deployment, checked on chain. */
#include "verify.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "artifacts.h"
#include "eth/abi_selector.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/rpc_eth.h"
#include "revert.h"
#include "roles.h"
#include "safe.h"
#include "timelock.h"

/* Most timelock events read for the zero-delay check. */
#define MAX_EVENTS 100000

typedef struct gctx {
    eth_rpc *rpc;
    const kms_manifest *m;
    uint64_t head;
    char block[ETH_BLOCK_TAG_MAX];
    kms_checks *out;
} gctx;

static const uint8_t ZERO[20];

static int add(gctx *g, const char *name, bool ok, const char *expected, const char *found,
               eth_error *err)
{
    return kms_checks_add(g->out, name, ok, expected, found, err);
}

static int check_code(gctx *g, const char *name, const uint8_t addr[20], const char *artifact,
                      eth_error *err)
{
    return kms_verify_code(g->rpc, g->block, name, addr, artifact, false, g->out, err);
}

/* ---- roles ---- */

/* The proposer and executor the deployment ends with (executor zero: anyone). */
static void intended(const kms_manifest *m, uint8_t proposer[20], uint8_t executor[20])
{
    const kms_deploy_settings *s = &m->settings;
    if (s->model == KMS_MODEL_SAFE_TIMELOCK)
        memcpy(proposer, m->safe, 20);
    else
        memcpy(proposer, s->has_proposer ? s->proposer : m->deployer, 20);
    if (s->executor_open)
        memset(executor, 0, 20);
    else
        memcpy(executor, s->has_executor ? s->executor : proposer, 20);
}

/* A role's expected holders: up to three addresses (NULL ends early). */
static void expect_text(const uint8_t *const want[3], char *out, size_t cap)
{
    kms_role_holders h = {.n = 0};
    for (size_t i = 0; i < 3 && want[i]; i++)
        if (!kms_role_has(&h, want[i]))
            memcpy(h.holders[h.n++], want[i], 20);
    kms_role_holders_text(&h, out, cap);
}

static bool same_set(const kms_role_holders *h, const uint8_t *const want[3])
{
    size_t n = 0;
    kms_role_holders w = {.n = 0};
    for (size_t i = 0; i < 3 && want[i]; i++)
        if (!kms_role_has(&w, want[i]))
            memcpy(w.holders[w.n++], want[i], 20);
    for (size_t i = 0; i < w.n; i++)
        n += kms_role_has(h, w.holders[i]);
    return n == w.n && h->n == w.n && h->denied == 0;
}

static int check_role(gctx *g, const char *name, const kms_role_holders *h,
                      const uint8_t *const want[3], eth_error *err)
{
    char expected[320], found[320], holders[240];
    expect_text(want, expected, sizeof expected);
    kms_role_holders_text(h, holders, sizeof holders);
    if (h->denied)
        snprintf(found, sizeof found, "%s (+%zu granted by events, denied by hasRole)", holders,
                 h->denied);
    else
        snprintf(found, sizeof found, "%s", holders);
    return add(g, name, same_set(h, want), expected, found, err);
}

static int check_roles(gctx *g, eth_error *err)
{
    const kms_manifest *m = g->m;
    uint8_t proposer[20], executor[20];
    intended(m, proposer, executor);
    kms_timelock_roles r;
    int rc = kms_timelock_roles_read(g->rpc, m->timelock, m->first_block, g->head, &r, err);
    if (rc)
        return kms_verify_soft(g->out, rc, "timelock roles", "readable", err);
    const uint8_t *temp = m->handover_done ? NULL : m->deployer; /* until the hand-over */
    const uint8_t *prop[3] = {proposer, temp, NULL}, *exec[3] = {executor, temp, NULL},
                  *admin[3] = {m->timelock, m->settings.has_admin ? m->settings.admin : NULL,
                               NULL};
    rc = check_role(g, "timelock PROPOSER_ROLE holders", &r.proposer, prop, err);
    if (rc == 0)
        rc = check_role(g, "timelock CANCELLER_ROLE holders", &r.canceller, prop, err);
    if (rc == 0)
        rc = check_role(g, "timelock EXECUTOR_ROLE holders", &r.executor, exec, err);
    if (rc == 0)
        rc = check_role(g, "timelock DEFAULT_ADMIN_ROLE holders", &r.admin, admin, err);
    bool needs = memcmp(proposer, m->deployer, 20) == 0 || memcmp(executor, m->deployer, 20) == 0;
    bool holds = kms_role_has(&r.proposer, m->deployer) || kms_role_has(&r.executor, m->deployer) ||
                 kms_role_has(&r.canceller, m->deployer) || kms_role_has(&r.admin, m->deployer);
    if (rc == 0 && !needs && !m->discovered)
        rc = add(g, "deployer holds no timelock role", !holds, "no role",
                 holds ? "still holds a role" : "no role", err);
    return rc;
}

/* ---- delay and hand-over ---- */

static const char *utc(uint64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm))
        snprintf(out, 32, "Unix time %" PRIu64, t);
    return out;
}

static int check_delay(gctx *g, eth_error *err)
{
    uint64_t delay = 0;
    char want[32], got[32];
    snprintf(want, sizeof want, "%" PRIu64 " s", g->m->settings.min_delay);
    int rc = kms_timelock_min_delay(g->rpc, g->m->timelock, g->block, &delay, err);
    if (rc)
        return kms_verify_soft(g->out, rc, "timelock min delay", want, err);
    snprintf(got, sizeof got, "%" PRIu64 " s", delay);
    return add(g, "timelock min delay", delay == g->m->settings.min_delay, want, got, err);
}

static int check_handover(gctx *g, eth_error *err)
{
    int state = 0;
    uint64_t ts = 0;
    static const char *const NAME = "hand-over operation executed (timelock owns DstackKms)";
    int rc = kms_timelock_state(g->rpc, g->m->timelock, g->block, g->m->handover_id, &state, &ts,
                                err);
    if (rc)
        return kms_verify_soft(g->out, rc, NAME, "done", err);
    char found[160], when[32];
    if (state == KMS_OP_DONE)
        snprintf(found, sizeof found, "done");
    else if (state == KMS_OP_UNSET)
        snprintf(found, sizeof found, "never scheduled");
    else
        snprintf(found, sizeof found, "%s, can run at %s: run kmsctl deploy --resume then",
                 kms_op_state_name(state), utc(ts, when));
    return add(g, NAME, state == KMS_OP_DONE, "done", found, err);
}

/* Reads the timelock's CallScheduled and MinDelayChange logs. */
static int zero_delay_logs(gctx *g, uint8_t topics[2][32], eth_log_list *logs, eth_error *err)
{
    int rc = eth_abi_event_topic(
        "CallScheduled(bytes32,uint256,address,uint256,bytes,bytes32,uint256)", topics[0], err);
    if (rc == 0)
        rc = eth_abi_event_topic("MinDelayChange(uint256,uint256)", topics[1], err);
    eth_log_filter f = {.addresses = (const uint8_t(*)[20])g->m->timelock, .naddr = 1,
                        .from_block = g->m->first_block, .to_block = g->head};
    f.topics[0] = (const uint8_t(*)[32])topics;
    f.ntopic[0] = 2;
    return rc ? rc : eth_rpc_get_logs(g->rpc, &f, MAX_EVENTS, logs, err);
}

/* True if l, a MinDelayChange(oldDuration, newDuration), sets a delay other than zero. */
static bool delay_set(const eth_log *l)
{
    if (l->data_len != 64)
        return false;
    for (size_t i = 32; i < 64; i++)
        if (l->data[i])
            return true;
    return false;
}

/* While the delay was zero (before the first MinDelayChange to a delay other than zero), only
 * the hand-over was scheduled. */
static int check_zero_delay(gctx *g, eth_error *err)
{
    if (g->m->settings.delayed_handover || g->m->settings.min_delay == 0)
        return 0;
    uint8_t topics[2][32];
    eth_log_list logs = {0};
    int rc = zero_delay_logs(g, topics, &logs, err);
    size_t others = 0, handover = 0;
    bool changed = false;
    for (size_t i = 0; rc == 0 && i < logs.n && !changed; i++) {
        const eth_log *l = &logs.items[i];
        if (l->removed || l->ntopics < 1)
            continue;
        if (memcmp(l->topics[0], topics[1], 32) == 0)
            changed = delay_set(l); /* the constructor's MinDelayChange(0, 0) is not the end */
        else if (l->ntopics >= 2 && memcmp(l->topics[1], g->m->handover_id, 32) == 0)
            handover++;
        else
            others++;
    }
    eth_log_list_clear(&logs);
    if (rc)
        return rc;
    char found[160];
    snprintf(found, sizeof found, "%zu call(s) of the hand-over, %zu other call(s)%s", handover,
             others, changed ? "" : "; the delay was never changed from zero");
    return add(g, "nothing but the hand-over ran while the delay was zero",
               changed && others == 0 && handover > 0,
               "only the hand-over operation, then the delay set", found, err);
}

/* ---- the Safe ---- */

static bool same_owners(const kms_safe_info *i, const kms_deploy_settings *s)
{
    if (i->nowners != s->nsafe_owners)
        return false;
    for (size_t a = 0; a < s->nsafe_owners; a++) {
        bool found = false;
        for (size_t b = 0; b < i->nowners && !found; b++)
            found = memcmp(i->owners[b], s->safe_owners[a], 20) == 0;
        if (!found)
            return false;
    }
    return true;
}

static void owners_text(const uint8_t (*o)[20], size_t n, char *out, size_t cap)
{
    kms_role_holders h = {.n = n < KMS_ROLE_MAX_HOLDERS ? n : KMS_ROLE_MAX_HOLDERS};
    memcpy(h.holders, o, h.n * 20);
    kms_role_holders_text(&h, out, cap);
}

static int check_safe_setup(gctx *g, const kms_safe_info *info, eth_error *err)
{
    const kms_deploy_settings *s = &g->m->settings;
    char want[320], found[320], a[43], b[43];
    int rc = 0;
    owners_text((const uint8_t(*)[20])info->owners, info->nowners, found, sizeof found);
    if (!s->has_safe) { /* a Safe the deployment made: its owners are known */
        owners_text((const uint8_t(*)[20])s->safe_owners, s->nsafe_owners, want, sizeof want);
        rc = add(g, "Safe owners", same_owners(info, s), want, found, err);
        snprintf(want, sizeof want, "%" PRIu64, s->safe_threshold);
    } else {
        rc = add(g, "Safe owners", info->nowners > 0, "at least one owner", found, err);
        snprintf(want, sizeof want, "1 to %zu", info->nowners);
    }
    snprintf(found, sizeof found, "%" PRIu64 " of %zu", info->threshold, info->nowners);
    bool ok = s->has_safe ? info->threshold >= 1 : info->threshold == s->safe_threshold;
    if (rc == 0)
        rc = add(g, "Safe threshold", ok, want, found, err);
    eth_address_checksum(g->m->safe_fallback, a);
    eth_address_checksum(info->fallback_handler, b);
    if (rc == 0 && !s->has_safe)
        rc = add(g, "Safe fallback handler", memcmp(info->fallback_handler, g->m->safe_fallback,
                                                    20) == 0, a, b, err);
    return rc;
}

static int check_safe(gctx *g, eth_error *err)
{
    kms_safe_info info;
    char a[43], b[43], found[32];
    int rc = check_code(g, "Safe proxy code", g->m->safe, "SafeProxy", err);
    if (rc == 0 && (rc = kms_safe_read(g->rpc, g->m->safe, g->block, &info, err)) != 0)
        return kms_verify_soft(g->out, rc, "Safe state", "a Safe v1.4.1", err);
    if (rc)
        return rc;
    eth_address_checksum(g->m->safe_singleton, a);
    eth_address_checksum(info.singleton, b);
    if (!g->m->settings.has_safe)
        rc = add(g, "Safe singleton (SafeL2 v1.4.1)",
                 memcmp(info.singleton, g->m->safe_singleton, 20) == 0, a, b, err);
    if (rc == 0)
        rc = check_safe_setup(g, &info, err);
    snprintf(found, sizeof found, "%zu module(s)", info.nmodules);
    if (rc == 0)
        rc = add(g, "Safe modules", info.nmodules == 0, "none", found, err);
    eth_address_checksum(info.guard, b);
    if (rc == 0)
        rc = add(g, "Safe guard", memcmp(info.guard, ZERO, 20) == 0, "none",
                 memcmp(info.guard, ZERO, 20) == 0 ? "none" : b, err);
    return rc;
}

int kms_verify_governance(eth_rpc *rpc, const kms_manifest *m, uint64_t block, kms_checks *out,
                          eth_error *err)
{
    gctx g = {.rpc = rpc, .m = m, .head = block, .out = out};
    eth_block_tag(block, g.block);
    int rc = check_code(&g, "timelock code", m->timelock, "TimelockController", err);
    if (rc == 0)
        rc = check_delay(&g, err);
    if (rc == 0 && !m->discovered)
        rc = check_handover(&g, err);
    if (rc == 0)
        rc = check_roles(&g, err);
    if (rc == 0 && !m->discovered)
        rc = check_zero_delay(&g, err);
    if (rc == 0 && m->settings.model == KMS_MODEL_SAFE_TIMELOCK)
        rc = check_safe(&g, err);
    return rc;
}
