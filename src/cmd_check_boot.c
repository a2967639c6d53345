/* cmd_check_boot.c: kmsctl check-boot kms|app: the decision dstack-kms would get for a boot,
 * from the chain, and when it is denied, which policy entry is missing and the command that
 * would add it. */
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "cli.h"
#include "commands.h"
#include "eth/address.h"
#include "eth/file.h"
#include "eth/hex.h"
#include "eth/rpc_eth.h"
#include "kms/boot_info.h"
#include "policy_cli.h"

static const cli_flag BOOT_FLAGS[] = {
    {"boot-info", "FILE", "the boot as dstack-kms sends it to the webhook (JSON)", NULL, false},
    {"app-id", "ADDR", "instead of --boot-info: the boot's fields, one flag each (hex)", NULL,
     false},
    {"compose-hash", "HEX", "", NULL, false},
    {"instance-id", "HEX", "", NULL, false},
    {"device-id", "HEX", "", NULL, false},
    {"mr-aggregated", "HEX", "", NULL, false},
    {"mr-system", "HEX", "", NULL, false},
    {"os-image-hash", "HEX", "", NULL, false},
    {"tcb-status", "TEXT", "default UpToDate", NULL, false},
    CLI_FLAGS_END,
};

static const cli_flag *const BOOT_SETS[] = {BOOT_FLAGS, CLI_KMS_FLAGS, CLI_CHAIN_FLAGS, NULL};

/* The boot info from --boot-info, or from the field flags as a JSON body. */
static int boot_info(const cli_call *c, kms_boot_info *b)
{
    eth_error err = {0};
    const char *path = cli_opt(c, "boot-info");
    if (path) {
        eth_buf text = {0};
        int rc = eth_file_read(path, 1 << 20, &text, NULL, &err);
        if (rc == 0)
            rc = kms_boot_info_parse((const char *)text.data, text.len, b, &err);
        eth_buf_clear(&text);
        return rc ? cli_fail("--boot-info %s: %s", path, err.msg) : CLI_OK;
    }
    static const char *const FLAGS[][2] = {
        {"app-id", "appId"},           {"compose-hash", "composeHash"},
        {"instance-id", "instanceId"}, {"device-id", "deviceId"},
        {"mr-aggregated", "mrAggregated"}, {"mr-system", "mrSystem"},
        {"os-image-hash", "osImageHash"}};
    json_t *j = json_pack("{s:s}", "tcbStatus",
                          cli_opt(c, "tcb-status") ? cli_opt(c, "tcb-status") : "UpToDate");
    for (size_t i = 0; j && i < sizeof FLAGS / sizeof FLAGS[0]; i++)
        json_object_set_new(j, FLAGS[i][1],
                            json_string(cli_opt(c, FLAGS[i][0]) ? cli_opt(c, FLAGS[i][0]) : ""));
    int rc = j ? kms_boot_info_from_json(j, b, &err)
               : eth_fail(&err, ETH_ENOMEM, "out of memory");
    json_decref(j);
    return rc ? cli_usage(c, "%s", err.msg) : CLI_OK;
}

/* The fix for a denial, from the reason the contracts give. */
static void hint(const kms_boot_info *b, bool kms, const char *reason, char *out, size_t cap)
{
    char app[43], os[67], mr[67], dev[67], ch[67];
    eth_address_checksum(b->app_id, app);
    eth_hex_encode(b->os_image_hash, 32, os);
    eth_hex_encode(b->mr_aggregated, 32, mr);
    eth_hex_encode(b->device_id, 32, dev);
    eth_hex_encode(b->compose_hash, 32, ch);
    out[0] = '\0';
    if (strcmp(reason, "OS image is not allowed") == 0)
        snprintf(out, cap, "kmsctl kms add-os-image-hash %s", os);
    else if (strcmp(reason, "Aggregated MR not allowed") == 0)
        snprintf(out, cap, "kmsctl kms add-kms-aggregated-mr %s", mr);
    else if (strcmp(reason, "KMS is not allowed to boot on this device") == 0)
        snprintf(out, cap, "kmsctl kms add-kms-device %s", dev);
    else if (strcmp(reason, "App not registered") == 0)
        snprintf(out, cap, "kmsctl kms register-app %s", app);
    else if (strcmp(reason, "Compose hash not allowed") == 0)
        snprintf(out, cap, "kmsctl app add-compose-hash %s --app %s", ch, app);
    else if (strcmp(reason, "Device not allowed") == 0)
        snprintf(out, cap, "kmsctl app add-device %s --app %s (or set-allow-any-device true)",
                 dev, app);
    else if (strcmp(reason, "TCB status is not up to date") == 0 && kms)
        snprintf(out, cap, "update the machine's TCB (its tcbStatus must be UpToDate)");
    else if (strcmp(reason, "TCB status is not up to date") == 0)
        snprintf(out, cap, "update the machine's TCB, or kmsctl app set-require-tcb-up-to-date "
                           "false --app %s", app);
}

