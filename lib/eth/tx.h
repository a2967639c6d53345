/* tx.h: Ethereum transactions: legacy (pre-EIP-155 and EIP-155), EIP-2930 (type 1) and
 * EIP-1559 (type 2): unsigned payload, signing hash, signing, raw encoding, hash, strict
 * decoding of a raw signed transaction and sender recovery. */
#ifndef ETH_TX_H
#define ETH_TX_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "hex.h"
#include "key.h"
#include "u256.h"

/* Transaction types (EIP-2718 type byte; legacy is 0). */
enum eth_tx_type { ETH_TX_LEGACY = 0, ETH_TX_ACCESS_LIST = 1, ETH_TX_DYNAMIC_FEE = 2 };

/* One access-list entry: an address and its storage keys (heap-owned by the eth_tx). */
typedef struct eth_access_entry {
    uint8_t address[20];
    uint8_t (*keys)[32];
    size_t nkeys;
} eth_access_entry;

/* A transaction. Zero-initialize (or eth_tx_init), fill, and release with eth_tx_clear. */
typedef struct eth_tx {
    int type;                     /* enum eth_tx_type */
    int has_chain_id;             /* legacy only: 0 means pre-EIP-155 (v = 27/28) */
    uint64_t chain_id;
    uint64_t nonce;
    u256 gas_price;               /* legacy and type 1 */
    u256 max_priority_fee;        /* type 2: maxPriorityFeePerGas */
    u256 max_fee;                 /* type 2: maxFeePerGas */
    uint64_t gas;                 /* gas limit */
    int has_to;                   /* 0: contract creation */
    uint8_t to[20];
    u256 value;
    eth_buf data;                 /* calldata or init code */
    eth_access_entry *access_list; /* types 1 and 2 */
    size_t access_len;
    int is_signed;
    eth_sig sig;                  /* r, s and y parity (0/1) */
} eth_tx;

/* Zeroes tx (all fields empty, legacy type). tx not NULL. */
void eth_tx_init(eth_tx *tx);

/* Frees what tx owns (data, access list) and zeroes it; the struct itself is the caller's. */
void eth_tx_clear(eth_tx *tx);

/* Appends an access-list entry for address with a copy of keys[0..nkeys) (keys may be NULL if
 * nkeys is 0). Returns 0, -ETH_ERANGE (sizes that would overflow) or -ETH_ENOMEM (then tx is
 * unchanged). */
int eth_tx_access_add(eth_tx *tx, const uint8_t address[20], const uint8_t (*keys)[32],
                      size_t nkeys, eth_error *err) ETH_WARN_UNUSED;

/* Appends the payload that is signed (type byte || RLP, or legacy RLP with the EIP-155 fields)
 * to out. Returns 0, -ETH_EUNSUP for an unknown tx->type, or an eth_buf error. */
int eth_tx_encode_unsigned(const eth_tx *tx, eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Writes the Keccak-256 of the unsigned payload (the hash the sender signs) to hash.
 * Returns 0 or as eth_tx_encode_unsigned. */
int eth_tx_signing_hash(const eth_tx *tx, uint8_t hash[32], eth_error *err) ETH_WARN_UNUSED;

/* Appends the raw signed encoding (what eth_sendRawTransaction takes) to out. Returns 0,
 * -ETH_ESTATE if tx is not signed, -ETH_ERANGE for a legacy chain id too large for v,
 * -ETH_EUNSUP for an unknown type, or an eth_buf error. */
int eth_tx_encode_signed(const eth_tx *tx, eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Writes the transaction hash (Keccak-256 of the raw signed encoding) to hash.
 * Returns 0 or as eth_tx_encode_signed. */
int eth_tx_hash(const eth_tx *tx, uint8_t hash[32], eth_error *err) ETH_WARN_UNUSED;

/* The v value as carried on the wire: y parity for typed, 27/28 or chainId*2+35+y for legacy. */
uint64_t eth_tx_v(const eth_tx *tx);

/* Decodes the raw signed transaction raw[0..n) (strict RLP, no trailing bytes) into *tx, which
 * is initialised first (it must not hold anything). Returns 0 with tx filled and marked signed
 * (the caller clears it with eth_tx_clear), or with tx cleared: -ETH_EINVAL (malformed; the
 * message names the field), -ETH_ERANGE (a number too large for its field), -ETH_EUNSUP (a
 * typed transaction other than 0x01, 0x02), -ETH_ENOMEM. */
int eth_tx_decode(const uint8_t *raw, size_t n, eth_tx *tx, eth_error *err) ETH_WARN_UNUSED;

/* Recovers the sender's address of a signed tx into addr. Returns 0, -ETH_ESTATE if tx is not
 * signed, a signing-hash error, or an eth_recover_address error (-ETH_EINVAL for a signature
 * out of range or with a high s, -ETH_ECRYPTO when no key recovers). */
int eth_tx_sender(const eth_tx *tx, uint8_t addr[20], eth_error *err) ETH_WARN_UNUSED;

#endif
