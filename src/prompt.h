/* prompt.h: asking the person at the terminal for a password, without echo. */
#ifndef KMSCTL_PROMPT_H
#define KMSCTL_PROMPT_H

#include <stdbool.h>
#include "eth/error.h"
#include "eth/keysource.h"

/* Gets a password: from password_file if not NULL, else by a no-echo prompt on the terminal
 * (asked twice if confirm), else fails naming --password-file. Returns 0 or -err->code; pw is
 * wiped on failure. Ctrl-C at the prompt restores the terminal, then takes its usual effect. */
int cli_password_get(const char *password_file, const char *prompt, bool confirm,
                     eth_password *pw, eth_error *err) ETH_WARN_UNUSED;

#endif
