/* test_rpc.c: the JSON-RPC client against a real anvil (every typed method, batches, reverts
 * with their data), against a fake node for what anvil never does (silence, garbage, HTTP
 * errors, wrong ids, oversized replies, refused log ranges, a batch answered with other ids),
 * and its reply handling and typed parsers on bodies alone (lib/eth/internal/rpc_reply.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "anvil.h"
#include "fakenode.h"
#include "eth/hex.h"
#include "eth/rpc.h"
#include "eth/rpc_eth.h"
#include "eth/internal/rpc_reply.h"

static test_anvil anvil;

/* anvil's first dev account (published with anvil; holds 10000 ether at genesis). */
static const char *DEV0 = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

static void addr_of(const char *hex, uint8_t out[20])
{
    eth_error e;
    assert_int_equal(eth_hex_decode_fixed(hex, out, 20, &e), 0);
}

static eth_rpc *open_anvil(void)
{
    eth_rpc *rpc = NULL;
    eth_error e = {0};
    assert_int_equal(eth_rpc_open(anvil.url, NULL, &rpc, &e), 0);
    return rpc;
}

static int start(void **state)
{
    (void)state;
    return test_anvil_start(&anvil, NULL);
}

static int stop(void **state)
{
    (void)state;
    test_anvil_stop(&anvil);
    return 0;
}

static void test_chain_basics(void **state)
{
    (void)state;
    eth_rpc *rpc = open_anvil();
    eth_error e = {0};
    uint64_t id = 0, n = 99, nonce = 99;
    uint8_t dev[20];
    addr_of(DEV0, dev);
    assert_int_equal(eth_rpc_chain_id(rpc, &id, &e), 0);
    assert_int_equal(id, 31337);
    assert_int_equal(eth_rpc_block_number(rpc, &n, &e), 0);
    assert_int_equal(eth_rpc_get_nonce(rpc, dev, "pending", &nonce, &e), 0);
    u256 bal, price, want = u256_from_u64(0);
    assert_int_equal(eth_rpc_get_balance(rpc, dev, "latest", &bal, &e), 0);
    assert_int_equal(u256_parse("10000000000000000000000", 23, &want, &e), 0);
    assert_true(u256_cmp(&bal, &want) <= 0);
    assert_true(u256_bits(&bal) > 70);
    assert_int_equal(eth_rpc_gas_price(rpc, &price, &e), 0);
    assert_false(u256_is_zero(&price));
    eth_block b;
    bool found = false;
    assert_int_equal(eth_rpc_get_block(rpc, "latest", &b, &found, &e), 0);
    assert_true(found);
    assert_int_equal(b.number, n);
    assert_true(b.has_base_fee);
    char tag[ETH_BLOCK_TAG_MAX];
    assert_int_equal(eth_rpc_get_block(rpc, eth_block_tag(n + 1000, tag), &b, &found, &e), 0);
    assert_false(found);
    eth_buf code = {0};
    assert_int_equal(eth_rpc_get_code(rpc, dev, "latest", &code, &e), 0);
    assert_int_equal(code.len, 0);
    eth_buf_clear(&code);
    eth_rpc_free(rpc);
}

static void test_fee_history(void **state)
{
    (void)state;
    eth_rpc *rpc = open_anvil();
    eth_error e = {0};
    eth_fee_history h;
    const double pct[2] = {25, 75};
    assert_int_equal(eth_rpc_fee_history(rpc, 1, "latest", pct, 2, &h, &e), 0);
    assert_int_equal(h.nblocks, 1);
    assert_int_equal(h.npercentiles, 2);
    assert_false(u256_is_zero(&h.base_fee[0]));
    assert_int_equal(eth_rpc_fee_history(rpc, 0, "latest", pct, 2, &h, &e), -ETH_ERANGE);
    assert_int_equal(e.code, ETH_ERANGE);
    eth_rpc_free(rpc);
}

/* Init code that reverts with the 4 bytes 0xdeadbeef: PUSH4 deadbeef PUSH1 0 MSTORE PUSH1 4
 * PUSH1 28 REVERT. */
