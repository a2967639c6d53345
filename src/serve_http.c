/* serve_http.c: the webhook's HTTP layer on libmicrohttpd: a pool of --threads threads (each
 * answers its connections in turn, asking the chain through its own engine), the routes
 * (POST /bootAuth/app, POST /bootAuth/kms, GET /, GET /metrics; anything else 404), bodies
 * collected up to --max-body (413 past it: judged from Content-Length before any byte is read,
 * else answered once the rest was read and dropped, so that a reset never loses the answer),
 * a deadline for the body (past it the connection is closed: libmicrohttpd 0.9 cannot answer
 * before the body is complete), and the answers' bodies. */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "eth/address.h"
#include "eth/json.h"
#include "serve_mhd.h"

#define BODY(reason) "{\"isAllowed\":false,\"reason\":\"" reason "\",\"gatewayAppId\":\"\"}"
static const char INVALID[] = BODY("invalid authorization request");
static const char UNAVAILABLE[] = BODY("authorization backend unavailable");
static const char NOT_FOUND[] = BODY("not found");
static const char ROOT_DOWN[] = "{\"status\":\"error\",\"message\":\"authorization backend "
                                "unavailable\"}";

struct cmd_serve_http {
    struct MHD_Daemon *d;
    int fd;
    const cmd_serve_config *cfg;
    cmd_serve_workers *w;
    cmd_serve_metrics *m;
    atomic_int inflight;
};

/* One request, from its headers to its answer. */
typedef struct request {
    struct timespec start;
    cmd_serve_route route;
    bool answered;
    bool too_large; /* past --max-body: the rest is read and dropped, then 413 */
    eth_buf body;
} request;

/* The compact text of j (released), or NULL. */
static char *dump(json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return s;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* What the handler answers with: status, body, and what to log and count. */
typedef struct reply {
    unsigned status;
    cmd_serve_decision decision;
    const char *type;          /* Content-Type */
    const char *body;
    size_t len;
    const kms_authz_answer *answer;
} reply;

static enum MHD_Result respond(cmd_serve_http *h, struct MHD_Connection *conn, request *r,
                               const char *method, const char *url, const reply *re)
{
    struct MHD_Response *resp =
        cmd_mhd.create_response_from_buffer(re->len, (void *)re->body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ok = MHD_NO;
    if (resp && cmd_mhd.add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, re->type) == MHD_YES)
        ok = cmd_mhd.queue_response(conn, re->status, resp);
    cmd_mhd.destroy_response(resp);
    r->answered = true;
    double total = ms_since(&r->start);
    cmd_serve_metrics_count(h->m, r->route, re->decision, total);
    cmd_serve_log_request(&(cmd_serve_log_entry){method, url, ok == MHD_YES ? re->status : 0,
                                                 re->decision, re->answer, total});
    return ok;
}

/* A client too slow to send its body within --request-timeout: libmicrohttpd cannot answer
 * before the body is complete, so the connection is closed without an answer (logged with
 * status 0). */
static enum MHD_Result too_slow(cmd_serve_http *h, request *r, const char *method,
                                const char *url)
{
    r->answered = true;
    double total = ms_since(&r->start);
    cmd_serve_metrics_count(h->m, r->route, SERVE_TOO_SLOW, total);
    cmd_serve_log_request(&(cmd_serve_log_entry){method, url, 0, SERVE_TOO_SLOW, NULL, total});
    return MHD_NO;
}

static enum MHD_Result fixed(cmd_serve_http *h, struct MHD_Connection *conn, request *r,
                             const char *method, const char *url, unsigned status,
                             cmd_serve_decision d, const char *body)
{
    reply re = {status, d, "application/json", body, strlen(body), NULL};
    return respond(h, conn, r, method, url, &re);
}

/* ---- POST /bootAuth/app and /bootAuth/kms ---- */

static enum MHD_Result decide(cmd_serve_http *h, struct MHD_Connection *conn, request *r,
                              const char *method, const char *url)
{
    kms_boot_info b;
    eth_error err;
    if (kms_boot_info_parse((const char *)r->body.data, r->body.len, &b, &err) != 0)
        return fixed(h, conn, r, method, url, MHD_HTTP_BAD_REQUEST, SERVE_INVALID, INVALID);
    kms_authz_answer a;
    kms_authz *engine = cmd_serve_worker(h->w, &err);
    if (engine)
        kms_authz_decide(engine, &b, r->route == SERVE_ROUTE_KMS, &a);
    else
        a = (kms_authz_answer){.available = false};
    if (!engine)
        snprintf(a.why, sizeof a.why, "%s", err.msg);
    kms_boot_info_clear(&b);
    if (a.disagreements) {
        atomic_fetch_add(&h->m->disagreements, 1);
        cmd_serve_log("quorum disagreement at block %llu: %s", (unsigned long long)a.block,
                      a.disagreement);
    }
    char *text = a.available ? dump(json_pack("{s:b,s:s,s:s}", "isAllowed", a.allowed, "reason",
                                              a.reason, "gatewayAppId", a.gateway))
                             : NULL;
    cmd_serve_decision d = !a.available ? SERVE_UNAVAILABLE : a.allowed ? SERVE_ALLOWED
                                                                        : SERVE_DENIED;
    reply re = {MHD_HTTP_OK, text ? d : SERVE_UNAVAILABLE, "application/json",
                text ? text : UNAVAILABLE, strlen(text ? text : UNAVAILABLE), &a};
    enum MHD_Result ok = respond(h, conn, r, method, url, &re);
    free(text);
    return ok;
}

static bool json_content(struct MHD_Connection *conn)
{
    const char *t = cmd_mhd.lookup_connection_value(conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_CONTENT_TYPE);
    return t && strncasecmp(t, "application/json", 16) == 0 &&
           (t[16] == '\0' || t[16] == ';' || t[16] == ' ');
}

/* The headers of a bootAuth request: refuse what is wrong before reading the body. */
static enum MHD_Result boot_headers(cmd_serve_http *h, struct MHD_Connection *conn, request *r,
                                    const char *method, const char *url)
{
    const char *cl = cmd_mhd.lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > h->cfg->max_body)
        return fixed(h, conn, r, method, url, MHD_HTTP_CONTENT_TOO_LARGE, SERVE_TOO_LARGE,
                     INVALID);
    if (!json_content(conn))
        return fixed(h, conn, r, method, url, MHD_HTTP_BAD_REQUEST, SERVE_INVALID, INVALID);
    r->body.limit = h->cfg->max_body;
    return MHD_YES;
}

