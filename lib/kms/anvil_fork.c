/* anvil_fork.c: a temporary anvil fork of a chain. */
#include "anvil_fork.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "eth/file.h"
#include "eth/rpc_eth.h"
#include "internal/clock.h"
#include "internal/devnet_proc.h"

/* The name the fork URL has in the fork's foundry.toml. */
#define FORK_ALIAS "kmsctl-simulated-chain"

/* Makes f's private folder; returns 0 or -1. */
static int make_dir(kms_fork *f)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/kmsctl-fork-XXXXXX",
             tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (mkdtemp(f->dir))
        return 0;
    f->dir[0] = '\0';
    return -1;
}

/* Writes f->config: [rpc_endpoints] with url under FORK_ALIAS, as a TOML basic string (only
 * '"' and '\' need escaping once control characters are refused). Returns 0 or an error. */
static int write_config(kms_fork *f, const char *url, eth_error *err)
{
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return eth_fail(err, ETH_EINVAL, "the RPC URL holds a control character");
    snprintf(f->config, sizeof f->config, "%s/foundry.toml", f->dir);
    eth_buf toml = {.secret = true}; /* the URL may hold an API key */
    int rc = eth_buf_append_str(&toml, "[rpc_endpoints]\n" FORK_ALIAS " = \"", err);
    for (const char *p = url; rc == 0 && *p; p++) {
        char esc[2] = {'\\', *p};
        rc = *p == '"' || *p == '\\' ? eth_buf_append(&toml, esc, 2, err)
                                       : eth_buf_append(&toml, p, 1, err);
    }
    if (rc == 0)
        rc = eth_buf_append_str(&toml, "\"\n", err);
    if (rc == 0 && (rc = eth_file_create(f->config, toml.data, toml.len, 0600, err)) != 0)
        rc = eth_error_prefix(err, "the simulation fork's configuration: ");
    eth_buf_clear(&toml);
    if (rc)
        f->config[0] = '\0';
    return rc;
}

/* Creates the log file in f's folder; returns its fd or -1. */
static int make_log(kms_fork *f)
{
    snprintf(f->log, sizeof f->log, "%s/anvil.log", f->dir);
    int fd = open(f->log, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        f->log[0] = '\0';
    return fd;
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
    if (make_dir(out) != 0)
        return eth_fail(err, ETH_EIO, "cannot create a folder for the simulation fork");
    rc = write_config(out, fork_url, err);
    int log_fd = rc ? -1 : make_log(out);
    if (rc == 0 && log_fd < 0)
        rc = eth_fail(err, ETH_EIO, "cannot create a log file for the simulation fork");
    if (rc) {
        kms_fork_stop(out);
        return rc;
    }
    char port[16];
    snprintf(port, sizeof port, "%u", out->port);
    char *argv[] = {(char *)anvil, "--host", "127.0.0.1", "--port", port, "--fork-url",
                    FORK_ALIAS, "--no-storage-caching", NULL};
    pid_t pid = 0;
    rc = kms_devnet_spawn(argv, out->dir, log_fd, &pid, err);
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
    char *files[] = {f->log, f->config};
    for (size_t i = 0; i < 2; i++)
        if (files[i][0]) {
            unlink(files[i]);
            files[i][0] = '\0';
        }
    if (f->dir[0]) {
        rmdir(f->dir);
        f->dir[0] = '\0';
    }
}
