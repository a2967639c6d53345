/* audit_fetch.c: getLogs over parallel ranges and JSON-RPC batches on worker threads. */
#include "audit_fetch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most requests kms_audit_each holds at once (their eth_error is 4.6 KB each). */
#define EACH_CHUNK 2000

/* One piece of work, numbered 0..n-1, run on a worker's own client. */
typedef int (*job_fn)(void *ctx, eth_rpc *rpc, size_t job, eth_error *err);

typedef struct pool {
    const kms_audit_net *net;
    job_fn fn;
    void *ctx;
    size_t njobs, next, done;
    const char *what; /* progress text before "N of M ranges", or NULL for none */
    pthread_mutex_t lock;
    int rc;
    eth_error err;
} pool;

static void say_done(pool *p)
{
    p->done++;
    if (p->what)
        kms_progress_say(&p->net->progress, "%s: %zu of %zu ranges", p->what, p->done,
                         p->njobs);
}

/* Takes the next job number, or returns false when none is left or a job failed. */
static bool take_job(pool *p, size_t *job)
{
    pthread_mutex_lock(&p->lock);
    bool more = p->rc == 0 && p->next < p->njobs;
    if (more)
        *job = p->next++;
    pthread_mutex_unlock(&p->lock);
    return more;
}

static void finish_job(pool *p, int rc, const eth_error *e)
{
    pthread_mutex_lock(&p->lock);
    if (rc && p->rc == 0) {
        p->rc = rc;
        p->err = *e;
    }
    if (rc == 0)
        say_done(p);
    pthread_mutex_unlock(&p->lock);
}

/* One worker thread: its pool and its own error. */
typedef struct worker_arg {
    pool *p;
    eth_error err;
} worker_arg;

static void *worker(void *arg)
{
    worker_arg *w = arg;
    pool *p = w->p;
    eth_rpc *rpc = NULL;
    int rc = eth_rpc_open(p->net->url, p->net->opts, &rpc, &w->err);
    if (rc)
        finish_job(p, rc, &w->err);
    size_t job;
    while (rc == 0 && take_job(p, &job)) {
        rc = p->fn(p->ctx, rpc, job, &w->err);
        finish_job(p, rc, &w->err);
    }
    eth_rpc_free(rpc);
    return NULL;
}

static unsigned workers_for(const kms_audit_net *net, size_t njobs)
{
    unsigned t = net->threads ? net->threads : 1;
    if (t > KMS_AUDIT_MAX_THREADS)
        t = KMS_AUDIT_MAX_THREADS;
    if (!net->url)
        t = 1;
    if (t > njobs)
        t = njobs ? (unsigned)njobs : 1;
    return t;
}

/* Runs jobs 0..njobs-1 in order on the caller's client. */
static int run_here(pool *p, eth_error *err)
{
    for (size_t j = 0; j < p->njobs; j++) {
        int rc = p->fn(p->ctx, p->net->rpc, j, err);
        if (rc)
            return rc;
        say_done(p);
    }
    return 0;
}

