/* policy_env.c: opening a policy audit, and BLOCK|DATE values. */
#include "policy_env.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "eth/rpc_eth.h"
#include "eth/text.h"
#include "kms/audit_history.h"

/* The manifest kms commands read when neither --kms nor --manifest is given. */
#define DEFAULT_MANIFEST "kmsctl-deployment.json"
/* Parallel readers unless --threads says otherwise. */
#define DEFAULT_THREADS 4

const cli_flag CLI_AUDIT_FLAGS[] = {
    {"from-block", "N", "read events from block N (default: the manifest's first block, else 0)",
     NULL, false},
    {"threads", "N", "read events over N ranges in parallel, each on its own connection\n"
                     "(1-16, default 4)", NULL, false},
    {"range", "N", "blocks per range read in parallel (default 20000; a range the node\n"
                   "refuses is split until it answers)", NULL, false},
    CLI_FLAGS_END,
};

/* The manifest given, or the default one when neither --kms nor --manifest is given. */
static int load_manifest(const cli_call *c, cli_audit_env *e)
{
    const char *path = cli_opt(c, "manifest");
    FILE *f = path || cli_opt(c, "kms") ? NULL : fopen(DEFAULT_MANIFEST, "r");
    if (f) {
        fclose(f);
        path = DEFAULT_MANIFEST;
    }
    eth_error err = {0};
    if (!path)
        return CLI_OK;
    if (kms_manifest_load(path, &e->m, &err) != 0)
        return cli_fail_err(&err);
    e->has_manifest = true;
    return CLI_OK;
}

int cli_audit_open(const cli_call *c, cli_audit_env *e)
{
    memset(e, 0, sizeof *e);
    uint64_t threads = DEFAULT_THREADS, span = KMS_AUDIT_SPAN;
    const char *t = cli_opt(c, "threads"), *from = cli_opt(c, "from-block");
    const char *range = cli_opt(c, "range");
    if (t && (cli_parse_uint(t, KMS_AUDIT_MAX_THREADS, &threads) != 0 || threads == 0))
        return cli_usage(c, "--threads: expected 1 to %d", KMS_AUDIT_MAX_THREADS);
    if (range && (cli_parse_uint(range, UINT64_MAX, &span) != 0 || span == 0))
        return cli_usage(c, "--range: expected a number of blocks from 1");
    if (from && cli_parse_uint(from, UINT64_MAX, &e->origin) != 0)
        return cli_usage(c, "--from-block: expected a block number");
    int rc = cli_policy_open(c, KMS_ON_KMS, &e->pe);
    if (rc == CLI_OK)
        rc = load_manifest(c, e);
    if (rc != CLI_OK)
        return rc;
    if (e->has_manifest && e->m.chain_id != e->pe.chain.chain_id) /* its addresses mean nothing */
        return cli_fail("the manifest is for chain %llu, but the node at %s is on chain %llu: "
                        "check --rpc-url", (unsigned long long)e->m.chain_id,
                        e->pe.chain.url_shown, (unsigned long long)e->pe.chain.chain_id);
    if (!from && e->has_manifest)
        e->origin = e->m.first_block;
    eth_error err = {0};
    if (eth_rpc_block_number(e->pe.chain.rpc, &e->head, &err) != 0)
        return cli_fail_err(&err);
    if (e->origin > e->head)
        return cli_usage(c, "--from-block %llu: the chain has %llu blocks",
                         (unsigned long long)e->origin, (unsigned long long)e->head + 1);
    e->net = (kms_audit_net){.rpc = e->pe.chain.rpc, .url = e->pe.chain.url,
                             .opts = &e->pe.chain.opts, .threads = (unsigned)threads, .span = span,
                             .progress = cli_policy_progress(&e->line)};
    return CLI_OK;
}

void cli_audit_close(cli_audit_env *e)
{
    cli_policy_progress_end(&e->line);
    if (e->has_manifest)
        kms_manifest_clear(&e->m);
    e->has_manifest = false;
    cli_policy_close(&e->pe);
}

/* Reads n digits of s at *at into *v. */
static bool digits(const char *s, size_t *at, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++, (*at)++) {
        if (s[*at] < '0' || s[*at] > '9')
            return false;
        *v = *v * 10 + (s[*at] - '0');
    }
    return true;
}

/* Parses "YYYY-MM-DD[( |T)HH:MM[:SS]][Z]" (UTC) into unix time. */
static bool parse_date(const char *s, uint64_t *t)
{
    int f[6] = {0}; /* year, month, day, hour, minute, second */
    size_t at = 0;
    bool ok = digits(s, &at, 4, &f[0]) && s[at++] == '-' && digits(s, &at, 2, &f[1]) &&
              s[at++] == '-' && digits(s, &at, 2, &f[2]);
    if (ok && (s[at] == ' ' || s[at] == 'T')) {
        at++;
        ok = digits(s, &at, 2, &f[3]) && s[at++] == ':' && digits(s, &at, 2, &f[4]);
        if (ok && s[at] == ':') {
            at++;
            ok = digits(s, &at, 2, &f[5]);
        }
    }
    at += ok && s[at] == 'Z';
    if (!ok || s[at] || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
        f[4] > 59 || f[5] > 60 || f[0] < 1970)
        return false;
    struct tm tm = {.tm_year = f[0] - 1900, .tm_mon = f[1] - 1, .tm_mday = f[2],
                    .tm_hour = f[3], .tm_min = f[4], .tm_sec = f[5]};
    time_t v = timegm(&tm);
    *t = (uint64_t)v;
    return v >= 0;
}

int cli_audit_point(const cli_call *c, const cli_audit_env *e, const char *flag, bool after,
                    uint64_t *block)
{
    const char *v = cli_opt(c, flag);
    uint64_t t = 0;
    char shown[ETH_CLIP_BUF];
    if (cli_parse_uint(v, UINT64_MAX, block) == 0) {
        if (*block > e->head)
            return cli_usage(c, "--%s %s: the latest block is %llu", flag, v,
                             (unsigned long long)e->head);
        return CLI_OK;
    }
    if (!parse_date(v, &t))
        return cli_usage(c, "--%s '%s': expected a block number or a UTC date (2025-01-31, "
                            "2025-01-31 12:00, 2025-01-31T12:00:00Z)",
                         flag, eth_text_clipz(v, shown));
    eth_error err = {0};
    if (kms_audit_block_at(e->pe.chain.rpc, t, after, block, &err) != 0)
        return cli_fail("--%s %s: %s", flag, eth_text_clipz(v, shown), err.msg);
    return CLI_OK;
}

void cli_audit_known(const kms_audit_targets *t, cli_known *k)
{
    k->n = 0;
    cli_known_add(k, t->contracts[0], "DstackKms", "DstackKms");
    for (size_t i = 0; i < t->ntimelocks; i++)
        cli_known_add(k, t->timelocks[i], "the timelock", "TimelockController");
    for (size_t i = 1; i < t->ncontracts; i++)
        cli_known_add(k, t->contracts[i], "app", "DstackApp");
}
