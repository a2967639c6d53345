/* test_audit_words.c: what the policy audit says, from hand-made data (no chain): who controls
 * an owner and the flags an auditor must see (lib/kms/audit_control.h), the summary and the
 * warnings of a state and its mismatches (audit_state.h), a change in words and the policy
 * names (audit_history.h), and the differences between two states (audit_diff.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/keccak.h"
#include "kms/audit_control.h"
#include "kms/audit_diff.h"
#include "kms/audit_history.h"
#include "kms/audit_state.h"

/* A node of a control tree, with every address made of one digit (so EIP-55 leaves it as it
 * is: 0x1111..1111). */
static kms_control node(kms_control_kind kind, uint8_t digit)
{
    kms_control c = {.kind = kind};
    memset(c.addr, digit * 0x11, 20);
    return c;
}

static kms_control eoas[3], inner[1];

static kms_control safe(uint64_t threshold, size_t n)
{
    kms_control s = node(KMS_CTRL_SAFE, 2);
    s.threshold = threshold;
    s.members = eoas;
    s.nmembers = n;
    return s;
}

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < 3; i++)
        eoas[i] = node(KMS_CTRL_EOA, (uint8_t)(5 + i));
    inner[0] = safe(2, 3);
    return 0;
}

static void assert_words(const kms_control *c, const char *want, uint32_t flags)
{
    char words[1024];
    kms_control_words(c, words, sizeof words);
    assert_string_equal(words, want);
    assert_int_equal(kms_control_flags(c), flags);
}

static void test_control(void **state)
{
    (void)state;
    kms_control eoa = node(KMS_CTRL_EOA, 1), s23 = safe(2, 3), s12 = safe(1, 2);
    assert_words(&eoa, "a single EOA 0x1111..1111", KMS_CTRL_INSTANT | KMS_CTRL_SINGLE_KEY);
    assert_words(&s23, "a 2-of-3 Safe 0x2222..2222", KMS_CTRL_INSTANT);
    assert_words(&s12, "a 1-of-2 Safe 0x2222..2222", KMS_CTRL_INSTANT | KMS_CTRL_SINGLE_KEY);
    /* a 1-of-1 Safe whose owner is a 2-of-3 Safe: no single key */
    kms_control nested = node(KMS_CTRL_SAFE, 4);
    nested.threshold = 1;
    nested.members = inner;
    nested.nmembers = 1;
    assert_words(&nested, "a 1-of-1 Safe 0x4444..4444", KMS_CTRL_INSTANT);
    kms_control tl = node(KMS_CTRL_TIMELOCK, 3);
    tl.min_delay = 86400;
    tl.members = &s23;
    tl.nmembers = 1;
    assert_words(&tl, "a 2-of-3 Safe 0x2222..2222 through a 1 d timelock 0x3333..3333", 0);
    kms_control two[2] = {eoa, s23};
    tl.members = two;
    tl.nmembers = 2;
    tl.min_delay = 129600;
    assert_words(&tl, "a single EOA 0x1111..1111 or a 2-of-3 Safe 0x2222..2222 through a 36 h "
                      "timelock 0x3333..3333", KMS_CTRL_SINGLE_KEY);
    tl.nmembers = 1;
    tl.members = &s23;
    tl.admins = &eoa; /* an admin can grant itself the proposer role */
    tl.nadmins = 1;
    assert_words(&tl, "a 2-of-3 Safe 0x2222..2222 through a 36 h timelock 0x3333..3333",
                 KMS_CTRL_SINGLE_KEY);
    tl = node(KMS_CTRL_TIMELOCK, 3);
    assert_words(&tl, "nobody (no proposer) through a zero-delay timelock 0x3333..3333",
                 KMS_CTRL_FROZEN | KMS_CTRL_INSTANT);
    kms_control nobody = node(KMS_CTRL_NOBODY, 0), other = node(KMS_CTRL_CONTRACT, 9);
    assert_words(&nobody, "nobody (ownership renounced)", KMS_CTRL_FROZEN);
    assert_words(&other, "an unknown contract 0x9999..9999", KMS_CTRL_INSTANT | KMS_CTRL_UNKNOWN);
}

static void test_delay_text(void **state)
{
    (void)state;
    static const struct {
        uint64_t s;
        const char *want;
    } V[] = {{0, "no delay"}, {86400, "1 d"}, {129600, "36 h"}, {5400, "90 m"}, {45, "45 s"},
             {90061, "90061 s"}};
    for (size_t i = 0; i < sizeof V / sizeof V[0]; i++) {
        char out[32];
        assert_string_equal(kms_control_delay_text(V[i].s, out), V[i].want);
    }
}