/* Runs jobs 0..njobs-1 on the caller's client, or on worker threads with clients of their own. */
static int run_jobs(const kms_audit_net *net, size_t njobs, job_fn fn, void *ctx,
                    const char *what, eth_error *err)
{
    pool p = {.net = net, .fn = fn, .ctx = ctx, .njobs = njobs, .what = what};
    unsigned t = workers_for(net, njobs);
    if (t <= 1)
        return run_here(&p, err);
    worker_arg *args = calloc(t, sizeof *args);
    if (!args)
        return eth_fail(err, ETH_ENOMEM, "out of memory starting %u workers", t);
    if (eth_rpc_global_init(err) != 0) {
        free(args);
        return -err->code;
    }
    pthread_t ids[KMS_AUDIT_MAX_THREADS];
    unsigned started = 0;
    pthread_mutex_init(&p.lock, NULL);
    for (; started < t; started++) {
        args[started].p = &p;
        if (pthread_create(&ids[started], NULL, worker, &args[started]) != 0)
            break;
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    pthread_mutex_destroy(&p.lock);
    free(args);
    if (p.rc == 0 && p.done < njobs)
        return eth_fail(err, ETH_ENOMEM, "cannot start worker threads");
    if (p.rc)
        *err = p.err;
    return p.rc;
}

/* ---- logs ---- */

typedef struct logs_ctx {
    const eth_log_filter *f;
    uint64_t span;
    size_t max;
    eth_log_list *parts;
} logs_ctx;

static int logs_job(void *ctx, eth_rpc *rpc, size_t job, eth_error *err)
{
    logs_ctx *c = ctx;
    eth_log_filter f = *c->f;
    f.from_block = c->f->from_block + job * c->span;
    f.to_block = c->f->to_block - f.from_block < c->span ? c->f->to_block
                                                         : f.from_block + c->span - 1;
    return eth_rpc_get_logs(rpc, &f, c->max, &c->parts[job], err);
}

/* Moves the parts into out, in order (each part's data changes owner). */
static int merge(eth_log_list *parts, size_t n, size_t max, eth_log_list *out, eth_error *err)
{
    size_t total = out->n;
    for (size_t i = 0; i < n; i++)
        total += parts[i].n;
    if (max && total > max)
        return eth_fail(err, ETH_ERANGE, "more than %zu logs", max);
    if (total > out->cap) {
        eth_log *items = realloc(out->items, (total ? total : 1) * sizeof *items);
        if (!items)
            return eth_fail(err, ETH_ENOMEM, "out of memory (%zu logs)", total);
        out->items = items;
        out->cap = total;
    }
    for (size_t i = 0; i < n; i++) {
        if (parts[i].n)
            memcpy(out->items + out->n, parts[i].items, parts[i].n * sizeof *parts[i].items);
        out->n += parts[i].n;
        parts[i].n = 0; /* the data moved */
    }
    return 0;
}

int kms_audit_logs(const kms_audit_net *net, const eth_log_filter *f, size_t max_logs,
                   eth_log_list *out, eth_error *err)
{
    if (f->from_block > f->to_block)
        return eth_fail(err, ETH_EINVAL, "log range %llu..%llu is empty",
                        (unsigned long long)f->from_block, (unsigned long long)f->to_block);
    uint64_t span = net->span ? net->span : KMS_AUDIT_SPAN;
    size_t n = (size_t)((f->to_block - f->from_block) / span + 1);
    logs_ctx c = {.f = f, .span = span, .max = max_logs, .parts = calloc(n, sizeof *c.parts)};
    if (!c.parts)
        return eth_fail(err, ETH_ENOMEM, "out of memory (%zu ranges)", n);
    char what[96];
    snprintf(what, sizeof what, "reading events in blocks %llu..%llu",
             (unsigned long long)f->from_block, (unsigned long long)f->to_block);
    int rc = run_jobs(net, n, logs_job, &c, what, err);
    if (rc == 0)
        rc = merge(c.parts, n, max_logs, out, err);
    for (size_t i = 0; i < n; i++)
        eth_log_list_clear(&c.parts[i]);
    free(c.parts);
    return rc;
}

/* ---- batches ---- */

typedef struct batch_ctx {
    eth_rpc_req *reqs;
    size_t n;
} batch_ctx;

static int batch_job(void *ctx, eth_rpc *rpc, size_t job, eth_error *err)
{
    batch_ctx *c = ctx;
    size_t at = job * KMS_AUDIT_BATCH;
    size_t cnt = c->n - at < KMS_AUDIT_BATCH ? c->n - at : KMS_AUDIT_BATCH;
    return eth_rpc_batch(rpc, c->reqs + at, cnt, err);
}

/* Sends reqs[0..n) in batches on the workers; each request gets its rc, result and err as
 * eth_rpc_batch gives them. Returns 0 when every batch was answered. */
static int send_batches(const kms_audit_net *net, eth_rpc_req *reqs, size_t n, eth_error *err)
{
    batch_ctx c = {.reqs = reqs, .n = n};
    return run_jobs(net, (n + KMS_AUDIT_BATCH - 1) / KMS_AUDIT_BATCH, batch_job, &c, NULL, err);
}

/* One chunk of kms_audit_each: items [at, at + cnt). */
static int each_chunk(const kms_audit_net *net, const char *method, size_t at, size_t cnt,
                      kms_audit_make_fn make, kms_audit_take_fn take, void *ctx,
                      const char *what, eth_error *err)
{
    eth_rpc_req *reqs = calloc(cnt, sizeof *reqs);
    int rc = reqs ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory (%zu requests)", cnt);
    for (size_t i = 0; rc == 0 && i < cnt; i++) {
        reqs[i].method = method;
        reqs[i].params = make(ctx, at + i);
        if (!reqs[i].params)
            rc = eth_fail(err, ETH_ENOMEM, "out of memory building %s", method);
    }
    if (rc == 0)
        rc = send_batches(net, reqs, cnt, err);
    for (size_t i = 0; rc == 0 && i < cnt; i++) {
        if (reqs[i].rc) {
            *err = reqs[i].err;
            rc = eth_error_prefix(err, "%s: ", what);
        } else
            rc = take(ctx, at + i, reqs[i].result, err);
    }
    for (size_t i = 0; reqs && i < cnt; i++) {
        json_decref(reqs[i].params);
        json_decref(reqs[i].result);
    }
    free(reqs);
    return rc;
}

int kms_audit_each(const kms_audit_net *net, const char *method, size_t n, kms_audit_make_fn make,
                   kms_audit_take_fn take, void *ctx, const char *what, eth_error *err)
{
    for (size_t at = 0; at < n; at += EACH_CHUNK) {
        int rc = each_chunk(net, method, at, n - at < EACH_CHUNK ? n - at : EACH_CHUNK, make,
                            take, ctx, what, err);
        if (rc)
            return rc;
    }
    return 0;
}
