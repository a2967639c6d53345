/* tx.c: legacy / EIP-155, EIP-2930 and EIP-1559 transactions: encode, sign, hash, decode. */
#include "tx.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "keccak.h"
#include "rlp.h"

void eth_tx_init(eth_tx *tx)
{
    memset(tx, 0, sizeof *tx);
}

void eth_tx_clear(eth_tx *tx)
{
    eth_buf_clear(&tx->data);
    for (size_t i = 0; i < tx->access_len; i++)
        free(tx->access_list[i].keys);
    free(tx->access_list);
    eth_tx_init(tx);
}

int eth_tx_access_add(eth_tx *tx, const uint8_t address[20], const uint8_t (*keys)[32],
                      size_t nkeys, eth_error *err)
{
    if (tx->access_len >= SIZE_MAX / sizeof *tx->access_list - 1 ||
        nkeys > SIZE_MAX / 32)
        return eth_fail(err, ETH_ERANGE, "access list too large (%zu entries, %zu keys)",
                        tx->access_len, nkeys);
    eth_access_entry *list =
        realloc(tx->access_list, (tx->access_len + 1) * sizeof *tx->access_list);
    if (!list)
        return eth_fail(err, ETH_ENOMEM, "out of memory (access list)");
    tx->access_list = list;
    eth_access_entry *e = &list[tx->access_len];
    memcpy(e->address, address, 20);
    e->nkeys = nkeys;
    e->keys = NULL;
    if (nkeys) {
        e->keys = malloc(nkeys * 32);
        if (!e->keys)
            return eth_fail(err, ETH_ENOMEM, "out of memory (%zu storage keys)", nkeys);
        memcpy(e->keys, keys, nkeys * 32);
    }
    tx->access_len++;
    return 0;
}

/* Appends the access list as an RLP list of [address, [keys...]]. */
static int put_access_list(const eth_tx *tx, eth_buf *b, eth_error *err)
{
    size_t outer, inner, keys;
    int rc = 0;
    eth_rlp_list_begin(b, &outer);
    for (size_t i = 0; rc == 0 && i < tx->access_len; i++) {
        const eth_access_entry *e = &tx->access_list[i];
        eth_rlp_list_begin(b, &inner);
        rc = eth_rlp_put_bytes(b, e->address, 20, err);
        eth_rlp_list_begin(b, &keys);
        for (size_t k = 0; rc == 0 && k < e->nkeys; k++)
            rc = eth_rlp_put_bytes(b, e->keys[k], 32, err);
        if (rc == 0)
            rc = eth_rlp_list_end(b, keys, err);
        if (rc == 0)
            rc = eth_rlp_list_end(b, inner, err);
    }
    return rc ? rc : eth_rlp_list_end(b, outer, err);
}

/* Appends to (20 bytes) or the empty string for a contract creation. */
static int put_to(const eth_tx *tx, eth_buf *b, eth_error *err)
{
    return eth_rlp_put_bytes(b, tx->to, tx->has_to ? 20 : 0, err);
}

/* Appends the fields every form shares, in the order of tx's type. */
static int put_body(const eth_tx *tx, eth_buf *b, eth_error *err)
{
    int rc = 0;
    if (tx->type != ETH_TX_LEGACY)
        rc = eth_rlp_put_u64(b, tx->chain_id, err);
    if (rc == 0)
        rc = eth_rlp_put_u64(b, tx->nonce, err);
    if (rc == 0 && tx->type == ETH_TX_DYNAMIC_FEE) {
        rc = eth_rlp_put_u256(b, &tx->max_priority_fee, err);
        if (rc == 0)
            rc = eth_rlp_put_u256(b, &tx->max_fee, err);
    } else if (rc == 0) {
        rc = eth_rlp_put_u256(b, &tx->gas_price, err);
    }
    if (rc == 0)
        rc = eth_rlp_put_u64(b, tx->gas, err);
    if (rc == 0)
        rc = put_to(tx, b, err);
    if (rc == 0)
        rc = eth_rlp_put_u256(b, &tx->value, err);
    if (rc == 0)
        rc = eth_rlp_put_bytes(b, tx->data.data, tx->data.len, err);
    if (rc == 0 && tx->type != ETH_TX_LEGACY)
        rc = put_access_list(tx, b, err);
    return rc;
}

/* Checks the type is one we know. */
static int check_type(const eth_tx *tx, eth_error *err)
{
    if (tx->type < ETH_TX_LEGACY || tx->type > ETH_TX_DYNAMIC_FEE)
        return eth_fail(err, ETH_EUNSUP, "transaction type %d is not supported (0, 1, 2 are)",
                        tx->type);
    return 0;
}

