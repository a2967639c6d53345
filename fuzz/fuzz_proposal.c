/* fuzz_proposal.c: libFuzzer target for Safe proposal files (lib/kms/proposal.h): JSON text
 * read with kms_proposal_from_json. A refusal must carry a documented code and a message; an
 * accepted file must write back (kms_proposal_json) to JSON that reads again to the same
 * proposal and writes the same text (the written form is a fixed point), count each of its
 * signers once, and merge with itself without adding anything. */
#include "fuzz_common.h"

#include <jansson.h>

#include "eth/json.h"
#include "kms/proposal.h"

/* The JSON text of p (NUL-terminated, malloc'd), as a file holds it. */
static char *dump(const kms_proposal *p)
{
    json_t *j = kms_proposal_json(p);
    FUZZ_CHECK(j != NULL, "no JSON for an accepted proposal");
    char *s = json_dumps(j, JSON_INDENT(2));
    FUZZ_CHECK(s != NULL, "JSON did not print");
    json_decref(j);
    return s;
}

static void check_accepted(const kms_proposal *p)
{
    eth_error err = {0};
    kms_proposal q;
    size_t added = 1;
    char *text = dump(p);
    json_t *j = NULL;
    FUZZ_CHECK(eth_json_parse(text, strlen(text), &j, &err) == 0, "written JSON does not parse");
    FUZZ_CHECK(kms_proposal_from_json(j, &q, &err) == 0, "written JSON is refused");
    char *again = dump(&q);
    FUZZ_CHECK(strcmp(text, again) == 0, "writing is not a fixed point");
    FUZZ_CHECK(memcmp(q.safe_tx_hash, p->safe_tx_hash, 32) == 0, "another safeTxHash");
    FUZZ_CHECK(q.nsigs == p->nsigs && kms_proposal_count_sigs(&q) == q.nsigs,
               "signatures lost or counted twice");
    size_t nested = 0;
    for (size_t i = 0; i < q.nnested; i++)
        if (kms_proposal_count_nested(&q, q.nested[i].safe) == 0)
            nested = SIZE_MAX;
        else if (nested != SIZE_MAX)
            nested++;
    FUZZ_CHECK(q.nnested == p->nnested && nested == q.nnested,
               "nested signatures lost or not counted");
    FUZZ_CHECK(kms_proposal_merge(&q, p, &added, &err) == 0 && added == 0,
               "merging a copy changed something");
    kms_proposal_clear(&q);
    json_decref(j);
    free(text);
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > KMS_PROPOSAL_MAX_FILE)
        return 0;
    eth_error err = {0};
    json_t *j = NULL;
    kms_proposal p;
    if (eth_json_parse((const char *)data, size, &j, &err) != 0)
        return 0;
    int rc = kms_proposal_from_json(j, &p, &err);
    FUZZ_CHECK(rc == 0 || rc == -ETH_EINVAL || rc == -ETH_ERANGE || rc == -ETH_EUNSUP ||
                   rc == -ETH_ECRYPTO || rc == -ETH_ENOMEM,
               "an undocumented error code");
    FUZZ_CHECK(rc == 0 || err.msg[0] != '\0', "failure without a message");
    FUZZ_CHECK(rc == 0 || (p.sigs == NULL && p.tx.data.data == NULL && p.owners == NULL),
               "a refusal left memory in the proposal");
    if (rc == 0)
        check_accepted(&p);
    kms_proposal_clear(&p);
    json_decref(j);
    return 0;
}
