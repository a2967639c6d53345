/* rpc.c: JSON-RPC 2.0 over HTTP with libcurl: persistent connection, timeouts, retries of
 * transport failures with backoff, a reply size cap, batches, errors with revert data. What is
 * done with a reply body once it is in (internal/rpc_reply.h) needs no network, so that tests
 * and fuzz targets can drive it with any body. */
#include "rpc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "hex.h"
#include "json.h"
#include "text.h"
#include "internal/curl_fns.h"
#include "internal/rpc_reply.h"

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
    return eth_curl_need(err);
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
    rpc->headers = eth_curl.slist_append(NULL, "Content-Type: application/json");
    if (!rpc->headers)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    bool bad = eth_curl.easy_setopt(c, CURLOPT_URL, rpc->url) != CURLE_OK ||
               eth_curl.easy_setopt(c, CURLOPT_HTTPHEADER, rpc->headers) != CURLE_OK ||
               eth_curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
               eth_curl.easy_setopt(c, CURLOPT_WRITEDATA, rpc) != CURLE_OK ||
               eth_curl.easy_setopt(c, CURLOPT_ERRORBUFFER, rpc->curl_msg) != CURLE_OK ||
               eth_curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, rpc->opts.connect_timeout_ms) != CURLE_OK ||
               eth_curl.easy_setopt(c, CURLOPT_TIMEOUT_MS, rpc->opts.timeout_ms) != CURLE_OK ||
               eth_curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
               eth_curl.easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK ||
               eth_curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
               eth_curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
    return bad ? eth_fail(err, ETH_ERPC, "libcurl refused an option") : 0;
}

int eth_rpc_open(const char *url, const eth_rpc_opts *opts, eth_rpc **out, eth_error *err)
{
    *out = NULL;
    char shown[ETH_CLIP_BUF];
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return eth_fail(err, ETH_EINVAL, "RPC URL '%s' is not an http:// or https:// URL",
                        eth_text_clipz(url, shown));
    int rc = eth_curl_need(err);
    if (rc)
        return rc;
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
    rpc->curl = rpc->url ? eth_curl.easy_init() : NULL;
    eth_rpc_url_strip(url, rpc->shown, sizeof rpc->shown);
    rc = rpc->curl ? setup_handle(rpc, err) : eth_fail(err, ETH_ENOMEM, "out of memory");
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
        eth_curl.easy_cleanup(rpc->curl);
    if (rpc->headers)
        eth_curl.slist_free_all(rpc->headers);
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

/* A transport failure in words, or NULL where libcurl's own text says more (TLS, proxies). */
static const char *transport_words(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
        return "cannot reach the node: nothing accepts connections there (is it running, is the "
               "port right?)";
    case CURLE_COULDNT_RESOLVE_HOST:
        return "cannot reach the node: its host name does not resolve";
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
        return "the connection broke before the whole reply arrived";
    case CURLE_GOT_NOTHING:
        return "the node closed the connection without answering";
    case CURLE_SEND_ERROR:
        return "the connection broke while the request was sent";
    default:
        return NULL;
    }
}

/* The error of the last of attempts attempts. */
static int transport_error(eth_rpc *rpc, CURLcode cc, long http, unsigned attempts,
                           eth_error *err)
{
    char tries[48] = "";
    if (attempts > 1)
        snprintf(tries, sizeof tries, " (%u attempts)", attempts);
    if (rpc->over_limit)
        return eth_fail(err, ETH_ERANGE, "%s: reply larger than the limit of %zu bytes",
                        rpc->shown, rpc->opts.max_reply);
    if (cc == CURLE_OPERATION_TIMEDOUT)
        return eth_fail(err, ETH_ETIMEOUT, "%s: no answer within %ld ms%s", rpc->shown,
                        rpc->opts.timeout_ms, tries);
    const char *words = transport_words(cc);
    if (words)
        return eth_fail(err, ETH_ERPC, "%s: %s%s", rpc->shown, words, tries);
    if (cc != CURLE_OK)
        return eth_fail(err, ETH_ERPC, "%s: cannot reach the node: %s%s", rpc->shown,
                        rpc->curl_msg[0] ? rpc->curl_msg : eth_curl.easy_strerror(cc), tries);
    return eth_fail(err, ETH_ERPC, "%s: the node answered HTTP %ld%s", rpc->shown, http, tries);
}

/* POSTs body and leaves the reply in rpc->reply; *http gets the status. Retries transport
 * failures. Returns 0 (any HTTP status: the body may be a JSON-RPC error) or a negative code. */
