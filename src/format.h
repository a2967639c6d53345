/* format.h: values as people read them in kmsctl's output: dates, durations, ether. */
#ifndef KMSCTL_FORMAT_H
#define KMSCTL_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include "eth/u256.h"

/* Unix time t as "2025-01-31 12:00:00 UTC", or with iso "2025-01-31T12:00:00Z". Returns out. */
const char *cli_utc(uint64_t t, bool iso, char out[32]);

/* A duration in seconds as its two largest units: "1 d 2 h", "23 h 59 m", "5 m 3 s", "45 s".
 * Returns out. */
const char *cli_duration(uint64_t seconds, char out[32]);

/* wei as ether with trailing zeros trimmed ("0.0123", "10000"). Returns out. */
const char *cli_ether(const u256 *wei, char out[U256_DEC_MAX + 2]);

/* wei as gwei, at most 3 decimals ("1.5", "0.001"; "<0.001" for less). Returns out. */
const char *cli_gwei(const u256 *wei, char out[U256_DEC_MAX + 2]);

#endif
