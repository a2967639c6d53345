/* fuzz_manifest.c: libFuzzer target for the deployment manifest (lib/kms/manifest.h): JSON text
 * read with kms_manifest_from_json. A refusal must carry a documented code (ETH_EINVAL,
 * ETH_ERANGE, ETH_EUNSUP, ETH_ENOMEM) and a one-line message and leave the manifest empty; in
 * an accepted one the settings and the config (which have writers) must write JSON that reads
 * again and writes the same text, the settings must pass kms_deploy_settings_check, and a
 * model with a timelock must name one. */
#include "fuzz_common.h"

#include <jansson.h>

#include "eth/json.h"
#include "eth/text.h"
#include "kms/deploy_journal.h"
#include "kms/manifest.h"

/* The JSON text of j (consumed; malloc'd). */
static char *dump(json_t *j)
{
    FUZZ_CHECK(j != NULL, "no JSON for an accepted value");
    char *s = json_dumps(j, JSON_INDENT(2));
    FUZZ_CHECK(s != NULL, "JSON did not print");
    json_decref(j);
    return s;
}

static void check_settings(const kms_deploy_settings *s)
{
    eth_error err = {0};
    kms_deploy_settings again;
    json_t *j = kms_deploy_settings_json(s);
    FUZZ_CHECK(kms_deploy_settings_check(s, &err) == 0, "accepted settings fail the check");
    FUZZ_CHECK(kms_deploy_settings_from_json(j, &again, &err) == 0, "written settings are refused");
    char *a = dump(j), *b = dump(kms_deploy_settings_json(&again));
    FUZZ_CHECK(strcmp(a, b) == 0, "writing the settings is not a fixed point");
    free(a);
    free(b);
}

static void check_config(const kms_policy_config *c)
{
    eth_error err = {0};
    kms_policy_config again;
    json_t *j = kms_policy_config_json(c);
    FUZZ_CHECK(kms_policy_config_from_json(j, &again, &err) == 0, "the written config is refused");
    char *a = dump(j), *b = dump(kms_policy_config_json(&again));
    FUZZ_CHECK(strcmp(a, b) == 0, "writing the config is not a fixed point");
    kms_policy_config_clear(&again);
    free(a);
    free(b);
}

static bool is_empty(const kms_manifest *m)
{
    static const kms_manifest zero;
    return memcmp(m, &zero, sizeof zero) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > KMS_MANIFEST_MAX_FILE)
        return 0;
    eth_error err = {0};
    json_t *j = NULL;
    kms_manifest m;
    if (eth_json_parse((const char *)data, size, &j, &err) != 0)
        return 0;
    int rc = kms_manifest_from_json(j, &m, &err);
    if (rc) {
        fuzz_check_refusal(rc, &err, FUZZ_CODE(ETH_EINVAL) | FUZZ_CODE(ETH_ERANGE) |
                                         FUZZ_CODE(ETH_EUNSUP) | FUZZ_CODE(ETH_ENOMEM));
        FUZZ_CHECK(is_empty(&m), "a refused manifest is not empty");
    } else {
        check_settings(&m.settings);
        check_config(&m.config);
        FUZZ_CHECK(m.settings.model == KMS_MODEL_DIRECT ||
                       json_is_object(json_object_get(json_object_get(j, "contracts"), "timelock")),
                   "a timelock model without a timelock");
    }
    kms_manifest_clear(&m);
    json_decref(j);
    return 0;
}
