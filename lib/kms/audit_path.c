/* audit_path.c: a transaction's input read back into the hops a call went through. */
#include "audit_path.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_control.h"
#include "eth/abi_decode.h"
#include "eth/abi_selector.h"
#include "eth/abi_type.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "safe.h"
#include "safe_tx.h"
#include "timelock.h"

/* Longest transaction input read. */
#define MAX_INPUT (1u << 20)

enum { F_EXEC, F_EXECUTE, F_BATCH, F_MULTISEND, NFUNCS };
static const char *const FUNCS[NFUNCS][2] = {
    {"execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)",
     "(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)"},
    {"execute(address,uint256,bytes,bytes32,bytes32)", "(address,uint256,bytes,bytes32,bytes32)"},
    {"executeBatch(address[],uint256[],bytes[],bytes32,bytes32)",
     "(address[],uint256[],bytes[],bytes32,bytes32)"},
    {"multiSend(bytes)", "(bytes)"},
};

static void hop_clear(kms_audit_hop *h)
{
    eth_buf_clear(&h->signatures);
    free(h->signers);
    free(h->inner);
    if (h->schedule) {
        kms_audit_path_clear(h->schedule);
        free(h->schedule);
    }
    memset(h, 0, sizeof *h);
}

void kms_audit_path_clear(kms_audit_path *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nhops; i++)
        hop_clear(&p->hops[i]);
    memset(p, 0, sizeof *p);
}

/* ---- decoding ---- */

/* Where the walk is: the next call (to, data) and the selectors it is read against. */
typedef struct walk {
    kms_audit_path *p;
    uint8_t sel[NFUNCS][4];
    uint8_t to[20];
    eth_buf data;
} walk;

static int which(const walk *w, const uint8_t *data, size_t n)
{
    for (int i = 0; n >= 4 && i < NFUNCS; i++)
        if (memcmp(data, w->sel[i], 4) == 0)
            return i;
    return -1;
}

/* Of calls[0..n), the one to follow: to the target, else a Safe or timelock call, else the
 * first. */
static size_t choose(const walk *w, const kms_tl_call *calls, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(calls[i].target, w->p->target, 20) == 0)
            return i;
    for (size_t i = 0; i < n; i++) {
        int f = which(w, calls[i].data, calls[i].len);
        if (f == F_EXEC || f == F_EXECUTE || f == F_BATCH)
            return i;
    }
    return 0;
}

/* Moves the walk on to call c (its data copied). */
static int next_call(walk *w, const kms_tl_call *c, eth_error *err)
{
    eth_buf data = {0};
    int rc = eth_buf_append(&data, c->data, c->len, err);
    memcpy(w->to, c->target, 20);
    eth_buf_clear(&w->data);
    w->data = data;
    return rc;
}

static kms_audit_hop *add_hop(walk *w, kms_hop_kind kind)
{
    kms_audit_hop *h = &w->p->hops[w->p->nhops++];
    h->kind = kind;
    memcpy(h->addr, w->to, 20);
    return h;
}

/* Decodes w->data (after its selector) as function f's parameters. */
static int decode_args(const walk *w, int f, eth_abi_value *v)
{
    eth_abi_type *t = NULL;
    eth_error e;
    int rc = eth_abi_type_parse(FUNCS[f][1], &t, &e);
    if (rc == 0)
        rc = eth_abi_decode(t, w->data.data + 4, w->data.len - 4, v, &e);
    eth_abi_type_free(t);
    return rc; /* v's types point into t: only its words and data are read after this */
}

/* A Safe's execTransaction: its signatures kept, the walk on to its call (through a multiSend
 * batch when it delegatecalls one). Returns 0 with *stop set when the path ends here. */
