/* proposal.c: Safe proposal files: a Safe transaction, its hashes and its owners' signatures. */
#include "proposal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/text.h"

static const char *const KIND_NAMES[] = {
    [KMS_SAFE_SIG_ECDSA] = "ecdsa",
    [KMS_SAFE_SIG_ETH_SIGN] = "eth_sign",
    [KMS_SAFE_SIG_APPROVED] = "approved",
};

const char *kms_proposal_kind_name(enum kms_safe_sig_kind kind)
{
    return (size_t)kind < sizeof KIND_NAMES / sizeof KIND_NAMES[0] ? KIND_NAMES[kind] : NULL;
}

/* ---- building ---- */

/* Computes p's three hashes from its chain, Safe and transaction. */
static int compute_hashes(kms_proposal *p, eth_error *err)
{
    int rc = kms_safe_tx_hash(&p->tx, p->chain_id, p->safe, p->safe_tx_hash, err);
    if (rc == 0)
        rc = kms_safe_tx_struct_hash(&p->tx, p->message_hash, err);
    kms_safe_domain_separator(p->chain_id, p->safe, p->domain_hash);
    return rc;
}

int kms_proposal_init(kms_proposal *p, uint64_t chain_id, const uint8_t safe[20],
                      const kms_safe_tx *tx, eth_error *err)
{
    memset(p, 0, sizeof *p);
    if (chain_id > INT64_MAX)
        return eth_fail(err, ETH_ERANGE, "chain id %llu: a proposal file holds chain ids up to "
                                         "2^63 - 1", (unsigned long long)chain_id);
    if (tx->data.len > KMS_PROPOSAL_MAX_DATA)
        return eth_fail(err, ETH_ERANGE, "the transaction's data is %zu bytes: a proposal holds "
                                         "at most %u", tx->data.len, KMS_PROPOSAL_MAX_DATA);
    p->chain_id = chain_id;
    memcpy(p->safe, safe, 20);
    p->tx = *tx;
    p->tx.data = (eth_buf){0};
    int rc = eth_buf_append(&p->tx.data, tx->data.data, tx->data.len, err);
    if (rc == 0)
        rc = compute_hashes(p, err);
    if (rc)
        kms_proposal_clear(p);
    return rc;
}

void kms_proposal_clear(kms_proposal *p)
{
    if (!p)
        return;
    kms_safe_tx_clear(&p->tx);
    free(p->description);
    free(p->sigs);
    free(p->nested);
    free(p->owners);
    memset(p, 0, sizeof *p);
}

int kms_proposal_set_description(kms_proposal *p, const char *text, eth_error *err)
{
    char *copy = NULL;
    if (text) {
        size_t n = strlen(text);
        char shown[ETH_CLIP_BUF];
        if (n > KMS_PROPOSAL_MAX_DESCRIPTION)
            return eth_fail(err, ETH_ERANGE, "a description of %zu bytes: at most %d", n,
                            KMS_PROPOSAL_MAX_DESCRIPTION);
        if (eth_text_has_control(text, n) || !eth_utf8_valid((const uint8_t *)text, n))
            return eth_fail(err, ETH_EINVAL, "the description '%s' must be one line of UTF-8 "
                                             "text without control characters",
                            eth_text_clip(text, n, shown));
        copy = malloc(n + 1);
        if (!copy)
            return eth_fail(err, ETH_ENOMEM, "out of memory copying the description");
        memcpy(copy, text, n + 1);
    }
    free(p->description);
    p->description = copy;
    return 0;
}

