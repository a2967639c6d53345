/* deploy_journal.c: the deployment plan as JSON, written to and read from the journal. */
#include "deploy_journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/text.h"

#define KIND "kmsctl-deploy-journal"
#define VERSION 1

static const char *const STATES[] = {"planned", "signed", "mined"};

/* ---- writing ---- */

static json_t *opt_eth_json_address(bool has, const uint8_t a[20])
{
    return has ? eth_json_address(a) : json_null();
}

static json_t *executor_json(const kms_deploy_settings *s)
{
    if (s->executor_open)
        return json_string("open");
    return opt_eth_json_address(s->has_executor, s->executor);
}

json_t *kms_deploy_settings_json(const kms_deploy_settings *s)
{
    json_t *owners = eth_json_address_list((const uint8_t(*)[20])s->safe_owners, s->nsafe_owners);
    if (!owners)
        return NULL;
    return json_pack("{s:s,s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:o}", "model",
                     kms_model_name(s->model), "minDelay", (json_int_t)s->min_delay, "handover",
                     s->delayed_handover ? "delayed" : "immediate", "proposer",
                     opt_eth_json_address(s->has_proposer, s->proposer), "executor", executor_json(s),
                     "timelockAdmin", opt_eth_json_address(s->has_admin, s->admin), "safe",
                     opt_eth_json_address(s->has_safe, s->safe), "safeOwners", owners, "safeThreshold",
                     (json_int_t)s->safe_threshold, "appImplementation",
                     opt_eth_json_address(s->has_app_impl, s->app_impl));
}

static json_t *step_json(const kms_step *s)
{
    bool signed_ = s->state != KMS_STEP_PLANNED;
    return json_pack("{s:s,s:s,s:i,s:b,s:o,s:o,s:o,s:I,s:I,s:s,s:o,s:o,s:I}", "id", s->id,
                     "what", s->what, "phase", s->phase, "create", s->create, "to",
                     s->create ? json_null() : eth_json_address(s->to), "address", eth_json_address(s->address),
                     "data", eth_json_hex(s->data.data, s->data.len), "gas", (json_int_t)s->gas,
                     "nonce", (json_int_t)s->nonce, "state", STATES[s->state], "raw",
                     signed_ ? eth_json_hex(s->raw.data, s->raw.len) : json_null(), "hash",
                     signed_ ? eth_json_hex(s->hash, 32) : json_null(), "block",
                     (json_int_t)s->block);
}

static json_t *addresses_json(const kms_plan *p)
{
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "appImplementation",
                     eth_json_address(p->app_impl), "kmsImplementation", eth_json_address(p->kms_impl), "kms",
                     eth_json_address(p->kms), "safe", eth_json_address(p->safe), "timelock",
                     eth_json_address(p->timelock), "safeSingleton", eth_json_address(p->safe_singleton),
                     "safeFactory", eth_json_address(p->safe_factory), "safeFallbackHandler",
                     eth_json_address(p->safe_fallback));
}

json_t *kms_plan_to_json(const kms_plan *p)
{
    json_t *steps = json_array();
    for (size_t i = 0; steps && i < p->nsteps; i++)
        if (json_array_append_new(steps, step_json(&p->steps[i])) != 0) {
            json_decref(steps);
            steps = NULL;
        }
    if (!steps)
        return NULL;
    return json_pack("{s:s,s:i,s:I,s:o,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:o}", "kind", KIND,
                     "version", VERSION, "chainId", (json_int_t)p->chain_id, "deployer",
                     eth_json_address(p->deployer), "startNonce", (json_int_t)p->start_nonce,
                     "settings", kms_deploy_settings_json(&p->settings), "config",
                     kms_policy_config_json(&p->config), "addresses", addresses_json(p),
                     "safeSaltNonce", eth_json_hex(p->safe_salt_nonce, 32), "handoverSalt",
                     eth_json_hex(p->handover_salt, 32), "handoverId", eth_json_hex(p->handover_id, 32),
                     "handoverScheduledAt", (json_int_t)p->handover_scheduled_at, "steps",
                     steps);
}

/* ---- reading ---- */

static int get_addr(const json_t *o, const char *where, const char *name, uint8_t out[20],
                    eth_error *err)
{
    return eth_json_get_hex_fixed(o, where, name, out, 20, err);
}

/* An address or null: *has tells which. */
static int get_opt_addr(const json_t *o, const char *where, const char *name, bool *has,
                        uint8_t out[20], eth_error *err)
{
    const json_t *v = json_object_get(o, name);
    *has = v && !json_is_null(v);
    if (!v)
        return eth_fail(err, ETH_EINVAL, "missing field '%s%s'", where, name);
    return *has ? get_addr(o, where, name, out, err) : 0;
}

static int get_bool(const json_t *o, const char *where, const char *name, bool *out,
                    eth_error *err)
{
    const json_t *v = eth_json_member(o, where, name, JSON_TRUE, err);
    if (!v)
        return -err->code;
    *out = json_is_true(v);
    return 0;
}

