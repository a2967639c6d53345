/* keccak.h: Ethereum's Keccak-256 (original Keccak padding 0x01, not SHA3-256). */
#ifndef KMS_ETH_KECCAK_H
#define KMS_ETH_KECCAK_H

#include <stddef.h>
#include <stdint.h>

/* Incremental Keccak-256 state. */
typedef struct kms_keccak {
    uint64_t s[25];
    size_t pos; /* bytes absorbed into the current block */
} kms_keccak;

/* Starts a new hash. */
void kms_keccak_init(kms_keccak *k);

/* Absorbs n bytes. */
void kms_keccak_update(kms_keccak *k, const void *p, size_t n);

/* Finishes and writes the 32-byte digest; the state is wiped. */
void kms_keccak_final(kms_keccak *k, uint8_t out[32]);

/* One-shot Keccak-256 of p[0..n). */
void kms_keccak256(const void *p, size_t n, uint8_t out[32]);

#endif
