/* safe_tx.h: Safe v1.4.1 transactions: the EIP-712 hash the owners sign, their signatures,
 * and the calldata of execTransaction and approveHash.
 *
 * The hash is Safe's getTransactionHash: keccak256(0x19 0x01 ++ domainSeparator ++
 * structHash), with the domain {chainId, verifyingContract} of Safe 1.3 and later (no name, no
 * version) and the struct SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256
 * safeTxGas,uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256
 * nonce). execTransaction takes the owners' signatures as one byte string: 65 bytes r ++ s ++ v
 * per owner, sorted by owner address, ascending. Safe reads v as the kind of signature:
 *   27, 28  ECDSA over the hash itself (what kms_safe_sign makes);
 *   31, 32  eth_sign: ECDSA over keccak256("\x19Ethereum Signed Message:\n32" ++ hash), v + 4
 *           (what a wallet's personal_sign / `cast wallet sign` gives, after adding 4 to v);
 *   1       approved hash: r = the owner, s = 0; the owner called approveHash(hash) before,
 *           or is the one sending execTransaction;
 *   0       a contract signature (EIP-1271, as Safe 1.4.1 reads it): r = the owner contract,
 *           s = where its signature data starts in the byte string (after every 65-byte
 *           part), and there a 32-byte length and the data. Safe passes the data with the
 *           transaction's 66-byte encoding (0x19 0x01 ++ domainSeparator ++ structHash) to
 *           the owner's isValidSignature(bytes,bytes). kmsctl makes them for owners that are
 *           Safes (their CompatibilityFallbackHandler checks the data as their own owners'
 *           signatures of kms_safe_owner_safe_hash). */
#ifndef KMS_SAFE_TX_H
#define KMS_SAFE_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/buf.h"
#include "eth/error.h"
#include "eth/signer.h"
#include "eth/u256.h"
#include "safe.h"

/* What a Safe transaction does with its call. */
enum kms_safe_operation { KMS_SAFE_CALL = 0, KMS_SAFE_DELEGATECALL = 1 };

/* A Safe transaction. Zero-initialise; data is owned (release with kms_safe_tx_clear). Zero
 * gas fields and gas token mean no refund, as kmsctl always sends them. */
typedef struct kms_safe_tx {
    uint8_t to[20];
    u256 value;
    eth_buf data;
    uint8_t operation; /* enum kms_safe_operation */
    u256 safe_tx_gas, base_gas, gas_price;
    uint8_t gas_token[20], refund_receiver[20];
    u256 nonce; /* the Safe's nonce() this transaction uses */
} kms_safe_tx;

/* Frees tx's data (not tx itself). NULL is fine. */
void kms_safe_tx_clear(kms_safe_tx *tx);

/* Writes the EIP-712 domain separator of the Safe at safe on chain chain_id to out:
 * keccak256(abi.encode(keccak256("EIP712Domain(uint256 chainId,address verifyingContract)"),
 * chainId, safe)), as the Safe's domainSeparator() returns it. Cannot fail. */
void kms_safe_domain_separator(uint64_t chain_id, const uint8_t safe[20], uint8_t out[32]);

/* Writes the EIP-712 struct hash of tx (SafeTx, above) to out.
 * Returns 0, or -ETH_EINVAL (an operation other than 0 or 1). tx not NULL. */
int kms_safe_tx_struct_hash(const kms_safe_tx *tx, uint8_t out[32], eth_error *err)
    ETH_WARN_UNUSED;

/* Writes the hash the owners sign, as the Safe's getTransactionHash(...) returns it, to out.
 * Returns 0 or as kms_safe_tx_struct_hash. tx, safe (20 bytes) not NULL. */
int kms_safe_tx_hash(const kms_safe_tx *tx, uint64_t chain_id, const uint8_t safe[20],
                     uint8_t out[32], eth_error *err) ETH_WARN_UNUSED;

/* The kind of a signature, read from its v as Safe reads it. */
enum kms_safe_sig_kind {
    KMS_SAFE_SIG_UNKNOWN,  /* any other v (v = 0: a contract signature) */
    KMS_SAFE_SIG_ECDSA,    /* v 27 or 28 */
    KMS_SAFE_SIG_ETH_SIGN, /* v 31 or 32 */
    KMS_SAFE_SIG_APPROVED  /* v 1 */
};

/* One owner's signature of a Safe transaction hash. Plain data. */
typedef struct kms_safe_sig {
    uint8_t owner[20];
    uint8_t rsv[65]; /* r (32 bytes) ++ s (32) ++ v (1), as execTransaction reads it */
} kms_safe_sig;

/* The kind of sig (from rsv[64]). sig not NULL. */
enum kms_safe_sig_kind kms_safe_sig_kind(const kms_safe_sig *sig);

/* Signs safe_tx_hash with s: an ECDSA signature (v 27 or 28) by s's address into *out.
 * Returns 0 or as eth_signer_sign_digest. None may be NULL. */
