/* proposal.h: a Safe transaction being signed by its owners, as a file they pass around.
 *
 * Safe multisig workflows without the Safe web app and without Safe's transaction service: the
 * proposer writes the file, each owner (offline signers included: everything needed to check
 * and sign the transaction is in the file) adds a signature to a copy, the copies are merged,
 * and whoever executes packs the signatures into execTransaction. The file format is described
 * in docs/safe-proposals.md; its field names are those of the Safe web app and Safe's
 * transaction service where they exist (safeTxGas, baseGas, gasPrice, gasToken,
 * refundReceiver, nonce, operation).
 *
 * Nothing in a file is trusted: reading one recomputes the three hashes from its fields and
 * checks every signature against them, so an altered file or a forged signature is refused
 * before anyone sees or signs it. */
#ifndef KMS_PROPOSAL_H
#define KMS_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "eth/error.h"
#include "safe.h"
#include "safe_tx.h"

/* The file's "kind" and "version". */
#define KMS_PROPOSAL_KIND "kmsctl-safe-proposal"
#define KMS_PROPOSAL_VERSION 1

/* Caps on what a file may hold: the transaction's data, signatures, owners, the description
 * (bytes), and the file itself (the data as hex with room for the rest). */
#define KMS_PROPOSAL_MAX_DATA (1u << 20)
#define KMS_PROPOSAL_MAX_SIGS KMS_SAFE_MAX_OWNERS
#define KMS_PROPOSAL_MAX_OWNERS KMS_SAFE_MAX_OWNERS
#define KMS_PROPOSAL_MAX_DESCRIPTION 1024
#define KMS_PROPOSAL_MAX_FILE (3u << 20)

/* A signature for an owner that is itself a Safe (the inner Safe): one of ITS owners' ECDSA
 * or eth_sign signature of kms_proposal_nested_hash(p, safe). Once the inner Safe's threshold
 * of them is there, they make the inner Safe's contract signature (EIP-1271). Plain data. */
typedef struct kms_safe_nested_sig {
    uint8_t safe[20]; /* the owner Safe signed for */
    kms_safe_sig sig; /* sig.owner: an owner of that Safe */
} kms_safe_nested_sig;

/* A Safe transaction being signed by its owners. Fill it with kms_proposal_init (or
 * kms_proposal_from_json / kms_proposal_load), release it with kms_proposal_clear. Change it
 * only through the functions below: they keep the hashes matching tx and every signature
 * checked against safe_tx_hash. */
typedef struct kms_proposal {
    uint64_t chain_id;
    uint8_t safe[20];
    kms_safe_tx tx;             /* owned */
    uint8_t domain_hash[32];    /* EIP-712 domain separator */
    uint8_t message_hash[32];   /* the SafeTx struct hash */
    uint8_t safe_tx_hash[32];   /* what owners sign (keccak(0x1901 ++ domain ++ message)) */
    char *description;          /* one line the proposer wrote (owned, may be NULL), e.g.
                                   "DstackKms.addOsImageHash(0x11..) through timelock 0x.." */
    kms_safe_sig *sigs;         /* owned, nsigs of them, in the order added, one per owner */
    size_t nsigs;
    kms_safe_nested_sig *nested; /* owned, nnested of them, in the order added, one per owner
                                    of an owner Safe */
    size_t nnested;
    uint8_t (*owners)[20];      /* the Safe's owners when the proposal was made (owned; NULL
                                   when nowners is 0, meaning unknown) and its threshold (0 when
                                   unknown): informational for offline signers, re-read from
                                   chain when an RPC is at hand */
    size_t nowners;
    uint64_t threshold;
} kms_proposal;

/* Fills *p (its previous contents are not freed: p is zeroed first) with a proposal of a copy
 * of tx for the Safe safe on chain chain_id, with no description, no signatures and unknown
 * owners, and computes the three hashes.
 * Returns 0; -ETH_EINVAL (an operation other than 0 or 1); -ETH_ERANGE (data longer than
 * KMS_PROPOSAL_MAX_DATA, or a chain id above 2^63 - 1, which the file's JSON integer cannot
 * hold); -ETH_ENOMEM. On failure *p is left empty (nothing to clear).
 * In: safe 20 bytes, tx borrowed (its data is copied); none NULL. */
