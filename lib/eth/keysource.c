/* keysource.c: a command's key source (keystore, key file, anvil dev account, argv, env)
 * resolved into an eth_signer. Files are read with eth_file_read (regular files only, capped);
 * warnings and password prompts go through the caller's hooks. */
#include "keysource.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "file.h"
#include "json.h"
#include "keystore.h"
#include "signer.h"
#include "text.h"

static const char ARGV_WARNING[] =
    "--private-key puts the key in the command line, where other users can read it (ps, "
    "/proc/PID/cmdline); use --keystore or --private-key-file";
static const char ENV_WARNING[] =
    "env PRIVATE_KEY is visible to this user's processes and inherited by child processes; use "
    "--keystore or --private-key-file";

eth_keysource eth_keysource_none(void)
{
    eth_keysource ks = {0};
    ks.dev_account = -1;
    ks.use_env = true;
    return ks;
}

/* The value of env PRIVATE_KEY if ks falls back to it and it is not empty, else NULL. */
static char *env_key(const eth_keysource *ks)
{
    char *v = ks->use_env ? getenv("PRIVATE_KEY") : NULL;
    return v && *v ? v : NULL;
}

/* Writes the flags of the explicit sources ks gives to names (", "-separated); returns how many. */
static int given_flags(const eth_keysource *ks, char *names, size_t cap)
{
    const bool given[] = {ks->keystore != NULL, ks->account != NULL, ks->private_key_file != NULL,
                          ks->dev_account >= 0, ks->private_key != NULL};
    static const char *const FLAGS[] = {"--keystore", "--account", "--private-key-file",
                                        "--dev-account", "--private-key"};
    int count = 0;
    size_t used = 0;
    names[0] = '\0';
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++) {
        if (!given[i])
            continue;
        int w = snprintf(names + used, cap - used, "%s%s", count ? ", " : "", FLAGS[i]);
        if (w > 0 && (size_t)w < cap - used)
            used += (size_t)w;
        count++;
    }
    return count;
}

bool eth_keysource_given(const eth_keysource *ks)
{
    char names[128];
    return given_flags(ks, names, sizeof names) > 0 || env_key(ks) != NULL;
}

int eth_keysource_check(const eth_keysource *ks, eth_error *err)
{
    char names[128];
    if (given_flags(ks, names, sizeof names) > 1)
        return eth_fail(err, ETH_EINVAL, "give only one key source, not %s", names);
    if (ks->password_file && !ks->keystore && !ks->account)
        return eth_fail(err, ETH_EINVAL,
                        "--password-file goes with --keystore or --account, not with another key "
                        "source");
    if (ks->dev_account >= 0 && !ks->dev_keys_file)
        return eth_fail(err, ETH_EINVAL,
                        "--dev-account %d needs --dev-keys-file FILE (the file `anvil "
                        "--config-out FILE` writes)",
                        ks->dev_account);
    if (ks->dev_keys_file && ks->dev_account < 0)
        return eth_fail(err, ETH_EINVAL, "--dev-keys-file goes with --dev-account N");
    return 0;
}

/* ---- passwords and names ---- */

void eth_password_wipe(eth_password *pw)
{
    eth_wipe(pw->buf, sizeof pw->buf);
    pw->len = 0;
}

int eth_password_read_file(const char *path, eth_password *pw, eth_error *err)
{
    eth_buf b = {.secret = true};
    char shown[ETH_CLIP_BUF];
    int rc = eth_file_read(path, ETH_SECRET_FILE_MAX, &b, NULL, err);
    if (rc) {
        rc = eth_error_prefix(err, "--password-file ");
    } else {
        size_t len = b.len - eth_text_trailing_space(b.data, b.len);
        if (len > ETH_PASSWORD_MAX) {
            rc = eth_fail(err, ETH_ERANGE, "--password-file %s: the password is longer than %d bytes",
                          eth_text_clipz(path, shown), ETH_PASSWORD_MAX);
        } else {
            if (len)
                memcpy(pw->buf, b.data, len);
            pw->buf[len] = '\0';
            pw->len = len;
        }
    }
    eth_buf_clear(&b);
    if (rc)
        eth_password_wipe(pw);
    return rc;
}

