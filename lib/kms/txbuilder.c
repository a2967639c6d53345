/* txbuilder.c: Safe{Wallet} Transaction Builder batch files: export, strict import, checksum. */
#include "txbuilder.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eth/abi_encode.h"
#include "eth/abi_selector.h"
#include "eth/abi_sig.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/keccak.h"
#include "eth/text.h"
#include "safe.h"

/* Number.MAX_SAFE_INTEGER: the largest integer JavaScript holds exactly. */
#define JS_MAX_SAFE 9007199254740991LL
#define CHECKSUM_MAX_DEPTH 64

#define DIGITS "0123456789"
#define LETTERS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
static const char HEX_DIGITS[] = DIGITS "abcdefABCDEF";

void kms_tb_batch_clear(kms_tb_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->ntxs; i++)
        eth_buf_clear(&b->txs[i].data);
    free(b->txs);
    free(b->name);
    free(b->description);
    memset(b, 0, sizeof *b);
}

/* ---- the checksum: the web app's serializeJSONObject, hashed as it is written ---- */

static void absorb(eth_keccak *k, const char *s, size_t n)
{
    eth_keccak_update(k, s, n);
}

/* Absorbs s[0..n) as JavaScript's JSON.stringify writes a string: quotes, backslashes and
 * control characters escaped (\b \t \n \f \r, else \u00xx), everything else as it is. */
static void absorb_string(eth_keccak *k, const char *s, size_t n)
{
    static const char *const SHORT[] = {['\b'] = "\\b", ['\t'] = "\\t", ['\n'] = "\\n",
                                        ['\f'] = "\\f", ['\r'] = "\\r", ['"'] = "\\\"",
                                        ['\\'] = "\\\\"};
    size_t run = 0;
    absorb(k, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        char esc[8];
        if (c < sizeof SHORT / sizeof SHORT[0] && SHORT[c])
            snprintf(esc, sizeof esc, "%s", SHORT[c]);
        else
            snprintf(esc, sizeof esc, "\\u%04x", c);
        absorb(k, s + run, i - run);
        absorb(k, esc, strlen(esc));
        run = i + 1;
    }
    absorb(k, s + run, n - run);
    absorb(k, "\"", 1);
}

/* The next code point of the UTF-8 text at *p (jansson's keys are valid UTF-8; a sequence cut
 * by the terminating NUL ends there); advances *p past it. */
static uint32_t next_code_point(const unsigned char **p)
{
    const unsigned char *s = *p;
    int more = s[0] < 0x80 ? 0 : s[0] < 0xe0 ? 1 : s[0] < 0xf0 ? 2 : 3, i = 1;
    uint32_t c = s[0] & (more ? 0x3fu >> more : 0x7fu);
    for (; i <= more && s[i]; i++)
        c = c << 6 | (s[i] & 0x3fu);
    *p = s + i;
    return c;
}

/* Orders two keys as JavaScript's sort() does: by UTF-16 code units, where a code point above
 * U+FFFF (a surrogate pair, 0xD800..) sorts before U+E000..U+FFFF. */
static int key_cmp(const void *pa, const void *pb)
{
    const unsigned char *a = *(const unsigned char *const *)pa;
    const unsigned char *b = *(const unsigned char *const *)pb;
    while (*a && *b) {
        uint32_t ca = next_code_point(&a), cb = next_code_point(&b);
        uint32_t ua = ca > 0xffff ? 0xd800 : ca, ub = cb > 0xffff ? 0xd800 : cb;
        if (ca != cb)
            return ua != ub ? (ua < ub ? -1 : 1) : (ca < cb ? -1 : 1);
    }
    return *a ? 1 : *b ? -1 : 0;
}

static int absorb_value(eth_keccak *k, const json_t *v, int depth, eth_error *err);

