/* sender.c: one signer's transactions: nonce, fees, simulation, signing, broadcast, receipts. */
#include "sender.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/keccak.h"
#include "eth/text.h"
#include "internal/clock.h"
#include "revert.h"

struct kms_sender {
    eth_rpc *rpc;             /* borrowed */
    const eth_signer *signer; /* borrowed */
    kms_sender_opts opts;     /* opts.fees cleared after open: its pointers were borrowed */
    uint64_t chain_id;
    uint64_t nonce;
    kms_fees fees;
};

/* Room for a label of a transaction in messages: a hash or address and a clipped what. */
#define LABEL_MAX (ETH_CLIP_BUF + 80)

void kms_sender_opts_default(kms_sender_opts *o)
{
    *o = (kms_sender_opts){.gas_margin_pct = 20, .confirmations = 1, .poll_ms = 500,
                           .wait_timeout_ms = 600000};
}

int kms_sender_open(eth_rpc *rpc, const eth_signer *signer, const kms_sender_opts *opts,
                    kms_sender **out, eth_error *err)
{
    *out = NULL;
    kms_sender_opts o;
    if (opts)
        o = *opts;
    else
        kms_sender_opts_default(&o);
    if (o.poll_ms < 1 || o.wait_timeout_ms < 0)
        return eth_fail(err, ETH_EINVAL, "sender options out of range: poll_ms %ld (at least 1), "
                                         "wait_timeout_ms %ld (0 for no limit, or more)",
                        o.poll_ms, o.wait_timeout_ms);
    kms_sender *s = calloc(1, sizeof *s);
    if (!s)
        return eth_fail(err, ETH_ENOMEM, "out of memory opening a transaction sender");
    *s = (kms_sender){.rpc = rpc, .signer = signer, .opts = o};
    int rc = eth_rpc_chain_id(rpc, &s->chain_id, err);
    if (rc == 0)
        rc = eth_rpc_get_nonce(rpc, eth_signer_address(signer), "pending", &s->nonce, err);
    if (rc == 0)
        rc = kms_fees_suggest(rpc, &o.fees, &s->fees, err);
    if (rc) {
        free(s);
        return rc;
    }
    s->opts.fees = (kms_fee_overrides){0};
    *out = s;
    return 0;
}

void kms_sender_free(kms_sender *s)
{
    free(s);
}

uint64_t kms_sender_chain_id(const kms_sender *s)
{
    return s->chain_id;
}

const uint8_t *kms_sender_address(const kms_sender *s)
{
    return eth_signer_address(s->signer);
}

uint64_t kms_sender_next_nonce(const kms_sender *s)
{
    return s->nonce;
}

const kms_fees *kms_sender_fees(const kms_sender *s)
{
    return &s->fees;
}

void kms_sender_set_nonce(kms_sender *s, uint64_t nonce)
{
    s->nonce = nonce;
}

/* "<what>" (clipped), or what the request does when it has no what. */
static const char *req_label(const kms_txreq *req, char out[LABEL_MAX])
{
    char to[43], shown[ETH_CLIP_BUF];
    if (req->what) {
        snprintf(out, LABEL_MAX, "%s", eth_text_clipz(req->what, shown));
    } else if (req->to) {
        eth_address_checksum(req->to, to);
        snprintf(out, LABEL_MAX, "the call to %s", to);
    } else {
        snprintf(out, LABEL_MAX, "the contract creation");
    }
    return out;
}

/* A transaction in progress lines ("0x1234..abcd (what)") or, full, in messages ("0x<64 hex
 * digits> (what)"); what may be NULL. */
static const char *tx_label(const uint8_t hash[32], const char *what, bool full,
                            char out[LABEL_MAX])
{
    char h[67], shown[ETH_CLIP_BUF], what_s[ETH_CLIP_BUF + 4] = "";
    eth_hex_encode(hash, 32, h);
    if (!full) { /* "0x", the first 4 digits, "..", the last 4 (h[62..66) and the NUL) */
        memcpy(h + 6, "..", 2);
        memmove(h + 8, h + 62, 5);
    }
    if (what)
        snprintf(what_s, sizeof what_s, " (%s)", eth_text_clipz(what, shown));
    snprintf(out, LABEL_MAX, "%s%s", h, what_s);
    return out;
}

