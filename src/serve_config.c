/* serve_config.c: kmsctl serve's flags and environment, as the reference service reads them
 * (ETH_RPC_URL, KMS_CONTRACT_ADDR, PORT, HOST; ETH_CHAIN_ID, ETH_FINALITY_CONFIRMATIONS of its
 * newer variant) with flags that win over them. */
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "eth/address.h"
#include "eth/rpc.h"
#include "eth/text.h"
#include "kms/manifest.h"

const cli_flag CMD_SERVE_FLAGS[] = {
    {"host", "HOST", "address to listen on (env HOST, default 127.0.0.1)", NULL, false},
    {"port", "PORT", "port to listen on (env PORT, default 8000; 0: any free port)", NULL, false},
    {"rpc-url", "URL", "a JSON-RPC provider (env ETH_RPC_URL, default\nhttp://localhost:8545)",
     NULL, true},
    {"rpc-mode", "MODE", "with several --rpc-url: failover (in order, the default)\n"
                         "or quorum (every provider at one block)", NULL, false},
    {"quorum", "K", "quorum mode: answers must agree byte for byte at K\n"
                    "providers (default: a majority)", NULL, false},
    {"kms", "ADDR", "the DstackKms proxy (env KMS_CONTRACT_ADDR)", NULL, false},
    {"manifest", "FILE", "instead of --kms: a deployment manifest (its proxy\nand chain id)",
     NULL, false},
    {"chain-id", "N", "refuse providers on another chain (env ETH_CHAIN_ID)", NULL, false},
    {"block-tag", "TAG", "read the policy at latest (default), safe or finalized", NULL, false},
    {"confirmations", "N", "read the policy N blocks below the newest (env\n"
                           "ETH_FINALITY_CONFIRMATIONS)", NULL, false},
    {"max-head-age", "DUR", "a provider whose newest block is older is stale:\n"
                            "fail closed (default: no limit)", NULL, false},
    {"timeout", "DUR", "one upstream round trip (default 5s; 500ms works)", NULL, false},
    {"max-body", "BYTES", "largest request body (default 1048576); above: 413", NULL, false},
    {"threads", "N", "HTTP worker threads, each with its own provider\n"
                     "connections (default 8)", NULL, false},
    {"request-timeout", "DUR", "a client must send its body within DUR (default\n"
                               "10s); slower: the connection is closed", NULL, false},
    {"head-poll", "DUR", "how often each provider's newest block is read\n(default 500ms)",
     NULL, false},
    {"verify-app-code", NULL, "also refuse an app that is not an ERC1967 proxy of\n"
                              "the KMS's appImplementation()", NULL, false},
    CLI_FLAGS_END,
};

/* The flag's value, else the environment variable's (when not empty), else NULL. */
static const char *setting(const cli_call *c, const char *flag, const char *env)
{
    const char *v = cli_opt(c, flag);
    if (!v && env) {
        v = getenv(env);
        v = v && *v ? v : NULL;
    }
    return v;
}

/* A duration in milliseconds: "500ms", or what cli_parse_duration reads (seconds). */
static int duration_ms(const char *text, long *out)
{
    size_t n = strlen(text);
    uint64_t v = 0;
    if (n > 2 && strcmp(text + n - 2, "ms") == 0) {
        char digits[24];
        if (n - 2 >= sizeof digits)
            return -1;
        memcpy(digits, text, n - 2);
        digits[n - 2] = '\0';
        if (cli_parse_uint(digits, 86400000u, &v) != 0)
            return -1;
        *out = (long)v;
        return 0;
    }
    if (cli_parse_duration(text, &v) != 0 || v > 86400u)
        return -1;
    *out = (long)v * 1000;
    return 0;
}