static int step_safe(walk *w, const eth_abi_value *v, bool *stop, eth_error *err)
{
    kms_audit_hop *h = add_hop(w, KMS_HOP_SAFE);
    int rc = eth_buf_append(&h->signatures, v->items[9].data, v->items[9].len, err);
    kms_tl_call c = {.target = v->items[0].word + 12, .data = v->items[2].data,
                     .len = v->items[2].len};
    if (rc == 0)
        rc = next_call(w, &c, err);
    if (rc || v->items[3].word[31] == 0)
        return rc;
    kms_tl_call *calls = NULL;
    size_t n = 0;
    eth_error e;
    *stop = which(w, w->data.data, w->data.len) != F_MULTISEND ||
            kms_multisend_unpack(w->data.data, w->data.len, &calls, &n, &e) != 0 || n == 0;
    if (*stop)
        add_hop(w, KMS_HOP_CONTRACT); /* a delegatecall kmsctl does not read */
    else
        rc = next_call(w, &calls[choose(w, calls, n)], err);
    free(calls);
    return rc;
}

/* A timelock's execute (batch false) or executeBatch: the operation id, the walk on to its
 * call. */
static int step_timelock(walk *w, const eth_abi_value *v, bool batch, bool *stop,
                         eth_error *err)
{
    size_t n = batch ? v->items[0].nitems : 1;
    if (batch && (v->items[1].nitems != n || v->items[2].nitems != n || n == 0)) {
        *stop = true;
        add_hop(w, KMS_HOP_CONTRACT);
        return 0;
    }
    kms_tl_call *calls = calloc(n, sizeof *calls);
    if (!calls)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const eth_abi_value *t = batch ? &v->items[0].items[i] : &v->items[0];
        const eth_abi_value *val = batch ? &v->items[1].items[i] : &v->items[1];
        const eth_abi_value *d = batch ? &v->items[2].items[i] : &v->items[2];
        calls[i] = (kms_tl_call){.target = t->word + 12, .value = u256_from_be(val->word, 32),
                                 .data = d->data, .len = d->len};
    }
    kms_audit_hop *h = add_hop(w, KMS_HOP_TIMELOCK);
    int rc = kms_timelock_op_id(calls, n, batch, v->items[3].word, v->items[4].word, h->op_id, err);
    if (rc == 0)
        rc = next_call(w, &calls[choose(w, calls, n)], err);
    free(calls);
    return rc;
}

/* One hop: reads the call at w, or ends the path (*stop). */
static int step(walk *w, bool *stop, eth_error *err)
{
    *stop = memcmp(w->to, w->p->target, 20) == 0;
    if (*stop)
        return 0;
    int f = which(w, w->data.data, w->data.len);
    eth_abi_value v;
    *stop = w->p->nhops == KMS_AUDIT_MAX_HOPS - 1 || f < 0 || f == F_MULTISEND ||
            decode_args(w, f, &v) != 0;
    if (*stop) {
        add_hop(w, KMS_HOP_CONTRACT);
        return 0;
    }
    int rc = f == F_EXEC ? step_safe(w, &v, stop, err)
                         : step_timelock(w, &v, f == F_BATCH, stop, err);
    eth_abi_value_clear(&v);
    return rc;
}

int kms_audit_path_decode(kms_audit_path *p, const uint8_t from[20], const uint8_t to[20],
                          const uint8_t *input, size_t n, eth_error *err)
{
    walk w = {.p = p};
    memcpy(p->sender, from, 20);
    memset(w.to, 0, 20);
    if (to)
        memcpy(w.to, to, 20);
    int rc = eth_buf_append(&w.data, input, n, err);
    for (int i = 0; rc == 0 && i < NFUNCS; i++)
        rc = eth_abi_selector_of(FUNCS[i][0], w.sel[i], err);
    bool stop = false;
    if (rc == 0 && !to) {
        add_hop(&w, KMS_HOP_CONTRACT); /* a contract creation */
        stop = true;
    }
    while (rc == 0 && !stop)
        rc = step(&w, &stop, err);
    eth_buf_clear(&w.data);
    return rc;
}

/* ---- reading transactions ---- */

static json_t *tx_params(void *ctx, size_t i)
{
    kms_audit_path *const *paths = ctx;
    return json_pack("[o]", eth_json_hex(paths[i]->tx, 32));
}

