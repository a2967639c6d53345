/* kdf.c: scrypt and PBKDF2-HMAC-SHA256 for keystore v3, with no hand-written crypto.
 *
 * Why two libraries for scrypt: OpenSSL 3 (EVP_KDF "SCRYPT", and EVP_PBE_scrypt) refuses cost
 * parameters with n >= 2^(16 r), the bound RFC 7914 states, but keystores outside that bound
 * exist and geth reads them: the Web3 Secret Storage spec's own test vector uses n = 2^18, r = 1,
 * p = 8, which EVP_PBE_scrypt rejects (measured: it returns 0). libsodium's
 * crypto_pwhash_scryptsalsa208sha256_ll has no such bound and gives the same bytes where both
 * run (tests/unit/test_keystore.c checks both on the RFC vectors and against each other). So
 * OpenSSL, the project's crypto library, computes every parameter set it accepts, and libsodium
 * only those with n >= 2^(16 r). Neither library is instrumented in a sanitizer build, so
 * geth's standard n = 2^18, r = 8 stays fast under ASan. */
#include "internal/kdf.h"

#include <errno.h>
#include <limits.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <sodium.h>

/* A non-NULL pointer for empty passwords and salts (the libraries want one). */
static const uint8_t EMPTY[1] = {0};

bool eth_scrypt_openssl_accepts(uint64_t n, uint32_t r)
{
    /* 16 r >= 64 admits every 64-bit n */
    return r >= 4 || n < (UINT64_C(1) << (16 * r));
}

/* Bytes scrypt works in: V (128 r n) and B (128 r p), plus two blocks of scratch; what OpenSSL
 * checks against its maxmem parameter. Returns false if it does not fit in size_t. */
static bool scrypt_memory(uint64_t n, uint32_t r, uint32_t p, uint64_t *bytes)
{
    uint64_t blocks = n + p + 2, block = 128u * (uint64_t)r;
    if (blocks < n || blocks > SIZE_MAX / block)
        return false;
    *bytes = blocks * block;
    return true;
}

static int scrypt_openssl(const void *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
                          uint64_t n, uint32_t r, uint32_t p, uint64_t maxmem, uint8_t *out,
                          size_t outlen, eth_error *err)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_SCRYPT, NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    if (!ctx)
        return eth_fail(err, ETH_ECRYPTO, "scrypt: OpenSSL has no SCRYPT KDF");
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pw, pwlen),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltlen),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end()};
    int ok = EVP_KDF_derive(ctx, out, outlen, params) == 1;
    EVP_KDF_CTX_free(ctx);
    if (!ok)
        return eth_fail(err, ETH_ECRYPTO,
                        "scrypt n=%llu r=%u p=%u: OpenSSL's key derivation failed (out of "
                        "memory?)",
                        (unsigned long long)n, r, p);
    return 0;
}

static int scrypt_sodium(const void *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
                         uint64_t n, uint32_t r, uint32_t p, uint8_t *out, size_t outlen,
                         eth_error *err)
{
    if (sodium_init() < 0)
        return eth_fail(err, ETH_ECRYPTO, "scrypt: libsodium failed to initialise");
    errno = 0;
    if (crypto_pwhash_scryptsalsa208sha256_ll(pw, pwlen, salt, saltlen, n, r, p, out, outlen) ==
        0)
        return 0;
    if (errno == ENOMEM)
        return eth_fail(err, ETH_ENOMEM, "scrypt n=%llu r=%u p=%u: out of memory",
                        (unsigned long long)n, r, p);
    return eth_fail(err, ETH_ECRYPTO, "scrypt n=%llu r=%u p=%u: libsodium's key derivation failed",
                    (unsigned long long)n, r, p);
}

int eth_kdf_scrypt(eth_scrypt_impl impl, const void *pw, size_t pwlen, const uint8_t *salt,
                   size_t saltlen, uint64_t n, uint32_t r, uint32_t p, uint8_t *out,
                   size_t outlen, eth_error *err)
{
    if (n < 2 || (n & (n - 1)) != 0 || r < 1 || p < 1 || (uint64_t)r * p >= (UINT64_C(1) << 30))
        return eth_fail(err, ETH_EINVAL,
                        "scrypt n=%llu r=%u p=%u: n must be a power of two >= 2, r and p >= 1, "
                        "r*p < 2^30",
                        (unsigned long long)n, r, p);
    uint64_t mem = 0;
    if (!scrypt_memory(n, r, p, &mem))
        return eth_fail(err, ETH_ERANGE, "scrypt n=%llu r=%u p=%u needs more memory than exists",
                        (unsigned long long)n, r, p);
    bool openssl = eth_scrypt_openssl_accepts(n, r);
    if (impl == ETH_SCRYPT_OPENSSL && !openssl)
        return eth_fail(err, ETH_EUNSUP, "scrypt n=%llu r=%u: OpenSSL refuses n >= 2^(16 r)",
                        (unsigned long long)n, r);
    if (!pw)
        pw = EMPTY;
    if (!salt)
        salt = EMPTY;
    int rc = impl == ETH_SCRYPT_SODIUM || !openssl
                 ? scrypt_sodium(pw, pwlen, salt, saltlen, n, r, p, out, outlen, err)
                 : scrypt_openssl(pw, pwlen, salt, saltlen, n, r, p, mem, out, outlen, err);
    if (rc)
        eth_wipe(out, outlen);
    return rc;
}

int eth_kdf_pbkdf2_sha256(const void *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
                          uint64_t c, uint8_t *out, size_t outlen, eth_error *err)
{
    if (pwlen > INT_MAX || saltlen > INT_MAX || outlen > INT_MAX || c < 1 || c > INT_MAX)
        return eth_fail(err, ETH_ERANGE,
                        "pbkdf2: password, salt or output longer than %d bytes, or c=%llu not "
                        "in 1..%d",
                        INT_MAX, (unsigned long long)c, INT_MAX);
    if (PKCS5_PBKDF2_HMAC(pw ? pw : (const void *)EMPTY, (int)pwlen, salt ? salt : EMPTY,
                          (int)saltlen, (int)c, EVP_sha256(), (int)outlen, out) != 1) {
        eth_wipe(out, outlen);
        return eth_fail(err, ETH_ECRYPTO, "pbkdf2 key derivation failed");
    }
    return 0;
}
