/* test_abi_encode.c: the Solidity ABI spec's encoding examples, cast's value grammar (units
 * vectors from cast 1.7.1 abi-encode), hand-built values and the shape check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/abi_coerce.h"
#include "eth/abi_encode.h"
#include "eth/abi_format.h"
#include "eth/abi_selector.h"
#include "eth/abi_sig.h"

/* calldata of sig with args, as hex; returns NULL and fills e on failure (*rc the code). */
static char *calldata_rc(const char *sigtext, char *const *args, size_t n, eth_error *e, int *rc)
{
    eth_abi_sig sig;
    *rc = eth_abi_sig_parse(sigtext, ETH_ABI_STRICT, &sig, e);
    if (*rc != 0)
        return NULL;
    eth_buf b = {0};
    uint8_t sel[4];
    char *hex = NULL;
    *rc = eth_abi_selector(&sig, sel, e);
    if (*rc == 0)
        *rc = eth_buf_append(&b, sel, 4, e);
    if (*rc == 0)
        *rc = eth_abi_encode_args(sig.inputs, args, n, &b, e);
    if (*rc == 0)
        assert_int_equal(eth_hex_encode_alloc(b.data, b.len, &hex, e), 0);
    eth_buf_clear(&b);
    eth_abi_sig_clear(&sig);
    return hex;
}

static char *calldata(const char *sigtext, char *const *args, size_t n, eth_error *e)
{
    int rc;
    return calldata_rc(sigtext, args, n, e, &rc);
}

static void assert_calldata(const char *sig, char *const *args, size_t n, const char *want)
{
    eth_error e = {0};
    char *got = calldata(sig, args, n, &e);
    if (!got)
        fail_msg("%s: %s", sig, e.msg);
    assert_string_equal(got, want);
    free(got);
}

#define W0 "00000000000000000000000000000000000000000000000000000000000000"
static void test_spec_static(void **state)
{
    (void)state;
    char *a1[] = {"69", "true"};
    assert_calldata("baz(uint32,bool)", a1, 2, "0xcdcd77c0" W0 "45" W0 "01");
    char *a2[] = {"[0x616263,0x646566]"};
    assert_calldata("bar(bytes3[2])", a2, 1,
                    "0xfce353f6"
                    "6162630000000000000000000000000000000000000000000000000000000000"
                    "6465660000000000000000000000000000000000000000000000000000000000");
}

static void test_spec_dynamic(void **state)
{
    (void)state;
    char *a[] = {"0x64617665", "true", "[1,2,3]"};
    assert_calldata("sam(bytes,bool,uint256[])", a, 3,
                    "0xa5643bf2" W0 "60" W0 "01" W0 "a0" W0 "04"
                    "6461766500000000000000000000000000000000000000000000000000000000" W0 "03" W0 "01" W0
                    "02" W0 "03");
    char *f[] = {"0x123", "[0x456,0x789]", "0x31323334353637383930", "0x48656c6c6f2c20776f726c6421"};
    assert_calldata("f(uint256,uint32[],bytes10,bytes)", f, 4,
                    "0x8be65246" "0000000000000000000000000000000000000000000000000000000000000123" W0 "80"
                    "3132333435363738393000000000000000000000000000000000000000000000" W0 "e0" W0 "02"
                    "0000000000000000000000000000000000000000000000000000000000000456"
                    "0000000000000000000000000000000000000000000000000000000000000789" W0 "0d"
                    "48656c6c6f2c20776f726c642100000000000000000000000000000000000000");
    char *g[] = {"[[1,2],[3]]", "[one,two,three]"};
    assert_calldata("g(uint256[][],string[])", g, 2,
                    "0x2289b18c" W0 "40" "0000000000000000000000000000000000000000000000000000000000000140"
                    W0 "02" W0 "40" W0 "a0" W0 "02" W0 "01" W0 "02" W0 "01" W0 "03" W0 "03" W0 "60" W0 "a0" W0
                    "e0" W0 "03" "6f6e650000000000000000000000000000000000000000000000000000000000" W0 "03"
                    "74776f0000000000000000000000000000000000000000000000000000000000" W0 "05"
                    "7468726565000000000000000000000000000000000000000000000000000000");
}

