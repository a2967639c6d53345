/* test_audit_fetch.c: reading a long chain in parallel (lib/kms/audit_fetch.h), against fake
 * nodes: a node that refuses getLogs ranges of more than 10 blocks gives the same complete,
 * ordered logs through 1 or 4 workers and any range size; a cap on the logs is kept; batches
 * of requests come back matched to their items, in order, across workers; a node that
 * refuses a batch fails the read with its error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fakenode.h"
#include "kms/audit_fetch.h"

/* The answer to one getLogs request: a JSON-RPC error -32005 (as Infura words it) for a range
 * of more than 10 blocks, else one log per block whose transaction hash ends in the block. */
static json_t *logs_answer(const json_t *req)
{
    const json_t *f = json_array_get(json_object_get(req, "params"), 0);
    unsigned long from = strtoul(json_string_value(json_object_get(f, "fromBlock")), NULL, 16);
    unsigned long to = strtoul(json_string_value(json_object_get(f, "toBlock")), NULL, 16);
    json_t *id = json_object_get(req, "id");
    if (to - from >= 10)
        return json_pack("{s:s,s:O,s:{s:i,s:s}}", "jsonrpc", "2.0", "id", id, "error", "code",
                         -32005, "message", "query returned more than 10000 results");
    json_t *logs = json_array();
    for (unsigned long b = from; b <= to; b++) {
        char num[24], hash[67];
        snprintf(num, sizeof num, "0x%lx", b);
        snprintf(hash, sizeof hash, "0x%064lx", b);
        json_array_append_new(logs, json_pack("{s:s,s:[],s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "address",
                                              "0x0000000000000000000000000000000000000001",
                                              "topics", "data", "0x", "blockNumber", num,
                                              "blockHash", hash, "transactionHash", hash,
                                              "transactionIndex", "0x0", "logIndex", "0x0",
                                              "removed", 0));
    }
    return json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", id, "result", logs);
}

static bool answer_logs(void *ctx, const char *body, int *status, char *out, size_t cap)
{
    (void)ctx;
    json_error_t je;
    json_t *req = json_loads(body, 0, &je), *ans = logs_answer(req);
    json_decref(req);
    return fakenode_json(ans, status, out, cap);
}

/* Reads blocks 5..45 through f with threads workers and ranges of span blocks (at most
 * max logs); returns what kms_audit_logs returns, the logs checked when it succeeds. */
static int logs_through(const fakenode *f, unsigned threads, uint64_t span, size_t max,
                        eth_error *e)
{
    eth_rpc *rpc = NULL;
    assert_int_equal(eth_rpc_open(f->url, NULL, &rpc, e), 0);
    kms_audit_net net = {.rpc = rpc, .url = f->url, .threads = threads, .span = span};
    eth_log_filter flt = {.from_block = 5, .to_block = 45};
    eth_log_list got = {0};
    int rc = kms_audit_logs(&net, &flt, max, &got, e);
    assert_int_equal(got.n, rc ? 0 : 41);
    for (size_t i = 0; i < got.n; i++) {
        assert_int_equal(got.items[i].block_number, 5 + i);
        assert_int_equal(got.items[i].tx_hash[31], (uint8_t)(5 + i));
    }
    eth_log_list_clear(&got);
    eth_rpc_free(rpc); /* the fake node serves one connection at a time */
    return rc;
}

static void test_logs_complete(void **state)
{
    (void)state;
    fakenode f;
    eth_error e = {0};
    assert_int_equal(fakenode_start(&f, answer_logs, NULL), 0);
    assert_int_equal(logs_through(&f, 1, 0, 0, &e), 0);  /* one range, halved to 10 blocks */
    assert_int_equal(logs_through(&f, 4, 7, 0, &e), 0);  /* 6 ranges on 4 workers */
    assert_int_equal(logs_through(&f, 3, 14, 0, &e), 0); /* 3 ranges, each halved once */
    assert_int_equal(logs_through(&f, 4, 10, 40, &e), -ETH_ERANGE);
    assert_string_equal(e.msg, "more than 40 logs");
    fakenode_stop(&f);
}

