/* prompt.c: the no-echo password prompt; the terminal is restored even when interrupted. */
#include "prompt.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "eth/signer.h"

/* Signal that arrived during a prompt; a signal handler can only talk through such a flag. */
static volatile sig_atomic_t prompt_signal;

static void on_prompt_signal(int sig)
{
    prompt_signal = sig;
}

static const int SIGNALS[3] = {SIGINT, SIGTERM, SIGQUIT};

/* Catches SIGINT/SIGTERM/SIGQUIT without SA_RESTART so read() returns EINTR; saves old actions. */
static void catch_signals(struct sigaction old[3])
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_prompt_signal;
    sigemptyset(&sa.sa_mask);
    prompt_signal = 0;
    for (int i = 0; i < 3; i++)
        sigaction(SIGNALS[i], &sa, &old[i]);
}

static void restore_signals(const struct sigaction old[3])
{
    for (int i = 0; i < 3; i++)
        sigaction(SIGNALS[i], &old[i], NULL);
}

/* Reads up to a newline into pw; returns false if it was too long. Stops on a signal. */
static bool read_line_quiet(eth_password *pw)
{
    size_t n = 0;
    bool fits = true;
    char c;
    for (;;) {
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR && !prompt_signal)
            continue;
        if (r <= 0 || c == '\n')
            break;
        if (n < ETH_PASSWORD_MAX)
            pw->buf[n++] = c;
        else
            fits = false;
    }
    c = 0;
    if (n > 0 && pw->buf[n - 1] == '\r')
        n--;
    pw->buf[n] = '\0';
    pw->len = n;
    return fits;
}

/* Reads one line from the terminal on stdin with echo off. */
static int prompt_once(const char *prompt, eth_password *pw, eth_error *err)
{
    struct termios old, quiet;
    char why[128];
    if (tcgetattr(STDIN_FILENO, &old) != 0)
        return eth_fail(err, ETH_EIO, "cannot read a password from the terminal: %s",
                        eth_strerror(errno, why, sizeof why));
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    fputs(prompt, stderr);
    fflush(stderr);
    struct sigaction saved[3];
    catch_signals(saved);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    bool fits = read_line_quiet(pw);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    restore_signals(saved);
    fputc('\n', stderr);
    if (prompt_signal) {
        eth_password_wipe(pw);
        raise(prompt_signal);
        return eth_fail(err, ETH_EIO, "password prompt interrupted");
    }
    if (!fits)
        return eth_fail(err, ETH_ERANGE, "password longer than %d bytes", ETH_PASSWORD_MAX);
    return 0;
}

static int prompt_password(const char *prompt, bool confirm, eth_password *pw, eth_error *err)
{
    int rc = prompt_once(prompt, pw, err);
    if (rc || !confirm)
        return rc;
    eth_password again;
    rc = prompt_once("Confirm password: ", &again, err);
    if (rc == 0 && (again.len != pw->len || memcmp(again.buf, pw->buf, pw->len) != 0))
        rc = eth_fail(err, ETH_EINVAL, "the passwords do not match");
    eth_password_wipe(&again);
    return rc;
}

int cli_password_get(const char *password_file, const char *prompt, bool confirm,
                     eth_password *pw, eth_error *err)
{
    int rc;
    eth_no_core_dumps(); /* before the password is in memory */
    if (password_file)
        rc = eth_password_read_file(password_file, pw, err);
    else if (isatty(STDIN_FILENO))
        rc = prompt_password(prompt, confirm, pw, err);
    else
        rc = eth_fail(err, ETH_EINVAL,
                      "no password: give --password-file FILE (stdin is not a terminal to "
                      "prompt on)");
    if (rc)
        eth_password_wipe(pw);
    return rc;
}
