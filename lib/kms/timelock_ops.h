/* timelock_ops.h: a TimelockController's operations, rebuilt from its events, since
 * OpenZeppelin's timelock keeps no list itself: CallScheduled (one per call of an operation),
 * CallSalt, CallExecuted and Cancelled. An operation read back has everything execute needs:
 * its calls, predecessor and salt, and whether it was scheduled as a batch. */
#ifndef KMS_TIMELOCK_OPS_H
#define KMS_TIMELOCK_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/buf.h"
#include "eth/error.h"
#include "eth/rpc.h"
#include "eth/u256.h"
#include "timelock.h"

/* Most calls in one operation, and most operations read. */
#define KMS_TL_OP_MAX_CALLS 256
#define KMS_TL_MAX_OPS 10000

/* One operation (its heap parts owned). */
typedef struct kms_tl_op {
    uint8_t id[32];
    size_t n;                 /* calls */
    uint8_t (*targets)[20];
    u256 *values;
    eth_buf *datas;
    uint8_t predecessor[32];
    uint8_t salt[32];         /* zero unless a CallSalt event gave it */
    bool batch;               /* scheduleBatch (the id is hashOperationBatch's) */
    uint64_t delay;
    uint64_t scheduled_block;
    uint8_t schedule_tx[32];
    bool executed;
    uint64_t executed_block;
    bool cancelled;
    uint64_t cancelled_block;
} kms_tl_op;

/* A list of operations in the order they were (last) scheduled. */
typedef struct kms_tl_ops {
    kms_tl_op *items;
    size_t n;
} kms_tl_ops;

/* Reads the operations of timelock from its events in blocks [from, to]. Returns 0 with *out
 * (release with kms_tl_ops_clear); -ETH_ERANGE past the caps; -ETH_ERPC for an event that does
 * not decode (the node's data, not ours); or an RPC error. */
int kms_tl_ops_read(eth_rpc *rpc, const uint8_t timelock[20], uint64_t from, uint64_t to,
                    kms_tl_ops *out, eth_error *err) ETH_WARN_UNUSED;

/* Frees the list (not l itself). NULL is fine. */
void kms_tl_ops_clear(kms_tl_ops *l);

/* The operation with this id, or NULL. Borrowed from l. */
const kms_tl_op *kms_tl_ops_find(const kms_tl_ops *l, const uint8_t id[32]);

/* Points calls[0..op->n) at op's calls (borrowed from op; calls has room for op->n). */
void kms_tl_op_calls(const kms_tl_op *op, kms_tl_call *calls);

#endif