/* est plus pct percent, rounded down, into *gas (in u256: est * (100 + pct) has 97 bits). */
static int add_margin(uint64_t est, unsigned pct, uint64_t *gas, eth_error *err)
{
    u256 e = u256_from_u64(est), f = u256_from_u64(100 + (uint64_t)pct);
    u256 hundred = u256_from_u64(100), scaled, q;
    if (u256_mul(&scaled, &e, &f) == 0 && u256_divmod(&q, NULL, &scaled, &hundred, err) == 0 &&
        u256_bits(&q) <= 64) {
        *gas = q.w[0];
        return 0;
    }
    return eth_fail(err, ETH_ERANGE, "the gas estimate %llu plus %u%% does not fit in 64 bits: "
                                     "give the gas limit", (unsigned long long)est, pct);
}

/* eth_call and eth_estimateGas of req from the signer; *gas gets the estimate with margin. */
static int simulate(kms_sender *s, const kms_txreq *req, uint64_t *gas, eth_error *err)
{
    eth_call_req c = {.from = eth_signer_address(s->signer), .to = req->to, .data = req->data,
                      .data_len = req->data_len, .value = req->value};
    eth_buf ret = {.limit = 1u << 20};
    uint64_t est = 0;
    int rc = eth_rpc_call_contract(s->rpc, &c, "latest", &ret, err);
    eth_buf_clear(&ret);
    if (rc == 0)
        rc = eth_rpc_estimate_gas(s->rpc, &c, NULL, &est, err);
    if (rc == -ETH_EREVERT) {
        char label[LABEL_MAX], prefix[LABEL_MAX + 16];
        snprintf(prefix, sizeof prefix, "%s would revert", req_label(req, label));
        return kms_revert_describe(err, prefix);
    }
    return rc ? rc : add_margin(est, s->opts.gas_margin_pct, gas, err);
}

/* Fills tx with req at gas and the sender's nonce, fees and chain id. */
static int fill(const kms_sender *s, const kms_txreq *req, uint64_t gas, eth_tx *tx,
                eth_error *err)
{
    tx->type = s->fees.legacy ? ETH_TX_LEGACY : ETH_TX_DYNAMIC_FEE;
    tx->has_chain_id = 1;
    tx->chain_id = s->chain_id;
    tx->nonce = s->nonce;
    tx->gas_price = s->fees.gas_price;
    tx->max_fee = s->fees.max_fee;
    tx->max_priority_fee = s->fees.max_priority;
    tx->gas = gas;
    tx->has_to = req->to != NULL;
    if (req->to)
        memcpy(tx->to, req->to, 20);
    tx->value = req->value ? *req->value : u256_from_u64(0);
    return eth_buf_append(&tx->data, req->data, req->data_len, err);
}

int kms_sender_prepare(kms_sender *s, const kms_txreq *req, eth_tx *tx, eth_error *err)
{
    uint64_t gas = req->gas;
    int rc = gas ? 0 : simulate(s, req, &gas, err);
    if (rc == 0)
        rc = fill(s, req, gas, tx, err);
    if (rc) {
        eth_tx_clear(tx);
        return rc;
    }
    s->nonce++;
    return 0;
}

int kms_sender_sign(kms_sender *s, eth_tx *tx, eth_buf *raw, uint8_t hash[32], eth_error *err)
{
    size_t start = raw->len;
    int rc = eth_signer_sign_tx(s->signer, tx, err);
    if (rc == 0)
        rc = eth_tx_encode_signed(tx, raw, err);
    if (rc) {
        raw->len = start;
        return rc;
    }
    eth_keccak256(raw->data + start, raw->len - start, hash);
    return 0;
}

/* What a node's refusal of eth_sendRawTransaction says. Nodes tell these cases apart only in
 * words (anvil answers -32003 for both "nonce too low" and insufficient funds), so the text is
 * read here, lower-cased: geth's and anvil's phrases, and the names Nethermind and Besu use. */
enum refusal { REFUSED_OTHER, REFUSED_KNOWN, REFUSED_NONCE, REFUSED_FUNDS };

