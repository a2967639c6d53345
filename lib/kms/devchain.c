/* devchain.c: anvil's development methods. */
#include "devchain.h"

#include <stdio.h>
#include <stdlib.h>

#include "eth/address.h"
#include "eth/hex.h"

int kms_dev_call(eth_rpc *rpc, const char *method, json_t *params, eth_error *err)
{
    if (!params)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    json_t *result = NULL;
    int rc = eth_rpc_call(rpc, method, params, &result, err);
    json_decref(params);
    json_decref(result);
    return rc;
}

/* The transaction object of kms_dev_send, or NULL when out of memory. */
static json_t *tx_object(const uint8_t from[20], const uint8_t *to, const char *data,
                         uint64_t gas)
{
    char sender[43], target[43], g[24];
    eth_address_checksum(from, sender);
    json_t *o = json_pack("{s:s,s:s}", "from", sender, "data", data);
    if (to)
        eth_address_checksum(to, target);
    if (o && to && json_object_set_new(o, "to", json_string(target)) != 0) {
        json_decref(o);
        return NULL;
    }
    snprintf(g, sizeof g, "0x%llx", (unsigned long long)gas);
    if (o && gas && json_object_set_new(o, "gas", json_string(g)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int kms_dev_send(eth_rpc *rpc, const uint8_t from[20], const uint8_t *to, const uint8_t *data,
                 size_t n, uint64_t gas, uint8_t hash[32], eth_error *err)
{
    char *hex = NULL;
    int rc = eth_hex_encode_alloc(data, n, &hex, err);
    if (rc)
        return rc;
    json_t *tx = tx_object(from, to, hex, gas), *params = tx ? json_pack("[o]", tx) : NULL;
    free(hex);
    if (!params)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    json_t *result = NULL;
    rc = eth_rpc_call(rpc, "eth_sendTransaction", params, &result, err);
    json_decref(params);
    if (rc == 0 && (!json_is_string(result) ||
                    eth_hex_decode_fixed(json_string_value(result), hash, 32, err) != 0))
        rc = eth_fail(err, ETH_ERPC, "eth_sendTransaction: the node answered no transaction hash");
    json_decref(result);
    return rc;
}

int kms_dev_impersonate(eth_rpc *rpc, const uint8_t addr[20], eth_error *err)
{
    char a[43];
    eth_address_checksum(addr, a);
    int rc = kms_dev_call(rpc, "anvil_impersonateAccount", json_pack("[s]", a), err);
    if (rc == 0)
        rc = kms_dev_call(rpc, "anvil_setBalance", json_pack("[ss]", a, "0x100000000000000000000"),
                          err);
    return rc;
}
