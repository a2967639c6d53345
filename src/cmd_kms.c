/* cmd_kms.c: kmsctl kms ACTION: DstackKms's owner-protected methods (and registerApp,
 * deployAndRegisterApp, upgrade) through whichever governance model owns it. */
#include "cli.h"
#include "commands.h"
#include "keyflags.h"
#include "app_cli.h"
#include "policy_cli.h"
#include "upgrade_cli.h"

static int run_kms(cli_call *c)
{
    return cli_policy_run(c, KMS_ON_KMS);
}

static const cli_flag *const KMS_SETS[] = {CLI_KMS_FLAGS, CLI_BATCH_FLAGS, CLI_GOV_FLAGS,
                                          CLI_CHAIN_FLAGS, CLI_KEY_FLAGS, CLI_TX_FLAGS, NULL};
static const cli_flag *const UPGRADE_SETS[] = {CLI_KMS_FLAGS, CLI_UPGRADE_FLAGS, CLI_GOV_FLAGS,
                                              CLI_CHAIN_FLAGS, CLI_KEY_FLAGS, CLI_TX_FLAGS, NULL};
static const cli_flag *const DEPLOY_APP_SETS[] = {CLI_KMS_FLAGS, CLI_DEPLOY_APP_FLAGS,
                                                 CLI_CHAIN_FLAGS, CLI_KEY_FLAGS, CLI_TX_FLAGS,
                                                 NULL};

static int run_upgrade(cli_call *c)
{
    return cli_upgrade_run(c, KMS_ON_KMS);
}

static const cli_flag *const RENOUNCE_SETS[] = {CLI_KMS_FLAGS, CLI_RENOUNCE_FLAGS, CLI_GOV_FLAGS,
                                               CLI_CHAIN_FLAGS, CLI_KEY_FLAGS, CLI_TX_FLAGS,
                                               NULL};

/* What every routed action's --json prints, and how it is routed. */
#define EX(cmd, out) "$ kmsctl kms " cmd " --manifest kmsctl-deployment.json\n" out

#define ROW(name, summary, args, min, max, about, example)                                        \
    {name, summary, run_kms, args, min, max, KMS_SETS, CLI_GOV_JSON, CLI_ROUTED(about), example}

#define H1 "0x1111111111111111111111111111111111111111111111111111111111111111"
#define SCHEDULED                                                                                 \
    "route: timelock 0x8A79... (delay 86400 s), proposed by the 2-of-3 Safe 0xE62F...\n"          \
    "Safe proposal safe-tx-0-4f1c2a9b0e.json (safeTxHash 0x4f1c...): 0 of 2 signatures."

