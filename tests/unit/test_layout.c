/* test_layout.c: storage layouts and the upgrade check (lib/kms/layout.h).
 * The embedded DstackKms and DstackApp layouts read back variable by variable (slots, offsets,
 * sizes, types written out); each is compatible with itself and with the reference layout of
 * the deployed contracts (contracts/reference/NAME.storage.json, written without astId and
 * contract, with other AST numbers in the type ids); DstackApp as a new implementation of
 * DstackKms is refused with every clashing slot named. Crafted layouts pin each rule: a
 * variable carved out of the gap with the gap shrunk by one (compatible), without shrinking it
 * or with the wrong count (refused), a swapped pair, a changed type, a removed variable, a
 * variable moved by an insertion, one covered by a wider one, one squeezed into old room, a
 * rename (a note), appends and packing after the old end (notes). Every refusal of a parse
 * with its code, caps included, and a type that contains itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/file.h"
#include "kms/artifacts.h"
#include "kms/layout.h"

/* Layouts below are written with ' for " to stay readable; this turns one into real JSON
 * (printf-style, a new string the caller frees). */
static char *doc(const char *fmt, ...) ETH_PRINTF(1, 2);
static char *doc(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    return s;
}

static void parse_ok(const char *json, kms_layout *l)
{
    eth_error e = {0};
    int rc = kms_layout_parse(json, strlen(json), l, &e);
    if (rc)
        fprintf(stderr, "layout: %s\n", e.msg);
    assert_int_equal(rc, 0);
}

static void artifact_layout(const char *name, kms_layout *l)
{
    eth_error e = {0};
    const kms_artifact *a = kms_artifact_find(name);
    assert_non_null(a);
    assert_int_equal(kms_layout_from_artifact(a, l, &e), 0);
}

static void assert_var(const kms_layout *l, size_t i, uint64_t slot, unsigned offset,
                       uint64_t bytes, const char *label, const char *type)
{
    assert_true(i < l->n);
    assert_int_equal(l->vars[i].slot, slot);
    assert_int_equal(l->vars[i].offset, offset);
    assert_int_equal(l->vars[i].bytes, bytes);
    assert_string_equal(l->vars[i].label, label);
    assert_string_equal(l->vars[i].type, type);
}

/* Compares old with new_ and checks the verdict and the rendered text. */
static void assert_diff(const kms_layout *old, const kms_layout *new_, bool compatible,
                        const char *text)
{
    kms_layout_diff d = {0};
    eth_buf b = {0};
    eth_error e = {0};
    assert_int_equal(kms_layout_compare(old, new_, &d, &e), 0);
    assert_int_equal(kms_layout_render(&d, &b, &e), 0);
    assert_int_equal(eth_buf_terminate(&b, &e), 0);
    if (strcmp(eth_buf_str(&b), text) != 0)
        fprintf(stderr, "got:\n%s", eth_buf_str(&b));
    assert_string_equal(eth_buf_str(&b), text);
    assert_int_equal(d.compatible, compatible);
    assert_int_equal(d.problems == 0, compatible);
    eth_buf_clear(&b);
    kms_layout_diff_clear(&d);
}

/* The embedded layouts, variable by variable (contracts/reference/CONTRACTS.md's storage). */
static void test_artifact_layouts(void **state)
{
    (void)state;
    kms_layout kms, app;
    artifact_layout("DstackKms", &kms);
    assert_int_equal(kms.n, 8);
    assert_var(&kms, 0, 0, 0, 128, "kmsInfo", "struct KmsInfo{bytes,bytes,bytes,bytes}");
    assert_var(&kms, 1, 4, 0, 32, "gatewayAppId", "string");
    assert_var(&kms, 2, 5, 0, 32, "registeredApps", "mapping(address => bool)");
    assert_var(&kms, 3, 6, 0, 32, "kmsAllowedAggregatedMrs", "mapping(bytes32 => bool)");
    assert_var(&kms, 4, 7, 0, 32, "kmsAllowedDeviceIds", "mapping(bytes32 => bool)");
    assert_var(&kms, 5, 8, 0, 32, "allowedOsImages", "mapping(bytes32 => bool)");
    assert_var(&kms, 6, 9, 0, 20, "appImplementation", "address");
    assert_var(&kms, 7, 10, 0, 1600, "__gap", "uint256[50]");
    artifact_layout("DstackApp", &app);
    assert_int_equal(app.n, 6);
    assert_var(&app, 0, 0, 0, 32, "allowedComposeHashes", "mapping(bytes32 => bool)");
    assert_var(&app, 1, 1, 0, 1, "_upgradesDisabled", "bool");
    assert_var(&app, 2, 1, 1, 1, "allowAnyDevice", "bool");
    assert_var(&app, 3, 2, 0, 32, "allowedDeviceIds", "mapping(bytes32 => bool)");
    assert_var(&app, 4, 3, 0, 1, "requireTcbUpToDate", "bool");
    assert_var(&app, 5, 4, 0, 1568, "__gap", "uint256[49]");
    assert_diff(&kms, &kms, true, "compatible\n");
    assert_diff(&app, &app, true, "compatible\n");
    kms_layout_clear(&kms);
    kms_layout_clear(&app);
}

