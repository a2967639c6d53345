/* chain.h: what every command that talks to a chain shares: the chain flags (--rpc-url,
 * --devnet, --timeout) turned into a connected client, the signer for that chain (with the
 * --dev-account guard), the devnet's state folder, and the progress printer for lib's long
 * operations.
 *
 * A command that reads or sends declares CLI_CHAIN_FLAGS (and CLI_KEY_FLAGS if it signs) and
 * runs, in this order: cli_key_source (usage errors first), cli_chain_open, cli_chain_signer,
 * its work, cli_chain_close. */
#ifndef KMSCTL_CHAIN_H
#define KMSCTL_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "eth/keysource.h"
#include "eth/rpc.h"
#include "eth/signer.h"
#include "kms/devnet.h"
#include "kms/progress.h"

/* Flag set: --rpc-url URL, --devnet, --timeout DUR. */
extern const cli_flag CLI_CHAIN_FLAGS[];

/* Writes the devnet's state folder to out[0..cap): env KMSCTL_DEVNET_DIR if set and not
 * empty, else $XDG_STATE_HOME/kmsctl/devnet (when XDG_STATE_HOME is an absolute path), else
 * $HOME/.local/state/kmsctl/devnet. Nothing is created. Returns 0, -ETH_EINVAL (none of the
 * three is set) or -ETH_ERANGE (the path does not fit in cap). */
int cli_devnet_dir(char *out, size_t cap, eth_error *err) ETH_WARN_UNUSED;

/* Loads the devnet recorded in the state folder (cli_devnet_dir) and checks that its anvil
 * runs (kms_devnet_alive). Returns 0 with *st; -ETH_ESTATE when none runs there (the message
 * names the folder and says to start one with `kmsctl devnet start`); or an error of
 * cli_devnet_dir or kms_devnet_load. st not NULL. */
int cli_devnet_running(kms_devnet_state *st, eth_error *err) ETH_WARN_UNUSED;

/* cli_devnet_running, then a client for the devnet's URL (eth_rpc_opts_default).
 * Returns 0 with *st and *rpc (free with eth_rpc_free), or an error of either step (*rpc is
 * NULL then). */
int cli_devnet_open(kms_devnet_state *st, eth_rpc **rpc, eth_error *err) ETH_WARN_UNUSED;

/* A connection to the chain a command works on. Release with cli_chain_close. */
typedef struct cli_chain {
    eth_rpc *rpc;            /* owned */
    uint64_t chain_id;       /* as eth_chainId answered */
    bool is_devnet;          /* rpc talks to the running devnet (its URL) */
    kms_devnet_state devnet; /* the running devnet, when has_devnet */
    bool has_devnet;         /* a devnet runs (whichever URL rpc uses) */
    char url_shown[128];     /* scheme://host[:port] of the URL: safe in messages */
    char url[2048];          /* the whole URL (it may hold an API key: never print it) */
    eth_rpc_opts opts;       /* rpc's options (--timeout): for more clients of the same node */
} cli_chain;

/* Opens the chain c's CLI_CHAIN_FLAGS name (c must declare them): --devnet (the running
 * devnet's URL), else --rpc-url, else env ETH_RPC_URL, else env RPC_URL, else the running
 * devnet (with a note on stderr); connects and reads
 * eth_chainId; loads the running devnet, if any, to set has_devnet and is_devnet (the URL
 * names the devnet's scheme://host:port). Usage errors are decided before anything is read.
 * Returns 0 with *out filled (release with cli_chain_close);
 *   CLI_USAGE (a positive value: the usage message is printed, exit with it) when no URL is
 *     given and no devnet runs, --devnet comes with --rpc-url, the URL is over 2047 bytes, --timeout is not a duration from 1 s to 1 day,
 *     or the URL is not http(s) (only its scheme://host:port is shown);
 *   or -err->code, err filled and nothing printed (show it with cli_fail_err): -ETH_ESTATE
 *     (--devnet and no devnet runs: the message says how to start one), -ETH_ERPC or
 *     -ETH_ETIMEOUT (the node does not answer: the message names scheme://host:port only,
 *     never the path or query, which may hold an API key).
 * On failure *out holds nothing to release. cli_exit_code turns any of these into an exit
 * code. */
int cli_chain_open(const cli_call *c, cli_chain *out, eth_error *err) ETH_WARN_UNUSED;

/* As cli_chain_open, for commands that work without a chain (an air-gapped signer): when no
 * URL is given (no --rpc-url, --devnet, ETH_RPC_URL or RPC_URL) and no devnet runs, returns 0
 * with *opened false and nothing to close. */
int cli_chain_open_optional(const cli_call *c, cli_chain *out, bool *opened, eth_error *err)
    ETH_WARN_UNUSED;

/* The latest block's timestamp on ch's chain: "now" for ETAs (a devnet that time-travelled is
 * ahead of the wall clock). Returns 0 or an RPC error. */
int cli_chain_now(const cli_chain *ch, uint64_t *now, eth_error *err) ETH_WARN_UNUSED;

/* Closes ch's client. ch may be NULL; closing twice is fine. */
void cli_chain_close(cli_chain *ch);

/* Resolves ks (from cli_key_source) into a new signer *out (free with eth_signer_free) for
 * the chain ch, as cli_key_resolve does. --dev-account (ks->dev_account >= 0) signs with a
 * public test key, so it is refused unless a devnet runs, ch talks to it (is_devnet) and ch's
 * chain id is the devnet's; its key then comes from the devnet's dev-keys file. Other sources
 * are resolved as they are, on any chain, with no extra warning.
 * Returns 0, -ETH_ESTATE (--dev-account refused: "--dev-account signs with a public test key:
 * only on the devnet (chain 31337 at http://127.0.0.1:PORT); this chain is N at URL"), or an
 * error of cli_key_resolve. ks, ch not NULL. */
int cli_chain_signer(const eth_keysource *ks, const cli_chain *ch, eth_signer **out,
                     eth_error *err) ETH_WARN_UNUSED;

/* The signer of a command that sends on ch: the key flags (c must declare CLI_KEY_FLAGS) or env
 * PRIVATE_KEY; with neither, dev account 0 on the devnet (with a note on stderr), else none
 * (*out NULL; or, when required, a usage error naming the key flags). Resolved through
 * cli_chain_signer. Returns CLI_OK or an exit code (the message printed). */
int cli_chain_default_signer(const cli_call *c, const cli_chain *ch, bool required,
                             eth_signer **out);

/* The exit code for what cli_chain_open (or another function with its contract) returned:
 * 0 -> CLI_OK, a positive value (already printed) -> itself, a negative code -> err printed
 * with cli_fail_err -> CLI_FAIL. */
int cli_exit_code(int rc, const eth_error *err);

/* A kms_progress that prints each step as one line "kmsctl: LINE" on stderr (never stdout, so
 * --json output stays one document). */
kms_progress cli_progress(void);

#endif
