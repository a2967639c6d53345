/* policy_watch.c: policy changes and timelock schedules as they land. */
#include "policy_watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "eth/address.h"
#include "eth/rpc_eth.h"
#include "format.h"
#include "kms/audit_history.h"
#include "kms/call.h"
#include "kms/revert.h"
#include "policy_env.h"

/* Seconds between looks at the chain unless --interval says otherwise. */
#define DEFAULT_INTERVAL 2

static const cli_flag WATCH_FLAGS[] = {
    {"since", "BLOCK|DATE", "start at this block, or the first block at or after this UTC\n"
                            "date (default: the next block)", NULL, false},
    {"interval", "DUR", "look for new blocks every DUR (default 2s)", NULL, false},
    {"alert-unexpected", NULL, "stop with exit code 1 at a change that did not come through\n"
                               "the expected governance", NULL, false},
    {"max-changes", "N", "stop after N changes", NULL, false},
    CLI_FLAGS_END,
};

const cli_flag *const CLI_POLICY_WATCH_SETS[] = {WATCH_FLAGS, CLI_KMS_FLAGS, CLI_AUDIT_FLAGS,
                                                 CLI_CHAIN_FLAGS, NULL};

static const uint8_t ZERO[20];

/* Who is expected to change a contract. */
typedef struct expected {
    uint8_t contract[20];
    uint8_t who[20];
} expected;

typedef struct watcher {
    const cli_call *c;
    cli_audit_env e;
    kms_audit_targets t;
    expected *exp;
    size_t nexp;
    uint64_t next;    /* the first block not read yet */
    uint64_t changes; /* printed so far */
    uint64_t max;     /* --max-changes, 0: none */
} watcher;

/* ---- the expected governance ---- */

static int read_address(const watcher *w, const uint8_t at[20], const char *sig, uint64_t block,
                        uint8_t out[20], eth_error *err)
{
    char tag[ETH_BLOCK_TAG_MAX];
    kms_result r;
    int rc = kms_view(w->e.pe.chain.rpc, at, NULL, eth_block_tag(block, tag), sig, NULL, 0, &r,
                      err);
    if (rc == 0)
        rc = kms_result_address(&r, 0, out, err);
    kms_result_clear(&r);
    return rc;
}

/* Who should change contract as of block: the manifest's timelock for the KMS of a timelock
 * deployment; else its pending owner, if any, else its owner (read at block, or at the next
 * one for a contract made in the block after it). */
static int expect_at(const watcher *w, const uint8_t contract[20], uint64_t block, uint8_t who[20],
                     eth_error *err)
{
    const kms_manifest *m = &w->e.m;
    if (memcmp(contract, w->e.pe.contract, 20) == 0 && w->e.has_manifest &&
        m->settings.model != KMS_MODEL_DIRECT) {
        memcpy(who, m->timelock, 20);
        return 0;
    }
    int rc = read_address(w, contract, "pendingOwner()(address)", block, who, err);
    if (rc == -ETH_ESTATE) /* no code yet: the contract is made in the next block */
        rc = read_address(w, contract, "pendingOwner()(address)", ++block, who, err);
    if (rc == 0 && memcmp(who, ZERO, 20) == 0)
        rc = read_address(w, contract, "owner()(address)", block, who, err);
    return rc;
}

/* The expected controller of contract, computed the first time as of block. */
static const uint8_t *expected_for(watcher *w, const uint8_t contract[20], uint64_t block,
                                   eth_error *err)
{
    for (size_t i = 0; i < w->nexp; i++)
        if (memcmp(w->exp[i].contract, contract, 20) == 0)
            return w->exp[i].who;
    expected *grown = realloc(w->exp, (w->nexp + 1) * sizeof *grown);
    if (!grown) {
        eth_fail(err, ETH_ENOMEM, "out of memory");
        return NULL;
    }
    w->exp = grown;
    expected *x = &w->exp[w->nexp];
    memcpy(x->contract, contract, 20);
    if (expect_at(w, contract, block, x->who, err) != 0)
        return NULL;
    return w->exp[w->nexp++].who;
}

/* True if c did not come through who: registrations (anyone may) and an app's initial values
 * (set by the KMS's factory) never count. */
static bool unexpected(const watcher *w, const kms_audit_change *c, const uint8_t who[20])
{
    if (memcmp(c->actor, w->e.pe.contract, 20) == 0 ||
        (c->policy && strcmp(c->policy, "registered-app") == 0))
        return false;
    return memcmp(c->kind == KMS_CHANGE_POLICY ? c->actor : c->new_owner, who, 20) != 0;
}

/* ---- one look at the chain ---- */

