/* keyflags.c: key-source flags -> eth_keysource -> eth_signer, with prompt and warnings. */
#include "keyflags.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "chain.h"
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
    {"dev-account", "N", "dev account N (0-9) of the running devnet (kmsctl\n"
                         "devnet start): public test keys, refused on any\n"
                         "other chain", NULL, false},
    {"private-key", "HEX", "discouraged: visible to other users (so is env PRIVATE_KEY)", NULL,
     false},
    CLI_FLAGS_END,
};

/* The flags that each name a key source. */
static const char *const SOURCE_FLAGS[] = {"keystore", "account", "private-key-file",
                                           "dev-account", "private-key"};

const char *cli_keystore_dir(const cli_call *c)
{
    const char *dir = cli_opt(c, "keystore-dir");
    if (dir)
        return dir;
    dir = getenv("KMSCTL_KEYSTORE_DIR");
    return dir && *dir ? dir : NULL;
}

bool cli_key_given(const cli_call *c)
{
    for (size_t i = 0; i < sizeof SOURCE_FLAGS / sizeof SOURCE_FLAGS[0]; i++)
        if (cli_given(c, SOURCE_FLAGS[i]))
            return true;
    return false;
}

/* Sets ks->dev_account from --dev-account. Returns CLI_OK or CLI_USAGE (printed). */
static int dev_account(const cli_call *c, eth_keysource *ks)
{
    const char *text = cli_opt(c, "dev-account");
    uint64_t n = 0;
    char shown[ETH_CLIP_BUF];
    if (!text)
        return CLI_OK;
    if (cli_parse_uint(text, INT_MAX, &n) != 0)
        return cli_usage(c, "--dev-account '%s': expected an account number (0 to 9 on the "
                            "devnet)", eth_text_clipz(text, shown));
    ks->dev_account = (int)n;
    return CLI_OK;
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
    int urc = dev_account(c, ks);
    if (urc != CLI_OK)
        return urc;
    /* The devnet's dev-keys file is only looked up at resolve time: check as if it were known. */
    eth_keysource checked = *ks;
    if (checked.dev_account >= 0)
        checked.dev_keys_file = "";
    eth_error err = {0};
    if (eth_keysource_check(&checked, &err) != 0)
        return cli_usage(c, "%s", err.msg);
    if (!eth_keysource_given(ks))
        return cli_usage(c, "no key given: use --keystore FILE, --account NAME, "
                            "--private-key-file FILE or --dev-account N (devnet)");
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

/* Resolves ks with --dev-account taken from the running devnet's dev-keys file. */
static int resolve_on_devnet(const eth_keysource *ks, eth_signer **out, eth_error *err)
{
    kms_devnet_state st;
    int rc = cli_devnet_running(&st, err);
    if (rc)
        return eth_error_prefix(err, "--dev-account %d: ", ks->dev_account);
    eth_keysource dev = *ks;
    dev.dev_keys_file = st.keys_file;
    return cli_key_resolve(&dev, out, err);
}

int cli_key_resolve(const eth_keysource *ks, eth_signer **out, eth_error *err)
{
    if (ks->dev_account >= 0 && !ks->dev_keys_file)
        return resolve_on_devnet(ks, out, err);
    const eth_keysource_hooks hooks = {ask_password, show_warning, NULL};
    int rc = eth_keysource_resolve(ks, &hooks, out, NULL, err);
    if (rc == 0 && !eth_signer_is_locked(*out))
        cli_warn("cannot lock the key's memory (RLIMIT_MEMLOCK); it may be swapped out");
    return rc;
}
