/* commands.h: the command tables of every src/cmd_*.c file, listed once in main.c. */
#ifndef KMSCTL_COMMANDS_H
#define KMSCTL_COMMANDS_H

#include "cli.h"

/* cmd_hash.c: Keccak-256 (as cast keccak) and EIP-55 checksums (as cast to-check-sum-address). */
extern const cli_action CMD_KECCAK;
extern const cli_action CMD_TO_CHECKSUM;

/* cmd_abi.c: selectors, encoding and decoding (as cast sig, calldata, abi-encode, abi-decode,
 * decode-calldata). */
extern const cli_action CMD_SIG;
extern const cli_action CMD_CALLDATA;
extern const cli_action CMD_ABI_ENCODE;
extern const cli_action CMD_ABI_DECODE;
extern const cli_action CMD_DECODE_CALLDATA;

/* cmd_tx.c: decode a raw signed transaction (as cast decode-tx). */
extern const cli_action CMD_DECODE_TX;

/* cmd_wallet.c: wallet address|new|import|list. */
extern const cli_group GROUP_WALLET;

/* cmd_contracts.c: contracts list|abi|bytecode over the embedded artifacts. */
extern const cli_group GROUP_CONTRACTS;

/* cmd_devnet.c: devnet start|status|stop|time-travel|accounts (a local anvil, lib/kms/devnet.h). */
extern const cli_group GROUP_DEVNET;

/* cmd_balance.c: the balance of an address or of a key, on the chain the chain flags name. */
extern const cli_action CMD_BALANCE;

/* cmd_deploy.c: deploy DstackKms under governance model A, B or C (lib/kms/deploy.h). */
extern const cli_action CMD_DEPLOY;

/* cmd_verify.c: a deployment checked on chain against its manifest (lib/kms/verify.h). */
extern const cli_action CMD_VERIFY;

/* cmd_kms.c, cmd_app.c: DstackKms and DstackApp governance actions (policy_cli.h). */
extern const cli_group GROUP_KMS;
extern const cli_group GROUP_APP;

/* cmd_timelock.c: TimelockController operations. */
extern const cli_group GROUP_TIMELOCK;

/* cmd_safe.c: Safe multisig proposals, signatures and execution. */
extern const cli_group GROUP_SAFE;

/* cmd_check_boot.c: the decision dstack-kms would get for a boot. */
extern const cli_group GROUP_CHECK_BOOT;

/* cmd_serve.c: the boot-authorization webhook dstack-kms calls (serve.h, docs/serve.md). */
extern const cli_action CMD_SERVE;

/* cmd_policy.c: policy show|history|diff|pending|watch: the policy audit (lib/kms/audit_*.h). */
extern const cli_group GROUP_POLICY;

/* cmd_compose_hash.c: the compose hash of a dstack app-compose.json. */
extern const cli_action CMD_COMPOSE_HASH;

/* cmd_demo.c: the main job on a local chain, step by step. */
extern const cli_action CMD_DEMO;

#endif
