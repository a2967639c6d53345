/* keccak.h: Ethereum's Keccak-256 (original Keccak padding 0x01, not SHA3-256). */
#ifndef ETH_KECCAK_H
#define ETH_KECCAK_H

#include <stddef.h>
#include <stdint.h>

/* Incremental Keccak-256 state. */
typedef struct eth_keccak {
    uint64_t s[25];
    size_t pos; /* bytes absorbed into the current block */
} eth_keccak;

/* Starts a new hash. */
void eth_keccak_init(eth_keccak *k);

/* Absorbs n bytes. */
void eth_keccak_update(eth_keccak *k, const void *p, size_t n);

/* Finishes and writes the 32-byte digest; the state is wiped. */
void eth_keccak_final(eth_keccak *k, uint8_t out[32]);

/* One-shot Keccak-256 of p[0..n). */
void eth_keccak256(const void *p, size_t n, uint8_t out[32]);

#endif