static int take_tx(void *ctx, size_t i, const json_t *r, eth_error *err)
{
    kms_audit_path *p = ((kms_audit_path *const *)ctx)[i];
    char h[67];
    eth_hex_encode(p->tx, 32, h);
    if (!json_is_object(r))
        return eth_fail(err, ETH_ERPC, "transaction %s: the node does not know it", h);
    uint8_t from[20], to[20];
    const json_t *jt = json_object_get(r, "to");
    eth_buf input = {.limit = MAX_INPUT};
    eth_error e;
    int rc = eth_json_get_hex_fixed(r, "transaction.", "from", from, 20, &e);
    if (rc == 0 && jt && !json_is_null(jt))
        rc = eth_json_hex_fixed(jt, "transaction.to", to, 20, &e);
    if (rc == 0)
        rc = eth_json_get_hex(r, "transaction.", "input", MAX_INPUT, &input, &e);
    if (rc)
        rc = eth_fail(err, ETH_ERPC, "transaction %s: malformed reply from the node: %s", h, e.msg);
    if (rc == 0)
        rc = kms_audit_path_decode(p, from, jt && !json_is_null(jt) ? to : NULL, input.data,
                                   input.len, err);
    p->fetched = rc == 0;
    eth_buf_clear(&input);
    return rc;
}

int kms_audit_paths_fetch(const kms_audit_net *net, kms_audit_path *const *paths, size_t n,
                          eth_error *err)
{
    return kms_audit_each(net, "eth_getTransactionByHash", n, tx_params, take_tx, (void *)paths,
                          "eth_getTransactionByHash", err);
}

/* ---- signers ---- */

/* The 32-byte big-endian word w as *out; false when it does not fit in 64 bits. */
static bool word_u64(const uint8_t w[32], uint64_t *out)
{
    *out = 0;
    for (int k = 0; k < 32; k++) {
        if (k < 24 && w[k])
            return false;
        *out = *out << 8 | (k < 24 ? 0 : w[k]);
    }
    return true;
}

/* How many 65-byte parts of sigs[0..n) are signatures Safe reads: up to the first of a kind it
 * does not know, and not into the data of a contract signature (v 0), which starts at its s. */
static size_t parts_of(const uint8_t *sigs, size_t n)
{
    size_t max = n / 65 < KMS_SAFE_MAX_OWNERS ? n / 65 : KMS_SAFE_MAX_OWNERS;
    for (size_t i = 0; i < max; i++) {
        const uint8_t *part = sigs + 65 * i;
        uint8_t v = part[64];
        uint64_t off;
        if (v == 0 && word_u64(part + 32, &off) && off / 65 < max) /* this part counts */
            max = off / 65 > i ? (size_t)(off / 65) : i + 1;
        if (v > 1 && v != 27 && v != 28 && v != 31 && v != 32)
            return i;
    }
    return max;
}

int kms_audit_signers(const uint8_t safe_tx_hash[32], const uint8_t *sigs, size_t n,
                      uint8_t (**out)[20], size_t *nout, eth_error *err)
{
    size_t parts = parts_of(sigs, n);
    *nout = 0;
    *out = parts ? malloc(parts * 20) : NULL;
    if (parts && !*out)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    for (size_t i = 0; i < parts; i++) {
        uint8_t rsv[65];
        memcpy(rsv, sigs + 65 * i, 65);
        kms_safe_sig sig;
        eth_error e;
        uint8_t v = rsv[64];
        if (v == 0 || v == 1) /* a contract signature or an approved hash: r is the owner */
            memcpy(sig.owner, rsv + 12, 20);
        rsv[64] = v > 30 ? (uint8_t)(v - 4) : v;
        if (v > 1 && kms_safe_sig_from_rsv(safe_tx_hash, rsv, v > 30, &sig, &e) != 0)
            continue;
        memcpy((*out)[(*nout)++], sig.owner, 20);
    }
    return 0;
}

