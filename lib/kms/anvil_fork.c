/* anvil_fork.c: a temporary anvil fork of a chain. */
#include "anvil_fork.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "eth/rpc_eth.h"
#include "internal/clock.h"
#include "internal/devnet_proc.h"

/* Creates the log file; returns its fd or -1. */
static int make_log(kms_fork *f)
{
    const char *dir = getenv("TMPDIR");
    snprintf(f->log, sizeof f->log, "%s/kmsctl-fork-XXXXXX",
             dir && *dir && strlen(dir) < 40 ? dir : "/tmp");
    return mkstemp(f->log);
}

/* Polls the fork until it answers eth_chainId, exits, or the deadline passes. */
static int await_fork(kms_fork *f, long timeout_ms, eth_error *err)
{
    eth_rpc_opts o;
    eth_rpc_opts_default(&o);
    o.connect_timeout_ms = 250;
    o.timeout_ms = 2000;
    o.retries = 0;
    eth_rpc *rpc = NULL;
    int rc = eth_rpc_open(f->url, &o, &rpc, err);
    for (int64_t deadline = kms_now_ms() + timeout_ms; rc == 0;) {
        uint64_t id;
        eth_error ignored;
        char tail[2 * 700];
        if (eth_rpc_chain_id(rpc, &id, &ignored) == 0)
            break;
        if (waitpid(f->pid, NULL, WNOHANG) == f->pid) {
            f->pid = 0;
            kms_devnet_log_tail(f->log, tail, sizeof tail);
            rc = eth_fail(err, ETH_ESTATE, "the simulation fork (anvil --fork-url) exited: %s",
                          tail);
        } else if (kms_now_ms() >= deadline) {
            kms_devnet_log_tail(f->log, tail, sizeof tail);
            rc = eth_fail(err, ETH_ETIMEOUT, "the simulation fork did not answer within %ld ms: %s",
                          timeout_ms, tail);
        } else {
            kms_sleep_ms(25);
        }
    }
    eth_rpc_free(rpc);
    return rc;
}

int kms_fork_start(const char *anvil, const char *fork_url, long timeout_ms, kms_fork *out,
                   eth_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = kms_devnet_free_port(&out->port, err);
    if (rc)
        return rc;
    snprintf(out->url, sizeof out->url, "http://127.0.0.1:%u", out->port);
    int log_fd = make_log(out);
    if (log_fd < 0) {
        out->log[0] = '\0';
        return eth_fail(err, ETH_EIO, "cannot create a log file for the simulation fork");
    }
    char port[16];
    snprintf(port, sizeof port, "%u", out->port);
    char *argv[] = {(char *)anvil, "--host", "127.0.0.1", "--port", port, "--fork-url",
                    (char *)fork_url, "--no-storage-caching", NULL};
    pid_t pid = 0;
    rc = kms_devnet_spawn(argv, log_fd, &pid, err);
    close(log_fd);
    out->pid = pid;
    if (rc == 0)
        rc = await_fork(out, timeout_ms, err);
    if (rc)
        kms_fork_stop(out);
    return rc;
}

void kms_fork_stop(kms_fork *f)
{
    if (f->pid > 0) {
        bool killed;
        eth_error ignored;
        if (kms_devnet_terminate(f->pid, 3000, 3000, &killed, &ignored) == 0)
            f->pid = 0;
    }
    if (f->log[0]) {
        unlink(f->log);
        f->log[0] = '\0';
    }
}
