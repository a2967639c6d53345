/* test_authz.c: the webhook's decision over several providers (lib/kms/authz.h), against
 * scripted JSON-RPC nodes (tests/support/fakenode.h): failover past a dead provider, a quorum
 * that a lying provider cannot sway, no quorum failing closed, every fail-closed case (a reply
 * of another shape, a revert, a stale head, a node on another chain), the pinned block under
 * --confirmations and --block-tag finalized, and the app-code check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "fakenode.h"
#include "eth/hex.h"
#include "kms/artifacts.h"
#include "kms/authz.h"

#define W(x) "00000000000000000000000000000000000000000000000000000000000000" x
/* (true, ""), (false, "OS image is not allowed") as cast abi-encode writes them */
static const char ALLOWED[] = "0x" W("01") W("40") W("00");
static const char DENIED_OS[] = "0x" W("00") W("40") W("17")
                                "4f5320696d616765206973206e6f7420616c6c6f776564000000000000000000";
static const char IMPL[] = "00000000000000000000000000000000000000000000000000000000000a9910";

/* A scripted node: what it answers, and the block tag of the last policy call it saw. */
typedef struct node {
    fakenode f;
    uint64_t chain, head, timestamp;
    const char *answer; /* the policy call's result, or NULL: a revert */
    const char *code;   /* eth_getCode of the app */
    char last_tag[32];
} node;

static json_t *answer_one(node *n, json_t *req)
{
    const char *m = json_string_value(json_object_get(req, "method"));
    json_t *params = json_object_get(req, "params"), *res = NULL, *error = NULL;
    char buf[256];
    if (strcmp(m, "eth_chainId") == 0) {
        snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)n->chain);
        res = json_string(buf);
    } else if (strcmp(m, "eth_getBlockByNumber") == 0) {
        snprintf(buf, sizeof buf, "0x%064llx", (unsigned long long)n->head + 1000);
        res = json_pack("{s:s%,s:s,s:s%,s:s}", "number", buf, (size_t)0, "hash", buf,
                        "timestamp", buf, (size_t)0, "gasLimit", "0x1c9c380");
        char num[32], ts[32];
        bool fin = strcmp(json_string_value(json_array_get(params, 0)), "finalized") == 0;
        snprintf(num, sizeof num, "0x%llx", (unsigned long long)n->head - (fin ? 10 : 0));
        snprintf(ts, sizeof ts, "0x%llx", (unsigned long long)n->timestamp);
        json_object_set_new(res, "number", json_string(num));
        json_object_set_new(res, "timestamp", json_string(ts));
    } else if (strcmp(m, "eth_getStorageAt") == 0) {
        res = json_string("0x000000000000000000000000" /* the slot holds IMPL */
                          "00000000000000000000000000000000000a9910");
    } else if (strcmp(m, "eth_getCode") == 0) {
        res = json_string(n->code);
    } else { /* eth_call */
        const char *data = json_string_value(json_object_get(json_array_get(params, 0), "data"));
        const char *tag = json_string_value(json_array_get(params, 1));
        if (strcmp(data, "0x95f51931") == 0) /* gatewayAppId() */
            res = json_string("0x" W("20") W("04") /* "gw-1" */
                              "67772d3100000000000000000000000000000000000000000000000000000000");
        else if (strcmp(data, "0x25a992da") == 0) { /* appImplementation() */
            snprintf(buf, sizeof buf, "0x%s", IMPL);
            res = json_string(buf);
        } else if (snprintf(n->last_tag, sizeof n->last_tag, "%s", tag) >= 0 && n->answer)
            res = json_string(n->answer);
        else
            error = json_pack("{s:i,s:s,s:s}", "code", 3, "message", "execution reverted",
                              "data", "0xdeadbeef");
    }
    return json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", json_object_get(req, "id"),
                     error ? "error" : "result", error ? error : res);
}

