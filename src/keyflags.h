/* keyflags.h: the key-source flags every signing command shares, turned into an eth_keysource
 * and resolved into a signer (lib/eth/keysource.h) with this front end's prompt and warnings. */
#ifndef KMSCTL_KEYFLAGS_H
#define KMSCTL_KEYFLAGS_H

#include <stdbool.h>
#include "cli.h"
#include "eth/keysource.h"

/* Flag set: --keystore, --account, --keystore-dir, --password-file, --private-key-file,
 * --dev-account, --private-key. */
extern const cli_flag CLI_KEY_FLAGS[];

/* The keystore directory: --keystore-dir if given (c must declare it), else env
 * KMSCTL_KEYSTORE_DIR, else NULL (lib's default, ~/.foundry/keystores). Borrowed. */
const char *cli_keystore_dir(const cli_call *c);

/* True if c was given a flag that names a key (--keystore, --account, --private-key-file,
 * --dev-account, --private-key); env PRIVATE_KEY does not count. c must declare
 * CLI_KEY_FLAGS. */
bool cli_key_given(const cli_call *c);

/* Fills *ks from the CLI_KEY_FLAGS of c (strings borrowed from c). --dev-account N sets
 * ks->dev_account and leaves ks->dev_keys_file NULL: the devnet's file is found when the key
 * is resolved. Returns CLI_OK, or CLI_USAGE (printed) when no key source or more than one is
 * given or N is not a number. */
int cli_key_source(const cli_call *c, eth_keysource *ks);

/* Resolves ks into a new signer *out (free with eth_signer_free), prompting on the terminal
 * for a keystore password and printing lib's warnings. A --dev-account without a dev-keys
 * file takes the running devnet's (chain.h, cli_devnet_running), whatever chain the command
 * uses: a command that talks to a chain resolves through cli_chain_signer instead, which
 * refuses dev accounts off the devnet. Returns 0, -ETH_ESTATE (--dev-account and no devnet
 * runs; the message says how to start one), or an error of eth_keysource_resolve. */
int cli_key_resolve(const eth_keysource *ks, eth_signer **out, eth_error *err) ETH_WARN_UNUSED;

#endif