int eth_keystore_dir(const char *dir, char *out, size_t n, eth_error *err)
{
    const char *home = dir ? NULL : getenv("HOME");
    if (dir && !*dir)
        return eth_fail(err, ETH_EINVAL, "the keystore dir is empty: give a directory");
    if (!dir && (!home || !*home))
        return eth_fail(err, ETH_EINVAL,
                        "no keystore dir: HOME is not set; give the keystore dir, or the "
                        "keystore's path with --keystore FILE");
    int w = dir ? snprintf(out, n, "%s", dir) : snprintf(out, n, "%s/.foundry/keystores", home);
    if (w < 0 || (size_t)w >= n)
        return eth_fail(err, ETH_ERANGE, "the keystore dir is longer than %zu bytes",
                        n ? n - 1 : 0);
    return 0;
}

int eth_keystore_check_name(const char *name, const char *what, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    size_t len = name ? strlen(name) : 0;
    if (len == 0)
        return eth_fail(err, ETH_EINVAL, "%s is empty: give a keystore file name", what);
    eth_text_clip(name, len, shown);
    if (len > 255)
        return eth_fail(err, ETH_EINVAL,
                        "%s '%s': longer than 255 bytes, the longest file name there can be", what,
                        shown);
    if (strchr(name, '/'))
        return eth_fail(err, ETH_EINVAL,
                        "%s '%s': contains '/', but must be a file name in the keystore dir (give "
                        "a path with --keystore FILE)",
                        what, shown);
    if (eth_text_has_control(name, len))
        return eth_fail(err, ETH_EINVAL,
                        "%s '%s': contains a control character, which no keystore name may hold",
                        what, shown);
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return eth_fail(err, ETH_EINVAL, "%s '%s': names a directory, not a keystore file", what,
                        shown);
    return 0;
}

/* ---- the sources ---- */

static void warn(const eth_keysource_hooks *hooks, const char *msg)
{
    if (hooks && hooks->warn)
        hooks->warn(hooks->ctx, msg);
}

/* The password of the keystore at path: from ks->password_file, else from the hook. */
static int keystore_password(const eth_keysource *ks, const eth_keysource_hooks *hooks,
                             const char *path, eth_password *pw, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    if (ks->password_file)
        return eth_password_read_file(ks->password_file, pw, err);
    if (!hooks || !hooks->password)
        return eth_fail(err, ETH_EINVAL, "keystore %s needs a password: give --password-file FILE",
                        eth_text_clipz(path, shown));
    eth_error_clear(err);
    int rc = hooks->password(hooks->ctx, path, pw, err);
    if (rc == 0 && pw->len > ETH_PASSWORD_MAX)
        rc = eth_fail(err, ETH_ERANGE, "the password is longer than %d bytes", ETH_PASSWORD_MAX);
    if (rc && err->code <= ETH_OK)
        rc = eth_fail(err, ETH_EIO, "no password for keystore %s", eth_text_clipz(path, shown));
    return rc ? -err->code : 0;
}

/* The keystore's path: ks->keystore, or ks->account in the keystore dir. */
static int keystore_path(const eth_keysource *ks, char *out, size_t n, eth_error *err)
{
    if (ks->keystore) {
        if ((size_t)snprintf(out, n, "%s", ks->keystore) >= n)
            return eth_fail(err, ETH_ERANGE, "--keystore: the path is longer than %zu bytes", n - 1);
        return 0;
    }
    char dir[PATH_MAX];
    int rc = eth_keystore_check_name(ks->account, "--account", err);
    if (rc == 0)
        rc = eth_keystore_dir(ks->keystore_dir, dir, sizeof dir, err);
    if (rc == 0 && (size_t)snprintf(out, n, "%s/%s", dir, ks->account) >= n)
        rc = eth_fail(err, ETH_ERANGE, "--account: the path is longer than %zu bytes", n - 1);
    return rc;
}

