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

static const char HELP_SIG[] =
    "Usage: kmsctl sig SIGNATURE [--json]\n\n"
    "Prints the 4-byte function selector of SIGNATURE (parameter names, 'memory', 'indexed',\n"
    "modifiers and a returns part are allowed and ignored), exactly as 'cast sig'.\n\n"
    "Example:\n  kmsctl sig 'transfer(address to, uint256 amount)'\n  0xa9059cbb\n";

static const char HELP_CALLDATA[] =
    "Usage: kmsctl calldata SIGNATURE [ARGS...] [--json]\n\n"
    "Prints the selector followed by the ABI-encoded arguments, exactly as 'cast calldata'.\n"
    "Values: 0x hex, decimal or 0x numbers (units like '1.5 ether' too), true/false, tuples (a,b),\n"
    "arrays [a,b], strings plain or quoted.\n\n"
    "Example:\n  kmsctl calldata 'transfer(address,uint256)' 0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045 1\n";

static const char HELP_ENCODE[] =
    "Usage: kmsctl abi-encode SIGNATURE [ARGS...] [--json]\n\n"
    "Prints the ABI encoding of the arguments without a selector, exactly as 'cast abi-encode'.\n\n"
    "Example:\n  kmsctl abi-encode 'f(uint256,(bool,string)[])' 7 '[(true,hi),(false,\"a,b\")]'\n";

static const char HELP_DECODE[] =
    "Usage: kmsctl abi-decode SIGNATURE DATA [--input] [--json]\n\n"
    "Decodes DATA against the output types of SIGNATURE ('name(inputs)(outputs)'), or with\n"
    "--input against its input types (DATA without a selector), one value per line as\n"
    "'cast abi-decode' prints them.\n\n"
    "Example:\n  kmsctl abi-decode 'balanceOf(address)(uint256)' "
    "0x0000000000000000000000000000000000000000000000000de0b6b3a7640000\n"
    "  1000000000000000000 [1e18]\n";

static const char HELP_DECODE_CALLDATA[] =
    "Usage: kmsctl decode-calldata SIGNATURE CALLDATA [--json]\n\n"
    "Decodes CALLDATA (selector + arguments; the selector is skipped, not checked) against the\n"
    "input types of SIGNATURE, one value per line as 'cast decode-calldata' prints them.\n\n"
    "Example:\n  kmsctl decode-calldata 'transfer(address,uint256)' 0xa9059cbb000000000000000000000000"
    "d8da6bf26964af9d7eed9e03e53415d37aa960450000000000000000000000000000000000000000000000000000000000000001\n";

/* Quotes at most ~64 characters of a user value for a message. */
static const char *clip(const char *s, char out[80])
{
    size_t n = strlen(s);
    if (n <= 64)
        return s;
    snprintf(out, 80, "%.60s...", s);
    return out;
}

static int parse_sig(const char *text, bool lenient, eth_abi_sig *sig)
{
    eth_error err = {0};
    if (eth_abi_sig_parse(text, lenient, sig, &err) != 0) {
        char c[80];
        return cli_fail("signature '%s': %s", clip(text, c), err.msg);
    }
    return CLI_OK;
}

static int print_hex_line(const uint8_t *p, size_t n, bool json, const char *key)
{
    char *h = NULL;
    eth_error e;
    if (eth_hex_encode_alloc(p, n, &h, &e) != 0)
        h = NULL;
    if (!h)
        return cli_fail("out of memory");
    int rc = CLI_OK;
    if (json)
        rc = cli_print_json(json_pack("{s:s}", key, h));
    else
        puts(h);
    free(h);
    return rc;
}

/* Parses argv for one of these commands: SIG plus positional args within [min, max]. */
static int setup(int argc, char **argv, const char *help, bool *json, bool *input, int min, int max,
                 cli_args *a)
{
    cli_flag flags[] = {{"json", false, NULL, json}, {"input", false, NULL, input}};
    size_t nflags = input ? 2 : 1;
    int rc = cli_parse(argc, argv, flags, nflags, help, a);
    if (rc == CLI_HELP_SHOWN)
        return CLI_OK + 1000;
    if (rc != 0)
        return rc;
    if (a->npos < min || (max >= 0 && a->npos > max))
        return cli_usage_error(argv[0], "expected %s", min == max ? "SIGNATURE and DATA" : "a SIGNATURE");
    return 0;
}

static int finish_setup(int rc, cli_args *a)
{
    cli_args_free(a);
    return rc == CLI_OK + 1000 ? CLI_OK : rc;
}

