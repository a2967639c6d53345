/* safe_print.c: what a Safe signer sees before signing, and a proposal's signatures. */
#include "safe_print.h"

#include <inttypes.h>
#include <string.h>

#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "kms/decode.h"
#include "kms/safe_canonical.h"

static const char *addr_text(const uint8_t a[20], char out[43])
{
    eth_address_checksum(a, out);
    return out;
}

static void print_fields(FILE *f, const kms_proposal *p)
{
    const kms_safe_tx *tx = &p->tx;
    char a[43], b[43], c[43], v[U256_DEC_MAX], g1[U256_DEC_MAX], g2[U256_DEC_MAX],
        g3[U256_DEC_MAX], nonce[U256_DEC_MAX], head[67];
    u256_to_dec(&tx->value, v);
    u256_to_dec(&tx->safe_tx_gas, g1);
    u256_to_dec(&tx->base_gas, g2);
    u256_to_dec(&tx->gas_price, g3);
    u256_to_dec(&tx->nonce, nonce);
    eth_hex_encode(tx->data.data, tx->data.len < 32 ? tx->data.len : 32, head);
    fprintf(f, "Safe transaction of the Safe %s on chain %" PRIu64 "\n", addr_text(p->safe, a),
            p->chain_id);
    if (p->description)
        fprintf(f, "  (proposed as: %s)\n", p->description);
    fprintf(f, "  to              %s\n  value           %s wei\n  data            %s%s (%zu "
               "bytes)\n  operation       %u (%s)\n  safeTxGas       %s\n  baseGas         %s\n"
               "  gasPrice        %s\n  gasToken        %s\n  refundReceiver  %s\n"
               "  nonce           %s\n",
            addr_text(tx->to, b), v, head, tx->data.len > 32 ? "..." : "", tx->data.len,
            tx->operation, tx->operation ? "DELEGATECALL" : "call", g1, g2, g3,
            addr_text(tx->gas_token, c), addr_text(tx->refund_receiver, a), nonce);
}

static void print_hashes(FILE *f, const kms_proposal *p, const cli_safe_onchain *chain)
{
    char d[67], m[67], h[67];
    eth_hex_encode(p->domain_hash, 32, d);
    eth_hex_encode(p->message_hash, 32, m);
    eth_hex_encode(p->safe_tx_hash, 32, h);
    fprintf(f, "Hashes (a hardware wallet shows the domain and message hashes of EIP-712):\n"
               "  domain hash     %s\n  message hash    %s\n  safeTxHash      %s%s\n",
            d, m, h,
            !chain->known         ? "  (no RPC: not compared with the Safe)"
            : chain->hash_matches ? "  (equals the Safe's getTransactionHash)"
                                  : "  (DIFFERS from the Safe's getTransactionHash!)");
}

uint32_t cli_safe_print_tx(FILE *f, const kms_proposal *p, const cli_safe_onchain *chain,
                           const cli_known *known)
{
    print_fields(f, p);
    print_hashes(f, p, chain);
    cli_known k = *known;
    cli_known_add(&k, p->safe, "the Safe", "SafeL2");
    kms_decoded d;
    eth_buf text = {0};
    eth_error err = {0};
    uint32_t warnings = 0;
    if (kms_decode_safe_tx(k.k, k.n, p->safe, &p->tx, &d, &err) == 0 &&
        kms_decoded_render(&d, &text, &err) == 0) {
        fprintf(f, "What it does:\n%.*s", (int)text.len, (const char *)text.data);
        warnings = kms_decoded_all_warnings(&d);
    } else {
        fprintf(f, "What it does: cannot be decoded (%s)\n", err.msg);
        warnings = KMS_WARN_UNKNOWN_FUNCTION;
    }
    kms_decoded_clear(&d);
    eth_buf_clear(&text);
    if (chain->known && u256_cmp(&p->tx.nonce, &chain->info.nonce) != 0) {
        char want[U256_DEC_MAX], now[U256_DEC_MAX];
        u256_to_dec(&p->tx.nonce, want);
        u256_to_dec(&chain->info.nonce, now);
        fprintf(f, "  ! the Safe's nonce is %s, this transaction's %s: %s\n", now, want,
                u256_cmp(&p->tx.nonce, &chain->info.nonce) < 0
                    ? "it ran already or was replaced"
                    : "it waits for the transactions before it");
    }
    return warnings;
}

/* The owners to count against, and the threshold. */
static const uint8_t (*owners_of(const kms_proposal *p, const cli_safe_onchain *chain,
                                 size_t *n, uint64_t *threshold))[20]
{
    if (chain->known) {
        *n = chain->info.nowners;
        *threshold = chain->info.threshold;
        return (const uint8_t(*)[20])chain->info.owners;
    }
    *n = p->nowners;
    *threshold = p->threshold;
    return (const uint8_t(*)[20])p->owners;
}

