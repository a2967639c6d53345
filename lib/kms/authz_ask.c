/* authz_ask.c: one provider's round trip for a decision: the policy call at the pinned block
 * and, in the same JSON-RPC batch, what the cache lacks (gatewayAppId(), appImplementation())
 * and the app's code checks (its code and ERC1967 implementation slot), over the worker's own
 * persistent connection. */
#include "internal/authz_shared.h"

#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "erc1967.h"
#include "eth/abi_decode.h"
#include "eth/abi_type.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/keccak.h"
#include "eth/rpc_eth.h"
#include "eth/text.h"

/* The requests of one job, in this order, each present or not. */
enum { Q_CALL, Q_GATEWAY, Q_IMPL, Q_SLOT, Q_CODE, Q_COUNT };

/* One round trip: what it asks, where its requests are, where the answer goes. */
typedef struct job {
    const kms_authz_plan *plan;
    const kms_authz_extras *cached;
    kms_authz_outcome *out;
    bool quorum;     /* compute the outcome's digest */
    int at[Q_COUNT]; /* index of each of its requests in req, or -1 */
    eth_rpc_req req[Q_COUNT];
    size_t n;
} job;



static bool add(job *j, int what, const char *method, json_t *params)
{
    j->at[what] = params ? (int)j->n : -1;
    if (!params)
        return false;
    eth_rpc_req *q = &j->req[j->n++]; /* err is filled only on failure: not cleared here */
    q->method = method;
    q->params = params;
    q->result = NULL;
    q->rc = 0;
    return true;
}

static json_t *call_params(const uint8_t to[20], const uint8_t *data, size_t n, const char *tag)
{
    return json_pack("[{s:o,s:o},s]", "to", eth_json_hex(to, 20), "data", eth_json_hex(data, n),
                     tag);
}

/* Adds the requests of j (the extras when it has no cached ones). */
static bool build(kms_authz_shared *s, job *j)
{
    const kms_authz_plan *plan = j->plan;
    char tag[ETH_BLOCK_TAG_MAX];
    eth_block_tag(plan->block, tag);
    bool ok = true;
    for (int w = 0; w < Q_COUNT; w++)
        j->at[w] = -1;
    if (plan->calldata)
        ok = add(j, Q_CALL, "eth_call",
                 call_params(s->cfg.kms, plan->calldata, plan->calldata_len, tag));
    if (ok && !j->cached)
        ok = add(j, Q_GATEWAY, "eth_call", call_params(s->cfg.kms, s->sel_gateway, 4, tag)) &&
             add(j, Q_IMPL, "eth_call", call_params(s->cfg.kms, s->sel_impl, 4, tag));
    if (ok && plan->app)
        ok = add(j, Q_SLOT, "eth_getStorageAt",
                 json_pack("[o,o,s]", eth_json_hex(plan->app, 20),
                           eth_json_hex(KMS_ERC1967_IMPL_SLOT, 32), tag)) &&
             add(j, Q_CODE, "eth_getCode", json_pack("[o,s]", eth_json_hex(plan->app, 20), tag));
    return ok;
}

/* The 0x hex data of a result, appended to out. */
static int hex_result(const json_t *r, const char *what, eth_buf *out, eth_error *err)
{
    if (!json_is_string(r) || !eth_hex_has_prefix(json_string_value(r), json_string_length(r)) ||
        eth_hex_decode(json_string_value(r), json_string_length(r), out, err) != 0)
        return eth_fail(err, ETH_ERPC, "%s: the result is not 0x hex data", what);
    return 0;
}

/* s[0..n) made printable for a JSON answer: control bytes, and every byte of text that is not
 * UTF-8, become '?'. out has n + 1 bytes. */
static void sanitize(const uint8_t *s, size_t n, char *out)
{
    bool utf8 = eth_utf8_valid(s, n);
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(s[i] < 0x20 || s[i] == 0x7f || (!utf8 && s[i] >= 0x80) ? '?' : s[i]);
    out[n] = '\0';
}

/* gatewayAppId()'s return data: one ABI string of at most KMS_AUTHZ_GATEWAY_MAX bytes. */
static int gateway_value(const eth_buf *ret, char *out, eth_error *err)
{
    eth_abi_type *t = NULL;
    eth_abi_value v = {0};
    int rc = eth_abi_type_parse("(string)", &t, err);
    if (rc == 0 && eth_abi_decode(t, ret->data, ret->len, &v, err) != 0)
        rc = eth_fail(err, ETH_ERPC, "gatewayAppId(): the answer is not a string");
    if (rc == 0 && v.items[0].len > KMS_AUTHZ_GATEWAY_MAX)
        rc = eth_fail(err, ETH_ERANGE, "gatewayAppId(): longer than %d bytes",
                      KMS_AUTHZ_GATEWAY_MAX);
    if (rc == 0)
        sanitize(v.items[0].data, v.items[0].len, out);
    eth_abi_value_clear(&v);
    eth_abi_type_free(t);
    return rc;
}

