/* compose_hash.c: SHA-256 of an app-compose.json, and whether it is in the SDKs' form. */
#include "compose_hash.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "eth/json.h"

/* True if text[0..n) is exactly j dumped compact with sorted keys. */
static bool is_canonical(const json_t *j, const uint8_t *text, size_t n)
{
    char *dump = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    bool same = dump && strlen(dump) == n && memcmp(dump, text, n) == 0;
    free(dump);
    return same;
}

int kms_compose_hash(const uint8_t *data, size_t n, kms_compose_info *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    if (n > KMS_COMPOSE_MAX_FILE)
        return eth_fail(err, ETH_ERANGE, "%zu bytes: dstack refuses an app-compose.json over %u "
                                         "bytes", n, KMS_COMPOSE_MAX_FILE);
    json_t *j = NULL;
    int rc = eth_json_parse_object(n ? (const char *)data : "", n, &j, err);
    if (rc)
        return eth_error_prefix(err, "not an app-compose.json (a JSON object): ");
    unsigned len = 0;
    if (EVP_Digest(n ? data : (const uint8_t *)"", n, out->hash, &len, EVP_sha256(), NULL) != 1)
        rc = eth_fail(err, ETH_ECRYPTO, "SHA-256 failed");
    memcpy(out->app_id, out->hash, 20);
    out->canonical = rc == 0 && is_canonical(j, data, n);
    json_decref(j);
    return rc;
}
