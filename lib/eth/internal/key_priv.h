/* internal/key_priv.h (internal to lib/eth): the secp256k1 operations that take a raw 32-byte
 * private key. Only signer.c (and the unit tests) call them, so that no raw key crosses a public
 * API; everyone else holds an eth_signer (signer.h). Not part of the public API. */
#ifndef ETH_INTERNAL_KEY_PRIV_H
#define ETH_INTERNAL_KEY_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include "../error.h"
#include "../key.h"

/* True if priv is a valid secret key (0 < k < n, big-endian). priv not NULL. */
bool eth_key_valid(const uint8_t priv[32]);

/* Fills priv with a fresh random valid key (OpenSSL RAND_bytes). Returns 0 or -ETH_ECRYPTO
 * (no randomness); priv is wiped on failure. */
int eth_key_generate(uint8_t priv[32], eth_error *err) ETH_WARN_UNUSED;

/* Writes the uncompressed public key X||Y of priv to pub. Returns 0, -ETH_EINVAL (priv out of
 * range), -ETH_ENOMEM or -ETH_ECRYPTO. */
int eth_key_pubkey(const uint8_t priv[32], uint8_t pub[64], eth_error *err) ETH_WARN_UNUSED;

/* Writes the 20-byte address of priv to addr. Returns 0 or as eth_key_pubkey. */
int eth_key_address(const uint8_t priv[32], uint8_t addr[20], eth_error *err) ETH_WARN_UNUSED;

/* Signs the 32-byte hash with priv (RFC 6979 nonce, low s) into *sig. Returns 0, -ETH_EINVAL
 * (priv out of range), -ETH_ENOMEM or -ETH_ECRYPTO (no randomness to blind the context, or
 * signing failed). */
int eth_sign_hash(const uint8_t priv[32], const uint8_t hash[32], eth_sig *sig, eth_error *err)
    ETH_WARN_UNUSED;

#endif
