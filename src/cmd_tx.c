/* cmd_tx.c: placeholder until this command group lands. */
#include "cli.h"
#include "commands.h"

int cmd_decode_tx(int argc, char **argv)
{
    (void)argc;
    return cli_fail("%s: not implemented yet", argv[0]);
}

