/* rpc_eth.c: typed Ethereum JSON-RPC methods with strict reply checking. */
#include "rpc_eth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "json.h"
#include "text.h"

/* Deepest halving of a refused getLogs range (2^40 blocks is more than any chain has). */
#define LOGS_MAX_SPLIT 40

const char *eth_block_tag(uint64_t n, char out[ETH_BLOCK_TAG_MAX])
{
    snprintf(out, ETH_BLOCK_TAG_MAX, "0x%llx", (unsigned long long)n);
    return out;
}

static int bad_field(const char *what, const char *why, eth_error *err)
{
    return eth_fail(err, ETH_ERPC, "malformed reply from the node: %s %s", what, why);
}

int eth_quantity_u256(const json_t *v, const char *what, u256 *out, eth_error *err)
{
    if (!json_is_string(v))
        return bad_field(what, "is not a hex string", err);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n < 3 || n > 66 || s[0] != '0' || s[1] != 'x' || (s[2] == '0' && n > 3))
        return bad_field(what, "is not a 0x quantity without leading zeros", err);
    eth_error e;
    if (u256_parse(s, n, out, &e) != 0)
        return bad_field(what, "is not a 0x quantity", err);
    return 0;
}

int eth_quantity_u64(const json_t *v, const char *what, uint64_t *out, eth_error *err)
{
    u256 x;
    int rc = eth_quantity_u256(v, what, &x, err);
    if (rc)
        return rc;
    if (x.w[1] | x.w[2] | x.w[3])
        return bad_field(what, "does not fit in 64 bits", err);
    *out = x.w[0];
    return 0;
}

int eth_data_fixed(const json_t *v, const char *what, uint8_t *out, size_t n, eth_error *err)
{
    if (!json_is_string(v) || json_string_length(v) != 2 + 2 * n ||
        strncmp(json_string_value(v), "0x", 2) != 0)
        return bad_field(what, "is not 0x hex of the expected length", err);
    eth_error e;
    if (eth_hex_decode_fixed(json_string_value(v), out, n, &e) != 0)
        return bad_field(what, "is not hex", err);
    return 0;
}

int eth_data_append(const json_t *v, const char *what, eth_buf *out, eth_error *err)
{
    if (!json_is_string(v) || strncmp(json_string_value(v), "0x", 2) != 0)
        return bad_field(what, "is not 0x hex data", err);
    eth_error e;
    int rc = eth_hex_decode(json_string_value(v), json_string_length(v), out, &e);
    if (rc == -ETH_ERANGE || rc == -ETH_ENOMEM)
        return eth_fail(err, e.code, "%s: %s", what, e.msg);
    return rc ? bad_field(what, "is not hex", err) : 0;
}

/* The member name of object o (NULL and an error if o is not an object or lacks it). */
static const json_t *field(const json_t *o, const char *name, eth_error *err)
{
    const json_t *v = json_is_object(o) ? json_object_get(o, name) : NULL;
    if (!v)
        bad_field(name, "is missing", err);
    return v;
}

static json_t *quantity_json(const u256 *v)
{
    char hex[67];
    u256_to_hex(v, hex);
    return json_string(hex);
}

/* Calls method with params (a new reference, consumed; NULL means out of memory). */
static int call(eth_rpc *rpc, const char *method, json_t *params, json_t **result, eth_error *err)
{
    if (!params)
        return eth_fail(err, ETH_ENOMEM, "out of memory building %s", method);
    int rc = eth_rpc_call(rpc, method, params, result, err);
    json_decref(params);
    return rc;
}

/* A method whose result is one quantity. */
static int quantity_call(eth_rpc *rpc, const char *method, json_t *params, u256 *out,
                         eth_error *err)
{
    json_t *r = NULL;
    int rc = call(rpc, method, params, &r, err);
    if (rc == 0)
        rc = eth_quantity_u256(r, method, out, err);
    json_decref(r);
    return rc;
}

