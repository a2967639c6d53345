/* cmd_contracts.c: `kmsctl contracts list|abi|bytecode` over the artifacts embedded at build time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eth/hex.h"
#include "kms/artifacts.h"

static const char HELP[] =
    "Usage: kmsctl contracts list [--json]\n"
    "       kmsctl contracts abi NAME\n"
    "       kmsctl contracts bytecode NAME [--runtime] [--json]\n\n"
    "Shows the contract artifacts built into kmsctl (our DstackKms/DstackApp, OpenZeppelin's\n"
    "ERC1967Proxy and TimelockController, Safe v1.4.1). No file is read at run time.\n\n"
    "  list       name, source, creation and runtime size, keccak256 of the runtime code\n"
    "  abi        the ABI as JSON\n"
    "  bytecode   the creation code as 0x hex (--runtime: the deployed code)\n\n"
    "Example:\n  kmsctl contracts bytecode DstackKms --runtime\n";

static int list(bool json)
{
    json_t *arr = json ? json_array() : NULL;
    if (!json)
        printf("%-28s %9s %9s  %-66s  %s\n", "NAME", "CREATION", "RUNTIME", "RUNTIME KECCAK256",
               "SOURCE");
    for (size_t i = 0; i < kms_artifact_count(); i++) {
        const kms_artifact *a = kms_artifact_at(i);
        if (!json) {
            printf("%-28s %9zu %9zu  %-66s  %s\n", a->name, a->bytecode_len, a->runtime_len,
                   a->runtime_keccak, a->source);
            continue;
        }
        json_array_append_new(
            arr, json_pack("{s:s,s:s,s:s,s:I,s:I,s:s,s:s}", "name", a->name, "source", a->source,
                           "compiler", a->compiler, "bytecodeSize", (json_int_t)a->bytecode_len,
                           "deployedBytecodeSize", (json_int_t)a->runtime_len, "bytecodeKeccak256",
                           a->bytecode_keccak, "deployedBytecodeKeccak256", a->runtime_keccak));
    }
    return json ? cli_print_json(arr) : CLI_OK;
}

static const kms_artifact *find(const char *name)
{
    const kms_artifact *a = kms_artifact_find(name);
    if (!a)
        cli_fail("contracts: no artifact named '%s' (run 'kmsctl contracts list' for the names)",
                 name);
    return a;
}

static int abi(const char *name)
{
    const kms_artifact *a = find(name);
    if (!a)
        return CLI_FAIL;
    puts(a->abi_json);
    return CLI_OK;
}

static int bytecode(const char *name, bool runtime, bool json)
{
    const kms_artifact *a = find(name);
    if (!a)
        return CLI_FAIL;
    char *hex = NULL;
    eth_error e;
    if ((runtime ? eth_hex_encode_alloc(a->runtime, a->runtime_len, &hex, &e)
                 : eth_hex_encode_alloc(a->bytecode, a->bytecode_len, &hex, &e)) != 0)
        hex = NULL;
    if (!hex)
        return cli_fail("out of memory");
    if (json) {
        json_t *o = json_pack("{s:s,s:s,s:s}", "name", a->name, "kind",
                              runtime ? "runtime" : "creation", "bytecode", hex);
        free(hex);
        return cli_print_json(o);
    }
    puts(hex);
    free(hex);
    return CLI_OK;
}

int cmd_contracts(int argc, char **argv)
{
    bool json = false, runtime = false;
    const cli_flag flags[] = {{"json", false, NULL, &json}, {"runtime", false, NULL, &runtime}};
    cli_args args;
    int rc = cli_parse(argc, argv, flags, 2, HELP, &args);
    if (rc == 0) {
        const char *action = args.npos > 0 ? args.pos[0] : "";
        if (strcmp(action, "list") == 0 && args.npos == 1)
            rc = list(json);
        else if (strcmp(action, "abi") == 0 && args.npos == 2)
            rc = abi(args.pos[1]);
        else if (strcmp(action, "bytecode") == 0 && args.npos == 2)
            rc = bytecode(args.pos[1], runtime, json);
        else
            rc = cli_usage_error("contracts", "contracts: expected 'list', 'abi NAME' or 'bytecode NAME'");
    }
    cli_args_free(&args);
    return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
}
