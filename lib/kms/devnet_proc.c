/* devnet_proc.c: running anvil detached, recognising it by pid, stopping it, loopback ports. */
#include "internal/devnet_proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "eth/buf.h"
#include "eth/file.h"
#include "eth/text.h"
#include "internal/clock.h"

/* Closes every descriptor from lo up to hi (inclusive). */
static void close_from(unsigned lo, unsigned hi)
{
    if (lo > hi)
        return;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, lo, hi, 0) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = lo; fd <= (long)hi && fd < (max > 0 ? max : 65536); fd++)
        close((int)fd);
}

/* In the child: set up and exec; on failure report errno through report and exit. */
static void exec_child(char *const argv[], const char *cwd, int log_fd, int report)
{
    /* above 2 first: a caller with a closed standard stream may have handed us fd 0, 1 or 2 */
    report = fcntl(report, F_DUPFD_CLOEXEC, 3);
    log_fd = fcntl(log_fd, F_DUPFD, 3);
    int in = open("/dev/null", O_RDONLY);
    if (report >= 0 && log_fd >= 0 && setsid() >= 0 && in >= 0 && dup2(in, STDIN_FILENO) >= 0 &&
        dup2(log_fd, STDOUT_FILENO) >= 0 && dup2(log_fd, STDERR_FILENO) >= 0) {
        close_from(3, (unsigned)report - 1);
        close_from((unsigned)report + 1, ~0u);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2};
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            signal(sigs[i], SIG_DFL);
        umask(077);
        if (!cwd || chdir(cwd) == 0)
            execv(argv[0], argv);
    }
    int e = errno;
    ssize_t ignored = write(report, &e, sizeof e);
    (void)ignored;
    _exit(127);
}

int kms_devnet_spawn(char *const argv[], const char *cwd, int log_fd, pid_t *pid,
                     eth_error *err)
{
    char why[128], shown[ETH_CLIP_BUF];
    int p[2];
    if (pipe(p) != 0 || fcntl(p[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(p[1], F_SETFD, FD_CLOEXEC) != 0)
        return eth_fail(err, ETH_EIO, "cannot make a pipe: %s", eth_strerror(errno, why, sizeof why));
    pid_t child = fork();
    if (child == 0)
        exec_child(argv, cwd, log_fd, p[1]);
    int fork_errno = errno;
    close(p[1]);
    if (child < 0) {
        close(p[0]);
        return eth_fail(err, ETH_EIO, "cannot fork: %s", eth_strerror(fork_errno, why, sizeof why));
    }
    int child_errno = 0;
    ssize_t n;
    do
        n = read(p[0], &child_errno, sizeof child_errno);
    while (n < 0 && errno == EINTR);
    close(p[0]);
    if (n == (ssize_t)sizeof child_errno) { /* exec failed: the pipe carried its errno */
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
        }
        return eth_fail(err, ETH_EIO, "cannot run %s: %s", eth_text_clipz(argv[0], shown),
                        eth_strerror(child_errno, why, sizeof why));
    }
    *pid = child;
    return 0;
}

/* Reads a small /proc file of pid into out (NUL-terminated). Returns 0 or -1. */
static int read_proc(pid_t pid, const char *name, eth_buf *out)
{
    char path[64];
    eth_error ignored;
    snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, name);
    if (eth_file_read(path, 1 << 20, out, NULL, &ignored) != 0 ||
        eth_buf_terminate(out, &ignored) != 0)
        return -1;
    return 0;
}

int kms_devnet_proc_stat(pid_t pid, uint64_t *start, bool *zombie)
{
    eth_buf b = {0};
    int rc = -1;
    if (pid > 0 && read_proc(pid, "stat", &b) == 0) {
        /* "pid (comm) S ppid ...": the name may hold anything, so fields count from its last
         * ')'; the state is field 3 and the start time field 22 (proc(5)). */
        const char *p = strrchr(eth_buf_str(&b), ')');
        char state = 0;
        unsigned long long ticks = 0;
        if (p && sscanf(p + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
                               "%*s %*s %*s %llu", &state, &ticks) == 2) {
            *start = ticks;
            *zombie = state == 'Z' || state == 'X';
            rc = 0;
        }
    }
    eth_buf_clear(&b);
    return rc;
}