static const struct {
    const char *text;
    enum refusal kind;
} REFUSALS[] = {
    {"already known", REFUSED_KNOWN},    {"already imported", REFUSED_KNOWN},
    {"known transaction", REFUSED_KNOWN}, {"alreadyknown", REFUSED_KNOWN},
    {"nonce too low", REFUSED_NONCE},    {"nonce_too_low", REFUSED_NONCE},
    {"oldnonce", REFUSED_NONCE},         {"insufficient funds", REFUSED_FUNDS},
    {"insufficientfunds", REFUSED_FUNDS}, {"upfront_cost_exceeds_balance", REFUSED_FUNDS},
};

static enum refusal refusal_of(const eth_error *said)
{
    char low[sizeof said->msg];
    size_t i = 0;
    for (; said->msg[i] && i + 1 < sizeof low; i++)
        low[i] = (char)tolower((unsigned char)said->msg[i]);
    low[i] = '\0';
    for (size_t k = 0; k < sizeof REFUSALS / sizeof REFUSALS[0]; k++)
        if (strstr(low, REFUSALS[k].text))
            return REFUSALS[k].kind;
    return REFUSED_OTHER;
}

/* The node refused raw because its nonce was used: says which nonce, and the next one. */
static int nonce_used(kms_sender *s, const eth_tx *tx, const char *hash, eth_error *err)
{
    char from[43];
    uint64_t next = 0;
    eth_address_checksum(eth_signer_address(s->signer), from);
    int rc = eth_rpc_get_nonce(s->rpc, eth_signer_address(s->signer), "pending", &next, err);
    if (rc)
        return eth_error_prefix(err, "broadcasting %s: the node says nonce %llu is too low, and "
                                     "reading the account's nonce failed: ", hash,
                                (unsigned long long)tx->nonce);
    return eth_fail(err, ETH_ESTATE, "nonce %llu of %s was already used by another transaction, "
                                     "so %s can never be mined (the account's next nonce is %llu): "
                                     "something else sends from this account; sign it again "
                                     "at a fresh nonce", (unsigned long long)tx->nonce, from,
                    hash, (unsigned long long)next);
}

/* wei as "1.5 ether" into out (u256_format_units fails only past 77 decimals; then wei). */
static const char *ether_text(const u256 *wei, char out[U256_DEC_MAX + 8])
{
    eth_error e;
    bool ether = u256_format_units(wei, 18, out, &e) == 0;
    if (!ether)
        u256_to_dec(wei, out);
    strcat(out, ether ? " ether" : " wei");
    return out;
}

/* The node refused tx for lack of funds: says what it may cost and what the account holds. */
static int no_funds(kms_sender *s, const eth_tx *tx, const char *hash, eth_error *err)
{
    const uint8_t *addr = eth_signer_address(s->signer);
    char from[43], cost_s[U256_DEC_MAX + 8] = "more than 2^256 wei", bal_s[U256_DEC_MAX + 8];
    char price_s[U256_DEC_MAX], value_s[U256_DEC_MAX];
    kms_fees f = {.legacy = tx->type != ETH_TX_DYNAMIC_FEE, .gas_price = tx->gas_price,
                  .max_fee = tx->max_fee};
    u256 cost, balance;
    eth_address_checksum(addr, from);
    int rc = eth_rpc_get_balance(s->rpc, addr, "latest", &balance, err);
    if (rc)
        return eth_error_prefix(err, "broadcasting %s: the node says %s has insufficient funds, "
                                     "and reading its balance failed: ", hash, from);
    if (kms_fees_max_cost(&f, tx->gas, &cost) == 0 && u256_add(&cost, &cost, &tx->value) == 0)
        ether_text(&cost, cost_s);
    u256_to_dec(f.legacy ? &tx->gas_price : &tx->max_fee, price_s);
    u256_to_dec(&tx->value, value_s);
    return eth_fail(err, ETH_ERPC, "%s cannot pay for %s: it may cost up to %s (gas %llu at up to "
                                   "%s wei, plus a value of %s wei) and the balance is %s: fund "
                                   "the account or lower the fees", from, hash, cost_s,
                    (unsigned long long)tx->gas, price_s, value_s, ether_text(&balance, bal_s));
}

/* After the node refused raw (err holds its words): success if it has the transaction anyway,
 * else the refusal in words. */