static int check_owners(const uint8_t (*owners)[20], size_t n, uint64_t threshold,
                        eth_error *err)
{
    static const uint8_t zero[20];
    if (n > KMS_PROPOSAL_MAX_OWNERS)
        return eth_fail(err, ETH_ERANGE, "%zu owners: a proposal lists at most %d", n,
                        KMS_PROPOSAL_MAX_OWNERS);
    if (n == 0 && threshold != 0)
        return eth_fail(err, ETH_EINVAL, "threshold %llu without owners: list the owners, or "
                                         "give 0 for an unknown configuration",
                        (unsigned long long)threshold);
    if (n != 0 && (threshold == 0 || threshold > n))
        return eth_fail(err, ETH_EINVAL, "threshold %llu with %zu owners: it must be from 1 to "
                                         "%zu", (unsigned long long)threshold, n, n);
    for (size_t i = 0; i < n; i++) {
        char a[43];
        eth_address_checksum(owners[i], a);
        if (memcmp(owners[i], zero, 20) == 0 || memcmp(owners[i], KMS_SAFE_SENTINEL, 20) == 0)
            return eth_fail(err, ETH_EINVAL, "owner %zu is %s, which cannot be a Safe owner",
                            i + 1, a);
        for (size_t j = 0; j < i; j++)
            if (memcmp(owners[i], owners[j], 20) == 0)
                return eth_fail(err, ETH_EINVAL, "owners %zu and %zu are both %s: list each "
                                                 "owner once", j + 1, i + 1, a);
    }
    return 0;
}

int kms_proposal_set_owners(kms_proposal *p, const uint8_t (*owners)[20], size_t n,
                            uint64_t threshold, eth_error *err)
{
    int rc = check_owners(owners, n, threshold, err);
    if (rc)
        return rc;
    uint8_t(*copy)[20] = NULL;
    if (n) {
        copy = malloc(n * sizeof *copy);
        if (!copy)
            return eth_fail(err, ETH_ENOMEM, "out of memory copying %zu owners", n);
        memcpy(copy, owners, n * sizeof *copy);
    }
    free(p->owners);
    p->owners = copy;
    p->nowners = n;
    p->threshold = threshold;
    return 0;
}

bool kms_proposal_is_owner(const kms_proposal *p, const uint8_t owner[20])
{
    for (size_t i = 0; i < p->nowners; i++)
        if (memcmp(p->owners[i], owner, 20) == 0)
            return true;
    return false;
}

/* ---- signatures ---- */

static const kms_safe_sig *find_sig(const kms_proposal *p, const uint8_t owner[20])
{
    for (size_t i = 0; i < p->nsigs; i++)
        if (memcmp(p->sigs[i].owner, owner, 20) == 0)
            return &p->sigs[i];
    return NULL;
}

/* Checks that sig, an ECDSA or eth_sign signature, recovers to its owner (who) over hash,
 * which over names in the message. */
static int verify_recovers(const uint8_t hash[32], const kms_safe_sig *sig, const char *who,
                           const char *over, eth_error *err)
{
    enum kms_safe_sig_kind kind = kms_safe_sig_kind(sig);
    bool eth_sign = kind == KMS_SAFE_SIG_ETH_SIGN;
    uint8_t rsv[65];
    kms_safe_sig got;
    char by[43];
    memcpy(rsv, sig->rsv, 65);
    rsv[64] = (uint8_t)(rsv[64] - (eth_sign ? 4 : 0));
    int rc = kms_safe_sig_from_rsv(hash, rsv, eth_sign, &got, err);
    if (rc)
        return eth_error_prefix(err, "the %s signature of %s: ", kms_proposal_kind_name(kind),
                                who);
    if (memcmp(got.owner, sig->owner, 20) == 0)
        return 0;
    eth_address_checksum(got.owner, by);
    return eth_fail(err, ETH_EINVAL, "the %s signature of %s recovers to %s: it was not made by "
                                     "that owner over %s", kms_proposal_kind_name(kind), who, by,
                    over);
}

/* Checks that sig is its owner's signature of p's safeTxHash (an approved hash: that it names
 * its owner). */
static int verify_sig(const kms_proposal *p, const kms_safe_sig *sig, eth_error *err)
{
    char who[43];
    eth_address_checksum(sig->owner, who);
    enum kms_safe_sig_kind kind = kms_safe_sig_kind(sig);
    if (kind == KMS_SAFE_SIG_UNKNOWN)
        return eth_fail(err, ETH_EUNSUP, "the signature of %s has v %u: kmsctl takes ECDSA (27, "
                                         "28), eth_sign (31, 32) and approved-hash (1) "
                                         "signatures", who, sig->rsv[64]);
    if (kind == KMS_SAFE_SIG_APPROVED) {
        kms_safe_sig want;
        kms_safe_sig_approved(sig->owner, &want);
        if (memcmp(want.rsv, sig->rsv, 65) != 0)
            return eth_fail(err, ETH_EINVAL, "the approved-hash signature of %s does not name "
                                             "that owner: its r must be the owner's address and "
                                             "its s zero", who);
        return 0;
    }
    return verify_recovers(p->safe_tx_hash, sig, who, "this transaction's safeTxHash", err);
}

