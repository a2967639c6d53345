/* safe_tx.c: Safe v1.4.1 transaction hashes, owner signatures and execTransaction. */
#include "safe_tx.h"

#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "eth/address.h"
#include "eth/eip712.h"
#include "eth/hex.h"
#include "eth/keccak.h"
#include "eth/key.h"
#include "safe.h"

static const char DOMAIN_TYPE[] = "EIP712Domain(uint256 chainId,address verifyingContract)";
static const char SAFE_TX_TYPE[] =
    "SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,"
    "uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)";

void kms_safe_tx_clear(kms_safe_tx *tx)
{
    if (tx)
        eth_buf_clear(&tx->data);
}

void kms_safe_domain_separator(uint64_t chain_id, const uint8_t safe[20], uint8_t out[32])
{
    eth_eip712_struct s;
    uint8_t type_hash[32];
    u256 id = u256_from_u64(chain_id);
    eth_eip712_type_hash(DOMAIN_TYPE, type_hash);
    eth_eip712_struct_init(&s, type_hash);
    eth_eip712_put_uint(&s, &id);
    eth_eip712_put_address(&s, safe);
    eth_eip712_struct_final(&s, out);
}

static int check_operation(const kms_safe_tx *tx, eth_error *err)
{
    if (tx->operation > KMS_SAFE_DELEGATECALL)
        return eth_fail(err, ETH_EINVAL, "Safe transaction operation %u: it must be 0 (call) "
                                         "or 1 (delegatecall)", tx->operation);
    return 0;
}

int kms_safe_tx_struct_hash(const kms_safe_tx *tx, uint8_t out[32], eth_error *err)
{
    int rc = check_operation(tx, err);
    if (rc)
        return rc;
    eth_eip712_struct s;
    uint8_t type_hash[32];
    u256 op = u256_from_u64(tx->operation);
    eth_eip712_type_hash(SAFE_TX_TYPE, type_hash);
    eth_eip712_struct_init(&s, type_hash);
    eth_eip712_put_address(&s, tx->to);
    eth_eip712_put_uint(&s, &tx->value);
    eth_eip712_put_dynamic(&s, tx->data.data, tx->data.len);
    eth_eip712_put_uint(&s, &op);
    eth_eip712_put_uint(&s, &tx->safe_tx_gas);
    eth_eip712_put_uint(&s, &tx->base_gas);
    eth_eip712_put_uint(&s, &tx->gas_price);
    eth_eip712_put_address(&s, tx->gas_token);
    eth_eip712_put_address(&s, tx->refund_receiver);
    eth_eip712_put_uint(&s, &tx->nonce);
    eth_eip712_struct_final(&s, out);
    return 0;
}

int kms_safe_tx_hash(const kms_safe_tx *tx, uint64_t chain_id, const uint8_t safe[20],
                     uint8_t out[32], eth_error *err)
{
    uint8_t domain[32], hash[32];
    int rc = kms_safe_tx_struct_hash(tx, hash, err);
    if (rc)
        return rc;
    kms_safe_domain_separator(chain_id, safe, domain);
    eth_eip712_digest(domain, hash, out);
    return 0;
}

enum kms_safe_sig_kind kms_safe_sig_kind(const kms_safe_sig *sig)
{
    switch (sig->rsv[64]) {
    case 1: return KMS_SAFE_SIG_APPROVED;
    case 27:
    case 28: return KMS_SAFE_SIG_ECDSA;
    case 31:
    case 32: return KMS_SAFE_SIG_ETH_SIGN;
    default: return KMS_SAFE_SIG_UNKNOWN;
    }
}

/* Writes sig's r, s and v (recovery id 0 or 1 plus base) to rsv. */
static void write_rsv(const eth_sig *sig, uint8_t base, uint8_t rsv[65])
{
    memcpy(rsv, sig->r, 32);
    memcpy(rsv + 32, sig->s, 32);
    rsv[64] = (uint8_t)(base + sig->v);
}

int kms_safe_sign(const eth_signer *s, const uint8_t safe_tx_hash[32], kms_safe_sig *out,
                  eth_error *err)
{
    eth_sig sig;
    int rc = eth_signer_sign_digest(s, safe_tx_hash, &sig, err);
    if (rc)
        return rc;
    memcpy(out->owner, eth_signer_address(s), 20);
    write_rsv(&sig, 27, out->rsv);
    return 0;
}

void kms_safe_sig_approved(const uint8_t owner[20], kms_safe_sig *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->owner, owner, 20);
    memcpy(out->rsv + 12, owner, 20);
    out->rsv[64] = 1;
}

