/* app_cli.h: an app's life outside the owner's actions: kmsctl kms deploy-app (the factory,
 * anyone may call it) and kmsctl app info (its owner, flags, implementation and sets). */
#ifndef KMSCTL_APP_CLI_H
#define KMSCTL_APP_CLI_H

#include "cli.h"

/* Flag set of deploy-app: --owner, --disable-upgrades, --require-tcb-up-to-date,
 * --allow-any-device, --device, --compose-hash. */
extern const cli_flag CLI_DEPLOY_APP_FLAGS[];

/* kmsctl kms deploy-app: deployAndRegisterApp from the key given; prints the new app's address
 * (from AppDeployedViaFactory). Returns an exit code. */
int cli_kms_deploy_app(cli_call *c);

/* kmsctl app info --app ADDR. Returns an exit code. */
int cli_app_info(cli_call *c);

#endif
