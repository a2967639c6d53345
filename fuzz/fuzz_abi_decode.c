/* fuzz_abi_decode.c: libFuzzer target for the ABI decoder; what it accepts must re-encode and decode to the same text. */
#include "fuzz_common.h"

#include "eth/abi_decode.h"
#include "eth/abi_encode.h"
#include "eth/abi_format.h"
#include "eth/abi_sig.h"

/* Parameter lists with nested dynamic arrays and tuples (input byte 0 < 0x80 picks one). */
static const char *const NASTY[] = {
    "f(uint256[][],string[])",
    "f(uint256,uint32[],bytes10,bytes)",
    "f((uint8,string)[],bytes2)",
    "f((bytes,(string,uint256[])[2])[][])",
    "f(bytes32[3][],address,(bool,int8))",
    "f(string[2][2],bytes[][2])",
    "f(uint8[][][][][][][][])",
    "f(((((bytes)))),int24,function)",
    "f((uint256[2],(address,bytes)[])[3],string)",
    "f(int8,int256,uint8,bool,address,bytes1,bytes32)",
    "f((string[],(bytes[],uint16[][])[])[])",
    "f(bytes)",
};
#define NNASTY (sizeof NASTY / sizeof NASTY[0])

/* Formats v with cast's text into a new malloc'd string. */
static char *format_alloc(const eth_abi_value *v)
{
    eth_error err = {0};
    eth_buf b = {0};
    if (eth_abi_format(v, &b, &err) != 0)
        fprintf(stderr, "format: %s\n", err.msg);
    FUZZ_CHECK(b.data != NULL && b.data[b.len] == '\0', "format failed or did not NUL-terminate");
    return (char *)b.data;
}

/* Re-encodes a decoded value; decoding that again must give the same text and the same bytes. */
static void check_round_trip(const eth_abi_type *params, const eth_abi_value *v)
{
    eth_error err = {0};
    eth_buf enc = {0}, enc2 = {0}, plain = {0};
    eth_abi_value v2 = {0};
    char *text = format_alloc(v);
    FUZZ_CHECK(eth_abi_format_plain(v, &plain, &err) == 0, "plain format failed");
    FUZZ_CHECK(eth_abi_encode_value(v, &enc, &err) == 0, "decoded value does not encode");
    int rc = eth_abi_decode(params, enc.data, enc.len, &v2, &err);
    if (rc != 0)
        fprintf(stderr, "decode of re-encoding: %s\n", err.msg);
    FUZZ_CHECK(rc == 0, "re-encoding does not decode");
    char *text2 = format_alloc(&v2);
    FUZZ_CHECK(strcmp(text, text2) == 0, "decode(encode(decode(x))) prints differently");
    FUZZ_CHECK(eth_abi_encode_value(&v2, &enc2, &err) == 0, "second encoding failed");
    FUZZ_CHECK(enc.len == enc2.len && (enc.len == 0 || memcmp(enc.data, enc2.data, enc.len) == 0),
               "canonical encoding is not a fixed point");
    free(text);
    free(text2);
    eth_abi_value_clear(&v2);
    eth_buf_clear(&enc);
    eth_buf_clear(&enc2);
    eth_buf_clear(&plain);
}

/* Decodes data[0..n) against the inputs of signature text sigtext. */
static void run(const char *sigtext, const uint8_t *data, size_t n)
{
    eth_error err = {0};
    eth_abi_sig sig;
    eth_abi_value v = {0};
    if (eth_abi_sig_parse(sigtext, false, &sig, &err) != 0)
        return;
    if (eth_abi_decode(sig.inputs, data, n, &v, &err) == 0)
        check_round_trip(sig.inputs, &v);
    else
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
    eth_abi_value_clear(&v);
    eth_abi_sig_clear(&sig);
}

/* Input: byte 0 < 0x80 picks NASTY[byte 0 % n] and the rest is data; otherwise the signature
 * text follows up to a newline and the data after it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] < 0x80) {
        run(NASTY[data[0] % NNASTY], data + 1, size - 1);
        return 0;
    }
    const uint8_t *nl = memchr(data + 1, '\n', size - 1);
    size_t siglen = nl ? (size_t)(nl - data - 1) : size - 1;
    char *sigtext = fuzz_strndup(data + 1, siglen);
    size_t off = nl ? siglen + 2 : size;
    run(sigtext, data + off, size - off);
    free(sigtext);
    return 0;
}