int kms_proposal_add_sig(kms_proposal *p, const kms_safe_sig *sig, eth_error *err)
{
    const kms_safe_sig *old = find_sig(p, sig->owner);
    if (old && memcmp(old->rsv, sig->rsv, 65) == 0)
        return 0;
    char who[43], safe[43];
    eth_address_checksum(sig->owner, who);
    eth_address_checksum(p->safe, safe);
    if (old)
        return eth_fail(err, ETH_EINVAL, "%s already signed this transaction with another "
                                         "signature: a Safe counts one per owner, keep one",
                        who);
    if (p->nowners && !kms_proposal_is_owner(p, sig->owner))
        return eth_fail(err, ETH_EINVAL, "%s is not an owner of Safe %s (%zu owners, threshold "
                                         "%llu): only its owners' signatures count", who, safe,
                        p->nowners,
                        (unsigned long long)p->threshold);
    if (p->nsigs >= KMS_PROPOSAL_MAX_SIGS)
        return eth_fail(err, ETH_ERANGE, "a proposal holds at most %d signatures",
                        KMS_PROPOSAL_MAX_SIGS);
    int rc = verify_sig(p, sig, err);
    if (rc)
        return rc;
    kms_safe_sig *more = realloc(p->sigs, (p->nsigs + 1) * sizeof *more);
    if (!more)
        return eth_fail(err, ETH_ENOMEM, "out of memory adding a signature");
    more[p->nsigs++] = *sig;
    p->sigs = more;
    return 0;
}

void kms_proposal_nested_hash(const kms_proposal *p, const uint8_t safe[20], uint8_t out[32])
{
    kms_safe_owner_safe_hash(p->chain_id, safe, p->safe_tx_hash, out);
}

static const kms_safe_nested_sig *find_nested(const kms_proposal *p, const uint8_t safe[20],
                                              const uint8_t owner[20])
{
    for (size_t i = 0; i < p->nnested; i++)
        if (memcmp(p->nested[i].safe, safe, 20) == 0 &&
            memcmp(p->nested[i].sig.owner, owner, 20) == 0)
            return &p->nested[i];
    return NULL;
}

/* Checks ns: a kind that can be made offline, for an owner Safe of p, recovering to its owner
 * over the nested hash. */
static int verify_nested(const kms_proposal *p, const kms_safe_nested_sig *ns, eth_error *err)
{
    char who[43], inner[43], safe[43], over[160];
    eth_address_checksum(ns->sig.owner, who);
    eth_address_checksum(ns->safe, inner);
    eth_address_checksum(p->safe, safe);
    enum kms_safe_sig_kind kind = kms_safe_sig_kind(&ns->sig);
    if (kind != KMS_SAFE_SIG_ECDSA && kind != KMS_SAFE_SIG_ETH_SIGN)
        return eth_fail(err, ETH_EUNSUP, "the signature of %s for Safe %s has v %u: a signature "
                                         "for an owner Safe must be ECDSA (27, 28) or eth_sign "
                                         "(31, 32)", who, inner, ns->sig.rsv[64]);
    if (memcmp(ns->safe, ns->sig.owner, 20) == 0 || memcmp(ns->safe, p->safe, 20) == 0)
        return eth_fail(err, ETH_EINVAL, "a signature by %s for Safe %s: a Safe cannot sign for "
                                         "itself", who, inner);
    if (p->nowners && !kms_proposal_is_owner(p, ns->safe))
        return eth_fail(err, ETH_EINVAL, "%s is not an owner of Safe %s (%zu owners, threshold "
                                         "%llu): signatures for it do not count", inner, safe,
                        p->nowners, (unsigned long long)p->threshold);
    uint8_t hash[32];
    kms_proposal_nested_hash(p, ns->safe, hash);
    snprintf(over, sizeof over, "this transaction's SafeMessage hash for Safe %s", inner);
    return verify_recovers(hash, &ns->sig, who, over, err);
}

