/* boot_info.c: the webhook's boot info, strictly read, and the contracts' (bool, string). */
#include "boot_info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/abi_decode.h"
#include "eth/abi_encode.h"
#include "eth/abi_sig.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/text.h"

/* Reads member name: 0..2n hex digits (optional lower-case 0x), left-padded into out[0..n). */
static int hex_field(const json_t *j, const char *name, uint8_t *out, size_t n, bool optional,
                     eth_error *err)
{
    const json_t *v = json_object_get(j, name);
    memset(out, 0, n);
    if (!v && optional)
        return 0;
    if (!json_is_string(v))
        return eth_fail(err, ETH_EINVAL, "%s: %s", name, v ? "must be a hex string" : "missing");
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (len >= 2 && s[0] == '0' && s[1] == 'x') {
        s += 2;
        len -= 2;
    }
    if (len > 2 * n)
        return eth_fail(err, ETH_EINVAL, "%s: longer than %zu bytes", name, n);
    for (size_t i = 0; i < len; i++) { /* right-aligned: digit i of len lands at 2n-len+i */
        int d = eth_hex_digit(s[i]);
        if (d < 0)
            return eth_fail(err, ETH_EINVAL, "%s: not hex", name);
        size_t at = 2 * n - len + i;
        out[at / 2] |= (uint8_t)(at % 2 ? d : d << 4);
    }
    return 0;
}

/* A string of at most max characters with no control character, into a new copy. */
static int text_value(const json_t *v, const char *what, size_t max, char **out, eth_error *err)
{
    if (!json_is_string(v))
        return eth_fail(err, ETH_EINVAL, "%s: must be a string", what);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > max || strlen(s) != n || eth_text_has_control(s, n))
        return eth_fail(err, ETH_EINVAL, "%s: over %zu characters, or control characters", what,
                        max);
    *out = malloc(n + 1);
    if (!*out)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    memcpy(*out, s, n + 1);
    return 0;
}

static int tcb_field(const json_t *j, kms_boot_info *b, eth_error *err)
{
    const json_t *v = json_object_get(j, "tcbStatus");
    char *s = NULL;
    if (!v)
        return 0;
    int rc = text_value(v, "tcbStatus", KMS_BOOT_TCB_MAX, &s, err);
    if (rc == 0)
        memcpy(b->tcb_status, s, strlen(s) + 1);
    free(s);
    return rc;
}

static int advisories(const json_t *j, kms_boot_info *b, eth_error *err)
{
    const json_t *a = json_object_get(j, "advisoryIds");
    if (!a)
        return 0;
    if (!json_is_array(a) || json_array_size(a) > KMS_BOOT_ADVISORIES_MAX)
        return eth_fail(err, ETH_EINVAL, "advisoryIds: must be an array of at most %d strings",
                        KMS_BOOT_ADVISORIES_MAX);
    size_t n = json_array_size(a);
    if (n && !(b->advisory_ids = calloc(n, sizeof *b->advisory_ids)))
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char what[48];
        snprintf(what, sizeof what, "advisoryIds[%zu]", i);
        int rc = text_value(json_array_get(a, i), what, KMS_BOOT_ADVISORY_LEN_MAX,
                            &b->advisory_ids[i], err);
        b->nadvisory = i + (rc == 0);
        if (rc)
            return rc;
    }
    return 0;
}

int kms_boot_info_from_json(const json_t *j, kms_boot_info *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(j))
        return eth_fail(err, ETH_EINVAL, "the body must be a JSON object");
    int rc = hex_field(j, "appId", out->app_id, 20, false, err);
    if (rc == 0)
        rc = hex_field(j, "composeHash", out->compose_hash, 32, false, err);
    if (rc == 0)
        rc = hex_field(j, "instanceId", out->instance_id, 20, false, err);
    if (rc == 0)
        rc = hex_field(j, "deviceId", out->device_id, 32, false, err);
    if (rc == 0)
        rc = hex_field(j, "mrAggregated", out->mr_aggregated, 32, false, err);
    if (rc == 0)
        rc = hex_field(j, "osImageHash", out->os_image_hash, 32, false, err);
    if (rc == 0)
        rc = hex_field(j, "mrSystem", out->mr_system, 32, true, err);
    if (rc == 0)
        rc = tcb_field(j, out, err);
    if (rc == 0)
        rc = advisories(j, out, err);
    if (rc)
        kms_boot_info_clear(out);
    return rc;
}

int kms_boot_info_parse(const char *body, size_t n, kms_boot_info *out, eth_error *err)
{
    json_t *j = NULL;
    memset(out, 0, sizeof *out);
    int rc = eth_json_parse_object(n ? body : "", n, &j, err);
    if (rc == 0)
        rc = kms_boot_info_from_json(j, out, err);
    json_decref(j);
    return rc;
}

