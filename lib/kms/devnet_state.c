/* devnet_state.c: a devnet's state.json and the dev-keys file anvil writes. */
#include "internal/devnet_state.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth/address.h"
#include "eth/buf.h"
#include "eth/file.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/text.h"

/* The format of state.json; a reader refuses others. */
#define STATE_VERSION 1
/* Largest state.json or dev-keys file read. */
#define FILE_MAX (1u << 20)

int kms_devnet_join(char *out, const char *dir, const char *name, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    if ((size_t)snprintf(out, KMS_DEVNET_PATH_MAX, "%s/%s", dir, name) >= KMS_DEVNET_PATH_MAX)
        return eth_fail(err, ETH_ERANGE, "devnet dir %s: path is too long",
                        eth_text_clipz(dir, shown));
    return 0;
}

static json_t *state_json(const kms_devnet_state *st)
{
    json_t *accounts = eth_json_address_list((const uint8_t(*)[20])st->accounts, st->naccounts);
    if (!accounts)
        return NULL;
    return json_pack("{s:i,s:i,s:i,s:s,s:I,s:I,s:i,s:I,s:s,s:s,s:s,s:o}", "version",
                     STATE_VERSION, "pid", st->pid, "port", (int)st->port, "url", st->url,
                     "chainId", (json_int_t)st->chain_id, "startedAt", (json_int_t)st->started_at,
                     "blockTime", (int)st->block_time, "procStart", (json_int_t)st->proc_start,
                     "anvil", st->anvil, "keysFile", st->keys_file, "logFile", st->log_file,
                     "accounts", accounts);
}

int kms_devnet_state_write(const char *dir, const kms_devnet_state *st, eth_error *err)
{
    char path[KMS_DEVNET_PATH_MAX];
    int rc = kms_devnet_join(path, dir, KMS_DEVNET_STATE_FILE, err);
    if (rc)
        return rc;
    json_t *doc = state_json(st);
    if (!doc)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    rc = eth_json_save(path, doc, 0600, err);
    json_decref(doc);
    return rc;
}

/* Reads member name of obj, a string, into out[0..cap). */
static int get_text(const json_t *obj, const char *where, const char *name, char *out, size_t cap,
                    eth_error *err)
{
    const char *s;
    size_t n;
    int rc = eth_json_get_string(obj, where, name, &s, &n, err);
    if (rc == 0 && n >= cap)
        rc = eth_fail(err, ETH_EINVAL, "%s%s: longer than %zu bytes", where, name, cap - 1);
    if (rc == 0)
        memcpy(out, s, n + 1);
    return rc;
}

/* Reads an array of address strings into st->accounts. */
static int get_accounts(const json_t *arr, const char *where, kms_devnet_state *st,
                        eth_error *err)
{
    size_t n = json_array_size(arr);
    if (n == 0)
        return eth_fail(err, ETH_EINVAL, "%s: no accounts", where);
    if (n > KMS_DEVNET_MAX_ACCOUNTS)
        return eth_fail(err, ETH_ERANGE, "%s: %zu accounts, more than the %d kmsctl reads", where,
                        n, KMS_DEVNET_MAX_ACCOUNTS);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s || eth_address_parse(s, st->accounts[i], 0, err) != 0)
            return eth_fail(err, ETH_EINVAL, "%s[%zu]: not an address", where, i);
    }
    st->naccounts = n;
    return 0;
}

/* Reads the JSON object in file path into *doc. */
static int read_object(const char *path, json_t **doc, eth_error *err)
{
    eth_buf b = {0};
    int rc = eth_file_read(path, FILE_MAX, &b, NULL, err);
    if (rc == 0)
        rc = eth_json_parse_object((const char *)b.data, b.len, doc, err);
    eth_buf_clear(&b);
    if (rc && err->code == ETH_EINVAL) {
        char shown[ETH_CLIP_BUF];
        return eth_error_prefix(err, "%s: ", eth_text_clipz(path, shown));
    }
    return rc;
}