static const uint8_t REVERT_DEADBEEF[] = {0x63, 0xde, 0xad, 0xbe, 0xef, 0x60, 0x00, 0x52,
                                          0x60, 0x04, 0x60, 0x1c, 0xfd};

static void test_call_revert_data(void **state)
{
    (void)state;
    eth_rpc *rpc = open_anvil();
    eth_error e = {0};
    uint8_t dev[20];
    addr_of(DEV0, dev);
    eth_call_req req = {.from = dev, .data = REVERT_DEADBEEF, .data_len = sizeof REVERT_DEADBEEF};
    eth_buf out = {0};
    int rc = eth_rpc_call_contract(rpc, &req, "latest", &out, &e);
    assert_int_equal(rc, -ETH_EREVERT);
    assert_int_equal(e.code, ETH_EREVERT);
    assert_int_equal(e.data_len, 4);
    assert_memory_equal(e.data, "\xde\xad\xbe\xef", 4);
    assert_int_equal(eth_rpc_last_code(rpc), 3);
    uint64_t gas;
    assert_int_equal(eth_rpc_estimate_gas(rpc, &req, NULL, &gas, &e), -ETH_EREVERT);
    assert_int_equal(e.data_len, 4);
    /* a call that succeeds: empty init code returns nothing */
    req.data_len = 0;
    assert_int_equal(eth_rpc_call_contract(rpc, &req, "latest", &out, &e), 0);
    assert_int_equal(out.len, 0);
    assert_int_equal(eth_rpc_estimate_gas(rpc, &req, NULL, &gas, &e), 0);
    assert_true(gas >= 53000);
    eth_buf_clear(&out);
    eth_rpc_free(rpc);
}

/* Sends a creation from the unlocked dev account whose init code emits LOG1(topic 0x11..11)
 * and returns its hash. */
static void send_log_tx(eth_rpc *rpc, uint8_t hash[32])
{
    char code[2 + 2 * 39 + 1] = "0x7f";
    for (int i = 0; i < 32; i++)
        strcat(code, "11");
    strcat(code, "60006000a100");
    json_t *p = json_pack("[{s:s,s:s}]", "from", DEV0, "data", code), *r = NULL;
    eth_error e = {0};
    assert_int_equal(eth_rpc_call(rpc, "eth_sendTransaction", p, &r, &e), 0);
    json_decref(p);
    assert_true(json_is_string(r));
    assert_int_equal(eth_hex_decode_fixed(json_string_value(r), hash, 32, &e), 0);
    json_decref(r);
}

static void test_receipt_tx_logs(void **state)
{
    (void)state;
    eth_rpc *rpc = open_anvil();
    eth_error e = {0};
    uint8_t hash[32], dev[20];
    addr_of(DEV0, dev);
    send_log_tx(rpc, hash);
    eth_receipt r;
    bool found = false;
    eth_log_list logs = {0};
    for (int i = 0; i < 100 && !found; i++) { /* anvil mines right after it answers */
        assert_int_equal(eth_rpc_get_receipt(rpc, hash, &r, &found, &logs, &e), 0);
        if (!found)
            usleep(20000);
    }
    assert_true(found);
    assert_true(r.status);
    assert_true(r.has_contract_address);
    assert_memory_equal(r.tx_hash, hash, 32);
    assert_memory_equal(r.from, dev, 20);
    assert_int_equal(logs.n, 1);
    assert_int_equal(logs.items[0].ntopics, 1);
    assert_int_equal(logs.items[0].topics[0][5], 0x11);
    assert_memory_equal(logs.items[0].address, r.contract_address, 20);
    eth_tx_status st;
    assert_int_equal(eth_rpc_get_tx(rpc, hash, &st, &e), 0);
    assert_true(st.found && st.mined);
    assert_int_equal(st.block_number, r.block_number);
    /* getLogs over the whole chain finds the same log, filtered by address and topic */
    uint8_t topic[32];
    memset(topic, 0x11, 32);
    const uint8_t(*topics)[32] = (const uint8_t(*)[32])topic;
    eth_log_filter f = {.addresses = (const uint8_t(*)[20])r.contract_address, .naddr = 1,
                        .from_block = 0, .to_block = r.block_number};
    f.topics[0] = topics;
    f.ntopic[0] = 1;
    eth_log_list got = {0};
    assert_int_equal(eth_rpc_get_logs(rpc, &f, 0, &got, &e), 0);
    assert_int_equal(got.n, 1);
    assert_memory_equal(got.items[0].tx_hash, hash, 32);
    /* an unknown transaction is not found, without an error */
    uint8_t nohash[32] = {1};
    assert_int_equal(eth_rpc_get_receipt(rpc, nohash, &r, &found, NULL, &e), 0);
    assert_false(found);
    assert_int_equal(eth_rpc_get_tx(rpc, nohash, &st, &e), 0);
    assert_false(st.found);
    eth_log_list_clear(&got);
    eth_log_list_clear(&logs);
    eth_rpc_free(rpc);
}

