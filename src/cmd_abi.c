/* cmd_abi.c: placeholder until this command group lands. */
#include "cli.h"
#include "commands.h"

int cmd_sig(int argc, char **argv)
{
    (void)argc;
    return cli_fail("%s: not implemented yet", argv[0]);
}

int cmd_calldata(int argc, char **argv)
{
    (void)argc;
    return cli_fail("%s: not implemented yet", argv[0]);
}

int cmd_abi_encode(int argc, char **argv)
{
    (void)argc;
    return cli_fail("%s: not implemented yet", argv[0]);
}

int cmd_abi_decode(int argc, char **argv)
{
    (void)argc;
    return cli_fail("%s: not implemented yet", argv[0]);
}

int cmd_decode_calldata(int argc, char **argv)
{
    (void)argc;
    return cli_fail("%s: not implemented yet", argv[0]);
}