static int settings_owners(const json_t *o, kms_deploy_settings *s, eth_error *err)
{
    const json_t *a = eth_json_member(o, "settings.", "safeOwners", JSON_ARRAY, err);
    if (!a)
        return -err->code;
    if (json_array_size(a) > KMS_MAX_SAFE_OWNERS)
        return eth_fail(err, ETH_ERANGE, "settings.safeOwners: more than %d owners",
                        KMS_MAX_SAFE_OWNERS);
    for (size_t i = 0; i < json_array_size(a); i++) {
        char what[48];
        snprintf(what, sizeof what, "settings.safeOwners[%zu]", i);
        int rc = eth_json_hex_fixed(json_array_get(a, i), what, s->safe_owners[i], 20, err);
        if (rc)
            return rc;
    }
    s->nsafe_owners = json_array_size(a);
    return 0;
}

static int settings_executor(const json_t *o, kms_deploy_settings *s, eth_error *err)
{
    const json_t *v = json_object_get(o, "executor");
    if (json_is_string(v) && strcmp(json_string_value(v), "open") == 0) {
        s->executor_open = true;
        return 0;
    }
    return get_opt_addr(o, "settings.", "executor", &s->has_executor, s->executor, err);
}

int kms_deploy_settings_from_json(const json_t *o, kms_deploy_settings *s, eth_error *err)
{
    const char *model, *handover;
    memset(s, 0, sizeof *s);
    if (!json_is_object(o))
        return eth_fail(err, ETH_EINVAL, "settings must be an object");
    int rc = eth_json_get_string(o, "settings.", "model", &model, NULL, err);
    if (rc == 0 && (rc = kms_model_parse(model, &s->model, err)) != 0)
        rc = eth_error_prefix(err, "settings.model: ");
    if (rc == 0)
        rc = eth_json_get_uint(o, "settings.", "minDelay", &s->min_delay, err);
    if (rc == 0)
        rc = eth_json_get_string(o, "settings.", "handover", &handover, NULL, err);
    if (rc == 0 && strcmp(handover, "delayed") != 0 && strcmp(handover, "immediate") != 0)
        rc = eth_fail(err, ETH_EINVAL, "settings.handover must be immediate or delayed");
    s->delayed_handover = rc == 0 && strcmp(handover, "delayed") == 0;
    if (rc == 0)
        rc = get_opt_addr(o, "settings.", "proposer", &s->has_proposer, s->proposer, err);
    if (rc == 0)
        rc = settings_executor(o, s, err);
    if (rc == 0)
        rc = get_opt_addr(o, "settings.", "timelockAdmin", &s->has_admin, s->admin, err);
    if (rc == 0)
        rc = get_opt_addr(o, "settings.", "safe", &s->has_safe, s->safe, err);
    if (rc == 0)
        rc = settings_owners(o, s, err);
    if (rc == 0)
        rc = eth_json_get_uint(o, "settings.", "safeThreshold", &s->safe_threshold, err);
    if (rc == 0)
        rc = get_opt_addr(o, "settings.", "appImplementation", &s->has_app_impl, s->app_impl, err);
    return rc == 0 ? kms_deploy_settings_check(s, err) : rc;
}

static int step_state(const json_t *o, const char *where, kms_step *s, eth_error *err)
{
    const char *state;
    int rc = eth_json_get_string(o, where, "state", &state, NULL, err);
    for (int i = 0; rc == 0 && i < 3; i++)
        if (strcmp(state, STATES[i]) == 0) {
            s->state = (kms_step_state)i;
            if (s->state == KMS_STEP_PLANNED)
                return 0;
            rc = eth_json_get_hex(o, where, "raw", 1u << 20, &s->raw, err);
            if (rc == 0)
                rc = eth_json_get_hex_fixed(o, where, "hash", s->hash, 32, err);
            return rc;
        }
    return rc ? rc : eth_fail(err, ETH_EINVAL, "%sstate: expected planned, signed or mined", where);
}

static int step_text(const json_t *o, const char *where, const char *name, char *out, size_t cap,
                     eth_error *err)
{
    const char *s;
    size_t n;
    int rc = eth_json_get_string(o, where, name, &s, &n, err);
    if (rc == 0 && (n >= cap || eth_text_has_control(s, n)))
        rc = eth_fail(err, ETH_EINVAL, "%s%s: too long or holds control characters", where,
                      name);
    if (rc == 0)
        memcpy(out, s, n + 1);
    return rc;
}

static int step_from_json(const json_t *o, size_t i, kms_step *s, eth_error *err)
{
    char where[32];
    uint64_t phase = 0;
    snprintf(where, sizeof where, "steps[%zu].", i);
    if (!json_is_object(o))
        return eth_fail(err, ETH_EINVAL, "steps[%zu] must be an object", i);
    int rc = step_text(o, where, "id", s->id, sizeof s->id, err);
    if (rc == 0)
        rc = step_text(o, where, "what", s->what, sizeof s->what, err);
    if (rc == 0)
        rc = eth_json_get_uint(o, where, "phase", &phase, err);
    if (rc == 0 && phase != 1 && phase != 2)
        rc = eth_fail(err, ETH_EINVAL, "%sphase must be 1 or 2", where);
    s->phase = (int)phase;
    if (rc == 0)
        rc = get_bool(o, where, "create", &s->create, err);
    if (rc == 0 && !s->create)
        rc = get_addr(o, where, "to", s->to, err);
    if (rc == 0)
        rc = get_addr(o, where, "address", s->address, err);
    if (rc == 0)
        rc = eth_json_get_hex(o, where, "data", 1u << 20, &s->data, err);
    if (rc == 0)
        rc = eth_json_get_uint(o, where, "gas", &s->gas, err);
    if (rc == 0)
        rc = eth_json_get_uint(o, where, "nonce", &s->nonce, err);
    if (rc == 0)
        rc = eth_json_get_uint(o, where, "block", &s->block, err);
    return rc == 0 ? step_state(o, where, s, err) : rc;
}