/* Coerces v as type and writes the 64 hex digits of its (static, one-word) encoding. */
static int word_hex(const char *type, const char *v, char out[67], eth_error *e)
{
    eth_abi_type *t = NULL;
    eth_abi_value val;
    eth_buf b = {0};
    out[0] = '\0';
    int rc = eth_abi_type_parse(type, &t, e);
    if (rc == 0)
        rc = eth_abi_coerce(t, v, &val, e);
    if (rc == 0) {
        rc = eth_abi_encode_value(&val, &b, e);
        eth_abi_value_clear(&val);
    }
    if (rc == 0) {
        assert_int_equal(b.len, 32);
        eth_hex_encode(b.data, 32, out);
        memmove(out, out + 2, 65);
    }
    eth_buf_clear(&b);
    eth_abi_type_free(t);
    return rc;
}

/* Every unit form below was run through cast 1.7.1: `cast abi-encode 'f(TYPE)' TEXT`; the hex
 * is its output, NULL where cast refuses the text. */
static const struct {
    const char *type, *text;
    int rc;
    const char *hex;
} UNITS[] = {
    {"uint256", "1ether", 0, "0000000000000000000000000000000000000000000000000de0b6b3a7640000"},
    {"uint256", "1.5ether", 0, "00000000000000000000000000000000000000000000000014d1120d7b160000"},
    {"uint256", "2gwei", 0, "0000000000000000000000000000000000000000000000000000000077359400"},
    {"uint256", "1 ether", 0, "0000000000000000000000000000000000000000000000000de0b6b3a7640000"},
    {"uint256", "1e18wei", 0, "0000000000000000000000000000000000000000000000000de0b6b3a7640000"},
    {"uint256", "1e-3ether", 0, "00000000000000000000000000000000000000000000000000038d7ea4c68000"},
    {"uint256", "1.5 gwei", 0, "0000000000000000000000000000000000000000000000000000000059682f00"},
    {"uint256", "0x10gwei", 0, "00000000000000000000000000000000000000000000000000000003b9aca000"},
    {"uint256", "0X10gwei", 0, "00000000000000000000000000000000000000000000000000000003b9aca000"},
    {"uint256", "1nano", 0, "000000000000000000000000000000000000000000000000000000003b9aca00"},
    {"uint256", "1nanoether", 0, "000000000000000000000000000000000000000000000000000000003b9aca00"},
    {"uint256", "1 nanoether", 0, "000000000000000000000000000000000000000000000000000000003b9aca00"},
    {"uint256", "1e1 ether", 0, "0000000000000000000000000000000000000000000000008ac7230489e80000"},
    {"uint256", "1E3ether", 0, "00000000000000000000000000000000000000000000003635c9adc5dea00000"},
    {"uint256", "1e+3ether", 0, "00000000000000000000000000000000000000000000003635c9adc5dea00000"},
    {"uint256", "1e0ether", 0, "0000000000000000000000000000000000000000000000000de0b6b3a7640000"},
    {"uint256", "1.5e-15ether", 0, "00000000000000000000000000000000000000000000000000000000000005dc"},
    {"uint256", "1.5e3ether", 0, "00000000000000000000000000000000000000000000005150ae84a8cdf00000"},
    {"uint256", "0.000000000000000001ether", 0, "0000000000000000000000000000000000000000000000000000000000000001"},
    {"uint256", "1e-18ether", 0, "0000000000000000000000000000000000000000000000000000000000000001"},
    {"uint256", "10e-1gwei", 0, "000000000000000000000000000000000000000000000000000000003b9aca00"},
    {"uint256", "1e59ether", 0, "dd15fe86affad91249ef0eb713f39ebeaa987b6e6fd2a0000000000000000000"},
    {"uint256", "1\tether", 0, "0000000000000000000000000000000000000000000000000de0b6b3a7640000"},
    {"uint256", "1e3", 0, "00000000000000000000000000000000000000000000000000000000000003e8"},
    {"uint256", "0xEgwei", 0, "0000000000000000000000000000000000000000000000000000000342770c00"},
    {"uint64", "18.446744073709551615ether", 0, "000000000000000000000000000000000000000000000000ffffffffffffffff"},
    {"int256", "-1ether", 0, "fffffffffffffffffffffffffffffffffffffffffffffffff21f494c589c0000"},
    {"int256", "+1ether", 0, "0000000000000000000000000000000000000000000000000de0b6b3a7640000"},
    {"int256", "-1.5ether", 0, "ffffffffffffffffffffffffffffffffffffffffffffffffeb2eedf284ea0000"},
    {"int256", "-1e-3ether", 0, "fffffffffffffffffffffffffffffffffffffffffffffffffffc72815b398000"},
    {"int256", "-0x10gwei", 0, "fffffffffffffffffffffffffffffffffffffffffffffffffffffffc46536000"},
    {"int256", "-1 ether", 0, "fffffffffffffffffffffffffffffffffffffffffffffffff21f494c589c0000"},
    {"int8", "-1.28e2", 0, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80"},
    {"int8", "1.27e2", 0, "000000000000000000000000000000000000000000000000000000000000007f"},
    {"uint256", "0x10ether", -ETH_EINVAL, NULL},
    {"uint256", "1ETHER", -ETH_EINVAL, NULL},
    {"uint256", "1Ether", -ETH_EINVAL, NULL},
    {"uint256", "1e-19ether", -ETH_EINVAL, NULL},
    {"uint256", "0.0000000000000000001ether", -ETH_EINVAL, NULL},
    {"uint256", "1eth", -ETH_EINVAL, NULL},
    {"uint256", "1gweiX", -ETH_EINVAL, NULL},
    {"uint256", "1ether ", -ETH_EINVAL, NULL},
    {"uint256", "1 ether ", -ETH_EINVAL, NULL},
    {"uint256", "1.ether", -ETH_EINVAL, NULL},
    {"uint256", ".5ether", -ETH_EINVAL, NULL},
    {"uint256", "1e-0ether", -ETH_EINVAL, NULL},
    {"uint256", "1e+0ether", -ETH_EINVAL, NULL},
    {"uint256", "1e01ether", -ETH_EINVAL, NULL},
    {"uint256", "1e", -ETH_EINVAL, NULL},
    {"uint256", "1ee", -ETH_EINVAL, NULL},
    {"uint256", "1ewei", -ETH_EINVAL, NULL},
    {"uint256", "1e+ether", -ETH_EINVAL, NULL},
    {"uint256", "1e60ether", -ETH_ERANGE, NULL},
    {"uint256", "0b1ether", -ETH_EINVAL, NULL},
    {"uint256", "1szabo", -ETH_EINVAL, NULL},
    {"uint256", "1gwei gwei", -ETH_EINVAL, NULL},
    {"uint256", "1.5", -ETH_EINVAL, NULL},
    {"uint256", "1.5wei", -ETH_EINVAL, NULL},
    {"uint256", "1e-3", -ETH_EINVAL, NULL},
    {"uint64", "18.446744073709551616ether", -ETH_ERANGE, NULL},
    {"int256", "- 1ether", -ETH_EINVAL, NULL},
    {"int256", "-1ETHER", -ETH_EINVAL, NULL},
    {"int8", "1.28e2", -ETH_ERANGE, NULL},
};

static void test_units_as_cast(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++) {
        char got[67];
        eth_error e = {0};
        int rc = word_hex(UNITS[i].type, UNITS[i].text, got, &e);
        if (rc != UNITS[i].rc || (rc == 0 && strcmp(got, UNITS[i].hex) != 0) ||
            (rc != 0 && e.code != -rc))
            fail_msg("%s '%s': rc %d (want %d), code %d, got %s, want %s (%s)", UNITS[i].type,
                     UNITS[i].text, rc, UNITS[i].rc, e.code, got, UNITS[i].hex ? UNITS[i].hex : "-",
                     e.msg);
    }
}

