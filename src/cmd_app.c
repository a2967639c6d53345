/* cmd_app.c: kmsctl app ACTION --app ADDR: a DstackApp's owner-protected methods through
 * whichever governance model owns it. */
#include "cli.h"
#include "commands.h"
#include "keyflags.h"
#include "app_cli.h"
#include "policy_cli.h"
#include "upgrade_cli.h"

static int run_app(cli_call *c)
{
    return cli_policy_run(c, KMS_ON_APP);
}

static const cli_flag *const APP_SETS[] = {CLI_APP_FLAGS, CLI_BATCH_FLAGS, CLI_GOV_FLAGS,
                                          CLI_CHAIN_FLAGS, CLI_KEY_FLAGS, CLI_TX_FLAGS, NULL};
static const cli_flag *const UPGRADE_SETS[] = {CLI_APP_FLAGS, CLI_UPGRADE_FLAGS, CLI_GOV_FLAGS,
                                              CLI_CHAIN_FLAGS, CLI_KEY_FLAGS, CLI_TX_FLAGS, NULL};
static const cli_flag *const INFO_SETS[] = {CLI_APP_FLAGS, CLI_CHAIN_FLAGS, NULL};

static int run_upgrade(cli_call *c)
{
    return cli_upgrade_run(c, KMS_ON_APP);
}

static const cli_flag *const RENOUNCE_SETS[] = {CLI_APP_FLAGS, CLI_RENOUNCE_FLAGS, CLI_GOV_FLAGS,
                                               CLI_CHAIN_FLAGS, CLI_KEY_FLAGS, CLI_TX_FLAGS,
                                               NULL};

#define APP "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be"
#define EX(cmd, out) "$ kmsctl app " cmd " --app " APP "\n" out
#define DONE "done: DstackApp.addComposeHash(0x1111...) in block 42 (tx 0x...)"
#define ROW(name, summary, args, min, max, about, example)                                        \
    {name, summary, run_app, args, min, max, APP_SETS, CLI_GOV_JSON, CLI_ROUTED(about), example}
#define H1 "0x1111111111111111111111111111111111111111111111111111111111111111"

static const cli_action APP_ACTIONS[] = {
    ROW("add-compose-hash", "allow compose hashes", "HASH...", 1, -1,
        "Allows the app's compose hash HASH (kmsctl compose-hash FILE computes it).",
        EX("add-compose-hash " H1, DONE)),
    ROW("remove-compose-hash", "revoke compose hashes", "HASH...", 1, -1,
        "Revokes the compose hash HASH.", EX("remove-compose-hash " H1, DONE)),
    ROW("add-device", "allow devices", "DEVICE...", 1, -1, "Allows the app to boot on DEVICE.",
        EX("add-device " H1, DONE)),
    ROW("remove-device", "revoke devices", "DEVICE...", 1, -1, "Revokes DEVICE.",
        EX("remove-device " H1, DONE)),
    ROW("set-allow-any-device", "let the app boot on any device, or not", "true|false", 1, 1,
        "Sets allowAnyDevice.", EX("set-allow-any-device false", DONE)),
    ROW("set-require-tcb-up-to-date", "refuse boots whose TCB is not up to date, or not",
        "true|false", 1, 1, "Sets requireTcbUpToDate.",
        EX("set-require-tcb-up-to-date true", DONE)),
    ROW("disable-upgrades", "forbid upgrades of the app for good", "", 0, 0,
        "Disables upgrades of the app permanently.", EX("disable-upgrades", DONE)),
    ROW("transfer-ownership", "start handing the app to a new owner", "ADDR", 1, 1,
        "Names ADDR the pending owner (Ownable2Step): ownership moves when ADDR runs "
        "accept-ownership (a Safe or a timelock through a proposal).",
        EX("transfer-ownership 0xE62F1d52ACF2A2464F1005FFa7FAD519a7613f98", DONE)),
    ROW("accept-ownership", "accept a pending ownership transfer", "", 0, 0,
        "Accepts ownership as the pending owner, routed by the pending owner's kind.",
        EX("accept-ownership", DONE)),
    {"upgrade", "upgrade the app to a new implementation, checked", run_upgrade, "", 0, 0,
     UPGRADE_SETS, CLI_GOV_JSON,
     CLI_ROUTED("Upgrades the app's proxy to --implementation ADDR (or the DstackApp built into\n"
            "kmsctl, deployed first with --deploy), refused when it is not UUPS, is a DstackKms,\n"
            "or breaks the storage layout (the differing slots named)."),
     EX("upgrade --deploy", "storage layout: compatible\n" DONE)},
    {"info", "the app's owner, flags, implementation, compose hashes and devices", cli_app_info,
     "", 0, 0, INFO_SETS,
     "{\"owner\", \"pendingOwner\", \"implementation\", \"version\", \"allowAnyDevice\",\n"
     "\"requireTcbUpToDate\", \"upgradesDisabled\", \"composeHashes\", \"devices\",\n"
     "\"deniedByGetters\"}",
     "Reads the app: owner and pending owner, implementation, whether upgrades are disabled,\n"
     "its flags, and its compose hashes and devices (rebuilt from its events, each checked\n"
     "with the contract's getter).",
     "$ kmsctl app info --app " APP "\napp " APP "\n  owner                0x7099...\n  ..."},
    {"renounce-ownership", "leave the app without an owner, for good", run_app, "", 0, 0,
     RENOUNCE_SETS, CLI_GOV_JSON,
     CLI_ROUTED("Renounces ownership: nobody can change the app's policy afterwards. Needs "
            "--i-understand-this-freezes-the-policy."),
     EX("renounce-ownership --i-understand-this-freezes-the-policy", DONE)},
};

const cli_group GROUP_APP = {
    "app",
    "DstackApp governance: compose hashes, devices, flags, upgrades, ownership",
    "Runs an owner-protected method of the DstackApp at --app ADDR through whichever\n"
    "governance model owns it (an account, a TimelockController, a Safe).",
    APP_ACTIONS,
    sizeof APP_ACTIONS / sizeof APP_ACTIONS[0],
};
