/* fuzz_abi_encode.c: libFuzzer target for value texts against types; decoding the encoding must print the same text. */
#include "fuzz_common.h"

#include "eth/abi_coerce.h"
#include "eth/abi_decode.h"
#include "eth/abi_encode.h"
#include "eth/abi_format.h"
#include "eth/abi_type.h"

#define MAX_ARGS 16

/* Formats v with cast's text into a new malloc'd string. */
static char *format_alloc(const eth_abi_value *v)
{
    eth_error err = {0};
    eth_buf b = {0};
    FUZZ_CHECK(eth_abi_format(v, &b, &err) == 0, "format failed");
    FUZZ_CHECK(b.data != NULL && b.data[b.len] == '\0', "format did not NUL-terminate");
    return (char *)b.data;
}

/* Each argument's parsed value must print like the decoded one. */
static void check_args(const eth_abi_type *params, char *const *texts, const eth_abi_value *dec)
{
    eth_error err = {0};
    FUZZ_CHECK(dec->nitems == params->nfields, "decoded tuple has the wrong arity");
    for (size_t i = 0; i < params->nfields; i++) {
        eth_abi_value v = {0};
        FUZZ_CHECK(eth_abi_coerce(params->fields[i], texts[i], &v, &err) == 0,
                   "encode_args accepted a text coerce rejects");
        char *a = format_alloc(&v), *b = format_alloc(&dec->items[i]);
        if (strcmp(a, b) != 0)
            fprintf(stderr, "argument %zu: parsed %s, decoded %s\n", i, a, b);
        FUZZ_CHECK(strcmp(a, b) == 0, "decode(encode(text)) prints differently from text's value");
        free(a);
        free(b);
        eth_abi_value_clear(&v);
    }
}

/* Encodes texts against params; the encoding must decode, print the same, and re-encode alike. */
static void check_encode(const eth_abi_type *params, char *const *texts, size_t n)
{
    eth_error err = {0};
    eth_buf enc = {0}, enc2 = {0};
    eth_abi_value dec = {0};
    if (eth_abi_encode_args(params, texts, n, &enc, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
        eth_buf_clear(&enc);
        return;
    }
    int rc = eth_abi_decode(params, enc.data, enc.len, &dec, &err);
    if (rc != 0)
        fprintf(stderr, "decode: %s\n", err.msg);
    FUZZ_CHECK(rc == 0, "the encoder's output does not decode");
    check_args(params, texts, &dec);
    FUZZ_CHECK(eth_abi_encode_value(&dec, &enc2, &err) == 0, "decoded value does not encode");
    FUZZ_CHECK(enc.len == enc2.len && (enc.len == 0 || memcmp(enc.data, enc2.data, enc.len) == 0),
               "re-encoding the decoded value differs");
    eth_abi_value_clear(&dec);
    eth_buf_clear(&enc);
    eth_buf_clear(&enc2);
}

/* Splits values at top-level commas into n NUL-terminated texts; returns n or -1. */
static int split_args(const char *values, char **texts)
{
    eth_error err = {0};
    size_t starts[MAX_ARGS], lens[MAX_ARGS];
    int n = eth_abi_split(values, starts, lens, MAX_ARGS, &err);
    if (n < 0)
        return -1;
    FUZZ_CHECK(n <= MAX_ARGS, "split returned more items than allowed");
    for (int i = 0; i < n; i++) {
        FUZZ_CHECK(starts[i] + lens[i] <= strlen(values), "split item out of bounds");
        texts[i] = fuzz_strndup((const uint8_t *)values + starts[i], lens[i]);
    }
    return n;
}

/* Input: "T1,T2,..\nv1,v2,.." (a parameter list, a newline, then the argument texts). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    if (!nl || size > ETH_ABI_MAX_TEXT)
        return 0;
    size_t tlen = (size_t)(nl - data);
    char *types = malloc(tlen + 3), *values = fuzz_strndup(nl + 1, size - tlen - 1);
    FUZZ_CHECK(types != NULL, "out of memory");
    types[0] = '(';
    memcpy(types + 1, data, tlen);
    memcpy(types + 1 + tlen, ")", 2);
    eth_error err = {0};
    eth_abi_type *params = NULL;
    char *texts[MAX_ARGS];
    int n = -1;
    if (!memchr(types + 1, '\0', tlen) && eth_abi_type_parse(types, &params, &err) == 0)
        n = split_args(values, texts);
    if (n >= 0 && (size_t)n == params->nfields)
        check_encode(params, texts, (size_t)n);
    for (int i = 0; i < n; i++)
        free(texts[i]);
    eth_abi_type_free(params);
    free(types);
    free(values);
    return 0;
}
