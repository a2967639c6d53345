/* policy_actions.c: DstackKms and DstackApp actions, their calldata and their no-op check. */
#include "policy_actions.h"

#include <stdio.h>
#include <string.h>

#include "call.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/rpc_eth.h"
#include "eth/text.h"

/* DstackApp keeps its private `_upgradesDisabled` in the lowest byte of slot 1 (CONTRACTS.md). */
#define UPGRADES_DISABLED_SLOT 1

#define OWNER_ACTIONS(on)                                                                         \
    {"transfer-ownership", on, "transferOwnership(address)", KMS_ARG_ADDRESS, "ADDR",            \
     "owner()(address)", false, -1, true, "start handing ownership to ADDR (it must accept)"},   \
        {"accept-ownership", on, "acceptOwnership()", KMS_ARG_NONE, "", NULL, false, -1, false,  \
         "accept an ownership transfer (sent by the pending owner)"},                            \
        {"renounce-ownership", on, "renounceOwnership()", KMS_ARG_NONE, "", NULL, false, -1,     \
         true, "give up ownership for good: nobody can change the policy afterwards"}

static const kms_action KMS_ACTIONS[] = {
    {"set-kms-info", KMS_ON_KMS, "setKmsInfo((bytes,bytes,bytes,bytes))", KMS_ARG_KMS_INFO,
     "K256 CA QUOTE EVENTLOG", "kmsInfo()(bytes,bytes,bytes,bytes)", false, -1, true,
     "set the KMS's k256 key, CA key, quote and event log"},
    {"set-kms-quote", KMS_ON_KMS, "setKmsQuote(bytes)", KMS_ARG_BYTES, "QUOTE", NULL, false, -1,
     true, "set the KMS's attestation quote"},
    {"set-kms-eventlog", KMS_ON_KMS, "setKmsEventlog(bytes)", KMS_ARG_BYTES, "EVENTLOG", NULL,
     false, -1, true, "set the KMS's event log"},
    {"set-gateway-app-id", KMS_ON_KMS, "setGatewayAppId(string)", KMS_ARG_STRING, "ID",
     "gatewayAppId()(string)", false, -1, true, "set the gateway's app id"},
    {"set-app-implementation", KMS_ON_KMS, "setAppImplementation(address)", KMS_ARG_ADDRESS,
     "ADDR", "appImplementation()(address)", false, -1, true,
     "set the DstackApp implementation new apps are deployed with"},
    {"add-kms-aggregated-mr", KMS_ON_KMS, "addKmsAggregatedMr(bytes32)", KMS_ARG_B32, "MR",
     "kmsAllowedAggregatedMrs(bytes32)(bool)", true, 1, true,
     "allow a KMS aggregated measurement"},
    {"remove-kms-aggregated-mr", KMS_ON_KMS, "removeKmsAggregatedMr(bytes32)", KMS_ARG_B32, "MR",
     "kmsAllowedAggregatedMrs(bytes32)(bool)", true, 0, true,
     "revoke a KMS aggregated measurement"},
    {"add-kms-device", KMS_ON_KMS, "addKmsDevice(bytes32)", KMS_ARG_B32, "DEVICE",
     "kmsAllowedDeviceIds(bytes32)(bool)", true, 1, true, "allow a device for the KMS"},
    {"remove-kms-device", KMS_ON_KMS, "removeKmsDevice(bytes32)", KMS_ARG_B32, "DEVICE",
     "kmsAllowedDeviceIds(bytes32)(bool)", true, 0, true, "revoke a device of the KMS"},
    {"add-os-image-hash", KMS_ON_KMS, "addOsImageHash(bytes32)", KMS_ARG_B32, "HASH",
     "allowedOsImages(bytes32)(bool)", true, 1, true, "allow an OS image"},
    {"remove-os-image-hash", KMS_ON_KMS, "removeOsImageHash(bytes32)", KMS_ARG_B32, "HASH",
     "allowedOsImages(bytes32)(bool)", true, 0, true, "revoke an OS image"},
    {"register-app", KMS_ON_KMS, "registerApp(address)", KMS_ARG_ADDRESS, "APP",
     "registeredApps(address)(bool)", true, 1, false,
     "register an app (anyone may; it still needs a DstackApp that allows its boots)"},
    OWNER_ACTIONS(KMS_ON_KMS),
};

