/* cmd_deploy.c: kmsctl deploy: DstackKms under governance model A, B or C in one resumable
 * command (lib/kms/deploy.h), ending with a manifest (lib/kms/manifest.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "chain.h"
#include "cli.h"
#include "commands.h"
#include "deploy_print.h"
#include "eth/address.h"
#include "eth/text.h"
#include "keyflags.h"
#include "kms/deploy.h"
#include "kms/deploy_journal.h"
#include "kms/manifest.h"
#include "txflags.h"

/* The manifest unless --manifest names another. */
#define DEFAULT_MANIFEST "kmsctl-deployment.json"
/* Room for a path. */
#define PATH_CAP 4096

static const cli_flag DEPLOY_FLAGS[] = {
    {"model", "MODEL", "who governs the policy: direct (the deployer, an EOA), timelock\n"
                       "(a TimelockController with an EOA proposer) or safe-timelock\n"
                       "(a TimelockController whose proposer is a Safe)", NULL, false},
    {"min-delay", "DUR", "the timelock's delay (90s, 1h, 2d, ...); needed for the\n"
                         "timelock models", NULL, false},
    {"handover", "MODE", "immediate (default: the timelock owns the policy when the\n"
                         "command ends) or delayed (the real delay applies from the\n"
                         "start; --resume finishes once it has passed)", NULL, false},
    {"proposer", "ADDR", "timelock: who proposes (default: the deployer)", NULL, false},
    {"executor", "ADDR|open", "who executes ready operations (default: the proposer;\n"
                              "open: anyone)", NULL, false},
    {"timelock-admin", "ADDR|none", "an extra admin of the timelock's roles (default none)",
     NULL, false},
    {"safe", "ADDR", "safe-timelock: an existing Safe as the proposer", NULL, false},
    {"safe-owners", "A,B,C", "safe-timelock: owners of a new Safe (SafeL2 v1.4.1)", NULL, false},
    {"safe-threshold", "K", "safe-timelock: signatures the new Safe needs", NULL, false},
    {"app-implementation", "ADDR", "an existing DstackApp implementation (default: deploy one)",
     NULL, false},
    {"config", "FILE", "initial policy applied before the hand-over (JSON; see\n"
                       "docs/deploy.md)", NULL, false},
    {"manifest", "FILE", "where the manifest goes (default " DEFAULT_MANIFEST ");\n"
                         "the journal is written beside it", NULL, false},
    {"dry-run", NULL, "plan and simulate, print every transaction and the cost;\n"
                      "send nothing", NULL, false},
    {"resume", NULL, "continue the deployment in the journal beside --manifest", NULL, false},
    {"anvil", "PATH", "the anvil that runs the simulation fork (default: as devnet)", NULL,
     false},
    CLI_FLAGS_END,
};

static const cli_flag *const DEPLOY_FLAG_SETS[] = {DEPLOY_FLAGS, CLI_CHAIN_FLAGS, CLI_KEY_FLAGS,
                                                   CLI_TX_FLAGS, NULL};

/* ---- flags to settings ---- */

static int addr_flag(const cli_call *c, const char *flag, bool *has, uint8_t out[20])
{
    const char *text = cli_opt(c, flag);
    eth_error err = {0};
    *has = text != NULL;
    if (text && eth_address_parse(text, out, 1, &err) != 0)
        return cli_usage(c, "--%s: %s", flag, err.msg);
    return CLI_OK;
}

/* An address or the given word (open, none): *word tells which. */
static int addr_or_word(const cli_call *c, const char *flag, const char *word, bool *is_word,
                        bool *has, uint8_t out[20])
{
    const char *text = cli_opt(c, flag);
    *is_word = text && strcmp(text, word) == 0;
    if (*is_word) {
        *has = false;
        return CLI_OK;
    }
    return addr_flag(c, flag, has, out);
}

