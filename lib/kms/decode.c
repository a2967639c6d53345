/* decode.c: a call decoded layer by layer (timelock, Safe, MultiSend), with its warnings. The
 * text of the calls and the rendering are in decode_text.c and decode_render.c. */
#include "decode.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "eth/abi_decode.h"
#include "eth/abi_json.h"
#include "eth/text.h"
#include "internal/decode_text.h"
#include "safe.h"
#include "safe_canonical.h"
#include "timelock.h"

/* What one decode call shares down the tree. Nothing of it outlives the call but the ABIs. */
typedef struct dctx {
    const kms_known *known;
    size_t nknown;
    kms_known implicit[2]; /* the canonical MultiSendCallOnly; the Safe of a Safe tx */
    size_t nimplicit;
    const eth_abi *abis;   /* the embedded ABIs (embedded_abis) */
    size_t nabis;
    size_t nodes;          /* nodes made so far, the root included */
    eth_error *err;
} dctx;

/* Functions whose calldata arguments are calls of their own, and where those sit. */
typedef enum nest_kind { NEST_ONE, NEST_BATCH, NEST_SAFE_TX, NEST_MULTISEND } nest_kind;

typedef struct nest_rule {
    const char *signature;
    nest_kind kind;
    size_t data_arg; /* the argument that holds the calldata (target and value come before) */
} nest_rule;

