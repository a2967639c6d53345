/* deploy_plan.c: the transactions of a deployment, with every address known up front. */
#include "deploy_plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "call.h"
#include "eth/hex.h"
#include "eth/keccak.h"
#include "eth/text.h"
#include "safe.h"
#include "safe_canonical.h"
#include "sender.h"
#include "timelock.h"

static const uint8_t ZERO32[32];

const char *kms_model_name(kms_model m)
{
    static const char *const NAMES[] = {"direct", "timelock", "safe-timelock"};
    return m <= KMS_MODEL_SAFE_TIMELOCK ? NAMES[m] : "unknown";
}

int kms_model_parse(const char *text, kms_model *out, eth_error *err)
{
    for (int m = KMS_MODEL_DIRECT; m <= KMS_MODEL_SAFE_TIMELOCK; m++)
        if (strcmp(text, kms_model_name((kms_model)m)) == 0) {
            *out = (kms_model)m;
            return 0;
        }
    char shown[ETH_CLIP_BUF];
    return eth_fail(err, ETH_EINVAL, "unknown model '%s': expected direct (an EOA owns the "
                                     "policy), timelock or safe-timelock",
                    eth_text_clipz(text, shown));
}

static bool is_zero20(const uint8_t a[20])
{
    return memcmp(a, ZERO32, 20) == 0;
}

static int check_owners(const kms_deploy_settings *s, eth_error *err)
{
    if (s->nsafe_owners == 0)
        return eth_fail(err, ETH_EINVAL, "model safe-timelock needs a Safe: --safe ADDR, or "
                                         "--safe-owners A,B,C with --safe-threshold K");
    for (size_t i = 0; i < s->nsafe_owners; i++) {
        if (is_zero20(s->safe_owners[i]))
            return eth_fail(err, ETH_EINVAL, "--safe-owners: owner %zu is the zero address", i + 1);
        for (size_t j = 0; j < i; j++)
            if (memcmp(s->safe_owners[i], s->safe_owners[j], 20) == 0)
                return eth_fail(err, ETH_EINVAL, "--safe-owners: owners %zu and %zu are the same "
                                                 "address", j + 1, i + 1);
    }
    if (s->safe_threshold < 1 || s->safe_threshold > s->nsafe_owners)
        return eth_fail(err, ETH_EINVAL, "--safe-threshold %llu: must be from 1 to the number "
                                         "of owners (%zu)",
                        (unsigned long long)s->safe_threshold, s->nsafe_owners);
    return 0;
}

int kms_deploy_settings_check(const kms_deploy_settings *s, eth_error *err)
{
    bool timelock = s->model != KMS_MODEL_DIRECT;
    if (!timelock && (s->min_delay || s->delayed_handover || s->has_proposer ||
                      s->has_executor || s->executor_open || s->has_admin))
        return eth_fail(err, ETH_EINVAL, "model direct has no timelock: --min-delay, --handover, "
                                         "--proposer, --executor and --timelock-admin do not "
                                         "apply (use --model timelock)");
    bool safe_given = s->has_safe || s->nsafe_owners || s->safe_threshold;
    if (s->model != KMS_MODEL_SAFE_TIMELOCK && safe_given)
        return eth_fail(err, ETH_EINVAL, "--safe, --safe-owners and --safe-threshold belong to "
                                         "--model safe-timelock");
    if (s->model == KMS_MODEL_SAFE_TIMELOCK && s->has_proposer)
        return eth_fail(err, ETH_EINVAL, "with --model safe-timelock the Safe is the proposer: "
                                         "leave out --proposer");
    if (s->has_executor && s->executor_open)
        return eth_fail(err, ETH_EINVAL, "--executor: give an address or 'open', not both");
    if (s->model == KMS_MODEL_SAFE_TIMELOCK && s->has_safe && (s->nsafe_owners || s->safe_threshold))
        return eth_fail(err, ETH_EINVAL, "give --safe ADDR (an existing Safe) or --safe-owners "
                                         "with --safe-threshold (a new one), not both");
    if (s->model == KMS_MODEL_SAFE_TIMELOCK && !s->has_safe)
        return check_owners(s, err);
    return 0;
}

