/* format.c: dates, durations and amounts for people. */
#include "format.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *cli_utc(uint64_t t, bool iso, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) ||
        !strftime(out, 32, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S UTC", &tm))
        snprintf(out, 32, "%llu", (unsigned long long)t);
    return out;
}

const char *cli_duration(uint64_t seconds, char out[32])
{
    static const struct {
        const char *unit;
        uint64_t seconds;
    } U[] = {{"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}};
    for (size_t i = 0; i < 3; i++)
        if (seconds >= U[i].seconds) {
            uint64_t big = seconds / U[i].seconds, rest = seconds % U[i].seconds / U[i + 1].seconds;
            if (rest)
                snprintf(out, 32, "%llu %s %llu %s", (unsigned long long)big, U[i].unit,
                         (unsigned long long)rest, U[i + 1].unit);
            else
                snprintf(out, 32, "%llu %s", (unsigned long long)big, U[i].unit);
            return out;
        }
    snprintf(out, 32, "%llu s", (unsigned long long)seconds);
    return out;
}

const char *cli_ether(const u256 *wei, char out[U256_DEC_MAX + 2])
{
    eth_error ignored;
    if (u256_format_units(wei, 18, out, &ignored) != 0)
        snprintf(out, U256_DEC_MAX + 2, "?");
    return out;
}

const char *cli_gwei(const u256 *wei, char out[U256_DEC_MAX + 2])
{
    eth_error ignored;
    u256 milli, q, thousand = u256_from_u64(1000000); /* 1e6 wei = 0.001 gwei */
    if (u256_divmod(&q, NULL, wei, &thousand, &ignored) != 0)
        q = u256_from_u64(0);
    if (u256_is_zero(&q) && !u256_is_zero(wei)) {
        snprintf(out, U256_DEC_MAX + 2, "<0.001");
        return out;
    }
    milli = q;
    if (u256_format_units(&milli, 3, out, &ignored) != 0)
        snprintf(out, U256_DEC_MAX + 2, "?");
    return out;
}
