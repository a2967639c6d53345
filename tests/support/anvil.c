/* anvil.c (tests only): start and stop a real anvil on a free loopback port. */
#include "anvil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A port the kernel just handed out on 127.0.0.1 (free unless someone takes it meanwhile). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* True once something accepts TCP connections on the port. */
static int answers(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static void anvil_path(char *out, size_t n)
{
    const char *env = getenv("KMSCTL_ANVIL"), *root = getenv("KMSCTL_SOURCE_DIR");
    if (env && *env)
        snprintf(out, n, "%s", env);
    else
        snprintf(out, n, "%s/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil",
                 root ? root : ".");
}

static void exec_anvil(const char *path, int port, const char *const *args)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    const char *argv[64] = {path, "--host", "127.0.0.1", "--port", p, "--silent"};
    size_t n = 6;
    for (size_t i = 0; args && args[i] && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
        dup2(devnull, 1);
        dup2(devnull, 2);
    }
    execv(path, (char *const *)argv);
    _exit(127);
}

int test_anvil_start(test_anvil *a, const char *const *args)
{
    char path[4096];
    anvil_path(path, sizeof path);
    memset(a, 0, sizeof *a);
    for (int attempt = 0; attempt < 3; attempt++) {
        a->port = free_port();
        a->pid = fork();
        if (a->pid == 0)
            exec_anvil(path, a->port, args);
        if (a->pid < 0)
            break;
        for (int i = 0; i < 200; i++) { /* up to 10 s */
            int st;
            if (waitpid(a->pid, &st, WNOHANG) == a->pid) {
                a->pid = 0;
                break;
            }
            if (answers(a->port)) {
                snprintf(a->url, sizeof a->url, "http://127.0.0.1:%d", a->port);
                return 0;
            }
            struct timespec ts = {0, 50000000};
            nanosleep(&ts, NULL);
        }
        test_anvil_stop(a);
    }
    fprintf(stderr, "test: cannot start anvil from %s\n", path);
    return -1;
}

void test_anvil_stop(test_anvil *a)
{
    if (a->pid <= 0)
        return;
    kill(a->pid, SIGTERM);
    for (int i = 0; i < 100; i++) {
        if (waitpid(a->pid, NULL, WNOHANG) == a->pid) {
            a->pid = 0;
            return;
        }
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
    }
    kill(a->pid, SIGKILL);
    waitpid(a->pid, NULL, 0);
    a->pid = 0;
}