static int absorb_object(eth_keccak *k, const json_t *o, int depth, eth_error *err)
{
    size_t n = json_object_size(o), i = 0;
    const char **keys = malloc((n ? n : 1) * sizeof *keys);
    const char *key;
    json_t *v;
    if (!keys)
        return eth_fail(err, ETH_ENOMEM, "out of memory computing the checksum");
    json_object_foreach((json_t *)o, key, v) keys[i++] = key;
    qsort(keys, n, sizeof *keys, key_cmp);
    absorb(k, "{[", 2);
    for (i = 0; i < n; i++) {
        absorb(k, ",", i ? 1 : 0);
        absorb_string(k, keys[i], strlen(keys[i]));
    }
    absorb(k, "]", 1);
    int rc = 0;
    for (i = 0; rc == 0 && i < n; i++) {
        rc = absorb_value(k, json_object_get(o, keys[i]), depth + 1, err);
        absorb(k, ",", 1);
    }
    absorb(k, "}", 1);
    free(keys);
    return rc;
}

static int absorb_value(eth_keccak *k, const json_t *v, int depth, eth_error *err)
{
    char num[32];
    int rc = 0;
    if (depth > CHECKSUM_MAX_DEPTH)
        return eth_fail(err, ETH_ERANGE, "nested deeper than %d levels", CHECKSUM_MAX_DEPTH);
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return absorb_object(k, v, depth, err);
    case JSON_ARRAY:
        absorb(k, "[", 1);
        for (size_t i = 0; rc == 0 && i < json_array_size(v); i++) {
            absorb(k, ",", i ? 1 : 0);
            rc = absorb_value(k, json_array_get(v, i), depth + 1, err);
        }
        absorb(k, "]", 1);
        return rc;
    case JSON_STRING:
        absorb_string(k, json_string_value(v), json_string_length(v));
        return 0;
    case JSON_INTEGER:
        if (json_integer_value(v) > JS_MAX_SAFE || json_integer_value(v) < -JS_MAX_SAFE)
            return eth_fail(err, ETH_EUNSUP, "the integer %" JSON_INTEGER_FORMAT " is beyond "
                                             "what JavaScript holds exactly",
                            json_integer_value(v));
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        absorb(k, num, strlen(num));
        return 0;
    case JSON_REAL:
        return eth_fail(err, ETH_EUNSUP, "a number with a fraction or exponent: kmsctl does not "
                                         "reproduce JavaScript's text of it");
    case JSON_TRUE:
        absorb(k, "true", 4);
        return 0;
    case JSON_FALSE:
        absorb(k, "false", 5);
        return 0;
    default:
        absorb(k, "null", 4);
        return 0;
    }
}

int kms_tb_json_hash(const json_t *v, uint8_t out[32], eth_error *err)
{
    eth_keccak k;
    eth_keccak_init(&k);
    int rc = absorb_value(&k, v, 0, err);
    eth_keccak_final(&k, out);
    return rc ? eth_error_prefix(err, "cannot compute the Transaction Builder checksum: ") : 0;
}

int kms_tb_checksum(const json_t *doc, uint8_t out[32], eth_error *err)
{
    const json_t *meta = json_is_object(doc) ? json_object_get(doc, "meta") : NULL;
    if (!json_is_object(meta))
        return eth_fail(err, ETH_EINVAL, "a Transaction Builder file is a JSON object with a "
                                         "'meta' object");
    json_t *copy = json_copy((json_t *)doc), *m = json_copy((json_t *)meta);
    int rc = 0;
    if (m)
        json_object_del(m, "checksum");
    if (!copy || !m || json_object_set_new(m, "name", json_null()) != 0 ||
        json_object_set(copy, "meta", m) != 0)
        rc = eth_fail(err, ETH_ENOMEM, "out of memory computing the checksum");
    if (rc == 0)
        rc = kms_tb_json_hash(copy, out, err);
    json_decref(m);
    json_decref(copy);
    return rc;
}

/* ---- export ---- */