static const nest_rule NESTS[] = {
    {"schedule(address,uint256,bytes,bytes32,bytes32,uint256)", NEST_ONE, 2},
    {"execute(address,uint256,bytes,bytes32,bytes32)", NEST_ONE, 2},
    {"scheduleBatch(address[],uint256[],bytes[],bytes32,bytes32,uint256)", NEST_BATCH, 2},
    {"executeBatch(address[],uint256[],bytes[],bytes32,bytes32)", NEST_BATCH, 2},
    {"execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)",
     NEST_SAFE_TX, 2},
    {"multiSend(bytes)", NEST_MULTISEND, 0},
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the embedded ABIs ---- */

/* The embedded ABIs, one per artifact in kms_artifact_at order: parsed by the first decode of
 * the process and kept, read-only, until it exits (a decode of a batch or a fuzzer's millionth
 * input parses nothing). Published once complete; a failed parse publishes nothing, so the next
 * decode tries again. */
static pthread_mutex_t abis_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(const eth_abi *) abis_loaded;

/* Sets *out to the embedded ABIs (kms_artifact_count() of them), parsing them the first time.
 * Returns 0, or the parse's error (out of memory, in practice). */
static int embedded_abis(const eth_abi **out, eth_error *err)
{
    *out = atomic_load_explicit(&abis_loaded, memory_order_acquire);
    if (*out)
        return 0;
    pthread_mutex_lock(&abis_lock);
    int rc = 0;
    *out = atomic_load_explicit(&abis_loaded, memory_order_relaxed);
    size_t n = kms_artifact_count(), i = 0;
    eth_abi *abis = *out ? NULL : calloc(n, sizeof *abis);
    if (!*out && !abis)
        rc = eth_fail(err, ETH_ENOMEM, "out of memory loading the embedded ABIs");
    for (; abis && rc == 0 && i < n; i++) {
        const kms_artifact *a = kms_artifact_at(i);
        rc = eth_abi_json_load(a->abi_json, strlen(a->abi_json), &abis[i], err);
        if (rc != 0)
            eth_error_prefix(err, "the embedded ABI of %s: ", a->name);
    }
    if (abis && rc == 0) {
        atomic_store_explicit(&abis_loaded, abis, memory_order_release);
        *out = abis;
    } else if (abis) {
        while (i-- > 0)
            eth_abi_clear(&abis[i]);
        free(abis);
    }
    pthread_mutex_unlock(&abis_lock);
    return rc;
}

/* The index of the embedded artifact named name, or SIZE_MAX (also for NULL). */
static size_t artifact_index(const char *name)
{
    for (size_t i = 0; name && i < kms_artifact_count(); i++)
        if (strcmp(kms_artifact_at(i)->name, name) == 0)
            return i;
    return SIZE_MAX;
}

/* The function with selector sel in the ABI of k's artifact or, for an unknown target or one
 * without an artifact, in the first embedded ABI that has it; NULL if none. */
static const eth_abi_entry *find_function(const dctx *c, const kms_known *k, const uint8_t sel[4])
{
    size_t only = artifact_index(k ? k->artifact : NULL);
    size_t first = only == SIZE_MAX ? 0 : only, end = only == SIZE_MAX ? c->nabis : only + 1;
    const eth_abi_entry *e = NULL;
    for (size_t i = first; !e && i < end; i++)
        e = eth_abi_find_selector(&c->abis[i], ETH_ABI_ENTRY_FUNCTION, sel);
    return e;
}

/* ---- one node ---- */

static int decode_node(dctx *c, const kms_tl_call *call, int op, int depth, kms_decoded *out);

/* The known entry for addr: the caller's first, then the implicit ones; NULL if none. */
static const kms_known *known_of(const dctx *c, const uint8_t addr[20])
{
    for (size_t i = 0; i < c->nknown; i++)
        if (memcmp(c->known[i].addr, addr, 20) == 0)
            return &c->known[i];
    for (size_t i = 0; i < c->nimplicit; i++)
        if (memcmp(c->implicit[i].addr, addr, 20) == 0)
            return &c->implicit[i];
    return NULL;
}

/* Warnings that come from how a call is made: its operation, its target, its value. */
static void warn_call(const dctx *c, const kms_known *k, kms_decoded *d)
{
    bool multisend = memcmp(d->to, c->implicit[0].addr, 20) == 0;
    if (d->operation == 1 && !multisend)
        kms_decode_warn(d, KMS_WARN_DELEGATECALL,
                        "delegatecall: the code at the target runs as the calling Safe, with "
                        "its owners, modules and funds");
    else if (d->operation != 0 && d->operation != 1)
        kms_decode_warn(d, KMS_WARN_DELEGATECALL,
                        "operation %d is neither a call (0) nor a delegatecall (1)",
                        d->operation);
    if (!k && c->nknown > 0)
        kms_decode_warn(d, KMS_WARN_UNEXPECTED_TARGET,
                        "the target is none of the known contracts");
    if (!u256_is_zero(&d->value)) {
        char wei[U256_DEC_MAX];
        u256_to_dec(&d->value, wei);
        kms_decode_warn(d, KMS_WARN_VALUE, "sends %s wei along", wei);
    }
}

/* The calls of the MultiSend whose calldata is data[0..n): a new array *calls of *k (NULL
 * when none). Bytes that do not unpack are a warning on d, and no calls. */
static int multisend_calls(dctx *c, const uint8_t *data, size_t n, kms_decoded *d,
                           kms_tl_call **calls, size_t *k)
{
    eth_error uerr = {0};
    int rc = kms_multisend_unpack(data, n, calls, k, &uerr);
    if (rc == -ETH_ENOMEM)
        return eth_fail(c->err, ETH_ENOMEM, "out of memory unpacking a MultiSend");
    if (rc != 0)
        kms_decode_warn(d, KMS_WARN_UNKNOWN_FUNCTION,
                        "the MultiSend transactions do not unpack: %s", uerr.msg);
    return 0;
}

/* The number of calls of a timelock batch; warns on d when its arrays disagree. */
static size_t batch_count(const eth_abi_value *args, kms_decoded *d)
{
    size_t nt = args->items[0].nitems, nv = args->items[1].nitems, np = args->items[2].nitems;
    if (nt == nv && nv == np)
        return nt;
    kms_decode_warn(d, KMS_WARN_UNKNOWN_FUNCTION,
                    "the batch's arrays differ in length (targets %zu, values %zu, payloads "
                    "%zu): the timelock refuses it", nt, nv, np);
    return 0;
}

/* The uint8 of a word, or 256 when the word holds more (the Safe refuses it). */
static int word_u8(const uint8_t w[32])
{
    static const uint8_t zero[31];
    return memcmp(w, zero, 31) == 0 ? w[31] : 256;
}

/* The calls args holds (a decoded call of rule's function, whose calldata is data[0..n)): a
 * new array *calls of *k (NULL when none), made with operation *op. */
static int nested_calls(dctx *c, const nest_rule *rule, const eth_abi_value *args,
                        const uint8_t *data, size_t n, kms_decoded *d, kms_tl_call **calls,
                        size_t *k, int *op)
{
    const eth_abi_value *a = args->items;
    *op = rule->kind == NEST_SAFE_TX ? word_u8(a[3].word) : 0;
    if (rule->kind == NEST_MULTISEND)
        return multisend_calls(c, data, n, d, calls, k);
    *k = rule->kind == NEST_BATCH ? batch_count(args, d) : 1;
    if (*k == 0)
        return 0;
    if (!(*calls = calloc(*k, sizeof **calls)))
        return eth_fail(c->err, ETH_ENOMEM, "out of memory decoding %zu nested calls", *k);
    for (size_t i = 0; i < *k; i++) {
        const eth_abi_value *t = &a[0], *v = &a[1], *p = &a[2];
        if (rule->kind == NEST_BATCH) {
            t = &t->items[i];
            v = &v->items[i];
            p = &p->items[i];
        }
        (*calls)[i] = (kms_tl_call){t->word + 12, u256_from_be(v->word, 32), p->data, p->len};
    }
    return 0;
}

/* Gives d one child per call of calls[0..k), made with operation op, at depth. */
static int decode_children(dctx *c, const kms_tl_call *calls, size_t k, int op, int depth,
                           kms_decoded *d)
{
    if (!(d->children = calloc(k, sizeof *d->children)))
        return eth_fail(c->err, ETH_ENOMEM, "out of memory decoding %zu nested calls", k);
    d->nchildren = k;
    c->nodes += k;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < k; i++)
        rc = decode_node(c, &calls[i], op, depth, &d->children[i]);
    return rc;
}