int kms_devnet_read_keys(const char *path, kms_devnet_state *st, eth_error *err)
{
    json_t *doc = NULL;
    int rc = read_object(path, &doc, err);
    if (rc)
        return rc;
    json_t *arr = eth_json_member(doc, "", "available_accounts", JSON_ARRAY, err);
    rc = arr ? get_accounts(arr, "available_accounts", st, err) : -err->code;
    json_decref(doc);
    return rc;
}

/* Fills st from the parsed state.json doc. */
static int parse_state(const json_t *doc, kms_devnet_state *st, eth_error *err)
{
    uint64_t version = 0, pid = 0, port = 0, chain = 0, started = 0, block_time = 0, start = 0;
    int rc = eth_json_get_uint(doc, "", "version", &version, err);
    if (rc == 0 && version != STATE_VERSION)
        rc = eth_fail(err, ETH_EINVAL, "version %llu: this kmsctl reads version %d",
                      (unsigned long long)version, STATE_VERSION);
    if (rc == 0)
        rc = eth_json_get_uint(doc, "", "pid", &pid, err);
    if (rc == 0 && (pid == 0 || pid > INT_MAX))
        rc = eth_fail(err, ETH_EINVAL, "pid %llu: not a process id", (unsigned long long)pid);
    if (rc == 0)
        rc = eth_json_get_uint(doc, "", "port", &port, err);
    if (rc == 0 && (port == 0 || port > 65535))
        rc = eth_fail(err, ETH_EINVAL, "port %llu: not a TCP port", (unsigned long long)port);
    if (rc == 0)
        rc = eth_json_get_uint(doc, "", "chainId", &chain, err);
    if (rc == 0)
        rc = eth_json_get_uint(doc, "", "startedAt", &started, err);
    if (rc == 0)
        rc = eth_json_get_uint(doc, "", "blockTime", &block_time, err);
    if (rc == 0 && block_time > KMS_DEVNET_MAX_BLOCK_TIME)
        rc = eth_fail(err, ETH_EINVAL, "blockTime %llu: above %u", (unsigned long long)block_time,
                      KMS_DEVNET_MAX_BLOCK_TIME);
    if (rc == 0)
        rc = eth_json_get_uint(doc, "", "procStart", &start, err);
    if (rc == 0)
        rc = get_text(doc, "", "url", st->url, sizeof st->url, err);
    if (rc == 0)
        rc = get_text(doc, "", "anvil", st->anvil, sizeof st->anvil, err);
    if (rc == 0)
        rc = get_text(doc, "", "keysFile", st->keys_file, sizeof st->keys_file, err);
    if (rc == 0)
        rc = get_text(doc, "", "logFile", st->log_file, sizeof st->log_file, err);
    json_t *arr = rc == 0 ? eth_json_member(doc, "", "accounts", JSON_ARRAY, err) : NULL;
    if (rc == 0)
        rc = arr ? get_accounts(arr, "accounts", st, err) : -err->code;
    if (rc)
        return rc;
    st->pid = (int)pid;
    st->port = (unsigned)port;
    st->chain_id = chain;
    st->started_at = (int64_t)started;
    st->block_time = (unsigned)block_time;
    st->proc_start = start;
    return 0;
}

int kms_devnet_load(const char *dir, kms_devnet_state *out, bool *found, eth_error *err)
{
    char path[KMS_DEVNET_PATH_MAX];
    *found = false;
    int rc = kms_devnet_join(path, dir, KMS_DEVNET_STATE_FILE, err);
    if (rc)
        return rc;
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return 0;
    json_t *doc = NULL;
    rc = read_object(path, &doc, err);
    if (rc)
        return rc;
    kms_devnet_state st;
    memset(&st, 0, sizeof st);
    rc = parse_state(doc, &st, err);
    json_decref(doc);
    if (rc) {
        char shown[ETH_CLIP_BUF];
        return eth_error_prefix(err, "%s: ", eth_text_clipz(path, shown));
    }
    *out = st;
    *found = true;
    return 0;
}