static void test_logs_empty_range(void **state)
{
    (void)state;
    eth_error e = {0};
    kms_audit_net net = {.rpc = NULL};
    eth_log_filter flt = {.from_block = 6, .to_block = 5};
    eth_log_list got = {0};
    assert_int_equal(kms_audit_logs(&net, &flt, 0, &got, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "log range 6..5 is empty");
}

/* A node that answers each request of a batch with its first parameter; with ctx set, it
 * refuses batches (HTTP 200, a JSON-RPC error for the whole batch). */
static bool answer_batch(void *ctx, const char *body, int *status, char *out, size_t cap)
{
    json_error_t je;
    json_t *reqs = json_loads(body, 0, &je), *res = json_array();
    *status = 200;
    if (ctx) {
        snprintf(out, cap, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
                           "\"message\":\"batches are not allowed\"}}");
        json_decref(reqs);
        json_decref(res);
        return true;
    }
    for (size_t i = 0; i < json_array_size(reqs); i++) {
        json_t *r = json_array_get(reqs, i);
        json_array_append_new(res, json_pack("{s:s,s:O,s:O}", "jsonrpc", "2.0", "id",
                                             json_object_get(r, "id"), "result",
                                             json_array_get(json_object_get(r, "params"), 0)));
    }
    json_decref(reqs);
    return fakenode_json(res, status, out, cap);
}

typedef struct echo {
    size_t taken;
    bool in_order;
} echo;

static json_t *make_echo(void *ctx, size_t i)
{
    (void)ctx;
    return json_pack("[I]", (json_int_t)i);
}

static int take_echo(void *ctx, size_t i, const json_t *result, eth_error *err)
{
    (void)err;
    echo *e = ctx;
    e->in_order &= e->taken == i && json_integer_value(result) == (json_int_t)i;
    e->taken++;
    return 0;
}

static void test_batches_in_order(void **state)
{
    (void)state;
    fakenode f;
    assert_int_equal(fakenode_start(&f, answer_batch, NULL), 0);
    eth_error e = {0};
    for (unsigned threads = 1; threads <= 8; threads *= 8) {
        eth_rpc *rpc = NULL; /* closed after each pass: the fake node serves one connection */
        assert_int_equal(eth_rpc_open(f.url, NULL, &rpc, &e), 0);
        kms_audit_net net = {.rpc = rpc, .url = f.url, .threads = threads};
        echo got = {.in_order = true};
        /* 2100 items: two chunks of kms_audit_each, 21 batches */
        assert_int_equal(kms_audit_each(&net, "eth_echo", 2100, make_echo, take_echo, &got,
                                        "echo", &e), 0);
        assert_int_equal(got.taken, 2100);
        assert_true(got.in_order);
        eth_rpc_free(rpc);
    }
    fakenode_stop(&f);
}

static void test_batch_refused(void **state)
{
    (void)state;
    fakenode f;
    int refuse = 1;
    assert_int_equal(fakenode_start(&f, answer_batch, &refuse), 0);
    eth_rpc *rpc = NULL;
    eth_error e = {0};
    assert_int_equal(eth_rpc_open(f.url, NULL, &rpc, &e), 0);
    kms_audit_net net = {.rpc = rpc, .url = f.url, .threads = 4};
    echo got = {.in_order = true};
    assert_int_equal(kms_audit_each(&net, "eth_echo", 300, make_echo, take_echo, &got, "echo",
                                    &e), -ETH_ERPC);
    assert_non_null(strstr(e.msg, "batches are not allowed"));
    assert_int_equal(got.taken, 0);
    eth_rpc_free(rpc);
    fakenode_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logs_complete),
        cmocka_unit_test(test_logs_empty_range),
        cmocka_unit_test(test_batches_in_order),
        cmocka_unit_test(test_batch_refused),
    };
    return cmocka_run_group_tests_name("audit_fetch", tests, NULL, NULL);
}
