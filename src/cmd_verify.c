/* cmd_verify.c: kmsctl verify: a deployment checked on chain against its manifest, or against
 * what its addresses say for one kmsctl did not make (lib/kms/verify.h). */
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "cli.h"
#include "commands.h"
#include "eth/address.h"
#include "kms/manifest.h"
#include "kms/verify.h"
#include "kms/verify_discover.h"

static const cli_flag VERIFY_FLAGS[] = {
    {"manifest", "FILE", "the deployment's manifest (default kmsctl-deployment.json)", NULL,
     false},
    {"kms", "ADDR", "instead of a manifest: the DstackKms proxy of a deployment kmsctl did\n"
                    "not make (its governance is read off the chain)", NULL, false},
    CLI_FLAGS_END,
};

static const cli_flag *const VERIFY_FLAG_SETS[] = {VERIFY_FLAGS, CLI_CHAIN_FLAGS, NULL};

static int print_checks(const cli_call *c, const kms_checks *l, const char *what)
{
    size_t failed = kms_checks_failed(l);
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < l->n; i++) {
            const kms_check *k = &l->items[i];
            if (json_array_append_new(arr, json_pack("{s:s,s:b,s:s,s:s}", "name", k->name, "ok",
                                                     k->ok, "expected", k->expected, "found",
                                                     k->found)) != 0) {
                json_decref(arr);
                arr = NULL;
            }
        }
        int rc = cli_print_json(arr ? json_pack("{s:b,s:I,s:I,s:o}", "ok", failed == 0, "checks",
                                                (json_int_t)l->n, "failed", (json_int_t)failed,
                                                "results", arr)
                                    : NULL);
        return rc != CLI_OK ? rc : failed ? CLI_FAIL : CLI_OK;
    }
    printf("verify %s:\n", what);
    for (size_t i = 0; i < l->n; i++) {
        const kms_check *k = &l->items[i];
        if (k->ok)
            printf("  ok    %-55s %s\n", k->name, k->found);
        else
            printf("  FAIL  %-55s expected %s; found %s\n", k->name, k->expected, k->found);
    }
    printf("%zu checks, %zu failed\n", l->n, failed);
    return failed ? CLI_FAIL : CLI_OK;
}

static int load(const cli_call *c, const cli_chain *ch, kms_manifest *m, char *what, size_t cap,
                eth_error *err)
{
    const char *kms = cli_opt(c, "kms");
    if (!kms) {
        const char *path = cli_opt(c, "manifest");
        path = path ? path : "kmsctl-deployment.json";
        snprintf(what, cap, "%s on chain %llu", path, (unsigned long long)ch->chain_id);
        return kms_manifest_load(path, m, err);
    }
    uint8_t addr[20];
    int rc = eth_address_parse(kms, addr, 1, err);
    if (rc)
        return eth_error_prefix(err, "--kms: ");
    snprintf(what, cap, "DstackKms %s on chain %llu (governance read off the chain)", kms,
             (unsigned long long)ch->chain_id);
    return kms_verify_discover(ch->rpc, addr, m, err);
}

static int run_verify(cli_call *c)
{
    if (cli_given(c, "kms") && cli_given(c, "manifest"))
        return cli_usage(c, "give --manifest FILE or --kms ADDR, not both");
    cli_chain ch;
    eth_error err = {0};
    int rc = cli_chain_open(c, &ch, &err);
    if (rc != 0)
        return cli_exit_code(rc, &err);
    kms_manifest m;
    kms_checks checks = {0};
    char what[256];
    rc = load(c, &ch, &m, what, sizeof what, &err);
    if (rc == 0)
        rc = kms_verify_deployment(ch.rpc, &m, &checks, &err);
    int out = rc ? cli_fail_err(&err) : print_checks(c, &checks, what);
    kms_checks_clear(&checks);
    kms_manifest_clear(&m);
    cli_chain_close(&ch);
    return out;
}

const cli_action CMD_VERIFY = {
    "verify",
    "prove on chain that a deployment is what its manifest says",
    run_verify,
    "",
    0,
    0,
    VERIFY_FLAG_SETS,
    "{\"ok\", \"checks\", \"failed\", \"results\": [{\"name\", \"ok\", \"expected\", \"found\"}]}",
    "Checks, at the latest block: the chain id; the runtime code at every address against the\n"
    "artifacts built into kmsctl (a UUPS implementation's own-address immutable included); the\n"
    "EIP-1967 implementation slot; initializers disabled on the implementations and run once on\n"
    "the proxy; owner and pendingOwner; appImplementation; the --config policy; the timelock's\n"
    "code, delay and exactly who holds each role (from its RoleGranted / RoleRevoked events,\n"
    "cross-checked with hasRole); that the hand-over ran and that nothing else ran while the\n"
    "delay was zero; and the Safe's singleton, owners, threshold, fallback handler, modules and\n"
    "guard. Exits 1 if any check fails.",
    "$ kmsctl verify --devnet\n"
    "verify kmsctl-deployment.json on chain 31337:\n"
    "  ok    chain id                                                31337\n"
    "  ok    DstackKms proxy code                                    matches\n"
    "  ...\n"
    "  ok    nothing but the hand-over ran while the delay was zero  1 call(s) of the hand-over, ...\n"
    "31 checks, 0 failed",
};