static void test_batch(void **state)
{
    (void)state;
    eth_rpc *rpc = open_anvil();
    eth_error e = {0};
    json_t *none = json_array();
    eth_rpc_req reqs[3] = {{.method = "eth_chainId", .params = none},
                           {.method = "no_such_method", .params = none},
                           {.method = "eth_blockNumber", .params = none}};
    assert_int_equal(eth_rpc_batch(rpc, reqs, 3, &e), 0);
    assert_int_equal(reqs[0].rc, 0);
    assert_string_equal(json_string_value(reqs[0].result), "0x7a69");
    assert_int_equal(reqs[1].rc, -ETH_ERPC);
    assert_int_equal(reqs[1].err.code, ETH_ERPC);
    assert_null(reqs[1].result);
    assert_int_equal(reqs[2].rc, 0);
    for (int i = 0; i < 3; i++)
        json_decref(reqs[i].result);
    json_decref(none);
    eth_rpc_free(rpc);
}

static void test_bad_url(void **state)
{
    (void)state;
    eth_rpc *rpc = NULL;
    eth_error e = {0};
    assert_int_equal(eth_rpc_open("ws://x", NULL, &rpc, &e), -ETH_EINVAL);
    assert_null(rpc);
    char shown[128];
    eth_rpc_url_strip("https://user:secret@node.example:8545/v3/APIKEY?x=1", shown, sizeof shown);
    assert_string_equal(shown, "https://node.example:8545");
}

/* ---- a fake node ---- */

typedef struct canned {
    int status;
    const char *body; /* "%ID%" is replaced by the request's id; NULL: stay silent */
} canned;

static bool answer_canned(void *ctx, const char *body, int *status, char *out, size_t cap)
{
    const canned *c = ctx;
    if (!c->body)
        return false;
    const char *id = strstr(body, "\"id\":");
    long n = id ? strtol(id + 5, NULL, 10) : 0;
    const char *mark = strstr(c->body, "%ID%");
    if (mark)
        snprintf(out, cap, "%.*s%ld%s", (int)(mark - c->body), c->body, n, mark + 4);
    else
        snprintf(out, cap, "%s", c->body);
    *status = c->status;
    return true;
}

/* Opens a client with short timeouts and one retry for the fake node. */
static eth_rpc *open_fake(const fakenode *f, size_t max_reply)
{
    eth_rpc_opts o;
    eth_rpc_opts_default(&o);
    o.timeout_ms = 300;
    o.connect_timeout_ms = 300;
    o.retries = 1;
    o.backoff_ms = 10;
    if (max_reply)
        o.max_reply = max_reply;
    eth_rpc *rpc = NULL;
    eth_error e = {0};
    assert_int_equal(eth_rpc_open(f->url, &o, &rpc, &e), 0);
    return rpc;
}

