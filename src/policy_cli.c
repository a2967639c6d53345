/* policy_cli.c: kms and app actions from the command line, routed through governance. */
#include "policy_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/address.h"
#include "eth/file.h"
#include "eth/text.h"
#include "keyflags.h"
#include "kms/call.h"
#include "kms/manifest.h"

/* The manifest kms commands read when neither --kms nor --manifest is given. */
#define DEFAULT_MANIFEST "kmsctl-deployment.json"
/* Largest --batch file, longest line, most values on one line. */
#define BATCH_MAX_FILE (1u << 20)
#define BATCH_MAX_ARGS 4

const cli_flag CLI_KMS_FLAGS[] = {
    {"kms", "ADDR", "the DstackKms proxy (default: from --manifest)", NULL, false},
    {"manifest", "FILE", "a deployment manifest (default " DEFAULT_MANIFEST " when it exists)",
     NULL, false},
    CLI_FLAGS_END,
};

const cli_flag CLI_APP_FLAGS[] = {
    {"app", "ADDR", "the app (its DstackApp proxy)", NULL, false},
    CLI_FLAGS_END,
};

const cli_flag CLI_BATCH_FLAGS[] = {
    {"batch", "FILE", "more actions for the same operation, one per line: \"ACTION ARG...\"\n"
                      "('#' starts a comment)", NULL, false},
    CLI_FLAGS_END,
};

const cli_flag CLI_RENOUNCE_FLAGS[] = {
    {"i-understand-this-freezes-the-policy", NULL, "required: after this nobody can change the\n"
                                                   "policy, ever", NULL, false},
    CLI_FLAGS_END,
};

/* ---- the environment ---- */

static int contract_of(const cli_call *c, kms_action_target t, cli_policy_env *e)
{
    eth_error err = {0};
    const char *flag = t == KMS_ON_KMS ? "kms" : "app", *addr = cli_opt(c, flag);
    if (addr) {
        if (eth_address_parse(addr, e->contract, 1, &err) != 0)
            return cli_usage(c, "--%s: %s", flag, err.msg);
        return CLI_OK;
    }
    if (t == KMS_ON_APP)
        return cli_usage(c, "give the app: --app ADDR");
    const char *path = cli_opt(c, "manifest");
    FILE *f = path ? NULL : fopen(DEFAULT_MANIFEST, "r");
    if (f)
        fclose(f);
    if (!path && !f)
        return cli_usage(c, "give the DstackKms proxy: --kms ADDR, or --manifest FILE of its "
                            "deployment");
    kms_manifest m;
    if (kms_manifest_load(path ? path : DEFAULT_MANIFEST, &m, &err) != 0)
        return cli_fail_err(&err);
    memcpy(e->contract, m.kms, 20);
    e->has_safe_hint = m.settings.model == KMS_MODEL_SAFE_TIMELOCK;
    memcpy(e->safe_hint, m.safe, 20);
    kms_manifest_clear(&m);
    return CLI_OK;
}

int cli_policy_signer(const cli_call *c, cli_policy_env *e)
{
    if (!cli_declares(c, "keystore"))
        return CLI_OK; /* a read-only action */
    return cli_chain_default_signer(c, &e->chain, false, &e->signer);
}

int cli_policy_open(const cli_call *c, kms_action_target t, cli_policy_env *e)
{
    memset(e, 0, sizeof *e);
    eth_error err = {0};
    int rc = cli_declares(c, "legacy") ? cli_tx_opts_parse(c, &e->tx) : CLI_OK;
    if (rc == CLI_OK)
        rc = contract_of(c, t, e);
    if (rc != CLI_OK)
        return rc;
    rc = cli_chain_open(c, &e->chain, &err);
    if (rc != 0)
        return cli_exit_code(rc, &err);
    e->chain_open = true;
    const char *safe = cli_declares(c, "safe") ? cli_opt(c, "safe") : NULL;
    if (safe && eth_address_parse(safe, e->safe_hint, 1, &err) != 0)
        return cli_usage(c, "--safe: %s", err.msg);
    e->has_safe_hint |= safe != NULL;
    return cli_policy_signer(c, e);
}

