/* keysource.h: where a command's signing key comes from, resolved into an eth_signer.
 *
 * Sources, exactly one of: a keystore v3 file (path, or an account name in the keystore dir)
 * with a password from a file or from the caller's prompt; a file holding the hex key; an
 * anvil dev account N from a dev-keys file; and, for compatibility and with a warning, the hex
 * key given in argv or in env PRIVATE_KEY. A key read from argv is overwritten in place (it
 * leaves /proc/PID/cmdline); PRIVATE_KEY is overwritten in place and removed from the
 * environment once read (it leaves /proc/PID/environ). lib/ never prompts or prints: the
 * caller's hooks ask for passwords and show warnings. */
#ifndef ETH_KEYSOURCE_H
#define ETH_KEYSOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "signer.h"

/* Longest password accepted, in bytes. */
#define ETH_PASSWORD_MAX 1024
/* Largest key or password file read. */
#define ETH_SECRET_FILE_MAX 65536
/* Largest dev-keys file read (anvil writes about 120 bytes per account). */
#define ETH_DEV_KEYS_FILE_MAX (1024u * 1024)

/* A password (plain data on the caller's stack); wipe it with eth_password_wipe. */
typedef struct eth_password {
    char buf[ETH_PASSWORD_MAX + 1]; /* NUL-terminated; may hold NUL bytes before len */
    size_t len;
} eth_password;

/* What the caller asks for (fields NULL / -1 when not given). Borrowed strings. Messages name
 * the sources by the flags kmsctl and cast use: --keystore, --account, --password-file,
 * --private-key-file, --private-key, --dev-account, --dev-keys-file, env PRIVATE_KEY. */
typedef struct eth_keysource {
    const char *keystore;         /* --keystore: keystore v3 file */
    const char *account;          /* --account: keystore file name in keystore_dir */
    const char *keystore_dir;     /* NULL: ~/.foundry/keystores (see eth_keystore_dir) */
    const char *password_file;    /* password of the keystore; else hooks->password is asked */
    const char *private_key_file; /* file holding the hex key */
    char *private_key;            /* hex key from argv (discouraged; overwritten once read) */
    int dev_account;              /* anvil dev account index, or -1 */
    const char *dev_keys_file;    /* what `anvil --config-out FILE` wrote: {"private_keys":
                                     ["0x..", ...], "available_accounts": ["0x..", ...], ...};
                                     needed with dev_account, refused without */
    bool use_env;                 /* fall back to env PRIVATE_KEY when nothing else is given */
} eth_keysource;

/* An eth_keysource with nothing given (dev_account -1, use_env true). */
eth_keysource eth_keysource_none(void);

/* How lib/ asks its caller for what only a front end can do. Any member may be NULL. */
typedef struct eth_keysource_hooks {
    /* Asks for the password of the keystore at path into *pw (pw->len at most
     * ETH_PASSWORD_MAX); returns 0 or -err->code with err filled. */
    int (*password)(void *ctx, const char *path, eth_password *pw, eth_error *err);
    /* Shows a warning (one line, no newline). */
    void (*warn)(void *ctx, const char *msg);
    void *ctx;
} eth_keysource_hooks;

/* Where the key came from, for messages and for the dev-account chain check. */
typedef enum eth_key_origin {
    ETH_KEY_NONE = 0,
    ETH_KEY_KEYSTORE,
    ETH_KEY_FILE,
    ETH_KEY_DEV_ACCOUNT,
    ETH_KEY_ARGV,
    ETH_KEY_ENV
} eth_key_origin;

/* True if ks names a key source (a flag, or a non-empty env PRIVATE_KEY when ks->use_env).
 * ks not NULL. */
bool eth_keysource_given(const eth_keysource *ks);

/* Checks that at most one source is given (env PRIVATE_KEY does not count: it is only a
 * fallback), that --password-file goes with --keystore or --account, and that --dev-account
 * and --dev-keys-file come together. Returns 0 or -ETH_EINVAL (a usage error: the message names
 * the flags). ks not NULL. */
int eth_keysource_check(const eth_keysource *ks, eth_error *err) ETH_WARN_UNUSED;

/* Resolves ks into a new signer *out (free it with eth_signer_free; NULL on failure); *origin
 * (may be NULL) says which source it was. Every file is read as eth_file_read does (a regular
 * file only: a FIFO is refused at once instead of blocking). Warns through hooks for argv and
 * env keys and for key files group or others can read or write. Call it once per ks (argv and
 * env are wiped as they are read). Returns 0; -ETH_EINVAL (eth_keysource_check fails, nothing
 * given, a bad key text, a malformed dev-keys file, no password source for a keystore);
 * -ETH_EIO (a file cannot be read or is not a regular file); -ETH_ECRYPTO (wrong password:
 * "keystore PATH: wrong password (MAC mismatch)"); -ETH_ERANGE (a file too large, a dev account
 * index past the file's keys); or the code a password hook failed with. ks not NULL; hooks may
 * be NULL (then a keystore needs password_file, and warnings are not shown). */
int eth_keysource_resolve(const eth_keysource *ks, const eth_keysource_hooks *hooks,
                          eth_signer **out, eth_key_origin *origin, eth_error *err)
    ETH_WARN_UNUSED;

/* Reads a password into *pw from the file at path (trailing Unicode whitespace trimmed, as cast
 * does). Returns 0, -ETH_EIO (unreadable, not a regular file) or -ETH_ERANGE (the file is over
 * ETH_SECRET_FILE_MAX bytes, or the password over ETH_PASSWORD_MAX); pw is wiped on failure.
 * Messages start with "--password-file PATH: ". */
int eth_password_read_file(const char *path, eth_password *pw, eth_error *err) ETH_WARN_UNUSED;

/* Wipes pw (not NULL). */
void eth_password_wipe(eth_password *pw);

/* Writes the keystore directory (dir if not NULL, else $HOME/.foundry/keystores) and a NUL to
 * out[0..n). Returns 0, -ETH_EINVAL (dir empty, or no HOME) or -ETH_ERANGE (too long). */
int eth_keystore_dir(const char *dir, char *out, size_t n, eth_error *err) ETH_WARN_UNUSED;

/* Checks that name can be a keystore file name: 1..255 bytes, no '/', no control characters,
 * not "." or "..". what names the argument in the message ("--account"), which says why.
 * Returns 0 or -ETH_EINVAL. name may be NULL (refused as empty). */
int eth_keystore_check_name(const char *name, const char *what, eth_error *err) ETH_WARN_UNUSED;

#endif
