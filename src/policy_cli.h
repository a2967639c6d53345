/* policy_cli.h: what `kmsctl kms ACTION` and `kmsctl app ACTION` share: the contract flags, the
 * generic runner of a table action (lib/kms/policy_actions.h) routed through governance
 * (govern_cli.h), batches, and the environment every such command opens. */
#ifndef KMSCTL_POLICY_CLI_H
#define KMSCTL_POLICY_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include "chain.h"
#include "cli.h"
#include "govern_cli.h"
#include "kms/policy_actions.h"
#include "txflags.h"

/* Flag sets: --kms ADDR and --manifest FILE (kms commands); --app ADDR (app commands);
 * --batch FILE; the renounce confirmation. */
extern const cli_flag CLI_KMS_FLAGS[];
extern const cli_flag CLI_APP_FLAGS[];
extern const cli_flag CLI_BATCH_FLAGS[];
extern const cli_flag CLI_RENOUNCE_FLAGS[];

/* What every routed action's --json prints, and the paragraph its help ends with. */
#define CLI_GOV_JSON                                                                              \
    "{\"route\", \"caller\", \"operationId\", \"delay\"} and, by route, \"transactions\",\n"      \
    "\"scheduleTx\" and \"readyAt\", or \"proposal\", \"safeTxHash\" and \"signatures\""
#define CLI_ROUTED(what)                                                                          \
    what "\n\nRouted by the contract's owner, the same command for every model: the owner's key\n" \
    "sends it; a TimelockController gets schedule (from a proposer's key) or a Safe proposal\n"   \
    "of the schedule (when a Safe proposes); a Safe owner gets a Safe proposal file that the\n"   \
    "owners sign with `kmsctl safe sign`. Every call is simulated from the owner first. Several\n" \
    "values, or --batch FILE, make one operation."

/* Everything an action opens; release with cli_policy_close. */
typedef struct cli_policy_env {
    cli_chain chain;
    bool chain_open;
    eth_signer *signer; /* NULL when no key was given */
    cli_tx_opts tx;
    uint8_t contract[20]; /* the DstackKms proxy or the app */
    bool has_safe_hint;
    uint8_t safe_hint[20];
} cli_policy_env;

/* Opens the chain, the signer (optional: a Safe proposal needs none) and the contract of c
 * (--kms / --manifest for t == KMS_ON_KMS, --app for KMS_ON_APP). Returns CLI_OK, or an exit
 * code (printed). *e is to be closed in every case. */
int cli_policy_open(const cli_call *c, kms_action_target t, cli_policy_env *e);

/* Resolves e->signer for e's open chain: the key flags or env PRIVATE_KEY; with none, dev
 * account 0 on the devnet (with a note); else none (e->signer NULL). Returns CLI_OK or an exit
 * code (printed). */
int cli_policy_signer(const cli_call *c, cli_policy_env *e);

/* Releases e. */
void cli_policy_close(cli_policy_env *e);

/* Reads owner() (or, for acceptOwnership, pendingOwner()) of e->contract into caller.
 * Returns CLI_OK or CLI_FAIL (printed). */
int cli_policy_caller(const cli_policy_env *e, bool pending, uint8_t caller[20]);

/* Runs the table action named by c->action->name on target t: each positional argument is one
 * value (several values make a batch of the same action), --batch FILE adds lines "ACTION
 * ARG...", actions that would change nothing are left out (or refused when nothing remains)
 * unless --force, and the calls go through cli_govern. Returns an exit code. */
int cli_policy_run(cli_call *c, kms_action_target t);

#endif
