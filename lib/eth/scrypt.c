/* scrypt.c: scrypt (RFC 7914): PBKDF2-HMAC-SHA256, ROMix over BlockMix over Salsa20/8. */
#include "scrypt.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define ROTL(a, b) (((a) << (b)) | ((a) >> (32 - (b))))

/* The mixing loops run 2^21 Salsa20/8 cores for common parameters: sanitizer checks there would
 * make a sanitized debug build take most of a minute per key. They index only fixed-size
 * arrays and a buffer sized by eth_scrypt, and are checked against OpenSSL by the unit tests. */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8)
#define HOT __attribute__((no_sanitize("address", "undefined"), hot))
#else
#define HOT
#endif

/* Salsa20/8 core applied in place to a 16-word block. */
HOT static void salsa20_8(uint32_t b[16])
{
    uint32_t x[16];
    memcpy(x, b, sizeof x);
    for (int i = 0; i < 8; i += 2) {
        x[4] ^= ROTL(x[0] + x[12], 7);   x[8] ^= ROTL(x[4] + x[0], 9);
        x[12] ^= ROTL(x[8] + x[4], 13);  x[0] ^= ROTL(x[12] + x[8], 18);
        x[9] ^= ROTL(x[5] + x[1], 7);    x[13] ^= ROTL(x[9] + x[5], 9);
        x[1] ^= ROTL(x[13] + x[9], 13);  x[5] ^= ROTL(x[1] + x[13], 18);
        x[14] ^= ROTL(x[10] + x[6], 7);  x[2] ^= ROTL(x[14] + x[10], 9);
        x[6] ^= ROTL(x[2] + x[14], 13);  x[10] ^= ROTL(x[6] + x[2], 18);
        x[3] ^= ROTL(x[15] + x[11], 7);  x[7] ^= ROTL(x[3] + x[15], 9);
        x[11] ^= ROTL(x[7] + x[3], 13);  x[15] ^= ROTL(x[11] + x[7], 18);
        x[1] ^= ROTL(x[0] + x[3], 7);    x[2] ^= ROTL(x[1] + x[0], 9);
        x[3] ^= ROTL(x[2] + x[1], 13);   x[0] ^= ROTL(x[3] + x[2], 18);
        x[6] ^= ROTL(x[5] + x[4], 7);    x[7] ^= ROTL(x[6] + x[5], 9);
        x[4] ^= ROTL(x[7] + x[6], 13);   x[5] ^= ROTL(x[4] + x[7], 18);
        x[11] ^= ROTL(x[10] + x[9], 7);  x[8] ^= ROTL(x[11] + x[10], 9);
        x[9] ^= ROTL(x[8] + x[11], 13);  x[10] ^= ROTL(x[9] + x[8], 18);
        x[12] ^= ROTL(x[15] + x[14], 7); x[13] ^= ROTL(x[12] + x[15], 9);
        x[14] ^= ROTL(x[13] + x[12], 13); x[15] ^= ROTL(x[14] + x[13], 18);
    }
    for (int i = 0; i < 16; i++)
        b[i] += x[i];
}

/* BlockMix: b (2r blocks of 16 words) -> out (even blocks first, then odd). */
HOT static void block_mix(const uint32_t *b, uint32_t *out, uint32_t r)
{
    uint32_t x[16];
    memcpy(x, b + (2 * r - 1) * 16, sizeof x);
    for (uint32_t i = 0; i < 2 * r; i++) {
        for (int k = 0; k < 16; k++)
            x[k] ^= b[i * 16 + k];
        salsa20_8(x);
        memcpy(out + ((i & 1) * r + i / 2) * 16, x, sizeof x);
    }
}

/* ROMix on one 128*r-byte chunk x (as words), with scratch v (32*r*n words) and y (32*r). */
HOT static void ro_mix(uint32_t *x, uint32_t *v, uint32_t *y, uint32_t r, uint64_t n)
{
    size_t words = 32 * (size_t)r;
    for (uint64_t i = 0; i < n; i++) {
        memcpy(v + i * words, x, words * 4);
        block_mix(v + i * words, x, r);
    }
    for (uint64_t i = 0; i < n; i++) {
        const uint32_t *last = x + (2 * r - 1) * 16;
        uint64_t j = (((uint64_t)last[1] << 32) | last[0]) & (n - 1);
        for (size_t k = 0; k < words; k++)
            x[k] ^= v[j * words + k];
        block_mix(x, y, r);
        memcpy(x, y, words * 4);
    }
}

static void load_le(uint32_t *w, const uint8_t *p, size_t nwords)
{
    for (size_t i = 0; i < nwords; i++)
        w[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
}

static void store_le(uint8_t *p, const uint32_t *w, size_t nwords)
{
    for (size_t i = 0; i < nwords; i++) {
        p[4 * i] = (uint8_t)w[i];
        p[4 * i + 1] = (uint8_t)(w[i] >> 8);
        p[4 * i + 2] = (uint8_t)(w[i] >> 16);
        p[4 * i + 3] = (uint8_t)(w[i] >> 24);
    }
}

static int pbkdf2_1(const void *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
                    uint8_t *out, size_t outlen)
{
    if (pwlen > INT_MAX || saltlen > INT_MAX || outlen > INT_MAX)
        return 0;
    return PKCS5_PBKDF2_HMAC(pwlen ? pw : "", (int)pwlen, salt, (int)saltlen, 1, EVP_sha256(),
                             (int)outlen, out);
}

/* Runs ROMix over each of the p chunks of b (bytes) in place. */
static void mix_chunks(uint8_t *b, uint32_t *x, uint32_t *v, uint32_t *y, uint32_t r, uint32_t p,
                       uint64_t n)
{
    size_t words = 32 * (size_t)r;
    for (uint32_t i = 0; i < p; i++) {
        load_le(x, b + i * words * 4, words);
        ro_mix(x, v, y, r, n);
        store_le(b + i * words * 4, x, words);
    }
}

int eth_scrypt(const void *pw, size_t pwlen, const uint8_t *salt, size_t saltlen, uint64_t n,
               uint32_t r, uint32_t p, uint8_t *out, size_t outlen, eth_error *err)
{
    if (n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0 || r > (1u << 20) || p > (1u << 20) ||
        n > SIZE_MAX / 128 / r / 2)
        return eth_fail(err, ETH_EINVAL, "scrypt: bad parameters n=%llu r=%u p=%u",
                        (unsigned long long)n, r, p);
    size_t chunk = 128 * (size_t)r, blen = chunk * p, vlen = chunk * (size_t)n;
    uint8_t *b = malloc(blen);
    uint32_t *x = malloc(chunk), *y = malloc(chunk), *v = malloc(vlen);
    int rc = 0;
    if (!b || !x || !y || !v)
        rc = eth_fail(err, ETH_ENOMEM, "scrypt: cannot allocate %zu MiB", (vlen >> 20) + 1);
    if (rc == 0 && !pbkdf2_1(pw, pwlen, salt, saltlen, b, blen))
        rc = eth_fail(err, ETH_ECRYPTO, "scrypt: PBKDF2 failed");
    if (rc == 0) {
        mix_chunks(b, x, v, y, r, p, n);
        if (!pbkdf2_1(pw, pwlen, b, blen, out, outlen))
            rc = eth_fail(err, ETH_ECRYPTO, "scrypt: PBKDF2 failed");
    }
    if (v)
        eth_wipe(v, vlen);
    if (b)
        eth_wipe(b, blen);
    if (x)
        eth_wipe(x, chunk);
    if (y)
        eth_wipe(y, chunk);
    free(v);
    free(b);
    free(x);
    free(y);
    return rc;
}
