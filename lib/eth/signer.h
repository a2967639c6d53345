/* signer.h: the only holder of a private key. An eth_signer keeps its key in memory of its own
 * (an anonymous page) that is locked against swapping (mlock) and left out of core dumps
 * (MADV_DONTDUMP), and wipes it when freed; it signs digests and transactions and tells its
 * address, so that no raw 32-byte key crosses an API. Keys come in through
 * eth_keysource_resolve (keysource.h), eth_keystore_decrypt (keystore.h), eth_signer_from_hex or
 * eth_signer_generate. A signer is opaque; its functions do not change it, so one signer may be
 * used from several threads at once. */
#ifndef ETH_SIGNER_H
#define ETH_SIGNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "key.h"
#include "tx.h"

typedef struct eth_signer eth_signer;

/* Turns core dumps off for the rest of the process's life, before any secret is read: the
 * process becomes non-dumpable (prctl PR_SET_DUMPABLE 0, which also covers a core_pattern pipe
 * and keeps other processes of the user from ptrace and from its /proc/PID/mem and environ) and
 * its soft RLIMIT_CORE becomes 0. MADV_DONTDUMP keeps a signer's page out of a dump, but on its
 * way in a key passes through other memory (a password, a decrypted keystore, the hex text of a
 * key file, the KDF's stack). Programs run later (execve) are dumpable again; the hard limit is
 * left alone for them. Best effort: neither call fails for these arguments. Idempotent. */
void eth_no_core_dumps(void);

/* A new signer holding a fresh random key (OpenSSL RAND_bytes) into *out (free it with
 * eth_signer_free). The first signer of a process also turns core dumps off for the rest of its
 * life (non-dumpable, soft RLIMIT_CORE 0): what a key passed through on its way in must not
 * reach a core file either. Returns 0, -ETH_ECRYPTO (no randomness), -ETH_ENOMEM (no page for
 * the key) or -ETH_EUNSUP (the kernel cannot keep the page out of core dumps); *out is NULL on
 * failure. */
int eth_signer_generate(eth_signer **out, eth_error *err) ETH_WARN_UNUSED;

/* A new signer from hex key text text[0..len) (64 digits, optional 0x, surrounding ASCII
 * whitespace ignored) into *out. what names the source in messages, which never show the text
 * itself ("--private-key-file key.hex"; not NULL). Returns 0, -ETH_EINVAL (not 64 hex digits,
 * or not a valid secp256k1 key: zero or >= n) or as eth_signer_generate; *out is NULL on
 * failure. The text is borrowed and not changed: the caller wipes it. */
int eth_signer_from_hex(const char *text, size_t len, const char *what, eth_signer **out,
                        eth_error *err) ETH_WARN_UNUSED;

/* Frees s after wiping its key and unlocking its memory. NULL is fine. */
void eth_signer_free(eth_signer *s);

/* The signer's 20-byte address (borrowed; valid until eth_signer_free). s not NULL. */
const uint8_t *eth_signer_address(const eth_signer *s);

/* True if the key's memory is locked against swapping (mlock can fail under a low
 * RLIMIT_MEMLOCK; the key is still wiped and kept out of core dumps). s not NULL. */
bool eth_signer_is_locked(const eth_signer *s);

/* Signs the 32-byte digest (RFC 6979 nonce, low s) into *sig; it recovers to
 * eth_signer_address. Returns 0, -ETH_ENOMEM or -ETH_ECRYPTO. None may be NULL. */
int eth_signer_sign_digest(const eth_signer *s, const uint8_t digest[32], eth_sig *sig,
                           eth_error *err) ETH_WARN_UNUSED;

/* Signs tx (its signing hash for tx's type and chain id): sets tx->sig and tx->is_signed.
 * Returns 0, or the error of eth_tx_signing_hash or of eth_signer_sign_digest; then tx is left
 * unsigned (is_signed 0, sig zeroed). None may be NULL. */
int eth_signer_sign_tx(const eth_signer *s, eth_tx *tx, eth_error *err) ETH_WARN_UNUSED;

#endif
