/* devnet_state.h (lib/kms only): the files of a devnet's state folder (devnet.h lists them):
 * their paths, state.json written and read, and the dev-keys file anvil writes. */
#ifndef KMS_INTERNAL_DEVNET_STATE_H
#define KMS_INTERNAL_DEVNET_STATE_H

#include "eth/error.h"
#include "kms/devnet.h"

#define KMS_DEVNET_STATE_FILE "state.json"
#define KMS_DEVNET_KEYS_FILE "dev-keys.json"
#define KMS_DEVNET_LOG_FILE "anvil.log"
#define KMS_DEVNET_LOCK_FILE "lock"

/* Writes dir/name to out[0..KMS_DEVNET_PATH_MAX). Returns 0 or -ETH_ERANGE (too long). */
int kms_devnet_join(char *out, const char *dir, const char *name, eth_error *err)
    ETH_WARN_UNUSED;

/* Writes st as dir/state.json (mode 0600), atomically: a temporary file renamed over it.
 * Returns 0, -ETH_EIO or -ETH_ENOMEM. */
int kms_devnet_state_write(const char *dir, const kms_devnet_state *st, eth_error *err)
    ETH_WARN_UNUSED;

/* Reads the accounts of the file anvil writes with --config-out (its "available_accounts",
 * at most KMS_DEVNET_MAX_ACCOUNTS, at least one) into st->accounts and st->naccounts.
 * Returns 0, -ETH_EIO (unreadable), -ETH_EINVAL (not such a file: the field is named) or
 * -ETH_ERANGE (too many accounts). */
int kms_devnet_read_keys(const char *path, kms_devnet_state *st, eth_error *err)
    ETH_WARN_UNUSED;

#endif