/* DstackApp's layout as an upgrade of a DstackKms proxy: every slot of DstackKms's own
 * variables is named, and the gap. */
static void test_app_over_kms(void **state)
{
    (void)state;
    kms_layout kms, app;
    artifact_layout("DstackKms", &kms);
    artifact_layout("DstackApp", &app);
    assert_diff(&kms, &app, false,
                "incompatible: 8 problems\n"
                "  slot 0: was struct KmsInfo{bytes,bytes,bytes,bytes} kmsInfo, now "
                "mapping(bytes32 => bool) allowedComposeHashes\n"
                "  slot 4: was string gatewayAppId, now uint256[49] __gap\n"
                "  slot 5: was mapping(address => bool) registeredApps, now part of uint256[49] "
                "__gap at slot 4\n"
                "  slot 6: was mapping(bytes32 => bool) kmsAllowedAggregatedMrs, now part of "
                "uint256[49] __gap at slot 4\n"
                "  slot 7: was mapping(bytes32 => bool) kmsAllowedDeviceIds, now part of "
                "uint256[49] __gap at slot 4\n"
                "  slot 8: was mapping(bytes32 => bool) allowedOsImages, now part of "
                "uint256[49] __gap at slot 4\n"
                "  slot 9: was address appImplementation, now part of uint256[49] __gap at "
                "slot 4\n"
                "  gap: __gap moved from slot 10 to slot 4\n");
    kms_layout_clear(&kms);
    kms_layout_clear(&app);
}

/* The deployed contracts' layouts (contracts/reference, the files the interface was taken
 * from) against ours, both ways: compatible, nothing to say. */
static void test_reference_layouts(void **state)
{
    (void)state;
    static const char *const NAMES[] = {"DstackKms", "DstackApp"};
    const char *src = getenv("KMSCTL_SOURCE_DIR");
    assert_non_null(src);
    for (size_t i = 0; i < 2; i++) {
        char path[4096];
        eth_buf b = {0};
        eth_error e = {0};
        kms_layout ref, ours;
        snprintf(path, sizeof path, "%s/contracts/reference/%s.storage.json", src, NAMES[i]);
        assert_int_equal(eth_file_read(path, KMS_LAYOUT_MAX_JSON, &b, NULL, &e), 0);
        assert_int_equal(kms_layout_parse((const char *)b.data, b.len, &ref, &e), 0);
        artifact_layout(NAMES[i], &ours);
        assert_int_equal(ref.n, ours.n);
        assert_diff(&ref, &ours, true, "compatible\n");
        assert_diff(&ours, &ref, true, "compatible\n");
        kms_layout_clear(&ref);
        kms_layout_clear(&ours);
        eth_buf_clear(&b);
    }
}

/* ---- crafted layouts ---- */