static int owners_flag(const cli_call *c, kms_deploy_settings *s)
{
    const char *text = cli_opt(c, "safe-owners");
    if (!text)
        return CLI_OK;
    for (const char *p = text;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char one[64];
        eth_error err = {0};
        if (s->nsafe_owners == KMS_MAX_SAFE_OWNERS)
            return cli_usage(c, "--safe-owners: more than %d owners", KMS_MAX_SAFE_OWNERS);
        snprintf(one, sizeof one, "%.*s", (int)(n < 63 ? n : 63), p);
        if (n > 63 || eth_address_parse(one, s->safe_owners[s->nsafe_owners], 1, &err) != 0)
            return cli_usage(c, "--safe-owners: owner %zu: %s", s->nsafe_owners + 1,
                             n > 63 ? "not an address" : err.msg);
        s->nsafe_owners++;
        if (!end)
            return CLI_OK;
        p = end + 1;
    }
}

static int numbers(const cli_call *c, kms_deploy_settings *s)
{
    char shown[ETH_CLIP_BUF];
    const char *delay = cli_opt(c, "min-delay"), *k = cli_opt(c, "safe-threshold");
    if (delay && cli_parse_duration(delay, &s->min_delay) != 0)
        return cli_usage(c, "--min-delay '%s': expected a duration such as 3600, 90s, 1h, 2d",
                         eth_text_clipz(delay, shown));
    if (k && cli_parse_uint(k, KMS_MAX_SAFE_OWNERS, &s->safe_threshold) != 0)
        return cli_usage(c, "--safe-threshold '%s': expected a number from 1 to %d",
                         eth_text_clipz(k, shown), KMS_MAX_SAFE_OWNERS);
    const char *h = cli_opt(c, "handover");
    if (h && strcmp(h, "immediate") != 0 && strcmp(h, "delayed") != 0)
        return cli_usage(c, "--handover '%s': expected immediate or delayed",
                         eth_text_clipz(h, shown));
    s->delayed_handover = h && strcmp(h, "delayed") == 0;
    return CLI_OK;
}

static int settings_flags(const cli_call *c, kms_deploy_settings *s)
{
    memset(s, 0, sizeof *s);
    eth_error err = {0};
    const char *model = cli_opt(c, "model");
    if (!model)
        return cli_usage(c, "give --model direct, timelock or safe-timelock (or --resume)");
    if (kms_model_parse(model, &s->model, &err) != 0)
        return cli_usage(c, "--model: %s", err.msg);
    bool admin_none;
    int rc = numbers(c, s);
    if (rc == CLI_OK)
        rc = addr_flag(c, "proposer", &s->has_proposer, s->proposer);
    if (rc == CLI_OK)
        rc = addr_or_word(c, "executor", "open", &s->executor_open, &s->has_executor, s->executor);
    if (rc == CLI_OK)
        rc = addr_or_word(c, "timelock-admin", "none", &admin_none, &s->has_admin, s->admin);
    if (rc == CLI_OK)
        rc = addr_flag(c, "safe", &s->has_safe, s->safe);
    if (rc == CLI_OK)
        rc = owners_flag(c, s);
    if (rc == CLI_OK)
        rc = addr_flag(c, "app-implementation", &s->has_app_impl, s->app_impl);
    if (rc == CLI_OK && s->model != KMS_MODEL_DIRECT && !cli_given(c, "min-delay"))
        return cli_usage(c, "--model %s needs --min-delay DUR: the notice period before a change "
                            "takes effect (e.g. 1d)", model);
    if (rc == CLI_OK && kms_deploy_settings_check(s, &err) != 0)
        return cli_usage(c, "%s", err.msg);
    return rc;
}

/* --resume continues the journal's plan: flags that describe a new plan are refused. */
static int resume_flags(const cli_call *c)
{
    static const char *const PLAN[] = {"model", "min-delay", "handover", "proposer", "executor",
                                       "timelock-admin", "safe", "safe-owners", "safe-threshold",
                                       "app-implementation", "config", "dry-run"};
    for (size_t i = 0; i < sizeof PLAN / sizeof PLAN[0]; i++)
        if (cli_given(c, PLAN[i]))
            return cli_usage(c, "--resume continues the plan in the journal: leave out --%s",
                             PLAN[i]);
    return CLI_OK;
}

