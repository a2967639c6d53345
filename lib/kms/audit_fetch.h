/* audit_fetch.h: reading a long chain fast, for the policy audit: eth_getLogs over a block
 * range cut into ranges that worker threads fetch in parallel, and many JSON-RPC requests sent
 * as batches, also in parallel. Each worker opens its own client (an eth_rpc is not
 * thread-safe); a range the node refuses is halved by eth_rpc_get_logs until the node answers,
 * so the result is complete whatever the node's limit. With one thread, or no URL to open more
 * clients with, everything runs on the caller's client, in order. */
#ifndef KMS_AUDIT_FETCH_H
#define KMS_AUDIT_FETCH_H

#include <stddef.h>
#include <stdint.h>
#include "eth/error.h"
#include "eth/rpc.h"
#include "eth/rpc_eth.h"
#include "progress.h"

/* Most worker threads, requests per JSON-RPC batch, and the default blocks per range. */
#define KMS_AUDIT_MAX_THREADS 16
#define KMS_AUDIT_BATCH 100
#define KMS_AUDIT_SPAN 20000

/* How to reach the node. Plain data; every pointer borrowed. */
typedef struct kms_audit_net {
    eth_rpc *rpc;             /* the caller's client (not NULL): used alone when threads <= 1
                               * or url is NULL */
    const char *url;          /* the node's URL for the workers' own clients, or NULL */
    const eth_rpc_opts *opts; /* the workers' client options (NULL: eth_rpc_opts_default) */
    unsigned threads;         /* workers (0 means 1; at most KMS_AUDIT_MAX_THREADS) */
    uint64_t span;            /* blocks per range (0: KMS_AUDIT_SPAN) */
    kms_progress progress;    /* told after each range of kms_audit_logs ("reading events in
                               * blocks 0..99999: 3 of 5 ranges"); called from one thread at a
                               * time */
} kms_audit_net;

/* eth_getLogs of f over its block range, cut into ranges of net->span blocks fetched in
 * parallel and appended to out in block order, as eth_rpc_get_logs would return them.
 * max_logs (0: no limit) caps what is kept: -ETH_ERANGE past it.
 * Returns 0, -ETH_EINVAL (an empty range), -ETH_ERPC (a worker cannot open its client, or the
 * node fails), -ETH_ENOMEM, or another error of eth_rpc_get_logs; on failure out holds nothing
 * new (release it with eth_log_list_clear either way). None may be NULL. */
int kms_audit_logs(const kms_audit_net *net, const eth_log_filter *f, size_t max_logs,
                   eth_log_list *out, eth_error *err) ETH_WARN_UNUSED;

/* Sends one request per item, built by make(ctx, i) (a new params array for method, or NULL
 * when out of memory), as JSON-RPC batches of KMS_AUDIT_BATCH requests sent in parallel, and
 * hands each answer to take(ctx, i, result, err) in item order. Stops at the first failure: a
 * batch the node did not answer (-ETH_ERPC, -ETH_ETIMEOUT), a request it refused (its error,
 * prefixed with what), or take failing (its own return).
 * Returns 0 or that error. make and take not NULL; what names the items in messages. */
typedef json_t *(*kms_audit_make_fn)(void *ctx, size_t i);
typedef int (*kms_audit_take_fn)(void *ctx, size_t i, const json_t *result, eth_error *err);
int kms_audit_each(const kms_audit_net *net, const char *method, size_t n, kms_audit_make_fn make,
                   kms_audit_take_fn take, void *ctx, const char *what, eth_error *err)
    ETH_WARN_UNUSED;

#endif