#define TYPES                                                                                  \
    "'types': {"                                                                               \
    " 't_uint256': {'encoding': 'inplace', 'label': 'uint256', 'numberOfBytes': '32'},"        \
    " 't_uint16': {'encoding': 'inplace', 'label': 'uint16', 'numberOfBytes': '2'},"           \
    " 't_address': {'encoding': 'inplace', 'label': 'address', 'numberOfBytes': '20'},"        \
    " 't_bool': {'encoding': 'inplace', 'label': 'bool', 'numberOfBytes': '1'},"               \
    " 't_string_storage': {'encoding': 'bytes', 'label': 'string', 'numberOfBytes': '32'},"    \
    " 'gap50': {'encoding': 'inplace', 'label': 'uint256[50]', 'numberOfBytes': '1600',"       \
    "           'base': 't_uint256'},"                                                         \
    " 'gap49': {'encoding': 'inplace', 'label': 'uint256[49]', 'numberOfBytes': '1568',"       \
    "           'base': 't_uint256'},"                                                         \
    " 'gap48': {'encoding': 'inplace', 'label': 'uint256[48]', 'numberOfBytes': '1536',"       \
    "           'base': 't_uint256'}}"

/* One variable: label, slot, offset, type id. */
#define V(label, slot, offset, type)                                                           \
    "{'label': '" label "', 'slot': '" #slot "', 'offset': " #offset ", 'type': '" type "'}"

/* a uint256 at 0, b string at 1, the gap from 2 to 51. */
#define OLD V("a", 0, 0, "t_uint256") "," V("b", 1, 0, "t_string_storage") "," V("__gap", 2, 0, "gap50")

/* Compares the layouts of the given variables (over TYPES). */
static void check(const char *old_vars, const char *new_vars, bool compatible, const char *text)
{
    char *o = doc("{'storage': [%s], %s}", old_vars, TYPES);
    char *n = doc("{'storage': [%s], %s}", new_vars, TYPES);
    kms_layout lo, ln;
    parse_ok(o, &lo);
    parse_ok(n, &ln);
    assert_diff(&lo, &ln, compatible, text);
    kms_layout_clear(&lo);
    kms_layout_clear(&ln);
    free(o);
    free(n);
}

static void test_gap_rules(void **state)
{
    (void)state;
    check(OLD, OLD, true, "compatible\n");
    /* one variable out of the gap, which shrinks by one: OpenZeppelin's way */
    check(OLD, V("a", 0, 0, "t_uint256") "," V("b", 1, 0, "t_string_storage") ","
               V("x", 2, 0, "t_uint256") "," V("__gap", 3, 0, "gap49"),
          true,
          "compatible, 2 notes\n"
          "  note: slot 2: added uint256 x (out of __gap)\n"
          "  note: gap: __gap shrinks from 50 to 49 slots for the 1 slot added\n");
    /* the same without shrinking the gap */
    check(OLD, V("a", 0, 0, "t_uint256") "," V("b", 1, 0, "t_string_storage") ","
               V("x", 2, 0, "t_uint256") "," V("__gap", 3, 0, "gap50"),
          false,
          "incompatible: 1 problem, 1 note\n"
          "  note: slot 2: added uint256 x (out of __gap)\n"
          "  gap: __gap stays at 50 slots but 1 slot was added\n");
    /* three variables, the gap shrunk by two */
    check(OLD, V("a", 0, 0, "t_uint256") "," V("b", 1, 0, "t_string_storage") ","
               V("x", 2, 0, "t_uint256") "," V("y", 3, 0, "t_address") ","
               V("z", 4, 0, "t_bool") "," V("__gap", 5, 0, "gap48"),
          false,
          "incompatible: 1 problem, 3 notes\n"
          "  note: slot 2: added uint256 x (out of __gap)\n"
          "  note: slot 3: added address y (out of __gap)\n"
          "  note: slot 4: added bool z (out of __gap)\n"
          "  gap: __gap shrinks from 50 to 48 slots but 3 slots were added\n");
    /* the gap dropped */
    check(OLD, V("a", 0, 0, "t_uint256") "," V("b", 1, 0, "t_string_storage"), false,
          "incompatible: 1 problem\n"
          "  gap: __gap shrinks from 50 to 0 slots but no slot was added\n");
    /* after the gap: appended, fine */
    check(OLD, OLD "," V("late", 52, 0, "t_bool"), true,
          "compatible, 1 note\n"
          "  note: slot 52: added bool late\n");
}