/* ---- GET / and GET /metrics ---- */

static enum MHD_Result root(cmd_serve_http *h, struct MHD_Connection *conn, request *r,
                            const char *method, const char *url)
{
    eth_error err;
    kms_authz_info info;
    kms_authz *engine = cmd_serve_worker(h->w, &err);
    if (!engine || kms_authz_info_read(engine, &info, &err) != 0)
        return fixed(h, conn, r, method, url, MHD_HTTP_SERVICE_UNAVAILABLE, SERVE_UNAVAILABLE,
                     ROOT_DOWN);
    char kms[43], impl[43];
    eth_address_checksum(h->cfg->authz.kms, kms);
    eth_address_checksum(info.app_impl, impl);
    char *text = dump(json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:s}", "status", "ok",
                                "kmsContractAddr", kms, "ethRpcUrl", h->cfg->rpc_shown,
                                "gatewayAppId", info.gateway, "chainId", (json_int_t)info.chain_id,
                                "appAuthImplementation", impl, "appImplementation", impl));
    reply re = {MHD_HTTP_OK, SERVE_OK, "application/json", text ? text : ROOT_DOWN,
                strlen(text ? text : ROOT_DOWN), NULL};
    if (!text)
        re.status = MHD_HTTP_SERVICE_UNAVAILABLE;
    enum MHD_Result ok = respond(h, conn, r, method, url, &re);
    free(text);
    return ok;
}

static enum MHD_Result metrics(cmd_serve_http *h, struct MHD_Connection *conn, request *r,
                               const char *method, const char *url)
{
    eth_buf text = {0};
    eth_error err;
    if (cmd_serve_metrics_text(h->m, h->w->authz, &text, &err) != 0) {
        eth_buf_clear(&text);
        return fixed(h, conn, r, method, url, MHD_HTTP_INTERNAL_SERVER_ERROR, SERVE_UNAVAILABLE,
                     ROOT_DOWN);
    }
    reply re = {MHD_HTTP_OK, SERVE_OK, "text/plain; version=0.0.4", (const char *)text.data,
                text.len, NULL};
    enum MHD_Result ok = respond(h, conn, r, method, url, &re);
    eth_buf_clear(&text);
    return ok;
}

/* ---- the handler ---- */

static cmd_serve_route route_of(const char *method, const char *url)
{
    bool post = strcmp(method, "POST") == 0;
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (post && strcmp(url, "/bootAuth/app") == 0)
        return SERVE_ROUTE_APP;
    if (post && strcmp(url, "/bootAuth/kms") == 0)
        return SERVE_ROUTE_KMS;
    if (get && strcmp(url, "/") == 0)
        return SERVE_ROUTE_ROOT;
    if (get && strcmp(url, "/metrics") == 0)
        return SERVE_ROUTE_METRICS;
    return SERVE_ROUTE_OTHER;
}

