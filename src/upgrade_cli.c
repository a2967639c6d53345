/* upgrade_cli.c: kmsctl kms upgrade and kmsctl app upgrade: deploy or name a new
 * implementation, check it (lib/kms/upgrade.h), and route upgradeToAndCall through governance. */
#include "upgrade_cli.h"

#include <stdio.h>
#include <string.h>

#include "eth/address.h"
#include "eth/file.h"
#include "eth/text.h"
#include "kms/artifacts.h"
#include "kms/call.h"
#include "kms/upgrade.h"

const cli_flag CLI_UPGRADE_FLAGS[] = {
    {"implementation", "ADDR", "the new implementation, already deployed", NULL, false},
    {"deploy", NULL, "deploy the implementation built into kmsctl first (sent by the key given)",
     NULL, false},
    {"layout", "FILE", "the new implementation's storage layout (solc or forge inspect JSON),\n"
                       "when its code matches no contract built into kmsctl", NULL, false},
    {"unsafe-skip-layout-check", NULL, "upgrade without comparing storage layouts", NULL, false},
    CLI_FLAGS_END,
};

/* Deploys the embedded implementation of kind from the signer; writes its address. */
static int deploy_impl(const cli_policy_env *e, const char *kind, uint8_t out[20])
{
    const kms_artifact *a = kms_artifact_find(kind);
    kms_sender *s = NULL;
    eth_error err = {0};
    eth_receipt r;
    char what[64];
    snprintf(what, sizeof what, "deploy the %s implementation", kind);
    kms_txreq req = {.data = a->bytecode, .data_len = a->bytecode_len, .what = what};
    kms_sender_opts o = e->tx.sender;
    int rc = kms_sender_open(e->chain.rpc, e->signer, &o, &s, &err);
    if (rc == 0)
        rc = kms_sender_send(s, &req, NULL, &r, &err);
    kms_sender_free(s);
    if (rc)
        return cli_fail_err(&err);
    memcpy(out, r.contract_address, 20);
    char at[43];
    eth_address_checksum(out, at);
    fprintf(stderr, "kmsctl: deployed the %s implementation at %s\n", kind, at);
    return CLI_OK;
}

/* The new implementation: --implementation, or --deploy. */
static int new_impl(const cli_call *c, const cli_policy_env *e, const char *kind, uint8_t out[20])
{
    eth_error err = {0};
    const char *addr = cli_opt(c, "implementation");
    if (!addr == !cli_given(c, "deploy"))
        return cli_usage(c, "give the new implementation: --implementation ADDR, or --deploy to "
                            "deploy the one built into kmsctl");
    if (addr)
        return eth_address_parse(addr, out, 1, &err) ? cli_usage(c, "--implementation: %s",
                                                                 err.msg)
                                                     : CLI_OK;
    if (!e->signer)
        return cli_usage(c, "--deploy needs the key that sends");
    return deploy_impl(e, kind, out);
}

static int load_layout(const cli_call *c, kms_layout *l, bool *has)
{
    const char *path = cli_opt(c, "layout");
    eth_buf b = {0};
    eth_error err = {0};
    *has = path != NULL;
    if (!path)
        return CLI_OK;
    int rc = eth_file_read(path, KMS_LAYOUT_MAX_JSON, &b, NULL, &err);
    if (rc == 0)
        rc = kms_layout_parse((const char *)b.data, b.len, l, &err);
    eth_buf_clear(&b);
    return rc ? cli_fail("--layout %s: %s", path, err.msg) : CLI_OK;
}

/* Checks the upgrade, printing the layout comparison. */
static int check(const cli_call *c, const cli_policy_env *e, const char *kind,
                 const uint8_t impl[20])
{
    kms_layout l = {0};
    bool has = false;
    int rc = load_layout(c, &l, &has);
    if (rc != CLI_OK)
        return rc;
    kms_upgrade_report r;
    eth_error err = {0};
    bool skip = cli_given(c, "unsafe-skip-layout-check");
    int chk = kms_upgrade_check(e->chain.rpc, e->contract, kind, impl, has ? &l : NULL, skip, &r,
                                &err);
    eth_buf text = {0};
    eth_error ignored;
    if (r.layout_checked && kms_layout_render(&r.diff, &text, &ignored) == 0)
        fprintf(stderr, "storage layout: %.*s", (int)text.len, (const char *)text.data);
    if (skip)
        cli_warn("the storage layouts were not compared (--unsafe-skip-layout-check)");
    eth_buf_clear(&text);
    kms_upgrade_report_clear(&r);
    kms_layout_clear(&l);
    return chk ? cli_fail_err(&err) : CLI_OK;
}

int cli_upgrade_run(cli_call *c, kms_action_target t)
{
    const char *kind = t == KMS_ON_KMS ? "DstackKms" : "DstackApp";
    cli_policy_env e;
    uint8_t impl[20];
    cli_gov_calls l = {.n = 0};
    int rc = cli_policy_open(c, t, &e);
    if (rc == CLI_OK)
        rc = new_impl(c, &e, kind, impl);
    if (rc == CLI_OK)
        rc = check(c, &e, kind, impl);
    char a[43], what[128];
    const char *args[] = {kms_text_addr(impl, a), "0x"};
    eth_buf data = {0};
    eth_error err = {0};
    if (rc == CLI_OK && kms_calldata("upgradeToAndCall(address,bytes)", args, 2, &data, &err))
        rc = cli_fail_err(&err);
    snprintf(what, sizeof what, "%s.upgradeToAndCall(%s, 0x)", kind, a);
    if (rc == CLI_OK)
        rc = cli_gov_add(&l, e.contract, &data, what);
    cli_gov_ctx g = {.c = c, .chain = &e.chain, .signer = e.signer, .tx = &e.tx,
                     .safe_hint = e.has_safe_hint ? e.safe_hint : NULL};
    if (rc == CLI_OK)
        rc = cli_policy_caller(&e, false, g.caller);
    if (rc == CLI_OK)
        rc = cli_govern(&g, &l);
    cli_gov_calls_clear(&l);
    cli_policy_close(&e);
    return rc;
}
