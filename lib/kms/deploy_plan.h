/* deploy_plan.h: a deployment of the KMS policy as a list of transactions whose every address
 * is known before anything is sent.
 *
 * The deployer's nonce fixes each CREATE address (kms_create_address) and the Safe's address
 * follows from SafeProxyFactory's CREATE2 (kms_safe_proxy_address), so the plan is built
 * offline from the settings, the config, the chain id, the deployer and its next nonce:
 *
 *   app-impl          DstackApp implementation (unless --app-implementation gives one)
 *   kms-impl          DstackKms implementation
 *   kms               ERC1967Proxy(kms-impl, initialize(deployer, app implementation))
 *   safe              model C without --safe: SafeProxyFactory.createProxyWithNonce(SafeL2,
 *                     setup(owners, threshold, fallback handler), salt nonce)
 *   timelock          models B and C: TimelockController(delay, proposers, executors, admin),
 *                     the deployer a temporary proposer and executor, delay 0 for the
 *                     immediate hand-over
 *   config-*          the --config policy, sent by the deployer while it owns DstackKms
 *   transfer          DstackKms.transferOwnership(timelock)
 *   handover-schedule scheduleBatch of acceptOwnership() (and updateDelay(min delay) when the
 *                     hand-over is immediate)
 *   handover-execute  executeBatch of the same operation       (phase 2 when delayed)
 *   renounce-*        the deployer gives up each timelock role it holds only for the deployment
 *                                                               (phase 2 when delayed)
 *
 * Phase 1 is signed up front with consecutive nonces; phase 2 (the delayed hand-over only) is
 * signed when it can run. A plan is plain data with heap parts; release it with
 * kms_plan_clear. */
#ifndef KMS_DEPLOY_PLAN_H
#define KMS_DEPLOY_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/buf.h"
#include "eth/error.h"
#include "policy_config.h"

/* The three governance models. */
typedef enum kms_model {
    KMS_MODEL_DIRECT = 0,       /* A: an EOA (the deployer) owns DstackKms */
    KMS_MODEL_TIMELOCK = 1,     /* B: a TimelockController with an EOA proposer */
    KMS_MODEL_SAFE_TIMELOCK = 2 /* C: a TimelockController whose proposer is a Safe */
} kms_model;

/* "direct", "timelock", "safe-timelock". */
const char *kms_model_name(kms_model m);

/* Parses a model name. Returns 0 or -ETH_EINVAL naming the three. */
int kms_model_parse(const char *text, kms_model *out, eth_error *err) ETH_WARN_UNUSED;

/* Most owners of a Safe a deployment creates. */
#define KMS_MAX_SAFE_OWNERS 32

/* What to deploy (plain data). Zero-initialise, then set what is given. */
typedef struct kms_deploy_settings {
    kms_model model;
    uint64_t min_delay;       /* B, C: the timelock's delay in seconds */
    bool delayed_handover;    /* B, C: the real delay from the start (--handover delayed) */
    bool has_proposer;        /* B: the proposer (default: the deployer) */
    uint8_t proposer[20];
    bool executor_open;       /* B, C: anyone may execute (--executor open) */
    bool has_executor;        /* B, C: the executor (default: the proposer) */
    uint8_t executor[20];
    bool has_admin;           /* B, C: an extra timelock admin (default: none) */
    uint8_t admin[20];
    bool has_safe;            /* C: an existing Safe as the proposer */
    uint8_t safe[20];
    uint8_t safe_owners[KMS_MAX_SAFE_OWNERS][20]; /* C without has_safe: a new Safe */
    size_t nsafe_owners;
    uint64_t safe_threshold;
    bool has_app_impl;        /* an existing DstackApp implementation */
    uint8_t app_impl[20];
} kms_deploy_settings;

/* Checks settings for the model: what the model needs is there, what it cannot use is not
 * (a Safe for model A, ...), owners are distinct and non-zero, 1 <= threshold <= owners.
 * Returns 0 or -ETH_EINVAL with a message in terms of the command's flags. */
int kms_deploy_settings_check(const kms_deploy_settings *s, eth_error *err) ETH_WARN_UNUSED;

/* A step's progress on chain. */
typedef enum kms_step_state {
    KMS_STEP_PLANNED = 0, /* built, not signed */
    KMS_STEP_SIGNED,      /* raw and hash set; maybe broadcast, not known to be mined */
    KMS_STEP_MINED        /* its receipt is in block `block`, status success */
} kms_step_state;

/* Longest step id ("renounce-canceller", "config-os-image-12"). */
#define KMS_STEP_ID_MAX 32

/* One transaction of the plan. */
typedef struct kms_step {
    char id[KMS_STEP_ID_MAX]; /* stable key, see above */
    char what[192];           /* in words: "deploy the DstackKms implementation" */
    int phase;                /* 1, or 2: after the hand-over delay */
    bool create;              /* a contract creation (data is the init code) */
    uint8_t to[20];           /* the contract called (not for a creation) */
    uint8_t address[20];      /* the contract created, or the contract the step acts on */
    eth_buf data;             /* calldata or init code (owned) */
    uint64_t gas;             /* gas limit; 0 until simulated */
    uint64_t nonce;           /* the deployer's nonce; set for phase 1 at build time */
    kms_step_state state;
    eth_buf raw;              /* signed transaction (owned), when signed */
    uint8_t hash[32];         /* when signed */
    uint64_t block;           /* when mined */
} kms_step;

/* A whole deployment. */
typedef struct kms_plan {
    uint64_t chain_id;
    uint8_t deployer[20];
    uint64_t start_nonce;      /* the nonce of the first phase-1 step */
    kms_deploy_settings settings;
    kms_policy_config config;  /* owned copy of what --config gave (may be empty) */
    /* addresses, known before anything is sent (zero when the model has none) */
    uint8_t app_impl[20], kms_impl[20], kms[20], safe[20], timelock[20];
    uint8_t safe_singleton[20], safe_factory[20], safe_fallback[20];
    uint8_t safe_salt_nonce[32];
    /* the hand-over operation (B, C) */
    uint8_t handover_salt[32];
    uint8_t handover_id[32];
    uint64_t handover_scheduled_at; /* block timestamp of the schedule, once mined (0 before) */
    kms_step *steps;
    size_t nsteps;
} kms_plan;

/* Builds the plan for settings s (kms_deploy_settings_check first) and config cfg (copied; may
 * be NULL) for deployer at nonce start_nonce on chain chain_id. Returns 0 with *out filled
 * (release with kms_plan_clear), or -ETH_EINVAL / -ETH_ENOMEM / an encoding error with *out
 * empty. */
int kms_plan_build(const kms_deploy_settings *s, const kms_policy_config *cfg, uint64_t chain_id,
                   const uint8_t deployer[20], uint64_t start_nonce, kms_plan *out,
                   eth_error *err) ETH_WARN_UNUSED;

/* Frees what p owns and empties it (not p itself). NULL is fine. */
void kms_plan_clear(kms_plan *p);

/* The step with id, or NULL. */
kms_step *kms_plan_step(const kms_plan *p, const char *id);

/* Number of steps of phase ph, and whether all of them are mined. */
size_t kms_plan_count(const kms_plan *p, int phase);
bool kms_plan_phase_done(const kms_plan *p, int phase);

/* When the delayed hand-over can run: handover_scheduled_at + min delay (0 while not
 * scheduled, or for a plan without a delayed hand-over). */
uint64_t kms_plan_handover_eta(const kms_plan *p);

/* True if the plan needs a hand-over (models B and C). */
bool kms_plan_has_handover(const kms_plan *p);

#endif
