/* keysource.c: resolve a command's signing key from a keystore, a key file, or argv/env. */
#include "keysource.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "eth/hex.h"
#include "eth/key.h"
#include "eth/keystore.h"

#define KEY_FILE_MAX 4096

static const char ARGV_ENV_WARNING[] =
    "private key in argv/env is visible to other users; use --keystore or --private-key-file";

bool keysource_given(const keysource *ks)
{
    const char *env = getenv("PRIVATE_KEY");
    return ks->private_key_file || ks->keystore || ks->account || ks->private_key ||
           (env && *env);
}

int keysource_check(const keysource *ks, eth_error *err)
{
    int n = !!ks->private_key_file + !!ks->keystore + !!ks->account + !!ks->private_key;
    if (n > 1)
        return eth_fail(err, ETH_EINVAL,
                        "give only one of --keystore, --account, --private-key-file, --private-key");
    if (ks->password_file && !ks->keystore && !ks->account && n > 0)
        return eth_fail(err, ETH_EINVAL,
                        "--password-file goes with --keystore or --account, not with a raw key");
    return 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int keysource_parse_key(const char *text, size_t len, const char *what, uint8_t priv[32],
                        eth_error *err)
{
    while (len > 0 && is_space(text[0])) {
        text++;
        len--;
    }
    while (len > 0 && is_space(text[len - 1]))
        len--;
    if (eth_hex_has_prefix(text, len)) {
        text += 2;
        len -= 2;
    }
    bool hex = len == 64;
    for (size_t i = 0; hex && i < len; i++)
        hex = eth_hex_digit(text[i]) >= 0;
    if (!hex)
        return eth_fail(err, ETH_EINVAL,
                        "%s: expected a private key of 64 hex digits (optional 0x), got %zu "
                        "characters%s",
                        what, len, len == 64 ? " with a non-hex one" : "");
    for (size_t i = 0; i < 32; i++)
        priv[i] = (uint8_t)(eth_hex_digit(text[2 * i]) << 4 | eth_hex_digit(text[2 * i + 1]));
    if (!eth_key_valid(priv)) {
        eth_wipe(priv, 32);
        return eth_fail(err, ETH_EINVAL, "%s: not a valid secp256k1 private key (zero or >= n)",
                        what);
    }
    return 0;
}

/* Reads at most max bytes of a regular file into buf (wiped by the caller); sets *len; warns if
 * warn_mode and the file is readable by others. */
static int read_secret_file(const char *path, const char *flag, bool warn_mode, char *buf,
                            size_t max, size_t *len, eth_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return eth_fail(err, ETH_EIO, "%s %s: cannot open: %s", flag, path, strerror(errno));
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        rc = eth_fail(err, ETH_EIO, "%s %s: not a regular file", flag, path);
    else if (warn_mode && (st.st_mode & 077))
        cli_warn("%s %s is readable by group/others (mode %03o); chmod 600 it", flag, path,
                 (unsigned)(st.st_mode & 0777));
    size_t n = 0;
    while (rc == 0) {
        ssize_t r = read(fd, buf + n, max + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            rc = eth_fail(err, ETH_EIO, "%s %s: read failed: %s", flag, path, strerror(errno));
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n > max)
            rc = eth_fail(err, ETH_ERANGE, "%s %s: longer than %zu bytes", flag, path, max);
    }
    close(fd);
    *len = n;
    return rc;
}

int keysource_read_key_file(const char *path, uint8_t priv[32], eth_error *err)
{
    char buf[KEY_FILE_MAX + 1];
    size_t len = 0;
    int rc = read_secret_file(path, "--private-key-file", true, buf, KEY_FILE_MAX, &len, err);
    if (rc == 0) {
        char what[600];
        snprintf(what, sizeof what, "--private-key-file %s", path);
        rc = keysource_parse_key(buf, len, what, priv, err);
    }
    eth_wipe(buf, sizeof buf);
    return rc;
}

int keysource_password_file(const char *path, keysource_password *pw, eth_error *err)
{
    int rc = read_secret_file(path, "--password-file", false, pw->buf, KEYSOURCE_PASSWORD_MAX,
                              &pw->len, err);
    if (rc < 0) {
        keysource_password_wipe(pw);
        return rc;
    }
    while (pw->len > 0 && is_space(pw->buf[pw->len - 1]))
        pw->len--;
    pw->buf[pw->len] = '\0';
    return 0;
}

void keysource_password_wipe(keysource_password *pw)
{
    eth_wipe(pw->buf, sizeof pw->buf);
    pw->len = 0;
}

/* Signal that arrived during a prompt; a signal handler can only talk through such a flag. */
static volatile sig_atomic_t prompt_signal;

static void on_prompt_signal(int sig)
{
    prompt_signal = sig;
}

/* Catches SIGINT/SIGTERM/SIGQUIT without SA_RESTART so read() returns EINTR; saves old actions. */
static void catch_signals(struct sigaction old[3])
{
    static const int sigs[3] = {SIGINT, SIGTERM, SIGQUIT};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_prompt_signal;
    sigemptyset(&sa.sa_mask);
    prompt_signal = 0;
    for (int i = 0; i < 3; i++)
        sigaction(sigs[i], &sa, &old[i]);
}

static void restore_signals(const struct sigaction old[3])
{
    static const int sigs[3] = {SIGINT, SIGTERM, SIGQUIT};
    for (int i = 0; i < 3; i++)
        sigaction(sigs[i], &old[i], NULL);
}

/* Reads up to a newline into pw; returns -ETH_ERANGE if it was too long. Stops on a signal. */
static int read_line_quiet(keysource_password *pw)
{
    size_t n = 0;
    int rc = 0;
    char c;
    for (;;) {
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR && !prompt_signal)
            continue;
        if (r <= 0 || c == '\n')
            break;
        if (n < KEYSOURCE_PASSWORD_MAX)
            pw->buf[n++] = c;
        else
            rc = -ETH_ERANGE;
    }
    c = 0;
    if (n > 0 && pw->buf[n - 1] == '\r')
        n--;
    pw->buf[n] = '\0';
    pw->len = n;
    return rc;
}