int kms_proposal_add_nested_sig(kms_proposal *p, const kms_safe_nested_sig *ns, eth_error *err)
{
    const kms_safe_nested_sig *old = find_nested(p, ns->safe, ns->sig.owner);
    if (old && memcmp(old->sig.rsv, ns->sig.rsv, 65) == 0)
        return 0;
    if (old) {
        char who[43], inner[43];
        eth_address_checksum(ns->sig.owner, who);
        eth_address_checksum(ns->safe, inner);
        return eth_fail(err, ETH_EINVAL, "%s already signed this transaction for Safe %s with "
                                         "another signature: keep one", who, inner);
    }
    if (p->nnested >= KMS_PROPOSAL_MAX_SIGS)
        return eth_fail(err, ETH_ERANGE, "a proposal holds at most %d signatures for owner Safes",
                        KMS_PROPOSAL_MAX_SIGS);
    int rc = verify_nested(p, ns, err);
    if (rc)
        return rc;
    kms_safe_nested_sig *more = realloc(p->nested, (p->nnested + 1) * sizeof *more);
    if (!more)
        return eth_fail(err, ETH_ENOMEM, "out of memory adding a signature");
    more[p->nnested++] = *ns;
    p->nested = more;
    return 0;
}

size_t kms_proposal_count_nested(const kms_proposal *p, const uint8_t safe[20])
{
    size_t n = 0;
    for (size_t i = 0; i < p->nnested; i++)
        n += memcmp(p->nested[i].safe, safe, 20) == 0; /* one per (safe, owner) */
    return n;
}

int kms_proposal_nested_pack(const kms_proposal *p, const uint8_t safe[20],
                             const uint8_t (*owners)[20], size_t n, eth_buf *out, size_t *count,
                             eth_error *err)
{
    kms_safe_sig sigs[KMS_PROPOSAL_MAX_SIGS];
    size_t k = 0;
    for (size_t i = 0; i < p->nnested; i++) {
        const kms_safe_nested_sig *ns = &p->nested[i];
        bool current = false;
        for (size_t j = 0; j < n && !current; j++)
            current = memcmp(owners[j], ns->sig.owner, 20) == 0;
        if (current && memcmp(ns->safe, safe, 20) == 0)
            sigs[k++] = ns->sig;
    }
    *count = k;
    return k ? kms_safe_sigs_pack(sigs, k, out, err) : 0;
}

int kms_proposal_merge(kms_proposal *into, const kms_proposal *other, size_t *added,
                       eth_error *err)
{
    if (added)
        *added = 0;
    if (memcmp(into->safe_tx_hash, other->safe_tx_hash, 32) != 0) {
        char a[67], b[67];
        eth_hex_encode(into->safe_tx_hash, 32, a);
        eth_hex_encode(other->safe_tx_hash, 32, b);
        return eth_fail(err, ETH_EINVAL, "these are different transactions: safeTxHash %s and "
                                         "%s; merge only copies of one proposal", a, b);
    }
    size_t before = into->nsigs, before_nested = into->nnested;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < other->nsigs; i++)
        rc = kms_proposal_add_sig(into, &other->sigs[i], err);
    for (size_t i = 0; rc == 0 && i < other->nnested; i++)
        rc = kms_proposal_add_nested_sig(into, &other->nested[i], err);
    if (rc) {
        into->nsigs = before;
        into->nnested = before_nested;
        return rc;
    }
    if (added)
        *added = into->nsigs - before + into->nnested - before_nested;
    return 0;
}

size_t kms_proposal_count_sigs(const kms_proposal *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nsigs; i++) {
        size_t j = 0;
        while (j < i && memcmp(p->sigs[j].owner, p->sigs[i].owner, 20) != 0)
            j++;
        n += j == i;
    }
    return n;
}

/* ---- writing ---- */

static json_t *dec_json(const u256 *x)
{
    char s[U256_DEC_MAX];
    u256_to_dec(x, s);
    return json_string(s);
}