static int refused(kms_sender *s, const uint8_t *raw, size_t n, const uint8_t hash[32],
                   eth_error *err)
{
    enum refusal kind = refusal_of(err);
    eth_tx_status st = {0};
    eth_error lookup;
    char h[67];
    eth_hex_encode(hash, 32, h);
    if (kind != REFUSED_KNOWN && eth_rpc_get_tx(s->rpc, hash, &st, &lookup) != 0) {
        char said[sizeof err->msg];
        memcpy(said, err->msg, sizeof said);
        return eth_fail(err, lookup.code, "broadcasting %s: %s; looking it up then failed: %s", h,
                        said, lookup.msg);
    }
    if (kind == REFUSED_KNOWN || st.found) {
        eth_error_clear(err);
        return 0;
    }
    if (kind == REFUSED_OTHER)
        return eth_error_prefix(err, "broadcasting %s: ", h);
    eth_tx tx;
    int rc = eth_tx_decode(raw, n, &tx, err);
    if (rc == 0)
        rc = kind == REFUSED_NONCE ? nonce_used(s, &tx, h, err) : no_funds(s, &tx, h, err);
    eth_tx_clear(&tx);
    return rc;
}

int kms_sender_broadcast(kms_sender *s, const uint8_t *raw, size_t n, const uint8_t hash[32],
                         eth_error *err)
{
    uint8_t got[32];
    int rc = eth_rpc_send_raw(s->rpc, raw, n, got, err);
    if (rc == 0 && memcmp(got, hash, 32) != 0) {
        char want_s[67], got_s[67];
        eth_hex_encode(hash, 32, want_s);
        eth_hex_encode(got, 32, got_s);
        return eth_fail(err, ETH_ERPC, "%s: broadcasting %s, the node answered the hash %s: the "
                                       "raw bytes are not that transaction",
                        eth_rpc_url_shown(s->rpc), want_s, got_s);
    }
    if (rc == -ETH_ERPC && eth_rpc_last_code(s->rpc) != 0)
        return refused(s, raw, n, hash, err);
    if (rc) { /* no answer from the node, or none it could have meant (transport, garbage) */
        char h[67];
        eth_hex_encode(hash, 32, h);
        return eth_error_prefix(err, "broadcasting %s: ", h);
    }
    return 0;
}

/* The receipt of hash into *r and its confirmations into *have (0: not mined). */
static int confirmations(kms_sender *s, const uint8_t hash[32], eth_receipt *r, uint64_t *have,
                         eth_error *err)
{
    bool found = false;
    uint64_t tip = 0;
    *have = 0;
    int rc = eth_rpc_get_receipt(s->rpc, hash, r, &found, NULL, err);
    if (rc == 0 && found)
        rc = eth_rpc_block_number(s->rpc, &tip, err);
    if (rc == 0 && found) /* a node behind its own receipt still counts the block */
        *have = tip > r->block_number ? tip - r->block_number + 1 : 1;
    return rc;
}

/* What kms_sender_wait last reported, so that it speaks only when something changed. */
typedef struct wait_seen {
    bool said;
    uint64_t have;
    uint64_t block;
} wait_seen;

static void report(const kms_sender *s, const char *label, const eth_receipt *r, uint64_t have,
                   uint64_t need, wait_seen *seen)
{
    uint64_t block = have ? r->block_number : 0;
    if (seen->said && seen->have == have && seen->block == block)
        return;
    if (have)
        kms_progress_say(&s->opts.progress, "waiting for %s: mined in block %llu, %llu of %llu "
                         "confirmations", label, (unsigned long long)block,
                         (unsigned long long)have, (unsigned long long)need);
    else if (seen->have)
        kms_progress_say(&s->opts.progress, "waiting for %s: no longer in block %llu (a "
                         "reorganisation), waiting for it to be mined again", label,
                         (unsigned long long)seen->block);
    else
        kms_progress_say(&s->opts.progress, "waiting for %s: not mined yet", label);
    *seen = (wait_seen){.said = true, .have = have, .block = block};
}

/* Most calldata or init code read back from a mined transaction. */
#define SENT_DATA_MAX (4u << 20)

/* The call a mined transaction made, as eth_getTransactionByHash tells it. */
typedef struct sent_call {
    uint8_t from[20];
    bool has_to;
    uint8_t to[20];
    eth_buf data;
    u256 value;
    uint64_t gas;
} sent_call;