static void test_variable_rules(void **state)
{
    (void)state;
    /* a swapped pair */
    check(OLD, V("b", 0, 0, "t_string_storage") "," V("a", 1, 0, "t_uint256") ","
               V("__gap", 2, 0, "gap50"),
          false,
          "incompatible: 2 problems\n"
          "  slot 0: was uint256 a, now string b (b was at slot 1; a is now at slot 1)\n"
          "  slot 1: was string b, now uint256 a (a was at slot 0; b is now at slot 0)\n");
    /* a swapped pair of one type: the same bytes, other meanings */
    check(V("a", 0, 0, "t_uint256") "," V("b", 1, 0, "t_uint256"),
          V("b", 0, 0, "t_uint256") "," V("a", 1, 0, "t_uint256"), false,
          "incompatible: 2 problems\n"
          "  slot 0: was uint256 a, now uint256 b (b was at slot 1; a is now at slot 1)\n"
          "  slot 1: was uint256 b, now uint256 a (a was at slot 0; b is now at slot 0)\n");
    /* a changed type */
    check(OLD, V("a", 0, 0, "t_uint256") "," V("b", 1, 0, "t_uint256") ","
               V("__gap", 2, 0, "gap50"),
          false,
          "incompatible: 1 problem\n"
          "  slot 1: was string b, now uint256 b\n");
    /* a removed variable */
    check(OLD, V("a", 0, 0, "t_uint256") "," V("__gap", 2, 0, "gap50"), false,
          "incompatible: 1 problem\n"
          "  slot 1: was string b, now unused\n");
    /* a rename: the same bytes, only noted */
    check(OLD, V("a", 0, 0, "t_uint256") "," V("name", 1, 0, "t_string_storage") ","
               V("__gap", 2, 0, "gap50"),
          true,
          "compatible, 1 note\n"
          "  note: slot 1: b is now named name\n");
    /* an insertion moves what follows */
    check(V("a", 0, 0, "t_uint256") "," V("b", 1, 0, "t_string_storage"),
          V("a", 0, 0, "t_uint256") "," V("x", 1, 0, "t_uint256") ","
          V("b", 2, 0, "t_string_storage"),
          false,
          "incompatible: 1 problem\n"
          "  slot 1: was string b, now uint256 x (b is now at slot 2)\n");
    /* a wider variable over two packed ones */
    check(V("f", 0, 0, "t_bool") "," V("g", 0, 1, "t_bool"), V("h", 0, 0, "t_uint16"), false,
          "incompatible: 2 problems\n"
          "  slot 0: was bool f, now uint16 h\n"
          "  slot 0 offset 1: was bool g, now part of uint16 h at slot 0\n");
    /* room the old layout left free before its end is not for new variables */
    check(V("f", 0, 0, "t_bool") "," V("a", 1, 0, "t_uint256"),
          V("f", 0, 0, "t_bool") "," V("x", 0, 1, "t_bool") "," V("a", 1, 0, "t_uint256"), false,
          "incompatible: 1 problem\n"
          "  slot 0 offset 1: bool x added before the end of the old layout\n");
    /* packed after the last old variable and appended: fine */
    check(V("a", 0, 0, "t_uint256") "," V("f", 1, 0, "t_bool"),
          V("a", 0, 0, "t_uint256") "," V("f", 1, 0, "t_bool") "," V("g", 1, 1, "t_bool") ","
          V("c", 2, 0, "t_address"),
          true,
          "compatible, 2 notes\n"
          "  note: slot 1 offset 1: added bool g\n"
          "  note: slot 2: added address c\n");
}

/* One label twice (OpenZeppelin 4 gave every contract of a chain its own __gap): a layout is
 * compatible with itself; only the last gap may give slots, so a parent's gap that shrinks
 * is a changed type (found by fuzz/corpus/layout/regress-duplicate-labels.json). */
#define TWO_GAPS V("a", 0, 0, "t_uint256") "," V("__gap", 1, 0, "gap49") ","                 \
                 V("b", 50, 0, "t_bool") "," V("__gap", 51, 0, "gap50")

static void test_duplicate_labels(void **state)
{
    (void)state;
    check(TWO_GAPS, TWO_GAPS, true, "compatible\n");
    check(TWO_GAPS, V("a", 0, 0, "t_uint256") "," V("x", 1, 0, "t_uint256") ","
                    V("__gap", 2, 0, "gap48") "," V("b", 50, 0, "t_bool") ","
                    V("__gap", 51, 0, "gap50"),
          false,
          "incompatible: 1 problem\n"
          "  slot 1: was uint256[49] __gap, now uint256 x (__gap is now at slot 2)\n");
}