/* Reads duration flag name into *ms when given (at least min_ms). */
static int duration_flag(const cli_call *c, const char *name, long min_ms, long *ms)
{
    const char *v = cli_opt(c, name);
    char shown[ETH_CLIP_BUF];
    if (v && (duration_ms(v, ms) != 0 || *ms < min_ms))
        return cli_usage(c, "--%s '%s': expected a duration of at least %ld ms and at most a "
                            "day (500ms, 5s, 2m)", name, eth_text_clipz(v, shown), min_ms);
    return CLI_OK;
}

/* Reads a number setting (flag or env) from lo to hi into *out when given. */
static int number(const cli_call *c, const char *flag, const char *env, uint64_t lo, uint64_t hi,
                  uint64_t *out)
{
    const char *v = setting(c, flag, env);
    char shown[ETH_CLIP_BUF];
    if (v && (cli_parse_uint(v, hi, out) != 0 || *out < lo))
        return cli_usage(c, "%s%s '%s': expected a number from %llu to %llu",
                         cli_opt(c, flag) ? "--" : "env ", cli_opt(c, flag) ? flag : env,
                         eth_text_clipz(v, shown), (unsigned long long)lo,
                         (unsigned long long)hi);
    return CLI_OK;
}

static int urls(const cli_call *c, cmd_serve_config *out)
{
    char *const *given = NULL;
    size_t n = 0;
    kms_authz_config *a = &out->authz;
    cli_opt_all(c, "rpc-url", &given, &n);
    if (n > KMS_AUTHZ_MAX_PROVIDERS)
        return cli_usage(c, "at most %d --rpc-url", KMS_AUTHZ_MAX_PROVIDERS);
    for (size_t i = 0; i < n; i++)
        a->urls[i] = given[i];
    a->nurls = n;
    if (n == 0) {
        a->urls[0] = setting(c, "rpc-url", "ETH_RPC_URL");
        a->urls[0] = a->urls[0] ? a->urls[0] : "http://localhost:8545";
        a->nurls = 1;
    }
    for (size_t i = 0; i < a->nurls; i++) {
        if (strncmp(a->urls[i], "http://", 7) != 0 && strncmp(a->urls[i], "https://", 8) != 0) {
            char shown[128];
            eth_rpc_url_strip(a->urls[i], shown, sizeof shown);
            return cli_usage(c, "RPC URL %s: expected http:// or https://", shown);
        }
    }
    eth_rpc_url_strip(a->urls[0], out->rpc_shown, sizeof out->rpc_shown);
    return CLI_OK;
}

static int mode(const cli_call *c, cmd_serve_config *out)
{
    kms_authz_config *a = &out->authz;
    const char *m = cli_opt(c, "rpc-mode");
    uint64_t k = a->nurls / 2 + 1;
    a->mode = m && strcmp(m, "quorum") == 0 ? KMS_AUTHZ_QUORUM : KMS_AUTHZ_FAILOVER;
    if (m && strcmp(m, "quorum") != 0 && strcmp(m, "failover") != 0)
        return cli_usage(c, "--rpc-mode: expected failover or quorum");
    if (cli_given(c, "quorum") && a->mode != KMS_AUTHZ_QUORUM)
        return cli_usage(c, "--quorum needs --rpc-mode quorum");
    int rc = number(c, "quorum", NULL, 1, a->nurls, &k);
    a->quorum = (unsigned)k;
    return rc;
}

static int block(const cli_call *c, cmd_serve_config *out)
{
    static const char *const TAGS[] = {"latest", "safe", "finalized"};
    kms_authz_config *a = &out->authz;
    const char *t = cli_opt(c, "block-tag");
    size_t i = 0;
    while (t && i < 3 && strcmp(t, TAGS[i]) != 0)
        i++;
    if (i == 3)
        return cli_usage(c, "--block-tag: expected latest, safe or finalized");
    a->tag = (kms_authz_tag)i;
    int rc = number(c, "confirmations", "ETH_FINALITY_CONFIRMATIONS", 0, 100000,
                    &a->confirmations);
    if (rc == CLI_OK && a->confirmations && a->tag != KMS_AUTHZ_LATEST)
        return cli_usage(c, "--confirmations counts back from the newest block: leave out "
                            "--block-tag %s", TAGS[i]);
    long age_ms = 0;
    if (rc == CLI_OK)
        rc = duration_flag(c, "max-head-age", 1000, &age_ms);
    a->max_head_age = (uint64_t)age_ms / 1000;
    return rc;
}