int kms_proposal_init(kms_proposal *p, uint64_t chain_id, const uint8_t safe[20],
                      const kms_safe_tx *tx, eth_error *err) ETH_WARN_UNUSED;

/* Frees what p owns (not p itself) and zeroes it. NULL is fine. */
void kms_proposal_clear(kms_proposal *p);

/* Replaces p's description with a copy of text (NULL: none).
 * Returns 0; -ETH_EINVAL (a control character, such as a line break: the description is one
 * line); -ETH_ERANGE (longer than KMS_PROPOSAL_MAX_DESCRIPTION bytes); -ETH_ENOMEM. On failure
 * the description is unchanged. */
int kms_proposal_set_description(kms_proposal *p, const char *text, eth_error *err)
    ETH_WARN_UNUSED;

/* Replaces p's owners with a copy of owners[0..n) and its threshold: the Safe's configuration
 * as read from the chain (kms_safe_read). n 0 with threshold 0 means unknown. Signatures
 * already in p are kept even if their owner is not in the new list (a status display shows
 * them as such); kms_proposal_add_sig refuses new ones by non-owners.
 * Returns 0; -ETH_EINVAL (address(0), the sentinel 0x1 or one address twice among the owners;
 * a threshold outside 1..n, or not 0 when n is 0: the message names it); -ETH_ERANGE (more
 * than KMS_PROPOSAL_MAX_OWNERS owners); -ETH_ENOMEM. On failure p is unchanged.
 * owners may be NULL if n is 0. */
int kms_proposal_set_owners(kms_proposal *p, const uint8_t (*owners)[20], size_t n,
                            uint64_t threshold, eth_error *err) ETH_WARN_UNUSED;

/* True if owner (20 bytes) is among p's owners; false also when the owners are unknown. */
bool kms_proposal_is_owner(const kms_proposal *p, const uint8_t owner[20]);

/* The file's JSON for p (docs/safe-proposals.md): a new reference the caller releases with
 * json_decref, or NULL when out of memory. p not NULL. */
json_t *kms_proposal_json(const kms_proposal *p);

/* Reads a proposal file's JSON j (borrowed) into *out (its previous contents are not freed),
 * strictly: every field present with its type and no unknown field, at every level; numbers as
 * canonical decimal strings; addresses with a valid EIP-55 checksum when mixed-case. The three
 * hashes are recomputed and must equal the stored ones ("the file's safeTxHash does not match
 * its fields: it was altered ..."); every signature goes through kms_proposal_add_sig (it must
 * recover to its stated owner, an approved-hash signature must name its owner, and the owner
 * must be among the file's owners when they are listed) and its "kind" must be the one its v
 * says; no owner may sign twice.
 * Returns 0; -ETH_EINVAL (a malformed or inconsistent field: the message names it, such as
 * "signatures[1].owner: ..."); -ETH_ERANGE (over a cap: data, signatures, owners,
 * description); -ETH_EUNSUP (another kind of signature, another "version"); -ETH_ENOMEM. On
 * failure *out is left empty. */
int kms_proposal_from_json(const json_t *j, kms_proposal *out, eth_error *err) ETH_WARN_UNUSED;

/* Reads the proposal file at path (at most KMS_PROPOSAL_MAX_FILE bytes) into *out as
 * kms_proposal_from_json does. Returns 0, the errors of eth_json_load (-ETH_EIO, -ETH_ERANGE,
 * -ETH_EINVAL) or of kms_proposal_from_json, each message starting with the clipped path.
 * On failure *out is left empty. path not NULL. */
int kms_proposal_load(const char *path, kms_proposal *out, eth_error *err) ETH_WARN_UNUSED;

/* Writes p's JSON to path atomically (eth_json_save: the old file or the new one, never a mix),
 * mode 0644. Returns 0, -ETH_ENOMEM or -ETH_EIO. path, p not NULL. */
int kms_proposal_save(const char *path, const kms_proposal *p, eth_error *err) ETH_WARN_UNUSED;

