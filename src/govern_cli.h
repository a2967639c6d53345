/* govern_cli.h: one governance action from the command line, whatever model owns the contract:
 * find the route (lib/kms/route.h), wrap the calls (lib/kms/govern.h), show them decoded,
 * simulate, ask, and then send (the owner is the signer), schedule (the signer proposes to a
 * timelock) or write a Safe proposal (a Safe proposes or owns), signing it at once when the
 * signer is one of the Safe's owners. Shared by `kmsctl kms`, `kmsctl app` and `kmsctl
 * timelock`. */
#ifndef KMSCTL_GOVERN_CLI_H
#define KMSCTL_GOVERN_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "chain.h"
#include "cli.h"
#include "kms/govern.h"
#include "txflags.h"

/* Flag set of every routed action: --salt, --predecessor, --delay, --safe, --nonce, --out,
 * --force, --no-sign. */
extern const cli_flag CLI_GOV_FLAGS[];

/* Most calls in one governance operation. */
#define CLI_GOV_MAX_CALLS 64

/* The calls of one operation, built by the command (each with its words for people). */
typedef struct cli_gov_calls {
    kms_tl_call calls[CLI_GOV_MAX_CALLS];
    eth_buf data[CLI_GOV_MAX_CALLS];
    char what[CLI_GOV_MAX_CALLS][256];
    size_t n;
} cli_gov_calls;

/* Appends a call of data (taken over: emptied) to target, in words what. Returns CLI_OK, or
 * CLI_FAIL (printed) past CLI_GOV_MAX_CALLS. */
int cli_gov_add(cli_gov_calls *l, const uint8_t target[20], eth_buf *data, const char *what);

/* Frees the calls' data. */
void cli_gov_calls_clear(cli_gov_calls *l);

/* What a routed action runs with: the chain, the signer (NULL: no key given; a Safe proposal
 * can still be written), the transaction flags, and who the contract obeys (its owner, or the
 * pending owner for acceptOwnership). */
typedef struct cli_gov_ctx {
    const cli_call *c;
    cli_chain *chain;
    const eth_signer *signer;
    const cli_tx_opts *tx;
    uint8_t caller[20];
    const uint8_t *safe_hint; /* a Safe from --safe or the manifest, or NULL */
    const kms_route *route;   /* a route the caller found itself (timelock execute and cancel),
                                 or NULL: found from caller */
} cli_gov_ctx;

/* Routes, wraps, shows, simulates and runs the calls as the header says. Prints the result
 * (with --json one document). Returns an exit code. */
int cli_govern(const cli_gov_ctx *g, const cli_gov_calls *l);

/* Parses --salt, --predecessor, --delay and --nonce of c into *o. Returns CLI_OK or CLI_USAGE
 * (printed). */
int cli_gov_opts(const cli_call *c, kms_gov_opts *o, uint8_t salt[32], uint8_t pred[32]);

#endif