/* solc's and forge's artifact files hold the layout as "storageLayout"; the order of the
 * storage list does not matter (variables are sorted by place); types may be null when
 * storage is empty. */
static void test_forms(void **state)
{
    (void)state;
    kms_layout a, b, empty;
    char *plain = doc("{'storage': [%s], %s}",
                      V("b", 1, 0, "t_string_storage") "," V("a", 0, 0, "t_uint256"), TYPES);
    char *artifact = doc("{'abi': [], 'storageLayout': {'storage': [%s], %s}}",
                         V("a", 0, 0, "t_uint256") "," V("b", 1, 0, "t_string_storage"), TYPES);
    char *none = doc("{'storage': [], 'types': null}");
    parse_ok(plain, &a);
    parse_ok(artifact, &b);
    parse_ok(none, &empty);
    assert_var(&a, 0, 0, 0, 32, "a", "uint256");
    assert_var(&a, 1, 1, 0, 32, "b", "string");
    assert_diff(&a, &b, true, "compatible\n");
    assert_int_equal(empty.n, 0);
    assert_diff(&empty, &a, true,
                "compatible, 2 notes\n"
                "  note: slot 0: added uint256 a\n"
                "  note: slot 1: added string b\n");
    kms_layout_clear(&a);
    kms_layout_clear(&b);
    kms_layout_clear(&empty);
    free(plain);
    free(artifact);
    free(none);
}

/* A struct that holds a mapping to itself, and a dynamic array of structs, written out. */
static void test_recursive_struct(void **state)
{
    (void)state;
    kms_layout l;
    char *json = doc(
        "{'storage': [{'label': 'root', 'slot': '0', 'offset': 0, 'type': 't_struct(Node)1'},"
        "             {'label': 'list', 'slot': '2', 'offset': 0, 'type': 't_array(Node)dyn'}],"
        " 'types': {"
        "  't_uint256': {'encoding': 'inplace', 'label': 'uint256', 'numberOfBytes': '32'},"
        "  't_struct(Node)1': {'encoding': 'inplace', 'label': 'struct Tree.Node',"
        "     'numberOfBytes': '64', 'members': ["
        "       {'label': 'v', 'slot': '0', 'offset': 0, 'type': 't_uint256'},"
        "       {'label': 'kids', 'slot': '1', 'offset': 0, 'type': 't_mapping(uint,Node)'}]},"
        "  't_mapping(uint,Node)': {'encoding': 'mapping', 'label': 'mapping(uint256 => struct "
        "     Tree.Node)', 'numberOfBytes': '32', 'key': 't_uint256', 'value': 't_struct(Node)1'},"
        "  't_array(Node)dyn': {'encoding': 'dynamic_array', 'label': 'struct Tree.Node[]',"
        "     'numberOfBytes': '32', 'base': 't_struct(Node)1'}}}");
    parse_ok(json, &l);
    assert_var(&l, 0, 0, 0, 64, "root",
               "struct Node{uint256,mapping(uint256 => struct Node)}");
    assert_var(&l, 1, 2, 0, 32, "list",
               "struct Node{uint256,mapping(uint256 => struct Node)}[]");
    kms_layout_clear(&l);
    free(json);
}

/* ---- refusals ---- */

static void refused(int code, const char *msg, const char *json)
{
    kms_layout l = {0};
    eth_error e = {0};
    int rc = kms_layout_parse(json, strlen(json), &l, &e);
    if (rc != -code || (msg && strcmp(e.msg, msg) != 0))
        fprintf(stderr, "for %.300s\n got %d: %s\n", json, rc, e.msg);
    assert_int_equal(rc, -code);
    assert_int_equal(e.code, code);
    if (msg)
        assert_string_equal(e.msg, msg);
    assert_null(l.vars);
    assert_int_equal(l.n, 0);
}

/* One variable a of type id type over TYPES plus extra type definitions (", 'id': {..}"). */
static void one_refused(int code, const char *msg, const char *var, const char *extra_types)
{
    char *json = doc("{'storage': [%s], %.*s%s}}", var, (int)strlen(TYPES) - 1, TYPES,
                     extra_types);
    refused(code, msg, json);
    free(json);
}