/* ---- key and environment ---- */

/* Everything a run needs, released by env_clear. */
typedef struct deploy_run {
    cli_chain chain;
    eth_signer *signer;
    cli_tx_opts tx;
    char anvil[PATH_CAP], manifest[PATH_CAP], journal[PATH_CAP];
    kms_deploy_env env;
    bool devnet;
    bool json;
} deploy_run;

static int confirm(void *ctx, const kms_plan *p, const kms_deploy_cost *cost, eth_error *err)
{
    deploy_run *r = ctx;
    cli_deploy_print_cost(p, cost, !r->devnet && !r->tx.yes);
    if (r->devnet)
        return 0;
    if (cli_confirm(&r->tx, "Send these transactions?") != CLI_OK)
        return eth_fail(err, ETH_ESTATE, "not confirmed: nothing was sent");
    return 0;
}

/* Opens the chain, the deployer and the paths. Returns CLI_OK, CLI_USAGE or CLI_FAIL (printed). */
static int open_run(const cli_call *c, deploy_run *r)
{
    eth_error err = {0};
    int rc = cli_tx_opts_parse(c, &r->tx);
    if (rc != CLI_OK)
        return rc;
    rc = cli_chain_open(c, &r->chain, &err);
    if (rc != 0)
        return cli_exit_code(rc, &err);
    r->devnet = r->chain.is_devnet;
    rc = cli_chain_default_signer(c, &r->chain, true, &r->signer);
    if (rc != CLI_OK)
        return rc;
    const char *m = cli_opt(c, "manifest");
    snprintf(r->manifest, sizeof r->manifest, "%s", m ? m : DEFAULT_MANIFEST);
    if (kms_journal_path(r->manifest, r->journal, sizeof r->journal, &err) != 0 ||
        kms_devnet_find_anvil(cli_opt(c, "anvil"), r->anvil, sizeof r->anvil, &err) != 0)
        return cli_fail_err(&err);
    if (r->devnet)
        r->tx.sender.poll_ms = 100;
    r->env = (kms_deploy_env){.rpc = r->chain.rpc, .rpc_url = r->chain.url, .signer = r->signer,
                              .anvil = r->anvil, .journal = r->journal, .sender = r->tx.sender,
                              .progress = cli_progress(), .confirm = confirm, .confirm_ctx = r};
    r->json = c->json;
    return CLI_OK;
}

static void close_run(deploy_run *r)
{
    eth_signer_free(r->signer);
    cli_chain_close(&r->chain);
}

/* ---- the two ways in ---- */

/* Writes the manifest when anything was sent, then prints the result or the error. */
static int finish(deploy_run *r, kms_plan *p, int rc, const eth_error *err)
{
    eth_error merr = {0};
    bool any = false;
    for (size_t i = 0; i < p->nsteps; i++)
        any |= p->steps[i].state != KMS_STEP_PLANNED;
    if (any && kms_manifest_write(r->manifest, p, &merr) != 0 && rc == 0)
        return cli_fail_err(&merr);
    if (rc)
        return any ? cli_fail("%s\nThe journal %s holds what was sent: run the same command with "
                              "--resume to continue.", err->msg, r->journal)
                   : cli_fail_err(err);
    return cli_deploy_print_result(p, r->manifest, r->journal, r->json);
}

