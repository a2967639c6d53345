/* safe_files.h: Safe proposal files from the command line: writing one (propose, and every
 * command that routes through a Safe), and the Transaction Builder's batch files (export,
 * import). */
#ifndef KMSCTL_SAFE_FILES_H
#define KMSCTL_SAFE_FILES_H

#include <jansson.h>
#include "cli.h"
#include "eth/signer.h"
#include "known.h"
#include "kms/safe.h"
#include "kms/safe_tx.h"

/* Flag sets of safe propose, export and import. */
extern const cli_flag *const CLI_SAFE_PROPOSE_SETS[];
extern const cli_flag *const CLI_SAFE_EXPORT_SETS[];
extern const cli_flag *const CLI_SAFE_IMPORT_SETS[];

/* Writes a proposal of tx for the Safe (chain_id; info: its owners and threshold) to --out, or
 * safe-tx-NONCE-HASH.json, with the one-line description; signs it at once when signer (may be
 * NULL) is one of the owners, unless --no-sign; shows the decoded transaction on stderr (the
 * contracts in known expected, the Safe added; known may be NULL); prints
 * where it went and what comes next, or, with --json, adds "proposal", "safeTxHash" and
 * "signatures" to out (borrowed, not NULL). c must declare --out and --no-sign. A file that
 * exists at that path is merged into when it holds the same transaction (its signatures are
 * kept), and refused when it holds another.
 * Returns an exit code. */
int cli_proposal_write(const cli_call *c, uint64_t chain_id, const uint8_t safe[20],
                       const kms_safe_info *info, const kms_safe_tx *tx, const char *description,
                       const eth_signer *signer, const cli_known *known, json_t *out);

/* The actions: safe propose, safe export FILE --tx-builder OUT, safe import BATCH. */
int cli_safe_propose(cli_call *c);
int cli_safe_export(cli_call *c);
int cli_safe_import(cli_call *c);

#endif
