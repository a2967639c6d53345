/* upgrade_cli.h: kmsctl kms upgrade and kmsctl app upgrade. */
#ifndef KMSCTL_UPGRADE_CLI_H
#define KMSCTL_UPGRADE_CLI_H

#include "cli.h"
#include "policy_cli.h"

/* Flag set: --implementation ADDR, --deploy, --layout FILE, --unsafe-skip-layout-check. */
extern const cli_flag CLI_UPGRADE_FLAGS[];

/* Upgrades the proxy of target t (the DstackKms proxy, or --app) to --implementation (or the
 * embedded one, deployed with --deploy) after kms_upgrade_check, through governance. Returns an
 * exit code. */
int cli_upgrade_run(cli_call *c, kms_action_target t);

#endif
