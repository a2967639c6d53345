/* devnet.h: a local development chain: one anvil on 127.0.0.1 that outlives the command that
 * started it, recorded in a state folder, with Safe v1.4.1 at its canonical addresses.
 *
 * The state folder (chosen by the caller; created with mode 0700 if missing) holds:
 *   state.json     what kms_devnet_load reads: pid, port, url, chain id, start time, the dev
 *                  accounts, and the paths below (written atomically, mode 0600)
 *   dev-keys.json  what anvil writes with --config-out: the dev accounts and their private
 *                  keys (the well-known "test test ... junk" mnemonic), mode 0600
 *   anvil.log      anvil's standard output and error (mode 0600)
 *   lock           held while a start or stop runs, so two of them cannot interleave
 * At most one devnet runs per folder. The anvil is started in its own session with standard
 * input from /dev/null and its output in anvil.log, so it keeps no terminal of the caller and
 * keeps running when the caller exits. It is the caller's child until then: a process that
 * starts a devnet and lives on should stop it with kms_devnet_stop, which also reaps it. */
#ifndef KMS_DEVNET_H
#define KMS_DEVNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/error.h"
#include "eth/rpc.h"
#include "progress.h"
#include "safe_canonical.h"

/* Most dev accounts a state records (anvil makes 10). */
#define KMS_DEVNET_MAX_ACCOUNTS 32
/* Room for each path a state records. */
#define KMS_DEVNET_PATH_MAX 4096
/* Longest interval mining period accepted, in seconds (one day). */
#define KMS_DEVNET_MAX_BLOCK_TIME 86400u
/* Longest single time travel, in seconds (100 years of 365.25 days). */
#define KMS_DEVNET_MAX_TRAVEL 3155760000u

/* What a devnet records (plain data). */
typedef struct kms_devnet_state {
    int pid;                /* anvil's process id */
    unsigned port;          /* on 127.0.0.1 */
    char url[64];           /* "http://127.0.0.1:PORT" */
    uint64_t chain_id;      /* as eth_chainId answered (31337) */
    int64_t started_at;     /* Unix time of the start, seconds */
    unsigned block_time;    /* seconds between blocks; 0: one block per transaction */
    uint64_t proc_start;    /* the process's start time in clock ticks after boot (/proc) */
    size_t naccounts;
    uint8_t accounts[KMS_DEVNET_MAX_ACCOUNTS][20]; /* the dev accounts, unlocked by anvil */
    char anvil[KMS_DEVNET_PATH_MAX];     /* the binary that runs */
    char keys_file[KMS_DEVNET_PATH_MAX]; /* dev-keys.json, absolute */
    char log_file[KMS_DEVNET_PATH_MAX];  /* anvil.log, absolute */
} kms_devnet_state;

/* How to start a devnet. Zero-initialise, then set anvil. */
typedef struct kms_devnet_opts {
    const char *anvil;      /* the anvil binary to run (kms_devnet_find_anvil), not NULL */
    unsigned port;          /* 0: a free port the kernel picks */
    bool port_fallback;     /* port is taken: take a free one instead of failing */
    unsigned block_time;    /* 0: mine a block per transaction; else seconds (at most
                               KMS_DEVNET_MAX_BLOCK_TIME) */
    long start_timeout_ms;  /* how long anvil may take to answer; 0: 20000 */
    kms_progress progress;  /* one line per step; fn may be NULL */
} kms_devnet_opts;

/* Finds the anvil binary: given if not NULL, else env KMSCTL_ANVIL if set and not empty, else
 * the first executable "anvil" in PATH that is not a script (the npm launcher in
 * node_modules/.bin would be the recorded process instead of anvil), else the project's npm
 * install next to the running program (/proc/self/exe's folder/../node_modules/@foundry-rs/
 * anvil-linux-amd64/bin/anvil), else the same under the source tree kmsctl was built from.
 * Writes its path to out[0..cap). Returns 0; -ETH_EIO if given or KMSCTL_ANVIL is not an
 * executable file, or if none of the places has one (the message lists what was tried);
 * -ETH_ERANGE if a path does not fit in cap. */
int kms_devnet_find_anvil(const char *given, char *out, size_t cap, eth_error *err)
    ETH_WARN_UNUSED;

