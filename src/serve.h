/* serve.h: the parts of `kmsctl serve` (the boot-authorization webhook dstack-kms calls), one
 * concept per file:
 *   serve_config.c   flags and environment -> cmd_serve_config
 *   serve_http.c     the HTTP layer on libmicrohttpd (its thread pool, routes, bodies, limits)
 *   serve_worker.c   each pool thread's own decision engine (lib/kms/authz.h) and the tracker
 *                    thread that keeps the providers' heads current
 *   serve_metrics.c  the counters and GET /metrics in Prometheus text format
 *   serve_log.c      one log line per request, and the service's other lines
 *   cmd_serve.c      the command: start, wait for SIGTERM, drain, stop
 * The decision itself (which block, which providers, failover, quorum, failing closed) is
 * lib/kms/authz.h; nothing here builds JSON-RPC. */
#ifndef KMSCTL_SERVE_H
#define KMSCTL_SERVE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "eth/buf.h"
#include "kms/authz.h"

/* ---- configuration (serve_config.c) ---- */

typedef struct cmd_serve_config {
    char host[256];
    unsigned port;              /* 0: any free port (the log line says which) */
    kms_authz_config authz;     /* its URLs point into argv or the environment */
    size_t max_body;            /* bytes; a larger body is 413 */
    unsigned threads;           /* HTTP worker threads, each with its own connections */
    long request_timeout_ms;    /* a client must send its body within this, else it is cut off */
    long head_poll_ms;          /* how often the tracker asks each provider for its head */
    char rpc_shown[128];        /* the first URL as GET / shows it: scheme://host[:port] */
} cmd_serve_config;

/* The flag set of kmsctl serve. */
extern const cli_flag CMD_SERVE_FLAGS[];

/* Reads c's flags and the environment (ETH_RPC_URL, KMS_CONTRACT_ADDR, PORT, HOST,
 * ETH_CHAIN_ID, ETH_FINALITY_CONFIRMATIONS; flags win) into *out. Returns CLI_OK, or CLI_USAGE /
 * CLI_FAIL with the message printed. */
int cmd_serve_config_read(const cli_call *c, cmd_serve_config *out);

/* ---- metrics (serve_metrics.c) ---- */

typedef enum cmd_serve_route {
    SERVE_ROUTE_APP, SERVE_ROUTE_KMS, SERVE_ROUTE_ROOT, SERVE_ROUTE_METRICS, SERVE_ROUTE_OTHER,
    SERVE_ROUTES
} cmd_serve_route;

typedef enum cmd_serve_decision {
    SERVE_ALLOWED, SERVE_DENIED, SERVE_UNAVAILABLE, SERVE_INVALID, SERVE_TOO_LARGE,
    SERVE_TOO_SLOW, SERVE_NOT_FOUND, SERVE_OK, SERVE_DECISIONS
} cmd_serve_decision;

/* Histogram bucket bounds of the request latency, in seconds (then +Inf). */
#define SERVE_BUCKETS 12

typedef struct cmd_serve_metrics {
    atomic_ullong requests[SERVE_ROUTES][SERVE_DECISIONS];
    atomic_ullong disagreements;
    atomic_ullong latency[SERVE_BUCKETS + 1]; /* per bucket (not cumulative) */
    atomic_ullong latency_sum_us, latency_count;
} cmd_serve_metrics;

/* The label of a route and of a decision ("app", "allowed", ...). */
const char *cmd_serve_route_name(cmd_serve_route r);
const char *cmd_serve_decision_name(cmd_serve_decision d);

/* Counts one request of route r with decision d that took total_ms (bootAuth routes feed the
 * latency histogram). Thread-safe. */
void cmd_serve_metrics_count(cmd_serve_metrics *m, cmd_serve_route r, cmd_serve_decision d,
                             double total_ms);

/* Appends the Prometheus text of m and of the providers of s (upstream errors, head, head age,
 * usable) to out. Returns 0 or an eth_buf error. */
int cmd_serve_metrics_text(cmd_serve_metrics *m, kms_authz_shared *s, eth_buf *out,
                           eth_error *err) ETH_WARN_UNUSED;

/* ---- log (serve_log.c) ---- */

/* What one request's log line says (no request body, ever). */
typedef struct cmd_serve_log_entry {
    const char *method, *path;  /* as the client sent them (clipped and escaped when shown) */
    unsigned status;
    cmd_serve_decision decision;
    const kms_authz_answer *answer; /* NULL for requests that asked no provider */
    double total_ms;
} cmd_serve_log_entry;

/* Writes the request's line to stderr: "serve: method=POST path=/bootAuth/app status=200
 * decision=denied reason=\"...\" block=12 upstream_ms=0.41 total_ms=0.55" (and why=\"...\"
 * when the answer failed closed), as one write. Status 0: the connection was closed without an
 * answer (a body slower than --request-timeout). */
void cmd_serve_log_request(const cmd_serve_log_entry *e);

/* Writes "serve: MESSAGE" to stderr as one write. */
void cmd_serve_log(const char *fmt, ...) ETH_PRINTF(1, 2);

/* A kms_progress whose lines go to cmd_serve_log (the tracker's notes). */
kms_progress cmd_serve_log_progress(void);

/* ---- workers and tracker (serve_worker.c) ---- */

/* One tracker thread: it polls one provider every poll interval. */
typedef struct cmd_serve_tracker {
    struct cmd_serve_workers *w;
    size_t provider;
    pthread_t thread;
    bool started;
} cmd_serve_tracker;

typedef struct cmd_serve_workers {
    kms_authz_shared *authz;    /* owned */
    pthread_key_t key;          /* each HTTP thread's kms_authz, freed when the thread ends */
    kms_authz *tracker_authz;   /* the trackers' connections (each uses its provider's) */
    cmd_serve_tracker trackers[KMS_AUTHZ_MAX_PROVIDERS];
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    long poll_ms;
} cmd_serve_workers;

/* Creates the shared state for cfg, polls every provider once (so that answers can be given as
 * soon as the server listens), refuses a provider on another chain, and starts one tracker
 * thread per provider (a provider that does not answer delays no other's head).
 * Returns 0, or -err->code (nothing left running; *w needs no cleanup). */
int cmd_serve_workers_start(cmd_serve_workers *w, const cmd_serve_config *cfg, eth_error *err)
    ETH_WARN_UNUSED;

/* The calling thread's engine, opened on its first call; NULL (err filled) if it cannot be. */
kms_authz *cmd_serve_worker(cmd_serve_workers *w, eth_error *err);

/* Stops the trackers and frees what start made. Call after every HTTP thread has ended. */
void cmd_serve_workers_stop(cmd_serve_workers *w);

/* ---- the HTTP server (serve_http.c) ---- */

typedef struct cmd_serve_http cmd_serve_http;

/* Listens on cfg's host and port with cfg->threads threads answering with w and counting into
 * m (all borrowed; they outlive the server). Returns 0 with *out and the port bound in *port,
 * or -err->code. */
int cmd_serve_http_start(const cmd_serve_config *cfg, cmd_serve_workers *w, cmd_serve_metrics *m,
                         cmd_serve_http **out, unsigned *port, eth_error *err) ETH_WARN_UNUSED;

/* Stops accepting connections, waits up to grace_ms for the requests in flight to be answered,
 * then closes every connection, ends the threads and frees h. NULL is fine. */
void cmd_serve_http_stop(cmd_serve_http *h, long grace_ms);

#endif
