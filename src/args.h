/* args.h: parsing the values of command-line arguments that several commands share. */
#ifndef KMSCTL_ARGS_H
#define KMSCTL_ARGS_H

#include <stdint.h>
#include "eth/error.h"
#include "eth/u256.h"

/* Parses a duration as people write it: a decimal number of seconds ("3600"), or a number with
 * one unit: s seconds, m minutes, h hours, d days, w weeks ("90s", "15m", "1h", "2d", "1w").
 * No sign, spaces, fractions or combined units. Returns 0 with *seconds, -ETH_EINVAL if text is
 * not such a duration, or -ETH_ERANGE if it does not fit in 64 bits. text not NULL. */
int cli_parse_duration(const char *text, uint64_t *seconds) ETH_WARN_UNUSED;

/* Parses a decimal number from 0 to max (digits only: no sign, spaces or 0x). Returns 0 with
 * *out, -ETH_EINVAL if text is not a number, or -ETH_ERANGE if it is above max. */
int cli_parse_uint(const char *text, uint64_t max, uint64_t *out) ETH_WARN_UNUSED;

/* Parses an amount of wei as cast writes numbers: decimal or 0x, with an optional fraction and
 * unit, glued or after a blank ("30gwei", "1.5 ether", "1000"). Returns 0 with *out,
 * -ETH_EINVAL or -ETH_ERANGE (above 2^256 - 1). text not NULL. */
int cli_parse_amount(const char *text, u256 *out) ETH_WARN_UNUSED;

#endif
