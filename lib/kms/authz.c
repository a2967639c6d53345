/* authz.c: the providers' shared state and the tracker that keeps it current (heads, pinned
 * blocks, the extras cached per pinned block, health and chain checks). */
#include "internal/authz_shared.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call.h"
#include "eth/rpc_eth.h"
#include "eth/text.h"

static const char *const TAGS[] = {"latest", "safe", "finalized"};

/* ---- the shared state ---- */

static int check_config(const kms_authz_config *c, eth_error *err)
{
    if (c->nurls < 1 || c->nurls > KMS_AUTHZ_MAX_PROVIDERS)
        return eth_fail(err, ETH_EINVAL, "give 1 to %d RPC URLs (got %zu)",
                        KMS_AUTHZ_MAX_PROVIDERS, c->nurls);
    if (c->mode == KMS_AUTHZ_QUORUM && (c->quorum < 1 || c->quorum > c->nurls))
        return eth_fail(err, ETH_EINVAL, "quorum %u: expected 1 to %zu (the number of RPC URLs)",
                        c->quorum, c->nurls);
    if (c->timeout_ms <= 0 || (unsigned)c->tag > KMS_AUTHZ_FINALIZED)
        return eth_fail(err, ETH_EINVAL, "a timeout above 0 and a block tag are needed");
    for (size_t i = 0; i < c->nurls; i++) {
        if (!c->urls[i] || (strncmp(c->urls[i], "http://", 7) != 0 &&
                            strncmp(c->urls[i], "https://", 8) != 0)) {
            char shown[128];
            eth_rpc_url_strip(c->urls[i] ? c->urls[i] : "", shown, sizeof shown);
            return eth_fail(err, ETH_EINVAL, "RPC URL %s: expected http:// or https://", shown);
        }
    }
    return 0;
}

static int selectors(kms_authz_shared *s, eth_error *err)
{
    eth_buf g = {0}, m = {0};
    int rc = kms_calldata("gatewayAppId()", NULL, 0, &g, err);
    if (rc == 0)
        rc = kms_calldata("appImplementation()", NULL, 0, &m, err);
    if (rc == 0) {
        memcpy(s->sel_gateway, g.data, 4);
        memcpy(s->sel_impl, m.data, 4);
    }
    eth_buf_clear(&g);
    eth_buf_clear(&m);
    return rc;
}