static int check_batch(const kms_tb_batch *b, uint64_t created_at_ms, eth_error *err)
{
    if (b->ntxs == 0)
        return eth_fail(err, ETH_EINVAL, "a batch needs at least one transaction");
    if (b->ntxs > KMS_TB_MAX_TXS)
        return eth_fail(err, ETH_ERANGE, "%zu transactions: a batch holds at most %d", b->ntxs,
                        KMS_TB_MAX_TXS);
    if (created_at_ms > (uint64_t)JS_MAX_SAFE)
        return eth_fail(err, ETH_ERANGE, "creation time %llu ms: the Transaction Builder holds "
                                         "times up to 2^53 - 1",
                        (unsigned long long)created_at_ms);
    for (size_t i = 0; i < b->ntxs; i++)
        if (b->txs[i].data.len > KMS_TB_MAX_DATA)
            return eth_fail(err, ETH_ERANGE, "transaction %zu has %zu bytes of data: at most %u",
                            i + 1, b->txs[i].data.len, KMS_TB_MAX_DATA);
    const char *texts[2] = {b->name, b->description};
    for (size_t i = 0; i < 2; i++)
        if (texts[i] && !eth_utf8_valid((const uint8_t *)texts[i], strlen(texts[i])))
            return eth_fail(err, ETH_EINVAL, "the batch's %s is not UTF-8 text",
                            i ? "description" : "name");
    return 0;
}

static json_t *tx_json(const kms_tb_tx *t)
{
    char value[U256_DEC_MAX];
    u256_to_dec(&t->value, value);
    return json_pack("{s:o,s:s,s:o,s:n,s:n}", "to", eth_json_address(t->to), "value", value,
                     "data", eth_json_hex(t->data.data, t->data.len), "contractMethod",
                     "contractInputsValues");
}

static json_t *batch_json(const kms_tb_batch *b, uint64_t created_at_ms)
{
    char chain[21];
    json_t *txs = json_array();
    for (size_t i = 0; txs && i < b->ntxs; i++)
        if (json_array_append_new(txs, tx_json(&b->txs[i])) != 0) {
            json_decref(txs);
            txs = NULL;
        }
    if (!txs)
        return NULL;
    snprintf(chain, sizeof chain, "%" PRIu64, b->chain_id);
    return json_pack("{s:s,s:s,s:I,s:{s:s,s:s,s:s,s:o,s:s},s:o}", "version", KMS_TB_VERSION,
                     "chainId", chain, "createdAt", (json_int_t)created_at_ms, "meta", "name",
                     b->name ? b->name : KMS_TB_DEFAULT_NAME, "description",
                     b->description ? b->description : "", "txBuilderVersion",
                     KMS_TB_BUILDER_VERSION, "createdFromSafeAddress",
                     b->has_safe ? eth_json_address(b->safe) : json_string(""),
                     "createdFromOwnerAddress", "", "transactions", txs);
}

int kms_tb_export(const kms_tb_batch *b, uint64_t created_at_ms, json_t **out, eth_error *err)
{
    uint8_t sum[32];
    *out = NULL;
    int rc = check_batch(b, created_at_ms, err);
    json_t *doc = rc ? NULL : batch_json(b, created_at_ms);
    if (rc == 0 && !doc)
        rc = eth_fail(err, ETH_ENOMEM, "out of memory writing the batch");
    if (rc == 0)
        rc = kms_tb_checksum(doc, sum, err);
    if (rc == 0 &&
        json_object_set_new(json_object_get(doc, "meta"), "checksum", eth_json_hex(sum, 32)) != 0)
        rc = eth_fail(err, ETH_ENOMEM, "out of memory writing the batch");
    if (rc)
        json_decref(doc);
    else
        *out = doc;
    return rc;
}

/* ---- import: fields ---- */

/* Member name of o as a string, or NULL (*out) when it is absent or null. */
static int opt_string(const json_t *o, const char *where, const char *name, const char **out,
                      eth_error *err)
{
    const json_t *v = json_object_get(o, name);
    *out = NULL;
    return !v || json_is_null(v) ? 0 : eth_json_get_string(o, where, name, out, NULL, err);
}

/* Member name of o, a string or null, as a new copy in *out (NULL for null or absent). */
static int opt_text(const json_t *o, const char *where, const char *name, char **out,
                    eth_error *err)
{
    const char *s;
    int rc = opt_string(o, where, name, &s, err);
    if (rc == 0 && s) {
        size_t n = strlen(s) + 1;
        *out = malloc(n);
        if (!*out)
            return eth_fail(err, ETH_ENOMEM, "out of memory reading field '%s%s'", where, name);
        memcpy(*out, s, n);
    }
    return rc;
}

/* The address text s (EIP-55 checked when mixed-case) into out; what names it. */
static int address_text(const char *s, const char *what, uint8_t out[20], eth_error *err)
{
    int rc = eth_address_parse(s, out, 1, err);
    return rc ? eth_error_prefix(err, "%s: ", what) : 0;
}