static json_t *tx_json(const kms_safe_tx *tx)
{
    return json_pack("{s:o,s:o,s:o,s:i,s:o,s:o,s:o,s:o,s:o,s:o}", "to", eth_json_address(tx->to),
                     "value", dec_json(&tx->value), "data",
                     eth_json_hex(tx->data.data, tx->data.len), "operation", (int)tx->operation,
                     "safeTxGas", dec_json(&tx->safe_tx_gas), "baseGas", dec_json(&tx->base_gas),
                     "gasPrice", dec_json(&tx->gas_price), "gasToken",
                     eth_json_address(tx->gas_token), "refundReceiver",
                     eth_json_address(tx->refund_receiver), "nonce", dec_json(&tx->nonce));
}

/* A signature as the file holds it; for a nested one (safe not NULL) with the owner Safe. */
static json_t *sig_json(const kms_safe_sig *s, const uint8_t *safe)
{
    json_t *o = safe ? json_pack("{s:o}", "safe", eth_json_address(safe)) : json_object();
    json_t *rest = json_pack("{s:o,s:o,s:s?}", "owner", eth_json_address(s->owner), "signature",
                             eth_json_hex(s->rsv, 65), "kind",
                             kms_proposal_kind_name(kms_safe_sig_kind(s)));
    if (!o || !rest || json_object_update(o, rest) != 0) {
        json_decref(o);
        o = NULL;
    }
    json_decref(rest);
    return o;
}