static int u64_call(eth_rpc *rpc, const char *method, json_t *params, uint64_t *out,
                    eth_error *err)
{
    u256 v;
    int rc = quantity_call(rpc, method, params, &v, err);
    if (rc == 0 && (v.w[1] | v.w[2] | v.w[3]))
        rc = bad_field(method, "does not fit in 64 bits", err);
    if (rc == 0)
        *out = v.w[0];
    return rc;
}

int eth_rpc_chain_id(eth_rpc *rpc, uint64_t *out, eth_error *err)
{
    return u64_call(rpc, "eth_chainId", json_array(), out, err);
}

int eth_rpc_block_number(eth_rpc *rpc, uint64_t *out, eth_error *err)
{
    return u64_call(rpc, "eth_blockNumber", json_array(), out, err);
}

int eth_rpc_get_balance(eth_rpc *rpc, const uint8_t addr[20], const char *block, u256 *out,
                        eth_error *err)
{
    return quantity_call(rpc, "eth_getBalance", json_pack("[o,s]", eth_json_hex(addr, 20), block), out,
                         err);
}

int eth_rpc_get_nonce(eth_rpc *rpc, const uint8_t addr[20], const char *block, uint64_t *out,
                      eth_error *err)
{
    return u64_call(rpc, "eth_getTransactionCount", json_pack("[o,s]", eth_json_hex(addr, 20), block),
                    out, err);
}

int eth_rpc_gas_price(eth_rpc *rpc, u256 *out, eth_error *err)
{
    return quantity_call(rpc, "eth_gasPrice", json_array(), out, err);
}

int eth_rpc_max_priority_fee(eth_rpc *rpc, u256 *out, eth_error *err)
{
    return quantity_call(rpc, "eth_maxPriorityFeePerGas", json_array(), out, err);
}

/* Reads arr (a JSON array of n quantities) into out[0..n). */
static int quantities(const json_t *arr, size_t n, const char *what, u256 *out, eth_error *err)
{
    if (!json_is_array(arr) || json_array_size(arr) != n)
        return bad_field(what, "has the wrong number of entries", err);
    for (size_t i = 0; i < n; i++) {
        int rc = eth_quantity_u256(json_array_get(arr, i), what, &out[i], err);
        if (rc)
            return rc;
    }
    return 0;
}

int eth_fee_history_from_json(const json_t *r, size_t npct, eth_fee_history *out,
                              eth_error *err)
{
    memset(out, 0, sizeof *out);
    if (npct > ETH_FEE_PERCENTILES_MAX)
        return eth_fail(err, ETH_ERANGE, "eth_feeHistory: at most %d percentiles",
                        ETH_FEE_PERCENTILES_MAX);
    const json_t *oldest = field(r, "oldestBlock", err), *base = field(r, "baseFeePerGas", err);
    if (!oldest || !base)
        return -err->code;
    int rc = eth_quantity_u64(oldest, "oldestBlock", &out->oldest, err);
    size_t nb = json_is_array(base) ? json_array_size(base) : 0;
    if (rc == 0 && (nb < 1 || nb > ETH_FEE_HISTORY_MAX + 1))
        rc = bad_field("baseFeePerGas", "has the wrong number of entries", err);
    if (rc == 0)
        rc = quantities(base, nb, "baseFeePerGas", out->base_fee, err);
    out->nblocks = rc == 0 ? nb - 1 : 0;
    out->npercentiles = npct;
    const json_t *reward = json_object_get(r, "reward");
    out->has_reward = reward && npct > 0;
    if (rc == 0 && out->has_reward &&
        (!json_is_array(reward) || json_array_size(reward) != out->nblocks))
        rc = bad_field("reward", "has the wrong number of entries", err);
    for (size_t i = 0; rc == 0 && out->has_reward && i < out->nblocks; i++)
        rc = quantities(json_array_get(reward, i), npct, "reward", out->reward[i], err);
    return rc;
}

