/* cmd_hash.c: kmsctl keccak and kmsctl to-checksum, byte for byte as cast's keccak and
 * to-check-sum-address. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/keccak.h"
#include "eth/text.h"

/* Hashes data as cast does: valid UTF-8 starting with 0x is hex (trailing whitespace
 * ignored), anything else is hashed as it is. */
static int keccak_of(const uint8_t *p, size_t n, uint8_t hash[32], eth_error *err)
{
    if (n < 2 || p[0] != '0' || p[1] != 'x' || !eth_utf8_valid(p, n)) {
        eth_keccak256(p, n, hash);
        return 0;
    }
    n -= eth_text_trailing_space(p, n);
    eth_buf bytes = {0};
    int rc = eth_hex_decode((const char *)p, n, &bytes, err);
    if (rc == 0)
        eth_keccak256(bytes.data, bytes.len, hash);
    eth_buf_clear(&bytes);
    return rc;
}

static int run_keccak(cli_call *c)
{
    eth_error err = {0};
    eth_buf in = {0};
    const char *what = c->nargs ? "DATA" : "stdin";
    int rc = c->nargs ? eth_buf_append_str(&in, c->args[0], &err) : cli_read_stdin(&in, &err);
    uint8_t hash[32];
    if (rc == 0)
        rc = keccak_of(in.data ? in.data : (const uint8_t *)"", in.len, hash, &err);
    if (rc != 0) {
        char shown[ETH_CLIP_BUF];
        eth_text_clip((const char *)in.data, in.len, shown);
        eth_buf_clear(&in);
        return cli_fail("keccak: %s '%s': %s", what, shown, err.msg);
    }
    eth_buf_clear(&in);
    char hex[67];
    eth_hex_encode(hash, 32, hex);
    return cli_print_value(c, "hash", hex);
}

const cli_action CMD_KECCAK = {
    .name = "keccak",
    .summary = "Keccak-256 of hex data or UTF-8 text",
    .run = run_keccak,
    .args = "[DATA]",
    .min_args = 0,
    .max_args = 1,
    .json = "print {\"hash\": \"0x...\"}",
    .about = "Keccak-256 of DATA, as cast keccak: DATA starting with 0x is hex-decoded (trailing\n"
             "whitespace ignored) and its bytes are hashed; any other DATA is hashed as UTF-8\n"
             "text. Without DATA, hashes what stdin holds the same way (a trailing newline\n"
             "counts as text).",
    .example = "$ kmsctl keccak 'transfer(address,uint256)'\n"
               "0xa9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b",
};

/* Parses a decimal chain id as Rust's u64 does (optional '+', digits, no overflow). */
static int parse_chain_id(const char *s, uint64_t *out)
{
    const char *d = *s == '+' ? s + 1 : s;
    uint64_t v = 0;
    if (*d == '\0')
        return -1;
    for (; *d; d++) {
        if (*d < '0' || *d > '9' || v > (UINT64_MAX - (uint64_t)(*d - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*d - '0');
    }
    *out = v;
    return 0;
}

/* Checksums text (with an optional chain id) and prints it. */
static int checksum_print(const cli_call *c, const char *text, const char *chain)
{
    char shown[ETH_CLIP_BUF], out[43];
    uint8_t addr[20];
    uint64_t chain_id = 0;
    eth_error err = {0};
    if (eth_address_parse(text, addr, 0, &err) != 0)
        return cli_fail("to-checksum: ADDRESS '%s': %s", eth_text_clipz(text, shown), err.msg);
    if (chain && parse_chain_id(chain, &chain_id) != 0)
        return cli_fail("to-checksum: CHAIN_ID '%s': not a decimal chain id below 2^64",
                        eth_text_clipz(chain, shown));
    if (chain)
        eth_address_checksum_chain(addr, chain_id, out);
    else
        eth_address_checksum(addr, out);
    return cli_print_value(c, "address", out);
}

static int run_to_checksum(cli_call *c)
{
    if (c->nargs)
        return checksum_print(c, c->args[0], c->nargs > 1 ? c->args[1] : NULL);
    eth_buf in = {0};
    eth_error err = {0};
    int rc = cli_read_stdin_text(&in, &err);
    if (rc == 0 && in.len == 0)
        rc = eth_fail(&err, ETH_EINVAL, "none given and stdin is empty");
    char *line = (char *)in.data;
    if (rc == 0) {
        line[strcspn(line, "\n")] = '\0';
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[n - 1] = '\0';
    }
    rc = rc ? cli_fail("to-checksum: ADDRESS: %s", err.msg) : checksum_print(c, line, NULL);
    eth_buf_clear(&in);
    return rc;
}

const cli_action CMD_TO_CHECKSUM = {
    .name = "to-checksum",
    .summary = "EIP-55 checksummed form of an address",
    .run = run_to_checksum,
    .args = "[ADDRESS] [CHAIN_ID]",
    .min_args = 0,
    .max_args = 2,
    .json = "print {\"address\": \"0x...\"}",
    .about = "EIP-55 checksummed form of ADDRESS (40 hex digits, optional 0x), as cast\n"
             "to-check-sum-address; with CHAIN_ID (decimal), the EIP-1191 form for that chain.\n"
             "Without ADDRESS, reads it from the first line of stdin (text: a NUL byte is refused).",
    .example = "$ kmsctl to-checksum 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed\n"
               "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
};