static const kms_action APP_ACTIONS[] = {
    {"add-compose-hash", KMS_ON_APP, "addComposeHash(bytes32)", KMS_ARG_B32, "HASH",
     "allowedComposeHashes(bytes32)(bool)", true, 1, true, "allow a compose hash"},
    {"remove-compose-hash", KMS_ON_APP, "removeComposeHash(bytes32)", KMS_ARG_B32, "HASH",
     "allowedComposeHashes(bytes32)(bool)", true, 0, true, "revoke a compose hash"},
    {"add-device", KMS_ON_APP, "addDevice(bytes32)", KMS_ARG_B32, "DEVICE",
     "allowedDeviceIds(bytes32)(bool)", true, 1, true, "allow a device"},
    {"remove-device", KMS_ON_APP, "removeDevice(bytes32)", KMS_ARG_B32, "DEVICE",
     "allowedDeviceIds(bytes32)(bool)", true, 0, true, "revoke a device"},
    {"set-allow-any-device", KMS_ON_APP, "setAllowAnyDevice(bool)", KMS_ARG_BOOL, "true|false",
     "allowAnyDevice()(bool)", false, -1, true, "let the app boot on any device, or not"},
    {"set-require-tcb-up-to-date", KMS_ON_APP, "setRequireTcbUpToDate(bool)", KMS_ARG_BOOL,
     "true|false", "requireTcbUpToDate()(bool)", false, -1, true,
     "refuse boots whose TCB status is not UpToDate, or not"},
    {"disable-upgrades", KMS_ON_APP, "disableUpgrades()", KMS_ARG_NONE, "", NULL, false, -1, true,
     "forbid upgrades of the app for good"},
    OWNER_ACTIONS(KMS_ON_APP),
};

const kms_action *kms_actions(kms_action_target t, size_t *n)
{
    *n = t == KMS_ON_KMS ? sizeof KMS_ACTIONS / sizeof KMS_ACTIONS[0]
                         : sizeof APP_ACTIONS / sizeof APP_ACTIONS[0];
    return t == KMS_ON_KMS ? KMS_ACTIONS : APP_ACTIONS;
}

const kms_action *kms_action_find(kms_action_target t, const char *name)
{
    size_t n;
    const kms_action *all = kms_actions(t, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].name, name) == 0)
            return &all[i];
    return NULL;
}

/* Checks hex text of exactly `bytes` bytes (0 for any length). */
static int check_hex(const kms_action *a, const char *text, size_t bytes, eth_error *err)
{
    eth_buf b = {0};
    char shown[ETH_CLIP_BUF];
    int rc = eth_hex_decode(text, strlen(text), &b, err);
    size_t got = b.len;
    eth_buf_clear(&b);
    if (rc)
        return eth_error_prefix(err, "%s %s '%s': ", a->name, a->arg_name,
                                eth_text_clipz(text, shown));
    if (bytes && got != bytes)
        return eth_fail(err, ETH_EINVAL, "%s %s '%s': expected %zu bytes of hex, got %zu",
                        a->name, a->arg_name, eth_text_clipz(text, shown), bytes, got);
    return 0;
}

/* Checks one argument of a and points *use at its text (an address canonical, in addr). */
static int check_arg(const kms_action *a, const char *text, char addr_text[43], const char **use,
                     eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    uint8_t addr[20];
    *use = text;
    switch (a->arg) {
    case KMS_ARG_B32:
        return check_hex(a, text, 32, err);
    case KMS_ARG_BYTES:
    case KMS_ARG_KMS_INFO:
        return check_hex(a, text, 0, err);
    case KMS_ARG_ADDRESS:
        if (eth_address_parse(text, addr, 1, err) != 0)
            return eth_error_prefix(err, "%s %s: ", a->name, a->arg_name);
        *use = kms_text_addr(addr, addr_text);
        return 0;
    case KMS_ARG_BOOL:
        if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
            return eth_fail(err, ETH_EINVAL, "%s: '%s' is not true or false", a->name,
                            eth_text_clipz(text, shown));
        return 0;
    case KMS_ARG_STRING:
        if (eth_text_has_control(text, strlen(text)) ||
            !eth_utf8_valid((const uint8_t *)text, strlen(text)))
            return eth_fail(err, ETH_EINVAL, "%s %s '%s': control characters or invalid UTF-8",
                            a->name, a->arg_name, eth_text_clipz(text, shown));
        return 0;
    default:
        return 0;
    }
}

/* The argument texts of a, checked, in *texts (n of them; kmsInfo's four joined as a tuple in
 * tuple). */