void cli_policy_close(cli_policy_env *e)
{
    eth_signer_free(e->signer);
    e->signer = NULL;
    if (e->chain_open)
        cli_chain_close(&e->chain);
    e->chain_open = false;
}

int cli_policy_caller(const cli_policy_env *e, bool pending, uint8_t caller[20])
{
    kms_result r;
    eth_error err = {0};
    const char *sig = pending ? "pendingOwner()(address)" : "owner()(address)";
    int rc = kms_view(e->chain.rpc, e->contract, NULL, "latest", sig, NULL, 0, &r, &err);
    if (rc == 0)
        rc = kms_result_address(&r, 0, caller, &err);
    kms_result_clear(&r);
    if (rc)
        return cli_fail("%s: %s (is the address a DstackKms or DstackApp proxy?)", sig, err.msg);
    static const uint8_t zero[20];
    if (pending && memcmp(caller, zero, 20) == 0)
        return cli_fail("no ownership transfer is pending: run transfer-ownership first");
    return CLI_OK;
}

/* ---- building the calls ---- */

/* Adds action a with argument texts args to l, unless it would change nothing (then it says so
 * on stderr and adds nothing, or adds it anyway with --force). */
static int add_action(const cli_call *c, const cli_policy_env *e, const kms_action *a,
                      const char *const *args, cli_gov_calls *l, size_t *skipped)
{
    eth_error err = {0};
    eth_buf data = {0};
    if (kms_action_calldata(a, args, &data, &err) != 0)
        return cli_fail_err(&err);
    bool noop = false;
    char why[256];
    if (kms_action_is_noop(a, args, e->chain.rpc, e->contract, &noop, why, sizeof why, &err)) {
        eth_buf_clear(&data);
        return cli_fail_err(&err);
    }
    if (noop && !cli_given(c, "force")) {
        fprintf(stderr, "kmsctl: %s changes nothing: %s (--force sends it anyway)\n", a->name, why);
        (*skipped)++;
        eth_buf_clear(&data);
        return CLI_OK;
    }
    char what[256];
    int method = (int)(strchr(a->sig, '(') - a->sig);
    snprintf(what, sizeof what, "%s.%.*s(%.100s%s)", /* args[0] passed the checks above */
             a->target == KMS_ON_KMS ? "DstackKms" : "DstackApp", method, a->sig,
             a->arg == KMS_ARG_NONE ? "" : args[0], a->arg == KMS_ARG_KMS_INFO ? ", ..." : "");
    return cli_gov_add(l, e->contract, &data, what);
}

