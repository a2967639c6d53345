/* main.c: kmsctl's one command table. */
#include "cli.h"
#include "commands.h"

#ifndef KMSCTL_VERSION
#define KMSCTL_VERSION "dev"
#endif

static const cli_command COMMANDS[] = {
    {"keccak", NULL, &CMD_KECCAK},
    {"sig", NULL, &CMD_SIG},
    {"calldata", NULL, &CMD_CALLDATA},
    {"abi-encode", NULL, &CMD_ABI_ENCODE},
    {"abi-decode", NULL, &CMD_ABI_DECODE},
    {"decode-calldata", NULL, &CMD_DECODE_CALLDATA},
    {"to-checksum", NULL, &CMD_TO_CHECKSUM},
    {"decode-tx", NULL, &CMD_DECODE_TX},
    {"wallet", &GROUP_WALLET, NULL},
    {"contracts", &GROUP_CONTRACTS, NULL},
    {"devnet", &GROUP_DEVNET, NULL},
    {"balance", NULL, &CMD_BALANCE},
    {"deploy", NULL, &CMD_DEPLOY},
    {"verify", NULL, &CMD_VERIFY},
    {"kms", &GROUP_KMS, NULL},
    {"app", &GROUP_APP, NULL},
    {"timelock", &GROUP_TIMELOCK, NULL},
    {"safe", &GROUP_SAFE, NULL},
    {"check-boot", &GROUP_CHECK_BOOT, NULL},
    {"compose-hash", NULL, &CMD_COMPOSE_HASH},
    {"policy", &GROUP_POLICY, NULL},
    {"serve", NULL, &CMD_SERVE},
    {"demo", NULL, &CMD_DEMO},
};

int main(int argc, char **argv)
{
    return cli_main(COMMANDS, sizeof COMMANDS / sizeof COMMANDS[0], KMSCTL_VERSION, argc, argv);
}
