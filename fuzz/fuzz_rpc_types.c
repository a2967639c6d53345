/* fuzz_rpc_types.c: libFuzzer target for the typed JSON-RPC result parsers (lib/eth/rpc_eth.h):
 * quantities, fixed and free-length data, eth_feeHistory, logs, receipts, transactions and
 * blocks, each on any JSON value. A refusal must carry a documented code (ETH_ERPC, or
 * ETH_ERANGE / ETH_ENOMEM where the header says so) and a one-line message, and leave the
 * outputs as documented (no half-appended logs, nothing found); what is accepted must print
 * back to the text it came from (quantities and data, ignoring the case of hex digits) and
 * stay within the documented bounds. Leaks are LeakSanitizer's. */
#include "fuzz_common.h"

#include <strings.h>
#include <jansson.h>

#include "eth/hex.h"
#include "eth/json.h"
#include "eth/rpc_eth.h"
#include "eth/text.h"

static void check_rc(int rc, const eth_error *err)
{
    if (rc == 0)
        return;
    fuzz_check_refusal(rc, err, FUZZ_CODE(ETH_ERPC) | FUZZ_CODE(ETH_ERANGE) | FUZZ_CODE(ETH_ENOMEM));
}

/* v is a string equal to text, ignoring case. */
static bool same_text(const json_t *v, const char *text)
{
    return json_is_string(v) && json_string_length(v) == strlen(text) &&
           strcasecmp(json_string_value(v), text) == 0;
}

static int quantity(const json_t *v, uint8_t arg)
{
    eth_error err = {0};
    u256 x;
    uint64_t y;
    char hex[67];
    int rc = eth_quantity_u256(v, "q", &x, &err);
    check_rc(rc, &err);
    if (rc == 0) {
        u256_to_hex(&x, hex);
        FUZZ_CHECK(same_text(v, hex), "a quantity does not print back");
    }
    int rc64 = eth_quantity_u64(v, "q", &y, &err);
    check_rc(rc64, &err);
    FUZZ_CHECK((rc64 == 0) == (rc == 0 && !(x.w[1] | x.w[2] | x.w[3])),
               "u64 and u256 disagree on what fits");
    FUZZ_CHECK(rc64 != 0 || y == x.w[0], "u64 and u256 disagree on the value");
    (void)arg;
    return rc;
}

static int data_fixed(const json_t *v, uint8_t arg)
{
    eth_error err = {0};
    uint8_t out[32];
    char hex[67];
    size_t n = arg & 1 ? 32 : 20;
    int rc = eth_data_fixed(v, "d", out, n, &err);
    check_rc(rc, &err);
    if (rc == 0) {
        eth_hex_encode(out, n, hex);
        FUZZ_CHECK(same_text(v, hex), "fixed data does not print back");
    }
    return rc;
}

static int data_append(const json_t *v, uint8_t arg)
{
    eth_error err = {0};
    eth_buf b = {.limit = arg};
    int rc = eth_buf_append(&b, "ab", 2, &err);
    FUZZ_CHECK(rc == 0 || arg < 2, "a two-byte prefix did not fit");
    size_t before = b.len;
    rc = eth_data_append(v, "d", &b, &err);
    check_rc(rc, &err);
    if (rc == 0) {
        json_t *back = eth_json_hex(b.len ? b.data + before : NULL, b.len - before);
        FUZZ_CHECK(back && same_text(v, json_string_value(back)), "data does not print back");
        json_decref(back);
    } else {
        FUZZ_CHECK(b.len == before, "a refusal appended data");
    }
    eth_buf_clear(&b);
    return rc;
}

static int fee_history(const json_t *v, uint8_t arg)
{
    eth_error err = {0};
    eth_fee_history h;
    size_t npct = arg % (ETH_FEE_PERCENTILES_MAX + 2);
    int rc = eth_fee_history_from_json(v, npct, &h, &err);
    check_rc(rc, &err);
    FUZZ_CHECK(npct <= ETH_FEE_PERCENTILES_MAX || rc == -ETH_ERANGE, "too many percentiles read");
    if (rc == 0)
        FUZZ_CHECK(h.nblocks <= ETH_FEE_HISTORY_MAX && h.npercentiles == npct &&
                       (!h.has_reward || npct > 0),
                   "a fee history out of bounds");
    return rc;
}

/* Logs appended twice to one list: the second append doubles it or leaves it as it was. */
static int logs(const json_t *v, uint8_t arg)
{
    eth_error err = {0};
    eth_log_list l = {0};
    size_t max = arg & 0x80 ? arg & 0x7f : 0;
    int rc = eth_logs_from_json(v, max, &l, &err);
    check_rc(rc, &err);
    FUZZ_CHECK(rc == 0 || l.n == 0, "a refusal appended logs");
    size_t first = l.n;
    for (size_t i = 0; i < l.n; i++)
        FUZZ_CHECK(l.items[i].ntopics <= 4, "a log with more than 4 topics");
    if (rc == 0) {
        int again = eth_logs_from_json(v, max, &l, &err);
        check_rc(again, &err);
        FUZZ_CHECK(again == 0 ? l.n == 2 * first : l.n == first,
                   "the second append is not all or nothing");
        FUZZ_CHECK(again == 0 || max != 0, "logs read once are refused the second time");
    }
    FUZZ_CHECK(max == 0 || l.n <= max, "more logs than the maximum");
    eth_log_list_clear(&l);
    return rc;
}

static int receipt(const json_t *v, uint8_t arg)
{
    eth_error err = {0};
    eth_receipt r, untouched;
    memset(&r, 0x5a, sizeof r);
    memset(&untouched, 0x5a, sizeof untouched);
    eth_log_list l = {0};
    bool found = true;
    int rc = eth_receipt_from_json(v, &r, &found, arg & 1 ? &l : NULL, &err);
    check_rc(rc, &err);
    FUZZ_CHECK(found == (rc == 0 && !json_is_null(v)), "found does not match the result");
    FUZZ_CHECK(found || l.n == 0, "logs appended for no receipt");
    FUZZ_CHECK(found || memcmp(&r, &untouched, sizeof r) == 0, "no receipt, but *out changed");
    eth_log_list_clear(&l);
    return rc;
}

static int tx_status(const json_t *v, uint8_t arg)
{
    eth_error err = {0};
    eth_tx_status t;
    int rc = eth_tx_status_from_json(v, &t, &err);
    check_rc(rc, &err);
    FUZZ_CHECK(t.found == (rc == 0 && !json_is_null(v)), "found does not match the result");
    (void)arg;
    return rc;
}

static int block(const json_t *v, uint8_t arg)
{
    eth_error err = {0};
    eth_block b;
    bool found = true;
    int rc = eth_block_from_json(v, &b, &found, &err);
    check_rc(rc, &err);
    FUZZ_CHECK(found == (rc == 0 && !json_is_null(v)), "found does not match the result");
    (void)arg;
    return rc;
}

typedef int (*parser)(const json_t *v, uint8_t arg);

static const parser PARSERS[] = {quantity, data_fixed, data_append, fee_history, logs,
                                 receipt,  tx_status,  block};
#define NPARSERS (sizeof PARSERS / sizeof PARSERS[0])

/* Input: byte 0 picks the parser, byte 1 is its argument (data length, limit, percentiles,
 * most logs, whether logs are read), the rest is the JSON value of the "result" member. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    json_t *v = NULL;
    eth_error err = {0};
    if (eth_json_parse((const char *)data + 2, size - 2, &v, &err) != 0)
        return 0;
    PARSERS[data[0] % NPARSERS](v, data[1]);
    json_decref(v);
    return 0;
}