/* Starts a devnet recorded in dir: refuses if the devnet recorded there is alive, removes the
 * state of one that is gone, starts anvil, waits until it answers eth_chainId, deploys Safe
 * v1.4.1 at the canonical addresses from dev account 0 (safe_deploy.h), and writes state.json.
 * On failure after anvil started, anvil is stopped and nothing is left in dir but the log.
 * Returns 0 and fills *out; -ETH_ESTATE (a devnet is running there; or anvil exited before it
 * answered: the message quotes the end of its log); -ETH_ETIMEOUT (no answer in time);
 * -ETH_EIO (dir or a file in it; the port is taken and port_fallback is false);
 * -ETH_ERANGE (block_time); or an error of the Safe deployment.
 * In:  dir  the state folder (not NULL); opts  (not NULL). Out: out  (not NULL). */
int kms_devnet_start(const char *dir, const kms_devnet_opts *opts, kms_devnet_state *out,
                     eth_error *err) ETH_WARN_UNUSED;

/* Reads dir/state.json into *out. *found is false (and *out untouched) when there is none.
 * Returns 0, -ETH_EIO (unreadable) or -ETH_EINVAL (not a devnet state: the field is named). */
int kms_devnet_load(const char *dir, kms_devnet_state *out, bool *found, eth_error *err)
    ETH_WARN_UNUSED;

/* True if st's process is running and is the anvil st recorded: its command line starts with
 * st->anvil and passes --port st->port and --config-out st->keys_file, and it started at
 * st->proc_start (a reused pid fails this). A zombie is not alive. */
bool kms_devnet_alive(const kms_devnet_state *st);

/* What kms_devnet_status finds (plain data). */
typedef struct kms_devnet_info {
    bool recorded;          /* dir holds a state */
    bool alive;             /* its anvil runs (kms_devnet_alive) */
    kms_devnet_state state; /* when recorded */
    uint64_t chain_id;      /* when alive: as the node answers now */
    uint64_t block_number;  /* when alive */
    uint64_t timestamp;     /* when alive: of the latest block */
    kms_safe_check safe;    /* when alive: the canonical Safe contracts (safe_canonical.h) */
} kms_devnet_info;

/* Looks at the devnet recorded in dir and, if it is alive, asks it for its chain id, block and
 * the Safe contracts. Not running is no error (out->alive is false). Returns 0, an error of
 * kms_devnet_load, or an RPC error of a devnet that is alive but does not answer. */
int kms_devnet_status(const char *dir, kms_devnet_info *out, eth_error *err) ETH_WARN_UNUSED;

/* Loads the devnet recorded in dir, checks that it is alive and opens a client for it.
 * Returns 0 with *st and *rpc (free with eth_rpc_free); -ETH_ESTATE if no devnet runs there
 * (the message says how to start one); or an error of kms_devnet_load or eth_rpc_open. */
int kms_devnet_connect(const char *dir, kms_devnet_state *st, eth_rpc **rpc, eth_error *err)
    ETH_WARN_UNUSED;

/* What kms_devnet_stop did (plain data). */
typedef struct kms_devnet_stopped {
    bool recorded; /* there was a state */
    bool was_alive; /* its anvil was running and was stopped */
    bool killed;   /* it ignored SIGTERM for 5 s and got SIGKILL */
    int pid;       /* the recorded pid, when recorded */
} kms_devnet_stopped;

/* Stops the devnet recorded in dir: SIGTERM to the recorded pid, only if kms_devnet_alive
 * says it is that anvil; waits until it is gone (SIGKILL after 5 s), reaping it if it is the
 * caller's child; then removes state.json and dev-keys.json (the log stays). A dead or foreign
 * process only has its stale state removed. Nothing recorded is no error.
 * Returns 0 and fills *out; -ETH_ETIMEOUT if the process outlives SIGKILL (the state stays);
 * -ETH_EIO (lock or files); or an error of kms_devnet_load. progress may be NULL. */
int kms_devnet_stop(const char *dir, const kms_progress *progress, kms_devnet_stopped *out,
                    eth_error *err) ETH_WARN_UNUSED;

/* What kms_devnet_time_travel did (plain data). */
typedef struct kms_devnet_travel {
    uint64_t before;       /* timestamp of the latest block before */
    uint64_t timestamp;    /* timestamp of the new block */
    uint64_t block_number; /* the new block */
} kms_devnet_travel;

/* Moves the dev chain's clock seconds ahead (evm_increaseTime) and mines a block (evm_mine)
 * so that the next reads see the new time. Returns 0 and fills *out; -ETH_ERANGE if seconds
 * is above KMS_DEVNET_MAX_TRAVEL; or an RPC error (a node without these anvil methods gives
 * -ETH_ERPC). In: rpc a client for an anvil (not NULL). */
int kms_devnet_time_travel(eth_rpc *rpc, uint64_t seconds, kms_devnet_travel *out,
                           eth_error *err) ETH_WARN_UNUSED;

#endif