/* Reads one line from the terminal on stdin with echo off; the terminal is restored even when
 * the user interrupts (the signal is then re-raised with its old action). */
static int prompt_once(const char *prompt, keysource_password *pw, eth_error *err)
{
    struct termios old, quiet;
    if (tcgetattr(STDIN_FILENO, &old) != 0)
        return eth_fail(err, ETH_EIO, "cannot read a password from the terminal: %s",
                        strerror(errno));
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    fprintf(stderr, "%s", prompt);
    fflush(stderr);
    struct sigaction saved[3];
    catch_signals(saved);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    int rc = read_line_quiet(pw);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    restore_signals(saved);
    fputc('\n', stderr);
    if (prompt_signal) {
        keysource_password_wipe(pw);
        raise(prompt_signal);
        return eth_fail(err, ETH_EIO, "password prompt interrupted");
    }
    if (rc < 0)
        return eth_fail(err, ETH_ERANGE, "password longer than %d bytes", KEYSOURCE_PASSWORD_MAX);
    return 0;
}

static int prompt_password(const char *prompt, bool confirm, keysource_password *pw,
                           eth_error *err)
{
    int rc = prompt_once(prompt, pw, err);
    if (rc < 0 || !confirm)
        return rc;
    keysource_password again;
    rc = prompt_once("Confirm password: ", &again, err);
    if (rc == 0 && (again.len != pw->len || memcmp(again.buf, pw->buf, pw->len) != 0))
        rc = eth_fail(err, ETH_EINVAL, "the passwords do not match");
    keysource_password_wipe(&again);
    return rc;
}

int keysource_password_get(const char *password_file, const char *prompt, bool confirm,
                           keysource_password *pw, eth_error *err)
{
    int rc;
    if (password_file)
        rc = keysource_password_file(password_file, pw, err);
    else if (isatty(STDIN_FILENO))
        rc = prompt_password(prompt, confirm, pw, err);
    else
        rc = eth_fail(err, ETH_EINVAL,
                      "no password: give --password-file FILE (stdin is not a terminal to prompt on)");
    if (rc < 0)
        keysource_password_wipe(pw);
    return rc;
}

