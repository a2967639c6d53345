/* cmd_contracts.c: kmsctl contracts list|abi|bytecode over the artifacts embedded at build time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eth/hex.h"
#include "eth/text.h"
#include "kms/artifacts.h"

static json_t *artifact_json(const kms_artifact *a)
{
    return json_pack("{s:s,s:s,s:s,s:I,s:I,s:s,s:s}", "name", a->name, "source", a->source,
                     "compiler", a->compiler, "bytecodeSize", (json_int_t)a->bytecode_len,
                     "deployedBytecodeSize", (json_int_t)a->runtime_len, "bytecodeKeccak256",
                     a->bytecode_keccak, "deployedBytecodeKeccak256", a->runtime_keccak);
}

static int run_list(cli_call *c)
{
    json_t *arr = c->json ? json_array() : NULL;
    if (!c->json)
        printf("%-28s %9s %9s  %-66s  %s\n", "NAME", "CREATION", "RUNTIME", "RUNTIME KECCAK256",
               "SOURCE");
    for (size_t i = 0; i < kms_artifact_count(); i++) {
        const kms_artifact *a = kms_artifact_at(i);
        if (!c->json)
            printf("%-28s %9zu %9zu  %-66s  %s\n", a->name, a->bytecode_len, a->runtime_len,
                   a->runtime_keccak, a->source);
        else if (json_array_append_new(arr, artifact_json(a)) != 0) {
            json_decref(arr);
            return cli_fail("out of memory");
        }
    }
    return c->json ? cli_print_json(arr) : CLI_OK;
}

static const kms_artifact *find(const char *name)
{
    const kms_artifact *a = kms_artifact_find(name);
    char shown[ETH_CLIP_BUF];
    if (!a)
        cli_fail("contracts: no artifact named '%s' (kmsctl contracts list shows the names)",
                 eth_text_clipz(name, shown));
    return a;
}

static int run_abi(cli_call *c)
{
    const kms_artifact *a = find(c->args[0]);
    if (!a)
        return CLI_FAIL;
    puts(a->abi_json);
    return CLI_OK;
}

static int run_bytecode(cli_call *c)
{
    const kms_artifact *a = find(c->args[0]);
    if (!a)
        return CLI_FAIL;
    bool runtime = cli_given(c, "runtime");
    char *hex = NULL;
    eth_error err = {0};
    if (eth_hex_encode_alloc(runtime ? a->runtime : a->bytecode,
                             runtime ? a->runtime_len : a->bytecode_len, &hex, &err) != 0)
        return cli_fail_err(&err);
    int rc;
    if (c->json)
        rc = cli_print_json(json_pack("{s:s,s:s,s:s}", "name", a->name, "kind",
                                      runtime ? "runtime" : "creation", "bytecode", hex));
    else
        rc = puts(hex) < 0 ? CLI_FAIL : CLI_OK;
    free(hex);
    return rc;
}

static const cli_flag BYTECODE_FLAGS[] = {
    {"runtime", NULL, "the deployed (runtime) code instead of the creation code", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag *const BYTECODE_FLAG_SETS[] = {BYTECODE_FLAGS, NULL};

static const cli_action ACTIONS[] = {
    {
        .name = "list",
        .summary = "name, sizes, runtime keccak256 and source of every artifact",
        .run = run_list,
        .args = "",
        .min_args = 0,
        .max_args = 0,
        .json = "print [{\"name\", \"source\", \"compiler\", \"bytecodeSize\",\n"
                "\"deployedBytecodeSize\", \"bytecodeKeccak256\", \"deployedBytecodeKeccak256\"}]",
        .about = "Lists the contract artifacts built into kmsctl: our DstackKms and DstackApp,\n"
                 "OpenZeppelin's ERC1967Proxy and TimelockController, and Safe v1.4.1. No file\n"
                 "is read at run time.",
        .example = "$ kmsctl contracts list\n"
                   "NAME                          CREATION   RUNTIME  RUNTIME KECCAK256 ...\n"
                   "DstackKms                        11296     11245  0x... src/DstackKms.sol",
    },
    {
        .name = "abi",
        .summary = "the ABI of one artifact, as JSON",
        .run = run_abi,
        .args = "NAME",
        .min_args = 1,
        .max_args = 1,
        .about = "Prints the ABI of the artifact NAME as compact JSON (kmsctl contracts list\n"
                 "shows the names).",
        .example = "$ kmsctl contracts abi DstackApp\n[{\"inputs\":[],\"stateMutability\":...}]",
    },
    {
        .name = "bytecode",
        .summary = "the creation (or --runtime) code of one artifact, as 0x hex",
        .run = run_bytecode,
        .args = "NAME",
        .min_args = 1,
        .max_args = 1,
        .flags = BYTECODE_FLAG_SETS,
        .json = "print {\"name\", \"kind\": \"creation\"|\"runtime\", \"bytecode\"}",
        .about = "Prints the creation code of the artifact NAME as 0x hex, or with --runtime its\n"
                 "deployed code (immutables zeroed).",
        .example = "$ kmsctl contracts bytecode DstackKms --runtime\n0x6080604052...",
    },
};

const cli_group GROUP_CONTRACTS = {
    .name = "contracts",
    .summary = "embedded contract artifacts: list, abi, bytecode",
    .about = "The contract artifacts compiled into kmsctl (contracts/artifacts at build time).",
    .actions = ACTIONS,
    .nactions = sizeof ACTIONS / sizeof ACTIONS[0],
};