/* --kms, else --manifest, else KMS_CONTRACT_ADDR; the chain id from --chain-id or
 * ETH_CHAIN_ID, else the manifest's. */
static int contract(const cli_call *c, cmd_serve_config *out)
{
    kms_authz_config *a = &out->authz;
    eth_error err = {0};
    const char *addr = setting(c, "kms", NULL), *path = cli_opt(c, "manifest");
    if (addr && path)
        return cli_usage(c, "give --kms or --manifest, not both");
    addr = addr ? addr : path ? NULL : setting(c, "kms", "KMS_CONTRACT_ADDR");
    int rc = number(c, "chain-id", "ETH_CHAIN_ID", 1, UINT64_MAX, &a->chain_id);
    if (rc != CLI_OK)
        return rc;
    if (addr)
        return eth_address_parse(addr, a->kms, 1, &err) == 0
                   ? CLI_OK
                   : cli_usage(c, "%s: %s", cli_opt(c, "kms") ? "--kms" : "env KMS_CONTRACT_ADDR",
                               err.msg);
    if (!path)
        return cli_usage(c, "give the DstackKms proxy: --kms ADDR, --manifest FILE or env "
                            "KMS_CONTRACT_ADDR");
    kms_manifest m;
    if (kms_manifest_load(path, &m, &err) != 0)
        return cli_fail_err(&err);
    memcpy(a->kms, m.kms, 20);
    if (a->chain_id && a->chain_id != m.chain_id)
        rc = cli_usage(c, "the manifest is of chain %llu, not %llu",
                       (unsigned long long)m.chain_id, (unsigned long long)a->chain_id);
    a->chain_id = m.chain_id;
    kms_manifest_clear(&m);
    return rc;
}

static int listen_and_limits(const cli_call *c, cmd_serve_config *out)
{
    const char *host = setting(c, "host", "HOST");
    uint64_t port = 8000, max_body = 1u << 20, threads = 8;
    if (host && strlen(host) >= sizeof out->host)
        return cli_usage(c, "--host: too long");
    snprintf(out->host, sizeof out->host, "%s", host ? host : "127.0.0.1");
    int rc = number(c, "port", "PORT", 0, 65535, &port);
    if (rc == CLI_OK)
        rc = number(c, "max-body", NULL, 64, 64u << 20, &max_body);
    if (rc == CLI_OK)
        rc = number(c, "threads", NULL, 1, 256, &threads);
    out->port = (unsigned)port;
    out->max_body = (size_t)max_body;
    out->threads = (unsigned)threads;
    out->authz.timeout_ms = 5000;
    out->request_timeout_ms = 10000;
    out->head_poll_ms = 500;
    if (rc == CLI_OK)
        rc = duration_flag(c, "timeout", 10, &out->authz.timeout_ms);
    if (rc == CLI_OK)
        rc = duration_flag(c, "request-timeout", 100, &out->request_timeout_ms);
    if (rc == CLI_OK)
        rc = duration_flag(c, "head-poll", 10, &out->head_poll_ms);
    return rc;
}

int cmd_serve_config_read(const cli_call *c, cmd_serve_config *out)
{
    memset(out, 0, sizeof *out);
    int rc = urls(c, out);
    if (rc == CLI_OK)
        rc = mode(c, out);
    if (rc == CLI_OK)
        rc = block(c, out);
    if (rc == CLI_OK)
        rc = listen_and_limits(c, out);
    if (rc == CLI_OK)
        rc = contract(c, out);
    out->authz.verify_app_code = cli_given(c, "verify-app-code");
    return rc;
}