static void test_refuse_parse(void **state)
{
    (void)state;
    refused(ETH_EINVAL, NULL, "{\"storage\": ");
    refused(ETH_EINVAL, "storage layout: expected a JSON object", "[]");
    refused(ETH_EINVAL, "missing field 'storage'", "{\"types\": {}}");
    refused(ETH_EINVAL, "field 'storageLayout' must be an object", "{\"storageLayout\": 1}");
    char *json = doc("{'storage': [], 'types': []}");
    refused(ETH_EINVAL, "field 'types' must be an object", json);
    free(json);
    json = doc("{'storage': [%s], 'types': null}", V("a", 0, 0, "t_uint256"));
    refused(ETH_EINVAL, "storage[0] (a): type 't_uint256' is not described in types", json);
    free(json);
    one_refused(ETH_EINVAL, "storage[0] (a): type 't_nope' is not described in types",
                V("a", 0, 0, "t_nope"), "");
    one_refused(ETH_EINVAL, "storage[0] must be an object", "1", "");
    one_refused(ETH_EINVAL, "missing field 'storage[0].slot'",
                "{'label': 'a', 'offset': 0, 'type': 't_uint256'}", "");
    one_refused(ETH_EINVAL, "field 'storage[0].label': 'a b' is not an identifier of at most "
                            "256 characters", V("a b", 0, 0, "t_uint256"), "");
    one_refused(ETH_EINVAL, NULL, V("", 0, 0, "t_uint256"), "");
    one_refused(ETH_EINVAL, NULL, V("1a", 0, 0, "t_uint256"), "");
    one_refused(ETH_ERANGE, "field 'storage[0].offset' is 32: a slot has bytes 0 to 31",
                V("a", 0, 32, "t_bool"), "");
    one_refused(ETH_ERANGE, "field 'storage[0].offset' must not be negative",
                V("a", 0, -1, "t_bool"), "");
    one_refused(ETH_EINVAL, "field 'storage[0].slot' must be a decimal string below 2^48",
                "{'label': 'a', 'slot': '01', 'offset': 0, 'type': 't_bool'}", "");
    one_refused(ETH_EINVAL, NULL, "{'label': 'a', 'slot': '0x1', 'offset': 0, 'type': 't_bool'}",
                "");
    one_refused(ETH_EINVAL, NULL, "{'label': 'a', 'slot': 1, 'offset': 0, 'type': 't_bool'}", "");
    one_refused(ETH_ERANGE, "field 'storage[0].slot' must be a decimal string below 2^48",
                V("a", 281474976710656, 0, "t_bool"), "");
    one_refused(ETH_ERANGE, NULL, V("a", 99999999999999999999999, 0, "t_bool"), "");
    one_refused(ETH_EINVAL, "storage[0] (a): 2 bytes at offset 31 do not fit in the slot",
                V("a", 0, 31, "t_uint16"), "");
    one_refused(ETH_EINVAL, "storage[0] (a): field 'types.t_z.numberOfBytes' must be a decimal "
                            "string from 1 to 9007199254740992",
                V("a", 0, 0, "t_z"),
                ", 't_z': {'encoding': 'inplace', 'label': 'z', 'numberOfBytes': '0'}");
    one_refused(ETH_EINVAL, "storage[0] (a): field 'types.t_z.encoding': unknown encoding 'x' "
                            "(known: inplace, mapping, bytes, dynamic_array)",
                V("a", 0, 0, "t_z"),
                ", 't_z': {'encoding': 'x', 'label': 'z', 'numberOfBytes': '1'}");
    one_refused(ETH_EINVAL, "storage[0] (a): missing field 'types.t_m.key'", V("a", 0, 0, "t_m"),
                ", 't_m': {'encoding': 'mapping', 'label': 'm', 'numberOfBytes': '32',"
                " 'value': 't_bool'}");
    one_refused(ETH_EINVAL, "storage[0] (a): field 'types.t_z.label' must be 1 to 256 printable "
                            "characters", V("a", 0, 0, "t_z"),
                ", 't_z': {'encoding': 'inplace', 'label': '\\u0007', 'numberOfBytes': '1'}");
    one_refused(ETH_EINVAL, "storage[0] (a): field 'types.t_z.label': an array's label ends in "
                            "[N] or [], not 'z'", V("a", 0, 0, "t_z"),
                ", 't_z': {'encoding': 'inplace', 'label': 'z', 'numberOfBytes': '32',"
                " 'base': 't_bool'}");
    one_refused(ETH_EINVAL, "storage: b at slot 1 overlaps a at slot 0",
                V("a", 0, 0, "gap50") "," V("b", 1, 0, "t_bool"), "");
    one_refused(ETH_EINVAL, "storage: b at slot 0 overlaps a at slot 0",
                V("a", 0, 0, "t_bool") "," V("b", 0, 0, "t_bool"), "");
}