/* ---- building steps ---- */

/* Appends a step; its data is taken over from *data (emptied). */
static int add_step(kms_plan *p, const char *id, int phase, bool create, const uint8_t *to,
                    eth_buf *data, eth_error *err, const char *fmt, ...) ETH_PRINTF(8, 9);

static int add_step(kms_plan *p, const char *id, int phase, bool create, const uint8_t *to,
                    eth_buf *data, eth_error *err, const char *fmt, ...)
{
    kms_step *grown = realloc(p->steps, (p->nsteps + 1) * sizeof *grown);
    if (!grown) {
        eth_buf_clear(data);
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    }
    p->steps = grown;
    kms_step *s = &p->steps[p->nsteps++];
    memset(s, 0, sizeof *s);
    snprintf(s->id, sizeof s->id, "%s", id);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->what, sizeof s->what, fmt, ap);
    va_end(ap);
    s->phase = phase;
    s->create = create;
    if (phase == 1)
        s->nonce = p->start_nonce + p->nsteps - 1;
    if (create)
        kms_create_address(p->deployer, s->nonce, s->address);
    else {
        memcpy(s->to, to, 20);
        memcpy(s->address, to, 20);
    }
    s->data = *data;
    memset(data, 0, sizeof *data);
    return 0;
}

/* A creation of artifact name with constructor arguments args (already encoded, may be
 * empty). Writes the new address to addr. */
static int add_create(kms_plan *p, const char *id, const char *name, const eth_buf *args,
                      uint8_t addr[20], eth_error *err)
{
    const kms_artifact *a = kms_artifact_find(name);
    if (!a)
        return eth_fail(err, ETH_ESTATE, "kmsctl was built without the %s artifact", name);
    eth_buf code = {0};
    int rc = eth_buf_append(&code, a->bytecode, a->bytecode_len, err);
    if (rc == 0 && args)
        rc = eth_buf_append(&code, args->data, args->len, err);
    if (rc == 0)
        rc = add_step(p, id, 1, true, NULL, &code, err, "deploy %s", name);
    eth_buf_clear(&code);
    if (rc == 0)
        memcpy(addr, p->steps[p->nsteps - 1].address, 20);
    return rc;
}

/* A call to `to` with calldata from sig and args. */
static int add_call(kms_plan *p, const char *id, int phase, const uint8_t to[20],
                    const char *sig, const char *const *args, size_t nargs, const char *what,
                    eth_error *err)
{
    eth_buf data = {0};
    int rc = kms_calldata(sig, args, nargs, &data, err);
    if (rc == 0)
        rc = add_step(p, id, phase, false, to, &data, err, "%s", what);
    eth_buf_clear(&data);
    return rc;
}

static int add_implementations(kms_plan *p, eth_error *err)
{
    int rc = 0;
    if (p->settings.has_app_impl)
        memcpy(p->app_impl, p->settings.app_impl, 20);
    else
        rc = add_create(p, "app-impl", "DstackApp", NULL, p->app_impl, err);
    if (rc == 0)
        rc = add_create(p, "kms-impl", "DstackKms", NULL, p->kms_impl, err);
    return rc;
}

/* ERC1967Proxy(kms-impl, initialize(deployer, app implementation)). */
static int add_kms_proxy(kms_plan *p, eth_error *err)
{
    char impl[43], owner[43], app[43];
    eth_buf init = {0}, args = {0};
    const char *iargs[] = {kms_text_addr(p->deployer, owner), kms_text_addr(p->app_impl, app)};
    int rc = kms_calldata("initialize(address,address)", iargs, 2, &init, err);
    char *init_hex = NULL;
    if (rc == 0)
        rc = eth_hex_encode_alloc(init.data, init.len, &init_hex, err);
    if (rc == 0) {
        const char *pargs[] = {kms_text_addr(p->kms_impl, impl), init_hex};
        rc = kms_abi_encode("(address,bytes)", pargs, 2, &args, err);
    }
    if (rc == 0)
        rc = add_create(p, "kms", "ERC1967Proxy", &args, p->kms, err);
    if (rc == 0)
        snprintf(p->steps[p->nsteps - 1].what, sizeof p->steps[0].what,
                 "deploy the DstackKms proxy and initialize it (owner: the deployer)");
    free(init_hex);
    eth_buf_clear(&init);
    eth_buf_clear(&args);
    return rc;
}