/* The data of the contract signature whose part is part, in sigs[0..n), into *data and *len;
 * false when its offset or length runs past the end. */
static bool contract_data(const uint8_t *sigs, size_t n, const uint8_t part[65],
                          const uint8_t **data, size_t *len)
{
    uint64_t off, l;
    if (!word_u64(part + 32, &off) || off > n || n - off < 32 || !word_u64(sigs + off, &l) ||
        l > n - off - 32)
        return false;
    *data = sigs + off + 32;
    *len = (size_t)l;
    return true;
}

/* Appends (owner, signers[0..k)) to *out (*nout entries). */
static int add_inner(kms_audit_inner_sig **out, size_t *nout, const uint8_t owner[20],
                     const uint8_t (*signers)[20], size_t k, eth_error *err)
{
    if (k == 0)
        return 0;
    kms_audit_inner_sig *more = realloc(*out, (*nout + k) * sizeof *more);
    if (!more)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    for (size_t j = 0; j < k; j++) {
        memcpy(more[*nout + j].safe, owner, 20);
        memcpy(more[*nout + j].signer, signers[j], 20);
    }
    *out = more;
    *nout += k;
    return 0;
}

int kms_audit_inner_signers(uint64_t chain_id, const uint8_t safe_tx_hash[32],
                            const uint8_t *sigs, size_t n, kms_audit_inner_sig **out,
                            size_t *nout, eth_error *err)
{
    size_t parts = parts_of(sigs, n);
    int rc = 0;
    *out = NULL;
    *nout = 0;
    for (size_t i = 0; rc == 0 && i < parts; i++) {
        const uint8_t *part = sigs + 65 * i, *data;
        size_t len, k = 0;
        uint8_t hash[32], (*signers)[20] = NULL;
        if (part[64] != 0 || !contract_data(sigs, n, part, &data, &len))
            continue;
        kms_safe_owner_safe_hash(chain_id, part + 12, safe_tx_hash, hash);
        rc = kms_audit_signers(hash, data, len, &signers, &k, err);
        if (rc == 0)
            rc = add_inner(out, nout, part + 12, (const uint8_t(*)[20])signers, k, err);
        free(signers);
    }
    if (rc) {
        free(*out);
        *out = NULL;
        *nout = 0;
    }
    return rc;
}

/* The Safe hops of one receipt: each Safe's ExecutionSuccess(bytes32 indexed txHash, ...). */
typedef struct receipts_ctx {
    kms_audit_path **paths;
    uint8_t topic[32];
    uint64_t chain_id;
} receipts_ctx;

static json_t *receipt_params(void *ctx, size_t i)
{
    receipts_ctx *c = ctx;
    return json_pack("[o]", eth_json_hex(c->paths[i]->tx, 32));
}

/* Finds hop h's ExecutionSuccess among the receipt's logs. */
static void find_hash(const json_t *logs, const uint8_t topic[32], kms_audit_hop *h)
{
    for (size_t i = 0; i < json_array_size(logs); i++) {
        const json_t *l = json_array_get(logs, i), *topics = json_object_get(l, "topics");
        uint8_t addr[20], t0[32];
        eth_error e;
        if (json_array_size(topics) == 2 &&
            eth_json_get_hex_fixed(l, "", "address", addr, 20, &e) == 0 &&
            memcmp(addr, h->addr, 20) == 0 &&
            eth_json_hex_fixed(json_array_get(topics, 0), "topic", t0, 32, &e) == 0 &&
            memcmp(t0, topic, 32) == 0 &&
            eth_json_hex_fixed(json_array_get(topics, 1), "topic", h->safe_tx_hash, 32, &e) == 0) {
            h->has_safe_tx_hash = true;
            return;
        }
    }
}

