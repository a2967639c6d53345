/* internal/signer_key.h (internal to lib/eth): the two ways a raw key enters or leaves an
 * eth_signer, for keystore.c (decrypting a key into a signer, encrypting a signer's key) and the
 * unit tests. Not part of the public API: nothing outside lib/eth may see a raw key. */
#ifndef ETH_INTERNAL_SIGNER_KEY_H
#define ETH_INTERNAL_SIGNER_KEY_H

#include <stdint.h>
#include "../error.h"
#include "../signer.h"

/* A new signer holding a copy of the 32 key bytes key (the caller wipes its copy) into *out.
 * Returns 0, -ETH_EINVAL (not a valid secp256k1 key: zero or >= n) or as eth_signer_generate;
 * *out is NULL on failure. */
int eth_signer_from_key(const uint8_t key[32], eth_signer **out, eth_error *err)
    ETH_WARN_UNUSED;

/* The signer's 32 key bytes, borrowed (in the signer's locked page; valid until
 * eth_signer_free). Only for encrypting the key; never copy it out. s not NULL. */
const uint8_t *eth_signer_secret(const eth_signer *s);

#endif
