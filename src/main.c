/* main.c: kmsctl's one command table and dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static const cli_command COMMANDS[] = {
    {"keccak", "Keccak-256 of hex data or UTF-8 text", cmd_keccak},
    {"sig", "4-byte selector of a function signature", cmd_sig},
    {"calldata", "ABI-encode a call: selector and arguments", cmd_calldata},
    {"abi-encode", "ABI-encode arguments without a selector", cmd_abi_encode},
    {"abi-decode", "decode ABI output (or --input calldata) of a signature", cmd_abi_decode},
    {"decode-calldata", "decode calldata against a signature", cmd_decode_calldata},
    {"to-checksum", "EIP-55 checksummed form of an address", cmd_to_checksum},
    {"decode-tx", "decode a raw signed transaction and recover its sender", cmd_decode_tx},
    {"wallet", "keys and keystores: address, new, import, list", cmd_wallet},
    {"contracts", "embedded contract artifacts: list, abi, bytecode", cmd_contracts},
};

static void print_help(FILE *f)
{
    fputs("kmsctl: deploy, govern, audit and serve an on-chain KMS policy (DstackKms / DstackApp).\n\n"
          "Usage: kmsctl COMMAND [ARGS] [--json] [--help]\n\nCommands:\n", f);
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        fprintf(f, "  %-16s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fputs("\nRun 'kmsctl COMMAND --help' for a command's options and an example.\n"
          "Exit codes: 0 ok, 1 failure, 2 usage error.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        print_help(stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(name, COMMANDS[i].name) == 0)
            return COMMANDS[i].run(argc - 1, argv + 1);
    fprintf(stderr, "kmsctl: unknown command '%s'\nRun 'kmsctl --help' for the list.\n", name);
    return CLI_USAGE;
}
