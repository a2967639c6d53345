/* tx_json.c: transactions as cast decode-tx's JSON. */
#include "tx_json.h"

#include <stdlib.h>

#include "hex.h"
#include "u256.h"

static int no_memory(eth_error *err)
{
    return eth_fail(err, ETH_ENOMEM, "out of memory (transaction JSON)");
}

/* Sets o[key] = v, taking the reference v (NULL after a failed allocation is refused). */
static int put(json_t *o, const char *key, json_t *v, eth_error *err)
{
    return json_object_set_new(o, key, v) == 0 ? 0 : no_memory(err);
}

/* o[key] = "0x..." minimal hex of v. */
static int put_quantity(json_t *o, const char *key, const u256 *v, eth_error *err)
{
    char hex[67];
    u256_to_hex(v, hex);
    return put(o, key, json_string(hex), err);
}

static int put_u64(json_t *o, const char *key, uint64_t v, eth_error *err)
{
    u256 x = u256_from_u64(v);
    return put_quantity(o, key, &x, err);
}

/* The "0x..." hex of p[0..n) as a new JSON string, or NULL. */
static json_t *hex_string(const uint8_t *p, size_t n, eth_error *err)
{
    char *hex = NULL;
    if (eth_hex_encode_alloc(p, n, &hex, err) != 0)
        return NULL;
    json_t *s = json_string(hex);
    free(hex);
    return s;
}

static int put_bytes(json_t *o, const char *key, const uint8_t *p, size_t n, eth_error *err)
{
    return put(o, key, hex_string(p, n, err), err);
}

/* One access-list entry {"address": ..., "storageKeys": [...]}. */
static json_t *access_entry(const eth_access_entry *e, eth_error *err)
{
    json_t *entry = json_object(), *keys = json_array();
    int rc = entry && keys ? put_bytes(entry, "address", e->address, 20, err) : no_memory(err);
    for (size_t k = 0; rc == 0 && k < e->nkeys; k++)
        rc = json_array_append_new(keys, hex_string(e->keys[k], 32, err)) == 0 ? 0 : no_memory(err);
    if (rc == 0) {
        rc = put(entry, "storageKeys", keys, err);
        keys = NULL;
    }
    json_decref(keys);
    if (rc != 0) {
        json_decref(entry);
        return NULL;
    }
    return entry;
}

static int put_access_list(json_t *o, const eth_tx *tx, eth_error *err)
{
    json_t *list = json_array();
    int rc = list ? 0 : no_memory(err);
    for (size_t i = 0; rc == 0 && i < tx->access_len; i++)
        rc = json_array_append_new(list, access_entry(&tx->access_list[i], err)) == 0
                 ? 0
                 : no_memory(err);
    if (rc != 0) {
        json_decref(list);
        return rc;
    }
    return put(o, "accessList", list, err);
}

/* The fee fields in cast's order for tx's type. */
static int put_fees_and_gas(json_t *o, const eth_tx *tx, eth_error *err)
{
    if (tx->type == ETH_TX_DYNAMIC_FEE) {
        int rc = put_u64(o, "gas", tx->gas, err);
        if (rc == 0)
            rc = put_quantity(o, "maxFeePerGas", &tx->max_fee, err);
        return rc != 0 ? rc : put_quantity(o, "maxPriorityFeePerGas", &tx->max_priority_fee, err);
    }
    int rc = put_quantity(o, "gasPrice", &tx->gas_price, err);
    return rc != 0 ? rc : put_u64(o, "gas", tx->gas, err);
}

/* r, s, yParity (typed only), v. */
static int put_signature(json_t *o, const eth_tx *tx, eth_error *err)
{
    u256 r = u256_from_be(tx->sig.r, 32), s = u256_from_be(tx->sig.s, 32);
    int rc = put_quantity(o, "r", &r, err);
    if (rc == 0)
        rc = put_quantity(o, "s", &s, err);
    if (rc == 0 && tx->type != ETH_TX_LEGACY)
        rc = put_u64(o, "yParity", tx->sig.v, err);
    return rc != 0 ? rc : put_u64(o, "v", eth_tx_v(tx), err);
}

static int fill(json_t *o, const eth_tx *tx, const uint8_t signer[20], const uint8_t hash[32],
                eth_error *err)
{
    int rc = signer ? put_bytes(o, "signer", signer, 20, err) : 0;
    if (rc == 0)
        rc = put_u64(o, "type", (uint64_t)tx->type, err);
    if (rc == 0 && (tx->type != ETH_TX_LEGACY || tx->has_chain_id))
        rc = put_u64(o, "chainId", tx->chain_id, err);
    if (rc == 0)
        rc = put_u64(o, "nonce", tx->nonce, err);
    if (rc == 0)
        rc = put_fees_and_gas(o, tx, err);
    if (rc == 0)
        rc = tx->has_to ? put_bytes(o, "to", tx->to, 20, err) : put(o, "to", json_null(), err);
    if (rc == 0)
        rc = put_quantity(o, "value", &tx->value, err);
    if (rc == 0 && tx->type != ETH_TX_LEGACY)
        rc = put_access_list(o, tx, err);
    if (rc == 0)
        rc = put_bytes(o, "input", tx->data.data, tx->data.len, err);
    if (rc == 0)
        rc = put_signature(o, tx, err);
    if (rc == 0 && hash)
        rc = put_bytes(o, "hash", hash, 32, err);
    return rc;
}

int eth_tx_to_json(const eth_tx *tx, const uint8_t signer[20], const uint8_t hash[32],
                   json_t **out, eth_error *err)
{
    *out = NULL;
    json_t *o = json_object();
    int rc = o ? fill(o, tx, signer, hash, err) : no_memory(err);
    if (rc != 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

int eth_tx_json_cast_text(const json_t *o, char **out, eth_error *err)
{
    char *inner = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_t *str = inner ? json_string(inner) : NULL;
    free(inner);
    *out = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
    json_decref(str);
    return *out ? 0 : no_memory(err);
}
