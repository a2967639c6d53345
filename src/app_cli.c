/* app_cli.c: deploying an app through DstackKms's factory, and an app's state in words. */
#include "app_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/abi_selector.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/rpc_eth.h"
#include "kms/call.h"
#include "kms/erc1967.h"
#include "kms/event_sets.h"
#include "policy_cli.h"

const cli_flag CLI_DEPLOY_APP_FLAGS[] = {
    {"owner", "ADDR", "the app's owner (default: the key given)", NULL, false},
    {"disable-upgrades", NULL, "the app can never be upgraded", NULL, false},
    {"require-tcb-up-to-date", NULL, "refuse boots whose TCB status is not UpToDate", NULL, false},
    {"allow-any-device", NULL, "let the app boot on any device", NULL, false},
    {"device", "ID", "a device to allow at once (32 bytes)", NULL, false},
    {"compose-hash", "HASH", "a compose hash to allow at once (32 bytes)", NULL, false},
    CLI_FLAGS_END,
};

static const char ZERO32_TEXT[] =
    "0x0000000000000000000000000000000000000000000000000000000000000000";

/* The app address from the receipt's AppDeployedViaFactory(address indexed app, ...). */
static int app_from_logs(const eth_log_list *logs, const uint8_t kms[20], uint8_t out[20])
{
    uint8_t topic[32];
    eth_error err = {0};
    if (eth_abi_event_topic("AppDeployedViaFactory(address,address)", topic, &err) != 0)
        return -1;
    for (size_t i = 0; i < logs->n; i++) {
        const eth_log *l = &logs->items[i];
        if (l->ntopics >= 2 && memcmp(l->address, kms, 20) == 0 &&
            memcmp(l->topics[0], topic, 32) == 0) {
            memcpy(out, l->topics[1] + 12, 20);
            return 0;
        }
    }
    return -1;
}

/* The deployAndRegisterApp calldata from the flags. */
static int deploy_app_data(const cli_call *c, const uint8_t owner[20], eth_buf *data)
{
    char o[43];
    const char *dev = cli_opt(c, "device"), *hash = cli_opt(c, "compose-hash");
    const char *args[] = {kms_text_addr(owner, o),
                          cli_given(c, "disable-upgrades") ? "true" : "false",
                          cli_given(c, "require-tcb-up-to-date") ? "true" : "false",
                          cli_given(c, "allow-any-device") ? "true" : "false",
                          dev ? dev : ZERO32_TEXT, hash ? hash : ZERO32_TEXT};
    eth_error err = {0};
    if (kms_calldata("deployAndRegisterApp(address,bool,bool,bool,bytes32,bytes32)", args, 6,
                     data, &err) != 0)
        return cli_usage(c, "%s", err.msg);
    return CLI_OK;
}

int cli_kms_deploy_app(cli_call *c)
{
    cli_policy_env e;
    uint8_t owner[20], app[20];
    eth_buf data = {0};
    eth_error err = {0};
    int rc = cli_policy_open(c, KMS_ON_KMS, &e);
    if (rc == CLI_OK && !e.signer)
        rc = cli_usage(c, "give the key that sends (deployAndRegisterApp: any account may)");
    const char *o = cli_opt(c, "owner");
    if (rc == CLI_OK && o && eth_address_parse(o, owner, 1, &err) != 0)
        rc = cli_usage(c, "--owner: %s", err.msg);
    if (rc == CLI_OK && !o)
        memcpy(owner, eth_signer_address(e.signer), 20);
    if (rc == CLI_OK)
        rc = deploy_app_data(c, owner, &data);
    kms_sender *s = NULL;
    uint8_t hash[32];
    eth_receipt r;
    eth_log_list logs = {0};
    bool found = false;
    kms_txreq req = {.to = e.contract, .data = data.data, .data_len = data.len,
                     .what = "DstackKms.deployAndRegisterApp"};
    kms_sender_opts so = e.tx.sender;
    if (rc == CLI_OK && (kms_sender_open(e.chain.rpc, e.signer, &so, &s, &err) != 0 ||
                         kms_sender_send(s, &req, hash, &r, &err) != 0 ||
                         eth_rpc_get_receipt(e.chain.rpc, hash, &r, &found, &logs, &err) != 0))
        rc = cli_fail_err(&err);
    if (rc == CLI_OK && app_from_logs(&logs, e.contract, app) != 0)
        rc = cli_fail("the transaction ran but logged no AppDeployedViaFactory: is --kms a "
                      "DstackKms?");
    char a[43], ow[43];
    eth_address_checksum(app, a);
    eth_address_checksum(owner, ow);
    if (rc == CLI_OK && c->json)
        rc = cli_print_json(json_pack("{s:s,s:s,s:I}", "app", a, "owner", ow, "block",
                                      (json_int_t)r.block_number));
    else if (rc == CLI_OK)
        printf("deployed and registered the app %s (owner %s) in block %" PRIu64 "\n", a, ow,
               r.block_number);
    eth_log_list_clear(&logs);
    kms_sender_free(s);
    eth_buf_clear(&data);
    cli_policy_close(&e);
    return rc;
}

/* ---- app info ---- */

typedef struct app_state {
    uint8_t owner[20], pending[20], impl[20];
    uint64_t version;
    bool any_device, tcb, frozen;
    kms_b32_list hashes, devices;
    size_t denied;
} app_state;

