/* cmd_hash.c: `kmsctl keccak` and `kmsctl to-checksum`, byte-for-byte as cast's keccak and
 * to-check-sum-address. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/keccak.h"

static const char KECCAK_HELP[] =
    "Usage: kmsctl keccak [DATA] [--json]\n\n"
    "Keccak-256 of DATA, as `cast keccak`: DATA starting with 0x is hex-decoded (trailing\n"
    "whitespace ignored) and its bytes are hashed; any other DATA is hashed as UTF-8 text.\n"
    "Without DATA, hashes everything read from stdin the same way (a trailing newline counts\n"
    "as text).\n\n"
    "Options:\n"
    "  --json   print {\"hash\": \"0x...\"}\n\n"
    "Example:\n"
    "  kmsctl keccak 'transfer(address,uint256)'\n"
    "  0xa9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b\n";

static const char CHECKSUM_HELP[] =
    "Usage: kmsctl to-checksum [ADDRESS] [CHAIN_ID] [--json]\n\n"
    "EIP-55 checksummed form of ADDRESS (40 hex digits, optional 0x), as\n"
    "`cast to-check-sum-address`; with CHAIN_ID (decimal), the EIP-1191 form for that chain.\n"
    "Without ADDRESS, reads it from the first line of stdin.\n\n"
    "Options:\n"
    "  --json   print {\"address\": \"0x...\"}\n\n"
    "Example:\n"
    "  kmsctl to-checksum 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed\n"
    "  0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n";

/* Copies s into out for an error message, cut to 40 characters with "..." if longer. */
static const char *shown(const char *s, size_t n, char out[48])
{
    size_t keep = n > 40 ? 40 : n;
    memcpy(out, s, keep);
    strcpy(out + keep, n > 40 ? "..." : "");
    for (size_t i = 0; i < keep; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            out[i] = '?';
    return out;
}

/* Length of the UTF-8 sequence at p[0..n) if it is valid (as Rust's str), else 0. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
                 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
        (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
        return 0;
    return len;
}

/* True if p[0..n) is valid UTF-8. */
static int is_utf8(const uint8_t *p, size_t n)
{
    for (size_t i = 0, len; i < n; i += len)
        if ((len = utf8_seq(p + i, n - i)) == 0)
            return 0;
    return 1;
}

/* Length of the Unicode White_Space character (UTF-8) ending at p[n-1], or 0. */
static size_t trailing_space(const uint8_t *p, size_t n)
{
    static const char *const multi[] = {
        "\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf",
        "\xe2\x81\x9f", "\xe3\x80\x80"};
    if (n && (p[n - 1] == ' ' || (p[n - 1] >= '\t' && p[n - 1] <= '\r')))
        return 1;
    for (size_t i = 0; i < sizeof multi / sizeof multi[0]; i++) {
        size_t l = strlen(multi[i]);
        if (n >= l && memcmp(p + n - l, multi[i], l) == 0)
            return l;
    }
    if (n >= 3 && p[n - 3] == 0xe2 && p[n - 2] == 0x80 && p[n - 1] >= 0x80 && p[n - 1] <= 0x8a)
        return 3; /* U+2000..U+200A */
    return 0;
}

/* Hashes data as cast does: UTF-8 text starting with 0x is hex (end-trimmed), else raw bytes. */
static int keccak_of(const uint8_t *p, size_t n, uint8_t hash[32], eth_error *err)
{
    if (n < 2 || p[0] != '0' || p[1] != 'x' || !is_utf8(p, n)) {
        eth_keccak256(p, n, hash);
        return 0;
    }
    size_t t;
    while ((t = trailing_space(p, n)) > 0)
        n -= t;
    eth_buf bytes = {0};
    int rc = eth_hex_decode((const char *)p, n, &bytes, err);
    if (rc == 0)
        eth_keccak256(bytes.data, bytes.len, hash);
    eth_buf_clear(&bytes);
    return rc;
}

/* Prints a 0x string as a line, or as {"key": value} with --json. */
static int print_result(const char *key, const char *value, int json)
{
    if (json)
        return cli_print_json(json_pack("{s:s}", key, value));
    puts(value);
    return CLI_OK;
}

int cmd_keccak(int argc, char **argv)
{
    bool json = false;
    cli_args a;
    int rc = cli_parse_json_only(argc, argv, KECCAK_HELP, 1, "at most one DATA argument", &json, &a);
    if (rc != CLI_CONTINUE)
        return rc;
    eth_error err = {0};
    eth_buf in = {0};
    const char *what = a.npos ? "DATA" : "stdin";
    if (a.npos)
        rc = eth_buf_append(&in, a.pos[0], strlen(a.pos[0]), &err);
    else
        rc = cli_read_stdin(&in, &err);
    cli_args_free(&a);
    uint8_t hash[32];
    if (rc == 0)
        rc = keccak_of(in.data ? in.data : (const uint8_t *)"", in.len, hash, &err);
    char value[48];
    if (rc != 0) {
        shown(in.data ? (const char *)in.data : "", in.len, value);
        eth_buf_clear(&in);
        return cli_fail("keccak: %s '%s': %s", what, value, err.msg);
    }
    eth_buf_clear(&in);
    char hex[67];
    eth_hex_encode(hash, 32, hex);
    return print_result("hash", hex, json);
}

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

/* Reads the first line of stdin (without its line ending) into line. */
static int read_line(char *line, size_t cap)
{
    if (!fgets(line, (int)cap, stdin))
        return -1;
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n')
        line[--n] = '\0';
    if (n && line[n - 1] == '\r')
        line[--n] = '\0';
    return 0;
}

/* Checksums text (with an optional chain id) and prints it. */
static int checksum_run(const char *text, const char *chain, int json)
{
    char value[48], out[43];
    uint8_t addr[20];
    uint64_t chain_id = 0;
    eth_error err = {0};
    if (eth_address_parse(text, addr, 0, &err) != 0)
        return cli_fail("to-checksum: ADDRESS '%s': %s", shown(text, strlen(text), value),
                        err.msg);
    if (chain && parse_chain_id(chain, &chain_id) != 0)
        return cli_fail("to-checksum: CHAIN_ID '%s': not a decimal chain id below 2^64",
                        shown(chain, strlen(chain), value));
    if (chain)
        eth_address_checksum_chain(addr, chain_id, out);
    else
        eth_address_checksum(addr, out);
    return print_result("address", out, json);
}

int cmd_to_checksum(int argc, char **argv)
{
    bool json = false;
    cli_args a;
    int rc = cli_parse_json_only(argc, argv, CHECKSUM_HELP, 2, "ADDRESS [CHAIN_ID]", &json, &a);
    if (rc != CLI_CONTINUE)
        return rc;
    char line[256];
    const char *text = a.npos ? a.pos[0] : line;
    const char *chain = a.npos > 1 ? a.pos[1] : NULL;
    if (!a.npos && read_line(line, sizeof line) != 0) {
        cli_args_free(&a);
        return cli_fail("to-checksum: ADDRESS: none given and stdin is empty");
    }
    rc = checksum_run(text, chain, json);
    cli_args_free(&a);
    return rc;
}
