/* fuzz_decode.c: libFuzzer target for the nested decoder a Safe signer reads (lib/kms/decode.h):
 * arbitrary bytes as the calldata of a call to a known DstackKms, TimelockController or Safe, to
 * the canonical MultiSendCallOnly or to an unknown address, decoded, rendered and made JSON. It
 * must never fail (but for memory), stay within its caps, and print only ASCII. */
#include "fuzz_common.h"

#include <jansson.h>

#include "kms/decode.h"
#include "kms/safe_canonical.h"

/* anvil's first deployments (any addresses would do) and an unknown one. */
static const uint8_t KMS[20] = {0x5f, 0xbd, 0xb2, 0x31, 0x56, 0x78, 0xaf, 0xec, 0xb3, 0x67,
                                0xf0, 0x32, 0xd9, 0x3f, 0x64, 0x2f, 0x64, 0x18, 0x0a, 0xa3};
static const uint8_t TL[20] = {0xe7, 0xf1, 0x72, 0x5e, 0x77, 0x34, 0xce, 0x28, 0x8f, 0x83,
                               0x67, 0xe1, 0xbb, 0x14, 0x3e, 0x90, 0xbb, 0x3f, 0x05, 0x12};
static const uint8_t SAFE[20] = {0x9f, 0xe4, 0x67, 0x36, 0x67, 0x9d, 0x2d, 0x9a, 0x65, 0xf0,
                                 0x99, 0x2f, 0x22, 0x72, 0xde, 0x9f, 0x3c, 0x7f, 0xa6, 0xe0};
static const uint8_t ODD[20] = {[18] = 0xde, [19] = 0xad};

/* True if every byte of s[0..n) is printable ASCII or a newline (render's lines). */
static int lines_printable(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\n' && (s[i] < 0x20 || s[i] > 0x7e))
            return 0;
    return 1;
}

/* Checks the tree under d (at level, 1 for the root) and counts its nodes into *nodes. */
static void check_tree(const kms_decoded *d, int level, size_t *nodes)
{
    FUZZ_CHECK(level <= KMS_DECODE_MAX_DEPTH, "deeper than the cap");
    FUZZ_CHECK(fuzz_is_printable(d->target) && fuzz_is_printable(d->call) &&
                   fuzz_is_printable(d->warning_text),
               "a text outside printable ASCII");
    FUZZ_CHECK((d->warnings & ~0x7fu) == 0, "an unknown warning flag");
    FUZZ_CHECK((d->warnings != 0) == (d->warning_text[0] != '\0'), "warnings without text");
    FUZZ_CHECK((d->nchildren == 0) == (d->children == NULL), "children and count disagree");
    *nodes += d->nchildren;
    for (size_t i = 0; i < d->nchildren; i++)
        check_tree(&d->children[i], level + 1, nodes);
}

/* Input: byte 0 picks the target (its value % 5: DstackKms, the timelock, the Safe, the
 * canonical MultiSendCallOnly, an unknown address) and, with bit 0x80, a delegatecall; with
 * bit 0x40 the call is a Safe tx of the Safe. The rest is the calldata. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t ms[20] = {0};
    const kms_safe_contract *c;
    for (size_t i = 0; (c = kms_safe_contract_at(i)) != NULL; i++)
        if (strcmp(c->name, "MultiSendCallOnly") == 0)
            kms_safe_contract_address(c, ms);
    const uint8_t *const targets[5] = {KMS, TL, SAFE, ms, ODD};
    kms_known known[3] = {{{0}, "DstackKms", "DstackKms"},
                          {{0}, "timelock", "TimelockController"},
                          {{0}, "Safe", NULL}};
    memcpy(known[0].addr, KMS, 20);
    memcpy(known[1].addr, TL, 20);
    memcpy(known[2].addr, SAFE, 20);
    const uint8_t *to = targets[data[0] % 5];
    int op = data[0] >> 7;
    kms_decoded d;
    eth_error err;
    int rc;
    if (data[0] & 0x40) {
        kms_safe_tx tx = {0};
        memcpy(tx.to, to, 20);
        tx.data = (eth_buf){.data = (uint8_t *)data + 1, .len = size - 1}; /* only read */
        tx.operation = (uint8_t)op;
        rc = kms_decode_safe_tx(known, 3, SAFE, &tx, &d, &err);
    } else {
        rc = kms_decode_call(known, 3, to, NULL, data + 1, size - 1, op, &d, &err);
    }
    FUZZ_CHECK(rc == 0, "decoding failed");
    size_t nodes = 1;
    check_tree(&d, 1, &nodes);
    FUZZ_CHECK(nodes <= KMS_DECODE_MAX_NODES, "more nodes than the cap");
    eth_buf text = {0};
    FUZZ_CHECK(kms_decoded_render(&d, &text, &err) == 0, "render failed");
    FUZZ_CHECK(lines_printable(text.data, text.len), "render printed a byte outside ASCII");
    json_t *j = kms_decoded_json(&d);
    FUZZ_CHECK(j != NULL, "no JSON");
    json_decref(j);
    eth_buf_clear(&text);
    kms_decoded_clear(&d);
    return 0;
}
