/* key.h: secp256k1 keys (libsecp256k1): private key -> public key -> address, recoverable signatures. */
#ifndef ETH_KEY_H
#define ETH_KEY_H

#include <stdint.h>
#include "error.h"

/* A recoverable ECDSA signature: r, s (low-s) and recovery id v in {0,1}. */
typedef struct eth_sig {
    uint8_t r[32];
    uint8_t s[32];
    uint8_t v;
} eth_sig;

/* True if priv is a valid secret key (0 < k < n). */
int eth_key_valid(const uint8_t priv[32]);

/* Fills priv with a fresh random valid key (OpenSSL RAND_bytes). */
int eth_key_generate(uint8_t priv[32], eth_error *err);

/* Uncompressed public key X||Y (64 bytes) of priv. */
int eth_key_pubkey(const uint8_t priv[32], uint8_t pub[64], eth_error *err);

/* Address (last 20 bytes of keccak256(X||Y)) of a 64-byte public key. */
void eth_pubkey_address(const uint8_t pub[64], uint8_t addr[20]);

/* Address of priv. */
int eth_key_address(const uint8_t priv[32], uint8_t addr[20], eth_error *err);

/* Signs a 32-byte hash (RFC 6979 nonce, low-s). */
int eth_sign_hash(const uint8_t priv[32], const uint8_t hash[32], eth_sig *sig, eth_error *err);

/* Recovers the signer's address from a hash and signature; rejects high-s and bad v. */
int eth_recover_address(const uint8_t hash[32], const eth_sig *sig, uint8_t addr[20],
                        eth_error *err);

/* True if sig's s is at most n/2 (the canonical form EIP-2 requires). */
int eth_sig_is_low_s(const eth_sig *sig);

/* Recovers the signer's public key X||Y from a hash and signature; rejects high-s and bad v. */
int eth_recover_pubkey(const uint8_t hash[32], const eth_sig *sig, uint8_t pub[64],
                       eth_error *err);

#endif
