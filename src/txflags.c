/* txflags.c: fee, confirmation and --yes flags of the commands that send. */
#include "txflags.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "chain.h"
#include "eth/text.h"

const cli_flag CLI_TX_FLAGS[] = {
    {"gas-price", "AMOUNT", "max fee per gas (EIP-1559), or the gas price (legacy),\n"
                            "e.g. 30gwei; default: from the node's fee history", NULL, false},
    {"priority-gas-price", "AMOUNT", "max priority fee per gas (EIP-1559), e.g. 1gwei", NULL, false},
    {"legacy", NULL, "send legacy (EIP-155) transactions, not EIP-1559", NULL, false},
    {"confirmations", "N", "blocks a transaction must have before it counts (default 1)", NULL,
     false},
    {"gas-margin", "PCT", "percent added to each gas estimate (default 20)", NULL, false},
    {"wait-timeout", "DUR", "stop waiting for a transaction to be mined and confirmed\n"
                            "after DUR (90s, 30m; default 10m; 0: no limit)", NULL, false},
    {"yes", NULL, "do not ask before sending (needed when stdin is not a terminal)", NULL, false},
    CLI_FLAGS_END,
};

static int amount(const cli_call *c, const char *flag, u256 *out, const u256 **set)
{
    const char *text = cli_opt(c, flag);
    if (!text)
        return CLI_OK;
    char shown[ETH_CLIP_BUF];
    if (cli_parse_amount(text, out) != 0)
        return cli_usage(c, "--%s '%s': expected an amount such as 30gwei, 0.5gwei or a number "
                            "of wei", flag, eth_text_clipz(text, shown));
    *set = out;
    return CLI_OK;
}

static int count(const cli_call *c, const char *flag, uint64_t max, unsigned *out)
{
    const char *text = cli_opt(c, flag);
    uint64_t v;
    if (!text)
        return CLI_OK;
    char shown[ETH_CLIP_BUF];
    if (cli_parse_uint(text, max, &v) != 0)
        return cli_usage(c, "--%s '%s': expected a number from 0 to %llu", flag,
                         eth_text_clipz(text, shown), (unsigned long long)max);
    *out = (unsigned)v;
    return CLI_OK;
}

/* The longest --wait-timeout: a week (a limit in ms that fits a long anywhere). */
#define WAIT_MAX (7 * 86400)

static int wait_timeout(const cli_call *c, long *ms)
{
    const char *text = cli_opt(c, "wait-timeout");
    uint64_t s;
    if (!text)
        return CLI_OK;
    char shown[ETH_CLIP_BUF];
    if (cli_parse_duration(text, &s) != 0 || s > WAIT_MAX)
        return cli_usage(c, "--wait-timeout '%s': expected a duration up to 7d (90s, 30m, 2h), "
                            "or 0 to wait as long as it takes", eth_text_clipz(text, shown));
    *ms = (long)s * 1000;
    return CLI_OK;
}

int cli_tx_opts_parse(const cli_call *c, cli_tx_opts *o)
{
    memset(o, 0, sizeof *o);
    kms_sender_opts_default(&o->sender);
    o->sender.progress = cli_progress();
    o->sender.fees.force_legacy = cli_given(c, "legacy");
    o->yes = cli_given(c, "yes");
    int rc = amount(c, "gas-price", &o->gas_price, &o->sender.fees.gas_price);
    if (rc == CLI_OK)
        rc = amount(c, "priority-gas-price", &o->priority_fee, &o->sender.fees.priority_fee);
    if (rc == CLI_OK)
        rc = count(c, "confirmations", 1000, &o->sender.confirmations);
    if (rc == CLI_OK)
        rc = count(c, "gas-margin", 500, &o->sender.gas_margin_pct);
    if (rc == CLI_OK)
        rc = wait_timeout(c, &o->sender.wait_timeout_ms);
    return rc;
}

int cli_confirm(const cli_tx_opts *o, const char *question)
{
    if (o->yes)
        return CLI_OK;
    if (!isatty(STDIN_FILENO))
        return cli_fail("%s: standard input is not a terminal to ask; add --yes to send without "
                        "asking", question);
    fprintf(stderr, "%s [y/N] ", question);
    fflush(stderr);
    char line[16] = "";
    if (!fgets(line, sizeof line, stdin) || (strcmp(line, "y\n") != 0 && strcmp(line, "yes\n") != 0))
        return cli_fail("cancelled: nothing was sent");
    return CLI_OK;
}