/* Runs eth_chainId against a fake node answering c; returns the code, fills e. */
static int chain_id_against(const canned *c, size_t max_reply, eth_error *e, int *requests)
{
    fakenode f;
    assert_int_equal(fakenode_start(&f, answer_canned, (void *)c), 0);
    eth_rpc *rpc = open_fake(&f, max_reply);
    uint64_t id;
    int rc = eth_rpc_chain_id(rpc, &id, e);
    eth_rpc_free(rpc);
    fakenode_stop(&f);
    if (requests)
        *requests = f.requests;
    return rc;
}

static void test_faults(void **state)
{
    (void)state;
    eth_error e = {0};
    int requests = 0;
    const canned silent = {200, NULL};
    assert_int_equal(chain_id_against(&silent, 0, &e, &requests), -ETH_ETIMEOUT);
    assert_int_equal(e.code, ETH_ETIMEOUT);
    assert_int_equal(requests, 2); /* one retry */
    const canned garbage = {200, "this is not json"};
    assert_int_equal(chain_id_against(&garbage, 0, &e, NULL), -ETH_ERPC);
    assert_non_null(strstr(e.msg, "the reply is not JSON"));
    const canned http500 = {500, "<html>oops</html>"};
    assert_int_equal(chain_id_against(&http500, 0, &e, NULL), -ETH_ERPC);
    assert_non_null(strstr(e.msg, "HTTP 500"));
    const canned busy = {503, "{}"};
    assert_int_equal(chain_id_against(&busy, 0, &e, &requests), -ETH_ERPC);
    assert_int_equal(requests, 2); /* 503 is retried */
    const canned wrong_id = {200, "{\"jsonrpc\":\"2.0\",\"id\":999,\"result\":\"0x1\"}"};
    assert_int_equal(chain_id_against(&wrong_id, 0, &e, NULL), -ETH_ERPC);
    assert_non_null(strstr(e.msg, "another request"));
    const canned leading_zero = {200, "{\"jsonrpc\":\"2.0\",\"id\":%ID%,\"result\":\"0x01\"}"};
    assert_int_equal(chain_id_against(&leading_zero, 0, &e, NULL), -ETH_ERPC);
    const canned both = {200, "{\"jsonrpc\":\"2.0\",\"id\":%ID%,\"result\":\"0x1\",\"error\":{}}"};
    assert_int_equal(chain_id_against(&both, 0, &e, NULL), -ETH_ERPC);
    const canned big = {200, "{\"jsonrpc\":\"2.0\",\"id\":%ID%,\"result\":\"0x1\",\"pad\":"
                             "\"..................................................\"}"};
    assert_int_equal(chain_id_against(&big, 40, &e, &requests), -ETH_ERANGE);
    assert_int_equal(requests, 1); /* an oversized reply is not retried */
    const canned ok = {200, "{\"jsonrpc\":\"2.0\",\"id\":%ID%,\"result\":\"0x2a\"}"};
    assert_int_equal(chain_id_against(&ok, 0, &e, NULL), 0);
    const canned node_err = {200, "{\"jsonrpc\":\"2.0\",\"id\":%ID%,\"error\":{\"code\":-32000,"
                                  "\"message\":\"boom\\u001b[31m\"}}"};
    assert_int_equal(chain_id_against(&node_err, 0, &e, &requests), -ETH_ERPC);
    assert_int_equal(requests, 1); /* a JSON-RPC error is never retried */
    assert_non_null(strstr(e.msg, "node error -32000: boom\\x1b[31m"));
}

static void test_unreachable(void **state)
{
    (void)state;
    eth_rpc_opts o;
    eth_rpc_opts_default(&o);
    o.retries = 2;
    o.backoff_ms = 5;
    eth_rpc *rpc = NULL;
    eth_error e = {0};
    assert_int_equal(eth_rpc_open("http://127.0.0.1:1", &o, &rpc, &e), 0);
    uint64_t id;
    assert_int_equal(eth_rpc_chain_id(rpc, &id, &e), -ETH_ERPC);
    assert_non_null(strstr(e.msg, "http://127.0.0.1:1: cannot reach the node"));
    eth_rpc_free(rpc);
}