/* Makes d's children from the calls args (rule's function, calldata data[0..n)) holds, if the
 * caps allow; the call of a nested Safe tx carries that tx's refund warning. */
static int expand(dctx *c, const nest_rule *rule, const eth_abi_value *args,
                  const uint8_t *data, size_t n, int depth, kms_decoded *d)
{
    kms_tl_call *calls = NULL;
    size_t k = 0;
    int op;
    int rc = nested_calls(c, rule, args, data, n, d, &calls, &k, &op);
    bool capped = depth + 1 >= KMS_DECODE_MAX_DEPTH || k > KMS_DECODE_MAX_NODES - c->nodes;
    if (rc == 0 && k > 0 && capped)
        kms_decode_warn(d, KMS_WARN_UNKNOWN_FUNCTION,
                        "its %zu nested call%s not decoded: past %d levels or %d calls in all",
                        k, k == 1 ? " is" : "s are", KMS_DECODE_MAX_DEPTH, KMS_DECODE_MAX_NODES);
    else if (rc == 0 && k > 0)
        rc = decode_children(c, calls, k, op, depth + 1, d);
    if (rc == 0 && rule->kind == NEST_SAFE_TX && d->nchildren == 1) {
        u256 gas_price = u256_from_be(args->items[6].word, 32);
        kms_decode_warn_refund(&d->children[0], &gas_price, args->items[7].word + 12,
                               args->items[8].word + 12);
    }
    free(calls);
    return rc;
}

/* The rule of function e if its calldata arguments are calls, else NULL. */
static const nest_rule *nest_of(const eth_abi_entry *e)
{
    for (size_t i = 0; i < NELEMS(NESTS); i++)
        if (strcmp(e->signature, NESTS[i].signature) == 0)
            return &NESTS[i];
    return NULL;
}

/* Sets d's call text, "WHAT (N bytes of calldata)", for calldata it cannot decode, and the
 * warning why. */
static void undecoded(kms_decoded *d, const char *what, size_t n, const char *why)
{
    snprintf(d->call, sizeof d->call, "%s (%zu bytes of calldata)", what, n);
    kms_decode_warn(d, KMS_WARN_UNKNOWN_FUNCTION, "%s", why);
}

/* Shows calldata to k that names no function found: too short, too long for the decoder, or
 * a selector no ABI (or not k's) has. */
static void no_function(const kms_known *k, const uint8_t *data, size_t n, kms_decoded *d)
{
    char what[48], why[96];
    if (n < 4) {
        undecoded(d, "no selector", n, "the calldata is shorter than a selector");
        return;
    }
    if (n > KMS_DECODE_MAX_DATA) {
        snprintf(why, sizeof why, "the calldata is over the %u bytes kmsctl decodes",
                 KMS_DECODE_MAX_DATA);
        undecoded(d, "too much calldata", n, why);
        return;
    }
    snprintf(what, sizeof what, "unknown function 0x%02x%02x%02x%02x", data[0], data[1],
             data[2], data[3]);
    if (k && k->artifact)
        snprintf(why, sizeof why, "the %s ABI has no function with this selector", k->artifact);
    else
        snprintf(why, sizeof why, "no embedded ABI has a function with this selector");
    undecoded(d, what, n, why);
}

/* Decodes d's calldata data[0..n) (n > 0) to k: the function, its warnings, its children and
 * its text. */
