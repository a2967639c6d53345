/* deploy.c: plan, simulate, sign everything, journal, broadcast back to back, await, resume. */
#include "deploy.h"

#include <stdio.h>
#include <string.h>

#include "call.h"
#include "deploy_journal.h"
#include "erc1967.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/rpc_eth.h"
#include "eth/text.h"
#include "safe.h"
#include "safe_canonical.h"
#include "simulate.h"

/* ---- checks before planning ---- */

static int check_app_impl(eth_rpc *rpc, const uint8_t impl[20], eth_error *err)
{
    char at[43];
    bool uups = false;
    int rc = kms_is_uups(rpc, impl, &uups, err);
    if (rc || uups)
        return rc;
    eth_address_checksum(impl, at);
    return eth_fail(err, ETH_ESTATE, "--app-implementation %s is not a UUPS implementation "
                                     "(proxiableUUID() is not the ERC-1967 slot): give a "
                                     "DstackApp implementation, or leave the flag out to deploy "
                                     "one", at);
}

static int check_safe(eth_rpc *rpc, const uint8_t safe[20], eth_error *err)
{
    kms_safe_info info;
    char at[43];
    eth_address_checksum(safe, at);
    int rc = kms_safe_read(rpc, safe, "latest", &info, err);
    if (rc)
        return eth_fail(err, ETH_ESTATE, "--safe %s: not a Safe this chain can read (%s)", at,
                        err->msg);
    return info.threshold > 0 ? 0 : eth_fail(err, ETH_ESTATE, "--safe %s: threshold 0", at);
}

/* The canonical Safe contracts a new Safe needs: SafeL2, its factory, the fallback handler. */
static int check_canonical_safe(eth_rpc *rpc, eth_error *err)
{
    kms_safe_check c;
    int rc = kms_safe_canonical_check(rpc, "latest", &c, err);
    for (size_t i = 0; rc == 0 && i < KMS_SAFE_NCONTRACTS; i++) {
        const kms_safe_contract *k = kms_safe_contract_at(i);
        bool needed = strcmp(k->name, "SafeL2") == 0 || strcmp(k->name, "SafeProxyFactory") == 0 ||
                      strcmp(k->name, "CompatibilityFallbackHandler") == 0;
        if (needed && !c.matches[i])
            rc = eth_fail(err, ETH_ESTATE, "this chain has %s Safe v1.4.1's %s at its canonical "
                                           "address %s, so kmsctl cannot create a Safe here: deploy "
                                           "Safe v1.4.1 (safe-global's singleton factory), or give "
                                           "an existing Safe with --safe ADDR",
                          c.has_code[i] ? "other code than" : "no", k->name, k->address);
    }
    return rc;
}

static int check_chain(eth_rpc *rpc, const kms_deploy_settings *s, eth_error *err)
{
    if (s->has_app_impl) {
        int rc = check_app_impl(rpc, s->app_impl, err);
        if (rc)
            return rc;
    }
    if (s->model != KMS_MODEL_SAFE_TIMELOCK)
        return 0;
    return s->has_safe ? check_safe(rpc, s->safe, err) : check_canonical_safe(rpc, err);
}

/* ---- cost ---- */

/* Writes wei as ether ("0.0123") to out. */
static void ether(const u256 *wei, char out[U256_DEC_MAX + 2])
{
    eth_error ignored;
    if (u256_format_units(wei, 18, out, &ignored) != 0)
        snprintf(out, U256_DEC_MAX + 2, "?");
}

/* Prices the unsigned steps of phase ph at the sender's fees and reads the balance. */
static int price(eth_rpc *rpc, const kms_sender *snd, const kms_plan *p, int ph,
                 kms_deploy_cost *c, eth_error *err)
{
    c->fees = *kms_sender_fees(snd);
    c->ntx = 0;
    c->gas = 0;
    for (size_t i = 0; i < p->nsteps; i++)
        if (p->steps[i].phase == ph && p->steps[i].state == KMS_STEP_PLANNED) {
            c->ntx++;
            c->gas += p->steps[i].gas;
        }
    if (kms_fees_max_cost(&c->fees, c->gas, &c->max_cost) != 0)
        return eth_fail(err, ETH_ERANGE, "the deployment's cost overflows 256 bits");
    int rc = eth_rpc_get_balance(rpc, p->deployer, "latest", &c->balance, err);
    if (rc || u256_cmp(&c->balance, &c->max_cost) >= 0)
        return rc;
    u256 missing;
    char have[U256_DEC_MAX + 2], need[U256_DEC_MAX + 2], more[U256_DEC_MAX + 2], who[43];
    if (u256_sub(&missing, &c->max_cost, &c->balance) != 0) /* balance < cost: cannot wrap */
        missing = c->max_cost;
    ether(&c->balance, have);
    ether(&c->max_cost, need);
    ether(&missing, more);
    eth_address_checksum(p->deployer, who);
    return eth_fail(err, ETH_ESTATE, "the deployer %s holds %s ETH; the %zu transactions may cost "
                                     "up to %s ETH (%llu gas at the max fee): send it at least %s "
                                     "ETH more, or lower the fees (--gas-price)",
                    who, have, c->ntx, need, (unsigned long long)c->gas, more);
}

