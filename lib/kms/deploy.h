/* deploy.h: a deployment from plan to mined transactions, crash-safe and resumable.
 *
 *   kms_deploy_prepare  checks the chain, builds the plan (deploy_plan.h) at the deployer's next
 *                       nonce, runs it on a fork (simulate.h) for its gas, prices it and checks
 *                       the deployer's balance; nothing is sent (this is --dry-run)
 *   kms_deploy_execute  signs every phase-1 step with consecutive nonces and saves them in the
 *                       journal before the first broadcast, broadcasts them back to back, awaits
 *                       the receipts, and runs phase 2 (a delayed hand-over) once its delay has
 *                       passed; on a plan read back from the journal it finds each signed step
 *                       on chain, or rebroadcasts the identical bytes, so nothing is deployed
 *                       twice and no address is lost
 * The journal is saved after every change of state; the caller writes the manifest. */
#ifndef KMS_DEPLOY_H
#define KMS_DEPLOY_H

#include <stdbool.h>
#include <stdint.h>
#include "deploy_plan.h"
#include "eth/error.h"
#include "eth/rpc.h"
#include "eth/signer.h"
#include "fees.h"
#include "progress.h"
#include "sender.h"

/* What a plan costs at most, and what the deployer holds (plain data). */
typedef struct kms_deploy_cost {
    kms_fees fees;       /* the fees every transaction uses */
    size_t ntx;          /* transactions to send now */
    uint64_t gas;        /* their gas limits, summed */
    u256 max_cost;       /* gas * max fee, in wei */
    u256 balance;        /* the deployer's balance, in wei */
    uint64_t fork_block; /* the block the simulation forked */
} kms_deploy_cost;

typedef struct kms_deploy_env kms_deploy_env;

/* Asked once before the first transaction is signed, with the plan and its cost: return 0 to go
 * on, or -err->code to stop (nothing is sent then). */
typedef int (*kms_deploy_confirm_fn)(void *ctx, const kms_plan *p, const kms_deploy_cost *cost,
                                     eth_error *err);

/* What a deployment runs with. Every pointer is borrowed and must outlive the calls. */
struct kms_deploy_env {
    eth_rpc *rpc;                 /* the chain (not NULL) */
    const char *rpc_url;          /* its URL, for the simulation fork (not NULL) */
    const eth_signer *signer;     /* the deployer (not NULL) */
    const char *anvil;            /* the anvil binary the fork runs (not NULL) */
    const char *journal;          /* the journal's path (not NULL) */
    kms_sender_opts sender;       /* fees, gas margin, confirmations, polling; its progress is
                                     used for the receipts */
    kms_progress progress;        /* one line per step; fn may be NULL */
    kms_deploy_confirm_fn confirm; /* NULL: no question */
    void *confirm_ctx;
};

/* Prepares a new deployment of settings s with config cfg (may be NULL): checks what the plan
 * relies on (an --app-implementation that is a UUPS implementation, an existing --safe that is
 * a Safe, Safe v1.4.1 at its canonical addresses when a Safe is created), builds the plan at the
 * deployer's next nonce, simulates phase 1 and prices it. Returns 0 with *plan (release with
 * kms_plan_clear) and *cost; -ETH_ESTATE (something the plan needs is missing on chain, or the
 * deployer cannot pay: the message says how much more it needs); -ETH_EREVERT (a step would
 * revert: named and explained); -ETH_EINVAL (settings); or an RPC or fork error. */
int kms_deploy_prepare(const kms_deploy_env *env, const kms_deploy_settings *s,
                       const kms_policy_config *cfg, kms_plan *plan, kms_deploy_cost *cost,
                       eth_error *err) ETH_WARN_UNUSED;

/* Runs what remains of plan (new from kms_deploy_prepare, or loaded from the journal), as the
 * header comment says. The chain must be plan->chain_id and the signer plan->deployer. Returns 0
 * when all that can be done now is done: the plan is complete, or its delayed hand-over waits
 * for its ETA (kms_plan_phase_done(plan, 2) is false then); -ETH_ESTATE (another chain or
 * deployer, a nonce used by another transaction, a contract that landed elsewhere, a step that
 * failed on chain); -ETH_EREVERT; -ETH_ETIMEOUT (a receipt did not come: resume later); or an
 * RPC or file error. The journal holds the state reached in every case. */
int kms_deploy_execute(const kms_deploy_env *env, kms_plan *plan, eth_error *err)
    ETH_WARN_UNUSED;

#endif