static int fetch_call(eth_rpc *rpc, const uint8_t hash[32], sent_call *c, eth_error *err)
{
    char h[67];
    eth_hex_encode(hash, 32, h);
    json_t *params = json_pack("[s]", h), *r = NULL;
    int rc = params ? eth_rpc_call(rpc, "eth_getTransactionByHash", params, &r, err)
                    : eth_fail(err, ETH_ENOMEM, "out of memory");
    json_decref(params);
    if (rc == 0 && !json_is_object(r))
        rc = eth_fail(err, ETH_ESTATE, "the node no longer knows the transaction");
    const json_t *to = rc == 0 ? json_object_get(r, "to") : NULL;
    c->has_to = to && !json_is_null(to);
    if (rc == 0)
        rc = eth_json_get_hex_fixed(r, "transaction.", "from", c->from, 20, err);
    if (rc == 0 && c->has_to)
        rc = eth_json_hex_fixed(to, "transaction.to", c->to, 20, err);
    if (rc == 0)
        rc = eth_json_get_hex(r, "transaction.", "input", SENT_DATA_MAX, &c->data, err);
    if (rc == 0)
        rc = eth_quantity_u256(json_object_get(r, "value"), "transaction value", &c->value, err);
    if (rc == 0)
        rc = eth_quantity_u64(json_object_get(r, "gas"), "transaction gas", &c->gas, err);
    json_decref(r);
    return rc;
}

/* eth_call of c at block with its gas limit: -ETH_EREVERT with the revert data, or 0. */
static int replay(eth_rpc *rpc, const sent_call *c, uint64_t block, eth_error *err)
{
    char tag[ETH_BLOCK_TAG_MAX];
    eth_call_req req = {.from = c->from, .to = c->has_to ? c->to : NULL, .data = c->data.data,
                        .data_len = c->data.len, .value = &c->value, .gas = c->gas};
    eth_buf ret = {.limit = 1u << 20};
    int rc = eth_rpc_call_contract(rpc, &req, eth_block_tag(block, tag), &ret, err);
    eth_buf_clear(&ret);
    return rc;
}

/* The mined transaction of r failed (status 0): its revert data by replaying it, explained. */
static int failed(kms_sender *s, const eth_receipt *r, const char *label, eth_error *err)
{
    char prefix[LABEL_MAX + 48], why[sizeof err->msg + 96], used[160] = "";
    snprintf(prefix, sizeof prefix, "%s failed in block %llu", label,
             (unsigned long long)r->block_number);
    sent_call c = {.data = {.limit = SENT_DATA_MAX}};
    int rc = fetch_call(s->rpc, r->tx_hash, &c, err);
    if (rc == 0)
        rc = replay(s->rpc, &c, r->block_number, err);
    eth_buf_clear(&c.data);
    if (rc == -ETH_EREVERT)
        return kms_revert_describe(err, prefix);
    if (rc == 0)
        snprintf(why, sizeof why, "replaying it at that block succeeds, so what it relied on "
                                  "changed within the block");
    else
        snprintf(why, sizeof why, "replaying it gave no revert data (%s)", err->msg);
    if (c.gas && r->gas_used >= c.gas)
        snprintf(used, sizeof used, "; it used all %llu gas of its limit: it ran out of gas, send "
                                    "it again with a higher gas limit",
                 (unsigned long long)c.gas);
    return eth_fail_revert(err, NULL, 0, "%s (status 0): %s%s", prefix, why, used);
}

static int timed_out(const char *label, uint64_t have, uint64_t need, long ms, eth_error *err)
{
    if (have)
        return eth_fail(err, ETH_ETIMEOUT, "%s has %llu of %llu confirmations after %ld ms: the "
                                           "chain adds blocks slowly; wait for it again",
                        label, (unsigned long long)have, (unsigned long long)need, ms);
    return eth_fail(err, ETH_ETIMEOUT, "%s is not mined after %ld ms: its fees may be too low or "
                                       "an earlier nonce may be missing; wait for it again or "
                                       "look it up by its hash", label, ms);
}

/* How often (in unmined polls, the first one included) kms_sender_wait looks for a nonce gap. */
#define GAP_CHECK_EVERY 10

/* Fails when the pending transaction hash can never be mined: its nonce is past the sender's
 * next nonce as the node counts it (its pending transactions included), so it waits behind
 * nonces nobody sent. That happens when it was signed at a wrong nonce (a node that answered a
 * wrong count) or an earlier transaction was dropped; waiting would last until the timeout. */
