/* devnet.c: a local anvil that outlives its command: find, start, status, stop, time travel. */
#include "devnet.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "eth/rpc_eth.h"
#include "eth/text.h"
#include "internal/clock.h"
#include "internal/devnet_proc.h"
#include "internal/devnet_state.h"
#include "safe_deploy.h"

/* Where the npm package puts the binary, from the project's root. */
#define NPM_ANVIL "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
/* How long a stopping anvil gets after SIGTERM, and after SIGKILL. */
#define TERM_MS 5000
#define KILL_MS 5000
/* Default wait for a starting anvil to answer. */
#define START_TIMEOUT_MS 20000

/* ---- finding anvil ---- */

/* True if path is a regular file we may execute. */
static bool executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* True if path starts with "#!" (a script, such as npm's launcher). */
static bool script(const char *path)
{
    char head[2] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool yes = fd >= 0 && read(fd, head, 2) == 2 && head[0] == '#' && head[1] == '!';
    if (fd >= 0)
        close(fd);
    return yes;
}

/* Writes the canonical form of the existing path to out[0..cap). */
static int take_path(const char *path, char *out, size_t cap, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    char *real = realpath(path, NULL);
    const char *use = real ? real : path;
    int rc = 0;
    if (strlen(use) >= cap)
        rc = eth_fail(err, ETH_ERANGE, "anvil path %s: too long", eth_text_clipz(use, shown));
    else
        memcpy(out, use, strlen(use) + 1);
    free(real);
    return rc;
}

/* Looks for an executable, non-script "anvil" in each folder of PATH. */
static bool in_path(char *found, size_t cap)
{
    const char *path = getenv("PATH");
    for (const char *p = path; p && *p;) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if ((size_t)snprintf(found, cap, "%.*s/anvil", (int)n, n ? p : ".") < cap &&
            executable(found) && !script(found))
            return true;
        p = end ? end + 1 : p + n;
    }
    return false;
}

/* The npm install next to the running program: EXE_DIR/../NPM_ANVIL. */
static bool beside_exe(char *found, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = '\0';
    return (size_t)snprintf(found, cap, "%s/../%s", exe, NPM_ANVIL) < cap && executable(found);
}

int kms_devnet_find_anvil(const char *given, char *out, size_t cap, eth_error *err)
{
    char shown[ETH_CLIP_BUF], found[PATH_MAX];
    if (given) {
        if (!executable(given))
            return eth_fail(err, ETH_EIO, "--anvil %s: not an executable file",
                            eth_text_clipz(given, shown));
        return take_path(given, out, cap, err);
    }
    const char *env = getenv("KMSCTL_ANVIL");
    if (env && *env) {
        if (!executable(env))
            return eth_fail(err, ETH_EIO, "KMSCTL_ANVIL=%s: not an executable file",
                            eth_text_clipz(env, shown));
        return take_path(env, out, cap, err);
    }
    if (in_path(found, sizeof found) || beside_exe(found, sizeof found))
        return take_path(found, out, cap, err);
#ifdef KMSCTL_SOURCE_DIR
    if ((size_t)snprintf(found, sizeof found, "%s/%s", KMSCTL_SOURCE_DIR, NPM_ANVIL) <
            sizeof found &&
        executable(found))
        return take_path(found, out, cap, err);
#endif
    return eth_fail(err, ETH_EIO, "no anvil found (tried KMSCTL_ANVIL, PATH, and %s next to "
                                  "kmsctl and in its source tree): run npm ci in the project, or "
                                  "give --anvil PATH", NPM_ANVIL);
}

/* ---- the state folder ---- */

/* Creates dir and its missing parents with mode 0700. */
static int make_dirs(const char *dir, eth_error *err)
{
    char path[KMS_DEVNET_PATH_MAX], shown[ETH_CLIP_BUF], why[128];
    if (!dir[0])
        return eth_fail(err, ETH_EINVAL, "devnet dir '': an empty path names no folder");
    if ((size_t)snprintf(path, sizeof path, "%s", dir) >= sizeof path)
        return eth_fail(err, ETH_ERANGE, "devnet dir %s: path is too long",
                        eth_text_clipz(dir, shown));
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char was = *p;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return eth_fail(err, ETH_EIO, "devnet dir %s: cannot create %s: %s",
                            eth_text_clipz(dir, shown), path,
                            eth_strerror(errno, why, sizeof why));
        *p = was;
        if (was == '\0')
            return 0;
    }
}

/* The absolute form of the existing folder dir in out; *missing (may be NULL to make that an
 * error) tells that it does not exist. */