bool kms_devnet_proc_is(pid_t pid, const char *program, unsigned port, const char *keys_file)
{
    eth_buf b = {0};
    if (pid <= 0 || read_proc(pid, "cmdline", &b) != 0 || b.len == 0) {
        eth_buf_clear(&b);
        return false;
    }
    char want_port[16];
    snprintf(want_port, sizeof want_port, "%u", port);
    bool program_ok = strcmp((const char *)b.data, program) == 0, port_ok = false, keys_ok = false;
    const char *prev = NULL;
    for (size_t at = 0; at < b.len; at += strlen((const char *)b.data + at) + 1) {
        const char *arg = (const char *)b.data + at;
        if (prev && strcmp(prev, "--port") == 0 && strcmp(arg, want_port) == 0)
            port_ok = true;
        if (prev && strcmp(prev, "--config-out") == 0 && strcmp(arg, keys_file) == 0)
            keys_ok = true;
        prev = arg;
    }
    eth_buf_clear(&b);
    return program_ok && port_ok && keys_ok;
}

bool kms_devnet_proc_gone(pid_t pid)
{
    if (waitpid(pid, NULL, WNOHANG) == pid) /* our child, reaped now */
        return true;
    if (kill(pid, 0) != 0 && errno == ESRCH)
        return true;
    uint64_t start;
    bool zombie;
    if (kms_devnet_proc_stat(pid, &start, &zombie) != 0)
        return true;
    if (!zombie)
        return false;
    /* A zombie leader: for our own child, gone only once reaped (its other threads may still
     * run: the leader of a thread group shows Z before they end); another parent's zombie is
     * gone for us. */
    pid_t w = waitpid(pid, NULL, WNOHANG);
    return w == pid || (w < 0 && errno == ECHILD);
}

/* Polls until pid is gone or ms have passed. */
static bool wait_gone(pid_t pid, long ms)
{
    for (int64_t deadline = kms_now_ms() + ms;;) {
        if (kms_devnet_proc_gone(pid))
            return true;
        if (kms_now_ms() >= deadline)
            return false;
        kms_sleep_ms(20);
    }
}

int kms_devnet_terminate(pid_t pid, long term_ms, long kill_ms, bool *killed, eth_error *err)
{
    char why[128];
    *killed = false;
    if (kill(pid, SIGTERM) != 0 && errno != ESRCH)
        return eth_fail(err, ETH_EIO, "cannot signal process %ld: %s", (long)pid,
                        eth_strerror(errno, why, sizeof why));
    if (wait_gone(pid, term_ms))
        return 0;
    *killed = true;
    if (kill(pid, SIGKILL) != 0 && errno != ESRCH)
        return eth_fail(err, ETH_EIO, "cannot kill process %ld: %s", (long)pid,
                        eth_strerror(errno, why, sizeof why));
    if (wait_gone(pid, kill_ms))
        return 0;
    return eth_fail(err, ETH_ETIMEOUT, "process %ld still runs %ld ms after SIGKILL", (long)pid,
                    kill_ms);
}

/* A TCP socket bound to 127.0.0.1:port (0: any), or -1 with errno set. */
static int bind_loopback(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0)
        return -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* as anvil binds: a port whose old connections linger in TIME_WAIT is free */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int kms_devnet_free_port(unsigned *port, eth_error *err)
{
    char why[128];
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int fd = bind_loopback(0);
    if (fd < 0 || getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return eth_fail(err, ETH_EIO, "cannot get a free port on 127.0.0.1: %s",
                        eth_strerror(e, why, sizeof why));
    }
    close(fd);
    *port = ntohs(sa.sin_port);
    return 0;
}

bool kms_devnet_port_taken(unsigned port)
{
    int fd = bind_loopback(port);
    if (fd < 0)
        return errno == EADDRINUSE;
    close(fd);
    return false;
}

void kms_devnet_log_tail(const char *path, char *out, size_t cap)
{
    char text[2048], a[ETH_CLIP_BUF], b[ETH_CLIP_BUF];
    ssize_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd >= 0) {
        off_t size = lseek(fd, 0, SEEK_END);
        if (size >= 0 && lseek(fd, size > (off_t)sizeof text ? size - (off_t)sizeof text : 0,
                               SEEK_SET) >= 0)
            n = read(fd, text, sizeof text);
        close(fd);
    }
    const char *line[2] = {NULL, NULL};
    size_t len[2] = {0, 0};
    for (ssize_t end = n; end > 0 && !line[0];) { /* the last two non-empty lines, backwards */
        while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r'))
            end--;
        ssize_t start = end;
        while (start > 0 && text[start - 1] != '\n')
            start--;
        if (end > start) {
            int k = line[1] ? 0 : 1;
            line[k] = text + start;
            len[k] = (size_t)(end - start);
        }
        end = start;
    }
    if (!line[1])
        snprintf(out, cap, "(empty)");
    else if (!line[0])
        snprintf(out, cap, "\"%s\"", eth_text_clip(line[1], len[1], b));
    else
        snprintf(out, cap, "\"%s\" / \"%s\"", eth_text_clip(line[0], len[0], a),
                 eth_text_clip(line[1], len[1], b));
}