/* The positional values: one call per value, or one call with all of them (kmsInfo). */
static int from_args(cli_call *c, const cli_policy_env *e, const kms_action *a, cli_gov_calls *l,
                     size_t *skipped)
{
    if (a->arg == KMS_ARG_NONE || a->arg == KMS_ARG_KMS_INFO)
        return add_action(c, e, a, (const char *const *)c->args, l, skipped);
    for (int i = 0; i < c->nargs; i++) {
        const char *one[] = {c->args[i]};
        int rc = add_action(c, e, a, one, l, skipped);
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}

/* One --batch line: "ACTION ARG..." (modified in place). */
static int batch_line(cli_call *c, const cli_policy_env *e, kms_action_target t, char *line,
                      size_t no, cli_gov_calls *l, size_t *skipped)
{
    char *words[1 + BATCH_MAX_ARGS], *save = NULL, shown[ETH_CLIP_BUF];
    size_t n = 0;
    for (char *w = strtok_r(line, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
        if (w[0] == '#')
            break;
        if (n == 1 + BATCH_MAX_ARGS)
            return cli_fail("--batch line %zu: more than %d values", no, BATCH_MAX_ARGS);
        words[n++] = w;
    }
    if (n == 0)
        return CLI_OK;
    const kms_action *a = kms_action_find(t, words[0]);
    size_t want = !a ? 0 : a->arg == KMS_ARG_NONE ? 0 : a->arg == KMS_ARG_KMS_INFO ? 4 : 1;
    if (!a)
        return cli_fail("--batch line %zu: unknown action '%s'", no, eth_text_clipz(words[0], shown));
    if (n - 1 != want)
        return cli_fail("--batch line %zu: %s takes %zu value(s), got %zu", no, a->name, want,
                        n - 1);
    if (strcmp(a->name, "renounce-ownership") == 0 || strcmp(a->name, "accept-ownership") == 0)
        return cli_fail("--batch line %zu: %s cannot be part of a batch", no, a->name);
    return add_action(c, e, a, (const char *const *)words + 1, l, skipped);
}

static int from_batch(cli_call *c, const cli_policy_env *e, kms_action_target t,
                      cli_gov_calls *l, size_t *skipped)
{
    const char *path = cli_declares(c, "batch") ? cli_opt(c, "batch") : NULL; /* not on renounce */
    if (!path)
        return CLI_OK;
    eth_buf b = {0};
    eth_error err = {0};
    if (eth_file_read(path, BATCH_MAX_FILE, &b, NULL, &err) != 0 ||
        eth_buf_terminate(&b, &err) != 0) {
        eth_buf_clear(&b);
        return cli_fail_err(&err);
    }
    if (memchr(b.data, '\0', b.len)) {
        eth_buf_clear(&b);
        return cli_fail("--batch %s: holds a NUL byte: not a text file", path);
    }
    int rc = CLI_OK;
    char *save = NULL;
    size_t no = 0;
    for (char *line = strtok_r((char *)b.data, "\n", &save); rc == CLI_OK && line;
         line = strtok_r(NULL, "\n", &save))
        rc = batch_line(c, e, t, line, ++no, l, skipped);
    eth_buf_clear(&b);
    return rc;
}

static int nothing_to_do(const cli_call *c)
{
    if (c->json)
        return cli_print_json(json_pack("{s:b}", "changed", false));
    printf("nothing to do: every action would change nothing (--force sends them anyway)\n");
    return CLI_OK;
}

int cli_policy_run(cli_call *c, kms_action_target t)
{
    const kms_action *a = kms_action_find(t, c->action->name);
    if (!a)
        return cli_fail("internal: no action %s", c->action->name);
    if (strcmp(a->name, "renounce-ownership") == 0 &&
        !cli_given(c, "i-understand-this-freezes-the-policy"))
        return cli_usage(c, "renounce-ownership leaves the contract without an owner for good: "
                            "add --i-understand-this-freezes-the-policy if that is what you want");
    cli_policy_env e;
    cli_gov_calls l = {.n = 0};
    size_t skipped = 0;
    int rc = cli_policy_open(c, t, &e);
    if (rc == CLI_OK)
        rc = from_args(c, &e, a, &l, &skipped);
    if (rc == CLI_OK)
        rc = from_batch(c, &e, t, &l, &skipped);
    bool pending = strcmp(a->name, "accept-ownership") == 0;
    cli_gov_ctx g = {.c = c, .chain = &e.chain, .signer = e.signer, .tx = &e.tx,
                     .safe_hint = e.has_safe_hint ? e.safe_hint : NULL};
    if (rc == CLI_OK && l.n == 0 && skipped)
        rc = nothing_to_do(c);
    else if (rc == CLI_OK && !a->needs_owner && !pending && !e.signer)
        rc = cli_usage(c, "give the key that sends (%s needs no owner: any account may)", a->name);
    else if (rc == CLI_OK && !a->needs_owner && !pending)
        memcpy(g.caller, eth_signer_address(e.signer), 20);
    else if (rc == CLI_OK)
        rc = cli_policy_caller(&e, pending, g.caller);
    if (rc == CLI_OK && l.n)
        rc = cli_govern(&g, &l);
    cli_gov_calls_clear(&l);
    cli_policy_close(&e);
    return rc;
}
