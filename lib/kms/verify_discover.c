/* verify_discover.c: a manifest read off the chain for a deployment kmsctl did not make. */
#include "verify_discover.h"

#include <string.h>

#include "call.h"
#include "erc1967.h"
#include "eth/rpc_eth.h"
#include "roles.h"
#include "safe.h"
#include "timelock.h"

static int view_address(eth_rpc *rpc, const uint8_t to[20], const char *sig, uint8_t out[20],
                        eth_error *err)
{
    kms_result r;
    int rc = kms_view(rpc, to, NULL, "latest", sig, NULL, 0, &r, err);
    if (rc == 0)
        rc = kms_result_address(&r, 0, out, err);
    kms_result_clear(&r);
    return rc;
}

/* The governance behind a TimelockController owner: its delay, proposer (a Safe or an EOA),
 * executor (zero: open) and extra admin, from its roles. */
static int discover_timelock(eth_rpc *rpc, uint64_t head, kms_manifest *m, eth_error *err)
{
    kms_timelock_roles r;
    int rc = kms_timelock_min_delay(rpc, m->timelock, "latest", &m->settings.min_delay, err);
    if (rc == 0)
        rc = kms_timelock_roles_read(rpc, m->timelock, 0, head, &r, err);
    if (rc)
        return rc;
    kms_deploy_settings *s = &m->settings;
    s->model = KMS_MODEL_TIMELOCK;
    if (r.proposer.n == 1) {
        kms_safe_info info;
        eth_error ignored;
        if (kms_safe_read(rpc, r.proposer.holders[0], "latest", &info, &ignored) == 0) {
            s->model = KMS_MODEL_SAFE_TIMELOCK;
            s->has_safe = true;
            memcpy(s->safe, r.proposer.holders[0], 20);
            memcpy(m->safe, s->safe, 20);
        } else {
            s->has_proposer = true;
            memcpy(s->proposer, r.proposer.holders[0], 20);
        }
    }
    static const uint8_t zero[20];
    if (r.executor.n == 1 && memcmp(r.executor.holders[0], zero, 20) == 0)
        s->executor_open = true;
    else if (r.executor.n == 1) {
        s->has_executor = true;
        memcpy(s->executor, r.executor.holders[0], 20);
    }
    for (size_t i = 0; i < r.admin.n; i++)
        if (memcmp(r.admin.holders[i], m->timelock, 20) != 0) {
            s->has_admin = true;
            memcpy(s->admin, r.admin.holders[i], 20);
        }
    m->handover_done = true;
    return 0;
}

int kms_verify_discover(eth_rpc *rpc, const uint8_t kms[20], kms_manifest *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    out->discovered = true;
    out->complete = true;
    memcpy(out->kms, kms, 20);
    uint8_t owner[20];
    uint64_t head = 0;
    eth_buf code = {0};
    int rc = eth_rpc_chain_id(rpc, &out->chain_id, err);
    if (rc == 0)
        rc = eth_rpc_block_number(rpc, &head, err);
    if (rc == 0)
        rc = kms_erc1967_implementation(rpc, kms, "latest", out->kms_impl, err);
    if (rc == 0)
        rc = view_address(rpc, kms, "appImplementation()(address)", out->app_impl, err);
    out->app_impl_deployed = true;
    if (rc == 0)
        rc = view_address(rpc, kms, "owner()(address)", owner, err);
    if (rc == 0)
        rc = eth_rpc_get_code(rpc, owner, "latest", &code, err);
    bool contract = code.len > 0;
    eth_buf_clear(&code);
    uint64_t delay;
    eth_error ignored;
    if (rc == 0 && contract &&
        kms_timelock_min_delay(rpc, owner, "latest", &delay, &ignored) == 0) {
        memcpy(out->timelock, owner, 20);
        rc = discover_timelock(rpc, head, out, err);
    } else if (rc == 0) {
        memcpy(out->deployer, owner, 20); /* model direct: the owner stands for the deployer */
    }
    if (rc)
        kms_manifest_clear(out);
    return rc;
}