/* Writes "field 'WHERE NAME'" to out (80 bytes) for messages; returns out. */
static const char *field(const char *where, const char *name, char out[80])
{
    snprintf(out, 80, "field '%s%s'", where, name);
    return out;
}

/* Member name of o: an address, or "" / null / absent (*has false). */
static int opt_address(const json_t *o, const char *where, const char *name, uint8_t out[20],
                       bool *has, eth_error *err)
{
    const char *s;
    char what[80];
    int rc = opt_string(o, where, name, &s, err);
    *has = rc == 0 && s && *s;
    return *has ? address_text(s, field(where, name, what), out, err) : rc;
}

/* A non-negative integer as the web app's values are written: decimal digits, or 0x and hex
 * digits (hex false: decimal only). */
static int uint_text(const char *s, const char *what, bool hex, u256 *out, eth_error *err)
{
    size_t n = strlen(s);
    bool is_hex = hex && n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    bool ok = is_hex ? strspn(s + 2, HEX_DIGITS) == n - 2 : n && strspn(s, DIGITS) == n;
    if (!ok) {
        char shown[ETH_CLIP_BUF];
        return eth_fail(err, ETH_EINVAL, "%s is '%s': write a number as decimal digits%s", what,
                        eth_text_clip(s, n, shown), hex ? " or 0x and hex digits" : "");
    }
    int rc = u256_parse(s, n, out, err);
    return rc ? eth_error_prefix(err, "%s: ", what) : 0;
}

static int check_header(const json_t *j, uint64_t *chain_id, eth_error *err)
{
    const char *version, *chain;
    uint64_t created = 0;
    u256 id;
    int rc = eth_json_get_string(j, "", "version", &version, NULL, err);
    if (rc == 0 && strcmp(version, KMS_TB_VERSION) != 0) {
        char shown[ETH_CLIP_BUF];
        rc = eth_fail(err, ETH_EUNSUP, "Transaction Builder file version '%s': kmsctl reads "
                                       "version %s", eth_text_clipz(version, shown),
                      KMS_TB_VERSION);
    }
    if (rc == 0)
        rc = eth_json_get_string(j, "", "chainId", &chain, NULL, err);
    if (rc == 0)
        rc = uint_text(chain, "field 'chainId'", false, &id, err);
    if (rc == 0 && u256_bits(&id) > 64)
        rc = eth_fail(err, ETH_ERANGE, "field 'chainId' is above 2^64 - 1");
    if (rc == 0)
        *chain_id = id.w[0];
    if (rc == 0 && json_object_get(j, "createdAt"))
        rc = eth_json_get_uint(j, "", "createdAt", &created, err);
    if (rc == 0 && created > (uint64_t)JS_MAX_SAFE)
        rc = eth_fail(err, ETH_ERANGE, "field 'createdAt' is above 2^53 - 1: not a time the "
                                       "Transaction Builder writes");
    return rc;
}

static int meta_from_json(const json_t *j, kms_tb_batch *b, eth_error *err)
{
    static const char W[] = "meta.";
    static const char *const KEYS[] = {"name", "description", "txBuilderVersion",
                                       "createdFromSafeAddress", "createdFromOwnerAddress",
                                       "checksum", NULL};
    const json_t *m = eth_json_member(j, "", "meta", JSON_OBJECT, err);
    const char *s;
    uint8_t owner[20];
    bool has_owner;
    int rc = m ? eth_json_only_keys(m, W, KEYS, err) : -err->code;
    if (rc == 0)
        rc = opt_text(m, W, "name", &b->name, err);
    if (rc == 0)
        rc = opt_text(m, W, "description", &b->description, err);
    if (rc == 0)
        rc = opt_string(m, W, "txBuilderVersion", &s, err);
    if (rc == 0)
        rc = opt_address(m, W, "createdFromSafeAddress", b->safe, &b->has_safe, err);
    if (rc == 0)
        rc = opt_address(m, W, "createdFromOwnerAddress", owner, &has_owner, err);
    if (rc == 0)
        rc = opt_string(m, W, "checksum", &s, err);
    return rc;
}