static int arg_texts(const kms_action *a, const char *const *args, char addr[43],
                     eth_buf *tuple, const char *texts[4], size_t *n, eth_error *err)
{
    *n = a->arg == KMS_ARG_NONE ? 0 : a->arg == KMS_ARG_KMS_INFO ? 4 : 1;
    for (size_t i = 0; i < *n; i++) {
        int rc = check_arg(a, args[i], addr, &texts[i], err);
        if (rc)
            return rc;
    }
    if (a->arg != KMS_ARG_KMS_INFO)
        return 0;
    int rc = eth_buf_printf(tuple, err, "(%s,%s,%s,%s)", args[0], args[1], args[2], args[3]);
    return rc ? rc : eth_buf_terminate(tuple, err);
}

int kms_action_calldata(const kms_action *a, const char *const *args, eth_buf *out,
                        eth_error *err)
{
    char addr[43];
    const char *texts[4];
    size_t n;
    eth_buf tuple = {0};
    int rc = arg_texts(a, args, addr, &tuple, texts, &n, err);
    if (rc == 0 && a->arg == KMS_ARG_KMS_INFO) {
        const char *one[] = {eth_buf_str(&tuple)};
        rc = kms_calldata(a->sig, one, 1, out, err);
    } else if (rc == 0) {
        rc = kms_calldata(a->sig, texts, n, out, err);
    }
    eth_buf_clear(&tuple);
    return rc;
}

/* A keyed bool getter: the mapping's value for the argument against a->result. */
static int keyed_noop(const kms_action *a, const char *arg, eth_rpc *rpc, const uint8_t at[20],
                      bool *noop, char *why, size_t cap, eth_error *err)
{
    kms_result r;
    bool now = false;
    int rc = kms_view(rpc, at, NULL, "latest", a->getter, &arg, 1, &r, err);
    if (rc == 0)
        rc = kms_result_bool(&r, 0, &now, err);
    kms_result_clear(&r);
    *noop = rc == 0 && now == (a->result == 1);
    if (*noop)
        snprintf(why, cap, "%.80s is %s already", arg,
                 a->result == 1 ? "allowed" : strcmp(a->name, "register-app") == 0
                                                  ? "registered"
                                                  : "not allowed");
    return rc;
}

/* An unkeyed getter: its return data against the argument encoded as its outputs. */
static int value_noop(const kms_action *a, const char *const *texts, size_t n, eth_rpc *rpc,
                      const uint8_t at[20], bool *noop, char *why, size_t cap, eth_error *err)
{
    eth_buf call = {0}, ret = {0}, want = {0};
    const char *outputs = strchr(a->getter, ')') + 1; /* "(bool)" of "allowAnyDevice()(bool)" */
    int rc = kms_calldata(a->getter, NULL, 0, &call, err);
    eth_call_req req = {.to = at, .data = call.data, .data_len = call.len};
    if (rc == 0)
        rc = eth_rpc_call_contract(rpc, &req, "latest", &ret, err);
    if (rc == 0)
        rc = kms_abi_encode(outputs, texts, n, &want, err);
    *noop = rc == 0 && ret.len == want.len && memcmp(ret.data, want.data, want.len) == 0;
    if (*noop)
        snprintf(why, cap, "%s reads that already", a->getter);
    eth_buf_clear(&call);
    eth_buf_clear(&ret);
    eth_buf_clear(&want);
    return rc;
}

/* disable-upgrades: the private flag in the lowest byte of slot 1. */
static int upgrades_noop(eth_rpc *rpc, const uint8_t at[20], bool *noop, char *why, size_t cap,
                         eth_error *err)
{
    uint8_t slot[32] = {0}, value[32];
    slot[31] = UPGRADES_DISABLED_SLOT;
    int rc = eth_rpc_get_storage(rpc, at, slot, "latest", value, err);
    *noop = rc == 0 && value[31] != 0;
    if (*noop)
        snprintf(why, cap, "upgrades of this app are disabled already");
    return rc;
}

int kms_action_is_noop(const kms_action *a, const char *const *args, eth_rpc *rpc,
                       const uint8_t at[20], bool *noop, char *why, size_t cap, eth_error *err)
{
    *noop = false;
    why[0] = '\0';
    if (strcmp(a->name, "disable-upgrades") == 0)
        return upgrades_noop(rpc, at, noop, why, cap, err);
    if (!a->getter)
        return 0;
    char addr[43];
    const char *texts[4];
    size_t n;
    eth_buf tuple = {0};
    int rc = arg_texts(a, args, addr, &tuple, texts, &n, err);
    if (rc == 0 && a->getter_keyed)
        rc = keyed_noop(a, texts[0], rpc, at, noop, why, cap, err);
    else if (rc == 0)
        rc = value_noop(a, texts, n, rpc, at, noop, why, cap, err);
    eth_buf_clear(&tuple);
    return rc;
}