int kms_safe_sign(const eth_signer *s, const uint8_t safe_tx_hash[32], kms_safe_sig *out,
                  eth_error *err) ETH_WARN_UNUSED;

/* Fills *out with owner's approved-hash signature: v 1, r the owner, s 0. It counts when the
 * owner called approveHash(hash) on the Safe, or sends the execTransaction itself. */
void kms_safe_sig_approved(const uint8_t owner[20], kms_safe_sig *out);

/* Makes *out from a 65-byte signature rsv (v 0, 1, 27 or 28) made by someone else over
 * safe_tx_hash: directly (eth_sign false: an ECDSA kind) or as eth_sign / personal_sign does
 * (eth_sign true: over "\x19Ethereum Signed Message:\n32" ++ hash; the eth_sign kind, v + 4),
 * recovering the owner from it. Check out->owner against the Safe's owners.
 * Returns 0, or -ETH_EINVAL (another v, a high s or an invalid r or s) or -ETH_ECRYPTO (no key
 * recovers), as eth_recover_address. None may be NULL. */
int kms_safe_sig_from_rsv(const uint8_t safe_tx_hash[32], const uint8_t rsv[65], bool eth_sign,
                          kms_safe_sig *out, eth_error *err) ETH_WARN_UNUSED;

/* The most signature data one contract signature may carry (what 64 inner owners' 65-byte
 * signatures take, with room to spare). */
#define KMS_SAFE_MAX_CONTRACT_SIG 8192

/* An owner contract's signature (v 0): the data its isValidSignature gets. Plain data; data is
 * borrowed. */
typedef struct kms_safe_contract_sig {
    uint8_t owner[20];
    const uint8_t *data;
    size_t len;
} kms_safe_contract_sig;

/* Writes to out the hash the owners of owner_safe (a Safe on chain chain_id that owns another
 * Safe) sign so that it approves the other Safe's transaction safe_tx_hash: what its
 * CompatibilityFallbackHandler's getMessageHashForSafe gives for the transaction's 66-byte
 * encoding, whose keccak256 is safe_tx_hash: keccak256(0x19 0x01 ++ domainSeparator(owner_safe)
 * ++ keccak256(abi.encode(keccak256("SafeMessage(bytes message)"), safe_tx_hash))).
 * Cannot fail. None NULL. */
void kms_safe_owner_safe_hash(uint64_t chain_id, const uint8_t owner_safe[20],
                              const uint8_t safe_tx_hash[32], uint8_t out[32]);

/* Appends sigs[0..n) to out as execTransaction takes them: each rsv, sorted by owner address
 * ascending (sigs itself is not changed). The same as kms_safe_sigs_pack_with(sigs, n, NULL, 0,
 * out, err). */
int kms_safe_sigs_pack(const kms_safe_sig *sigs, size_t n, eth_buf *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Appends sigs[0..n) and the contract signatures contracts[0..nc) to out as execTransaction
 * takes them: a 65-byte part per owner, sorted by owner address ascending (r ++ s ++ v; for a
 * contract r = the owner, s = the offset of its data, v = 0), then each contract's data
 * (a 32-byte length, the bytes) in the same order. Neither array is changed.
 * Returns 0; -ETH_EINVAL (no signature at all; two signatures of one owner; an approved-hash
 * signature whose r is not its owner), -ETH_EUNSUP (an rsv whose v is none of 1, 27, 28, 31,
 * 32: the message names the signature by position and owner), -ETH_ERANGE (more than
 * KMS_SAFE_MAX_OWNERS signatures, or contract data over KMS_SAFE_MAX_CONTRACT_SIG bytes); or an
 * eth_buf error. Nothing is appended on a refusal. contracts may be NULL when nc is 0. */
int kms_safe_sigs_pack_with(const kms_safe_sig *sigs, size_t n,
                            const kms_safe_contract_sig *contracts, size_t nc, eth_buf *out,
                            eth_error *err) ETH_WARN_UNUSED;

/* Appends to out the calldata of execTransaction(to, value, data, operation, safeTxGas,
 * baseGas, gasPrice, gasToken, refundReceiver, signatures) for tx with the packed signatures
 * sigs[0..n) (from kms_safe_sigs_pack; n in bytes). The Safe checks that they are at least its
 * threshold's worth, by owners, over the hash at its current nonce.
 * Returns 0; -ETH_EINVAL (an operation other than 0 or 1; n under 65); or an eth_buf error.
 * tx, sigs not NULL. */
int kms_safe_exec_data(const kms_safe_tx *tx, const uint8_t *sigs, size_t n, eth_buf *out,
                       eth_error *err) ETH_WARN_UNUSED;

/* Appends to out the calldata of approveHash(hash), which an owner sends to the Safe to sign
 * hash on chain. Returns 0 or an eth_buf error. */
int kms_safe_approve_hash_data(const uint8_t hash[32], eth_buf *out, eth_error *err)
    ETH_WARN_UNUSED;

#endif
