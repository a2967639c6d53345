/* tx_decode.c: strict decoding of raw signed transactions (declared in tx.h). */
#include "tx.h"

#include <stdlib.h>
#include <string.h>

#include "rlp.h"

/* Names of each form's fields, in wire order, for error messages. */
static const char *const LEGACY_FIELDS[] = {"nonce", "gasPrice", "gas", "to", "value",
                                            "input", "v", "r", "s"};
static const char *const TYPE1_FIELDS[] = {"chainId", "nonce", "gasPrice", "gas",
                                           "to", "value", "input", "accessList",
                                           "yParity", "r", "s"};
static const char *const TYPE2_FIELDS[] = {"chainId", "nonce", "maxPriorityFeePerGas",
                                           "maxFeePerGas", "gas", "to", "value", "input",
                                           "accessList", "yParity", "r", "s"};

/* Reads the destination: 20 bytes, or empty for a contract creation. */
static int get_to(const eth_rlp_item *it, eth_tx *tx, eth_error *err)
{
    if (!it->is_list && it->len == 0) {
        tx->has_to = 0;
        return 0;
    }
    tx->has_to = 1;
    return eth_rlp_get_fixed(it, tx->to, 20, err);
}

/* Copies a byte-string item into buf. */
static int get_bytes(const eth_rlp_item *it, eth_buf *buf, eth_error *err)
{
    if (it->is_list)
        return eth_fail(err, ETH_EINVAL, "expected bytes, found a list");
    return eth_buf_append(buf, it->data, it->len, err);
}

/* Reads a 32-byte signature scalar stored as a minimal integer. */
static int get_scalar(const eth_rlp_item *it, uint8_t out[32], eth_error *err)
{
    u256 v;
    int rc = eth_rlp_get_u256(it, &v, err);
    if (rc == 0)
        u256_to_be(&v, out);
    return rc;
}

/* Reads one access-list entry [address, [key, ...]] and appends it to tx. */
static int get_access_entry(const eth_rlp_item *entry, eth_tx *tx, eth_error *err)
{
    eth_rlp_item parts[2], key;
    uint8_t addr[20];
    int rc = eth_rlp_list_exact(entry, parts, 2, err);
    if (rc == 0)
        rc = eth_rlp_get_fixed(&parts[0], addr, 20, err);
    if (rc == 0)
        rc = eth_tx_access_add(tx, addr, NULL, 0, err);
    eth_rlp_iter it = {0};
    if (rc == 0)
        rc = eth_rlp_iter_init(&it, &parts[1], err);
    eth_access_entry *e = rc == 0 ? &tx->access_list[tx->access_len - 1] : NULL;
    while (rc == 0 && (rc = eth_rlp_next(&it, &key, err)) == 1) {
        uint8_t(*keys)[32] = realloc(e->keys, (e->nkeys + 1) * 32);
        if (!keys)
            return eth_fail(err, ETH_ENOMEM, "out of memory (storage keys)");
        e->keys = keys;
        rc = eth_rlp_get_fixed(&key, e->keys[e->nkeys], 32, err);
        e->nkeys += rc == 0;
    }
    return rc < 0 ? rc : 0;
}

/* Reads the access list (a list of entries). */
static int get_access_list(const eth_rlp_item *list, eth_tx *tx, eth_error *err)
{
    eth_rlp_iter it = {0};
    eth_rlp_item entry;
    int rc = eth_rlp_iter_init(&it, list, err);
    while (rc == 0 && (rc = eth_rlp_next(&it, &entry, err)) == 1) {
        rc = get_access_entry(&entry, tx, err);
        if (rc)
            return eth_error_prefix(err, "entry %zu: ", it.index - 1);
    }
    return rc < 0 ? rc : 0;
}

/* Splits legacy v into chain id and y parity (27/28 pre-EIP-155, else chainId*2+35+y). */
static int split_legacy_v(uint64_t v, eth_tx *tx, eth_error *err)
{
    if (v == 27 || v == 28) {
        tx->has_chain_id = 0;
        tx->sig.v = (uint8_t)(v - 27);
        return 0;
    }
    if (v < 35)
        return eth_fail(err, ETH_EINVAL, "%llu is neither 27/28 nor an EIP-155 value (>= 35)",
                        (unsigned long long)v);
    tx->has_chain_id = 1;
    tx->chain_id = (v - 35) / 2;
    tx->sig.v = (uint8_t)((v - 35) % 2);
    return 0;
}

/* Reads a typed y parity (0 or 1). */
static int get_parity(const eth_rlp_item *it, eth_tx *tx, eth_error *err)
{
    uint64_t y = 0;
    int rc = eth_rlp_get_u64(it, &y, err);
    if (rc == 0 && y > 1)
        return eth_fail(err, ETH_EINVAL, "y parity %llu is not 0 or 1", (unsigned long long)y);
    tx->sig.v = (uint8_t)y;
    return rc;
}

