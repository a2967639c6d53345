/* timelock_ops.c: timelock operations replayed from CallScheduled, CallSalt, CallExecuted and
 * Cancelled. */
#include "timelock_ops.h"

#include <stdlib.h>
#include <string.h>

#include "eth/abi_decode.h"
#include "eth/abi_selector.h"
#include "eth/abi_type.h"
#include "eth/rpc_eth.h"

enum { EV_SCHEDULED, EV_SALT, EV_EXECUTED, EV_CANCELLED, NEVENTS };

static const char *const EVENTS[NEVENTS] = {
    "CallScheduled(bytes32,uint256,address,uint256,bytes,bytes32,uint256)",
    "CallSalt(bytes32,bytes32)", "CallExecuted(bytes32,uint256,address,uint256,bytes)",
    "Cancelled(bytes32)"};

static void op_clear(kms_tl_op *op)
{
    for (size_t i = 0; i < op->n; i++)
        eth_buf_clear(&op->datas[i]);
    free(op->targets);
    free(op->values);
    free(op->datas);
    memset(op, 0, sizeof *op);
}

void kms_tl_ops_clear(kms_tl_ops *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        op_clear(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

const kms_tl_op *kms_tl_ops_find(const kms_tl_ops *l, const uint8_t id[32])
{
    for (size_t i = 0; i < l->n; i++)
        if (memcmp(l->items[i].id, id, 32) == 0)
            return &l->items[i];
    return NULL;
}

void kms_tl_op_calls(const kms_tl_op *op, kms_tl_call *calls)
{
    for (size_t i = 0; i < op->n; i++)
        calls[i] = (kms_tl_call){.target = op->targets[i], .value = op->values[i],
                                 .data = op->datas[i].data, .len = op->datas[i].len};
}

/* The operation with id, created (empty) if there is none. */
static kms_tl_op *op_for(kms_tl_ops *l, const uint8_t id[32], eth_error *err)
{
    kms_tl_op *op = (kms_tl_op *)kms_tl_ops_find(l, id);
    if (op)
        return op;
    if (l->n == KMS_TL_MAX_OPS) {
        eth_fail(err, ETH_ERANGE, "more than %d timelock operations", KMS_TL_MAX_OPS);
        return NULL;
    }
    kms_tl_op *grown = realloc(l->items, (l->n + 1) * sizeof *grown);
    if (!grown) {
        eth_fail(err, ETH_ENOMEM, "out of memory");
        return NULL;
    }
    l->items = grown;
    op = &l->items[l->n++];
    memset(op, 0, sizeof *op);
    memcpy(op->id, id, 32);
    return op;
}

/* Appends one call (index must be op->n: calls come in order). */
static int add_call(kms_tl_op *op, const eth_abi_value *v, uint64_t index, eth_error *err)
{
    if (index != op->n || op->n == KMS_TL_OP_MAX_CALLS)
        return eth_fail(err, ETH_ERPC, "a CallScheduled event out of order (index %llu)",
                        (unsigned long long)index);
    size_t n = op->n + 1;
    uint8_t(*t)[20] = realloc(op->targets, n * 20);
    if (t)
        op->targets = t;
    u256 *val = t ? realloc(op->values, n * sizeof *val) : NULL;
    if (val)
        op->values = val;
    eth_buf *d = val ? realloc(op->datas, n * sizeof *d) : NULL;
    if (!d)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    op->datas = d;
    memcpy(op->targets[op->n], v->items[0].word + 12, 20);
    op->values[op->n] = u256_from_be(v->items[1].word, 32);
    memset(&op->datas[op->n], 0, sizeof op->datas[op->n]);
    op->n = n;
    return eth_buf_append(&op->datas[n - 1], v->items[2].data, v->items[2].len, err);
}

static int on_scheduled(kms_tl_ops *l, const eth_log *g, const eth_abi_type *t, eth_error *err)
{
    eth_abi_value v;
    if (g->ntopics < 3 || eth_abi_decode(t, g->data, g->data_len, &v, err) != 0)
        return eth_fail(err, ETH_ERPC, "a CallScheduled event that does not decode");
    kms_tl_op *op = op_for(l, g->topics[1], err);
    uint64_t index = u256_from_be(g->topics[2], 32).w[0];
    int rc = op ? 0 : -err->code;
    if (rc == 0 && index == 0 && op->n) { /* scheduled again after a cancel */
        uint8_t id[32];
        memcpy(id, op->id, 32);
        op_clear(op);
        memcpy(op->id, id, 32);
    }
    if (rc == 0)
        rc = add_call(op, &v, index, err);
    if (rc == 0) {
        memcpy(op->predecessor, v.items[3].word, 32);
        op->delay = u256_from_be(v.items[4].word, 32).w[0];
        op->scheduled_block = g->block_number;
        memcpy(op->schedule_tx, g->tx_hash, 32);
    }
    eth_abi_value_clear(&v);
    return rc;
}

/* Decides single or batch: the id is hashOperation's for a single call, else the batch's. */
static int settle(kms_tl_ops *l, eth_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        kms_tl_op *op = &l->items[i];
        uint8_t id[32];
        kms_tl_call call;
        if (op->n != 1) {
            op->batch = true;
            continue;
        }
        kms_tl_op_calls(op, &call);
        int rc = kms_timelock_op_id(&call, 1, false, op->predecessor, op->salt, id, err);
        if (rc)
            return rc;
        op->batch = memcmp(id, op->id, 32) != 0;
    }
    return 0;
}

static int apply(kms_tl_ops *l, const eth_log *g, const uint8_t topics[NEVENTS][32],
                 const eth_abi_type *sched, eth_error *err)
{
    if (g->removed || g->ntopics < 2)
        return 0;
    if (memcmp(g->topics[0], topics[EV_SCHEDULED], 32) == 0)
        return on_scheduled(l, g, sched, err);
    kms_tl_op *op = op_for(l, g->topics[1], err);
    if (!op)
        return -err->code;
    if (memcmp(g->topics[0], topics[EV_SALT], 32) == 0 && g->data_len == 32)
        memcpy(op->salt, g->data, 32);
    else if (memcmp(g->topics[0], topics[EV_EXECUTED], 32) == 0) {
        op->executed = true;
        op->executed_block = g->block_number;
    } else if (memcmp(g->topics[0], topics[EV_CANCELLED], 32) == 0) {
        op->cancelled = true;
        op->cancelled_block = g->block_number;
    }
    return 0;
}

int kms_tl_ops_read(eth_rpc *rpc, const uint8_t timelock[20], uint64_t from, uint64_t to,
                    kms_tl_ops *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    uint8_t topics[NEVENTS][32];
    eth_abi_type *sched = NULL;
    int rc = eth_abi_type_parse("(address,uint256,bytes,bytes32,uint256)", &sched, err);
    for (int i = 0; rc == 0 && i < NEVENTS; i++)
        rc = eth_abi_event_topic(EVENTS[i], topics[i], err);
    eth_log_list logs = {0};
    eth_log_filter f = {.addresses = (const uint8_t(*)[20])timelock, .naddr = 1,
                        .from_block = from, .to_block = to};
    f.topics[0] = (const uint8_t(*)[32])topics;
    f.ntopic[0] = NEVENTS;
    if (rc == 0)
        rc = eth_rpc_get_logs(rpc, &f, 16 * KMS_TL_MAX_OPS, &logs, err);
    for (size_t i = 0; rc == 0 && i < logs.n; i++)
        rc = apply(out, &logs.items[i], (const uint8_t(*)[32])topics, sched, err);
    if (rc == 0)
        rc = settle(out, err);
    eth_log_list_clear(&logs);
    eth_abi_type_free(sched);
    if (rc)
        kms_tl_ops_clear(out);
    return rc;
}
