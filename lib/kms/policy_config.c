/* policy_config.c: the deploy --config file. */
#include "policy_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/file.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/text.h"

static const char *const TOP_KEYS[] = {"gatewayAppId", "kmsInfo", "osImages", "kmsAggregatedMrs",
                                       "kmsDevices", NULL};
static const char *const INFO_KEYS[] = {"k256Pubkey", "caPubkey", "quote", "eventlog", NULL};

static int parse_gateway(const json_t *root, kms_policy_config *out, eth_error *err)
{
    if (!json_object_get(root, "gatewayAppId"))
        return 0;
    const char *s;
    size_t n;
    int rc = eth_json_get_string(root, "", "gatewayAppId", &s, &n, err);
    if (rc)
        return rc;
    if (n > KMS_CONFIG_MAX_GATEWAY_ID)
        return eth_fail(err, ETH_ERANGE, "gatewayAppId: longer than %u bytes",
                        KMS_CONFIG_MAX_GATEWAY_ID);
    if (eth_text_has_control(s, n) || !eth_utf8_valid((const uint8_t *)s, n))
        return eth_fail(err, ETH_EINVAL, "gatewayAppId: control characters or invalid UTF-8");
    out->gateway_app_id = strdup(s);
    return out->gateway_app_id ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory");
}

static int parse_info(const json_t *root, kms_policy_config *out, eth_error *err)
{
    const json_t *info = json_object_get(root, "kmsInfo");
    if (!info)
        return 0;
    if (!json_is_object(info))
        return eth_fail(err, ETH_EINVAL, "kmsInfo must be an object");
    int rc = eth_json_only_keys(info, "kmsInfo.", INFO_KEYS, err);
    eth_buf *fields[] = {&out->k256_pubkey, &out->ca_pubkey, &out->quote, &out->eventlog};
    for (size_t i = 0; rc == 0 && i < 4; i++)
        if (json_object_get(info, INFO_KEYS[i]))
            rc = eth_json_get_hex(info, "kmsInfo.", INFO_KEYS[i], KMS_CONFIG_MAX_INFO_FIELD,
                                  fields[i], err);
    out->has_kms_info = rc == 0;
    return rc;
}

static int parse_list(const json_t *root, const char *key, kms_b32_list *out, eth_error *err)
{
    const json_t *a = json_object_get(root, key);
    if (!a)
        return 0;
    if (!json_is_array(a))
        return eth_fail(err, ETH_EINVAL, "%s must be an array of 32-byte hex strings", key);
    size_t n = json_array_size(a);
    if (n > KMS_CONFIG_MAX_LIST)
        return eth_fail(err, ETH_ERANGE, "%s: more than %u entries", key, KMS_CONFIG_MAX_LIST);
    if (n && !(out->items = calloc(n, 32)))
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s[%zu]", key, i);
        int rc = eth_json_hex_fixed(json_array_get(a, i), what, out->items[i], 32, err);
        if (rc)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (memcmp(out->items[j], out->items[i], 32) == 0)
                return eth_fail(err, ETH_EINVAL, "%s: listed twice (entries %zu and %zu)", what, j,
                                i);
        out->n = i + 1;
    }
    return 0;
}

int kms_policy_config_from_json(const json_t *root, kms_policy_config *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = json_is_object(root) ? eth_json_only_keys(root, "", TOP_KEYS, err)
                                  : eth_fail(err, ETH_EINVAL, "the config must be a JSON object");
    if (rc == 0)
        rc = parse_gateway(root, out, err);
    if (rc == 0)
        rc = parse_info(root, out, err);
    if (rc == 0)
        rc = parse_list(root, "osImages", &out->os_images, err);
    if (rc == 0)
        rc = parse_list(root, "kmsAggregatedMrs", &out->kms_mrs, err);
    if (rc == 0)
        rc = parse_list(root, "kmsDevices", &out->kms_devices, err);
    if (rc)
        kms_policy_config_clear(out);
    return rc;
}

int kms_policy_config_parse(const char *text, size_t n, kms_policy_config *out, eth_error *err)
{
    json_t *root = NULL;
    memset(out, 0, sizeof *out);
    /* eth_json_parse hands text to memchr, which must not get NULL even for 0 bytes */
    int rc = eth_json_parse_object(text ? text : "", n, &root, err);
    if (rc == 0)
        rc = kms_policy_config_from_json(root, out, err);
    json_decref(root);
    return rc;
}

int kms_policy_config_load(const char *path, kms_policy_config *out, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    eth_buf b = {0};
    memset(out, 0, sizeof *out);
    int rc = eth_file_read(path, KMS_CONFIG_MAX_FILE, &b, NULL, err);
    if (rc == 0)
        rc = kms_policy_config_parse((const char *)b.data, b.len, out, err);
    eth_buf_clear(&b);
    return rc ? eth_error_prefix(err, "--config %s: ", eth_text_clipz(path, shown)) : 0;
}

void kms_policy_config_clear(kms_policy_config *c)
{
    if (!c)
        return;
    free(c->gateway_app_id);
    eth_buf_clear(&c->k256_pubkey);
    eth_buf_clear(&c->ca_pubkey);
    eth_buf_clear(&c->quote);
    eth_buf_clear(&c->eventlog);
    free(c->os_images.items);
    free(c->kms_mrs.items);
    free(c->kms_devices.items);
    memset(c, 0, sizeof *c);
}

bool kms_policy_config_empty(const kms_policy_config *c)
{
    return !c->gateway_app_id && !c->has_kms_info && c->os_images.n == 0 && c->kms_mrs.n == 0 &&
           c->kms_devices.n == 0;
}

json_t *kms_policy_config_json(const kms_policy_config *c)
{
    json_t *o = json_object();
    int bad = !o;
    if (!bad && c->gateway_app_id)
        bad |= json_object_set_new(o, "gatewayAppId", json_string(c->gateway_app_id));
    if (!bad && c->has_kms_info) {
        const eth_buf *f[] = {&c->k256_pubkey, &c->ca_pubkey, &c->quote, &c->eventlog};
        json_t *info = json_object();
        for (size_t i = 0; info && i < 4; i++)
            bad |= json_object_set_new(info, INFO_KEYS[i], eth_json_hex(f[i]->data, f[i]->len));
        bad |= json_object_set_new(o, "kmsInfo", info);
    }
    const kms_b32_list *lists[] = {&c->os_images, &c->kms_mrs, &c->kms_devices};
    for (size_t i = 0; !bad && i < 3; i++)
        if (lists[i]->n)
            bad |= json_object_set_new(o, TOP_KEYS[2 + i], eth_json_b32_list((const uint8_t(*)[32])lists[i]->items, lists[i]->n));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