/* Refuses to plan or sign from a nonce that is not settled: the sender's next nonce (the node's
 * pending count) must be the count at the latest block. Otherwise transactions of the deployer
 * are still in flight (the plan's CREATE addresses would depend on their fate), or the node
 * answered a wrong count, and what is signed now could wait forever behind a gap. */
static int check_settled(eth_rpc *rpc, const kms_sender *snd, eth_error *err)
{
    uint64_t latest = 0, next = kms_sender_next_nonce(snd);
    char who[43];
    int rc = eth_rpc_get_nonce(rpc, kms_sender_address(snd), "latest", &latest, err);
    if (rc || latest == next)
        return rc;
    eth_address_checksum(kms_sender_address(snd), who);
    return eth_fail(err, ETH_ESTATE, "the node gives the deployer %s two next nonces: %llu with "
                                     "its pending transactions, %llu at the latest block; nothing "
                                     "is signed from an unsettled nonce: wait until the pending "
                                     "transactions are mined (or the node agrees with itself), "
                                     "then run the command again",
                    who, (unsigned long long)next, (unsigned long long)latest);
}

static int open_sender(const kms_deploy_env *env, kms_sender **snd, eth_error *err)
{
    kms_sender_opts o = env->sender;
    return kms_sender_open(env->rpc, env->signer, &o, snd, err);
}

int kms_deploy_prepare(const kms_deploy_env *env, const kms_deploy_settings *s,
                       const kms_policy_config *cfg, kms_plan *plan, kms_deploy_cost *cost,
                       eth_error *err)
{
    kms_sender *snd = NULL;
    kms_sim_result sim;
    memset(plan, 0, sizeof *plan);
    memset(cost, 0, sizeof *cost);
    int rc = kms_deploy_settings_check(s, err);
    if (rc == 0)
        rc = open_sender(env, &snd, err);
    if (rc == 0)
        rc = check_settled(env->rpc, snd, err);
    if (rc == 0)
        rc = check_chain(env->rpc, s, err);
    if (rc == 0)
        rc = kms_plan_build(s, cfg, kms_sender_chain_id(snd), kms_sender_address(snd),
                            kms_sender_next_nonce(snd), plan, err);
    if (rc == 0)
        kms_progress_say(&env->progress, "plan: %zu transactions now%s, from nonce %llu",
                         kms_plan_count(plan, 1),
                         kms_plan_count(plan, 2) ? " and more after the hand-over delay" : "",
                         (unsigned long long)plan->start_nonce);
    if (rc == 0)
        rc = kms_plan_simulate(plan, 1, env->anvil, env->rpc_url, env->sender.gas_margin_pct,
                               &env->progress, &sim, err);
    if (rc == 0) {
        cost->fork_block = sim.fork_block;
        rc = price(env->rpc, snd, plan, 1, cost, err);
    }
    kms_sender_free(snd);
    if (rc)
        kms_plan_clear(plan);
    return rc;
}

/* ---- executing ---- */

static int save(const kms_deploy_env *env, const kms_plan *p, eth_error *err)
{
    return kms_journal_save(env->journal, p, err);
}

/* Signs the unsigned steps of phase ph with consecutive nonces from the sender's next one. */
static int sign_phase(kms_sender *snd, kms_plan *p, int ph, eth_error *err)
{
    for (size_t i = 0; i < p->nsteps; i++) {
        kms_step *s = &p->steps[i];
        if (s->phase != ph || s->state != KMS_STEP_PLANNED)
            continue;
        if (ph == 1 && kms_sender_next_nonce(snd) != s->nonce)
            return eth_fail(err, ETH_ESTATE, "the deployer's next nonce is %llu, the plan's %llu: "
                                             "another transaction from the deployer got in; "
                                             "start the deployment again",
                            (unsigned long long)kms_sender_next_nonce(snd),
                            (unsigned long long)s->nonce);
        s->nonce = kms_sender_next_nonce(snd);
        kms_txreq req = {.to = s->create ? NULL : s->to, .data = s->data.data,
                         .data_len = s->data.len, .gas = s->gas, .what = s->what};
        eth_tx tx;
        eth_tx_init(&tx);
        int rc = kms_sender_prepare(snd, &req, &tx, err);
        if (rc == 0)
            rc = kms_sender_sign(snd, &tx, &s->raw, s->hash, err);
        eth_tx_clear(&tx);
        if (rc)
            return rc;
        s->state = KMS_STEP_SIGNED;
    }
    return 0;
}

