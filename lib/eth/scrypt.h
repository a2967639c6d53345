/* scrypt.h: the scrypt KDF (RFC 7914) on OpenSSL's PBKDF2-HMAC-SHA256.
 * OpenSSL's own EVP_PBE_scrypt refuses N >= 2^(16r), which the Web3 Secret Storage test vector
 * (n = 2^18, r = 1, p = 8) and some geth keystores use; this one has no such limit. */
#ifndef ETH_SCRYPT_H
#define ETH_SCRYPT_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* Derives outlen bytes from pw and salt; n a power of two >= 2, r, p >= 1. The caller caps the
 * cost (it allocates 128 * r * n bytes); returns 0, -ETH_EINVAL or -ETH_ENOMEM. */
int eth_scrypt(const void *pw, size_t pwlen, const uint8_t *salt, size_t saltlen, uint64_t n,
               uint32_t r, uint32_t p, uint8_t *out, size_t outlen, eth_error *err);

#endif
