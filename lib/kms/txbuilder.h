/* txbuilder.h: batch files of the Safe{Wallet} Transaction Builder (the Safe web app's "Transaction
 * Builder" Safe App, safe-global/safe-react-apps apps/tx-builder), so that a batch kmsctl
 * prepares can be loaded into the web app and a batch made there can be signed with kmsctl.
 *
 * The file (docs/safe-proposals.md has the details):
 *   {"version": "1.0", "chainId": "31337", "createdAt": <ms since 1970>,
 *    "meta": {"name", "description", "txBuilderVersion", "createdFromSafeAddress",
 *             "createdFromOwnerAddress", "checksum": "0x.."},
 *    "transactions": [{"to", "value" (decimal string), "data": "0x..",
 *                      "contractMethod": null, "contractInputsValues": null}, ...]}
 * A transaction may instead give "contractMethod" ({"name", "inputs": [{"name", "type",
 * "internalType"}], "payable"}) and "contractInputsValues" ({input name: value text}), which
 * the web app encodes when it loads the file; kmsctl does the same for parameters of simple
 * types and refuses the rest.
 *
 * meta.checksum is the web app's tamper warning, not a signature: keccak256 of the UTF-8 text
 * the Transaction Builder's serializeJSONObject makes of the file with meta.checksum left out
 * and meta.name set to null (so that renaming a batch keeps it): an array is "[" items joined
 * by "," "]"; an object is "{" then JSON.stringify of its sorted keys, then each value
 * (in that order) followed by ",", then "}"; anything else is JSON.stringify of it. */
#ifndef KMS_TXBUILDER_H
#define KMS_TXBUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "eth/buf.h"
#include "eth/error.h"
#include "eth/u256.h"
#include "safe_tx.h"

/* The "version" of the file, the meta.txBuilderVersion kmsctl writes (the Transaction Builder
 * release whose files kmsctl's were checked against), and the name of a batch without one (the
 * web app's default). */
#define KMS_TB_VERSION "1.0"
#define KMS_TB_BUILDER_VERSION "1.18.2"
#define KMS_TB_DEFAULT_NAME "Transactions Batch"

/* Caps: transactions in a batch, data bytes of one transaction, bytes of a file kms_tb_load
 * reads. */
#define KMS_TB_MAX_TXS 256
#define KMS_TB_MAX_DATA (1u << 20)
#define KMS_TB_MAX_FILE (16u << 20)

/* One call of a batch, from the Safe. data is owned. */
typedef struct kms_tb_tx {
    uint8_t to[20];
    u256 value;
    eth_buf data;
} kms_tb_tx;

/* A batch: calls the Safe makes one after the other (through MultiSendCallOnly when there are
 * more than one). Zero-initialise; name, description, txs and their data are owned (release
 * with kms_tb_batch_clear). name and description may be NULL. */
typedef struct kms_tb_batch {
    uint64_t chain_id;
    uint8_t safe[20]; /* meta.createdFromSafeAddress, when has_safe */
    bool has_safe;
    char *name;
    char *description;
    kms_tb_tx *txs;
    size_t ntxs;
} kms_tb_batch;

/* Frees what b owns (not b itself) and zeroes it. NULL is fine. */
void kms_tb_batch_clear(kms_tb_batch *b);

/* Makes *out, a new JSON document (release with json_decref), the Transaction Builder file of
 * b created at created_at_ms (milliseconds since 1970, as the web app's Date.now()), every
 * transaction written with "data" (contractMethod and contractInputsValues null), the name
 * KMS_TB_DEFAULT_NAME when b->name is NULL, "" for no description or Safe, and the checksum
 * the web app computes.
 * Returns 0; -ETH_EINVAL (no transactions; a name or description that is not UTF-8);
 * -ETH_ERANGE (more than KMS_TB_MAX_TXS transactions, data over KMS_TB_MAX_DATA, created_at_ms
 * above 2^53 - 1, which JavaScript does not hold exactly); -ETH_ENOMEM. *out is NULL on
 * failure. b not NULL. */
