/* keyflags.h: the key-source flags every signing command shares, turned into an eth_keysource
 * and resolved into a signer (lib/eth/keysource.h) with this front end's prompt and warnings. */
#ifndef KMSCTL_KEYFLAGS_H
#define KMSCTL_KEYFLAGS_H

#include <stdbool.h>
#include "cli.h"
#include "eth/keysource.h"

/* Flag set: --keystore, --account, --keystore-dir, --password-file, --private-key-file,
 * --private-key. */
extern const cli_flag CLI_KEY_FLAGS[];

/* The keystore directory: --keystore-dir if given (c must declare it), else env
 * KMSCTL_KEYSTORE_DIR, else NULL (lib's default, ~/.foundry/keystores). Borrowed. */
const char *cli_keystore_dir(const cli_call *c);

/* Fills *ks from the CLI_KEY_FLAGS of c. Returns CLI_OK, or CLI_USAGE (printed) when no key
 * source or more than one is given. */
int cli_key_source(const cli_call *c, eth_keysource *ks);

/* Resolves ks into a new signer *out (free with eth_signer_free), prompting on the terminal
 * for a keystore password and printing lib's warnings. Returns 0 or -err->code. */
int cli_key_resolve(const eth_keysource *ks, eth_signer **out, eth_error *err) ETH_WARN_UNUSED;

#endif
