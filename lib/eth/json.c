/* json.c: strict JSON field access for outside input. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "file.h"
#include "hex.h"
#include "text.h"

int eth_json_parse(const char *text, size_t n, json_t **out, eth_error *err)
{
    *out = NULL;
    if (n == 0)
        text = ""; /* an empty file's buffer may be NULL */
    else if (memchr(text, '\0', n))
        return eth_fail(err, ETH_EINVAL, "not valid JSON: contains a NUL byte");
    json_error_t jerr;
    json_t *v = json_loadb(text, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!v) {
        char shown[ETH_CLIP_BUF];
        return eth_fail(err, ETH_EINVAL, "not valid JSON: %s (line %d, column %d)",
                        eth_text_clipz(jerr.text, shown), jerr.line, jerr.column);
    }
    *out = v;
    return 0;
}

int eth_json_parse_object(const char *text, size_t n, json_t **out, eth_error *err)
{
    int rc = eth_json_parse(text, n, out, err);
    if (rc == 0 && !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return eth_fail(err, ETH_EINVAL, "expected a JSON object");
    }
    return rc;
}

static const char *type_name(json_type t)
{
    switch (t) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "true or false";
    default: return "null";
    }
}

json_t *eth_json_member(const json_t *obj, const char *where, const char *name, json_type type,
                        eth_error *err)
{
    json_t *v = json_object_get(obj, name);
    if (!v) {
        eth_fail(err, ETH_EINVAL, "missing field '%s%s'", where, name);
        return NULL;
    }
    json_type t = json_typeof(v);
    bool same = t == type || (type == JSON_TRUE && t == JSON_FALSE);
    if (!same) {
        eth_fail(err, ETH_EINVAL, "field '%s%s' must be %s, not %s", where, name, type_name(type),
                 type_name(t));
        return NULL;
    }
    return v;
}

int eth_json_get_uint(const json_t *obj, const char *where, const char *name, uint64_t *out,
                      eth_error *err)
{
    json_t *v = eth_json_member(obj, where, name, JSON_INTEGER, err);
    if (!v)
        return -err->code;
    json_int_t i = json_integer_value(v);
    if (i < 0)
        return eth_fail(err, ETH_ERANGE, "field '%s%s' must not be negative", where, name);
    *out = (uint64_t)i;
    return 0;
}

int eth_json_get_string(const json_t *obj, const char *where, const char *name, const char **out,
                        size_t *len, eth_error *err)
{
    json_t *v = eth_json_member(obj, where, name, JSON_STRING, err);
    if (!v)
        return -err->code;
    const char *s = json_string_value(v);
    size_t l = json_string_length(v);
    if (strlen(s) != l)
        return eth_fail(err, ETH_EINVAL, "field '%s%s' contains a NUL character", where, name);
    *out = s;
    if (len)
        *len = l;
    return 0;
}

int eth_json_hex_fixed(const json_t *v, const char *what, uint8_t *out, size_t n, eth_error *err)
{
    if (!json_is_string(v))
        return eth_fail(err, ETH_EINVAL, "%s must be a string of %zu bytes of hex", what, n);
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (strlen(s) != len || len > 2 * n + 2)
        return eth_fail(err, ETH_EINVAL, "%s must be %zu bytes of hex, got %zu characters", what,
                        n, len);
    int rc = eth_hex_decode_fixed(s, out, n, err);
    return rc ? eth_error_prefix(err, "%s: ", what) : 0;
}

int eth_json_get_hex_fixed(const json_t *obj, const char *where, const char *name, uint8_t *out,
                           size_t n, eth_error *err)
{
    char what[256];
    if (!eth_json_member(obj, where, name, JSON_STRING, err))
        return -err->code;
    snprintf(what, sizeof what, "field '%s%s'", where, name);
    return eth_json_hex_fixed(json_object_get(obj, name), what, out, n, err);
}

int eth_json_only_keys(const json_t *obj, const char *where, const char *const *allowed,
                       eth_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (!allowed[i]) {
            char shown[ETH_CLIP_BUF], list[512] = "";
            for (size_t j = 0; allowed[j]; j++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? ", " : "",
                         allowed[j]);
            return eth_fail(err, ETH_EINVAL, "unknown field '%s%s' (known: %s)", where,
                            eth_text_clipz(key, shown), list);
        }
    }
    return 0;
}

int eth_json_get_hex(const json_t *obj, const char *where, const char *name, size_t max,
                     eth_buf *out, eth_error *err)
{
    const char *s = NULL;
    size_t len = 0;
    int rc = eth_json_get_string(obj, where, name, &s, &len, err);
    if (rc)
        return rc;
    size_t digits = len - (eth_hex_has_prefix(s, len) ? 2 : 0);
    if (digits / 2 > max)
        return eth_fail(err, ETH_ERANGE, "field '%s%s' is longer than %zu bytes", where, name, max);
    rc = eth_hex_decode(s, len, out, err);
    return rc ? eth_error_prefix(err, "field '%s%s': ", where, name) : 0;
}

int eth_json_check_kind(const json_t *doc, const char *kind, uint64_t version, const char *what,
                        eth_error *err)
{
    const char *k = NULL;
    uint64_t v = 0;
    int rc = eth_json_get_string(doc, "", "kind", &k, NULL, err);
    if (rc == 0 && strcmp(k, kind) != 0)
        rc = eth_fail(err, ETH_EINVAL, "not a %s (its kind is not %s)", what, kind);
    if (rc == 0)
        rc = eth_json_get_uint(doc, "", "version", &v, err);
    if (rc == 0 && v != version)
        rc = eth_fail(err, ETH_EUNSUP, "%s version %llu: this kmsctl reads version %llu", what,
                      (unsigned long long)v, (unsigned long long)version);
    return rc;
}

json_t *eth_json_hex(const uint8_t *p, size_t n)
{
    char *h = NULL;
    eth_error e;
    if (eth_hex_encode_alloc(p, n, &h, &e) != 0)
        return NULL;
    json_t *s = json_string(h);
    free(h);
    return s;
}

json_t *eth_json_address(const uint8_t addr[20])
{
    char cs[43];
    eth_address_checksum(addr, cs);
    return json_string(cs);
}

json_t *eth_json_address_list(const uint8_t (*a)[20], size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, eth_json_address(a[i])) != 0) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

json_t *eth_json_b32_list(const uint8_t (*a)[32], size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, eth_json_hex(a[i], 32)) != 0) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

int eth_json_save(const char *path, const json_t *doc, unsigned mode, eth_error *err)
{
    char *text = json_dumps(doc, JSON_INDENT(2));
    if (!text)
        return eth_fail(err, ETH_ENOMEM, "out of memory writing %s", path);
    size_t n = strlen(text);
    char *withnl = realloc(text, n + 2);
    if (!withnl) {
        free(text);
        return eth_fail(err, ETH_ENOMEM, "out of memory writing %s", path);
    }
    withnl[n] = '\n';
    int rc = eth_file_replace(path, withnl, n + 1, mode, err);
    free(withnl);
    return rc;
}

int eth_json_load(const char *path, size_t max, json_t **out, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    eth_buf b = {0};
    *out = NULL;
    int rc = eth_file_read(path, max, &b, NULL, err);
    if (rc == 0 && (rc = eth_json_parse_object((const char *)b.data, b.len, out, err)) != 0)
        rc = eth_error_prefix(err, "%s: ", eth_text_clipz(path, shown));
    eth_buf_clear(&b);
    return rc;
}
