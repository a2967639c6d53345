/* cmd_tx.c: kmsctl decode-tx RAW, byte for byte as cast decode-tx RAW. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eth/hex.h"
#include "eth/text.h"
#include "eth/tx.h"
#include "eth/tx_json.h"

/* Prints o as cast does: the indented JSON text, itself written as one JSON string. */
static int print_cast_style(json_t *o)
{
    char *inner = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_t *str = inner ? json_string(inner) : NULL;
    free(inner);
    char *outer = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
    json_decref(str);
    if (!outer)
        return cli_fail("decode-tx: out of memory");
    puts(outer);
    free(outer);
    return CLI_OK;
}

/* Decodes hex text, the transaction, its signer and hash into *out. */
static int decode(const char *text, json_t **out, eth_error *err)
{
    eth_buf raw = {0};
    eth_tx tx;
    eth_tx_init(&tx);
    uint8_t signer[20], hash[32];
    int rc = strncmp(text, "0X", 2) == 0
                 ? eth_fail(err, ETH_EINVAL, "hex must start with a lower-case 0x")
                 : eth_hex_decode(text, strlen(text), &raw, err);
    if (rc == 0 && raw.len == 0)
        rc = eth_fail(err, ETH_EINVAL, "empty transaction");
    if (rc == 0)
        rc = eth_tx_decode(raw.data, raw.len, &tx, err);
    if (rc == 0)
        rc = eth_tx_sender(&tx, signer, err);
    if (rc == 0)
        rc = eth_tx_hash(&tx, hash, err);
    if (rc == 0)
        rc = eth_tx_to_json(&tx, signer, hash, out, err);
    eth_buf_clear(&raw);
    eth_tx_clear(&tx);
    return rc;
}

static int run_decode_tx(cli_call *c)
{
    eth_error err = {0};
    eth_buf in = {0};
    int rc = c->nargs ? 0 : cli_read_stdin_text(&in, &err);
    const char *text = c->nargs ? c->args[0] : eth_buf_str(&in);
    json_t *o = NULL;
    if (rc == 0)
        rc = decode(text, &o, &err);
    if (rc == 0) {
        rc = print_cast_style(o);
        json_decref(o);
    } else {
        char shown[ETH_CLIP_BUF];
        rc = cli_fail("decode-tx: RAW '%s': %s", eth_text_clipz(text, shown), err.msg);
    }
    eth_buf_clear(&in);
    return rc;
}

const cli_action CMD_DECODE_TX = {
    .name = "decode-tx",
    .summary = "decode a raw signed transaction and recover its sender",
    .run = run_decode_tx,
    .args = "[RAW]",
    .min_args = 0,
    .max_args = 1,
    .json = "the same output (it is JSON already)",
    .about = "Decodes a raw signed transaction (0x hex; legacy with or without EIP-155, EIP-2930\n"
             "type 1, EIP-1559 type 2), recovers its signer and prints the fields as cast\n"
             "decode-tx does: one JSON string holding the indented JSON object. Without RAW,\n"
             "reads it from stdin (text: a NUL byte is refused).",
    .example = "$ kmsctl decode-tx 0xf86c098504a817c800825208943535353535353535353535353535353535"
               "353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e159"
               "0620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83\n"
               "\"{\\n  \\\"signer\\\": \\\"0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f\\\", ...\"",
};