/* Caps: the text, the variables, a struct's members, the nesting, the written-out type. */
static void test_refuse_caps(void **state)
{
    (void)state;
    eth_buf b = {0};
    eth_error e = {0};
    kms_layout l;
    assert_int_equal(eth_buf_fill(&b, ' ', KMS_LAYOUT_MAX_JSON + 1, &e), 0);
    assert_int_equal(kms_layout_parse((const char *)b.data, b.len, &l, &e), -ETH_ERANGE);
    assert_string_equal(e.msg, "storage layout of 4194305 bytes: kmsctl reads at most 4194304");
    b.len = 0;

    for (int i = 0; i <= KMS_LAYOUT_MAX_VARS; i++)
        assert_int_equal(eth_buf_printf(&b, &e, "%s{'label': 'v%d', 'slot': '%d', 'offset': 0, "
                                                "'type': 't_bool'}", i ? "," : "", i, i), 0);
    assert_int_equal(eth_buf_terminate(&b, &e), 0);
    one_refused(ETH_ERANGE, "storage has 1025 variables: kmsctl reads at most 1024",
                eth_buf_str(&b), "");
    b.len = 0;

    /* a struct of 257 members; one of 200 (too long written out) */
    for (int n = KMS_LAYOUT_MAX_MEMBERS + 1; n >= 200; n -= KMS_LAYOUT_MAX_MEMBERS + 1 - 200) {
        b.len = 0;
        for (int i = 0; i < n; i++)
            assert_int_equal(eth_buf_printf(&b, &e, "%s{'label': 'm', 'slot': '%d', 'offset': 0,"
                                                    " 'type': 't_uint256'}", i ? "," : "", i), 0);
        assert_int_equal(eth_buf_terminate(&b, &e), 0);
        char *extra = doc(", 't_s': {'encoding': 'inplace', 'label': 'struct S', "
                          "'numberOfBytes': '32', 'members': [%s]}", eth_buf_str(&b));
        one_refused(ETH_ERANGE, n > 200 ? "storage[0] (a): field 'types.t_s.members' has more "
                                          "than 256 entries"
                                        : "storage[0] (a): its type written out is longer than "
                                          "1024 characters",
                    V("a", 0, 0, "t_s"), extra);
        free(extra);
    }
    b.len = 0;

    /* mappings nested 40 deep */
    for (int i = 0; i < 40; i++)
        assert_int_equal(eth_buf_printf(&b, &e, ", 't_m%d': {'encoding': 'mapping', 'label': "
                                                "'m', 'numberOfBytes': '32', 'key': 't_bool', "
                                                "'value': 't_m%d'}", i, i + 1), 0);
    assert_int_equal(eth_buf_append_str(&b, ", 't_m40': {'encoding': 'inplace', 'label': 'bool', "
                                            "'numberOfBytes': '1'}", &e), 0);
    assert_int_equal(eth_buf_terminate(&b, &e), 0);
    one_refused(ETH_ERANGE, "storage[0] (a): its type nests deeper than 32 levels",
                V("a", 0, 0, "t_m0"), eth_buf_str(&b));
    eth_buf_clear(&b);

    kms_artifact bare = {.name = "Bare"};
    assert_int_equal(kms_layout_from_artifact(&bare, &l, &e), -ETH_EUNSUP);
    assert_string_equal(e.msg, "the artifact Bare carries no storage layout");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_artifact_layouts),
        cmocka_unit_test(test_app_over_kms),
        cmocka_unit_test(test_reference_layouts),
        cmocka_unit_test(test_gap_rules),
        cmocka_unit_test(test_variable_rules),
        cmocka_unit_test(test_duplicate_labels),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_recursive_struct),
        cmocka_unit_test(test_refuse_parse),
        cmocka_unit_test(test_refuse_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