static int steps_from_json(const json_t *j, kms_plan *p, eth_error *err)
{
    const json_t *a = eth_json_member(j, "", "steps", JSON_ARRAY, err);
    if (!a)
        return -err->code;
    size_t n = json_array_size(a);
    if (n == 0 || n > KMS_JOURNAL_MAX_STEPS)
        return eth_fail(err, ETH_ERANGE, "steps: expected 1 to %u entries", KMS_JOURNAL_MAX_STEPS);
    p->steps = calloc(n, sizeof *p->steps);
    if (!p->steps)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        p->nsteps = i + 1;
        int rc = step_from_json(json_array_get(a, i), i, &p->steps[i], err);
        if (rc)
            return rc;
    }
    return 0;
}

static int addresses_from_json(const json_t *j, kms_plan *p, eth_error *err)
{
    const json_t *a = eth_json_member(j, "", "addresses", JSON_OBJECT, err);
    if (!a)
        return -err->code;
    const struct {
        const char *name;
        uint8_t *out;
    } f[] = {{"appImplementation", p->app_impl}, {"kmsImplementation", p->kms_impl},
             {"kms", p->kms},
             {"safe", p->safe},
             {"timelock", p->timelock},
             {"safeSingleton", p->safe_singleton},
             {"safeFactory", p->safe_factory},
             {"safeFallbackHandler", p->safe_fallback}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        int rc = get_addr(a, "addresses.", f[i].name, f[i].out, err);
        if (rc)
            return rc;
    }
    return 0;
}


static int header_from_json(const json_t *j, kms_plan *p, eth_error *err)
{
    int rc = eth_json_check_kind(j, KIND, VERSION, "kmsctl deploy journal", err);
    if (rc == 0)
        rc = eth_json_get_uint(j, "", "chainId", &p->chain_id, err);
    if (rc == 0)
        rc = get_addr(j, "", "deployer", p->deployer, err);
    if (rc == 0)
        rc = eth_json_get_uint(j, "", "startNonce", &p->start_nonce, err);
    return rc;
}

int kms_plan_from_json(const json_t *j, kms_plan *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = header_from_json(j, out, err);
    if (rc == 0)
        rc = kms_deploy_settings_from_json(json_object_get(j, "settings"), &out->settings, err);
    if (rc == 0)
        rc = kms_policy_config_from_json(json_object_get(j, "config"), &out->config, err);
    if (rc == 0)
        rc = addresses_from_json(j, out, err);
    if (rc == 0)
        rc = eth_json_get_hex_fixed(j, "", "safeSaltNonce", out->safe_salt_nonce, 32, err);
    if (rc == 0)
        rc = eth_json_get_hex_fixed(j, "", "handoverSalt", out->handover_salt, 32, err);
    if (rc == 0)
        rc = eth_json_get_hex_fixed(j, "", "handoverId", out->handover_id, 32, err);
    if (rc == 0)
        rc = eth_json_get_uint(j, "", "handoverScheduledAt", &out->handover_scheduled_at, err);
    if (rc == 0)
        rc = steps_from_json(j, out, err);
    if (rc)
        kms_plan_clear(out);
    return rc;
}

int kms_journal_path(const char *manifest, char *out, size_t cap, eth_error *err)
{
    size_t n = strlen(manifest);
    size_t stem = n >= 5 && strcmp(manifest + n - 5, ".json") == 0 ? n - 5 : n;
    if ((size_t)snprintf(out, cap, "%.*s.journal.json", (int)stem, manifest) >= cap)
        return eth_fail(err, ETH_ERANGE, "manifest path too long");
    return 0;
}

int kms_journal_save(const char *path, const kms_plan *p, eth_error *err)
{
    json_t *j = kms_plan_to_json(p);
    if (!j)
        return eth_fail(err, ETH_ENOMEM, "out of memory writing the journal");
    int rc = eth_json_save(path, j, 0600, err);
    json_decref(j);
    return rc;
}

int kms_journal_load(const char *path, kms_plan *out, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    json_t *j = NULL;
    memset(out, 0, sizeof *out);
    int rc = eth_json_load(path, KMS_JOURNAL_MAX_FILE, &j, err);
    if (rc == 0 && (rc = kms_plan_from_json(j, out, err)) != 0)
        rc = eth_error_prefix(err, "journal %s: ", eth_text_clipz(path, shown));
    json_decref(j);
    return rc;
}