/* Makes sure the node has step s: mined or pending, else rebroadcast when its nonce is still
 * free. *mined tells whether its receipt is in. */
static int ensure_sent(eth_rpc *rpc, kms_sender *snd, kms_step *s, bool *mined, eth_error *err)
{
    eth_receipt r;
    bool found = false;
    *mined = false;
    int rc = eth_rpc_get_receipt(rpc, s->hash, &r, &found, NULL, err);
    if (rc || found) {
        *mined = found;
        return rc;
    }
    eth_tx_status st;
    rc = eth_rpc_get_tx(rpc, s->hash, &st, err);
    if (rc || st.found)
        return rc;
    return kms_sender_broadcast(snd, s->raw.data, s->raw.len, s->hash, err);
}

/* Awaits step s and checks what it created. */
static int await_step(eth_rpc *rpc, kms_sender *snd, const kms_plan *p, kms_step *s,
                      eth_error *err)
{
    eth_receipt r;
    int rc = kms_sender_wait(snd, s->hash, s->what, &r, err);
    if (rc)
        return rc;
    if (s->create && (!r.has_contract_address || memcmp(r.contract_address, s->address, 20))) {
        char want[43];
        eth_address_checksum(s->address, want);
        return eth_fail(err, ETH_ESTATE, "%s: the contract did not land at the planned %s",
                        s->what, want);
    }
    if (strcmp(s->id, "safe") == 0) {
        eth_buf code = {0};
        rc = eth_rpc_get_code(rpc, p->safe, "latest", &code, err);
        bool empty = code.len == 0;
        eth_buf_clear(&code);
        if (rc == 0 && empty)
            return eth_fail(err, ETH_ESTATE, "the Safe did not appear at its planned address");
    }
    s->state = KMS_STEP_MINED;
    s->block = r.block_number;
    return rc;
}

/* Names step s in a failure whose message does not name it already (the node's or the
 * transport's words), so that the reader knows which transaction it was about. */
static int name_step(int rc, const kms_step *s, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    eth_text_clipz(s->what, shown);
    if (rc == 0 || strstr(err->msg, shown))
        return rc;
    return eth_error_prefix(err, "%s: ", shown);
}

/* Broadcasts every signed, unmined step of phase ph in order, then awaits them in order. */
static int send_phase(const kms_deploy_env *env, kms_sender *snd, kms_plan *p, int ph,
                      eth_error *err)
{
    size_t sent = 0, n = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < p->nsteps; i++) {
        kms_step *s = &p->steps[i];
        if (s->phase != ph || s->state != KMS_STEP_SIGNED)
            continue;
        bool mined;
        n++;
        rc = name_step(ensure_sent(env->rpc, snd, s, &mined, err), s, err);
        sent += rc == 0 && !mined;
    }
    if (rc == 0 && n)
        kms_progress_say(&env->progress, "%zu transaction%s broadcast, %zu already on chain; "
                         "awaiting receipts", sent, sent == 1 ? "" : "s", n - sent);
    for (size_t i = 0; rc == 0 && i < p->nsteps; i++) {
        kms_step *s = &p->steps[i];
        if (s->phase == ph && s->state == KMS_STEP_SIGNED)
            rc = name_step(await_step(env->rpc, snd, p, s, err), s, err);
    }
    return rc;
}

/* Records when the delayed hand-over was scheduled (the schedule's block timestamp). */
static int note_schedule(eth_rpc *rpc, kms_plan *p, eth_error *err)
{
    const kms_step *s = kms_plan_step(p, "handover-schedule");
    if (!p->settings.delayed_handover || !s || s->state != KMS_STEP_MINED ||
        p->handover_scheduled_at)
        return 0;
    char tag[ETH_BLOCK_TAG_MAX];
    eth_block b;
    bool found = false;
    int rc = eth_rpc_get_block(rpc, eth_block_tag(s->block, tag), &b, &found, err);
    if (rc == 0 && !found)
        rc = eth_fail(err, ETH_ERPC, "the node does not have block %llu",
                      (unsigned long long)s->block);
    if (rc == 0)
        p->handover_scheduled_at = b.timestamp;
    return rc;
}