static bool exists(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

static int run_new(const cli_call *c, deploy_run *r)
{
    kms_deploy_settings s;
    kms_policy_config cfg = {0};
    eth_error err = {0};
    int rc = settings_flags(c, &s);
    if (rc == CLI_OK && cli_given(c, "config") &&
        kms_policy_config_load(cli_opt(c, "config"), &cfg, &err) != 0)
        rc = cli_fail_err(&err);
    if (rc == CLI_OK)
        rc = open_run(c, r);
    if (rc == CLI_OK && !cli_given(c, "dry-run") && exists(r->journal))
        rc = cli_fail("a deployment journal exists at %s: continue it with --resume, or choose "
                      "another --manifest for a new deployment", r->journal);
    kms_plan p = {0};
    kms_deploy_cost cost;
    if (rc == CLI_OK && kms_deploy_prepare(&r->env, &s, &cfg, &p, &cost, &err) != 0)
        rc = cli_fail_err(&err);
    if (rc == CLI_OK && cli_given(c, "dry-run"))
        rc = cli_deploy_print_plan(&p, &cost, r->json);
    else if (rc == CLI_OK)
        rc = finish(r, &p, kms_deploy_execute(&r->env, &p, &err), &err);
    kms_plan_clear(&p);
    kms_policy_config_clear(&cfg);
    return rc;
}

static int run_resume(const cli_call *c, deploy_run *r)
{
    eth_error err = {0};
    kms_plan p = {0};
    int rc = resume_flags(c);
    if (rc == CLI_OK)
        rc = open_run(c, r);
    if (rc == CLI_OK && !exists(r->journal))
        rc = cli_fail("nothing to resume: no journal at %s (give the --manifest of the "
                      "deployment)", r->journal);
    if (rc == CLI_OK && kms_journal_load(r->journal, &p, &err) != 0)
        rc = cli_fail_err(&err);
    if (rc == CLI_OK)
        rc = finish(r, &p, kms_deploy_execute(&r->env, &p, &err), &err);
    kms_plan_clear(&p);
    return rc;
}

static int run_deploy(cli_call *c)
{
    deploy_run r;
    memset(&r, 0, sizeof r);
    int rc = cli_given(c, "resume") ? run_resume(c, &r) : run_new(c, &r);
    close_run(&r);
    return rc;
}

const cli_action CMD_DEPLOY = {
    "deploy",
    "deploy DstackKms under governance model A, B or C (resumable)",
    run_deploy,
    "",
    0,
    0,
    DEPLOY_FLAG_SETS,
    "the manifest (docs/deploy.md); with --dry-run the plan: every transaction, its gas,\n"
    "the fees and the most it can cost",
    "Deploys the DstackApp and DstackKms implementations, the DstackKms proxy, and for the\n"
    "timelock models a TimelockController (and a Safe, for safe-timelock), applies --config\n"
    "while the deployer still owns the policy, and hands ownership over so that it really\n"
    "completes under Ownable2Step: the timelock accepts it in one scheduled batch with the\n"
    "delay, and the deployer renounces every timelock role it held for that.\n"
    "\n"
    "Every address is known before anything is sent. The whole plan runs first on a fork of\n"
    "the chain (anvil --fork-url): a step that would revert stops everything, explained, and\n"
    "each step gets its gas. Then every transaction is signed with consecutive nonces and\n"
    "saved in the journal beside the manifest before the first broadcast, and they are sent\n"
    "back to back. If the command stops for any reason, run it again with --resume: each\n"
    "transaction is found on chain or rebroadcast byte for byte, so nothing is deployed twice.\n"
    "\n"
    "On a chain other than the devnet, kmsctl shows the plan and asks before sending\n"
    "(--yes does not ask). On the devnet the deployer defaults to --dev-account 0.",
    "$ kmsctl deploy --devnet --model safe-timelock --safe-owners 0x70997970C51812dc3A010C7d01b50e0d17dc79C8,0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,0x90F79bf6EB2c4f870365E785982E1f101E93b906 --safe-threshold 2 --min-delay 1d\n"
    "kmsctl: signing with devnet account 0 (a public test key)\n"
    "...\n"
    "Deployed DstackKms on chain 31337 (model safe-timelock), 12 transactions in blocks 8-19:\n"
    "  DstackKms (proxy)          0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0\n"
    "  ...\n"
    "Next: kmsctl verify --manifest kmsctl-deployment.json",
};