/* ---- import: contractMethod ---- */

/* True for a Solidity identifier, the only method names kmsctl encodes. */
static bool is_identifier(const char *s)
{
    size_t n = strlen(s);
    return n && n <= 256 && strchr(LETTERS, s[0]) && strspn(s + 1, LETTERS DIGITS) == n - 1;
}

/* True for the parameter types kmsctl encodes from the web app's value texts. */
static bool is_simple(eth_abi_kind kind)
{
    switch (kind) {
    case ETH_ABI_UINT:
    case ETH_ABI_INT:
    case ETH_ABI_ADDRESS:
    case ETH_ABI_BOOL:
    case ETH_ABI_FIXED_BYTES:
    case ETH_ABI_BYTES:
    case ETH_ABI_STRING: return true;
    default: return false;
    }
}

/* Appends the canonical type of inputs[i] (one of the simple types) to sig. */
static int input_type(const json_t *input, const char *where, eth_buf *sig, eth_error *err)
{
    static const char *const KEYS[] = {"internalType", "name", "type", "components", NULL};
    const char *type, *s;
    char shown[ETH_CLIP_BUF], canon[64];
    size_t used = 0;
    eth_abi_type *t = NULL;
    if (!json_is_object(input))
        return eth_fail(err, ETH_EINVAL, "field '%.*s' must be an object {\"name\", \"type\"}",
                        (int)strlen(where) - 1, where);
    int rc = eth_json_only_keys(input, where, KEYS, err);
    if (rc == 0)
        rc = eth_json_get_string(input, where, "type", &type, NULL, err);
    if (rc == 0)
        rc = opt_string(input, where, "name", &s, err);
    if (rc == 0)
        rc = opt_string(input, where, "internalType", &s, err);
    if (rc)
        return rc;
    if (strncmp(type, "tuple", 5) == 0 || json_object_get(input, "components"))
        return eth_fail(err, ETH_EUNSUP, "field '%.*s' has a tuple type: kmsctl encodes "
                                         "address, uintN, intN, bool, bytesN, bytes and string "
                                         "parameters; give the transaction's data instead",
                        (int)strlen(where) - 1, where);
    rc = eth_abi_type_parse(type, &t, err);
    if (rc)
        return eth_error_prefix(err, "field '%stype': ", where);
    if (!is_simple(t->kind))
        rc = eth_fail(err, ETH_EUNSUP, "field '%stype' is '%s': kmsctl encodes address, uintN, "
                                       "intN, bool, bytesN, bytes and string parameters; give "
                                       "the transaction's data instead", where,
                      eth_text_clipz(type, shown));
    if (rc == 0)
        rc = eth_abi_type_canonical(t, canon, sizeof canon, &used, err);
    if (rc == 0)
        rc = eth_buf_append_str(sig, canon, err);
    eth_abi_type_free(t);
    return rc;
}

/* The key of input i in contractInputsValues: its name, or i for an unnamed input (as the web
 * app looks it up). key receives the text of i. */
static const char *input_key(const json_t *input, size_t i, char key[24])
{
    const char *name = json_string_value(json_object_get(input, "name"));
    snprintf(key, 24, "%zu", i);
    return name && *name ? name : key;
}

/* The value text at key in values (NULL: none), "" when missing, as the web app reads it. */
static int input_text(const json_t *values, const char *key, const char *what, const char **out,
                      eth_error *err)
{
    const json_t *v = json_object_get(values, key);
    *out = "";
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return eth_fail(err, ETH_EINVAL, "%s must be a string", what);
    *out = json_string_value(v);
    return 0;
}

/* Hex text "0x.." into out; n (when not 0) is the exact number of bytes wanted. */
static int hex_text(const char *s, const char *what, size_t n, eth_buf *out, eth_error *err)
{
    size_t len = strlen(s);
    char shown[ETH_CLIP_BUF];
    int rc = 0;
    if (!eth_hex_has_prefix(s, len))
        rc = eth_fail(err, ETH_EINVAL, "it must start with 0x");
    else if (n && len - 2 != 2 * n)
        rc = eth_fail(err, ETH_EINVAL, "it must be 0x and exactly %zu bytes (%zu hex digits), "
                                       "not '%s'", n, 2 * n, eth_text_clip(s, len, shown));
    else
        rc = eth_hex_decode(s, len, out, err);
    return rc ? eth_error_prefix(err, "%s: ", what) : 0;
}

