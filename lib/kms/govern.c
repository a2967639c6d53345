/* govern.c: calls wrapped as a timelock operation or a Safe transaction, and simulated. */
#include "govern.h"

#include <stdio.h>
#include <string.h>

#include "eth/keccak.h"
#include "eth/rpc_eth.h"
#include "revert.h"
#include "safe.h"
#include "safe_canonical.h"

static const uint8_t ZERO32[32];

/* The default salt: keccak256("kmsctl salt" ++ the operation's id with a zero salt). */
static int default_salt(const kms_tl_call *calls, size_t n, bool batch, const uint8_t pred[32],
                        uint8_t out[32], eth_error *err)
{
    uint8_t msg[11 + 32];
    memcpy(msg, "kmsctl salt", 11);
    int rc = kms_timelock_op_id(calls, n, batch, pred, ZERO32, msg + 11, err);
    if (rc == 0)
        eth_keccak256(msg, sizeof msg, out);
    return rc;
}

static int build_timelock(eth_rpc *rpc, const kms_tl_call *calls, size_t n,
                          const kms_gov_opts *o, kms_gov *g, eth_error *err)
{
    const kms_route *r = &g->route;
    g->batch = n > 1;
    memcpy(g->predecessor, o && o->predecessor ? o->predecessor : ZERO32, 32);
    g->delay = o && o->has_delay ? o->delay : r->min_delay;
    if (g->delay < r->min_delay)
        return eth_fail(err, ETH_EINVAL, "--delay %llu s is below the timelock's minimum of %llu s",
                        (unsigned long long)g->delay, (unsigned long long)r->min_delay);
    int rc = o && o->salt ? (memcpy(g->salt, o->salt, 32), 0)
                          : default_salt(calls, n, g->batch, g->predecessor, g->salt, err);
    if (rc == 0)
        rc = kms_timelock_op_id(calls, n, g->batch, g->predecessor, g->salt, g->op_id, err);
    if (rc == 0)
        rc = kms_timelock_state(rpc, r->timelock, "latest", g->op_id, &g->state, &g->ready_at,
                                err);
    if (rc == 0)
        rc = kms_timelock_schedule_data(calls, n, g->batch, g->predecessor, g->salt, g->delay,
                                        &g->schedule, err);
    return rc;
}

/* The Safe transaction: to the timelock with the schedule, or the calls themselves. */
static int build_safe_tx(const kms_tl_call *calls, size_t n, const kms_gov_opts *o, kms_gov *g,
                         eth_error *err)
{
    kms_safe_tx *tx = &g->safe_tx;
    g->has_safe_tx = true;
    tx->nonce = o && o->has_nonce ? o->safe_nonce : g->route.safe_info.nonce;
    if (g->route.kind == KMS_ROUTE_TIMELOCK_SAFE) {
        memcpy(tx->to, g->route.timelock, 20);
        return eth_buf_append(&tx->data, g->schedule.data, g->schedule.len, err);
    }
    if (n == 1) {
        memcpy(tx->to, calls[0].target, 20);
        tx->value = calls[0].value;
        return eth_buf_append(&tx->data, calls[0].data, calls[0].len, err);
    }
    for (size_t i = 0; kms_safe_contract_at(i); i++)
        if (strcmp(kms_safe_contract_at(i)->name, "MultiSendCallOnly") == 0)
            kms_safe_contract_address(kms_safe_contract_at(i), tx->to);
    tx->operation = KMS_SAFE_DELEGATECALL;
    return kms_multisend_data(calls, n, &tx->data, err);
}

int kms_gov_build(eth_rpc *rpc, const kms_route *r, const kms_tl_call *calls, size_t n,
                  const kms_gov_opts *opts, kms_gov *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    out->route = *r;
    if (n == 0)
        return eth_fail(err, ETH_EINVAL, "no call to make");
    int rc = 0;
    bool timelock = r->kind == KMS_ROUTE_TIMELOCK || r->kind == KMS_ROUTE_TIMELOCK_SAFE;
    if (timelock)
        rc = build_timelock(rpc, calls, n, opts, out, err);
    if (rc == 0 && (r->kind == KMS_ROUTE_TIMELOCK_SAFE || r->kind == KMS_ROUTE_SAFE))
        rc = build_safe_tx(calls, n, opts, out, err);
    if (rc)
        kms_gov_clear(out);
    return rc;
}

/* eth_call of one call from `from`; a revert is explained with the step's name. */
static int simulate_one(eth_rpc *rpc, const uint8_t from[20], const uint8_t to[20],
                        const uint8_t *data, size_t len, const char *what, eth_error *err)
{
    eth_buf ret = {0};
    eth_call_req req = {.from = from, .to = to, .data = data, .data_len = len};
    int rc = eth_rpc_call_contract(rpc, &req, "latest", &ret, err);
    eth_buf_clear(&ret);
    if (rc == -ETH_EREVERT) {
        char prefix[300];
        snprintf(prefix, sizeof prefix, "%s would revert", what);
        return kms_revert_describe(err, prefix);
    }
    return rc;
}

int kms_gov_simulate(eth_rpc *rpc, const kms_gov *g, const kms_tl_call *calls,
                     const char *const *what, size_t n, eth_error *err)
{
    const kms_route *r = &g->route;
    for (size_t i = 0; i < n; i++) {
        int rc = simulate_one(rpc, r->caller, calls[i].target, calls[i].data, calls[i].len,
                              what[i], err);
        if (rc)
            return rc;
    }
    if (r->kind != KMS_ROUTE_TIMELOCK && r->kind != KMS_ROUTE_TIMELOCK_SAFE)
        return 0;
    return simulate_one(rpc, r->proposer, r->timelock, g->schedule.data, g->schedule.len,
                        g->batch ? "the timelock's scheduleBatch" : "the timelock's schedule",
                        err);
}

void kms_gov_clear(kms_gov *g)
{
    if (!g)
        return;
    eth_buf_clear(&g->schedule);
    kms_safe_tx_clear(&g->safe_tx);
    memset(g, 0, sizeof *g);
}
