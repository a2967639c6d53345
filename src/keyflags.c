/* keyflags.c: key-source flags -> eth_keysource -> eth_signer, with prompt and warnings. */
#include "keyflags.h"

#include <stdio.h>
#include <stdlib.h>

#include "prompt.h"
#include "eth/text.h"

const cli_flag CLI_KEY_FLAGS[] = {
    {"keystore", "FILE", "keystore v3 file (geth / cast wallet); its password from\n"
                         "--password-file, else a prompt on the terminal", NULL, false},
    {"account", "NAME", "keystore NAME in the keystore dir", NULL, false},
    {"keystore-dir", "DIR", "keystore dir for --account (default $KMSCTL_KEYSTORE_DIR,\n"
                            "else ~/.foundry/keystores)", NULL, false},
    {"password-file", "FILE", "keystore password (trailing whitespace trimmed)", NULL, false},
    {"private-key-file", "FILE", "file holding the hex private key (optional 0x)", NULL, false},
    {"private-key", "HEX", "discouraged: visible to other users (so is env PRIVATE_KEY)", NULL,
     false},
    CLI_FLAGS_END,
};

const char *cli_keystore_dir(const cli_call *c)
{
    const char *dir = cli_opt(c, "keystore-dir");
    if (dir)
        return dir;
    dir = getenv("KMSCTL_KEYSTORE_DIR");
    return dir && *dir ? dir : NULL;
}

int cli_key_source(const cli_call *c, eth_keysource *ks)
{
    *ks = eth_keysource_none();
    ks->keystore = cli_opt(c, "keystore");
    ks->account = cli_opt(c, "account");
    ks->keystore_dir = cli_keystore_dir(c);
    ks->password_file = cli_opt(c, "password-file");
    ks->private_key_file = cli_opt(c, "private-key-file");
    ks->private_key = cli_opt(c, "private-key");
    eth_error err = {0};
    if (eth_keysource_check(ks, &err) != 0)
        return cli_usage(c, "%s", err.msg);
    if (!eth_keysource_given(ks))
        return cli_usage(c, "no key given: use --keystore FILE, --account NAME or "
                            "--private-key-file FILE");
    return CLI_OK;
}

static int ask_password(void *ctx, const char *path, eth_password *pw, eth_error *err)
{
    (void)ctx;
    char shown[ETH_CLIP_BUF], prompt[ETH_CLIP_BUF + 32];
    snprintf(prompt, sizeof prompt, "Password for keystore %s: ", eth_text_clipz(path, shown));
    return cli_password_get(NULL, prompt, false, pw, err);
}

static void show_warning(void *ctx, const char *msg)
{
    (void)ctx;
    cli_warn("%s", msg);
}

int cli_key_resolve(const eth_keysource *ks, eth_signer **out, eth_error *err)
{
    const eth_keysource_hooks hooks = {ask_password, show_warning, NULL};
    int rc = eth_keysource_resolve(ks, &hooks, out, NULL, err);
    if (rc == 0 && !eth_signer_is_locked(*out))
        cli_warn("cannot lock the key's memory (RLIMIT_MEMLOCK); it may be swapped out");
    return rc;
}
