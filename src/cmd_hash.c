/* cmd_hash.c: placeholder until this command group lands. */
#include "cli.h"
#include "commands.h"

int cmd_keccak(int argc, char **argv)
{
    (void)argc;
    return cli_fail("%s: not implemented yet", argv[0]);
}

int cmd_to_checksum(int argc, char **argv)
{
    (void)argc;
    return cli_fail("%s: not implemented yet", argv[0]);
}

