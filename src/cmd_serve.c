/* cmd_serve.c: kmsctl serve: the boot-authorization webhook dstack-kms calls (docs/serve.md):
 * start the providers' tracker and the HTTP threads, wait for SIGTERM or SIGINT, stop
 * accepting, let the requests in flight finish, exit 0. No key is loaded; core dumps are off. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eth/address.h"
#include "eth/rpc.h"
#include "eth/signer.h"
#include "serve.h"

static void say_started(const cmd_serve_config *cfg, unsigned port)
{
    static const char *const TAGS[] = {"latest", "safe", "finalized"};
    const kms_authz_config *a = &cfg->authz;
    char kms[43], mode[32];
    eth_address_checksum(a->kms, kms);
    if (a->mode == KMS_AUTHZ_QUORUM)
        snprintf(mode, sizeof mode, "quorum %u of %zu", a->quorum, a->nurls);
    else
        snprintf(mode, sizeof mode, "%s", a->nurls > 1 ? "failover" : "one provider");
    bool v6 = strchr(cfg->host, ':') != NULL;
    cmd_serve_log("listening on http://%s%s%s:%u (DstackKms %s, %s, block %s minus %llu, %u "
                  "threads%s)",
                  v6 ? "[" : "", cfg->host, v6 ? "]" : "", port, kms, mode, TAGS[a->tag],
                  (unsigned long long)a->confirmations, cfg->threads,
                  a->verify_app_code ? ", app code verified" : "");
}

static int run_serve(cli_call *c)
{
    cmd_serve_config cfg;
    int rc = cmd_serve_config_read(c, &cfg);
    if (rc != CLI_OK)
        return rc;
    eth_no_core_dumps(); /* it holds nothing secret today; should it ever, no dump leaks it */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* before any thread: they all inherit it */
    signal(SIGPIPE, SIG_IGN);
    eth_error err = {0};
    cmd_serve_workers w;
    cmd_serve_metrics m = {0};
    cmd_serve_http *http = NULL;
    unsigned port = 0;
    if (eth_rpc_global_init(&err) != 0 || cmd_serve_workers_start(&w, &cfg, &err) != 0)
        return cli_fail_err(&err);
    if (cmd_serve_http_start(&cfg, &w, &m, &http, &port, &err) != 0) {
        cmd_serve_workers_stop(&w);
        return cli_fail_err(&err);
    }
    say_started(&cfg, port);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    cmd_serve_log("%s: no new connections; finishing the requests in flight",
                  sig == SIGTERM ? "SIGTERM" : "SIGINT");
    cmd_serve_http_stop(http, cfg.authz.timeout_ms + cfg.request_timeout_ms);
    cmd_serve_workers_stop(&w);
    cmd_serve_log("stopped");
    return CLI_OK;
}

static const cli_flag *const SERVE_SETS[] = {CMD_SERVE_FLAGS, NULL};

const cli_action CMD_SERVE = {
    .name = "serve",
    .summary = "the boot-authorization webhook dstack-kms calls (a drop-in for its auth service)",
    .run = run_serve,
    .args = "",
    .min_args = 0,
    .max_args = 0,
    .flags = SERVE_SETS,
    .json = NULL,
    .about =
        "Answers dstack-kms's POST /bootAuth/app and POST /bootAuth/kms from the DstackKms\n"
        "policy on chain (isAppAllowed / isKmsAllowed), and GET / and GET /metrics. One round\n"
        "trip per provider per request, at a block number the tracker pins (--block-tag,\n"
        "--confirmations); several providers in failover or quorum mode. Anything that keeps\n"
        "the contract's own answer out of reach (an RPC error, a timeout, a revert, a stale\n"
        "node, no quorum, a reply of another shape) gives 200 {\"isAllowed\":false,\"reason\":\n"
        "\"authorization backend unavailable\",\"gatewayAppId\":\"\"}. One log line per request\n"
        "on stderr. SIGTERM stops accepting, finishes the requests in flight and exits 0.\n"
        "See docs/serve.md.",
    .example = "$ kmsctl serve --kms 0x2279B7A0a67DB372996a5FaB50D91eAA73d2eBe6 \\\n"
               "    --rpc-url https://a.example --rpc-url https://b.example --confirmations 2\n"
               "serve: provider https://a.example answers: block 120, decisions at block 118\n"
               "serve: listening on http://127.0.0.1:8000 (DstackKms 0x2279...eBe6, failover, "
               "block latest minus 2, 8 threads)",
};