/* A uintN or intN from text: decimal or 0x hex; for intN also '-' and decimal digits. */
static int int_value(eth_abi_value *item, const eth_abi_type *t, const char *text,
                     const char *what, eth_error *err)
{
    static const u256 ONE = {{1, 0, 0, 0}};
    bool neg = t->kind == ETH_ABI_INT && text[0] == '-';
    u256 x, below;
    int rc = uint_text(text + neg, what, !neg, &x, err);
    if (rc == 0 && neg && !u256_is_zero(&x)) {
        if (u256_sub(&below, &x, &ONE) || u256_bits(&below) >= t->size)
            return eth_fail(err, ETH_ERANGE, "%s is below the smallest int%u", what, t->size);
        x = u256_neg(&x);
    }
    if (rc == 0 && (rc = eth_abi_value_set_uint(item, t, &x, err)) != 0)
        rc = eth_error_prefix(err, "%s: ", what);
    return rc;
}

/* Sets item, of the simple type t, from the web app's value text. */
static int input_value(eth_abi_value *item, const eth_abi_type *t, const char *text,
                       const char *what, eth_error *err)
{
    uint8_t a[20];
    eth_buf b = {0};
    int rc = 0;
    if (text[0] == '[')
        return eth_fail(err, ETH_EUNSUP, "%s is an array value: kmsctl encodes single values "
                                         "only; give the transaction's data instead", what);
    switch (t->kind) {
    case ETH_ABI_ADDRESS:
        rc = address_text(text, what, a, err);
        return rc ? rc : eth_abi_value_set_address(item, t, a, err);
    case ETH_ABI_BOOL:
        if (strcasecmp(text, "true") != 0 && strcasecmp(text, "false") != 0)
            return eth_fail(err, ETH_EINVAL, "%s must be true or false", what);
        return eth_abi_value_set_bool(item, t, strcasecmp(text, "true") == 0, err);
    case ETH_ABI_UINT:
    case ETH_ABI_INT:
        return int_value(item, t, text, what, err);
    case ETH_ABI_FIXED_BYTES:
    case ETH_ABI_BYTES:
        rc = hex_text(text, what, t->kind == ETH_ABI_FIXED_BYTES ? t->size : 0, &b, err);
        if (rc == 0)
            rc = t->kind == ETH_ABI_BYTES ? eth_abi_value_set_bytes(item, t, b.data, b.len, err)
                                          : eth_abi_value_set_fixed_bytes(item, t, b.data,
                                                                          b.len, err);
        eth_buf_clear(&b);
        return rc;
    default: /* string */
        return eth_abi_value_set_bytes(item, t, (const uint8_t *)text, strlen(text), err);
    }
}

/* Appends the selector and arguments of the parsed signature sig, with the values of
 * contractMethod's inputs from values, to out. */
static int encode_args(const eth_abi_sig *sig, const json_t *inputs, const json_t *values,
                       const char *where, eth_buf *out, eth_error *err)
{
    uint8_t sel[4];
    eth_abi_value v = {0};
    int rc = eth_abi_value_set_items(&v, sig->inputs, sig->inputs->nfields, err);
    for (size_t i = 0; rc == 0 && i < sig->inputs->nfields; i++) {
        char what[ETH_CLIP_BUF + 96], shown[ETH_CLIP_BUF], index[24];
        const char *key = input_key(json_array_get(inputs, i), i, index), *text;
        snprintf(what, sizeof what, "field '%scontractInputsValues.%s'", where,
                 eth_text_clipz(key, shown));
        rc = input_text(values, key, what, &text, err);
        if (rc == 0)
            rc = input_value(&v.items[i], sig->inputs->fields[i], text, what, err);
    }
    if (rc == 0)
        rc = eth_abi_selector(sig, sel, err);
    if (rc == 0)
        rc = eth_buf_append(out, sel, 4, err);
    if (rc == 0)
        rc = eth_abi_encode_value(&v, out, err);
    eth_abi_value_clear(&v);
    return rc;
}

