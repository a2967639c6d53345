/* cmd_compose_hash.c: kmsctl compose-hash FILE: the compose hash of a dstack app-compose.json,
 * as dstack computes it (lib/kms/compose_hash.h), for add-compose-hash and check-boot. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "eth/address.h"
#include "eth/file.h"
#include "eth/hex.h"
#include "eth/text.h"
#include "kms/compose_hash.h"

static int run_compose_hash(cli_call *c)
{
    const char *path = c->args[0];
    eth_buf text = {0};
    eth_error err = {0};
    kms_compose_info info;
    char shown[ETH_CLIP_BUF];
    int rc = eth_file_read(path, KMS_COMPOSE_MAX_FILE, &text, NULL, &err);
    if (rc == 0)
        rc = kms_compose_hash(text.data, text.len, &info, &err);
    eth_buf_clear(&text);
    if (rc)
        return cli_fail("compose-hash %s: %s", eth_text_clipz(path, shown), err.msg);
    char hash[67], app[43];
    eth_hex_encode(info.hash, 32, hash);
    eth_address_checksum(info.app_id, app);
    if (!info.canonical)
        cli_warn("%s is not in the form the dstack SDKs write (compact JSON, keys sorted): the "
                 "hash is of its bytes as they are, so re-formatting the file changes it",
                 eth_text_clipz(path, shown));
    if (c->json)
        return cli_print_json(json_pack("{s:s,s:s,s:b}", "composeHash", hash, "appId", app,
                                        "canonical", info.canonical));
    printf("%s\n", hash);
    return CLI_OK;
}

const cli_action CMD_COMPOSE_HASH = {
    .name = "compose-hash",
    .summary = "the compose hash of a dstack app-compose.json, as dstack computes it",
    .run = run_compose_hash,
    .args = "FILE",
    .min_args = 1,
    .max_args = 1,
    .json = "print {\"composeHash\": \"0x...\", \"appId\": the first 20 bytes (EIP-55),\n"
            "\"canonical\": the file is in the SDKs' form}",
    .about = "SHA-256 of FILE's bytes, exactly as dstack measures the app-compose.json it hands\n"
             "to a CVM (and as dstack-vmm's GetComposeHash answers): the value to allow with\n"
             "`kmsctl app add-compose-hash`. FILE must be one JSON object of at most 256 KiB.\n"
             "The bytes count, not the JSON: re-formatting the file changes the hash. A file\n"
             "not in the form the dstack SDKs write (compact, keys sorted) gets a warning on\n"
             "stderr. When a CVM is given no app id, dstack uses the first 20 bytes of this\n"
             "hash (--json shows it as appId).",
    .example = "$ printf '{\"runner\":\"docker-compose\"}' >app-compose.json\n"
               "$ kmsctl compose-hash app-compose.json\n"
               "0x1120e42a7b5f2ca50128696ea414771441b4fa92373427108a7173181cc80b55",
};