static void test_control_json(void **state)
{
    (void)state;
    kms_timelock_roles roles = {0};
    kms_control s23 = safe(2, 3), tl = node(KMS_CTRL_TIMELOCK, 3);
    tl.min_delay = 3600;
    tl.roles = &roles;
    tl.members = &s23;
    tl.nmembers = 1;
    roles.executor.n = 1; /* the zero address: anyone */
    json_t *j = kms_control_json(&tl);
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(
        text,
        "{\"address\":\"0x3333333333333333333333333333333333333333\",\"admins\":[],"
        "\"cancellers\":[],\"executors\":[\"0x0000000000000000000000000000000000000000\"],"
        "\"flags\":[],\"kind\":\"timelock\",\"minDelay\":3600,\"proposers\":[{\"address\":"
        "\"0x2222222222222222222222222222222222222222\",\"flags\":[\"instant\"],\"kind\":\"safe\","
        "\"owners\":[{\"address\":\"0x5555555555555555555555555555555555555555\",\"flags\":"
        "[\"instant\",\"single-key\"],\"kind\":\"eoa\",\"words\":\"a single EOA 0x5555..5555\"},"
        "{\"address\":\"0x6666666666666666666666666666666666666666\",\"flags\":[\"instant\","
        "\"single-key\"],\"kind\":\"eoa\",\"words\":\"a single EOA 0x6666..6666\"},{\"address\":"
        "\"0x7777777777777777777777777777777777777777\",\"flags\":[\"instant\",\"single-key\"],"
        "\"kind\":\"eoa\",\"words\":\"a single EOA 0x7777..7777\"}],\"threshold\":2,\"words\":"
        "\"a 2-of-3 Safe 0x2222..2222\"}],\"words\":\"a 2-of-3 Safe 0x2222..2222 through a 1 h "
        "timelock 0x3333..3333\"}");
    free(text);
    json_decref(j);
}

/* ---- changes ---- */

static void assert_change(kms_audit_change *c, const char *policy, bool enabled, const char *want)
{
    char words[512];
    c->policy = policy;
    c->enabled = enabled;
    kms_audit_change_words(c, words, sizeof words);
    assert_string_equal(words, want);
}

static void test_change_words(void **state)
{
    (void)state;
    kms_audit_change c = {.kind = KMS_CHANGE_POLICY};
    memset(c.value, 0x11, 32);
    memset(c.actor, 0x22, 20);
    memset(c.new_owner, 0x33, 20);
    const char *v = "0x1111111111111111111111111111111111111111111111111111111111111111";
    char want[200];
    snprintf(want, sizeof want, "os-image %s allowed", v);
    assert_change(&c, "os-image", true, want);
    snprintf(want, sizeof want, "compose-hash %s removed", v);
    assert_change(&c, "compose-hash", false, want);
    assert_change(&c, "registered-app", true,
                  "app 0x1111111111111111111111111111111111111111 registered");
    assert_change(&c, "implementation-upgrade", true,
                  "upgraded to the implementation 0x1111111111111111111111111111111111111111");
    assert_change(&c, "allow-any-device", false, "allow-any-device off");
    assert_change(&c, "upgrades-disabled", true, "upgrades disabled for good");
    char gw[] = "\"gw\"";
    c.detail = gw;
    assert_change(&c, "gateway-app-id", true, "gateway-app-id set to \"gw\"");
    c.detail = NULL;
    memset(c.policy_hash, 0xee, 32);
    assert_change(&c, NULL, true,
                  "unknown policy "
                  "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee: value "
                  "0x1111111111111111111111111111111111111111111111111111111111111111, enabled");
    c.kind = KMS_CHANGE_OWNER_PENDING;
    assert_change(&c, "owner", false,
                  "ownership transfer from 0x2222222222222222222222222222222222222222 to "
                  "0x3333333333333333333333333333333333333333 started");
    c.kind = KMS_CHANGE_OWNER;
    assert_change(&c, "owner", false,
                  "ownership passed from 0x2222222222222222222222222222222222222222 to "
                  "0x3333333333333333333333333333333333333333");
    memset(c.actor, 0, 20);
    assert_change(&c, "owner", false,
                  "owner set to 0x3333333333333333333333333333333333333333 (initialized)");
}

/* ---- states ---- */

static uint8_t V1[32], V2[32], V3[32];

static kms_b32_list list(uint8_t (*items)[32], size_t n)
{
    return (kms_b32_list){.items = items, .n = n};
}

static void say(void *ctx, const char *line)
{
    char *out = ctx;
    strcat(out, line);
    strcat(out, "\n");
}

