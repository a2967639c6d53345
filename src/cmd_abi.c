/* cmd_abi.c: sig, calldata, abi-encode, abi-decode, decode-calldata (output as cast 1.7.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eth/abi_decode.h"
#include "eth/abi_encode.h"
#include "eth/abi_format.h"
#include "eth/abi_selector.h"
#include "eth/abi_sig.h"
#include "eth/hex.h"
#include "eth/text.h"

#define VALUES_HELP                                                                               \
    "Values: 0x hex, decimal or 0x numbers (with units: 1.5ether, '2 gwei'), true/false,\n"     \
    "tuples (a,b), arrays [a,b], strings plain or quoted. A value starting with '-' goes\n"      \
    "after '--'."

static int parse_sig(const char *text, bool lenient, eth_abi_sig *sig)
{
    eth_error err = {0};
    if (eth_abi_sig_parse(text, lenient, sig, &err) != 0) {
        char shown[ETH_CLIP_BUF];
        return cli_fail("signature '%s': %s", eth_text_clipz(text, shown), err.msg);
    }
    return CLI_OK;
}

/* Prints p[0..n) as one 0x line, or {key: "0x.."} with --json. */
static int print_hex(const cli_call *c, const uint8_t *p, size_t n, const char *key)
{
    char *h = NULL;
    eth_error err = {0};
    if (eth_hex_encode_alloc(p, n, &h, &err) != 0)
        return cli_fail_err(&err);
    int rc = cli_print_value(c, key, h);
    free(h);
    return rc;
}

static int run_sig(cli_call *c)
{
    eth_abi_sig sig;
    int rc = parse_sig(c->args[0], true, &sig);
    if (rc != CLI_OK)
        return rc;
    uint8_t sel[4];
    eth_error err = {0};
    rc = eth_abi_selector(&sig, sel, &err) != 0 ? cli_fail_err(&err)
                                                : print_hex(c, sel, 4, "selector");
    eth_abi_sig_clear(&sig);
    return rc;
}

const cli_action CMD_SIG = {
    .name = "sig",
    .summary = "4-byte selector of a function signature",
    .run = run_sig,
    .args = "SIGNATURE",
    .min_args = 1,
    .max_args = 1,
    .json = "print {\"selector\": \"0x...\"}",
    .about = "Prints the 4-byte function selector of SIGNATURE (parameter names, 'memory',\n"
             "'indexed', modifiers and a returns part are allowed and ignored), as cast sig.",
    .example = "$ kmsctl sig 'transfer(address to, uint256 amount)'\n0xa9059cbb",
};

/* Encodes c->args[1..] against the signature's inputs, the selector first if with_selector. */
static int encode_common(cli_call *c, bool with_selector)
{
    eth_abi_sig sig;
    int rc = parse_sig(c->args[0], false, &sig);
    if (rc != CLI_OK)
        return rc;
    size_t given = (size_t)c->nargs - 1, want = sig.inputs->nfields;
    if (given != want) {
        char shown[ETH_CLIP_BUF];
        rc = cli_usage(c, "'%s' takes %zu argument%s, got %zu", eth_text_clipz(c->args[0], shown),
                       want, want == 1 ? "" : "s", given);
        eth_abi_sig_clear(&sig);
        return rc;
    }
    eth_buf out = {0};
    eth_error err = {0};
    uint8_t sel[4];
    int lrc = 0;
    if (with_selector) {
        lrc = eth_abi_selector(&sig, sel, &err);
        if (lrc == 0)
            lrc = eth_buf_append(&out, sel, 4, &err);
    }
    if (lrc == 0)
        lrc = eth_abi_encode_args(sig.inputs, c->args + 1, given, &out, &err);
    rc = lrc ? cli_fail_err(&err)
             : print_hex(c, out.data, out.len, with_selector ? "calldata" : "encoded");
    eth_buf_clear(&out);
    eth_abi_sig_clear(&sig);
    return rc;
}

static int run_calldata(cli_call *c)
{
    return encode_common(c, true);
}

static int run_abi_encode(cli_call *c)
{
    return encode_common(c, false);
}

const cli_action CMD_CALLDATA = {
    .name = "calldata",
    .summary = "ABI-encode a call: selector and arguments",
    .run = run_calldata,
    .args = "SIGNATURE [ARGS...]",
    .min_args = 1,
    .max_args = -1,
    .json = "print {\"calldata\": \"0x...\"}",
    .about = "Prints the selector followed by the ABI-encoded arguments, as cast calldata.\n"
             VALUES_HELP,
    .example = "$ kmsctl calldata 'transfer(address,uint256)' "
               "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045 1ether\n"
               "0xa9059cbb000000000000000000000000d8da6bf26964af9d7eed9e03e53415d37aa96045"
               "0000000000000000000000000000000000000000000000000de0b6b3a7640000",
};

const cli_action CMD_ABI_ENCODE = {
    .name = "abi-encode",
    .summary = "ABI-encode arguments without a selector",
    .run = run_abi_encode,
    .args = "SIGNATURE [ARGS...]",
    .min_args = 1,
    .max_args = -1,
    .json = "print {\"encoded\": \"0x...\"}",
    .about = "Prints the ABI encoding of the arguments without a selector, as cast abi-encode.\n"
             VALUES_HELP,
    .example = "$ kmsctl abi-encode 'f(uint8,bool)' 7 true\n"
               "0x0000000000000000000000000000000000000000000000000000000000000007"
               "0000000000000000000000000000000000000000000000000000000000000001",
};

