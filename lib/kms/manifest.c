/* manifest.c: the deployment manifest, written from a plan and read by verify. */
#include "manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "artifacts.h"
#include "deploy_journal.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/text.h"

#define KIND "kmsctl-deployment"
#define VERSION 1

static json_t *b32_json(const uint8_t b[32])
{
    char hex[67];
    eth_hex_encode(b, 32, hex);
    return json_string(hex);
}

/* "txHash" and "block" of step id (null when the step is absent or not mined). */
static json_t *contract_json(const kms_plan *p, const char *id, const uint8_t addr[20],
                             const char *artifact)
{
    const kms_step *s = kms_plan_step(p, id);
    bool mined = s && s->state == KMS_STEP_MINED;
    return json_pack("{s:o,s:s,s:o,s:o}", "address", eth_json_address(addr), "artifact", artifact,
                     "txHash", mined ? b32_json(s->hash) : json_null(), "block",
                     mined ? json_integer((json_int_t)s->block) : json_null());
}

static int set_new(json_t *o, const char *key, json_t *v)
{
    return json_object_set_new(o, key, v);
}

static json_t *contracts_json(const kms_plan *p)
{
    json_t *c = json_object();
    int bad = !c;
    bad = bad || set_new(c, "dstackAppImplementation",
                         contract_json(p, "app-impl", p->app_impl, "DstackApp"));
    bad = bad || set_new(c, "dstackKmsImplementation",
                         contract_json(p, "kms-impl", p->kms_impl, "DstackKms"));
    json_t *kms = contract_json(p, "kms", p->kms, "ERC1967Proxy");
    bad = bad || !kms || set_new(kms, "implementation", eth_json_address(p->kms_impl));
    bad = bad || set_new(c, "dstackKms", kms);
    if (!bad && p->settings.model != KMS_MODEL_DIRECT)
        bad = set_new(c, "timelock", contract_json(p, "timelock", p->timelock,
                                                   "TimelockController"));
    if (!bad && p->settings.model == KMS_MODEL_SAFE_TIMELOCK) {
        json_t *safe = contract_json(p, "safe", p->safe, "SafeProxy");
        bad = !safe || set_new(safe, "singleton", eth_json_address(p->safe_singleton)) ||
              set_new(safe, "factory", eth_json_address(p->safe_factory)) ||
              set_new(safe, "fallbackHandler", eth_json_address(p->safe_fallback)) ||
              set_new(safe, "saltNonce", b32_json(p->safe_salt_nonce)) ||
              set_new(safe, "createdByDeployment", json_boolean(!p->settings.has_safe)) ||
              set_new(c, "safe", safe);
    }
    if (bad) {
        json_decref(c);
        return NULL;
    }
    return c;
}

/* ISO 8601 UTC of a Unix time. */
static json_t *date_json(uint64_t t)
{
    char buf[32];
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return json_null();
    return json_string(buf);
}

static json_t *handover_json(const kms_plan *p)
{
    if (!kms_plan_has_handover(p))
        return json_null();
    const kms_step *exec = kms_plan_step(p, "handover-execute");
    bool done = exec && exec->state == KMS_STEP_MINED;
    uint64_t eta = kms_plan_handover_eta(p);
    return json_pack("{s:o,s:o,s:s,s:I,s:o,s:b,s:o}", "operationId", b32_json(p->handover_id),
                     "salt", b32_json(p->handover_salt), "mode",
                     p->settings.delayed_handover ? "delayed" : "immediate", "scheduledAt",
                     (json_int_t)p->handover_scheduled_at, "eta",
                     eta ? json_integer((json_int_t)eta) : json_null(), "done", done,
                     "executedInBlock",
                     done ? json_integer((json_int_t)exec->block) : json_null());
}

