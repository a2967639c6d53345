/* decode_render.c: a decoded call tree as text for people and as JSON; its lifetime. */
#include "decode.h"

#include <stdlib.h>
#include <string.h>

#include "eth/json.h"

static const char *const WARNING_NAMES[] = {
    "delegatecall", "safe_config", "refund", "unexpected_target",
    "unknown_function", "value", "ownership",
};
#define NWARNINGS (sizeof WARNING_NAMES / sizeof WARNING_NAMES[0])

void kms_decoded_clear(kms_decoded *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nchildren; i++)
        kms_decoded_clear(&d->children[i]);
    free(d->children);
    memset(d, 0, sizeof *d);
}

uint32_t kms_decoded_all_warnings(const kms_decoded *d)
{
    uint32_t w = d->warnings;
    for (size_t i = 0; i < d->nchildren; i++)
        w |= kms_decoded_all_warnings(&d->children[i]);
    return w;
}

const char *kms_decode_warning_name(uint32_t flag)
{
    for (size_t i = 0; i < NWARNINGS; i++)
        if (flag == 1u << i)
            return WARNING_NAMES[i];
    return NULL;
}

/* Appends s with every byte outside printable ASCII as '?'. */
static int put_printable(eth_buf *out, const char *s, eth_error *err)
{
    size_t start = out->len, n = strlen(s);
    int rc = eth_buf_append(out, s, n, err);
    for (size_t i = start; rc == 0 && i < start + n; i++)
        if (out->data[i] < 0x20 || out->data[i] > 0x7e)
            out->data[i] = '?';
    return rc;
}

/* Appends d's line, its warning line and its children's, at indent level. */
static int render_node(const kms_decoded *d, size_t level, eth_buf *out, eth_error *err)
{
    int rc = eth_buf_fill(out, ' ', 2 * level, err);
    if (rc == 0 && level > 0)
        rc = eth_buf_append_str(out, "-> ", err);
    if (rc == 0 && d->operation == 1)
        rc = eth_buf_append_str(out, "delegatecall ", err);
    else if (rc == 0 && d->operation != 0)
        rc = eth_buf_printf(out, err, "operation %d ", d->operation);
    if (rc == 0)
        rc = put_printable(out, d->target, err);
    if (rc == 0)
        rc = eth_buf_append_str(out, ": ", err);
    if (rc == 0)
        rc = put_printable(out, d->call[0] ? d->call : "no calldata", err);
    if (rc == 0 && !u256_is_zero(&d->value)) {
        char wei[U256_DEC_MAX];
        u256_to_dec(&d->value, wei);
        rc = eth_buf_printf(out, err, ", value %s wei", wei);
    }
    if (rc == 0)
        rc = eth_buf_append_str(out, "\n", err);
    if (rc == 0 && d->warnings) {
        rc = eth_buf_fill(out, ' ', 2 * level + 3, err);
        if (rc == 0)
            rc = eth_buf_append_str(out, "! ", err);
        if (rc == 0)
            rc = put_printable(out, d->warning_text, err);
        if (rc == 0)
            rc = eth_buf_append_str(out, "\n", err);
    }
    for (size_t i = 0; rc == 0 && i < d->nchildren; i++)
        rc = render_node(&d->children[i], level + 1, out, err);
    return rc;
}

int kms_decoded_render(const kms_decoded *d, eth_buf *out, eth_error *err)
{
    int rc = render_node(d, 0, out, err);
    return rc == 0 ? eth_buf_terminate(out, err) : rc;
}

/* The names of the flags in w, in bit order, as a new JSON array (NULL: out of memory). */
static json_t *warnings_json(uint32_t w)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < NWARNINGS; i++)
        if ((w & (1u << i)) && json_array_append_new(a, json_string(WARNING_NAMES[i])) != 0) {
            json_decref(a);
            a = NULL;
        }
    return a;
}

json_t *kms_decoded_json(const kms_decoded *d)
{
    json_t *calls = json_array();
    for (size_t i = 0; calls && i < d->nchildren; i++)
        if (json_array_append_new(calls, kms_decoded_json(&d->children[i])) != 0) {
            json_decref(calls);
            calls = NULL;
        }
    if (!calls)
        return NULL;
    char wei[U256_DEC_MAX];
    u256_to_dec(&d->value, wei);
    return json_pack("{s:o,s:s,s:i,s:s,s:s,s:o,s:s,s:o}", "to", eth_json_address(d->to),
                     "target", d->target, "operation", d->operation, "value", wei, "call",
                     d->call, "warnings", warnings_json(d->warnings), "warning_text",
                     d->warning_text, "calls", calls);
}
