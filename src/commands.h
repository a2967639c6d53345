/* commands.h: entry points of every kmsctl command, one group per src/cmd_*.c file. */
#ifndef KMSCTL_COMMANDS_H
#define KMSCTL_COMMANDS_H

/* cmd_hash.c: keccak-256 of data or text (as cast keccak). */
int cmd_keccak(int argc, char **argv);
/* cmd_hash.c: EIP-55 checksum of an address (as cast to-check-sum-address). */
int cmd_to_checksum(int argc, char **argv);

/* cmd_abi.c: function selector of a signature (as cast sig). */
int cmd_sig(int argc, char **argv);
/* cmd_abi.c: selector + ABI-encoded arguments (as cast calldata). */
int cmd_calldata(int argc, char **argv);
/* cmd_abi.c: ABI-encoded arguments without selector (as cast abi-encode). */
int cmd_abi_encode(int argc, char **argv);
/* cmd_abi.c: decode output (or --input calldata) of a signature (as cast abi-decode). */
int cmd_abi_decode(int argc, char **argv);
/* cmd_abi.c: decode calldata of a signature (as cast decode-calldata). */
int cmd_decode_calldata(int argc, char **argv);

/* cmd_tx.c: decode a raw signed transaction and recover its sender (as cast decode-tx). */
int cmd_decode_tx(int argc, char **argv);

/* cmd_wallet.c: wallet address|new|import|list. */
int cmd_wallet(int argc, char **argv);

/* cmd_contracts.c: contracts list|abi|bytecode over the embedded artifacts. */
int cmd_contracts(int argc, char **argv);

#endif
