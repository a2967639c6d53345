/* rpc.c: JSON-RPC 2.0 over HTTP with libcurl: persistent connection, timeouts, retries of
 * transport failures with backoff, a reply size cap, batches, errors with revert data. */
#include "rpc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>

#include "buf.h"
#include "hex.h"
#include "json.h"
#include "text.h"

/* Longest wait between two attempts. */
#define BACKOFF_CAP_MS 5000

struct eth_rpc {
    CURL *curl;
    struct curl_slist *headers;
    char *url;
    char shown[256];
    eth_rpc_opts opts;
    uint64_t next_id;
    long last_code;
    eth_buf reply;
    bool over_limit; /* the write callback refused more bytes */
    char curl_msg[CURL_ERROR_SIZE];
};

void eth_rpc_opts_default(eth_rpc_opts *o)
{
    o->connect_timeout_ms = 5000;
    o->timeout_ms = 30000;
    o->retries = 3;
    o->backoff_ms = 200;
    o->max_reply = 64u << 20;
}

int eth_rpc_global_init(eth_error *err)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return eth_fail(err, ETH_ERPC, "cannot initialise libcurl");
    return 0;
}

void eth_rpc_url_strip(const char *url, char *out, size_t cap)
{
    const char *p = strstr(url, "://");
    size_t start = p ? (size_t)(p - url) + 3 : 0;
    size_t end = start + strcspn(url + start, "/?#");
    const char *at = memchr(url + start, '@', end - start); /* user:password@ is a secret too */
    char shown[ETH_CLIP_BUF];
    if (at)
        snprintf(out, cap, "%.*s%s", (int)start, url, eth_text_clip(at + 1, (size_t)(url + end - at - 1), shown));
    else
        snprintf(out, cap, "%s", eth_text_clip(url, end, shown));
}

/* Collects the reply body into rpc->reply, refusing bytes past the cap. */
static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    eth_rpc *rpc = ctx;
    size_t len = size * n;
    eth_error ignored;
    if (eth_buf_append(&rpc->reply, p, len, &ignored) != 0) {
        rpc->over_limit = true;
        return 0;
    }
    return len;
}

static int setup_handle(eth_rpc *rpc, eth_error *err)
{
    CURL *c = rpc->curl;
    rpc->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (!rpc->headers)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    bool bad = curl_easy_setopt(c, CURLOPT_URL, rpc->url) != CURLE_OK ||
               curl_easy_setopt(c, CURLOPT_HTTPHEADER, rpc->headers) != CURLE_OK ||
               curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
               curl_easy_setopt(c, CURLOPT_WRITEDATA, rpc) != CURLE_OK ||
               curl_easy_setopt(c, CURLOPT_ERRORBUFFER, rpc->curl_msg) != CURLE_OK ||
               curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, rpc->opts.connect_timeout_ms) != CURLE_OK ||
               curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, rpc->opts.timeout_ms) != CURLE_OK ||
               curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
               curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK ||
               curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
               curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
    return bad ? eth_fail(err, ETH_ERPC, "libcurl refused an option") : 0;
}

int eth_rpc_open(const char *url, const eth_rpc_opts *opts, eth_rpc **out, eth_error *err)
{
    *out = NULL;
    char shown[ETH_CLIP_BUF];
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return eth_fail(err, ETH_EINVAL, "RPC URL '%s' is not an http:// or https:// URL",
                        eth_text_clipz(url, shown));
    eth_rpc *rpc = calloc(1, sizeof *rpc);
    if (!rpc)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    if (opts)
        rpc->opts = *opts;
    else
        eth_rpc_opts_default(&rpc->opts);
    rpc->reply.limit = rpc->opts.max_reply;
    rpc->next_id = 1;
    rpc->url = strdup(url);
    rpc->curl = rpc->url ? curl_easy_init() : NULL;
    eth_rpc_url_strip(url, rpc->shown, sizeof rpc->shown);
    int rc = rpc->curl ? setup_handle(rpc, err) : eth_fail(err, ETH_ENOMEM, "out of memory");
    if (rc) {
        eth_rpc_free(rpc);
        return rc;
    }
    *out = rpc;
    return 0;
}

void eth_rpc_free(eth_rpc *rpc)
{
    if (!rpc)
        return;
    if (rpc->curl)
        curl_easy_cleanup(rpc->curl);
    curl_slist_free_all(rpc->headers);
    eth_buf_clear(&rpc->reply);
    free(rpc->url);
    free(rpc);
}

const char *eth_rpc_url_shown(const eth_rpc *rpc)
{
    return rpc->shown;
}