static void test_units_in_lists(void **state)
{
    (void)state;
    /* cast calldata 'f(uint256[])' '[1ether,2gwei,1.5 ether,1e-3ether]' */
    char *a[] = {"[1ether,2gwei,1.5 ether,1e-3ether]"};
    assert_calldata("f(uint256[])", a, 1,
                    "0x7bc5bbbf" W0 "20" W0 "04" "0000000000000000000000000000000000000000000000000de0b6b3a7640000"
                    "0000000000000000000000000000000000000000000000000000000077359400"
                    "00000000000000000000000000000000000000000000000014d1120d7b160000"
                    "00000000000000000000000000000000000000000000000000038d7ea4c68000");
    /* cast calldata 'f((uint256,int256))' '(1ether,-1ether)' */
    char *b[] = {"(1ether,-1ether)"};
    assert_calldata("f((uint256,int256))", b, 1,
                    "0x0441546c" "0000000000000000000000000000000000000000000000000de0b6b3a7640000"
                    "fffffffffffffffffffffffffffffffffffffffffffffffff21f494c589c0000");
    /* cast refuses a blank between a unit and ',' but takes one before ']' */
    eth_error e = {0};
    int rc;
    char *c[] = {"[1ether ,2]"};
    assert_null(calldata_rc("f(uint256[])", c, 1, &e, &rc));
    assert_int_equal(rc, -ETH_EINVAL);
    char *d[] = {"[1ether ]"};
    char *got = calldata("f(uint256[])", d, 1, &e);
    assert_non_null(got);
    assert_non_null(strstr(got, "0de0b6b3a7640000"));
    free(got);
}