int kms_safe_sig_from_rsv(const uint8_t safe_tx_hash[32], const uint8_t rsv[65], bool eth_sign,
                          kms_safe_sig *out, eth_error *err)
{
    static const char PREFIX[] = "\x19" "Ethereum Signed Message:\n32";
    uint8_t digest[32];
    eth_sig sig;
    memcpy(sig.r, rsv, 32);
    memcpy(sig.s, rsv + 32, 32);
    sig.v = rsv[64] >= 27 ? (uint8_t)(rsv[64] - 27) : rsv[64];
    if (eth_sign) {
        eth_keccak k;
        eth_keccak_init(&k);
        eth_keccak_update(&k, PREFIX, sizeof PREFIX - 1);
        eth_keccak_update(&k, safe_tx_hash, 32);
        eth_keccak_final(&k, digest);
    } else {
        memcpy(digest, safe_tx_hash, 32);
    }
    int rc = eth_recover_address(digest, &sig, out->owner, err);
    if (rc)
        return eth_error_prefix(err, "signature with v %u: ", rsv[64]);
    write_rsv(&sig, eth_sign ? 31 : 27, out->rsv);
    return 0;
}

/* Checks one signature for packing: a kind Safe reads without extra data, consistent. */
static int check_sig(const kms_safe_sig *sig, size_t i, eth_error *err)
{
    char a[43];
    eth_address_checksum(sig->owner, a);
    enum kms_safe_sig_kind kind = kms_safe_sig_kind(sig);
    if (kind == KMS_SAFE_SIG_UNKNOWN)
        return eth_fail(err, ETH_EUNSUP, "signature %zu (owner %s) has v %u: kmsctl takes ECDSA "
                                         "(27, 28), eth_sign (31, 32) and approved-hash (1) "
                                         "signatures", i + 1, a, sig->rsv[64]);
    static const uint8_t pad[12], zero[32];
    if (kind == KMS_SAFE_SIG_APPROVED &&
        (memcmp(sig->rsv, pad, 12) != 0 || memcmp(sig->rsv + 12, sig->owner, 20) != 0 ||
         memcmp(sig->rsv + 32, zero, 32) != 0))
        return eth_fail(err, ETH_EINVAL, "signature %zu is an approved hash of another owner "
                                         "than %s: make it with kms_safe_sig_approved", i + 1, a);
    return 0;
}

/* The owner of part i of the signatures: sigs first, then the contracts. */
static const uint8_t *part_owner(const kms_safe_sig *sigs, size_t n,
                                 const kms_safe_contract_sig *contracts, size_t i)
{
    return i < n ? sigs[i].owner : contracts[i - n].owner;
}

static int check_parts(const kms_safe_sig *sigs, size_t n, const kms_safe_contract_sig *contracts,
                       size_t nc, eth_error *err)
{
    size_t total = n + nc;
    if (total == 0)
        return eth_fail(err, ETH_EINVAL, "no signatures: a Safe transaction needs at least one");
    if (total > KMS_SAFE_MAX_OWNERS)
        return eth_fail(err, ETH_ERANGE, "%zu signatures: kmsctl packs at most %d", total,
                        KMS_SAFE_MAX_OWNERS);
    for (size_t i = 0; i < total; i++) {
        const uint8_t *owner = part_owner(sigs, n, contracts, i);
        char a[43];
        eth_address_checksum(owner, a);
        int rc = i < n ? check_sig(&sigs[i], i, err) : 0;
        if (rc == 0 && i >= n && contracts[i - n].len > KMS_SAFE_MAX_CONTRACT_SIG)
            rc = eth_fail(err, ETH_ERANGE, "the contract signature of %s is %zu bytes: at most %d",
                          a, contracts[i - n].len, KMS_SAFE_MAX_CONTRACT_SIG);
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (memcmp(owner, part_owner(sigs, n, contracts, j), 20) == 0)
                rc = eth_fail(err, ETH_EINVAL, "signatures %zu and %zu are both by %s: give one "
                                               "signature per owner", j + 1, i + 1, a);
        if (rc)
            return rc;
    }
    return 0;
}

int kms_safe_sigs_pack(const kms_safe_sig *sigs, size_t n, eth_buf *out, eth_error *err)
{
    return kms_safe_sigs_pack_with(sigs, n, NULL, 0, out, err);
}

/* Appends a contract signature's 65-byte part: r the owner, s the data's offset, v 0. */
static int contract_part(const kms_safe_contract_sig *c, size_t offset, eth_buf *out,
                         eth_error *err)
{
    uint8_t part[65] = {0};
    memcpy(part + 12, c->owner, 20);
    for (int k = 0; k < 8; k++)
        part[63 - k] = (uint8_t)((uint64_t)offset >> (8 * k));
    return eth_buf_append(out, part, 65, err);
}