/* The file is read and checked before the password is asked, so a wrong path fails at once. */
static int from_keystore(const eth_keysource *ks, const eth_keysource_hooks *hooks,
                         eth_signer **out, eth_error *err)
{
    char path[PATH_MAX + 256], shown[ETH_CLIP_BUF];
    int rc = keystore_path(ks, path, sizeof path, err);
    if (rc)
        return rc;
    eth_buf text = {0};
    rc = eth_keystore_load_file(path, &text, err);
    if (rc && ks->account)
        rc = eth_error_prefix(err, "--account %s: ", eth_text_clipz(ks->account, shown));
    eth_password pw = {.len = 0};
    if (rc == 0)
        rc = keystore_password(ks, hooks, path, &pw, err);
    if (rc == 0 && eth_keystore_decrypt(eth_buf_str(&text), text.len, pw.buf, pw.len, out, err))
        rc = eth_error_prefix(err, "keystore %s: ", eth_text_clipz(path, shown));
    eth_password_wipe(&pw);
    eth_buf_clear(&text);
    return rc;
}

static int from_key_file(const char *path, const eth_keysource_hooks *hooks, eth_signer **out,
                         eth_error *err)
{
    char shown[ETH_CLIP_BUF], what[ETH_CLIP_BUF + 32];
    eth_text_clipz(path, shown);
    eth_buf b = {.secret = true};
    unsigned mode = 0;
    int rc = eth_file_read(path, ETH_SECRET_FILE_MAX, &b, &mode, err);
    if (rc) {
        eth_buf_clear(&b);
        return eth_error_prefix(err, "--private-key-file ");
    }
    if (mode & 077) {
        char msg[ETH_CLIP_BUF + 128];
        snprintf(msg, sizeof msg,
                 "--private-key-file %s can be read or written by group or others (mode %04o); "
                 "chmod 600 it",
                 shown, mode);
        warn(hooks, msg);
    }
    snprintf(what, sizeof what, "--private-key-file %s", shown);
    rc = eth_signer_from_hex(eth_buf_str(&b), b.len, what, out, err);
    eth_buf_clear(&b);
    return rc;
}

/* Element i of the array member name of root, a string, into *s and *len. */
static int array_string(const json_t *root, const char *name, size_t i, const char **s,
                        size_t *len, eth_error *err)
{
    json_t *v = json_array_get(json_object_get(root, name), i);
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return eth_fail(err, ETH_EINVAL, "field '%s[%zu]' must be a string", name, i);
    *s = json_string_value(v);
    *len = json_string_length(v);
    return 0;
}

/* The dev key at index i of the parsed dev-keys file root; it must belong to
 * available_accounts[i] when the file lists the accounts. */
static int dev_key_at(const json_t *root, size_t i, const char *what, eth_signer **out,
                      eth_error *err)
{
    json_t *keys = eth_json_member(root, "", "private_keys", JSON_ARRAY, err);
    if (!keys)
        return -err->code;
    size_t count = json_array_size(keys);
    if (i >= count)
        return eth_fail(err, ETH_ERANGE, "it has %zu dev keys (accounts 0..%zu)", count,
                        count ? count - 1 : 0);
    const char *s;
    size_t len;
    int rc = array_string(root, "private_keys", i, &s, &len, err);
    if (rc == 0)
        rc = eth_signer_from_hex(s, len, what, out, err);
    if (rc || !json_is_array(json_object_get(root, "available_accounts")))
        return rc;
    uint8_t listed[20];
    rc = array_string(root, "available_accounts", i, &s, &len, err);
    if (rc == 0 && eth_address_parse(s, listed, 0, err) != 0)
        rc = eth_error_prefix(err, "field 'available_accounts[%zu]': ", i);
    if (rc == 0 && memcmp(listed, eth_signer_address(*out), 20) != 0) {
        char want[43], have[43];
        eth_address_checksum(listed, want);
        eth_address_checksum(eth_signer_address(*out), have);
        rc = eth_fail(err, ETH_EINVAL,
                      "private_keys[%zu] is the key of %s, but available_accounts[%zu] is %s", i,
                      have, i, want);
    }
    if (rc) {
        eth_signer_free(*out);
        *out = NULL;
    }
    return rc;
}

/* Dev account ks->dev_account of ks->dev_keys_file (anvil's --config-out). The keys are public
 * test keys; jansson's copies of them are freed without being wiped. */
