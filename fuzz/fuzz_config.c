/* fuzz_config.c: libFuzzer target for the deploy --config file (lib/kms/policy_config.h): any
 * text through kms_policy_config_parse. A refusal must carry a documented code (ETH_EINVAL,
 * ETH_ERANGE, ETH_ENOMEM) and a one-line message and leave the config empty; an accepted config
 * must write (kms_policy_config_json) JSON that parses again and writes the same text (the
 * written form is a fixed point), and be empty exactly when it writes an empty object. */
#include "fuzz_common.h"

#include <jansson.h>

#include "eth/text.h"
#include "kms/policy_config.h"

/* The JSON text of c (malloc'd). */
static char *dump(const kms_policy_config *c)
{
    json_t *j = kms_policy_config_json(c);
    FUZZ_CHECK(j != NULL, "no JSON for an accepted config");
    FUZZ_CHECK(kms_policy_config_empty(c) == (json_object_size(j) == 0),
               "empty, and writes something (or the other way round)");
    char *s = json_dumps(j, JSON_INDENT(2));
    FUZZ_CHECK(s != NULL, "JSON did not print");
    json_decref(j);
    return s;
}

static bool is_empty(const kms_policy_config *c)
{
    static const kms_policy_config zero;
    return memcmp(c, &zero, sizeof zero) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > KMS_CONFIG_MAX_FILE)
        return 0;
    eth_error err = {0};
    kms_policy_config c, again;
    /* no bytes as NULL, which the header allows (an empty --config file reads as NULL, 0) */
    int rc = kms_policy_config_parse(size ? (const char *)data : NULL, size, &c, &err);
    if (rc) {
        fuzz_check_refusal(rc, &err,
                           FUZZ_CODE(ETH_EINVAL) | FUZZ_CODE(ETH_ERANGE) | FUZZ_CODE(ETH_ENOMEM));
        FUZZ_CHECK(is_empty(&c), "a refused config is not empty");
        return 0;
    }
    char *text = dump(&c);
    FUZZ_CHECK(kms_policy_config_parse(text, strlen(text), &again, &err) == 0,
               "the written config is refused");
    char *text2 = dump(&again);
    FUZZ_CHECK(strcmp(text, text2) == 0, "writing is not a fixed point");
    kms_policy_config_clear(&again);
    kms_policy_config_clear(&c);
    free(text);
    free(text2);
    return 0;
}