/* p's signatures (nested false) or nested signatures (true) as a JSON array; NULL: no memory. */
static json_t *sigs_json(const kms_proposal *p, bool nested)
{
    json_t *a = json_array();
    size_t n = nested ? p->nnested : p->nsigs;
    for (size_t i = 0; a && i < n; i++) {
        json_t *o = nested ? sig_json(&p->nested[i].sig, p->nested[i].safe)
                           : sig_json(&p->sigs[i], NULL);
        if (json_array_append_new(a, o) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

json_t *kms_proposal_json(const kms_proposal *p)
{
    json_t *sigs = sigs_json(p, false);
    if (!sigs)
        return NULL;
    json_t *doc = json_pack("{s:s,s:i,s:I,s:o,s:s?,s:o,s:{s:o,s:o,s:o},s:o,s:I,s:o}", "kind",
                     KMS_PROPOSAL_KIND, "version", KMS_PROPOSAL_VERSION, "chainId",
                     (json_int_t)p->chain_id, "safe", eth_json_address(p->safe), "description",
                     p->description, "tx", tx_json(&p->tx), "hashes", "domainHash",
                     eth_json_hex(p->domain_hash, 32), "messageHash",
                     eth_json_hex(p->message_hash, 32), "safeTxHash",
                     eth_json_hex(p->safe_tx_hash, 32), "owners",
                     eth_json_address_list((const uint8_t(*)[20])p->owners, p->nowners),
                     "threshold", (json_int_t)p->threshold, "signatures", sigs);
    /* written only when there are some: files without them read as before */
    if (doc && p->nnested && json_object_set_new(doc, "nestedSignatures", sigs_json(p, true)) != 0) {
        json_decref(doc);
        doc = NULL;
    }
    return doc;
}

int kms_proposal_save(const char *path, const kms_proposal *p, eth_error *err)
{
    json_t *doc = kms_proposal_json(p);
    if (!doc) {
        char shown[ETH_CLIP_BUF];
        return eth_fail(err, ETH_ENOMEM, "%s: out of memory writing the proposal",
                        eth_text_clipz(path, shown));
    }
    int rc = eth_json_save(path, doc, 0644, err);
    json_decref(doc);
    return rc;
}

/* ---- reading ---- */

/* The JSON value v, an address (EIP-55 checked when mixed-case), into out; what names it. */
static int addr_value(const json_t *v, const char *what, uint8_t out[20], eth_error *err)
{
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return eth_fail(err, ETH_EINVAL, "%s must be an address (\"0x\" and 40 hex digits)",
                        what);
    int rc = eth_address_parse(json_string_value(v), out, 1, err);
    return rc ? eth_error_prefix(err, "%s: ", what) : 0;
}

static int get_addr(const json_t *o, const char *where, const char *name, uint8_t out[20],
                    eth_error *err)
{
    char what[96];
    if (!eth_json_member(o, where, name, JSON_STRING, err))
        return -err->code;
    snprintf(what, sizeof what, "field '%s%s'", where, name);
    return addr_value(json_object_get(o, name), what, out, err);
}

/* Member name, a number as a canonical decimal string ("0", "1000"), into *out. */
static int get_dec(const json_t *o, const char *where, const char *name, u256 *out,
                   eth_error *err)
{
    const char *s;
    size_t n;
    int rc = eth_json_get_string(o, where, name, &s, &n, err);
    if (rc)
        return rc;
    if (n == 0 || strspn(s, "0123456789") != n || (s[0] == '0' && n > 1)) {
        char shown[ETH_CLIP_BUF];
        return eth_fail(err, ETH_EINVAL, "field '%s%s' must be a decimal number in a string, "
                                         "such as \"0\" or \"1000\" (no sign, 0x or leading "
                                         "zeros), not '%s'", where, name,
                        eth_text_clip(s, n, shown));
    }
    rc = u256_parse(s, n, out, err);
    return rc ? eth_error_prefix(err, "field '%s%s': ", where, name) : 0;
}

static int tx_from_json(const json_t *j, kms_safe_tx *tx, eth_error *err)
{
    static const char W[] = "tx.";
    static const char *const KEYS[] = {"to", "value", "data", "operation", "safeTxGas",
                                       "baseGas", "gasPrice", "gasToken", "refundReceiver",
                                       "nonce", NULL};
    const json_t *o = eth_json_member(j, "", "tx", JSON_OBJECT, err);
    uint64_t op = 0;
    int rc = o ? eth_json_only_keys(o, W, KEYS, err) : -err->code;
    if (rc == 0)
        rc = get_addr(o, W, "to", tx->to, err);
    if (rc == 0)
        rc = get_dec(o, W, "value", &tx->value, err);
    if (rc == 0)
        rc = eth_json_get_hex(o, W, "data", KMS_PROPOSAL_MAX_DATA, &tx->data, err);
    if (rc == 0)
        rc = eth_json_get_uint(o, W, "operation", &op, err);
    if (rc == 0 && op > KMS_SAFE_DELEGATECALL)
        rc = eth_fail(err, ETH_EINVAL, "field 'tx.operation' is %llu: it must be 0 (call) or 1 "
                                       "(delegatecall)", (unsigned long long)op);
    tx->operation = (uint8_t)op;
    if (rc == 0)
        rc = get_dec(o, W, "safeTxGas", &tx->safe_tx_gas, err);
    if (rc == 0)
        rc = get_dec(o, W, "baseGas", &tx->base_gas, err);
    if (rc == 0)
        rc = get_dec(o, W, "gasPrice", &tx->gas_price, err);
    if (rc == 0)
        rc = get_addr(o, W, "gasToken", tx->gas_token, err);
    if (rc == 0)
        rc = get_addr(o, W, "refundReceiver", tx->refund_receiver, err);
    if (rc == 0)
        rc = get_dec(o, W, "nonce", &tx->nonce, err);
    return rc;
}

/* The stored hashes must be the ones p's fields give; safeTxHash, what owners sign, first. */
static int check_hashes(const json_t *j, const kms_proposal *p, eth_error *err)
{
    static const char *const KEYS[] = {"domainHash", "messageHash", "safeTxHash", NULL};
    const uint8_t *mine[3] = {p->domain_hash, p->message_hash, p->safe_tx_hash};
    uint8_t stored[3][32];
    const json_t *o = eth_json_member(j, "", "hashes", JSON_OBJECT, err);
    int rc = o ? eth_json_only_keys(o, "hashes.", KEYS, err) : -err->code;
    for (size_t i = 0; rc == 0 && i < 3; i++)
        rc = eth_json_get_hex_fixed(o, "hashes.", KEYS[i], stored[i], 32, err);
    for (size_t i = 3; rc == 0 && i-- > 0;)
        if (memcmp(stored[i], mine[i], 32) != 0) {
            char want[67], got[67];
            eth_hex_encode(mine[i], 32, want);
            eth_hex_encode(stored[i], 32, got);
            rc = eth_fail(err, ETH_EINVAL, "the file's %s does not match its fields: it was "
                                           "altered (the fields give %s, the file says %s)",
                          KEYS[i], want, got);
        }
    return rc;
}

static int description_from_json(const json_t *j, kms_proposal *p, eth_error *err)
{
    const json_t *v = json_object_get(j, "description");
    const char *s;
    if (v && json_is_null(v))
        return 0;
    int rc = eth_json_get_string(j, "", "description", &s, NULL, err);
    if (rc == 0 && (rc = kms_proposal_set_description(p, s, err)) != 0)
        rc = eth_error_prefix(err, "field 'description': ");
    return rc;
}

static int owners_from_json(const json_t *j, kms_proposal *p, eth_error *err)
{
    uint8_t owners[KMS_PROPOSAL_MAX_OWNERS][20];
    uint64_t threshold = 0;
    const json_t *a = eth_json_member(j, "", "owners", JSON_ARRAY, err);
    if (!a)
        return -err->code;
    size_t n = json_array_size(a);
    if (n > KMS_PROPOSAL_MAX_OWNERS)
        return eth_fail(err, ETH_ERANGE, "field 'owners' lists %zu owners: at most %d", n,
                        KMS_PROPOSAL_MAX_OWNERS);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char what[32];
        snprintf(what, sizeof what, "owners[%zu]", i);
        rc = addr_value(json_array_get(a, i), what, owners[i], err);
    }
    if (rc == 0)
        rc = eth_json_get_uint(j, "", "threshold", &threshold, err);
    if (rc == 0 && (rc = kms_proposal_set_owners(p, (const uint8_t(*)[20])owners, n, threshold,
                                                 err)) != 0)
        rc = eth_error_prefix(err, "fields 'owners' and 'threshold': ");
    return rc;
}

/* signatures[i] (safe NULL) or nestedSignatures[i] (its owner Safe into safe), v, into *sig:
 * its kind must be the one its v says. */
static int sig_from_json(const json_t *v, const char *where, uint8_t *safe, kms_safe_sig *sig,
                         eth_error *err)
{
    static const char *const KEYS[] = {"owner", "signature", "kind", NULL};
    static const char *const NESTED_KEYS[] = {"safe", "owner", "signature", "kind", NULL};
    const char *kind;
    if (!json_is_object(v))
        return eth_fail(err, ETH_EINVAL, "field '%.*s' must be an object {%s\"owner\", "
                                         "\"signature\", \"kind\"}",
                        (int)strlen(where) - 1, where, safe ? "\"safe\", " : "");
    int rc = eth_json_only_keys(v, where, safe ? NESTED_KEYS : KEYS, err);
    if (rc == 0 && safe)
        rc = get_addr(v, where, "safe", safe, err);
    if (rc == 0)
        rc = get_addr(v, where, "owner", sig->owner, err);
    if (rc == 0)
        rc = eth_json_get_hex_fixed(v, where, "signature", sig->rsv, 65, err);
    if (rc == 0)
        rc = eth_json_get_string(v, where, "kind", &kind, NULL, err);
    if (rc)
        return rc;
    const char *want = kms_proposal_kind_name(kms_safe_sig_kind(sig));
    if (want && strcmp(kind, want) != 0) {
        char shown[ETH_CLIP_BUF];
        return eth_fail(err, ETH_EINVAL, "field '%skind' is '%s' but the signature's v %u makes "
                                         "it '%s'", where, eth_text_clipz(kind, shown),
                        sig->rsv[64], want);
    }
    return 0;
}

static int sigs_from_json(const json_t *j, kms_proposal *p, eth_error *err)
{
    const json_t *a = eth_json_member(j, "", "signatures", JSON_ARRAY, err);
    if (!a)
        return -err->code;
    if (json_array_size(a) > KMS_PROPOSAL_MAX_SIGS)
        return eth_fail(err, ETH_ERANGE, "field 'signatures' holds %zu signatures: at most %d",
                        json_array_size(a), KMS_PROPOSAL_MAX_SIGS);
    for (size_t i = 0; i < json_array_size(a); i++) {
        char where[40];
        kms_safe_sig sig;
        snprintf(where, sizeof where, "signatures[%zu].", i);
        int rc = sig_from_json(json_array_get(a, i), where, NULL, &sig, err);
        const kms_safe_sig *dup = rc ? NULL : find_sig(p, sig.owner);
        if (dup) {
            char who[43];
            eth_address_checksum(sig.owner, who);
            rc = eth_fail(err, ETH_EINVAL, "signatures[%zu] and signatures[%zu] are both by %s: "
                                           "a file holds one signature per owner",
                          (size_t)(dup - p->sigs), i, who);
        }
        if (rc == 0 && (rc = kms_proposal_add_sig(p, &sig, err)) != 0)
            rc = eth_error_prefix(err, "signatures[%zu]: ", i);
        if (rc)
            return rc;
    }
    return 0;
}

/* The optional nestedSignatures: each checked and added (kms_proposal_add_nested_sig); one
 * per owner and owner Safe. */
static int nested_from_json(const json_t *j, kms_proposal *p, eth_error *err)
{
    const json_t *a = json_object_get(j, "nestedSignatures");
    if (!a)
        return 0;
    if (!json_is_array(a))
        return eth_fail(err, ETH_EINVAL, "field 'nestedSignatures' must be an array");
    if (json_array_size(a) > KMS_PROPOSAL_MAX_SIGS)
        return eth_fail(err, ETH_ERANGE, "field 'nestedSignatures' holds %zu signatures: at most "
                                         "%d", json_array_size(a), KMS_PROPOSAL_MAX_SIGS);
    for (size_t i = 0; i < json_array_size(a); i++) {
        char where[48];
        kms_safe_nested_sig ns;
        snprintf(where, sizeof where, "nestedSignatures[%zu].", i);
        int rc = sig_from_json(json_array_get(a, i), where, ns.safe, &ns.sig, err);
        if (rc == 0 && find_nested(p, ns.safe, ns.sig.owner)) {
            char who[43], inner[43];
            eth_address_checksum(ns.sig.owner, who);
            eth_address_checksum(ns.safe, inner);
            rc = eth_fail(err, ETH_EINVAL, "nestedSignatures[%zu]: a second signature by %s for "
                                           "Safe %s: a file holds one per owner", i, who, inner);
        }
        if (rc == 0 && (rc = kms_proposal_add_nested_sig(p, &ns, err)) != 0)
            rc = eth_error_prefix(err, "nestedSignatures[%zu]: ", i);
        if (rc)
            return rc;
    }
    return 0;
}

int kms_proposal_from_json(const json_t *j, kms_proposal *out, eth_error *err)
{
    static const char *const KEYS[] = {"kind", "version", "chainId", "safe", "description",
                                       "tx", "hashes", "owners", "threshold", "signatures",
                                       "nestedSignatures", NULL};
    memset(out, 0, sizeof *out);
    int rc = json_is_object(j) ? 0
                               : eth_fail(err, ETH_EINVAL, "a Safe proposal file must be a JSON "
                                                           "object");
    if (rc == 0)
        rc = eth_json_check_kind(j, KMS_PROPOSAL_KIND, KMS_PROPOSAL_VERSION,
                                 "Safe proposal file", err);
    if (rc == 0)
        rc = eth_json_only_keys(j, "", KEYS, err);
    if (rc == 0)
        rc = eth_json_get_uint(j, "", "chainId", &out->chain_id, err);
    if (rc == 0)
        rc = get_addr(j, "", "safe", out->safe, err);
    if (rc == 0)
        rc = tx_from_json(j, &out->tx, err);
    if (rc == 0)
        rc = compute_hashes(out, err);
    if (rc == 0)
        rc = check_hashes(j, out, err);
    if (rc == 0)
        rc = description_from_json(j, out, err);
    if (rc == 0)
        rc = owners_from_json(j, out, err);
    if (rc == 0)
        rc = sigs_from_json(j, out, err);
    if (rc == 0)
        rc = nested_from_json(j, out, err);
    if (rc)
        kms_proposal_clear(out);
    return rc;
}

int kms_proposal_load(const char *path, kms_proposal *out, eth_error *err)
{
    json_t *doc = NULL;
    memset(out, 0, sizeof *out);
    int rc = eth_json_load(path, KMS_PROPOSAL_MAX_FILE, &doc, err);
    if (rc == 0 && (rc = kms_proposal_from_json(doc, out, err)) != 0) {
        char shown[ETH_CLIP_BUF];
        rc = eth_error_prefix(err, "%s: ", eth_text_clipz(path, shown));
    }
    json_decref(doc);
    return rc;
}
