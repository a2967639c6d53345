/* deploy_print.h: what kmsctl deploy prints: the plan (--dry-run), its cost before sending,
 * and the result. Human text, or one JSON document with --json. */
#ifndef KMSCTL_DEPLOY_PRINT_H
#define KMSCTL_DEPLOY_PRINT_H

#include <stdbool.h>
#include "kms/deploy.h"
#include "kms/deploy_plan.h"

/* The cost line on stderr ("12 transactions, 6.2 M gas, at most 0.0124 ETH at 2 gwei; the
 * deployer holds 10000 ETH"); with list, every transaction first. */
void cli_deploy_print_cost(const kms_plan *p, const kms_deploy_cost *cost, bool list);

/* --dry-run: every transaction with its nonce, gas and what it does, the addresses, and the
 * cost; or the same as JSON. Returns CLI_OK or CLI_FAIL. */
int cli_deploy_print_plan(const kms_plan *p, const kms_deploy_cost *cost, bool json);

/* The deployment's addresses and state, where the manifest is, and what to do next; with json
 * the manifest itself. Returns CLI_OK or CLI_FAIL. */
int cli_deploy_print_result(const kms_plan *p, const char *manifest, const char *journal,
                            bool json);

#endif