int kms_safe_sigs_pack_with(const kms_safe_sig *sigs, size_t n,
                            const kms_safe_contract_sig *contracts, size_t nc, eth_buf *out,
                            eth_error *err)
{
    int rc = check_parts(sigs, n, contracts, nc, err);
    if (rc)
        return rc;
    size_t total = n + nc, order[KMS_SAFE_MAX_OWNERS], start = out->len;
    /* selection by owner: each round takes the smallest owner above the last one taken */
    const uint8_t *last = NULL;
    for (size_t round = 0; round < total; round++) {
        size_t best = total;
        for (size_t i = 0; i < total; i++) {
            const uint8_t *o = part_owner(sigs, n, contracts, i);
            if ((!last || memcmp(o, last, 20) > 0) &&
                (best == total || memcmp(o, part_owner(sigs, n, contracts, best), 20) < 0))
                best = i;
        }
        order[round] = best;
        last = part_owner(sigs, n, contracts, best);
    }
    size_t offset = total * 65; /* where the contracts' data starts, from the first part */
    for (size_t r = 0; rc == 0 && r < total; r++) {
        size_t i = order[r];
        if (i < n) {
            rc = eth_buf_append(out, sigs[i].rsv, 65, err);
        } else {
            rc = contract_part(&contracts[i - n], offset, out, err);
            offset += 32 + contracts[i - n].len;
        }
    }
    for (size_t r = 0; rc == 0 && r < total; r++) {
        if (order[r] < n)
            continue;
        const kms_safe_contract_sig *c = &contracts[order[r] - n];
        uint8_t len[32] = {0};
        for (int k = 0; k < 8; k++)
            len[31 - k] = (uint8_t)((uint64_t)c->len >> (8 * k));
        rc = eth_buf_append(out, len, 32, err);
        if (rc == 0)
            rc = eth_buf_append(out, c->data, c->len, err);
    }
    if (rc)
        out->len = start;
    return rc;
}

void kms_safe_owner_safe_hash(uint64_t chain_id, const uint8_t owner_safe[20],
                              const uint8_t safe_tx_hash[32], uint8_t out[32])
{
    eth_eip712_struct s;
    uint8_t type_hash[32], domain[32], hash[32];
    eth_eip712_type_hash("SafeMessage(bytes message)", type_hash);
    eth_eip712_struct_init(&s, type_hash);
    eth_eip712_put_word(&s, safe_tx_hash); /* keccak256 of the bytes message */
    eth_eip712_struct_final(&s, hash);
    kms_safe_domain_separator(chain_id, owner_safe, domain);
    eth_eip712_digest(domain, hash, out);
}

int kms_safe_exec_data(const kms_safe_tx *tx, const uint8_t *sigs, size_t n, eth_buf *out,
                       eth_error *err)
{
    int rc = check_operation(tx, err);
    if (rc == 0 && n < 65)
        rc = eth_fail(err, ETH_EINVAL, "%zu bytes of signatures: execTransaction takes at least "
                                       "65, one owner's (pack them with kms_safe_sigs_pack)", n);
    char *data = NULL, *sig = NULL;
    if (rc == 0)
        rc = eth_hex_encode_alloc(tx->data.data, tx->data.len, &data, err);
    if (rc == 0)
        rc = eth_hex_encode_alloc(sigs, n, &sig, err);
    char to[43], val[U256_DEC_MAX], op[21], stg[U256_DEC_MAX], bg[U256_DEC_MAX],
        gp[U256_DEC_MAX], gt[43], rr[43];
    u256_to_dec(&tx->value, val);
    u256_to_dec(&tx->safe_tx_gas, stg);
    u256_to_dec(&tx->base_gas, bg);
    u256_to_dec(&tx->gas_price, gp);
    const char *args[10] = {kms_text_addr(tx->to, to), val, data,
                            kms_text_u64(tx->operation, op), stg, bg, gp,
                            kms_text_addr(tx->gas_token, gt),
                            kms_text_addr(tx->refund_receiver, rr), sig};
    if (rc == 0)
        rc = kms_calldata("execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,"
                          "address,address,bytes)", args, 10, out, err);
    free(data);
    free(sig);
    return rc;
}

int kms_safe_approve_hash_data(const uint8_t hash[32], eth_buf *out, eth_error *err)
{
    char h[67];
    const char *arg = kms_text_b32(hash, h);
    return kms_calldata("approveHash(bytes32)", &arg, 1, out, err);
}
