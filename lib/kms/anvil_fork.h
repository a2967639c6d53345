/* anvil_fork.h: a throwaway anvil that forks a chain at its latest block, to run a whole plan
 * on the real state before anything is signed (what forge scripts do). It listens on a free
 * 127.0.0.1 port and runs in a private temporary folder (mode 0700) that holds its log and a
 * foundry.toml naming the chain's URL under an alias: anvil resolves `--fork-url ALIAS` from
 * it, so the URL (which may carry an API key) is never in anvil's argv, where other users of
 * the machine could read it. kms_fork_stop stops it and removes the folder. */
#ifndef KMS_ANVIL_FORK_H
#define KMS_ANVIL_FORK_H

#include <stdint.h>
#include <sys/types.h>
#include "eth/error.h"

typedef struct kms_fork {
    pid_t pid;       /* 0 when not running */
    unsigned port;
    char url[64];    /* http://127.0.0.1:PORT */
    char dir[64];    /* its private folder ("" when none) */
    char log[96];    /* its log file, in dir */
    char config[96]; /* the foundry.toml with the fork URL, in dir */
} kms_fork;

/* Starts anvil (the binary at anvil, not NULL) forking fork_url at its latest block and waits
 * up to timeout_ms until it answers. Returns 0 with *out (stop it with kms_fork_stop);
 * -ETH_ESTATE (anvil exited: the message quotes its log), -ETH_ETIMEOUT, -ETH_EINVAL (a URL with
 * control characters), or -ETH_EIO. *out is stopped and cleaned up on failure. */
int kms_fork_start(const char *anvil, const char *fork_url, long timeout_ms, kms_fork *out,
                   eth_error *err) ETH_WARN_UNUSED;

/* Stops the fork (SIGTERM, then SIGKILL), reaps it and removes its log. Safe on a fork that
 * never started or was stopped already. */
void kms_fork_stop(kms_fork *f);

#endif