void kms_boot_info_clear(kms_boot_info *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nadvisory; i++)
        free(b->advisory_ids[i]);
    free(b->advisory_ids);
    memset(b, 0, sizeof *b);
}

/* The struct value of b, field by field (no text round trip: the strings are a stranger's). */
static int struct_value(const kms_boot_info *b, eth_abi_value *v, const eth_abi_type *t,
                        eth_error *err)
{
    int rc = eth_abi_value_set_items(v, t, 9, err);
    eth_abi_value *f = v->items;
    if (rc == 0)
        rc = eth_abi_value_set_address(&f[0], t->fields[0], b->app_id, err);
    const uint8_t *words[] = {b->compose_hash, NULL, b->device_id, b->mr_aggregated, b->mr_system,
                              b->os_image_hash};
    for (size_t i = 1; rc == 0 && i < 7; i++)
        rc = i == 2 ? eth_abi_value_set_address(&f[2], t->fields[2], b->instance_id, err)
                    : eth_abi_value_set_fixed_bytes(&f[i], t->fields[i], words[i - 1], 32, err);
    if (rc == 0)
        rc = eth_abi_value_set_bytes(&f[7], t->fields[7], (const uint8_t *)b->tcb_status,
                                     strlen(b->tcb_status), err);
    if (rc == 0)
        rc = eth_abi_value_set_items(&f[8], t->fields[8], b->nadvisory, err);
    for (size_t i = 0; rc == 0 && i < b->nadvisory; i++)
        rc = eth_abi_value_set_bytes(&f[8].items[i], t->fields[8]->elem,
                                     (const uint8_t *)b->advisory_ids[i],
                                     strlen(b->advisory_ids[i]), err);
    return rc;
}

int kms_boot_calldata(const kms_boot_info *b, bool kms, eth_buf *out, eth_error *err)
{
    static const char *const SIGS[] = {
        "isAppAllowed((address,bytes32,address,bytes32,bytes32,bytes32,bytes32,string,string[]))",
        "isKmsAllowed((address,bytes32,address,bytes32,bytes32,bytes32,bytes32,string,string[]))"};
    /* keccak256 of SIGS[i], first 4 bytes (cast sig; tests/unit/test_boot_info.c checks them) */
    static const uint8_t SEL[2][4] = {{0x1e, 0x07, 0x91, 0x98}, {0xe0, 0x67, 0xec, 0x9d}};
    eth_abi_sig sig;
    eth_abi_value params = {0};
    const uint8_t *sel = SEL[kms];
    int rc = eth_abi_sig_parse(SIGS[kms], 0, &sig, err);
    if (rc)
        return rc;
    rc = eth_abi_value_set_items(&params, sig.inputs, 1, err);
    if (rc == 0)
        rc = struct_value(b, &params.items[0], sig.inputs->fields[0], err);
    if (rc == 0)
        rc = eth_buf_append(out, sel, 4, err);
    if (rc == 0)
        rc = eth_abi_encode_value(&params, out, err);
    eth_abi_value_clear(&params);
    eth_abi_sig_clear(&sig);
    return rc;
}

int kms_boot_result(const uint8_t *ret, size_t n, bool *allowed, char *reason, size_t cap,
                    eth_error *err)
{
    static const uint8_t zeros[31];
    eth_abi_type *t = NULL;
    eth_abi_value v = {0};
    *allowed = false;
    reason[0] = '\0';
    int rc = eth_abi_type_parse("(bool,string)", &t, err);
    if (rc == 0 && (rc = eth_abi_decode(t, ret, n, &v, err)) != 0)
        rc = eth_fail(err, ETH_EINVAL, "the contract's answer is not (bool, string)");
    const uint8_t *w = rc == 0 ? v.items[0].word : NULL;
    if (rc == 0 && (memcmp(w, zeros, 31) != 0 || w[31] > 1))
        rc = eth_fail(err, ETH_EINVAL, "the contract's answer holds a bool that is neither 0 "
                                       "nor 1");
    if (rc == 0) {
        *allowed = w[31] == 1;
        size_t len = v.items[1].len < cap - 1 ? v.items[1].len : cap - 1;
        bool utf8 = eth_utf8_valid(v.items[1].data, len);
        for (size_t i = 0; i < len; i++) {
            uint8_t ch = v.items[1].data[i];
            reason[i] = (char)(ch < 0x20 || ch == 0x7f || (!utf8 && ch >= 0x80) ? '?' : ch);
        }
        reason[len] = '\0';
    }
    eth_abi_value_clear(&v);
    eth_abi_type_free(t);
    return rc;
}
