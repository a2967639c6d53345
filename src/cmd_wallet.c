/* cmd_wallet.c: placeholder until this command group lands. */
#include "cli.h"
#include "commands.h"

int cmd_wallet(int argc, char **argv)
{
    (void)argc;
    return cli_fail("%s: not implemented yet", argv[0]);
}

