/* fuzz_tx.c: libFuzzer target for raw signed transactions; a decoded tx must re-encode to the same bytes. */
#include "fuzz_common.h"

#include "eth/tx.h"

/* The decoded fields must be in range for their type. */
static void check_fields(const eth_tx *tx)
{
    FUZZ_CHECK(tx->type >= ETH_TX_LEGACY && tx->type <= ETH_TX_DYNAMIC_FEE, "unknown type");
    FUZZ_CHECK(tx->is_signed, "decoded tx is not marked signed");
    FUZZ_CHECK(tx->sig.v <= 1, "y parity out of range");
    FUZZ_CHECK(tx->type == ETH_TX_LEGACY || !tx->has_chain_id, "typed tx with legacy chain flag");
    for (size_t i = 0; i < tx->access_len; i++)
        FUZZ_CHECK(tx->access_list[i].nkeys == 0 || tx->access_list[i].keys, "keys missing");
}

/* Re-encodes tx; the raw bytes must come back unchanged and the hash must be computable. */
static void check_round_trip(const eth_tx *tx, const uint8_t *data, size_t size)
{
    eth_error err = {0};
    eth_buf out = {0};
    uint8_t hash[32];
    int rc = eth_tx_encode_signed(tx, &out, &err);
    if (rc != 0)
        fprintf(stderr, "re-encode failed: %s\n", err.msg);
    FUZZ_CHECK(rc == 0, "decoded tx does not re-encode");
    FUZZ_CHECK(out.len == size && memcmp(out.data, data, size) == 0, "re-encoding differs");
    eth_buf_clear(&out);
    FUZZ_CHECK(eth_tx_hash(tx, hash, &err) == 0, "hash failed");
    FUZZ_CHECK(eth_tx_signing_hash(tx, hash, &err) == 0, "signing hash failed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eth_error err = {0};
    eth_tx tx;
    if (eth_tx_decode(data, size, &tx, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
        FUZZ_CHECK(tx.data.data == NULL && tx.access_list == NULL, "failed decode leaks fields");
        return 0;
    }
    check_fields(&tx);
    check_round_trip(&tx, data, size);
    uint8_t addr[20];
    int rc = eth_tx_sender(&tx, addr, &err);
    FUZZ_CHECK(rc == 0 || err.msg[0] != '\0', "sender failure without a message");
    eth_tx_clear(&tx);
    return 0;
}