/* A node that refuses getLogs ranges of more than 10 blocks and otherwise answers one log per
 * block of the range. */
static bool answer_logs(void *ctx, const char *body, int *status, char *out, size_t cap)
{
    (void)ctx;
    json_error_t je;
    json_t *req = json_loads(body, 0, &je);
    json_t *f = json_array_get(json_object_get(req, "params"), 0);
    long id = (long)json_integer_value(json_object_get(req, "id"));
    unsigned long from = strtoul(json_string_value(json_object_get(f, "fromBlock")), NULL, 16);
    unsigned long to = strtoul(json_string_value(json_object_get(f, "toBlock")), NULL, 16);
    json_decref(req);
    *status = 200;
    if (to - from + 1 > 10) {
        snprintf(out, cap, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"error\":{\"code\":-32005,"
                           "\"message\":\"query returned more than 10000 results\"}}", id);
        return true;
    }
    int n = snprintf(out, cap, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"result\":[", id);
    for (unsigned long b = from; b <= to; b++)
        n += snprintf(out + n, cap - (size_t)n,
                      "%s{\"address\":\"0x%040x\",\"topics\":[],\"data\":\"0x\","
                      "\"blockNumber\":\"0x%lx\",\"blockHash\":\"0x%064x\","
                      "\"transactionHash\":\"0x%064lx\",\"transactionIndex\":\"0x0\","
                      "\"logIndex\":\"0x0\",\"removed\":false}",
                      b == from ? "" : ",", 1, b, 2, b + 1);
    snprintf(out + n, cap - (size_t)n, "]}");
    return true;
}

static void test_logs_split(void **state)
{
    (void)state;
    fakenode f;
    assert_int_equal(fakenode_start(&f, answer_logs, NULL), 0);
    eth_rpc *rpc = open_fake(&f, 0);
    eth_error e = {0};
    eth_log_list got = {0};
    eth_log_filter flt = {.from_block = 5, .to_block = 105};
    assert_int_equal(eth_rpc_get_logs(rpc, &flt, 0, &got, &e), 0);
    assert_int_equal(got.n, 101);
    for (size_t i = 0; i < got.n; i++)
        assert_int_equal(got.items[i].block_number, 5 + i);
    eth_log_list_clear(&got);
    assert_int_equal(eth_rpc_get_logs(rpc, &flt, 50, &got, &e), -ETH_ERANGE);
    eth_log_list_clear(&got);
    eth_rpc_free(rpc);
    fakenode_stop(&f);
}

/* ---- reply bodies alone ---- */

/* eth_rpc_reply_single of body at HTTP status http for id 1. */
static int single(const char *body, long http, json_t **result, long *last_code, eth_error *e)
{
    eth_rpc_reply r = {.shown = "http://127.0.0.1:8545", .body = body, .body_len = strlen(body),
                       .http = http};
    int rc = eth_rpc_reply_single(&r, 1, result, e);
    *last_code = r.last_code;
    return rc;
}