static json_t *pending_json(const kms_plan *p, const char *manifest_path)
{
    json_t *a = json_array();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "kmsctl deploy --resume%s%.500s", manifest_path ? " --manifest " : "",
             manifest_path ? manifest_path : "");
    uint64_t eta = kms_plan_handover_eta(p);
    for (size_t i = 0; a && i < p->nsteps; i++) {
        const kms_step *s = &p->steps[i];
        if (s->state == KMS_STEP_MINED)
            continue;
        json_t *e = json_pack("{s:s,s:s,s:o,s:o,s:s}", "step", s->id, "what", s->what, "eta",
                              s->phase == 2 && eta ? json_integer((json_int_t)eta) : json_null(),
                              "etaUtc", s->phase == 2 && eta ? date_json(eta) : json_null(),
                              "command", cmd);
        if (json_array_append_new(a, e) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *artifacts_json(void)
{
    static const char *const NAMES[] = {"DstackApp", "DstackKms", "ERC1967Proxy",
                                        "TimelockController", "SafeL2", "SafeProxyFactory"};
    json_t *o = json_object();
    for (size_t i = 0; o && i < sizeof NAMES / sizeof NAMES[0]; i++) {
        const kms_artifact *a = kms_artifact_find(NAMES[i]);
        if (a && set_new(o, NAMES[i], json_pack("{s:s,s:s,s:s}", "compiler", a->compiler,
                                                "bytecodeKeccak256", a->bytecode_keccak,
                                                "runtimeKeccak256", a->runtime_keccak)) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *transactions_json(const kms_plan *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->nsteps; i++) {
        const kms_step *s = &p->steps[i];
        if (s->state == KMS_STEP_PLANNED)
            continue;
        json_t *e = json_pack("{s:s,s:s,s:o,s:I,s:o}", "id", s->id, "what", s->what, "hash",
                              b32_json(s->hash), "nonce", (json_int_t)s->nonce, "block",
                              s->state == KMS_STEP_MINED ? json_integer((json_int_t)s->block)
                                                         : json_null());
        if (json_array_append_new(a, e) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

json_t *kms_manifest_json(const kms_plan *p, const char *manifest_path)
{
    bool complete = kms_plan_phase_done(p, 1) && kms_plan_phase_done(p, 2);
    return json_pack("{s:s,s:i,s:I,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "kind", KIND,
                     "version", VERSION, "chainId", (json_int_t)p->chain_id, "deployer",
                     eth_json_address(p->deployer), "model", kms_model_name(p->settings.model), "status",
                     complete ? "complete" : kms_plan_phase_done(p, 1) ? "handover-pending"
                                                                       : "incomplete",
                     "contracts", contracts_json(p), "settings",
                     kms_deploy_settings_json(&p->settings), "config",
                     kms_policy_config_json(&p->config), "handover", handover_json(p), "pending",
                     pending_json(p, manifest_path), "artifacts", artifacts_json(), "transactions",
                     transactions_json(p));
}

int kms_manifest_write(const char *path, const kms_plan *p, eth_error *err)
{
    json_t *j = kms_manifest_json(p, path);
    if (!j)
        return eth_fail(err, ETH_ENOMEM, "out of memory writing the manifest");
    int rc = eth_json_save(path, j, 0644, err);
    json_decref(j);
    return rc;
}

/* ---- reading ---- */

static int contract_address(const json_t *contracts, const char *name, uint8_t out[20],
                            bool required, eth_error *err)
{
    const json_t *c = json_object_get(contracts, name);
    if (!c)
        return required ? eth_fail(err, ETH_EINVAL, "missing contracts.%s", name) : 0;
    if (!json_is_object(c))
        return eth_fail(err, ETH_EINVAL, "contracts.%s must be an object", name);
    char where[48];
    snprintf(where, sizeof where, "contracts.%s.", name);
    return eth_json_get_hex_fixed(c, where, "address", out, 20, err);
}

/* The earliest block among the contracts' "block" fields (0 if none). */
static uint64_t first_block(const json_t *contracts)
{
    uint64_t first = 0;
    const char *key;
    json_t *c;
    json_object_foreach((json_t *)contracts, key, c) {
        json_t *b = json_object_get(c, "block");
        if (json_is_integer(b) && json_integer_value(b) > 0 &&
            (!first || (uint64_t)json_integer_value(b) < first))
            first = (uint64_t)json_integer_value(b);
    }
    return first;
}

static int contracts_from_json(const json_t *j, kms_manifest *m, eth_error *err)
{
    const json_t *c = eth_json_member(j, "", "contracts", JSON_OBJECT, err);
    if (!c)
        return -err->code;
    bool tl = m->settings.model != KMS_MODEL_DIRECT;
    bool safe = m->settings.model == KMS_MODEL_SAFE_TIMELOCK;
    int rc = contract_address(c, "dstackAppImplementation", m->app_impl, true, err);
    if (rc == 0)
        rc = contract_address(c, "dstackKmsImplementation", m->kms_impl, true, err);
    if (rc == 0)
        rc = contract_address(c, "dstackKms", m->kms, true, err);
    if (rc == 0)
        rc = contract_address(c, "timelock", m->timelock, tl, err);
    if (rc == 0)
        rc = contract_address(c, "safe", m->safe, safe, err);
    const json_t *s = json_object_get(c, "safe");
    if (rc == 0 && safe)
        rc = eth_json_get_hex_fixed(s, "contracts.safe.", "singleton", m->safe_singleton, 20, err);
    if (rc == 0 && safe)
        rc = eth_json_get_hex_fixed(s, "contracts.safe.", "fallbackHandler", m->safe_fallback, 20,
                                    err);
    const json_t *app = json_object_get(c, "dstackAppImplementation");
    m->app_impl_deployed = json_is_string(json_object_get(app, "txHash"));
    m->first_block = first_block(c);
    return rc;
}

static int handover_from_json(const json_t *j, kms_manifest *m, eth_error *err)
{
    const json_t *h = json_object_get(j, "handover");
    if (m->settings.model == KMS_MODEL_DIRECT)
        return 0;
    if (!json_is_object(h))
        return eth_fail(err, ETH_EINVAL, "handover must be an object for model %s",
                        kms_model_name(m->settings.model));
    int rc = eth_json_get_hex_fixed(h, "handover.", "operationId", m->handover_id, 32, err);
    const json_t *done = json_object_get(h, "done"), *eta = json_object_get(h, "eta");
    if (rc == 0 && !json_is_boolean(done))
        rc = eth_fail(err, ETH_EINVAL, "handover.done must be true or false");
    m->handover_done = json_is_true(done);
    m->handover_eta = json_is_integer(eta) && json_integer_value(eta) > 0
                          ? (uint64_t)json_integer_value(eta)
                          : 0;
    return rc;
}

static int header_from_json(const json_t *j, kms_manifest *m, eth_error *err)
{
    const char *status;
    int rc = eth_json_check_kind(j, KIND, VERSION, "kmsctl deployment manifest", err);
    if (rc == 0)
        rc = eth_json_get_uint(j, "", "chainId", &m->chain_id, err);
    if (rc == 0)
        rc = eth_json_get_hex_fixed(j, "", "deployer", m->deployer, 20, err);
    if (rc == 0)
        rc = eth_json_get_string(j, "", "status", &status, NULL, err);
    m->complete = rc == 0 && strcmp(status, "complete") == 0;
    return rc;
}

int kms_manifest_from_json(const json_t *j, kms_manifest *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = header_from_json(j, out, err);
    if (rc == 0)
        rc = kms_deploy_settings_from_json(json_object_get(j, "settings"), &out->settings, err);
    if (rc == 0)
        rc = kms_policy_config_from_json(json_object_get(j, "config"), &out->config, err);
    if (rc == 0)
        rc = contracts_from_json(j, out, err);
    if (rc == 0)
        rc = handover_from_json(j, out, err);
    if (rc)
        kms_manifest_clear(out);
    return rc;
}

int kms_manifest_load(const char *path, kms_manifest *out, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    json_t *j = NULL;
    memset(out, 0, sizeof *out);
    eth_text_clipz(path, shown);
    int rc = eth_json_load(path, KMS_MANIFEST_MAX_FILE, &j, err);
    if (rc == 0)
        rc = kms_manifest_from_json(j, out, err);
    json_decref(j);
    /* eth_json_load's messages name the path already */
    if (rc && strncmp(err->msg, shown, strlen(shown)) != 0)
        rc = eth_error_prefix(err, "manifest %s: ", shown);
    return rc;
}

void kms_manifest_clear(kms_manifest *m)
{
    if (!m)
        return;
    kms_policy_config_clear(&m->config);
    memset(m, 0, sizeof *m);
}