static int read_flag(eth_rpc *rpc, const uint8_t app[20], const char *sig, bool *out,
                     eth_error *err)
{
    kms_result r;
    int rc = kms_view(rpc, app, NULL, "latest", sig, NULL, 0, &r, err);
    if (rc == 0)
        rc = kms_result_bool(&r, 0, out, err);
    kms_result_clear(&r);
    return rc;
}

static int read_addr(eth_rpc *rpc, const uint8_t app[20], const char *sig, uint8_t out[20],
                     eth_error *err)
{
    kms_result r;
    int rc = kms_view(rpc, app, NULL, "latest", sig, NULL, 0, &r, err);
    if (rc == 0)
        rc = kms_result_address(&r, 0, out, err);
    kms_result_clear(&r);
    return rc;
}

static int read_app(eth_rpc *rpc, const uint8_t app[20], app_state *s, eth_error *err)
{
    static const kms_event_set HASHES = {"ComposeHashAdded(bytes32)", "ComposeHashRemoved(bytes32)",
                                         "allowedComposeHashes(bytes32)(bool)"},
                               DEVICES = {"DeviceAdded(bytes32)", "DeviceRemoved(bytes32)",
                                          "allowedDeviceIds(bytes32)(bool)"};
    uint8_t flags_slot[32] = {0}, flags[32];
    flags_slot[31] = 1; /* _upgradesDisabled in slot 1's lowest byte */
    uint64_t head = 0;
    kms_result r;
    int rc = read_addr(rpc, app, "owner()(address)", s->owner, err);
    if (rc == 0)
        rc = read_addr(rpc, app, "pendingOwner()(address)", s->pending, err);
    if (rc == 0)
        rc = read_flag(rpc, app, "allowAnyDevice()(bool)", &s->any_device, err);
    if (rc == 0)
        rc = read_flag(rpc, app, "requireTcbUpToDate()(bool)", &s->tcb, err);
    if (rc == 0 && (rc = kms_view(rpc, app, NULL, "latest", "version()(uint256)", NULL, 0, &r,
                                  err)) == 0) {
        rc = kms_result_u64(&r, 0, &s->version, err);
        kms_result_clear(&r);
    }
    if (rc == 0)
        rc = kms_erc1967_implementation(rpc, app, "latest", s->impl, err);
    if (rc == 0)
        rc = eth_rpc_get_storage(rpc, app, flags_slot, "latest", flags, err);
    s->frozen = rc == 0 && flags[31] != 0;
    size_t d1 = 0, d2 = 0;
    if (rc == 0)
        rc = eth_rpc_block_number(rpc, &head, err);
    if (rc == 0)
        rc = kms_event_set_read(rpc, app, &HASHES, 0, head, &s->hashes, &d1, err);
    if (rc == 0)
        rc = kms_event_set_read(rpc, app, &DEVICES, 0, head, &s->devices, &d2, err);
    s->denied = d1 + d2;
    return rc;
}

static void print_list(const char *what, const kms_b32_list *l)
{
    printf("  %-20s %zu\n", what, l->n);
    for (size_t i = 0; i < l->n; i++) {
        char h[67];
        eth_hex_encode(l->items[i], 32, h);
        printf("    %s\n", h);
    }
}

static int print_app(const cli_call *c, const app_state *s)
{
    char o[43], p[43], i[43];
    eth_address_checksum(s->owner, o);
    eth_address_checksum(s->pending, p);
    eth_address_checksum(s->impl, i);
    if (c->json)
        return cli_print_json(json_pack(
            "{s:s,s:s,s:s,s:I,s:b,s:b,s:b,s:o,s:o,s:I}", "owner", o, "pendingOwner", p,
            "implementation", i, "version", (json_int_t)s->version, "allowAnyDevice",
            s->any_device, "requireTcbUpToDate", s->tcb, "upgradesDisabled", s->frozen,
            "composeHashes", eth_json_b32_list((const uint8_t(*)[32])s->hashes.items, s->hashes.n),
            "devices", eth_json_b32_list((const uint8_t(*)[32])s->devices.items, s->devices.n),
            "deniedByGetters", (json_int_t)s->denied));
    printf("app %s\n  owner                %s\n  pending owner        %s\n  implementation       "
           "%s (version %" PRIu64 ")\n  upgrades             %s\n  allow any device     %s\n"
           "  require TCB UpToDate %s\n",
           cli_opt(c, "app"), o, p, i, s->version, s->frozen ? "disabled for good" : "allowed",
           s->any_device ? "yes" : "no", s->tcb ? "yes" : "no");
    print_list("compose hashes", &s->hashes);
    print_list("devices", &s->devices);
    if (s->denied)
        printf("  ! %zu value(s) the events add are denied by the getters\n", s->denied);
    return CLI_OK;
}

int cli_app_info(cli_call *c)
{
    cli_policy_env e;
    app_state s;
    memset(&s, 0, sizeof s);
    eth_error err = {0};
    int rc = cli_policy_open(c, KMS_ON_APP, &e);
    if (rc == CLI_OK && read_app(e.chain.rpc, e.contract, &s, &err) != 0)
        rc = cli_fail("app %s: %s", cli_opt(c, "app"), err.msg);
    if (rc == CLI_OK)
        rc = print_app(c, &s);
    free(s.hashes.items);
    free(s.devices.items);
    cli_policy_close(&e);
    return rc;
}