static void test_reply_single(void **state)
{
    (void)state;
    eth_error e = {0};
    json_t *res = NULL;
    long code = 0;
    assert_int_equal(single("", 200, &res, &code, &e), -ETH_ERPC);
    assert_string_equal(e.msg, "http://127.0.0.1:8545: the reply is empty");
    /* a gateway's JSON that is no JSON-RPC answer: the HTTP status is what went wrong */
    assert_int_equal(single("{\"error\":\"bad gateway\"}", 500, &res, &code, &e), -ETH_ERPC);
    assert_string_equal(e.msg, "http://127.0.0.1:8545: the node answered HTTP 500");
    /* a JSON-RPC answer under an HTTP error is read (some nodes answer errors with 4xx) */
    assert_int_equal(single("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x2a\"}", 400, &res,
                            &code, &e), 0);
    assert_string_equal(json_string_value(res), "0x2a");
    assert_int_equal(code, 0);
    json_decref(res);
    /* id null: the node could not read the request, and says why (JSON-RPC 2.0, 5) */
    assert_int_equal(single("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
                            "\"message\":\"Invalid request\"}}", 200, &res, &code, &e),
                     -ETH_ERPC);
    assert_string_equal(e.msg, "http://127.0.0.1:8545: node error -32600: Invalid request");
    assert_int_equal(code, -32600);
    assert_null(res);
    /* a result with id null answers nobody */
    assert_int_equal(single("{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":1}", 200, &res, &code,
                            &e), -ETH_ERPC);
    assert_non_null(strstr(e.msg, "answers another request"));
    /* anvil's answer to a revert without data (REVERT(0, 0)): a revert with empty data */
    assert_int_equal(single("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":3,\"message\":"
                            "\"execution reverted\",\"data\":\"0x\"}}", 200, &res, &code, &e),
                     -ETH_EREVERT);
    assert_int_equal(e.data_len, 0);
    assert_int_equal(code, 3);
}

static void test_reply_batch(void **state)
{
    (void)state;
    const char *body = "[{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"0x2\"},"
                       "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x7\"},"
                       "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"},"
                       "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}]";
    eth_rpc_reply r = {.shown = "http://n", .body = body, .body_len = strlen(body), .http = 200};
    eth_rpc_req q[3];
    memset(q, 0xa5, sizeof q); /* every field is set by the reply */
    eth_error e = {0};
    assert_int_equal(eth_rpc_reply_batch(&r, 1, q, 3, &e), 0);
    assert_int_equal(q[0].rc, -ETH_ERPC);
    assert_string_equal(q[0].err.msg, "http://n: two answers for one request");
    assert_null(q[0].result);
    assert_int_equal(q[1].rc, 0);
    assert_string_equal(json_string_value(q[1].result), "0x2");
    json_decref(q[1].result);
    /* id 7 answers no request of the batch: the one left without an answer says so */
    assert_int_equal(q[2].rc, -ETH_ERPC);
    assert_string_equal(q[2].err.msg, "http://n: the reply answers another request (id)");
    /* an id missing, and no answer under another id: no answer */
    const char *missing = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"},"
                          "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
                          "\"message\":\"Invalid request\"}}]";
    r = (eth_rpc_reply){.shown = "http://n", .body = missing, .body_len = strlen(missing),
                        .http = 200};
    assert_int_equal(eth_rpc_reply_batch(&r, 1, q, 2, &e), 0);
    assert_int_equal(q[0].rc, 0);
    json_decref(q[0].result);
    assert_int_equal(q[1].rc, -ETH_ERPC);
    assert_string_equal(q[1].err.msg, "http://n: no answer to this request in the batch");
    /* a batch refused as a whole: every request is left without an answer */
    const char *refused = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32005,"
                          "\"message\":\"batch too large\"}}";
    r = (eth_rpc_reply){.shown = "http://n", .body = refused, .body_len = strlen(refused),
                        .http = 200};
    assert_int_equal(eth_rpc_reply_batch(&r, 1, q, 3, &e), -ETH_ERPC);
    assert_string_equal(e.msg, "http://n: node error -32005: batch too large");
    assert_int_equal(r.last_code, -32005);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(q[i].rc, -ETH_ERPC);
        assert_null(q[i].result);
    }
}

/* Answers a batch with every id moved by 1000. */
static bool answer_shifted_ids(void *ctx, const char *body, int *status, char *out, size_t cap)
{
    (void)ctx;
    json_t *req = json_loads(body, 0, NULL), *ans = json_array();
    size_t i;
    json_t *call;
    json_array_foreach(req, i, call) {
        json_int_t id = json_integer_value(json_object_get(call, "id")) + 1000;
        json_array_append_new(ans, json_pack("{s:s,s:I,s:s}", "jsonrpc", "2.0", "id", id,
                                             "result", "0x1"));
    }
    json_decref(req);
    return fakenode_json(ans, status, out, cap);
}