static bool handler(void *ctx, const char *body, int *status, char *out, size_t cap)
{
    node *n = ctx;
    json_t *req = json_loads(body, 0, NULL), *reply;
    if (json_is_array(req)) {
        reply = json_array();
        for (size_t i = 0; i < json_array_size(req); i++)
            json_array_append_new(reply, answer_one(n, json_array_get(req, i)));
    } else
        reply = answer_one(n, req);
    json_decref(req);
    return fakenode_json(reply, status, out, cap);
}

static void node_start(node *n, const char *answer)
{
    memset(n, 0, sizeof *n);
    n->chain = 31337;
    n->head = 16;
    n->timestamp = (uint64_t)time(NULL);
    n->answer = answer;
    n->code = "0x";
    assert_int_equal(fakenode_start(&n->f, handler, n), 0);
}

/* A URL where nothing listens. */
static void dead_url(char *out, size_t cap)
{
    node n;
    node_start(&n, ALLOWED);
    snprintf(out, cap, "%s", n.f.url);
    fakenode_stop(&n.f);
}

static kms_authz_config config(kms_authz_mode mode, unsigned quorum)
{
    kms_authz_config c = {.mode = mode, .quorum = quorum, .timeout_ms = 2000};
    memset(c.kms, 0x22, 20);
    return c;
}

/* Opens the shared state and one worker for c, and polls once. */
static kms_authz *open_authz(const kms_authz_config *c, kms_authz_shared **s, size_t *usable)
{
    eth_error e = {0};
    kms_authz *a = NULL;
    assert_int_equal(kms_authz_shared_new(c, s, &e), 0);
    assert_int_equal(kms_authz_open(*s, &a, &e), 0);
    *usable = kms_authz_refresh(a, NULL);
    return a;
}

static void decide(kms_authz *a, bool kms, kms_authz_answer *out)
{
    kms_boot_info b;
    memset(&b, 0, sizeof b);
    memset(b.app_id, 0x33, 20);
    kms_authz_decide(a, &b, kms, out);
}

static void close_authz(kms_authz *a, kms_authz_shared *s)
{
    kms_authz_free(a);
    kms_authz_shared_free(s);
}

static void test_failover_past_a_dead_provider(void **state)
{
    (void)state;
    node b;
    char dead[64];
    dead_url(dead, sizeof dead);
    node_start(&b, DENIED_OS);
    kms_authz_config c = config(KMS_AUTHZ_FAILOVER, 0);
    c.urls[0] = dead;
    c.urls[1] = b.f.url;
    c.nurls = 2;
    kms_authz_shared *s;
    size_t usable;
    kms_authz *a = open_authz(&c, &s, &usable);
    assert_int_equal(usable, 1);
    kms_authz_answer ans;
    decide(a, true, &ans);
    assert_true(ans.available);
    assert_false(ans.allowed);
    assert_string_equal(ans.reason, "OS image is not allowed");
    assert_string_equal(ans.gateway, "gw-1");
    assert_int_equal(ans.block, 16);
    assert_string_equal(b.last_tag, "0x10");
    kms_authz_provider p;
    kms_authz_provider_get(s, 0, &p);
    assert_false(p.usable);
    assert_int_equal(p.errors, 1);
    close_authz(a, s);
    fakenode_stop(&b.f);
}

static void test_quorum_outvotes_a_liar(void **state)
{
    (void)state;
    node n[3];
    node_start(&n[0], DENIED_OS);
    node_start(&n[1], DENIED_OS);
    node_start(&n[2], ALLOWED); /* the liar */
    kms_authz_config c = config(KMS_AUTHZ_QUORUM, 2);
    for (size_t i = 0; i < 3; i++)
        c.urls[i] = n[i].f.url;
    c.nurls = 3;
    kms_authz_shared *s;
    size_t usable;
    kms_authz *a = open_authz(&c, &s, &usable);
    assert_int_equal(usable, 3);
    kms_authz_answer ans;
    decide(a, false, &ans);
    assert_true(ans.available);
    assert_false(ans.allowed);
    assert_string_equal(ans.reason, "OS image is not allowed");
    assert_int_equal(ans.disagreements, 1);
    char liar[80];
    snprintf(liar, sizeof liar, "%s: (true", n[2].f.url);
    assert_non_null(strstr(ans.disagreement, liar));
    /* one honest provider gone: the liar and the other never make a quorum of 2 */
    fakenode_stop(&n[1].f);
    n[0].answer = DENIED_OS;
    decide(a, false, &ans);
    assert_false(ans.available);
    assert_false(ans.allowed);
    assert_non_null(strstr(ans.why, "no quorum at block 16: 1 of 3 providers agree, 2 needed"));
    close_authz(a, s);
    fakenode_stop(&n[0].f);
    fakenode_stop(&n[2].f);
}

