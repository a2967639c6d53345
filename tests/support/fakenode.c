/* fakenode.c (tests only): an HTTP/1.1 server thread with canned answers. */
#include "fakenode.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Reads one request (headers and Content-Length body) from c into buf; returns the body or
 * NULL when the peer closed. */
static char *read_request(const fakenode *f, int c, char *buf, size_t cap)
{
    size_t n = 0;
    char *end = NULL;
    while (!f->stop && n + 1 < cap) {
        struct pollfd p = {c, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t r = read(c, buf + n, cap - 1 - n);
        if (r <= 0)
            return NULL;
        n += (size_t)r;
        buf[n] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (!end)
            continue;
        const char *cl = NULL;
        for (const char *q = buf; q < end && !cl; q++)
            if (strncasecmp(q, "Content-Length:", 15) == 0)
                cl = q;
        size_t want = cl ? (size_t)strtoul(cl + 15, NULL, 10) : 0;
        if (n - (size_t)(end + 4 - buf) >= want)
            return end + 4;
    }
    return NULL;
}

/* Serves one connection until the peer closes or the handler stays silent, reading into req
 * and answering from body (1 MiB each). */
static void serve_with(fakenode *f, int c, char *req, char *body)
{
    char head[256];
    for (;;) {
        const char *b = read_request(f, c, req, 1 << 20);
        if (!b)
            return;
        f->requests++;
        int status = 200;
        if (!f->handler(f->ctx, b, &status, body, 1 << 20)) {
            while (!f->stop) /* silence: hold the connection until the client gives up */
                if (poll(&(struct pollfd){c, POLLIN, 0}, 1, 100) > 0 && read(c, head, 1) <= 0)
                    return;
            return;
        }
        size_t len = strlen(body);
        int hl = snprintf(head, sizeof head,
                          "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                          status, len);
        if (write(c, head, (size_t)hl) < 0 || write(c, body, len) < 0)
            return;
    }
}

/* serve_with, with buffers of this call's own: several fake nodes may serve at the same time. */
static void serve(fakenode *f, int c)
{
    char *req = malloc(1 << 20), *body = malloc(1 << 20);
    if (req && body)
        serve_with(f, c, req, body);
    free(req);
    free(body);
}

static void *run(void *arg)
{
    fakenode *f = arg;
    while (!f->stop) {
        struct pollfd p = {f->fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        int c = accept(f->fd, NULL, NULL);
        if (c < 0)
            continue;
        serve(f, c);
        close(c);
    }
    return NULL;
}

int fakenode_start(fakenode *f, fakenode_handler h, void *ctx)
{
    memset(f, 0, sizeof *f);
    f->handler = h;
    f->ctx = ctx;
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (f->fd < 0 || bind(f->fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(f->fd, 8) != 0 || getsockname(f->fd, (struct sockaddr *)&sa, &len) != 0)
        return -1;
    f->port = ntohs(sa.sin_port);
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d", f->port);
    return pthread_create(&f->thread, NULL, run, f) == 0 ? 0 : -1;
}

void fakenode_stop(fakenode *f)
{
    f->stop = true;
    pthread_join(f->thread, NULL);
    close(f->fd);
}

bool fakenode_json(json_t *answer, int *status, char *out, size_t cap)
{
    char *text = json_dumps(answer, JSON_COMPACT);
    snprintf(out, cap, "%s", text ? text : "");
    free(text);
    json_decref(answer);
    *status = 200;
    return true;
}
