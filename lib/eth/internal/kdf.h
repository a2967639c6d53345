/* internal/kdf.h (internal to lib/eth): the password-based key derivation functions of keystore
 * v3 files, scrypt (RFC 7914) and PBKDF2-HMAC-SHA256 (RFC 8018), on OpenSSL 3 and, for the one
 * scrypt parameter range OpenSSL refuses, libsodium (see kdf.c). Not part of the public API. */
#ifndef ETH_INTERNAL_KDF_H
#define ETH_INTERNAL_KDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../error.h"

/* Which library computes scrypt. ETH_SCRYPT_AUTO is what keystores use; the others exist so
 * tests can check each library against the RFC vectors and against each other. */
typedef enum eth_scrypt_impl {
    ETH_SCRYPT_AUTO = 0, /* OpenSSL where it accepts the parameters, libsodium otherwise */
    ETH_SCRYPT_OPENSSL,
    ETH_SCRYPT_SODIUM
} eth_scrypt_impl;

/* True if OpenSSL's scrypt accepts cost n with block size r: n < 2^(16 r), RFC 7914's bound. */
bool eth_scrypt_openssl_accepts(uint64_t n, uint32_t r);

/* Derives outlen bytes into out from password pw[0..pwlen) and salt[0..saltlen) with scrypt,
 * n a power of two >= 2, r >= 1, p >= 1, r * p < 2^30. It allocates about 128 * r * (n + p)
 * bytes: the caller caps the parameters (keystore.c does). pw and salt may be NULL when their
 * length is 0. Returns 0; -ETH_EINVAL (parameters out of the RFC's domain); -ETH_ERANGE (the
 * memory it needs does not fit in size_t); -ETH_EUNSUP (ETH_SCRYPT_OPENSSL with n >= 2^(16 r));
 * -ETH_ENOMEM; or -ETH_ECRYPTO (the library failed). out is wiped on failure. */
int eth_kdf_scrypt(eth_scrypt_impl impl, const void *pw, size_t pwlen, const uint8_t *salt,
                   size_t saltlen, uint64_t n, uint32_t r, uint32_t p, uint8_t *out,
                   size_t outlen, eth_error *err) ETH_WARN_UNUSED;

/* Derives outlen bytes into out with PBKDF2-HMAC-SHA256, c >= 1 iterations (capped by the
 * caller). pw and salt may be NULL when their length is 0. Returns 0; -ETH_ERANGE (a length or
 * c above INT_MAX, OpenSSL's limit); or -ETH_ECRYPTO. out is wiped on failure. */
int eth_kdf_pbkdf2_sha256(const void *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
                          uint64_t c, uint8_t *out, size_t outlen, eth_error *err)
    ETH_WARN_UNUSED;

#endif