static void test_quorum_agrees(void **state)
{
    (void)state;
    node n[3];
    for (size_t i = 0; i < 3; i++)
        node_start(&n[i], ALLOWED);
    n[2].head = 14; /* behind: the quorum block is the 2nd highest, 16; it is not asked */
    kms_authz_config c = config(KMS_AUTHZ_QUORUM, 2);
    for (size_t i = 0; i < 3; i++)
        c.urls[i] = n[i].f.url;
    c.nurls = 3;
    kms_authz_shared *s;
    size_t usable;
    kms_authz *a = open_authz(&c, &s, &usable);
    kms_authz_answer ans;
    decide(a, true, &ans);
    assert_true(ans.available);
    assert_true(ans.allowed);
    assert_int_equal(ans.block, 16);
    assert_int_equal(ans.disagreements, 0);
    assert_string_equal(n[2].last_tag, "");
    close_authz(a, s);
    for (size_t i = 0; i < 3; i++)
        fakenode_stop(&n[i].f);
}

/* One provider answering answer (and timestamp age seconds old): the answer fails closed. */
static void closed_with(const char *answer, uint64_t age, uint64_t max_age, const char *why)
{
    node n;
    node_start(&n, answer);
    n.timestamp -= age;
    kms_authz_config c = config(KMS_AUTHZ_FAILOVER, 0);
    c.urls[0] = n.f.url;
    c.nurls = 1;
    c.max_head_age = max_age;
    kms_authz_shared *s;
    size_t usable;
    kms_authz *a = open_authz(&c, &s, &usable);
    kms_authz_answer ans;
    decide(a, false, &ans);
    assert_false(ans.available);
    assert_false(ans.allowed);
    assert_string_equal(ans.reason, "");
    assert_string_equal(ans.gateway, "");
    assert_non_null(strstr(ans.why, why));
    close_authz(a, s);
    fakenode_stop(&n.f);
}

static void test_fail_closed(void **state)
{
    (void)state;
    closed_with("0x01", 0, 0, "not (bool, string)");
    closed_with("0x" W("02") W("40") W("00"), 0, 0, "neither 0 nor 1");
    closed_with(NULL, 0, 0, "execution reverted");
    closed_with(ALLOWED, 3600, 60, "stale");
}

static void test_wrong_chain(void **state)
{
    (void)state;
    node n;
    node_start(&n, ALLOWED);
    kms_authz_config c = config(KMS_AUTHZ_FAILOVER, 0);
    c.urls[0] = n.f.url;
    c.nurls = 1;
    c.chain_id = 1;
    kms_authz_shared *s;
    size_t usable;
    kms_authz *a = open_authz(&c, &s, &usable);
    assert_int_equal(usable, 0);
    eth_error e = {0};
    assert_int_equal(kms_authz_check_chains(s, &e), -ETH_ESTATE);
    assert_non_null(strstr(e.msg, "is not on chain 1"));
    kms_authz_answer ans;
    decide(a, true, &ans);
    assert_false(ans.available);
    assert_non_null(strstr(ans.why, "on another chain"));
    close_authz(a, s);
    fakenode_stop(&n.f);
}