static int take_receipt(void *ctx, size_t i, const json_t *r, eth_error *err)
{
    receipts_ctx *c = ctx;
    kms_audit_path *p = c->paths[i];
    const json_t *logs = json_object_get(r, "logs");
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < p->nhops; k++) {
        kms_audit_hop *h = &p->hops[k];
        if (h->kind != KMS_HOP_SAFE)
            continue;
        find_hash(logs, c->topic, h);
        if (h->has_safe_tx_hash)
            rc = kms_audit_signers(h->safe_tx_hash, h->signatures.data, h->signatures.len,
                                   &h->signers, &h->nsigners, err);
        if (rc == 0 && h->has_safe_tx_hash)
            rc = kms_audit_inner_signers(c->chain_id, h->safe_tx_hash, h->signatures.data,
                                         h->signatures.len, &h->inner, &h->ninner, err);
    }
    return rc;
}

static bool has_safe_hop(const kms_audit_path *p)
{
    for (size_t k = 0; k < p->nhops; k++)
        if (p->hops[k].kind == KMS_HOP_SAFE)
            return true;
    return false;
}

/* Collects *paths[0..n) and their schedule paths that have a Safe hop into list (room for
 * 2n: a schedule path has no timelock hop of its own, so one level at most). */
static size_t collect(kms_audit_path *const *paths, size_t n, kms_audit_path **list)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (has_safe_hop(paths[i]))
            list[m++] = paths[i];
        for (size_t k = 0; k < paths[i]->nhops; k++) {
            kms_audit_path *s = paths[i]->hops[k].schedule;
            if (s && has_safe_hop(s)) {
                list[m++] = s;
                break;
            }
        }
    }
    return m;
}

int kms_audit_paths_signers(const kms_audit_net *net, kms_audit_path *const *paths, size_t n,
                            eth_error *err)
{
    receipts_ctx c = {.paths = malloc((2 * n + 1) * sizeof *c.paths)};
    if (!c.paths)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    size_t m = collect(paths, n, c.paths);
    int rc = eth_abi_event_topic("ExecutionSuccess(bytes32,uint256)", c.topic, err);
    if (rc == 0 && m) /* an owner Safe's signers signed a hash of its chain's domain */
        rc = eth_rpc_chain_id(net->rpc, &c.chain_id, err);
    if (rc == 0)
        rc = kms_audit_each(net, "eth_getTransactionReceipt", m, receipt_params, take_receipt,
                            &c, "eth_getTransactionReceipt", err);
    free(c.paths);
    return rc;
}

/* ---- words and JSON ---- */

static void append(char *out, size_t cap, size_t *used, const char *fmt, ...) ETH_PRINTF(4, 5);
static void append(char *out, size_t cap, size_t *used, const char *fmt, ...)
{
    if (*used >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + *used, cap - *used, fmt, ap);
    va_end(ap);
    *used += n > 0 ? (size_t)n : 0;
}

/* For a signer that is an owner Safe: " (its owners A, B)", the signers of its signature. */
static void inner_words(const kms_audit_hop *h, const uint8_t signer[20], char *out, size_t cap,
                        size_t *used)
{
    char b[13];
    size_t k = 0;
    for (size_t j = 0; j < h->ninner; j++)
        if (memcmp(h->inner[j].safe, signer, 20) == 0)
            append(out, cap, used, "%s%s", k++ ? ", " : " (its owners ",
                   kms_control_short(h->inner[j].signer, b));
    if (k)
        append(out, cap, used, ")");
}

