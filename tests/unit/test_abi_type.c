/* test_abi_type.c: the ABI type grammar, signatures and selectors (published selectors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/abi_selector.h"
#include "eth/abi_sig.h"
#include "eth/abi_type.h"

static void assert_canon(const char *text, const char *want)
{
    eth_abi_type *t = NULL;
    eth_error e = {0};
    assert_int_equal(eth_abi_type_parse(text, &t, &e), 0);
    char buf[512];
    size_t used = 0;
    buf[0] = '\0';
    assert_int_equal(eth_abi_type_canonical(t, buf, sizeof buf, &used, &e), 0);
    assert_string_equal(buf, want);
    eth_abi_type_free(t);
}

static void assert_type_error(const char *text, const char *needle)
{
    eth_abi_type *t = NULL;
    eth_error e = {0};
    assert_true(eth_abi_type_parse(text, &t, &e) < 0);
    assert_null(t);
    assert_non_null(strstr(e.msg, needle));
}

static void test_canonical(void **state)
{
    (void)state;
    assert_canon("uint", "uint256");
    assert_canon("int", "int256");
    assert_canon("uint8", "uint8");
    assert_canon("bytes32", "bytes32");
    assert_canon("function", "function");
    assert_canon("tuple(uint,bool)[2][]", "(uint256,bool)[2][]");
    assert_canon("(address, (bytes,string)[])", "(address,(bytes,string)[])");
    assert_canon("(uint8,)", "(uint8)");
    assert_canon("Lib.Enum", "uint8");
}

static void test_dynamic_and_sizes(void **state)
{
    (void)state;
    eth_abi_type *t = NULL;
    eth_error e = {0};
    assert_int_equal(eth_abi_type_parse("(uint8,bytes3[2])", &t, &e), 0);
    assert_false(eth_abi_type_is_dynamic(t));
    assert_int_equal(eth_abi_type_head_size(t), 96);
    eth_abi_type_free(t);
    assert_int_equal(eth_abi_type_parse("(uint8,string)[2]", &t, &e), 0);
    assert_true(eth_abi_type_is_dynamic(t));
    assert_int_equal(eth_abi_type_head_size(t), 32);
    eth_abi_type_free(t);
}

static void test_type_errors(void **state)
{
    (void)state;
    assert_type_error("uint7", "unknown type 'uint7'");
    assert_type_error("uint264", "unknown type");
    assert_type_error("bytes33", "unknown type");
    assert_type_error("bytes0", "unknown type");
    assert_type_error("foo", "unknown type 'foo'");
    assert_type_error("(uint8,bool", "unbalanced brackets");
    assert_type_error("uint8[", "unbalanced brackets");
    assert_type_error("uint8[0]", "bad array length");
    assert_type_error("uint8]", "unbalanced");
    char deep[200];
    memset(deep, 0, sizeof deep);
    strcpy(deep, "uint8");
    for (int i = 0; i < 40; i++)
        strcat(deep, "[]");
    assert_type_error(deep, "deeper");
}

static void assert_selector(const char *sig, uint32_t want)
{
    uint8_t sel[4];
    eth_error e = {0};
    assert_int_equal(eth_abi_selector_of(sig, sel, &e), 0);
    uint32_t got = (uint32_t)sel[0] << 24 | (uint32_t)sel[1] << 16 | (uint32_t)sel[2] << 8 | sel[3];
    assert_int_equal(got, want);
}

static void test_selectors(void **state)
{
    (void)state;
    assert_selector("transfer(address,uint256)", 0xa9059cbb);
    assert_selector("transfer(address to, uint256 amount)", 0xa9059cbb);
    assert_selector("function transfer(address,uint)", 0xa9059cbb);
    assert_selector("balanceOf(address)(uint256)", 0x70a08231);
    assert_selector("baz(uint32,bool)", 0xcdcd77c0);
    assert_selector("bar(bytes3[2])", 0xfce353f6);
    assert_selector("sam(bytes,bool,uint256[])", 0xa5643bf2);
    assert_selector("f(uint256,uint32[],bytes10,bytes)", 0x8be65246);
    assert_selector("g(uint256[][],string[])", 0x2289b18c);
    assert_selector("OwnableUnauthorizedAccount(address)", 0x118cdaa7);
    assert_selector("f(uint256) external view returns (uint256)", 0xb3de648b);
    assert_selector("f(uint7)", 0x4cb5ba54); /* lenient, as cast sig */
}

static void test_event_topic(void **state)
{
    (void)state;
    uint8_t t[32];
    eth_error e = {0};
    assert_int_equal(eth_abi_event_topic("event Transfer(address indexed from, address indexed to, uint256 value)", t, &e), 0);
    assert_memory_equal(t, "\xdd\xf2\x52\xad\x1b\xe2\xc8\x9b\x69\xc2\xb0\x68\xfc\x37\x8d\xaa\x95\x2b\xa7\xf1"
                           "\x63\xc4\xa1\x16\x28\xf5\x5a\x4d\xf5\x23\xb3\xef", 32);
}

static void test_sig_parse(void **state)
{
    (void)state;
    eth_abi_sig s;
    eth_error e = {0};
    assert_int_equal(eth_abi_sig_parse("balanceOf(address who)(uint256 bal)", false, &s, &e), 0);
    assert_string_equal(s.name, "balanceOf");
    assert_int_equal(s.inputs->nfields, 1);
    assert_int_equal(s.outputs->nfields, 1);
    assert_int_equal(s.outputs->fields[0]->kind, ETH_ABI_UINT);
    eth_abi_sig_clear(&s);
    assert_true(eth_abi_sig_parse("f(uint7)", false, &s, &e) < 0);
    assert_non_null(strstr(e.msg, "unknown type 'uint7'"));
    assert_true(eth_abi_sig_parse("f(uint256", false, &s, &e) < 0);
    assert_non_null(strstr(e.msg, "unbalanced"));
    assert_true(eth_abi_sig_parse("f", false, &s, &e) < 0);
    assert_true(eth_abi_sig_parse("f(uint256) xyz", false, &s, &e) < 0);
    assert_true(eth_abi_sig_parse("", true, &s, &e) < 0);
    assert_true(eth_abi_sig_parse("1f(uint8)", true, &s, &e) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical), cmocka_unit_test(test_dynamic_and_sizes),
        cmocka_unit_test(test_type_errors), cmocka_unit_test(test_selectors),
        cmocka_unit_test(test_event_topic), cmocka_unit_test(test_sig_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