/* Hex text with optional lower-case 0x prefix (as cast), even length. */
static int parse_data(const char *text, eth_buf *out)
{
    char shown[ETH_CLIP_BUF];
    eth_error err = {0};
    if (strncmp(text, "0X", 2) == 0 ||
        eth_hex_decode(text, strlen(text), out, &err) != 0)
        return cli_fail("data '%s': %s", eth_text_clipz(text, shown),
                        err.msg[0] ? err.msg : "invalid hex character 'X' at position 1");
    return CLI_OK;
}

static json_t *to_json(const eth_abi_value *v)
{
    eth_abi_kind k = v->type->kind;
    if (k == ETH_ABI_ARRAY || k == ETH_ABI_FIXED_ARRAY || k == ETH_ABI_TUPLE) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < v->nitems; i++)
            if (json_array_append_new(arr, to_json(&v->items[i])) != 0) {
                json_decref(arr);
                return NULL;
            }
        return arr;
    }
    eth_buf b = {0};
    eth_error err = {0};
    json_t *s = NULL;
    if (eth_abi_format_plain(v, &b, &err) == 0)
        s = json_stringn((const char *)b.data, b.len);
    eth_buf_clear(&b);
    return s;
}

static int print_values(const cli_call *c, const eth_abi_value *tuple)
{
    if (c->json)
        return cli_print_json(to_json(tuple));
    for (size_t i = 0; i < tuple->nitems; i++) {
        eth_buf b = {0};
        eth_error err = {0};
        if (eth_abi_format(&tuple->items[i], &b, &err) != 0) {
            eth_buf_clear(&b);
            return cli_fail_err(&err);
        }
        fwrite(b.data, 1, b.len, stdout);
        fputc('\n', stdout);
        eth_buf_clear(&b);
    }
    return CLI_OK;
}

/* Decodes c->args[1] against types (skipping a 4-byte selector if skip4 and present), prints. */
static int decode_and_print(const cli_call *c, const eth_abi_type *types, bool skip4)
{
    if (types->nfields == 0)
        return cli_fail("nothing to decode: the signature has no %s types",
                        skip4 ? "input" : "output");
    eth_buf data = {0};
    int rc = parse_data(c->args[1], &data);
    if (rc != CLI_OK) {
        eth_buf_clear(&data);
        return rc;
    }
    size_t off = skip4 && data.len >= 4 ? 4 : 0;
    eth_abi_value v;
    eth_error err = {0};
    if (eth_abi_decode(types, data.data + off, data.len - off, &v, &err) != 0) {
        char shown[ETH_CLIP_BUF];
        rc = cli_fail("data '%s': %s", eth_text_clipz(c->args[1], shown), err.msg);
    } else {
        rc = print_values(c, &v);
        eth_abi_value_clear(&v);
    }
    eth_buf_clear(&data);
    return rc;
}

static int decode_common(cli_call *c, bool calldata)
{
    eth_abi_sig sig;
    int rc = parse_sig(c->args[0], false, &sig);
    if (rc != CLI_OK)
        return rc;
    bool input = calldata || cli_given(c, "input");
    rc = decode_and_print(c, input ? sig.inputs : sig.outputs, calldata);
    eth_abi_sig_clear(&sig);
    return rc;
}

static int run_abi_decode(cli_call *c)
{
    return decode_common(c, false);
}

static int run_decode_calldata(cli_call *c)
{
    return decode_common(c, true);
}

static const cli_flag DECODE_FLAGS[] = {
    {"input", NULL, "decode DATA against the input types (calldata without selector)", NULL,
     false},
    CLI_FLAGS_END,
};
static const cli_flag *const DECODE_FLAG_SETS[] = {DECODE_FLAGS, NULL};

#define DECODE_JSON "print the values as a JSON array (leaves as strings, tuples and\n"          \
                    "arrays as arrays)"

const cli_action CMD_ABI_DECODE = {
    .name = "abi-decode",
    .summary = "decode ABI output (or --input calldata) of a signature",
    .run = run_abi_decode,
    .args = "SIGNATURE DATA",
    .min_args = 2,
    .max_args = 2,
    .flags = DECODE_FLAG_SETS,
    .json = DECODE_JSON,
    .about = "Decodes DATA against the output types of SIGNATURE ('name(inputs)(outputs)'), or\n"
             "with --input against its input types, one value per line as cast abi-decode.",
    .example = "$ kmsctl abi-decode 'balanceOf(address)(uint256)' "
               "0x0000000000000000000000000000000000000000000000000de0b6b3a7640000\n"
               "1000000000000000000 [1e18]",
};

const cli_action CMD_DECODE_CALLDATA = {
    .name = "decode-calldata",
    .summary = "decode calldata against a signature",
    .run = run_decode_calldata,
    .args = "SIGNATURE CALLDATA",
    .min_args = 2,
    .max_args = 2,
    .json = DECODE_JSON,
    .about = "Decodes CALLDATA (selector and arguments; the selector is skipped, not checked)\n"
             "against the input types of SIGNATURE, one value per line as cast decode-calldata.",
    .example = "$ kmsctl decode-calldata 'transfer(address,uint256)' 0xa9059cbb000000000000000000"
               "000000d8da6bf26964af9d7eed9e03e53415d37aa960450000000000000000000000000000000000"
               "000000000000000000000000000001\n"
               "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045\n1",
};
