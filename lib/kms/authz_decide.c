/* authz_decide.c: one decision: which providers to ask at which block, asking several at once
 * (one helper thread per further provider), failover in order, the quorum's tally, and the
 * fail-closed answer whenever the contract's own (bool, string) cannot be had. */
#include "internal/authz_shared.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "eth/text.h"

/* ---- helper threads ---- */

static void *lane_main(void *arg)
{
    kms_authz_lane *l = arg;
    pthread_mutex_lock(&l->mu);
    for (;;) {
        while (!l->job && !l->stop)
            pthread_cond_wait(&l->cv, &l->mu);
        if (l->stop)
            break;
        const kms_authz_plan *job = l->job;
        const kms_authz_extras *cached = l->cached;
        pthread_mutex_unlock(&l->mu);
        kms_authz_ask(l->a, l->i, job, cached);
        pthread_mutex_lock(&l->mu);
        l->job = NULL;
        pthread_cond_broadcast(&l->cv);
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

int kms_authz_lanes_start(kms_authz *a, eth_error *err)
{
    for (size_t i = 1; i < a->s->cfg.nurls; i++) {
        kms_authz_lane *l = &a->lanes[i];
        if (l->started)
            continue;
        l->a = a;
        l->i = i;
        pthread_mutex_init(&l->mu, NULL);
        pthread_cond_init(&l->cv, NULL);
        if (pthread_create(&l->thread, NULL, lane_main, l) != 0) {
            pthread_cond_destroy(&l->cv);
            pthread_mutex_destroy(&l->mu);
            return eth_fail(err, ETH_ERPC, "cannot start a thread for provider %zu", i + 1);
        }
        l->started = true;
    }
    return 0;
}

void kms_authz_lanes_stop(kms_authz *a)
{
    for (size_t i = 0; i < KMS_AUTHZ_MAX_PROVIDERS; i++) {
        kms_authz_lane *l = &a->lanes[i];
        if (!l->started)
            continue;
        pthread_mutex_lock(&l->mu);
        l->stop = true;
        pthread_cond_broadcast(&l->cv);
        pthread_mutex_unlock(&l->mu);
        pthread_join(l->thread, NULL);
        pthread_cond_destroy(&l->cv);
        pthread_mutex_destroy(&l->mu);
        l->started = false;
    }
}

void kms_authz_ask_all(kms_authz *a, const size_t *asked, size_t n, const kms_authz_plan *plan,
                   const kms_authz_extras *cached, const bool *has_cached)
{
    for (size_t k = 1; k < n; k++) {
        kms_authz_lane *l = &a->lanes[asked[k]];
        pthread_mutex_lock(&l->mu);
        l->cached = has_cached[k] ? &cached[k] : NULL;
        l->job = plan;
        pthread_cond_broadcast(&l->cv);
        pthread_mutex_unlock(&l->mu);
    }
    kms_authz_ask(a, asked[0], plan, has_cached[0] ? &cached[0] : NULL);
    for (size_t k = 1; k < n; k++) {
        kms_authz_lane *l = &a->lanes[asked[k]];
        pthread_mutex_lock(&l->mu);
        while (l->job)
            pthread_cond_wait(&l->cv, &l->mu);
        pthread_mutex_unlock(&l->mu);
    }
}

/* ---- answers ---- */

ETH_PRINTF(2, 3)
static void fail_closed(kms_authz_answer *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->why, sizeof out->why, fmt, ap);
    va_end(ap);
    out->available = false;
    out->allowed = false;
    out->reason[0] = out->gateway[0] = '\0';
}

/* The answer from provider outcome o: the contract's (bool, string), or closed. */
static void finish(kms_authz_answer *out, const kms_authz_outcome *o, const kms_authz_plan *plan)
{
    eth_error err;
    out->block = plan->block;
    if (kms_boot_result(o->ret.data, o->ret.len, &out->allowed, out->reason, sizeof out->reason,
                        &err) != 0) {
        fail_closed(out, "unexpected answer at block %llu: %s", (unsigned long long)plan->block,
                    err.msg);
        return;
    }
    out->available = true;
    memcpy(out->gateway, o->extras.gateway, sizeof out->gateway);
    if (plan->app && out->allowed && !o->code_ok) {
        out->allowed = false;
        snprintf(out->reason, sizeof out->reason, "%s", KMS_AUTHZ_REASON_APP_CODE);
    }
}

/* Appends "; WHO: WHAT" to buf[0..cap). */
static void note(char *buf, size_t cap, const char *who, const char *what)
{
    size_t n = strlen(buf);
    if (n < cap)
        snprintf(buf + n, cap - n, "%s%s: %s", n ? "; " : "", who, what);
}

static uint64_t now_s(void)
{
    return (uint64_t)time(NULL);
}

/* ---- failover: in order, the first usable provider that answers decides ---- */

static void decide_failover(kms_authz *a, kms_authz_plan *plan, kms_authz_answer *out)
{
    kms_authz_shared *s = a->s;
    char tried[sizeof out->why] = "";
    for (size_t i = 0; i < s->cfg.nurls; i++) {
        kms_authz_extras cached;
        const char *why = NULL;
        pthread_mutex_lock(&s->mu);
        bool usable = kms_authz_usable(s, i, now_s(), &why);
        plan->block = s->p[i].pinned;
        bool has = usable && kms_authz_cached(s, i, plan->block, &cached);
        pthread_mutex_unlock(&s->mu);
        if (!usable) {
            note(tried, sizeof tried, s->p[i].shown, why);
            continue;
        }
        kms_authz_ask(a, i, plan, has ? &cached : NULL);
        const kms_authz_outcome *o = &a->out[i];
        if (o->rc == 0) {
            finish(out, o, plan);
            return;
        }
        kms_authz_failed(s, i, !o->node_answered);
        note(tried, sizeof tried, s->p[i].shown, o->err.msg);
        if (o->rc == -ETH_EREVERT)
            break; /* the state says so: another provider would only repeat it */
    }
    fail_closed(out, "%s", tried);
}

/* ---- quorum: K byte-identical answers at one block ---- */

/* One provider's answer in a few words, for the disagreement log. */
static void summary(const kms_authz_outcome *o, const kms_authz_plan *plan, char *buf, size_t cap)
{
    bool allowed = false;
    char reason[96], gw[ETH_CLIP_BUF], shown[ETH_CLIP_BUF];
    eth_error err;
    if (o->rc)
        snprintf(buf, cap, "error (%s)", eth_text_clipz(o->err.msg, shown));
    else if (kms_boot_result(o->ret.data, o->ret.len, &allowed, reason, sizeof reason, &err))
        snprintf(buf, cap, "an answer that is not (bool, string)");
    else
        snprintf(buf, cap, "(%s, \"%s\") gateway \"%s\"%s", allowed ? "true" : "false",
                 eth_text_clipz(reason, shown), eth_text_clipz(o->extras.gateway, gw),
                 plan->app ? (o->code_ok ? " code ok" : " code not a proxy") : "");
}

static size_t votes(const kms_authz *a, const size_t *asked, size_t n, size_t x)
{
    size_t v = 0;
    for (size_t k = 0; k < n; k++)
        v += a->out[asked[k]].rc == 0 &&
             memcmp(a->out[asked[k]].digest, a->out[x].digest, 32) == 0;
    return v;
}

static void tally(kms_authz *a, const size_t *asked, size_t n, const kms_authz_plan *plan,
                  kms_authz_answer *out)
{
    kms_authz_shared *s = a->s;
    size_t winner = SIZE_MAX, winners = 0, top = 0, top_votes = 0;
    for (size_t k = 0; k < n; k++) {
        const kms_authz_outcome *o = &a->out[asked[k]];
        if (o->rc) {
            kms_authz_failed(s, asked[k], !o->node_answered);
            continue;
        }
        size_t v = votes(a, asked, n, asked[k]);
        if (v > top_votes) {
            top_votes = v;
            top = asked[k];
        }
        if (v >= s->cfg.quorum &&
            (winner == SIZE_MAX || memcmp(a->out[winner].digest, o->digest, 32) != 0)) {
            winners++;
            winner = asked[k];
        }
    }
    for (size_t k = 0; k < n; k++) {
        const kms_authz_outcome *o = &a->out[asked[k]];
        out->disagreements += o->rc == 0 && top_votes && memcmp(o->digest, a->out[top].digest, 32);
    }
    for (size_t k = 0; out->disagreements && k < n; k++) {
        char what[300];
        summary(&a->out[asked[k]], plan, what, sizeof what);
        note(out->disagreement, sizeof out->disagreement, s->p[asked[k]].shown, what);
    }
    if (winners == 1)
        finish(out, &a->out[winner], plan);
    else
        fail_closed(out, "no quorum at block %llu: %zu of %zu providers agree, %u needed",
                    (unsigned long long)plan->block, top_votes, n, s->cfg.quorum);
}

static void decide_quorum(kms_authz *a, kms_authz_plan *plan, kms_authz_answer *out)
{
    kms_authz_shared *s = a->s;
    size_t cand[KMS_AUTHZ_MAX_PROVIDERS], asked[KMS_AUTHZ_MAX_PROVIDERS], nc = 0, na = 0;
    uint64_t pins[KMS_AUTHZ_MAX_PROVIDERS];
    kms_authz_extras cached[KMS_AUTHZ_MAX_PROVIDERS];
    bool has[KMS_AUTHZ_MAX_PROVIDERS];
    char unusable[sizeof out->why] = "";
    eth_error err;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->cfg.nurls; i++) {
        const char *why = NULL;
        if (kms_authz_usable(s, i, now_s(), &why))
            cand[nc++] = i;
        else
            note(unusable, sizeof unusable, s->p[i].shown, why);
    }
    for (size_t k = 0; k < nc; k++) { /* pins: the candidates' pinned blocks, descending */
        size_t j = k;
        for (; j > 0 && pins[j - 1] < s->p[cand[k]].pinned; j--)
            pins[j] = pins[j - 1];
        pins[j] = s->p[cand[k]].pinned;
    }
    plan->block = nc >= s->cfg.quorum ? pins[s->cfg.quorum - 1] : 0;
    for (size_t k = 0; nc >= s->cfg.quorum && k < nc; k++)
        if (s->p[cand[k]].pinned >= plan->block) {
            has[na] = kms_authz_cached(s, cand[k], plan->block, &cached[na]);
            asked[na++] = cand[k];
        }
    pthread_mutex_unlock(&s->mu);
    if (nc < s->cfg.quorum)
        fail_closed(out, "only %zu usable providers, quorum %u (%s)", nc, s->cfg.quorum, unusable);
    else if (kms_authz_lanes_start(a, &err) != 0)
        fail_closed(out, "%s", err.msg);
    else {
        kms_authz_ask_all(a, asked, na, plan, cached, has);
        tally(a, asked, na, plan, out);
    }
}

void kms_authz_decide(kms_authz *a, const kms_boot_info *b, bool kms, kms_authz_answer *out)
{
    memset(out, 0, sizeof *out);
    eth_buf data = {0};
    eth_error err;
    struct timespec t0, t1;
    if (kms_boot_calldata(b, kms, &data, &err) != 0) {
        fail_closed(out, "cannot encode the call: %s", err.msg);
        return;
    }
    kms_authz_plan plan = {.calldata = data.data, .calldata_len = data.len,
                       .app = !kms && a->s->cfg.verify_app_code ? b->app_id : NULL};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (a->s->cfg.mode == KMS_AUTHZ_QUORUM)
        decide_quorum(a, &plan, out);
    else
        decide_failover(a, &plan, out);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->upstream_ms =
        (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    eth_buf_clear(&data);
}
