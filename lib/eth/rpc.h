/* rpc.h: a JSON-RPC 2.0 client over HTTP(S) (libcurl, jansson) for Ethereum nodes.
 *
 * One eth_rpc is one persistent connection (keep-alive, reused across calls) to one URL; it is
 * not thread-safe: give each thread its own. Calls have a connect timeout and a total timeout;
 * transport failures (no connection, reset, HTTP 429/502/503/504, nothing received) are retried
 * with exponential backoff, never a JSON-RPC error or a revert (the node answered: asking again
 * would not change its mind). Replies are capped in size. A JSON-RPC error becomes ETH_EREVERT
 * with err->data holding the revert data when the node says execution reverted (error code 3,
 * or error data that is hex), and ETH_ERPC otherwise; eth_rpc_last_code gives the node's code.
 * Messages show the URL as scheme://host[:port] only: paths and queries often hold API keys. */
#ifndef ETH_RPC_H
#define ETH_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "error.h"

typedef struct eth_rpc eth_rpc;

/* Tuning of a client; eth_rpc_opts_default fills sensible values. */
typedef struct eth_rpc_opts {
    long connect_timeout_ms; /* default 5000 */
    long timeout_ms;         /* whole request, default 30000 */
    unsigned retries;        /* extra attempts after a transport failure, default 3 */
    long backoff_ms;         /* first wait between attempts, doubled each time, default 200 */
    size_t max_reply;        /* largest reply body accepted, default 64 MiB */
} eth_rpc_opts;

/* Fills o with the defaults above. */
void eth_rpc_opts_default(eth_rpc_opts *o);

/* Loads libcurl (on first use, not at start-up: lib/eth/dl.h) and initialises it for the
 * process. eth_rpc_open does the same, thread-safely; a program may call this first to fail
 * before it starts work. Returns 0, -ETH_EUNSUP (libcurl is not installed; the message says
 * what to install) or -ETH_ERPC. */
int eth_rpc_global_init(eth_error *err) ETH_WARN_UNUSED;

/* Opens a client for url (http:// or https://; copied) with opts (NULL: defaults) into *out
 * (free with eth_rpc_free). Nothing is sent yet. Returns 0, -ETH_EINVAL (not an http(s) URL),
 * -ETH_ENOMEM, or as eth_rpc_global_init. */
int eth_rpc_open(const char *url, const eth_rpc_opts *opts, eth_rpc **out, eth_error *err)
    ETH_WARN_UNUSED;

/* Closes the connection and frees rpc. NULL is fine. */
void eth_rpc_free(eth_rpc *rpc);

/* The URL as messages show it: scheme://host[:port] (borrowed from rpc). */
const char *eth_rpc_url_shown(const eth_rpc *rpc);

/* Writes scheme://host[:port] of url to out[0..cap) (for URLs no client was opened for). */
void eth_rpc_url_strip(const char *url, char *out, size_t cap);

/* The JSON-RPC error code of the last call that failed with a JSON-RPC error (ETH_EREVERT or
 * ETH_ERPC from the node), else 0. */
long eth_rpc_last_code(const eth_rpc *rpc);

/* Sends one call and waits for its result. params is a JSON array, borrowed (not NULL).
 * Returns 0 and *result (a new reference: json_decref it; JSON null for a null result), or
 * -ETH_EREVERT (revert data in err->data), -ETH_ERPC (transport failure after the retries, an
 * HTTP error, a JSON-RPC error, a malformed reply or a reply with another id), -ETH_ETIMEOUT,
 * -ETH_ERANGE (reply larger than opts.max_reply) or -ETH_ENOMEM. */
int eth_rpc_call(eth_rpc *rpc, const char *method, json_t *params, json_t **result,
                 eth_error *err) ETH_WARN_UNUSED;

/* One call of a batch: filled in by the caller (method, params borrowed), answered by
 * eth_rpc_batch (result a new reference, or rc < 0 with err). */
typedef struct eth_rpc_req {
    const char *method;
    json_t *params;
    json_t *result;
    int rc;
    eth_error err;
} eth_rpc_req;

/* Sends reqs[0..n) as one JSON-RPC batch (one round trip) and matches the answers by id.
 * Returns 0 when the batch itself was answered, each request then holding its own rc and
 * result; or a negative code as eth_rpc_call for a failure of the whole batch (then no request
 * holds a result). The caller json_decrefs each result. */
int eth_rpc_batch(eth_rpc *rpc, eth_rpc_req *reqs, size_t n, eth_error *err) ETH_WARN_UNUSED;

#endif