static void test_summary_and_warnings(void **state)
{
    (void)state;
    uint8_t denied[1][32];
    kms_audit_app app = {.is_app = true, .control = node(KMS_CTRL_EOA, 7)};
    kms_audit_state s = {.control = safe(2, 3), .app = &app, .napps = 1};
    memset(app.addr, 0x88, 20);
    memset(app.implementation, 0x99, 20);
    memset(s.app_implementation, 0x44, 20);
    memset(s.pending_owner, 0x66, 20);
    memset(denied[0], 0xab, 32);
    s.os_images.denied = list(denied, 1);
    char line[512], all[4096] = "";
    kms_audit_summary_line(&s, 0, line, sizeof line);
    assert_string_equal(line, "DstackKms: a 2-of-3 Safe 0x2222..2222, at once");
    kms_audit_summary_line(&s, 1, line, sizeof line);
    assert_string_equal(line, "app 0x8888..8888: a single EOA 0x7777..7777, at once, upgradeable");
    kms_audit_warnings(&s, say, all);
    assert_string_equal(
        all,
        "DstackKms: a change takes effect at once, with no notice (no timelock delay)\n"
        "DstackKms: an ownership transfer to 0x6666666666666666666666666666666666666666 is "
        "pending (not accepted yet)\n"
        "DstackKms: mismatch: the events allow os-image 0xabababababababababababababababababab"
        "abababababababababababababab, but allowedOsImages says false\n"
        "app 0x8888..8888: a change takes effect at once, with no notice (no timelock delay)\n"
        "app 0x8888..8888: a single key is enough to change it\n"
        "app 0x8888..8888: its code 0x9999999999999999999999999999999999999999 is not the KMS's "
        "app implementation 0x4444444444444444444444444444444444444444\n");
    assert_int_equal(kms_audit_state_mismatches(&s), 1);
}

/* Makes APP (at 0x8888..8888) the only app state S has. */
static void give_app(kms_audit_state *s, kms_audit_app *app)
{
    memset(app->addr, 0x88, 20);
    s->app = app;
    s->napps = 1;
}

static void test_diff(void **state)
{
    (void)state;
    uint8_t a_items[2][32], b_items[2][32], hashes[1][32];
    memcpy(a_items[0], V1, 32);
    memcpy(a_items[1], V2, 32);
    memcpy(b_items[0], V2, 32);
    memcpy(b_items[1], V3, 32);
    memcpy(hashes[0], V3, 32);
    kms_audit_app app = {.is_app = true, .control = node(KMS_CTRL_EOA, 7)};
    app.compose_hashes.members = list(hashes, 1);
    kms_audit_state a = {.control = node(KMS_CTRL_EOA, 1)}, b = a;
    a.os_images.members = list(a_items, 2);
    b.os_images.members = list(b_items, 2);
    memset(b.owner, 0x55, 20);
    give_app(&b, &app);
    kms_audit_diff d;
    eth_error e;
    assert_int_equal(kms_audit_diff_states(&a, &b, &d, &e), 0);
    assert_int_equal(d.n, 5);
    assert_int_equal(d.items[0].kind, KMS_DIFF_CHANGED);
    assert_string_equal(d.items[0].what, "owner");
    assert_string_equal(d.items[0].before, "0x0000000000000000000000000000000000000000");
    assert_string_equal(d.items[0].after, "0x5555555555555555555555555555555555555555");
    assert_int_equal(d.items[1].kind, KMS_DIFF_REMOVED);
    assert_string_equal(d.items[1].before,
                        "0x0101010101010101010101010101010101010101010101010101010101010101");
    assert_int_equal(d.items[2].kind, KMS_DIFF_ADDED);
    assert_string_equal(d.items[2].after,
                        "0x0303030303030303030303030303030303030303030303030303030303030303");
    assert_string_equal(d.items[3].where, "app 0x8888..8888");
    assert_string_equal(d.items[3].after, "controlled by a single EOA 0x7777..7777");
    assert_string_equal(d.items[4].what, "compose-hash");
    assert_int_equal(d.items[4].kind, KMS_DIFF_ADDED);
    kms_audit_diff_clear(&d);
    assert_int_equal(kms_audit_diff_states(&b, &b, &d, &e), 0);
    assert_int_equal(d.n, 0);
    kms_audit_diff_clear(&d);
}

/* A registered contract that is no DstackApp (a stranger may register anything): nothing of it
 * was read, so the diff says so rather than "controlled by nobody (ownership renounced)". */
static void test_diff_not_an_app(void **state)
{
    (void)state;
    kms_audit_app app = {.is_app = false};
    kms_audit_state a = {.control = node(KMS_CTRL_EOA, 1)}, b = a;
    give_app(&b, &app);
    kms_audit_diff d;
    eth_error e;
    assert_int_equal(kms_audit_diff_states(&a, &b, &d, &e), 0);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].kind, KMS_DIFF_ADDED);
    assert_string_equal(d.items[0].where, "app 0x8888..8888");
    assert_string_equal(d.items[0].what, "app");
    assert_string_equal(d.items[0].after, "not a DstackApp (its policy cannot be read)");
    kms_audit_diff_clear(&d);
    assert_int_equal(kms_audit_diff_states(&b, &a, &d, &e), 0);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].kind, KMS_DIFF_REMOVED);
    assert_string_equal(d.items[0].before, "not a DstackApp (its policy cannot be read)");
    kms_audit_diff_clear(&d);
}

int main(void)
{
    memset(V1, 1, 32);
    memset(V2, 2, 32);
    memset(V3, 3, 32);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_control),
        cmocka_unit_test(test_delay_text),
        cmocka_unit_test(test_control_json),
        cmocka_unit_test(test_change_words),
        cmocka_unit_test(test_summary_and_warnings),
        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_diff_not_an_app),
    };
    return cmocka_run_group_tests_name("audit_words", tests, setup, NULL);
}