int keysource_keystore_dir(char *out, size_t n, eth_error *err)
{
    const char *dir = getenv("KMSCTL_KEYSTORE_DIR");
    int w;
    if (dir && *dir) {
        w = snprintf(out, n, "%s", dir);
    } else {
        const char *home = getenv("HOME");
        if (!home || !*home)
            return eth_fail(err, ETH_EINVAL,
                            "no keystore dir: set KMSCTL_KEYSTORE_DIR or HOME");
        w = snprintf(out, n, "%s/.foundry/keystores", home);
    }
    if (w < 0 || (size_t)w >= n)
        return eth_fail(err, ETH_ERANGE, "keystore dir path is too long");
    return 0;
}

int keysource_check_name(const char *name, const char *what, eth_error *err)
{
    if (strlen(name) > 255)
        return eth_fail(err, ETH_EINVAL, "%s '%.40s...': longer than 255 characters", what, name);
    if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return eth_fail(err, ETH_EINVAL, "%s '%s': must be a plain file name (no '/')", what,
                        name);
    return 0;
}

/* The path of the keystore the flags name (--keystore F, or --account NAME in the dir). */
static int keystore_path(const keysource *ks, char *out, size_t n, eth_error *err)
{
    if (ks->keystore) {
        if ((size_t)snprintf(out, n, "%s", ks->keystore) >= n)
            return eth_fail(err, ETH_ERANGE, "--keystore: path is too long");
        return 0;
    }
    char dir[4096];
    int rc = keysource_check_name(ks->account, "--account", err);
    if (rc == 0)
        rc = keysource_keystore_dir(dir, sizeof dir, err);
    if (rc == 0 && (size_t)snprintf(out, n, "%s/%s", dir, ks->account) >= n)
        rc = eth_fail(err, ETH_ERANGE, "--account: path is too long");
    return rc;
}

static int resolve_keystore(const keysource *ks, uint8_t priv[32], eth_error *err)
{
    char path[4352];
    int rc = keystore_path(ks, path, sizeof path, err);
    if (rc < 0)
        return rc;
    if (access(path, F_OK) != 0)
        return eth_fail(err, ETH_EIO, "keystore %s: %s%s", path, strerror(errno),
                        ks->account ? " (see kmsctl wallet list)" : "");
    keysource_password pw;
    char prompt[4400];
    snprintf(prompt, sizeof prompt, "Password for keystore %s: ", path);
    rc = keysource_password_get(ks->password_file, prompt, false, &pw, err);
    if (rc == 0)
        rc = eth_keystore_read_file(path, pw.buf, pw.len, priv, err);
    keysource_password_wipe(&pw);
    return rc;
}

static int resolve_argv_key(const keysource *ks, uint8_t priv[32], eth_error *err)
{
    cli_warn("%s", ARGV_ENV_WARNING);
    char *text = (char *)ks->private_key; /* argv memory: overwritten to leave /proc/PID/cmdline */
    size_t len = strlen(text);
    int rc = keysource_parse_key(text, len, "--private-key", priv, err);
    eth_wipe(text, len);
    return rc;
}

int keysource_resolve(const keysource *ks, uint8_t priv[32], eth_error *err)
{
    int rc = keysource_check(ks, err);
    if (rc < 0)
        return rc;
    if (ks->keystore || ks->account)
        return resolve_keystore(ks, priv, err);
    if (ks->private_key_file)
        return keysource_read_key_file(ks->private_key_file, priv, err);
    if (ks->private_key)
        return resolve_argv_key(ks, priv, err);
    const char *env = getenv("PRIVATE_KEY");
    if (env && *env) {
        cli_warn("%s", ARGV_ENV_WARNING);
        return keysource_parse_key(env, strlen(env), "env PRIVATE_KEY", priv, err);
    }
    return eth_fail(err, ETH_EINVAL,
                    "no key given: use --keystore FILE, --account NAME or --private-key-file FILE");
}
