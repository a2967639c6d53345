/* fuzz_journal.c: libFuzzer target for the deploy journal (lib/kms/deploy_journal.h): JSON text
 * read with kms_plan_from_json. A refusal must carry a documented code (ETH_EINVAL, ETH_ERANGE,
 * ETH_EUNSUP, ETH_ENOMEM) and a one-line message and leave the plan empty; an accepted plan must
 * write (kms_plan_to_json) JSON that reads again and writes the same text (the written form is
 * a fixed point), and the manifest written from it (kms_manifest_json) must read back
 * (kms_manifest_from_json) with the plan's chain, deployer, addresses and hand-over ETA. */
#include "fuzz_common.h"

#include <jansson.h>

#include "eth/json.h"
#include "eth/text.h"
#include "kms/deploy_journal.h"
#include "kms/manifest.h"

static char *dump(const kms_plan *p)
{
    json_t *j = kms_plan_to_json(p);
    FUZZ_CHECK(j != NULL, "no JSON for an accepted plan");
    char *s = json_dumps(j, JSON_INDENT(2));
    FUZZ_CHECK(s != NULL, "JSON did not print");
    json_decref(j);
    return s;
}

/* The manifest of p reads back with p's values. */
static void check_manifest(const kms_plan *p)
{
    eth_error err = {0};
    kms_manifest m;
    json_t *j = kms_manifest_json(p, "m.json");
    FUZZ_CHECK(j != NULL, "no manifest for an accepted plan");
    int rc = kms_manifest_from_json(j, &m, &err);
    if (rc)
        fprintf(stderr, "manifest refused: %s\n", err.msg);
    FUZZ_CHECK(rc == 0, "the manifest of an accepted plan is refused");
    FUZZ_CHECK(m.chain_id == p->chain_id && memcmp(m.deployer, p->deployer, 20) == 0 &&
                   memcmp(m.kms, p->kms, 20) == 0 && memcmp(m.kms_impl, p->kms_impl, 20) == 0 &&
                   m.settings.model == p->settings.model,
               "the manifest does not hold the plan's values");
    FUZZ_CHECK(m.handover_eta == kms_plan_handover_eta(p), "another hand-over ETA in the manifest");
    kms_manifest_clear(&m);
    json_decref(j);
}

static void check_accepted(const kms_plan *p)
{
    eth_error err = {0};
    kms_plan q;
    json_t *j = NULL;
    FUZZ_CHECK(p->nsteps >= 1 && p->nsteps <= KMS_JOURNAL_MAX_STEPS, "steps out of bounds");
    char *text = dump(p);
    FUZZ_CHECK(eth_json_parse(text, strlen(text), &j, &err) == 0, "written JSON does not parse");
    FUZZ_CHECK(kms_plan_from_json(j, &q, &err) == 0, "the written journal is refused");
    char *again = dump(&q);
    FUZZ_CHECK(strcmp(text, again) == 0, "writing is not a fixed point");
    check_manifest(p);
    kms_plan_clear(&q);
    json_decref(j);
    free(text);
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > KMS_JOURNAL_MAX_FILE)
        return 0;
    eth_error err = {0};
    json_t *j = NULL;
    kms_plan p;
    if (eth_json_parse((const char *)data, size, &j, &err) != 0)
        return 0;
    int rc = kms_plan_from_json(j, &p, &err);
    if (rc) {
        fuzz_check_refusal(rc, &err, FUZZ_CODE(ETH_EINVAL) | FUZZ_CODE(ETH_ERANGE) |
                                         FUZZ_CODE(ETH_EUNSUP) | FUZZ_CODE(ETH_ENOMEM));
        FUZZ_CHECK(p.steps == NULL && p.nsteps == 0 && p.config.gateway_app_id == NULL,
                   "a refused plan holds something");
    } else {
        check_accepted(&p);
    }
    kms_plan_clear(&p);
    json_decref(j);
    return 0;
}