long eth_rpc_last_code(const eth_rpc *rpc)
{
    return rpc->last_code;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* True for a failure that asking again may cure (the node did not answer). */
static bool transient(CURLcode cc, long http)
{
    if (cc == CURLE_OK)
        return http == 429 || http == 502 || http == 503 || http == 504;
    return cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
           cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING ||
           cc == CURLE_PARTIAL_FILE || cc == CURLE_OPERATION_TIMEDOUT;
}

/* The error of the last attempt. */
static int transport_error(eth_rpc *rpc, CURLcode cc, long http, eth_error *err)
{
    if (rpc->over_limit)
        return eth_fail(err, ETH_ERANGE, "%s: reply larger than the limit of %zu bytes",
                        rpc->shown, rpc->opts.max_reply);
    if (cc == CURLE_OPERATION_TIMEDOUT)
        return eth_fail(err, ETH_ETIMEOUT, "%s: no answer within %ld ms", rpc->shown,
                        rpc->opts.timeout_ms);
    if (cc != CURLE_OK)
        return eth_fail(err, ETH_ERPC, "%s: cannot reach the node: %s", rpc->shown,
                        rpc->curl_msg[0] ? rpc->curl_msg : curl_easy_strerror(cc));
    return eth_fail(err, ETH_ERPC, "%s: the node answered HTTP %ld", rpc->shown, http);
}

/* POSTs body and leaves the reply in rpc->reply; *http gets the status. Retries transport
 * failures. Returns 0 (any HTTP status: the body may be a JSON-RPC error) or a negative code. */
static int post(eth_rpc *rpc, const char *body, long *http, eth_error *err)
{
    if (curl_easy_setopt(rpc->curl, CURLOPT_POSTFIELDS, body) != CURLE_OK)
        return eth_fail(err, ETH_ERPC, "libcurl refused the request body");
    long wait = rpc->opts.backoff_ms;
    for (unsigned attempt = 0;; attempt++) {
        rpc->reply.len = 0;
        rpc->over_limit = false;
        rpc->curl_msg[0] = '\0';
        *http = 0;
        CURLcode cc = curl_easy_perform(rpc->curl);
        if (cc == CURLE_OK)
            curl_easy_getinfo(rpc->curl, CURLINFO_RESPONSE_CODE, http);
        if (!rpc->over_limit && cc == CURLE_OK && !transient(cc, *http))
            return 0;
        if (rpc->over_limit || !transient(cc, *http) || attempt >= rpc->opts.retries)
            return transport_error(rpc, cc, *http, err);
        sleep_ms(wait);
        wait = wait * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : wait * 2;
    }
}

/* Turns a JSON-RPC error object into err: a revert (code 3, or hex error data) or ETH_ERPC. */
static int node_error(eth_rpc *rpc, const json_t *e, eth_error *err)
{
    json_t *code = json_object_get(e, "code"), *msg = json_object_get(e, "message");
    json_t *data = json_object_get(e, "data");
    if (json_is_object(data)) /* some nodes nest it: {"data": {"data": "0x.."}} */
        data = json_object_get(data, "data");
    long c = json_is_integer(code) ? (long)json_integer_value(code) : 0;
    rpc->last_code = c ? c : -1;
    char shown[ETH_CLIP_BUF];
    const char *m = json_is_string(msg) ? json_string_value(msg) : "(no message)";
    eth_text_clipz(m, shown);
    eth_buf bytes = {.limit = 1u << 20};
    bool hex = json_is_string(data) &&
               eth_hex_decode(json_string_value(data), json_string_length(data), &bytes, err) == 0;
    int rc;
    if (c == 3 || (hex && eth_hex_has_prefix(json_string_value(data), json_string_length(data))))
        rc = eth_fail_revert(err, bytes.data, bytes.len, "%s: execution reverted (%s)",
                             rpc->shown, shown);
    else
        rc = eth_fail(err, ETH_ERPC, "%s: node error %ld: %s", rpc->shown, c, shown);
    eth_buf_clear(&bytes);
    return rc;
}

/* Checks one reply object against id and takes its result or error. */
static int take_reply(eth_rpc *rpc, const json_t *r, uint64_t id, json_t **result, eth_error *err)
{
    *result = NULL;
    json_t *v = json_object_get(r, "jsonrpc"), *rid = json_object_get(r, "id");
    if (!json_is_object(r) || !json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0)
        return eth_fail(err, ETH_ERPC, "%s: the reply is not a JSON-RPC 2.0 response", rpc->shown);
    if (!json_is_integer(rid) || (uint64_t)json_integer_value(rid) != id)
        return eth_fail(err, ETH_ERPC, "%s: the reply answers another request (id)", rpc->shown);
    json_t *res = json_object_get(r, "result"), *e = json_object_get(r, "error");
    if ((res != NULL) == (e != NULL))
        return eth_fail(err, ETH_ERPC, "%s: the reply must hold exactly one of result and error",
                        rpc->shown);
    if (e)
        return json_is_object(e) ? node_error(rpc, e, err)
                                 : eth_fail(err, ETH_ERPC, "%s: malformed error in the reply",
                                            rpc->shown);
    *result = json_incref(res);
    return 0;
}

/* Sends the request document req and parses the reply body into *doc. */
static int exchange(eth_rpc *rpc, json_t *req, json_t **doc, eth_error *err)
{
    *doc = NULL;
    char *body = json_dumps(req, JSON_COMPACT);
    if (!body)
        return eth_fail(err, ETH_ENOMEM, "out of memory building a request");
    long http = 0;
    rpc->last_code = 0;
    int rc = post(rpc, body, &http, err);
    free(body);
    if (rc)
        return rc;
    eth_error perr;
    if (eth_json_parse((const char *)rpc->reply.data, rpc->reply.len, doc, &perr) == 0)
        return 0;
    if (http != 200)
        return eth_fail(err, ETH_ERPC, "%s: the node answered HTTP %ld", rpc->shown, http);
    return eth_fail(err, ETH_ERPC, "%s: the reply is not JSON (%s)", rpc->shown, perr.msg);
}

static json_t *request(uint64_t id, const char *method, json_t *params)
{
    return json_pack("{s:s,s:I,s:s,s:O}", "jsonrpc", "2.0", "id", (json_int_t)id, "method", method,
                     "params", params);
}

int eth_rpc_call(eth_rpc *rpc, const char *method, json_t *params, json_t **result,
                 eth_error *err)
{
    *result = NULL;
    uint64_t id = rpc->next_id++;
    json_t *req = request(id, method, params), *doc = NULL;
    if (!req)
        return eth_fail(err, ETH_ENOMEM, "out of memory building a request");
    int rc = exchange(rpc, req, &doc, err);
    json_decref(req);
    if (rc == 0)
        rc = take_reply(rpc, doc, id, result, err);
    json_decref(doc);
    return rc;
}

/* Files each answer of the batch reply arr under its request (ids first..first+n-1); seen
 * marks the requests answered so far (a second answer for one id is an error). */
static void match_batch(eth_rpc *rpc, const json_t *arr, eth_rpc_req *reqs, size_t n,
                        uint64_t first, bool *seen)
{
    size_t i;
    json_t *r;
    json_array_foreach(arr, i, r) {
        json_t *rid = json_object_get(r, "id");
        uint64_t id = json_is_integer(rid) ? (uint64_t)json_integer_value(rid) : 0;
        if (id < first || id - first >= n)
            continue;
        eth_rpc_req *q = &reqs[id - first];
        json_decref(q->result);
        q->result = NULL;
        if (seen[id - first])
            q->rc = eth_fail(&q->err, ETH_ERPC, "%s: two answers for one request", rpc->shown);
        else
            q->rc = take_reply(rpc, r, id, &q->result, &q->err);
        seen[id - first] = true;
    }
}

int eth_rpc_batch(eth_rpc *rpc, eth_rpc_req *reqs, size_t n, eth_error *err)
{
    uint64_t first = rpc->next_id;
    rpc->next_id += n;
    json_t *arr = json_array(), *doc = NULL;
    for (size_t i = 0; arr && i < n; i++) {
        reqs[i].result = NULL;
        reqs[i].rc = eth_fail(&reqs[i].err, ETH_ERPC, "%s: no answer to this request in the batch",
                              rpc->shown);
        if (json_array_append_new(arr, request(first + i, reqs[i].method, reqs[i].params)) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    if (!arr)
        return eth_fail(err, ETH_ENOMEM, "out of memory building a batch");
    int rc = exchange(rpc, arr, &doc, err);
    json_decref(arr);
    if (rc == 0 && json_is_object(doc) && json_object_get(doc, "error"))
        rc = node_error(rpc, json_object_get(doc, "error"), err); /* the node refused the batch */
    else if (rc == 0 && !json_is_array(doc))
        rc = eth_fail(err, ETH_ERPC, "%s: the reply to a batch is not an array", rpc->shown);
    bool *seen = rc == 0 ? calloc(n ? n : 1, sizeof *seen) : NULL;
    if (rc == 0 && !seen)
        rc = eth_fail(err, ETH_ENOMEM, "out of memory");
    if (rc == 0)
        match_batch(rpc, doc, reqs, n, first, seen);
    free(seen);
    json_decref(doc);
    return rc;
}
