/* policy_watch.h: kmsctl policy watch: follows new blocks and prints each policy change as it
 * lands and each timelock operation on the policy as it is scheduled (with its ETA), and with
 * --alert-unexpected stops at a change that did not come through the expected governance. */
#ifndef KMSCTL_POLICY_WATCH_H
#define KMSCTL_POLICY_WATCH_H

#include "cli.h"

/* The flag sets of policy watch: --since, --interval, --alert-unexpected, --max-changes, and
 * those of every policy action. */
extern const cli_flag *const CLI_POLICY_WATCH_SETS[];

/* Runs policy watch until interrupted, --max-changes changes, an unexpected change with
 * --alert-unexpected (exit 1, said on stderr), or a failure. Returns an exit code. */
int cli_policy_watch(cli_call *c);

#endif
