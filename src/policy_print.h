/* policy_print.h: what `kmsctl policy` prints for people: the live policy (show), its history
 * and a diff, one change per line (history, watch), and a progress line for long reads. */
#ifndef KMSCTL_POLICY_PRINT_H
#define KMSCTL_POLICY_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include "known.h"
#include "kms/audit_diff.h"
#include "kms/audit_history.h"
#include "kms/audit_pending.h"
#include "kms/audit_state.h"
#include "kms/progress.h"

/* Prints s for people on stdout: the summary of who can change what and how fast with its
 * warnings, then the KMS (owner, the controllers behind it, kmsInfo, gatewayAppId,
 * appImplementation, the sets) and every app. */
void cli_policy_print_state(const kms_audit_state *s);

/* Prints one change of h on stdout, on one line ("2025-01-31 12:00:00 UTC  block 12  DstackKms:
 * os-image 0x11.. allowed") and its path on the line under it (the transaction, the actor, the
 * sender, the Safe and its signers, the timelock operation and when it was scheduled). */
void cli_policy_print_change(const kms_audit_history *h, size_t i);

/* Prints the differences d between the policy at blocks a and b (block numbers and times). */
void cli_policy_print_diff(const kms_audit_diff *d, const kms_audit_state *a,
                           const kms_audit_state *b);

/* Prints one timelock operation: its state, ETA (now: the chain's time) and its calls decoded
 * against the contracts in known. */
void cli_policy_print_op(const kms_audit_op *o, uint64_t now, const cli_known *known);

/* Prints the pending timelock operations and Safe proposal files: each with its state, ETA
 * (now: the chain's time) and what it would do, decoded against the contracts in known. */
void cli_policy_print_pending(const kms_audit_ops *ops, const kms_audit_proposals *props,
                              uint64_t now, const cli_known *known);

/* One progress line on stderr, rewritten in place on a terminal (nothing is printed when
 * stderr is not a terminal: the result says enough). Zero-initialise. */
typedef struct cli_progress_line {
    bool shown; /* a line is on the screen, waiting for its end */
} cli_progress_line;

/* A kms_progress that writes to l. */
kms_progress cli_policy_progress(cli_progress_line *l);

/* Ends l's line, if one is shown. */
void cli_policy_progress_end(cli_progress_line *l);

#endif