static void test_confirmations_pin_the_block(void **state)
{
    (void)state;
    node n;
    node_start(&n, ALLOWED);
    kms_authz_config c = config(KMS_AUTHZ_FAILOVER, 0);
    c.urls[0] = n.f.url;
    c.nurls = 1;
    c.confirmations = 3;
    kms_authz_shared *s;
    size_t usable;
    kms_authz *a = open_authz(&c, &s, &usable);
    kms_authz_answer ans;
    decide(a, true, &ans);
    assert_true(ans.allowed);
    assert_int_equal(ans.block, 13);
    assert_string_equal(n.last_tag, "0xd");
    close_authz(a, s);
    fakenode_stop(&n.f);
}

static void test_finalized_block(void **state)
{
    (void)state;
    node n;
    node_start(&n, ALLOWED);
    kms_authz_config c = config(KMS_AUTHZ_FAILOVER, 0);
    c.urls[0] = n.f.url;
    c.nurls = 1;
    c.tag = KMS_AUTHZ_FINALIZED;
    kms_authz_shared *s;
    size_t usable;
    kms_authz *a = open_authz(&c, &s, &usable);
    kms_authz_answer ans;
    decide(a, true, &ans);
    assert_true(ans.allowed);
    assert_int_equal(ans.block, 6); /* the finalized block, 10 below the head */
    assert_string_equal(n.last_tag, "0x6");
    kms_authz_provider p;
    kms_authz_provider_get(s, 0, &p);
    assert_int_equal(p.head, 16);
    assert_int_equal(p.pinned, 6);
    close_authz(a, s);
    fakenode_stop(&n.f);
}

static void test_verify_app_code(void **state)
{
    (void)state;
    const kms_artifact *proxy = kms_artifact_find("ERC1967Proxy");
    assert_non_null(proxy);
    char *code = malloc(2 * proxy->runtime_len + 3);
    eth_hex_encode(proxy->runtime, proxy->runtime_len, code);
    node n;
    node_start(&n, ALLOWED);
    kms_authz_config c = config(KMS_AUTHZ_FAILOVER, 0);
    c.urls[0] = n.f.url;
    c.nurls = 1;
    c.verify_app_code = true;
    kms_authz_shared *s;
    size_t usable;
    kms_authz *a = open_authz(&c, &s, &usable);
    kms_authz_answer ans;
    n.code = code; /* an ERC1967 proxy whose slot holds appImplementation() */
    decide(a, false, &ans);
    assert_true(ans.allowed);
    n.code = "0x6001600052"; /* someone else's contract that says yes */
    decide(a, false, &ans);
    assert_true(ans.available);
    assert_false(ans.allowed);
    assert_string_equal(ans.reason, KMS_AUTHZ_REASON_APP_CODE);
    decide(a, true, &ans); /* the KMS route has no app to check */
    assert_true(ans.allowed);
    close_authz(a, s);
    fakenode_stop(&n.f);
    free(code);
}

static void test_config_refused(void **state)
{
    (void)state;
    kms_authz_shared *s = NULL;
    eth_error e = {0};
    kms_authz_config c = config(KMS_AUTHZ_QUORUM, 3);
    c.urls[0] = "http://127.0.0.1:1";
    c.urls[1] = "http://127.0.0.1:2";
    c.nurls = 2;
    assert_int_equal(kms_authz_shared_new(&c, &s, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "quorum 3: expected 1 to 2 (the number of RPC URLs)");
    c.quorum = 2;
    c.urls[1] = "ws://127.0.0.1:2";
    assert_int_equal(kms_authz_shared_new(&c, &s, &e), -ETH_EINVAL);
    assert_null(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failover_past_a_dead_provider),
        cmocka_unit_test(test_quorum_outvotes_a_liar),
        cmocka_unit_test(test_quorum_agrees),
        cmocka_unit_test(test_fail_closed),
        cmocka_unit_test(test_wrong_chain),
        cmocka_unit_test(test_confirmations_pin_the_block),
        cmocka_unit_test(test_finalized_block),
        cmocka_unit_test(test_verify_app_code),
        cmocka_unit_test(test_config_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