static int check(cli_call *c, bool kms)
{
    kms_boot_info b;
    cli_policy_env e;
    eth_buf data = {0}, ret = {0};
    eth_error err = {0};
    int rc = boot_info(c, &b);
    if (rc != CLI_OK)
        return rc;
    rc = cli_policy_open(c, KMS_ON_KMS, &e);
    if (rc == CLI_OK && kms_boot_calldata(&b, kms, &data, &err) != 0)
        rc = cli_fail_err(&err);
    eth_call_req req = {.to = e.contract, .data = data.data, .data_len = data.len};
    bool allowed = false;
    char reason[256] = "", fix[300] = "";
    if (rc == CLI_OK && (eth_rpc_call_contract(e.chain.rpc, &req, "latest", &ret, &err) != 0 ||
                         kms_boot_result(ret.data, ret.len, &allowed, reason, sizeof reason, &err)))
        rc = cli_fail_err(&err);
    if (rc == CLI_OK && !allowed)
        hint(&b, kms, reason, fix, sizeof fix);
    if (rc == CLI_OK && c->json)
        rc = cli_print_json(json_pack("{s:b,s:s,s:s}", "isAllowed", allowed, "reason", reason,
                                      "fix", fix));
    else if (rc == CLI_OK && allowed)
        printf("allowed: the %s may boot\n", kms ? "KMS" : "app");
    else if (rc == CLI_OK)
        printf("denied: %s%s%s\n", reason, fix[0] ? "\nto allow it: " : "", fix);
    if (rc == CLI_OK && !allowed)
        rc = CLI_FAIL;
    eth_buf_clear(&data);
    eth_buf_clear(&ret);
    kms_boot_info_clear(&b);
    cli_policy_close(&e);
    return rc;
}

static int run_app(cli_call *c)
{
    return check(c, false);
}

static int run_kms(cli_call *c)
{
    return check(c, true);
}

static const cli_action BOOT_ACTIONS[] = {
    {"app", "would DstackKms let this app boot?", run_app, "", 0, 0, BOOT_SETS,
     "{\"isAllowed\", \"reason\", \"fix\"}",
     "Asks DstackKms.isAppAllowed about a boot (--boot-info FILE, the webhook's JSON body, or\n"
     "the fields as flags) at the latest block. Prints allowed, or denied with the contract's\n"
     "reason and the command that would allow it. Exits 1 when denied.",
     "$ kmsctl check-boot app --app-id 0xa16E... --compose-hash 0x11...11 --os-image-hash "
     "0x22...22 --instance-id 0x01 --device-id 0x02 --mr-aggregated 0x03\n"
     "denied: OS image is not allowed\nto allow it: kmsctl kms add-os-image-hash 0x22...22"},
    {"kms", "would DstackKms let this KMS boot?", run_kms, "", 0, 0, BOOT_SETS,
     "{\"isAllowed\", \"reason\", \"fix\"}",
     "Asks DstackKms.isKmsAllowed about a KMS boot, as for app. Exits 1 when denied.",
     "$ kmsctl check-boot kms --boot-info boot.json\nallowed: the KMS may boot"},
};

const cli_group GROUP_CHECK_BOOT = {
    "check-boot",
    "the decision dstack-kms would get for a KMS or app boot, and the fix when denied",
    "Asks the policy on chain about one boot, as the webhook does.",
    BOOT_ACTIONS,
    sizeof BOOT_ACTIONS / sizeof BOOT_ACTIONS[0],
};
