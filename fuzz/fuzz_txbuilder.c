/* fuzz_txbuilder.c: libFuzzer target for Safe{Wallet} Transaction Builder batch files
 * (lib/kms/txbuilder.h): JSON text read with kms_tb_import, and any JSON value hashed with
 * kms_tb_json_hash (the checksum's serializer). A refusal must carry a documented code and a
 * message; an accepted batch must export (kms_tb_export) to a file that imports again to the
 * same batch with a correct checksum, and turn into a Safe transaction. */
#include "fuzz_common.h"

#include <jansson.h>

#include "eth/json.h"
#include "kms/txbuilder.h"

static const uint8_t MULTISEND[20] = {0x96, 0x41, 0xd7, 0x64, 0xfc, 0x13, 0xc8, 0xb6, 0x24, 0xc0,
                                      0x44, 0x30, 0xc7, 0x35, 0x6c, 0x1c, 0x7c, 0x81, 0x02, 0xe2};

static int same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void check_same(const kms_tb_batch *a, const kms_tb_batch *b)
{
    FUZZ_CHECK(a->chain_id == b->chain_id && a->ntxs == b->ntxs, "chain or count changed");
    FUZZ_CHECK(a->has_safe == b->has_safe && (!a->has_safe || !memcmp(a->safe, b->safe, 20)),
               "Safe changed");
    FUZZ_CHECK(same_text(a->name ? a->name : KMS_TB_DEFAULT_NAME, b->name) &&
                   same_text(a->description ? a->description : "", b->description),
               "name or description changed");
    for (size_t i = 0; i < a->ntxs; i++) {
        const kms_tb_tx *x = &a->txs[i], *y = &b->txs[i];
        FUZZ_CHECK(!memcmp(x->to, y->to, 20) && u256_cmp(&x->value, &y->value) == 0 &&
                       x->data.len == y->data.len &&
                       (x->data.len == 0 || !memcmp(x->data.data, y->data.data, x->data.len)),
                   "a transaction changed");
    }
}

static void check_accepted(const kms_tb_batch *b)
{
    eth_error err = {0};
    json_t *doc = NULL;
    kms_tb_batch back;
    kms_safe_tx tx;
    bool ok = false;
    FUZZ_CHECK(kms_tb_export(b, 1700000000000ull, &doc, &err) == 0, "an imported batch does not "
                                                                     "export");
    FUZZ_CHECK(kms_tb_import(doc, &back, &ok, &err) == 0, "the export does not import");
    FUZZ_CHECK(ok, "the export's checksum is wrong");
    check_same(b, &back);
    FUZZ_CHECK(kms_tb_safe_tx(b, MULTISEND, &tx, &err) == 0, "no Safe transaction");
    FUZZ_CHECK(tx.operation == (b->ntxs > 1), "wrong operation");
    kms_safe_tx_clear(&tx);
    kms_tb_batch_clear(&back);
    json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > KMS_TB_MAX_FILE)
        return 0;
    eth_error err = {0};
    json_t *j = NULL;
    kms_tb_batch b;
    bool ok = true;
    uint8_t h[32];
    if (eth_json_parse((const char *)data, size, &j, &err) != 0)
        return 0;
    int hrc = kms_tb_json_hash(j, h, &err);
    FUZZ_CHECK(hrc == 0 || hrc == -ETH_EUNSUP || hrc == -ETH_ERANGE || hrc == -ETH_ENOMEM,
               "an undocumented error code from the serializer");
    int rc = kms_tb_import(j, &b, &ok, &err);
    FUZZ_CHECK(rc == 0 || rc == -ETH_EINVAL || rc == -ETH_ERANGE || rc == -ETH_EUNSUP ||
                   rc == -ETH_ENOMEM,
               "an undocumented error code");
    FUZZ_CHECK(rc == 0 || (err.msg[0] != '\0' && !ok && b.txs == NULL && b.name == NULL),
               "a refusal without a message, or with something left");
    if (rc == 0)
        check_accepted(&b);
    kms_tb_batch_clear(&b);
    json_decref(j);
    return 0;
}
