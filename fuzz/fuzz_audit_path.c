/* fuzz_audit_path.c: libFuzzer target for the way `policy history` reads a change's transaction
 * (lib/kms/audit_path.h): arbitrary bytes as a transaction's input, followed through Safes'
 * execTransaction, timelocks' execute / executeBatch and multiSend batches, then each Safe
 * hop's signatures read for their signers and the owner Safes' signers inside contract
 * signatures, the path put in words and JSON. Nothing of it may fail but for memory; hops stay
 * within their cap; the signers are at most one per 65 bytes, those inside an owner Safe's
 * signature belong to one of the signers; the words are printable ASCII.
 * Input: byte 0 picks the transaction's target (the KMS, a timelock, a Safe), 32 bytes of Safe
 * transaction hash, then the input. */
#include "fuzz_common.h"

#include <jansson.h>

#include "kms/audit_path.h"
#include "kms/safe.h"

static const uint8_t KMS[20] = {[0] = 0x11, [19] = 0x11};
static const uint8_t TL[20] = {[0] = 0x22, [19] = 0x22};
static const uint8_t SAFE[20] = {[0] = 0x33, [19] = 0x33};
static const uint8_t SENDER[20] = {[0] = 0x44, [19] = 0x44};

/* Reads the signers of every Safe hop of p (schedule paths included), as the receipt step does
 * once it has the Safe transaction hash. */
static void read_signers(kms_audit_path *p, const uint8_t hash[32])
{
    eth_error err;
    for (size_t k = 0; k < p->nhops; k++) {
        kms_audit_hop *h = &p->hops[k];
        if (h->kind != KMS_HOP_SAFE)
            continue;
        h->has_safe_tx_hash = true;
        memcpy(h->safe_tx_hash, hash, 32);
        FUZZ_CHECK(kms_audit_signers(hash, h->signatures.data, h->signatures.len, &h->signers,
                                     &h->nsigners, &err) == 0, "reading signers failed");
        FUZZ_CHECK(h->nsigners <= h->signatures.len / 65, "more signers than signatures");
        FUZZ_CHECK(kms_audit_inner_signers(31337, hash, h->signatures.data, h->signatures.len,
                                           &h->inner, &h->ninner, &err) == 0,
                   "reading owner Safes' signers failed");
        FUZZ_CHECK(h->ninner <= KMS_SAFE_MAX_OWNERS * KMS_SAFE_MAX_OWNERS,
                   "more inner signers than owner Safes can have owners");
        for (size_t j = 0; j < h->ninner; j++) {
            bool named = false; /* an owner Safe with signers inside is one of the signers */
            for (size_t i = 0; i < h->nsigners && !named; i++)
                named = memcmp(h->signers[i], h->inner[j].safe, 20) == 0;
            FUZZ_CHECK(named, "signers inside an owner Safe that is not a signer");
        }
        if (h->schedule)
            read_signers(h->schedule, hash);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 33)
        return 0;
    const uint8_t *const targets[3] = {KMS, TL, SAFE};
    kms_audit_path p = {0};
    eth_error err;
    memcpy(p.target, KMS, 20);
    memcpy(p.sender, SENDER, 20);
    FUZZ_CHECK(kms_audit_path_decode(&p, SENDER, targets[data[0] % 3], data + 33, size - 33,
                                     &err) == 0,
               "decoding a path failed");
    FUZZ_CHECK(p.nhops <= KMS_AUDIT_MAX_HOPS, "more hops than the cap");
    read_signers(&p, data + 1);
    char words[4096];
    kms_audit_path_words(&p, words, sizeof words);
    FUZZ_CHECK(fuzz_is_printable(words), "the words are not printable ASCII");
    json_t *j = kms_audit_path_json(&p);
    FUZZ_CHECK(j != NULL, "no JSON for the path");
    json_decref(j);
    kms_audit_path_clear(&p);
    return 0;
}
