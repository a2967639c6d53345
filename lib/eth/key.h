/* key.h: secp256k1 public keys, addresses and recoverable ECDSA signatures (libsecp256k1).
 * Nothing here takes a private key: keys live in an eth_signer (signer.h). */
#ifndef ETH_KEY_H
#define ETH_KEY_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"

/* A recoverable ECDSA signature: r, s (low-s) and recovery id v in {0,1}. Plain data. */
typedef struct eth_sig {
    uint8_t r[32];
    uint8_t s[32];
    uint8_t v;
} eth_sig;

/* Writes the address (last 20 bytes of keccak256(X||Y)) of the 64-byte public key X||Y pub to
 * addr. Cannot fail. */
void eth_pubkey_address(const uint8_t pub[64], uint8_t addr[20]);

/* Recovers the signer's public key X||Y into pub from the 32-byte hash and sig.
 * Returns 0; -ETH_EINVAL (v not 0 or 1, s in the upper half of the order (EIP-2), r or s zero
 * or not below the order); or -ETH_ECRYPTO (no public key recovers). None may be NULL. */
int eth_recover_pubkey(const uint8_t hash[32], const eth_sig *sig, uint8_t pub[64],
                       eth_error *err) ETH_WARN_UNUSED;

/* Like eth_recover_pubkey, writing the signer's 20-byte address to addr. */
int eth_recover_address(const uint8_t hash[32], const eth_sig *sig, uint8_t addr[20],
                        eth_error *err) ETH_WARN_UNUSED;

/* True if sig's s is at most n/2 (the canonical form EIP-2 requires). sig not NULL. */
bool eth_sig_is_low_s(const eth_sig *sig);

#endif