static int post(eth_rpc *rpc, const char *body, long *http, eth_error *err)
{
    if (eth_curl.easy_setopt(rpc->curl, CURLOPT_POSTFIELDS, body) != CURLE_OK)
        return eth_fail(err, ETH_ERPC, "libcurl refused the request body");
    long wait = rpc->opts.backoff_ms;
    for (unsigned attempt = 0;; attempt++) {
        rpc->reply.len = 0;
        rpc->over_limit = false;
        rpc->curl_msg[0] = '\0';
        *http = 0;
        CURLcode cc = eth_curl.easy_perform(rpc->curl);
        if (cc == CURLE_OK)
            eth_curl.easy_getinfo(rpc->curl, CURLINFO_RESPONSE_CODE, http);
        if (!rpc->over_limit && cc == CURLE_OK && !transient(cc, *http))
            return 0;
        if (rpc->over_limit || !transient(cc, *http) || attempt >= rpc->opts.retries)
            return transport_error(rpc, cc, *http, attempt + 1, err);
        sleep_ms(wait);
        wait = wait * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : wait * 2;
    }
}

/* The error for an HTTP status other than 200 whose body holds no JSON-RPC answer. */
static int http_error(const eth_rpc_reply *r, eth_error *err)
{
    return eth_fail(err, ETH_ERPC, "%s: the node answered HTTP %ld", r->shown, r->http);
}

/* Turns a JSON-RPC error object into err: a revert (code 3, or hex error data) or ETH_ERPC. */
static int node_error(eth_rpc_reply *r, const json_t *e, eth_error *err)
{
    json_t *code = json_object_get(e, "code"), *msg = json_object_get(e, "message");
    json_t *data = json_object_get(e, "data");
    if (json_is_object(data)) /* some nodes nest it: {"data": {"data": "0x.."}} */
        data = json_object_get(data, "data");
    long c = json_is_integer(code) ? (long)json_integer_value(code) : 0;
    r->last_code = c ? c : -1;
    char shown[ETH_CLIP_BUF];
    const char *m = json_is_string(msg) ? json_string_value(msg) : "(no message)";
    eth_text_clipz(m, shown);
    eth_buf bytes = {.limit = 1u << 20};
    bool hex = json_is_string(data) &&
               eth_hex_decode(json_string_value(data), json_string_length(data), &bytes, err) == 0;
    int rc;
    if (c == 3 || (hex && eth_hex_has_prefix(json_string_value(data), json_string_length(data))))
        rc = eth_fail_revert(err, bytes.data, bytes.len, "%s: execution reverted (%s)",
                             r->shown, shown);
    else
        rc = eth_fail(err, ETH_ERPC, "%s: node error %ld: %s", r->shown, c, shown);
    eth_buf_clear(&bytes);
    return rc;
}

/* Checks one reply object against id and takes its result or error. */
static int take_reply(eth_rpc_reply *r, const json_t *o, uint64_t id, json_t **result,
                      eth_error *err)
{
    *result = NULL;
    json_t *v = json_object_get(o, "jsonrpc"), *rid = json_object_get(o, "id");
    if (!json_is_object(o) || !json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0)
        return r->http != 200 ? http_error(r, err)
                              : eth_fail(err, ETH_ERPC, "%s: the reply is not a JSON-RPC 2.0 "
                                                        "response", r->shown);
    json_t *res = json_object_get(o, "result"), *e = json_object_get(o, "error");
    /* id null: the node could not read the request's id (JSON-RPC 2.0, 5); its error says why */
    bool unread = json_is_null(rid) && json_is_object(e) && !res;
    if (!unread && (!json_is_integer(rid) || (uint64_t)json_integer_value(rid) != id))
        return eth_fail(err, ETH_ERPC, "%s: the reply answers another request (id)", r->shown);
    if ((res != NULL) == (e != NULL))
        return eth_fail(err, ETH_ERPC, "%s: the reply must hold exactly one of result and error",
                        r->shown);
    if (e)
        return json_is_object(e) ? node_error(r, e, err)
                                 : eth_fail(err, ETH_ERPC, "%s: malformed error in the reply",
                                            r->shown);
    *result = json_incref(res);
    return 0;
}

/* Parses the body of r into *doc. */
static int parse_body(const eth_rpc_reply *r, json_t **doc, eth_error *err)
{
    *doc = NULL;
    if (r->body_len == 0)
        return r->http != 200 ? http_error(r, err)
                              : eth_fail(err, ETH_ERPC, "%s: the reply is empty", r->shown);
    eth_error perr;
    if (eth_json_parse(r->body, r->body_len, doc, &perr) == 0)
        return 0;
    if (r->http != 200)
        return http_error(r, err);
    return eth_fail(err, ETH_ERPC, "%s: the reply is not JSON (%s)", r->shown, perr.msg);
}