/* Appends the type byte for typed transactions. */
static int put_type(const eth_tx *tx, eth_buf *b, eth_error *err)
{
    uint8_t t = (uint8_t)tx->type;
    return tx->type == ETH_TX_LEGACY ? 0 : eth_buf_append(b, &t, 1, err);
}

/* Appends the EIP-155 signing suffix (chain id, 0, 0) of a legacy transaction that has one. */
static int put_eip155_suffix(const eth_tx *tx, eth_buf *b, eth_error *err)
{
    if (tx->type != ETH_TX_LEGACY || !tx->has_chain_id)
        return 0;
    int rc = eth_rlp_put_u64(b, tx->chain_id, err);
    if (rc == 0)
        rc = eth_rlp_put_bytes(b, NULL, 0, err);
    if (rc == 0)
        rc = eth_rlp_put_bytes(b, NULL, 0, err);
    return rc;
}

static int put_signature(const eth_tx *tx, eth_buf *b, eth_error *err);

/* Type byte and the RLP list of the body, closed by the signature or (unsigned) the EIP-155 suffix. */
static int encode(const eth_tx *tx, bool with_signature, eth_buf *out, eth_error *err)
{
    int rc = check_type(tx, err);
    if (rc == 0)
        rc = put_type(tx, out, err);
    size_t mark;
    eth_rlp_list_begin(out, &mark);
    if (rc == 0)
        rc = put_body(tx, out, err);
    if (rc == 0)
        rc = with_signature ? put_signature(tx, out, err) : put_eip155_suffix(tx, out, err);
    return rc ? rc : eth_rlp_list_end(out, mark, err);
}

/* Keccak-256 of the signed or unsigned encoding. */
static int hash_encoding(const eth_tx *tx, bool with_signature, uint8_t hash[32], eth_error *err)
{
    eth_buf b = {0};
    int rc = with_signature ? eth_tx_encode_signed(tx, &b, err) : encode(tx, false, &b, err);
    if (rc == 0)
        eth_keccak256(b.data, b.len, hash);
    eth_buf_clear(&b);
    return rc;
}

int eth_tx_encode_unsigned(const eth_tx *tx, eth_buf *out, eth_error *err)
{
    return encode(tx, false, out, err);
}

int eth_tx_signing_hash(const eth_tx *tx, uint8_t hash[32], eth_error *err)
{
    return hash_encoding(tx, false, hash, err);
}

uint64_t eth_tx_v(const eth_tx *tx)
{
    if (tx->type != ETH_TX_LEGACY)
        return tx->sig.v;
    if (!tx->has_chain_id)
        return 27u + tx->sig.v;
    return tx->chain_id * 2 + 35 + tx->sig.v;
}

/* Appends v, r, s (r and s as minimal integers). */
static int put_signature(const eth_tx *tx, eth_buf *b, eth_error *err)
{
    u256 r = u256_from_be(tx->sig.r, 32), s = u256_from_be(tx->sig.s, 32);
    int rc = eth_rlp_put_u64(b, eth_tx_v(tx), err);
    if (rc == 0)
        rc = eth_rlp_put_u256(b, &r, err);
    if (rc == 0)
        rc = eth_rlp_put_u256(b, &s, err);
    return rc;
}

int eth_tx_encode_signed(const eth_tx *tx, eth_buf *out, eth_error *err)
{
    if (!tx->is_signed)
        return eth_fail(err, ETH_ESTATE, "transaction is not signed yet");
    if (tx->type == ETH_TX_LEGACY && tx->has_chain_id &&
        tx->chain_id > (UINT64_MAX - 35 - tx->sig.v) / 2)
        return eth_fail(err, ETH_ERANGE, "chain id %llu is too large for a legacy v",
                        (unsigned long long)tx->chain_id);
    return encode(tx, true, out, err);
}

int eth_tx_hash(const eth_tx *tx, uint8_t hash[32], eth_error *err)
{
    return hash_encoding(tx, true, hash, err);
}

int eth_tx_sender(const eth_tx *tx, uint8_t addr[20], eth_error *err)
{
    if (!tx->is_signed)
        return eth_fail(err, ETH_ESTATE, "transaction is not signed");
    uint8_t hash[32];
    int rc = eth_tx_signing_hash(tx, hash, err);
    if (rc == 0)
        rc = eth_recover_address(hash, &tx->sig, addr, err);
    return rc;
}
