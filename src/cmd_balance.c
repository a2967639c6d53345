/* cmd_balance.c: kmsctl balance [ADDR]: an account's balance on a chain (the chain flags of
 * chain.h), of ADDR or of the key given. */
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "cli.h"
#include "commands.h"
#include "keyflags.h"
#include "eth/address.h"
#include "eth/rpc_eth.h"
#include "eth/u256.h"

/* The address of the key ks names, for the chain ch. */
static int signer_address(const eth_keysource *ks, const cli_chain *ch, uint8_t addr[20],
                          eth_error *err)
{
    eth_signer *s = NULL;
    int rc = cli_chain_signer(ks, ch, &s, err);
    if (rc == 0)
        memcpy(addr, eth_signer_address(s), 20);
    eth_signer_free(s);
    return rc;
}

static int print_balance(const cli_call *c, const uint8_t addr[20], uint64_t chain_id,
                         const u256 *wei)
{
    char cs[43], dec[U256_DEC_MAX], ether[U256_DEC_MAX + 2];
    eth_error err = {0};
    if (u256_format_units(wei, 18, ether, &err) != 0)
        return cli_fail_err(&err);
    eth_address_checksum(addr, cs);
    u256_to_dec(wei, dec);
    if (c->json)
        return cli_print_json(json_pack("{s:s,s:I,s:s,s:s}", "address", cs, "chain_id",
                                        (json_int_t)chain_id, "balance_ether", ether,
                                        "balance_wei", dec));
    printf("%s: %s ether\n", cs, ether);
    return CLI_OK;
}

static int run_balance(cli_call *c)
{
    const char *addr_text = c->nargs ? c->args[0] : NULL;
    eth_keysource ks = eth_keysource_none();
    if (addr_text && cli_key_given(c))
        return cli_usage(c, "give ADDR or a key whose address to use, not both");
    int rc = addr_text ? CLI_OK : cli_key_source(c, &ks);
    if (rc != CLI_OK)
        return rc;
    eth_error err = {0};
    uint8_t addr[20];
    if (addr_text && eth_address_parse(addr_text, addr, 1, &err) != 0)
        return cli_fail("ADDR: %s", err.msg);
    cli_chain ch;
    rc = cli_chain_open(c, &ch, &err);
    if (rc)
        return cli_exit_code(rc, &err);
    u256 wei;
    rc = addr_text ? 0 : signer_address(&ks, &ch, addr, &err);
    if (rc == 0)
        rc = eth_rpc_get_balance(ch.rpc, addr, "latest", &wei, &err);
    uint64_t chain_id = ch.chain_id;
    cli_chain_close(&ch);
    return rc ? cli_fail_err(&err) : print_balance(c, addr, chain_id, &wei);
}

static const cli_flag *const BALANCE_FLAGS[] = {CLI_KEY_FLAGS, CLI_CHAIN_FLAGS, NULL};

const cli_action CMD_BALANCE = {
    .name = "balance",
    .summary = "an account's balance in ether, of ADDR or of a key",
    .run = run_balance,
    .args = "[ADDR]",
    .min_args = 0,
    .max_args = 1,
    .flags = BALANCE_FLAGS,
    .json = "print {\"address\", \"chain_id\", \"balance_ether\",\n"
            "\"balance_wei\"}",
    .about = "Prints the balance of ADDR, or of the address of the key given by the key\n"
             "options, at the latest block of the chain the chain options name.\n"
             "--dev-account N works only on the running devnet (--devnet).",
    .example = "$ kmsctl balance --devnet --dev-account 1\n"
               "0x70997970C51812dc3A010C7d01b50e0d17dc79C8: 10000 ether",
};
