/* serve_metrics.c: kmsctl serve's counters (atomics, shared by every thread) and GET /metrics
 * in the Prometheus text format (version 0.0.4). */
#include "serve.h"

#include <inttypes.h>
#include <time.h>

/* Upper bounds of the latency buckets, in seconds. */
static const double BOUNDS[SERVE_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                             0.05,   0.1,   0.25,   0.5,   1,    5};

const char *cmd_serve_route_name(cmd_serve_route r)
{
    static const char *const N[SERVE_ROUTES] = {"app", "kms", "root", "metrics", "other"};
    return N[r];
}

const char *cmd_serve_decision_name(cmd_serve_decision d)
{
    static const char *const N[SERVE_DECISIONS] = {"allowed",   "denied",   "unavailable",
                                                   "invalid",   "too_large", "too_slow",
                                                   "not_found", "ok"};
    return N[d];
}

void cmd_serve_metrics_count(cmd_serve_metrics *m, cmd_serve_route r, cmd_serve_decision d,
                             double total_ms)
{
    atomic_fetch_add(&m->requests[r][d], 1);
    if (r != SERVE_ROUTE_APP && r != SERVE_ROUTE_KMS)
        return;
    size_t b = 0;
    while (b < SERVE_BUCKETS && total_ms / 1e3 > BOUNDS[b])
        b++;
    atomic_fetch_add(&m->latency[b], 1);
    atomic_fetch_add(&m->latency_sum_us, (unsigned long long)(total_ms * 1e3));
    atomic_fetch_add(&m->latency_count, 1);
}

static int requests(cmd_serve_metrics *m, eth_buf *out, eth_error *err)
{
    int rc = eth_buf_printf(out, err, "# HELP kmsctl_serve_requests_total Requests by route and "
                                      "decision.\n# TYPE kmsctl_serve_requests_total counter\n");
    for (int r = 0; rc == 0 && r < SERVE_ROUTES; r++)
        for (int d = 0; rc == 0 && d < SERVE_DECISIONS; d++) {
            unsigned long long v = atomic_load(&m->requests[r][d]);
            bool always = (r == SERVE_ROUTE_APP || r == SERVE_ROUTE_KMS) && d <= SERVE_INVALID;
            if (v || always)
                rc = eth_buf_printf(out, err,
                                    "kmsctl_serve_requests_total{route=\"%s\",decision=\"%s\"} "
                                    "%llu\n",
                                    cmd_serve_route_name((cmd_serve_route)r),
                                    cmd_serve_decision_name((cmd_serve_decision)d), v);
        }
    return rc;
}

static int latency(cmd_serve_metrics *m, eth_buf *out, eth_error *err)
{
    int rc = eth_buf_printf(out, err, "# HELP kmsctl_serve_request_duration_seconds Time to "
                                      "answer a bootAuth request.\n"
                                      "# TYPE kmsctl_serve_request_duration_seconds histogram\n");
    unsigned long long cum = 0;
    for (size_t b = 0; rc == 0 && b <= SERVE_BUCKETS; b++) {
        cum += atomic_load(&m->latency[b]);
        if (b < SERVE_BUCKETS)
            rc = eth_buf_printf(out, err, "kmsctl_serve_request_duration_seconds_bucket{le=\"%g\"} "
                                          "%llu\n", BOUNDS[b], cum);
        else
            rc = eth_buf_printf(out, err, "kmsctl_serve_request_duration_seconds_bucket"
                                          "{le=\"+Inf\"} %llu\n", cum);
    }
    if (rc == 0)
        rc = eth_buf_printf(out, err, "kmsctl_serve_request_duration_seconds_sum %.6f\n"
                                      "kmsctl_serve_request_duration_seconds_count %llu\n",
                            (double)atomic_load(&m->latency_sum_us) / 1e6,
                            atomic_load(&m->latency_count));
    return rc;
}

static int providers(kms_authz_shared *s, eth_buf *out, eth_error *err)
{
    static const char *const HELP =
        "# HELP kmsctl_serve_upstream_errors_total Failed round trips, by provider.\n"
        "# TYPE kmsctl_serve_upstream_errors_total counter\n"
        "# HELP kmsctl_serve_provider_usable 1 when the provider is up, on the chain and fresh.\n"
        "# TYPE kmsctl_serve_provider_usable gauge\n"
        "# HELP kmsctl_serve_head_block Newest block number the provider reported.\n"
        "# TYPE kmsctl_serve_head_block gauge\n"
        "# HELP kmsctl_serve_pinned_block Block number decisions are read at.\n"
        "# TYPE kmsctl_serve_pinned_block gauge\n"
        "# HELP kmsctl_serve_head_age_seconds Age of the provider's newest block.\n"
        "# TYPE kmsctl_serve_head_age_seconds gauge\n";
    int rc = eth_buf_printf(out, err, "%s", HELP);
    uint64_t now = (uint64_t)time(NULL);
    for (size_t i = 0; rc == 0 && i < kms_authz_provider_count(s); i++) {
        kms_authz_provider p;
        kms_authz_provider_get(s, i, &p);
        uint64_t age = p.head && now > p.head_time ? now - p.head_time : 0;
        rc = eth_buf_printf(out, err,
                            "kmsctl_serve_upstream_errors_total{provider=\"%s\"} %" PRIu64 "\n"
                            "kmsctl_serve_provider_usable{provider=\"%s\"} %d\n"
                            "kmsctl_serve_head_block{provider=\"%s\"} %" PRIu64 "\n"
                            "kmsctl_serve_pinned_block{provider=\"%s\"} %" PRIu64 "\n"
                            "kmsctl_serve_head_age_seconds{provider=\"%s\"} %" PRIu64 "\n",
                            p.url, p.errors, p.url, p.usable, p.url, p.head, p.url, p.pinned,
                            p.url, age);
    }
    return rc;
}

int cmd_serve_metrics_text(cmd_serve_metrics *m, kms_authz_shared *s, eth_buf *out,
                           eth_error *err)
{
    int rc = requests(m, out, err);
    if (rc == 0)
        rc = latency(m, out, err);
    if (rc == 0)
        rc = eth_buf_printf(out, err,
                            "# HELP kmsctl_serve_quorum_disagreements_total Decisions where "
                            "providers answered differently.\n"
                            "# TYPE kmsctl_serve_quorum_disagreements_total counter\n"
                            "kmsctl_serve_quorum_disagreements_total %llu\n",
                            atomic_load(&m->disagreements));
    if (rc == 0)
        rc = providers(s, out, err);
    return rc;
}