static void test_number_errors(void **state)
{
    (void)state;
    char w[67];
    eth_error e = {0};
    assert_int_equal(word_hex("uint8", "256", w, &e), -ETH_ERANGE);
    assert_int_equal(e.code, ETH_ERANGE);
    assert_string_equal(e.msg, "number too large to fit in uint8");
    assert_int_equal(word_hex("int8", "128", w, &e), -ETH_ERANGE);
    assert_string_equal(e.msg, "number out of range for int8");
    assert_int_equal(word_hex("int8", "-129", w, &e), -ETH_ERANGE);
    /* 2^256: the digits overflow while they are read; the code was -ETH_EINVAL with
     * err.code ETH_ERANGE before */
    assert_int_equal(word_hex("uint256", "115792089237316195423570985008687907853269984665640564039457584007913129639936", w, &e),
                     -ETH_ERANGE);
    assert_int_equal(e.code, ETH_ERANGE);
    assert_int_equal(word_hex("uint256", "1.5", w, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "non-zero fraction not allowed without units");
    assert_int_equal(word_hex("uint256", "-1", w, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "expected at least one digit");
    assert_int_equal(word_hex("uint256", " 5", w, &e), -ETH_EINVAL);
    assert_int_equal(word_hex("uint256", "0x", w, &e), -ETH_EINVAL);
    assert_int_equal(word_hex("uint256", "0b12", w, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "invalid digit '2' for base 2");
    assert_int_equal(word_hex("uint256", "1 foo", w, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "unknown unit 'foo' (ether, gwei, nano, nanoether or wei)");
    assert_int_equal(word_hex("uint256", "1e-19ether", w, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "negative units not allowed (exponent -19, unit 1e18)");
    /* an outside value in a message is escaped */
    assert_int_equal(word_hex("uint256", "1 \x1b[31m", w, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "unexpected text at position 2");
    assert_int_equal(word_hex("uint256", "1e\x1b", w, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "unknown unit 'e' (ether, gwei, nano, nanoether or wei)");
    assert_int_equal(word_hex("uint8", "255 ", w, &e), 0);
    assert_string_equal(w, W0 "ff");
    assert_int_equal(word_hex("int8", "-128", w, &e), 0);
    assert_string_equal(w, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80");
}

static void test_hex_values(void **state)
{
    (void)state;
    char w[67];
    eth_error e = {0};
    assert_int_equal(word_hex("address", "0xD8da6bf26964af9d7eed9e03e53415d37aa96045", w, &e), 0);
    assert_string_equal(w, "000000000000000000000000d8da6bf26964af9d7eed9e03e53415d37aa96045");
    assert_int_equal(word_hex("address", "0x1234", w, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "expected 20 bytes (40 hex digits), got 4 hex digits");
    assert_int_equal(word_hex("bytes3", "010203", w, &e), 0);
    assert_string_equal(w, "0102030000000000000000000000000000000000000000000000000000000000");
    assert_int_equal(word_hex("bytes3", "0x01", w, &e), -ETH_EINVAL);
    assert_int_equal(word_hex("bytes3", "0x01020304", w, &e), -ETH_EINVAL);
    assert_int_equal(word_hex("bool", "True", w, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "invalid boolean (expected true or false)");
    assert_int_equal(word_hex("bool", "true ", w, &e), -ETH_EINVAL);
}

static void test_strings_lists(void **state)
{
    (void)state;
    eth_abi_type *t = NULL;
    eth_abi_value v;
    eth_error e = {0};
    assert_int_equal(eth_abi_type_parse("(string,string[],uint8[2])", &t, &e), 0);
    assert_int_equal(eth_abi_coerce(t, "( a b\xe2\x80\x83 , [\"x,y\", z ,], [1, 2])", &v, &e), 0);
    assert_int_equal(v.items[0].len, 3); /* leading blanks skipped, trailing White_Space trimmed */
    assert_memory_equal(v.items[0].data, "a b", 3);
    assert_int_equal(v.items[1].nitems, 2);
    assert_memory_equal(v.items[1].items[0].data, "x,y", 3);
    assert_int_equal(v.items[1].items[1].len, 1);
    eth_abi_value_clear(&v);
    assert_int_equal(eth_abi_coerce(t, "(a,[b],[1])", &v, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "in tuple: expected 2 elements, got 1");
    assert_int_equal(eth_abi_coerce(t, "(a,[\"b],[1,2])", &v, &e), -ETH_EINVAL);
    assert_int_equal(eth_abi_coerce(t, "(a,[b],[1,2]", &v, &e), -ETH_EINVAL);
    assert_int_equal(eth_abi_coerce(t, "(a,[b],[1,300])", &v, &e), -ETH_ERANGE);
    assert_string_equal(e.msg, "number too large to fit in uint8");
    eth_abi_type_free(t);
    /* the innermost tuple says "in tuple" once, not every enclosing one */
    assert_int_equal(eth_abi_type_parse("((uint8,bool),uint8)", &t, &e), 0);
    assert_int_equal(eth_abi_coerce(t, "((1,x),2)", &v, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "in tuple: invalid boolean (expected true or false)");
    eth_abi_type_free(t);
}

static void test_arg_errors(void **state)
{
    (void)state;
    eth_error e = {0};
    int rc;
    char *a[] = {"1", "300"};
    assert_null(calldata_rc("f(uint8,uint8)", a, 2, &e, &rc));
    assert_int_equal(rc, -ETH_ERANGE);
    assert_string_equal(e.msg, "argument 2 (uint8) '300': number too large to fit in uint8");
    assert_null(calldata_rc("f(uint8,uint8)", a, 1, &e, &rc));
    assert_int_equal(rc, -ETH_EINVAL);
    assert_string_equal(e.msg, "expected 2 arguments, got 1");
    char *b[] = {"0x123"};
    assert_null(calldata_rc("f(bytes)", b, 1, &e, &rc));
    assert_int_equal(rc, -ETH_EINVAL);
    assert_string_equal(e.msg, "argument 1 (bytes) '0x123': odd number of hex digits");
    /* the argument is shown escaped and clipped */
    char *c[] = {"\x1b[2J\n"};
    assert_null(calldata_rc("f(bool)", c, 1, &e, &rc));
    assert_string_equal(e.msg, "argument 1 (bool) '\\x1b[2J\\n': invalid boolean (expected true or false)");
}

static void test_split(void **state)
{
    (void)state;
    size_t st[8], ln[8];
    eth_error e = {0};
    const char *s = "1,(2,3),[4,\"a,b\"],x";
    assert_int_equal(eth_abi_split(s, st, ln, 8, &e), 4);
    assert_int_equal(st[1], 2);
    assert_int_equal(ln[1], 5);
    assert_int_equal(ln[2], 9);
    assert_int_equal(eth_abi_split("(1,2", st, ln, 8, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "unbalanced brackets or quotes in '(1,2'");
    assert_int_equal(eth_abi_split("1)", st, ln, 8, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "unbalanced brackets in '1)'");
    assert_int_equal(eth_abi_split("1,2,3", st, ln, 2, &e), -ETH_ERANGE);
}

/* ---- hand-built values ---- */

static eth_abi_type *parse_type(const char *text)
{
    eth_abi_type *t = NULL;
    eth_error e = {0};
    if (eth_abi_type_parse(text, &t, &e) != 0)
        fail_msg("%s: %s", text, e.msg);
    return t;
}

/* The case: (uint256[3],bytes) whose first field holds one item. The encoder used to
 * write 64 bytes past its buffer (ASan heap-buffer-overflow WRITE); now it refuses the value
 * before writing anything. */
static void test_check_short_fixed_array(void **state)
{
    (void)state;
    eth_abi_type *t = parse_type("(uint256[3],bytes)");
    eth_abi_value v = {0};
    eth_error e = {0};
    assert_int_equal(eth_abi_value_alloc_items(&v, 2, &e), 0);
    v.type = t;
    v.items[0].type = t->fields[0];
    assert_int_equal(eth_abi_value_alloc_items(&v.items[0], 1, &e), 0);
    v.items[0].items[0].type = t->fields[0]->elem;
    v.items[0].items[0].word[31] = 7;
    assert_int_equal(eth_abi_value_set_bytes(&v.items[1], t->fields[1], (const uint8_t *)"abc", 3, &e), 0);
    eth_buf out = {0};
    assert_int_equal(eth_abi_encode_value(&v, &out, &e), -ETH_EINVAL);
    assert_int_equal(e.code, ETH_EINVAL);
    assert_string_equal(e.msg, "value[0]: an array of 3 elements has 1 items");
    assert_int_equal(out.len, 0);
    eth_buf fmt = {0};
    assert_int_equal(eth_abi_format(&v, &fmt, &e), -ETH_EINVAL);
    assert_int_equal(fmt.len, 0);
    eth_abi_value_clear(&v);
    eth_buf_clear(&out);
    eth_buf_clear(&fmt);
    eth_abi_type_free(t);
}

static void test_check_shapes(void **state)
{
    (void)state;
    eth_abi_type *t = parse_type("(uint256,bytes,(bool,address)[])");
    eth_abi_type *other = parse_type("uint8");
    eth_abi_value v = {0};
    eth_error e = {0};
    assert_int_equal(eth_abi_value_set_items(&v, t, 3, &e), 0);
    assert_ptr_equal(v.items[2].type, t->fields[2]);
    assert_int_equal(eth_abi_value_check(&v, &e), 0); /* zeroed items of the right types */
    /* bytes with a length but no data */
    v.items[1].len = 5;
    assert_int_equal(eth_abi_value_check(&v, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "value[1]: 5 bytes of bytes without data");
    v.items[1].len = 0;
    /* an item typed unlike its component */
    v.items[0].type = other;
    assert_int_equal(eth_abi_value_check(&v, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "value[0]: its type (uint8) is not the component type (uint256)");
    v.items[0].type = NULL;
    assert_int_equal(eth_abi_value_check(&v, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "value[0]: the value has no type");
    v.items[0].type = t->fields[0];
    /* a leaf with items */
    assert_int_equal(eth_abi_value_alloc_items(&v.items[0], 1, &e), 0);
    assert_int_equal(eth_abi_value_check(&v, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "value[0]: a uint256 value has 1 items");
    eth_abi_value_clear(&v.items[0]);
    v.items[0].type = t->fields[0];
    /* a nested tuple missing a component */
    assert_int_equal(eth_abi_value_set_items(&v.items[2], t->fields[2], 1, &e), 0);
    assert_int_equal(eth_abi_value_alloc_items(&v.items[2].items[0], 1, &e), 0);
    v.items[2].items[0].items[0].type = t->fields[2]->elem->fields[0];
    assert_int_equal(eth_abi_value_check(&v, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "value[2][0]: a tuple of 2 components has 1 items");
    eth_buf out = {0};
    assert_int_equal(eth_abi_encode_value(&v, &out, &e), -ETH_EINVAL);
    assert_int_equal(out.len, 0);
    eth_abi_value_clear(&v);
    eth_abi_type_free(other);
    eth_abi_type_free(t);
    /* an opaque type has no encoding */
    eth_abi_sig sig;
    assert_int_equal(eth_abi_sig_parse("f(Foo)", ETH_ABI_LENIENT, &sig, &e), 0);
    assert_int_equal(eth_abi_value_set_items(&v, sig.inputs, 1, &e), 0);
    assert_int_equal(eth_abi_encode_value(&v, &out, &e), -ETH_EUNSUP);
    assert_int_equal(e.code, ETH_EUNSUP);
    assert_string_equal(e.msg, "value[0]: unknown type 'Foo' has no encoding");
    eth_abi_value_clear(&v);
    eth_abi_sig_clear(&sig);
    eth_buf_clear(&out);
}

/* Values built with the constructors encode exactly like cast's texts for the same values. */
static void test_constructors(void **state)
{
    (void)state;
    const char *sigtext = "f(address,uint256,bool,bytes32,bytes,string,(uint8,int16)[])";
    eth_abi_sig sig;
    eth_error e = {0};
    assert_int_equal(eth_abi_sig_parse(sigtext, ETH_ABI_STRICT, &sig, &e), 0);
    const eth_abi_type *const *f = (const eth_abi_type *const *)sig.inputs->fields;
    eth_abi_value v = {0};
    uint8_t addr[20], word[32];
    memset(addr, 0x11, sizeof addr);
    memset(word, 0xab, sizeof word);
    u256 amount = u256_from_u64(1000000000000000000ull), small = u256_from_u64(7);
    u256 minus = u256_neg(&small);
    assert_int_equal(eth_abi_value_set_items(&v, sig.inputs, 7, &e), 0);
    assert_int_equal(eth_abi_value_set_address(&v.items[0], f[0], addr, &e), 0);
    assert_int_equal(eth_abi_value_set_uint(&v.items[1], f[1], &amount, &e), 0);
    assert_int_equal(eth_abi_value_set_bool(&v.items[2], f[2], true, &e), 0);
    assert_int_equal(eth_abi_value_set_fixed_bytes(&v.items[3], f[3], word, 32, &e), 0);
    assert_int_equal(eth_abi_value_set_bytes(&v.items[4], f[4], (const uint8_t *)"\x01\x02", 2, &e), 0);
    assert_int_equal(eth_abi_value_set_bytes(&v.items[5], f[5], (const uint8_t *)"hi", 2, &e), 0);
    assert_int_equal(eth_abi_value_set_items(&v.items[6], f[6], 1, &e), 0);
    eth_abi_value *row = &v.items[6].items[0];
    assert_int_equal(eth_abi_value_set_items(row, f[6]->elem, 2, &e), 0);
    assert_int_equal(eth_abi_value_set_uint(&row->items[0], f[6]->elem->fields[0], &small, &e), 0);
    assert_int_equal(eth_abi_value_set_uint(&row->items[1], f[6]->elem->fields[1], &minus, &e), 0);
    eth_buf built = {0}, parsed = {0};
    assert_int_equal(eth_abi_encode_value(&v, &built, &e), 0);
    char *texts[] = {"0x1111111111111111111111111111111111111111", "1ether", "true",
                     "0xabababababababababababababababababababababababababababababababab", "0x0102",
                     "hi", "[(7,-7)]"};
    assert_int_equal(eth_abi_encode_args(sig.inputs, texts, 7, &parsed, &e), 0);
    assert_int_equal(built.len, parsed.len);
    assert_memory_equal(built.data, parsed.data, built.len);
    eth_abi_value_clear(&v);
    eth_buf_clear(&built);
    eth_buf_clear(&parsed);

    /* what the constructors refuse */
    u256 big = u256_from_u64(256), m129 = u256_from_u64(129), m128 = u256_from_u64(128);
    m129 = u256_neg(&m129);
    m128 = u256_neg(&m128);
    eth_abi_type *u8 = parse_type("uint8"), *i8 = parse_type("int8"), *tup = parse_type("(bool,bool)");
    assert_int_equal(eth_abi_value_set_uint(&v, u8, &big, &e), -ETH_ERANGE);
    assert_string_equal(e.msg, "the number does not fit in uint8");
    assert_null(v.type);
    assert_int_equal(eth_abi_value_set_uint(&v, i8, &m129, &e), -ETH_ERANGE);
    assert_int_equal(eth_abi_value_set_uint(&v, i8, &m128, &e), 0);
    assert_int_equal(eth_abi_value_set_uint(&v, i8, &m128, &e), 0); /* set twice: no leak */
    assert_int_equal(eth_abi_value_set_uint(&v, i8, &small, &e), 0);
    assert_int_equal(eth_abi_value_set_bool(&v, u8, true, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "cannot set a uint8 value as bool");
    assert_int_equal(eth_abi_value_set_fixed_bytes(&v, f[3], word, 31, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "bytes32 takes 32 bytes, not 31");
    assert_int_equal(eth_abi_value_set_bytes(&v, u8, word, 1, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "cannot set a uint8 value as bytes or string");
    assert_int_equal(eth_abi_value_set_items(&v, tup, 3, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "a tuple of 2 takes exactly 2 items, not 3");
    assert_int_equal(eth_abi_value_set_items(&v, f[6], ETH_ABI_MAX_ITEMS + 1, &e), -ETH_ERANGE);
    assert_int_equal(eth_abi_value_set_items(&v, u8, 1, &e), -ETH_EINVAL);
    assert_int_equal(eth_abi_value_set_bytes(&v, f[5], NULL, 0, &e), 0);
    eth_abi_value_clear(&v);
    eth_abi_type_free(u8);
    eth_abi_type_free(i8);
    eth_abi_type_free(tup);
    eth_abi_sig_clear(&sig);
}

/* An eth_buf error inside an array is returned as it is (was -ETH_ENOMEM with code ERANGE). */
static void test_buffer_limit_code(void **state)
{
    (void)state;
    eth_abi_type *t = parse_type("(uint256[],string)");
    eth_abi_value v;
    eth_error e = {0};
    assert_int_equal(eth_abi_coerce(t, "([1,2,3],abc)", &v, &e), 0);
    eth_buf out = {.limit = 100};
    assert_int_equal(eth_abi_encode_value(&v, &out, &e), -ETH_ERANGE);
    assert_int_equal(e.code, ETH_ERANGE);
    eth_buf text = {.limit = 4};
    assert_int_equal(eth_abi_format(&v, &text, &e), -ETH_ERANGE);
    assert_int_equal(e.code, ETH_ERANGE);
    eth_abi_value_clear(&v);
    eth_buf_clear(&out);
    eth_buf_clear(&text);
    eth_abi_type_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_static),       cmocka_unit_test(test_spec_dynamic),
        cmocka_unit_test(test_units_as_cast),     cmocka_unit_test(test_units_in_lists),
        cmocka_unit_test(test_number_errors),     cmocka_unit_test(test_hex_values),
        cmocka_unit_test(test_strings_lists),     cmocka_unit_test(test_arg_errors),
        cmocka_unit_test(test_split),             cmocka_unit_test(test_check_short_fixed_array),
        cmocka_unit_test(test_check_shapes),      cmocka_unit_test(test_constructors),
        cmocka_unit_test(test_buffer_limit_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