/* Looks a canonical Safe contract up by name. */
static void canonical(const char *name, uint8_t out[20])
{
    for (size_t i = 0; kms_safe_contract_at(i); i++)
        if (strcmp(kms_safe_contract_at(i)->name, name) == 0)
            kms_safe_contract_address(kms_safe_contract_at(i), out);
}

/* The Safe's salt nonce: keccak256("kmsctl safe" || chain id || deployer || nonce), so that two
 * deployments never collide and a resumed one finds the same address. */
static void safe_salt(kms_plan *p)
{
    uint8_t msg[11 + 8 + 20 + 8];
    memcpy(msg, "kmsctl safe", 11);
    for (int i = 0; i < 8; i++) {
        msg[11 + i] = (uint8_t)(p->chain_id >> (56 - 8 * i));
        msg[39 + i] = (uint8_t)(p->start_nonce >> (56 - 8 * i));
    }
    memcpy(msg + 19, p->deployer, 20);
    eth_keccak256(msg, sizeof msg, p->safe_salt_nonce);
}

static int add_safe(kms_plan *p, eth_error *err)
{
    const kms_deploy_settings *s = &p->settings;
    canonical("SafeL2", p->safe_singleton);
    canonical("SafeProxyFactory", p->safe_factory);
    canonical("CompatibilityFallbackHandler", p->safe_fallback);
    if (s->has_safe) {
        memcpy(p->safe, s->safe, 20);
        return 0;
    }
    safe_salt(p);
    kms_safe_setup setup = {.owners = (const uint8_t(*)[20])s->safe_owners,
                            .nowners = s->nsafe_owners,
                            .threshold = s->safe_threshold,
                            .fallback_handler = p->safe_fallback};
    u256 salt = u256_from_be(p->safe_salt_nonce, 32);
    eth_buf init = {0}, data = {0};
    int rc = kms_safe_setup_data(&setup, &init, err);
    if (rc == 0)
        rc = kms_safe_create_data(p->safe_singleton, init.data, init.len, &salt, &data, err);
    if (rc == 0)
        rc = kms_safe_proxy_address(p->safe_factory, p->safe_singleton, init.data, init.len,
                                    &salt, p->safe, err);
    if (rc == 0)
        rc = add_step(p, "safe", 1, false, p->safe_factory, &data, err,
                      "create the %llu-of-%zu Safe through SafeProxyFactory",
                      (unsigned long long)s->safe_threshold, s->nsafe_owners);
    if (rc == 0)
        memcpy(p->steps[p->nsteps - 1].address, p->safe, 20);
    eth_buf_clear(&init);
    eth_buf_clear(&data);
    return rc;
}

/* The proposer and executor the deployment ends with; *open: anyone executes. */
static void intended_roles(const kms_plan *p, uint8_t proposer[20], uint8_t executor[20],
                           bool *open)
{
    const kms_deploy_settings *s = &p->settings;
    if (s->model == KMS_MODEL_SAFE_TIMELOCK)
        memcpy(proposer, p->safe, 20);
    else
        memcpy(proposer, s->has_proposer ? s->proposer : p->deployer, 20);
    *open = s->executor_open;
    memcpy(executor, s->has_executor ? s->executor : proposer, 20);
    if (*open)
        memset(executor, 0, 20);
}

/* Appends a to list[*n] unless it is there already. */
static void add_unique(uint8_t (*list)[20], size_t *n, const uint8_t a[20])
{
    for (size_t i = 0; i < *n; i++)
        if (memcmp(list[i], a, 20) == 0)
            return;
    memcpy(list[(*n)++], a, 20);
}