static const kms_safe_sig *sig_of(const kms_proposal *p, const uint8_t owner[20])
{
    for (size_t i = 0; i < p->nsigs; i++)
        if (memcmp(p->sigs[i].owner, owner, 20) == 0)
            return &p->sigs[i];
    return NULL;
}

bool cli_safe_inner_ready(const cli_safe_onchain *chain, size_t i)
{
    return chain->known && chain->inner_threshold[i] &&
           chain->inner_signed[i] >= chain->inner_threshold[i];
}

/* Whether owner i (of owners_of) counts: its signature, its approval on chain, or, for an
 * owner Safe, its threshold of nested signatures. */
static bool counts(const kms_proposal *p, const cli_safe_onchain *chain, const uint8_t owner[20],
                   size_t i)
{
    return sig_of(p, owner) || (chain->known && chain->approved[i]) ||
           cli_safe_inner_ready(chain, i);
}

size_t cli_safe_ready_count(const kms_proposal *p, const cli_safe_onchain *chain,
                            uint64_t *threshold)
{
    size_t n = 0, count = 0;
    const uint8_t(*owners)[20] = owners_of(p, chain, &n, threshold);
    for (size_t i = 0; i < n; i++)
        count += counts(p, chain, owners[i], i);
    return n ? count : kms_proposal_count_sigs(p);
}

/* What owner i's line says when it has no signature of its own: an owner Safe's progress. */
static const char *owner_state(const kms_proposal *p, const cli_safe_onchain *chain,
                               const uint8_t owner[20], size_t i, char out[96])
{
    size_t nested = kms_proposal_count_nested(p, owner);
    if (chain->known && chain->approved[i])
        return "approved on chain (approveHash)";
    if (chain->known && chain->inner_threshold[i])
        snprintf(out, 96, "a Safe: %zu of the %" PRIu64 " signatures of its owners it needs%s",
                 chain->inner_signed[i], chain->inner_threshold[i],
                 cli_safe_inner_ready(chain, i) ? " (enough)" : "");
    else if (nested)
        snprintf(out, 96, "a Safe: %zu signature%s of its owners (give --rpc-url to count them)",
                 nested, nested == 1 ? "" : "s");
    else
        return "missing";
    return out;
}

void cli_safe_print_sigs(FILE *f, const kms_proposal *p, const cli_safe_onchain *chain)
{
    size_t n = 0;
    uint64_t threshold = 0;
    const uint8_t(*owners)[20] = owners_of(p, chain, &n, &threshold);
    size_t count = cli_safe_ready_count(p, chain, &threshold);
    fprintf(f, "Signatures: %zu of %" PRIu64 " needed%s\n", count, threshold,
            threshold && count >= threshold ? " (enough: kmsctl safe exec can run it)" : "");
    for (size_t i = 0; i < n; i++) {
        char a[43], state[96];
        const kms_safe_sig *s = sig_of(p, owners[i]);
        fprintf(f, "  %s  %s\n", addr_text(owners[i], a),
                s ? kms_proposal_kind_name(kms_safe_sig_kind(s))
                  : owner_state(p, chain, owners[i], i, state));
    }
    if (n == 0)
        fprintf(f, "  (the Safe's owners are unknown: give --rpc-url to read them)\n");
}

json_t *cli_safe_status_json(const kms_proposal *p, const cli_safe_onchain *chain)
{
    size_t n = 0;
    uint64_t threshold = 0;
    const uint8_t(*owners)[20] = owners_of(p, chain, &n, &threshold);
    size_t count = cli_safe_ready_count(p, chain, &threshold);
    json_t *signed_ = json_array(), *missing = json_array(), *inner = json_array();
    for (size_t i = 0; signed_ && missing && inner && i < n; i++) {
        json_array_append_new(counts(p, chain, owners[i], i) ? signed_ : missing,
                              eth_json_address(owners[i]));
        size_t nested = kms_proposal_count_nested(p, owners[i]);
        if (nested || (chain->known && chain->inner_threshold[i]))
            json_array_append_new(
                inner, json_pack("{s:o,s:I,s:o}", "safe", eth_json_address(owners[i]),
                                 "signatures", (json_int_t)(chain->known ? chain->inner_signed[i]
                                                                         : nested),
                                 "threshold", chain->known ? json_integer((json_int_t)
                                                                  chain->inner_threshold[i])
                                                           : json_null()));
    }
    char nonce[U256_DEC_MAX];
    u256_to_dec(&p->tx.nonce, nonce);
    return json_pack("{s:o,s:I,s:s,s:o,s:I,s:I,s:o,s:o,s:o,s:b,s:b}", "safe",
                     eth_json_address(p->safe), "chainId", (json_int_t)p->chain_id, "nonce", nonce,
                     "safeTxHash", eth_json_hex(p->safe_tx_hash, 32), "threshold",
                     (json_int_t)threshold, "signatures", (json_int_t)count, "signed", signed_,
                     "missing", missing, "ownerSafes", inner, "ready",
                     threshold && count >= threshold, "hashCheckedOnChain",
                     chain->known && chain->hash_matches);
}
