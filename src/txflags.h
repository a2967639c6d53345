/* txflags.h: the flags every command that sends transactions shares (fees, confirmations,
 * --yes), turned into the sender's options, and the question asked before sending. */
#ifndef KMSCTL_TXFLAGS_H
#define KMSCTL_TXFLAGS_H

#include <stdbool.h>
#include "cli.h"
#include "eth/u256.h"
#include "kms/sender.h"

/* Flag set: --gas-price AMOUNT, --priority-gas-price AMOUNT, --legacy, --confirmations N,
 * --gas-margin PCT, --wait-timeout DUR, --yes. */
extern const cli_flag CLI_TX_FLAGS[];

/* The sender's options from c's CLI_TX_FLAGS; the fee overrides point into this struct, so keep
 * it alive while the options are used. */
typedef struct cli_tx_opts {
    kms_sender_opts sender;
    u256 gas_price, priority_fee;
    bool yes;
} cli_tx_opts;

/* Fills *o from c (c must declare CLI_TX_FLAGS), progress lines going to stderr. Amounts are
 * numbers with an optional unit ("30gwei", "0.5 gwei", "1000000000"); --wait-timeout is a
 * duration (0: no limit). Returns CLI_OK, or
 * CLI_USAGE (printed) for a value that does not parse. */
int cli_tx_opts_parse(const cli_call *c, cli_tx_opts *o);

/* Asks "QUESTION [y/N] " on the terminal unless o->yes. Returns CLI_OK on yes; CLI_FAIL when
 * the answer is anything else (printed: "cancelled: nothing was sent"), or when standard input
 * is not a terminal (printed: add --yes). */
int cli_confirm(const cli_tx_opts *o, const char *question);

#endif