/* Appends to out the calldata the web app makes of contractMethod m with values (NULL: none). */
static int encode_method(const json_t *m, const json_t *values, const char *where,
                         eth_buf *out, eth_error *err)
{
    static const char *const KEYS[] = {"inputs", "name", "payable", NULL};
    char w[64], iw[96], shown[ETH_CLIP_BUF];
    const char *name;
    eth_buf text = {0};
    eth_abi_sig sig = {0};
    snprintf(w, sizeof w, "%scontractMethod.", where);
    const json_t *inputs = NULL;
    int rc = eth_json_only_keys(m, w, KEYS, err);
    if (rc == 0 && !(inputs = eth_json_member(m, w, "inputs", JSON_ARRAY, err)))
        rc = -err->code;
    if (rc == 0)
        rc = eth_json_get_string(m, w, "name", &name, NULL, err);
    if (rc == 0 && json_object_get(m, "payable") && !json_is_boolean(json_object_get(m, "payable")))
        rc = eth_fail(err, ETH_EINVAL, "field '%spayable' must be true or false", w);
    if (rc || strcmp(name, "receive") == 0 || strcmp(name, "fallback") == 0)
        return rc; /* the web app sends no data to these */
    if (!is_identifier(name))
        return eth_fail(err, ETH_EINVAL, "field '%sname' is '%s', not a function name", w,
                        eth_text_clipz(name, shown));
    rc = eth_buf_printf(&text, err, "%s(", name);
    for (size_t i = 0; rc == 0 && i < json_array_size(inputs); i++) {
        snprintf(iw, sizeof iw, "%sinputs[%zu].", w, i);
        rc = eth_buf_append_str(&text, i ? "," : "", err);
        if (rc == 0)
            rc = input_type(json_array_get(inputs, i), iw, &text, err);
    }
    if (rc == 0)
        rc = eth_buf_append_str(&text, ")", err);
    if (rc == 0)
        rc = eth_buf_terminate(&text, err);
    if (rc == 0)
        rc = eth_abi_sig_parse(eth_buf_str(&text), ETH_ABI_STRICT, &sig, err);
    if (rc == 0)
        rc = encode_args(&sig, inputs, values, where, out, err);
    eth_abi_sig_clear(&sig);
    eth_buf_clear(&text);
    return rc;
}

/* ---- import: transactions ---- */

/* Member name of o: an object, or null / absent (*out NULL). */
static int opt_object(const json_t *o, const char *where, const char *name, const json_t **out,
                      eth_error *err)
{
    const json_t *v = json_object_get(o, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    *out = eth_json_member(o, where, name, JSON_OBJECT, err);
    return *out ? 0 : -err->code;
}

static int tx_from_json(const json_t *v, const char *where, kms_tb_tx *t, eth_error *err)
{
    static const char *const KEYS[] = {"to", "value", "data", "contractMethod",
                                       "contractInputsValues", NULL};
    const char *to, *value, *data = NULL;
    const json_t *method = NULL, *values = NULL;
    char what[80];
    if (!json_is_object(v))
        return eth_fail(err, ETH_EINVAL, "field '%.*s' must be an object {\"to\", \"value\", "
                                         "\"data\"}", (int)strlen(where) - 1, where);
    int rc = eth_json_only_keys(v, where, KEYS, err);
    if (rc == 0)
        rc = eth_json_get_string(v, where, "to", &to, NULL, err);
    if (rc == 0)
        rc = address_text(to, field(where, "to", what), t->to, err);
    if (rc == 0)
        rc = eth_json_get_string(v, where, "value", &value, NULL, err);
    if (rc == 0)
        rc = uint_text(value, field(where, "value", what), true, &t->value, err);
    if (rc == 0)
        rc = opt_string(v, where, "data", &data, err);
    if (rc == 0)
        rc = opt_object(v, where, "contractMethod", &method, err);
    if (rc == 0)
        rc = opt_object(v, where, "contractInputsValues", &values, err);
    t->data.limit = KMS_TB_MAX_DATA;
    if (rc == 0 && data && *data)
        rc = hex_text(data, field(where, "data", what), 0, &t->data, err);
    else if (rc == 0 && method)
        rc = encode_method(method, values, where, &t->data, err);
    return rc;
}

static int txs_from_json(const json_t *j, kms_tb_batch *b, eth_error *err)
{
    const json_t *a = eth_json_member(j, "", "transactions", JSON_ARRAY, err);
    if (!a)
        return -err->code;
    size_t n = json_array_size(a);
    if (n == 0)
        return eth_fail(err, ETH_EINVAL, "field 'transactions' is empty: a batch needs at least "
                                         "one transaction");
    if (n > KMS_TB_MAX_TXS)
        return eth_fail(err, ETH_ERANGE, "field 'transactions' holds %zu transactions: at most "
                                         "%d", n, KMS_TB_MAX_TXS);
    b->txs = calloc(n, sizeof *b->txs);
    if (!b->txs)
        return eth_fail(err, ETH_ENOMEM, "out of memory reading %zu transactions", n);
    b->ntxs = n;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char where[40];
        snprintf(where, sizeof where, "transactions[%zu].", i);
        rc = tx_from_json(json_array_get(a, i), where, &b->txs[i], err);
    }
    return rc;
}