int eth_rpc_reply_single(eth_rpc_reply *r, uint64_t id, json_t **result, eth_error *err)
{
    json_t *doc = NULL;
    *result = NULL;
    r->last_code = 0;
    int rc = parse_body(r, &doc, err);
    if (rc == 0)
        rc = take_reply(r, doc, id, result, err);
    json_decref(doc);
    return rc;
}

/* Files each answer of the batch reply arr under its request (ids first..first+n-1); seen
 * marks the requests answered so far (a second answer for one id is an error). Returns true
 * when an answer has an id of no request of the batch (null aside: an unread request). */
static bool match_batch(eth_rpc_reply *r, const json_t *arr, eth_rpc_req *reqs, size_t n,
                        uint64_t first, bool *seen)
{
    size_t i;
    json_t *o;
    bool foreign = false;
    json_array_foreach(arr, i, o) {
        json_t *rid = json_object_get(o, "id");
        uint64_t id = json_is_integer(rid) ? (uint64_t)json_integer_value(rid) : 0;
        if (id < first || id - first >= n) {
            foreign |= rid && !json_is_null(rid);
            continue;
        }
        eth_rpc_req *q = &reqs[id - first];
        json_decref(q->result);
        q->result = NULL;
        if (seen[id - first])
            q->rc = eth_fail(&q->err, ETH_ERPC, "%s: two answers for one request", r->shown);
        else
            q->rc = take_reply(r, o, id, &q->result, &q->err);
        seen[id - first] = true;
    }
    return foreign;
}

/* Sets every request to "no answer", what it holds when its answer is missing. */
static void batch_reset(const char *shown, eth_rpc_req *reqs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        reqs[i].result = NULL;
        reqs[i].rc = eth_fail(&reqs[i].err, ETH_ERPC, "%s: no answer to this request in the batch",
                              shown);
    }
}

int eth_rpc_reply_batch(eth_rpc_reply *r, uint64_t first, eth_rpc_req *reqs, size_t n,
                        eth_error *err)
{
    json_t *doc = NULL;
    batch_reset(r->shown, reqs, n);
    r->last_code = 0;
    int rc = parse_body(r, &doc, err);
    if (rc == 0 && json_is_object(doc) && json_object_get(doc, "error"))
        rc = node_error(r, json_object_get(doc, "error"), err); /* the node refused the batch */
    else if (rc == 0 && !json_is_array(doc))
        rc = r->http != 200 ? http_error(r, err)
                            : eth_fail(err, ETH_ERPC, "%s: the reply to a batch is not an array",
                                       r->shown);
    bool *seen = rc == 0 ? calloc(n ? n : 1, sizeof *seen) : NULL;
    if (rc == 0 && !seen)
        rc = eth_fail(err, ETH_ENOMEM, "out of memory");
    if (rc == 0 && match_batch(r, doc, reqs, n, first, seen))
        for (size_t i = 0; i < n; i++) /* its answer is probably the one under another id */
            if (!seen[i])
                reqs[i].rc = eth_fail(&reqs[i].err, ETH_ERPC, "%s: the reply answers another "
                                                              "request (id)", r->shown);
    free(seen);
    json_decref(doc);
    return rc;
}

/* Sends the request document req; on 0, *reply describes the body left in rpc->reply. */
static int exchange(eth_rpc *rpc, json_t *req, eth_rpc_reply *reply, eth_error *err)
{
    char *body = json_dumps(req, JSON_COMPACT);
    if (!body)
        return eth_fail(err, ETH_ENOMEM, "out of memory building a request");
    long http = 0;
    rpc->last_code = 0;
    int rc = post(rpc, body, &http, err);
    free(body);
    *reply = (eth_rpc_reply){.shown = rpc->shown, .body = (const char *)rpc->reply.data,
                             .body_len = rpc->reply.len, .http = http};
    return rc;
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
    json_t *req = request(id, method, params);
    if (!req)
        return eth_fail(err, ETH_ENOMEM, "out of memory building a request");
    eth_rpc_reply reply;
    int rc = exchange(rpc, req, &reply, err);
    json_decref(req);
    if (rc == 0) {
        rc = eth_rpc_reply_single(&reply, id, result, err);
        rpc->last_code = reply.last_code;
    }
    return rc;
}

int eth_rpc_batch(eth_rpc *rpc, eth_rpc_req *reqs, size_t n, eth_error *err)
{
    uint64_t first = rpc->next_id;
    rpc->next_id += n;
    batch_reset(rpc->shown, reqs, n);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, request(first + i, reqs[i].method, reqs[i].params)) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    if (!arr)
        return eth_fail(err, ETH_ENOMEM, "out of memory building a batch");
    eth_rpc_reply reply;
    int rc = exchange(rpc, arr, &reply, err);
    json_decref(arr);
    if (rc == 0) {
        rc = eth_rpc_reply_batch(&reply, first, reqs, n, err);
        rpc->last_code = reply.last_code;
    }
    return rc;
}
