/* fuzz_abi_error.c: libFuzzer target for revert data (Error, Panic, custom errors); output must be one UTF-8 line. */
#include "fuzz_common.h"

#include "eth/abi_error.h"

/* Custom errors the decoder may match, with nested dynamic parameters. */
static const char *const SIGS[] = {
    "OwnableUnauthorizedAccount(address account)",
    "TimelockUnexpectedOperationState(bytes32 id, bytes32 expectedStates)",
    "Nested((string,bytes[])[] items, uint8[][2] grid)",
    "Text(string a, string b)",
    "Odd(int8 x, bytes3 y, bool z)",
    "Bad(uint7)",
};
#define NSIGS (sizeof SIGS / sizeof SIGS[0])

/* Length of the valid UTF-8 sequence at p[0..n), or 0 if it is not one. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
    size_t len = p[0] < 0x80 ? 1 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : p[0] >= 0xe0 && p[0] < 0xf0 ? 3
                 : p[0] >= 0xf0 && p[0] < 0xf5 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

/* True if p[0..n) is UTF-8 without newlines or other C0 controls (a single printable line). */
static int is_one_line(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(p + i, n - i);
        if (l == 0 || (l == 1 && p[i] < 0x20))
            return 0;
        i += l;
    }
    return 1;
}

/* Input: byte 0 says how many of SIGS to offer (mod NSIGS + 1); the rest is the revert data. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t nsigs = data[0] % (NSIGS + 1);
    eth_error err = {0};
    eth_buf out = {0};
    int rc = eth_abi_decode_revert(data + 1, size - 1, SIGS, nsigs, &out, &err);
    if (rc == 0) {
        FUZZ_CHECK(out.data != NULL && out.data[out.len] == '\0', "output not NUL-terminated");
        FUZZ_CHECK(strlen((char *)out.data) == out.len, "output has an inner NUL");
        if (!is_one_line(out.data, out.len))
            fprintf(stderr, "output: %s\n", (char *)out.data);
        FUZZ_CHECK(is_one_line(out.data, out.len), "output is not one line of UTF-8");
    } else {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
    }
    eth_buf_clear(&out);
    return 0;
}
