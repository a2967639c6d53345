/* args.c: durations and numbers on the command line. */
#include "args.h"

#include <string.h>

#include "eth/abi_coerce.h"
#include "eth/abi_type.h"

/* Reads the digits at text[0..n) into *out. Returns 0, -ETH_EINVAL or -ETH_ERANGE. */
static int digits(const char *text, size_t n, uint64_t *out)
{
    if (n == 0)
        return -ETH_EINVAL;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -ETH_EINVAL;
        unsigned d = (unsigned)(text[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -ETH_ERANGE;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int cli_parse_uint(const char *text, uint64_t max, uint64_t *out)
{
    uint64_t v;
    int rc = digits(text, strlen(text), &v);
    if (rc == 0 && v > max)
        rc = -ETH_ERANGE;
    if (rc == 0)
        *out = v;
    return rc;
}

int cli_parse_duration(const char *text, uint64_t *seconds)
{
    static const struct {
        char unit;
        uint64_t seconds;
    } UNITS[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}};
    size_t n = strlen(text);
    uint64_t scale = 1;
    for (size_t i = 0; n > 0 && i < sizeof UNITS / sizeof UNITS[0]; i++)
        if (text[n - 1] == UNITS[i].unit) {
            scale = UNITS[i].seconds;
            n--;
            break;
        }
    uint64_t v;
    int rc = digits(text, n, &v);
    if (rc)
        return rc;
    if (v > UINT64_MAX / scale)
        return -ETH_ERANGE;
    *seconds = v * scale;
    return 0;
}

int cli_parse_amount(const char *text, u256 *out)
{
    eth_abi_type *t = NULL;
    eth_abi_value v = {0};
    eth_error err;
    int rc = eth_abi_type_parse("uint256", &t, &err);
    if (rc == 0)
        rc = eth_abi_coerce(t, text, &v, &err);
    if (rc == 0)
        *out = u256_from_be(v.word, 32);
    eth_abi_value_clear(&v);
    eth_abi_type_free(t);
    return rc;
}