static int decode_data(dctx *c, const kms_known *k, const uint8_t *data, size_t n, int depth,
                       kms_decoded *d)
{
    const eth_abi_entry *e = n < 4 || n > KMS_DECODE_MAX_DATA ? NULL : find_function(c, k, data);
    if (!e) {
        no_function(k, data, n, d);
        return 0;
    }
    eth_abi_value args = {0};
    eth_error derr = {0};
    int rc = eth_abi_decode(e->inputs, data + 4, n - 4, &args, &derr);
    if (rc == -ETH_ENOMEM)
        return eth_fail(c->err, ETH_ENOMEM, "out of memory decoding %s", e->signature);
    if (rc != 0) {
        undecoded(d, e->signature, n, "the arguments do not decode as the ABI says");
        return 0;
    }
    kms_decode_warn_function(e, d);
    const nest_rule *rule = nest_of(e);
    rc = rule ? expand(c, rule, &args, data, n, depth, d) : 0;
    if (rc == 0)
        rc = kms_decode_call_text(e, &args, rule && d->nchildren ? rule->data_arg : SIZE_MAX,
                                  d->nchildren, d->call, sizeof d->call, c->err);
    eth_abi_value_clear(&args);
    return rc;
}

/* Decodes call, made with operation op, into d (zeroed) at depth. */
static int decode_node(dctx *c, const kms_tl_call *call, int op, int depth, kms_decoded *d)
{
    memcpy(d->to, call->target, 20);
    d->value = call->value;
    d->operation = op;
    const kms_known *k = known_of(c, call->target);
    int rc = kms_decode_target_text(k ? k->name : NULL, call->target, d->target,
                                    sizeof d->target, c->err);
    if (rc != 0)
        return rc;
    warn_call(c, k, d);
    return call->len > 0 ? decode_data(c, k, call->data, call->len, depth, d) : 0;
}

/* ---- the entry points ---- */

/* Refuses a known entry without a name or with an artifact kmsctl does not embed. */
static int check_known(const kms_known *known, size_t nknown, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    for (size_t i = 0; i < nknown; i++) {
        if (!known[i].name)
            return eth_fail(err, ETH_EINVAL, "known address %zu has no name", i + 1);
        if (known[i].artifact && artifact_index(known[i].artifact) == SIZE_MAX)
            return eth_fail(err, ETH_EINVAL,
                            "known address %zu: kmsctl embeds no artifact named \"%s\"", i + 1,
                            eth_text_clipz(known[i].artifact, shown));
    }
    return 0;
}

/* Sets the implicit known addresses: the canonical MultiSendCallOnly, and safe if not NULL. */
static void set_implicit(dctx *c, const uint8_t *safe)
{
    const kms_safe_contract *sc;
    for (size_t i = 0; (sc = kms_safe_contract_at(i)) != NULL; i++)
        if (strcmp(sc->name, "MultiSendCallOnly") == 0)
            kms_safe_contract_address(sc, c->implicit[0].addr);
    c->implicit[0].name = c->implicit[0].artifact = "MultiSendCallOnly";
    c->nimplicit = 1;
    if (safe) {
        memcpy(c->implicit[1].addr, safe, 20);
        c->implicit[1].name = "this Safe";
        c->implicit[1].artifact = "Safe";
        c->nimplicit = 2;
    }
}

/* Decodes call, made with operation op, into *out, with safe (or NULL) known besides
 * known[0..nknown). */
static int decode_root(const kms_known *known, size_t nknown, const uint8_t *safe,
                       const kms_tl_call *call, int op, kms_decoded *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_known(known, nknown, err);
    if (rc != 0)
        return rc;
    dctx c = {.known = known, .nknown = nknown, .nabis = kms_artifact_count(), .nodes = 1,
              .err = err};
    set_implicit(&c, safe);
    rc = embedded_abis(&c.abis, err);
    if (rc == 0)
        rc = decode_node(&c, call, op, 0, out);
    if (rc != 0)
        kms_decoded_clear(out);
    return rc;
}

int kms_decode_call(const kms_known *known, size_t nknown, const uint8_t to[20],
                    const u256 *value, const uint8_t *data, size_t n, int operation,
                    kms_decoded *out, eth_error *err)
{
    kms_tl_call call = {to, value ? *value : u256_from_u64(0), data, n};
    return decode_root(known, nknown, NULL, &call, operation, out, err);
}

int kms_decode_safe_tx(const kms_known *known, size_t nknown, const uint8_t safe[20],
                       const kms_safe_tx *tx, kms_decoded *out, eth_error *err)
{
    kms_tl_call call = {tx->to, tx->value, tx->data.data, tx->data.len};
    int rc = decode_root(known, nknown, safe, &call, tx->operation, out, err);
    if (rc == 0)
        kms_decode_warn_refund(out, &tx->gas_price, tx->gas_token, tx->refund_receiver);
    return rc;
}
