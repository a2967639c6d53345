/* authz_shared.h (lib/kms/authz*.c only): the shared state, one provider's round trip, and the
 * worker's helper threads, as authz.c, authz_ask.c and authz_decide.c share them. */
#ifndef KMS_INTERNAL_AUTHZ_SHARED_H
#define KMS_INTERNAL_AUTHZ_SHARED_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "kms/authz.h"
#include "eth/buf.h"
#include "eth/rpc.h"

/* How many pinned blocks' gatewayAppId / appImplementation a provider keeps (a quorum may read
 * at a block a little below a provider's newest). */
#define KMS_AUTHZ_RING 4

/* gatewayAppId() and appImplementation() read at one block. */
typedef struct kms_authz_extras {
    uint64_t block;
    bool valid;
    char gateway[KMS_AUTHZ_GATEWAY_MAX + 1];
    uint8_t app_impl[20];
} kms_authz_extras;

/* One provider as every worker sees it (guarded by the shared mutex). */
typedef struct kms_authz_node {
    char *url;
    char shown[128];
    bool up;            /* the tracker's last poll succeeded (and no request failed since) */
    bool wrong_chain;   /* its chain id, read at every poll, is not the expected one */
    bool said_down;     /* the tracker reported it down and not back yet */
    bool has_head;
    uint64_t head, head_time, pinned;
    uint8_t head_hash[32];
    kms_authz_extras ring[KMS_AUTHZ_RING];
    unsigned ring_next;
    uint64_t errors;
} kms_authz_node;

struct kms_authz_shared {
    kms_authz_config cfg; /* urls point into the providers' copies */
    pthread_mutex_t mu;
    uint64_t chain_id;    /* expected, or learned from the first provider (0: not yet) */
    kms_authz_node p[KMS_AUTHZ_MAX_PROVIDERS];
    uint8_t sel_gateway[4], sel_impl[4];
};

/* What one round trip asks (the same for every provider of a decision). */
typedef struct kms_authz_plan {
    const uint8_t *calldata; /* the isAppAllowed / isKmsAllowed call, or NULL: extras only */
    size_t calldata_len;
    uint64_t block;
    const uint8_t *app;      /* non-NULL: also read the app's code and ERC1967 slot */
} kms_authz_plan;

/* What one provider answered. */
typedef struct kms_authz_outcome {
    int rc;               /* 0, or the round trip's error (err) */
    eth_error err;
    bool node_answered;   /* the failure came from the node (a JSON-RPC error), not transport */
    eth_buf ret;          /* the call's return data */
    kms_authz_extras extras;  /* at plan.block (from the cache or read in the same batch) */
    bool code_ok;         /* plan.app: code and slot are an ERC1967 proxy of app_impl */
    uint8_t digest[32];   /* keccak of everything above that a quorum compares */
} kms_authz_outcome;

/* A helper thread of a worker, bound to one provider. */
typedef struct kms_authz_lane {
    kms_authz *a;
    size_t i;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const kms_authz_plan *job; /* set by the worker, cleared by the lane when done */
    const kms_authz_extras *cached;
    bool stop, started;
} kms_authz_lane;

struct kms_authz {
    kms_authz_shared *s;
    eth_rpc *rpc[KMS_AUTHZ_MAX_PROVIDERS];
    kms_authz_outcome out[KMS_AUTHZ_MAX_PROVIDERS];
    kms_authz_lane lanes[KMS_AUTHZ_MAX_PROVIDERS];
};

/* Runs plan on provider i with a's connection into a->out[i] (one round trip); cached (NULL:
 * none) holds the extras already known at plan->block, else they are read in the same batch.
 * The outcome's digest is computed only in quorum mode (nothing else compares it). */
void kms_authz_ask(kms_authz *a, size_t i, const kms_authz_plan *plan,
                   const kms_authz_extras *cached);

/* The cached extras of provider i at block, copied into *out; false when not cached.
 * Call with s->mu held. */
bool kms_authz_cached(const kms_authz_shared *s, size_t i, uint64_t block, kms_authz_extras *out);

/* Counts a failed round trip of provider i and, when down (the node did not answer), marks it
 * down until the tracker sees it answer again. */
void kms_authz_failed(kms_authz_shared *s, size_t i, bool down);

/* True if provider i is usable now (s->mu held); why (may be NULL) gets a word when not. */
bool kms_authz_usable(const kms_authz_shared *s, size_t i, uint64_t now, const char **why);

/* Starts (once) and stops a's helper threads. Return 0 or -ETH_ERPC. */
int kms_authz_lanes_start(kms_authz *a, eth_error *err) ETH_WARN_UNUSED;
void kms_authz_lanes_stop(kms_authz *a);

/* Runs plan on the providers asked[0..n) at once (a->out[] filled for each). */
void kms_authz_ask_all(kms_authz *a, const size_t *asked, size_t n, const kms_authz_plan *plan,
                   const kms_authz_extras *cached, const bool *has_cached);

#endif