int cmd_sig(int argc, char **argv)
{
    bool json = false;
    cli_args a = {0};
    int rc = setup(argc, argv, HELP_SIG, &json, NULL, 1, 1, &a);
    if (rc != 0)
        return finish_setup(rc, &a);
    eth_abi_sig sig;
    rc = parse_sig(a.pos[0], true, &sig);
    if (rc == CLI_OK) {
        uint8_t sel[4];
        eth_error err = {0};
        rc = eth_abi_selector(&sig, sel, &err) != 0 ? cli_fail_err(&err)
                                                    : print_hex_line(sel, 4, json, "selector");
        eth_abi_sig_clear(&sig);
    }
    cli_args_free(&a);
    return rc;
}

/* Encodes a.pos[1..] against the signature's inputs, with the selector first if with_selector. */
static int encode_common(int argc, char **argv, const char *help, bool with_selector)
{
    bool json = false;
    cli_args a = {0};
    int rc = setup(argc, argv, help, &json, NULL, 1, -1, &a);
    if (rc != 0)
        return finish_setup(rc, &a);
    eth_abi_sig sig;
    rc = parse_sig(a.pos[0], false, &sig);
    if (rc != CLI_OK) {
        cli_args_free(&a);
        return rc;
    }
    eth_buf out = {0};
    eth_error err = {0};
    uint8_t sel[4];
    int lrc = 0;
    if (with_selector)
        lrc = eth_abi_selector(&sig, sel, &err);
    if (lrc == 0 && with_selector)
        lrc = eth_buf_append(&out, sel, 4, &err);
    if (lrc == 0)
        lrc = eth_abi_encode_args(sig.inputs, a.pos + 1, (size_t)(a.npos - 1), &out, &err);
    rc = lrc != 0 ? cli_fail_err(&err)
                  : print_hex_line(out.data, out.len, json, with_selector ? "calldata" : "encoded");
    eth_buf_clear(&out);
    eth_abi_sig_clear(&sig);
    cli_args_free(&a);
    return rc;
}

int cmd_calldata(int argc, char **argv)
{
    return encode_common(argc, argv, HELP_CALLDATA, true);
}

int cmd_abi_encode(int argc, char **argv)
{
    return encode_common(argc, argv, HELP_ENCODE, false);
}

/* Hex text with optional lower-case 0x prefix (as cast), even length. */
static int parse_data(const char *text, eth_buf *out)
{
    char c[80];
    const char *h = strncmp(text, "0x", 2) == 0 ? text + 2 : text;
    size_t n = strlen(h);
    for (size_t i = 0; i < n; i++)
        if (eth_hex_digit(h[i]) < 0)
            return cli_fail("data '%s': invalid hex character '%c' at position %zu", clip(text, c),
                            h[i], (size_t)(h - text) + i);
    if (n % 2)
        return cli_fail("data '%s': odd number of hex digits (%zu)", clip(text, c), n);
    eth_error err = {0};
    if (eth_buf_reserve(out, n / 2 + 1, &err) != 0)
        return cli_fail_err(&err);
    for (size_t i = 0; i < n; i += 2)
        out->data[out->len++] = (uint8_t)(eth_hex_digit(h[i]) * 16 + eth_hex_digit(h[i + 1]));
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

static int print_values(const eth_abi_value *tuple, bool json)
{
    if (json)
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

/* Decodes data against types (skipping a 4-byte selector if skip4 and present) and prints. */
static int decode_and_print(const eth_abi_type *types, const char *text, bool skip4, bool json)
{
    if (types->nfields == 0)
        return cli_fail("nothing to decode: the signature has no %s types", skip4 ? "input" : "output");
    eth_buf data = {0};
    int rc = parse_data(text, &data);
    if (rc != CLI_OK)
        return rc;
    size_t off = skip4 && data.len >= 4 ? 4 : 0;
    eth_abi_value v;
    eth_error err = {0};
    if (eth_abi_decode(types, data.data + off, data.len - off, &v, &err) != 0) {
        char c[80];
        rc = cli_fail("data '%s': %s", clip(text, c), err.msg);
    } else {
        rc = print_values(&v, json);
        eth_abi_value_clear(&v);
    }
    eth_buf_clear(&data);
    return rc;
}

static int decode_common(int argc, char **argv, const char *help, bool calldata)
{
    bool json = false, input = false;
    cli_args a = {0};
    int rc = setup(argc, argv, help, &json, calldata ? NULL : &input, 2, 2, &a);
    if (rc != 0)
        return finish_setup(rc, &a);
    eth_abi_sig sig;
    rc = parse_sig(a.pos[0], false, &sig);
    if (rc == CLI_OK) {
        const eth_abi_type *types = (calldata || input) ? sig.inputs : sig.outputs;
        rc = decode_and_print(types, a.pos[1], calldata, json);
        eth_abi_sig_clear(&sig);
    }
    cli_args_free(&a);
    return rc;
}

int cmd_abi_decode(int argc, char **argv)
{
    return decode_common(argc, argv, HELP_DECODE, false);
}

int cmd_decode_calldata(int argc, char **argv)
{
    return decode_common(argc, argv, HELP_DECODE_CALLDATA, true);
}