static int add_timelock(kms_plan *p, eth_error *err)
{
    uint8_t proposer[20], executor[20], proposers[2][20], executors[2][20];
    size_t np = 0, ne = 0;
    bool open;
    intended_roles(p, proposer, executor, &open);
    add_unique(proposers, &np, p->deployer); /* temporary, for the hand-over */
    add_unique(proposers, &np, proposer);
    add_unique(executors, &ne, p->deployer);
    add_unique(executors, &ne, executor);
    const kms_deploy_settings *s = &p->settings;
    eth_buf code = {0};
    uint64_t delay = s->delayed_handover ? s->min_delay : 0;
    int rc = kms_timelock_init_code(delay, (const uint8_t(*)[20])proposers, np,
                                    (const uint8_t(*)[20])executors, ne,
                                    s->has_admin ? s->admin : NULL, &code, err);
    if (rc == 0)
        rc = add_step(p, "timelock", 1, true, NULL, &code, err,
                      "deploy the TimelockController (delay %llu s; the deployer a temporary "
                      "proposer and executor)", (unsigned long long)delay);
    if (rc == 0)
        memcpy(p->timelock, p->steps[p->nsteps - 1].address, 20);
    eth_buf_clear(&code);
    return rc;
}

/* One config call per list entry: sig on DstackKms with each value. */
static int add_config_list(kms_plan *p, const kms_b32_list *l, const char *id, const char *sig,
                           const char *name, eth_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        char hex[67], step[KMS_STEP_ID_MAX], what[160];
        const char *args[] = {kms_text_b32(l->items[i], hex)};
        snprintf(step, sizeof step, "config-%s-%zu", id, i + 1);
        snprintf(what, sizeof what, "DstackKms.%s(%s)", name, hex);
        int rc = add_call(p, step, 1, p->kms, sig, args, 1, what, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_kms_info(kms_plan *p, eth_error *err)
{
    const kms_policy_config *c = &p->config;
    const eth_buf *f[] = {&c->k256_pubkey, &c->ca_pubkey, &c->quote, &c->eventlog};
    eth_buf tuple = {0};
    int rc = eth_buf_append_str(&tuple, "(", err);
    for (size_t i = 0; rc == 0 && i < 4; i++) {
        rc = eth_hex_append(&tuple, f[i]->data, f[i]->len, err);
        if (rc == 0)
            rc = eth_buf_append_str(&tuple, i < 3 ? "," : ")", err);
    }
    if (rc == 0)
        rc = eth_buf_terminate(&tuple, err);
    if (rc == 0) {
        const char *args[] = {eth_buf_str(&tuple)};
        char what[160];
        snprintf(what, sizeof what, "DstackKms.setKmsInfo(k256 key %zu bytes, CA key %zu bytes, "
                                    "quote %zu bytes, event log %zu bytes)",
                 f[0]->len, f[1]->len, f[2]->len, f[3]->len);
        rc = add_call(p, "config-kms-info", 1, p->kms, "setKmsInfo((bytes,bytes,bytes,bytes))",
                      args, 1, what, err);
    }
    eth_buf_clear(&tuple);
    return rc;
}

static int add_config(kms_plan *p, eth_error *err)
{
    const kms_policy_config *c = &p->config;
    int rc = 0;
    if (c->gateway_app_id) {
        const char *args[] = {c->gateway_app_id};
        char what[160];
        snprintf(what, sizeof what, "DstackKms.setGatewayAppId(\"%.100s\")", c->gateway_app_id);
        rc = add_call(p, "config-gateway-app-id", 1, p->kms, "setGatewayAppId(string)", args, 1,
                      what, err);
    }
    if (rc == 0 && c->has_kms_info)
        rc = add_kms_info(p, err);
    if (rc == 0)
        rc = add_config_list(p, &c->os_images, "os-image", "addOsImageHash(bytes32)",
                             "addOsImageHash", err);
    if (rc == 0)
        rc = add_config_list(p, &c->kms_mrs, "kms-mr", "addKmsAggregatedMr(bytes32)",
                             "addKmsAggregatedMr", err);
    if (rc == 0)
        rc = add_config_list(p, &c->kms_devices, "kms-device", "addKmsDevice(bytes32)",
                             "addKmsDevice", err);
    return rc;
}

/* The hand-over operation: acceptOwnership() on DstackKms, and updateDelay(min delay) on the
 * timelock when the delay starts at zero. Fills calls[0..*n) (data in bufs). */
static int handover_calls(kms_plan *p, kms_tl_call calls[2], eth_buf bufs[2], size_t *n,
                          eth_error *err)
{
    char delay[21];
    const char *dargs[] = {kms_text_u64(p->settings.min_delay, delay)};
    int rc = kms_calldata("acceptOwnership()", NULL, 0, &bufs[0], err);
    *n = 1;
    if (rc == 0 && !p->settings.delayed_handover) {
        rc = kms_calldata("updateDelay(uint256)", dargs, 1, &bufs[1], err);
        *n = 2;
    }
    const uint8_t *targets[2] = {p->kms, p->timelock};
    for (size_t i = 0; i < *n; i++)
        calls[i] = (kms_tl_call){.target = targets[i], .value = u256_from_u64(0),
                                 .data = bufs[i].data, .len = bufs[i].len};
    return rc;
}

static void handover_salt(kms_plan *p)
{
    uint8_t msg[16 + 40];
    memcpy(msg, "kmsctl hand-over", 16);
    memcpy(msg + 16, p->kms, 20);
    memcpy(msg + 36, p->timelock, 20);
    eth_keccak256(msg, sizeof msg, p->handover_salt);
}

static int add_handover(kms_plan *p, eth_error *err)
{
    char tl[43];
    const char *targs[] = {kms_text_addr(p->timelock, tl)};
    int rc = add_call(p, "transfer", 1, p->kms, "transferOwnership(address)", targs, 1,
                      "DstackKms.transferOwnership(timelock): the timelock becomes pending owner",
                      err);
    kms_tl_call calls[2];
    eth_buf bufs[2] = {{0}, {0}}, sched = {0}, exec = {0};
    size_t n = 0;
    bool delayed = p->settings.delayed_handover;
    uint64_t delay = delayed ? p->settings.min_delay : 0;
    handover_salt(p);
    if (rc == 0)
        rc = handover_calls(p, calls, bufs, &n, err);
    if (rc == 0)
        rc = kms_timelock_op_id(calls, n, true, ZERO32, p->handover_salt, p->handover_id, err);
    if (rc == 0)
        rc = kms_timelock_schedule_data(calls, n, true, ZERO32, p->handover_salt, delay, &sched,
                                        err);
    if (rc == 0)
        rc = kms_timelock_execute_data(calls, n, true, ZERO32, p->handover_salt, &exec, err);
    if (rc == 0)
        rc = add_step(p, "handover-schedule", 1, false, p->timelock, &sched, err,
                      "timelock.scheduleBatch(%s) with delay %llu s",
                      n == 2 ? "acceptOwnership, updateDelay" : "acceptOwnership",
                      (unsigned long long)delay);
    if (rc == 0)
        rc = add_step(p, "handover-execute", delayed ? 2 : 1, false, p->timelock, &exec, err,
                      "timelock.executeBatch(%s): the timelock owns DstackKms%s",
                      n == 2 ? "acceptOwnership, updateDelay" : "acceptOwnership",
                      n == 2 ? " and the delay is set" : "");
    for (size_t i = 0; i < 2; i++)
        eth_buf_clear(&bufs[i]);
    eth_buf_clear(&sched);
    eth_buf_clear(&exec);
    return rc;
}

/* The deployer renounces each timelock role it held only for the hand-over. */
static int add_renounces(kms_plan *p, eth_error *err)
{
    uint8_t proposer[20], executor[20];
    bool open;
    intended_roles(p, proposer, executor, &open);
    bool keep_proposer = memcmp(proposer, p->deployer, 20) == 0;
    bool keep_executor = !open && memcmp(executor, p->deployer, 20) == 0;
    const struct {
        const char *id, *name;
        const uint8_t *role;
        bool keep;
    } roles[] = {{"renounce-proposer", "PROPOSER_ROLE", KMS_ROLE_PROPOSER, keep_proposer},
                 {"renounce-canceller", "CANCELLER_ROLE", KMS_ROLE_CANCELLER, keep_proposer},
                 {"renounce-executor", "EXECUTOR_ROLE", KMS_ROLE_EXECUTOR, keep_executor}};
    int phase = p->settings.delayed_handover ? 2 : 1;
    for (size_t i = 0; i < 3; i++) {
        if (roles[i].keep)
            continue;
        char role[67], me[43], what[160];
        const char *args[] = {kms_text_b32(roles[i].role, role), kms_text_addr(p->deployer, me)};
        snprintf(what, sizeof what, "timelock.renounceRole(%s, deployer)", roles[i].name);
        int rc = add_call(p, roles[i].id, phase, p->timelock, "renounceRole(bytes32,address)",
                          args, 2, what, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int copy_config(kms_plan *p, const kms_policy_config *cfg, eth_error *err)
{
    if (!cfg)
        return 0;
    json_t *j = kms_policy_config_json(cfg);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    int rc = kms_policy_config_parse(text, strlen(text), &p->config, err);
    free(text);
    return rc;
}

int kms_plan_build(const kms_deploy_settings *s, const kms_policy_config *cfg, uint64_t chain_id,
                   const uint8_t deployer[20], uint64_t start_nonce, kms_plan *out,
                   eth_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = kms_deploy_settings_check(s, err);
    if (rc)
        return rc;
    out->settings = *s;
    out->chain_id = chain_id;
    memcpy(out->deployer, deployer, 20);
    out->start_nonce = start_nonce;
    rc = copy_config(out, cfg, err);
    if (rc == 0)
        rc = add_implementations(out, err);
    if (rc == 0)
        rc = add_kms_proxy(out, err);
    if (rc == 0 && s->model == KMS_MODEL_SAFE_TIMELOCK)
        rc = add_safe(out, err);
    if (rc == 0 && s->model != KMS_MODEL_DIRECT)
        rc = add_timelock(out, err);
    if (rc == 0)
        rc = add_config(out, err);
    if (rc == 0 && s->model != KMS_MODEL_DIRECT)
        rc = add_handover(out, err);
    if (rc == 0 && s->model != KMS_MODEL_DIRECT)
        rc = add_renounces(out, err);
    if (rc)
        kms_plan_clear(out);
    return rc;
}

void kms_plan_clear(kms_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nsteps; i++) {
        eth_buf_clear(&p->steps[i].data);
        eth_buf_clear(&p->steps[i].raw);
    }
    free(p->steps);
    kms_policy_config_clear(&p->config);
    memset(p, 0, sizeof *p);
}

kms_step *kms_plan_step(const kms_plan *p, const char *id)
{
    for (size_t i = 0; i < p->nsteps; i++)
        if (strcmp(p->steps[i].id, id) == 0)
            return &p->steps[i];
    return NULL;
}

size_t kms_plan_count(const kms_plan *p, int phase)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nsteps; i++)
        n += p->steps[i].phase == phase;
    return n;
}

bool kms_plan_phase_done(const kms_plan *p, int phase)
{
    for (size_t i = 0; i < p->nsteps; i++)
        if (p->steps[i].phase == phase && p->steps[i].state != KMS_STEP_MINED)
            return false;
    return true;
}

uint64_t kms_plan_handover_eta(const kms_plan *p)
{
    if (!p->settings.delayed_handover || !p->handover_scheduled_at)
        return 0;
    return p->handover_scheduled_at + p->settings.min_delay;
}

bool kms_plan_has_handover(const kms_plan *p)
{
    return p->settings.model != KMS_MODEL_DIRECT;
}