int kms_authz_shared_new(const kms_authz_config *cfg, kms_authz_shared **out, eth_error *err)
{
    *out = NULL;
    int rc = check_config(cfg, err);
    if (rc)
        return rc;
    kms_authz_shared *s = calloc(1, sizeof *s);
    if (!s)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    s->cfg = *cfg;
    s->chain_id = cfg->chain_id;
    pthread_mutex_init(&s->mu, NULL);
    rc = selectors(s, err);
    for (size_t i = 0; rc == 0 && i < cfg->nurls; i++) {
        s->p[i].url = strdup(cfg->urls[i]);
        if (!s->p[i].url)
            rc = eth_fail(err, ETH_ENOMEM, "out of memory");
        else
            eth_rpc_url_strip(cfg->urls[i], s->p[i].shown, sizeof s->p[i].shown);
        s->cfg.urls[i] = s->p[i].url;
    }
    if (rc) {
        kms_authz_shared_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void kms_authz_shared_free(kms_authz_shared *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < KMS_AUTHZ_MAX_PROVIDERS; i++)
        free(s->p[i].url);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int kms_authz_open(kms_authz_shared *s, kms_authz **out, eth_error *err)
{
    *out = NULL;
    kms_authz *a = calloc(1, sizeof *a);
    if (!a)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    a->s = s;
    eth_rpc_opts o;
    eth_rpc_opts_default(&o);
    o.timeout_ms = s->cfg.timeout_ms;
    o.connect_timeout_ms = s->cfg.timeout_ms;
    o.retries = 0; /* fail closed at once: the next provider, or the next poll, is the retry */
    o.max_reply = 4u << 20;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < s->cfg.nurls; i++) {
        a->out[i].ret.limit = 1u << 20;
        rc = eth_rpc_open(s->p[i].url, &o, &a->rpc[i], err);
    }
    if (rc) {
        kms_authz_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

void kms_authz_free(kms_authz *a)
{
    if (!a)
        return;
    kms_authz_lanes_stop(a);
    for (size_t i = 0; i < KMS_AUTHZ_MAX_PROVIDERS; i++) {
        eth_rpc_free(a->rpc[i]);
        eth_buf_clear(&a->out[i].ret);
    }
    free(a);
}

/* ---- what workers read ---- */

bool kms_authz_cached(const kms_authz_shared *s, size_t i, uint64_t block, kms_authz_extras *out)
{
    for (size_t k = 0; k < KMS_AUTHZ_RING; k++) {
        const kms_authz_extras *e = &s->p[i].ring[k];
        if (e->valid && e->block == block) {
            *out = *e;
            return true;
        }
    }
    return false;
}

void kms_authz_failed(kms_authz_shared *s, size_t i, bool down)
{
    pthread_mutex_lock(&s->mu);
    if (down)
        s->p[i].up = false;
    s->p[i].errors++;
    pthread_mutex_unlock(&s->mu);
}

bool kms_authz_usable(const kms_authz_shared *s, size_t i, uint64_t now, const char **why)
{
    const kms_authz_node *p = &s->p[i];
    const char *w = p->wrong_chain ? "on another chain"
                    : !p->up       ? (p->has_head ? "down" : "not answered yet")
                    : s->cfg.max_head_age && now > p->head_time &&
                            now - p->head_time > s->cfg.max_head_age
                        ? "stale (its newest block is too old)"
                        : NULL;
    if (why)
        *why = w;
    return w == NULL;
}

/* ---- the tracker ---- */

/* Reads the chain id of provider i and checks it against the expected (or first learned) one;
 * says when it moves to another chain and when it is back. */
static int check_chain(kms_authz *a, size_t i, const kms_progress *notes, eth_error *err)
{
    kms_authz_shared *s = a->s;
    uint64_t id = 0;
    int rc = eth_rpc_chain_id(a->rpc[i], &id, err);
    if (rc)
        return rc;
    pthread_mutex_lock(&s->mu);
    if (s->chain_id == 0)
        s->chain_id = id;
    bool wrong = id != s->chain_id, was_wrong = s->p[i].wrong_chain;
    uint64_t want = s->chain_id;
    s->p[i].wrong_chain = wrong;
    pthread_mutex_unlock(&s->mu);
    if (wrong && !was_wrong)
        kms_progress_say(notes, "provider %s is on chain %llu, not %llu: not used while it is",
                         s->p[i].shown, (unsigned long long)id, (unsigned long long)want);
    else if (was_wrong && !wrong)
        kms_progress_say(notes, "provider %s is on chain %llu again", s->p[i].shown,
                         (unsigned long long)want);
    return wrong ? eth_fail(err, ETH_ESTATE, "on chain %llu", (unsigned long long)id) : 0;
}

/* The newest block of provider i (*head) and the number of the block the decisions are read at
 * (*pinned). */
static int read_heads(kms_authz *a, size_t i, eth_block *head, uint64_t *pinned, eth_error *err)
{
    const kms_authz_config *c = &a->s->cfg;
    eth_block tagged;
    bool found = false;
    int rc = eth_rpc_get_block(a->rpc[i], "latest", head, &found, err);
    if (rc == 0 && !found)
        rc = eth_fail(err, ETH_ERPC, "no latest block");
    tagged = *head;
    if (rc == 0 && c->tag != KMS_AUTHZ_LATEST &&
        (rc = eth_rpc_get_block(a->rpc[i], TAGS[c->tag], &tagged, &found, err)) == 0 && !found)
        rc = eth_fail(err, ETH_ERPC, "the node has no %s block", TAGS[c->tag]);
    *pinned = tagged.number > c->confirmations ? tagged.number - c->confirmations : 0;
    return rc;
}

/* Publishes a successful poll of provider i; says when it came back. */
static void publish(kms_authz_shared *s, size_t i, const eth_block *head, uint64_t pinned,
                    const kms_authz_extras *fresh, const kms_progress *notes)
{
    kms_authz_node *p = &s->p[i];
    pthread_mutex_lock(&s->mu);
    bool back = p->said_down || !p->has_head;
    p->said_down = false;
    if (fresh) {
        for (size_t k = 0; k < KMS_AUTHZ_RING; k++) /* a reorg: the same number, read again */
            p->ring[k].valid = p->ring[k].valid && p->ring[k].block != fresh->block;
        p->ring[p->ring_next] = *fresh;
        p->ring_next = (p->ring_next + 1) % KMS_AUTHZ_RING;
    }
    p->up = true;
    p->has_head = true;
    p->head = head->number;
    p->head_time = head->timestamp;
    memcpy(p->head_hash, head->hash, 32);
    p->pinned = pinned;
    pthread_mutex_unlock(&s->mu);
    if (back)
        kms_progress_say(notes, "provider %s answers: block %llu, decisions at block %llu",
                         p->shown, (unsigned long long)head->number, (unsigned long long)pinned);
}

/* One poll of provider i. */
static bool poll_one(kms_authz *a, size_t i, const kms_progress *notes)
{
    kms_authz_shared *s = a->s;
    eth_error err = {0};
    eth_block head;
    uint64_t pinned = 0;
    bool moved = true;
    int rc = check_chain(a, i, notes, &err); /* at every poll: a node may change chains */
    if (rc == -ETH_ESTATE)
        return false;
    if (rc == 0)
        rc = read_heads(a, i, &head, &pinned, &err);
    kms_authz_extras cached;
    if (rc == 0) {
        pthread_mutex_lock(&s->mu);
        moved = memcmp(s->p[i].head_hash, head.hash, 32) != 0 ||
                !kms_authz_cached(s, i, pinned, &cached);
        pthread_mutex_unlock(&s->mu);
    }
    kms_authz_plan plan = {.block = pinned};
    if (rc == 0 && moved) {
        kms_authz_ask(a, i, &plan, NULL); /* extras only: read again at every new head (reorgs) */
        rc = a->out[i].rc;
        err = a->out[i].err;
    }
    if (rc == 0) {
        publish(s, i, &head, pinned, moved ? &a->out[i].extras : NULL, notes);
        return true;
    }
    kms_authz_failed(s, i, true);
    pthread_mutex_lock(&s->mu);
    bool say = !s->p[i].said_down;
    s->p[i].said_down = true;
    pthread_mutex_unlock(&s->mu);
    if (say)
        kms_progress_say(notes, "provider %s is down: %s", s->p[i].shown, err.msg);
    return false;
}

bool kms_authz_refresh_one(kms_authz *a, size_t i, const kms_progress *notes)
{
    if (!poll_one(a, i, notes))
        return false;
    pthread_mutex_lock(&a->s->mu);
    bool usable = kms_authz_usable(a->s, i, (uint64_t)time(NULL), NULL);
    pthread_mutex_unlock(&a->s->mu);
    return usable;
}

size_t kms_authz_refresh(kms_authz *a, const kms_progress *notes)
{
    size_t usable = 0;
    for (size_t i = 0; i < a->s->cfg.nurls; i++)
        usable += kms_authz_refresh_one(a, i, notes);
    return usable;
}

int kms_authz_check_chains(kms_authz_shared *s, eth_error *err)
{
    int rc = 0;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; rc == 0 && i < s->cfg.nurls; i++)
        if (s->p[i].wrong_chain)
            rc = eth_fail(err, ETH_ESTATE, "provider %s is not on chain %llu: check --rpc-url "
                                           "and ETH_CHAIN_ID",
                          s->p[i].shown, (unsigned long long)s->chain_id);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* ---- GET / and the metrics ---- */

int kms_authz_info_read(kms_authz *a, kms_authz_info *out, eth_error *err)
{
    kms_authz_shared *s = a->s;
    uint64_t now = (uint64_t)time(NULL);
    size_t i = 0;
    pthread_mutex_lock(&s->mu);
    while (i < s->cfg.nurls && !kms_authz_usable(s, i, now, NULL))
        i++;
    kms_authz_plan plan = {.block = i < s->cfg.nurls ? s->p[i].pinned : 0};
    out->chain_id = s->chain_id;
    pthread_mutex_unlock(&s->mu);
    if (i == s->cfg.nurls)
        return eth_fail(err, ETH_ESTATE, "no usable RPC provider");
    kms_authz_ask(a, i, &plan, NULL);
    if (a->out[i].rc) {
        *err = a->out[i].err;
        return a->out[i].rc;
    }
    memcpy(out->gateway, a->out[i].extras.gateway, sizeof out->gateway);
    memcpy(out->app_impl, a->out[i].extras.app_impl, 20);
    return 0;
}

size_t kms_authz_provider_count(const kms_authz_shared *s)
{
    return s->cfg.nurls;
}

void kms_authz_provider_get(kms_authz_shared *s, size_t i, kms_authz_provider *out)
{
    pthread_mutex_lock(&s->mu);
    const kms_authz_node *p = &s->p[i];
    memcpy(out->url, p->shown, sizeof out->url);
    out->usable = kms_authz_usable(s, i, (uint64_t)time(NULL), NULL);
    out->head = p->head;
    out->head_time = p->head_time;
    out->pinned = p->pinned;
    out->errors = p->errors;
    pthread_mutex_unlock(&s->mu);
}