int kms_tb_export(const kms_tb_batch *b, uint64_t created_at_ms, json_t **out, eth_error *err)
    ETH_WARN_UNUSED;

/* Reads the Transaction Builder file j (borrowed) into *out (its previous contents are not
 * freed), strictly: no unknown field at any level (an unknown field could carry meaning, such
 * as an operation, that the web app would not show); "version" "1.0"; "chainId" a decimal
 * string; "createdAt" (optional) an integer up to 2^53 - 1; meta's fields optional (strings or
 * null; addresses or ""); 1 to KMS_TB_MAX_TXS transactions, each with "to" (an address,
 * EIP-55 checked when mixed-case) and "value" (a string: decimal, or 0x and hex). Its calldata
 * is what the web app sends: "data" when it is a non-empty string (0x and hex, at most
 * KMS_TB_MAX_DATA bytes); else the encoding of contractMethod with contractInputsValues
 * (values looked up by input name, or by index for an unnamed input; missing ones are "");
 * else none. kmsctl encodes parameters of types address, uintN, intN (decimal, or 0x and
 * hex; a leading '-' for intN), bool ("true" or "false", any case), bytesN (0x and exactly N
 * bytes), bytes (0x and hex) and string; where the web app would send something else or
 * nothing (a value it cannot read) kmsctl refuses rather than differ. The methods "receive"
 * and "fallback" send no data, as in the web app.
 * *checksum_ok is set true when meta.checksum is present and is what the web app computes
 * (kms_tb_checksum, as lower-case "0x.." text); a wrong or missing checksum is not an error.
 * Returns 0; -ETH_EINVAL (a malformed field: the message names it, such as
 * "field 'transactions[2].value' ..."); -ETH_ERANGE (over a cap); -ETH_EUNSUP (another
 * version, a parameter type kmsctl does not encode, such as a tuple or an array, or an array
 * value); -ETH_ENOMEM. On failure *out is left empty and *checksum_ok false. None NULL. */
int kms_tb_import(const json_t *j, kms_tb_batch *out, bool *checksum_ok, eth_error *err)
    ETH_WARN_UNUSED;

/* Reads the file at path (at most KMS_TB_MAX_FILE bytes) as kms_tb_import does. Returns 0,
 * the errors of eth_json_load or of kms_tb_import, each message starting with the clipped
 * path. None NULL. */
int kms_tb_load(const char *path, kms_tb_batch *out, bool *checksum_ok, eth_error *err)
    ETH_WARN_UNUSED;

/* Writes to out the checksum the Transaction Builder computes for the file doc (borrowed):
 * kms_tb_json_hash of doc with meta.checksum left out and meta.name null.
 * Returns 0; -ETH_EINVAL (doc is not an object with a "meta" object); -ETH_ENOMEM; or an
 * error of kms_tb_json_hash. */
int kms_tb_checksum(const json_t *doc, uint8_t out[32], eth_error *err) ETH_WARN_UNUSED;

/* Writes to out keccak256 of the Transaction Builder's serialization (above) of any JSON
 * value v (borrowed), as it is: the checksum's building block.
 * Returns 0; -ETH_EUNSUP (a fraction, or an integer beyond 2^53 - 1 in magnitude, whose
 * JavaScript text kmsctl does not reproduce); -ETH_ERANGE (nested deeper than 64 levels);
 * -ETH_ENOMEM. */
int kms_tb_json_hash(const json_t *v, uint8_t out[32], eth_error *err) ETH_WARN_UNUSED;

/* Fills *out (zeroed first; release with kms_safe_tx_clear) with the Safe transaction that
 * the Safe web app makes of the batch b: its one call as it is, or for two calls or more a
 * delegatecall to MultiSendCallOnly at multisend (20 bytes) with the calls packed
 * (kms_multisend_data). The nonce and gas fields are zero: set the nonce.
 * Returns 0; -ETH_EINVAL (no transactions); -ETH_ENOMEM. b, multisend, out not NULL. */
int kms_tb_safe_tx(const kms_tb_batch *b, const uint8_t multisend[20], kms_safe_tx *out,
                   eth_error *err) ETH_WARN_UNUSED;

#endif