/* Adds a copy of sig to p after checking it against p->safe_tx_hash: an ECDSA or eth_sign
 * signature must recover to sig->owner (low s, v 27/28 or 31/32), an approved-hash signature
 * must be r = sig->owner, s = 0, v = 1. The same signature again is a no-op (returns 0).
 * Returns 0; -ETH_EINVAL (a different signature by an owner who already signed; an owner not in
 * p->owners when they are known; a signature that does not recover to its owner or a
 * malformed approved hash: each message names the owner); -ETH_EUNSUP (v 0, a contract
 * signature, or another v); -ETH_ERANGE (already KMS_PROPOSAL_MAX_SIGS signatures);
 * -ETH_ENOMEM; -ETH_ECRYPTO (no key recovers). On failure p is unchanged. None NULL. */
int kms_proposal_add_sig(kms_proposal *p, const kms_safe_sig *sig, eth_error *err)
    ETH_WARN_UNUSED;

/* Writes to out what the owners of the owner Safe safe sign for it (ECDSA over it, or eth_sign
 * of it): kms_safe_owner_safe_hash of p's safeTxHash for that Safe on p's chain (its fallback
 * handler's SafeMessage hash of this transaction's 66-byte encoding, 0x19 0x01 ++ domainHash ++
 * messageHash). Cannot fail. None NULL. */
void kms_proposal_nested_hash(const kms_proposal *p, const uint8_t safe[20], uint8_t out[32]);

/* Adds a copy of ns to p after checking it: an ECDSA or eth_sign signature recovering to
 * ns->sig.owner over kms_proposal_nested_hash(p, ns->safe). The same signature again is a
 * no-op (returns 0).
 * Returns 0; -ETH_EINVAL (a different signature by that owner for that Safe; ns->safe not in
 * p->owners when they are known; a signature that does not recover to its owner; the owner
 * Safe signing for itself); -ETH_EUNSUP (any kind but ECDSA and eth_sign: an approved hash
 * cannot be made offline, and deeper nesting is not supported); -ETH_ERANGE (already
 * KMS_PROPOSAL_MAX_SIGS nested signatures); -ETH_ENOMEM; -ETH_ECRYPTO. On failure p is
 * unchanged. None NULL. */
int kms_proposal_add_nested_sig(kms_proposal *p, const kms_safe_nested_sig *ns, eth_error *err)
    ETH_WARN_UNUSED;

/* The number of p's nested signatures for the owner Safe safe (distinct owners). None NULL. */
size_t kms_proposal_count_nested(const kms_proposal *p, const uint8_t safe[20]);

/* Appends to out the signature data the owner Safe safe's isValidSignature gets for p (its
 * kms_safe_contract_sig): p's nested signatures for it by the accounts owners[0..n) (that
 * Safe's current owners, as the chain says; others are left out), packed as that Safe takes
 * its owners' signatures (kms_safe_sigs_pack), and writes how many it packed to *count.
 * Returns 0 (*count 0 and nothing appended when there are none) or as kms_safe_sigs_pack.
 * owners may be NULL when n is 0; the rest not NULL. */
int kms_proposal_nested_pack(const kms_proposal *p, const uint8_t safe[20],
                             const uint8_t (*owners)[20], size_t n, eth_buf *out, size_t *count,
                             eth_error *err) ETH_WARN_UNUSED;

/* Adds other's signatures to into (kms_proposal_add_sig, in other's order, then
 * kms_proposal_add_nested_sig); *added (may be NULL) receives how many were new, nested ones
 * included. into keeps its own description, owners and threshold.
 * Returns 0; -ETH_EINVAL when other has another safeTxHash ("these are different
 * transactions: ...") or a signature add_sig refuses; or another add_sig error. All or
 * nothing: on failure into is unchanged and *added is 0. into, other not NULL. */
int kms_proposal_merge(kms_proposal *into, const kms_proposal *other, size_t *added,
                       eth_error *err) ETH_WARN_UNUSED;

/* The number of distinct owners among p's signatures (what a Safe compares with its
 * threshold, provided they are still owners). p not NULL. */
size_t kms_proposal_count_sigs(const kms_proposal *p);

/* The file's name of a signature kind: "ecdsa", "eth_sign", "approved", or NULL for
 * KMS_SAFE_SIG_UNKNOWN. */
const char *kms_proposal_kind_name(enum kms_safe_sig_kind kind);

#endif