static int check_gap(kms_sender *s, const uint8_t hash[32], const char *label, eth_error *err)
{
    eth_tx_status st;
    uint64_t next = 0;
    char from[43];
    int rc = eth_rpc_get_tx(s->rpc, hash, &st, err);
    if (rc == 0 && st.found && !st.mined)
        rc = eth_rpc_get_nonce(s->rpc, st.from, "pending", &next, err);
    if (rc)
        return eth_error_prefix(err, "waiting for %s: ", label);
    if (!st.found || st.mined || st.nonce <= next)
        return 0;
    eth_address_checksum(st.from, from);
    return eth_fail(err, ETH_ESTATE, "%s has nonce %llu, but the node counts %llu transactions of "
                                     "%s (pending ones included): it waits behind nonces %llu to "
                                     "%llu that were never sent and will not be mined; it was "
                                     "signed at a wrong nonce (the node answered a wrong count, or "
                                     "an earlier transaction was dropped): send it again",
                    label, (unsigned long long)st.nonce, (unsigned long long)next, from,
                    (unsigned long long)next, (unsigned long long)st.nonce - 1);
}

int kms_sender_wait(kms_sender *s, const uint8_t hash[32], const char *what, eth_receipt *out,
                    eth_error *err)
{
    char shown[LABEL_MAX], named[LABEL_MAX];
    tx_label(hash, what, false, shown);
    tx_label(hash, what, true, named);
    uint64_t need = s->opts.confirmations ? s->opts.confirmations : 1;
    long limit = s->opts.wait_timeout_ms, poll = s->opts.poll_ms;
    int64_t start = kms_now_ms();
    wait_seen seen = {0};
    for (unsigned polls = 0;; polls++) {
        eth_receipt r;
        uint64_t have;
        int rc = confirmations(s, hash, &r, &have, err);
        if (rc)
            return eth_error_prefix(err, "waiting for %s: ", named);
        if (!have && polls % GAP_CHECK_EVERY == 0 && (rc = check_gap(s, hash, named, err)) != 0)
            return rc;
        if (have && !r.status)
            return failed(s, &r, named, err);
        if (have >= need) {
            if (out)
                *out = r;
            return 0;
        }
        report(s, shown, &r, have, need, &seen);
        int64_t left = limit ? start + limit - kms_now_ms() : poll;
        if (left <= 0)
            return timed_out(named, have, need, limit, err);
        kms_sleep_ms(left < poll ? (long)left : poll);
    }
}

int kms_sender_send(kms_sender *s, const kms_txreq *req, uint8_t hash[32], eth_receipt *out,
                    eth_error *err)
{
    eth_tx tx;
    eth_tx_init(&tx);
    int rc = kms_sender_prepare(s, req, &tx, err);
    if (rc)
        return rc;
    uint64_t nonce = tx.nonce;
    eth_buf raw = {0};
    uint8_t h[32];
    rc = kms_sender_sign(s, &tx, &raw, h, err);
    eth_tx_clear(&tx);
    if (rc == 0 && hash)
        memcpy(hash, h, 32);
    if (rc == 0)
        rc = kms_sender_broadcast(s, raw.data, raw.len, h, err);
    eth_buf_clear(&raw);
    if (rc && rc != -ETH_ESTATE) /* not sent: its nonce is free again (a used one stays used) */
        s->nonce = nonce;
    return rc ? rc : kms_sender_wait(s, h, req->what, out, err);
}

void kms_create_address(const uint8_t from[20], uint64_t nonce, uint8_t out[20])
{
    /* rlp([from, nonce]) is at most 1 + 21 + 9 bytes: encoded here, with no allocation that
     * could fail (eth_rlp writes to an eth_buf) */
    uint8_t enc[32], be[8], digest[32];
    size_t k = 0, n = 22;
    for (int shift = 56; shift >= 0; shift -= 8)
        if (k || (uint8_t)(nonce >> shift))
            be[k++] = (uint8_t)(nonce >> shift);
    enc[1] = 0x80 + 20;
    memcpy(enc + 2, from, 20);
    if (k == 1 && be[0] < 0x80) {
        enc[n++] = be[0];
    } else {
        enc[n++] = (uint8_t)(0x80 + k);
        memcpy(enc + n, be, k);
        n += k;
    }
    enc[0] = (uint8_t)(0xc0 + n - 1);
    eth_keccak256(enc, n, digest);
    memcpy(out, digest + 12, 20);
}