static void test_batch_wrong_ids(void **state)
{
    (void)state;
    fakenode f;
    assert_int_equal(fakenode_start(&f, answer_shifted_ids, NULL), 0);
    eth_rpc *rpc = open_fake(&f, 0);
    json_t *none = json_array();
    eth_rpc_req reqs[2] = {{.method = "eth_chainId", .params = none},
                           {.method = "eth_blockNumber", .params = none}};
    eth_error e = {0};
    assert_int_equal(eth_rpc_batch(rpc, reqs, 2, &e), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(reqs[i].rc, -ETH_ERPC);
        assert_non_null(strstr(reqs[i].err.msg, "the reply answers another request (id)"));
        assert_null(reqs[i].result);
    }
    json_decref(none);
    eth_rpc_free(rpc);
    fakenode_stop(&f);
}

/* A receipt whose second log is malformed: refused, and the logs list is as it was. */
static void test_receipt_logs_all_or_nothing(void **state)
{
    (void)state;
    const char *log = "{\"address\":\"0x5fbdb2315678afecb367f032d93f642f64180aa3\","
                      "\"topics\":[],\"data\":\"0x\",\"blockNumber\":null}";
    char text[2048];
    snprintf(text, sizeof text,
             "{\"status\":\"0x1\",\"transactionHash\":\"0x%064x\",\"blockNumber\":\"0x1\","
             "\"blockHash\":\"0x%064x\",\"transactionIndex\":\"0x0\",\"gasUsed\":\"0x5208\","
             "\"from\":\"0x%040x\",\"contractAddress\":null,\"logs\":[%s,%s]}",
             1, 2, 3, log, "{\"address\":\"0x12\",\"topics\":[],\"data\":\"0x\"}");
    json_t *r = json_loads(text, 0, NULL), *arr = json_loads(log, 0, NULL);
    assert_non_null(r);
    eth_log_list logs = {0};
    json_t *one = json_pack("[O]", arr);
    eth_error e = {0};
    assert_int_equal(eth_logs_from_json(one, 0, &logs, &e), 0);
    assert_int_equal(logs.n, 1);
    eth_receipt rc;
    memset(&rc, 0x5a, sizeof rc);
    bool found = true;
    assert_int_equal(eth_receipt_from_json(r, &rc, &found, &logs, &e), -ETH_ERPC);
    assert_string_equal(e.msg, "malformed reply from the node: log address is not 0x hex of the "
                               "expected length");
    assert_false(found);
    assert_int_equal(logs.n, 1);
    assert_int_equal(((uint8_t *)&rc)[0], 0x5a);
    /* neither null nor an object */
    json_t *str = json_string("0x1");
    assert_int_equal(eth_receipt_from_json(str, &rc, &found, NULL, &e), -ETH_ERPC);
    assert_string_equal(e.msg, "malformed reply from the node: receipt is neither null nor an "
                               "object");
    json_decref(str);
    eth_log_list_clear(&logs);
    json_decref(one);
    json_decref(arr);
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest anvil_tests[] = {
        cmocka_unit_test(test_chain_basics),   cmocka_unit_test(test_fee_history),
        cmocka_unit_test(test_call_revert_data), cmocka_unit_test(test_receipt_tx_logs),
        cmocka_unit_test(test_batch),
    };
    const struct CMUnitTest fake_tests[] = {
        cmocka_unit_test(test_bad_url),
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_logs_split),
        cmocka_unit_test(test_batch_wrong_ids),
    };
    const struct CMUnitTest body_tests[] = {
        cmocka_unit_test(test_reply_single),
        cmocka_unit_test(test_reply_batch),
        cmocka_unit_test(test_receipt_logs_all_or_nothing),
    };
    int failed = cmocka_run_group_tests_name("rpc on anvil", anvil_tests, start, stop);
    failed += cmocka_run_group_tests_name("rpc on a fake node", fake_tests, NULL, NULL);
    return failed + cmocka_run_group_tests_name("rpc reply bodies", body_tests, NULL, NULL);
}