static int from_dev_account(const eth_keysource *ks, eth_signer **out, eth_error *err)
{
    char shown[ETH_CLIP_BUF], what[64];
    size_t i = (size_t)ks->dev_account;
    snprintf(what, sizeof what, "private_keys[%zu]", i);
    eth_buf b = {.secret = true};
    json_t *root = NULL;
    int rc = eth_file_read(ks->dev_keys_file, ETH_DEV_KEYS_FILE_MAX, &b, NULL, err);
    if (rc) {
        eth_buf_clear(&b);
        return eth_error_prefix(err, "--dev-keys-file ");
    }
    rc = eth_json_parse_object(eth_buf_str(&b), b.len, &root, err);
    eth_buf_clear(&b);
    if (rc == 0)
        rc = dev_key_at(root, i, what, out, err);
    json_decref(root);
    if (rc)
        rc = eth_error_prefix(err, "--dev-account %zu: dev-keys file %s: ", i,
                              eth_text_clipz(ks->dev_keys_file, shown));
    return rc;
}

/* A key in argv: parsed, then its text is overwritten in place whatever happened. */
static int from_argv(char *text, eth_signer **out, eth_error *err)
{
    size_t len = strlen(text);
    int rc = eth_signer_from_hex(text, len, "--private-key", out, err);
    eth_wipe(text, len);
    return rc;
}

extern char **environ;

/* The key in env PRIVATE_KEY (the first entry, as getenv finds it). /proc/PID/environ shows the
 * memory the environment was in at exec, and unsetenv only drops the pointer to it: so every
 * PRIVATE_KEY entry is overwritten in place, name and value, and taken out of environ (as
 * unsetenv does, shifting the pointers, so libc frees nothing). Like setenv, not thread-safe. */
static int from_env(eth_signer **out, eth_error *err)
{
    static const char NAME[] = "PRIVATE_KEY=";
    const size_t name_len = sizeof NAME - 1;
    int rc = 0;
    bool first = true;
    char **dst = environ;
    for (char **src = environ; *src; src++) {
        if (strncmp(*src, NAME, name_len) != 0) {
            *dst++ = *src;
            continue;
        }
        char *entry = *src;
        size_t len = strlen(entry);
        if (first)
            rc = eth_signer_from_hex(entry + name_len, len - name_len, "env PRIVATE_KEY", out,
                                     err);
        first = false;
        eth_wipe(entry, len);
    }
    *dst = NULL;
    return first ? eth_fail(err, ETH_EINVAL, "env PRIVATE_KEY is not set") : rc;
}

int eth_keysource_resolve(const eth_keysource *ks, const eth_keysource_hooks *hooks,
                          eth_signer **out, eth_key_origin *origin, eth_error *err)
{
    *out = NULL;
    if (origin)
        *origin = ETH_KEY_NONE;
    eth_no_core_dumps(); /* before a password or a key's text is in memory */
    int rc = eth_keysource_check(ks, err);
    if (rc)
        return rc;
    eth_key_origin from = ETH_KEY_NONE;
    if (ks->keystore || ks->account) {
        from = ETH_KEY_KEYSTORE;
        rc = from_keystore(ks, hooks, out, err);
    } else if (ks->private_key_file) {
        from = ETH_KEY_FILE;
        rc = from_key_file(ks->private_key_file, hooks, out, err);
    } else if (ks->dev_account >= 0) {
        from = ETH_KEY_DEV_ACCOUNT;
        rc = from_dev_account(ks, out, err);
    } else if (ks->private_key) {
        from = ETH_KEY_ARGV;
        warn(hooks, ARGV_WARNING);
        rc = from_argv(ks->private_key, out, err);
    } else if (env_key(ks)) {
        from = ETH_KEY_ENV;
        warn(hooks, ENV_WARNING);
        rc = from_env(out, err);
    } else {
        rc = eth_fail(err, ETH_EINVAL,
                      "no key given: use --keystore FILE, --account NAME, --private-key-file FILE "
                      "or --dev-account N");
    }
    if (rc == 0 && origin)
        *origin = from;
    return rc;
}
