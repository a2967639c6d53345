/* serve_log.c: kmsctl serve's log on stderr (journald under systemd): one logfmt line per
 * request (never its body) and a line for each event of the service, each as one write so that
 * lines of different threads never interleave. */
#include "serve.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "eth/text.h"

/* Writes buf[0..n) and a newline to stderr in one call (cut to fit). */
static void emit(char *buf, size_t cap, int n)
{
    size_t len = n < 0 ? 0 : (size_t)n >= cap - 1 ? cap - 2 : (size_t)n;
    buf[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, buf, len);
    (void)w; /* nowhere left to report a failed log write */
}

void cmd_serve_log(const char *fmt, ...)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "serve: ");
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    va_end(ap);
    emit(buf, sizeof buf, m < 0 ? n : n + m);
}

/* s as a quoted logfmt value: '"' and '\\' become '\'', control bytes '?'. */
static const char *quoted(const char *s, char *out, size_t cap)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        out[i] = ch == '"' || ch == '\\' ? '\'' : ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    out[i] = '\0';
    return out;
}

void cmd_serve_log_request(const cmd_serve_log_entry *e)
{
    char buf[2048], method[ETH_CLIP_BUF], path[ETH_CLIP_BUF], reason[256], why[512] = "";
    const kms_authz_answer *a = e->answer;
    eth_text_clipz(e->method, method);
    eth_text_clipz(e->path, path);
    quoted(a ? a->reason : "", reason, sizeof reason);
    if (a && !a->available)
        quoted(a->why, why, sizeof why);
    int n = snprintf(buf, sizeof buf,
                     "serve: method=%s path=\"%s\" status=%u decision=%s reason=\"%s\" block=%llu "
                     "upstream_ms=%.2f total_ms=%.2f%s%s%s",
                     method, quoted(path, path, sizeof path), e->status,
                     cmd_serve_decision_name(e->decision), reason,
                     (unsigned long long)(a ? a->block : 0), a ? a->upstream_ms : 0.0,
                     e->total_ms, why[0] ? " why=\"" : "", why, why[0] ? "\"" : "");
    emit(buf, sizeof buf, n);
}

static void progress_line(void *ctx, const char *line)
{
    (void)ctx;
    cmd_serve_log("%s", line);
}

kms_progress cmd_serve_log_progress(void)
{
    return (kms_progress){progress_line, NULL};
}
