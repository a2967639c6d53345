/* fuzz_rpc_reply.c: libFuzzer target for what the JSON-RPC client does with a reply body
 * (lib/eth/internal/rpc_reply.h): eth_rpc_reply_single and eth_rpc_reply_batch on any body and
 * HTTP status. A refusal must carry a documented code (ETH_ERPC, ETH_EREVERT, ETH_ERANGE,
 * ETH_ENOMEM) and a one-line message; success must give a result and failure none; an
 * ETH_EREVERT must carry the reply's revert data (the bytes of error.data, cut at
 * ETH_ERROR_DATA_MAX), and only a node's error may set the last JSON-RPC code; a single reply
 * that is accepted, or refused as a revert, must give the same answer inside a batch; every
 * request of a failed batch is left without a result. Leaks are LeakSanitizer's. */
#include "fuzz_common.h"

#include <jansson.h>

#include "eth/buf.h"
#include "eth/hex.h"
#include "eth/internal/rpc_reply.h"
#include "eth/text.h"

#define SHOWN "http://127.0.0.1:8545"
#define MAX_BATCH 4

static const long HTTP[4] = {200, 200, 500, 400};

/* The checks every refusal must pass: a documented code in err, a one-line message, revert
 * data only with a revert. */
static void check_refusal(int rc, const eth_error *err)
{
    fuzz_check_refusal(rc, err, FUZZ_CODE(ETH_ERPC) | FUZZ_CODE(ETH_EREVERT) |
                                    FUZZ_CODE(ETH_ERANGE) | FUZZ_CODE(ETH_ENOMEM));
    FUZZ_CHECK(rc == -ETH_EREVERT || err->data_len == 0, "revert data on another error");
}

/* The revert data a reply's error object e holds, as node_error reads it, into b. */
static void expected_data(const json_t *e, eth_buf *b)
{
    json_t *d = json_object_get(e, "data");
    if (json_is_object(d))
        d = json_object_get(d, "data");
    eth_error ignored;
    if (json_is_string(d) &&
        eth_hex_decode(json_string_value(d), json_string_length(d), b, &ignored) != 0)
        b->len = 0;
}

/* An ETH_EREVERT of a single reply (doc, the body) carries error.data of the body. */
static void check_revert_data(const json_t *doc, const eth_error *err)
{
    FUZZ_CHECK(doc != NULL, "a revert from a body that is not JSON");
    eth_buf want = {.limit = 1u << 20};
    expected_data(json_object_get(doc, "error"), &want);
    size_t keep = want.len < ETH_ERROR_DATA_MAX ? want.len : ETH_ERROR_DATA_MAX;
    FUZZ_CHECK(err->data_len == keep && (keep == 0 || memcmp(err->data, want.data, keep) == 0),
               "the revert does not carry the reply's data");
    FUZZ_CHECK(err->data_truncated == (want.len > ETH_ERROR_DATA_MAX), "data_truncated is wrong");
    eth_buf_clear(&want);
}

/* The body wrapped as a batch of one, "[body]". */
static char *as_batch(const uint8_t *body, size_t n)
{
    char *s = malloc(n + 2);
    FUZZ_CHECK(s != NULL, "out of memory");
    s[0] = '[';
    memcpy(s + 1, body, n);
    s[n + 1] = ']';
    return s;
}

/* A single reply's verdict must be the same inside a batch of one. */
static void check_same_in_batch(const uint8_t *body, size_t n, long http, int rc,
                                const json_t *result, const eth_error *err)
{
    char *text = as_batch(body, n);
    eth_rpc_reply r = {.shown = SHOWN, .body = text, .body_len = n + 2, .http = http};
    eth_rpc_req q = {0};
    eth_error berr = {0};
    int brc = eth_rpc_reply_batch(&r, 1, &q, 1, &berr);
    /* one level deeper than the body: only jansson's nesting limit may refuse it */
    FUZZ_CHECK(brc == 0 || strstr(berr.msg, "not JSON") != NULL,
               "a batch of one accepted answer failed");
    if (brc) {
        free(text);
        return;
    }
    FUZZ_CHECK(q.rc == rc, "another verdict inside a batch");
    if (rc == 0)
        FUZZ_CHECK(json_equal(q.result, result), "another result inside a batch");
    else
        FUZZ_CHECK(q.err.data_len == err->data_len &&
                       memcmp(q.err.data, err->data, err->data_len) == 0,
                   "other revert data inside a batch");
    json_decref(q.result);
    free(text);
}

static void single(const uint8_t *body, size_t n, long http)
{
    eth_rpc_reply r = {.shown = SHOWN, .body = (const char *)body, .body_len = n, .http = http};
    eth_error err = {0};
    json_t *result = NULL;
    int rc = eth_rpc_reply_single(&r, 1, &result, &err);
    FUZZ_CHECK((rc == 0) == (result != NULL), "a result with a failure, or none with success");
    if (rc) {
        check_refusal(rc, &err);
    } else {
        FUZZ_CHECK(r.last_code == 0, "a JSON-RPC code without a node error");
    }
    json_t *doc = json_loadb((const char *)body, n, JSON_DECODE_ANY, NULL);
    if (rc == -ETH_EREVERT) {
        FUZZ_CHECK(r.last_code != 0, "a revert without the node's code");
        check_revert_data(doc, &err);
    }
    /* an error with id null answers no request of a batch */
    if ((rc == 0 || rc == -ETH_EREVERT) && json_is_integer(json_object_get(doc, "id")))
        check_same_in_batch(body, n, http, rc, result, &err);
    json_decref(doc);
    json_decref(result);
}

static void batch(const uint8_t *body, size_t n, long http, size_t nreq)
{
    eth_rpc_reply r = {.shown = SHOWN, .body = (const char *)body, .body_len = n, .http = http};
    eth_rpc_req reqs[MAX_BATCH];
    memset(reqs, 0xa5, sizeof reqs); /* garbage: the reply must set every request */
    eth_error err = {0};
    int rc = eth_rpc_reply_batch(&r, 1, reqs, nreq, &err);
    if (rc)
        check_refusal(rc, &err);
    for (size_t i = 0; i < nreq; i++) {
        FUZZ_CHECK((reqs[i].rc == 0) == (reqs[i].result != NULL),
                   "a request with a result and a failure, or neither");
        FUZZ_CHECK(rc == 0 || reqs[i].rc == -ETH_ERPC, "a request answered in a failed batch");
        if (reqs[i].rc)
            check_refusal(reqs[i].rc, &reqs[i].err);
        json_decref(reqs[i].result);
    }
}

/* Input: byte 0 bit 0 = batch, bits 1-2 = batch size - 1; byte 1 picks the HTTP status; the
 * rest is the body. Requests have ids 1, 2, ... */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    long http = HTTP[data[1] % 4];
    if (data[0] & 1)
        batch(data + 2, size - 2, http, 1 + ((data[0] >> 1) & 3));
    else
        single(data + 2, size - 2, http);
    return 0;
}
