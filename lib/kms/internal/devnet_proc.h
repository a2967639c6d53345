/* devnet_proc.h (lib/kms only): the anvil process of a devnet: running it detached, knowing
 * whether a pid is still it, stopping it, and loopback ports. */
#ifndef KMS_INTERNAL_DEVNET_PROC_H
#define KMS_INTERNAL_DEVNET_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "eth/error.h"

/* Runs argv[0] with argv (NULL-terminated) as the caller's child in a new session: standard
 * input from /dev/null, standard output and error to log_fd, no other descriptor of the
 * caller, an empty signal mask, default dispositions and umask 077, in the directory cwd (NULL:
 * the caller's). Returns 0 once the program is executing, with *pid; -ETH_EIO if fork failed
 * or the program could not be executed or enter cwd (the child is reaped then). */
int kms_devnet_spawn(char *const argv[], const char *cwd, int log_fd, pid_t *pid,
                     eth_error *err) ETH_WARN_UNUSED;

/* Reads /proc/PID/stat: *start gets the start time in clock ticks after boot, *zombie whether
 * it has exited and waits to be reaped. Returns 0, or -1 if there is no such process. */
int kms_devnet_proc_stat(pid_t pid, uint64_t *start, bool *zombie);

/* True if pid's command line (/proc/PID/cmdline) has argv[0] equal to program and holds the
 * pairs "--port" port and "--config-out" keys_file. */
bool kms_devnet_proc_is(pid_t pid, const char *program, unsigned port, const char *keys_file);

/* True once pid runs no more: reaped here if it is the caller's child, absent, or a zombie of
 * another parent. */
bool kms_devnet_proc_gone(pid_t pid);

/* SIGTERM to pid, then waits until it is gone; SIGKILL after term_ms, and waits kill_ms more.
 * *killed tells whether SIGKILL was needed. Returns 0, -ETH_EIO if pid may not be signalled,
 * or -ETH_ETIMEOUT if it outlives SIGKILL. */
int kms_devnet_terminate(pid_t pid, long term_ms, long kill_ms, bool *killed, eth_error *err)
    ETH_WARN_UNUSED;

/* A port on 127.0.0.1 the kernel hands out now (free until someone takes it).
 * Returns 0 or -ETH_EIO. */
int kms_devnet_free_port(unsigned *port, eth_error *err) ETH_WARN_UNUSED;

/* True if something already listens on (or holds) 127.0.0.1:port. */
bool kms_devnet_port_taken(unsigned port);

/* Writes the last two non-empty lines of the log at path, clipped, escaped and joined with
 * " / ", to out[0..cap) ("(empty)" when there are none). */
void kms_devnet_log_tail(const char *path, char *out, size_t cap);

#endif