static int alert(const kms_audit_change *c, const uint8_t who[20])
{
    char a[43], x[43], words[512];
    eth_address_checksum(c->kind == KMS_CHANGE_POLICY ? c->actor : c->new_owner, a);
    eth_address_checksum(who, x);
    kms_audit_change_words(c, words, sizeof words);
    return cli_fail("unexpected: %s (%s) came from %s, not through %s, the expected governance",
                    words, c->on_kms ? "DstackKms" : "an app", a, x);
}

/* What one look at blocks [from, to] found, printed in block order. */
typedef struct seen {
    kms_audit_history h;
    json_t *json;         /* h as JSON, with --json */
    kms_tl_ops *lists;    /* each timelock's operations with events in the range */
    size_t nlists;
    kms_audit_op *ops;    /* those scheduled in the range on the policy, by block */
    size_t nops;
    uint64_t now;         /* the time of the last block */
    cli_known known;
} seen;

static void seen_clear(seen *f)
{
    kms_audit_history_clear(&f->h);
    json_decref(f->json);
    for (size_t i = 0; i < f->nlists; i++)
        kms_tl_ops_clear(&f->lists[i]);
    free(f->lists);
    free(f->ops);
}

/* Prints change i of f, checking it against the expected governance when asked. Returns
 * CLI_OK, or an exit code to stop with. */
static int show_change(watcher *w, const seen *f, size_t i)
{
    eth_error err = {0};
    const kms_audit_change *c = &f->h.items[i];
    const uint8_t *who = expected_for(w, c->contract, c->block ? c->block - 1 : 0, &err);
    if (!who)
        return cli_fail_err(&err);
    int rc = CLI_OK;
    if (f->json)
        rc = cli_print_json(json_pack("{s:O}", "change", json_array_get(f->json, i)));
    else
        cli_policy_print_change(&f->h, i);
    fflush(stdout);
    w->changes++;
    if (rc == CLI_OK && cli_given(w->c, "alert-unexpected") && unexpected(w, c, who))
        rc = alert(c, who);
    return rc;
}

static int show_op(const watcher *w, const seen *f, const kms_audit_op *a)
{
    if (w->c->json)
        return cli_print_json(json_pack("{s:o}", "scheduled", kms_audit_op_json(a)));
    char when[32];
    printf("%s  block %llu  scheduled: ", cli_utc(a->ready_at - a->op->delay, false, when),
           (unsigned long long)a->op->scheduled_block);
    cli_policy_print_op(a, f->now, &f->known);
    fflush(stdout);
    return CLI_OK;
}

/* The block time of block (0 when the node does not say). */
static uint64_t block_time(const watcher *w, uint64_t block)
{
    char tag[ETH_BLOCK_TAG_MAX];
    eth_block b;
    bool found = false;
    eth_error ignored;
    if (eth_rpc_get_block(w->e.pe.chain.rpc, eth_block_tag(block, tag), &b, &found, &ignored) != 0)
        return 0;
    return found ? b.timestamp : 0;
}

/* Adds the operations on the policy that list (of timelock tl) scheduled from block from. */
static int add_scheduled(const watcher *w, const uint8_t tl[20], const kms_tl_ops *list,
                         uint64_t from, seen *f)
{
    for (size_t i = 0; i < list->n; i++) {
        const kms_tl_op *op = &list->items[i];
        if (op->n == 0 || op->scheduled_block < from || !kms_audit_op_touches(&w->t, op))
            continue; /* executed or cancelled here, scheduled earlier; or not on the policy */
        kms_audit_op *grown = realloc(f->ops, (f->nops + 1) * sizeof *grown);
        if (!grown)
            return cli_fail("out of memory");
        f->ops = grown;
        grown[f->nops] = (kms_audit_op){.op = op, .state = KMS_OP_WAITING,
                                        .ready_at = block_time(w, op->scheduled_block) + op->delay};
        memcpy(grown[f->nops++].timelock, tl, 20);
    }
    return CLI_OK;
}

static int by_block(const void *a, const void *b)
{
    uint64_t x = ((const kms_audit_op *)a)->op->scheduled_block;
    uint64_t y = ((const kms_audit_op *)b)->op->scheduled_block;
    return x < y ? -1 : x > y;
}

