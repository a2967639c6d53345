/* keysource.h: how a command gets its signing key: a keystore v3 file (--keystore F, or
 * --account NAME in the keystore dir) with --password-file P or a no-echo prompt on the tty,
 * a key file (--private-key-file F), or, with a warning, --private-key HEX / env PRIVATE_KEY. */
#ifndef KMSCTL_KEYSOURCE_H
#define KMSCTL_KEYSOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "eth/error.h"

/* The key-source flags of one command (pointers into argv, NULL when absent). */
typedef struct keysource {
    const char *private_key_file;
    const char *keystore;
    const char *account;
    const char *password_file;
    const char *private_key;
} keysource;

/* cli_flag entries for a keysource ks; put them inside a command's cli_flag array. */
#define KEYSOURCE_FLAGS(ks)                                                                        \
    {"private-key-file", true, &(ks).private_key_file, NULL},                                     \
        {"keystore", true, &(ks).keystore, NULL}, {"account", true, &(ks).account, NULL},         \
        {"password-file", true, &(ks).password_file, NULL},                                       \
        {"private-key", true, &(ks).private_key, NULL}

/* Help lines for the flags above, for a command's --help text. */
#define KEYSOURCE_HELP                                                                             \
    "Key (one of):\n"                                                                              \
    "  --keystore FILE          keystore v3 file (geth / cast wallet); password from\n"           \
    "                           --password-file, else a prompt on the terminal\n"                  \
    "  --account NAME           keystore NAME in $KMSCTL_KEYSTORE_DIR (default\n"                  \
    "                           ~/.foundry/keystores)\n"                                          \
    "  --password-file FILE     keystore password (trailing whitespace is trimmed)\n"             \
    "  --private-key-file FILE  file holding the hex private key (optional 0x)\n"                 \
    "  --private-key HEX        discouraged: visible to other users (so is env PRIVATE_KEY)\n"

/* Longest password accepted, in bytes. */
#define KEYSOURCE_PASSWORD_MAX 1024

/* A password read from a file or the terminal; wipe with keysource_password_wipe. */
typedef struct keysource_password {
    char buf[KEYSOURCE_PASSWORD_MAX + 1];
    size_t len;
} keysource_password;

/* True if a key source is given by a flag or by env PRIVATE_KEY. */
bool keysource_given(const keysource *ks);

/* Checks that at most one key source flag is given; returns 0 or -ETH_EINVAL (a usage error). */
int keysource_check(const keysource *ks, eth_error *err);

/* Resolves the key into priv (the caller wipes it with eth_wipe). Warns on stderr for argv/env
 * keys and overwrites the --private-key argument in argv once read; call it once. */
int keysource_resolve(const keysource *ks, uint8_t priv[32], eth_error *err);

/* Reads a hex private key (optional 0x, surrounding whitespace trimmed) from the file at path. */
int keysource_read_key_file(const char *path, uint8_t priv[32], eth_error *err);

/* Parses a hex private key text (named what in messages, which never show the text). */
int keysource_parse_key(const char *text, size_t len, const char *what, uint8_t priv[32],
                        eth_error *err);

/* Writes the keystore directory ($KMSCTL_KEYSTORE_DIR, else ~/.foundry/keystores) to out. */
int keysource_keystore_dir(char *out, size_t n, eth_error *err);

/* Checks that name is a plain file name (no '/', not "." or ".."); what names the argument. */
int keysource_check_name(const char *name, const char *what, eth_error *err);

/* Reads a password from path (trailing whitespace trimmed, as cast does). */
int keysource_password_file(const char *path, keysource_password *pw, eth_error *err);

/* Gets a password from password_file if not NULL, else by a no-echo prompt when stdin is a
 * terminal (twice if confirm), else fails naming the flag to use. */
int keysource_password_get(const char *password_file, const char *prompt, bool confirm,
                           keysource_password *pw, eth_error *err);

/* Wipes a password. */
void keysource_password_wipe(keysource_password *pw);

#endif