/* True (with *now) if the latest block is at or past the hand-over's ETA. */
static int handover_due(eth_rpc *rpc, const kms_plan *p, bool *due, eth_error *err)
{
    eth_block b;
    bool found = false;
    int rc = eth_rpc_get_block(rpc, "latest", &b, &found, err);
    if (rc == 0 && !found)
        rc = eth_fail(err, ETH_ERPC, "the node has no latest block");
    *due = rc == 0 && b.timestamp >= kms_plan_handover_eta(p);
    return rc;
}

/* Checks that the plan belongs to this chain and this signer. */
static int check_owner(const kms_sender *snd, const kms_plan *p, eth_error *err)
{
    char want[43], got[43];
    if (kms_sender_chain_id(snd) != p->chain_id)
        return eth_fail(err, ETH_ESTATE, "the journal is for chain %llu, but the node is on chain "
                                         "%llu: give the --rpc-url of chain %llu",
                        (unsigned long long)p->chain_id,
                        (unsigned long long)kms_sender_chain_id(snd),
                        (unsigned long long)p->chain_id);
    eth_address_checksum(p->deployer, want);
    eth_address_checksum(kms_sender_address(snd), got);
    if (memcmp(kms_sender_address(snd), p->deployer, 20) != 0)
        return eth_fail(err, ETH_ESTATE, "the journal's deployer is %s, but the key given is %s: "
                                         "resume with the deployer's key", want, got);
    return 0;
}

/* Signs (after the confirmation) and sends phase ph. */
static int run_phase(const kms_deploy_env *env, kms_sender *snd, kms_plan *p, int ph,
                     eth_error *err)
{
    int rc = 0;
    if (kms_plan_count(p, ph) && !kms_plan_phase_done(p, ph)) {
        kms_deploy_cost cost = {0};
        bool unsigned_ = false;
        for (size_t i = 0; i < p->nsteps; i++)
            unsigned_ |= p->steps[i].phase == ph && p->steps[i].state == KMS_STEP_PLANNED;
        if (unsigned_)
            rc = check_settled(env->rpc, snd, err);
        if (rc == 0 && unsigned_)
            rc = price(env->rpc, snd, p, ph, &cost, err);
        if (rc == 0 && unsigned_ && env->confirm)
            rc = env->confirm(env->confirm_ctx, p, &cost, err);
        if (rc == 0 && unsigned_)
            rc = sign_phase(snd, p, ph, err);
        if (rc == 0 && unsigned_) {
            rc = save(env, p, err);
            kms_progress_say(&env->progress, "signed %zu transactions; journal saved to %s",
                             cost.ntx, env->journal);
        }
        if (rc == 0)
            rc = send_phase(env, snd, p, ph, err);
    }
    return rc;
}

/* Phase 2: when the delayed hand-over is due, simulate it on a fork and run it. */
static int run_handover(const kms_deploy_env *env, kms_sender *snd, kms_plan *p, eth_error *err)
{
    bool due = false;
    int rc = note_schedule(env->rpc, p, err);
    if (rc == 0 && !kms_plan_phase_done(p, 2))
        rc = handover_due(env->rpc, p, &due, err);
    if (rc || !due)
        return rc;
    bool unsigned_ = false;
    for (size_t i = 0; i < p->nsteps; i++)
        unsigned_ |= p->steps[i].phase == 2 && p->steps[i].state == KMS_STEP_PLANNED;
    if (unsigned_)
        rc = kms_plan_simulate(p, 2, env->anvil, env->rpc_url, env->sender.gas_margin_pct,
                               &env->progress, NULL, err);
    return rc ? rc : run_phase(env, snd, p, 2, err);
}

int kms_deploy_execute(const kms_deploy_env *env, kms_plan *plan, eth_error *err)
{
    kms_sender *snd = NULL;
    int rc = open_sender(env, &snd, err);
    if (rc == 0)
        rc = check_owner(snd, plan, err);
    if (rc == 0)
        rc = run_phase(env, snd, plan, 1, err);
    if (rc == 0 && kms_plan_count(plan, 2))
        rc = run_handover(env, snd, plan, err);
    kms_sender_free(snd);
    bool any_signed = false;
    for (size_t i = 0; i < plan->nsteps; i++)
        any_signed |= plan->steps[i].state != KMS_STEP_PLANNED;
    eth_error serr;
    if (any_signed && save(env, plan, &serr) != 0 && rc == 0) { /* keep the first error */
        *err = serr;
        rc = -serr.code;
    }
    return rc;
}