/* A 32-byte word holding an address (12 zero bytes first). */
static int address_word(const eth_buf *w, const char *what, uint8_t out[20], eth_error *err)
{
    static const uint8_t zeros[12];
    if (w->len != 32 || memcmp(w->data, zeros, 12) != 0)
        return eth_fail(err, ETH_ERPC, "%s: the answer is not an address", what);
    memcpy(out, w->data + 12, 20);
    return 0;
}

/* Reads result what of j (rc, hex) into tmp (emptied first). */
static int result(job *j, int what, const char *name, eth_buf *tmp, eth_error *err)
{
    eth_rpc_req *q = &j->req[j->at[what]];
    tmp->len = 0;
    if (q->rc) {
        *err = q->err;
        return q->rc;
    }
    return hex_result(q->result, name, tmp, err);
}

/* The digest a quorum compares: every byte of the outcome that makes the answer. */
static void digest(kms_authz_outcome *o, const uint8_t slot[32], const uint8_t code_hash[32])
{
    eth_keccak k;
    eth_keccak_init(&k);
    uint64_t lens[2] = {o->ret.len, strlen(o->extras.gateway)};
    eth_keccak_update(&k, lens, sizeof lens);
    eth_keccak_update(&k, o->ret.data, o->ret.len);
    eth_keccak_update(&k, o->extras.gateway, lens[1]);
    eth_keccak_update(&k, o->extras.app_impl, 20);
    eth_keccak_update(&k, &o->code_ok, 1);
    eth_keccak_update(&k, slot, 32);
    eth_keccak_update(&k, code_hash, 32);
    eth_keccak_final(&k, o->digest);
}

/* The extras and code checks of j into its outcome. */
static int take_extras(job *j, eth_error *err)
{
    const kms_authz_plan *plan = j->plan;
    kms_authz_outcome *o = j->out;
    eth_buf tmp = {.limit = 1u << 20};
    uint8_t slot[32] = {0}, code_hash[32] = {0};
    int rc = 0;
    if (j->at[Q_GATEWAY] >= 0) {
        o->extras = (kms_authz_extras){.block = plan->block, .valid = true};
        rc = result(j, Q_GATEWAY, "gatewayAppId()", &tmp, err);
        if (rc == 0)
            rc = gateway_value(&tmp, o->extras.gateway, err);
        if (rc == 0)
            rc = result(j, Q_IMPL, "appImplementation()", &tmp, err);
        if (rc == 0)
            rc = address_word(&tmp, "appImplementation()", o->extras.app_impl, err);
    }
    if (rc == 0 && plan->app && (rc = result(j, Q_SLOT, "eth_getStorageAt", &tmp, err)) == 0) {
        memcpy(slot + (tmp.len < 32 ? 32 - tmp.len : 0), tmp.data, tmp.len < 32 ? tmp.len : 32);
        rc = result(j, Q_CODE, "eth_getCode", &tmp, err);
    }
    if (rc == 0 && plan->app) {
        static const uint8_t none[20];
        eth_keccak256(tmp.data, tmp.len, code_hash);
        o->code_ok = kms_artifact_runtime_match(kms_artifact_find("ERC1967Proxy"), tmp.data,
                                                tmp.len, NULL) &&
                     memcmp(slot, none, 12) == 0 &&
                     memcmp(slot + 12, o->extras.app_impl, 20) == 0 &&
                     memcmp(o->extras.app_impl, none, 20) != 0;
    }
    if (j->quorum)
        digest(o, slot, code_hash);
    eth_buf_clear(&tmp);
    return rc;
}

/* Sends j's requests: one call alone, several as a batch. */
static int send(eth_rpc *rpc, job *j, eth_error *err)
{
    if (j->n > 1)
        return eth_rpc_batch(rpc, j->req, j->n, err);
    eth_rpc_req *q = &j->req[0];
    q->result = NULL;
    q->rc = eth_rpc_call(rpc, q->method, q->params, &q->result, &q->err);
    return 0;
}

void kms_authz_ask(kms_authz *a, size_t i, const kms_authz_plan *plan,
                   const kms_authz_extras *cached)
{
    kms_authz_outcome *o = &a->out[i];
    job jb, *j = &jb; /* not zeroed as a whole: its requests' errors are 23 KiB */
    j->plan = plan;
    j->cached = cached;
    j->out = o;
    j->quorum = a->s->cfg.mode == KMS_AUTHZ_QUORUM;
    j->n = 0;
    o->ret.len = 0;
    o->code_ok = false;
    if (cached)
        o->extras = *cached;
    o->rc = build(a->s, j) ? send(a->rpc[i], j, &o->err)
                           : eth_fail(&o->err, ETH_ENOMEM, "out of memory");
    /* the node answered: a JSON-RPC error, or a batch it answered; else it was not reached */
    o->node_answered = eth_rpc_last_code(a->rpc[i]) != 0 || (o->rc == 0 && j->n > 1);
    if (o->rc == 0 && plan->calldata)
        o->rc = result(j, Q_CALL, "eth_call", &o->ret, &o->err);
    if (o->rc == 0)
        o->rc = take_extras(j, &o->err);
    for (size_t q = 0; q < j->n; q++) {
        json_decref(j->req[q].params);
        json_decref(j->req[q].result);
    }
}