/* Reads field i of the legacy form. */
static int legacy_field(size_t i, const eth_rlp_item *f, eth_tx *tx, eth_error *err)
{
    uint64_t v;
    switch (i) {
    case 0: return eth_rlp_get_u64(f, &tx->nonce, err);
    case 1: return eth_rlp_get_u256(f, &tx->gas_price, err);
    case 2: return eth_rlp_get_u64(f, &tx->gas, err);
    case 3: return get_to(f, tx, err);
    case 4: return eth_rlp_get_u256(f, &tx->value, err);
    case 5: return get_bytes(f, &tx->data, err);
    case 6: {
        int rc = eth_rlp_get_u64(f, &v, err);
        return rc ? rc : split_legacy_v(v, tx, err);
    }
    case 7: return get_scalar(f, tx->sig.r, err);
    default: return get_scalar(f, tx->sig.s, err);
    }
}

/* Reads field i of the type-2 form. */
static int type2_field(size_t i, const eth_rlp_item *f, eth_tx *tx, eth_error *err)
{
    switch (i) {
    case 0: return eth_rlp_get_u64(f, &tx->chain_id, err);
    case 1: return eth_rlp_get_u64(f, &tx->nonce, err);
    case 2: return eth_rlp_get_u256(f, &tx->max_priority_fee, err);
    case 3: return eth_rlp_get_u256(f, &tx->max_fee, err);
    case 4: return eth_rlp_get_u64(f, &tx->gas, err);
    case 5: return get_to(f, tx, err);
    case 6: return eth_rlp_get_u256(f, &tx->value, err);
    case 7: return get_bytes(f, &tx->data, err);
    case 8: return get_access_list(f, tx, err);
    case 9: return get_parity(f, tx, err);
    case 10: return get_scalar(f, tx->sig.r, err);
    default: return get_scalar(f, tx->sig.s, err);
    }
}

/* Reads field i of the type-1 form (type 2 without the two fee fields, plus gasPrice). */
static int type1_field(size_t i, const eth_rlp_item *f, eth_tx *tx, eth_error *err)
{
    if (i < 2)
        return type2_field(i, f, tx, err);
    if (i == 2)
        return eth_rlp_get_u256(f, &tx->gas_price, err);
    return type2_field(i + 1, f, tx, err);
}

typedef int (*field_reader)(size_t, const eth_rlp_item *, eth_tx *, eth_error *);

/* Decodes the field list at p[0..n) with the given reader and field names. */
static int decode_fields(const uint8_t *p, size_t n, field_reader read,
                         const char *const *names, size_t nfields, eth_tx *tx, eth_error *err)
{
    eth_rlp_item list, fields[12];
    int rc = eth_rlp_decode(p, n, &list, err);
    if (rc == 0 && !list.is_list)
        rc = eth_fail(err, ETH_EINVAL, "expected an RLP list of fields, found a byte string");
    if (rc == 0)
        rc = eth_rlp_list_exact(&list, fields, nfields, err);
    for (size_t i = 0; rc == 0 && i < nfields; i++) {
        rc = read(i, &fields[i], tx, err);
        if (rc)
            eth_error_prefix(err, "field %s: ", names[i]);
    }
    return rc;
}

/* Dispatches on the first byte: an RLP list is legacy, else an EIP-2718 type byte. */
static int decode_any(const uint8_t *raw, size_t n, eth_tx *tx, eth_error *err)
{
    if (n == 0)
        return eth_fail(err, ETH_EINVAL, "empty transaction");
    if (raw[0] >= 0xc0) {
        tx->type = ETH_TX_LEGACY;
        return decode_fields(raw, n, legacy_field, LEGACY_FIELDS, 9, tx, err);
    }
    tx->type = raw[0];
    if (raw[0] == ETH_TX_DYNAMIC_FEE)
        return decode_fields(raw + 1, n - 1, type2_field, TYPE2_FIELDS, 12, tx, err);
    if (raw[0] == ETH_TX_ACCESS_LIST)
        return decode_fields(raw + 1, n - 1, type1_field, TYPE1_FIELDS, 11, tx, err);
    if (raw[0] <= 0x7f)
        return eth_fail(err, ETH_EUNSUP, "transaction type 0x%02x is not supported "
                                         "(legacy, 0x01 and 0x02 are)", raw[0]);
    return eth_fail(err, ETH_EINVAL, "first byte 0x%02x is neither a type nor an RLP list",
                    raw[0]);
}

int eth_tx_decode(const uint8_t *raw, size_t n, eth_tx *tx, eth_error *err)
{
    eth_tx_init(tx);
    int rc = decode_any(raw, n, tx, err);
    if (rc) {
        eth_tx_clear(tx);
        return rc;
    }
    tx->is_signed = 1;
    return 0;
}
