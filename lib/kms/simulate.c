/* simulate.c: a plan run on an anvil fork: gas limits and early reverts. */
#include "simulate.h"

#include <string.h>

#include "anvil_fork.h"
#include "devchain.h"
#include "eth/address.h"
#include "eth/rpc_eth.h"
#include "internal/clock.h"
#include "revert.h"

/* How long the fork may take to answer, and to mine a step. */
#define FORK_START_MS 30000
#define RECEIPT_MS 10000

/* Fails for step s (number i of n) with err's revert explained. */
static int step_reverts(const kms_step *s, size_t i, size_t n, eth_error *err)
{
    char prefix[300];
    snprintf(prefix, sizeof prefix, "step %zu of %zu (%s) would revert", i, n, s->what);
    return kms_revert_describe(err, prefix);
}

/* The gas limit for an estimate: plus the margin, at most the block gas limit. */
static int gas_limit(uint64_t estimate, unsigned margin_pct, uint64_t block_limit, uint64_t *out,
                     const kms_step *s, eth_error *err)
{
    if (estimate > block_limit)
        return eth_fail(err, ETH_ESTATE, "%s needs %llu gas, more than a block holds (%llu)",
                        s->what, (unsigned long long)estimate, (unsigned long long)block_limit);
    uint64_t g = estimate + estimate / 100 * margin_pct;
    *out = g > block_limit ? block_limit : g;
    return 0;
}

/* Checks the mined step: success, and a creation at its planned address. */
static int check_receipt(eth_rpc *fork, const kms_step *s, const uint8_t hash[32], eth_error *err)
{
    eth_receipt r;
    bool found = false;
    int rc = 0;
    for (int64_t deadline = kms_now_ms() + RECEIPT_MS; rc == 0 && !found;) {
        rc = eth_rpc_get_receipt(fork, hash, &r, &found, NULL, err);
        if (rc == 0 && !found && kms_now_ms() >= deadline)
            break;
        if (rc == 0 && !found)
            kms_sleep_ms(5);
    }
    if (rc)
        return rc;
    if (!found)
        return eth_fail(err, ETH_ESTATE, "%s: the fork mined no receipt", s->what);
    if (!r.status)
        return eth_fail(err, ETH_ESTATE, "%s failed on the fork without revert data (it used "
                                         "%llu of its %llu gas)",
                        s->what, (unsigned long long)r.gas_used, (unsigned long long)s->gas);
    if (s->create && (!r.has_contract_address || memcmp(r.contract_address, s->address, 20))) {
        char want[43];
        eth_address_checksum(s->address, want);
        return eth_fail(err, ETH_ESTATE, "%s: the contract lands elsewhere than the planned %s "
                                         "(the deployer's nonce moved?)", s->what, want);
    }
    return 0;
}

/* Estimates and runs one step as the deployer on the fork. */
static int run_step(eth_rpc *fork, const kms_plan *p, kms_step *s, size_t i, size_t n,
                    unsigned margin_pct, uint64_t block_limit, eth_error *err)
{
    if (s->phase == 1) {
        uint64_t nonce = 0;
        int rc = eth_rpc_get_nonce(fork, p->deployer, "latest", &nonce, err);
        if (rc == 0 && nonce != s->nonce)
            rc = eth_fail(err, ETH_ESTATE, "the deployer's nonce is %llu, the plan expects %llu: "
                                           "another transaction from the deployer got in first; "
                                           "run the deployment again",
                          (unsigned long long)nonce, (unsigned long long)s->nonce);
        if (rc)
            return rc;
    }
    eth_call_req req = {.from = p->deployer, .to = s->create ? NULL : s->to,
                        .data = s->data.data, .data_len = s->data.len};
    uint64_t estimate = 0;
    uint8_t hash[32];
    int rc = eth_rpc_estimate_gas(fork, &req, "latest", &estimate, err);
    if (rc == -ETH_EREVERT)
        return step_reverts(s, i, n, err);
    if (rc == 0)
        rc = gas_limit(estimate, margin_pct, block_limit, &s->gas, s, err);
    if (rc == 0)
        rc = kms_dev_send(fork, p->deployer, s->create ? NULL : s->to, s->data.data, s->data.len,
                          s->gas, hash, err);
    if (rc == -ETH_EREVERT)
        return step_reverts(s, i, n, err);
    return rc ? rc : check_receipt(fork, s, hash, err);
}

static int run_all(eth_rpc *fork, kms_plan *p, int phase, unsigned margin_pct,
                   const kms_progress *progress, kms_sim_result *res, eth_error *err)
{
    eth_block head;
    bool found = false;
    int rc = eth_rpc_get_block(fork, "latest", &head, &found, err);
    if (rc == 0 && !found)
        rc = eth_fail(err, ETH_ERPC, "the fork has no latest block");
    if (rc == 0)
        rc = kms_dev_impersonate(fork, p->deployer, err);
    if (rc)
        return rc;
    res->fork_block = head.number;
    size_t n = 0, i = 0;
    for (size_t k = 0; k < p->nsteps; k++)
        n += p->steps[k].phase == phase && p->steps[k].state == KMS_STEP_PLANNED;
    for (size_t k = 0; rc == 0 && k < p->nsteps; k++) {
        kms_step *s = &p->steps[k];
        if (s->phase != phase || s->state != KMS_STEP_PLANNED)
            continue;
        kms_progress_say(progress, "simulating %zu/%zu: %s", ++i, n, s->what);
        rc = run_step(fork, p, s, i, n, margin_pct, head.gas_limit, err);
        res->total_gas += rc == 0 ? s->gas : 0;
        res->nsteps = i;
    }
    return rc;
}

int kms_plan_simulate(kms_plan *p, int phase, const char *anvil, const char *fork_url,
                      unsigned margin_pct, const kms_progress *progress, kms_sim_result *out,
                      eth_error *err)
{
    kms_sim_result res = {0};
    kms_fork fork;
    kms_progress_say(progress, "starting a fork of the chain for the simulation ...");
    int rc = kms_fork_start(anvil, fork_url, FORK_START_MS, &fork, err);
    if (rc)
        return rc;
    eth_rpc *rpc = NULL;
    rc = eth_rpc_open(fork.url, NULL, &rpc, err);
    if (rc == 0)
        rc = run_all(rpc, p, phase, margin_pct, progress, &res, err);
    eth_rpc_free(rpc);
    kms_fork_stop(&fork);
    if (rc == 0 && out)
        *out = res;
    return rc;
}