static void hop_words(const kms_audit_hop *h, char *out, size_t cap, size_t *used)
{
    char a[13], b[13], id[67], when[32];
    kms_control_short(h->addr, a);
    static const uint8_t none[20];
    if (h->kind == KMS_HOP_CONTRACT) {
        if (memcmp(h->addr, none, 20) == 0)
            append(out, cap, used, " in the transaction that created the contract");
        else
            append(out, cap, used, " through the contract %s", a);
        return;
    }
    if (h->kind == KMS_HOP_SAFE) {
        eth_hex_encode(h->safe_tx_hash, 32, id);
        if (h->has_safe_tx_hash)
            append(out, cap, used, " through the Safe %s (transaction %s, signed by ", a, id);
        else
            append(out, cap, used, " through the Safe %s (its ExecutionSuccess was not found", a);
        for (size_t i = 0; i < h->nsigners; i++) {
            append(out, cap, used, "%s%s", i ? ", " : "", kms_control_short(h->signers[i], b));
            inner_words(h, h->signers[i], out, cap, used);
        }
        append(out, cap, used, ")");
        return;
    }
    eth_hex_encode(h->op_id, 32, id);
    append(out, cap, used, " through the timelock %s (operation %s", a, id);
    if (h->scheduled) {
        time_t t = (time_t)h->scheduled_at;
        struct tm tm;
        if (!gmtime_r(&t, &tm) || !strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm))
            snprintf(when, sizeof when, "%" PRIu64, h->scheduled_at);
        append(out, cap, used, ", scheduled %s in block %" PRIu64, when, h->scheduled_block);
    }
    if (h->schedule) {
        char sched[1024];
        kms_audit_path_words(h->schedule, sched, sizeof sched);
        append(out, cap, used, ", schedule %s", sched);
    }
    append(out, cap, used, ")");
}

void kms_audit_path_words(const kms_audit_path *p, char *out, size_t cap)
{
    char s[13];
    size_t used = 0;
    out[0] = '\0';
    append(out, cap, &used, "sent %sby %s", p->nhops ? "" : "directly ",
           kms_control_short(p->sender, s));
    for (size_t i = 0; i < p->nhops; i++)
        hop_words(&p->hops[i], out, cap, &used);
}

/* [{"safe", "signer"}] for the owner Safes' signers of a Safe hop. */
static json_t *inner_json(const kms_audit_hop *h)
{
    json_t *a = json_array();
    for (size_t j = 0; a && j < h->ninner; j++)
        if (json_array_append_new(a, json_pack("{s:o,s:o}", "safe",
                                               eth_json_address(h->inner[j].safe), "signer",
                                               eth_json_address(h->inner[j].signer))) != 0) {
            json_decref(a);
            a = NULL;
        }
    return a;
}

/* The fields of a Safe hop, or of a timelock hop. */
static json_t *hop_fields(const kms_audit_hop *h)
{
    if (h->kind == KMS_HOP_SAFE)
        return json_pack("{s:o,s:o,s:o}", "safeTxHash",
                         h->has_safe_tx_hash ? eth_json_hex(h->safe_tx_hash, 32) : json_null(),
                         "signers",
                         eth_json_address_list((const uint8_t(*)[20])h->signers, h->nsigners),
                         "ownerSafeSigners", inner_json(h));
    if (h->kind == KMS_HOP_CONTRACT)
        return json_object();
    return json_pack("{s:o,s:b,s:I,s:I,s:I,s:o,s:o}", "operation", eth_json_hex(h->op_id, 32),
                     "scheduled", h->scheduled, "scheduledBlock", (json_int_t)h->scheduled_block,
                     "scheduledAt", (json_int_t)h->scheduled_at, "delay", (json_int_t)h->delay,
                     "scheduleTx", eth_json_hex(h->schedule_tx, 32), "schedule",
                     h->schedule ? kms_audit_path_json(h->schedule) : json_null());
}

static json_t *hop_json(const kms_audit_hop *h)
{
    static const char *const KINDS[] = {"safe", "timelock", "contract"};
    json_t *o = json_pack("{s:s,s:o}", "kind", KINDS[h->kind], "address",
                          eth_json_address(h->addr));
    if (o && json_object_update_new(o, hop_fields(h)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *kms_audit_path_json(const kms_audit_path *p)
{
    json_t *hops = json_array();
    for (size_t i = 0; hops && i < p->nhops; i++)
        if (json_array_append_new(hops, hop_json(&p->hops[i])) != 0) {
            json_decref(hops);
            hops = NULL;
        }
    return json_pack("{s:o,s:o,s:o}", "tx", eth_json_hex(p->tx, 32), "sender",
                     eth_json_address(p->sender), "hops", hops);
}
