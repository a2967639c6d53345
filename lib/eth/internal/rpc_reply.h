/* internal/rpc_reply.h (internal to lib/eth): what eth_rpc does with a reply body once the
 * transport has it, apart from the network, so that the unit tests and the fuzz targets can
 * drive it with any body. rpc.c calls these for every eth_rpc_call and eth_rpc_batch. */
#ifndef ETH_INTERNAL_RPC_REPLY_H
#define ETH_INTERNAL_RPC_REPLY_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "../error.h"
#include "../rpc.h"

/* One HTTP reply as the transport received it (plain data; pointers borrowed). */
typedef struct eth_rpc_reply {
    const char *shown; /* the node as messages show it (scheme://host[:port]), not NULL */
    const char *body;  /* body_len bytes, not NUL-terminated; may be NULL if body_len is 0 */
    size_t body_len;
    long http;         /* the HTTP status */
    long last_code;    /* out: the JSON-RPC error code of the last node error read (-1 when the
                          error had none), 0 when none was read */
} eth_rpc_reply;

/* Reads r as the reply to the one call with id id. Returns 0 and *result (a new reference; JSON
 * null for a null result), or with *result NULL: -ETH_EREVERT (a JSON-RPC error saying
 * execution reverted: code 3, or error data that is 0x hex; err->data holds the data) or
 * -ETH_ERPC (an empty body, not JSON, an HTTP error without a JSON-RPC answer, not JSON-RPC
 * 2.0, another id, both or neither of result and error, any other JSON-RPC error). An error
 * with id null (the node could not read the request) is taken as the answer. Sets
 * r->last_code. */
int eth_rpc_reply_single(eth_rpc_reply *r, uint64_t id, json_t **result, eth_error *err)
    ETH_WARN_UNUSED;

/* Reads r as the reply to the batch reqs[0..n) (method and params unused), whose ids are
 * first..first+n-1. Every request is first set to "no answer" (result NULL, rc -ETH_ERPC).
 * Returns 0 when the batch itself was answered: each request then holds its own rc, err and
 * result as eth_rpc_reply_single gives them, "no answer" for an id the reply lacks (or, when
 * an answer carries an id of no request here, "the reply answers another request (id)"),
 * -ETH_ERPC for an id answered twice; answers with other ids are not used. Or, with every
 * request left at "no answer": -ETH_ERPC / -ETH_EREVERT for a reply that answers no request (a
 * JSON-RPC error for the whole batch, not an array, not JSON, empty), or -ETH_ENOMEM. Sets
 * r->last_code. The caller json_decrefs each result. */
int eth_rpc_reply_batch(eth_rpc_reply *r, uint64_t first, eth_rpc_req *reqs, size_t n,
                        eth_error *err) ETH_WARN_UNUSED;

#endif
