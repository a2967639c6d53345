/* safe_deploy.c: Safe v1.4.1 through the Safe singleton factory on a dev chain. */
#include "safe_deploy.h"

#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "devchain.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/rpc_eth.h"
#include "internal/clock.h"

/* Gives the factory address the proxy's runtime code, unless it already has that code. */
static int install_factory(eth_rpc *rpc, const kms_progress *progress, eth_error *err)
{
    eth_buf proxy = {0}, factory = {0};
    char *hex = NULL, addr[43];
    int rc = eth_rpc_get_code(rpc, KMS_CREATE2_PROXY, "latest", &proxy, err);
    if (rc == 0)
        rc = eth_rpc_get_code(rpc, KMS_SAFE_FACTORY, "latest", &factory, err);
    eth_address_checksum(KMS_SAFE_FACTORY, addr);
    if (rc == 0 && proxy.len == 0)
        rc = eth_fail(err, ETH_ESTATE, "the chain has no deterministic deployment proxy at "
                                       "0x4e59b44847b379578588920cA78FbF26c0B4956C: is it anvil?");
    if (rc == 0 && factory.len > 0 &&
        (factory.len != proxy.len || memcmp(factory.data, proxy.data, proxy.len) != 0))
        rc = eth_fail(err, ETH_ESTATE, "the Safe singleton factory's address %s holds other "
                                       "code (%zu bytes): not a chain kmsctl can set up", addr,
                      factory.len);
    if (rc == 0 && factory.len == 0) {
        kms_progress_say(progress, "installing the Safe singleton factory at %s", addr);
        rc = eth_hex_encode_alloc(proxy.data, proxy.len, &hex, err);
        if (rc == 0)
            rc = kms_dev_call(rpc, "anvil_setCode", json_pack("[ss]", addr, hex), err);
    }
    free(hex);
    eth_buf_clear(&proxy);
    eth_buf_clear(&factory);
    return rc;
}

/* Sends c's creation code through the factory from from; *hash gets the transaction. */
static int send_creation(eth_rpc *rpc, const kms_safe_contract *c, const uint8_t from[20],
                         uint8_t hash[32], eth_error *err)
{
    uint8_t at[20], canonical[20];
    int rc = kms_safe_create2_of(c, at, err);
    if (rc)
        return rc;
    kms_safe_contract_address(c, canonical);
    if (memcmp(at, canonical, 20) != 0) {
        char shown[43];
        eth_address_checksum(at, shown);
        return eth_fail(err, ETH_ESTATE, "%s: the embedded creation code lands at %s, not at the "
                                         "canonical %s: the artifact is not Safe v1.4.1's",
                        c->name, shown, c->address);
    }
    const kms_artifact *a = kms_artifact_find(c->name); /* present: kms_safe_create2_of */
    eth_buf data = {0};
    rc = eth_buf_fill(&data, 0, 32, err); /* the zero salt, then the creation code */
    if (rc == 0)
        rc = eth_buf_append(&data, a->bytecode, a->bytecode_len, err);
    if (rc == 0)
        rc = kms_dev_send(rpc, from, KMS_SAFE_FACTORY, data.data, data.len, 0, hash, err);
    eth_buf_clear(&data);
    return rc ? eth_error_prefix(err, "deploying %s: ", c->name) : 0;
}

/* Waits until every receipt is in (each must show success), up to timeout_ms in all. */
static int await_receipts(eth_rpc *rpc, const size_t *which, uint8_t (*hash)[32], size_t n,
                          long timeout_ms, eth_error *err)
{
    int64_t deadline = kms_now_ms() + timeout_ms;
    for (size_t k = 0; k < n;) {
        eth_receipt r;
        bool found = false;
        int rc = eth_rpc_get_receipt(rpc, hash[k], &r, &found, NULL, err);
        if (rc)
            return rc;
        const char *name = kms_safe_contract_at(which[k])->name;
        if (found && !r.status) {
            char h[67];
            eth_hex_encode(hash[k], 32, h);
            return eth_fail(err, ETH_ESTATE, "deploying %s: transaction %s reverted", name, h);
        }
        if (found) {
            k++;
            continue;
        }
        if (kms_now_ms() >= deadline)
            return eth_fail(err, ETH_ETIMEOUT, "deploying %s: no receipt after %ld ms (is the "
                                               "chain mining?)", name, timeout_ms);
        kms_sleep_ms(50);
    }
    return 0;
}

/* Fails naming the first contract that is not in place (missing_ok: only other code fails). */
static int require_all(const kms_safe_check *check, bool missing_ok, eth_error *err)
{
    for (size_t i = 0; i < KMS_SAFE_NCONTRACTS; i++) {
        const kms_safe_contract *c = kms_safe_contract_at(i);
        if (check->matches[i] || (missing_ok && !check->has_code[i]))
            continue;
        return eth_fail(err, ETH_ESTATE, "%s %s: %s", c->name, c->address,
                        check->has_code[i] ? "holds other code than Safe v1.4.1's"
                                           : "has no code after its deployment");
    }
    return 0;
}

int kms_safe_deploy_devnet(eth_rpc *rpc, const uint8_t from[20], long timeout_ms,
                           const kms_progress *progress, kms_safe_check *check, eth_error *err)
{
    kms_safe_check before, after;
    int rc = kms_safe_canonical_check(rpc, "latest", &before, err);
    if (rc == 0)
        rc = require_all(&before, true, err); /* refuse to build on foreign code */
    if (rc == 0 && before.nmatch < KMS_SAFE_NCONTRACTS)
        rc = install_factory(rpc, progress, err);
    size_t which[KMS_SAFE_NCONTRACTS], n = 0;
    uint8_t hash[KMS_SAFE_NCONTRACTS][32];
    for (size_t i = 0; rc == 0 && i < KMS_SAFE_NCONTRACTS; i++) {
        if (before.matches[i])
            continue;
        const kms_safe_contract *c = kms_safe_contract_at(i);
        kms_progress_say(progress, "deploying %s at %s", c->name, c->address);
        rc = send_creation(rpc, c, from, hash[n], err);
        which[n++] = i;
    }
    if (rc == 0)
        rc = await_receipts(rpc, which, hash, n, timeout_ms, err);
    if (rc == 0)
        rc = kms_safe_canonical_check(rpc, "latest", &after, err);
    if (rc == 0)
        rc = require_all(&after, false, err);
    if (rc == 0 && check)
        *check = after;
    return rc;
}