/* Reads what blocks [from, to] hold: the changes, and the operations the timelocks scheduled. */
static int read_seen(watcher *w, uint64_t from, uint64_t to, seen *f)
{
    kms_audit_range r = {.from = from, .to = to, .origin = w->e.origin, .paths = true};
    eth_error err = {0};
    if (kms_audit_history_read(&w->e.net, w->e.pe.contract, &r, &f->h, &err) != 0)
        return cli_fail_err(&err);
    f->json = w->c->json ? kms_audit_history_json(&f->h) : NULL;
    f->lists = calloc(w->t.ntimelocks + 1, sizeof *f->lists);
    if ((w->c->json && !f->json) || !f->lists)
        return cli_fail("out of memory");
    int rc = CLI_OK;
    for (; rc == CLI_OK && f->nlists < w->t.ntimelocks; f->nlists++) {
        const uint8_t *tl = w->t.timelocks[f->nlists];
        if (kms_tl_ops_read(w->e.pe.chain.rpc, tl, from, to, &f->lists[f->nlists], &err) != 0)
            return cli_fail_err(&err);
        rc = add_scheduled(w, tl, &f->lists[f->nlists], from, f);
    }
    if (f->nops)
        qsort(f->ops, f->nops, sizeof *f->ops, by_block);
    f->now = block_time(w, to);
    cli_audit_known(&w->t, &f->known);
    return rc;
}

/* Prints what f holds in block order, until --max-changes. */
static int show_seen(watcher *w, const seen *f)
{
    int rc = CLI_OK;
    size_t i = 0, j = 0;
    while (rc == CLI_OK && (i < f->h.n || j < f->nops) && (!w->max || w->changes < w->max)) {
        if (j < f->nops && (i == f->h.n || f->ops[j].op->scheduled_block < f->h.items[i].block))
            rc = show_op(w, f, &f->ops[j++]);
        else
            rc = show_change(w, f, i++);
    }
    return rc;
}

static bool registers_apps(const kms_audit_history *h)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->items[i].policy && strcmp(h->items[i].policy, "registered-app") == 0)
            return true;
    return false;
}

/* Reads and prints what blocks [w->next, head] hold. */
static int look(watcher *w, uint64_t head)
{
    seen f = {0};
    int rc = read_seen(w, w->next, head, &f);
    if (rc == CLI_OK)
        rc = show_seen(w, &f);
    eth_error err = {0};
    if (rc == CLI_OK && registers_apps(&f.h)) {
        kms_audit_targets_clear(&w->t);
        if (kms_audit_targets_read(&w->e.net, w->e.pe.contract, w->e.origin, head, &w->t, &err))
            rc = cli_fail_err(&err);
    }
    w->next = head + 1;
    seen_clear(&f);
    return rc;
}

static int follow(watcher *w, uint64_t interval)
{
    int rc = CLI_OK;
    while (rc == CLI_OK && (!w->max || w->changes < w->max)) {
        uint64_t head = 0;
        eth_error err = {0};
        if (eth_rpc_block_number(w->e.pe.chain.rpc, &head, &err) != 0)
            return cli_fail_err(&err);
        if (head >= w->next)
            rc = look(w, head);
        struct timespec ts = {.tv_sec = (time_t)interval};
        if (rc == CLI_OK && (!w->max || w->changes < w->max))
            nanosleep(&ts, NULL);
    }
    return rc;
}

static int start(watcher *w, uint64_t *interval)
{
    const cli_call *c = w->c;
    const char *iv = cli_opt(c, "interval"), *max = cli_opt(c, "max-changes");
    *interval = DEFAULT_INTERVAL;
    if (iv && (cli_parse_duration(iv, interval) != 0 || *interval == 0 || *interval > 3600))
        return cli_usage(c, "--interval: expected a duration from 1s to 1h");
    if (max && (cli_parse_uint(max, UINT64_MAX, &w->max) != 0 || w->max == 0))
        return cli_usage(c, "--max-changes: expected a number from 1");
    int rc = cli_audit_open(c, &w->e);
    w->e.net.progress.fn = NULL; /* the changes are the progress */
    w->next = w->e.head + 1;
    if (rc == CLI_OK && cli_given(c, "since"))
        rc = cli_audit_point(c, &w->e, "since", true, &w->next);
    eth_error err = {0};
    if (rc == CLI_OK &&
        (kms_audit_targets_read(&w->e.net, w->e.pe.contract, w->e.origin, w->e.head, &w->t,
                                &err) != 0 ||
         !expected_for(w, w->e.pe.contract, w->next - 1, &err)))
        rc = cli_fail_err(&err);
    char a[43];
    eth_address_checksum(w->e.pe.contract, a);
    if (rc == CLI_OK)
        fprintf(stderr, "kmsctl: watching DstackKms %s from block %llu (every %llu s)\n", a,
                (unsigned long long)w->next, (unsigned long long)*interval);
    return rc;
}

int cli_policy_watch(cli_call *c)
{
    watcher w = {.c = c};
    uint64_t interval = 0;
    int rc = start(&w, &interval);
    if (rc == CLI_OK)
        rc = follow(&w, interval);
    free(w.exp);
    kms_audit_targets_clear(&w.t);
    cli_audit_close(&w.e);
    return rc;
}