static const cli_action KMS_ACTIONS[] = {
    ROW("add-os-image-hash", "allow OS images", "HASH...", 1, -1,
        "Allows the OS image HASH (32 bytes) in DstackKms: KMS and app boots on it pass that "
        "check.", EX("add-os-image-hash " H1, SCHEDULED)),
    ROW("remove-os-image-hash", "revoke OS images", "HASH...", 1, -1,
        "Revokes the OS image HASH.", EX("remove-os-image-hash " H1, SCHEDULED)),
    ROW("add-kms-aggregated-mr", "allow KMS aggregated measurements", "MR...", 1, -1,
        "Allows the KMS aggregated measurement MR.", EX("add-kms-aggregated-mr " H1, SCHEDULED)),
    ROW("remove-kms-aggregated-mr", "revoke KMS aggregated measurements", "MR...", 1, -1,
        "Revokes the KMS aggregated measurement MR.",
        EX("remove-kms-aggregated-mr " H1, SCHEDULED)),
    ROW("add-kms-device", "allow KMS devices", "DEVICE...", 1, -1,
        "Allows the KMS to boot on DEVICE.", EX("add-kms-device " H1, SCHEDULED)),
    ROW("remove-kms-device", "revoke KMS devices", "DEVICE...", 1, -1,
        "Revokes DEVICE for the KMS.", EX("remove-kms-device " H1, SCHEDULED)),
    ROW("set-kms-info", "set the KMS's keys, quote and event log", "K256 CA QUOTE EVENTLOG", 4,
        4, "Sets kmsInfo: the k256 public key, the CA public key, the quote and the event log "
           "(each 0x hex).",
        EX("set-kms-info 0x02aa 0x03bb 0x0102 0x", SCHEDULED)),
    ROW("set-kms-quote", "set the KMS's quote", "QUOTE", 1, 1, "Sets the KMS's quote (0x hex).",
        EX("set-kms-quote 0x0102", SCHEDULED)),
    ROW("set-kms-eventlog", "set the KMS's event log", "EVENTLOG", 1, 1,
        "Sets the KMS's event log (0x hex).", EX("set-kms-eventlog 0x0102", SCHEDULED)),
    ROW("set-gateway-app-id", "set the gateway's app id", "ID", 1, 1,
        "Sets the gateway app id dstack-kms hands out.", EX("set-gateway-app-id gw-1", SCHEDULED)),
    ROW("set-app-implementation", "set the DstackApp implementation for new apps", "ADDR", 1, 1,
        "Sets the DstackApp implementation deployAndRegisterApp uses.",
        EX("set-app-implementation 0x5FbDB2315678afecb367f032d93F642f64180aa3", SCHEDULED)),
    ROW("register-app", "register apps (anyone may)", "APP...", 1, -1,
        "Registers APP in DstackKms. registerApp is not owner-protected: the key given sends it.",
        EX("register-app 0x5FbDB2315678afecb367f032d93F642f64180aa3 --dev-account 3",
           "done: DstackKms.registerApp(0x5fbd...) in block 31 (tx 0x...)")),
    ROW("transfer-ownership", "start handing DstackKms to a new owner", "ADDR", 1, 1,
        "Names ADDR the pending owner (Ownable2Step): ownership moves when ADDR runs "
        "accept-ownership.",
        EX("transfer-ownership 0x70997970C51812dc3A010C7d01b50e0d17dc79C8", SCHEDULED)),
    ROW("accept-ownership", "accept a pending ownership transfer", "", 0, 0,
        "Accepts ownership as the pending owner, routed by the pending owner's kind (its key, "
        "its timelock or its Safe).",
        EX("accept-ownership", SCHEDULED)),
    {"deploy-app", "deploy and register an app through the factory (anyone may)",
     cli_kms_deploy_app, "", 0, 0, DEPLOY_APP_SETS, "{\"app\", \"owner\", \"block\"}",
     "Deploys a DstackApp proxy of the KMS's app implementation through\n"
     "deployAndRegisterApp, registered at once, with --owner (default: the key given) and the\n"
     "app's first device and compose hash. Any account may call it: the key given sends it.",
     "$ kmsctl kms deploy-app --owner 0x7099... --compose-hash 0x11...11 --dev-account 1\n"
     "deployed and registered the app 0xa16E... (owner 0x7099...) in block 30"},
    {"upgrade", "upgrade DstackKms to a new implementation, checked", run_upgrade, "", 0, 0,
     UPGRADE_SETS, CLI_GOV_JSON,
     CLI_ROUTED("Upgrades the DstackKms proxy to --implementation ADDR (or the one built into kmsctl,\n"
            "deployed first with --deploy). Refused when the new implementation is not UUPS, is\n"
            "a DstackApp, or has a storage layout that is not an append-only extension of the\n"
            "current one (the differing slots named); code kmsctl does not know needs --layout\n"
            "FILE or --unsafe-skip-layout-check."),
     EX("upgrade --deploy", "storage layout: compatible\n" SCHEDULED)},
    {"renounce-ownership", "leave DstackKms without an owner, for good", run_kms, "", 0, 0,
     RENOUNCE_SETS, CLI_GOV_JSON,
     CLI_ROUTED("Renounces ownership: nobody can change the policy afterwards, ever. Needs "
            "--i-understand-this-freezes-the-policy."),
     EX("renounce-ownership --i-understand-this-freezes-the-policy", SCHEDULED)},
};

const cli_group GROUP_KMS = {
    "kms",
    "DstackKms governance: allowlists, KMS info, apps, upgrades, ownership",
    "Runs an owner-protected method of DstackKms through whichever governance model owns it\n"
    "(an account, a TimelockController, a Safe). The contract is --kms ADDR, or the one in\n"
    "--manifest FILE (default kmsctl-deployment.json).",
    KMS_ACTIONS,
    sizeof KMS_ACTIONS / sizeof KMS_ACTIONS[0],
};