int eth_rpc_fee_history(eth_rpc *rpc, unsigned nblocks, const char *newest, const double *pct,
                        size_t npct, eth_fee_history *out, eth_error *err)
{
    if (nblocks < 1 || nblocks > ETH_FEE_HISTORY_MAX || npct > ETH_FEE_PERCENTILES_MAX)
        return eth_fail(err, ETH_ERANGE, "eth_feeHistory: 1..%d blocks and at most %d percentiles",
                        ETH_FEE_HISTORY_MAX, ETH_FEE_PERCENTILES_MAX);
    json_t *p = json_array();
    for (size_t i = 0; p && i < npct; i++)
        if (json_array_append_new(p, json_real(pct[i])) != 0) {
            json_decref(p);
            p = NULL;
        }
    json_t *r = NULL;
    int rc = call(rpc, "eth_feeHistory", p ? json_pack("[I,s,o]", (json_int_t)nblocks, newest, p) : NULL,
                  &r, err);
    if (rc == 0)
        rc = eth_fee_history_from_json(r, npct, out, err);
    json_decref(r);
    return rc;
}

/* Sets key to a new value in o; returns false if v is NULL or the set failed. */
static bool put(json_t *o, const char *key, json_t *v)
{
    return v && json_object_set_new(o, key, v) == 0;
}

/* The call object of req. */
static json_t *call_object(const eth_call_req *req)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    if (ok && req->from)
        ok = put(o, "from", eth_json_hex(req->from, 20));
    if (ok && req->to)
        ok = put(o, "to", eth_json_hex(req->to, 20));
    if (ok)
        ok = put(o, "data", eth_json_hex(req->data, req->data_len));
    if (ok && req->value)
        ok = put(o, "value", quantity_json(req->value));
    if (ok && req->gas) {
        u256 g = u256_from_u64(req->gas);
        ok = put(o, "gas", quantity_json(&g));
    }
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int eth_rpc_estimate_gas(eth_rpc *rpc, const eth_call_req *req, const char *block, uint64_t *out,
                         eth_error *err)
{
    json_t *o = call_object(req);
    json_t *p = !o ? NULL : block ? json_pack("[o,s]", o, block) : json_pack("[o]", o);
    return u64_call(rpc, "eth_estimateGas", p, out, err);
}

int eth_rpc_call_contract(eth_rpc *rpc, const eth_call_req *req, const char *block, eth_buf *out,
                          eth_error *err)
{
    json_t *o = call_object(req), *p = NULL;
    if (o && req->state_overrides)
        p = json_pack("[o,s,O]", o, block, req->state_overrides);
    else if (o)
        p = json_pack("[o,s]", o, block);
    json_t *r = NULL;
    int rc = call(rpc, "eth_call", p, &r, err);
    if (rc == 0)
        rc = eth_data_append(r, "eth_call result", out, err);
    json_decref(r);
    return rc;
}

int eth_rpc_send_raw(eth_rpc *rpc, const uint8_t *raw, size_t n, uint8_t hash[32],
                     eth_error *err)
{
    json_t *r = NULL;
    json_t *h = eth_json_hex(raw, n);
    int rc = call(rpc, "eth_sendRawTransaction", h ? json_pack("[o]", h) : NULL, &r, err);
    if (rc == 0)
        rc = eth_data_fixed(r, "transaction hash", hash, 32, err);
    json_decref(r);
    return rc;
}