int kms_tb_import(const json_t *j, kms_tb_batch *out, bool *checksum_ok, eth_error *err)
{
    static const char *const KEYS[] = {"version", "chainId", "createdAt", "meta",
                                       "transactions", NULL};
    uint8_t sum[32];
    memset(out, 0, sizeof *out);
    *checksum_ok = false;
    int rc = json_is_object(j) ? 0
                               : eth_fail(err, ETH_EINVAL, "a Transaction Builder file must be a "
                                                           "JSON object");
    if (rc == 0)
        rc = eth_json_only_keys(j, "", KEYS, err);
    if (rc == 0)
        rc = check_header(j, &out->chain_id, err);
    if (rc == 0)
        rc = meta_from_json(j, out, err);
    if (rc == 0)
        rc = txs_from_json(j, out, err);
    const json_t *stored = json_object_get(json_object_get(j, "meta"), "checksum");
    if (rc == 0 && json_is_string(stored) && (rc = kms_tb_checksum(j, sum, err)) == 0) {
        char hex[67];
        eth_hex_encode(sum, 32, hex);
        *checksum_ok = strcmp(hex, json_string_value(stored)) == 0;
    }
    if (rc)
        kms_tb_batch_clear(out);
    return rc;
}

int kms_tb_load(const char *path, kms_tb_batch *out, bool *checksum_ok, eth_error *err)
{
    json_t *doc = NULL;
    memset(out, 0, sizeof *out);
    *checksum_ok = false;
    int rc = eth_json_load(path, KMS_TB_MAX_FILE, &doc, err);
    if (rc == 0 && (rc = kms_tb_import(doc, out, checksum_ok, err)) != 0) {
        char shown[ETH_CLIP_BUF];
        rc = eth_error_prefix(err, "%s: ", eth_text_clipz(path, shown));
    }
    json_decref(doc);
    return rc;
}

/* ---- to a Safe transaction ---- */

int kms_tb_safe_tx(const kms_tb_batch *b, const uint8_t multisend[20], kms_safe_tx *out,
                   eth_error *err)
{
    memset(out, 0, sizeof *out);
    if (b->ntxs == 0)
        return eth_fail(err, ETH_EINVAL, "a batch needs at least one transaction");
    if (b->ntxs == 1) {
        memcpy(out->to, b->txs[0].to, 20);
        out->value = b->txs[0].value;
        return eth_buf_append(&out->data, b->txs[0].data.data, b->txs[0].data.len, err);
    }
    kms_tl_call *calls = calloc(b->ntxs, sizeof *calls);
    if (!calls)
        return eth_fail(err, ETH_ENOMEM, "out of memory packing %zu calls", b->ntxs);
    for (size_t i = 0; i < b->ntxs; i++)
        calls[i] = (kms_tl_call){.target = b->txs[i].to, .value = b->txs[i].value,
                                 .data = b->txs[i].data.data, .len = b->txs[i].data.len};
    memcpy(out->to, multisend, 20);
    out->operation = KMS_SAFE_DELEGATECALL;
    int rc = kms_multisend_data(calls, b->ntxs, &out->data, err);
    free(calls);
    if (rc)
        kms_safe_tx_clear(out);
    return rc;
}
