/* keystore.h: Web3 Secret Storage (keystore v3) files, as geth and `cast wallet` write them.
 *
 * Reading accepts the scrypt and pbkdf2 (hmac-sha256) KDFs with aes-128-ctr; the MAC is
 * keccak256(derivedKey[16..32] ++ ciphertext), compared in constant time. Parsing is strict
 * about types and lengths, and KDF parameters are capped (ETH_KEYSTORE_MAX_*) so a hostile file
 * cannot exhaust memory or CPU. Keys go in and come out as eth_signer objects (signer.h); every
 * derived key is wiped. */
#ifndef ETH_KEYSTORE_H
#define ETH_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "error.h"
#include "signer.h"

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

/* Fills p (not NULL) with geth's standard scrypt parameters. */
void eth_keystore_params_default(eth_keystore_params *p);

/* Checks p (not NULL) against the caps. Returns 0, -ETH_EINVAL (scrypt n not a power of two
 * >= 2), -ETH_ERANGE (over a cap; the message says which) or -ETH_EUNSUP (unknown kdf). */
int eth_keystore_params_check(const eth_keystore_params *p, eth_error *err) ETH_WARN_UNUSED;

/* Decrypts keystore JSON text json[0..len) with password[0..pwlen) into a new signer *out (free
 * it with eth_signer_free). Returns 0; -ETH_EINVAL / -ETH_EUNSUP / -ETH_ERANGE (not a keystore,
 * an unsupported cipher or KDF, parameters over the caps: see eth_keystore_validate);
 * -ETH_ECRYPTO "wrong password (MAC mismatch)", or a key that is invalid or does not match the
 * file's "address"; or -ETH_ENOMEM. *out is NULL on failure. password may be NULL if pwlen is 0. */
int eth_keystore_decrypt(const char *json, size_t len, const char *password, size_t pwlen,
                         eth_signer **out, eth_error *err) ETH_WARN_UNUSED;

/* Parses and checks keystore JSON text json[0..len) without running the KDF (for fuzzing and
 * listing). Returns 0 or the parse errors of eth_keystore_decrypt. */
int eth_keystore_validate(const char *json, size_t len, eth_error *err) ETH_WARN_UNUSED;

/* Appends the text of the keystore file at path to text (at most ETH_KEYSTORE_MAX_FILE bytes
 * of a regular file: a FIFO is refused without blocking) after checking it with
 * eth_keystore_validate. Returns 0, -ETH_EIO (cannot read it, not a regular file), -ETH_ERANGE
 * (too large) or the errors of eth_keystore_validate; messages start with "keystore PATH: ". */
int eth_keystore_load_file(const char *path, eth_buf *text, eth_error *err) ETH_WARN_UNUSED;

/* Reads and decrypts the keystore file at path into a new signer *out, as eth_keystore_load_file
 * and eth_keystore_decrypt; messages start with "keystore PATH: ". *out is NULL on failure. */
int eth_keystore_read_file(const char *path, const char *password, size_t pwlen,
                           eth_signer **out, eth_error *err) ETH_WARN_UNUSED;

/* Encrypts the key of signer (borrowed, not NULL) under password into a new malloc'd keystore
 * JSON string *out (the caller frees it). params NULL means eth_keystore_params_default.
 * Returns 0, the errors of eth_keystore_params_check, -ETH_ECRYPTO or -ETH_ENOMEM; *out is NULL
 * on failure. */
int eth_keystore_encrypt(const eth_signer *signer, const char *password, size_t pwlen,
                         const eth_keystore_params *params, char **out, eth_error *err)
    ETH_WARN_UNUSED;

/* Encrypts signer's key as eth_keystore_encrypt and creates path with mode 0600, the JSON and a
 * newline. Returns 0, an error of eth_keystore_encrypt, or -ETH_EIO ("already exists" if path
 * exists: it is never overwritten); messages start with "keystore PATH: ". */
int eth_keystore_write_file(const char *path, const eth_signer *signer, const char *password,
                            size_t pwlen, const eth_keystore_params *params, eth_error *err)
    ETH_WARN_UNUSED;

/* Writes a fresh random UUID v4 ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" and a NUL) to out.
 * Returns 0 or -ETH_ECRYPTO (no randomness). */
int eth_uuid_v4(char out[37], eth_error *err) ETH_WARN_UNUSED;

/* Reads the optional "address" field of keystore JSON text json[0..len) without decrypting.
 * Returns 1 and fills addr if present and well-formed, 0 if absent, or -ETH_EINVAL (not JSON,
 * no crypto object, a malformed address) / -ETH_ENOMEM. */
int eth_keystore_peek_address(const char *json, size_t len, uint8_t addr[20], eth_error *err)
    ETH_WARN_UNUSED;

/* eth_keystore_peek_address on the file at path (read as eth_keystore_load_file does, without
 * validating); messages start with "keystore PATH: ". */
int eth_keystore_peek_file(const char *path, uint8_t addr[20], eth_error *err) ETH_WARN_UNUSED;

#endif