void eth_log_list_clear(eth_log_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].data);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int parse_topics(const json_t *arr, eth_log *lg, eth_error *err)
{
    if (!json_is_array(arr) || json_array_size(arr) > 4)
        return bad_field("log topics", "is not an array of at most 4", err);
    lg->ntopics = json_array_size(arr);
    for (size_t i = 0; i < lg->ntopics; i++) {
        int rc = eth_data_fixed(json_array_get(arr, i), "log topic", lg->topics[i], 32, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Reads one log object into lg (lg->data owned on success). */
static int parse_log(const json_t *o, eth_log *lg, eth_error *err)
{
    memset(lg, 0, sizeof *lg);
    const json_t *addr = field(o, "address", err), *topics = field(o, "topics", err),
                 *data = field(o, "data", err);
    if (!addr || !topics || !data)
        return -err->code;
    int rc = eth_data_fixed(addr, "log address", lg->address, 20, err);
    if (rc == 0)
        rc = parse_topics(topics, lg, err);
    eth_buf d = {.limit = 16u << 20};
    if (rc == 0)
        rc = eth_data_append(data, "log data", &d, err);
    /* pending logs have null block fields; mined logs have them all */
    const json_t *bn = json_object_get(o, "blockNumber");
    if (rc == 0 && bn && !json_is_null(bn)) {
        rc = eth_quantity_u64(bn, "log blockNumber", &lg->block_number, err);
        if (rc == 0)
            rc = eth_data_fixed(json_object_get(o, "blockHash"), "log blockHash",
                                lg->block_hash, 32, err);
        if (rc == 0)
            rc = eth_data_fixed(json_object_get(o, "transactionHash"), "log transactionHash",
                                lg->tx_hash, 32, err);
        if (rc == 0)
            rc = eth_quantity_u64(json_object_get(o, "transactionIndex"), "log transactionIndex",
                                  &lg->tx_index, err);
        if (rc == 0)
            rc = eth_quantity_u64(json_object_get(o, "logIndex"), "log logIndex", &lg->log_index, err);
    }
    lg->removed = json_is_true(json_object_get(o, "removed"));
    if (rc) {
        eth_buf_clear(&d);
        return rc;
    }
    lg->data = d.data;
    lg->data_len = d.len;
    return 0;
}

/* Drops the logs of l from index n on. */
static void logs_truncate(eth_log_list *l, size_t n)
{
    for (size_t i = n; i < l->n; i++)
        free(l->items[i].data);
    l->n = n;
}

int eth_logs_from_json(const json_t *arr, size_t max, eth_log_list *out, eth_error *err)
{
    if (!json_is_array(arr))
        return bad_field("logs", "is not an array", err);
    size_t n = json_array_size(arr), start = out->n;
    if (max && n > max - out->n)
        return eth_fail(err, ETH_ERANGE, "more than %zu logs", max);
    if (n > out->cap - out->n) {
        size_t cap = out->cap ? out->cap : 16;
        while (cap - out->n < n)
            cap *= 2;
        eth_log *items = realloc(out->items, cap * sizeof *items);
        if (!items)
            return eth_fail(err, ETH_ENOMEM, "out of memory (%zu logs)", cap);
        out->items = items;
        out->cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        int rc = parse_log(json_array_get(arr, i), &out->items[out->n], err);
        if (rc) {
            logs_truncate(out, start);
            return rc;
        }
        out->n++;
    }
    return 0;
}

/* Refuses a result that is neither null nor an object (what names it). */
static int check_object(const json_t *r, const char *what, eth_error *err)
{
    return json_is_object(r) ? 0 : bad_field(what, "is neither null nor an object", err);
}

static int parse_receipt(const json_t *r, eth_receipt *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    uint64_t status = 0;
    const json_t *st = field(r, "status", err);
    int rc = st ? eth_quantity_u64(st, "receipt status", &status, err) : -err->code;
    if (rc == 0)
        rc = eth_data_fixed(json_object_get(r, "transactionHash"), "receipt transactionHash",
                            out->tx_hash, 32, err);
    if (rc == 0)
        rc = eth_quantity_u64(json_object_get(r, "blockNumber"), "receipt blockNumber",
                              &out->block_number, err);
    if (rc == 0)
        rc = eth_data_fixed(json_object_get(r, "blockHash"), "receipt blockHash", out->block_hash,
                            32, err);
    if (rc == 0)
        rc = eth_quantity_u64(json_object_get(r, "transactionIndex"), "receipt transactionIndex",
                              &out->tx_index, err);
    if (rc == 0)
        rc = eth_quantity_u64(json_object_get(r, "gasUsed"), "receipt gasUsed", &out->gas_used, err);
    if (rc == 0)
        rc = eth_data_fixed(json_object_get(r, "from"), "receipt from", out->from, 20, err);
    const json_t *price = json_object_get(r, "effectiveGasPrice");
    if (rc == 0 && price)
        rc = eth_quantity_u256(price, "receipt effectiveGasPrice", &out->effective_gas_price, err);
    const json_t *ca = json_object_get(r, "contractAddress");
    out->has_contract_address = ca && !json_is_null(ca);
    if (rc == 0 && out->has_contract_address)
        rc = eth_data_fixed(ca, "receipt contractAddress", out->contract_address, 20, err);
    if (rc == 0 && status > 1)
        rc = bad_field("receipt status", "is neither 0x0 nor 0x1", err);
    out->status = status == 1;
    return rc;
}

int eth_receipt_from_json(const json_t *r, eth_receipt *out, bool *found, eth_log_list *logs,
                          eth_error *err)
{
    *found = false;
    if (json_is_null(r))
        return 0;
    eth_receipt tmp;
    int rc = check_object(r, "receipt", err);
    if (rc == 0)
        rc = parse_receipt(r, &tmp, err);
    if (rc == 0 && logs)
        rc = eth_logs_from_json(json_object_get(r, "logs"), 0, logs, err);
    if (rc == 0) {
        *out = tmp;
        *found = true;
    }
    return rc;
}

int eth_rpc_get_receipt(eth_rpc *rpc, const uint8_t hash[32], eth_receipt *out, bool *found,
                        eth_log_list *logs, eth_error *err)
{
    *found = false;
    json_t *r = NULL, *h = eth_json_hex(hash, 32);
    int rc = call(rpc, "eth_getTransactionReceipt", h ? json_pack("[o]", h) : NULL, &r, err);
    if (rc == 0)
        rc = eth_receipt_from_json(r, out, found, logs, err);
    json_decref(r);
    return rc;
}

int eth_tx_status_from_json(const json_t *r, eth_tx_status *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    if (json_is_null(r))
        return 0;
    int rc = check_object(r, "transaction", err);
    if (rc == 0)
        rc = eth_data_fixed(json_object_get(r, "from"), "transaction from", out->from, 20, err);
    if (rc == 0)
        rc = eth_quantity_u64(json_object_get(r, "nonce"), "transaction nonce", &out->nonce, err);
    const json_t *bn = json_object_get(r, "blockNumber");
    out->mined = bn && !json_is_null(bn);
    if (rc == 0 && out->mined)
        rc = eth_quantity_u64(bn, "transaction blockNumber", &out->block_number, err);
    out->found = rc == 0;
    return rc;
}

int eth_rpc_get_tx(eth_rpc *rpc, const uint8_t hash[32], eth_tx_status *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *r = NULL, *h = eth_json_hex(hash, 32);
    int rc = call(rpc, "eth_getTransactionByHash", h ? json_pack("[o]", h) : NULL, &r, err);
    if (rc == 0)
        rc = eth_tx_status_from_json(r, out, err);
    json_decref(r);
    return rc;
}

int eth_rpc_get_code(eth_rpc *rpc, const uint8_t addr[20], const char *block, eth_buf *out,
                     eth_error *err)
{
    json_t *r = NULL;
    int rc = call(rpc, "eth_getCode", json_pack("[o,s]", eth_json_hex(addr, 20), block), &r, err);
    if (rc == 0)
        rc = eth_data_append(r, "code", out, err);
    json_decref(r);
    return rc;
}

int eth_rpc_get_storage(eth_rpc *rpc, const uint8_t addr[20], const uint8_t slot[32],
                        const char *block, uint8_t out[32], eth_error *err)
{
    json_t *r = NULL;
    int rc = call(rpc, "eth_getStorageAt",
                  json_pack("[o,o,s]", eth_json_hex(addr, 20), eth_json_hex(slot, 32), block), &r, err);
    if (rc == 0)
        rc = eth_data_fixed(r, "storage word", out, 32, err);
    json_decref(r);
    return rc;
}

int eth_block_from_json(const json_t *r, eth_block *out, bool *found, eth_error *err)
{
    *found = false;
    memset(out, 0, sizeof *out);
    if (json_is_null(r))
        return 0;
    int rc = check_object(r, "block", err);
    if (rc == 0)
        rc = eth_quantity_u64(json_object_get(r, "number"), "block number", &out->number, err);
    if (rc == 0)
        rc = eth_data_fixed(json_object_get(r, "hash"), "block hash", out->hash, 32, err);
    if (rc == 0)
        rc = eth_quantity_u64(json_object_get(r, "timestamp"), "block timestamp", &out->timestamp,
                              err);
    if (rc == 0)
        rc = eth_quantity_u64(json_object_get(r, "gasLimit"), "block gasLimit", &out->gas_limit,
                              err);
    const json_t *bf = json_object_get(r, "baseFeePerGas");
    out->has_base_fee = bf && !json_is_null(bf);
    if (rc == 0 && out->has_base_fee)
        rc = eth_quantity_u256(bf, "block baseFeePerGas", &out->base_fee, err);
    *found = rc == 0;
    return rc;
}

int eth_rpc_get_block(eth_rpc *rpc, const char *block, eth_block *out, bool *found,
                      eth_error *err)
{
    *found = false;
    memset(out, 0, sizeof *out);
    json_t *r = NULL;
    int rc = call(rpc, "eth_getBlockByNumber", json_pack("[s,b]", block, 0), &r, err);
    if (rc == 0)
        rc = eth_block_from_json(r, out, found, err);
    json_decref(r);
    return rc;
}

/* The filter object of f over [from, to]. */
static json_t *filter_json(const eth_log_filter *f, uint64_t from, uint64_t to)
{
    char a[ETH_BLOCK_TAG_MAX], b[ETH_BLOCK_TAG_MAX];
    json_t *o = json_pack("{s:s,s:s}", "fromBlock", eth_block_tag(from, a), "toBlock",
                          eth_block_tag(to, b));
    json_t *addrs = json_array(), *topics = json_array();
    bool ok = o && addrs && topics;
    for (size_t i = 0; ok && i < f->naddr; i++)
        ok = json_array_append_new(addrs, eth_json_hex(f->addresses[i], 20)) == 0;
    size_t last = 0;
    for (size_t i = 0; i < 4; i++)
        if (f->ntopic[i])
            last = i + 1;
    for (size_t i = 0; ok && i < last; i++) {
        json_t *t = f->ntopic[i] ? json_array() : json_null();
        for (size_t k = 0; t && f->ntopic[i] && k < f->ntopic[i]; k++)
            if (json_array_append_new(t, eth_json_hex(f->topics[i][k], 32)) != 0) {
                json_decref(t);
                t = NULL;
            }
        ok = t && json_array_append_new(topics, t) == 0;
    }
    if (ok && f->naddr)
        ok = json_object_set(o, "address", addrs) == 0;
    if (ok && last)
        ok = json_object_set(o, "topics", topics) == 0;
    json_decref(addrs);
    json_decref(topics);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Fetches [from, to], halving it when the node refuses; depth bounds the recursion. */
static int logs_range(eth_rpc *rpc, const eth_log_filter *f, uint64_t from, uint64_t to,
                      unsigned depth, size_t max, eth_log_list *out, eth_error *err)
{
    json_t *fo = filter_json(f, from, to), *r = NULL;
    int rc = call(rpc, "eth_getLogs", fo ? json_pack("[o]", fo) : NULL, &r, err);
    if (rc == -ETH_ERPC && eth_rpc_last_code(rpc) != 0 && from < to && depth < LOGS_MAX_SPLIT) {
        uint64_t mid = from + (to - from) / 2;
        rc = logs_range(rpc, f, from, mid, depth + 1, max, out, err);
        if (rc == 0)
            rc = logs_range(rpc, f, mid + 1, to, depth + 1, max, out, err);
        return rc;
    }
    if (rc == 0)
        rc = eth_logs_from_json(r, max, out, err);
    json_decref(r);
    return rc;
}

int eth_rpc_get_logs(eth_rpc *rpc, const eth_log_filter *f, size_t max_logs, eth_log_list *out,
                     eth_error *err)
{
    if (f->from_block > f->to_block)
        return eth_fail(err, ETH_EINVAL, "log range %llu..%llu is empty",
                        (unsigned long long)f->from_block, (unsigned long long)f->to_block);
    return logs_range(rpc, f, f->from_block, f->to_block, 0, max_logs, out, err);
}
