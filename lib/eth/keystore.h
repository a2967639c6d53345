/* keystore.h: Web3 Secret Storage (keystore v3) files, as geth and `cast wallet` write them.
 *
 * Reading accepts the scrypt and pbkdf2 (hmac-sha256) KDFs with aes-128-ctr; the MAC is
 * keccak256(derivedKey[16..32] ++ ciphertext), compared in constant time. Parsing is strict
 * about types and lengths, and KDF parameters are capped (ETH_KEYSTORE_MAX_*) so a hostile file
 * cannot exhaust memory or CPU. Every derived key, password copy and private key is wiped. */
#ifndef ETH_KEYSTORE_H
#define ETH_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* Which key-derivation function a new keystore uses. */
typedef enum eth_keystore_kdf { ETH_KDF_SCRYPT = 0, ETH_KDF_PBKDF2 = 1 } eth_keystore_kdf;

/* Parameters for writing a keystore; eth_keystore_params_default fills geth's standard ones. */
typedef struct eth_keystore_params {
    eth_keystore_kdf kdf;
    uint64_t scrypt_n; /* power of two */
    uint32_t scrypt_r;
    uint32_t scrypt_p;
    uint32_t pbkdf2_c; /* iterations */
} eth_keystore_params;

/* geth's "standard" scrypt parameters (n = 2^18, r = 8, p = 1); cast uses n = 2^13. */
#define ETH_KEYSTORE_SCRYPT_N 262144u
#define ETH_KEYSTORE_SCRYPT_R 8u
#define ETH_KEYSTORE_SCRYPT_P 1u
#define ETH_KEYSTORE_PBKDF2_C 262144u

/* Caps on KDF parameters read from a file (and accepted for writing). */
#define ETH_KEYSTORE_MAX_SCRYPT_MEM (512ull * 1024 * 1024) /* 128 * r * n bytes */
#define ETH_KEYSTORE_MAX_SCRYPT_WORK (1ull << 23)          /* n * r * p (geth standard: 2^21) */
#define ETH_KEYSTORE_MAX_SCRYPT_R 32u
#define ETH_KEYSTORE_MAX_SCRYPT_P 64u
#define ETH_KEYSTORE_MAX_PBKDF2_C 10000000u
#define ETH_KEYSTORE_MAX_SALT 1024u
/* Largest keystore file read. */
#define ETH_KEYSTORE_MAX_FILE (64u * 1024)

/* Fills p with geth's standard scrypt parameters. */
void eth_keystore_params_default(eth_keystore_params *p);

/* Checks p against the caps; returns 0 or -ETH_EUNSUP/-ETH_ERANGE with a message. */
int eth_keystore_params_check(const eth_keystore_params *p, eth_error *err);

/* Decrypts keystore JSON text json[0..len) with password[0..pwlen) into priv; a wrong password
 * gives -ETH_ECRYPTO "wrong password (MAC mismatch)". */
int eth_keystore_decrypt(const char *json, size_t len, const char *password, size_t pwlen,
                         uint8_t priv[32], eth_error *err);

/* Parses and checks keystore JSON text without running the KDF (for fuzzing and listing). */
int eth_keystore_validate(const char *json, size_t len, eth_error *err);

/* Reads and decrypts the keystore file at path; messages start with "keystore PATH: ". */
int eth_keystore_read_file(const char *path, const char *password, size_t pwlen, uint8_t priv[32],
                           eth_error *err);

/* Encrypts priv under password into a new malloc'd keystore JSON string *out (free it). */
int eth_keystore_encrypt(const uint8_t priv[32], const char *password, size_t pwlen,
                         const eth_keystore_params *params, char **out, eth_error *err);

/* Encrypts priv and creates path (mode 0600); fails with -ETH_EIO if path already exists. */
int eth_keystore_write_file(const char *path, const uint8_t priv[32], const char *password,
                            size_t pwlen, const eth_keystore_params *params, eth_error *err);

/* Writes a fresh random UUID v4 ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") to out (37 bytes). */
int eth_uuid_v4(char out[37], eth_error *err);

/* Reads the optional "address" field of keystore JSON text without decrypting; returns 1 and
 * fills addr if present and well-formed, 0 if absent, negative if the text is not a keystore. */
int eth_keystore_peek_address(const char *json, size_t len, uint8_t addr[20], eth_error *err);

/* eth_keystore_peek_address on the file at path; messages start with "keystore PATH: ". */
int eth_keystore_peek_file(const char *path, uint8_t addr[20], eth_error *err);

#endif