static enum MHD_Result begin(cmd_serve_http *h, struct MHD_Connection *conn, const char *method,
                             const char *url, void **con_cls)
{
    request *r = calloc(1, sizeof *r);
    if (!r)
        return MHD_NO;
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    r->route = route_of(method, url);
    *con_cls = r;
    atomic_fetch_add(&h->inflight, 1);
    switch (r->route) {
    case SERVE_ROUTE_APP:
    case SERVE_ROUTE_KMS: return boot_headers(h, conn, r, method, url);
    case SERVE_ROUTE_ROOT: return root(h, conn, r, method, url);
    case SERVE_ROUTE_METRICS: return metrics(h, conn, r, method, url);
    default: return fixed(h, conn, r, method, url, MHD_HTTP_NOT_FOUND, SERVE_NOT_FOUND, NOT_FOUND);
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    cmd_serve_http *h = cls;
    request *r = *con_cls;
    eth_error err;
    if (!r)
        return begin(h, conn, method, url, con_cls);
    if (r->answered) { /* the rest of a body already refused */
        *upload_size = 0;
        return MHD_YES;
    }
    size_t n = *upload_size;
    *upload_size = 0;
    if (ms_since(&r->start) > (double)h->cfg->request_timeout_ms)
        return too_slow(h, r, method, url);
    if (n == 0 && r->too_large) /* answered once all is read: no reset loses it */
        return fixed(h, conn, r, method, url, MHD_HTTP_CONTENT_TOO_LARGE, SERVE_TOO_LARGE,
                     INVALID);
    if (n == 0)
        return decide(h, conn, r, method, url);
    if (!r->too_large && eth_buf_append(&r->body, upload, n, &err) != 0) {
        r->too_large = true;
        eth_buf_clear(&r->body);
    }
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    cmd_serve_http *h = cls;
    request *r = *con_cls;
    if (!r)
        return;
    eth_buf_clear(&r->body);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&h->inflight, 1);
}

/* ---- start and stop ---- */

/* A listening socket on host:port (*port gets the port bound). Returns the fd or -1 (err). */
static int listen_on(const char *host, unsigned port, unsigned *bound, eth_error *err)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    char ps[8], why[128];
    snprintf(ps, sizeof ps, "%u", port);
    int g = getaddrinfo(host, ps, &hints, &ai);
    if (g != 0) {
        eth_fail(err, ETH_EINVAL, "--host %s: %s", host, gai_strerror(g));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
        eth_fail(err, ETH_EIO, "cannot listen on %s port %u: %s", host, port,
                 eth_strerror(errno, why, sizeof why));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &len);
    *bound = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                                            : ((struct sockaddr_in *)&sa)->sin_port);
    return fd;
}

int cmd_serve_http_start(const cmd_serve_config *cfg, cmd_serve_workers *w, cmd_serve_metrics *m,
                         cmd_serve_http **out, unsigned *port, eth_error *err)
{
    *out = NULL;
    int rc = cmd_serve_mhd_need(err);
    if (rc)
        return rc;
    cmd_serve_http *h = calloc(1, sizeof *h);
    if (!h)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    *h = (cmd_serve_http){.cfg = cfg, .w = w, .m = m};
    h->fd = listen_on(cfg->host, cfg->port, port, err);
    unsigned idle_s = (unsigned)((cfg->request_timeout_ms + 999) / 1000);
    if (h->fd >= 0)
        h->d = cmd_mhd.start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC, 0,
                                NULL, NULL, on_request, h, MHD_OPTION_LISTEN_SOCKET, h->fd,
                                MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
                                MHD_OPTION_CONNECTION_TIMEOUT, idle_s,
                                MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_END);
    if (!h->d) {
        if (h->fd >= 0) {
            close(h->fd);
            eth_fail(err, ETH_EIO, "libmicrohttpd could not start with %u threads", cfg->threads);
        }
        free(h);
        return -err->code;
    }
    *out = h;
    return 0;
}

void cmd_serve_http_stop(cmd_serve_http *h, long grace_ms)
{
    if (!h)
        return;
    MHD_socket fd = cmd_mhd.quiesce_daemon(h->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    struct timespec t0, tick = {0, 10000000L};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (atomic_load(&h->inflight) > 0 && ms_since(&t0) < (double)grace_ms)
        nanosleep(&tick, NULL);
    cmd_mhd.stop_daemon(h->d);
    free(h);
}
