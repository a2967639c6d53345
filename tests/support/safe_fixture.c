/* safe_fixture.c (tests only): Safe v1.4.1 on a test anvil, and 2-of-3 Safes on it. */
#include "safe_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth/address.h"
#include "eth/hex.h"
#include "kms/call.h"
#include "kms/safe_canonical.h"
#include "kms/safe_deploy.h"

/* The keys of anvil's dev accounts 1 to 3, as anvil prints them. */
static const char *const OWNER_KEYS[TEST_SAFE_NOWNERS] = {
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
};

static int fail(const char *what, const eth_error *e)
{
    fprintf(stderr, "safe fixture: %s: %s\n", what, e ? e->msg : "failed");
    return -1;
}

/* The canonical address of the Safe contract named name. */
static int canonical(const char *name, uint8_t out[20])
{
    for (size_t i = 0; i < KMS_SAFE_NCONTRACTS; i++)
        if (strcmp(kms_safe_contract_at(i)->name, name) == 0) {
            kms_safe_contract_address(kms_safe_contract_at(i), out);
            return 0;
        }
    return fail(name, NULL);
}

int test_safe_fixture_start(test_safe_fixture *f)
{
    eth_error e = {0};
    memset(f, 0, sizeof *f);
    if (eth_address_parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", f->dev0, 1, &e))
        return fail("dev account 0", &e);
    for (int i = 0; i < TEST_SAFE_NOWNERS; i++) {
        if (eth_signer_from_hex(OWNER_KEYS[i], strlen(OWNER_KEYS[i]), "test key",
                                &f->owner_key[i], &e))
            return fail("owner key", &e);
        memcpy(f->owners[i], eth_signer_address(f->owner_key[i]), 20);
    }
    if (canonical("Safe", f->singleton) || canonical("SafeProxyFactory", f->factory) ||
        canonical("CompatibilityFallbackHandler", f->handler) ||
        canonical("MultiSendCallOnly", f->multisend))
        return -1;
    if (test_anvil_start(&f->anvil, NULL))
        return -1;
    if (eth_rpc_open(f->anvil.url, NULL, &f->rpc, &e))
        return fail("connecting to anvil", &e);
    if (kms_safe_deploy_devnet(f->rpc, f->dev0, 20000, NULL, NULL, &e))
        return fail("deploying Safe 1.4.1", &e);
    return 0;
}

void test_safe_fixture_stop(test_safe_fixture *f)
{
    eth_rpc_free(f->rpc);
    f->rpc = NULL;
    test_anvil_stop(&f->anvil);
    for (int i = 0; i < TEST_SAFE_NOWNERS; i++) {
        eth_signer_free(f->owner_key[i]);
        f->owner_key[i] = NULL;
    }
}

kms_safe_setup test_safe_two_of_three(const test_safe_fixture *f)
{
    return (kms_safe_setup){.owners = (const uint8_t(*)[20])f->owners,
                            .nowners = TEST_SAFE_NOWNERS, .threshold = 2,
                            .fallback_handler = f->handler};
}

/* Sends the transaction object tx (stolen) and writes its hash to hash. */
static int send_object(test_safe_fixture *f, json_t *tx, uint8_t hash[32])
{
    eth_error e = {0};
    json_t *params = json_pack("[o]", tx), *res = NULL;
    int rc = params ? eth_rpc_call(f->rpc, "eth_sendTransaction", params, &res, &e) : -1;
    json_decref(params);
    if (rc == 0 && !json_is_string(res))
        rc = -1;
    if (rc == 0)
        rc = eth_hex_decode_fixed(json_string_value(res), hash, 32, &e);
    json_decref(res);
    return rc ? fail("eth_sendTransaction", &e) : 0;
}

int test_safe_send(test_safe_fixture *f, const uint8_t from[20], const uint8_t to[20],
                   const uint8_t *data, size_t n, const char *value, eth_receipt *r)
{
    eth_error e = {0};
    char fa[43], ta[43], *hex = NULL;
    uint8_t hash[32];
    bool found = false;
    if (eth_hex_encode_alloc(data, n, &hex, &e))
        return fail("encoding data", &e);
    json_t *tx = json_pack("{s:s,s:s,s:s}", "from", kms_text_addr(from, fa), "to",
                           kms_text_addr(to, ta), "data", hex);
    free(hex);
    if (tx && value)
        json_object_set_new(tx, "value", json_string(value));
    if (!tx || send_object(f, tx, hash))
        return -1;
    for (int i = 0; i < 200 && !found; i++) { /* anvil mines right after it answers */
        if (eth_rpc_get_receipt(f->rpc, hash, r, &found, NULL, &e))
            return fail("eth_getTransactionReceipt", &e);
        if (!found)
            usleep(10000);
    }
    if (!found || !r->status)
        return fail(found ? "the transaction reverted" : "no receipt", NULL);
    return 0;
}

/* Fails unless the account at addr holds code. */
static int has_code(test_safe_fixture *f, const uint8_t addr[20])
{
    eth_buf code = {0};
    eth_error e = {0};
    int rc = eth_rpc_get_code(f->rpc, addr, "latest", &code, &e) ? fail("eth_getCode", &e) : 0;
    if (rc == 0 && code.len == 0)
        rc = fail("no Safe at the address kms_safe_proxy_address predicted", NULL);
    eth_buf_clear(&code);
    return rc;
}

int test_safe_create(test_safe_fixture *f, uint64_t salt, uint8_t out[20])
{
    kms_safe_setup s = test_safe_two_of_three(f);
    return test_safe_create_with(f, &s, salt, out);
}

int test_safe_create_with(test_safe_fixture *f, const kms_safe_setup *s, uint64_t salt,
                          uint8_t out[20])
{
    eth_buf init = {0}, create = {0};
    eth_error e = {0};
    eth_receipt r;
    u256 nonce = u256_from_u64(salt);
    int rc = kms_safe_setup_data(s, &init, &e);
    if (rc == 0)
        rc = kms_safe_create_data(f->singleton, init.data, init.len, &nonce, &create, &e);
    if (rc == 0)
        rc = kms_safe_proxy_address(f->factory, f->singleton, init.data, init.len, &nonce, out,
                                    &e);
    if (rc)
        rc = fail("Safe creation calldata", &e);
    if (rc == 0)
        rc = test_safe_send(f, f->dev0, f->factory, create.data, create.len, NULL, &r);
    if (rc == 0)
        rc = has_code(f, out);
    if (rc == 0)
        rc = test_safe_send(f, f->dev0, out, NULL, 0, "0xde0b6b3a7640000", &r);
    eth_buf_clear(&init);
    eth_buf_clear(&create);
    return rc;
}