static int absolute_dir(const char *dir, char *out, bool *missing, eth_error *err)
{
    char shown[ETH_CLIP_BUF], why[128];
    char *real = realpath(dir, NULL);
    struct stat st;
    if (!real && errno == ENOENT && missing) {
        *missing = true;
        return 0;
    }
    if (missing)
        *missing = false;
    int rc = 0;
    if (!real)
        rc = eth_fail(err, ETH_EIO, "devnet dir %s: %s", eth_text_clipz(dir, shown),
                      eth_strerror(errno, why, sizeof why));
    else if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode))
        rc = eth_fail(err, ETH_EIO, "devnet dir %s: not a folder", eth_text_clipz(dir, shown));
    else if (strlen(real) >= KMS_DEVNET_PATH_MAX)
        rc = eth_fail(err, ETH_ERANGE, "devnet dir %s: path is too long",
                      eth_text_clipz(dir, shown));
    else
        memcpy(out, real, strlen(real) + 1);
    free(real);
    return rc;
}

/* Takes dir's lock (waiting for another start or stop to finish); *fd gets it. */
static int lock_dir(const char *dir, int *fd, eth_error *err)
{
    char path[KMS_DEVNET_PATH_MAX], why[128];
    int rc = kms_devnet_join(path, dir, KMS_DEVNET_LOCK_FILE, err);
    if (rc)
        return rc;
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (*fd < 0)
        return eth_fail(err, ETH_EIO, "%s: cannot open: %s", path,
                        eth_strerror(errno, why, sizeof why));
    while (flock(*fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        int e = errno;
        close(*fd);
        *fd = -1;
        return eth_fail(err, ETH_EIO, "%s: cannot lock: %s", path, eth_strerror(e, why, sizeof why));
    }
    return 0;
}

/* Removes dir/name if it is there. */
static int remove_file(const char *dir, const char *name, eth_error *err)
{
    char path[KMS_DEVNET_PATH_MAX], why[128];
    int rc = kms_devnet_join(path, dir, name, err);
    if (rc == 0 && unlink(path) != 0 && errno != ENOENT)
        rc = eth_fail(err, ETH_EIO, "%s: cannot remove: %s", path,
                      eth_strerror(errno, why, sizeof why));
    return rc;
}

static int remove_state(const char *dir, eth_error *err)
{
    int rc = remove_file(dir, KMS_DEVNET_STATE_FILE, err);
    return rc ? rc : remove_file(dir, KMS_DEVNET_KEYS_FILE, err);
}

/* ---- starting ---- */

/* Why a child that exited is gone, for a message. */
static void describe_exit(int status, char *out, size_t cap)
{
    if (WIFEXITED(status))
        snprintf(out, cap, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, cap, "was killed by signal %d", WTERMSIG(status));
    else
        snprintf(out, cap, "stopped");
}

/* Waits until the anvil at st->url answers eth_chainId (into st->chain_id) and has written its
 * dev-keys file (into st->accounts), or until it exits or the deadline passes. */
static int await_ready(kms_devnet_state *st, long timeout_ms, eth_error *err)
{
    eth_rpc_opts o;
    eth_rpc_opts_default(&o);
    o.connect_timeout_ms = 250;
    o.timeout_ms = 1000;
    o.retries = 0;
    eth_rpc *rpc = NULL;
    int rc = eth_rpc_open(st->url, &o, &rpc, err);
    bool answered = false;
    for (int64_t deadline = kms_now_ms() + timeout_ms; rc == 0;) {
        int status;
        char tail[2 * ETH_CLIP_BUF + 16], how[64];
        eth_error ignored;
        if (waitpid(st->pid, &status, WNOHANG) == st->pid) {
            st->pid = 0; /* reaped: nothing to stop */
            describe_exit(status, how, sizeof how);
            kms_devnet_log_tail(st->log_file, tail, sizeof tail);
            rc = eth_fail(err, ETH_ESTATE, "anvil %s before it answered; its log (%s) ends: %s",
                          how, st->log_file, tail);
            break;
        }
        if (!answered)
            answered = eth_rpc_chain_id(rpc, &st->chain_id, &ignored) == 0;
        if (answered && kms_devnet_read_keys(st->keys_file, st, &ignored) == 0)
            break;
        if (kms_now_ms() >= deadline) {
            kms_devnet_log_tail(st->log_file, tail, sizeof tail);
            rc = eth_fail(err, ETH_ETIMEOUT, "anvil %s within %ld ms; its log (%s) ends: %s",
                          answered ? "answered but wrote no dev-keys file" : "did not answer",
                          timeout_ms, st->log_file, tail);
            break;
        }
        kms_sleep_ms(25);
    }
    eth_rpc_free(rpc);
    return rc;
}

/* Chooses the port: the one asked for, or a free one. */
static int choose_port(const kms_devnet_opts *opts, unsigned *port, eth_error *err)
{
    if (opts->port > 65535)
        return eth_fail(err, ETH_ERANGE, "port %u: above 65535", opts->port);
    if (opts->port && !kms_devnet_port_taken(opts->port)) {
        *port = opts->port;
        return 0;
    }
    if (opts->port && !opts->port_fallback)
        return eth_fail(err, ETH_EIO, "127.0.0.1:%u is taken (another devnet or node?): choose "
                                      "another port", opts->port);
    int rc = kms_devnet_free_port(port, err);
    if (rc == 0 && opts->port)
        kms_progress_say(&opts->progress, "127.0.0.1:%u is taken: using 127.0.0.1:%u instead",
                         opts->port, *port);
    return rc;
}

/* Creates the files anvil writes into, mode 0600 before anything is in them: the dev-keys
 * file (anvil truncates it, keeping the mode) and the log (*log_fd). */
static int prepare_files(kms_devnet_state *st, int *log_fd, eth_error *err)
{
    char why[128];
    unlink(st->keys_file);
    int fd = open(st->keys_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0)
        return eth_fail(err, ETH_EIO, "%s: cannot create: %s", st->keys_file,
                        eth_strerror(errno, why, sizeof why));
    close(fd);
    *log_fd = open(st->log_file, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOCTTY,
                   0600);
    if (*log_fd < 0 || fchmod(*log_fd, 0600) != 0) {
        int e = errno;
        if (*log_fd >= 0)
            close(*log_fd);
        *log_fd = -1;
        return eth_fail(err, ETH_EIO, "%s: cannot create: %s", st->log_file,
                        eth_strerror(e, why, sizeof why));
    }
    return 0;
}

/* Runs anvil as st says and fills st->pid and st->started_at. */
static int spawn_anvil(kms_devnet_state *st, int log_fd, eth_error *err)
{
    char port[16], block_time[16];
    snprintf(port, sizeof port, "%u", st->port);
    snprintf(block_time, sizeof block_time, "%u", st->block_time);
    char *argv[] = {st->anvil, "--host", "127.0.0.1", "--port", port, "--config-out",
                    st->keys_file, st->block_time ? "--block-time" : NULL, block_time, NULL};
    pid_t pid = 0;
    int rc = kms_devnet_spawn(argv, NULL, log_fd, &pid, err);
    st->pid = (int)pid;
    st->started_at = (int64_t)time(NULL);
    return rc;
}

/* Deploys Safe v1.4.1 on the new chain from its first dev account. */
static int deploy_safe(const kms_devnet_state *st, const kms_progress *progress, eth_error *err)
{
    eth_rpc *rpc = NULL;
    int rc = eth_rpc_open(st->url, NULL, &rpc, err);
    long timeout = 30000 + 3000L * (long)st->block_time;
    if (rc == 0)
        rc = kms_safe_deploy_devnet(rpc, st->accounts[0], timeout, progress, NULL, err);
    eth_rpc_free(rpc);
    if (rc == 0)
        kms_progress_say(progress, "Safe v1.4.1 deployed at canonical addresses");
    return rc;
}

/* Starts anvil for dir (locked, no live devnet) and records it. */
static int launch(const char *dir, const kms_devnet_opts *opts, kms_devnet_state *st,
                  eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    memset(st, 0, sizeof *st);
    st->block_time = opts->block_time;
    int log_fd = -1, rc = 0;
    if (!opts->anvil || strlen(opts->anvil) >= sizeof st->anvil)
        rc = eth_fail(err, ETH_EINVAL, "anvil path %s: missing or too long",
                      eth_text_clipz(opts->anvil, shown));
    else
        memcpy(st->anvil, opts->anvil, strlen(opts->anvil) + 1);
    if (rc == 0)
        rc = kms_devnet_join(st->keys_file, dir, KMS_DEVNET_KEYS_FILE, err);
    if (rc == 0)
        rc = kms_devnet_join(st->log_file, dir, KMS_DEVNET_LOG_FILE, err);
    if (rc == 0)
        rc = choose_port(opts, &st->port, err);
    snprintf(st->url, sizeof st->url, "http://127.0.0.1:%u", st->port);
    if (rc == 0)
        rc = prepare_files(st, &log_fd, err);
    if (rc == 0) {
        kms_progress_say(&opts->progress, "starting anvil on 127.0.0.1:%u ...", st->port);
        rc = spawn_anvil(st, log_fd, err);
    }
    if (log_fd >= 0)
        close(log_fd);
    if (rc == 0)
        rc = await_ready(st, opts->start_timeout_ms ? opts->start_timeout_ms : START_TIMEOUT_MS,
                         err);
    bool zombie = false;
    if (rc == 0 && (kms_devnet_proc_stat(st->pid, &st->proc_start, &zombie) != 0 || zombie))
        rc = eth_fail(err, ETH_ESTATE, "anvil (pid %d) exited after it answered; see %s",
                      st->pid, st->log_file);
    if (rc == 0 && chmod(st->keys_file, 0600) != 0)
        rc = eth_fail(err, ETH_EIO, "%s: cannot chmod 600", st->keys_file);
    if (rc == 0) {
        kms_progress_say(&opts->progress, "anvil (pid %d) answers at %s, chain id %llu",
                         st->pid, st->url, (unsigned long long)st->chain_id);
        rc = deploy_safe(st, &opts->progress, err);
    }
    if (rc == 0)
        rc = kms_devnet_state_write(dir, st, err);
    if (rc) { /* undo, best effort: no anvil and no state may outlive a failed start, and
               * the error to report is the one that made it fail */
        bool killed;
        eth_error ignored;
        int undone = st->pid > 0 ? kms_devnet_terminate(st->pid, TERM_MS, KILL_MS, &killed,
                                                        &ignored)
                                 : 0;
        undone |= remove_state(dir, &ignored);
        (void)undone;
    }
    return rc;
}

/* Refuses a live devnet in dir; removes a stale one's state. */
static int clear_stale(const char *dir, const kms_progress *progress, eth_error *err)
{
    kms_devnet_state old;
    bool found = false;
    int rc = kms_devnet_load(dir, &old, &found, err);
    if (rc == 0 && found && kms_devnet_alive(&old))
        return eth_fail(err, ETH_ESTATE, "a devnet already runs here (pid %d, %s): stop it "
                                         "first (devnet stop)", old.pid, old.url);
    if (rc == 0 && found) {
        kms_progress_say(progress, "removing the stale state of pid %d (not running)", old.pid);
        kms_devnet_proc_gone(old.pid); /* reaps it if it is our own exited child */
    }
    if (rc == -ETH_EINVAL || rc == -ETH_ERANGE) { /* a broken state.json runs nothing */
        kms_progress_say(progress, "removing a state that cannot be read: %s", err->msg);
        eth_error_clear(err);
        rc = 0;
    }
    return rc ? rc : remove_state(dir, err);
}

int kms_devnet_start(const char *dir, const kms_devnet_opts *opts, kms_devnet_state *out,
                     eth_error *err)
{
    if (opts->block_time > KMS_DEVNET_MAX_BLOCK_TIME)
        return eth_fail(err, ETH_ERANGE, "block time %u s: above %u s", opts->block_time,
                        KMS_DEVNET_MAX_BLOCK_TIME);
    char abs[KMS_DEVNET_PATH_MAX];
    int lock = -1;
    int rc = make_dirs(dir, err);
    if (rc == 0)
        rc = absolute_dir(dir, abs, NULL, err);
    if (rc == 0)
        rc = lock_dir(abs, &lock, err);
    if (rc == 0)
        rc = clear_stale(abs, &opts->progress, err);
    if (rc == 0)
        rc = launch(abs, opts, out, err);
    if (lock >= 0)
        close(lock);
    return rc;
}

/* ---- looking, stopping, travelling ---- */

bool kms_devnet_alive(const kms_devnet_state *st)
{
    uint64_t start = 0;
    bool zombie = true;
    return kms_devnet_proc_stat(st->pid, &start, &zombie) == 0 && !zombie &&
           (st->proc_start == 0 || start == st->proc_start) &&
           kms_devnet_proc_is(st->pid, st->anvil, st->port, st->keys_file);
}

/* Loads the state of dir if the folder exists (*found false otherwise). */
static int load_if_any(const char *dir, char *abs, kms_devnet_state *st, bool *found,
                       eth_error *err)
{
    bool missing = false;
    *found = false;
    int rc = absolute_dir(dir, abs, &missing, err);
    if (rc || missing)
        return rc;
    return kms_devnet_load(abs, st, found, err);
}

/* Opens a client for the devnet's URL with short timeouts (it is on this machine). */
static int open_local(const kms_devnet_state *st, eth_rpc **rpc, eth_error *err)
{
    eth_rpc_opts o;
    eth_rpc_opts_default(&o);
    o.connect_timeout_ms = 1000;
    o.timeout_ms = 10000;
    o.retries = 1;
    return eth_rpc_open(st->url, &o, rpc, err);
}

int kms_devnet_status(const char *dir, kms_devnet_info *out, eth_error *err)
{
    char abs[KMS_DEVNET_PATH_MAX];
    memset(out, 0, sizeof *out);
    int rc = load_if_any(dir, abs, &out->state, &out->recorded, err);
    if (rc || !out->recorded || !(out->alive = kms_devnet_alive(&out->state)))
        return rc;
    eth_rpc *rpc = NULL;
    eth_block b;
    bool found = false;
    rc = open_local(&out->state, &rpc, err);
    if (rc == 0)
        rc = eth_rpc_chain_id(rpc, &out->chain_id, err);
    if (rc == 0)
        rc = eth_rpc_get_block(rpc, "latest", &b, &found, err);
    if (rc == 0 && !found)
        rc = eth_fail(err, ETH_ERPC, "%s has no latest block", out->state.url);
    if (rc == 0) {
        out->block_number = b.number;
        out->timestamp = b.timestamp;
        rc = kms_safe_canonical_check(rpc, "latest", &out->safe, err);
    }
    eth_rpc_free(rpc);
    return rc;
}

int kms_devnet_connect(const char *dir, kms_devnet_state *st, eth_rpc **rpc, eth_error *err)
{
    char abs[KMS_DEVNET_PATH_MAX], shown[ETH_CLIP_BUF];
    bool found = false;
    int rc = load_if_any(dir, abs, st, &found, err);
    if (rc)
        return rc;
    if (!found || !kms_devnet_alive(st))
        return eth_fail(err, ETH_ESTATE, "no devnet runs for %s: start one first (devnet start)",
                        eth_text_clipz(dir, shown));
    return open_local(st, rpc, err);
}

int kms_devnet_stop(const char *dir, const kms_progress *progress, kms_devnet_stopped *out,
                    eth_error *err)
{
    char abs[KMS_DEVNET_PATH_MAX];
    kms_devnet_state st;
    memset(out, 0, sizeof *out);
    int lock = -1;
    int rc = load_if_any(dir, abs, &st, &out->recorded, err);
    if (rc || !out->recorded)
        return rc;
    rc = lock_dir(abs, &lock, err);
    if (rc == 0) /* again, under the lock: a start or stop may have finished meanwhile */
        rc = kms_devnet_load(abs, &st, &out->recorded, err);
    if (rc == 0 && out->recorded) {
        out->pid = st.pid;
        out->was_alive = kms_devnet_alive(&st);
        if (out->was_alive) {
            kms_progress_say(progress, "stopping anvil (pid %d) ...", st.pid);
            rc = kms_devnet_terminate(st.pid, TERM_MS, KILL_MS, &out->killed, err);
        } else {
            kms_progress_say(progress, "pid %d is not running: removing its stale state", st.pid);
        }
        if (rc == 0)
            rc = remove_state(abs, err);
    }
    if (lock >= 0)
        close(lock);
    return rc;
}

int kms_devnet_time_travel(eth_rpc *rpc, uint64_t seconds, kms_devnet_travel *out,
                           eth_error *err)
{
    if (seconds > KMS_DEVNET_MAX_TRAVEL)
        return eth_fail(err, ETH_ERANGE, "%llu s: more than the %u s (100 years) one time "
                                         "travel may take", (unsigned long long)seconds,
                        KMS_DEVNET_MAX_TRAVEL);
    eth_block b;
    bool found = false;
    json_t *result = NULL, *params = NULL;
    int rc = eth_rpc_get_block(rpc, "latest", &b, &found, err);
    if (rc == 0)
        out->before = b.timestamp;
    if (rc == 0 && !(params = json_pack("[I]", (json_int_t)seconds)))
        rc = eth_fail(err, ETH_ENOMEM, "out of memory");
    if (rc == 0)
        rc = eth_rpc_call(rpc, "evm_increaseTime", params, &result, err);
    json_decref(params);
    json_decref(result);
    result = NULL;
    if (rc == 0 && !(params = json_array()))
        rc = eth_fail(err, ETH_ENOMEM, "out of memory");
    else if (rc == 0)
        rc = eth_rpc_call(rpc, "evm_mine", params, &result, err);
    json_decref(params);
    json_decref(result);
    if (rc == 0)
        rc = eth_rpc_get_block(rpc, "latest", &b, &found, err);
    if (rc == 0 && !found)
        rc = eth_fail(err, ETH_ERPC, "%s has no latest block", eth_rpc_url_shown(rpc));
    if (rc == 0) {
        out->timestamp = b.timestamp;
        out->block_number = b.number;
    }
    return rc;
}
